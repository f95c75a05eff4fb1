"""Hoja de ruta: hitos, estado de cada uno frente a la fecha de corte y avance global y por actor.

Todo es fórmula (IF, AVERAGE, AVERAGEIF, COUNTIF, COUNTIFS: Excel 2007+ y LibreOffice):
si el usuario cambia el avance o las fechas de un hito, o la fecha de corte (C2), el
estado, el diagrama semanal y los avances se recalculan. Las mismas reglas en Python:
:func:`estado_hito` (la de ``esquemas.acuerdo``) y :func:`resumen_avance`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ...errores import ErrorEntrada
from ...esquemas.acuerdo import AcuerdoSimbolico, Hito
from ...formulas import texto_formula
from ...limites_entrada import LIMITE_SEMANAS_GANTT
from ...salida.excel import (
    FORMATO_FECHA,
    alto_fila,
    anchos_con_titulos,
    aplicar_estilo,
    escribir_celda,
    escribir_encabezados,
    escribir_formula,
    estilo_encabezado,
    fijar_anchos,
    relleno,
)
from ...salida.medidas import ancho_texto, unidades_para
from .hoja_matriz import COLOR_CALCULADA

HOJA_RUTA = "Hoja de ruta"
HOJA_AVANCE = "Avance por actor"
FILA_RUTA_TITULOS = 5
COL_RUTA_SEMANAS = 9
"""Primera columna de semanas del Gantt (columnas A..H: fase … estado)."""
FILAS_EXTRA_RUTA = 10
CELDA_CORTE = "C2"
CELDA_CORTE_ABSOLUTA = "$C$2"
FORMATO_FECHA_CORTE = "24/10/2023"
"""Lo más ancho que muestra la celda de la fecha de corte (para repetirla en cada página del diagrama)."""
CELDA_AVANCE_GLOBAL = "G2"
TITULOS_RUTA = ["Fase", "Actividad", "Responsable", "Entidad", "Inicio", "Fin", "Avance", "Estado"]
TITULOS_AVANCE = ["Actor", "Entidad", "Hitos", "Completados", "Vencidos", "Avance promedio"]
ANCHOS_RUTA = (14, 30, 12, 22, 10, 10, 8, 11)
ANCHO_SEMANA = 3.0
"""Unidades por semana del diagrama: cabe el día («07») en negrita; el diagrama se parte por periodos al imprimir."""
MESES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")


def estado_hito(inicio: date, fin: date, avance: float, corte: date) -> str:
    """La regla de ``esquemas.acuerdo.estado_hito`` (``avance`` en fracción 0..1 o en 0..100)."""
    from ...esquemas.acuerdo import estado_hito as regla  # perezoso: la matriz sola no construye el acuerdo

    return regla(inicio, fin, avance * 100 if avance <= 1 else avance, corte)


def formula_estado(fila: int) -> str:
    """Estado del hito frente a la fecha de corte ($C$2), la regla de :func:`estado_hito`."""
    e, f, g = f"E{fila}", f"F{fila}", f"G{fila}"
    return (f'=IF(OR({g}="",{e}="",{f}=""),"",IF({g}>=1,"completado",IF({f}<$C$2,"vencido",'
            f'IF(AND({e}>$C$2,{g}=0),"sin iniciar","en curso"))))')


@dataclass(frozen=True)
class AvanceActor:
    actor: str
    hitos: int
    completados: int
    vencidos: int
    avance: float | None


def resumen_avance(hitos: Sequence[tuple[str, date, date, float]], corte: date,
                   actores: Sequence[str]) -> tuple[float | None, list[AvanceActor]]:
    """Avance global (promedio de los hitos, 0..1) y por actor; ``hitos``: (responsable, inicio, fin, avance 0..1)."""
    global_ = sum(h[3] for h in hitos) / len(hitos) if hitos else None
    por_actor = []
    for a in actores:
        propios = [h for h in hitos if h[0] == a]
        estados = [estado_hito(h[1], h[2], h[3], corte) for h in propios]
        por_actor.append(AvanceActor(
            a, len(propios), estados.count("completado"), estados.count("vencido"),
            sum(h[3] for h in propios) / len(propios) if propios else None,
        ))
    return global_, por_actor


def hoja_ruta(ws: Worksheet, acuerdo: AcuerdoSimbolico, corte: date, desafio: str, actores: Mapping[str, str]) -> int:
    """Escribe la hoja de ruta; devuelve la última fila de hitos (con las vacías preparadas)."""
    hitos = acuerdo.hitos_ordenados()  # el mismo orden que el Word y la infografía
    anchos = anchos_con_titulos(TITULOS_RUTA, ANCHOS_RUTA)
    # Título y explicación en A:B (las columnas que se repiten en cada página del diagrama): enteros en todas.
    titulo = "Hoja de ruta" + (f" — {desafio}" if desafio else "")
    escribir_celda(ws, 1, 1, titulo, estilo={"negrita": True, "tamano": 12, "ajustar": True})
    ws.merge_cells("A1:B1")
    ws.row_dimensions[1].height = alto_fila([(titulo, anchos[0] + anchos[1])], tamano=12, negrita=True)
    escribir_celda(ws, 2, 1, "Fecha de corte:", estilo={"negrita": True})
    escribir_celda(ws, 2, 3, corte)
    ws.merge_cells("A2:B2")
    escribir_celda(ws, 2, 5, "Avance global:", estilo={"negrita": True, "horizontal": "right"})
    ws.merge_cells("E2:F2")
    explicacion = ("Estado y avances: fórmulas frente a la fecha de corte (C2). Barras: clara = planeado, oscura ="
                   " avance, roja = vencido; gris = semana del corte. Filas vacías al final para añadir hitos.")
    escribir_celda(ws, 3, 1, explicacion, estilo={"ajustar": True})
    ws.merge_cells("A3:B3")
    ws.row_dimensions[3].height = alto_fila([(explicacion, anchos[0] + anchos[1])])
    escribir_encabezados(ws, FILA_RUTA_TITULOS, TITULOS_RUTA)
    ws.row_dimensions[FILA_RUTA_TITULOS].height = alto_fila(zip(TITULOS_RUTA, anchos), negrita=True)
    fijar_anchos(ws, anchos)
    f0 = FILA_RUTA_TITULOS + 1
    ultima = FILA_RUTA_TITULOS + len(hitos) + FILAS_EXTRA_RUTA
    for n in range(ultima - FILA_RUTA_TITULOS):
        fila = f0 + n
        hito = hitos[n] if n < len(hitos) else None
        responsable = hito.responsable if hito else None
        valores = [hito.fase, hito.actividad, responsable, actores.get(responsable or "", ""), hito.inicio, hito.fin,
                   hito.avance / 100] if hito else [None] * 7
        for i, valor in enumerate(valores, start=1):
            celda = escribir_celda(ws, fila, i, valor, estilo={"borde": True, "ajustar": True})
            if i == 7:
                celda.number_format = "0%"
            elif i in (5, 6):
                celda.number_format = FORMATO_FECHA
        aplicar_estilo(escribir_formula(ws, fila, 8, formula_estado(fila)), fondo=COLOR_CALCULADA, borde=True)
        if hito:
            ws.row_dimensions[fila].height = alto_fila((v, a) for v, a in zip(valores[:4], anchos[:4]))
    rango_avance = f"$G${f0}:$G${ultima}"
    celda = escribir_formula(ws, 2, 7, f'=IF(COUNT({rango_avance})=0,"",AVERAGE({rango_avance}))')
    aplicar_estilo(celda, fondo=COLOR_CALCULADA, negrita=True, formato="0.0%")
    _gantt(ws, hitos, corte, f0, ultima)
    ws.freeze_panes = f"C{f0}"
    ws.auto_filter.ref = f"A{FILA_RUTA_TITULOS}:H{ultima}"
    return ultima


def _gantt(ws: Worksheet, hitos: Sequence[Hito], corte: date, f0: int, ultima: int) -> None:
    # Semanas de lunes a domingo que cubren todos los hitos y la fecha de corte.
    fechas = [d for h in hitos for d in (h.inicio, h.fin)]
    primero, ultimo = min([*fechas, corte]), max([*fechas, corte])
    lunes = primero - timedelta(days=primero.weekday())
    semanas = (ultimo - lunes).days // 7 + 1
    if semanas > LIMITE_SEMANAS_GANTT:
        raise ErrorEntrada(
            f"Hoja de ruta: el diagrama iría del {primero:%d/%m/%Y} al {ultimo:%d/%m/%Y} ({semanas} semanas) y admite"
            f" como máximo {LIMITE_SEMANAS_GANTT}; revise las fechas de inicio y fin de los hitos"
            " (hoja_de_ruta[].inicio, hoja_de_ruta[].fin) y la fecha de referencia (fecha_corte o --referencia)"
        )
    # Una columna estrecha por semana: arriba el mes (en la primera semana de cada mes), abajo el día del lunes.
    mes_anterior = None
    for s in range(semanas):
        col = COL_RUTA_SEMANAS + s
        dia = lunes + timedelta(weeks=s)
        if (dia.year, dia.month) != mes_anterior:
            escribir_celda(ws, FILA_RUTA_TITULOS - 1, col, _mes(dia), estilo={"negrita": True})
            mes_anterior = (dia.year, dia.month)
        celda = escribir_celda(ws, FILA_RUTA_TITULOS, col, dia)
        estilo_encabezado(celda)
        celda.number_format = "DD"
        ws.column_dimensions[get_column_letter(col)].width = ANCHO_SEMANA
    c1, c2 = get_column_letter(COL_RUTA_SEMANAS), get_column_letter(COL_RUTA_SEMANAS + semanas - 1)
    zona_gantt = f"{c1}{f0}:{c2}{ultima}"
    semana = f"{c1}${FILA_RUTA_TITULOS}"
    en_barra = f'$E{f0}<>"",$F{f0}<>"",{semana}<=$F{f0},{semana}+6>=$E{f0}'
    reglas = [
        (f"AND({en_barra},{semana}<$E{f0}+($F{f0}-$E{f0}+1)*$G{f0})", "2F5597"),
        (f'AND({en_barra},$H{f0}={texto_formula("vencido")})', "FF7C80"),
        (f"AND({en_barra})", "B4C7E7"),
        (f"AND($C$2>={semana},$C$2<{semana}+7)", "D9D9D9"),
    ]
    for formula, color in reglas:
        ws.conditional_formatting.add(zona_gantt, FormulaRule(formula=[formula], fill=relleno(color), stopIfTrue=True))
    colores_estado = {"completado": "C6EFCE", "en curso": "FFEB9C", "vencido": "FFC7CE", "sin iniciar": "EDEDED"}
    for estado, color in colores_estado.items():
        ws.conditional_formatting.add(f"H{f0}:H{ultima}", CellIsRule(
            operator="equal", formula=[texto_formula(estado)], fill=relleno(color)))


def _mes(dia: date) -> str:
    return f"{MESES[dia.month - 1]} {dia.year}"


def grupos_ruta(ws: Worksheet) -> list[str]:
    """Grupos de columnas para repartir la hoja en páginas: cada columna de la tabla sola y las semanas
    por mes, así cada página del diagrama empieza en la primera semana de un mes (su rótulo cabe entero)."""
    grupos = []
    for col in range(1, ws.max_column + 1):
        dia = ws.cell(FILA_RUTA_TITULOS, col).value
        grupos.append(f"{dia.year}-{dia.month}" if col >= COL_RUTA_SEMANAS and isinstance(dia, date) else str(col))
    return grupos


def rotular_paginas(ws: Worksheet, primeras: Sequence[int]) -> None:
    """Cada página impresa del diagrama dice el mes de su primera semana y, en la fila de la fecha de corte,
    repite esa fecha (una fórmula sobre C2): las columnas repetidas (A:B) solo llevan su rótulo."""
    semanas = unidades_para(ancho_texto(FORMATO_FECHA_CORTE)) / ANCHO_SEMANA
    for col in primeras:
        dia = ws.cell(FILA_RUTA_TITULOS, col).value
        if col < COL_RUTA_SEMANAS or not isinstance(dia, date):
            continue
        if ws.cell(FILA_RUTA_TITULOS - 1, col).value is None:
            escribir_celda(ws, FILA_RUTA_TITULOS - 1, col, _mes(dia), estilo={"negrita": True})
        celda = escribir_formula(ws, 2, col, f"={CELDA_CORTE_ABSOLUTA}")
        aplicar_estilo(celda, formato=FORMATO_FECHA, horizontal="left")
        ultima = min(col + math.ceil(semanas) - 1, ws.max_column)
        ws.merge_cells(start_row=2, start_column=col, end_row=2, end_column=ultima)


def hoja_avance(ws: Worksheet, actores: Mapping[str, str], f0: int, ultima: int) -> None:
    """Avance por actor con fórmulas sobre la hoja de ruta (responsable, avance y estado de cada hito)."""
    anchos = anchos_con_titulos(TITULOS_AVANCE, [12, 36, 9, 12, 10, 14])
    escribir_celda(ws, 1, 1, "Avance por actor", estilo={"negrita": True, "tamano": 13})
    ws.row_dimensions[1].height = 20
    nota = ("Calculado con fórmulas sobre la Hoja de ruta y su fecha de corte: hitos de cada actor, completados,"
            " vencidos y promedio de su avance.")
    escribir_celda(ws, 2, 1, nota, estilo={"ajustar": True})
    ws.merge_cells("A2:F2")
    ws.row_dimensions[2].height = alto_fila([(nota, sum(anchos))])
    escribir_encabezados(ws, 4, TITULOS_AVANCE)
    hoja = "'" + HOJA_RUTA + "'"
    resp, avance, estado = (f"{hoja}!${c}${f0}:${c}${ultima}" for c in "CGH")
    for n, (actor, entidad) in enumerate(actores.items()):
        fila = 5 + n
        escribir_celda(ws, fila, 1, actor, estilo={"borde": True, "ajustar": True})
        escribir_celda(ws, fila, 2, entidad, estilo={"borde": True, "ajustar": True})
        a = f"$A{fila}"
        formulas = [
            f"=COUNTIF({resp},{a})",
            f'=COUNTIFS({resp},{a},{estado},"completado")',
            f'=COUNTIFS({resp},{a},{estado},"vencido")',
            f'=IF(COUNTIF({resp},{a})=0,"",AVERAGEIF({resp},{a},{avance}))',
        ]
        for i, formula in enumerate(formulas, start=3):
            celda = escribir_formula(ws, fila, i, formula)
            aplicar_estilo(celda, fondo=COLOR_CALCULADA, borde=True, formato="0.0%" if i == 6 else None)
        ws.row_dimensions[fila].height = alto_fila([(actor, anchos[0]), (entidad, anchos[1])])
    ws.row_dimensions[4].height = alto_fila(zip(TITULOS_AVANCE, anchos), negrita=True)
    fijar_anchos(ws, anchos)
