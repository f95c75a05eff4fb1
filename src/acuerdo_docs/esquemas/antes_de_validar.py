"""``BeforeValidator(f, json_schema_input_type=T)`` sin armar el esquema de ``T`` al construir cada modelo.

pydantic arma el esquema de ``T`` (lo que el JSON Schema publicado dice que se acepta: un número
donde va texto, una fecha escrita de tres formas…) campo por campo al construir el modelo, aunque
solo sirve para el JSON Schema: en cada proceso que valida una ficha eran ~2 ms. :class:`AntesDeValidar`
da a pydantic-core el mismo esquema que ``BeforeValidator`` salvo ese esquema de entrada, que es un
marcador (``any``) cuyo JSON Schema se arma con ``TypeAdapter(T)`` la primera vez que se pide. La
validación no cambia; el JSON Schema tampoco (``tests/test_antes_de_validar.py`` compara los de
todos los modelos con los de ``BeforeValidator``).

Solo para tipos de entrada sin modelos (sin ``$defs``) y funciones de un argumento.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic_core import CoreSchema, core_schema

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
    from pydantic.json_schema import JsonSchemaValue


class AntesDeValidar:
    """Como ``BeforeValidator(funcion, json_schema_input_type=entrada)``; ver el módulo."""

    __slots__ = ("_json", "entrada", "funcion")

    def __init__(self, funcion: Callable[[Any], Any], entrada: Any) -> None:
        self.funcion = funcion
        self.entrada = entrada
        self._json: JsonSchemaValue | None = None

    def __get_pydantic_core_schema__(self, origen: Any, manejador: GetCoreSchemaHandler) -> CoreSchema:
        marcador = core_schema.any_schema(metadata={"pydantic_js_functions": [self._esquema_de_entrada]})
        return core_schema.no_info_before_validator_function(self.funcion, manejador(origen),
                                                             json_schema_input_schema=marcador)

    def _esquema_de_entrada(self, _esquema: CoreSchema, _manejador: GetJsonSchemaHandler) -> JsonSchemaValue:
        if self._json is None:
            from pydantic import TypeAdapter  # solo al pedir el JSON Schema

            self._json = TypeAdapter(self.entrada).json_schema(mode="validation")
        return copy.deepcopy(self._json)

    def __repr__(self) -> str:
        return f"AntesDeValidar({getattr(self.funcion, '__name__', self.funcion)!r}, {self.entrada!r})"
