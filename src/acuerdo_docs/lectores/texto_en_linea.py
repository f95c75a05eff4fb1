"""Celdas de texto en línea (``t="inlineStr"``) de un .xlsx, leídas sin construir objetos de openpyxl.

openpyxl en solo lectura convierte cada ``<c t="inlineStr"><is>…</is></c>`` en un objeto ``Text``
(con sus descriptores) solo para tomar su texto: en un libro de 1.000 fichas escrito así (openpyxl
en modo de solo escritura, pandas, otros programas) era ~30 % de la lectura. Aquí se toma el mismo
texto del árbol que ya analizó: el de ``<t>`` y el de cada ``<r><t>`` en orden, sin la guía
fonética (``<rPh>``), como ``Text.content``. Lo demás (fórmulas, texto enriquecido, otros tipos)
sigue por openpyxl. ``tests/test_texto_en_linea.py`` compara los dos en casos límite.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

_EN_LINEA = f"{{{SHEET_MAIN_NS}}}is"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"


def _local(etiqueta: Any) -> str:
    """El nombre sin espacio de nombres, como ``localname`` de openpyxl (que no mira el espacio)."""
    return etiqueta.rpartition("}")[2] if isinstance(etiqueta, str) else ""


def texto(elemento: Any) -> str:
    """El texto de ``<is>`` (o de ``<si>``): lo mismo que ``Text.from_tree(elemento).content``.

    Sin el formato de cada tramo (``<rPr>``): openpyxl lo analizaba y lo descartaba.
    """
    simple: str | None = None
    tramos: list[str] = []
    for hijo in elemento:
        nombre = _local(hijo.tag)
        if nombre == "t":
            simple = hijo.text  # como openpyxl: si hay varios, vale el último
        elif nombre == "r":
            del_tramo: str | None = None
            for parte in hijo:
                if _local(parte.tag) == "t":
                    del_tramo = parte.text
            if del_tramo is not None:
                tramos.append(del_tramo)
    return "".join(tramos) if simple is None else simple + "".join(tramos)


class LectorHoja(WorkSheetParser):
    """``WorkSheetParser`` con las celdas de texto en línea leídas por :func:`texto`."""

    def parse_cell(self, element: Any) -> dict[str, Any]:
        if (element.get("t") != "inlineStr" or self.rich_text
                or (not self.data_only and element.find(_FORMULA) is not None)):
            celda: dict[str, Any] = super().parse_cell(element)
            return celda
        # Lo mismo que WorkSheetParser.parse_cell para una celda en línea sin fórmula.
        coordenada = element.get("r")
        estilo = element.get("s", 0)
        if estilo:
            estilo = int(estilo)
        if coordenada:
            fila, columna = coordinate_to_tuple(coordenada)
            self.col_counter = columna
        else:
            self.col_counter += 1
            fila, columna = self.row_counter, self.col_counter
        hijo = element.find(_EN_LINEA)
        if hijo is None:
            return {"row": fila, "column": columna, "value": None, "data_type": "inlineStr", "style_id": estilo}
        return {"row": fila, "column": columna, "value": texto(hijo), "data_type": "s", "style_id": estilo}


def instalar() -> None:
    """Las hojas de solo lectura de openpyxl usan :class:`LectorHoja` (una vez por proceso)."""
    from openpyxl.worksheet import _read_only

    if getattr(_read_only, "WorkSheetParser", None) is not LectorHoja:
        setattr(_read_only, "WorkSheetParser", LectorHoja)  # noqa: B010 (módulo privado, sin tipos)
