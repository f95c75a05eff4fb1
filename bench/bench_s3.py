"""Documentos por segundo de un lote: a disco local o a un servidor S3 local; escribe el cliente o los trabajadores.

Uso:
    python bench/bench_s3.py --filas 300 --rondas 3 --trabajadores 2

Arranca moto (``python -m moto.server``) en 127.0.0.1 en un proceso aparte y un LocalCluster de dask
con ``--trabajadores`` procesos de un hilo; las credenciales son de prueba y van en el entorno
(los trabajadores las heredan). En cada ronda, intercaladas, corre las tres variantes sobre el
mismo libro de fichas y el mismo ejecutor:

- ``disco local``: ``generar_lote(libro, carpeta, executor=...)`` (escribe el cliente);
- ``S3, escribe el cliente``: destino ``s3://bench/…/``, los trabajadores devuelven los bytes;
- ``S3, escriben los trabajadores``: ``escribir_en_trabajadores=True``, vuelven solo las huellas.

Imprime la mediana y el rango de documentos por segundo (cada lote incluye leer el libro, el
informe y, en S3, el manifiesto). Requiere ``pip install -e '.[test]'`` (moto, s3fs, dask).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import libro_fichas  # noqa: E402


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _arrancar_moto() -> tuple[subprocess.Popen[bytes], str]:
    puerto = _puerto_libre()
    proceso = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(puerto)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        try:
            socket.create_connection(("127.0.0.1", puerto), timeout=0.2).close()
            return proceso, f"http://127.0.0.1:{puerto}"
        except OSError:
            time.sleep(0.1)
    proceso.kill()
    raise SystemExit("moto no arrancó")


def _resumen(valores: list[float]) -> dict[str, float]:
    return {"mediana": statistics.median(valores), "min": min(valores), "max": max(valores)}


def medir(filas: int, rondas: int, trabajadores: int) -> dict[str, Any]:
    import s3fs
    from distributed import Client, LocalCluster

    from acuerdo_docs.lote import generar_lote

    carpeta = Path(tempfile.mkdtemp(prefix="bench_s3_"))
    moto, punto = _arrancar_moto()
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
                      AWS_ENDPOINT_URL=punto)
    try:
        s3fs.S3FileSystem().mkdir("bench")
        libro = libro_fichas(carpeta / "entrada.xlsx", filas)
        with LocalCluster(n_workers=trabajadores, processes=True, threads_per_worker=1, dashboard_address=":0",
                          silence_logs=40) as cluster, Client(cluster) as cliente:
            ejecutor = cliente.get_executor(pure=False)
            variantes: dict[str, Callable[[int], Any]] = {
                "disco local": lambda r: generar_lote(libro, carpeta / f"local{r}", executor=ejecutor),
                "S3, escribe el cliente": lambda r: generar_lote(libro, f"s3://bench/cliente{r}/", executor=ejecutor),
                "S3, escriben los trabajadores": lambda r: generar_lote(
                    libro, f"s3://bench/trabajadores{r}/", executor=ejecutor, escribir_en_trabajadores=True),
            }
            for correr in variantes.values():  # calentamiento: importaciones, plantillas y sesiones S3 de cada proceso
                correr(-1)
            carga = os.getloadavg()[0]
            tiempos: dict[str, list[float]] = {v: [] for v in variantes}
            for ronda in range(rondas):
                for nombre, correr in variantes.items():  # intercaladas: la carga del equipo afecta a todas
                    inicio = time.perf_counter()
                    informe = correr(ronda)
                    segundos = time.perf_counter() - inicio
                    assert informe.generadas == filas, (nombre, informe.generadas)
                    tiempos[nombre].append(filas / segundos)
        return {"filas": filas, "rondas": rondas, "trabajadores": trabajadores,
                "carga": (round(carga, 1), round(os.getloadavg()[0], 1)),
                "docs_s": {v: _resumen(t) for v, t in tiempos.items()}}
    finally:
        moto.terminate()
        moto.wait()
        shutil.rmtree(carpeta, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filas", type=int, default=300)
    parser.add_argument("--rondas", type=int, default=3)
    parser.add_argument("--trabajadores", type=int, default=2)
    args = parser.parse_args(argv)
    r = medir(args.filas, args.rondas, args.trabajadores)
    print(f"{r['filas']} fichas por lote, {r['rondas']} rondas intercaladas, dask LocalCluster de"
          f" {r['trabajadores']} procesos; carga {r['carga'][0]} → {r['carga'][1]}")
    for nombre, v in r["docs_s"].items():
        print(f"  {nombre:32s} {v['mediana']:6.0f} docs/s   rango {v['min']:.0f}-{v['max']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
