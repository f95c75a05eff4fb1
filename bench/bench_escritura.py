"""Escritura atómica: archivo sin nombre + ``linkat`` contra temporal + renombrado, en 1 y 2 procesos.

    flock /work/equipo/banco.lock python bench/bench_escritura.py --archivos 1000 --rondas 3

Cada ronda escribe ``--archivos`` archivos de 13 KB (lo que pesa una ficha) con ``escribir_atomico``
dentro de ``tanda_durable()`` (sin fsync uno a uno, como un lote), en una carpeta nueva: una vez en
este proceso y otra repartidos entre 2 procesos (grupo ya arrancado) en una misma carpeta, con cada
camino de ``salida/archivos.py`` (``_sin_nombre_posible`` encendido y apagado), intercalados. Da
µs por archivo en reloj y en CPU (el CPU de los dos procesos sumado) y la carga media.

El costo de crear un archivo depende del disco: en ext4 sin diario, el núcleo salta los inodos
borrados hace poco en el grupo de la carpeta (por eso el bench nunca borra entre rondas).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import maquina  # noqa: E402

DATOS = os.urandom(13_000)


def _escribir(carpeta: str, desde: int, hasta: int, sin_nombre: bool) -> float:
    from acuerdo_docs import tanda_durable
    from acuerdo_docs.salida import archivos

    archivos._sin_nombre_posible = sin_nombre and bool(archivos._O_TMPFILE)
    inicio = time.process_time()
    with tanda_durable():
        for i in range(desde, hasta):
            archivos.escribir_atomico(Path(carpeta) / f"f{i}.docx", DATOS)
    return time.process_time() - inicio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--archivos", type=int, default=1000)
    parser.add_argument("--rondas", type=int, default=3)
    parser.add_argument("--carpeta", type=Path, default=None, help="dónde crear las carpetas (por omisión /tmp)")
    args = parser.parse_args(argv)
    n, mitad = args.archivos, args.archivos // 2
    carga = [maquina.carga()]
    medidas: dict[str, dict[str, list[float]]] = {
        camino: {"uno": [], "dos": [], "cpu_uno": [], "cpu_dos": []} for camino in ("sin_nombre", "renombrado")}
    with tempfile.TemporaryDirectory(prefix="bench_escritura_", dir=args.carpeta) as temporal, \
            ProcessPoolExecutor(2) as grupo:
        list(grupo.map(_escribir, [temporal] * 2, [0, 1], [1, 2], [True, True]))  # arranque e importaciones
        for ronda in range(args.rondas):
            for camino in (("sin_nombre", "renombrado") if ronda % 2 == 0 else ("renombrado", "sin_nombre")):
                m, sin_nombre = medidas[camino], camino == "sin_nombre"
                uno, dos = Path(temporal) / f"{camino}{ronda}_1", Path(temporal) / f"{camino}{ronda}_2"
                uno.mkdir()
                dos.mkdir()
                inicio = time.perf_counter()
                m["cpu_uno"].append(_escribir(str(uno), 0, n, sin_nombre))
                m["uno"].append(time.perf_counter() - inicio)
                inicio = time.perf_counter()
                m["cpu_dos"].append(sum(grupo.map(_escribir, [str(dos)] * 2, [0, mitad], [mitad, n],
                                                  [sin_nombre] * 2)))
                m["dos"].append(time.perf_counter() - inicio)
    carga.append(maquina.carga())
    print(f"Escritura de {n} archivos de 13 KB en una tanda ({args.rondas} rondas; carga {carga[0]} → {carga[1]})")
    for camino, m in medidas.items():
        def us(clave: str) -> str:
            valores = [v / n * 1e6 for v in m[clave]]
            return f"{statistics.median(valores):5.1f} [{min(valores):.1f}-{max(valores):.1f}]"
        razon = statistics.median(a / b for a, b in zip(m["uno"], m["dos"]))
        print(f"  {camino:11s} 1 proceso {us('uno')} µs/archivo (CPU {us('cpu_uno')});"
              f" 2 procesos {us('dos')} (CPU {us('cpu_dos')}); razón 2/1 {razon:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
