"""Dónde están las plantillas y los ejemplos incorporados."""

from __future__ import annotations

from pathlib import Path

_PAQUETE = Path(__file__).resolve().parent


def carpeta_plantillas() -> Path:
    """plantillas/ dentro del paquete instalado (rueda) o en la raíz del repositorio (editable)."""
    instalada = _PAQUETE / "plantillas"
    if instalada.is_dir():
        return instalada
    return _PAQUETE.parents[1] / "plantillas"


def plantilla(nombre: str) -> Path:
    return carpeta_plantillas() / nombre


def carpeta_ejemplos() -> Path:
    return _PAQUETE / "ejemplos"
