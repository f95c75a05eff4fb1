"""El informe del lote (``bytes_informe``) de un lote real de FILAS filas: este código contra otro commit.

    flock /work/equipo/banco.lock .venv/bin/python bench/bench_informe.py --filas 1000 --rondas 15

``bytes_informe`` corre al final de ``generar_lote``, en un núcleo, mientras otro hilo sincroniza la
carpeta (issue 29). El informe sale de un lote real (``bench/datos.py::libro_fichas`` y
``generar_lote`` en un proceso); luego, en rondas intercaladas (el orden de las variantes se alterna),
cada variante corre en un proceso nuevo: una llamada para calentar y ``--llamadas`` medidas, de las
que cuenta la mediana (``total``: ``bytes_informe``; ``libro`` y ``bytes``: ``libro_informe`` y
``libro_a_bytes`` por separado; antes de cada medida, ``gc.collect()``). ``--antes`` es el commit de comparación (por omisión 8464a10, main antes de
escribir los libros sin ``wb.save``); su ``src/`` se saca con ``git archive``. Las dos variantes deben
dar los mismos bytes (se compara el SHA-256) o el bench se detiene. Se anota la carga media al
empezar y al terminar (``os.getloadavg``).

Con ``--en-lote``, en cada ronda y variante también un ``generar_lote`` entero (1 proceso, proceso
nuevo) con ``bytes_informe`` y ``_terminar`` medidos dentro (tiempo y CPU del hilo): ahí el montón
tiene el lote entero, y lo que cuesta el recolector de ciclos se ve (en un proceso vacío, no).
El commit de comparación sale entero con ``git archive`` (el lote necesita las plantillas).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import tarfile
import tempfile
import io
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import libro_fichas  # noqa: E402
import maquina  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]
ANTES = "8464a10"
"""main antes de partes_libro (informe: ~63 ms para 1.000 filas en esta máquina)."""

_MEDIR = """
import gc, hashlib, json, pickle, sys, time
from acuerdo_docs.documentos.informe import bytes_informe, libro_informe
from acuerdo_docs.salida.excel import libro_a_bytes
informe = pickle.loads(open(sys.argv[1], "rb").read())
datos = bytes_informe(informe)
total, libro, bytes_ = [], [], []
for _ in range(int(sys.argv[2])):
    gc.collect()  # cada medida paga la basura que ella deja, no la de la anterior
    inicio = time.perf_counter()
    bytes_informe(informe)
    total.append(time.perf_counter() - inicio)
    gc.collect()
    inicio = time.perf_counter()
    wb = libro_informe(informe)
    medio = time.perf_counter()
    libro_a_bytes(wb, titulo="Informe del lote")
    libro.append(medio - inicio)
    bytes_.append(time.perf_counter() - medio)
    del wb
print(json.dumps({"sha256": hashlib.sha256(datos).hexdigest(), "total": total, "libro": libro, "bytes": bytes_}))
"""

_EN_LOTE = """
import json, sys, tempfile, time
import acuerdo_docs.lote as lote
medido = {}
def medir(nombre, funcion):
    def envuelta(*args, **kwargs):
        inicio, cpu = time.perf_counter(), time.thread_time()
        try:
            return funcion(*args, **kwargs)
        finally:
            medido[nombre] = time.perf_counter() - inicio
            medido[nombre + "_cpu"] = time.thread_time() - cpu
    return envuelta
lote.bytes_informe = medir("informe", lote.bytes_informe)
lote._terminar = medir("terminar", lote._terminar)
with tempfile.TemporaryDirectory(dir=sys.argv[2]) as carpeta:
    informe = lote.generar_lote(sys.argv[1], carpeta, procesos=1)
