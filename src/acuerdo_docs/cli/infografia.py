"""acuerdo-docs infografia: la infografía de una página (PDF, PNG o SVG) de un acuerdo o de una buena práctica."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.ficha import carpeta_base
from ..documentos.infografia import formato_de, renderizar_infografia
from ..salida.archivos import escribir_atomico
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "infografia",
        help="genera la infografía de una página (PDF, PNG o SVG) de un acuerdo o de una buena práctica",
        description=(
            "Genera la infografía de una página para proyectar o imprimir: del acuerdo simbólico (desafío, "
            "cifras clave, actores y aportes, hoja de ruta con la fecha de corte, mapas de calor de riesgos) o "
            "el póster de difusión de una buena práctica (problema, qué se hizo, resultados, retos, contacto). "
            "El tipo se deduce de las claves del JSON; el formato, de la extensión de -o."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs infografia acuerdo.json -o infografia.pdf\n"
            "  acuerdo-docs infografia acuerdo.json -o infografia.png --corte 2023-10-24\n"
            "  acuerdo-docs infografia ficha.json -o poster.svg --publico\n\n"
            "Códigos de salida: 0 bien; 1 datos inválidos; 2 entrada inutilizable, tipo no reconocido,"
            " extensión no admitida o plantilla que no compila."
        ),
    )
    p.add_argument("entrada", type=Path,
                   help="archivo JSON de un acuerdo o de una ficha ('-' para la entrada estándar)")
    comun.agregar_salida(p, "archivo de salida: .pdf (vectorial), .png (150 ppp) o .svg")
    p.add_argument(
        "--corte", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
        help="fecha de corte de la hoja de ruta (por omisión: fecha_corte del JSON o hoy)",
    )
    p.add_argument("--plantilla", type=Path, metavar="TYP",
                   help="plantilla Typst propia (copia reestilizada de plantillas/infografia_*.typ)")
    comun.agregar_publico(p)
    p.add_argument("--pdf-simple", action="store_true",
                   help="con .pdf: PDF normal en vez de PDF/A-2b etiquetado (archivo y accesibilidad)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    formato = formato_de(args.salida)  # antes de leer: una extensión errada no hace trabajo en vano
    datos = comun.leer_json(args.entrada)
    contenido = renderizar_infografia(datos, formato, corte=args.corte, publico=args.publico,
                                      plantilla=args.plantilla, pdfa=not args.pdf_simple,
                                      base=carpeta_base(args.entrada))
    ruta = escribir_atomico(args.salida, contenido)
    comun.decir(f"Infografía escrita: {ruta}")
    return 0
