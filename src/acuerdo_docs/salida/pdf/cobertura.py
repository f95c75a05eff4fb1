"""Lo que cubren las fuentes que ve fontconfig (``fc-list``), calculado una vez por proceso.

``fc-list`` tarda unos 10 ms: con ``--pdf``, :func:`adelantar` lo lanza en otro hilo mientras
LibreOffice arranca y se importa y valida lo demás, y la revisión de glifos ya lo encuentra hecho.
Sin lxml ni nada pesado: lo importa :mod:`.anticipado` antes que el resto.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

_CANDADO = threading.Lock()
_HECHA: list[tuple[list[int], list[int]] | None] = []  # vacía hasta calcularla


def cobertura() -> tuple[list[int], list[int]] | None:
    """Inicios y fines (ordenados, unidos) de lo que cubre alguna fuente de fontconfig; ``None`` si no se sabe.

    Si otro hilo la está calculando (:func:`adelantar`), espera a ese en vez de repetirla.
    """
    with _CANDADO:
        if not _HECHA:
            _HECHA.append(_calcular())
        return _HECHA[0]


def adelantar() -> None:
    """Calcula la cobertura en un hilo aparte (no hace nada si ya está)."""
    if not _HECHA:
        threading.Thread(target=cobertura, daemon=True, name="acuerdo_docs.pdf-fuentes").start()


def _calcular() -> tuple[list[int], list[int]] | None:
    programa = shutil.which("fc-list")
    if programa is None:
        return None
    try:
        salida = subprocess.run([programa, "--format=%{charset}\\n"], capture_output=True, text=True,
                                timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
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
