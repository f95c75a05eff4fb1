"""Texto en fórmulas: una sola forma (``formulas.texto_formula``), revisada en el código y en los libros.

La clase de fallo: un nombre que viene de datos (una zona de ``--metodo``) pegado entre comillas en
una fórmula sin escapar, que deja colar ``WEBSERVICE`` o rompe el libro con una comilla suelta. Se
prueba (1) que ningún constructor de fórmulas arma un literal a mano, (2) que cada libro que escribe
el paquete, con nombres hostiles en todo lo que llega de datos, solo tiene fórmulas que se analizan
y solo usan funciones conocidas, y (3) que LibreOffice los recalcula a las mismas zonas que Python.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.formula.tokenizer import Token, Tokenizer

import acuerdo_docs as ad
from acuerdo_docs.errores import ErrorValidacion
from acuerdo_docs.esquemas import metodo_riesgo as metodo
from acuerdo_docs.formulas import lista_en_linea, texto_formula

PAQUETE = Path(ad.__file__).parent

FUNCIONES = {
    "IF", "OR", "AND", "INDEX", "MATCH", "ROUND", "SUMPRODUCT", "IFERROR", "COUNTIF", "COUNTIFS", "COUNT",
    "AVERAGE", "AVERAGEIF", "ROW", "COLUMN", "DATE",
}
"""Las funciones que usan los libros del paquete; cualquier otra en una fórmula es una inyección."""

INYECCION = 'Alta"&WEBSERVICE("http://x")&"'
HOSTILES = [INYECCION, 'Baja "sin cerrar', "Moderada'); =1+1", 'Extrema "" ,;']
"""Nombres de zona que sí son válidos como datos (empiezan por letra) y llevan comillas y operadores."""


# ------------------------------------------------------------------ la función


def test_texto_formula_escapa_comillas_y_rechaza_lo_que_no_tiene_escape() -> None:
    assert texto_formula('a"b') == '"a""b"'
    assert texto_formula("") == '""'
    with pytest.raises(ValueError, match="control"):
        texto_formula("a\nb")
    with pytest.raises(ValueError, match="255"):
        texto_formula("x" * 256)
    assert lista_en_linea(["Sí", "No"]) == '"Sí,No"'
    with pytest.raises(ValueError, match="comas"):
        lista_en_linea(["a,b"])


# ------------------------------------------------------------------ el código


def _constructores() -> list[Path]:
    """Todo módulo que escribe fórmulas (celdas, formato condicional, validación) o las arma."""
    import re

    marcas = re.compile(r"escribir_formula|FormulaRule|CellIsRule|DataValidation|formula1|\bdef formula(_\w+)?\(")
    return [r for r in sorted(PAQUETE.rglob("*.py"))
            if marcas.search(r.read_text(encoding="utf-8")) and r.name != "formulas.py"]


def _literales_a_mano(ruta: Path) -> list[int]:
    """Líneas con ``"{dato}"`` en una f-string o ``'"' + dato`` (un literal de fórmula armado sin escapar)."""
    lineas = []
    for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
        if isinstance(nodo, ast.JoinedStr):
            partes = nodo.values
            for previa, siguiente in zip(partes, partes[1:], strict=False):
                if (isinstance(previa, ast.Constant) and str(previa.value).endswith('"')
                        and isinstance(siguiente, ast.FormattedValue)):
                    lineas.append(nodo.lineno)
        if isinstance(nodo, ast.BinOp) and isinstance(nodo.op, ast.Add):
            if any(isinstance(lado, ast.Constant) and lado.value == '"' for lado in (nodo.left, nodo.right)):
                lineas.append(nodo.lineno)
    return lineas


def test_ningun_constructor_de_formulas_arma_un_literal_a_mano() -> None:
    constructores = _constructores()
    nombres = {r.name for r in constructores}
    assert {"hoja_matriz.py", "mapa.py", "ruta.py", "libro.py", "valoracion.py", "plantilla_lote.py"} <= nombres
    malos = {str(r.relative_to(PAQUETE)): _literales_a_mano(r) for r in constructores}
    assert not {k: v for k, v in malos.items() if v}, "use formulas.texto_formula para poner texto en una fórmula"


# ------------------------------------------------------------------ los libros


def _funciones(formula: str) -> set[str]:
    """Funciones que llama la fórmula; falla si no se puede analizar (una comilla suelta)."""
    tokens = Tokenizer(formula if formula.startswith("=") else "=" + formula).items
    return {t.value.rstrip("(").upper().removeprefix("_XLFN.") for t in tokens
            if t.type == Token.FUNC and t.subtype == Token.OPEN}


def formulas_del_libro(ruta: Path) -> list[tuple[str, str]]:
    """(dónde, fórmula) de cada celda, regla de formato condicional, validación y nombre definido."""
    wb = openpyxl.load_workbook(ruta)
    encontradas: list[tuple[str, str]] = []
    for ws in wb.worksheets:
        for fila in ws.iter_rows():
            for celda in fila:
                if celda.data_type == "f" or (isinstance(celda.value, str) and celda.value.startswith("=")
                                              and celda.data_type != "s"):
                    encontradas.append((f"{ws.title}!{celda.coordinate}", str(celda.value)))
        for rango, reglas in ws.conditional_formatting._cf_rules.items():  # noqa: SLF001
            for regla in reglas:
                encontradas += [(f"{ws.title} formato {rango.sqref}", f) for f in regla.formula or []]
        for dv in ws.data_validations.dataValidation:
            encontradas += [(f"{ws.title} validación {dv.sqref}", f) for f in (dv.formula1, dv.formula2) if f]
    encontradas += [(f"nombre {n}", d.attr_text) for n, d in wb.defined_names.items()]
    return encontradas


def revisar_libro(ruta: Path) -> int:
    formulas = formulas_del_libro(ruta)
    for donde, formula in formulas:
        usadas = _funciones(formula)
        assert usadas <= FUNCIONES, f"{ruta.name} {donde}: funciones inesperadas {usadas - FUNCIONES}: {formula}"
    return len(formulas)


def _metodo_hostil() -> dict[str, Any]:
    datos = json.loads(metodo.ARCHIVO_METODO.read_text(encoding="utf-8"))
    renombre = {z["nombre"]: nuevo for z, nuevo in zip(datos["zonas"], HOSTILES, strict=False)}
    for z in datos["zonas"]:
        z["nombre"] = renombre[z["nombre"]]
    datos["mapa_calor"] = [[renombre[z] for z in fila] for fila in datos["mapa_calor"]]
    datos["clasificaciones"] = [*datos["clasificaciones"], INYECCION]
    datos["tratamientos"][0]["nombre"] = 'Aceptar "ya'
    return datos


def _acuerdo_hostil() -> dict[str, Any]:
    datos = ad.ejemplo_acuerdo().model_dump(mode="json")
    datos["riesgos"][0]["clasificacion"] = INYECCION
    for riesgo in datos["riesgos"]:
        riesgo["descripcion"] = '=WEBSERVICE("http://x")&"'
        riesgo["responsable"] = datos["actores"][0]["id"]
    datos["actores"][0]["entidad"] = '"&WEBSERVICE("http://x")&"'
    return datos


def test_metodo_con_nombres_hostiles_es_valido_como_dato() -> None:
    m = metodo.cargar_metodo(_metodo_hostil())
    assert INYECCION in m.nombres_zona


@pytest.mark.parametrize("nombre", ["=1+1", "+A1", "-1", "@SUM(A1)", "", "x" * 81, "a\x07b", "Alta[1]", "Al*ta",
                                    "Alt?", "a~b"])
def test_nombres_de_un_metodo_se_validan_como_datos(nombre: str) -> None:
    datos = json.loads(metodo.ARCHIVO_METODO.read_text(encoding="utf-8"))
    anterior = datos["zonas"][0]["nombre"]
    datos["zonas"][0]["nombre"] = nombre
    datos["mapa_calor"] = [[nombre if z == anterior else z for z in fila] for fila in datos["mapa_calor"]]
    with pytest.raises(ErrorValidacion, match=r"zonas\[1\]\.nombre"):
        metodo.cargar_metodo(datos)


@pytest.fixture(scope="module")
def libros_hostiles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Cada tipo de libro que escribe el paquete, con datos hostiles donde llegan datos."""
    from acuerdo_docs.documentos.catalogo import generar_catalogo
    from acuerdo_docs.documentos.plantilla_lote import generar_plantilla_lote

    carpeta = tmp_path_factory.mktemp("formulas")
    m = metodo.cargar_metodo(_metodo_hostil())
    libros = {"matriz": carpeta / "matriz.xlsx", "fichas": carpeta / "fichas.xlsx",
              "acuerdos": carpeta / "acuerdos.xlsx", "catalogo": carpeta / "catalogo.xlsx"}
    ad.generar_matriz_riesgos(_acuerdo_hostil(), libros["matriz"], metodo=m)
    generar_plantilla_lote("fichas", libros["fichas"])
    generar_plantilla_lote("acuerdos", libros["acuerdos"])
    fichas = carpeta / "fichas"
    fichas.mkdir()
    ficha = ad.ejemplo_ficha().model_copy(update={"nombre": INYECCION})
    (fichas / "a.docx").write_bytes(ad.renderizar_ficha(ficha))
    generar_catalogo(fichas, libros["catalogo"])
    return libros


