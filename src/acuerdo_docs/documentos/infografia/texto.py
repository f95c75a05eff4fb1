"""Texto para la infografía: una línea por campo (los saltos y tabuladores del usuario son espacios)."""

from __future__ import annotations


def linea(texto: str | None) -> str:
    """Colapsa cualquier espacio en blanco (saltos, tabuladores, U+2028) en un espacio simple."""
    return " ".join((texto or "").split())


def lineas(textos: list[str]) -> list[str]:
    return [t for t in (linea(x) for x in textos) if t]


def corto(texto: str, maximo: int) -> str:
    """``texto`` con a lo sumo ``maximo`` caracteres (el último, «…», si se acortó)."""
    return texto if len(texto) <= maximo else texto[: maximo - 1].rstrip() + "…"


LARGO_TITULO_PDF = 300
"""Caracteres del título en los metadatos del PDF (PDF/A no admite cadenas de más de 32.767 bytes)."""


def titulo_pdf(texto: str) -> str:
    """El título de los metadatos del PDF: una línea de a lo sumo :data:`LARGO_TITULO_PDF` caracteres."""
    return corto(linea(texto), LARGO_TITULO_PDF)
