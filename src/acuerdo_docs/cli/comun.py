"""Piezas compartidas por las órdenes: parser en español, lectura de JSON y errores."""

from __future__ import annotations

import argparse
import json
import re
import sys
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
    ErrorValidacion,
)
from ..esquemas.comun import leer_fecha
from ..terminal import para_terminal

LIMITE_PROFUNDIDAD_JSON = 64
"""Niveles máximos de listas u objetos anidados en un JSON de entrada (un documento usa menos de 6)."""


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
        self.exit(2, para_terminal(f"{self.prog}: error: {message}") + "\n")


def leer_json(ruta: Path) -> Any:
    """Lee un archivo JSON con mensajes claros (archivo ausente, JSON mal formado)."""
    if str(ruta) == "-":
        texto = sys.stdin.read()
    else:
        if not ruta.is_file():
            raise ErrorEntrada(f"No existe el archivo de entrada: {ruta}")
        try:
            texto = ruta.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise ErrorEntrada(f"{ruta}: el archivo no está en UTF-8") from None
    try:
        datos = json.loads(texto)
    except json.JSONDecodeError as exc:
        raise ErrorEntrada(
            f"{ruta}: JSON mal formado en la línea {exc.lineno}, columna {exc.colno}"
        ) from None
    except RecursionError:  # el analizador de Python se rinde hacia los 1.000 niveles
        raise ErrorEntrada(_demasiado_profundo(ruta)) from None
    revisar_json(datos, ruta)
    return datos


def _demasiado_profundo(ruta: Path) -> str:
    return (
        f"{ruta}: el JSON anida listas u objetos a más de {LIMITE_PROFUNDIDAD_JSON} niveles;"
        " ningún documento necesita tantos"
    )


_SUSTITUTO = re.compile("[\ud800-\udfff]")


def revisar_json(datos: Any, ruta: Path) -> None:
    """Profundidad máxima y claves sin sustitutos UTF-16 sueltos (sin recursión: no agota la pila).

    Un sustituto suelto en un valor de texto se elimina al validar (README); en una clave no
    hay campo al que atribuirlo, así que se rechaza aquí nombrando dónde está.
    """
    pendientes: list[tuple[Any, int, str]] = [(datos, 0, "")]
    while pendientes:
        valor, nivel, camino = pendientes.pop()
        if not isinstance(valor, (dict, list)):
            continue
        if nivel + 1 > LIMITE_PROFUNDIDAD_JSON:
            raise ErrorEntrada(_demasiado_profundo(ruta))
        if isinstance(valor, list):
            pendientes.extend((hijo, nivel + 1, f"{camino}[{i + 1}]") for i, hijo in enumerate(valor))
            continue
        for clave, hijo in valor.items():
            if _SUSTITUTO.search(clave):
                donde = f" (en {camino})" if camino else ""
                raise ErrorEntrada(
                    f"{ruta}: una clave del JSON{donde} tiene un carácter inválido (un sustituto UTF-16"
                    " suelto, \\ud800 a \\udfff); corrija el nombre del campo"
                )
            pendientes.append((hijo, nivel + 1, f"{camino}.{clave}" if camino else clave))


def decir(texto: Any, *, error: bool = False) -> None:
    """Imprime un mensaje (en stderr si ``error``) con los caracteres de control escapados."""
    print(para_terminal(texto), file=sys.stderr if error else sys.stdout)


def informar_error(exc: ErrorAcuerdoDocs) -> int:
    """Muestra un error del usuario sin traza y devuelve el código de salida."""
    decir(f"Error: {exc}", error=True)
    if isinstance(exc, ErrorValidacion):
        decir("No se escribió ningún archivo.", error=True)
        return 1
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
        decir(f"PDF escrito: {ruta_pdf}")


def fecha_argumento(texto: str) -> date:
    """--referencia: AAAA-MM-DD (también acepta 24/10/2023)."""
    try:
        valor = leer_fecha(texto)
    except (ValueError, PydanticCustomError):
        raise argparse.ArgumentTypeError("fecha no válida: use AAAA-MM-DD (por ejemplo 2023-10-24)") from None
    if not isinstance(valor, date):
        raise argparse.ArgumentTypeError("fecha no válida: use AAAA-MM-DD (por ejemplo 2023-10-24)")
    return valor
