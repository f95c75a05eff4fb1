"""La matriz de riesgos impresa como un informe (issue 26.1): se lee el PDF de LibreOffice con pdfplumber.

Páginas contadas para el acuerdo de ejemplo (7 riesgos y hoja de ruta), 4 riesgos solos y 30;
ninguna página sin riesgos, mapa, hoja de ruta o avance; títulos de columna sin palabras
partidas; texto de las celdas entero; Instrucciones y Catálogos solo con --pdf-completo.
"""

from __future__ import annotations

import copy
import io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import cli, convertir_con_libreoffice

from acuerdo_docs.documentos.matriz import (
    FILA_DATOS,
    FILA_TITULOS,
    HOJA_AVANCE,
    HOJA_CATALOGOS,
    HOJA_INSTRUCCIONES,
    HOJA_MATRIZ,
    HOJA_RUTA,
    columnas_matriz,
    construir_libro,
    libro_para_imprimir,
)
from acuerdo_docs.documentos.matriz.compromisos import titulos_compromisos
from acuerdo_docs.documentos.matriz.impresion import disponible
from acuerdo_docs.documentos.matriz.ruta import (
    ANCHO_SEMANA,
    COL_RUTA_SEMANAS,
    FILA_RUTA_TITULOS,
    MESES,
    TITULOS_AVANCE,
    TITULOS_RUTA,
)
from acuerdo_docs.salida.excel import libro_a_bytes
from acuerdo_docs.salida.medidas import ancho_palabra_mas_larga, ancho_texto, unidades_para

EJEMPLOS = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos"
ID_RIESGO = re.compile(r"^R\d+$")


def _riesgos(n: int) -> dict[str, Any]:
    """``n`` riesgos a partir de los del ejemplo (referencias R01, R02, …)."""
    datos = json.loads((EJEMPLOS / "riesgos_ejemplo.json").read_text(encoding="utf-8"))
    base = datos["riesgos"]
    datos["riesgos"] = [dict(copy.deepcopy(base[i % len(base)]), id=f"R{i + 1:02d}") for i in range(n)]
    return datos


# ------------------------------------------------------------------ el libro (sin LibreOffice)


@pytest.fixture(scope="module")
def libro_acuerdo() -> openpyxl.Workbook:
    return construir_libro(json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8")))


def test_area_de_impresion_solo_sobre_filas_con_datos(libro_acuerdo: openpyxl.Workbook) -> None:
    acuerdo = json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))
    matriz, ruta = libro_acuerdo[HOJA_MATRIZ], libro_acuerdo[HOJA_RUTA]
    assert matriz.print_area.endswith(f"${FILA_TITULOS + len(acuerdo['riesgos'])}")
    assert ruta.print_area.endswith(f"${FILA_RUTA_TITULOS + len(acuerdo['hoja_de_ruta'])}")
    # las filas vacías preparadas siguen en el libro, con sus fórmulas
    assert matriz.max_row > FILA_TITULOS + len(acuerdo["riesgos"]) and ruta.max_row > FILA_RUTA_TITULOS + 8
    assert str(matriz.cell(matriz.max_row, 8).value).startswith("=")


def test_grupos_llenan_la_pagina_y_ninguno_es_mas_ancho(libro_acuerdo: openpyxl.Workbook) -> None:
    ws = libro_acuerdo[HOJA_MATRIZ]
    cols = columnas_matriz(3)
    anchos = [0.0 if ws.column_dimensions[openpyxl.utils.get_column_letter(i)].hidden else c.ancho
              for i, c in enumerate(cols, start=1)]
    cortes = [0] + [b.id for b in ws.col_breaks.brk] + [len(cols)]
    titulo = sum(anchos[:2])
    paginas = [(a, b) for a, b in zip(cortes, cortes[1:], strict=False)]
    for n, (a, b) in enumerate(paginas):
        ancho = (0 if n == 0 else titulo) + sum(anchos[a:b])
        assert ancho <= disponible(), (n, ancho)
        assert cols[a].grupo != cols[a - 1].grupo or a == 0  # cada página empieza en un grupo
        if n + 1 < len(paginas):  # y no cabía el grupo siguiente: la página va llena
            c = paginas[n + 1][0]
            siguiente = sum(x for x, col in zip(anchos[c:], cols[c:], strict=True) if col.grupo == cols[c].grupo)
            assert ancho + siguiente > disponible()
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$8:$9"


