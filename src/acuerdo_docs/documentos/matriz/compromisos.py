"""Hoja Compromisos: cada compromiso de cada actor con su estado y su evidencia, para seguirlos por cortes.

El equipo escribe el estado (lista desplegable: pendiente, en curso, cumplido) y una nota corta de
evidencia; ``acuerdo-docs seguimiento`` los lee de vuelta (por actor y descripción). Las columnas
llevan las etiquetas del esquema (:class:`~acuerdo_docs.esquemas.acuerdo.Compromiso`).
"""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ...esquemas.acuerdo import ESTADOS_COMPROMISO, TIPOS_COMPROMISO, AcuerdoSimbolico, CierreRiesgo, Compromiso
from ...esquemas.comun import etiqueta
from ...formulas import lista_en_linea
from ...salida.excel import alto_fila, anchos_con_titulos, escribir_celda, escribir_encabezados, fijar_anchos

HOJA_COMPROMISOS = "Compromisos"
FILA_TITULOS_COMPROMISOS = 3
TITULO_ACTOR = "Actor"
TITULO_ENTIDAD = "Entidad"
FILAS_EXTRA_COMPROMISOS = 10
ANCHOS = (10, 28, 16, 60, 14, 40)


def titulos_compromisos() -> list[str]:
    """Los títulos de la hoja (los mismos que busca el lector)."""
    return [TITULO_ACTOR, TITULO_ENTIDAD, *(etiqueta(Compromiso, n) for n in ("tipo", "descripcion", "estado",
                                                                             "evidencia"))]


def hoja_compromisos(ws: Worksheet, acuerdo: AcuerdoSimbolico) -> int:
    """Escribe la hoja; devuelve la última fila preparada (con filas vacías para compromisos nuevos)."""
    explicacion = ("Escriba el estado de cada compromiso (pendiente, en curso o cumplido) y una nota corta de"
                   " evidencia (un acta, un enlace). «acuerdo-docs seguimiento» los lee en cada corte. Un compromiso"
                   " nuevo: el id del actor, el tipo y la descripción en una fila vacía.")
    escribir_celda(ws, 1, 1, "Compromisos de los actores", estilo={"negrita": True, "tamano": 12})
    escribir_celda(ws, 2, 1, explicacion, estilo={"ajustar": True})
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(ANCHOS))
    ws.row_dimensions[2].height = alto_fila([(explicacion, sum(ANCHOS))])
    titulos = titulos_compromisos()
    anchos = anchos_con_titulos(titulos, ANCHOS)  # ningún título partido a media palabra
    escribir_encabezados(ws, FILA_TITULOS_COMPROMISOS, titulos)
    # LibreOffice no agranda la fila al abrir: «Tipo de compromiso» en dos líneas, entera
    ws.row_dimensions[FILA_TITULOS_COMPROMISOS].height = alto_fila(zip(titulos, anchos), negrita=True)
    fila = FILA_TITULOS_COMPROMISOS
    for actor in acuerdo.actores:
        for compromiso in actor.compromisos:
            fila += 1
            valores = [actor.id, actor.entidad, TIPOS_COMPROMISO[compromiso.tipo], compromiso.descripcion,
                       ESTADOS_COMPROMISO[compromiso.estado], compromiso.evidencia or None]
            for col, valor in enumerate(valores, start=1):
                escribir_celda(ws, fila, col, valor, estilo={"borde": True, "ajustar": col in (2, 4, 6)})
            ws.row_dimensions[fila].height = alto_fila([(compromiso.descripcion, ANCHOS[3]),
                                                        (actor.entidad, ANCHOS[1])])
    ultima = fila + FILAS_EXTRA_COMPROMISOS
    lista = DataValidation(type="list", formula1=lista_en_linea(ESTADOS_COMPROMISO.values()), allow_blank=True,
                           showErrorMessage=True, showInputMessage=True)
    lista.errorTitle = "Valor no válido"
    lista.error = "Elija pendiente, en curso o cumplido."
    lista.promptTitle = "Estado del compromiso"
    lista.prompt = "Pendiente, En curso o Cumplido."
    lista.add(f"E{FILA_TITULOS_COMPROMISOS + 1}:E{ultima}")
    tipos = DataValidation(type="list", formula1=lista_en_linea(TIPOS_COMPROMISO.values()), allow_blank=True,
                           showErrorMessage=True)
    tipos.add(f"C{FILA_TITULOS_COMPROMISOS + 1}:C{ultima}")
    ws.add_data_validation(lista)
    ws.add_data_validation(tipos)
    ws.freeze_panes = f"A{FILA_TITULOS_COMPROMISOS + 1}"
    fijar_anchos(ws, anchos)
    return ultima


HOJA_CIERRES = "Riesgos cerrados"
FILAS_EXTRA_CIERRES = 20


def hoja_cierres(ws: Worksheet, acuerdo: AcuerdoSimbolico) -> None:
    """Riesgos cerrados: referencia y motivo de cada riesgo que el equipo quitó de la Matriz."""
    explicacion = ("Al quitar un riesgo de la hoja Matriz, escriba aquí su referencia y por qué se cierra"
                   " (materializado, mitigado, ya no aplica…): el informe de seguimiento lo dice.")
    escribir_celda(ws, 1, 1, "Riesgos cerrados", estilo={"negrita": True, "tamano": 12})
    escribir_celda(ws, 2, 1, explicacion, estilo={"ajustar": True})
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    ws.row_dimensions[2].height = alto_fila([(explicacion, 14 + 80)])
    escribir_encabezados(ws, FILA_TITULOS_COMPROMISOS, [etiqueta(CierreRiesgo, "id"), etiqueta(CierreRiesgo, "motivo")])
    for fila, cierre in enumerate(acuerdo.cierres, start=FILA_TITULOS_COMPROMISOS + 1):
        escribir_celda(ws, fila, 1, cierre.id, estilo={"borde": True})
        escribir_celda(ws, fila, 2, cierre.motivo, estilo={"borde": True, "ajustar": True})
    fijar_anchos(ws, (14, 80))


__all__ = ["HOJA_CIERRES", "HOJA_COMPROMISOS", "hoja_cierres", "hoja_compromisos", "titulos_compromisos"]
