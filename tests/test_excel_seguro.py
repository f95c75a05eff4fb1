"""Excel seguro en todos los libros que escribe el proyecto: matriz, informe de lote, plantilla-lote, catálogo.

Todo texto que empieza por ``=``, ``+``, ``-``, ``@``, tabulador o retorno de carro se guarda
como texto (``data_type == "s"``) y se lee idéntico; los caracteres que XML prohíbe se quitan
sin perder el resto de la celda; el texto del usuario nunca cambia una fórmula propia.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ajustes_hypothesis import ajustes
from apoyo_seguridad import FRAGMENTOS_HOSTILES, practica_base
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from acuerdo_docs.documentos import catalogo, plantilla_lote
from acuerdo_docs.documentos.catalogo import CORRECTA, FilaCatalogo, generar_catalogo, libro_catalogo
from acuerdo_docs.documentos.ficha import generar_ficha
from acuerdo_docs.documentos.informe import InformeLote, ResultadoFila, libro_informe
from acuerdo_docs.documentos.matriz import construir_libro
from acuerdo_docs.esquemas.comun import limpiar_texto
from acuerdo_docs.lectores.hoja_calculo import ErrorCelda
from acuerdo_docs.salida.excel import PREFIJOS_FORMULA, escribir_celda, libro_a_bytes

AJUSTES = ajustes(30)

prefijo = st.sampled_from(PREFIJOS_FORMULA)
pedazo = st.one_of(st.text(max_size=10), st.sampled_from(FRAGMENTOS_HOSTILES))
texto = st.lists(pedazo, max_size=5).map("".join)
formula = st.tuples(prefijo, texto).map("".join)
"""Texto que Excel, LibreOffice o un CSV tomarían por fórmula."""
texto_excel = st.one_of(formula, texto)
formula_obligatoria = st.tuples(prefijo, texto, st.characters(categories=("L", "N"))).map("".join)
"""Fórmula que no queda en blanco (para los campos obligatorios)."""


def releer(wb: Workbook) -> Any:
    return openpyxl.load_workbook(io.BytesIO(libro_a_bytes(wb)))


def celdas(wb: Any) -> list[Any]:
    return [c for ws in wb.worksheets for fila in ws.iter_rows() for c in fila if c.value is not None]


def formulas(wb: Any) -> list[tuple[str, str, str]]:
    return [(c.parent.title, c.coordinate, str(c.value)) for c in celdas(wb) if c.data_type == "f"]


def formulas_nivel(wb: Any) -> list[tuple[str, str, str]]:
    """Las fórmulas de la columna «Nivel DAFP» del catálogo: las únicas que escribe el proyecto allí."""
    ws = wb[catalogo.HOJA_CATALOGO]
    columna = [c.value for c in ws[1]].index("Nivel DAFP") + 1
    filas = ws.iter_rows(min_row=2, min_col=columna, max_col=columna)
    return [(ws.title, c.coordinate, str(c.value)) for fila in filas for c in fila
            if c.data_type == "f" and str(c.value).startswith("=IF(OR(")]


def en_celda_de_texto(wb: Any, valor: str) -> None:
    """``valor`` está en alguna celda de texto, idéntico salvo lo que XML prohíbe; nunca en una fórmula."""
    esperado = limpiar_texto(valor)
    if not esperado:
        return
    encontradas = [c for c in celdas(wb) if c.value == esperado]
    assert encontradas, f"no está en el libro: {valor!r}"
    assert all(c.data_type == "s" for c in encontradas), valor


# ---------------------------------------------------------------- la ayuda común


@AJUSTES
@given(valor=texto_excel)
def test_escribir_celda_guarda_todo_texto_como_texto(valor: str) -> None:
    wb = Workbook()
    celda = escribir_celda(wb.active, 1, 1, valor)
    assert bool(celda.quotePrefix) == limpiar_texto(valor).startswith(PREFIJOS_FORMULA)
    leida = releer(wb).active["A1"]
    if limpiar_texto(valor):
        assert leida.data_type == "s" and leida.value == limpiar_texto(valor)
    assert not formulas(releer(wb))


def test_caracteres_prohibidos_se_quitan_sin_perder_el_resto() -> None:
    wb = Workbook()
    escribir_celda(wb.active, 1, 1, "=antes\x00\x01\x08\x0b\x0c\x1f\ud800\ufffe después 🚀")
    leida = releer(wb).active["A1"]
    assert leida.data_type == "s" and leida.value == "=antes\n\n después 🚀"


# ---------------------------------------------------------------- matriz de riesgos


@st.composite
def riesgos(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(1, 2))
    lista = []
    for i in range(n):
        lista.append({
            "id": f"R{i + 1}" + draw(texto_excel),
            "descripcion": draw(formula_obligatoria), "causa": draw(texto_excel), "consecuencia": draw(texto_excel),
            "clasificacion": "Fallas tecnológicas", "probabilidad": draw(st.integers(1, 5)),
            "impacto": draw(st.integers(1, 5)),
            "controles": [{"descripcion": draw(formula_obligatoria), "tipo": "preventivo", "implementacion": "manual",
                           "responsable": draw(texto_excel)}],
            "plan_accion": draw(texto_excel), "responsable": draw(texto_excel),
        })
    return {"entidad": draw(texto_excel), "desafio": draw(formula), "riesgos": lista}


def _benigno(datos: dict[str, Any]) -> dict[str, Any]:
    """Los mismos riesgos con textos inofensivos: las fórmulas propias deben ser las mismas."""
    copia = {"entidad": "e", "desafio": "d", "riesgos": []}
    for i, r in enumerate(datos["riesgos"]):
        copia["riesgos"].append({**r, "id": f"R{i + 1}", "descripcion": "d", "causa": "c", "consecuencia": "c",
                                 "plan_accion": "p", "responsable": "r",
                                 "controles": [{**r["controles"][0], "descripcion": "d", "responsable": "r"}]})
    return copia


@ajustes(15)
@given(datos=riesgos())
def test_matriz_textos_como_texto_y_formulas_intactas(datos: dict[str, Any]) -> None:
    from acuerdo_docs.errores import ErrorValidacion

    try:
        wb = releer(construir_libro(datos))
    except ErrorValidacion as exc:  # dos referencias iguales tras limpiar: error claro, nada más
        assert "referencia de cada riesgo debe ser única" in str(exc)
        return
    from acuerdo_docs.esquemas.comun import limpiar_texto

    riesgo = datos["riesgos"][0]
    for valor in (riesgo["descripcion"], riesgo["causa"], riesgo["consecuencia"], riesgo["plan_accion"],
                  riesgo["controles"][0]["descripcion"]):
        en_celda_de_texto(wb, limpiar_texto(valor))
    assert formulas(wb) == formulas(releer(construir_libro(_benigno(datos))))


# ---------------------------------------------------------------- informe de lote


@AJUSTES
@given(hoja=texto_excel, clave=texto_excel, archivo=texto_excel, encabezado=texto_excel, mensaje=texto_excel)
def test_informe_de_lote(hoja: str, clave: str, archivo: str, encabezado: str, mensaje: str) -> None:
    error = ErrorCelda(hoja=hoja, fila=3, columna="C", encabezado=encabezado, campo="nombre", mensaje=mensaje)
    informe = InformeLote(entrada=Path("=entrada.xlsx"), carpeta=Path("salida"), tipo="fichas", filas=[
        ResultadoFila(hoja=hoja, fila=3, clave=clave, estado="con errores", archivos=[archivo], errores=[error]),
    ], avisos=[mensaje])
    wb = releer(libro_informe(informe))
    for valor in (hoja, clave, archivo, encabezado, mensaje, "=entrada.xlsx"):
        en_celda_de_texto(wb, valor)
    assert formulas(wb) == []


# ---------------------------------------------------------------- plantilla-lote


@pytest.mark.parametrize("tipo", plantilla_lote.TIPOS)
def test_plantilla_lote_con_ejemplo_hostil(tipo: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """La hoja Ejemplo escribe valores de datos: si fueran fórmulas, quedarían como texto."""
    originales = plantilla_lote.filas_ejemplo(tipo)
    hostiles = ["=1+1", "+57 601", "-menos", "@arroba", "\t=tab", "\r=cr", "=HYPERLINK(\"x\")\x00\x01 resto"]
    cambiadas: dict[str, list[dict[str, Any]]] = {}
    usados: list[str] = []
    for hoja, filas in originales.items():
        cambiadas[hoja] = []
        for fila in filas:
            nueva = dict(fila)
            for clave, valor in fila.items():
                if isinstance(valor, str) and valor:
                    nueva[clave] = hostiles[len(usados) % len(hostiles)]
                    usados.append(nueva[clave])
            cambiadas[hoja].append(nueva)
    monkeypatch.setattr(plantilla_lote, "filas_ejemplo", lambda _tipo: cambiadas)
    ruta = plantilla_lote.generar_plantilla_lote(tipo, tmp_path / "plantilla.xlsx")
    wb = openpyxl.load_workbook(ruta)
    for valor in set(usados):
        en_celda_de_texto(wb, valor)
    ejemplo = [c for c in celdas(wb) if c.parent.title == plantilla_lote.HOJA_EJEMPLO]
    assert not [c for c in ejemplo if c.data_type == "f"]


# ---------------------------------------------------------------- catálogo


@AJUSTES
@given(valores=st.dictionaries(st.sampled_from(["nombre", "dependencia", "descripcion", "retos", "motivo"]),
                               texto_excel, min_size=1))
def test_catalogo_textos_como_texto(valores: dict[str, str]) -> None:
    fila = FilaCatalogo(archivo="=archivo.docx", estado=CORRECTA, motivo=valores.pop("motivo", ""), valores=valores)
    wb = openpyxl.load_workbook(io.BytesIO(libro_catalogo([fila])))
    for valor in [fila.archivo, fila.motivo, *valores.values()]:
        en_celda_de_texto(wb, valor)
    assert formulas(wb) == formulas_nivel(wb)  # solo la fórmula propia del nivel DAFP


def test_catalogo_de_fichas_con_formulas(tmp_path: Path) -> None:
    """De punta a punta: fichas con textos-fórmula → carpeta → catálogo con esos textos como texto."""
    carpeta = tmp_path / "fichas"
    generar_ficha(practica_base(nombre="=1+1", dependencia="@SUMA(A1:A3)", equipo="-equipo",
                                proceso="+proceso", retos=["=reto"]), carpeta / "a.docx")
    generar_ficha(practica_base(nombre="=HYPERLINK(\"http://ejemplo.invalid\")"), carpeta / "b.docx")
    ruta = generar_catalogo(carpeta, tmp_path / "catalogo.xlsx").ruta
    wb = openpyxl.load_workbook(ruta)
    for valor in ("=1+1", "@SUMA(A1:A3)", "-equipo", "+proceso", "=HYPERLINK(\"http://ejemplo.invalid\")"):
        en_celda_de_texto(wb, valor)
    assert formulas(wb) == formulas_nivel(wb) and len(formulas_nivel(wb)) == 2
