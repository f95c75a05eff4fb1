"""Línea de órdenes ``acuerdo-docs``: una capa delgada sobre las funciones de la biblioteca.

Cada orden vive en su propio módulo con una función ``registrar(subparsers)``.
Códigos de salida: 0 bien; 1 datos inválidos (o filas con error en un lote);
2 uso incorrecto o entrada inutilizable; 3 fallo de conversión.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from ..errores import ErrorAcuerdoDocs
from ..terminal import para_terminal
from . import acuerdo, catalogo, comun, ejemplo, esquema, extraer, ficha, lote, plantilla, plantilla_lote, riesgos

MODULOS = [ficha, acuerdo, riesgos, esquema, ejemplo, plantilla]
MODULOS += [lote, plantilla_lote]
MODULOS += [extraer, catalogo]


class _FormatoSeguro(logging.Formatter):
    """Formato de registro con los caracteres de control escapados (ver :mod:`acuerdo_docs.terminal`)."""

    def __init__(self, base: logging.Formatter | None) -> None:
        super().__init__()
        self._base = base or logging.Formatter("%(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        return para_terminal(self._base.format(record))


def construir_parser() -> comun.Parser:
    parser = comun.Parser(
        prog="acuerdo-docs",
        description=(
            "Genera los documentos de una buena práctica de gestión pública: ficha 4202000-FT-1311, "
            "acuerdo simbólico, matriz de riesgos y lotes desde hojas de cálculo."
        ),
        epilog="Ayuda de cada orden: acuerdo-docs ORDEN --help",
    )
    parser.add_argument("--version", action="version", version=f"acuerdo-docs {comun.version()}",
                        help="muestra la versión y termina")
    parser.add_argument("-v", "--detallado", action="store_true", help="muestra mensajes de diagnóstico")
    ordenes = parser.add_subparsers(dest="orden", metavar="ORDEN", title="órdenes", parser_class=comun.Parser)
    ordenes.required = True
    for modulo in MODULOS:
        modulo.registrar(ordenes)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = construir_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.detallado else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    for manejador in logging.getLogger().handlers:  # los registros también pueden citar datos de una hoja
        manejador.setFormatter(_FormatoSeguro(manejador.formatter))
    try:
        return int(args.ejecutar(args) or 0)
    except ErrorAcuerdoDocs as exc:
        return comun.informar_error(exc)
    except BrokenPipeError:  # p. ej. acuerdo-docs esquema ficha | head
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("Interrumpido: no quedó ningún archivo a medias.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
