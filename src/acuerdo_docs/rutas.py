"""Dónde están las plantillas y los ejemplos incorporados, y la caché del usuario."""

from __future__ import annotations

import os
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


def carpeta_cache() -> Path:
    """``$XDG_CACHE_HOME/acuerdo_docs`` o, si no está definida (o no es absoluta), ``~/.cache/acuerdo_docs``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    raiz = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return raiz / "acuerdo_docs"
