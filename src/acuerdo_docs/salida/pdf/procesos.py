"""Procesos de LibreOffice: arrancarlos en un grupo propio, leer su salida y matarlos enteros."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
from collections.abc import Callable

from ..hijos import DISPONIBLE, morir_con_el_padre

log = logging.getLogger("acuerdo_docs.pdf")

# soffice es un guion que lanza oosplash, y este a soffice.bin: la señal de muerte del padre solo
# llega al primer hijo. Por eso el primer hijo es este guardián de sh (en el grupo propio de la
# conversión): al recibir SIGTERM porque murió Python, mata el grupo entero con SIGKILL.
_GUARDIAN = 'trap "kill -KILL 0" TERM HUP; "$@" & wait $!'


def _preparar_hijo(padre: int) -> Callable[[], None]:
    def preparar() -> None:
        morir_con_el_padre(signal.SIGTERM, padre)

    return preparar


def lanzar(orden: list[str], entorno: dict[str, str] | None) -> subprocess.Popen[bytes]:
    """Arranca ``orden`` en un grupo de procesos propio (al matarlo se mata entero), salida unida.

    En Linux el grupo muere con este proceso aunque lo maten con SIGKILL (ver ``_GUARDIAN``).
    """
    preparar: Callable[[], None] | None = None
    if DISPONIBLE:
        orden = ["/bin/sh", "-c", _GUARDIAN, "acuerdo_docs_soffice", *orden]
        preparar = _preparar_hijo(os.getpid())
    return subprocess.Popen(
        orden, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, env=entorno, preexec_fn=preparar,
    )


def matar_grupo(proceso: subprocess.Popen[bytes]) -> None:
    """Mata el grupo entero (lanzador soffice, oosplash y soffice.bin) y lo recoge."""
    if proceso.poll() is None:
        if os.name == "nt":  # sin grupos POSIX: taskkill /T mata el árbol (soffice.exe y soffice.bin)
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proceso.pid)], capture_output=True, check=False)
        else:
            try:
                os.killpg(proceso.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proceso.kill()
    try:
        proceso.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log.warning("LibreOffice (pid %d) no terminó tras matarlo", proceso.pid)


def matar_restos(proceso: subprocess.Popen[bytes]) -> None:
    """El proceso principal ya salió, pero quedan hijos del grupo con la salida abierta: fuera."""
    if os.name == "nt":
        return
    try:
        os.killpg(proceso.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def leer_lineas(proceso: subprocess.Popen[bytes], al_leer: Callable[[str | None], None]) -> None:
    """Llama a ``al_leer`` con cada línea de la salida y, al final, con ``None``."""
    try:
        assert proceso.stdout is not None
        for crudo in iter(proceso.stdout.readline, b""):
            al_leer(crudo.decode("utf-8", "replace").rstrip("\r\n"))
    except (OSError, ValueError):
        pass
    finally:
        al_leer(None)
