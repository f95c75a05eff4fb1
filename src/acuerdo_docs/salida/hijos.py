"""Procesos hijos que mueren con su padre (Linux: ``prctl(PR_SET_PDEATHSIG)``).

Un ``kill -9`` al proceso de Python no deja atrás trabajadores de un lote ni LibreOffice: el
núcleo les envía una señal cuando muere el hilo que los creó. En otros sistemas no hace nada.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1

try:
    _prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):  # libc sin prctl (p. ej. musl antigua): sin esta defensa
    _prctl = None

DISPONIBLE = _prctl is not None
"""Si este sistema permite atar la vida de un hijo a la de su padre."""


def morir_con_el_padre(senal: int = signal.SIGKILL, padre: int | None = None) -> None:
    """En el hijo: pide al núcleo ``senal`` cuando muera el padre; si ya murió, sale enseguida.

    ``padre`` es el pid que debería tener el padre (por omisión, el actual): si difiere, el
    padre murió entre el fork y esta llamada, y no hay a quién esperar.
    """
    if _prctl is None:
        return
    esperado = os.getppid() if padre is None else padre
    _prctl(_PR_SET_PDEATHSIG, int(senal), 0, 0, 0)
    if os.getppid() != esperado:
        os.kill(os.getpid(), senal)
