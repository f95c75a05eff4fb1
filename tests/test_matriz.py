"""Matriz de riesgos en Excel: estructura, listas, formatos, texto seguro, determinismo y recálculo en LibreOffice."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date
from itertools import cycle
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import convertir_con_libreoffice
from openpyxl.utils import get_column_letter, range_boundaries

from acuerdo_docs.documentos.matriz import (
    FILA_DATOS,
    FILA_TITULOS,
    HOJA_AVANCE,
    HOJA_CALCULOS,
    HOJA_CATALOGOS,
    HOJA_INSTRUCCIONES,
    HOJA_MAPA,
    HOJA_MATRIZ,
    HOJA_RUTA,
    columnas_matriz,
    generar_matriz_riesgos,
    valores_calculados,
)
from acuerdo_docs.errores import ErrorValidacion, validar
from acuerdo_docs.esquemas import Riesgo
from acuerdo_docs.esquemas import metodo_riesgo as metodo
from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico, EncabezadoAcuerdo
from acuerdo_docs.esquemas.comun import limpiar_texto
from acuerdo_docs.salida.excel import escribir_celda, libro_a_bytes

EJEMPLOS = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos"
EJEMPLO = EJEMPLOS / "riesgos_ejemplo.json"
ACUERDO_EJEMPLO = EJEMPLOS / "acuerdo_ejemplo.json"
INYECCION = {"descripcion": "=1+1", "causa": "+57 300", "consecuencia": "-x", "plan_accion": "@SUM(A1)",
             "responsable": "=HYPERLINK(\"http://x\")"}
# Combinaciones de controles que se reparten entre los 25 pares (cero a tres controles).
COMBINACIONES: list[list[tuple[str, str]]] = [
    [],
    [("preventivo", "automatico")],
    [("preventivo", "manual"), ("detectivo", "manual")],
    [("correctivo", "automatico")],
    [("detectivo", "automatico"), ("correctivo", "manual"), ("preventivo", "automatico")],
    [("correctivo", "manual"), ("correctivo", "automatico")],
    [("preventivo", "automatico"), ("preventivo", "automatico"), ("correctivo", "automatico")],
]
FORMULAS_PROHIBIDAS = ("LET(", "XLOOKUP(", "FILTER(", "TEXTJOIN(", "UNIQUE(", "SORT(", "SEQUENCE(", "LAMBDA(", "_xlfn")


def _riesgos() -> list[Riesgo]:
    """Los 25 pares probabilidad x impacto con controles variados, más uno con texto que parece fórmula."""
    riesgos = []
    combos = cycle(COMBINACIONES)
    for p in range(1, 6):
        for i in range(1, 6):
            riesgos.append(validar(Riesgo, {
                "id": f"R{len(riesgos) + 1}",
                "descripcion": f"Posibilidad de pérdida reputacional por el caso {p}x{i} debido a una causa",
                "clasificacion": metodo.CLASIFICACIONES[(p + i) % 7],
                "probabilidad": p,
                "impacto": metodo.IMPACTOS[i - 1],
                "controles": [{"descripcion": f"Control {t} {m}", "tipo": t, "implementacion": m,
                               "responsable": "sdm"} for t, m in next(combos)],
                "tratamiento": "reducir",
                "responsable": "act",
                "fecha_seguimiento": date(2023, 11, p * 5),
            }))
    riesgos.append(validar(Riesgo, {
        "id": "R-INY", "clasificacion": "Fraude externo", "probabilidad": "Media", "impacto": "Mayor",
        "controles": [{"descripcion": "-control", "tipo": "preventivo", "implementacion": "manual"}], **INYECCION,
    }))
    return riesgos


def acuerdo_de_prueba(riesgos: list[Riesgo]) -> AcuerdoSimbolico:
    """Un AcuerdoSimbolico sin validar (model_construct): los riesgos traen texto hostil que un acuerdo
    real rechazaría (un responsable «=HYPERLINK(…)»), y la matriz debe escribirlo como texto igual."""
    from acuerdo_docs.esquemas.acuerdo import Actor, AcuerdoSimbolico, Desafio, Facilitador, Hito

    def actor(id_: str, entidad: str) -> Actor:
        return Actor.model_construct(id=id_, entidad=entidad, sector="publico", rol="", responsabilidades=[],
                                     compromisos=[], representante="", cargo="", correo=None, validado=False)

    def hito(actividad: str, fase: str, responsable: str, inicio: date, fin: date, avance: int) -> Hito:
        return Hito.model_construct(actividad=actividad, fase=fase, responsable=responsable, inicio=inicio,
                                    fin=fin, avance=avance)

    return AcuerdoSimbolico.model_construct(
        riesgos=riesgos,
        desafio=Desafio.model_construct(nombre="Movilidad segura en entornos escolares", descripcion=""),
        fecha=date(2023, 10, 24),
        fecha_corte=None,
        facilitador=Facilitador(entidad="Alta Consejería Distrital de TIC"),
        encabezado=EncabezadoAcuerdo(),
        actores=[actor("act", "Alta Consejería Distrital de TIC"), actor("sdm", "Secretaría Distrital de Movilidad"),
                 actor("univ", "Universidad aliada")],
        hoja_de_ruta=[
            hito("Reunión de inicio y acuerdo simbólico", "Descubrimiento", "act",
                 date(2023, 10, 2), date(2023, 10, 6), 100),
            hito("Diagnóstico con datos de siniestralidad", "Descubrimiento", "sdm",
                 date(2023, 10, 9), date(2023, 10, 20), 40),
            hito("Prototipo de señalización", "Prototipado", "univ", date(2023, 10, 23), date(2023, 11, 17), 10),
            hito("Pruebas con la comunidad", "Validación", "sdm", date(2023, 11, 20), date(2023, 12, 15), 0),
        ],
        seguimiento=[],
    )


@pytest.fixture(scope="module")
def riesgos() -> list[Riesgo]:
    return _riesgos()


@pytest.fixture(scope="module")
def acuerdo(riesgos: list[Riesgo]) -> AcuerdoSimbolico:
    return acuerdo_de_prueba(riesgos)


@pytest.fixture(scope="module")
def ruta_libro(tmp_path_factory: pytest.TempPathFactory, acuerdo: AcuerdoSimbolico) -> Path:
    destino = tmp_path_factory.mktemp("matriz") / "matriz.xlsx"
    ruta = generar_matriz_riesgos(acuerdo, destino, referencia=date(2023, 10, 24))
    assert ruta == destino
    return destino


@pytest.fixture(scope="module")
def acuerdo_real() -> Any:
    from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico

    return validar(AcuerdoSimbolico, json.loads(ACUERDO_EJEMPLO.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def ruta_acuerdo_real(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Desde el diccionario del JSON: la matriz lo valida con el esquema del acuerdo.
    datos = json.loads(ACUERDO_EJEMPLO.read_text(encoding="utf-8"))
    ruta = generar_matriz_riesgos(datos, tmp_path_factory.mktemp("real") / "acuerdo_real.xlsx")
    assert ruta is not None
    return ruta


@pytest.fixture(scope="module")
def libro(ruta_libro: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(ruta_libro)


def _columnas(ws: Any) -> dict[str, int]:
    """Índice de cada columna por su clave (se valida contra los títulos de la hoja)."""
    ncontroles = sum(1 for c in ws[FILA_TITULOS] if str(c.value).startswith("Tipo de control"))
    cols = columnas_matriz(ncontroles)
    assert [c.value for c in ws[FILA_TITULOS]][: len(cols)] == [c.etiqueta for c in cols]
    return {c.clave: i for i, c in enumerate(cols, start=1)}


# ---------------------------------------------------------------- estructura


def test_hojas(libro: openpyxl.Workbook) -> None:
    assert libro.sheetnames == [HOJA_MATRIZ, HOJA_MAPA, HOJA_RUTA, HOJA_AVANCE, "Compromisos", "Riesgos cerrados",
                                HOJA_INSTRUCCIONES, HOJA_CATALOGOS, HOJA_CALCULOS]
    assert libro.active.title == HOJA_MATRIZ
    assert libro[HOJA_CALCULOS].sheet_state == "hidden"  # columnas auxiliares del mapa


def test_encabezado_y_datos(libro: openpyxl.Workbook, riesgos: list[Riesgo]) -> None:
    ws = libro[HOJA_MATRIZ]
    textos = [str(c.value) for fila in ws.iter_rows(max_row=6) for c in fila if c.value is not None]
    assert "MATRIZ DE RIESGOS" in textos
    assert "ALCALDÍA MAYOR DE BOGOTÁ D.C." in textos  # la entidad del encabezado del acuerdo (issue 24.7)
    assert "Movilidad segura en entornos escolares" in textos
    assert "PROCESO:" in textos and "CÓDIGO:" in textos
    assert any(c.value == date(2023, 10, 24) or getattr(c.value, "date", lambda: None)() == date(2023, 10, 24)
               for fila in ws.iter_rows(max_row=6) for c in fila)
    col = _columnas(ws)
    assert col["control3_tipo"]  # hay tres grupos de control
    r = riesgos[2]  # Muy baja x Moderado con dos controles apilados
    fila = FILA_DATOS + 2
    assert ws.cell(fila, col["id"]).value == r.id
    assert ws.cell(fila, col["probabilidad"]).value == "Muy baja"
    assert ws.cell(fila, col["impacto"]).value == "Moderado"
    assert ws.cell(fila, col["control1_tipo"]).value == "Preventivo"
    assert ws.cell(fila, col["control2_implementacion"]).value == "Manual"
    assert ws.cell(fila, col["tratamiento"]).value == "Reducir"
    assert ws.cell(fila, col["fecha_seguimiento"]).number_format == "DD/MM/YYYY"


def test_columnas_calculadas_son_formulas_compatibles(libro: openpyxl.Workbook, riesgos: list[Riesgo]) -> None:
    ws = libro[HOJA_MATRIZ]
    col = _columnas(ws)
    calculadas = [c.clave for c in columnas_matriz(3) if c.calculada]
    assert {"zona_inherente", "probabilidad_residual", "impacto_residual", "zona_residual"} <= set(calculadas)
    for n in range(len(riesgos) + 5):
        for clave in calculadas:
            celda = ws.cell(FILA_DATOS + n, col[clave])
            assert celda.data_type == "f", (clave, celda.coordinate)
            assert not any(p in celda.value.upper() for p in FORMULAS_PROHIBIDAS)
    zona = ws.cell(FILA_DATOS, col["zona_inherente"]).value
    assert "INDEX(MapaZonas" in zona and "MATCH(" in zona


def test_nombres_definidos_en_catalogos(libro: openpyxl.Workbook) -> None:
    nombres = libro.defined_names
    for nombre in ("ProbNombres", "ImpNombres", "MapaZonas", "TiposControl", "Implementaciones", "PesoTipo",
                   "PesoImplementacion", "DisminuyeTipo", "LimitesNivel", "Clasificaciones", "Tratamientos", "Actores"):
        assert nombre in nombres, nombre
        ((hoja, celdas),) = list(nombres[nombre].destinations)
        assert hoja == HOJA_CATALOGOS
    cat = libro[HOJA_CATALOGOS]

    def valores(nombre: str) -> list[Any]:
        ((_, celdas),) = list(nombres[nombre].destinations)
        return [c.value for fila in cat[celdas.replace("$", "")] for c in fila]

    assert valores("ProbNombres") == list(metodo.PROBABILIDADES)
    assert valores("ImpNombres") == list(metodo.IMPACTOS)
    assert valores("MapaZonas") == [z for fila in metodo.MAPA_CALOR for z in fila]
    assert valores("Clasificaciones") == list(metodo.CLASIFICACIONES)
    assert valores("TiposControl") == ["Preventivo", "Detectivo", "Correctivo"]
    assert valores("PesoTipo") == [0.25, 0.15, 0.10]
    assert valores("Actores") == ["act", "sdm", "univ"]


def test_listas_desplegables_desde_catalogos(libro: openpyxl.Workbook, riesgos: list[Riesgo]) -> None:
    ws = libro[HOJA_MATRIZ]
    col = _columnas(ws)
    por_formula = {dv.formula1: dv for dv in ws.data_validations.dataValidation if dv.type == "list"}
    rangos: dict[str, str] = {}
    for dv in ws.data_validations.dataValidation:
        rangos[dv.formula1] = rangos.get(dv.formula1, "") + " " + str(dv.sqref)
    assert all(not f.startswith('"') for f in por_formula)  # nada de listas en línea
    ultima = FILA_DATOS + len(riesgos) + 19
    esperadas = {
        "clasificacion": "Clasificaciones", "probabilidad": "ProbNombres", "impacto": "ImpNombres",
        "control1_tipo": "TiposControl", "control3_tipo": "TiposControl",
        "control2_implementacion": "Implementaciones", "tratamiento": "Tratamientos", "responsable": "Actores",
        "tipo": "TiposRiesgo", "impacto_economico": "ImpNombres", "control2_documentacion": "Documentaciones",
        "control3_evidencia": "Evidencias", "control1_frecuencia": "Frecuencias",
    }
    for clave, nombre in esperadas.items():
        letra = get_column_letter(col[clave])
        for fila in (FILA_DATOS, ultima):
            assert f"{letra}{fila}" in rangos[nombre], (clave, fila)
    assert por_formula["ProbNombres"].errorStyle == "stop"
    assert por_formula["ProbNombres"].error and "lista" in por_formula["ProbNombres"].error
    assert por_formula["ProbNombres"].prompt  # ayuda del esquema
    assert por_formula["Actores"].errorStyle == "warning"
    fechas = [dv for dv in ws.data_validations.dataValidation if dv.type == "date"]
    assert fechas and f"{get_column_letter(col['fecha_seguimiento'])}{FILA_DATOS}" in fechas[0].sqref


def test_formato_condicional_por_zona(libro: openpyxl.Workbook) -> None:
    ws = libro[HOJA_MATRIZ]
    col = _columnas(ws)
    for clave in ("zona_inherente", "zona_residual"):
        celda = f"{get_column_letter(col[clave])}{FILA_DATOS}"
        reglas = [r for cf in ws.conditional_formatting if celda in cf.sqref for r in cf.rules]
        colores = {r.formula[0].strip('"'): r.dxf.fill.fgColor.rgb[-6:] for r in reglas}
        assert colores == {"Bajo": "00B050", "Moderado": "FFFF00", "Alto": "FFC000", "Extremo": "FF0000"}


def test_paneles_filtro_e_impresion(libro: openpyxl.Workbook) -> None:
    ws = libro[HOJA_MATRIZ]
    assert ws.freeze_panes == f"C{FILA_DATOS}"
    assert ws.auto_filter.ref.startswith(f"A{FILA_TITULOS}:")
    for hoja in libro.worksheets:
        if hoja.sheet_state != "visible":
            continue
        assert hoja.page_setup.orientation == "landscape", hoja.title
        assert int(hoja.page_setup.paperSize) == 1 and int(hoja.page_setup.scale) == 80, hoja.title
        assert not hoja.sheet_properties.pageSetUpPr.fitToPage, hoja.title
        assert hoja.print_area, hoja.title
        assert "Página &P de &N" in hoja.oddFooter.center.text
        assert "CÓDIGO: POR ASIGNAR" in hoja.oddHeader.right.text and "VERSIÓN: 01" in hoja.oddHeader.right.text
    # La Matriz se parte por grupos de columnas con referencia y descripción repetidas.
    assert ws.print_title_rows == f"${FILA_TITULOS - 1}:${FILA_TITULOS}"
    assert ws.print_title_cols == "$A:$B"
    cortes = [b.id for b in ws.col_breaks.brk]
    cols = columnas_matriz(3)
    assert len(cortes) >= 3
    for corte in cortes:  # cada página empieza en el primer campo de un grupo
        assert cols[corte].grupo != cols[corte - 1].grupo or cols[corte].clave.startswith("control"), corte


def test_fuentes_con_nombre(ruta_libro: Path) -> None:
    with zipfile.ZipFile(ruta_libro) as zf:
        estilos = zf.read("xl/styles.xml").decode()
    fuentes = re.findall(r"<font>(.*?)</font>", estilos, re.S)
    assert fuentes and all('<name val="Arial"/>' in f for f in fuentes), fuentes
    assert "Calibri" not in estilos


def test_mapa_de_calor_es_formula(libro: openpyxl.Workbook) -> None:
    ws = libro[HOJA_MAPA]
    titulos = {c.value: c for fila in ws.iter_rows() for c in fila if isinstance(c.value, str) and not
               c.value.startswith("=")}
    origen = titulos["Riesgo inherente"]
    f0, c0 = origen.row + 1, origen.column
    assert [ws.cell(f0, c0 + 1 + i).value for i in range(5)] == list(metodo.IMPACTOS)
    assert [ws.cell(f0 + 1 + r, c0).value for r in range(5)] == list(reversed(metodo.PROBABILIDADES))
    celda = ws.cell(f0 + 1, c0 + 1).value  # Muy alta x Leve
    assert celda.startswith("=") and '"5-1#1"' in celda and "TEXTJOIN" not in celda.upper()
    conteo = [c for fila in ws.iter_rows() for c in fila if isinstance(c.value, str) and "COUNTIF(" in c.value
              and c.value.startswith("=COUNTIF")]
    assert len(conteo) == 50
    reglas = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert {r.dxf.fill.fgColor.rgb[-6:] for r in reglas} == set(metodo.COLORES_ZONA.values())
    assert all("MapaZonas" in r.formula[0] for r in reglas)


def test_hoja_de_ruta(libro: openpyxl.Workbook, acuerdo: AcuerdoSimbolico) -> None:
    ws = libro[HOJA_RUTA]
    filas = {c.value: c.row for c in ws["B"] if c.value in [h.actividad for h in acuerdo.hoja_de_ruta]}
    assert len(filas) == 4
    titulos = [c.value for c in ws[min(filas.values()) - 1]][:8]
    assert titulos == ["Fase", "Actividad", "Responsable", "Entidad", "Inicio", "Fin", "Avance", "Estado"]
    assert ws["C2"].value.date() == date(2023, 10, 24)  # fecha de referencia
    for f in filas.values():  # el estado es fórmula contra la fecha de referencia
        assert ws.cell(f, 8).data_type == "f" and "$C$2" in ws.cell(f, 8).value
    f = filas["Diagnóstico con datos de siniestralidad"]
    assert ws.cell(f, 4).value == "Secretaría Distrital de Movilidad"
    assert ws.cell(f, 7).value == pytest.approx(0.4)
    # Semanas: la primera empieza el lunes 2/10/2023; la última cubre el 15/12/2023.
    semanas = [c.value for c in ws[min(filas.values()) - 1][8:] if c.value is not None]
    assert semanas[0].date() == date(2023, 10, 2)
    assert len(semanas) == 11
    reglas = [(cf.sqref, r) for cf in ws.conditional_formatting for r in cf.rules]
    gantt = [r for sqref, r in reglas if r.type == "expression"]
    assert len(gantt) >= 3
    assert all(re.search(r"\$E\d+", r.formula[0]) or "$C$2" in r.formula[0] for r in gantt)
    assert ws.freeze_panes and ws.page_setup.orientation == "landscape"


def test_instrucciones_en_espanol(libro: openpyxl.Workbook) -> None:
    ws = libro[HOJA_INSTRUCCIONES]
    texto = " ".join(str(c.value) for fila in ws.iter_rows() for c in fila if c.value)
    assert "Cómo usar el libro" in texto and "valor × (1 − calificación)" in texto
    assert "Probabilidad inherente" in texto  # tabla de columnas generada desde el esquema
    assert Riesgo.model_fields["descripcion"].description in texto


# ---------------------------------------------------------------- texto seguro y determinismo


def test_texto_que_parece_formula_queda_como_texto(libro: openpyxl.Workbook, riesgos: list[Riesgo]) -> None:
    ws = libro[HOJA_MATRIZ]
    col = _columnas(ws)
    fila = FILA_DATOS + len(riesgos) - 1
    assert ws.cell(fila, col["id"]).value == "R-INY"
    for clave, valor in INYECCION.items():
        celda = ws.cell(fila, col[clave])
        assert celda.value == valor and celda.data_type == "s"
    assert ws.cell(fila, col["control1_descripcion"]).value == "-control"


@pytest.mark.parametrize("valor", ["=1+1", "+57 300", "-x", "@SUM(A1)", "\tTAB", "\rCR", "#N/A", "=", "==A1"])
def test_escribir_celda_nunca_escribe_formulas(valor: str) -> None:
    wb = openpyxl.Workbook()
    escribir_celda(wb.active, 1, 1, valor)
    ws = openpyxl.load_workbook(io.BytesIO(libro_a_bytes(wb))).active
    assert ws["A1"].value == limpiar_texto(valor)  # la misma regla de texto que los esquemas (\r → \n)
    assert ws["A1"].data_type == "s"


def test_caracteres_ilegales_se_quitan_sin_perder_el_resto() -> None:
    wb = openpyxl.Workbook()
    escribir_celda(wb.active, 1, 1, "a\x00b\x01c\x0bd\x1fe\ufffef")
    ws = openpyxl.load_workbook(io.BytesIO(libro_a_bytes(wb))).active
    assert ws["A1"].value == "abc\nd" + "ef"


def test_determinista_y_sin_metadatos_personales(tmp_path: Path, acuerdo: AcuerdoSimbolico, ruta_libro: Path) -> None:
    otra = generar_matriz_riesgos(acuerdo, tmp_path / "otra.xlsx", referencia=date(2023, 10, 24))
    assert otra is not None and otra.read_bytes() == ruta_libro.read_bytes()
    buffer = io.BytesIO()
    assert generar_matriz_riesgos(acuerdo, buffer, referencia=date(2023, 10, 24)) is None
    assert buffer.getvalue() == ruta_libro.read_bytes()
    with zipfile.ZipFile(ruta_libro) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        nucleo = zf.read("docProps/core.xml").decode()
    assert "<dc:creator" in nucleo and ">acuerdo_docs<" in nucleo and "2000-01-01T00:00:00Z" in nucleo
    props = openpyxl.load_workbook(ruta_libro).properties
    assert props.creator == "acuerdo_docs" and props.lastModifiedBy == "acuerdo_docs"


# ---------------------------------------------------------------- entradas


def test_acepta_lista_de_diccionarios_y_json_de_ejemplo(tmp_path: Path) -> None:
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    ruta = generar_matriz_riesgos(datos, tmp_path / "ejemplo.xlsx")
    wb = openpyxl.load_workbook(ruta)
    assert HOJA_RUTA not in wb.sheetnames and "Actores" not in wb.defined_names
    ws = wb[HOJA_MATRIZ]
    assert ws.cell(FILA_DATOS, 1).value == "R1"
    textos = [c.value for fila in ws.iter_rows(max_row=6) for c in fila]
    assert datos["desafio"] in textos and datos["entidad"] in textos
    ruta2 = generar_matriz_riesgos(datos["riesgos"], tmp_path / "lista.xlsx", desafio="Otro")
    ws2 = openpyxl.load_workbook(ruta2)[HOJA_MATRIZ]
    assert "Otro" in [c.value for fila in ws2.iter_rows(max_row=6) for c in fila]


def test_crece_si_un_riesgo_trae_mas_controles(tmp_path: Path, riesgos: list[Riesgo]) -> None:
    ruta = generar_matriz_riesgos(riesgos[:5], tmp_path / "m.xlsx", columnas_control=1, filas_extra=0)
    ws = openpyxl.load_workbook(ruta)[HOJA_MATRIZ]
    col = _columnas(ws)
    assert "control3_tipo" in col and "control4_tipo" not in col
    assert ws.max_row == FILA_DATOS + 4


def test_errores_de_entrada_en_espanol(tmp_path: Path) -> None:
    base = {"id": "R1", "descripcion": "d", "clasificacion": "Fraude interno", "probabilidad": 1, "impacto": 1}
    with pytest.raises(ErrorValidacion) as exc:
        generar_matriz_riesgos([base, {**base, "probabilidad": 9}, base], tmp_path / "x.xlsx")
    texto = str(exc.value)
    assert "riesgos[2].probabilidad" in texto and "se repite: R1" in texto
    assert not (tmp_path / "x.xlsx").exists()


# ---------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def convertidos(ruta_libro: Path, ruta_acuerdo_real: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Un solo arranque de LibreOffice por módulo: abre los .xlsx (sin valores en caché), recalcula y guarda."""
    salida = tmp_path_factory.mktemp("lo")
    convertir_con_libreoffice([ruta_libro, ruta_acuerdo_real], "xlsx", salida)
    return salida


