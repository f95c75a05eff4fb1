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