assert informe.generadas == informe.total, informe.total
print(json.dumps(medido))
"""


def _resumen(valores: list[float]) -> dict[str, float]:
    ms = [v * 1000 for v in valores]
    return {"mediana": round(statistics.median(ms), 2), "min": round(min(ms), 2), "max": round(max(ms), 2)}


def _src_de(commit: str, carpeta: Path) -> Path:
    """El ``src/`` del commit ``commit`` (extraído entero en ``carpeta``, plantillas incluidas, con ``git archive``)."""
    tar = subprocess.run(["git", "-C", str(RAIZ), "archive", commit], check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archivo:
        archivo.extractall(carpeta, filter="data")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(carpeta / "src")], check=True, capture_output=True)
    return carpeta / "src"


def _informe_real(filas: int, carpeta: Path) -> Path:
    """Un lote real de ``filas`` fichas a .docx (1 proceso) y su ``InformeLote`` guardado con pickle."""
    from acuerdo_docs.lote import generar_lote

    informe = generar_lote(libro_fichas(carpeta / "lote.xlsx", filas), carpeta / "salida", procesos=1)
    assert informe.total == filas, informe.total
    ruta = carpeta / "informe.pickle"
    ruta.write_bytes(pickle.dumps(informe))
    return ruta


def _medir(src: Path | None, informe: Path, llamadas: int) -> dict[str, Any]:
    entorno = dict(os.environ)
    if src is not None:  # el otro commit, delante del paquete instalado
        entorno["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), entorno.get("PYTHONPATH")]))
    salida = subprocess.run([sys.executable, "-c", _MEDIR, str(informe), str(llamadas)], check=True,
                            capture_output=True, text=True, env=entorno).stdout
    datos: dict[str, Any] = json.loads(salida.strip().splitlines()[-1])
    return datos


def _en_lote(src: Path | None, libro: Path, carpeta: Path) -> dict[str, float]:
    entorno = dict(os.environ)
    if src is not None:
        entorno["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), entorno.get("PYTHONPATH")]))
    salida = subprocess.run([sys.executable, "-c", _EN_LOTE, str(libro), str(carpeta)], check=True,
                            capture_output=True, text=True, env=entorno).stdout
    datos: dict[str, float] = json.loads(salida.strip().splitlines()[-1])
    return datos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filas", type=int, default=1000)
    parser.add_argument("--rondas", type=int, default=15)
    parser.add_argument("--llamadas", type=int, default=3, help="llamadas medidas por proceso (cuenta la mediana)")
    parser.add_argument("--antes", default=ANTES, help=f"commit de comparación (por omisión {ANTES})")
    parser.add_argument("--en-lote", action="store_true",
                        help="además, en cada ronda, un generar_lote de FILAS fichas por variante (1 proceso): "
                             "bytes_informe y _terminar dentro del lote, con todo el lote en memoria")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_informe_") as temporal:
        carpeta = Path(temporal)
        informe = _informe_real(args.filas, carpeta)
        antes = _src_de(args.antes, carpeta / "antes")
        variantes: dict[str, Path | None] = {"antes": antes, "ahora": None}
        carga = [maquina.carga()]
        medidas: dict[str, dict[str, list[float]]] = {v: {"total": [], "libro": [], "bytes": []} for v in variantes}
        en_lote: dict[str, dict[str, list[float]]] = {
            v: {"informe": [], "informe_cpu": [], "terminar": [], "terminar_cpu": []} for v in variantes}
        huellas: dict[str, set[str]] = {v: set() for v in variantes}
        for ronda in range(args.rondas):
            orden = list(variantes) if ronda % 2 == 0 else list(reversed(variantes))
            for variante in orden:
                datos = _medir(variantes[variante], informe, args.llamadas)
                huellas[variante].add(datos["sha256"])
                for clave in ("total", "libro", "bytes"):
                    medidas[variante][clave].append(statistics.median(datos[clave]))
                if args.en_lote:
                    dentro = _en_lote(variantes[variante], carpeta / "lote.xlsx", carpeta)
                    for clave, valores in en_lote[variante].items():
                        valores.append(dentro[clave])
        carga.append(maquina.carga())
    if len(huellas["antes"] | huellas["ahora"]) != 1:
        raise SystemExit(f"las variantes no dan los mismos bytes: {huellas}")
    razones = [a / b for a, b in zip(medidas["antes"]["total"], medidas["ahora"]["total"])]
    print(json.dumps({
        "filas": args.filas, "rondas": args.rondas, "llamadas": args.llamadas, "antes": args.antes,
        "sha256": huellas["ahora"].pop(), "carga": carga, "cpus": os.cpu_count(),
        "ms": {v: {clave: _resumen(valores) for clave, valores in m.items()} for v, m in medidas.items()},
        "razon_antes_ahora": {"mediana": round(statistics.median(razones), 2), "min": round(min(razones), 2),
                              "max": round(max(razones), 2)},
        "en_lote_ms": {v: {clave: _resumen(valores) for clave, valores in m.items()} for v, m in en_lote.items()}
        if args.en_lote else None,
    }, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
