"""Arranque en frío, como lo corre una persona: cada medida es un proceso nuevo.

    python bench/bench_arranque.py --veces 7

Mide, intercalando las órdenes en cada ronda (la carga de la máquina afecta a todas por igual):
``python -c pass`` (el piso del intérprete), ``import acuerdo_docs``, ``acuerdo-docs ficha x.json
-o y.docx`` (con la caché de plantillas compiladas, y sin ella: lo que cuesta la primera vez) y
``acuerdo-docs ficha x.json -o y.docx --pdf`` (y ``--pdf-simple``). Da mediana y
rango, y la carga media de la máquina al empezar y al terminar (``os.getloadavg``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _ordenes(carpeta: Path, pdf: bool) -> dict[str, list[str]]:
    cli = [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o"]
    ordenes = {
        "python_vacio": [sys.executable, "-c", "pass"],
        "import": [sys.executable, "-c", "import acuerdo_docs"],
        "ficha_docx": [*cli, str(carpeta / "a.docx")],
        "ficha_docx_sin_cache": ["env", "ACUERDO_DOCS_SIN_CACHE=1", *cli, str(carpeta / "d.docx")],
    }
    if pdf:
        ordenes["ficha_pdf"] = [*cli, str(carpeta / "b.docx"), "--pdf"]
        ordenes["ficha_pdf_simple"] = [*cli, str(carpeta / "c.docx"), "--pdf", "--pdf-simple"]
    return ordenes


def medir_arranque(veces: int = 7, pdf: bool = True) -> dict[str, Any]:
    """Mediana, mínimo y máximo (ms) de cada orden en ``veces`` rondas intercaladas."""
    entorno = dict(os.environ, PYTHONPATH=str(RAIZ / "src"))
    carga_inicio = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench_arranque_") as temporal:
        ordenes = _ordenes(Path(temporal), pdf)
        for orden in ordenes.values():  # calienta la caché de disco y los .pyc
            subprocess.run(orden, check=True, stdout=subprocess.DEVNULL, env=entorno)
        tiempos: dict[str, list[float]] = {nombre: [] for nombre in ordenes}
        for _ in range(veces):
            for nombre, orden in ordenes.items():
                inicio = time.perf_counter()
                subprocess.run(orden, check=True, stdout=subprocess.DEVNULL, env=entorno)
                tiempos[nombre].append((time.perf_counter() - inicio) * 1000)
    resultado: dict[str, Any] = {
        nombre: {"mediana_ms": round(statistics.median(t)), "min_ms": round(min(t)), "max_ms": round(max(t))}
        for nombre, t in tiempos.items()
    }
    resultado["veces"] = veces
    resultado["carga"] = [round(carga_inicio, 2), round(os.getloadavg()[0], 2)]
    return resultado


def imprimir(resultado: dict[str, Any]) -> None:
    print(f"\nArranque en frío (proceso nuevo; {resultado['veces']} rondas intercaladas; "
          f"carga media {resultado['carga'][0]} → {resultado['carga'][1]} en {os.cpu_count()} núcleos)")
    for nombre, cifras in resultado.items():
        if isinstance(cifras, dict):
            rango = f"{cifras['min_ms']}-{cifras['max_ms']}"
            print(f"  {nombre:<18} mediana {cifras['mediana_ms']:6d} ms   rango {rango} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--veces", type=int, default=7)
    parser.add_argument("--sin-pdf", action="store_true", help="sin las medidas con LibreOffice")
    args = parser.parse_args(argv)
    imprimir(medir_arranque(args.veces, pdf=not args.sin_pdf))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
