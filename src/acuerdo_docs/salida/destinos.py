"""Dónde escribe cada orden: un solo resolutor para la opción ``-o`` de todas las órdenes.

Reglas (las mismas para ficha, acuerdo, riesgos, extraer, catalogo, plantilla-lote):

- ``-o`` que nombra una carpeta existente o termina en ``/`` escribe ``NOMBRE.ext`` dentro;
  la carpeta que falta se crea al escribir.
- Si no, la extensión dice el formato: debe ser una de las que la orden produce
  (``ficha -o f.pdf`` produce el PDF; ``riesgos -o m.docx`` es un error).
- Solo se escribe en archivos regulares o rutas nuevas, nunca a través de un enlace
  simbólico y nunca sobre un archivo de entrada.

Todo se comprueba antes de generar nada: un error es una línea en español (código de salida 2)
con la ruta tal como la escribió el usuario.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errores import ErrorSalida
from .archivos import misma_ruta, revisar_destino

Ruta = str | os.PathLike[str]


@dataclass(frozen=True)
class Salida:
    """El archivo que se va a escribir y su formato (la extensión, en minúsculas).

    Ejemplo: [Desde Python](../salidas.md#desde-python).
    """

    ruta: Path
    formato: str


def es_carpeta(texto: Ruta) -> bool:
    """``salidas/`` o una carpeta que ya existe (un enlace a una carpeta cuenta como carpeta)."""
    crudo = os.fspath(texto)
    separadores = tuple({"/", os.sep, os.altsep or "/"})
    return crudo.endswith(separadores) or os.path.isdir(crudo)


def _unir(carpeta: str, nombre: str) -> str:
    """Une como lo escribiría el usuario: ``salidas/`` + ``x.docx`` → ``salidas/x.docx``."""
    return carpeta + nombre if carpeta.endswith(("/", os.sep)) else os.path.join(carpeta, nombre)


def _ancestro_existente(ruta: Path) -> Path:
    actual = ruta
    while not os.path.lexists(actual) and actual.parent != actual:
        actual = actual.parent
    return actual


def comprobar_carpeta(carpeta: Ruta, mostrar: str) -> None:
    """Se puede escribir en ``carpeta``: existe, o su primer antepasado existente es una carpeta
    (las que faltan se crean al escribir) en la que hay permiso de escritura.

    ``mostrar`` es la ruta que se está escribiendo, tal como la escribió el usuario.
    """
    base = _ancestro_existente(Path(carpeta))
    if not os.path.isdir(base):
        raise ErrorSalida(f"No se puede escribir «{mostrar}»: «{os.fspath(base)}» es un archivo, no una carpeta.")
    if not os.access(base, os.W_OK | os.X_OK):
        raise ErrorSalida(f"No se puede escribir «{mostrar}»: no hay permiso para escribir en «{os.fspath(base)}».")


def comprobar_archivo(ruta: Ruta, mostrar: str, entradas: Iterable[Ruta | None] = ()) -> None:
    """El destino sirve: su carpeta puede existir, es un archivo regular o nuevo, y no es una entrada."""
    comprobar_carpeta(Path(ruta).parent, mostrar)
    revisar_destino(ruta, mostrar)
    for entrada in entradas:
        if entrada is None or os.fspath(entrada) == "-":
            continue
        if misma_ruta(ruta, entrada):
            raise ErrorSalida(
                f"«{mostrar}» es el mismo archivo que la entrada: nunca se escribe sobre una entrada;"
                " elija otra salida."
            )


def _lista(extensiones: Sequence[str]) -> str:
    return extensiones[0] if len(extensiones) == 1 else ", ".join(extensiones[:-1]) + f" o {extensiones[-1]}"


def resolver_salida(
    salida: Ruta,
    *,
    nombre: str,
    extensiones: Sequence[str],
    entradas: Iterable[Ruta | None] = (),
    que: str = "el documento",
    pdf_aparte: bool = False,
) -> Salida:
    """El archivo que escribe una orden con ``-o salida``.

    - ``nombre``: la raíz del archivo cuando ``salida`` es una carpeta (se sanea; se usa la
      primera de ``extensiones``).
    - ``extensiones``: formatos que la orden sabe escribir (``(".docx", ".pdf")``).
    - ``entradas``: archivos que la orden lee; el destino nunca puede ser uno de ellos.
    - ``pdf_aparte``: el PDF se pide con ``--pdf`` junto al archivo (la matriz): un ``-o x.pdf`` lo dice.

    Lanza :class:`~acuerdo_docs.errores.ErrorSalida` (código 2) sin escribir nada.

    Ejemplo: [Desde Python](../salidas.md#desde-python).
    """
    texto = os.fspath(salida)
    if not texto.strip():
        raise ErrorSalida("La ruta de salida (-o) está vacía.")
    if es_carpeta(texto):
        from .nombres import sanear  # aquí: solo para nombrar dentro de una carpeta (sus expresiones, ~0,5 ms)

        archivo = sanear(nombre, extension=extensiones[0])
        mostrar = _unir(texto, archivo)
        ruta = Path(texto) / archivo
        formato = extensiones[0]
    else:
        mostrar = texto
        ruta = Path(texto)
        formato = ruta.suffix.lower()
        if formato not in extensiones:
            cual = f"tiene la extensión «{ruta.suffix}»" if ruta.suffix else "no tiene extensión"
            if pdf_aparte and formato == ".pdf":
                raise ErrorSalida(
                    f"«{texto}»: {que} se escribe como {_lista(extensiones)}, no como PDF; para tener también"
                    f" el PDF, escriba -o {ruta.with_suffix(extensiones[0])} --pdf (deja los dos archivos)."
                )
            raise ErrorSalida(
                f"«{texto}» {cual}, pero {que} se escribe como {_lista(extensiones)}:"
                f" use una ruta que termine en {_lista(extensiones)}, o en / para escribir en una carpeta."
            )
    comprobar_archivo(ruta, mostrar, entradas)
    return Salida(ruta, formato)


def resolver_carpeta(salida: Ruta, *, entradas: Iterable[Ruta | None] = (), fijos: Iterable[str] = ()) -> Path:
    """La carpeta de una orden que escribe varios archivos (lote, ejemplo).

    ``fijos``: nombres que la orden siempre escribe en ella (``informe_lote.xlsx``); cada uno debe
    ser un archivo regular o nuevo y no una de las ``entradas``.
    """
    texto = os.fspath(salida)
    if not texto.strip():
        raise ErrorSalida("La carpeta de salida (-o) está vacía.")
    carpeta = Path(texto)
    if os.path.lexists(carpeta) and not os.path.isdir(carpeta):
        raise ErrorSalida(f"«{texto}» no es una carpeta: la salida de esta orden es una carpeta (se crea si falta).")
    comprobar_carpeta(carpeta, texto)
    for fijo in fijos:
        comprobar_archivo(carpeta / fijo, _unir(texto, fijo), entradas)
    return carpeta


__all__ = [
    "Salida", "comprobar_archivo", "comprobar_carpeta", "es_carpeta", "resolver_carpeta", "resolver_salida",
]
