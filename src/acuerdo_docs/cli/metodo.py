"""acuerdo-docs metodo: escribe el método de riesgos incorporado (guía DAFP v7) para editarlo."""

from __future__ import annotations

import argparse

from ..esquemas.metodo_riesgo import ARCHIVO_METODO, METODO_DAFP
from ..salida.archivos import escribir_atomico
from ..salida.destinos import resolver_salida
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "metodo",
        help="escribe el método de riesgos incorporado (DAFP v7) en un JSON para adaptarlo",
        description=(
            f"Escribe el método de valoración del riesgo incorporado ({METODO_DAFP.nombre}): escalas de"
            " probabilidad e impacto, mapa de calor, pesos y clases de controles, tratamientos. Edítelo con la"
            " política de riesgos de la entidad y úselo con «acuerdo-docs riesgos … --metodo ARCHIVO.json»;"
            " se valida al usarlo (vea docs/riesgos.md)."
        ),
        epilog=(
            "Ejemplo:\n  acuerdo-docs metodo -o metodo.json\n"
            "  acuerdo-docs riesgos riesgos.json -o matriz.xlsx --metodo metodo.json"
        ),
    )
    comun.agregar_salida(p, "archivo .json, o una carpeta (termina en / o ya existe) para escribir en ella metodo.json")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    salida = resolver_salida(args.salida, nombre="metodo", extensiones=(".json",), que="el método")
    comun.decir(f"Método escrito: {escribir_atomico(salida.ruta, ARCHIVO_METODO.read_bytes())}")
    return 0
