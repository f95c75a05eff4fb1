"""Arranque en frío, como lo corre una persona: cada medida es un proceso nuevo.

    python bench/bench_arranque.py --veces 9 --sin-pdf
    python bench/bench_arranque.py --veces 9 --base 97885fb     # además otra revisión (git archive)

Mide, intercalando las órdenes en cada ronda (la carga de la máquina afecta a todas por igual):
``python -c pass`` (el piso del intérprete), ``import acuerdo_docs``, ``acuerdo-docs ficha x.json
-o y.docx`` (lo mismo que hace la orden instalada; con la caché de plantillas compiladas, y sin
ella: lo que cuesta la primera vez), ``bench/docxtpl_minimo.py`` (lo que escribiría una persona con
docxtpl: el mismo JSON en la misma plantilla, que ya existe) y ``… --pdf`` (y ``--pdf-simple``).

Antes de medir compila los ``.pyc`` de ``src/`` (como los deja ``pip install``; con
``PYTHONDONTWRITEBYTECODE`` Python no los escribiría y cada corrida compilaría el paquete) y
comprueba que la ficha y la de docxtpl dicen lo mismo (los textos de párrafos, tablas y encabezado).

De cada orden da la mediana y el rango del tiempo de reloj y del tiempo de CPU del proceso
(usuario + sistema, de ``os.wait4``: la carga ajena lo mueve mucho menos), y la razón
ficha/docxtpl de cada ronda (mediana y rango). La carga media (``os.getloadavg``) al empezar y al
terminar.

Carbone (su CLI en frío) no está instalado aquí: con ``--base REVISIÓN`` se mide también esa
revisión del proyecto en las mismas rondas, y la razón frente a Carbone se estima con la que dio
el issue 29 para 97885fb (Carbone 1,25x más rápido que ese commit).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"
PLANTILLA = RAIZ / "plantillas" / "ficha_4202000-FT-1311.docx"
DOCXTPL_MINIMO = Path(__file__).resolve().parent / "docxtpl_minimo.py"
# Lo que hace el guion «acuerdo-docs» que instala pip (ver [project.scripts] en pyproject.toml).
ORDEN_INSTALADA = "import re, sys; from acuerdo_docs.cli import principal; sys.exit(principal())"
CARBONE_FRENTE_A_97885FB = 1.25
"""Issue 29: la CLI de Carbone CE 3.8.2 en frío, 1,25x más rápida que ``ficha -o y.docx`` en 97885fb."""


def compilar_pyc(src: Path) -> None:
    """Los .pyc del paquete, como los deja pip al instalar (sin ellos se mide el compilador de Python)."""
    compileall.compile_dir(str(src), quiet=1)


def textos_docx(ruta: Path) -> list[str]:
    """Lo que lee una persona: párrafos, celdas de tablas y del encabezado, en orden."""
    from docx import Document

    documento = Document(str(ruta))
    textos = [p.text for p in documento.paragraphs]
    tablas = list(documento.tables)
    for seccion in documento.sections:
        tablas += seccion.header.tables
    textos += [celda.text for tabla in tablas for fila in tabla.rows for celda in fila.cells]
    return textos


def revision_base(revision: str, carpeta: Path) -> Path:
    """``src/`` y ``plantillas/`` de otra revisión (``git archive``), con sus .pyc; devuelve su ``src``."""
    archivo = subprocess.run(["git", "-C", str(RAIZ), "archive", revision, "src", "plantillas"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(archivo)) as tar:
        tar.extractall(carpeta, filter="data")
    compilar_pyc(carpeta / "src")
    return carpeta / "src"


def _ordenes(carpeta: Path, pdf: bool, base: Path | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    propio = dict(os.environ, PYTHONPATH=str(RAIZ / "src"))
    cli = [sys.executable, "-c", ORDEN_INSTALADA, "ficha", str(EJEMPLO), "-o"]
    ordenes = {
        "python_vacio": ([sys.executable, "-c", "pass"], propio),
        "import": ([sys.executable, "-c", "import acuerdo_docs"], propio),
        "ficha_docx": ([*cli, str(carpeta / "a.docx")], propio),
        "docxtpl_minimo": ([sys.executable, str(DOCXTPL_MINIMO), str(EJEMPLO), str(PLANTILLA),
                            str(carpeta / "m.docx")], propio),
        "ficha_docx_sin_cache": ([*cli, str(carpeta / "d.docx")], dict(propio, ACUERDO_DOCS_SIN_CACHE="1")),
    }
    if base is not None:  # la revisión vieja con su propia orden (main entonces, no principal)
        ordenes["ficha_docx_base"] = ([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o",
                                       str(carpeta / "b.docx")], dict(os.environ, PYTHONPATH=str(base)))
    if pdf:
        ordenes["ficha_pdf"] = ([*cli, str(carpeta / "p.docx"), "--pdf"], propio)
        ordenes["ficha_pdf_simple"] = ([*cli, str(carpeta / "s.docx"), "--pdf", "--pdf-simple"], propio)
    return ordenes


def _correr(orden: list[str], entorno: dict[str, str]) -> tuple[float, float]:
    """(reloj, CPU) en ms de un proceso nuevo; CPU = usuario + sistema del proceso y sus hijos esperados."""
    inicio = time.perf_counter()
    proceso = subprocess.Popen(orden, stdout=subprocess.DEVNULL, env=entorno)
    _, estado, uso = os.wait4(proceso.pid, 0)
    reloj = (time.perf_counter() - inicio) * 1000
    proceso.returncode = os.waitstatus_to_exitcode(estado)
    if proceso.returncode != 0:
        raise subprocess.CalledProcessError(proceso.returncode, orden)
    return reloj, (uso.ru_utime + uso.ru_stime) * 1000


def _cifras(valores: list[float]) -> dict[str, float]:
    return {"mediana_ms": round(statistics.median(valores)), "min_ms": round(min(valores)),
            "max_ms": round(max(valores))}


def _razon(a: list[float], b: list[float]) -> list[float]:
    razones = [x / y for x, y in zip(a, b)]
    return [round(statistics.median(razones), 2), round(min(razones), 2), round(max(razones), 2)]


def medir_arranque(veces: int = 7, pdf: bool = True, base: str | None = None) -> dict[str, Any]:
    """Mediana, mínimo y máximo (ms de reloj; ``cpu``: ms de CPU) de cada orden en ``veces`` rondas intercaladas."""
    compilar_pyc(RAIZ / "src")
    carga_inicio = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench_arranque_") as temporal:
        carpeta = Path(temporal)
        src_base = revision_base(base, carpeta / "base") if base else None
        ordenes = _ordenes(carpeta, pdf, src_base)
        for orden, entorno in ordenes.values():  # calienta la caché de disco, la de plantillas y los .pyc
            _correr(orden, entorno)
        if textos_docx(carpeta / "a.docx") != textos_docx(carpeta / "m.docx"):
            raise AssertionError("la ficha y la de docxtpl no dicen lo mismo: la comparación no vale")
        reloj: dict[str, list[float]] = {nombre: [] for nombre in ordenes}
        cpu: dict[str, list[float]] = {nombre: [] for nombre in ordenes}
        for _ in range(veces):
            for nombre, (orden, entorno) in ordenes.items():
                r, c = _correr(orden, entorno)
                reloj[nombre].append(r)
                cpu[nombre].append(c)
    resultado: dict[str, Any] = {nombre: {**_cifras(reloj[nombre]), "cpu": _cifras(cpu[nombre])} for nombre in ordenes}
    resultado["razon_docxtpl"] = {"reloj": _razon(reloj["ficha_docx"], reloj["docxtpl_minimo"]),
                                  "cpu": _razon(cpu["ficha_docx"], cpu["docxtpl_minimo"])}
    if base:
        resultado["base"] = base
        resultado["razon_base"] = {"reloj": _razon(reloj["ficha_docx"], reloj["ficha_docx_base"]),
                                   "cpu": _razon(cpu["ficha_docx"], cpu["ficha_docx_base"])}
    resultado["veces"] = veces
    resultado["carga"] = [round(carga_inicio, 2), round(os.getloadavg()[0], 2)]
    return resultado


def razon_carbone_estimada(resultado: dict[str, Any]) -> float | None:
    """ficha / Carbone estimada: (ficha / 97885fb, medida en las mismas rondas) x 1,25 (issue 29); o ``None``."""
    if not str(resultado.get("base", "")).startswith("97885fb"):
        return None
    return round(resultado["razon_base"]["reloj"][0] * CARBONE_FRENTE_A_97885FB, 2)


def imprimir(resultado: dict[str, Any]) -> None:
    print(f"\nArranque en frío (proceso nuevo; {resultado['veces']} rondas intercaladas; "
          f"carga media {resultado['carga'][0]} → {resultado['carga'][1]} en {os.cpu_count()} núcleos)")
    print(f"  {'':<22} {'reloj: mediana':>14} {'rango':>11}   {'CPU: mediana':>12} {'rango':>11}")
    for nombre, cifras in resultado.items():
        if isinstance(cifras, dict) and "mediana_ms" in cifras:
            c = cifras["cpu"]
            print(f"  {nombre:<22} {cifras['mediana_ms']:11d} ms {cifras['min_ms']:4d}-{cifras['max_ms']:<4d} ms  "
                  f"{c['mediana_ms']:9d} ms {c['min_ms']:4d}-{c['max_ms']:<4d} ms")
    for clave, titulo in (("razon_docxtpl", "ficha_docx / docxtpl_minimo"),
                          ("razon_base", f"ficha_docx / {resultado.get('base')}")):
        if clave in resultado:
            r, c = resultado[clave]["reloj"], resultado[clave]["cpu"]
            print(f"  {titulo:<34} reloj {r[0]:.2f}x ({r[1]}-{r[2]})   CPU {c[0]:.2f}x ({c[1]}-{c[2]})")
    carbone = razon_carbone_estimada(resultado)
    if carbone is not None:
        print(f"  ficha_docx / Carbone (estimada: ficha/97885fb x {CARBONE_FRENTE_A_97885FB}) {carbone:.2f}x")
    else:
        print("  Carbone no está instalado aquí: con --base 97885fb se estima la razón (issue 29: Carbone"
              " 1,25x más rápido que 97885fb)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--veces", type=int, default=7)
    parser.add_argument("--sin-pdf", action="store_true", help="sin las medidas con LibreOffice")
    parser.add_argument("--base", metavar="REVISION", help="mide también esta revisión (p. ej. 97885fb)")
    args = parser.parse_args(argv)
    imprimir(medir_arranque(args.veces, pdf=not args.sin_pdf, base=args.base))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
