"""Benchmark de acuerdo_docs: una orden, documentos por segundo, razones y memoria pico.

    python bench/bench.py                 # 1.000 fichas .docx, 200 a PDF, lote de 10.000 filas
    python bench/bench.py --rapido        # tamaños pequeños para probar que corre
    python bench/bench.py --resumen       # la tabla del PDF y del arranque (docs/pdf.md)

Mide, en la misma corrida y la misma máquina:
1. .docx: (a) bucle plano de docxtpl (abrir, renderizar, guardar) sobre la plantilla del proyecto,
   (b) el camino del proyecto en un proceso, (c) en todos los núcleos.
2. PDF: un arranque de LibreOffice por documento contra la conversión por lotes de ``a_pdf``.
3. Memoria: ``acuerdo-docs lote`` sobre un libro de N filas, RSS pico del árbol de procesos.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_arranque import imprimir as imprimir_arranque  # noqa: E402
from bench_arranque import medir_arranque  # noqa: E402
from bench_docx import medir_docx  # noqa: E402
from datos import fichas, libro_fichas  # noqa: E402
from memoria import PicoRss  # noqa: E402


def medir_memoria(n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        entrada = Path(tmp) / "lote.xlsx"
        libro_fichas(entrada, n)
        salida = Path(tmp) / "salida"
        inicio = time.perf_counter()
        proceso = subprocess.Popen(
            [sys.executable, "-m", "acuerdo_docs.cli", "lote", str(entrada), "-o", str(salida), "--silencioso"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        with PicoRss(proceso.pid) as medidor:
            _, error = proceso.communicate()
        segundos = time.perf_counter() - inicio
        documentos = len(list(salida.glob("*.docx")))
        if proceso.returncode != 0:
            raise RuntimeError(f"el lote terminó con código {proceso.returncode}: {error.decode()[-2000:]}")
    return {"filas": n, "documentos": documentos, "segundos": segundos, "docs_por_s": documentos / segundos,
            "rss_pico_mb": medidor.mb}


def medir_pdf_fichas(n: int, muestra: int | None) -> dict[str, Any]:
    from bench_pdf import medir_pdf

    from acuerdo_docs.documentos.ficha import generar_ficha

    with tempfile.TemporaryDirectory() as tmp:
        documentos = [generar_ficha(d, Path(tmp) / f"ficha_{i:04d}.docx") for i, d in enumerate(fichas(n))]
        return medir_pdf([d for d in documentos if d], os.cpu_count() or 1, muestra_por_documento=muestra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docx", type=int, default=1000, help="fichas para la parte .docx (1000)")
    parser.add_argument("--pdf", type=int, default=200, help="fichas para la parte PDF (200; 0 la omite)")
    parser.add_argument("--muestra-por-documento", type=int, default=None,
                        help="medir el arranque por documento sobre solo N fichas y extrapolar (por omisión, todas)")
    parser.add_argument("--memoria", type=int, default=10000, help="filas del lote de memoria (10000; 0 lo omite)")
    parser.add_argument("--arranque", type=int, default=7, help="rondas de arranque en frío de la CLI (7; 0 lo omite)")
    parser.add_argument("--rapido", action="store_true", help="100 .docx, 20 PDF, lote de 500 filas, 3 rondas")
    parser.add_argument("--json", type=Path, help="guarda también los resultados en este archivo")
    parser.add_argument("--resumen", action="store_true",
                        help="solo la tabla del PDF y del arranque (bench_resumen.py): frío, caliente, lote, render")
    args = parser.parse_args(argv)
    if args.resumen:
        from bench_resumen import main as resumen

        return resumen(["--veces", str(args.arranque or 5)])
    if args.rapido:
        args.docx, args.pdf, args.memoria, args.arranque = 100, 20, 500, 3

    resultados: dict[str, Any] = {"nucleos": os.cpu_count()}
    print(f"Máquina: {os.cpu_count()} núcleos, Python {sys.version.split()[0]}")

    if args.arranque:
        arranque = medir_arranque(args.arranque, pdf=bool(args.pdf))
        resultados["arranque"] = arranque
        imprimir_arranque(arranque)

    datos = fichas(args.docx)
    docx = medir_docx(datos)
    n = len(datos)
    plano, uno, todos = docx["docxtpl_plano_s"], docx["compilado_1_proceso_s"], docx["compilado_todos_s"]
    resultados["docx"] = docx | {"n": n}
    print(f"\n.docx ({n} fichas variadas)")
    print(f"  (a) docxtpl plano, 1 proceso     {n / plano:8.1f} docs/s   {plano / n * 1000:6.2f} ms/doc")
    print(f"  (b) acuerdo_docs, 1 proceso      {n / uno:8.1f} docs/s   {uno / n * 1000:6.2f} ms/doc"
          f"   x{plano / uno:.1f} frente a (a)")
    print(f"  (c) acuerdo_docs, {docx['nucleos']} núcleos      {n / todos:8.1f} docs/s   {todos / n * 1000:6.2f} ms/doc"
          f"   x{plano / todos:.1f} frente a (a)")

    if args.pdf:
        pdf = medir_pdf_fichas(args.pdf, args.muestra_por_documento)
        resultados["pdf"] = pdf
        print(f"\nPDF ({pdf['documentos']} fichas, {pdf['trabajadores']} procesos de LibreOffice, "
              f"asignador: {pdf['asignador'] or 'malloc de glibc'})")
        filas = [("(a) un arranque por documento", "por_documento", None),
                 (f"(b) a_pdf por lotes, mediana de {pdf['llamadas_lote']}", "lote", "razon"),
                 ("    la primera (crea los perfiles)", "lote_primera", "razon_primera")]
        if pdf["asignador"]:
            filas.append(("    sin asignador (malloc de glibc)", "lote_sin_asignador", "razon_sin_asignador"))
        for titulo, clave, razon in filas:
            print(f"  {titulo:<36} {pdf[clave + '_docs_s']:8.2f} docs/s {pdf[clave + '_ms_doc']:8.1f} ms/doc"
                  + (f"   x{pdf[razon]} frente a (a)" if razon else "")
                  + (" (extrapolado de una muestra)" if clave == "por_documento" and pdf["por_documento_extrapolado"]
                     else ""))
        print(f"  (b) entre {pdf['lote_min_ms_doc']} y {pdf['lote_max_ms_doc']} ms/doc: "
              f"x{pdf['razon_min']} a x{pdf['razon_max']} frente a (a)")
        print(f"  RSS pico de Python y LibreOffice durante (b): {pdf['lote_rss_pico_mb']:.0f} MB")

    if args.memoria:
        memoria = medir_memoria(args.memoria)
        resultados["memoria"] = memoria
        print(f"\nLote de {memoria['filas']} filas (acuerdo-docs lote, todos los núcleos)")
        print(f"  {memoria['documentos']} documentos en {memoria['segundos']:.1f} s"
              f" = {memoria['docs_por_s']:.1f} docs/s;"
              f" RSS pico del árbol de procesos: {memoria['rss_pico_mb']:.0f} MB")

    if args.json:
        args.json.write_text(json.dumps(resultados, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
