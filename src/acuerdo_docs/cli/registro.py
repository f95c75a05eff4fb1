"""El registro (``logging``) de la orden en la terminal: en español y con los caracteres de control escapados.

Se importa solo al configurar, y la CLI configura en cuanto algo importa logging (ver
``acuerdo_docs/registro.py``): una orden que no escribe ningún registro no carga logging.
"""

from __future__ import annotations

import logging

from ..terminal import para_terminal

_NIVELES = {"DEBUG": "Detalle", "INFO": "Información", "WARNING": "Aviso", "ERROR": "Error", "CRITICAL": "Error"}


class FormatoSeguro(logging.Formatter):
    """Registro para la terminal: en español («Aviso: …») y con los caracteres de control escapados.

    ``base``: el formato que ya tenía el manejador (si quien llama configuró el registro), que se
    respeta; sin él, el propio (el nombre del módulo solo en los mensajes de diagnóstico, con -v).
    """

    def __init__(self, base: logging.Formatter | None) -> None:
        super().__init__()
        self._base = base

    def format(self, record: logging.LogRecord) -> str:
        if self._base is not None:
            return para_terminal(self._base.format(record))
        nivel = _NIVELES.get(record.levelname, record.levelname)
        lugar = f" ({record.name})" if record.levelno < logging.WARNING else ""
        texto = f"{nivel}{lugar}: {record.getMessage()}"
        if record.exc_info:
            texto += "\n" + self.formatException(record.exc_info)
        return para_terminal(texto)


def configurar(detallado: bool) -> None:
    """El nivel (DEBUG con -v, si no WARNING) y el formato seguro en cada manejador de la raíz."""
    raiz = logging.getLogger()
    propio = not raiz.handlers  # si quien llama ya configuró el registro, se respeta su formato
    logging.basicConfig(level=logging.DEBUG if detallado else logging.WARNING)
    for manejador in raiz.handlers:  # los registros también pueden citar datos de una hoja
        manejador.setFormatter(FormatoSeguro(None if propio else manejador.formatter))
