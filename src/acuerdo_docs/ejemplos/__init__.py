"""Ejemplos incorporados: datos de muestra (JSON en esta carpeta) y su generación."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _ficha(carpeta: Path) -> list[Path]:
    from ..ficha import ejemplo_ficha, generar_ficha

    practica = ejemplo_ficha()
    return [
        generar_ficha(practica, carpeta / "ficha_acuerdo_simbolico.docx"),
        generar_ficha(practica, carpeta / "ficha_acuerdo_simbolico_publica.docx", publico=True),
    ]


GENERADORES: dict[str, Callable[[Path], list[Path]]] = {"ficha": _ficha}
"""Cada tipo de documento registra aquí cómo escribe sus ejemplos."""


def generar_ejemplos(carpeta: Path) -> list[Path]:
    carpeta.mkdir(parents=True, exist_ok=True)
    escritos: list[Path] = []
    for generar in GENERADORES.values():
        escritos.extend(p for p in generar(carpeta) if p is not None)
    return escritos
