"""Lo que los benchmarks leen de la máquina (Linux): la carga media y los procesos vivos con su CPU.

Solo biblioteca estándar: también lo importa el lado UNO de ``bench_uno.py``, que corre con el Python
del sistema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path


def carga() -> float:
    """La carga media del último minuto (``os.getloadavg``), con dos decimales."""
    return round(os.getloadavg()[0], 2)


def estados() -> Iterator[tuple[int, list[str]]]:
    """(pid, campos de ``/proc/PID/stat`` desde el estado) de cada proceso vivo.

    ``campos[0]`` es el estado, ``[1]`` el padre, ``[2]`` el grupo y ``[11]``/``[12]`` el CPU de usuario
    y de sistema en tics. Un proceso que termina mientras se lee se salta.
    """
    for entrada in Path("/proc").iterdir():
        if not entrada.name.isdigit():
            continue
        try:
            # El nombre (entre paréntesis) puede traer espacios: los campos van tras el último «)».
            yield int(entrada.name), (entrada / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue


def cpu(campos: list[str]) -> float:
    """Segundos de CPU (usuario + sistema) de un proceso, de sus ``campos`` (:func:`estados`)."""
    return (int(campos[11]) + int(campos[12])) / os.sysconf("SC_CLK_TCK")


def cpu_grupo(grupo: int) -> float:
    """Segundos de CPU de los procesos vivos del grupo ``grupo`` (LibreOffice: no depende de la carga)."""
    return sum(cpu(campos) for _pid, campos in estados() if int(campos[2]) == grupo)


def cpu_arbol(raiz: int) -> float:
    """Segundos de CPU de los procesos vivos del árbol de ``raiz`` (``raiz`` incluido)."""
    padres: dict[int, int] = {}
    segundos: dict[int, float] = {}
    for pid, campos in estados():
        padres[pid] = int(campos[1])
        segundos[pid] = cpu(campos)
    total = 0.0
    for pid, valor in segundos.items():
        actual = pid
        while actual not in (0, 1) and actual != raiz:
            actual = padres.get(actual, 0)
        if actual == raiz:
            total += valor
    return total


def hijos(padre: int, excepto: set[int]) -> list[int]:
    """Los hijos vivos (no zombis) de ``padre``, salvo los de ``excepto``."""
    return [pid for pid, campos in estados()
            if pid not in excepto and campos[1] == str(padre) and campos[0] != "Z"]
