"""La app web con 200 acuerdos guardados: p95 de cada página y tiempo de la descarga de la ficha .docx.

    python bench/bench_web.py --acuerdos 200 --rondas 5

Servidor real (uvicorn en un hilo, 127.0.0.1, puerto libre) y un cliente HTTP en el mismo proceso, como
el navegador del usuario en su equipo. Las páginas se piden intercaladas (una de cada una por vuelta)
para que la carga de la máquina afecte a todas por igual; se informa p95, mediana y rango en ms.
Metas (issue 27): toda página p95 < 100 ms; la ficha .docx < 300 ms. Anota la carga media.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TOKEN = "bench"


def _servidor(carpeta: Path) -> tuple[Any, int]:
    import uvicorn

    from acuerdo_docs.web.app import crear_app

    app = crear_app(carpeta, None, TOKEN)
    enchufe = socket.socket()
    enchufe.bind(("127.0.0.1", 0))
    servidor = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    threading.Thread(target=servidor.run, kwargs={"sockets": [enchufe]}, daemon=True).start()
    while not servidor.started:
        time.sleep(0.05)
    return servidor, enchufe.getsockname()[1]


def poblar(url: str, acuerdos: int) -> list[int]:
    """Guarda ``acuerdos`` acuerdos (el de ejemplo, con nombres distintos) y una ficha; devuelve sus ids."""
    import acuerdo_docs as ad
    from acuerdo_docs.web.bd import Almacen

    almacen = Almacen(url)
    base = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    ids = []
    for i in range(acuerdos):
        datos = json.loads(json.dumps(base))
        datos["desafio"]["nombre"] = f"{base['desafio']['nombre']} ({i + 1})"
        ids.append(almacen.crear("acuerdo", datos, datos["desafio"]["nombre"], 0))
    ficha = ad.ejemplo_ficha().model_dump(mode="json", exclude_none=True)
    ids.append(almacen.crear("ficha", ficha, ficha["nombre"], 0))
    almacen.motor.dispose()
    return ids


def _pedir(conexion: http.client.HTTPConnection, ruta: str) -> tuple[float, int, int]:
    inicio = time.perf_counter()
    conexion.request("GET", ruta, headers={"Cookie": f"acuerdo_docs_sesion={TOKEN}", "Host": "127.0.0.1"})
    respuesta = conexion.getresponse()
    cuerpo = respuesta.read()
    return (time.perf_counter() - inicio) * 1000, respuesta.status, len(cuerpo)


def _p95(valores: list[float]) -> float:
    return statistics.quantiles(valores, n=20)[-1] if len(valores) >= 2 else valores[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--acuerdos", type=int, default=200)
    parser.add_argument("--rondas", type=int, default=5, help="vueltas de medición (20 pedidos por página cada una)")
    args = parser.parse_args()
    carpeta = Path(tempfile.mkdtemp(prefix="bench-web-"))
    from acuerdo_docs.web.bd import url_sqlite

    ids = poblar(url_sqlite(carpeta), args.acuerdos)
    servidor, puerto = _servidor(carpeta)
    acuerdo, ficha = ids[len(ids) // 2], ids[-1]
    paginas = {
        "inicio (201 borradores)": "/",
        "lista de tareas": f"/borradores/{acuerdo}",
        "actores (6 filas)": f"/borradores/{acuerdo}/seccion/actores",
        "riesgos (7 filas)": f"/borradores/{acuerdo}/seccion/riesgos",
        "revisar": f"/borradores/{acuerdo}/revisar",
        "reunión": f"/borradores/{acuerdo}/reunion",
        "sondeo sin cambios (204)": None,
    }
    conexion = http.client.HTTPConnection("127.0.0.1", puerto)
    from acuerdo_docs.web.bd import Almacen

    version = Almacen(url_sqlite(carpeta)).version(acuerdo)
    paginas["sondeo sin cambios (204)"] = f"/borradores/{acuerdo}/reunion/estado?version={version}"
    for ruta in paginas.values():  # calentar: plantillas compiladas, modelos construidos
        _pedir(conexion, str(ruta))
    tiempos: dict[str, list[float]] = {nombre: [] for nombre in paginas}
    descarga: list[float] = []
    carga_inicio = os.getloadavg()[0]
    for _ in range(args.rondas):
        for _ in range(20):
            for nombre, ruta in paginas.items():
                ms, estado, _largo = _pedir(conexion, str(ruta))
                assert estado in (200, 204), (nombre, estado)
                tiempos[nombre].append(ms)
        for _ in range(4):
            ms, estado, largo = _pedir(conexion, f"/borradores/{ficha}/descargar/word")
            assert estado == 200 and largo > 10_000
            descarga.append(ms)
    servidor.should_exit = True
    print(f"bench_web: {args.acuerdos} acuerdos guardados, {args.rondas} rondas; carga media "
          f"{carga_inicio:.2f} → {os.getloadavg()[0]:.2f} (2 núcleos compartidos)")
    print(f"{'página':32} {'p95 ms':>8} {'mediana':>8} {'mín':>7} {'máx':>7}")
    for nombre, valores in tiempos.items():
        print(f"{nombre:32} {_p95(valores):8.1f} {statistics.median(valores):8.1f} "
              f"{min(valores):7.1f} {max(valores):7.1f}")
    print(f"{'ficha .docx (descarga)':32} {_p95(descarga):8.1f} {statistics.median(descarga):8.1f} "
          f"{min(descarga):7.1f} {max(descarga):7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
