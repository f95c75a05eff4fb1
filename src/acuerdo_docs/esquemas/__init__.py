"""Esquemas Pydantic: la única fuente de etiquetas, ayudas, columnas y JSON Schema."""

from .ficha import Anexo, BuenaPractica, Encabezado

__all__ = ["Anexo", "BuenaPractica", "Encabezado"]
