"""Orden ``acuerdo-docs web``: la app en el navegador (formularios, borradores y documentos)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errores import ErrorEntrada

INSTALAR = 'pip install "acuerdo-docs[web]"'


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "web",
        help="abre la aplicación web: formularios, borradores y documentos en el navegador",
        description=(
            "Inicia la aplicación web en este equipo y la abre en el navegador. Solo responde en la "
            "dirección local, con un token nuevo en cada inicio (como Jupyter). Necesita el extra web: "
            f"{INSTALAR}."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs web\n"
            "  acuerdo-docs web --puerto 8765 --datos ~/borradores --no-abrir\n\n"
            "Códigos de salida: 0 al terminar con Ctrl+C; 2 si falta el extra web o el puerto está ocupado."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--puerto", type=int, default=8765, help="puerto local (por omisión 8765)")
    p.add_argument("--anfitrion", default="127.0.0.1",
                   help="dirección en la que escucha (por omisión 127.0.0.1: solo este equipo)")
    p.add_argument("--datos", type=Path, default=None, metavar="CARPETA",
                   help="carpeta de la base SQLite de borradores (por omisión, la carpeta de datos del usuario)")
    p.add_argument("--bd", default=None, metavar="URL",
                   help="URL de base de datos SQLAlchemy (p. ej. postgresql://…); por omisión SQLite en --datos")
    p.add_argument("--no-abrir", action="store_true", help="no abre el navegador; solo muestra la dirección")
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    try:
        from ..web.servidor import lanzar
    except ImportError as exc:
        raise ErrorEntrada(
            f"la orden web necesita componentes que no están instalados ({exc.name}); instálelos con: {INSTALAR}"
        ) from None
    try:
        return lanzar(args.datos, args.bd, args.anfitrion, args.puerto, not args.no_abrir)
    except OSError as exc:
        raise ErrorEntrada(
            f"no se pudo usar el puerto {args.puerto} en {args.anfitrion} ({exc.strerror}); "
            "si está ocupado, elija otro con --puerto"
        ) from None