def test_todas_las_formulas_de_todos_los_libros_usan_solo_funciones_conocidas(
        libros_hostiles: dict[str, Path]) -> None:
    for nombre, ruta in libros_hostiles.items():
        assert revisar_libro(ruta) > 0, nombre
    # La zona hostil está en el formato condicional como texto escapado, no como función.
    formulas = [f for _, f in formulas_del_libro(libros_hostiles["matriz"])]
    assert texto_formula(INYECCION) in " ".join(formulas)
    assert all("WEBSERVICE" not in _funciones(f) for f in formulas)


def test_el_informe_del_lote_solo_tiene_formulas_conocidas(tmp_path: Path) -> None:
    from conftest import cli
    from test_lote import fila_base, libro_fichas

    fila = fila_base(1) | {"nombre": INYECCION}
    entrada = libro_fichas(tmp_path, [fila, fila_base(2) | {"dependencia": '"&WEBSERVICE("x")&"'}])
    r = cli("lote", str(entrada), "-o", str(tmp_path / "salida"))
    assert r.returncode in (0, 1), r.stderr
    informes = list((tmp_path / "salida").glob("*.xlsx"))
    assert informes
    for informe in informes:
        revisar_libro(informe)


@pytest.mark.libreoffice
def test_libreoffice_recalcula_las_zonas_con_nombres_hostiles(libros_hostiles: dict[str, Path],
                                                              tmp_path: Path) -> None:
    from conftest import convertir_con_libreoffice

    from acuerdo_docs.documentos.matriz import HOJA_MATRIZ, leer_riesgos, valores_calculados
    from acuerdo_docs.documentos.matriz.hoja_matriz import FILA_DATOS, FILA_TITULOS, columnas_matriz

    convertir_con_libreoffice([libros_hostiles["matriz"]], "xlsx", tmp_path)
    recalculado = tmp_path / "matriz.xlsx"
    m = metodo.cargar_metodo(_metodo_hostil())
    ws = openpyxl.load_workbook(recalculado, data_only=True)[HOJA_MATRIZ]
    n = sum(1 for c in ws[FILA_TITULOS] if str(c.value).startswith("Tipo de control"))
    col = {c.clave: i for i, c in enumerate(columnas_matriz(n), start=1)}
    riesgos, _ = leer_riesgos(_acuerdo_hostil(), m)
    zonas = set()
    for k, riesgo in enumerate(riesgos):
        for clave in ("zona_inherente", "zona_residual"):
            esperado = valores_calculados(riesgo, m)[clave]
            assert ws.cell(FILA_DATOS + k, col[clave]).value == esperado, clave
            zonas.add(esperado)
    assert zonas & set(HOSTILES)
    # Lo que LibreOffice vuelve a escribir sigue analizándose y sin funciones ajenas.
    revisar_libro(recalculado)
