"""acuerdo-docs seguimiento: registra un corte con el libro editado y escribe el informe de seguimiento."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.acuerdo import cargar_acuerdo
from ..errores import ErrorEntrada
from ..seguimiento import registrar_corte
from . import comun

MAX_CAMBIOS_EN_PANTALLA = 40


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "seguimiento",
        help="lleva al acuerdo lo editado en la matriz (.xlsx) y escribe el corte con su informe",
        description=(
            "Lee el libro de la matriz de riesgos que el equipo actualizó en Excel o LibreOffice (avance y "
            "fechas de los hitos, riesgos, controles, tratamiento, filas nuevas), lo lleva al acuerdo, guarda la "
            "foto del corte en la historia del acuerdo («seguimiento») y escribe en CARPETA/corte_AAAA-MM-DD/: "
            "acuerdo.json (actualizado, fechas ISO), acuerdo.docx, matriz_riesgos.xlsx, infografia.pdf y .png e "
            "informe_seguimiento.docx, que compara este corte con el anterior (o con --desde).\n\n"
            "El siguiente corte parte del acuerdo.json y la matriz_riesgos.xlsx de este (cópielos o edítelos "
            "donde están: la carpeta de un corte nunca se reemplaza mientras sea la entrada)."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs seguimiento acuerdo.json matriz.xlsx --corte 2024-03-01 -o seguimiento/\n"
            "  acuerdo-docs seguimiento seguimiento/corte_2024-03-01/acuerdo.json \\\n"
            "      seguimiento/corte_2024-03-01/matriz_riesgos.xlsx \\\n"
            "      --corte 2024-04-15 -o seguimiento/ --desde 2024-01-15"
        ),
    )
    p.add_argument("acuerdo", type=Path, help="archivo JSON del acuerdo (el original o el de un corte anterior)")
    p.add_argument("libro", type=Path, help="libro .xlsx de la matriz de riesgos, editado por el equipo")
    p.add_argument("--corte", type=comun.fecha_argumento, required=True, metavar="AAAA-MM-DD",
                   help="fecha de corte: los estados de los hitos se calculan a esta fecha")
    p.add_argument("-o", "--salida", type=Path, required=True, metavar="CARPETA",
                   help="carpeta donde se crea corte_AAAA-MM-DD/ con los documentos del corte")
    p.add_argument("--desde", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
                   help="compara con el corte guardado de esta fecha (por omisión, el anterior)")
    p.add_argument("--encabezado", type=Path, metavar="JSON",
                   help="JSON con el encabezado del acuerdo (entidad, proceso, procedimiento, codigo, version):"
                        " reemplaza el del acuerdo y el del libro en este corte y los siguientes")
    comun.agregar_publico(p)
    comun.agregar_si_editado(p)
    p.set_defaults(ejecutar=ejecutar)


_ORDEN = "acuerdo-docs seguimiento ACUERDO.json LIBRO.xlsx --corte AAAA-MM-DD -o CARPETA/"
_LIBROS = (".xlsx", ".xlsm")


def _revisar_orden(acuerdo: Path, libro: Path) -> None:
    """El libro y el acuerdo al revés (o dos de lo mismo): se dice el orden en vez de fallar al leer."""
    if acuerdo.suffix.lower() in _LIBROS:
        invertidos = " (están al revés)" if libro.suffix.lower() == ".json" else ""
        raise ErrorEntrada(
            f"{acuerdo} es un libro de Excel, y el primer argumento es el JSON del acuerdo{invertidos}."
            f" El orden es: {_ORDEN}"
        )
    if libro.suffix.lower() == ".json":
        raise ErrorEntrada(f"{libro} es un JSON, y el segundo argumento es el libro .xlsx de la matriz que editó el"
                           f" equipo. El orden es: {_ORDEN}")


def ejecutar(args: argparse.Namespace) -> int:
    _revisar_orden(args.acuerdo, args.libro)
    acuerdo = cargar_acuerdo(comun.leer_json(args.acuerdo))
    resultado = registrar_corte(acuerdo, args.libro, args.corte, args.salida, desde=args.desde,
                                publico=args.publico, entradas=[args.acuerdo],
                                encabezado=comun.leer_json(args.encabezado) if args.encabezado else None)
    comun.decir(f"Corte del {args.corte.isoformat()}: {len(resultado.cambios)} cambio(s) leídos del libro.")
    for cambio in resultado.cambios[:MAX_CAMBIOS_EN_PANTALLA]:
        comun.decir(f"  - {str(cambio)}")
    if len(resultado.cambios) > MAX_CAMBIOS_EN_PANTALLA:
        resto = len(resultado.cambios) - MAX_CAMBIOS_EN_PANTALLA
        comun.decir(f"  … y {resto} más (todos en el informe de seguimiento)")
    for aviso in resultado.avisos:
        comun.decir(f"Aviso: {str(aviso)}")
    for ruta in resultado.archivos:
        comun.decir(f"Escrito: {ruta}")
    return 0
