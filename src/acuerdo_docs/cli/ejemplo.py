"""acuerdo-docs ejemplo: escribe todos los ejemplos incorporados."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..ejemplos import generar_ejemplos
from . import comun


def registrar(ordenes: argparse._SubParsersAction) -> None:
    p = ordenes.add_parser(
        "ejemplo",
        help="escribe los documentos de ejemplo incorporados",
        description="Escribe en una carpeta todos los documentos de ejemplo (la práctica de la semilla y demás).",
        epilog="Ejemplo:\n  acuerdo-docs ejemplo -o salidas_ejemplo/",
    )
    p.add_argument("-o", "--salida", type=Path, default=Path("salidas_ejemplo"), metavar="CARPETA",
                   help="carpeta de salida (por omisión: salidas_ejemplo/)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    for ruta in generar_ejemplos(args.salida):
        comun.decir(f"Escrito: {ruta}")
    return 0
