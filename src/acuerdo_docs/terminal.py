"""Texto para la terminal: los caracteres de control de los datos se muestran, no se ejecutan.

Un encabezado de hoja o un valor de un JSON puede traer ESC, BEL, retorno de carro o
marcas de dirección (U+202E): impresos tal cual cambian el título de la ventana, borran
la línea o fingen otra salida. Todo mensaje que la CLI imprime pasa por
:func:`para_terminal`; lo que se imprime con rich va además como texto, nunca como marcado.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

# C0 salvo salto de línea y tabulador, DEL, C1, sustitutos sueltos y marcas de formato
# bidireccional o invisibles (Cf) que reordenan lo que se ve. Ninguno es imprimible
# (str.isprintable), así que un texto imprimible no tiene nada que escapar.
_PATRON_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"


@functools.cache
def _control() -> re.Pattern[str]:
    return re.compile(_PATRON_CONTROL)  # al primer texto con algo no imprimible (compilarla cuesta ~0,4 ms)


def _visible(coincidencia: re.Match[str]) -> str:
    codigo = ord(coincidencia.group())
    return f"\\x{codigo:02x}" if codigo < 0x100 else f"\\u{codigo:04x}"


def para_terminal(texto: Any) -> str:
    """``texto`` con cada carácter de control escrito como ``\\x1b`` o ``\\u202e`` (visible e inofensivo)."""
    cadena = str(texto)
    if cadena.isprintable():  # lo de casi siempre: nada que escapar
        return cadena
    return _control().sub(_visible, cadena)


def texto_rich(texto: Any) -> Any:
    """Un ``rich.text.Text`` con ``texto`` escapado: rich no lo interpreta como marcado (``[/]``)."""
    from rich.text import Text

    return Text(para_terminal(texto))


__all__ = ["para_terminal", "texto_rich"]


# -- Ctrl-C: recordar que llegó ----------------------------------------------------------------
# Algunas bibliotecas convierten el KeyboardInterrupt que las interrumpe en otra excepción (p. ej.
# un RuntimeError); quien atrapa errores genéricos (una fila de un lote, la última defensa de la
# CLI) pregunta aquí si hubo un Ctrl-C y, si lo hubo, lo trata como tal (salida 130).

_INTERRUMPIDO = threading.Event()


def senal_interrupcion(signum: int, marco: object) -> None:
    """Manejador de SIGINT para la CLI: anota el Ctrl-C y lanza ``KeyboardInterrupt`` como el de Python."""
    _INTERRUMPIDO.set()
    raise KeyboardInterrupt


def hubo_interrupcion() -> bool:
    return _INTERRUMPIDO.is_set()


def olvidar_interrupcion() -> None:
    _INTERRUMPIDO.clear()
