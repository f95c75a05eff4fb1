"""El libro del catálogo impreso (issue 26.2): horizontal, dos páginas de ancho, títulos repetidos, una
fuente y una letra que se lee (≥ 7 pt): el papel lleva las columnas marcadas ``imprimir``."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import convertir_con_libreoffice

from acuerdo_docs.documentos.catalogo import HOJA_CATALOGO, HOJA_RESUMEN, HOJA_RETIRADAS, columnas_catalogo
from acuerdo_docs.documentos.catalogo.columnas import columnas_retiradas
from acuerdo_docs.documentos.catalogo.libro import PAGINAS_DE_ANCHO, LibroCatalogo
from acuerdo_docs.documentos.matriz.impresion import ESCALA, disponible
from acuerdo_docs.ejemplos import GENERADORES
from acuerdo_docs.esquemas.valoracion import Valoracion
from acuerdo_docs.lectores.catalogo_xlsx import EntradaHumana

LETRA_MINIMA = 7.0
"""La misma que la matriz: lo más pequeño del papel se lee."""


@pytest.fixture(scope="module")
def catalogo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    carpeta = tmp_path_factory.mktemp("impresion_catalogo")
    (ruta,) = [p for p in GENERADORES["catalogo"](carpeta) if p.suffix == ".xlsx"]
    return ruta


def _anchos_por_pagina(ws: openpyxl.worksheet.worksheet.Worksheet, columnas: int, titulo: int) -> list[float]:
    anchos = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, columnas + 1)]
    cortes = [0, *(b.id for b in ws.col_breaks.brk), columnas]
    repetidas = sum(anchos[:titulo])
    return [sum(anchos[a:b]) + (repetidas if a else 0) for a, b in zip(cortes, cortes[1:], strict=False)]


def test_configuracion_de_pagina_en_el_libro(catalogo: Path) -> None:
    wb = openpyxl.load_workbook(catalogo)
    assert HOJA_RETIRADAS not in wb.sheetnames  # vacía: ninguna página con solo los títulos
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert not ws.sheet_properties.pageSetUpPr.fitToPage, ws.title  # escala fija: la letra no se encoge
        assert ws.page_setup.scale == (100 if ws.title == HOJA_RESUMEN else ESCALA), ws.title
        fuentes = {c.font.name for fila in ws.iter_rows() for c in fila if c.value is not None}
        assert fuentes <= {"Arial"}, (ws.title, fuentes)
    ws = wb[HOJA_CATALOGO]
    impresas = [c for c in columnas_catalogo() if c.imprimir]
    # las columnas impresas van juntas al principio y el área de impresión las cubre, con todas las filas
    assert [c.value for c in ws[1][: len(impresas)]] == [c.etiqueta for c in impresas]
    assert not any(c.imprimir for c in columnas_catalogo()[len(impresas):])
    assert ws.print_area == f"'{HOJA_CATALOGO}'!$A$1:${openpyxl.utils.get_column_letter(len(impresas))}${ws.max_row}"
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$B"
    paginas = _anchos_por_pagina(ws, len(impresas), 2)
    assert len(paginas) <= PAGINAS_DE_ANCHO and max(paginas) <= disponible(), paginas
    claves = {c.clave for c in impresas}
    assert {"archivo", "nombre", "dependencia", "proceso", "fecha_inicio", "estado", "nivel", "fecha"} <= claves
    assert {"descripcion", "huella", "evaluador", "sencilla.justificacion"}.isdisjoint(claves)


def test_fichas_retiradas_se_imprimen_como_el_catalogo() -> None:
    import io

    libro = LibroCatalogo()
    retirada = EntradaHumana(archivo="2022/vieja.docx", huella="ab" * 32, hoja=HOJA_RETIRADAS, fila=2,
                             valoracion=Valoracion(sencilla="No"), notas="Se archivó")
    wb = openpyxl.load_workbook(io.BytesIO(libro.terminar([retirada])))
    ws = wb[HOJA_RETIRADAS]
    impresas = [c for c in columnas_retiradas() if c.imprimir]
    assert ws.print_area == f"'{HOJA_RETIRADAS}'!$A$1:${openpyxl.utils.get_column_letter(len(impresas))}$2"
    assert ws.print_title_rows == "$1:$1" and ws.print_title_cols == "$A:$A"
    paginas = _anchos_por_pagina(ws, len(impresas), 1)
    assert len(paginas) <= PAGINAS_DE_ANCHO and max(paginas) <= disponible(), paginas


@pytest.mark.libreoffice
def test_pdf_del_catalogo(catalogo: Path) -> None:
    import pdfplumber

    ws = openpyxl.load_workbook(catalogo)[HOJA_CATALOGO]
    impresas = [c for c in columnas_catalogo() if c.imprimir]
    filas = [{c.clave: ws.cell(row=r, column=i).value for i, c in enumerate(impresas, start=1)}
             for r in range(2, ws.max_row + 1)]
    convertir_con_libreoffice([catalogo], "pdf", catalogo.parent / "pdf")
    with pdfplumber.open(catalogo.parent / "pdf" / f"{catalogo.stem}.pdf") as pdf:
        assert len(pdf.pages) <= 6  # antes: 26 sin configurar; 5 a dos páginas de ancho con letra de 1,8 pt
        tamanos = [c["size"] for p in pdf.pages for c in p.chars]
        assert min(tamanos) >= LETRA_MINIMA, min(tamanos)  # antes: 1,8 pt
        familias = {c["fontname"].split("+")[-1].split("-")[0] for p in pdf.pages for c in p.chars}
        assert len(familias) == 1, familias  # antes: títulos con serifa y cuerpo sin ella
        textos = [p.extract_text() for p in pdf.pages]
        cabezas = [p.crop((0, 0, p.width, p.height * 0.2)).extract_text() for p in pdf.pages]
    assert all(f"Página {n} de" in t for n, t in enumerate(textos, start=1))
    catalogo_pags = [i for i, t in enumerate(textos) if t.startswith(HOJA_CATALOGO)]
    assert len(catalogo_pags) == PAGINAS_DE_ANCHO  # 4 fichas: una página de alto, dos de ancho
    palabras = [set(textos[i].split()) for i in catalogo_pags]
    for i, pagina in zip(catalogo_pags, palabras, strict=True):
        assert "Archivo" in cabezas[i]  # la fila de títulos (y la columna Archivo) en cada página
        for fila in filas:  # cada fila entera: la ruta y el nombre de la práctica, sin recortar
            assert fila["archivo"] in pagina
            assert set(fila["nombre"].split()) <= pagina, fila["nombre"]
    # cada columna marcada está en el papel: su título y sus valores
    todas = set().union(*palabras)
    for c in impresas:
        assert set(c.etiqueta.split()) <= todas, c.etiqueta
    for fila in filas:
        for clave in ("dependencia", "proceso", "estado"):
            assert set(str(fila[clave]).split()) <= todas, fila[clave]
    assert {"Segundo", "Primer", "Pendiente", "clasifica"} <= todas  # el nivel DAFP recalculado
    assert {"Sencilla", "Sustentable", "valorar"} <= palabras[1]  # la valoración en la segunda página
