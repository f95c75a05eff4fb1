"""Comparar claves y encabezados escritos por una persona (capa más baja: la usan errores y esquemas)."""

from __future__ import annotations

import re
import unicodedata


def normalizar_clave(texto: str) -> str:
    """Compara encabezados sin tildes, mayúsculas ni puntuación ("Fecha de inicio:" == "fecha_inicio")."""
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sin_tildes.lower()).strip("_")
