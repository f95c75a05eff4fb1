"""acuerdo-docs ficha: genera la ficha 4202000-FT-1311 desde un JSON."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.ficha import cargar_practica, carpeta_base, renderizar_ficha
from ..salida.destinos import resolver_salida
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "ficha",
        help="genera la ficha 4202000-FT-1311 (Word) de una buena práctica",
        description="Genera la ficha 4202000-FT-1311 «Documentación de buenas prácticas de gestión pública» "
        "a partir de un JSON con las claves del esquema (vea: acuerdo-docs esquema ficha).",
        epilog="Ejemplos:\n  acuerdo-docs ficha practica.json -o ficha.docx\n"
               "  acuerdo-docs ficha practica.json -o fichas/        (escribe fichas/practica.docx)\n"
               "  acuerdo-docs ficha practica.json -o ficha.pdf      (requiere LibreOffice)",
    )
    p.add_argument("entrada", type=Path, help="archivo JSON de la práctica ('-' para la entrada estándar)")
    comun.agregar_salida(p, "archivo .docx de salida (o .pdf para obtener solo el PDF), o una carpeta"
                         " (termina en / o ya existe) para escribir en ella NOMBRE.docx")
    p.add_argument("--plantilla", type=Path, metavar="DOCX", help="plantilla Word propia (por omisión, la oficial)")
    comun.agregar_publico(p)
    comun.agregar_pdf(p)
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    entradas = [args.entrada, args.plantilla]
    salida = resolver_salida(args.salida, nombre=comun.nombre_de(args.entrada, "ficha"),
                             extensiones=(".docx", ".pdf"), entradas=entradas, que="la ficha")
    ruta_pdf = comun.destino_pdf(salida, args.pdf, entradas)
    datos = comun.leer_json(args.entrada)
    practica = cargar_practica(datos, base=carpeta_base(args.entrada))
    # Todo se arma en memoria antes de escribir: si algo falla, no queda ningún archivo a medias.
    docx = renderizar_ficha(practica, plantilla=args.plantilla, publico=args.publico)
    comun.escribir_documento(salida, docx, "Ficha escrita", args, ruta_pdf)
    return 0
