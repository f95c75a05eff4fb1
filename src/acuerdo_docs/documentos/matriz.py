"""Matriz de riesgos en Excel (método DAFP), con mapa de calor y hoja de ruta.

Disposición del libro:

- **Matriz**: bloque de encabezado (entidad, desafío, fecha y datos del formato), una fila
  por riesgo. Los controles van en grupos fijos de columnas en la misma fila del riesgo
  (``columnas_control``, 3 por defecto; crece si algún riesgo trae más). Así cada valor
  residual es una fórmula de una sola fila, sin celdas combinadas ni rangos variables, y el
  usuario puede añadir riesgos en las filas vacías preparadas (``filas_extra``).
  Las columnas calculadas son fórmulas reales (INDEX/MATCH, IF, ROUND, SUMPRODUCT) contra
  los nombres definidos de la hoja **Catálogos**, que Excel y LibreOffice recalculan.
- **Mapa de calor**: cuadrículas 5x5 inherente y residual, con las referencias de los riesgos.
  Es una foto de los datos al generar el libro (Excel no tiene, sin matrices dinámicas,
  una función compatible para listar referencias).
- **Hoja de ruta** (solo con un acuerdo): hitos y un diagrama de Gantt semanal hecho con
  formato condicional.
- **Instrucciones** y **Catálogos**.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errores import ErrorCampo, ErrorEntrada, ErrorValidacion, validar
from ..esquemas import metodo_riesgo as metodo
from ..esquemas.comun import etiqueta
from ..esquemas.riesgo import (
    ETIQUETAS_CALCULADAS,
    LIMITE_CONTROLES,
    Control,
    MatrizRiesgos,
    Riesgo,
    ids_repetidos,
)
from ..salida.archivos import Destino
from ..salida.excel import (
    COLOR_SUBENCABEZADO,
    FORMATO_FECHA,
    FORMATO_PORCENTAJE,
    alto_fila,
    aplicar_estilo,
    escribir_celda,
    escribir_encabezados,
    escribir_formula,
    estilo_encabezado,
    fijar_anchos,
    guardar_libro,
    rango,
    relleno,
)

HOJA_MATRIZ = "Matriz"
HOJA_MAPA = "Mapa de calor"
HOJA_RUTA = "Hoja de ruta"
HOJA_INSTRUCCIONES = "Instrucciones"
HOJA_CATALOGOS = "Catálogos"

FILA_GRUPOS = 8
"""Fila de los títulos de grupo (identificación, inherente, control N, residual, tratamiento)."""
FILA_TITULOS = 9
"""Fila de los títulos de columna (filtro automático, se repite al imprimir)."""
FILA_DATOS = 10
"""Primera fila de riesgos."""

COLUMNAS_CONTROL = 3
FILAS_EXTRA = 20
COLOR_CALCULADA = "F2F2F2"

ENCABEZADO_MATRIZ: dict[str, str] = {
    "entidad": "ALCALDÍA MAYOR DE BOGOTÁ D.C.",
    "proceso": "GESTIÓN DEL CONOCIMIENTO",
    "procedimiento": "Buenas prácticas y lecciones aprendidas de gestión pública",
    "formato": "Matriz de riesgos del acuerdo simbólico",
    "codigo": "",
    "version": "",
}
"""Encabezado por defecto; ``encabezado`` (un ``Encabezado`` o un diccionario) lo reemplaza."""

_ETIQUETAS_ENCABEZADO = (
    ("proceso", "PROCESO"),
    ("procedimiento", "PROCEDIMIENTO"),
    ("formato", "FORMATO"),
    ("codigo", "CÓDIGO"),
    ("version", "VERSIÓN"),
)

# Nombres definidos (en Catálogos) que usan las fórmulas y las listas desplegables.
N_PROB = "ProbNombres"
N_PROB_PCT = "ProbPorcentajes"
N_IMP = "ImpNombres"
N_IMP_PCT = "ImpPorcentajes"
N_LIMITES = "LimitesNivel"
N_MAPA = "MapaZonas"
N_TIPOS = "TiposControl"
N_PESO_TIPO = "PesoTipo"
N_DISMINUYE = "DisminuyeTipo"
N_IMPL = "Implementaciones"
N_PESO_IMPL = "PesoImplementacion"
N_CLASES = "Clasificaciones"
N_TRAT = "Tratamientos"
N_ZONAS = "Zonas"
N_ACTORES = "Actores"

# ---------------------------------------------------------------- entrada


def _attr(obj: Any, ruta: str, defecto: Any = None) -> Any:
    """``facilitador.entidad`` en objetos o diccionarios; ``defecto`` si falta algo."""
    actual = obj
    for parte in ruta.split("."):
        if actual is None:
            return defecto
        if isinstance(actual, Mapping):
            actual = actual.get(parte)
        else:
            actual = getattr(actual, parte, None)
    return defecto if actual is None else actual


def _validar_acuerdo(datos: Mapping[str, Any]) -> Any:
    try:  # el esquema del acuerdo vive en otro módulo; sin él, se lee como matriz sola
        from ..esquemas.acuerdo import AcuerdoSimbolico
    except ImportError:
        return validar(MatrizRiesgos, {k: datos[k] for k in ("riesgos",) if k in datos})
    return validar(AcuerdoSimbolico, datos)


def leer_riesgos(datos: Any) -> tuple[list[Riesgo], Any | None]:
    """Los riesgos validados y el objeto que los trae (acuerdo o matriz), o ``None`` si es una lista."""
    origen: Any | None = None
    if isinstance(datos, Mapping):
        origen = _validar_acuerdo(datos) if ("hoja_de_ruta" in datos or "actores" in datos) else validar(
            MatrizRiesgos, datos
        )
        lista: Iterable[Any] = origen.riesgos
    elif hasattr(datos, "riesgos"):
        origen = datos
        lista = datos.riesgos or []
    elif isinstance(datos, Iterable) and not isinstance(datos, (str, bytes)):
        lista = datos
    else:
        raise ErrorValidacion(
            [ErrorCampo("", "", "se espera un acuerdo, una lista de riesgos o un objeto con la clave «riesgos»")]
        )
    riesgos: list[Riesgo] = []
    errores: list[ErrorCampo] = []
    for i, item in enumerate(lista):
        try:
            riesgos.append(validar(Riesgo, item))
        except ErrorValidacion as exc:
            errores += [ErrorCampo(f"riesgos[{i + 1}]" + ("." + e.ruta if e.ruta else ""), e.etiqueta, e.mensaje)
                        for e in exc.errores]
    repetidos = ids_repetidos(riesgos)
    if repetidos:
        errores.append(ErrorCampo(
            "riesgos", "Riesgos", "la referencia de cada riesgo debe ser única; se repite: " + ", ".join(repetidos)
        ))
    if errores:
        raise ErrorValidacion(errores, "Matriz de riesgos: datos inválidos")
    return riesgos, origen


def _encabezado(encabezado: Any, entidad: str | None) -> dict[str, str]:
    datos = dict(ENCABEZADO_MATRIZ)
    if encabezado is not None:
        for clave in datos:
            valor = _attr(encabezado, clave)
            if valor is not None:
                datos[clave] = str(valor)
    if entidad:
        datos["entidad"] = entidad
    return datos


def _texto_desafio(origen: Any) -> str:
    valor = _attr(origen, "desafio")
    if valor is None:
        return ""
    if isinstance(valor, str):
        return valor
    return str(_attr(valor, "nombre", ""))


def _fecha(valor: Any) -> date | None:
    if isinstance(valor, datetime):
        return valor.date()
    return valor if isinstance(valor, date) else None


# ---------------------------------------------------------------- catálogos


def _nombre(wb: Workbook, nombre: str, col1: int, fila1: int, col2: int, fila2: int) -> None:
    wb.defined_names[nombre] = DefinedName(nombre, attr_text=rango(col1, fila1, col2, fila2, hoja=HOJA_CATALOGOS))


def _bloque(ws: Worksheet, fila: int, titulo: str, encabezados: Sequence[str], filas: Sequence[Sequence[Any]]) -> int:
    """Escribe una tabla de catálogo; devuelve la fila del primer dato."""
    escribir_celda(ws, fila, 1, titulo, estilo={"negrita": True, "tamano": 12})
    escribir_encabezados(ws, fila + 1, encabezados)
    for i, valores in enumerate(filas):
        for j, valor in enumerate(valores):
            celda = escribir_celda(ws, fila + 2 + i, 1 + j, valor, estilo={"borde": True})
            if isinstance(valor, float):
                celda.number_format = "0%"
    return fila + 2


def _hoja_catalogos(wb: Workbook, actores: Sequence[tuple[str, str]]) -> None:
    ws = wb.create_sheet(HOJA_CATALOGOS)
    escribir_celda(ws, 1, 1, "Catálogos del método DAFP", estilo={"negrita": True, "tamano": 14})
    escribir_celda(ws, 2, 1, "No los modifique: las listas y las fórmulas de la hoja Matriz los usan.")
    fila = 4

    titulos = ("Nivel", "Probabilidad", "Frecuencia", "Porcentaje", "Hasta (% residual)")
    inicio = _bloque(ws, fila, "Probabilidad", titulos, [
        (n, metodo.PROBABILIDADES[n - 1], metodo.FRECUENCIAS[n - 1], metodo.PORCENTAJES[n - 1],
         metodo.PORCENTAJES[n - 1])
        for n in metodo.NIVELES
    ])
    _nombre(wb, N_PROB, 2, inicio, 2, inicio + 4)
    _nombre(wb, N_PROB_PCT, 4, inicio, 4, inicio + 4)
    _nombre(wb, N_LIMITES, 5, inicio, 5, inicio + 4)
    fila = inicio + 6

    inicio = _bloque(ws, fila, "Impacto", ("Nivel", "Impacto", "Económico", "Reputacional", "Porcentaje"), [
        (n, metodo.IMPACTOS[n - 1], metodo.IMPACTO_ECONOMICO[n - 1], metodo.IMPACTO_REPUTACIONAL[n - 1],
         metodo.PORCENTAJES[n - 1])
        for n in metodo.NIVELES
    ])
    _nombre(wb, N_IMP, 2, inicio, 2, inicio + 4)
    _nombre(wb, N_IMP_PCT, 5, inicio, 5, inicio + 4)
    fila = inicio + 6

    # Filas en orden de nivel (Muy baja primero) para que MATCH sobre ProbNombres dé la fila.
    inicio = _bloque(ws, fila, "Mapa de zonas (filas: probabilidad; columnas: impacto)",
                     ("Probabilidad \\ Impacto", *metodo.IMPACTOS),
                     [(metodo.PROBABILIDADES[p], *metodo.MAPA_CALOR[p]) for p in range(5)])
    for p in range(5):
        for i in range(5):
            _pintar_zona(ws.cell(inicio + p, 2 + i), metodo.MAPA_CALOR[p][i])
    _nombre(wb, N_MAPA, 2, inicio, 6, inicio + 4)
    fila = inicio + 6

    inicio = _bloque(ws, fila, "Tipos de control", ("Tipo", "Peso", "Disminuye"), [
        (metodo.ETIQUETAS_VALOR[t], metodo.PESO_TIPO[t], metodo.DISMINUYE[t]) for t in metodo.TIPOS_CONTROL
    ])
    n = len(metodo.TIPOS_CONTROL)
    _nombre(wb, N_TIPOS, 1, inicio, 1, inicio + n - 1)
    _nombre(wb, N_PESO_TIPO, 2, inicio, 2, inicio + n - 1)
    _nombre(wb, N_DISMINUYE, 3, inicio, 3, inicio + n - 1)
    fila = inicio + n + 1

    inicio = _bloque(ws, fila, "Implementación del control", ("Implementación", "Peso"), [
        (metodo.ETIQUETAS_VALOR[i], metodo.PESO_IMPLEMENTACION[i]) for i in metodo.IMPLEMENTACIONES
    ])
    n = len(metodo.IMPLEMENTACIONES)
    _nombre(wb, N_IMPL, 1, inicio, 1, inicio + n - 1)
    _nombre(wb, N_PESO_IMPL, 2, inicio, 2, inicio + n - 1)
    fila = inicio + n + 1

    inicio = _bloque(ws, fila, "Clasificación del riesgo", ("Clase (DAFP)",), [(c,) for c in metodo.CLASIFICACIONES])
    _nombre(wb, N_CLASES, 1, inicio, 1, inicio + len(metodo.CLASIFICACIONES) - 1)
    fila = inicio + len(metodo.CLASIFICACIONES) + 1

    inicio = _bloque(ws, fila, "Tratamiento", ("Tratamiento",),
                     [(metodo.ETIQUETAS_VALOR[t],) for t in metodo.TRATAMIENTOS])
    _nombre(wb, N_TRAT, 1, inicio, 1, inicio + len(metodo.TRATAMIENTOS) - 1)
    fila = inicio + len(metodo.TRATAMIENTOS) + 1

    inicio = _bloque(ws, fila, "Zonas de riesgo", ("Zona", "Color"), [
        (z, {"Bajo": "Verde", "Moderado": "Amarillo", "Alto": "Naranja", "Extremo": "Rojo"}[z]) for z in metodo.ZONAS
    ])
    for i, z in enumerate(metodo.ZONAS):
        _pintar_zona(ws.cell(inicio + i, 1), z)
    _nombre(wb, N_ZONAS, 1, inicio, 1, inicio + len(metodo.ZONAS) - 1)
    fila = inicio + len(metodo.ZONAS) + 1

    if actores:
        inicio = _bloque(ws, fila, "Actores del acuerdo", ("Id", "Entidad"), actores)
        _nombre(wb, N_ACTORES, 1, inicio, 1, inicio + len(actores) - 1)

    fijar_anchos(ws, (34, 22, 30, 36, 20, 16))
    _imprimir(ws, None)
    ws.page_setup.orientation = "portrait"


def _pintar_zona(celda: Any, zona: str) -> None:
    aplicar_estilo(celda, fondo=metodo.COLORES_ZONA[zona], color_fuente=metodo.COLORES_TEXTO_ZONA[zona],
                   negrita=False, borde=True)


# ---------------------------------------------------------------- hoja Matriz


@dataclass(frozen=True)
class Columna:
    clave: str
    titulo: str
    grupo: str
    ancho: float
    calculada: bool = False
    ayuda: str = ""


def columnas_matriz(controles: int = COLUMNAS_CONTROL) -> list[Columna]:
    """Columnas de la hoja Matriz, en orden; las etiquetas salen de los esquemas."""

    def dato(clave: str, grupo: str, ancho: float, modelo: type = Riesgo, nombre: str | None = None,
             sufijo: str = "") -> Columna:
        nombre = nombre or clave
        info = modelo.model_fields[nombre]
        return Columna(clave, etiqueta(modelo, nombre) + sufijo, grupo, ancho, False, info.description or "")

    def calc(clave: str, grupo: str, ancho: float, nombre: str | None = None, sufijo: str = "") -> Columna:
        titulo, ayuda = ETIQUETAS_CALCULADAS[nombre or clave]
        return Columna(clave, titulo + sufijo, grupo, ancho, True, ayuda)

    g1, g2, g4, g5 = "Identificación del riesgo", "Riesgo inherente", "Riesgo residual", "Tratamiento"
    cols = [
        dato("id", g1, 10), dato("descripcion", g1, 45), dato("causa", g1, 30), dato("consecuencia", g1, 30),
        dato("clasificacion", g1, 24),
        dato("probabilidad", g2, 14), calc("porcentaje_probabilidad", g2, 12),
        dato("impacto", g2, 14), calc("porcentaje_impacto", g2, 12), calc("zona_inherente", g2, 13),
    ]
    for k in range(1, controles + 1):
        g, s = f"Control {k}", f" {k}"
        cols += [
            dato(f"control{k}_descripcion", g, 32, Control, "descripcion", s),
            dato(f"control{k}_tipo", g, 13, Control, "tipo", s),
            dato(f"control{k}_implementacion", g, 15, Control, "implementacion", s),
            dato(f"control{k}_responsable", g, 14, Control, "responsable", s),
            calc(f"control{k}_calificacion", g, 12, "calificacion", s),
            calc(f"control{k}_disminuye", g, 13, "disminuye", s),
        ]
    cols += [
        calc("porcentaje_probabilidad_residual", g4, 12), calc("probabilidad_residual", g4, 14),
        calc("porcentaje_impacto_residual", g4, 12), calc("impacto_residual", g4, 14), calc("zona_residual", g4, 13),
        dato("tratamiento", g5, 13), dato("plan_accion", g5, 40), dato("responsable", g5, 14),
        dato("fecha_seguimiento", g5, 13),
    ]
    return cols


def formulas_fila(fila: int, letras: Mapping[str, str], controles: int) -> dict[str, str]:
    """Fórmulas de las columnas calculadas de una fila (compatibles con Excel y LibreOffice)."""
    c = {k: f"{v}{fila}" for k, v in letras.items()}
    prob, imp = c["probabilidad"], c["impacto"]
    f: dict[str, str] = {
        "porcentaje_probabilidad": f'=IF({prob}="","",INDEX({N_PROB_PCT},MATCH({prob},{N_PROB},0)))',
        "porcentaje_impacto": f'=IF({imp}="","",INDEX({N_IMP_PCT},MATCH({imp},{N_IMP},0)))',
        "zona_inherente": (f'=IF(OR({prob}="",{imp}=""),"",'
                           f'INDEX({N_MAPA},MATCH({prob},{N_PROB},0),MATCH({imp},{N_IMP},0)))'),
    }
    factores_p, factores_i = [], []
    for k in range(1, controles + 1):
        t, i = c[f"control{k}_tipo"], c[f"control{k}_implementacion"]
        cal, dis = c[f"control{k}_calificacion"], c[f"control{k}_disminuye"]
        # Un control sin tipo o sin implementación no cuenta (queda en blanco, factor 1).
        f[f"control{k}_calificacion"] = (f'=IF(OR({t}="",{i}=""),"",INDEX({N_PESO_TIPO},MATCH({t},{N_TIPOS},0))'
                                         f'+INDEX({N_PESO_IMPL},MATCH({i},{N_IMPL},0)))')
        f[f"control{k}_disminuye"] = f'=IF(OR({t}="",{i}=""),"",INDEX({N_DISMINUYE},MATCH({t},{N_TIPOS},0)))'
        factores_p.append(f'IF({dis}="Probabilidad",1-{cal},1)')
        factores_i.append(f'IF({dis}="Impacto",1-{cal},1)')
    ppr, pir = c["porcentaje_probabilidad_residual"], c["porcentaje_impacto_residual"]
    pr, ir = c["probabilidad_residual"], c["impacto_residual"]
    pp, pi = c["porcentaje_probabilidad"], c["porcentaje_impacto"]
    d = metodo.DECIMALES
    f["porcentaje_probabilidad_residual"] = f'=IF({pp}="","",ROUND({"*".join([pp, *factores_p])},{d}))'
    f["porcentaje_impacto_residual"] = f'=IF({pi}="","",ROUND({"*".join([pi, *factores_i])},{d}))'
    # Nivel = 1 + cuántos límites superiores quedan por debajo del % residual (hasta 20 % → 1, …).
    f["probabilidad_residual"] = f'=IF({ppr}="","",INDEX({N_PROB},1+SUMPRODUCT(--({ppr}>{N_LIMITES}))))'
    f["impacto_residual"] = f'=IF({pir}="","",INDEX({N_IMP},1+SUMPRODUCT(--({pir}>{N_LIMITES}))))'
    f["zona_residual"] = (f'=IF(OR({pr}="",{ir}=""),"",'
                          f'INDEX({N_MAPA},MATCH({pr},{N_PROB},0),MATCH({ir},{N_IMP},0)))')
    return f


def valores_riesgo(riesgo: Riesgo) -> dict[str, Any]:
    """Valores de las columnas de datos de un riesgo, como se muestran en la hoja."""
    v: dict[str, Any] = {
        "id": riesgo.id,
        "descripcion": riesgo.descripcion,
        "causa": riesgo.causa,
        "consecuencia": riesgo.consecuencia,
        "clasificacion": riesgo.clasificacion,
        "probabilidad": metodo.nombre_probabilidad(riesgo.probabilidad),
        "impacto": metodo.nombre_impacto(riesgo.impacto),
        "tratamiento": metodo.ETIQUETAS_VALOR[riesgo.tratamiento],
        "plan_accion": riesgo.plan_accion,
        "responsable": riesgo.responsable,
        "fecha_seguimiento": riesgo.fecha_seguimiento,
    }
    for k, control in enumerate(riesgo.controles, start=1):
        v[f"control{k}_descripcion"] = control.descripcion
        v[f"control{k}_tipo"] = metodo.ETIQUETAS_VALOR[control.tipo]
        v[f"control{k}_implementacion"] = metodo.ETIQUETAS_VALOR[control.implementacion]
        v[f"control{k}_responsable"] = control.responsable
    return v


def valores_calculados(riesgo: Riesgo) -> dict[str, Any]:
    """Lo que deben mostrar las columnas calculadas tras recalcular (para pruebas y lectores)."""
    val = riesgo.valoracion
    v: dict[str, Any] = {
        "porcentaje_probabilidad": riesgo.porcentaje_probabilidad,
        "porcentaje_impacto": riesgo.porcentaje_impacto,
        "zona_inherente": val.zona_inherente,
        "porcentaje_probabilidad_residual": val.porcentaje_probabilidad_residual,
        "probabilidad_residual": metodo.nombre_probabilidad(val.probabilidad_residual),
        "porcentaje_impacto_residual": val.porcentaje_impacto_residual,
        "impacto_residual": metodo.nombre_impacto(val.impacto_residual),
        "zona_residual": val.zona_residual,
    }
    for k, control in enumerate(riesgo.controles, start=1):
        v[f"control{k}_calificacion"] = control.calificacion
        v[f"control{k}_disminuye"] = metodo.DISMINUYE[control.tipo]
    return v


def _bloque_encabezado(ws: Worksheet, ultima_col: int, enc: dict[str, str], desafio: str, fecha: date | None,
                       titulo: str) -> None:
    escribir_celda(ws, 1, 1, enc["entidad"], estilo={"negrita": True, "tamano": 12})
    escribir_celda(ws, 2, 1, titulo, estilo={"negrita": True, "tamano": 14})
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=4)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=4)
    izquierda = [("Entidad", enc["entidad"]), ("Desafío", desafio), ("Fecha", fecha)]
    for i, (rotulo, valor) in enumerate(izquierda):
        fila = 3 + i
        escribir_celda(ws, fila, 1, rotulo + ":", estilo={"negrita": True})
        celda = escribir_celda(ws, fila, 2, valor, estilo={"ajustar": True})
        if isinstance(valor, date):
            celda.number_format = FORMATO_FECHA
            celda.alignment = Alignment(horizontal="left", vertical="top")
        ws.merge_cells(start_row=fila, start_column=2, end_row=fila, end_column=4)
    derecha = [(r, enc[c]) for c, r in _ETIQUETAS_ENCABEZADO]
    for i, (rotulo, valor) in enumerate(derecha):
        fila = 1 + i
        escribir_celda(ws, fila, 5, rotulo + ":", estilo={"negrita": True, "horizontal": "right"})
        escribir_celda(ws, fila, 6, valor)
        ws.merge_cells(start_row=fila, start_column=6, end_row=fila, end_column=min(ultima_col, 10))


def _lista(formula: str, titulo: str, ayuda: str, *, estricta: bool = True) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True, showDropDown=False,
                        showErrorMessage=True, showInputMessage=True,
                        errorStyle="stop" if estricta else "warning")
    dv.errorTitle = "Valor no válido"
    dv.error = "Elija un valor de la lista desplegable." if estricta else "El valor no está en la lista. ¿Continuar?"
    dv.promptTitle = titulo[:32]
    dv.prompt = ayuda[:255] if ayuda else None
    return dv


def _hoja_matriz(ws: Worksheet, riesgos: Sequence[Riesgo], controles: int, filas_extra: int,
                 enc: dict[str, str], desafio: str, fecha: date | None, hay_actores: bool) -> None:
    cols = columnas_matriz(controles)
    letras = {c.clave: get_column_letter(i) for i, c in enumerate(cols, start=1)}
    ultima_col = len(cols)
    ultima_fila = FILA_DATOS + len(riesgos) + filas_extra - 1

    _bloque_encabezado(ws, ultima_col, enc, desafio, fecha, "MATRIZ DE RIESGOS")

    # Títulos de grupo (combinados) y de columna.
    inicio = 1
    for i in range(1, ultima_col + 2):
        if i > ultima_col or cols[i - 1].grupo != cols[inicio - 1].grupo:
            celda = escribir_celda(ws, FILA_GRUPOS, inicio, cols[inicio - 1].grupo)
            estilo_encabezado(celda, fondo=COLOR_SUBENCABEZADO, color_fuente="000000")
            if i - 1 > inicio:
                ws.merge_cells(start_row=FILA_GRUPOS, start_column=inicio, end_row=FILA_GRUPOS, end_column=i - 1)
            inicio = i
    escribir_encabezados(ws, FILA_TITULOS, [c.titulo for c in cols])
    for i, c in enumerate(cols, start=1):
        if c.calculada:
            estilo_encabezado(ws.cell(FILA_TITULOS, i), fondo="595959")
    fijar_anchos(ws, [c.ancho for c in cols])
    ws.row_dimensions[FILA_TITULOS].height = 45

    for n in range(ultima_fila - FILA_DATOS + 1):
        fila = FILA_DATOS + n
        valores = valores_riesgo(riesgos[n]) if n < len(riesgos) else {}
        formulas = formulas_fila(fila, letras, controles)
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

    def columna(clave: str) -> str:
        return f"{letras[clave]}{FILA_DATOS}:{letras[clave]}{ultima_fila}"

    # Listas desplegables alimentadas por los nombres definidos de Catálogos.
    ayudas = {c.clave: (c.titulo, c.ayuda) for c in cols}
    listas: list[tuple[str, list[str], bool]] = [
        (N_CLASES, ["clasificacion"], True),
        (N_PROB, ["probabilidad"], True),
        (N_IMP, ["impacto"], True),
        (N_TIPOS, [f"control{k}_tipo" for k in range(1, controles + 1)], True),
        (N_IMPL, [f"control{k}_implementacion" for k in range(1, controles + 1)], True),
        (N_TRAT, ["tratamiento"], True),
    ]
    if hay_actores:  # otros responsables se admiten con advertencia
        listas.append((N_ACTORES, ["responsable", *(f"control{k}_responsable" for k in range(1, controles + 1))],
                       False))
    for nombre, claves, estricta in listas:
        titulo, ayuda = ayudas[claves[0]]
        dv = _lista(nombre, titulo.removesuffix(" 1"), ayuda, estricta=estricta)
        ws.add_data_validation(dv)
        for clave in claves:
            dv.add(columna(clave))
    dv_fecha = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                              showErrorMessage=True, showInputMessage=True)
    dv_fecha.errorTitle = "Fecha no válida"
    dv_fecha.error = "Escriba una fecha (día/mes/año) posterior al 1/1/2000."
    dv_fecha.promptTitle = ayudas["fecha_seguimiento"][0][:32]
    dv_fecha.prompt = ayudas["fecha_seguimiento"][1][:255]
    ws.add_data_validation(dv_fecha)
    dv_fecha.add(columna("fecha_seguimiento"))

    # Relleno por zona con formato condicional (sigue a las fórmulas si el usuario cambia datos).
    for clave in ("zona_inherente", "zona_residual"):
        for z in metodo.ZONAS:
            ws.conditional_formatting.add(columna(clave), CellIsRule(
                operator="equal", formula=[f'"{z}"'], fill=relleno(metodo.COLORES_ZONA[z]),
                font=Font(bold=True, color=metodo.COLORES_TEXTO_ZONA[z]),
            ))

    ws.freeze_panes = ws.cell(FILA_DATOS, 3)  # títulos y referencia/descripción siempre visibles
    ws.auto_filter.ref = f"A{FILA_TITULOS}:{get_column_letter(ultima_col)}{ultima_fila}"
    _imprimir(ws, f"{FILA_GRUPOS}:{FILA_TITULOS}")


def _imprimir(ws: Worksheet, filas_titulo: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LEGAL
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if filas_titulo:
        ws.print_title_rows = filas_titulo
    ws.oddFooter.center.text = "Página &P de &N"
    ws.oddFooter.left.text = "&A"


# ---------------------------------------------------------------- Mapa de calor


def _cuadricula(ws: Worksheet, fila: int, col: int, titulo: str, celdas: Mapping[tuple[int, int], list[str]]) -> None:
    escribir_celda(ws, fila, col, titulo, estilo={"negrita": True, "tamano": 12})
    ws.merge_cells(start_row=fila, start_column=col, end_row=fila, end_column=col + 5)
    escribir_celda(ws, fila + 1, col, "Probabilidad \\ Impacto",
                   estilo={"negrita": True, "borde": True, "ajustar": True})
    ws.row_dimensions[fila + 1].height = 32
    for i, nombre in enumerate(metodo.IMPACTOS):
        estilo_encabezado(escribir_celda(ws, fila + 1, col + 1 + i, nombre))
    for r, nivel_p in enumerate(reversed(metodo.NIVELES)):  # Muy alta arriba
        f = fila + 2 + r
        estilo_encabezado(escribir_celda(ws, f, col, metodo.nombre_probabilidad(nivel_p)))
        ws.row_dimensions[f].height = 48
        for i, nivel_i in enumerate(metodo.NIVELES):
            ids = celdas.get((nivel_p, nivel_i), [])
            celda = escribir_celda(ws, f, col + 1 + i, ", ".join(ids) if ids else None)
            _pintar_zona(celda, metodo.zona(nivel_p, nivel_i))
            aplicar_estilo(celda, ajustar=True, horizontal="center", vertical="center", negrita=True,
                           color_fuente=metodo.COLORES_TEXTO_ZONA[metodo.zona(nivel_p, nivel_i)])


Celdas = dict[tuple[int, int], list[str]]


def posiciones_mapa(riesgos: Sequence[Riesgo]) -> tuple[Celdas, Celdas]:
    """Referencias por celda (probabilidad, impacto): inherente y residual."""
    inh: Celdas = {}
    res: Celdas = {}
    for r in riesgos:
        inh.setdefault((r.probabilidad, r.impacto), []).append(r.id)
        res.setdefault((r.probabilidad_residual, r.impacto_residual), []).append(r.id)
    return inh, res


COL_MAPA_INHERENTE = 1
COL_MAPA_RESIDUAL = 8
FILA_MAPA = 4
"""Título de cada cuadrícula; impactos en FILA_MAPA+1; Muy alta en FILA_MAPA+2 … Muy baja en FILA_MAPA+6."""


def _hoja_mapa(ws: Worksheet, riesgos: Sequence[Riesgo], desafio: str) -> None:
    escribir_celda(ws, 1, 1, "Mapa de calor" + (f" — {desafio}" if desafio else ""),
                   estilo={"negrita": True, "tamano": 14})
    escribir_celda(ws, 2, 1, "Foto de los datos al generar el libro: si cambia la hoja Matriz, genere el libro de"
                   " nuevo."
                   " Cada celda lista las referencias de los riesgos que caen en ella.")
    inh, res = posiciones_mapa(riesgos)
    _cuadricula(ws, FILA_MAPA, COL_MAPA_INHERENTE, "Riesgo inherente", inh)
    _cuadricula(ws, FILA_MAPA, COL_MAPA_RESIDUAL, "Riesgo residual (después de controles)", res)
    fila = FILA_MAPA + 8
    escribir_celda(ws, fila, 1, "Zonas:", estilo={"negrita": True})
    for i, z in enumerate(metodo.ZONAS):
        _pintar_zona(escribir_celda(ws, fila, 2 + i, z), z)
    fijar_anchos(ws, [16, 14, 14, 14, 14, 14, 4, 16, 14, 14, 14, 14, 14])
    _imprimir(ws, None)


# ---------------------------------------------------------------- Hoja de ruta


FILA_RUTA_TITULOS = 5
COL_RUTA_SEMANAS = 9
"""Primera columna de semanas del Gantt (columnas A..H: fase … estado)."""
LIMITE_SEMANAS_GANTT = 1100
"""Semanas (columnas) del diagrama de la hoja de ruta: unos 21 años; Excel no admite más de 16.384 columnas."""


def formula_estado(fila: int) -> str:
    """Estado del hito frente a la fecha de referencia (C2), la misma regla de ``esquemas.acuerdo.estado_hito``.

    completado: avance 100 %; vencido: el fin ya pasó; sin iniciar: el inicio no ha llegado
    y el avance es 0; en curso: lo demás. Es fórmula para que siga al usuario si cambia
    avance, fechas o la fecha de referencia.
    """
    e, f, g = f"E{fila}", f"F{fila}", f"G{fila}"
    return (f'=IF({g}="","",IF({g}>=1,"completado",IF({f}<$C$2,"vencido",'
            f'IF(AND({e}>$C$2,{g}=0),"sin iniciar","en curso"))))')


def _hoja_ruta(ws: Worksheet, acuerdo: Any, referencia: date, desafio: str, actores: Mapping[str, str]) -> None:
    hitos = list(_attr(acuerdo, "hoja_de_ruta", []) or [])
    escribir_celda(ws, 1, 1, "Hoja de ruta" + (f" — {desafio}" if desafio else ""),
                   estilo={"negrita": True, "tamano": 14})
    escribir_celda(ws, 2, 1, "Fecha de referencia:", estilo={"negrita": True})
    escribir_celda(ws, 2, 3, referencia)
    ws.merge_cells("A2:B2")
    escribir_celda(ws, 3, 1, "El estado se calcula a la fecha de referencia. Barras: clara = planeado, oscura = avance,"
                   " roja = vencido; la columna gris marca la semana de la fecha de referencia.")
    titulos = ["Fase", "Actividad", "Responsable", "Entidad", "Inicio", "Fin", "Avance", "Estado"]
    escribir_encabezados(ws, FILA_RUTA_TITULOS, titulos)
    fijar_anchos(ws, [16, 40, 13, 28, 11, 11, 9, 12])
    if not hitos:
        escribir_celda(ws, FILA_RUTA_TITULOS + 1, 1, "El acuerdo no tiene hitos en la hoja de ruta.")
        _imprimir(ws, f"{FILA_RUTA_TITULOS}:{FILA_RUTA_TITULOS}")
        return

    for n, hito in enumerate(hitos):
        fila = FILA_RUTA_TITULOS + 1 + n
        responsable = str(_attr(hito, "responsable", ""))
        valores = [_attr(hito, "fase", ""), _attr(hito, "actividad", ""), responsable, actores.get(responsable, ""),
                   _fecha(_attr(hito, "inicio")), _fecha(_attr(hito, "fin")), (_attr(hito, "avance", 0) or 0) / 100]
        for i, valor in enumerate(valores, start=1):
            celda = escribir_celda(ws, fila, i, valor, estilo={"borde": True, "ajustar": True})
            if i == 7:
                celda.number_format = "0%"
        aplicar_estilo(escribir_formula(ws, fila, 8, formula_estado(fila)), fondo=COLOR_CALCULADA, borde=True)
        ws.row_dimensions[fila].height = alto_fila([(valores[1], 40), (valores[3], 28)])
    ultima = FILA_RUTA_TITULOS + len(hitos)

    # Semanas de lunes a domingo que cubren todos los hitos.
    inicios = [d for d in (_fecha(_attr(h, "inicio")) for h in hitos) if d]
    fines = [d for d in (_fecha(_attr(h, "fin")) for h in hitos) if d]
    primero = min(inicios + fines + [referencia])
    ultimo = max(inicios + fines + [referencia])
    lunes = primero - timedelta(days=primero.weekday())
    semanas = (ultimo - lunes).days // 7 + 1
    if semanas > LIMITE_SEMANAS_GANTT:
        raise ErrorEntrada(
            f"Hoja de ruta: el diagrama iría del {primero:%d/%m/%Y} al {ultimo:%d/%m/%Y} ({semanas} semanas) y admite"
            f" como máximo {LIMITE_SEMANAS_GANTT}; revise las fechas de inicio y fin de los hitos"
            " (hoja_de_ruta[].inicio, hoja_de_ruta[].fin) y la fecha de referencia (fecha_corte o --referencia)"
        )
    for s in range(semanas):
        col = COL_RUTA_SEMANAS + s
        escribir_celda(ws, FILA_RUTA_TITULOS - 1, col, f"S{s + 1}", estilo={"horizontal": "center"})
        celda = escribir_celda(ws, FILA_RUTA_TITULOS, col, lunes + timedelta(weeks=s))
        estilo_encabezado(celda)
        celda.number_format = "DD/MM"
        ws.column_dimensions[get_column_letter(col)].width = 6.5
    c1 = get_column_letter(COL_RUTA_SEMANAS)
    c2 = get_column_letter(COL_RUTA_SEMANAS + semanas - 1)
    zona_gantt = f"{c1}{FILA_RUTA_TITULOS + 1}:{c2}{ultima}"
    f0 = FILA_RUTA_TITULOS + 1
    semana = f"{c1}${FILA_RUTA_TITULOS}"
    en_barra = f"{semana}<=$F{f0},{semana}+6>=$E{f0}"
    reglas = [
        # avance: la parte de la barra proporcional al % de avance
        (f"AND({en_barra},{semana}<$E{f0}+($F{f0}-$E{f0}+1)*$G{f0})", "2F5597"),
        (f'AND({en_barra},$H{f0}="vencido")', "FF7C80"),
        (f"AND({en_barra})", "B4C7E7"),
        (f"AND($C$2>={semana},$C$2<{semana}+7)", "D9D9D9"),
    ]
    for formula, color in reglas:
        ws.conditional_formatting.add(zona_gantt, FormulaRule(formula=[formula], fill=relleno(color), stopIfTrue=True))
    colores_estado = {"completado": "C6EFCE", "en curso": "FFEB9C", "vencido": "FFC7CE", "sin iniciar": "EDEDED"}
    for estado, color in colores_estado.items():
        ws.conditional_formatting.add(f"H{f0}:H{ultima}", CellIsRule(
            operator="equal", formula=[f'"{estado}"'], fill=relleno(color)))
    ws.freeze_panes = ws.cell(f0, 3)
    ws.auto_filter.ref = f"A{FILA_RUTA_TITULOS}:H{ultima}"
    _imprimir(ws, f"{FILA_RUTA_TITULOS - 1}:{FILA_RUTA_TITULOS}")


# ---------------------------------------------------------------- Instrucciones


def _hoja_instrucciones(ws: Worksheet, controles: int, con_ruta: bool) -> None:
    lineas: list[tuple[str, bool]] = [
        ("Matriz de riesgos — instrucciones", True),
        ("", False),
        ("Cómo usar el libro", True),
        ("1. En la hoja Matriz, cada fila es un riesgo. Escriba en las columnas blancas; las grises son"
         " fórmulas.", False),
        ("2. Probabilidad, impacto, clasificación, tipo e implementación de los controles y tratamiento se eligen"
         " de listas desplegables (hoja Catálogos).", False),
        (f"3. Cada riesgo admite {controles} controles en la misma fila (grupos «Control 1», «Control 2», …). Un"
         " control cuenta cuando tiene tipo e implementación.", False),
        ("4. Hay filas vacías preparadas al final de la tabla para añadir riesgos: las fórmulas ya están.", False),
        ("5. El Mapa de calor es una foto de los datos al generar el libro; si cambia la Matriz, genérelo de nuevo"
         " (acuerdo-docs riesgos entrada.json -o matriz.xlsx).", False),
        ("", False),
        ("Método (DAFP, Guía para la administración del riesgo y el diseño de controles)", True),
        ("Probabilidad: Muy baja 20 %, Baja 40 %, Media 60 %, Alta 80 %, Muy alta 100 % (según las veces al año que"
         " se ejecuta la actividad).", False),
        ("Impacto: Leve 20 %, Menor 40 %, Moderado 60 %, Mayor 80 %, Catastrófico 100 % (pérdida económica o"
         " reputacional).", False),
        ("La zona inherente se lee en el mapa de calor (hoja Catálogos) con la probabilidad y el impacto.", False),
        ("Calificación del control = peso del tipo (preventivo 25 %, detectivo 15 %, correctivo 10 %) + peso de la"
         " implementación (automático 25 %, manual 15 %).", False),
        ("Preventivos y detectivos bajan la probabilidad; correctivos, el impacto. Cada control actúa sobre lo que dejó"
         " el anterior: valor = valor × (1 − calificación). Ejemplo: 60 % con un preventivo manual (40 %) queda en"
         " 36 %; con un detectivo manual (30 %) después, en 25,2 %.", False),
        ("El % residual vuelve a un nivel: hasta 20 % nivel 1, hasta 40 % nivel 2, hasta 60 % nivel 3, hasta 80 %"
         " nivel 4, más de 80 % nivel 5. La zona residual se lee en el mismo mapa de calor.", False),
        ("Colores: Bajo verde, Moderado amarillo, Alto naranja, Extremo rojo.", False),
    ]
    if con_ruta:
        lineas += [
            ("", False),
            ("Hoja de ruta", True),
            ("Hitos del acuerdo con responsable, fechas, avance y estado a la fecha de referencia (celda C2). El"
             " estado es una fórmula y el diagrama semanal se dibuja con formato condicional: si cambia fechas,"
             " avance o la fecha de referencia, ambos se actualizan.", False),
        ]
    for i, (texto, negrita) in enumerate(lineas, start=1):
        escribir_celda(ws, i, 1, texto or None, estilo={"negrita": negrita, "ajustar": True,
                                                        "tamano": 14 if i == 1 else None})
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=3)
        if texto and not negrita:
            ws.row_dimensions[i].height = alto_fila([(texto, 130)])
    fila = len(lineas) + 2
    escribir_celda(ws, fila, 1, "Columnas de la hoja Matriz", estilo={"negrita": True})
    escribir_encabezados(ws, fila + 1, ["Columna", "Tipo", "Descripción"])
    vistas: set[str] = set()
    n = fila + 2
    for c in columnas_matriz(controles):
        titulo = c.titulo.removesuffix(" 1") if c.clave.startswith("control1_") else c.titulo
        if c.clave.startswith("control") and not c.clave.startswith("control1_"):
            continue
        if titulo in vistas:
            continue
        vistas.add(titulo)
        escribir_celda(ws, n, 1, titulo + (" (por control)" if c.clave.startswith("control1_") else ""),
                       estilo={"borde": True, "ajustar": True})
        escribir_celda(ws, n, 2, "Calculada" if c.calculada else "Dato", estilo={"borde": True})
        escribir_celda(ws, n, 3, c.ayuda, estilo={"borde": True, "ajustar": True})
        ws.row_dimensions[n].height = alto_fila([(c.ayuda, 88), (titulo, 32)])
        n += 1
    fijar_anchos(ws, [34, 12, 90])
    _imprimir(ws, None)
    ws.page_setup.orientation = "portrait"


# ---------------------------------------------------------------- API


def construir_libro(
    acuerdo_o_riesgos: Any,
    *,
    encabezado: Any = None,
    entidad: str | None = None,
    desafio: str | None = None,
    fecha: date | None = None,
    referencia: date | None = None,
    columnas_control: int = COLUMNAS_CONTROL,
    filas_extra: int = FILAS_EXTRA,
) -> Workbook:
    """El libro de la matriz, sin guardar (ver :func:`generar_matriz_riesgos`)."""
    riesgos, origen = leer_riesgos(acuerdo_o_riesgos)
    if encabezado is None and _attr(origen, "encabezado") is not None:
        # Del encabezado del acuerdo se toman proceso y procedimiento; el formato es otro.
        encabezado = {k: _attr(origen, f"encabezado.{k}") for k in ("entidad", "proceso", "procedimiento")}
    enc = _encabezado(encabezado, entidad or _attr(origen, "facilitador.entidad") or _attr(origen, "entidad") or None)
    desafio = desafio if desafio is not None else _texto_desafio(origen)
    fecha = fecha or _fecha(_attr(origen, "fecha"))
    if columnas_control > LIMITE_CONTROLES:
        raise ErrorEntrada(
            f"columnas_control (--controles): como máximo {LIMITE_CONTROLES} grupos de columnas de control"
        )
    controles = max([columnas_control, 1, *(len(r.controles) for r in riesgos)])
    actores = {str(_attr(a, "id", "")): str(_attr(a, "entidad", "")) for a in (_attr(origen, "actores", []) or [])}
    con_ruta = origen is not None and hasattr(origen, "hoja_de_ruta")

    wb = Workbook()
    ws = wb.active
    ws.title = HOJA_MATRIZ
    _hoja_catalogos(wb, list(actores.items()))
    _hoja_matriz(ws, riesgos, controles, max(filas_extra, 0), enc, desafio, fecha, bool(actores))
    _hoja_mapa(wb.create_sheet(HOJA_MAPA), riesgos, desafio)
    if con_ruta:
        hitos = list(_attr(origen, "hoja_de_ruta", []) or [])
        ref = (
            referencia
            or _fecha(_attr(origen, "fecha_corte"))
            or fecha
            or min((_fecha(_attr(h, "inicio")) for h in hitos if _attr(h, "inicio")), default=date(2000, 1, 1))
        )
        _hoja_ruta(wb.create_sheet(HOJA_RUTA), origen, ref, desafio, actores)
    _hoja_instrucciones(wb.create_sheet(HOJA_INSTRUCCIONES), controles, con_ruta)
    wb.move_sheet(HOJA_CATALOGOS, offset=len(wb.sheetnames))  # al final
    wb.active = 0
    # Excel recalcula todo al abrir (openpyxl no guarda valores en caché de las fórmulas).
    wb.calculation.fullCalcOnLoad = True
    return wb


def generar_matriz_riesgos(
    acuerdo_o_riesgos: Any,
    destino: Destino,
    *,
    encabezado: Any = None,
    entidad: str | None = None,
    desafio: str | None = None,
    fecha: date | None = None,
    referencia: date | None = None,
    columnas_control: int = COLUMNAS_CONTROL,
    filas_extra: int = FILAS_EXTRA,
) -> Path | None:
    """Escribe la matriz de riesgos en ``destino`` (.xlsx) y devuelve la ruta.

    ``acuerdo_o_riesgos``: un acuerdo simbólico (o cualquier objeto con ``riesgos``), un
    diccionario con la clave ``riesgos`` (ver ``MatrizRiesgos``) o una lista de ``Riesgo`` o
    diccionarios. ``entidad``, ``desafio`` y ``fecha`` reemplazan lo que traiga el acuerdo;
    ``referencia`` es la fecha a la que se calcula el estado de los hitos (por defecto la
    ``fecha_corte`` del acuerdo, luego ``fecha``; nunca la del reloj, para que el archivo sea
    reproducible: la CLI puede pasar la fecha del día). Devuelve ``None`` si ``destino`` es un
    archivo abierto.
    """
    wb = construir_libro(
        acuerdo_o_riesgos, encabezado=encabezado, entidad=entidad, desafio=desafio, fecha=fecha,
        referencia=referencia, columnas_control=columnas_control, filas_extra=filas_extra,
    )
    return guardar_libro(wb, destino, titulo="Matriz de riesgos")


__all__ = [
    "COLUMNAS_CONTROL",
    "FILA_DATOS",
    "FILA_GRUPOS",
    "FILA_TITULOS",
    "HOJA_CATALOGOS",
    "HOJA_INSTRUCCIONES",
    "HOJA_MAPA",
    "HOJA_MATRIZ",
    "HOJA_RUTA",
    "LIMITE_SEMANAS_GANTT",
    "Columna",
    "columnas_matriz",
    "construir_libro",
    "formula_estado",
    "formulas_fila",
    "generar_matriz_riesgos",
    "leer_riesgos",
    "posiciones_mapa",
    "valores_calculados",
    "valores_riesgo",
]
