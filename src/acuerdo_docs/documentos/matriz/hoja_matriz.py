"""Hoja Matriz: una fila por riesgo, controles en grupos fijos de columnas y fórmulas contra Catálogos.

Cada valor residual es una fórmula de una sola fila (INDEX/MATCH, IF, ROUND, SUMPRODUCT),
sin celdas combinadas ni rangos variables; hay filas vacías preparadas con las fórmulas
para añadir riesgos. Los títulos de columna son las etiquetas del esquema: otros
lectores leen la hoja por encabezados.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import BaseModel

from ...esquemas import metodo_riesgo as metodo
from ...esquemas.columna import Columna
from ...esquemas.comun import etiqueta
from ...esquemas.metodo_riesgo import MetodoRiesgo
from ...esquemas.riesgo import ETIQUETAS_CALCULADAS, Control, Riesgo
from ...formulas import texto_formula
from ...salida.excel import (
    COLOR_SUBENCABEZADO,
    FORMATO_FECHA,
    FORMATO_PORCENTAJE,
    FUENTE,
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
from . import catalogos as cat

HOJA_MATRIZ = "Matriz"
FILA_GRUPOS = 8
"""Fila de los títulos de grupo (identificación, inherente, control N, residual, tratamiento)."""
FILA_TITULOS = 9
"""Fila de los títulos de columna (filtro automático, se repite al imprimir)."""
FILA_DATOS = 10
"""Primera fila de riesgos."""
COLUMNAS_CONTROL = 3
FILAS_EXTRA = 20
COLOR_CALCULADA = "F2F2F2"
ATRIBUTOS = ("documentacion", "frecuencia", "evidencia")


def _ancho(titulo: str, ancho: float) -> float:
    """El ancho pedido, o el que necesita la palabra más larga del título para no partirse."""
    return anchos_con_titulos([titulo], [ancho])[0]


def columnas_matriz(controles: int = COLUMNAS_CONTROL) -> list[Columna]:
    """Columnas de la hoja Matriz, en orden; las etiquetas salen de los esquemas."""

    def dato(clave: str, grupo: str, ancho: float, modelo: type[BaseModel] = Riesgo, nombre: str | None = None,
             sufijo: str = "") -> Columna:
        nombre = nombre or clave
        info = modelo.model_fields[nombre]
        titulo = etiqueta(modelo, nombre) + sufijo
        return Columna(clave=clave, etiqueta=titulo, grupo=grupo, ancho=_ancho(titulo, ancho),
                       ayuda=info.description or "")

    def calc(clave: str, grupo: str, ancho: float, nombre: str | None = None, sufijo: str = "") -> Columna:
        titulo, ayuda = ETIQUETAS_CALCULADAS[nombre or clave]
        return Columna(clave=clave, etiqueta=titulo + sufijo, grupo=grupo, ancho=_ancho(titulo + sufijo, ancho),
                       calculada=True, ayuda=ayuda)

    g1, g2, g4, g5 = "Identificación del riesgo", "Riesgo inherente", "Riesgo residual", "Tratamiento"
    cols = [
        dato("id", g1, 11), dato("descripcion", g1, 38), dato("tipo", g1, 14), dato("causa", g1, 28),
        dato("consecuencia", g1, 28), dato("clasificacion", g1, 20),
        dato("probabilidad", g2, 11), calc("porcentaje_probabilidad", g2, 10),
        dato("impacto_economico", g2, 12), dato("impacto_reputacional", g2, 13),
        dato("impacto", g2, 12), calc("porcentaje_impacto", g2, 10), calc("zona_inherente", g2, 11),
    ]
    for k in range(1, controles + 1):
        g, s = f"Control {k}", f" {k}"
        cols += [
            dato(f"control{k}_descripcion", g, 26, Control, "descripcion", s),
            dato(f"control{k}_tipo", g, 11, Control, "tipo", s),
            dato(f"control{k}_implementacion", g, 12, Control, "implementacion", s),
            calc(f"control{k}_calificacion", g, 10, "calificacion", s),
            calc(f"control{k}_disminuye", g, 11, "disminuye", s),
            dato(f"control{k}_responsable", g, 11, Control, "responsable", s),
            *(dato(f"control{k}_{a}", g, 11, Control, a, s) for a in ATRIBUTOS),
        ]
    cols += [
        calc("porcentaje_probabilidad_residual", g4, 10), calc("probabilidad_residual", g4, 11),
        calc("porcentaje_impacto_residual", g4, 10), calc("impacto_residual", g4, 11), calc("zona_residual", g4, 11),
        dato("tratamiento", g5, 11), dato("plan_accion", g5, 34), dato("responsable", g5, 12),
        dato("fecha_seguimiento", g5, 11),
    ]
    return cols


def formulas_fila(fila: int, letras: Mapping[str, str], controles: int, decimales: int = 6) -> dict[str, str]:
    """Fórmulas de las columnas calculadas de una fila (compatibles con Excel 2010+ y LibreOffice)."""
    c = {k: f"{v}{fila}" for k, v in letras.items()}
    prob, imp = c["probabilidad"], c["impacto"]
    f: dict[str, str] = {
        "porcentaje_probabilidad": f'=IF({prob}="","",INDEX({cat.N_PROB_PCT},MATCH({prob},{cat.N_PROB},0)))',
        "porcentaje_impacto": f'=IF({imp}="","",INDEX({cat.N_IMP_PCT},MATCH({imp},{cat.N_IMP},0)))',
        "zona_inherente": (f'=IF(OR({prob}="",{imp}=""),"",'
                           f'INDEX({cat.N_MAPA},MATCH({prob},{cat.N_PROB},0),MATCH({imp},{cat.N_IMP},0)))'),
    }
    factores_p, factores_i = [], []
    for k in range(1, controles + 1):
        t, i = c[f"control{k}_tipo"], c[f"control{k}_implementacion"]
        cal, dis = c[f"control{k}_calificacion"], c[f"control{k}_disminuye"]
        # Un control sin tipo o sin implementación no cuenta (queda en blanco, factor 1).
        f[f"control{k}_calificacion"] = (
            f'=IF(OR({t}="",{i}=""),"",ROUND(INDEX({cat.N_PESO_TIPO},MATCH({t},{cat.N_TIPOS},0))'
            f'+INDEX({cat.N_PESO_IMPL},MATCH({i},{cat.N_IMPL},0)),{decimales}))')
        f[f"control{k}_disminuye"] = (f'=IF(OR({t}="",{i}=""),"",'
                                      f'INDEX({cat.N_DISMINUYE},MATCH({t},{cat.N_TIPOS},0)))')
        factores_p.append(f'IF({dis}={texto_formula("Probabilidad")},1-{cal},1)')
        factores_i.append(f'IF({dis}={texto_formula("Impacto")},1-{cal},1)')
    ppr, pir = c["porcentaje_probabilidad_residual"], c["porcentaje_impacto_residual"]
    pr, ir = c["probabilidad_residual"], c["impacto_residual"]
    pp, pi = c["porcentaje_probabilidad"], c["porcentaje_impacto"]
    f["porcentaje_probabilidad_residual"] = f'=IF({pp}="","",ROUND({"*".join([pp, *factores_p])},{decimales}))'
    f["porcentaje_impacto_residual"] = f'=IF({pi}="","",ROUND({"*".join([pi, *factores_i])},{decimales}))'
    # Nivel = 1 + cuántos límites superiores quedan por debajo del % residual (hasta 20 % → 1, …).
    f["probabilidad_residual"] = (f'=IF({ppr}="","",INDEX({cat.N_PROB},'
                                  f'1+SUMPRODUCT(--({ppr}>{cat.N_LIMITES}))))')
    f["impacto_residual"] = f'=IF({pir}="","",INDEX({cat.N_IMP},1+SUMPRODUCT(--({pir}>{cat.N_LIMITES_IMP}))))'
    f["zona_residual"] = (f'=IF(OR({pr}="",{ir}=""),"",'
                          f'INDEX({cat.N_MAPA},MATCH({pr},{cat.N_PROB},0),MATCH({ir},{cat.N_IMP},0)))')
    return f


def valores_riesgo(riesgo: Riesgo, m: MetodoRiesgo | None = None) -> dict[str, Any]:
    """Valores de las columnas de datos de un riesgo, como se muestran en la hoja."""
    m = m or riesgo.metodo
    e = m.etiquetas
    v: dict[str, Any] = {
        "id": riesgo.id,
        "descripcion": riesgo.descripcion,
        "tipo": e.get(riesgo.tipo, riesgo.tipo),
        "causa": riesgo.causa,
        "consecuencia": riesgo.consecuencia,
        "clasificacion": riesgo.clasificacion,
        "probabilidad": metodo.nombre_probabilidad(riesgo.probabilidad, m),
        "impacto_economico": (metodo.nombre_impacto(riesgo.impacto_economico, m)
                              if riesgo.impacto_economico else None),
        "impacto_reputacional": (metodo.nombre_impacto(riesgo.impacto_reputacional, m)
                                 if riesgo.impacto_reputacional else None),
        "impacto": metodo.nombre_impacto(riesgo.nivel_impacto, m),
        "tratamiento": e[riesgo.tratamiento],
        "plan_accion": riesgo.plan_accion,
        "responsable": riesgo.responsable,
        "fecha_seguimiento": riesgo.fecha_seguimiento,
    }
    for k, control in enumerate(riesgo.controles, start=1):
        v[f"control{k}_descripcion"] = control.descripcion
        v[f"control{k}_tipo"] = e[control.tipo]
        v[f"control{k}_implementacion"] = e[control.implementacion]
        v[f"control{k}_responsable"] = control.responsable
        for a in ATRIBUTOS:
            valor = getattr(control, a)
            v[f"control{k}_{a}"] = e[valor] if valor else None
    return v


def valores_calculados(riesgo: Riesgo, m: MetodoRiesgo | None = None) -> dict[str, Any]:
    """Lo que deben mostrar las columnas calculadas tras recalcular (para pruebas y lectores)."""
    m = m or riesgo.metodo
    val = metodo.valorar(riesgo.probabilidad, riesgo.nivel_impacto, riesgo.controles, m)
    v: dict[str, Any] = {
        "porcentaje_probabilidad": val.porcentaje_probabilidad,
        "porcentaje_impacto": val.porcentaje_impacto,
        "zona_inherente": val.zona_inherente,
        "porcentaje_probabilidad_residual": val.porcentaje_probabilidad_residual,
        "probabilidad_residual": metodo.nombre_probabilidad(val.probabilidad_residual, m),
        "porcentaje_impacto_residual": val.porcentaje_impacto_residual,
        "impacto_residual": metodo.nombre_impacto(val.impacto_residual, m),
        "zona_residual": val.zona_residual,
    }
    for k, control in enumerate(riesgo.controles, start=1):
        v[f"control{k}_calificacion"] = metodo.calificacion(control.tipo, control.implementacion, m)
        v[f"control{k}_disminuye"] = m.control_por_clave[control.tipo].disminuye.capitalize()
    return v


ETIQUETAS_ENCABEZADO = (
    ("proceso", "PROCESO"),
    ("procedimiento", "PROCEDIMIENTO"),
    ("formato", "FORMATO"),
    ("codigo", "CÓDIGO"),
    ("version", "VERSIÓN"),
)


def bloque_encabezado(ws: Worksheet, enc: dict[str, str], desafio: str, fecha: date | None, titulo: str,
                      m: MetodoRiesgo) -> None:
    """Datos del formato: izquierda en A:B (las columnas que se repiten al imprimir: enteros en cada página),
    derecha en D:F (la primera página; el encabezado y el pie de página los repiten)."""
    a = [c.ancho for c in columnas_matriz(1)[:6]]  # las seis primeras no dependen de los controles
    escribir_celda(ws, 1, 1, enc["entidad"], estilo={"negrita": True, "tamano": 11, "ajustar": True})
    escribir_celda(ws, 2, 1, titulo, estilo={"negrita": True, "tamano": 13})
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=2)
    izquierda = [("Entidad", enc["entidad"]), ("Desafío", desafio), ("Fecha", fecha),
                 ("Método", f"{m.nombre}, versión {m.version}")]
    derecha = [(rotulo, enc[clave]) for clave, rotulo in ETIQUETAS_ENCABEZADO]
    altos: dict[int, list[float]] = {1: [alto_fila([(enc["entidad"], a[0] + a[1])], tamano=11, negrita=True)],
                                     2: [alto_fila([(titulo, a[0] + a[1])], tamano=13, negrita=True)]}
    for i, (rotulo, valor) in enumerate(izquierda):
        fila = 3 + i
        escribir_celda(ws, fila, 1, rotulo + ":", estilo={"negrita": True})
        celda = escribir_celda(ws, fila, 2, valor, estilo={"ajustar": True})
        if isinstance(valor, date):
            celda.number_format = FORMATO_FECHA
            celda.alignment = Alignment(horizontal="left", vertical="top")
        altos.setdefault(fila, []).append(alto_fila([(valor, a[1])]))
    for i, (rotulo, valor) in enumerate(derecha):
        fila = 1 + i
        escribir_celda(ws, fila, 4, rotulo + ":", estilo={"negrita": True, "horizontal": "right"})
        escribir_celda(ws, fila, 5, valor, estilo={"ajustar": True})
        ws.merge_cells(start_row=fila, start_column=5, end_row=fila, end_column=6)
        altos.setdefault(fila, []).append(alto_fila([(valor, a[4] + a[5])]))
    for fila, lista in altos.items():
        ws.row_dimensions[fila].height = max(lista)


def _lista(formula: str, titulo: str, ayuda: str, *, estricta: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                        showErrorMessage=True, showInputMessage=True,
                        errorStyle="stop" if estricta else "warning")
    dv.errorTitle = "Valor no válido"
    dv.error = "Elija un valor de la lista desplegable." if estricta else "El valor no está en la lista. ¿Continuar?"
    dv.promptTitle = titulo[:32]
    dv.prompt = ayuda[:255] if ayuda else None
    return dv


def _titulos(ws: Worksheet, cols: list[Columna]) -> None:
    """Títulos de grupo (combinados) y de columna; las calculadas en gris oscuro."""
    ultima_col = len(cols)
    inicio = 1
    for i in range(1, ultima_col + 2):
        if i > ultima_col or cols[i - 1].grupo != cols[inicio - 1].grupo:
            celda = escribir_celda(ws, FILA_GRUPOS, inicio, cols[inicio - 1].grupo)
            estilo_encabezado(celda, fondo=COLOR_SUBENCABEZADO, color_fuente="000000")
            if i - 1 > inicio:
                ws.merge_cells(start_row=FILA_GRUPOS, start_column=inicio, end_row=FILA_GRUPOS, end_column=i - 1)
            inicio = i
    escribir_encabezados(ws, FILA_TITULOS, [c.etiqueta for c in cols])
    for i, c in enumerate(cols, start=1):
        if c.calculada:
            estilo_encabezado(ws.cell(FILA_TITULOS, i), fondo="595959")
    fijar_anchos(ws, [c.ancho for c in cols])
    ws.row_dimensions[FILA_TITULOS].height = alto_fila(((c.etiqueta, c.ancho) for c in cols), negrita=True)


def _fila(ws: Worksheet, fila: int, cols: list[Columna], valores: dict[str, Any], formulas: dict[str, str]) -> None:
    """Una fila de la matriz: datos del riesgo (o vacía) y fórmulas en las columnas calculadas."""
    for i, c in enumerate(cols, start=1):
        if c.calculada:
            celda = escribir_formula(ws, fila, i, formulas[c.clave])
            aplicar_estilo(celda, fondo=COLOR_CALCULADA, borde=True, ajustar=True)
            if c.clave.startswith("porcentaje") or c.clave.endswith("calificacion"):
                celda.number_format = FORMATO_PORCENTAJE
        else:
            celda = escribir_celda(ws, fila, i, valores.get(c.clave), estilo={"borde": True, "ajustar": True})
            if c.clave == "fecha_seguimiento":
                celda.number_format = FORMATO_FECHA
    if valores:
        ws.row_dimensions[fila].height = alto_fila((valores.get(c.clave), c.ancho) for c in cols)


def _listas(controles: int, hay_actores: bool) -> list[tuple[str, list[str], bool]]:
    """(nombre definido de Catálogos, columnas, estricta) de cada lista desplegable."""
    rango_k = range(1, controles + 1)
    listas: list[tuple[str, list[str], bool]] = [
        (cat.N_TIPOS_RIESGO, ["tipo"], True),
        (cat.N_CLASES, ["clasificacion"], True),
        (cat.N_PROB, ["probabilidad"], True),
        (cat.N_IMP, ["impacto"], True),
        (cat.N_IMP, ["impacto_economico"], True),
        (cat.N_IMP, ["impacto_reputacional"], True),
        (cat.N_TIPOS, [f"control{k}_tipo" for k in rango_k], True),
        (cat.N_IMPL, [f"control{k}_implementacion" for k in rango_k], True),
        *((cat.N_ATRIBUTO[a], [f"control{k}_{a}" for k in rango_k], True) for a in ATRIBUTOS),
        (cat.N_TRAT, ["tratamiento"], True),
    ]
    if hay_actores:  # otros responsables se admiten con advertencia
        listas.append((cat.N_ACTORES, ["responsable", *(f"control{k}_responsable" for k in rango_k)], False))
    return listas


def _validaciones(ws: Worksheet, cols: list[Columna], rango: Callable[[str], str], controles: int,
                  hay_actores: bool) -> None:
    """Listas desplegables alimentadas por los nombres definidos de Catálogos, y la fecha de seguimiento."""
    ayudas = {c.clave: (c.etiqueta, c.ayuda or "") for c in cols}
    for nombre, claves, estricta in _listas(controles, hay_actores):
        titulo, ayuda = ayudas[claves[0]]
        dv = _lista(nombre, titulo.removesuffix(" 1"), ayuda, estricta=estricta)
        ws.add_data_validation(dv)
        for clave in claves:
            dv.add(rango(clave))
    dv_fecha = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                              showErrorMessage=True, showInputMessage=True)
    dv_fecha.errorTitle = "Fecha no válida"
    dv_fecha.error = "Escriba una fecha (día/mes/año) posterior al 1/1/2000."
    dv_fecha.promptTitle = ayudas["fecha_seguimiento"][0][:32]
    dv_fecha.prompt = ayudas["fecha_seguimiento"][1][:255]
    ws.add_data_validation(dv_fecha)
    dv_fecha.add(rango("fecha_seguimiento"))


def _plegar_controles_sin_datos(ws: Worksheet, cols: list[Columna], usados: int) -> None:
    """Los grupos «Control N» que ningún riesgo usa quedan plegados (esquema de columnas, botón «+»).

    Siguen en el libro con sus fórmulas y listas; plegados no ocupan pantalla ni papel (Excel y
    LibreOffice no imprimen columnas ocultas). Al desplegarlos se ven y se imprimen.
    """
    plegadas = [i for i, c in enumerate(cols, start=1)
                if c.grupo.startswith("Control ") and int(c.grupo.removeprefix("Control ")) > usados]
    for i in plegadas:
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.hidden = True
        dimension.outline_level = 1
    if plegadas:
        ws.column_dimensions[get_column_letter(plegadas[-1] + 1)].collapsed = True


def hoja_matriz(ws: Worksheet, riesgos: Sequence[Riesgo], controles: int, filas_extra: int,
                enc: dict[str, str], desafio: str, fecha: date | None, hay_actores: bool,
                m: MetodoRiesgo) -> list[Columna]:
    """Escribe la hoja Matriz y devuelve sus columnas."""
    cols = columnas_matriz(controles)
    letras = {c.clave: get_column_letter(i) for i, c in enumerate(cols, start=1)}
    ultima_fila = FILA_DATOS + len(riesgos) + filas_extra - 1

    def rango(clave: str) -> str:
        return f"{letras[clave]}{FILA_DATOS}:{letras[clave]}{ultima_fila}"

    bloque_encabezado(ws, enc, desafio, fecha, "MATRIZ DE RIESGOS", m)
    _titulos(ws, cols)
    for n in range(ultima_fila - FILA_DATOS + 1):
        fila = FILA_DATOS + n
        valores = valores_riesgo(riesgos[n], m) if n < len(riesgos) else {}
        _fila(ws, fila, cols, valores, formulas_fila(fila, letras, controles, m.decimales))
    _validaciones(ws, cols, rango, controles, hay_actores)
    # Relleno por zona con formato condicional (sigue a las fórmulas si el usuario cambia datos).
    for clave in ("zona_inherente", "zona_residual"):
        for z in m.zonas:
            ws.conditional_formatting.add(rango(clave), CellIsRule(
                operator="equal", formula=[texto_formula(z.nombre)], fill=relleno(z.color),
                font=Font(name=FUENTE, bold=True, color=z.color_texto),
            ))
    _plegar_controles_sin_datos(ws, cols, max([1, *(len(r.controles) for r in riesgos)]))
    ws.freeze_panes = f"C{FILA_DATOS}"  # títulos y referencia/descripción siempre visibles
    ws.auto_filter.ref = f"A{FILA_TITULOS}:{get_column_letter(len(cols))}{ultima_fila}"
    return cols
