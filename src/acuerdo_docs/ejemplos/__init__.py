"""Ejemplos incorporados: datos de muestra (JSON en esta carpeta) y su generación."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _ficha(carpeta: Path) -> list[Path]:
    from ..documentos.ficha import ejemplo_ficha, generar_ficha

    practica = ejemplo_ficha()
    return [
        generar_ficha(practica, carpeta / "ficha_acuerdo_simbolico.docx"),
        generar_ficha(practica, carpeta / "ficha_acuerdo_simbolico_publica.docx", publico=True),
    ]


GENERADORES: dict[str, Callable[[Path], list[Path]]] = {"ficha": _ficha}
"""Cada tipo de documento registra aquí cómo escribe sus ejemplos."""


def _acuerdo(carpeta: Path) -> list[Path]:
    from ..documentos.acuerdo import ejemplo_acuerdo, generar_acuerdo

    acuerdo = ejemplo_acuerdo()  # trae fecha_corte: los estados no cambian con el reloj
    return [
        generar_acuerdo(acuerdo, carpeta / "acuerdo_simbolico.docx"),
        generar_acuerdo(acuerdo, carpeta / "acuerdo_simbolico_publico.docx", publico=True),
    ]


GENERADORES["acuerdo"] = _acuerdo


def _riesgos(carpeta: Path) -> list[Path]:
    from ..documentos.acuerdo import ejemplo_acuerdo
    from ..documentos.matriz import generar_matriz_riesgos

    acuerdo = ejemplo_acuerdo()
    return [generar_matriz_riesgos(acuerdo, carpeta / "acuerdo_simbolico_riesgos.xlsx",
                                         referencia=acuerdo.fecha_referencia())]


GENERADORES["riesgos"] = _riesgos


CATALOGO_EJEMPLO = "catalogo_buenas_practicas"


def _catalogo(carpeta: Path) -> list[Path]:
    """Un catálogo con valoraciones de las tres formas: en el JSON de la práctica, desde Python y en el libro.

    Las fichas salen de datos del paquete (la ficha de la semilla como .docx y ``catalogo_ejemplo.json``);
    se escribe en una carpeta temporal y se copia: regenerar el ejemplo no lee el catálogo anterior.
    """
    import json
    import tempfile
    from datetime import date

    from ..documentos.catalogo import generar_catalogo
    from ..documentos.ficha import ejemplo_ficha, renderizar_ficha
    from ..esquemas.valoracion import CRITERIOS, Criterio, Valoracion
    from ..rutas import carpeta_ejemplos
    from ..salida.archivos import escribir_atomico

    justificaciones = {
        "sencilla": "Una reunión y una lista de compromisos.",
        "pertinente": "Responde a la falta de reglas claras entre actores de un reto.",
        "replicable": "Otros laboratorios de innovación pueden usarlo sin cambios.",
        "genera_solucion": "Acota el alcance y las responsabilidades desde el arranque.",
        "resultados_medibles": "La hoja de ruta muestra los compromisos cumplidos por entidad.",
        "mejora_eficiencia": "Menos reprocesos por expectativas no acordadas.",
        "sostenible": "Se usa en cada reto del laboratorio desde 2020.",
    }
    desde_python = Valoracion(
        **{c: Criterio(respuesta="Sí", justificacion=justificaciones[c]) for c in CRITERIOS},
        evaluador="Comité de gestión del conocimiento", fecha=date(2024, 4, 10),
    )
    practicas = json.loads((carpeta_ejemplos() / "catalogo_ejemplo.json").read_text(encoding="utf-8"))
    escritos: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="catalogo_ejemplo_") as temporal:
        fichas = Path(temporal) / "fichas"
        escribir_atomico(fichas / "2023" / "acuerdo_simbolico.docx", renderizar_ficha(ejemplo_ficha()),
                         sincronizar=False)
        for i, practica in enumerate(practicas, start=1):
            escribir_atomico(fichas / "2024" / f"practica_{i}.json",
                             json.dumps(practica, ensure_ascii=False).encode("utf-8"), sincronizar=False)
        valoraciones = {"2023/acuerdo_simbolico.docx": desde_python}
        salidas = Path(temporal) / "salidas"
        libro = generar_catalogo(fichas, salidas / f"{CATALOGO_EJEMPLO}.xlsx", valoraciones=valoraciones)
        abiertos = generar_catalogo(fichas, salidas / f"{CATALOGO_EJEMPLO}.csv", valoraciones=valoraciones)
        for ruta in [*libro.escritos, *abiertos.escritos]:
            escritos.append(escribir_atomico(carpeta / ruta.name, ruta.read_bytes()) or carpeta / ruta.name)
    return escritos


GENERADORES["catalogo"] = _catalogo


ENTRADAS: dict[str, str] = {
    "ficha_acuerdo_simbolico.json": "ficha_acuerdo_simbolico.json",
    "acuerdo_ejemplo.json": "acuerdo_simbolico.json",
    "riesgos_ejemplo.json": "riesgos.json",
}
"""Archivo incorporado → nombre con que ``acuerdo-docs ejemplo`` lo escribe (una entrada para copiar y editar)."""


def _entradas(carpeta: Path) -> list[Path]:
    from ..salida.archivos import escribir_atomico

    origen = Path(__file__).parent
    escritos: list[Path] = []
    for nombre, destino in ENTRADAS.items():
        escribir_atomico(carpeta / destino, (origen / nombre).read_bytes())
        escritos.append(carpeta / destino)
    return escritos


GENERADORES["entradas"] = _entradas


def _infografias(carpeta: Path) -> list[Path]:
    from ..documentos.acuerdo import ejemplo_acuerdo
    from ..documentos.ficha import ejemplo_ficha
    from ..documentos.infografia import generar_infografia

    escritos: list[Path] = []
    for modelo, nombre in ((ejemplo_acuerdo(), "acuerdo_simbolico"), (ejemplo_ficha(), "ficha_acuerdo_simbolico")):
        for formato in ("pdf", "png"):
            escritos.append(generar_infografia(modelo, carpeta / f"{nombre}_infografia.{formato}"))
    return escritos


GENERADORES["infografia"] = _infografias


ValorJson = str | int | float | bool | None
"""Un valor escalar de JSON (lo que trae el guion de ``seguimiento_ejemplo.json`` para una celda)."""


def _editar_libro(ruta: Path, cambios: dict[str, dict[str, dict[str, ValorJson]]], destino: Path) -> None:
    """Lo que haría el equipo en Excel: cambia celdas de la matriz y de la hoja de ruta por sus títulos."""
    from datetime import date

    from openpyxl import load_workbook

    from ..salida.excel import hoja_de_calculo

    libro = load_workbook(ruta)
    for hoja, clave_titulo, filas in (("Matriz", "Referencia", cambios["riesgos"]),
                                      ("Hoja de ruta", "Actividad", cambios["hitos"])):
        ws = hoja_de_calculo(libro[hoja])
        fila_t = next(n for n, f in enumerate(ws.iter_rows(max_row=30, values_only=True), start=1)
                      if clave_titulo in f)
        columnas = {c.value: c.column for c in ws[fila_t] if isinstance(c.value, str)}
        for fila in range(fila_t + 1, ws.max_row + 1):
            clave = ws.cell(fila, columnas[clave_titulo]).value
            if not isinstance(clave, str):
                continue
            for titulo, valor in filas.get(clave, {}).items():
                celda = ws.cell(fila, columnas[titulo])
                if isinstance(valor, str) and valor[:4].isdigit() and valor[4:5] == "-":
                    celda.value = date.fromisoformat(valor)
                else:
                    celda.value = valor
    import io

    from ..salida.archivos import escribir_atomico

    buffer = io.BytesIO()
    libro.save(buffer)
    escribir_atomico(destino, buffer.getvalue(), sincronizar=False)


def _seguimiento(carpeta: Path) -> list[Path]:
    """Dos cortes del acuerdo de ejemplo: cada uno parte de lo que dejó el anterior."""
    import json
    import tempfile
    from datetime import date

    from ..documentos.acuerdo import ejemplo_acuerdo
    from ..rutas import carpeta_ejemplos
    from ..salida.archivos import publicar_carpeta
    from ..seguimiento import registrar_corte

    guion = json.loads((carpeta_ejemplos() / "seguimiento_ejemplo.json").read_text(encoding="utf-8"))
    acuerdo = ejemplo_acuerdo()
    escritos: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        libro = Path(tmp) / "matriz.xlsx"
        from ..documentos.matriz import generar_matriz_riesgos

        generar_matriz_riesgos(acuerdo, libro)
        # La serie de cortes se rehace entera aparte y cada carpeta de corte se pone en su sitio de un paso:
        # un acuerdo que parte de cero no puede registrar cortes en una carpeta que ya tiene los siguientes.
        serie = Path(tmp) / "seguimiento"
        for n, corte in enumerate(guion["cortes"]):
            editado = Path(tmp) / f"editado_{n}.xlsx"
            _editar_libro(libro, corte, editado)
            resultado = registrar_corte(acuerdo, editado, date.fromisoformat(corte["fecha"]), serie)
            acuerdo, libro = resultado.acuerdo, resultado.carpeta / "matriz_riesgos.xlsx"
            archivos = {ruta.name: ruta.read_bytes() for ruta in resultado.archivos}
            escritos += publicar_carpeta(archivos, carpeta / "seguimiento" / resultado.carpeta.name)
    return escritos


GENERADORES["seguimiento"] = _seguimiento


def generar_ejemplos(carpeta: Path) -> list[Path]:
    # Sin mkdir aquí: la escritura atómica crea la carpeta (y da un error en español si no puede).
    escritos: list[Path] = []
    for generar in GENERADORES.values():
        escritos.extend(p for p in generar(carpeta) if p is not None)
    return escritos
