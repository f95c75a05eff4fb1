"""acuerdo-docs riesgos: genera la matriz de riesgos (Excel) con el método del DAFP."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.matriz import generar_matriz_riesgos
from ..esquemas.riesgo import LIMITE_CONTROLES
from . import comun


def _controles(texto: str) -> int:
    try:
        valor = int(texto)
    except ValueError:
        raise argparse.ArgumentTypeError("debe ser un número entero") from None
    if not 1 <= valor <= LIMITE_CONTROLES:
        raise argparse.ArgumentTypeError(f"debe estar entre 1 y {LIMITE_CONTROLES}")
    return valor


def registrar(ordenes: argparse._SubParsersAction) -> None:
    p = ordenes.add_parser(
        "riesgos",
        help="genera la matriz de riesgos (Excel) con mapa de calor",
        description=(
            "Genera la matriz de riesgos (método DAFP: probabilidad x impacto, controles, riesgo residual, "
            "tratamiento) con listas desplegables, fórmulas que Excel y LibreOffice recalculan, mapa de calor "
            "e instrucciones. La entrada es un JSON con la clave «riesgos» (vea: acuerdo-docs esquema riesgos), "
            "una lista de riesgos o un acuerdo simbólico completo (agrega la hoja «Hoja de ruta»)."
        ),
        epilog="Ejemplos:\n  acuerdo-docs riesgos riesgos.json -o matriz.xlsx\n"
               "  acuerdo-docs riesgos acuerdo.json -o matriz.xlsx --referencia 2024-03-31",
    )
    p.add_argument("entrada", type=Path,
                   help="archivo JSON de los riesgos o del acuerdo ('-' para la entrada estándar)")
    comun.agregar_salida(p, "archivo .xlsx de salida")
    p.add_argument("--referencia", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
                   help="fecha para el estado de los hitos (por omisión: fecha_corte del acuerdo o su fecha)")
    p.add_argument("--controles", type=_controles, default=3, metavar="N",
                   help="grupos de columnas de control por riesgo, de 1 a"
                   f" {LIMITE_CONTROLES} (por omisión 3; crece si algún riesgo trae más)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    datos = comun.leer_json(args.entrada)
    ruta = generar_matriz_riesgos(
        datos, args.salida, referencia=args.referencia, columnas_control=max(1, args.controles)
    )
    comun.decir(f"Matriz de riesgos escrita: {ruta}")
    return 0
