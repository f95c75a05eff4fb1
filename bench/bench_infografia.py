"""Milisegundos por infografía (Typst): sola y en lote.

- sola: ``generar_infografia`` con el proceso ya caliente (acuerdo de ejemplo a PDF y PNG,
  buena práctica a PDF), en rondas intercaladas: una ronda mide los tres casos seguidos, así
  un cambio de carga de la máquina afecta a todos por igual. Los datos cambian en cada ronda
  (Typst recuerda las compilaciones idénticas).
- primera: la primera infografía de un proceso nuevo (importar typst, leer fuentes y plantilla),
  sin contar la importación de acuerdo_docs.
- en lote: ``generar_lote`` de N fichas con y sin ``infografia=True`` (un proceso), intercalados;
  el costo por infografía es la diferencia dividida entre N.

Se informa la mediana y el rango (mínimo–máximo) de cada medida.

Uso: PYTHONPATH=src python bench/bench_infografia.py [--rondas 15] [--filas 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import libro_fichas  # noqa: E402

from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo  # noqa: E402
from acuerdo_docs.documentos.ficha import ejemplo_ficha  # noqa: E402
from acuerdo_docs.documentos.infografia import generar_infografia  # noqa: E402
from acuerdo_docs.lote import generar_lote  # noqa: E402

_PRIMERA = """
import time
from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo
from acuerdo_docs.documentos.infografia import generar_infografia
acuerdo = ejemplo_acuerdo()
t = time.perf_counter()  # desde aquí: importar typst, leer fuentes y plantilla, compilar
generar_infografia(acuerdo, {destino!r})
print((time.perf_counter() - t) * 1000)
"""


def _ms(funcion: Callable[[], object]) -> float:
    inicio = time.perf_counter()
    funcion()
    return (time.perf_counter() - inicio) * 1000


def _resumen(valores: list[float]) -> str:
    return f"{statistics.median(valores):7.1f} ms (rango {min(valores):.1f}–{max(valores):.1f}, n={len(valores)})"


def medir_sola(rondas: int, carpeta: Path) -> dict[str, list[float]]:
    acuerdo, practica = ejemplo_acuerdo(), ejemplo_ficha()

    def casos(n: int) -> dict[str, Callable[[], object]]:
        # Datos distintos en cada ronda: Typst recuerda compilaciones idénticas y no las repite.
        a = acuerdo.model_copy(update={"objetivo": f"{acuerdo.objetivo} ({n})"})
        p = practica.model_copy(update={"nombre": f"{practica.nombre} ({n})"})
        return {
            "acuerdo → PDF": lambda: generar_infografia(a, carpeta / "a.pdf"),
            "acuerdo → PNG 150 ppp": lambda: generar_infografia(a, carpeta / "a.png"),
            "buena práctica → PDF": lambda: generar_infografia(p, carpeta / "p.pdf"),
        }

    for caso in casos(-1).values():  # calentamiento: fuentes y plantilla ya cargadas
        caso()
    tiempos: dict[str, list[float]] = {nombre: [] for nombre in casos(0)}
    for ronda in range(rondas):
        for nombre, caso in casos(ronda).items():
            tiempos[nombre].append(_ms(caso))
    return tiempos


def medir_primera(veces: int, carpeta: Path) -> list[float]:
    codigo = _PRIMERA.format(destino=str(carpeta / "primera.pdf"))
    salidas = [subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, check=True).stdout
               for _ in range(veces)]
    return [float(s.strip()) for s in salidas]


def medir_lote(rondas: int, filas: int, carpeta: Path) -> dict[str, list[float]]:
    tiempos: dict[str, list[float]] = {"sin infografía": [], "con infografía": []}
    for ronda in range(rondas):
        # Semilla distinta por ronda: Typst recuerda lo ya compilado.
        libro = libro_fichas(carpeta / f"fichas_{ronda}.xlsx", filas, semilla=100 + ronda)
        for nombre, con in (("sin infografía", False), ("con infografía", True)):
            destino = carpeta / f"lote_{ronda}_{int(con)}"
            tiempos[nombre].append(_ms(lambda d=destino, c=con, e=libro: generar_lote(e, d, procesos=1, infografia=c)))
    return tiempos


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rondas", type=int, default=15)
    parser.add_argument("--filas", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        carpeta = Path(tmp)
        print("Infografía sola (proceso caliente, rondas intercaladas):")
        for nombre, valores in medir_sola(args.rondas, carpeta).items():
            print(f"  {nombre:24s} {_resumen(valores)}")
        print(f"  {'primera de un proceso':24s} {_resumen(medir_primera(3, carpeta))}")
        lote = medir_lote(max(3, args.rondas // 5), args.filas, carpeta)
        print(f"Lote de {args.filas} fichas (un proceso, con y sin --infografia intercalados):")
        for nombre, valores in lote.items():
            print(f"  {nombre:24s} {_resumen(valores)}")
        por_unidad = [(c - s) / args.filas for c, s in zip(lote["con infografía"], lote["sin infografía"])]
        print(f"  {'ms por infografía':24s} {_resumen(por_unidad)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
