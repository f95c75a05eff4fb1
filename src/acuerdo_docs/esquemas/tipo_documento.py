"""¿Qué tipo de documento parece un JSON? Para decirlo en vez de listar veinte campos que no encajan."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..errores import ErrorTipoDocumento, ErrorValidacion, ModeloT, validar

DESCRIPCIONES: dict[str, str] = {
    "ficha": "una ficha 4202000-FT-1311",
    "acuerdo": "un acuerdo simbólico",
    "riesgos": "una matriz de riesgos",
}
"""Cómo se nombra cada tipo de documento en los mensajes."""


def _esquemas() -> dict[str, type[BaseModel]]:
    # Al pedirlo, no al importar: validar una ficha no construye los esquemas del acuerdo y los riesgos.
    from . import ESQUEMAS

    return ESQUEMAS


def _desconocidas(claves: set[str], tipo: str) -> set[str]:
    return claves - set(_esquemas()[tipo].model_fields)


def tipo_probable(datos: Any) -> str | None:
    """El tipo de documento cuyas claves explican mejor las de ``datos`` (o ``None`` si ninguno)."""
    if not isinstance(datos, dict) or not datos:
        return None
    claves = {str(c) for c in datos}
    # Menos claves desconocidas primero; a igualdad, más claves propias del tipo.
    puntajes = sorted(
        (len(_desconocidas(claves, t)), -len(claves & set(_esquemas()[t].model_fields)), t) for t in _esquemas()
    )
    desconocidas, propias, tipo = puntajes[0]
    return tipo if -propias >= 2 and desconocidas <= len(claves) // 4 else None


def diagnostico_tipo(datos: Any, modelo: type[BaseModel]) -> str | None:
    """Si ``datos`` parece otro tipo de documento que el de ``modelo``, el mensaje que lo dice."""
    esperado = next((t for t, m in _esquemas().items() if m is modelo), None)
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


def validar_documento(modelo: type[ModeloT], datos: Any, contexto: dict[str, Any] | None = None) -> ModeloT:
    """:func:`~acuerdo_docs.errores.validar` para un documento entero que trae el usuario.

    Si los datos son de otro tipo de documento (un acuerdo donde se espera una ficha), lanza
    :class:`~acuerdo_docs.errores.ErrorTipoDocumento` con ese diagnóstico en vez de la lista de
    campos que no encajan.
    """
    try:
        return validar(modelo, datos, contexto)
    except ErrorValidacion:
        diagnostico = diagnostico_tipo(datos, modelo)
        if diagnostico:
            raise ErrorTipoDocumento(diagnostico) from None
        raise
