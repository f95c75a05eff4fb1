"""Límites de las entradas (``limites_entrada``): cada entrada tiene tope, y pasarlo da un mensaje claro.

Se prueba la clase, no el caso: cada lector de libros lee en flujo y se detiene al pasar su límite,
nombrando la hoja y el límite; ninguna hoja oculta se lee en lugar de la visible.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

import acuerdo_docs as ad
from acuerdo_docs import limites_entrada
from acuerdo_docs.errores import ErrorEntrada
from acuerdo_docs.lectores import matriz_xlsx
from acuerdo_docs.lectores.matriz_xlsx import leer_matriz


def _matriz(tmp_path: Path) -> Path:
    ruta = tmp_path / "matriz.xlsx"
    ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), ruta)
    return ruta


def _titulos(ws: openpyxl.worksheet.worksheet.Worksheet, requerido: str) -> tuple[int, dict[str, int]]:
    for fila in ws.iter_rows(min_row=1, max_row=40):
        textos = {str(c.value).strip(): c.column for c in fila if isinstance(c.value, str)}
        if requerido in textos:
            return fila[0].row, textos
    raise AssertionError(requerido)


def _con_riesgos(origen: Path, destino: Path, cantidad: int) -> Path:
    """El libro con ``cantidad`` filas de riesgos más (id y descripción), como las pegaría alguien."""
    libro = openpyxl.load_workbook(origen)
    ws = libro["Matriz"]
    fila, cols = _titulos(ws, "Referencia")
    inicio = ws.max_row + 1
    for i in range(cantidad):
        ws.cell(inicio + i, cols["Referencia"], f"X{i}")
        ws.cell(inicio + i, cols["Descripción del riesgo"], "Riesgo pegado")
    libro.save(destino)
    return destino


def test_filas_de_riesgos_sobre_el_limite_se_rechazan_nombrando_hoja_y_limite(tmp_path: Path) -> None:
    # Límite real (1.000): el libro trae 1.200 filas de riesgos; se detiene en la 1.001.ª con datos.
    ruta = _con_riesgos(_matriz(tmp_path), tmp_path / "grande.xlsx", 1_200)
    with pytest.raises(ErrorEntrada) as exc:
        leer_matriz(ruta)
    mensaje = str(exc.value)
    assert "«Matriz»" in mensaje and "1.000 filas de riesgos" in mensaje
    assert "plantilla" not in mensaje.lower()


def test_el_limite_de_filas_se_aplica_a_la_hoja_de_ruta(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matriz_xlsx, "LIMITE_HITOS", 2)
    with pytest.raises(ErrorEntrada, match=r"«Hoja de ruta» tiene más de 2 filas de hitos"):
        leer_matriz(_matriz(tmp_path))


def test_seguimiento_rechaza_la_matriz_enorme_sin_culpar_a_la_plantilla(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import cli

    ruta = _con_riesgos(_matriz(tmp_path), tmp_path / "grande.xlsx", 1_100)
    acuerdo = tmp_path / "acuerdo.json"
    acuerdo.write_text(ad.ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    r = cli("seguimiento", str(acuerdo), str(ruta), "-o", str(tmp_path / "cortes"), "--corte", "2024-03-01")
    assert r.returncode == 2, r.stderr
    assert "«Matriz»" in r.stderr and "1.000" in r.stderr and "Traceback" not in r.stderr
    assert "plantilla" not in r.stderr.lower()
    assert not (tmp_path / "cortes").exists() or not any((tmp_path / "cortes").iterdir())


def test_una_hoja_oculta_nunca_se_lee_en_lugar_de_la_visible(tmp_path: Path) -> None:
    # La hoja «Matriz» queda oculta con otros datos y la visible se llama distinto (renombrada).
    origen = _matriz(tmp_path)
    libro = openpyxl.load_workbook(origen)
    visible = libro["Matriz"]
    visible.title = "Matriz revisada"
    falsa = libro.copy_worksheet(visible)
    falsa.title = "Matriz"
    fila, cols = _titulos(falsa, "Referencia")
    falsa.cell(fila + 1, cols["Descripción del riesgo"], "Texto que nadie ve")
    falsa.sheet_state = "veryHidden"
    libro.save(tmp_path / "oculta.xlsx")
    datos = leer_matriz(tmp_path / "oculta.xlsx")
    assert "Texto que nadie ve" not in {r.descripcion for r in datos.riesgos}
    assert any(c.startswith("Matriz revisada!") for c in datos.celdas.values())
    assert not any(c.startswith("Matriz!") for c in datos.celdas.values())


def test_si_la_unica_hoja_con_el_nombre_esta_oculta_se_rechaza(tmp_path: Path) -> None:
    from acuerdo_docs.lectores.hoja_calculo import elegir_hoja

    assert elegir_hoja("a.xlsx", [("fichas", True), ("Fichas", False)], "FICHAS") == "Fichas"
    with pytest.raises(ErrorEntrada, match=r"a\.xlsx: la hoja «fichas» está oculta"):
        elegir_hoja("a.xlsx", [("fichas", True), ("Otra", False)], "Fichas")
    assert elegir_hoja("a.xlsx", [("Otra", False)], "Fichas") is None


def test_lote_no_lee_la_hoja_de_datos_oculta(tmp_path: Path) -> None:
    from conftest import cli

    from test_lote import fila_base, libro_fichas

    ruta = libro_fichas(tmp_path, [fila_base(1)])
    libro = openpyxl.load_workbook(ruta)
    libro["fichas"].sheet_state = "veryHidden"
    libro.create_sheet("Visible")
    libro.active = len(libro.sheetnames) - 1
    libro.save(ruta)
    r = cli("lote", str(ruta), "-o", str(tmp_path / "salida"))
    assert r.returncode == 2 and "la hoja «fichas» está oculta" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "salida").exists()


def test_recortar_resume_listas_y_textos_largos() -> None:
    recortar = limites_entrada.recortar
    assert recortar("corto") == "corto"
    largo = recortar("x" * 10_000_000)
    assert len(largo) <= limites_entrada.LARGO_ECO and "10000000 caracteres" in largo
    assert recortar(list(range(10**6))) == "[lista de 1000000 elemento(s)]"
    assert recortar({"a": 1}) == "{objeto con 1 clave(s)}"


def _catalogo(tmp_path: Path) -> Path:
    from acuerdo_docs import ejemplo_ficha, renderizar_ficha
    from acuerdo_docs.documentos.catalogo import generar_catalogo

    raiz = tmp_path / "fichas"
    raiz.mkdir()
    (raiz / "A.docx").write_bytes(renderizar_ficha(ejemplo_ficha()))
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(raiz, destino)
    return destino


def test_catalogo_con_dos_columnas_del_mismo_titulo_se_rechaza(tmp_path: Path) -> None:
    from acuerdo_docs.lectores.catalogo_xlsx import TITULO_NOTAS, leer_catalogo

    ruta = _catalogo(tmp_path)
    libro = openpyxl.load_workbook(ruta)
    ws = libro["Catálogo"]
    ws.cell(1, ws.max_column + 1, TITULO_NOTAS.upper())  # mismo título (sin mayúsculas ni tildes)
    libro.save(ruta)
    antes = ruta.read_bytes()
    with pytest.raises(ErrorEntrada, match=r"hoja «Catálogo»: las columnas [A-Z]+ y [A-Z]+ tienen el mismo título"):
        leer_catalogo(ruta)
    assert ruta.read_bytes() == antes


def test_catalogo_con_la_hoja_oculta_se_rechaza(tmp_path: Path) -> None:
    from acuerdo_docs.lectores.catalogo_xlsx import leer_catalogo

    ruta = _catalogo(tmp_path)
    libro = openpyxl.load_workbook(ruta)
    libro["Catálogo"].sheet_state = "veryHidden"
    libro.create_sheet("Otra")
    libro.active = len(libro.sheetnames) - 1
    libro.save(ruta)
    with pytest.raises(ErrorEntrada, match="la hoja «Catálogo» está oculta"):
        leer_catalogo(ruta)


# ------------------------------------------------------------------ números no finitos

NO_FINITOS = [float("inf"), float("-inf"), float("nan"), "inf", "1e999", "nan", "Infinity"]


def test_todos_los_modelos_rechazan_numeros_no_finitos() -> None:
    # La clase: toda configuración de modelo de los esquemas lleva NUMEROS_FINITOS.
    import importlib
    import pkgutil

    from pydantic import BaseModel

    import acuerdo_docs.esquemas as esquemas

    modelos = set()
    for info in pkgutil.iter_modules(esquemas.__path__):
        modulo = importlib.import_module(f"acuerdo_docs.esquemas.{info.name}")
        modelos |= {v for v in vars(modulo).values()
                    if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__.startswith("acuerdo_docs")}
    assert len(modelos) > 20
    sin = sorted(m.__name__ for m in modelos if m.model_config.get("allow_inf_nan") is not False)
    assert not sin, f"modelos que aceptan inf/nan: {sin}"


@pytest.mark.parametrize("valor", NO_FINITOS)
def test_avance_no_finito_en_json_da_error_del_campo(valor: object) -> None:
    from acuerdo_docs.errores import ErrorValidacion, validar
    from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico

    datos = ad.ejemplo_acuerdo().model_dump(mode="json")
    datos["hoja_de_ruta"][0]["avance"] = valor
    with pytest.raises(ErrorValidacion) as exc:
        validar(AcuerdoSimbolico, datos)
    assert [str(e) for e in exc.value.errores] == [
        "hoja_de_ruta[1].avance (Avance (%)): "
        + ("debe ser un número finito (no se admiten inf, 1e999 ni nan)" if isinstance(valor, float)
           else "debe ser un número entero")
    ]


def test_porcentaje_no_finito_en_un_metodo_da_error_del_campo() -> None:
    from acuerdo_docs.errores import ErrorValidacion
    import json

    from acuerdo_docs.esquemas.metodo_riesgo import ARCHIVO_METODO, cargar_metodo

    datos = json.loads(ARCHIVO_METODO.read_text(encoding="utf-8"))
    datos["tipos_control"][0]["peso"] = float("nan")
    with pytest.raises(ErrorValidacion, match=r"tipos_control\[1\]\.peso \(peso\): debe ser un número finito"):
        cargar_metodo(datos)


def _cambiar_numero(ruta: Path, centinela: int, numero: str) -> None:
    """Escribe ``numero`` tal cual en el XML de la celda numérica (Excel guarda 1e999 o NaN si se edita el XML)."""
    import zipfile

    with zipfile.ZipFile(ruta) as zf:
        partes = {i.filename: zf.read(i.filename) for i in zf.infolist()}
    cambiadas = 0
    for nombre, contenido in partes.items():
        if nombre.startswith("xl/worksheets/") and f"<v>{centinela}</v>".encode() in contenido:
            partes[nombre] = contenido.replace(f"<v>{centinela}</v>".encode(), f"<v>{numero}</v>".encode())
            cambiadas += 1
    assert cambiadas == 1
    with zipfile.ZipFile(ruta, "w") as zf:
        for nombre, contenido in partes.items():
            zf.writestr(nombre, contenido)


def test_nan_en_una_celda_numerica_da_error_de_la_hoja_sin_traza(tmp_path: Path) -> None:
    # openpyxl no lee «NaN» como número: la hoja se informa dañada (ErrorEntrada), nunca con una traza.
    origen = _matriz(tmp_path)
    libro = openpyxl.load_workbook(origen)
    ws = libro["Hoja de ruta"]
    fila, cols = _titulos(ws, "Actividad")
    ws.cell(fila + 1, cols["Avance"], 987654321)
    libro.save(origen)
    _cambiar_numero(origen, 987654321, "NaN")
    with pytest.raises(ErrorEntrada, match="la hoja «Hoja de ruta» está dañada"):
        leer_matriz(origen)


@pytest.mark.parametrize("valor", ["<v>1e999</v>", "<v>-1e999</v>", "<v>1E400</v>", "inf", "1e999", "nan", "-1e999 %"])
def test_avance_no_finito_en_la_matriz_editada_nombra_la_celda(tmp_path: Path, valor: str) -> None:
    from acuerdo_docs.errores import ErrorValidacion

    origen = _matriz(tmp_path)
    libro = openpyxl.load_workbook(origen)
    ws = libro["Hoja de ruta"]
    fila, cols = _titulos(ws, "Actividad")
    ws.cell(fila + 1, cols["Avance"], 987654321 if valor.startswith("<v>") else valor)
    libro.save(origen)
    if valor.startswith("<v>"):  # una celda numérica con un número que no es finito
        _cambiar_numero(origen, 987654321, valor[3:-4])
    with pytest.raises(ErrorValidacion) as exc:
        leer_matriz(origen)
    (error,) = exc.value.errores
    assert error.ruta == f"Hoja de ruta!{openpyxl.utils.get_column_letter(cols['Avance'])}{fila + 1}"
    assert "número" in error.mensaje


def test_cli_con_1e999_en_un_avance_sale_con_1_y_nombra_el_campo(tmp_path: Path) -> None:
    from conftest import cli

    import json

    datos = json.loads(ad.ejemplo_acuerdo().model_dump_json())
    datos["hoja_de_ruta"][0]["avance"] = "AVANCE"
    entrada = tmp_path / "a.json"
    entrada.write_text(json.dumps(datos).replace('"AVANCE"', "1e999"), encoding="utf-8")
    r = cli("acuerdo", str(entrada), "-o", str(tmp_path / "a.docx"))
    assert r.returncode == 1, r.stderr
    assert "hoja_de_ruta[1].avance" in r.stderr and "finito" in r.stderr and "Traceback" not in r.stderr


# ------------------------------------------------------------------ --metodo


def _metodo_datos() -> dict:
    import json

    from acuerdo_docs.esquemas.metodo_riesgo import ARCHIVO_METODO

    return json.loads(ARCHIVO_METODO.read_text(encoding="utf-8"))


def test_metodo_anidado_sin_fin_da_error_de_entrada_no_recursion(tmp_path: Path) -> None:
    from conftest import cli

    ruta = tmp_path / "metodo.json"
    ruta.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    acuerdo = tmp_path / "a.json"
    acuerdo.write_text(ad.ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    r = cli("riesgos", str(acuerdo), "-o", str(tmp_path / "m.xlsx"), "--metodo", str(ruta))
    assert r.returncode == 2 and "Traceback" not in r.stderr and "RecursionError" not in r.stderr
    assert "anida listas u objetos a más de 64 niveles" in r.stderr
    assert not (tmp_path / "m.xlsx").exists()


def test_metodo_demasiado_grande_se_rechaza_antes_de_leerlo(tmp_path: Path) -> None:
    from acuerdo_docs.esquemas.metodo_riesgo import cargar_metodo

    ruta = tmp_path / "metodo.json"
    ruta.write_text(" " * (limites_entrada.LIMITE_BYTES_METODO + 1), encoding="utf-8")
    with pytest.raises(ErrorEntrada, match="pesa más de 1 MB"):
        cargar_metodo(ruta)


def test_listas_de_un_metodo_tienen_tope_y_el_error_no_repite_la_lista() -> None:
    from acuerdo_docs.errores import ErrorValidacion
    from acuerdo_docs.esquemas.metodo_riesgo import cargar_metodo

    datos = _metodo_datos()
    datos["clasificaciones"] = [f"Clase {i}" for i in range(1_000_000)]
    datos["tipos_riesgo"][0]["sinonimos"] = ["x"] * 100_000
    with pytest.raises(ErrorValidacion) as exc:
        cargar_metodo(datos)
    mensaje = str(exc.value)
    assert "clasificaciones: admite como máximo 50 elemento(s)" in mensaje
    assert len(mensaje) < 1_000 and "Clase 999" not in mensaje


def test_un_nombre_enorme_no_se_repite_entero() -> None:
    from acuerdo_docs.errores import ErrorValidacion
    from acuerdo_docs.esquemas.metodo_riesgo import cargar_metodo

    datos = _metodo_datos()
    datos["mapa_calor"][0][0] = "Gris" + "x" * 10_000_000
    with pytest.raises(ErrorValidacion, match=r"mapa_calor\[1\]\[1\].*admite como máximo 80 caracteres") as exc:
        cargar_metodo(datos)
    assert len(str(exc.value)) < 2_000
    datos["mapa_calor"][0][0] = "Gris" + "x" * 76  # cabe en el límite, pero no es una zona: se cita recortado
    with pytest.raises(ErrorValidacion, match="nombra la zona «Grisx+… \\(80 caracteres\\)»"):
        cargar_metodo(datos)


def test_los_errores_de_validacion_se_cuentan_pasado_el_cupo() -> None:
    from acuerdo_docs.errores import ErrorCampo, ErrorValidacion

    exc = ErrorValidacion([ErrorCampo(f"x[{i}]", "", "mal" + "!" * 10_000) for i in range(10_000)])
    texto = str(exc)
    assert texto.count("\n  - ") == limites_entrada.ERRORES_MOSTRADOS
    assert texto.endswith(f"… y {10_000 - limites_entrada.ERRORES_MOSTRADOS} error(es) más")
    assert len(exc.errores) == 10_000 and len(texto) < 50_000


# ------------------------------------------------------------------ plantillas propias


def _plantilla_con_campos(tmp_path: Path, campos: int) -> Path:
    from apoyo_seguridad import plantilla_modificada
    from test_plantillas_propias import NOMBRE

    return plantilla_modificada(tmp_path / "muchos.docx", {NOMBRE: "{{ practica.nombre }}" * campos})


def test_plantilla_con_300000_campos_se_rechaza_antes_de_compilarla(tmp_path: Path) -> None:
    # 300.000 campos (unos 60 KB comprimidos) tardaban minutos y gigas; ahora se cuentan antes de analizar.
    from acuerdo_docs.documentos.tipos_plantilla import verificar_plantilla

    plantilla = _plantilla_con_campos(tmp_path, 300_000)
    informe = verificar_plantilla(plantilla)
    assert not informe.valida
    (error,) = informe.errores
    import re

    assert re.search(r"tiene 300\.\d{3} campos y bloques; el máximo es 20\.000", error) and "anidad" not in error


def test_el_plazo_de_la_verificacion_cubre_analizar_y_compilar(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from acuerdo_docs.documentos.tipos_plantilla import verificar_plantilla
    from acuerdo_docs.salida import verificacion

    monkeypatch.setattr(verificacion, "TIEMPO_VERIFICACION", 0.0)  # vencido desde el primer token
    informe = verificar_plantilla(_plantilla_con_campos(tmp_path, 5_000))
    (error,) = informe.errores
    assert "la verificación de la plantilla (analizarla, compilarla y ensayarla) tardó más de 0 segundos" in error
    assert "bloques" not in error and "renderizado" not in error


def test_cli_plantilla_verificar_con_campos_de_mas_sale_con_2(tmp_path: Path) -> None:
    from conftest import cli

    r = cli("plantilla", "verificar", str(_plantilla_con_campos(tmp_path, 25_000)), "--tipo", "ficha")
    assert r.returncode in (1, 2), r.stderr + r.stdout
    assert "25.0" in r.stderr + r.stdout and "campos y bloques" in r.stderr + r.stdout
    assert "Traceback" not in r.stderr
