"""Unidades de un lote (una ficha, un acuerdo con sus hojas hijas) y ubicación de sus errores.

Una unidad es lo que produce un documento: sus ``datos`` (el dict que valida el
esquema) y su ``traza``, que dice de qué fila de qué hoja salió cada parte de los
datos; con ella cada error de pydantic vuelve a la hoja, la fila y la columna que
escribió el usuario.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errores import ErrorCampo
from .columnas import Columna
from .hoja_calculo import ColumnaLeida, ErrorCelda, FilaLeida

Ruta = tuple[str | int, ...]


@dataclass
class Unidad:
    """Lo que produce un documento del lote."""

    hoja: str
    fila: int
    clave: str
    """Cómo se nombra la unidad en el informe (``fila 7``, el ``acuerdo_id``)."""
    datos: dict[str, Any] | None
    """None: la unidad solo se informa (p. ej. una fila hija sin acuerdo); no produce documento."""
    traza: dict[Ruta, FilaLeida]
    """Fila de origen de cada parte de los datos: ``()`` la fila principal, ``("actores", 0)`` la del primer actor."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Campos propios de la unidad para el patrón de nombres (``acuerdo_id``)."""
    errores: list[ErrorCelda] = field(default_factory=list)
    """Errores hallados al leer (filas huérfanas, columnas sin encabezado…), antes de validar."""


def desaplanar(datos: Mapping[str, Any], columnas: Iterable[Columna]) -> dict[str, Any]:
    """``{"desafio_nombre": x}`` → ``{"desafio": {"nombre": x}}`` según la ruta de cada columna."""
    por_clave = {c.clave: c for c in columnas}
    resultado: dict[str, Any] = {}
    for clave, valor in datos.items():
        col = por_clave.get(clave)
        ruta = col.ruta if col else (clave,)
        destino = resultado
        for parte in ruta[:-1]:
            destino = destino.setdefault(parte, {})
        destino[ruta[-1]] = valor
    return resultado


_PARTE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def ruta_de_texto(texto: str) -> Ruta:
    """``actores[2].correo`` (índices desde 1, como los muestra ErrorCampo) → ``("actores", 1, "correo")``."""
    partes: list[str | int] = []
    for nombre, indice in _PARTE.findall(texto):
        partes.append(int(indice) - 1 if indice else nombre)
    return tuple(partes)


def ubicar(errores: Iterable[ErrorCampo], unidad: Unidad) -> list[ErrorCelda]:
    """Cada error de validación en su hoja, fila de Excel y columna."""
    ubicados: list[ErrorCelda] = []
    principal = unidad.traza[()]
    for error in errores:
        ruta = ruta_de_texto(error.ruta)
        prefijo: Ruta = ()
        for n in range(len(ruta), 0, -1):
            if ruta[:n] in unidad.traza:
                prefijo = ruta[:n]
                break
        fila = unidad.traza.get(prefijo, principal)
        resto = ruta[len(prefijo):]
        col = fila.hoja.columna_de_ruta(resto)
        mensaje = error.mensaje
        if isinstance(col, (ColumnaLeida, Columna)):
            esquema = col.columna if isinstance(col, ColumnaLeida) else col
            dentro = resto[len(esquema.ruta):]
            indices = [p for p in dentro if isinstance(p, int)]
            if indices and esquema.tipo == "lista":
                mensaje = f"línea {indices[0] + 1} de la celda: {mensaje}"
        if isinstance(col, ColumnaLeida):
            ubicados.append(ErrorCelda(fila.hoja.nombre, fila.numero, col.letra, col.encabezado, error.ruta, mensaje))
        elif isinstance(col, Columna):  # columna opcional ausente de la hoja
            ubicados.append(ErrorCelda(
                fila.hoja.nombre, fila.numero, "", col.encabezado, error.ruta,
                f"{mensaje} (la hoja no tiene esta columna)",
            ))
        else:
            nombre = f"{error.etiqueta}: " if error.etiqueta else ""
            ubicados.append(ErrorCelda(fila.hoja.nombre, fila.numero, "", "", error.ruta, nombre + mensaje))
    return ubicados


__all__ = ["Ruta", "Unidad", "desaplanar", "ruta_de_texto", "ubicar"]