@pytest.fixture(scope="module")
def recalculado(convertidos: Path, ruta_libro: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(convertidos / ruta_libro.name, data_only=True)


def test_entrada_sin_valores_en_cache(ruta_libro: Path) -> None:
    # Si las fórmulas trajeran un valor guardado, el recálculo no quedaría probado.
    with zipfile.ZipFile(ruta_libro) as zf:
        hoja = zf.read("xl/worksheets/sheet1.xml").decode()
    celdas_formula = re.findall(r"<c [^>]*>(?:(?!</c>).)*<f>(?:(?!</c>).)*</c>", hoja, re.S)
    assert len(celdas_formula) > 100
    assert not any(re.search(r"<v>[^<]", c) for c in celdas_formula)  # openpyxl deja <v></v> vacío
    assert openpyxl.load_workbook(ruta_libro, data_only=True)[HOJA_MATRIZ].cell(FILA_DATOS, 10).value is None


@pytest.mark.libreoffice
def test_libreoffice_recalcula_lo_mismo_que_python(recalculado: openpyxl.Workbook, riesgos: list[Riesgo]) -> None:
    ws = recalculado[HOJA_MATRIZ]
    col = _columnas(ws)
    zonas_inh, zonas_res = set(), set()
    for n, riesgo in enumerate(riesgos):
        fila = FILA_DATOS + n
        assert ws.cell(fila, col["id"]).value == riesgo.id
        esperado = valores_calculados(riesgo)
        for clave, valor in esperado.items():
            obtenido = ws.cell(fila, col[clave]).value
            if isinstance(valor, float):
                assert obtenido == pytest.approx(valor, abs=1e-9), (riesgo.id, clave)
            else:
                assert obtenido == valor, (riesgo.id, clave)
        # Los grupos de control vacíos quedan en blanco.
        for k in range(len(riesgo.controles) + 1, 4):
            assert ws.cell(fila, col[f"control{k}_calificacion"]).value in (None, "")
        zonas_inh.add(riesgo.zona_inherente)
        zonas_res.add(riesgo.zona_residual)
    assert zonas_inh == zonas_res == set(metodo.ZONAS)
    # Filas preparadas para nuevos riesgos: fórmulas en blanco, sin errores.
    for fila in range(FILA_DATOS + len(riesgos), FILA_DATOS + len(riesgos) + 20):
        for clave in ("zona_inherente", "porcentaje_probabilidad_residual", "zona_residual"):
            assert ws.cell(fila, col[clave]).value in (None, "")


@pytest.mark.libreoffice
def test_libreoffice_conserva_el_texto(recalculado: openpyxl.Workbook, riesgos: list[Riesgo]) -> None:
    ws = recalculado[HOJA_MATRIZ]
    col = _columnas(ws)
    fila = FILA_DATOS + len(riesgos) - 1
    for clave, valor in INYECCION.items():
        assert ws.cell(fila, col[clave]).value == valor
    assert "ProbNombres" in recalculado.defined_names


def test_rango_de_validacion_cubre_filas_extra() -> None:
    # El rango de la validación de la probabilidad va de la primera fila de datos a la última preparada.
    wb = openpyxl.load_workbook(io.BytesIO(_bytes_minimos()))
    ws = wb[HOJA_MATRIZ]
    dv = next(dv for dv in ws.data_validations.dataValidation if dv.formula1 == "ProbNombres")
    ((c1, f1, c2, f2),) = [range_boundaries(str(r)) for r in dv.sqref.ranges]
    assert (f1, f2) == (FILA_DATOS, FILA_DATOS + 1 + 20 - 1)


def _bytes_minimos() -> bytes:
    buffer = io.BytesIO()
    generar_matriz_riesgos(
        [{"id": "R1", "descripcion": "d", "clasificacion": "Fraude interno", "probabilidad": 1, "impacto": 1}], buffer
    )
    return buffer.getvalue()


@pytest.mark.libreoffice
def test_libreoffice_estado_de_los_hitos(recalculado: openpyxl.Workbook, acuerdo: AcuerdoSimbolico) -> None:
    ws = recalculado[HOJA_RUTA]
    actividades = [h.actividad for h in acuerdo.hoja_de_ruta]
    estados = {c.value: ws.cell(c.row, 8).value for c in ws["B"] if c.value in actividades}
    assert estados == {
        "Reunión de inicio y acuerdo simbólico": "completado",
        "Diagnóstico con datos de siniestralidad": "vencido",
        "Prototipo de señalización": "en curso",
        "Pruebas con la comunidad": "sin iniciar",
    }
    assert estados == {h.actividad: acuerdo.estado_hito(h, date(2023, 10, 24)) for h in acuerdo.hoja_de_ruta}


def test_acuerdo_real(ruta_acuerdo_real: Path, acuerdo_real: Any) -> None:
    wb = openpyxl.load_workbook(ruta_acuerdo_real)
    assert wb.sheetnames[:7] == [HOJA_MATRIZ, HOJA_MAPA, HOJA_RUTA, HOJA_AVANCE, "Compromisos", "Riesgos cerrados",
                                 HOJA_INSTRUCCIONES]
    ws = wb[HOJA_MATRIZ]
    assert [ws.cell(FILA_DATOS + n, 1).value for n in range(len(acuerdo_real.riesgos))] == [
        r.id for r in acuerdo_real.riesgos
    ]
    textos = [c.value for fila in ws.iter_rows(max_row=6) for c in fila]
    assert acuerdo_real.desafio.nombre in textos and acuerdo_real.encabezado.entidad in textos
    assert acuerdo_real.encabezado.proceso in textos
    ((_, celdas),) = list(wb.defined_names["Actores"].destinations)
    assert [f[0].value for f in wb[HOJA_CATALOGOS][celdas.replace("$", "")]] == [a.id for a in acuerdo_real.actores]
    ruta = wb[HOJA_RUTA]
    referencia = ruta["C2"].value.date()
    assert referencia == acuerdo_real.fecha_referencia()  # fecha de corte del acuerdo, no la del reloj


@pytest.mark.libreoffice
def test_libreoffice_acuerdo_real(convertidos: Path, ruta_acuerdo_real: Path, acuerdo_real: Any) -> None:
    wb = openpyxl.load_workbook(convertidos / ruta_acuerdo_real.name, data_only=True)
    ws = wb[HOJA_MATRIZ]
    col = _columnas(ws)
    for n, riesgo in enumerate(acuerdo_real.riesgos):
        for clave, valor in valores_calculados(riesgo).items():
            obtenido = ws.cell(FILA_DATOS + n, col[clave]).value
            assert obtenido == (pytest.approx(valor, abs=1e-9) if isinstance(valor, float) else valor), clave
    ruta = wb[HOJA_RUTA]
    referencia = acuerdo_real.fecha_referencia()
    actividades = {h.actividad: h for h in acuerdo_real.hoja_de_ruta}
    estados = {c.value: ruta.cell(c.row, 8).value for c in ruta["B"] if c.value in actividades}
    assert estados == {a: acuerdo_real.estado_hito(h, referencia) for a, h in actividades.items()}