def test_controles_sin_datos_plegados(libro_acuerdo: openpyxl.Workbook) -> None:
    ws = libro_acuerdo[HOJA_MATRIZ]
    por_grupo: dict[str, set[bool]] = {}
    for i, c in enumerate(columnas_matriz(3), start=1):
        dimension = ws.column_dimensions[openpyxl.utils.get_column_letter(i)]
        por_grupo.setdefault(c.grupo, set()).add(bool(dimension.hidden))
    # el ejemplo usa hasta dos controles: el tercero queda plegado (no se imprime), los demás a la vista
    assert por_grupo.pop("Control 3") == {True}
    assert all(v == {False} for v in por_grupo.values())


def test_titulos_de_columna_caben_sin_partir_palabras(libro_acuerdo: openpyxl.Workbook) -> None:
    for hoja, fila in ((HOJA_MATRIZ, FILA_TITULOS), (HOJA_RUTA, FILA_RUTA_TITULOS), (HOJA_AVANCE, 4)):
        ws = libro_acuerdo[hoja]
        for celda in ws[fila]:
            if isinstance(celda.value, str):
                ancho = ws.column_dimensions[celda.column_letter].width
                assert ancho >= ancho_palabra_mas_larga(celda.value, negrita=True), (hoja, celda.value, ancho)


def test_libro_para_imprimir_deja_fuera_instrucciones_y_catalogos(libro_acuerdo: openpyxl.Workbook) -> None:
    datos = libro_a_bytes(libro_acuerdo)
    assert libro_para_imprimir(datos, completo=True) == datos
    impreso = openpyxl.load_workbook(io.BytesIO(libro_para_imprimir(datos)))
    for nombre in impreso.sheetnames:
        oculta = impreso[nombre].sheet_state == "hidden"
        assert oculta == (nombre in (HOJA_INSTRUCCIONES, HOJA_CATALOGOS, "Riesgos cerrados", "Cálculos")), nombre
    assert not impreso[HOJA_INSTRUCCIONES].print_area and not impreso[HOJA_CATALOGOS].print_area
    assert impreso[HOJA_MATRIZ].print_area == libro_acuerdo[HOJA_MATRIZ].print_area
    # el libro del usuario no cambia: todas sus hojas de trabajo a la vista
    original = openpyxl.load_workbook(io.BytesIO(datos))
    assert original[HOJA_INSTRUCCIONES].sheet_state == original[HOJA_CATALOGOS].sheet_state == "visible"
    with zipfile.ZipFile(io.BytesIO(libro_para_imprimir(datos))) as zf:
        assert zf.testzip() is None


# ------------------------------------------------------------------ el PDF (LibreOffice)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """El acuerdo con la orden (acuerdo -o carpeta/ --pdf), los demás con un solo arranque de LibreOffice."""
    carpeta = tmp_path_factory.mktemp("impresion_matriz")
    libros = {}
    for nombre, n in (("cuatro", 4), ("siete", 7), ("treinta", 30)):
        datos = libro_a_bytes(construir_libro(_riesgos(n)))
        libros[nombre] = carpeta / f"{nombre}.xlsx"
        libros[nombre].write_bytes(libro_para_imprimir(datos))
    convertir_con_libreoffice(libros.values(), "pdf", carpeta)
    rutas = {nombre: carpeta / f"{nombre}.pdf" for nombre in libros}
    r = cli("acuerdo", str(EJEMPLOS / "acuerdo_ejemplo.json"), "-o", f"{carpeta / 'acuerdo'}/", "--pdf")
    assert r.returncode == 0, r.stderr
    rutas["acuerdo"] = carpeta / "acuerdo" / "acuerdo_ejemplo_riesgos.pdf"
    r = cli("riesgos", str(EJEMPLOS / "riesgos_ejemplo.json"), "-o", str(carpeta / "completo.xlsx"), "--pdf-completo")
    assert r.returncode == 0, r.stderr
    rutas["completo"] = carpeta / "completo.pdf"
    return rutas


def _paginas(pdf: Path) -> list[Any]:
    import pdfplumber

    with pdfplumber.open(pdf) as documento:
        return [(p.extract_text(), p.extract_words(), [c["size"] for c in p.chars]) for p in documento.pages]


