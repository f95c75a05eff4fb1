"""El analizador de hojas de solo lectura de openpyxl, con las celdas de texto en línea más baratas.

:class:`LectorHoja` reemplaza a ``WorkSheetParser`` en las hojas de solo lectura (:func:`instalar`):
cada ``<c t="inlineStr">`` sin fórmula da su texto con :func:`.texto_en_linea.texto`, sin construir
objetos ``Text`` de openpyxl. Lo demás sigue por openpyxl. ``tests/test_texto_en_linea.py`` compara
los dos analizadores.
"""

from __future__ import annotations

from typing import Any

from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHEET_MAIN_NS

from .texto_en_linea import texto

_EN_LINEA = f"{{{SHEET_MAIN_NS}}}is"
_FORMULA = f"{{{SHEET_MAIN_NS}}}f"


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
