"""acuerdo-docs lote: un documento por fila válida de un libro de Excel (o CSV) y un informe por fila."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..lectores import LECTORES
from ..lectores.hoja_calculo import LIMITE_BYTES, LIMITE_FILAS, MB
from ..lote import PATRONES, generar_lote
from . import comun


def _positivo(texto: str) -> int:
    try:
        valor = int(texto)
    except ValueError:
        raise argparse.ArgumentTypeError(f"debe ser un número entero: {texto}") from None
    if valor < 1:
        raise argparse.ArgumentTypeError("debe ser 1 o más")
    return valor


def registrar(ordenes: argparse._SubParsersAction) -> None:
    p = ordenes.add_parser(
        "lote",
        help="genera un documento por fila de un libro de Excel, con informe de errores por fila",
        description=(
            "Genera un documento por cada fila válida de un libro .xlsx (o .csv) y escribe en la carpeta de"
            " salida informe_lote.xlsx con el estado de cada fila y cada error (hoja, fila, columna y mensaje)."
            " Las filas con errores no detienen el lote. El libro en blanco se obtiene con"
            " «acuerdo-docs plantilla-lote»."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs plantilla-lote fichas -o entrada.xlsx\n"
            "  acuerdo-docs lote entrada.xlsx -o fichas/\n"
            "  acuerdo-docs lote entrada.xlsx -o fichas/ --nombre \"{fecha_inicio:%Y-%m}_{dependencia}_{nombre}\""
            " --combinado\n\n"
            "Códigos de salida: 0 todas las filas generadas; 1 alguna fila con errores;"
            " 2 entrada inutilizable (no existe, dañada, cifrada, sin la hoja o columnas obligatorias, límites)."
        ),
    )
    p.add_argument("entrada", type=Path,
                   help="libro .xlsx (hojas fichas, o acuerdos y sus hojas hijas) o .csv de fichas")
    p.add_argument("-o", "--salida", required=True, metavar="CARPETA",
                   help="carpeta de salida (se crea si falta)")
    p.add_argument("--tipo", choices=sorted(LECTORES), help="tipo de lote (por omisión, según las hojas del libro)")
    por_omision = ", ".join(f"{t} «{PATRONES[t]}»" for t in sorted(PATRONES)).replace("%", "%%")
    p.add_argument(
        "--nombre", metavar="PATRÓN",
        help="patrón de nombres sobre los campos de cada fila; fechas con formato: {fecha_inicio:%%Y}."
        f" Por omisión: {por_omision}.",
    )
    p.add_argument("--combinado", action="store_true",
                   help="además, lote_combinado.docx con todos los documentos en orden (cada uno desde página nueva)")
    p.add_argument("--publico", action="store_true",
                   help="versión para publicar: sin nombres, teléfonos ni correos de personas (Ley 1581 de 2012)")
    comun.agregar_pdf(p, "cada documento", infografias=True)
    p.add_argument("--infografia", action="store_true",
                   help="escribe además la infografía de una página de cada fila (NOMBRE_infografia.pdf)")
    p.add_argument("--silencioso", action="store_true", help="sin barra de progreso")
    p.add_argument("--procesos", type=_positivo, metavar="N",
                   help="procesos de trabajo (por omisión, uno por núcleo, o ninguno con --pdf, porque"
                        " LibreOffice ya usa todos los núcleos; 1 = sin procesos adicionales)")
    p.add_argument("--limite-filas", type=_positivo, default=LIMITE_FILAS, metavar="N",
                   help=f"máximo de filas de datos (por omisión {LIMITE_FILAS})")
    p.add_argument("--limite-mb", type=_positivo, default=LIMITE_BYTES // MB, metavar="MB",
                   help=f"tamaño máximo del archivo de entrada (por omisión {LIMITE_BYTES // MB} MB)")
    p.set_defaults(ejecutar=ejecutar)


@contextmanager
def _barra(activa: bool) -> Iterator[Callable[[int, int], None] | None]:
    if not activa:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    # Sin hilo de refresco (auto_refresh=False): los trabajadores pueden nacer por fork.
    progreso = Progress(
        TextColumn("Generando"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), auto_refresh=False, transient=True,
    )
    tarea = progreso.add_task("lote", total=None)
    ultimo = 0.0

    def avanzar(hechas: int, total: int) -> None:
        nonlocal ultimo
        progreso.update(tarea, completed=hechas, total=total)
        ahora = time.monotonic()
        if ahora - ultimo > 0.1 or hechas == total:
            ultimo = ahora
            progreso.refresh()

    with progreso:
        yield avanzar


def ejecutar(args: argparse.Namespace) -> int:
    from rich.console import Console

    from ..documentos.informe import imprimir_resumen

    barra = not args.silencioso and sys.stderr.isatty()
    # SIGTERM se trata como Ctrl-C: se detiene el lote sin dejar archivos a medias.
    with comun.sigterm_lanza(lambda _signum: KeyboardInterrupt()), _barra(barra) as progreso:
        informe = generar_lote(
            args.entrada, args.salida, tipo=args.tipo, nombre=args.nombre, combinado=args.combinado,
            procesos=args.procesos, publico=args.publico, pdf=args.pdf, progreso=progreso,
            tiempo_limite_pdf=args.tiempo_limite, pdfa=not args.pdf_simple,
            limite_filas=args.limite_filas, limite_bytes=args.limite_mb * MB, infografia=args.infografia,
        )
    imprimir_resumen(informe, Console(soft_wrap=False))
    return informe.codigo_salida
