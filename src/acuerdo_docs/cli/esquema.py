"""acuerdo-docs esquema: imprime el JSON Schema de un tipo de documento."""

from __future__ import annotations

import argparse
import json

from ..esquemas import ESQUEMAS
from ..esquemas.publicado import esquema_publicado


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "esquema",
        help="imprime el JSON Schema de los datos de entrada",
        description="Imprime el JSON Schema (Draft 2020-12, con etiquetas y ayudas del formulario) de un tipo de "
        "documento: ficha, acuerdo o riesgos.",
        epilog="Ejemplo:\n  acuerdo-docs esquema ficha > ficha.schema.json",
    )
    p.add_argument("tipo", choices=sorted(ESQUEMAS), help="tipo de documento")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    esquema = esquema_publicado(args.tipo)
    print(json.dumps(esquema, ensure_ascii=False, indent=2))
    return 0
