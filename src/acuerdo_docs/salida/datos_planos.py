"""Lo que entra a una plantilla: solo datos planos.

Una plantilla ve textos, números, sí/no, fechas, listas y diccionarios; nunca un
``pathlib.Path`` (que sabe leer, escribir y borrar archivos), un modelo Pydantic (con sus
métodos) ni otro objeto de Python. :func:`datos_planos` convierte el contexto antes de
cada renderizado, en los dos caminos del motor.

La imagen de un anexo llega como :class:`ArchivoAnexo`: un texto con el nombre del
archivo; solo el motor sabe dónde está, así ``imagen(anexo.archivo, 15)`` incrusta las
imágenes de los anexos del documento y ninguna otra.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from pathlib import Path, PurePath
from typing import Any

from pydantic import BaseModel

PROFUNDIDAD_DATOS = 30
"""Niveles de anidamiento que admite el contexto (un dato más profundo es un error de programación)."""


class ArchivoAnexo(str):
    """El nombre de la imagen de un anexo (texto); la ruta la guarda el motor, fuera del alcance de la plantilla."""

    _ruta: Path

    def __new__(cls, ruta: PurePath) -> ArchivoAnexo:
        nombre = super().__new__(cls, ruta.name)
        nombre._ruta = Path(ruta)  # el sandbox no deja leer atributos que empiezan por «_»
        return nombre

    def ruta_imagen(self) -> Path:
        """Para el motor (la lista blanca del sandbox no incluye este método)."""
        return self._ruta

    def __reduce__(self) -> tuple[Any, ...]:  # copiar o enviar a otro proceso conserva la ruta
        return (ArchivoAnexo, (self._ruta,))


class ContextoPlano(dict[str, Any]):
    """Un contexto cuyos valores ya salieron de :func:`datos_planos`: el motor no lo vuelve a convertir."""


_DIRECTOS = frozenset({str, int, float, bool, date, type(None)})  # se copian tal cual (atajo: sin recursión)


def _modelo(modelo: BaseModel, profundidad: int) -> dict[str, Any]:
    # Solo los campos del esquema: los valores calculados (métodos, propiedades) los da cada documento en sus vistas.
    resultado = {}
    for nombre in type(modelo).model_fields:
        valor = getattr(modelo, nombre)
        resultado[nombre] = valor if type(valor) in _DIRECTOS else datos_planos(valor, profundidad + 1)
    return resultado


_NO_ES_SIMPLE = object()


def _simple(valor: Any) -> Any:
    """Un valor que no contiene otros, ya plano (subclases a su tipo base); ``_NO_ES_SIMPLE`` si no lo es."""
    if isinstance(valor, ArchivoAnexo):
        return valor
    if isinstance(valor, (int, float)):
        return (int if isinstance(valor, int) else float)(valor)
    if isinstance(valor, str):
        return str.__str__(valor)  # Markup u otra subclase: texto común (se escapa al imprimir)
    if isinstance(valor, date):  # también datetime
        return valor
    if isinstance(valor, PurePath):
        return ArchivoAnexo(valor)
    return _NO_ES_SIMPLE


def _compuesto(valor: Any, profundidad: int) -> Any:
    """Modelos, diccionarios, listas y conjuntos, con sus valores convertidos."""
    if isinstance(valor, BaseModel):
        return _modelo(valor, profundidad)
    if isinstance(valor, ContextoPlano):
        return valor
    if isinstance(valor, Mapping):
        return {(k if isinstance(k, (str, int)) else str(k)): datos_planos(v, profundidad + 1)
                for k, v in valor.items()}
    if isinstance(valor, (list, tuple)):
        return [v if type(v) in _DIRECTOS else datos_planos(v, profundidad + 1) for v in valor]
    if isinstance(valor, (set, frozenset)):
        return sorted((datos_planos(v, profundidad + 1) for v in valor), key=str)
    raise TypeError(f"una plantilla solo recibe datos planos; «{type(valor).__name__}» no lo es")


def datos_planos(valor: Any, profundidad: int = 0) -> Any:
    """Copia de ``valor`` hecha solo de str, int, float, bool, None, fechas, listas y dicts.

    Los modelos pasan a dicts con sus campos (sin métodos ni propiedades), las rutas a
    :class:`ArchivoAnexo`, los conjuntos a listas ordenadas. Cualquier otro tipo es un error
    de programación (``TypeError``): no se deja pasar nada que la plantilla pueda invocar.
    """
    if profundidad > PROFUNDIDAD_DATOS:
        raise TypeError("el contexto de la plantilla está demasiado anidado")
    if type(valor) in _DIRECTOS or type(valor) is ArchivoAnexo:
        return valor
    if isinstance(valor, Enum):
        return datos_planos(valor.value, profundidad + 1)
    simple = _simple(valor)
    return _compuesto(valor, profundidad) if simple is _NO_ES_SIMPLE else simple
