"""acuerdo-docs acuerdo: genera el acuerdo simbólico (Word) y, en una carpeta, su matriz de riesgos (Excel)."""

from __future__ import annotations

import argparse
import io
import os
from pathlib import Path

from ..documentos.acuerdo import cargar_acuerdo, renderizar_acuerdo
from ..salida.archivos import escribir_atomico
from . import comun


def registrar(ordenes: argparse._SubParsersAction) -> None:
    p = ordenes.add_parser(
        "acuerdo",
        help="genera el acuerdo simbólico (Word) con su hoja de ruta",
        description=(
            "Genera el acuerdo simbólico de corresponsabilidad de un desafío de innovación: actores, roles, "
            "compromisos, hoja de ruta con su avance, riesgos principales y bloques de firma simbólica. "
            "Los datos vienen en un JSON con las claves del esquema (vea: acuerdo-docs esquema acuerdo).\n\n"
            "Si -o es una carpeta (termina en / o ya existe), escribe en ella NOMBRE.docx y la matriz de "
            "riesgos NOMBRE_riesgos.xlsx, donde NOMBRE es el del archivo de entrada."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs acuerdo entrada.json -o acuerdo.docx\n"
            "  acuerdo-docs acuerdo entrada.json -o salidas/ --referencia 2023-10-24\n"
            "  acuerdo-docs acuerdo entrada.json -o acuerdo_publico.docx --publico"
        ),
    )
    p.add_argument("entrada", type=Path, help="archivo JSON del acuerdo ('-' para la entrada estándar)")
    # Texto y no Path: Path("salidas/") pierde la barra final que indica una carpeta.
    p.add_argument("-o", "--salida", required=True, metavar="RUTA",
                   help="archivo .docx de salida, o carpeta (termina en /) para el .docx y la matriz .xlsx")
    p.add_argument(
        "--referencia", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
        help="fecha frente a la que se calcula el estado de cada hito (por omisión: fecha_corte del JSON o hoy)",
    )
    p.add_argument("--plantilla", type=Path, metavar="DOCX", help="plantilla Word propia (por omisión, la incorporada)")
    comun.agregar_publico(p)
    comun.agregar_pdf(p)
    p.set_defaults(ejecutar=ejecutar)


def _es_carpeta(salida: str) -> bool:
    return salida.endswith(("/", os.sep)) or Path(salida).is_dir()


def ejecutar(args: argparse.Namespace) -> int:
    acuerdo = cargar_acuerdo(comun.leer_json(args.entrada))
    # Todo se arma en memoria antes de escribir: si algo falla, no queda ningún archivo a medias.
    documento = renderizar_acuerdo(
        acuerdo, referencia=args.referencia, plantilla=args.plantilla, publico=args.publico
    )
    salida = Path(args.salida)
    if not _es_carpeta(args.salida):
        ruta = escribir_atomico(salida, documento)
        comun.decir(f"Acuerdo escrito: {ruta}")
        if args.pdf and ruta is not None:
            comun.convertir_pdf([ruta])
        return 0

    from ..documentos.matriz import generar_matriz_riesgos

    nombre = args.entrada.stem if str(args.entrada) != "-" else "acuerdo"
    libro = io.BytesIO()
    generar_matriz_riesgos(acuerdo, libro, referencia=acuerdo.fecha_referencia(args.referencia))
    ruta_docx = escribir_atomico(salida / f"{nombre}.docx", documento)
    ruta_xlsx = escribir_atomico(salida / f"{nombre}_riesgos.xlsx", libro.getvalue())
    comun.decir(f"Acuerdo escrito: {ruta_docx}")
    comun.decir(f"Matriz de riesgos escrita: {ruta_xlsx}")
    if args.pdf and ruta_docx is not None:
        comun.convertir_pdf([ruta_docx])
    return 0
