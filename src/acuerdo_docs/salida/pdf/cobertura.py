"""Lo que cubren las fuentes que ve fontconfig (``fc-list``), calculado una vez por proceso.

``fc-list`` tarda unos 10 ms: con ``--pdf``, :func:`adelantar` lo lanza (otro proceso) mientras
LibreOffice arranca y se importa y valida lo demás, y la revisión de glifos (que corre mientras
LibreOffice convierte) solo lee su salida.
Sin lxml ni nada pesado: lo importa :mod:`.anticipado` antes que el resto.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

_CANDADO = threading.Lock()
_HECHA: list[tuple[list[int], list[int]] | None] = []  # vacía hasta calcularla
_EN_CURSO: list[subprocess.Popen[str]] = []  # el fc-list lanzado por adelantar(), sin leer aún


def cobertura() -> tuple[list[int], list[int]] | None:
    """Inicios y fines (ordenados, unidos) de lo que cubre alguna fuente de fontconfig; ``None`` si no se sabe.

    Si :func:`adelantar` ya lanzó ``fc-list``, lee lo que dio en vez de lanzarlo otra vez.
    """
    with _CANDADO:
        if not _HECHA:
            _HECHA.append(_leer(_EN_CURSO.pop() if _EN_CURSO else _lanzar()))
        return _HECHA[0]


def adelantar() -> None:
    """Lanza ``fc-list`` ya (otro proceso; no espera): quien pida :func:`cobertura` solo lee su salida."""
    with _CANDADO:
        if not _HECHA and not _EN_CURSO and (proceso := _lanzar()) is not None:
            _EN_CURSO.append(proceso)


def _lanzar() -> subprocess.Popen[str] | None:
    programa = shutil.which("fc-list")
    if programa is None:
        return None
    try:
        return subprocess.Popen([programa, "--format=%{charset}\\n"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    except OSError:
        return None


def _leer(proceso: subprocess.Popen[str] | None) -> tuple[list[int], list[int]] | None:
    if proceso is None:
        return None
    try:
        salida, _ = proceso.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proceso.kill()
        proceso.wait()
        return None
    if proceso.returncode != 0:
        return None
    rangos: list[tuple[int, int]] = []
    for parte in salida.split():
        inicio, _, fin = parte.partition("-")
        try:
            rangos.append((int(inicio, 16), int(fin or inicio, 16)))
        except ValueError:
            continue
    if not rangos:
        return None
    rangos.sort()
    inicios: list[int] = []
    fines: list[int] = []
    for desde, hasta in rangos:
        if fines and desde <= fines[-1] + 1:
            fines[-1] = max(fines[-1], hasta)
        else:
            inicios.append(desde)
            fines.append(hasta)
    return inicios, fines
