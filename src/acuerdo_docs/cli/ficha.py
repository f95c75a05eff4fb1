"""acuerdo-docs ficha: genera la ficha 4202000-FT-1311 desde un JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.ficha import cargar_practica, generar_ficha
from . import comun


def registrar(ordenes: argparse._SubParsersAction) -> None:
    p = ordenes.add_parser(
        "ficha",
        help="genera la ficha 4202000-FT-1311 (Word) de una buena práctica",
        description="Genera la ficha 4202000-FT-1311 «Documentación de buenas prácticas de gestión pública» "
        "a partir de un JSON con las claves del esquema (vea: acuerdo-docs esquema ficha).",
        epilog="Ejemplo:\n  acuerdo-docs ficha practica.json -o ficha.docx",
    )
    p.add_argument("entrada", type=Path, help="archivo JSON de la práctica ('-' para la entrada estándar)")
    comun.agregar_salida(p, "archivo .docx de salida")
    p.add_argument("--plantilla", type=Path, metavar="DOCX", help="plantilla Word propia (por omisión, la oficial)")
    comun.agregar_publico(p)
    comun.agregar_pdf(p)
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    datos = comun.leer_json(args.entrada)
    base = args.entrada.parent if str(args.entrada) != "-" else Path.cwd()
    practica = cargar_practica(datos, base=base)
    ruta = generar_ficha(practica, args.salida, plantilla=args.plantilla, publico=args.publico)
    comun.decir(f"Ficha escrita: {ruta}")
    if args.pdf and ruta is not None:
        comun.convertir_pdf([ruta])
    return 0
