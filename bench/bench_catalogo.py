"""Mide el catálogo de una carpeta grande: tiempo y memoria máxima (RSS), por formato.

Uso: python bench/bench_catalogo.py [FICHAS] [RONDAS]   (por omisión 5000 fichas, 3 rondas)

Genera FICHAS fichas .docx variadas (bench/datos.py, misma semilla) con ``renderizar_ficha`` y
mide, en procesos aparte y **intercalados** ronda a ronda (la máquina la comparten otros
procesos: intercalar reparte su ruido entre los casos), cada caso:

- ``xlsx``: primer catálogo (carpeta → libro nuevo);
- ``xlsx, re-ejecución``: el mismo libro otra vez (lee el catálogo anterior y conserva lo escrito);
- ``csv``: datos abiertos;
- ``xlsx 1/5``: la quinta parte de las fichas, para ver que la memoria no crece con el número de
  fichas (lectura en flujo con una ventana acotada y libro de solo escritura).

Imprime mediana y rango (mín–máx) de los segundos y el RSS máximo del proceso principal y del
trabajador más grande, y los segundos de CPU (principal + trabajadores): con la máquina cargada
por otros procesos el tiempo de reloj crece, la CPU no; CPU / núcleos es el tiempo en una máquina
libre. Objetivo del proyecto: 5.000 fichas en menos de un minuto.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import fichas  # noqa: E402

from acuerdo_docs import renderizar_ficha  # noqa: E402

_MEDIR = """
import resource, sys, time
from acuerdo_docs.documentos.catalogo import generar_catalogo
inicio = time.monotonic()
resultado = generar_catalogo(sys.argv[1], sys.argv[2])
yo, hijos = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(resultado.total, round(time.monotonic() - inicio, 2), yo.ru_maxrss // 1024, hijos.ru_maxrss // 1024,
      round(yo.ru_utime + yo.ru_stime + hijos.ru_utime + hijos.ru_stime, 1))
"""


def preparar(carpeta: Path, n: int) -> tuple[Path, Path]:
    """Escribe n fichas (y una copia de su quinta parte en otra carpeta)."""
    todas, quinta = carpeta / "fichas", carpeta / "fichas_quinta"
    todas.mkdir(parents=True)
    quinta.mkdir()
    for i, datos in enumerate(fichas(n)):
        contenido = renderizar_ficha(datos)
        nombre = f"{i // 500:02d}/ficha_{i:05d}.docx"  # subcarpetas de 500, como una oficina por meses
        (todas / nombre).parent.mkdir(exist_ok=True)
        (todas / nombre).write_bytes(contenido)
        if i < n // 5:
            (quinta / nombre).parent.mkdir(exist_ok=True)
            (quinta / nombre).write_bytes(contenido)
    return todas, quinta


def medir(carpeta: Path, destino: Path) -> tuple[int, float, int, int, float]:
    salida = subprocess.run([sys.executable, "-c", _MEDIR, str(carpeta), str(destino)],
                            capture_output=True, text=True, check=False)
    if salida.returncode not in (0, 1):
        raise SystemExit(salida.stderr)
    total, segundos, principal, trabajador, cpu = salida.stdout.split()
    return int(total), float(segundos), int(principal), int(trabajador), float(cpu)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    rondas = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    base = Path(tempfile.mkdtemp(prefix="bench_catalogo_"))
    inicio = time.monotonic()
    todas, quinta = preparar(base, n)
    print(f"{n} fichas generadas en {time.monotonic() - inicio:.1f} s ({os.cpu_count()} núcleos; "
          f"carga media al empezar: {os.getloadavg()[0]:.1f})", flush=True)
    casos: dict[str, list[tuple[int, float, int, int, float]]] = {}
    for r in range(rondas):
        libro = base / f"ronda{r}" / "catalogo.xlsx"
        for nombre, carpeta, destino in (
            ("xlsx", todas, libro),
            ("xlsx, re-ejecución", todas, libro),
            ("csv", todas, base / f"ronda{r}" / "catalogo.csv"),
            ("xlsx 1/5", quinta, base / f"ronda{r}" / "quinta.xlsx"),
        ):
            medida = medir(carpeta, destino)
            casos.setdefault(nombre, []).append(medida)
            print(f"    ronda {r + 1}, {nombre}: {medida[1]:.1f} s ({medida[4]:.0f} s de CPU), "
                  f"RSS {medida[2]}/{medida[3]} MB "
                  f"(carga {os.getloadavg()[0]:.1f})", flush=True)
    print(f"{rondas} rondas intercaladas; carga media al terminar: {os.getloadavg()[0]:.1f}")
    for nombre, medidas in casos.items():
        segundos = [m[1] for m in medidas]
        print(f"  {nombre:<20} {medidas[0][0]:>5} fichas: mediana {statistics.median(segundos):.1f} s "
              f"(rango {min(segundos):.1f}–{max(segundos):.1f}), CPU mediana "
              f"{statistics.median(m[4] for m in medidas):.0f} s; RSS máx. principal "
              f"{max(m[2] for m in medidas)} MB, trabajador {max(m[3] for m in medidas)} MB")


if __name__ == "__main__":
    main()
