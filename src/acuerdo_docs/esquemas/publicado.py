"""El JSON Schema publicado de cada tipo de documento (Draft 2020-12).

Acepta todo lo que aceptan los modelos: ``null`` en los campos opcionales, niveles por
número o por nombre, fechas ISO, día/mes/año o «24 de octubre de 2023». Las salidas del
proyecto escriben siempre la forma canónica (fechas ISO 8601).
"""

from __future__ import annotations

from typing import Any

from . import ESQUEMAS

DIALECTO = "https://json-schema.org/draft/2020-12/schema"


def esquema_publicado(tipo: str) -> dict[str, Any]:
    """El JSON Schema de ``tipo`` (``ficha``, ``acuerdo`` o ``riesgos``), con su dialecto declarado."""
    esquema = ESQUEMAS[tipo].model_json_schema()
    return {"$schema": DIALECTO, **esquema}
