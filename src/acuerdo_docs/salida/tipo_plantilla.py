"""Lo que la verificación de plantillas propias necesita saber de un tipo de documento.

Aparte de :mod:`.verificacion` para que un documento pueda declarar su tipo sin cargar la
verificación (que solo hace falta con una plantilla propia).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pydantic import BaseModel


# NamedTuple y no dataclass: inmutable igual, y crear la clase no cuesta ~0,4 ms a cada proceso (arranque).
class TipoPlantilla(NamedTuple):
    """Lo que la verificación necesita saber de un tipo de documento (lo arma ``documentos/``)."""

    nombre: str
    """«ficha», «acuerdo»."""
    raiz: str
    """Nombre del modelo completo en el contexto («practica», «acuerdo»)."""
    contexto: Callable[..., Mapping[str, Any]]
    """``contexto(modelo, publico=False)``: lo que ve la plantilla (datos planos)."""
    ejemplo: Callable[[], BaseModel]
    """Un modelo válido completo (el ejemplo incorporado)."""
