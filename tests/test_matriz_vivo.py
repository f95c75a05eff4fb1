"""El libro sigue siendo verdad al editarlo (issue 15.1), un método propio y la impresión (issue 16).

Se escribe el libro, se edita con openpyxl como lo haría un usuario (probabilidad, control,
avance y fechas de un hito, fecha de corte), LibreOffice recalcula y el mapa, los estados y
los avances deben ser lo que Python calcula para los datos editados.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import convertir_con_libreoffice

from acuerdo_docs.documentos.matriz import (
    FILA_DATOS,
    FILA_TITULOS,
    HOJA_AVANCE,
    HOJA_CATALOGOS,
    HOJA_MAPA,
    HOJA_MATRIZ,
    HOJA_RUTA,
    columnas_matriz,
    generar_matriz_riesgos,
    leer_riesgos,
    resumen_avance,
    valores_calculados,
    valores_mapa,
)
from acuerdo_docs.documentos.matriz.mapa import COL_MAPA_INHERENTE, COL_MAPA_RESIDUAL, FILA_CONTEO, FILA_MAPA
from acuerdo_docs.documentos.matriz.ruta import FILA_RUTA_TITULOS, estado_hito
from acuerdo_docs.esquemas import metodo_riesgo as metodo

EJEMPLOS = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos"
CORTE_NUEVO = date(2023, 12, 1)


def _acuerdo() -> dict[str, Any]:
    return json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))


def _columnas(ws: Any) -> dict[str, int]:
    n = sum(1 for c in ws[FILA_TITULOS] if str(c.value).startswith("Tipo de control"))
    return {c.clave: i for i, c in enumerate(columnas_matriz(n), start=1)}


def _editar(ruta: Path, destino: Path) -> None:
    """Lo que haría un usuario en Excel: cambia datos de entrada, nunca fórmulas."""
    wb = openpyxl.load_workbook(ruta)
    ws = wb[HOJA_MATRIZ]
    col = _columnas(ws)
    ws.cell(FILA_DATOS, col["probabilidad"]).value = "Muy alta"
    ws.cell(FILA_DATOS + 1, col["control1_tipo"]).value = "Correctivo"
    ws.cell(FILA_DATOS + 1, col["control1_implementacion"]).value = "Automático"
    ruta_ = wb[HOJA_RUTA]
    f0 = FILA_RUTA_TITULOS + 1
    ruta_.cell(f0 + 1, 7).value = 1  # el segundo hito se completa
    ruta_.cell(f0 + 2, 7).value = 0.25
    ruta_.cell(f0 + 2, 6).value = datetime(2023, 11, 20)  # y el tercero cambia su fin
    ruta_["C2"].value = datetime.combine(CORTE_NUEVO, datetime.min.time())
    wb.save(destino)


def _datos_editados() -> dict[str, Any]:
    datos = _acuerdo()
    datos["riesgos"][0]["probabilidad"] = "Muy alta"
    datos["riesgos"][1]["controles"][0].update({"tipo": "correctivo", "implementacion": "automatico"})
    datos["hoja_de_ruta"][1]["avance"] = 100
    datos["hoja_de_ruta"][2]["avance"] = 25
    datos["hoja_de_ruta"][2]["fin"] = "2023-11-20"
    return datos


def _metodo_propio() -> dict[str, Any]:
    datos = json.loads(metodo.ARCHIVO_METODO.read_text(encoding="utf-8"))
    datos["nombre"] = "Política de riesgos de la entidad"
    datos["version"] = "2"
    datos["tipos_control"][0]["peso"] = 0.30  # preventivo
    datos["implementaciones"][1]["peso"] = 0.20  # manual
    datos["mapa_calor"][0][3] = "Moderado"  # Muy baja x Mayor
    datos["clasificaciones"].append("Riesgo de proyecto")
    return datos


@pytest.fixture(scope="module")
def libros(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    carpeta = tmp_path_factory.mktemp("vivo")
    original = generar_matriz_riesgos(_acuerdo(), carpeta / "original.xlsx", referencia=date(2023, 11, 1))
    assert original is not None
    _editar(original, carpeta / "editado.xlsx")
    propio = generar_matriz_riesgos(_acuerdo(), carpeta / "propio.xlsx", metodo=_metodo_propio())
    assert propio is not None
    return {"editado": carpeta / "editado.xlsx", "propio": propio}


@pytest.fixture(scope="module")
def recalculados(libros: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    salida = tmp_path_factory.mktemp("vivo_lo")
    convertir_con_libreoffice(list(libros.values()), "xlsx", salida)
    return {k: salida / v.name for k, v in libros.items()}


def _mapa_leido(ws: Any) -> dict[str, dict[tuple[int, int], tuple[str, int]]]:
    leido: dict[str, dict[tuple[int, int], tuple[str, int]]] = {}
    for nombre, c0 in (("inherente", COL_MAPA_INHERENTE), ("residual", COL_MAPA_RESIDUAL)):
        celdas = {}
        for p in range(1, 6):
            for i in range(1, 6):
                texto = ws.cell(FILA_MAPA + 2 + (5 - p), c0 + i).value or ""
                conteo = ws.cell(FILA_CONTEO + 2 + (5 - p), c0 + i).value
                celdas[(p, i)] = (texto, int(conteo))
        leido[nombre] = celdas
    return leido


@pytest.mark.libreoffice
def test_mapa_de_calor_sigue_a_la_matriz_editada(recalculados: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(recalculados["editado"], data_only=True)
    riesgos, _ = leer_riesgos(_datos_editados())
    esperado = valores_mapa(riesgos)
    assert _mapa_leido(wb[HOJA_MAPA]) == esperado
    # La edición movió algo: el primer riesgo pasó a Muy alta.
    assert riesgos[0].id in esperado["inherente"][(5, riesgos[0].nivel_impacto)][0]
    ws = wb[HOJA_MATRIZ]
    col = _columnas(ws)
    for n, riesgo in enumerate(riesgos):
        for clave, valor in valores_calculados(riesgo).items():
            obtenido = ws.cell(FILA_DATOS + n, col[clave]).value
            assert obtenido == (pytest.approx(valor, abs=1e-9) if isinstance(valor, float) else valor), clave


@pytest.mark.libreoffice
def test_estados_y_avances_siguen_a_la_hoja_de_ruta_editada(recalculados: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(recalculados["editado"], data_only=True)
    datos = _datos_editados()
    hitos = [(h["responsable"], date.fromisoformat(h["inicio"]) if "-" in h["inicio"] else
              datetime.strptime(h["inicio"], "%d/%m/%Y").date(),
              date.fromisoformat(h["fin"]) if "-" in h["fin"] else datetime.strptime(h["fin"], "%d/%m/%Y").date(),
              h.get("avance", 0) / 100) for h in datos["hoja_de_ruta"]]
    ws = wb[HOJA_RUTA]
    f0 = FILA_RUTA_TITULOS + 1
    estados = [ws.cell(f0 + n, 8).value for n in range(len(hitos))]
    assert estados == [estado_hito(h[1], h[2], h[3], CORTE_NUEVO) for h in hitos]
    assert ws.cell(f0 + len(hitos), 8).value in (None, "")  # fila preparada vacía
    actores = [a["id"] for a in datos["actores"]]
    global_, por_actor = resumen_avance(hitos, CORTE_NUEVO, actores)
    assert ws["G2"].value == pytest.approx(global_)
    avance = wb[HOJA_AVANCE]
    for n, esperado in enumerate(por_actor):
        fila = [avance.cell(5 + n, c).value for c in range(1, 7)]
        assert fila[0] == esperado.actor
        assert fila[2:5] == [esperado.hitos, esperado.completados, esperado.vencidos]
        if esperado.avance is None:
            assert fila[5] in (None, "")
        else:
            assert fila[5] == pytest.approx(esperado.avance)


@pytest.mark.libreoffice
def test_metodo_propio_cambia_catalogos_y_formulas(libros: dict[str, Path], recalculados: dict[str, Path]) -> None:
    m = metodo.cargar_metodo(_metodo_propio())
    wb = openpyxl.load_workbook(libros["propio"])
    cat = wb[HOJA_CATALOGOS]

    def valores(nombre: str) -> list[Any]:
        ((_, celdas),) = list(wb.defined_names[nombre].destinations)
        return [c.value for fila in cat[celdas.replace("$", "")] for c in fila]

    assert valores("PesoTipo")[0] == pytest.approx(0.30)
    assert valores("PesoImplementacion")[1] == pytest.approx(0.20)
    assert "Riesgo de proyecto" in valores("Clasificaciones")
    assert valores("MapaZonas")[3] == "Moderado"
    assert "Política de riesgos de la entidad" in str(cat["A1"].value)
    # LibreOffice recalcula con el método propio lo mismo que Python.
    recalc = openpyxl.load_workbook(recalculados["propio"], data_only=True)
    ws = recalc[HOJA_MATRIZ]
    col = _columnas(ws)
    riesgos, _ = leer_riesgos(_acuerdo(), m)
    distintos = 0
    for n, riesgo in enumerate(riesgos):
        propio = valores_calculados(riesgo, m)
        distintos += propio != valores_calculados(leer_riesgos(_acuerdo())[0][n])
        for clave, valor in propio.items():
            obtenido = ws.cell(FILA_DATOS + n, col[clave]).value
            assert obtenido == (pytest.approx(valor, abs=1e-9) if isinstance(valor, float) else valor), clave
    assert distintos  # el método propio sí cambia el resultado
    assert _mapa_leido(recalc[HOJA_MAPA]) == valores_mapa(riesgos)


def test_metodo_propio_invalido_da_error_en_espanol(tmp_path: Path) -> None:
    from acuerdo_docs.errores import ErrorValidacion

    datos = _metodo_propio()
    datos["mapa_calor"][0][0] = "Gris"
    with pytest.raises(ErrorValidacion) as exc:
        metodo.cargar_metodo(datos)
    assert "Gris" in str(exc.value)
    datos = _metodo_propio()
    datos["tipos_control"] = datos["tipos_control"][:2]
    with pytest.raises(ErrorValidacion, match="tipos_control"):
        metodo.cargar_metodo(datos)


# ---------------------------------------------------------------- impresión


@pytest.fixture(scope="module")
def pdf_libro(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    datos = _acuerdo()
    datos["encabezado"] = {"proceso": "PROCESO DE PRUEBA", "procedimiento": "Procedimiento de prueba & control"}
    carpeta = tmp_path_factory.mktemp("pdf")
    ruta = generar_matriz_riesgos(datos, carpeta / "matriz.xlsx", encabezado={
        "proceso": "PROCESO DE PRUEBA", "procedimiento": "Procedimiento de prueba & control",
        "codigo": "4202000-FT-9999", "version": "07"})
    assert ruta is not None
    convertir_con_libreoffice([ruta], "pdf", carpeta)
    return carpeta / "matriz.pdf", datos


@pytest.mark.libreoffice
def test_pdf_legible_sin_paginas_en_blanco(pdf_libro: tuple[Path, dict[str, Any]]) -> None:
    import pdfplumber

    pdf, _ = pdf_libro
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) > 3
        for n, pagina in enumerate(doc.pages, start=1):
            tamanos = [c["size"] for c in pagina.chars]
            cuerpo = [c for c in pagina.chars if 60 < c["top"] < pagina.height - 45]
            assert cuerpo, f"página {n} en blanco"
            assert min(tamanos) >= 7 - 0.05, (n, min(tamanos))  # 'size' ya trae la escala de impresión
            assert f"Página {n} de {len(doc.pages)}" in pagina.extract_text()


@pytest.mark.libreoffice
def test_encabezado_en_el_libro_y_en_su_pdf(pdf_libro: tuple[Path, dict[str, Any]]) -> None:
    from conftest import texto_pdf

    pdf, _ = pdf_libro
    wb = openpyxl.load_workbook(pdf.with_suffix(".xlsx"))
    textos = [c.value for fila in wb[HOJA_MATRIZ].iter_rows(max_row=6) for c in fila if c.value]
    for valor in ("PROCESO DE PRUEBA", "4202000-FT-9999", "07", "Procedimiento de prueba & control"):
        assert valor in textos
    texto = texto_pdf(pdf)
    assert all("4202000-FT-9999" in t and "VERSIÓN: 07" in t for t in texto)
    assert "PROCESO DE PRUEBA" in texto[0] and "Procedimiento de prueba & control" in " ".join(texto)
