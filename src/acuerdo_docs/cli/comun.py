"""Piezas compartidas por las órdenes: parser en español, lectura de JSON y errores."""

from __future__ import annotations

import argparse
import io
import json
import sys
import zipfile
from datetime import date
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from pathlib import Path
from typing import Any, NoReturn

from pydantic_core import PydanticCustomError

from ..errores import (
    ErrorAcuerdoDocs,
    ErrorConversion,
    ErrorEntrada,
    ErrorTipoDocumento,
    ErrorValidacion,
)
from ..esquemas.comun import leer_fecha


def version() -> str:
    try:
        return _version("acuerdo-docs")
    except PackageNotFoundError:
        return "desarrollo"


class Formato(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Uso: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """ArgumentParser con ayuda y errores en español."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Formato)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="muestra esta ayuda y termina")

    def error(self, message: str) -> NoReturn:
        traducciones = {
            "the following arguments are required": "faltan los argumentos",
            "unrecognized arguments": "argumentos desconocidos",
            "invalid choice": "opción no válida",
            "expected one argument": "se esperaba un valor",
            "choose from": "elija entre",
            "argument ": "argumento ",
        }
        for origen, destino in traducciones.items():
            message = message.replace(origen, destino)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


# Lo que un usuario suele pasar por error donde va un JSON, reconocido por sus primeros bytes.
_NO_JSON: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "es un PDF"),
    (b"\xd0\xcf\x11\xe0", "es un documento de Office antiguo (.doc o .xls)"),
)


def _no_es_json(ruta: Path, datos: bytes) -> str | None:
    """Por qué el archivo no es un JSON (un .docx, un .xlsx, un PDF), o ``None``."""
    if datos.startswith(b"PK\x03\x04"):
        try:  # solo los nombres de las partes: dicen si es Word o Excel sin importar la extensión
            with zipfile.ZipFile(io.BytesIO(datos)) as zf:
                partes = set(zf.namelist())
        except zipfile.BadZipFile:
            partes = set()
        if "xl/workbook.xml" in partes or ruta.suffix.lower() in (".xlsx", ".xlsm"):
            return ("es un libro de Excel (.xlsx), no un JSON: para generar desde una hoja de cálculo"
                    " use «acuerdo-docs lote»")
        if "word/document.xml" in partes or ruta.suffix.lower() == ".docx":
            return ("es un documento de Word (.docx), no un JSON: para leer una ficha diligenciada"
                    " use «acuerdo-docs extraer»")
        return "es un archivo comprimido (ZIP), no un JSON"
    for firma, que in _NO_JSON:
        if datos.startswith(firma):
            return f"{que}, no un JSON"
    return None


def leer_json(ruta: Path) -> Any:
    """Lee un archivo JSON con mensajes claros (ausente, vacío, un .docx, JSON mal formado)."""
    if str(ruta) == "-":
        entrada = getattr(sys.stdin, "buffer", None)
        datos = entrada.read() if entrada is not None else sys.stdin.read().encode("utf-8")
    else:
        if ruta.is_dir():
            raise ErrorEntrada(f"{ruta} es una carpeta: se esperaba un archivo JSON")
        if not ruta.is_file():
            raise ErrorEntrada(f"No existe el archivo de entrada: {ruta}")
        datos = ruta.read_bytes()
    if motivo := _no_es_json(ruta, datos):
        raise ErrorEntrada(f"{ruta}: {motivo}")
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ErrorEntrada(f"{ruta}: el archivo no está en UTF-8 (guárdelo como JSON en UTF-8)") from None
    if not texto.strip():
        raise ErrorEntrada(f"{ruta}: el archivo está vacío; se esperaba un JSON (vea: acuerdo-docs ejemplo)")
    try:
        return json.loads(texto)
    except json.JSONDecodeError as exc:
        raise ErrorEntrada(
            f"{ruta}: JSON mal formado en la línea {exc.lineno}, columna {exc.colno}"
        ) from None


def informar_error(exc: ErrorAcuerdoDocs) -> int:
    """Muestra un error del usuario sin traza y devuelve el código de salida."""
    if isinstance(exc, ErrorValidacion) and len(exc.errores) == 1:
        # Un solo error: una línea que lo dice todo.
        texto = str(exc.errores[0])
        punto = "" if texto.endswith((".", "?", "!")) else "."
        print(f"Error: {texto}{punto} No se escribió ningún archivo.", file=sys.stderr)
        return 2 if isinstance(exc, ErrorTipoDocumento) else 1
    print(f"Error: {exc}", file=sys.stderr)
    if isinstance(exc, ErrorValidacion):
        print("No se escribió ningún archivo.", file=sys.stderr)
        return 2 if isinstance(exc, ErrorTipoDocumento) else 1
    if isinstance(exc, ErrorConversion):
        return 3
    return 2


def agregar_salida(parser: argparse.ArgumentParser, ayuda: str) -> None:
    parser.add_argument("-o", "--salida", type=Path, required=True, metavar="RUTA", help=ayuda)


def agregar_publico(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--publico", action="store_true",
        help="versión para publicar: sin nombres, teléfonos ni correos de personas (Ley 1581 de 2012)",
    )


def agregar_pdf(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf", action="store_true",
                        help="convierte además el documento a PDF junto al .docx (requiere LibreOffice)")


def convertir_pdf(rutas: list[Path]) -> None:
    """--pdf: convierte con LibreOffice; un fallo es ErrorConversion (código de salida 3)."""
    from ..salida.pdf import a_pdf

    for ruta_pdf in a_pdf(rutas).exigir():
        print(f"PDF escrito: {ruta_pdf}")


def fecha_argumento(texto: str) -> date:
    """--referencia: AAAA-MM-DD (también acepta 24/10/2023)."""
    try:
        valor = leer_fecha(texto)
    except (ValueError, PydanticCustomError):
        raise argparse.ArgumentTypeError("fecha no válida: use AAAA-MM-DD (por ejemplo 2023-10-24)") from None
    if not isinstance(valor, date):
        raise argparse.ArgumentTypeError("fecha no válida: use AAAA-MM-DD (por ejemplo 2023-10-24)")
    return valor
