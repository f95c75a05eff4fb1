"""El libro del catálogo impreso (issue 26.2): horizontal, dos páginas de ancho, títulos repetidos, una fuente."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import convertir_con_libreoffice

from acuerdo_docs.documentos.catalogo.libro import PAGINAS_DE_ANCHO
from acuerdo_docs.ejemplos import GENERADORES


@pytest.fixture(scope="module")
def catalogo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    carpeta = tmp_path_factory.mktemp("impresion_catalogo")
    (ruta,) = [p for p in GENERADORES["catalogo"](carpeta) if p.suffix == ".xlsx"]
    return ruta


def test_configuracion_de_pagina_en_el_libro(catalogo: Path) -> None:
    wb = openpyxl.load_workbook(catalogo)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth == PAGINAS_DE_ANCHO and ws.page_setup.fitToHeight == 0, ws.title
        if ws.title != "Resumen":
            assert ws.print_title_rows == "$1:$1", ws.title
        fuentes = {c.font.name for fila in ws.iter_rows() for c in fila if c.value is not None}
        assert fuentes <= {"Arial"}, (ws.title, fuentes)


@pytest.mark.libreoffice
def test_pdf_del_catalogo(catalogo: Path) -> None:
    import pdfplumber

    convertir_con_libreoffice([catalogo], "pdf", catalogo.parent / "pdf")
    with pdfplumber.open(catalogo.parent / "pdf" / f"{catalogo.stem}.pdf") as pdf:
        assert len(pdf.pages) <= 6  # antes: 26, con 1 a 4 columnas cortadas en cada una
        familias = {c["fontname"].split("+")[-1].split("-")[0] for p in pdf.pages for c in p.chars}
        assert len(familias) == 1, familias  # antes: títulos con serifa y cuerpo sin ella
        textos = [p.extract_text(x_tolerance=0.3, y_tolerance=0.3) for p in pdf.pages]  # letra pequeña
    # las dos primeras páginas son el catálogo, una al lado de la otra: ninguna columna se corta a otra hoja
    assert "Archivo" in textos[0] and "Huella (SHA-256)" in textos[1]
    assert all(f"Página {n} de" in t for n, t in enumerate(textos, start=1))
