"""acuerdo-docs riesgos: genera la matriz de riesgos (Excel) con el método del DAFP."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.matriz import generar_matriz_riesgos
from ..salida.destinos import resolver_salida
from . import comun


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
    comun.agregar_salida(p, "archivo .xlsx de salida, o una carpeta (termina en / o ya existe) para escribir"
                         " en ella NOMBRE.xlsx")
    p.add_argument("--referencia", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
                   help="fecha para el estado de los hitos (por omisión: fecha_corte del acuerdo o su fecha)")
    p.add_argument("--controles", type=int, default=3, metavar="N",
                   help="grupos de columnas de control por riesgo (por omisión 3; crece si algún riesgo trae más)")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    salida = resolver_salida(args.salida, nombre=comun.nombre_de(args.entrada, "riesgos"), extensiones=(".xlsx",),
                             entradas=[args.entrada], que="la matriz de riesgos")
    datos = comun.leer_json(args.entrada)
    ruta = generar_matriz_riesgos(
        datos, salida.ruta, referencia=args.referencia, columnas_control=max(1, args.controles)
    )
    print(f"Matriz de riesgos escrita: {ruta}")
    return 0
