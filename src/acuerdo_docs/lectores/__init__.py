"""Lectores: de los archivos de entrada a datos que valida el esquema (nunca escriben documentos).

Aquí se registran los lectores de lotes desde hojas de cálculo (.xlsx/.csv): entregan, por
cada documento del lote, sus datos y la fila de origen de cada parte (para ubicar los errores).
Otros módulos del paquete leen otros formatos (p. ej. ``ficha_docx``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import ClassVar, Protocol

from pydantic import BaseModel

from ..errores import ErrorEntrada
from .columnas import Columna, columnas_de
from .hoja_calculo import ErrorCelda, HojaLeida, LibroEntrada, abrir_libro
from .unidades import Unidad, ubicar


class Entrada(Protocol):
    """Lo que ofrece cada lector de un tipo de lote."""

    tipo: str
    hojas_esquema: ClassVar[dict[str, list[Columna]]]

    @property
    def modelo(self) -> type[BaseModel]: ...

    def conteo(self, *, exacto: bool = True, hasta: int | None = None,
               guardar: bool = True) -> dict[str, int | None]: ...

    def unidades(self) -> Iterator[Unidad]: ...


def _fichas(libro: LibroEntrada) -> Entrada:
    from .fichas import EntradaFichas

    return EntradaFichas(libro)


def _acuerdos(libro: LibroEntrada) -> Entrada:
    from .acuerdos import EntradaAcuerdos

    return EntradaAcuerdos(libro)


LECTORES: dict[str, Callable[[LibroEntrada], Entrada]] = {"fichas": _fichas, "acuerdos": _acuerdos}
"""Tipos de lote por nombre (``acuerdo-docs lote --tipo``)."""


def detectar_tipo(libro: LibroEntrada) -> str:
    """Por las hojas del libro: ``fichas`` o ``acuerdos`` (un .csv siempre es de fichas)."""
    if libro.formato == "csv":
        return "fichas"
    presentes = [t for t in LECTORES if libro.buscar_hoja(t) is not None]
    if len(presentes) == 1:
        return presentes[0]
    if not presentes:
        raise ErrorEntrada(
            f"{libro.ruta.name}: no tiene la hoja «fichas» ni la hoja «acuerdos». Hojas del libro:"
            f" {', '.join(libro.hojas)}. Genere la plantilla con: acuerdo-docs plantilla-lote fichas|acuerdos"
        )
    raise ErrorEntrada(
        f"{libro.ruta.name}: tiene las hojas «fichas» y «acuerdos»; indique cuál generar con --tipo."
    )


def abrir_entrada(libro: LibroEntrada, tipo: str | None = None) -> Entrada:
    tipo = tipo or detectar_tipo(libro)
    if tipo not in LECTORES:
        raise ErrorEntrada(f"Tipo de lote desconocido: «{tipo}». Use uno de: {', '.join(LECTORES)}.")
    return LECTORES[tipo](libro)




__all__ = [
    "LECTORES", "Columna", "Entrada", "ErrorCelda", "HojaLeida", "LibroEntrada", "Unidad", "abrir_entrada",
    "abrir_libro", "columnas_de", "detectar_tipo", "ubicar",
]
