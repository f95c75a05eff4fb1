"""Datos de prueba para ensayar una plantilla propia: variantes válidas de todo lo que el esquema admite.

Una plantilla que solo se prueba con el ejemplo incorporado puede fallar con datos reales
(``practica.telefono|float`` con un teléfono que trae extensión, ``practica.correo.split('@')``
sin correo). Por eso se ensaya con varias entradas **válidas** hechas a partir del esquema:
opcionales vacíos, opcionales llenos, listas al mínimo y largas, textos con caracteres raros.
Cada variante se valida con el modelo: un cambio que el esquema no admite se deshace.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from annotated_types import MaxLen, MinLen
from pydantic import BaseModel, TypeAdapter, ValidationError

TEXTO_RARO = ("Ñandú & <b>«Cía.»</b> {{ x }} {% if %} 'simple' \"doble\" 100 % _}\n\n"
              "Segundo párrafo\tcon tabulador, emoji 👩🏽\u200d💻 y árabe مرحبا")
"""Un texto que rompe lo que trata los datos como marcado o como número."""
CANDIDATOS_TEXTO = (TEXTO_RARO, "601 381 3000 ext. 12", "ñandú.pérez@entidad.gov.co", "nombre@entidad.gov.co", "x")
"""Para cada campo de texto, el primero que el esquema admite (así el teléfono lleva extensión)."""
LARGO_LISTAS = 12


@dataclass(frozen=True)
class Lista:
    """Tipo de un campo lista: ``list[Anexo]`` -> ``Lista(Anexo)``."""

    elemento: Any


def tipo_de_anotacion(anotacion: Any) -> Any:
    """list[Anexo] -> Lista(Anexo); str | None -> str; Annotated[...] -> su tipo; Literal -> None."""
    origen = typing.get_origin(anotacion)
    if origen is typing.Annotated:
        return tipo_de_anotacion(typing.get_args(anotacion)[0])
    if origen in (list, tuple, set, frozenset):
        args = typing.get_args(anotacion)
        return Lista(tipo_de_anotacion(args[0]) if args else None)
    if origen in (typing.Union, types.UnionType):
        opciones = [a for a in typing.get_args(anotacion) if a is not type(None)]
        return tipo_de_anotacion(opciones[0]) if len(opciones) == 1 else None
    return anotacion if isinstance(anotacion, type) else None


def es_modelo(tipo: Any) -> bool:
    return isinstance(tipo, type) and issubclass(tipo, BaseModel)


@functools.cache
def _adaptador(modelo: type[BaseModel], campo: str) -> TypeAdapter[Any]:
    info = modelo.model_fields[campo]
    tipo: Any = info.annotation  # una forma de tipo cualquiera (list[str], Literal[…], un modelo…)
    return TypeAdapter(typing.Annotated[(tipo, *info.metadata)] if info.metadata else tipo)


def _admite(modelo: type[BaseModel], campo: str, valor: Any) -> bool:
    try:
        _adaptador(modelo, campo).validate_python(valor)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


def _limites_lista(modelo: type[BaseModel], campo: str) -> tuple[int, int]:
    minimo, maximo = 0, LARGO_LISTAS
    for meta in modelo.model_fields[campo].metadata:
        if isinstance(meta, MinLen):
            minimo = meta.min_length
        if isinstance(meta, MaxLen):
            maximo = min(maximo, meta.max_length)
    return minimo, maximo


def _valor(modelo: type[BaseModel], campo: str, tipo: Any, valor: Any, lleno: bool) -> Any:
    """El valor de un campo simple en la variante vacía (``lleno=False``) o llena."""
    candidatos: tuple[Any, ...]
    if tipo is str:
        candidatos = CANDIDATOS_TEXTO if lleno else (None, "")
    elif tipo is bool:
        candidatos = (lleno,)
    elif tipo in (int, float):
        candidatos = (10**6, 100, 1) if lleno else (0, 1)
    else:  # fechas, rutas: el del ejemplo (ya válido); vacías si el campo lo admite
        candidatos = () if lleno else (None,)
    return next((c for c in candidatos if _admite(modelo, campo, c)), valor)


def _nuevo(modelo: type[BaseModel], profundidad: int = 0) -> dict[str, Any]:
    """Un elemento con sus campos obligatorios (para llenar una lista que el ejemplo trae vacía)."""
    datos: dict[str, Any] = {}
    for campo, info in modelo.model_fields.items():
        if not info.is_required():
            continue
        tipo = tipo_de_anotacion(info.annotation)
        opciones = typing.get_args(info.annotation) if typing.get_origin(info.annotation) is typing.Literal else ()
        if opciones:
            datos[campo] = opciones[0]
        elif es_modelo(tipo) and profundidad < 4:
            datos[campo] = _nuevo(tipo, profundidad + 1)
        elif isinstance(tipo, Lista):
            datos[campo] = [TEXTO_RARO] if tipo.elemento is str else []
        elif tipo is date:
            datos[campo] = date(2024, 2, 29)
        else:
            datos[campo] = _valor(modelo, campo, tipo, None, True)
    return datos


def _variar(modelo: type[BaseModel], datos: dict[str, Any], lleno: bool) -> dict[str, Any]:
    resultado = dict(datos)
    for campo, info in modelo.model_fields.items():
        if campo not in datos:
            continue
        valor, tipo = datos[campo], tipo_de_anotacion(info.annotation)
        if typing.get_origin(info.annotation) is typing.Literal or tipo is None:
            continue  # una opción de lista se deja como está
        if es_modelo(tipo) and isinstance(valor, dict):
            resultado[campo] = _variar(tipo, valor, lleno)
        elif isinstance(tipo, Lista) and isinstance(valor, list):
            elementos = [_variar(tipo.elemento, e, lleno) if es_modelo(tipo.elemento) and isinstance(e, dict) else e
                         for e in valor]
            minimo, maximo = _limites_lista(modelo, campo)
            if not lleno:
                elementos = elementos[:minimo]
            elif tipo.elemento is str:
                elementos = (elementos + [TEXTO_RARO] * maximo)[:maximo]
            else:
                if not elementos and es_modelo(tipo.elemento):
                    elementos = [_variar(tipo.elemento, _nuevo(tipo.elemento), lleno)]
                elementos = (elementos * maximo)[:maximo]
            resultado[campo] = elementos
        else:
            resultado[campo] = _valor(modelo, campo, tipo, valor, lleno)
    return resultado


def _validar(modelo: type[BaseModel], variante: dict[str, Any], original: dict[str, Any]) -> BaseModel | None:
    """Valida la variante; deshace (al valor del ejemplo) cada campo de primer nivel que el esquema rechaza."""
    for _ in range(len(modelo.model_fields) + 1):
        try:
            return modelo.model_validate(variante)
        except ValidationError as exc:
            campos = {e["loc"][0] for e in exc.errors() if e["loc"] and e["loc"][0] in original}
            deshacer = {c for c in campos if variante.get(c) != original[c]}
            if not deshacer:
                return None
            for campo in deshacer:
                variante[campo] = original[campo]
    return None


def variantes(ejemplo: BaseModel) -> list[tuple[str, BaseModel]]:
    """(descripción, modelo válido) de cada variante; siempre incluye el ejemplo."""
    modelo = type(ejemplo)
    original = ejemplo.model_dump()
    resultado: list[tuple[str, BaseModel]] = [("el ejemplo incorporado", ejemplo)]
    for descripcion, lleno in (("opcionales vacíos y listas al mínimo", False),
                               ("opcionales llenos, listas largas y textos con caracteres raros", True)):
        variante = _validar(modelo, _variar(modelo, original, lleno), original)
        if variante is not None:
            resultado.append((descripcion, variante))
    return resultado


# ------------------------------------------------- campos obligatorios con marca


MARCA = "QZV{:04d}MRC"


@dataclass(frozen=True)
class Obligatorio:
    ruta: tuple[str, ...]  # ("actores", "[]", "entidad")
    etiqueta: str
    tipo: Any  # str, date o Lista(str)

    @property
    def texto(self) -> str:
        return ".".join(self.ruta).replace(".[]", "[]")


def obligatorios(modelo: type[BaseModel], prefijo: tuple[str, ...] = (), profundidad: int = 0) -> list[Obligatorio]:
    """Campos obligatorios de texto o fecha, siguiendo solo cadenas de campos obligatorios."""
    resultado: list[Obligatorio] = []
    if profundidad > 6:
        return resultado
    for nombre, info in modelo.model_fields.items():
        if not info.is_required() or typing.get_origin(info.annotation) is typing.Literal:
            continue  # una opción de lista se muestra con su rótulo, no se puede marcar
        tipo = tipo_de_anotacion(info.annotation)
        ruta = (*prefijo, nombre)
        if es_modelo(tipo):
            resultado += obligatorios(tipo, ruta, profundidad + 1)
        elif isinstance(tipo, Lista) and es_modelo(tipo.elemento):
            resultado += obligatorios(tipo.elemento, (*ruta, "[]"), profundidad + 1)
        elif tipo in (str, date) or (isinstance(tipo, Lista) and tipo.elemento is str):
            resultado.append(Obligatorio(ruta, (info.title or nombre).rstrip(":").strip(), tipo))
    return resultado


def reemplazar(objeto: Any, ruta: tuple[str, ...], fabrica: Callable[[Any], Any]) -> Any:
    """Copia de ``objeto`` con el valor en ``ruta`` cambiado (en todos los elementos de las listas)."""
    if not ruta:
        return fabrica(objeto)
    cabeza, resto = ruta[0], ruta[1:]
    if cabeza == "[]":
        return [reemplazar(e, resto, fabrica) for e in objeto]
    return objeto.model_copy(update={cabeza: reemplazar(getattr(objeto, cabeza), resto, fabrica)})


class Marcas:
    """Una marca única por valor de cada campo obligatorio (para ver si aparece en el resultado)."""

    def __init__(self) -> None:
        self.n = 0
        self.por_campo: dict[str, list[str]] = {}

    def fabrica(self, campo: Obligatorio) -> Callable[[Any], Any]:
        marcas = self.por_campo.setdefault(campo.texto, [])

        def nueva() -> str:
            self.n += 1
            marcas.append(MARCA.format(self.n))
            return marcas[-1]

        def fabricar(valor: Any) -> Any:
            if campo.tipo is str:
                return nueva()
            if campo.tipo is date:
                self.n += 1
                marcas.append(str(1700 + self.n))  # el año identifica la fecha en cualquier formato
                return date(1700 + self.n, 7, 13)
            return [nueva() for _ in (valor or [None])]

        return fabricar


def marcado(ejemplo: BaseModel, contexto: Callable[[BaseModel], Any]) -> tuple[BaseModel, Marcas, list[Obligatorio]]:
    """El ejemplo con una marca en cada campo obligatorio que se puede marcar sin romper el contexto."""
    marcas = Marcas()
    resultado = ejemplo
    juzgables: list[Obligatorio] = []
    for campo in obligatorios(type(ejemplo)):
        try:
            candidato = reemplazar(resultado, campo.ruta, marcas.fabrica(campo))
            contexto(candidato)
        except Exception:  # noqa: BLE001 - el valor se usa como clave en otra parte: no se puede marcar
            marcas.por_campo.pop(campo.texto, None)
            continue
        resultado = candidato
        juzgables.append(campo)
    return resultado, marcas, juzgables
