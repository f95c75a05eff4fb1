"""acuerdo-docs plantilla-lote: el libro de entrada en blanco para un lote, derivado de los esquemas."""

from __future__ import annotations

import argparse

from ..documentos.plantilla_lote import TIPOS, generar_plantilla_lote
from ..salida.destinos import resolver_salida
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "plantilla-lote",
        help="escribe el libro de Excel en blanco para un lote (fichas o acuerdos)",
        description=(
            "Escribe el libro de entrada de un lote: encabezados con las etiquetas del formulario, ayuda en"
            " cada encabezado, listas desplegables y validación de fechas, una hoja de ejemplo y otra de"
            " instrucciones. Llénelo y genere con «acuerdo-docs lote»."
        ),
        epilog=(
            "Ejemplos:\n  acuerdo-docs plantilla-lote fichas -o entrada.xlsx           # en blanco, para llenar\n"
            "  acuerdo-docs plantilla-lote fichas -o entrada.xlsx --con-ejemplo  # con una fila de ejemplo\n"
            "  acuerdo-docs lote entrada.xlsx -o fichas/"
        ),
    )
    p.add_argument("tipo", choices=TIPOS, help="tipo de lote")
    comun.agregar_salida(p, "libro .xlsx de salida, o una carpeta (termina en / o ya existe) para escribir"
                         " en ella plantilla_TIPO.xlsx")
    comun.agregar_si_editado(p)
    p.add_argument("--con-ejemplo", action="store_true",
                   help="las hojas de datos traen ya el ejemplo incorporado: «acuerdo-docs lote» corre sobre el libro"
                        " tal cual (para probar, o para reemplazar la fila por las suyas)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    salida = resolver_salida(args.salida, nombre=f"plantilla_{args.tipo}", extensiones=(".xlsx",),
                             que="la plantilla de lote")
    ruta = generar_plantilla_lote(args.tipo, salida.ruta, con_ejemplo=args.con_ejemplo)
    comun.decir(f"Plantilla escrita: {ruta}")
    return 0
