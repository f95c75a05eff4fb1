"""Libro de entrada en blanco para un lote, derivado de los esquemas (nada se escribe dos veces).

Cada hoja de datos trae en la fila 1 las etiquetas del formulario (``*`` = obligatoria),
un comentario de ayuda por columna, listas desplegables donde el esquema tiene opciones,
validación de fecha donde tiene fechas; la hoja ``Ejemplo`` trae una fila de ejemplo por
hoja (la práctica de la semilla) y ``Instrucciones`` explica cómo llenarlo y generar.
Llenar el libro y ejecutar ``acuerdo-docs lote`` funciona sin más pasos.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO, overload

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..errores import ErrorEntrada
from ..lectores.columnas import Columna, valores_de
from ..salida.archivos import Destino, RutaDestino
from ..salida.excel import (
    COLOR_SUBENCABEZADO,
    FORMATO_FECHA,
    alto_fila,
    aplicar_estilo,
    escribir_celda,
    estilo_encabezado,
    fijar_anchos,
    guardar_libro,
    libro_nuevo,
    rango,
)

HOJA_INSTRUCCIONES = "Instrucciones"
HOJA_EJEMPLO = "Ejemplo"
HOJA_LISTAS = "Listas"
ULTIMA_FILA = 1_048_576
"""Las validaciones cubren la columna entera (no agregan celdas ni peso al archivo)."""

TIPOS = ("fichas", "acuerdos")
_FORMATO = {
    "texto": "Texto",
    "fecha": "Fecha (24/10/2023 o 2023-10-24)",
    "lista": "Lista: un elemento por línea de la celda (Alt+Enter en Excel, Ctrl+Enter en LibreOffice)",
    "opcion": "Una opción de la lista desplegable",
    "entero": "Número entero",
    "numero": "Número",
    "booleano": "sí o no",
}
_ANCHOS = {
    "texto": 34.0, "fecha": 14.0, "lista": 40.0, "opcion": 20.0, "entero": 12.0, "numero": 12.0, "booleano": 10.0,
}
_TEXTO_LARGO = 60.0


def hojas_de(tipo: str) -> dict[str, list[Columna]]:
    """Hojas de datos del tipo de lote y sus columnas (las mismas que usa el lector)."""
    if tipo == "fichas":
        from ..lectores.fichas import EntradaFichas

        return EntradaFichas.hojas_esquema
    if tipo == "acuerdos":
        from ..lectores.acuerdos import EntradaAcuerdos

        return EntradaAcuerdos.hojas_esquema
    raise ErrorEntrada(f"Tipo de lote desconocido: «{tipo}». Use uno de: {', '.join(TIPOS)}.")


def filas_ejemplo(tipo: str) -> dict[str, list[dict[str, Any]]]:
    """Las filas de ejemplo por hoja: el ejemplo incorporado de cada tipo de documento."""
    if tipo == "fichas":
        from ..lectores.fichas import COLUMNAS, HOJA
        from .ficha import ejemplo_ficha

        return {HOJA: [valores_de(ejemplo_ficha(), COLUMNAS)]}
    from ..lectores.acuerdos import filas_de_acuerdo
    from .acuerdo import ejemplo_acuerdo

    return filas_de_acuerdo(ejemplo_acuerdo(), "A1")


def _ayuda(col: Columna) -> str:
    partes = [col.etiqueta + ("" if col.obligatoria else " (opcional)")]
    if col.ayuda:
        partes.append(col.ayuda)
    partes.append(_FORMATO[col.tipo] + ".")
    if col.opciones and col.opciones_abiertas:
        partes.append("Sugerencias: " + "; ".join(col.opciones) + " (puede escribir otra).")
    elif col.opciones:
        partes.append("Opciones: " + "; ".join(col.opciones) + ".")
    if col.personal:
        partes.append("Dato personal (Ley 1581 de 2012): no aparece en la versión pública (--publico).")
    partes.append(f"Clave: {col.clave}")
    return "\n".join(partes)


def _comentario(texto: str) -> Comment:
    comentario = Comment(texto, "acuerdo_docs")
    lineas = sum(1 + len(linea) // 48 for linea in texto.split("\n"))
    comentario.width = 340
    comentario.height = min(40 + 15 * lineas, 420)
    return comentario


def _ancho(col: Columna) -> float:
    if col.tipo == "texto" and col.obligatoria and not col.opciones and col.ayuda and len(col.ayuda) > 60:
        return _TEXTO_LARGO
    return _ANCHOS[col.tipo]


def _encabezados(ws: Worksheet, fila: int, columnas: Sequence[Columna]) -> None:
    for i, col in enumerate(columnas, start=1):
        celda = escribir_celda(ws, fila, i, col.encabezado)
        if col.obligatoria:
            estilo_encabezado(celda)
        else:
            estilo_encabezado(celda, fondo=COLOR_SUBENCABEZADO, color_fuente="000000")


def _escribir_valores(ws: Worksheet, fila: int, columnas: Sequence[Columna], valores: dict[str, Any]) -> None:
    for i, col in enumerate(columnas, start=1):
        valor = valores.get(col.clave)
        celda = escribir_celda(ws, fila, i, valor)
        aplicar_estilo(celda, ajustar=True, formato=FORMATO_FECHA if col.tipo == "fecha" else None)


class _Listas:
    """Hoja oculta con los valores de las listas desplegables (sin el límite de 255 caracteres)."""

    def __init__(self, wb: Workbook) -> None:
        self.ws = wb.create_sheet(HOJA_LISTAS)
        self.ws.sheet_state = "hidden"
        self._rangos: dict[tuple[str, ...], str] = {}

    def rango(self, titulo: str, opciones: Sequence[str]) -> str:
        clave = tuple(opciones)
        if clave not in self._rangos:
            col = len(self._rangos) + 1
            escribir_celda(self.ws, 1, col, titulo)
            for fila, opcion in enumerate(opciones, start=2):
                escribir_celda(self.ws, fila, col, opcion)
            self._rangos[clave] = rango(col, 2, col, len(opciones) + 1, hoja=HOJA_LISTAS)
        return self._rangos[clave]


def _validaciones(ws: Worksheet, columnas: Sequence[Columna], listas: _Listas) -> None:
    for i, col in enumerate(columnas, start=1):
        letra = get_column_letter(i)
        celdas = f"{letra}2:{letra}{ULTIMA_FILA}"
        dv: DataValidation | None = None
        if col.tipo == "fecha":
            dv = DataValidation(
                type="date", operator="between", formula1="DATE(1900,1,1)", formula2="DATE(2199,12,31)",
                allow_blank=True, errorStyle="warning", errorTitle="Fecha no válida",
                error="Escriba una fecha: 24/10/2023 (día/mes/año) o 2023-10-24.",
                promptTitle="Fecha", prompt="día/mes/año, por ejemplo 24/10/2023",
            )
            ws.column_dimensions[letra].number_format = FORMATO_FECHA
        elif col.opciones:
            abierta = col.opciones_abiertas
            dv = DataValidation(
                type="list", formula1=listas.rango(col.clave, col.opciones), allow_blank=True,
                errorStyle="information" if abierta else "stop",
                errorTitle="Valor fuera de la lista",
                error=("Puede dejarlo, o elegir uno de la lista." if abierta else "Elija un valor de la lista."),
            )
        elif col.tipo == "booleano":
            dv = DataValidation(
                type="list", formula1=listas.rango(col.clave, ("sí", "no")), allow_blank=True,
                errorStyle="stop", errorTitle="Valor no válido", error="Escriba sí o no.",
            )
        elif col.tipo == "entero":
            dv = DataValidation(
                type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                errorStyle="warning", errorTitle="Número no válido", error="Escriba un número entero.",
            )
        if dv is not None:
            dv.showErrorMessage = True
            dv.showInputMessage = dv.prompt is not None
            dv.add(celdas)
            ws.add_data_validation(dv)


def _hoja_datos(wb: Workbook, nombre: str, columnas: Sequence[Columna], listas: _Listas,
                filas: Sequence[dict[str, Any]] = ()) -> None:
    ws = wb.create_sheet(nombre)
    _encabezados(ws, 1, columnas)
    for fila, valores in enumerate(filas, start=2):
        _escribir_valores(ws, fila, columnas, valores)
    for i, col in enumerate(columnas, start=1):
        ws.cell(row=1, column=i).comment = _comentario(_ayuda(col))
        dimension = ws.column_dimensions[get_column_letter(i)]
        dimension.alignment = Alignment(wrap_text=True, vertical="top")
    fijar_anchos(ws, [_ancho(c) for c in columnas])
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "A2"
    _validaciones(ws, columnas, listas)


def _hoja_ejemplo(ws: Worksheet, hojas: dict[str, list[Columna]], ejemplo: dict[str, list[dict[str, Any]]]) -> None:
    escribir_celda(ws, 1, 1, "Ejemplo para copiar: la práctica de la semilla (Acuerdo simbólico, iBO)."
                   " Esta hoja no se lee al generar el lote.", estilo={"negrita": True})
    fila = 3
    ancho = max(len(c) for c in hojas.values())
    for nombre, columnas in hojas.items():
        visibles = [c for c in columnas if c.en_plantilla]
        escribir_celda(ws, fila, 1, f"Hoja «{nombre}»", estilo={"negrita": True, "tamano": 12})
        _encabezados(ws, fila + 1, visibles)
        fila += 2
        for valores in ejemplo.get(nombre, []):
            _escribir_valores(ws, fila, visibles, valores)
            fila += 1
        fila += 1
    fijar_anchos(ws, [30.0] * ancho)


def _hoja_instrucciones(ws: Worksheet, tipo: str, hojas: dict[str, list[Columna]]) -> None:
    nombres = ", ".join(f"«{h}»" for h in hojas)
    documento = (
        "la ficha 4202000-FT-1311 (Word)" if tipo == "fichas"
        else "el acuerdo simbólico (Word) y su matriz de riesgos (Excel)"
    )
    lineas = [
        (f"Plantilla de lote: {tipo}", {"negrita": True, "tamano": 14}),
        (f"Cada fila produce {documento}.", None),
        ("", None),
        ("Cómo llenarla", {"negrita": True}),
        (f"1. Escriba los datos en la(s) hoja(s) {nombres}, desde la fila 2; una fila vacía se salta.", None),
        (("2. Las columnas con * son obligatorias. Cada encabezado tiene un comentario con la ayuda del"
          " formulario."), None),
        ("3. Fechas: escríbalas como fecha de Excel, 24/10/2023 o 2023-10-24.", None),
        (("4. Listas (por ejemplo, los retos): un elemento por línea de la celda (Alt+Enter en Excel,"
          " Ctrl+Enter en LibreOffice)."), None),
        (("5. Puede dejar los encabezados como están o usar la clave del campo (columna «Clave» abajo);"
          " no agregue columnas que no estén en la lista."), None),
        (f"6. La hoja «{HOJA_EJEMPLO}» trae un ejemplo completo para copiar; no se lee al generar.", None),
    ]
    if tipo == "acuerdos":
        lineas.append((("7. Las hojas se unen por «acuerdo_id» (y los controles por «riesgo_id»); un error en"
                        " una fila hija marca el acuerdo completo."), None))
    lineas += [
        ("", None),
        ("Cómo generar", {"negrita": True}),
        ("acuerdo-docs lote entrada.xlsx -o carpeta/", None),
        (("Se genera un documento por fila válida; las filas con errores se señalan en informe_lote.xlsx"
          " (hoja, fila, columna y mensaje) y en la terminal."), None),
        ("", None),
        ("Datos personales (Ley 1581 de 2012)", {"negrita": True}),
        (("Las columnas marcadas como dato personal (nombres, teléfonos y correos de personas) se tratan según"
          " la Ley 1581 de 2012; con --publico el lote las reemplaza por un texto de reserva."), None),
        ("", None),
    ]
    for fila, (texto, estilo) in enumerate(lineas, start=1):
        escribir_celda(ws, fila, 1, texto, estilo=estilo)
        tamano = (estilo or {}).get("tamano")
        if tamano:  # un título más grande que la fila por omisión se montaría sobre la siguiente
            ws.row_dimensions[fila].height = alto_fila([(texto, 200)], tamano=tamano)
    fila = len(lineas) + 1
    titulos = ("Hoja", "Columna", "Encabezado", "Clave", "Obligatoria", "Formato", "Ayuda")
    for numero, titulo in enumerate(titulos, start=1):
        estilo_encabezado(escribir_celda(ws, fila, numero, titulo))
    for nombre, columnas in hojas.items():
        visibles = [c for c in columnas if c.en_plantilla]
        for col in [*visibles, *(c for c in columnas if not c.en_plantilla)]:
            fila += 1
            letra = get_column_letter(visibles.index(col) + 1) if col in visibles else "(opcional, agréguela)"
            formato = _FORMATO[col.tipo]
            if col.opciones:
                formato += ": " + "; ".join(col.opciones)
            valores = (nombre, letra, col.etiqueta, col.clave, "sí" if col.obligatoria else "no", formato,
                       col.ayuda or "")
            for c, valor in enumerate(valores, start=1):
                escribir_celda(ws, fila, c, valor, estilo={"ajustar": True})
            # Alto explícito para el texto ajustado: LibreOffice no lo recalcula y las filas se solaparían.
            ws.row_dimensions[fila].height = alto_fila(zip(valores, _ANCHOS_INSTRUCCIONES, strict=True))
    fijar_anchos(ws, _ANCHOS_INSTRUCCIONES)


_ANCHOS_INSTRUCCIONES = (14, 12, 42, 26, 12, 36, 80)


def libro_plantilla(tipo: str, *, con_ejemplo: bool = False) -> Workbook:
    """El libro en blanco (openpyxl) para un lote de ``tipo`` (``fichas`` o ``acuerdos``).

    ``con_ejemplo``: las hojas de datos traen ya el ejemplo incorporado (un lote que corre tal cual).
    """
    hojas = hojas_de(tipo)
    ejemplo = filas_ejemplo(tipo)
    wb, instrucciones = libro_nuevo(HOJA_INSTRUCCIONES)
    _hoja_instrucciones(instrucciones, tipo, hojas)
    listas = _Listas(wb)
    for nombre, columnas in hojas.items():
        _hoja_datos(wb, nombre, [c for c in columnas if c.en_plantilla], listas,
                    ejemplo.get(nombre, []) if con_ejemplo else ())
    _hoja_ejemplo(wb.create_sheet(HOJA_EJEMPLO), hojas, ejemplo)
    wb.move_sheet(HOJA_LISTAS, offset=len(wb.sheetnames))  # la oculta, al final
    wb.active = 1  # se abre en la primera hoja de datos
    return wb


@overload
def generar_plantilla_lote(tipo: str, destino: RutaDestino, *, con_ejemplo: bool = False) -> Path: ...


@overload
def generar_plantilla_lote(tipo: str, destino: BinaryIO, *, con_ejemplo: bool = False) -> None: ...


def generar_plantilla_lote(tipo: str, destino: Destino, *, con_ejemplo: bool = False) -> Path | None:
    """Escribe el libro de entrada en blanco, o con el ejemplo ya en las hojas de datos (atómico y reproducible).

    Ejemplo: [Desde Python](../lotes.md#desde-python).
    """
    return guardar_libro(libro_plantilla(tipo, con_ejemplo=con_ejemplo), destino, titulo=f"Plantilla de lote: {tipo}")


__all__ = ["HOJA_EJEMPLO", "HOJA_INSTRUCCIONES", "HOJA_LISTAS", "TIPOS", "generar_plantilla_lote", "hojas_de",
           "libro_plantilla"]
