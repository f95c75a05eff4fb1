"""Lo que cubren las fuentes que ve fontconfig (``fc-list``), calculado una vez por proceso.

``fc-list`` tarda unos 10 ms de CPU: la revisión de glifos de ``ConvertidorPdf`` (y de ``--pdf``)
lo corre en su hilo mientras LibreOffice convierte, con un núcleo libre, y no al arrancar, cuando
LibreOffice y Python ya ocupan los dos.
"""

from __future__ import annotations

import shutil
import subprocess
import threading

_CANDADO = threading.Lock()
_HECHA: list[tuple[list[int], list[int]] | None] = []  # vacía hasta calcularla


def cobertura() -> tuple[list[int], list[int]] | None:
    """Inicios y fines (ordenados, unidos) de lo que cubre alguna fuente de fontconfig; ``None`` si no se sabe.

    Una vez por proceso; si otro hilo la está calculando, se espera a ese en vez de repetirla.
    """
    with _CANDADO:
        if not _HECHA:
            _HECHA.append(_calcular())
        return _HECHA[0]


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
