"""Memoria pico (RSS) de un proceso y todos sus descendientes, leída de /proc cada 50 ms."""

from __future__ import annotations

import glob
import threading
import time
from types import TracebackType


def rss_arbol(pid: int) -> int:
    """RSS (bytes) de un proceso y todos sus descendientes, leído de /proc (0 fuera de Linux)."""
    total = 0
    pendientes = [pid]
    while pendientes:
        actual = pendientes.pop()
        try:
            with open(f"/proc/{actual}/status", encoding="ascii") as f:
                for linea in f:
                    if linea.startswith("VmRSS:"):
                        total += int(linea.split()[1]) * 1024
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        # Los hijos se anotan en el hilo que los lanzó (a_pdf los lanza desde hilos de trabajo).
        for hilo in glob.glob(f"/proc/{actual}/task/*/children"):
            try:
                with open(hilo, encoding="ascii") as f:
                    pendientes.extend(int(h) for h in f.read().split())
            except (FileNotFoundError, ProcessLookupError, PermissionError):
                continue
    return total


class PicoRss:
    """``with PicoRss(pid) as medidor: ...`` y luego ``medidor.mb``: el pico del árbol mientras duró."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.pico = 0
        self._parar = threading.Event()
        self._hilo = threading.Thread(target=self._muestrear, daemon=True)

    def _muestrear(self) -> None:
        while not self._parar.is_set():
            self.pico = max(self.pico, rss_arbol(self.pid))
            time.sleep(0.05)

    def __enter__(self) -> PicoRss:
        self._hilo.start()
        return self

    def __exit__(self, tipo: type[BaseException] | None, error: BaseException | None,
                 traza: TracebackType | None) -> None:
        self._parar.set()
        self._hilo.join()

    @property
    def mb(self) -> float:
        return self.pico / 2**20
