"""acuerdo-docs plantilla verificar: revisa una plantilla Word propia sin generar nada."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.tipos_plantilla import (
    PLANTILLAS_INCORPORADAS,
    TIPOS_PLANTILLA,
    copiar_plantilla,
    verificar_plantilla,
)
from ..salida.destinos import resolver_salida
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "plantilla",
        help="plantillas propias: copia una incorporada para adaptarla y la revisa contra el esquema",
        description="Órdenes para plantillas Word propias (con otros estilos, colores o el orden de los campos).",
    )
    acciones = p.add_subparsers(dest="accion", metavar="ACCIÓN", title="acciones", parser_class=type(p))
    acciones.required = True
    v = acciones.add_parser(
        "verificar",
        help="comprueba que la plantilla solo use campos del esquema y muestre los obligatorios",
        description=(
            "Comprueba, sin generar ningún documento, que la plantilla:\n"
            "  - solo nombre datos que existen (practica.…, acuerdo.…, encabezado.…);\n"
            "  - muestre todos los campos obligatorios del esquema;\n"
            "  - no salga de la lista blanca del sandbox ni pase sus límites (ver docs/plantillas_propias.md);\n"
            "  - se renderice con datos válidos de prueba de todo lo que el esquema admite.\n"
            "Código de salida: 0 si se puede usar; 1 si no (un motivo por línea); 2 si el archivo no se abre,\n"
            "no es un .docx, pasa de 50 MB descomprimido o declara un DTD (<!DOCTYPE …>)."
        ),
        epilog="Ejemplo:\n  acuerdo-docs plantilla verificar mi_ficha.docx\n"
        "  acuerdo-docs plantilla verificar mi_acuerdo.docx --tipo acuerdo",
    )
    v.add_argument("plantilla", type=Path, help="plantilla Word (.docx) que se quiere revisar")
    v.add_argument("--tipo", choices=sorted(TIPOS_PLANTILLA), default="ficha",
                   help="tipo de documento de la plantilla (por omisión: ficha)")
    v.set_defaults(ejecutar=ejecutar_verificar)
    c = acciones.add_parser(
        "copiar",
        help="escribe una copia de una plantilla incorporada, para adaptarla",
        description=(
            "Escribe una copia de la plantilla incorporada (Word de la ficha o del acuerdo, o Typst de una"
            " infografía) para cambiarle estilos, colores, logo u orden, y usarla con --plantilla."
        ),
        epilog="Ejemplo:\n  acuerdo-docs plantilla copiar ficha -o mi_ficha.docx\n"
        "  acuerdo-docs plantilla verificar mi_ficha.docx\n"
        "  acuerdo-docs ficha practica.json -o ficha.docx --plantilla mi_ficha.docx",
    )
    c.add_argument("tipo", choices=list(PLANTILLAS_INCORPORADAS), help="qué plantilla")
    comun.agregar_salida(c, "archivo de la copia (.docx, o .typ para una infografía), o una carpeta")
    c.set_defaults(ejecutar=ejecutar_copiar)


def ejecutar_copiar(args: argparse.Namespace) -> int:
    original = PLANTILLAS_INCORPORADAS[args.tipo]
    salida = resolver_salida(args.salida, nombre=Path(original).stem, extensiones=(Path(original).suffix,),
                             que="la plantilla")
    comun.decir(f"Plantilla escrita: {copiar_plantilla(args.tipo, salida.ruta)}")
    return 0


def ejecutar_verificar(args: argparse.Namespace) -> int:
    informe = verificar_plantilla(args.plantilla, args.tipo)
    if informe.valida:
        comun.decir(informe)
        return 0
    comun.decir(informe, error=True)
    return 1 if informe.legible else 2
