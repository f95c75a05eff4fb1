"""Mapa de calor calculado por fórmulas desde la hoja Matriz (inherente y residual).

Cada celda del mapa muestra las referencias de los riesgos que caen en ella y, en una
segunda cuadrícula, cuántos son. Se recalcula en Excel 2010+ y LibreOffice 7+ cuando el
usuario cambia una probabilidad, un impacto o un control.

Por qué así: TEXTJOIN (que uniría las referencias en una fórmula) no existe en Excel 2016
sin Microsoft 365, y FILTER/UNIQUE tampoco. La hoja oculta «Cálculos» tiene, por cada fila
de la Matriz, una columna auxiliar con la celda del mapa («5-1» = Muy alta x Leve) y otra
con esa clave y su número de aparición («5-1#2»). El conteo es COUNTIF sobre la clave; las
referencias se unen con INDEX/MATCH de «5-1#1», «5-1#2», … hasta :data:`IDS_POR_CELDA`
(si hay más, la celda termina en «…» y el conteo dice cuántos son). Los colores de zona
son formato condicional contra ``MapaZonas`` de Catálogos: siguen al método.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...esquemas.metodo_riesgo import NIVELES, MetodoRiesgo
from ...esquemas.riesgo import Riesgo
from ...formulas import texto_formula
from ...salida.excel import (
    FUENTE,
    alto_fila,
    aplicar_estilo,
    escribir_celda,
    escribir_encabezados,
    escribir_formula,
    estilo_encabezado,
    fijar_anchos,
    referencia_hoja,
    relleno,
)
from . import catalogos as cat
from .hoja_matriz import FILA_DATOS, HOJA_MATRIZ

HOJA_MAPA = "Mapa de calor"
HOJA_CALCULOS = "Cálculos"
IDS_POR_CELDA = 8
COL_MAPA_INHERENTE = 1
COL_MAPA_RESIDUAL = 8
FILA_MAPA = 4
"""Título de las cuadrículas de referencias; impactos en FILA_MAPA+1; Muy alta en FILA_MAPA+2 … Muy baja en +6."""
FILA_CONTEO = FILA_MAPA + 9
"""Título de las cuadrículas de conteo (misma disposición)."""
TITULOS = {
    "inherente": "Riesgo inherente",
    "residual": "Riesgo residual (después de controles)",
}

Celdas = dict[tuple[int, int], list[str]]


def posiciones_mapa(riesgos: Sequence[Riesgo]) -> tuple[Celdas, Celdas]:
    """Referencias por celda (probabilidad, impacto): inherente y residual (lo que deben dar las fórmulas)."""
    inh: Celdas = {}
    res: Celdas = {}
    for r in riesgos:
        inh.setdefault((r.probabilidad, r.nivel_impacto), []).append(r.id)
        res.setdefault((r.probabilidad_residual, r.impacto_residual), []).append(r.id)
    return inh, res


def texto_celda(ids: Sequence[str]) -> str:
    """Cómo muestra una celda del mapa sus referencias (la fórmula hace lo mismo)."""
    texto = ", ".join(ids[:IDS_POR_CELDA])
    return texto + (" …" if len(ids) > IDS_POR_CELDA else "")


def hoja_calculos(wb: Workbook, letras: Mapping[str, str], ultima_fila: int) -> tuple[str, str, str, str]:
    """Hoja oculta con las columnas auxiliares; devuelve los rangos (clave y clave#n) inherente y residual."""
    ws = wb.create_sheet(HOJA_CALCULOS)
    ws.sheet_state = "hidden"
    escribir_encabezados(ws, 1, ["Fila de la Matriz", "Celda inherente", "Celda inherente #", "Celda residual",
                                 "Celda residual #"])
    mz = referencia_hoja(HOJA_MATRIZ)
    n = ultima_fila - FILA_DATOS + 1
    pares = (("probabilidad", "impacto", 2), ("probabilidad_residual", "impacto_residual", 4))
    for k in range(n):
        fila, origen = 2 + k, FILA_DATOS + k
        ws.cell(fila, 1, origen)
        ident = f"{mz}!${letras['id']}{origen}"
        for p, i, col in pares:
            prob, imp = f"{mz}!${letras[p]}{origen}", f"{mz}!${letras[i]}{origen}"
            clave = get_column_letter(col)
            escribir_formula(ws, fila, col, (
                f'=IF(OR({ident}="",{prob}="",{imp}=""),"",'
                f'IFERROR(MATCH({prob},{cat.N_PROB},0)&"-"&MATCH({imp},{cat.N_IMP},0),""))'))
            escribir_formula(ws, fila, col + 1, (
                f'=IF({clave}{fila}="","",{clave}{fila}&"#"&COUNTIF({clave}$2:{clave}{fila},{clave}{fila}))'))
    fin = 1 + n
    hoja = referencia_hoja(HOJA_CALCULOS)
    return (f"{hoja}!$B$2:$B${fin}", f"{hoja}!$C$2:$C${fin}", f"{hoja}!$D$2:$D${fin}", f"{hoja}!$E$2:$E${fin}")


def formula_ids(clave: str, rango_n: str, rango_ids: str, rango_clave: str) -> str:
    """Referencias de la celda ``clave`` («5-1»), unidas con coma, sin TEXTJOIN."""
    partes = [f'IFERROR({"" if j == 1 else chr(34) + ", " + chr(34) + "&"}'
              f'INDEX({rango_ids},MATCH({texto_formula(f"{clave}#{j}")},{rango_n},0)),"")'
              for j in range(1, IDS_POR_CELDA + 1)]
    return "=" + "&".join(partes) + f'&IF(COUNTIF({rango_clave},{texto_formula(clave)})>{IDS_POR_CELDA}," …","")'


def _cuadricula(ws: Worksheet, fila: int, col: int, titulo: str, m: MetodoRiesgo) -> None:
    escribir_celda(ws, fila, col, titulo, estilo={"negrita": True, "tamano": 11})
    ws.merge_cells(start_row=fila, start_column=col, end_row=fila, end_column=col + 5)
    ws.row_dimensions[fila].height = 18
    escribir_celda(ws, fila + 1, col, "Probabilidad \\ Impacto", estilo={"negrita": True, "borde": True,
                                                                           "ajustar": True})
    ws.row_dimensions[fila + 1].height = alto_fila([(n, 12) for n in m.nombres_impacto]
                                                   + [("Probabilidad \\ Impacto", 14)])
    for i, nombre in enumerate(m.nombres_impacto):
        estilo_encabezado(escribir_celda(ws, fila + 1, col + 1 + i, nombre))
    for r, nivel_p in enumerate(reversed(NIVELES)):  # Muy alta arriba
        estilo_encabezado(escribir_celda(ws, fila + 2 + r, col, m.nombres_probabilidad[nivel_p - 1]))
    # Color de zona por formato condicional contra MapaZonas: fila del método = 5 - (fila - primera).
    f0, c0 = fila + 2, col + 1
    rango = f"{get_column_letter(c0)}{f0}:{get_column_letter(c0 + 4)}{f0 + 4}"
    arriba = f"{get_column_letter(c0)}{f0}"
    for z in m.zonas:
        formula = f'INDEX({cat.N_MAPA},{f0 + 5}-ROW({arriba}),COLUMN({arriba})-{c0 - 1})={texto_formula(z.nombre)}'
        ws.conditional_formatting.add(rango, FormulaRule(
            formula=[formula], fill=relleno(z.color), font=Font(name=FUENTE, bold=True, color=z.color_texto)))


def hoja_mapa(wb: Workbook, ws: Worksheet, m: MetodoRiesgo, letras: Mapping[str, str], ultima_fila: int,
              desafio: str) -> None:
    escribir_celda(ws, 1, 1, "Mapa de calor" + (f" — {desafio}" if desafio else ""),
                   estilo={"negrita": True, "tamano": 13})
    ws.row_dimensions[1].height = 20
    aviso = ("Calculado por fórmulas desde la hoja Matriz: si cambia una probabilidad, un impacto o un control,"
             " el mapa se actualiza. Arriba, las referencias de los riesgos de cada celda; abajo, cuántos son.")
    escribir_celda(ws, 2, 1, aviso, estilo={"ajustar": True})
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=13)
    ws.row_dimensions[2].height = alto_fila([(aviso, 150)])
    n_inh, ninh_rango, n_res, nres_rango = hoja_calculos(wb, letras, ultima_fila)
    ids = f"{referencia_hoja(HOJA_MATRIZ)}!${letras['id']}${FILA_DATOS}:${letras['id']}${ultima_fila}"
    cuadriculas = (
        (COL_MAPA_INHERENTE, TITULOS["inherente"], n_inh, ninh_rango),
        (COL_MAPA_RESIDUAL, TITULOS["residual"], n_res, nres_rango),
    )
    for col, titulo, rango_clave, rango_n in cuadriculas:
        _cuadricula(ws, FILA_MAPA, col, titulo, m)
        _cuadricula(ws, FILA_CONTEO, col, "Número de riesgos — " + titulo[0].lower() + titulo[1:], m)
        for r, nivel_p in enumerate(reversed(NIVELES)):
            for i, nivel_i in enumerate(NIVELES):
                clave = f"{nivel_p}-{nivel_i}"
                celda = escribir_formula(ws, FILA_MAPA + 2 + r, col + 1 + i, formula_ids(clave, rango_n, ids,
                                                                                          rango_clave))
                aplicar_estilo(celda, ajustar=True, horizontal="center", vertical="center", borde=True)
                conteo = escribir_formula(ws, FILA_CONTEO + 2 + r, col + 1 + i,
                                          f'=COUNTIF({rango_clave},{texto_formula(clave)})')
                aplicar_estilo(conteo, horizontal="center", vertical="center", borde=True)
    for r in range(5):
        ws.row_dimensions[FILA_MAPA + 2 + r].height = 40
        ws.row_dimensions[FILA_CONTEO + 2 + r].height = 16
    fila = FILA_CONTEO + 8
    escribir_celda(ws, fila, 1, "Zonas:", estilo={"negrita": True})
    for i, z in enumerate(m.zonas):
        cat.pintar_zona(escribir_celda(ws, fila, 2 + i, z.nombre), z.nombre, m)
    fijar_anchos(ws, [14, 12, 12, 12, 12, 12, 3, 14, 12, 12, 12, 12, 12])


def valores_mapa(riesgos: Sequence[Riesgo]) -> dict[str, dict[tuple[int, int], tuple[str, int]]]:
    """Lo que debe mostrar cada celda (texto de referencias, conteo), inherente y residual."""
    inh, res = posiciones_mapa(riesgos)
    return {
        nombre: {(p, i): (texto_celda(celdas.get((p, i), [])), len(celdas.get((p, i), [])))
                 for p in NIVELES for i in NIVELES}
        for nombre, celdas in (("inherente", inh), ("residual", res))
    }


__all__ = ["HOJA_CALCULOS", "HOJA_MAPA", "posiciones_mapa", "texto_celda", "valores_mapa"]