@pytest.mark.libreoffice
def test_pdf_cuantas_paginas(pdfs: dict[str, Path]) -> None:
    paginas = {nombre: len(_paginas(ruta)) for nombre, ruta in pdfs.items()}
    assert paginas["acuerdo"] <= 10, paginas  # antes: 32
    assert paginas["cuatro"] <= 6, paginas  # antes: 26
    # 30 riesgos: unas 6-7 más por página en cada grupo (cinco grupos a la vista), no páginas en blanco
    assert paginas["treinta"] <= paginas["siete"] + 5 * math.ceil(23 / 6), paginas
    assert paginas["completo"] > paginas["siete"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("nombre", ["acuerdo", "cuatro", "treinta"])
def test_pdf_cada_pagina_lleva_riesgos_mapa_ruta_o_avance(pdfs: dict[str, Path], nombre: str) -> None:
    paginas = _paginas(pdfs[nombre])
    for n, (texto, palabras, tamanos) in enumerate(paginas, start=1):
        assert f"Página {n} de {len(paginas)}" in texto
        assert min(tamanos) >= 7 - 0.05, (nombre, n, min(tamanos))
        assert "Cómo usar el libro" not in texto and "Catálogos del método" not in texto, (nombre, n)
        ids = [p for p in palabras if ID_RIESGO.match(p["text"])]
        utiles = len(ids) >= 1 or any(t in texto for t in ("Mapa de calor —", "Hoja de ruta —", "Avance por actor",
                                                                 "Compromisos de los actores"))
        assert utiles, (nombre, n, texto[:200])
        if ids:  # en una página de la matriz, cada riesgo lleva datos más allá de las columnas repetidas
            assert any(p["x0"] > 300 and not ID_RIESGO.match(p["text"]) for p in palabras), (nombre, n)


@pytest.mark.libreoffice
def test_pdf_completo_lleva_instrucciones_y_catalogos(pdfs: dict[str, Path]) -> None:
    texto = " ".join(t for t, _, _ in _paginas(pdfs["completo"]))
    assert "Cómo usar el libro" in texto and "Catálogos del método" in texto


def _vocabulario() -> set[str]:
    palabras = set()
    for c in columnas_matriz(3):
        palabras.update(c.etiqueta.split())
        palabras.update(c.grupo.split())
    for titulo in (*TITULOS_RUTA, *TITULOS_AVANCE, *titulos_compromisos(), *MESES):
        palabras.update(titulo.split())
    return palabras


@pytest.mark.libreoffice
@pytest.mark.parametrize("nombre", ["acuerdo", "treinta"])
def test_pdf_titulos_de_columna_sin_palabras_partidas(pdfs: dict[str, Path], nombre: str) -> None:
    vocabulario = _vocabulario()
    revisadas = 0
    for texto, palabras, _ in _paginas(pdfs[nombre]):
        ancla = next((p for p in palabras if p["text"] in ("Referencia", "Fase", "Actor")), None)
        if ancla is None:
            continue
        # La banda de títulos: desde la fila de grupos (o de meses) hasta la primera fila de datos.
        datos = [p["top"] for p in palabras if p["top"] > ancla["bottom"] + 2 and p["x0"] < ancla["x1"] + 2]
        fin = min(datos) - 1
        # Avance y Compromisos no tienen fila de grupos: encima de sus títulos va la explicación.
        arriba = 2 if ancla["text"] == "Actor" else 16
        banda = [p for p in palabras if ancla["top"] - arriba < p["top"] < fin]
        for p in banda:
            t = p["text"]
            assert t in vocabulario or t.isdigit() or re.fullmatch(r"\d{4}", t), (nombre, t, texto[:80])
        revisadas += 1
    assert revisadas >= 6


@pytest.mark.libreoffice
def test_pdf_texto_de_las_celdas_entero(pdfs: dict[str, Path]) -> None:
    """Ninguna celda cortada por la fila siguiente: cada palabra de la identificación de cada riesgo se lee."""
    acuerdo = json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))
    texto, palabras, _ = _paginas(pdfs["acuerdo"])[0]
    leidas = {p["text"] for p in palabras}
    for riesgo in acuerdo["riesgos"]:
        for campo in ("descripcion", "causa", "consecuencia"):
            for palabra in riesgo[campo].split():
                assert palabra in leidas, (riesgo["id"], campo, palabra)
    encabezado = acuerdo.get("encabezado", {}).get("proceso")
    if encabezado:
        assert all(p in leidas for p in encabezado.split())
    desafio = acuerdo["desafio"]["nombre"]
    assert all(p in leidas for p in desafio.split())


