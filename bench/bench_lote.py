"""Mide un lote grande de fichas: tiempo y memoria máxima (RSS) del proceso principal y de los trabajadores.

Uso: python bench/bench_lote.py [FILAS] [CARPETA]   (por omisión 10000 filas en una carpeta temporal)

Escribe un libro con FILAS fichas (el ejemplo de la semilla con nombres distintos) en modo de
solo escritura y ejecuta «acuerdo-docs lote» en un proceso aparte. El objetivo del proyecto:
10.000 filas con menos de 300 MB de RSS máximo en el proceso principal.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from openpyxl import Workbook

from acuerdo_docs.documentos.ficha import ejemplo_ficha
from acuerdo_docs.esquemas.ficha import CAMPOS_TEXTO_LARGO
from acuerdo_docs.lectores.columnas import valores_de
from acuerdo_docs.lectores.fichas import COLUMNAS

_MEDIR = """
import resource, sys, time
from acuerdo_docs.lote import generar_lote
inicio = time.monotonic()
informe = generar_lote(sys.argv[1], sys.argv[2])
print(informe.generadas, informe.total, round(time.monotonic() - inicio, 1),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)
"""


def escribir_libro(ruta: Path, filas: int) -> None:
    visibles = [c for c in COLUMNAS if c.en_plantilla]
    base = valores_de(ejemplo_ficha(), visibles)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("fichas")
    ws.append([c.encabezado for c in visibles])
    for i in range(filas):
        fila = dict(base, nombre=f"Práctica {i:05d}", fecha_inicio=date(2023, 1 + i % 12, 1))
        for clave in CAMPOS_TEXTO_LARGO:  # textos distintos en cada fila, como en un libro real
            if fila.get(clave):
                fila[clave] = f"{i}. {fila[clave]}"
        ws.append([fila.get(c.clave) for c in visibles])
    wb.save(ruta)


def main() -> None:
    filas = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    carpeta = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(tempfile.mkdtemp(prefix="bench_lote_"))
    entrada = carpeta / "entrada.xlsx"
    inicio = time.monotonic()
    escribir_libro(entrada, filas)
    print(f"libro de {filas} filas: {entrada.stat().st_size / 1e6:.1f} MB en {time.monotonic() - inicio:.1f} s")
    salida = subprocess.run(
        [sys.executable, "-c", _MEDIR, str(entrada), str(carpeta / "salida")],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    generadas, total, segundos, rss_principal, rss_trabajador = salida
    print(f"{generadas}/{total} documentos en {segundos} s; RSS máximo: principal {rss_principal} MB,"
          f" trabajador más grande {rss_trabajador} MB")


if __name__ == "__main__":
    main()
