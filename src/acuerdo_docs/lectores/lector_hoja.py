"""El analizador de hojas de solo lectura de openpyxl, con las filas y el texto en línea más baratos.

:class:`LectorHoja` reemplaza a ``WorkSheetParser`` en las hojas de solo lectura (:func:`instalar`):

- Las filas salen de ``lxml.etree.iterparse`` filtrado por ``<row>`` en C. openpyxl recorre con
  ``xml.etree`` cada elemento de la hoja en Python (~60.000 en 1.000 fichas) para quedarse con las
  filas: era ~70 % de leer un libro, y leer es trabajo que solo hace el proceso principal de un lote.
  Cada fila se analiza con el mismo ``parse_row`` de openpyxl. Lo que no es fila (columnas, vistas,
  validaciones) la lectura en solo lectura no lo usa.
- Cada ``<c t="inlineStr">`` sin fórmula da su texto con :func:`.texto_en_linea.texto`, sin
  construir objetos ``Text`` de openpyxl; lo mismo cada texto de la tabla de textos compartidos
  (:func:`leer_textos_compartidos`, la de los libros que guardan Excel y LibreOffice).

El mismo XML que antes: sin DTD ni entidades (``verificar_archivo`` ya rechazó el libro que las
declare; aquí además ni se cargan ni se resuelven), sin red, sin comentarios ni instrucciones de
proceso (``xml.etree`` tampoco los pone en el árbol) y con los topes de lxml para árboles enormes.
``tests/test_lector_hoja.py`` y ``tests/test_texto_en_linea.py`` comparan los dos analizadores.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import ROW_TAG, WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from .texto_en_linea import texto

_EN_LINEA = f"{{{SHEET_MAIN_NS}}}is"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"
_TEXTO_COMPARTIDO = f"{{{SHEET_MAIN_NS}}}si"


def _elementos(fuente: Any, etiqueta: str) -> Iterator[Any]:
    """Cada elemento ``etiqueta`` del XML, ya completo; al pedir el siguiente, el anterior se suelta."""
    from lxml import etree

    for _, elemento in etree.iterparse(
        fuente, events=("end",), tag=etiqueta, resolve_entities=False, load_dtd=False,
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False,
    ):
        yield elemento
        # Lo leído se suelta: este elemento y los ya soltados que quedan antes de él en el árbol.
        elemento.clear(keep_tail=False)
        padre = elemento.getparent()
        if padre is not None:
            while elemento.getprevious() is not None:
                del padre[0]


def leer_textos_compartidos(fuente: Any) -> list[str]:
    """La tabla de textos compartidos (``xl/sharedStrings.xml``): lo mismo que ``read_string_table`` de openpyxl.

    Los libros que guardan Excel y LibreOffice ponen ahí cada texto; openpyxl construía un ``Text``
    por texto (en 1.000 fichas guardadas por LibreOffice, ~110 ms de abrir el libro, antes de leer nada).
    """
    return [texto(si).replace("x005F_", "") for si in _elementos(fuente, _TEXTO_COMPARTIDO)]


_COLUMNAS: dict[str, int] = {}
"""Número de cada columna ya vista («K» → 11): las mismas pocas letras en cada fila."""


def _coordenada(referencia: str) -> tuple[int, int]:
    """(fila, columna) de ``K11``: lo mismo que ``coordinate_to_tuple`` (que responde lo raro, con sus errores)."""
    letras = referencia.rstrip("0123456789")
    columna = _COLUMNAS.get(letras)
    if columna is not None and len(letras) < len(referencia):
        return int(referencia[len(letras):]), columna
    fila, columna = coordinate_to_tuple(referencia)
    if letras.isascii() and letras.isalpha() and len(letras) < len(referencia):
        _COLUMNAS[letras] = columna  # letras y solo dígitos: openpyxl corta donde rstrip
    return fila, columna


class LectorHoja(WorkSheetParser):
    """``WorkSheetParser`` con las filas de lxml y las celdas de texto en línea leídas por :func:`texto`."""

    def parse(self) -> Any:
        """(número, celdas) de cada ``<row>``, como ``WorkSheetParser.parse`` en una hoja de solo lectura."""
        for fila in _elementos(self.source, ROW_TAG):
            yield self.parse_row(fila)

    def parse_cell(self, element: Any) -> dict[str, Any]:
        obtener = element.get
        if (obtener("t") != "inlineStr" or self.rich_text
                or (not self.data_only and element.find(_FORMULA) is not None)):
            celda: dict[str, Any] = super().parse_cell(element)
            return celda
        # Lo mismo que WorkSheetParser.parse_cell para una celda en línea sin fórmula.
        coordenada = obtener("r")
        estilo = obtener("s", 0)
        if estilo:
            estilo = int(estilo)
        if coordenada:
            fila, columna = _coordenada(coordenada)
            self.col_counter = columna
        else:
            self.col_counter += 1
            fila, columna = self.row_counter, self.col_counter
        hijo = element.find(_EN_LINEA)
        if hijo is None:
            return {"row": fila, "column": columna, "value": None, "data_type": "inlineStr", "style_id": estilo}
        return {"row": fila, "column": columna, "value": texto(hijo), "data_type": "s", "style_id": estilo}


def instalar() -> None:
    """Las hojas de solo lectura de openpyxl usan :class:`LectorHoja`, y los libros :func:`leer_textos_compartidos`.

    Una vez por proceso; los mismos valores que openpyxl (``tests/test_lector_hoja.py``).
    """
    from openpyxl.reader import excel
    from openpyxl.worksheet import _read_only

    if getattr(_read_only, "WorkSheetParser", None) is not LectorHoja:
        setattr(_read_only, "WorkSheetParser", LectorHoja)  # noqa: B010 (módulo privado, sin tipos)
    if getattr(excel, "read_string_table", None) is not leer_textos_compartidos:
        setattr(excel, "read_string_table", leer_textos_compartidos)  # noqa: B010
