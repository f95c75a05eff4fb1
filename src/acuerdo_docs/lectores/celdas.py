"""Conversión de celdas de Excel/CSV a lo que espera el esquema (la validación la hace pydantic)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from openpyxl.utils.datetime import from_excel

from ..claves import normalizar_clave
from ..esquemas.columna import Columna

_VINETA = re.compile(r"^\s*(?:[•·▪◦‣–—]|[-*](?=\s))\s*")
_VERDADERO = {"si", "s", "x", "verdadero", "true", "1", "yes"}
_FALSO = {"no", "n", "falso", "false", "0"}
_DECIMAL_CO = re.compile(r"^-?\d{1,3}(?:\.\d{3})*(?:,\d+)?$|^-?\d+,\d+$")


def _texto_de(valor: Any) -> Any:
    if isinstance(valor, datetime):
        # Excel convierte "24/10/2023" en fecha aun en columnas de texto: se devuelve como se vio.
        if valor.time() == time(0, 0):
            return valor.strftime("%d/%m/%Y")
        return valor.strftime("%d/%m/%Y %H:%M")
    if isinstance(valor, date):
        return valor.strftime("%d/%m/%Y")
    if isinstance(valor, time):
        return valor.strftime("%H:%M")
    if isinstance(valor, float) and not valor.is_integer():
        return repr(valor).replace(".", ",")
    return valor


def lineas(valor: Any) -> list[str]:
    """Una celda de lista: un elemento por línea, sin viñetas pegadas ni líneas vacías."""
    texto = str(_texto_de(valor))
    elementos = (
        _VINETA.sub("", linea).strip() for linea in texto.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    return [e for e in elementos if e]


def convertir(valor: Any, columna: Columna) -> Any:
    """El valor de la celda en la forma que espera el esquema (la validación la hace pydantic)."""
    tipo = columna.tipo
    if tipo == "lista":
        elementos = lineas(valor)
        if columna.subcampo:
            return [{columna.subcampo: e} for e in elementos]
        return elementos
    if tipo == "fecha":
        if isinstance(valor, (int, float)) and not isinstance(valor, bool):
            try:
                return from_excel(valor).date()  # número de serie de Excel sin formato de fecha
            except (ValueError, OverflowError):
                return str(valor)
        return valor
    if tipo == "booleano":
        if isinstance(valor, str):
            clave = normalizar_clave(valor)
            if clave in _VERDADERO:
                return True
            if clave in _FALSO:
                return False
        return valor
    if tipo in ("entero", "numero"):
        if isinstance(valor, str) and _DECIMAL_CO.match(valor.strip()):
            return valor.strip().replace(".", "").replace(",", ".")
        return valor
    if tipo == "opcion":
        return _texto_de(valor) if not isinstance(valor, (int, float)) else valor
    return _texto_de(valor)


__all__ = ["convertir", "lineas"]
