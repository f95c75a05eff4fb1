"""acuerdo-docs lote: un documento por fila válida de un libro de Excel (o CSV) y un informe por fila."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager

from ..errores import ErrorEntrada
from ..lectores import LECTORES
from ..lectores.hoja_calculo import LIMITE_BYTES, LIMITE_FILAS
from ..limites_entrada import MB
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


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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
            " --combinado\n"
            "  acuerdo-docs lote s3://datos/entrada.xlsx -o s3://documentos/lotes/2026-12/"
            "   (pip install \"acuerdo-docs[s3]\"; credenciales del entorno)\n\n"
            "Códigos de salida: 0 todas las filas generadas; 1 alguna fila con errores;"
            " 2 entrada inutilizable (no existe, dañada, cifrada, sin la hoja o columnas obligatorias, límites)."
        ),
    )
    p.add_argument("entrada",
                   help="libro .xlsx (hojas fichas, o acuerdos y sus hojas hijas) o .csv de fichas;"
                        " también una URL (s3://cubo/entrada.xlsx)")
    p.add_argument("-o", "--salida", required=True, metavar="CARPETA",
                   help="carpeta de salida (se crea si falta) o prefijo en almacenamiento de objetos"
                        " (s3://cubo/lotes/2026-12/, con pip install \"acuerdo-docs[s3]\"; credenciales del entorno)")
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
                   help="procesos en total, este incluido (por omisión, uno por núcleo, o solo este con --pdf,"
                        " porque LibreOffice ya usa todos los núcleos; 1 = sin procesos adicionales)")
    p.add_argument("--limite-filas", type=_positivo, default=LIMITE_FILAS, metavar="N",
                   help=f"máximo de filas de datos (por omisión {LIMITE_FILAS})")
    p.add_argument("--limite-mb", type=_positivo, default=LIMITE_BYTES // MB, metavar="MB",
                   help=f"tamaño máximo del archivo de entrada (por omisión {LIMITE_BYTES // MB} MB)")
    remoto = p.add_argument_group("almacenamiento de objetos y clúster")
    remoto.add_argument("--reemplazar", action="store_true",
                        help="si el prefijo de salida ya tiene objetos, los borra antes (primero su manifiesto);"
                             " sin esta opción un prefijo con objetos es un error")
    remoto.add_argument("--planificador", metavar="DIRECCIÓN", default=os.environ.get("DASK_SCHEDULER_ADDRESS"),
                        help="reparte el lote en un clúster dask.distributed (tcp://host:8786; por omisión"
                             " DASK_SCHEDULER_ADDRESS)")
    remoto.add_argument("--escribir-en-trabajadores", action="store_true",
                        help="con --planificador y destino s3://…: cada trabajador escribe sus documentos"
                             " (el manifiesto lo escribe esta máquina al final)")
    comun.agregar_si_editado(p)
    p.set_defaults(ejecutar=ejecutar)


@contextmanager
def _cluster(direccion: str | None) -> Iterator[Executor | None]:
    """El ejecutor de un clúster dask.distributed, si se pidió; se desconecta al terminar."""
    if not direccion:
        yield None
        return
    try:
        from distributed import Client
    except ImportError:
        raise ErrorEntrada('--planificador necesita dask.distributed: pip install "dask[distributed]"') from None
    try:
        cliente = Client(direccion, timeout=30)
    except (OSError, TimeoutError) as exc:
        raise ErrorEntrada(f"No se pudo conectar con el planificador «{direccion}» ({type(exc).__name__}).") from None
    try:
        yield cliente.get_executor(pure=False)
    finally:
        cliente.close()


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
    if args.escribir_en_trabajadores and not args.planificador:
        raise ErrorEntrada("--escribir-en-trabajadores necesita un clúster: indique --planificador tcp://host:8786.")
    with comun.sigterm_lanza(lambda _signum: KeyboardInterrupt()), _cluster(args.planificador) as ejecutor, \
            _barra(barra) as progreso:
        informe = generar_lote(
            args.entrada, args.salida, tipo=args.tipo, nombre=args.nombre, combinado=args.combinado,
            executor=ejecutor, procesos=args.procesos, publico=args.publico, pdf=args.pdf, progreso=progreso,
            tiempo_limite_pdf=args.tiempo_limite, pdfa=not args.pdf_simple,
            limite_filas=args.limite_filas, limite_bytes=args.limite_mb * MB, infografia=args.infografia,
            reemplazar=args.reemplazar, escribir_en_trabajadores=args.escribir_en_trabajadores,
        )
    imprimir_resumen(informe, Console(soft_wrap=False))
    return informe.codigo_salida
