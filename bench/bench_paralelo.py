"""Paralelismo: ``lote`` y ``generar_ficha`` en 1 y 2 procesos, y el lote de la CLI contra docxtpl.

    python bench/bench_paralelo.py --filas 1000 --rondas 3

Todo en rondas intercaladas (en cada ronda, cada variante una vez; cuenta la mediana y se da
el rango) y con la carga media anotada (``os.getloadavg``) al empezar y al terminar:

1. ``generar_lote`` de un libro de FILAS fichas a .docx con ``procesos=1`` y ``procesos=2``, cada
   corrida en un proceso nuevo: segundos de ``generar_lote`` (sin arrancar Python), CPU de todos
   los procesos (principal y trabajadores: no depende de la carga ajena) y RSS pico del árbol de
   procesos y del trabajador más grande. Metas: 2 procesos ≥ 1,8x la tasa de 1, y la memoria de
   2 procesos no crece más que la de un trabajador.
   Además (Linux), 1 proceso con él y sus hilos fijados a un solo núcleo (``sched_setaffinity``): el
   lote de 1 proceso escribe en hilos, que corren en el otro núcleo, así que «1 proceso» no es «1 núcleo»;
   esa fila dice cuánto escala con los núcleos.
2. El lote entero por la CLI (``acuerdo-docs lote LIBRO -o CARPETA``, arranque incluido, procesos
   por omisión) contra un bucle de docxtpl (abrir la plantilla, renderizar, guardar) sobre las
   mismas fichas, medido sobre una muestra de ``--muestra`` fichas por ronda y llevado a FILAS.
   Meta: ≥ 25x.
3. ``generar_ficha`` (la API: valida, renderiza y escribe cada documento de forma durable) sobre
   ``--fichas`` documentos en 1 proceso y repartidos entre 2 (grupo ya arrancado), con un fsync por
   documento y dentro de ``tanda_durable()`` (una sincronización por proceso al terminar). Meta: ≥ 1,8x.

En una máquina de 2 núcleos compartida, la razón de 2 procesos baja con la carga ajena (otro
proceso listo para correr le quita un núcleo a la mitad del tiempo): por eso se da también el
CPU por documento, que dice dónde se va el tiempo sin depender de la carga.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import fichas, libro_fichas  # noqa: E402
from memoria import PicoRss  # noqa: E402
import maquina  # noqa: E402

_LOTE = """
import json, resource, sys, time
from acuerdo_docs.lote import generar_lote
from acuerdo_docs.lote.trabajo import EnLinea
aqui = [0.0, 0]  # CPU y unidades renderizadas en el proceso principal
original = EnLinea.submit
def anotado(self, fn, *args, **kwargs):
    inicio = time.thread_time()
    try:
        return original(self, fn, *args, **kwargs)
    finally:
        aqui[0] += time.thread_time() - inicio
        aqui[1] += 1
EnLinea.submit = anotado
procesos = int(sys.argv[3])
if len(sys.argv) > 4 and sys.argv[4] == "un_nucleo":  # 1 proceso y sus hilos en un solo núcleo (Linux)
    import os
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
antes = resource.getrusage(resource.RUSAGE_SELF)
inicio = time.perf_counter()
informe = generar_lote(sys.argv[1], sys.argv[2], procesos=procesos)
segundos = time.perf_counter() - inicio
yo, hijos = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"segundos": segundos, "generadas": informe.generadas, "total": informe.total,
                  "cpu_principal": yo.ru_utime + yo.ru_stime - antes.ru_utime - antes.ru_stime,
                  "cpu_trabajadores": hijos.ru_utime + hijos.ru_stime,
                  "rss_principal_mb": yo.ru_maxrss / 1024, "rss_trabajador_mb": hijos.ru_maxrss / 1024,
                  "cpu_render_principal": aqui[0], "render_principal": aqui[1]}))
