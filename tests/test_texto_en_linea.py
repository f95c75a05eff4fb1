"""Las celdas de texto en línea se leen igual que con openpyxl (lectores/texto_en_linea.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.worksheet._reader import WorkSheetParser

from acuerdo_docs.lectores import abrir_libro
from acuerdo_docs.lectores.lector_hoja import LectorHoja

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CELDAS = [
    '<c r="A1" t="inlineStr"><is><t>simple</t></is></c>',
    '<c r="B1" t="inlineStr"><is><t xml:space="preserve">  con espacios\n y líneas  </t></is></c>',
    '<c r="C1" t="inlineStr"><is><r><rPr><b/></rPr><t>uno </t></r><r><t>dos</t></r></is></c>',
    '<c r="D1" t="inlineStr"><is><t>base</t><r><t> y tramo</t></r><rPh sb="0" eb="1"><t>fonética</t></rPh></is></c>',
    '<c r="E1" t="inlineStr"><is><t/></is></c>',
    '<c r="F1" t="inlineStr"><is></is></c>',
    '<c r="G1" t="inlineStr"></c>',
    '<c r="H1" t="inlineStr" s="1"><is><t>&lt;b&gt; &amp; &#225;&#241; =SUMA(A1)</t></is></c>',
    '<c r="I1" t="inlineStr"><is><t>primero</t><t>último</t></is></c>',
    '<c r="J1" t="inlineStr"><is><r><t>a</t><t>b</t></r><r><rPr/></r></is></c>',
    '<c t="inlineStr"><is><t>sin coordenada</t></is></c>',
    '<c r="L1" t="inlineStr"><f>"x"</f><is><t>con fórmula</t></is></c>',
    '<c r="M1" t="inlineStr"><is xmlns:o="urn:otro"><o:t>otro espacio</o:t></is></c>',
    '<c r="N1" t="str"><v>cadena</v></c>',
    '<c r="O1"><v>12.5</v></c>',
]


def _hoja(celdas: list[str]) -> bytes:
    filas = f'<row r="1">{"".join(celdas)}</row><row r="3"><c r="B3" t="inlineStr"><is><t>fila 3</t></is></c></row>'
    return (f'<worksheet xmlns="{NS}"><sheetData>{filas}</sheetData></worksheet>').encode("utf-8")


def _leer(clase: Any, datos: bytes, **opciones: Any) -> list[Any]:
    return list(clase(io.BytesIO(datos), [], **opciones).parse())


@pytest.mark.parametrize("opciones", [{"data_only": True}, {"data_only": False}, {"data_only": True, "rich_text": True}])
def test_igual_que_openpyxl_en_cada_caso(opciones: dict[str, Any]) -> None:
    datos = _hoja(CELDAS)
    esperado = _leer(WorkSheetParser, datos, **opciones)
    assert _leer(LectorHoja, datos, **opciones) == esperado
    valores = [c["value"] for _, fila in esperado for c in fila]
    if not opciones.get("rich_text"):  # los casos dicen lo que se cree
        assert "uno dos" in valores and "base y tramo" in valores and "último" in valores


@pytest.mark.parametrize("celda", CELDAS)
def test_igual_que_openpyxl_celda_por_celda(celda: str) -> None:
    datos = _hoja([celda])
    assert _leer(LectorHoja, datos, data_only=True) == _leer(WorkSheetParser, datos, data_only=True)


def test_un_libro_en_linea_se_lee_con_el_lector_rapido(tmp_path: Path) -> None:
    """Un libro de openpyxl en solo escritura (texto en línea) pasa por LectorHoja y da los mismos valores."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("fichas")
    from acuerdo_docs.lectores.fichas import COLUMNAS

    visibles = [c for c in COLUMNAS if c.en_plantilla]
    ws.append([c.encabezado for c in visibles])
    ws.append(["<w:t>ñandú & «comillas»\n\nsegundo párrafo" if i % 2 else f"valor {i}" for i in range(len(visibles))])
    ruta = tmp_path / "libro.xlsx"
    wb.save(ruta)
    llamadas: list[int] = []
    original = LectorHoja.parse_cell

    def contar(self: LectorHoja, element: Any) -> dict[str, Any]:
        llamadas.append(1)
        resultado: dict[str, Any] = original(self, element)
        return resultado

    LectorHoja.parse_cell = contar  # type: ignore[method-assign]
    try:
        with abrir_libro(ruta) as libro:
            filas = list(libro.filas("fichas"))
    finally:
        LectorHoja.parse_cell = original  # type: ignore[method-assign]
    assert llamadas
    assert filas[1][1][1] == "<w:t>ñandú & «comillas»\n\nsegundo párrafo"
    assert filas[1][1][0] == "valor 0"
