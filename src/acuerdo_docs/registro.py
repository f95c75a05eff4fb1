"""Los registros (``logging``) del paquete, sin importar logging hasta que un mensaje pueda salir.

Importar logging (con traceback, textwrap, string…) le cuesta ~3 ms a cada proceso, y una ficha en
frío no escribe ningún registro. Mientras nadie haya importado logging, nadie pudo configurarlo:
el nivel efectivo de todo registro es WARNING, así que un mensaje de depuración o de información se
descartaría; aquí se descarta sin importar nada. Un aviso o un error importa logging y sale como
siempre (por lo que se haya configurado, o por el manejador de último recurso de logging). Con
logging ya importado, cada llamada va al ``logging.Logger`` de verdad (la línea y la función del
registro son las de quien llama). La CLI configura el registro en cuanto algo importa logging.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import logging

_DESCARTABLES = frozenset({"debug", "info"})
"""Lo que logging sin configurar descarta (por debajo de WARNING)."""


def _descartar(*args: object, **kwargs: object) -> None:
    return None


class _Registro:
    __slots__ = ("_nombre",)

    def __init__(self, nombre: str) -> None:
        self._nombre = nombre

    def __getattr__(self, atributo: str) -> Any:
        if atributo in _DESCARTABLES and "logging" not in sys.modules:
            return _descartar
        import logging

        return getattr(logging.getLogger(self._nombre), atributo)

    def __repr__(self) -> str:
        return f"<registro {self._nombre}>"


def registro(nombre: str) -> logging.Logger:
    """``logging.getLogger(nombre)``, que importa logging solo cuando un mensaje puede salir."""
    return cast("logging.Logger", _Registro(nombre))