@pytest.mark.libreoffice
def test_pdf_hoja_de_ruta_con_su_titulo_entero_en_cada_pagina(pdfs: dict[str, Path]) -> None:
    acuerdo = json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))
    paginas = [t for t, _, _ in _paginas(pdfs["acuerdo"]) if "Fase" in t and "Actividad" in t]
    assert paginas
    for texto in paginas:
        plano = " ".join(texto.split())
        assert f"Hoja de ruta — {acuerdo['desafio']['nombre']}" in plano


def test_hoja_de_ruta_cada_pagina_dice_su_mes(libro_acuerdo: openpyxl.Workbook) -> None:
    ws = libro_acuerdo[HOJA_RUTA]
    primeras = [b.id + 1 for b in ws.col_breaks.brk]
    assert primeras  # el diagrama del ejemplo (un año de semanas) no cabe en una página
    for col in primeras:
        dia = ws.cell(FILA_RUTA_TITULOS, col).value
        assert ws.cell(FILA_RUTA_TITULOS - 1, col).value == f"{MESES[dia.month - 1]} {dia.year}"


def test_hoja_de_ruta_cada_pagina_empieza_en_un_mes_con_su_rotulo_entero(libro_acuerdo: openpyxl.Workbook) -> None:
    """Antes, la página 2 empezaba en la última semana de julio: «jul 2023» quedaba en «jul» (lo tapaba «ago 2023»)."""
    ws = libro_acuerdo[HOJA_RUTA]
    primeras = [b.id + 1 for b in ws.col_breaks.brk]
    assert primeras
    for col in primeras:
        assert col > COL_RUTA_SEMANAS
        dia, antes = ws.cell(FILA_RUTA_TITULOS, col).value, ws.cell(FILA_RUTA_TITULOS, col - 1).value
        assert (dia.year, dia.month) != (antes.year, antes.month), dia  # primera semana de su mes en la hoja
        rotulo = ws.cell(FILA_RUTA_TITULOS - 1, col).value
        libres = 1  # columnas hasta el rótulo siguiente: ahí cabe el rótulo de la página
        while ws.cell(FILA_RUTA_TITULOS - 1, col + libres).value is None and col + libres <= ws.max_column:
            libres += 1
        assert unidades_para(ancho_texto(rotulo, negrita=True)) <= libres * ANCHO_SEMANA, (rotulo, libres)


def test_hoja_de_ruta_cada_pagina_repite_la_fecha_de_corte(libro_acuerdo: openpyxl.Workbook) -> None:
    """Las columnas repetidas (A:B) llevan el rótulo «Fecha de corte:»; su valor (C2) no se repite solo."""
    ws = libro_acuerdo[HOJA_RUTA]
    for col in [b.id + 1 for b in ws.col_breaks.brk]:
        assert ws.cell(2, col).value == "=$C$2"  # una fórmula: cambiar la fecha en C2 cambia todas las páginas


@pytest.mark.libreoffice
def test_pdf_hoja_de_ruta_fecha_de_corte_y_mes_en_cada_pagina(pdfs: dict[str, Path]) -> None:
    acuerdo = json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))
    corte = acuerdo.get("fecha_corte") or acuerdo["fecha"]
    dia = "/".join(reversed(str(corte)[:10].split("-")))
    paginas = [t for t, _, _ in _paginas(pdfs["acuerdo"]) if "Fase" in t and "Actividad" in t]
    assert len(paginas) >= 2
    for texto in paginas:
        assert f"Fecha de corte: {dia}" in " ".join(texto.split()), texto[:300]
        fila_meses = next(linea for linea in texto.splitlines() if re.search(r"\b(%s) \d{4}" % "|".join(MESES), linea))
        primero = fila_meses.split()[:2]  # el rótulo de la primera semana de la página, entero
        assert primero[0] in MESES and re.fullmatch(r"\d{4}", primero[1]), fila_meses
