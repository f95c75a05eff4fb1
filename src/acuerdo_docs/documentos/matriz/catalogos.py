"""Hoja Catálogos: el método escrito como tablas con nombres definidos (listas y fórmulas los usan)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from ...esquemas.metodo_riesgo import NIVELES, MetodoRiesgo
from ...salida.excel import alto_fila, aplicar_estilo, escribir_celda, escribir_encabezados, fijar_anchos, rango

HOJA_CATALOGOS = "Catálogos"

# Nombres definidos (en Catálogos) que usan las fórmulas y las listas desplegables.
N_PROB = "ProbNombres"
N_PROB_PCT = "ProbPorcentajes"
N_IMP = "ImpNombres"
N_IMP_PCT = "ImpPorcentajes"
N_LIMITES = "LimitesNivel"
N_LIMITES_IMP = "LimitesImpacto"
N_MAPA = "MapaZonas"
N_TIPOS = "TiposControl"
N_PESO_TIPO = "PesoTipo"
N_DISMINUYE = "DisminuyeTipo"
N_IMPL = "Implementaciones"
N_PESO_IMPL = "PesoImplementacion"
N_CLASES = "Clasificaciones"
N_TIPOS_RIESGO = "TiposRiesgo"
N_TRAT = "Tratamientos"
N_ZONAS = "Zonas"
N_ACTORES = "Actores"
N_ATRIBUTO = {"documentacion": "Documentaciones", "frecuencia": "Frecuencias", "evidencia": "Evidencias"}

ANCHOS = (28, 22, 30, 54, 14, 14)


def _nombre(wb: Workbook, nombre: str, col1: int, fila1: int, col2: int, fila2: int) -> None:
    wb.defined_names[nombre] = DefinedName(nombre, attr_text=rango(col1, fila1, col2, fila2, hoja=HOJA_CATALOGOS))


def _bloque(ws: Worksheet, fila: int, titulo: str, encabezados: Sequence[str], filas: Sequence[Sequence[Any]]) -> int:
    """Escribe una tabla de catálogo; devuelve la fila del primer dato."""
    escribir_celda(ws, fila, 1, titulo, estilo={"negrita": True, "tamano": 11})
    ws.row_dimensions[fila].height = alto_fila([(titulo, 200)], tamano=11)
    escribir_encabezados(ws, fila + 1, encabezados)
    for i, valores in enumerate(filas):
        for j, valor in enumerate(valores):
            celda = escribir_celda(ws, fila + 2 + i, 1 + j, valor, estilo={"borde": True, "ajustar": True})
            if isinstance(valor, float):
                celda.number_format = "0%"
        ws.row_dimensions[fila + 2 + i].height = alto_fila(zip(valores, ANCHOS, strict=False))
    return fila + 2


def pintar_zona(celda: Any, zona: str, m: MetodoRiesgo) -> None:
    z = m.zona_por_nombre[zona]
    aplicar_estilo(celda, fondo=z.color, color_fuente=z.color_texto, negrita=False, borde=True)


def hoja_catalogos(wb: Workbook, m: MetodoRiesgo, actores: Sequence[tuple[str, str]]) -> Worksheet:
    """Escribe Catálogos desde el método; cada tabla lleva su nombre definido."""
    ws: Worksheet = wb.create_sheet(HOJA_CATALOGOS)
    escribir_celda(ws, 1, 1, f"Catálogos del método: {m.nombre}, versión {m.version}",
                   estilo={"negrita": True, "tamano": 12})
    ws.row_dimensions[1].height = 20
    escribir_celda(ws, 2, 1, "No los modifique: las listas y las fórmulas de la hoja Matriz y del Mapa de calor los"
                   " usan. Generados desde el archivo del método (acuerdo-docs riesgos --metodo).")
    fila = 4

    inicio = _bloque(ws, fila, "Probabilidad (tabla 3 de la guía)",
                     ("Nivel", "Probabilidad", "Frecuencia", "Porcentaje", "Hasta (% residual)"), [
                         (n, p.nombre, p.frecuencia, p.porcentaje, p.porcentaje)
                         for n, p in zip(NIVELES, m.probabilidad, strict=True)
                     ])
    _nombre(wb, N_PROB, 2, inicio, 2, inicio + 4)
    _nombre(wb, N_PROB_PCT, 4, inicio, 4, inicio + 4)
    _nombre(wb, N_LIMITES, 5, inicio, 5, inicio + 4)
    fila = inicio + 6

    inicio = _bloque(ws, fila, "Impacto (tabla 4: con ambos criterios cuenta el mayor)",
                     ("Nivel", "Impacto", "Económico", "Reputacional", "Porcentaje", "Hasta (% residual)"), [
                         (n, i.nombre, i.economico, i.reputacional, i.porcentaje, i.porcentaje)
                         for n, i in zip(NIVELES, m.impacto, strict=True)
                     ])
    _nombre(wb, N_IMP, 2, inicio, 2, inicio + 4)
    _nombre(wb, N_IMP_PCT, 5, inicio, 5, inicio + 4)
    _nombre(wb, N_LIMITES_IMP, 6, inicio, 6, inicio + 4)
    fila = inicio + 6

    # Filas en orden de nivel (Muy baja primero) para que MATCH sobre ProbNombres dé la fila.
    inicio = _bloque(ws, fila, "Mapa de zonas (filas: probabilidad; columnas: impacto)",
                     ("Probabilidad \\ Impacto", *m.nombres_impacto),
                     [(m.nombres_probabilidad[p], *m.mapa_calor[p]) for p in range(5)])
    for p in range(5):
        for i in range(5):
            pintar_zona(ws.cell(inicio + p, 2 + i), m.mapa_calor[p][i], m)
    _nombre(wb, N_MAPA, 2, inicio, 6, inicio + 4)
    fila = inicio + 6

    def lista(titulo: str, encabezados: Sequence[str], filas: Sequence[Sequence[Any]], nombres: dict[int, str]) -> None:
        nonlocal fila
        inicio = _bloque(ws, fila, titulo, encabezados, filas)
        for col, nombre in nombres.items():
            _nombre(wb, nombre, col, inicio, col, inicio + len(filas) - 1)
        fila = inicio + len(filas) + 1

    lista("Tipos de control (atributo de eficiencia)", ("Tipo", "Peso", "Disminuye", "Clave"),
          [(t.nombre, t.peso, t.disminuye.capitalize(), t.clave) for t in m.tipos_control],
          {1: N_TIPOS, 2: N_PESO_TIPO, 3: N_DISMINUYE})
    lista("Implementación del control (atributo de eficiencia)", ("Implementación", "Peso", "", "Clave"),
          [(i.nombre, i.peso, "", i.clave) for i in m.implementaciones], {1: N_IMPL, 2: N_PESO_IMPL})
    for a in m.atributos_informativos:
        lista(f"{a.nombre} del control (atributo informativo: no puntúa)", (a.nombre, "Descripción", "", "Clave"),
              [(v.nombre, v.descripcion, "", v.clave) for v in a.valores], {1: N_ATRIBUTO[a.clave]})
    lista("Tipo de riesgo", ("Tipo", "Descripción", "Reglas", "Clave"), [
        (t.nombre, t.descripcion, _reglas(t, m), t.clave) for t in m.tipos_riesgo
    ], {1: N_TIPOS_RIESGO})
    lista("Clasificación del riesgo", ("Clase",), [(c,) for c in m.clasificaciones], {1: N_CLASES})
    lista("Tratamiento", ("Tratamiento", "Descripción", "", "Clave"),
          [(t.nombre, t.descripcion, "", t.clave) for t in m.tratamientos], {1: N_TRAT})
    inicio = fila + 2
    lista("Zonas de riesgo", ("Zona", "Color"), [(z.nombre, z.nombre_color) for z in m.zonas], {1: N_ZONAS})
    for i, z in enumerate(m.zonas):
        pintar_zona(ws.cell(inicio + i, 1), z.nombre, m)
    if actores:
        lista("Actores del acuerdo", ("Id", "Entidad"), actores, {1: N_ACTORES})
    escribir_celda(ws, fila + 1, 1, "Fuente del método:", estilo={"negrita": True})
    celda = escribir_celda(ws, fila + 2, 1, m.fuente, estilo={"ajustar": True})
    ws.merge_cells(start_row=fila + 2, start_column=1, end_row=fila + 2, end_column=4)
    ws.row_dimensions[celda.row].height = alto_fila([(m.fuente, sum(ANCHOS[:4]))])
    fijar_anchos(ws, ANCHOS)
    return ws


def _reglas(t: Any, m: MetodoRiesgo) -> str:
    partes = []
    if t.tratamientos_no_admitidos:
        partes.append("No admite: " + ", ".join(m.etiquetas[x] for x in t.tratamientos_no_admitidos))
    if t.impacto_minimo:
        partes.append("Impacto mínimo: " + m.nombres_impacto[t.impacto_minimo - 1])
    return "; ".join(partes)
