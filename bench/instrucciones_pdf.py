"""Instrucciones de CPU que gasta LibreOffice por documento al convertir a PDF (con valgrind).

El tiempo de reloj en una máquina compartida varía ±15 % de una corrida a otra; la cuenta de
instrucciones no varía. Sirve para comparar dos versiones de una plantilla::

    python bench/instrucciones_pdf.py salidas_ejemplo/ficha_acuerdo_simbolico.docx otra.docx

Convierte 2 y 6 copias de cada documento con ``soffice.bin`` bajo
``valgrind --tool=cachegrind --cache-sim=no`` y divide la diferencia entre 4: lo que queda es el
costo por documento, sin el arranque. Necesita valgrind (``apt-get install valgrind``); tarda
unos 40 s por documento.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from acuerdo_docs.salida import pdf as modulo_pdf
from acuerdo_docs.salida.pdf import perfiles as modulo_perfiles


def _programa_soffice() -> str:
    """``soffice.bin`` real: el guion ``soffice`` lanzaría valgrind sobre el intérprete de órdenes."""
    ruta = Path(os.path.realpath(modulo_pdf.buscar_soffice()))
    binario = ruta.with_name("soffice.bin")
    return str(binario if binario.exists() else ruta)


def instrucciones(documento: Path, copias: int, perfil: Path, carpeta: Path) -> int:
    entrada = carpeta / f"entrada_{copias}"
    salida = carpeta / f"salida_{copias}"
    entrada.mkdir()
    archivos = []
    for i in range(copias):
        archivos.append(entrada / f"d{i}{documento.suffix}")
        shutil.copyfile(documento, archivos[-1])
    orden = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
             *modulo_pdf.orden_conversion(_programa_soffice(), perfil, salida, archivos)]
    proceso = subprocess.run(orden, capture_output=True, text=True, check=False,
                             env=dict(os.environ, **{modulo_pdf.VARIABLE_ASIGNADOR: "ninguno"}))
    convertidos = len(list(salida.glob("*.pdf"))) if salida.is_dir() else 0
    if convertidos != copias:
        raise RuntimeError(f"LibreOffice convirtió {convertidos} de {copias}: {proceso.stderr[-500:]}")
    # valgrind informa de cada proceso; el principal es el último en terminar.
    cuentas = re.findall(r"I\s+refs:\s+([\d,]+)", proceso.stderr)
    return int(cuentas[-1].replace(",", ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("documentos", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("Falta valgrind: apt-get install valgrind", file=sys.stderr)
        return 2
    soffice = modulo_pdf.buscar_soffice()
    perfil = modulo_perfiles.RESERVA.tomar_perfil(soffice)
    try:
        # Un perfil nuevo hace que soffice.bin pida reiniciarse (eso lo resuelve el lanzador
        # soffice): se estrena con una conversión normal antes de medir.
        with tempfile.TemporaryDirectory(prefix="instrucciones_") as temporal:
            subprocess.run(modulo_pdf.orden_conversion(soffice, perfil, Path(temporal), args.documentos[:1]),
                           capture_output=True, check=False, timeout=300)
        for documento in args.documentos:
            with tempfile.TemporaryDirectory(prefix="instrucciones_") as temporal:
                pocas = instrucciones(documento, 2, perfil, Path(temporal))
                muchas = instrucciones(documento, 6, perfil, Path(temporal))
            print(f"{documento}: {(muchas - pocas) / 4 / 1e6:.0f} M instrucciones por documento", flush=True)
    finally:
        modulo_perfiles.RESERVA.devolver_perfil(soffice, perfil, sano=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
