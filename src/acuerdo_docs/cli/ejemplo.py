"""acuerdo-docs ejemplo: escribe todos los ejemplos incorporados."""

from __future__ import annotations

import argparse

from ..ejemplos import generar_ejemplos
from ..salida.destinos import resolver_carpeta
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "ejemplo",
        help="escribe los documentos de ejemplo incorporados",
        description="Escribe en una carpeta todos los documentos de ejemplo (la práctica de la semilla y demás) y "
        "los JSON de entrada con que se hicieron (ficha_acuerdo_simbolico.json, acuerdo_simbolico.json, "
        "riesgos.json), para copiarlos y editarlos.",
        epilog="Ejemplo:\n  acuerdo-docs ejemplo -o salidas_ejemplo/",
    )
    p.add_argument("-o", "--salida", default="salidas_ejemplo", metavar="CARPETA",
                   help="carpeta de salida (por omisión: salidas_ejemplo/)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    for ruta in generar_ejemplos(resolver_carpeta(args.salida)):
        comun.decir(f"Escrito: {ruta}")
    return 0
