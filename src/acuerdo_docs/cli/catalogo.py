"""acuerdo-docs catalogo: todas las fichas .docx de una carpeta en un libro de Excel."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from ..documentos.catalogo import CON_AVISOS, CON_ERRORES, CORRECTA, ILEGIBLE, escribir_catalogo, leer_carpeta
from . import comun


def registrar(ordenes: argparse._SubParsersAction) -> None:
    p = ordenes.add_parser(
        "catalogo",
        help="reúne en un .xlsx todas las fichas 4202000-FT-1311 (.docx) de una carpeta",
        description=(
            "Lee cada ficha .docx de la carpeta y de sus subcarpetas y escribe un libro de Excel con una fila "
            "por buena práctica: sus campos, el archivo de origen y su estado. Una ficha que no se puede leer "
            "o que tiene campos inválidos queda como fila con el motivo. Los datos personales (directivo, "
            "colaborador, teléfono y correo) no se incluyen salvo con --con-datos-personales."
        ),
        epilog=(
            "Ejemplo:\n  acuerdo-docs catalogo fichas/ -o catalogo.xlsx\n\n"
            "Códigos de salida: 0 todas las fichas se leyeron bien; 1 alguna tiene errores o no se pudo leer "
            "(el catálogo se escribe igual); 2 la carpeta no existe o no tiene archivos .docx."
        ),
    )
    p.add_argument("carpeta", type=Path, help="carpeta con las fichas .docx (se recorre con sus subcarpetas)")
    p.add_argument("-o", "--salida", type=Path, required=True, metavar="RUTA",
                   help="libro .xlsx de salida (si es una carpeta, se escribe catalogo.xlsx en ella)")
    p.add_argument("--con-datos-personales", action="store_true",
                   help="incluye directivo, colaborador, teléfono y correo (Ley 1581 de 2012: úselo solo si "
                   "el catálogo no se va a publicar)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    filas = leer_carpeta(args.carpeta)
    if args.salida.is_dir():  # -o carpeta/: catalogo.xlsx dentro
        args.salida = args.salida / "catalogo.xlsx"
    ruta = escribir_catalogo(filas, args.salida, datos_personales=args.con_datos_personales)
    conteo = Counter(f.estado for f in filas)
    comun.decir(
        f"Catálogo escrito: {ruta} ({len(filas)} archivo(s): {conteo[CORRECTA] + conteo[CON_AVISOS]} correcta(s), "
        f"{conteo[CON_ERRORES]} con errores, {conteo[ILEGIBLE]} ilegible(s))"
    )
    for fila in filas:
        if fila.estado in (CON_ERRORES, ILEGIBLE):
            primera = fila.motivo.split("\n")[0]
            comun.decir(f"  {fila.archivo}: {fila.estado.lower()}: {primera}", error=True)
    return 1 if conteo[CON_ERRORES] or conteo[ILEGIBLE] else 0
