"""Catálogo de las buenas prácticas de una oficina: una carpeta de fichas .docx → un libro .xlsx.

Cada .docx de la carpeta (y de sus subcarpetas) es una fila con los campos de la
ficha, el archivo de donde salió y su estado. Una ficha que no se puede leer o que
tiene campos inválidos no detiene el catálogo: queda como fila con el motivo.
Los datos personales (directivo, colaborador, teléfono, correo) no se incluyen,
salvo que se pidan (Ley 1581 de 2012).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ..errores import ErrorEntrada, ErrorValidacion
from ..esquemas.comun import campos_personales, etiqueta
from ..esquemas.ficha import CAMPOS_TEXTO_LARGO, BuenaPractica, Encabezado
from ..lectores.docx_seguro import ErrorLectura
from ..lectores.ficha_docx import FichaExtraida, extraer_campos
from ..salida.archivos import Destino
from ..salida.excel import (
    COLOR_SUBENCABEZADO,
    aplicar_estilo,
    escribir_celda,
    escribir_encabezados,
    fijar_anchos,
    guardar_libro,
)

log = logging.getLogger("acuerdo_docs.catalogo")

CORRECTA = "Correcta"
CON_AVISOS = "Correcta, con avisos"
CON_ERRORES = "Con errores"
ILEGIBLE = "No se pudo leer"
ESTADOS = (CORRECTA, CON_AVISOS, CON_ERRORES, ILEGIBLE)

HOJA_CATALOGO = "Catálogo"
HOJA_RESUMEN = "Resumen"
LIMITE_CELDA = 32_767
"""Excel no admite más caracteres en una celda."""

_LARGOS_ANCHO = 60.0
_CORTOS_ANCHO = 24.0


@dataclass(frozen=True)
class Columna:
    clave: str
    titulo: str
    ancho: float


def columnas_catalogo(datos_personales: bool = False) -> list[Columna]:
    """Las columnas del catálogo, con los títulos del esquema (nada escrito dos veces)."""
    personales = set(campos_personales(BuenaPractica))
    columnas = [
        Columna("archivo", "Archivo", 32.0),
        Columna("estado", "Estado", 16.0),
        Columna("motivo", "Observaciones", 48.0),
        Columna("encabezado.codigo", etiqueta(Encabezado, "codigo"), 16.0),
        Columna("encabezado.version", etiqueta(Encabezado, "version"), 10.0),
    ]
    for nombre in BuenaPractica.model_fields:
        if nombre == "encabezado" or (nombre in personales and not datos_personales):
            continue
        largo = nombre in CAMPOS_TEXTO_LARGO or nombre in ("retos", "anexos")
        ancho = 12.0 if nombre.startswith("fecha_") else _LARGOS_ANCHO if largo else _CORTOS_ANCHO
        columnas.append(Columna(nombre, etiqueta(BuenaPractica, nombre), ancho))
    return columnas


@dataclass
class FilaCatalogo:
    """Una ficha de la carpeta: de dónde salió, cómo se leyó y sus valores."""

    archivo: str
    estado: str
    motivo: str = ""
    valores: dict[str, Any] = field(default_factory=dict)


def buscar_fichas(carpeta: Path) -> list[Path]:
    """Los .docx de la carpeta y sus subcarpetas, en orden estable.

    Se omiten los archivos de bloqueo de Word (``~$nombre.docx``) y las carpetas y
    archivos ocultos (que empiezan por punto).
    """
    encontrados: list[Path] = []
    for raiz, carpetas, archivos in os.walk(carpeta):
        carpetas[:] = sorted(c for c in carpetas if not c.startswith("."))
        for nombre in sorted(archivos):
            if nombre.lower().endswith(".docx") and not nombre.startswith(("~$", ".")):
                encontrados.append(Path(raiz) / nombre)
    return sorted(encontrados, key=lambda r: r.relative_to(carpeta).as_posix())


def _texto_lista(valores: list[Any]) -> str:
    return "\n".join(f"• {v}" for v in valores)


def _valores_practica(practica: BuenaPractica) -> dict[str, Any]:
    valores: dict[str, Any] = {
        nombre: getattr(practica, nombre) for nombre in BuenaPractica.model_fields if nombre != "encabezado"
    }
    valores["retos"] = _texto_lista(practica.retos)
    valores["anexos"] = _texto_lista([a.nombre for a in practica.anexos])
    valores["encabezado.codigo"] = practica.encabezado.codigo
    valores["encabezado.version"] = practica.encabezado.version
    return valores


def _valores_crudos(extraida: FichaExtraida) -> dict[str, Any]:
    valores = {k: v for k, v in extraida.campos.items() if k != "encabezado"}
    if isinstance(valores.get("retos"), list):
        valores["retos"] = _texto_lista(valores["retos"])
    if isinstance(valores.get("anexos"), list):
        valores["anexos"] = _texto_lista([a.get("nombre", "") for a in valores["anexos"]])
    encabezado = extraida.campos.get("encabezado") or {}
    valores["encabezado.codigo"] = encabezado.get("codigo", Encabezado().codigo)
    valores["encabezado.version"] = encabezado.get("version", Encabezado().version)
    return valores


def leer_ficha_catalogo(ruta: Path, archivo: str) -> FilaCatalogo:
    """Lee una ficha para el catálogo: nunca lanza por un archivo malo, devuelve la fila con el motivo."""
    try:
        extraida = extraer_campos(ruta, nombre=archivo)
    except ErrorLectura as exc:
        return FilaCatalogo(archivo, ILEGIBLE, exc.motivo)
    except ErrorEntrada as exc:
        return FilaCatalogo(archivo, ILEGIBLE, str(exc))
    except Exception as exc:  # noqa: BLE001 - un archivo raro no debe tumbar todo el catálogo
        log.warning("error inesperado al leer una ficha del catálogo (%s)", type(exc).__name__)
        return FilaCatalogo(archivo, ILEGIBLE, f"error inesperado al leer el archivo ({type(exc).__name__})")
    try:
        practica = extraida.validar()
    except ErrorValidacion as exc:
        motivos = [str(e) for e in exc.errores] + extraida.avisos
        return FilaCatalogo(archivo, CON_ERRORES, "\n".join(motivos), _valores_crudos(extraida))
    estado = CON_AVISOS if extraida.avisos else CORRECTA
    return FilaCatalogo(archivo, estado, "\n".join(extraida.avisos), _valores_practica(practica))


def leer_carpeta(carpeta: str | os.PathLike[str]) -> list[FilaCatalogo]:
    """Una fila por cada .docx de la carpeta (recursivo), en orden de ruta."""
    raiz = Path(carpeta)
    if not raiz.exists():
        raise ErrorEntrada(f"No existe la carpeta: {raiz}")
    if not raiz.is_dir():
        raise ErrorEntrada(f"{raiz} no es una carpeta")
    rutas = buscar_fichas(raiz)
    if not rutas:
        raise ErrorEntrada(f"No se encontró ningún archivo .docx en {raiz} (ni en sus subcarpetas)")
    filas = [leer_ficha_catalogo(r, r.relative_to(raiz).as_posix()) for r in rutas]
    log.info("catálogo: %d ficha(s) leída(s)", len(filas))
    return filas


def _celda_texto(valor: Any) -> Any:
    if isinstance(valor, str) and len(valor) > LIMITE_CELDA:
        return valor[: LIMITE_CELDA - 1] + "…"
    return valor


def libro_catalogo(filas: list[FilaCatalogo], *, datos_personales: bool = False) -> Workbook:
    """El libro del catálogo: hoja «Catálogo» (una fila por ficha) y hoja «Resumen» (conteos)."""
    wb = Workbook()
    ws = wb.active
    ws.title = HOJA_CATALOGO
    columnas = columnas_catalogo(datos_personales)
    escribir_encabezados(ws, 1, [c.titulo for c in columnas])
    fijar_anchos(ws, [c.ancho for c in columnas])
    for i, fila in enumerate(filas, start=2):
        datos = {"archivo": fila.archivo, "estado": fila.estado, "motivo": fila.motivo, **fila.valores}
        for j, columna in enumerate(columnas, start=1):
            valor = datos.get(columna.clave)
            if valor is None:
                valor = ""
            celda = escribir_celda(ws, i, j, _celda_texto(valor))
            aplicar_estilo(celda, ajustar=isinstance(valor, str) and columna.ancho >= _LARGOS_ANCHO,
                           vertical="top")
    ws.freeze_panes = "B2"
    ultima = ws.cell(row=1, column=len(columnas)).column_letter
    ws.auto_filter.ref = f"A1:{ultima}{max(len(filas) + 1, 2)}"
    _hoja_resumen(wb, filas)
    return wb


def _hoja_resumen(wb: Workbook, filas: list[FilaCatalogo]) -> None:
    ws = wb.create_sheet(HOJA_RESUMEN)
    fijar_anchos(ws, [48.0, 12.0])
    fila = 1

    def bloque(titulo: str, conteo: list[tuple[str, int]]) -> None:
        nonlocal fila
        escribir_encabezados(ws, fila, [titulo, "Fichas"], fondo=COLOR_SUBENCABEZADO)
        fila += 1
        for nombre, cantidad in conteo:
            escribir_celda(ws, fila, 1, nombre)
            escribir_celda(ws, fila, 2, cantidad)
            fila += 1
        fila += 1

    bloque("Total de archivos", [("Archivos .docx leídos", len(filas))])
    por_estado = Counter(f.estado for f in filas)
    bloque("Estado", [(e, por_estado[e]) for e in ESTADOS if por_estado[e]])
    legibles = [f for f in filas if f.estado in (CORRECTA, CON_AVISOS)]
    for clave in ("dependencia", "proceso"):
        conteo = Counter(str(f.valores.get(clave, "")) for f in legibles)
        titulo = f"{etiqueta(BuenaPractica, clave)} (fichas correctas)"
        bloque(titulo, sorted(conteo.items(), key=lambda par: (-par[1], par[0])))
    anios = Counter(
        str(f.valores["fecha_inicio"].year) for f in legibles if isinstance(f.valores.get("fecha_inicio"), date)
    )
    bloque(f"{etiqueta(BuenaPractica, 'fecha_inicio')}: año (fichas correctas)", sorted(anios.items()))


def escribir_catalogo(
    filas: list[FilaCatalogo], destino: Destino, *, datos_personales: bool = False
) -> Path | None:
    """Escribe el libro (atómico y reproducible: las mismas fichas dan el mismo .xlsx)."""
    return guardar_libro(libro_catalogo(filas, datos_personales=datos_personales), destino,
                         titulo="Catálogo de buenas prácticas de gestión pública")


def generar_catalogo(
    carpeta: str | os.PathLike[str], destino: Destino, *, datos_personales: bool = False
) -> Path | None:
    """Lee todas las fichas .docx de ``carpeta`` (recursivo) y escribe el catálogo .xlsx en ``destino``.

    Devuelve la ruta escrita (``None`` si ``destino`` era un archivo abierto). Lanza
    :class:`~acuerdo_docs.errores.ErrorEntrada` si la carpeta no existe o no tiene .docx;
    una ficha ilegible o inválida no lanza: queda como fila con su motivo.
    """
    return escribir_catalogo(leer_carpeta(carpeta), destino, datos_personales=datos_personales)
