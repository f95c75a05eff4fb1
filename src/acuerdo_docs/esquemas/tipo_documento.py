"""¿Qué tipo de documento parece un JSON? Para decirlo en vez de listar veinte campos que no encajan."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .acuerdo import AcuerdoSimbolico
from .ficha import BuenaPractica
from .riesgo import MatrizRiesgos

ESQUEMAS: dict[str, type[BaseModel]] = {"ficha": BuenaPractica, "acuerdo": AcuerdoSimbolico, "riesgos": MatrizRiesgos}
"""Tipos de documento por nombre (los usan ``acuerdo-docs esquema`` y el README)."""

DESCRIPCIONES: dict[str, str] = {
    "ficha": "una ficha 4202000-FT-1311",
    "acuerdo": "un acuerdo simbólico",
    "riesgos": "una matriz de riesgos",
}
"""Cómo se nombra cada tipo de documento en los mensajes."""


def _desconocidas(claves: set[str], tipo: str) -> set[str]:
    return claves - set(ESQUEMAS[tipo].model_fields)


def tipo_probable(datos: Any) -> str | None:
    """El tipo de documento cuyas claves explican mejor las de ``datos`` (o ``None`` si ninguno)."""
    if not isinstance(datos, dict) or not datos:
        return None
    claves = {str(c) for c in datos}
    # Menos claves desconocidas primero; a igualdad, más claves propias del tipo.
    puntajes = sorted(
        (len(_desconocidas(claves, t)), -len(claves & set(ESQUEMAS[t].model_fields)), t) for t in ESQUEMAS
    )
    desconocidas, propias, tipo = puntajes[0]
    return tipo if -propias >= 2 and desconocidas <= len(claves) // 4 else None


def diagnostico_tipo(datos: Any, modelo: type[BaseModel]) -> str | None:
    """Si ``datos`` parece otro tipo de documento que el de ``modelo``, el mensaje que lo dice."""
    esperado = next((t for t, m in ESQUEMAS.items() if m is modelo), None)
    probable = tipo_probable(datos)
    if esperado is None or probable is None or probable == esperado:
        return None
    claves = {str(c) for c in datos}
    if len(_desconocidas(claves, esperado)) <= len(_desconocidas(claves, probable)):
        return None
    muestra = ", ".join(sorted(claves - set(modelo.model_fields))[:3])
    return (
        f"el archivo parece {DESCRIPCIONES[probable]} (claves {muestra}), no {DESCRIPCIONES[esperado]}:"
        f" use la orden «acuerdo-docs {probable}»"
    )
