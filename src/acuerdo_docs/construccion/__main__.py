"""Reescribe las plantillas de plantillas/ a partir del código."""

from __future__ import annotations

import sys
from pathlib import Path

from ..rutas import carpeta_plantillas
from ..salida.archivos import escribir_atomico
from . import CONSTRUCTORES


def main() -> int:
    carpeta = Path(sys.argv[1]) if len(sys.argv) > 1 else carpeta_plantillas()
    for nombre, construir in CONSTRUCTORES.items():
        escribir_atomico(carpeta / nombre, construir())
        print(f"plantilla escrita: {carpeta / nombre}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
