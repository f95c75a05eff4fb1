"""¿Pide esta orden un PDF de pocos documentos? Sin importar nada: la CLI lo pregunta al empezar.

Aparte de :mod:`.anticipado` (que importa subprocess, socket y la caché de perfiles) para que
una orden sin ``--pdf`` no los cargue: ``acuerdo-docs ficha x.json -o y.docx`` es un proceso
nuevo cada vez y lo que importa es casi todo su tiempo.
"""

from __future__ import annotations

from collections.abc import Sequence

ORDENES_PDF_ANTICIPADO = frozenset({"ficha", "acuerdo", "riesgos"})
"""Órdenes de pocos documentos: con --pdf, LibreOffice arranca antes de validar y generar."""


def pide_pdf(argv: Sequence[str]) -> bool:
    """--pdf (o --pdf-simple, --pdf-completo), o una salida -o que termina en .pdf."""
    if "--pdf" in argv or "--pdf-simple" in argv or "--pdf-completo" in argv:
        return True
    for i, arg in enumerate(argv):
        valor = argv[i + 1] if arg in ("-o", "--salida") and i + 1 < len(argv) else None
        if arg.startswith("--salida="):
            valor = arg.split("=", 1)[1]
        if valor is not None and valor.lower().endswith(".pdf"):
            return True
    return False


def anticipa_pdf(argv: Sequence[str]) -> bool:
    """Una orden de :data:`ORDENES_PDF_ANTICIPADO` que pide PDF: LibreOffice puede arrancar ya."""
    orden = next((a for a in argv if not a.startswith("-")), None)
    return orden in ORDENES_PDF_ANTICIPADO and pide_pdf(argv)