"""


def _resumen(valores: list[float], cifras: int = 3) -> dict[str, float]:
    return {"mediana": round(statistics.median(valores), cifras), "min": round(min(valores), cifras),
            "max": round(max(valores), cifras)}


def _un_lote(libro: Path, salida: Path, procesos: int, un_nucleo: bool = False) -> dict[str, Any]:
    extra = ["un_nucleo"] if un_nucleo else []
    proceso = subprocess.Popen([sys.executable, "-c", _LOTE, str(libro), str(salida), str(procesos), *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PicoRss(proceso.pid) as medidor:
        salida_texto, error = proceso.communicate()
    if proceso.returncode != 0:
        raise RuntimeError(f"el lote terminó con código {proceso.returncode}: {error[-2000:]}")
    datos: dict[str, Any] = json.loads(salida_texto.strip().splitlines()[-1])
    assert datos["generadas"] == datos["total"], datos
    datos["rss_arbol_mb"] = medidor.mb
    return datos


def medir_lote(filas: int, rondas: int, carpeta: Path) -> dict[str, Any]:
    """``generar_lote`` con 1 y 2 procesos, intercalados, cada uno en un proceso nuevo."""
    libro = libro_fichas(carpeta / "lote.xlsx", filas)
    _un_lote(libro, carpeta / "calentar", 1)  # caché de plantillas y de disco
    carga = [maquina.carga()]
    # 0: 1 proceso con sus hilos en un solo núcleo (sched_setaffinity), lo que hace «1 núcleo» de verdad.
    fijar = hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1
    corridas: dict[int, list[dict[str, Any]]] = {0: [], 1: [], 2: []}
    for ronda in range(rondas):
        orden = [v for v in ((1, 2, 0) if ronda % 2 == 0 else (0, 2, 1)) if v or fijar]
        for variante in orden:
            procesos = max(variante, 1)
            corridas[variante].append(_un_lote(libro, carpeta / f"p{variante}_{ronda}", procesos, un_nucleo=variante == 0))
    carga.append(maquina.carga())
    razones = [a["segundos"] / b["segundos"] for a, b in zip(corridas[1], corridas[2])]
    por_nucleo = [a["segundos"] / b["segundos"] for a, b in zip(corridas[0], corridas[2])]

    def resumen(procesos: int) -> dict[str, Any]:
        c = corridas[procesos]
        return {
            "segundos": _resumen([x["segundos"] for x in c]),
            "docs_s": round(filas / statistics.median(x["segundos"] for x in c), 1),
            "cpu_ms_doc": _resumen([(x["cpu_principal"] + x["cpu_trabajadores"]) / filas * 1000 for x in c]),
            "cpu_principal_ms_doc": _resumen([x["cpu_principal"] / filas * 1000 for x in c]),
            # Lo que solo puede hacer el principal (leer, validar, nombrar, escribir, el informe).
            "cpu_principal_sin_render_ms_doc": _resumen(
                [(x["cpu_principal"] - x["cpu_render_principal"]) / filas * 1000 for x in c]),
            "render_en_principal": _resumen([x["render_principal"] for x in c], 0),
            "rss_arbol_mb": _resumen([x["rss_arbol_mb"] for x in c], 1),
            "rss_trabajador_mb": _resumen([x["rss_trabajador_mb"] for x in c], 1),
        }

    uno, dos = resumen(1), resumen(2)
    # Sin carga ajena, 2 procesos tardan lo que el mayor de: la parte que solo hace el principal, o la
    # mitad del CPU total. Es la razón que la misma corrida daría en 2 núcleos libres.
    posible = uno["cpu_ms_doc"]["mediana"] / max(dos["cpu_principal_sin_render_ms_doc"]["mediana"],
                                                  dos["cpu_ms_doc"]["mediana"] / 2)
    crecimiento = dos["rss_arbol_mb"]["mediana"] - uno["rss_arbol_mb"]["mediana"]
    return {"filas": filas, "rondas": rondas, "uno": uno, "dos": dos, "razon": _resumen(razones, 2),
            "un_nucleo_s": _resumen([x["segundos"] for x in corridas[0]]) if corridas[0] else None,
            "razon_un_nucleo": _resumen(por_nucleo, 2) if por_nucleo else None,
            "razon_por_cpu": round(posible, 2),
            "memoria_crece_mb": round(crecimiento, 1), "carga": carga}


def _cli_lote(libro: Path, salida: Path) -> float:
    inicio = time.perf_counter()
    subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "lote", str(libro), "-o", str(salida), "--silencioso"],
                   check=True, capture_output=True)
    return time.perf_counter() - inicio


def medir_cli_docxtpl(filas: int, muestra: int, rondas: int, carpeta: Path) -> dict[str, Any]:
    """El lote de la CLI (arranque incluido) contra un bucle de docxtpl llevado a las mismas filas."""
    from bench_docx import docxtpl_plano

    libro = libro_fichas(carpeta / "cli.xlsx", filas)
    datos = list(enumerate(fichas(filas, semilla=2024)))  # las mismas fichas que el libro
    docxtpl_plano(datos[:3], carpeta)  # importaciones y caché de disco
    carga = [maquina.carga()]
    cli: list[float] = []
    plano: list[float] = []
    for ronda in range(rondas):
        inicio = (ronda * muestra) % max(1, filas - muestra)
        plano.append(docxtpl_plano(datos[inicio:inicio + muestra], carpeta) / muestra * filas)
        cli.append(_cli_lote(libro, carpeta / f"cli{ronda}"))
    carga.append(maquina.carga())
    razones = [p / c for p, c in zip(plano, cli)]
    return {"filas": filas, "muestra": muestra, "rondas": rondas, "cli_s": _resumen(cli, 2),
            "docxtpl_s": _resumen(plano, 1), "razon": _resumen(razones, 1), "carga": carga}


def _fichas_api(tramo: list[tuple[int, dict[str, Any]]], carpeta: str, tanda: bool = False) -> float:
    """Genera las fichas del tramo con la API; devuelve el CPU de este proceso que costaron.

    Sin ``tanda``, cada ``generar_ficha`` hace fsync de su documento; con ella, una sincronización
    al terminar el tramo (``tanda_durable``): en ambos casos, al volver todo está en el disco.
    """
    from contextlib import nullcontext

    from acuerdo_docs import tanda_durable
    from acuerdo_docs.documentos.ficha import generar_ficha

    inicio = time.process_time()
    with tanda_durable() if tanda else nullcontext():
        for i, datos in tramo:
            generar_ficha(datos, Path(carpeta) / f"ficha_{i}.docx")
    return time.process_time() - inicio


def medir_api(n: int, rondas: int, carpeta: Path) -> dict[str, Any]:
    """``generar_ficha`` sobre n fichas en 1 proceso y en 2 (mitad cada uno; grupo ya arrancado),
    con un fsync por documento y en una ``tanda_durable`` por proceso, en rondas intercaladas."""
    datos = list(enumerate(fichas(n)))
    mitad = (n + 1) // 2
    carga = [maquina.carga()]
    medidas: dict[str, dict[str, list[float]]] = {
        modo: {"uno": [], "dos": [], "cpu_uno": [], "cpu_dos": []} for modo in ("fsync", "tanda")}
    with ProcessPoolExecutor(2) as grupo:
        list(grupo.map(_fichas_api, [datos[:2], datos[2:4]], [str(carpeta)] * 2))  # arranque y plantilla
        _fichas_api(datos[:3], str(carpeta))
        for ronda in range(rondas):
            for modo in (("fsync", "tanda") if ronda % 2 == 0 else ("tanda", "fsync")):
                m, tanda, destino = medidas[modo], modo == "tanda", carpeta / f"{modo}{ronda}"
                inicio = time.perf_counter()
                m["cpu_uno"].append(_fichas_api(datos, str(destino / "uno"), tanda))
                m["uno"].append(time.perf_counter() - inicio)
                inicio = time.perf_counter()
                m["cpu_dos"].append(sum(grupo.map(_fichas_api, [datos[:mitad], datos[mitad:]],
                                                  [str(destino / "dos")] * 2, [tanda] * 2)))
                m["dos"].append(time.perf_counter() - inicio)
    carga.append(maquina.carga())
    resultado: dict[str, Any] = {"fichas": n, "rondas": rondas, "carga": carga}
    for modo, m in medidas.items():
        resultado[modo] = {
            "uno_ms_doc": _resumen([s / n * 1000 for s in m["uno"]]),
            "dos_ms_doc": _resumen([s / n * 1000 for s in m["dos"]]),
            "razon": _resumen([a / b for a, b in zip(m["uno"], m["dos"])], 2),
            "cpu_ms_doc_uno": _resumen([c / n * 1000 for c in m["cpu_uno"]]),
            "cpu_ms_doc_dos": _resumen([c / n * 1000 for c in m["cpu_dos"]]),
        }
        # En 2 núcleos libres, sin esperas de disco (la tanda espera una vez): 2 x CPU de 1 / CPU de 2.
        resultado[modo]["razon_por_cpu"] = round(
            2 * resultado[modo]["cpu_ms_doc_uno"]["mediana"] / resultado[modo]["cpu_ms_doc_dos"]["mediana"], 2)
    return resultado


def imprimir(lote: dict[str, Any] | None, cli: dict[str, Any] | None, api: dict[str, Any] | None) -> None:
    if lote:
        print(f"\ngenerar_lote a .docx, {lote['filas']} fichas ({lote['rondas']} rondas intercaladas; "
              f"carga {lote['carga'][0]} → {lote['carga'][1]})")
        for clave, titulo in (("uno", "1 proceso "), ("dos", "2 procesos")):
            r = lote[clave]
            print(f"  {titulo}  {r['segundos']['mediana']:6.2f} s [{r['segundos']['min']}-{r['segundos']['max']}]"
                  f"  {r['docs_s']:6.0f} docs/s  CPU {r['cpu_ms_doc']['mediana']:.2f} ms/doc"
                  f" (principal {r['cpu_principal_ms_doc']['mediana']:.2f}, sin renderizar"
                  f" {r['cpu_principal_sin_render_ms_doc']['mediana']:.2f}; renderizó {r['render_en_principal']['mediana']:.0f})"
                  f"  RSS árbol {r['rss_arbol_mb']['mediana']:.0f} MB, trabajador {r['rss_trabajador_mb']['mediana']:.0f} MB")
        r = lote["razon"]
        print(f"  razón 2/1 procesos {r['mediana']:.2f}x [{r['min']}-{r['max']}] (meta >= 1,8x); por CPU, en 2"
              f" núcleos libres: {lote['razon_por_cpu']:.2f}x")
        if lote.get("razon_un_nucleo"):
            u, r1 = lote["un_nucleo_s"], lote["razon_un_nucleo"]
            print(f"  1 proceso en 1 núcleo {u['mediana']:6.2f} s [{u['min']}-{u['max']}]: 2 procesos (2 núcleos) /"
                  f" 1 proceso (1 núcleo) {r1['mediana']:.2f}x [{r1['min']}-{r1['max']}]")
        print(f"  "
              f" la memoria crece {lote['memoria_crece_mb']} MB (meta <= un trabajador,"
              f" {lote['dos']['rss_trabajador_mb']['mediana']:.0f} MB)")
    if cli:
        print(f"\nLote por la CLI ({cli['filas']} filas, arranque incluido) contra docxtpl (muestra de "
              f"{cli['muestra']} por ronda; carga {cli['carga'][0]} → {cli['carga'][1]})")
        print(f"  acuerdo-docs lote   {cli['cli_s']['mediana']:6.2f} s [{cli['cli_s']['min']}-{cli['cli_s']['max']}]")
        print(f"  bucle de docxtpl    {cli['docxtpl_s']['mediana']:6.1f} s [{cli['docxtpl_s']['min']}-"
              f"{cli['docxtpl_s']['max']}] (llevado a {cli['filas']})")
        print(f"  razón {cli['razon']['mediana']:.1f}x [{cli['razon']['min']}-{cli['razon']['max']}] (meta >= 25x)")
    if api:
        print(f"\ngenerar_ficha, {api['fichas']} fichas ({api['rondas']} rondas intercaladas; carga "
              f"{api['carga'][0]} → {api['carga'][1]})")
        for modo, titulo in (("fsync", "fsync por documento"), ("tanda", "tanda_durable por proceso")):
            r = api[modo]
            print(f"  {titulo:26s} 1 proceso {r['uno_ms_doc']['mediana']:6.2f} ms/doc [{r['uno_ms_doc']['min']}-"
                  f"{r['uno_ms_doc']['max']}], 2 procesos {r['dos_ms_doc']['mediana']:6.2f} ms/doc; razón "
                  f"{r['razon']['mediana']:.2f}x [{r['razon']['min']}-{r['razon']['max']}] (meta >= 1,8x);"
                  f" CPU {r['cpu_ms_doc_uno']['mediana']:.2f} / {r['cpu_ms_doc_dos']['mediana']:.2f} ms/doc"
                  + (f" (por CPU, en 2 núcleos libres: {r['razon_por_cpu']:.2f}x)" if modo == "tanda" else ""))


def medir(filas: int, rondas: int, muestra: int, api: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench_paralelo_") as temporal:
        carpeta = Path(temporal)
        for nombre in ("lote", "cli", "api"):
            (carpeta / nombre).mkdir()
        return {
            "lote": medir_lote(filas, rondas, carpeta / "lote") if filas else None,
            "cli": medir_cli_docxtpl(filas, muestra, rondas, carpeta / "cli") if filas and muestra else None,
            "api": medir_api(api, rondas, carpeta / "api") if api else None,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--filas", type=int, default=1000, help="fichas del lote (0 omite 1 y 2)")
    parser.add_argument("--rondas", type=int, default=3)
    parser.add_argument("--muestra", type=int, default=60, help="fichas de docxtpl por ronda (0 omite 2)")
    parser.add_argument("--fichas", type=int, default=400, help="fichas de generar_ficha (0 omite 3)")
    parser.add_argument("--json", type=Path, help="guarda también los resultados en este archivo")
    args = parser.parse_args(argv)
    print(f"Máquina: {os.cpu_count()} núcleos; carga media al empezar {maquina.carga()}")
    r = medir(args.filas, args.rondas, args.muestra, args.fichas)
    imprimir(r["lote"], r["cli"], r["api"])
    if args.json:
        args.json.write_text(json.dumps(r, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
