"""Matriz de riesgos en Excel (método DAFP, guía v7 de 2025), con mapa de calor y hoja de ruta vivos.

Hojas (ver docs/riesgos.md, «Diseño del libro»): **Matriz** (``hoja_matriz``), **Mapa de
calor** por fórmulas (``mapa``), **Hoja de ruta** y **Avance por actor** (``ruta``, solo
con un acuerdo), **Instrucciones**, **Catálogos** (el método, ``catalogos``) y la hoja
oculta **Cálculos** (columnas auxiliares del mapa). La impresión (``impresion``) deja cada
hoja legible en carta u oficio horizontal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, overload

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from ...errores import ErrorEntrada
from ...esquemas import metodo_riesgo as metodo
from ...esquemas.acuerdo import AcuerdoSimbolico
from ...esquemas.columna import Columna
from ...esquemas.metodo_riesgo import FuenteMetodo, MetodoRiesgo
from ...esquemas.riesgo import LIMITE_CONTROLES, EncabezadoMatriz
from ...salida.archivos import Destino, RutaDestino
from ...salida.excel import guardar_libro, libro_nuevo, propiedad_texto
from ...salida.protegidos import PROPIEDAD_DESAFIO, PROPIEDAD_ID
from . import impresion
from .catalogos import HOJA_CATALOGOS, hoja_catalogos
from .compromisos import FILA_TITULOS_COMPROMISOS, HOJA_CIERRES, HOJA_COMPROMISOS, hoja_cierres, hoja_compromisos
from .entrada import DatosRiesgos, como_fecha, encabezado_matriz, entidad_de, leer_riesgos, texto_desafio
from .hoja_matriz import (
    COLUMNAS_CONTROL,
    FILA_DATOS,
    FILA_GRUPOS,
    FILA_TITULOS,
    FILAS_EXTRA,
    HOJA_MATRIZ,
    columnas_matriz,
    formulas_fila,
    hoja_matriz,
    valores_calculados,
    valores_riesgo,
)
from .instrucciones import HOJA_INSTRUCCIONES, hoja_instrucciones
from .mapa import HOJA_CALCULOS, HOJA_MAPA, hoja_mapa, posiciones_mapa, valores_mapa
from .ruta import (
    FILA_RUTA_TITULOS,
    HOJA_AVANCE,
    HOJA_RUTA,
    formula_estado,
    grupos_ruta,
    hoja_avance,
    hoja_ruta,
    resumen_avance,
    rotular_paginas,
)


def _metodo(valor: FuenteMetodo | None) -> MetodoRiesgo:
    return metodo.METODO_DAFP if valor is None else metodo.cargar_metodo(valor)


def _controles(columnas_control: int, riesgos: list[Any]) -> int:
    """Grupos de columnas de control: los pedidos, o más si algún riesgo trae más controles."""
    if columnas_control > LIMITE_CONTROLES:
        raise ErrorEntrada(
            f"columnas_control (--controles): como máximo {LIMITE_CONTROLES} grupos de columnas de control"
        )
    return max([columnas_control, 1, *(len(r.controles) for r in riesgos)])


def _fecha_de_corte(origen: AcuerdoSimbolico, referencia: date | None, fecha: date | None) -> date:
    """La fecha contra la que se miden los hitos: la dada, el corte del acuerdo, su fecha o el primer hito."""
    return (
        referencia
        or origen.fecha_corte
        or fecha
        or min((h.inicio for h in origen.hoja_de_ruta), default=date(2000, 1, 1))
    )


_Hoja = tuple[Any, str | None, int, int | None]
"""(hoja, filas de título que se repiten al imprimir, columnas de título, última fila impresa o None: todas)."""


def _hojas_de_ruta(
    wb: Workbook, origen: AcuerdoSimbolico, corte: date, desafio: str, actores: dict[str, str]
) -> list[_Hoja]:
    """Hoja de ruta y Avance por actor (solo con un acuerdo)."""
    ruta = wb.create_sheet(HOJA_RUTA)
    ultima_hito = hoja_ruta(ruta, origen, corte, desafio, actores)
    avance = wb.create_sheet(HOJA_AVANCE)
    hoja_avance(avance, actores, FILA_RUTA_TITULOS + 1, ultima_hito)
    compromisos = wb.create_sheet(HOJA_COMPROMISOS)
    hoja_compromisos(compromisos, origen)
    cierres = wb.create_sheet(HOJA_CIERRES)
    hoja_cierres(cierres, origen)
    # Se imprimen los hitos, no las filas vacías preparadas para añadir más.
    ultima_impresa = FILA_RUTA_TITULOS + len(origen.hoja_de_ruta)
    return [(ruta, f"{FILA_RUTA_TITULOS - 1}:{FILA_RUTA_TITULOS}", 2, ultima_impresa), (avance, "4:4", 0, None),
            (compromisos, f"{FILA_TITULOS_COMPROMISOS}:{FILA_TITULOS_COMPROMISOS}", 0, None),
            (cierres, f"{FILA_TITULOS_COMPROMISOS}:{FILA_TITULOS_COMPROMISOS}", 0, None)]


def _imprimir(hojas: list[_Hoja], matriz: Any, cols: list[Columna], enc: dict[str, str]) -> None:
    """Cada hoja legible en carta u oficio horizontal (la Matriz, con sus grupos de columnas)."""
    for hoja, filas_titulo, columnas_titulo, ultima_fila in hojas:
        dimensiones = [hoja.column_dimensions[get_column_letter(i)] for i in range(1, hoja.max_column + 1)]
        anchos = [0.0 if d.hidden else d.width or 13 for d in dimensiones]  # lo plegado no se imprime
        grupos = [c.grupo for c in cols] if hoja is matriz else grupos_ruta(hoja) if hoja.title == HOJA_RUTA else None
        impresion.configurar(hoja, enc, hoja.title, anchos=anchos, grupos=grupos, filas_titulo=filas_titulo,
                             columnas_titulo=columnas_titulo, ultima_fila=ultima_fila)
        if hoja.title == HOJA_RUTA:  # cada página del diagrama dice de qué mes es su primera semana
            rotular_paginas(hoja, [b.id + 1 for b in hoja.col_breaks.brk])


def construir_libro(
    acuerdo_o_riesgos: DatosRiesgos,
    *,
    encabezado: EncabezadoMatriz | Mapping[str, Any] | None = None,
    entidad: str | None = None,
    desafio: str | None = None,
    fecha: date | None = None,
    referencia: date | None = None,
    columnas_control: int = COLUMNAS_CONTROL,
    filas_extra: int = FILAS_EXTRA,
    metodo: FuenteMetodo | None = None,
) -> Workbook:
    """El libro de la matriz, sin guardar (ver :func:`generar_matriz_riesgos`)."""
    m = _metodo(metodo)
    riesgos, origen = leer_riesgos(acuerdo_o_riesgos, m)
    enc = encabezado_matriz(encabezado, origen, entidad or entidad_de(origen))
    desafio = desafio if desafio is not None else texto_desafio(origen)
    fecha = fecha or (como_fecha(origen.fecha) if origen is not None else None)
    controles = _controles(columnas_control, riesgos)
    acuerdo = origen if isinstance(origen, AcuerdoSimbolico) else None
    actores = {a.id: a.entidad for a in acuerdo.actores} if acuerdo is not None else {}
    filas_extra = max(filas_extra, 0)
    ultima = FILA_DATOS + len(riesgos) + filas_extra - 1

    wb, ws = libro_nuevo(HOJA_MATRIZ)
    hojas: list[_Hoja] = [(hoja_catalogos(wb, m, list(actores.items())), None, 0, None)]
    cols = hoja_matriz(ws, riesgos, controles, filas_extra, enc, desafio, fecha, bool(actores), m)
    letras = {c.clave: get_column_letter(i) for i, c in enumerate(cols, start=1)}
    # Se imprimen los riesgos, no las filas vacías preparadas para añadir más.
    hojas.append((ws, f"{FILA_GRUPOS}:{FILA_TITULOS}", 2, FILA_TITULOS + len(riesgos)))
    mapa = wb.create_sheet(HOJA_MAPA)
    hoja_mapa(wb, mapa, m, letras, ultima, desafio)
    hojas.append((mapa, None, 0, None))
    con_ruta = acuerdo is not None
    if acuerdo is not None:
        hojas += _hojas_de_ruta(wb, acuerdo, _fecha_de_corte(acuerdo, referencia, fecha), desafio, actores)
    instrucciones = wb.create_sheet(HOJA_INSTRUCCIONES)
    hoja_instrucciones(instrucciones, controles, con_ruta, m)
    hojas.append((instrucciones, None, 0, None))
    _imprimir(hojas, ws, cols, enc)
    wb.move_sheet(HOJA_CATALOGOS, offset=len(wb.sheetnames))  # al final, antes de Cálculos
    wb.move_sheet(HOJA_CALCULOS, offset=len(wb.sheetnames))
    wb.active = 0
    if acuerdo is not None:  # el libro sabe de qué acuerdo es, aunque se renombre (Excel y LibreOffice lo conservan)
        propiedad_texto(wb, PROPIEDAD_ID, acuerdo.identificador())
        propiedad_texto(wb, PROPIEDAD_DESAFIO, acuerdo.desafio.nombre)
    # Excel recalcula todo al abrir (openpyxl no guarda valores en caché de las fórmulas).
    wb.calculation.fullCalcOnLoad = True
    return wb


HOJAS_SIN_IMPRIMIR = (HOJA_INSTRUCCIONES, HOJA_CATALOGOS, HOJA_CIERRES)
"""Hojas que el PDF deja fuera salvo que se pida completo: las de consulta (dicen «No los modifique») y
Riesgos cerrados, que es de trabajo del equipo (el informe de seguimiento ya dice cada cierre y su motivo)."""


def libro_para_imprimir(libro: bytes, *, completo: bool = False) -> bytes:
    """El libro (.xlsx) como se convierte a PDF: Matriz, Mapa de calor, Hoja de ruta y Avance por actor.

    Instrucciones y Catálogos quedan ocultas y sin área de impresión en esta copia (LibreOffice
    imprime una hoja oculta si tiene área de impresión) salvo con ``completo``; el libro que
    recibe el usuario no cambia. La configuración de página de las demás hojas es la misma:
    imprimir esas hojas desde Excel o LibreOffice da las mismas páginas.
    """
    if completo:
        return libro
    from lxml import etree

    from ...paquete.escritor import leer_miembros, zip_determinista

    def ocultar(xml: bytes) -> bytes:
        raiz = etree.fromstring(xml)  # el libro es propio: recién escrito por construir_libro
        ocultas = set()
        for i, hoja in enumerate(raiz.iter("{*}sheet")):
            if hoja.get("name") in HOJAS_SIN_IMPRIMIR:
                hoja.set("state", "hidden")
                ocultas.add(str(i))
        for nombre in list(raiz.iter("{*}definedName")):
            if nombre.get("name", "").startswith("_xlnm.Print_") and nombre.get("localSheetId") in ocultas:
                padre = nombre.getparent()
                if padre is not None:  # siempre lo tiene: definedNames
                    padre.remove(nombre)
        return etree.tostring(raiz, xml_declaration=True, encoding="UTF-8", standalone=True)

    return zip_determinista((n, ocultar(d) if n == "xl/workbook.xml" else d) for n, d in leer_miembros(libro))


@overload
def generar_matriz_riesgos(
    acuerdo_o_riesgos: DatosRiesgos,
    destino: RutaDestino,
    *,
    encabezado: EncabezadoMatriz | Mapping[str, Any] | None = None,
    entidad: str | None = None,
    desafio: str | None = None,
    fecha: date | None = None,
    referencia: date | None = None,
    columnas_control: int = COLUMNAS_CONTROL,
    filas_extra: int = FILAS_EXTRA,
    metodo: FuenteMetodo | None = None,
) -> Path: ...


@overload
def generar_matriz_riesgos(
    acuerdo_o_riesgos: DatosRiesgos,
    destino: BinaryIO,
    *,
    encabezado: EncabezadoMatriz | Mapping[str, Any] | None = None,
    entidad: str | None = None,
    desafio: str | None = None,
    fecha: date | None = None,
    referencia: date | None = None,
    columnas_control: int = COLUMNAS_CONTROL,
    filas_extra: int = FILAS_EXTRA,
    metodo: FuenteMetodo | None = None,
) -> None: ...


def generar_matriz_riesgos(
    acuerdo_o_riesgos: DatosRiesgos,
    destino: Destino,
    *,
    encabezado: EncabezadoMatriz | Mapping[str, Any] | None = None,
    entidad: str | None = None,
    desafio: str | None = None,
    fecha: date | None = None,
    referencia: date | None = None,
    columnas_control: int = COLUMNAS_CONTROL,
    filas_extra: int = FILAS_EXTRA,
    metodo: FuenteMetodo | None = None,
) -> Path | None:
    """Escribe la matriz de riesgos en ``destino`` (.xlsx) y devuelve la ruta.

    ``acuerdo_o_riesgos``: un acuerdo simbólico (o cualquier objeto con ``riesgos``), un
    diccionario con la clave ``riesgos`` (ver ``MatrizRiesgos``, que admite ``encabezado``) o
    una lista de ``Riesgo`` o diccionarios. ``encabezado`` (diccionario u objeto con proceso,
    procedimiento, formato, codigo, version) reemplaza el del archivo. ``entidad``,
    ``desafio`` y ``fecha`` reemplazan lo que traiga el acuerdo; ``referencia`` es la fecha
    de corte de los hitos (por defecto la ``fecha_corte`` del acuerdo, luego ``fecha``; nunca
    la del reloj, para que el archivo sea reproducible). ``metodo``: un
    :class:`MetodoRiesgo`, un diccionario o la ruta de un JSON con el método propio de la
    entidad (por omisión, el de la guía DAFP v7). Devuelve ``None`` si ``destino`` es un
    archivo abierto.

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """
    wb = construir_libro(
        acuerdo_o_riesgos, encabezado=encabezado, entidad=entidad, desafio=desafio, fecha=fecha,
        referencia=referencia, columnas_control=columnas_control, filas_extra=filas_extra, metodo=metodo,
    )
    return guardar_libro(wb, destino, titulo="Matriz de riesgos")


__all__ = [
    "COLUMNAS_CONTROL",
    "FILA_DATOS",
    "FILA_GRUPOS",
    "FILA_TITULOS",
    "HOJA_AVANCE",
    "HOJA_CALCULOS",
    "HOJA_CATALOGOS",
    "HOJA_INSTRUCCIONES",
    "HOJA_MAPA",
    "HOJA_MATRIZ",
    "HOJA_RUTA",
    "HOJAS_SIN_IMPRIMIR",
    "Columna",
    "columnas_matriz",
    "construir_libro",
    "formula_estado",
    "formulas_fila",
    "generar_matriz_riesgos",
    "leer_riesgos",
    "libro_para_imprimir",
    "posiciones_mapa",
    "resumen_avance",
    "valores_calculados",
    "valores_mapa",
    "valores_riesgo",
]
