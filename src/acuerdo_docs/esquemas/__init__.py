"""Esquemas Pydantic: la única fuente de etiquetas, ayudas, columnas y JSON Schema.

Perezoso (PEP 562): importar ``esquemas.ficha`` no construye los modelos del acuerdo ni de
riesgos; cada modelo se construye la primera vez que se pide.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_ORIGEN: dict[str, str] = {
    "Actor": ".acuerdo",
    "AcuerdoSimbolico": ".acuerdo",
    "Compromiso": ".acuerdo",
    "EncabezadoAcuerdo": ".acuerdo",
    "Hito": ".acuerdo",
    "ValidacionActor": ".acuerdo",
    "Anexo": ".ficha",
    "BuenaPractica": ".ficha",
    "Encabezado": ".ficha",
    "Control": ".riesgo",
    "EncabezadoMatriz": ".riesgo",
    "MatrizRiesgos": ".riesgo",
    "Riesgo": ".riesgo",
}

__all__ = [
    "ESQUEMAS", "AcuerdoSimbolico", "Actor", "Anexo", "BuenaPractica", "Compromiso", "Control",
    "Encabezado", "EncabezadoAcuerdo", "EncabezadoMatriz", "Hito", "MatrizRiesgos", "Riesgo",
    "ValidacionActor",
]


def _esquemas() -> dict[str, Any]:
    from .acuerdo import AcuerdoSimbolico
    from .ficha import BuenaPractica
    from .riesgo import MatrizRiesgos

    return {"ficha": BuenaPractica, "acuerdo": AcuerdoSimbolico, "riesgos": MatrizRiesgos}


def __getattr__(nombre: str) -> Any:
    if nombre == "ESQUEMAS":
        # Tipos de documento por nombre (los usan ``acuerdo-docs esquema`` y el README).
        valor: Any = _esquemas()
    elif nombre in _ORIGEN:
        valor = getattr(importlib.import_module(_ORIGEN[nombre], __name__), nombre)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {nombre!r}")
    globals()[nombre] = valor
    return valor


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from pydantic import BaseModel

    from .acuerdo import Actor, AcuerdoSimbolico, Compromiso, EncabezadoAcuerdo, Hito, ValidacionActor
    from .ficha import Anexo, BuenaPractica, Encabezado
    from .riesgo import Control, EncabezadoMatriz, MatrizRiesgos, Riesgo

    ESQUEMAS: dict[str, type[BaseModel]]
