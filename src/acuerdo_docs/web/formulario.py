"""Los campos de un formulario, derivados de los modelos Pydantic (nunca escritos aquí).

Etiqueta = ``title`` del campo sin los dos puntos finales; ayuda = ``description``; opciones = el
``Literal`` o el ``enum`` del JSON Schema; mínimo y máximo de filas = ``minItems``/``maxItems``.
Aquí solo se decide cómo se presenta cada tipo (texto, fecha dd/mm/aaaa, lista, grupo de filas).
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import PurePath
from typing import Annotated, Any, Literal, TypedDict, Union, get_args, get_origin

from pydantic import BaseModel

from ..esquemas import acuerdo as esquema_acuerdo
from ..esquemas import ficha as esquema_ficha
from ..esquemas import metodo_riesgo
from ..esquemas import riesgo as esquema_riesgo

TEXTO_LARGO = {*esquema_ficha.CAMPOS_TEXTO_LARGO, "objetivo", "rol", "plan_accion", "causa", "consecuencia"}
"""Campos que se escriben en varias líneas (un área de texto)."""

REFERENCIA_ACTOR = {(esquema_acuerdo.Hito, "responsable"), (esquema_riesgo.Riesgo, "responsable")}
"""Campos cuyo valor es el id de un actor del acuerdo (la regla la valida el modelo): se eligen de una lista."""

_ROTULOS = (esquema_acuerdo.SECTORES, esquema_acuerdo.TIPOS_COMPROMISO)


@dataclass(frozen=True)
class Campo:
    nombre: str
    titulo: str
    ayuda: str
    tipo: str  # texto, texto_largo, fecha, archivo, entero, booleano, opcion, actor, lista (de textos), grupo, objeto,
    # registro (lo escribe la app, no quien llena: viaja oculto en el formulario y se muestra como texto)
    obligatorio: bool
    opciones: tuple[tuple[str, str], ...] = ()
    sugerencias: tuple[str, ...] = ()
    modelo: type[BaseModel] | None = None
    minimo: int = 0
    maximo: int | None = None
    singular: str = ""
    campos: tuple[Campo, ...] = field(default=())


class _Comun(TypedDict):
    """Lo que comparten todos los tipos de campo (se pasa con ** a :class:`Campo`)."""

    nombre: str
    titulo: str
    ayuda: str
    obligatorio: bool


def titulo(texto: str | None, nombre: str) -> str:
    return (texto or nombre).rstrip().rstrip(":").strip()


def _desenvolver(anotacion: Any) -> tuple[Any, bool]:
    """El tipo de fondo (sin Annotated ni None) y si admite None."""
    opcional = False
    while True:
        origen = get_origin(anotacion)
        if origen is Annotated:
            anotacion = get_args(anotacion)[0]
        elif origen in (Union, types.UnionType):
            args = [a for a in get_args(anotacion) if a is not type(None)]
            opcional = opcional or len(args) < len(get_args(anotacion))
            if len(args) != 1:
                return str, opcional
            anotacion = args[0]
        else:
            return anotacion, opcional


def _enum(esquema: Any) -> list[Any] | None:
    if isinstance(esquema, dict):
        if "enum" in esquema:
            return list(esquema["enum"])
        for rama in esquema.get("anyOf", []) + esquema.get("oneOf", []):
            encontrado = _enum(rama)
            if encontrado:
                return encontrado
    return None


def _rotulo(valor: Any) -> str:
    for rotulos in _ROTULOS:
        if valor in rotulos:
            return rotulos[valor]
    return str(valor)


def singular(texto: str) -> str:
    """«Retos a futuro» → «Reto»; «Responsabilidades» → «Responsabilidad» (para «Añadir reto»)."""
    palabra = texto.split()[0] if texto.split() else texto
    if palabra.endswith("des"):
        return palabra[:-2]
    if palabra.endswith("es") and palabra[-3:-2] in "rl":
        return palabra[:-2]
    return palabra[:-1] if palabra.endswith("s") else palabra


def _niveles(nombre: str) -> tuple[tuple[str, str], ...] | None:
    m = metodo_riesgo.metodo_actual()
    if nombre == "probabilidad":
        nombres = m.nombres_probabilidad
    elif nombre.startswith("impacto"):
        nombres = m.nombres_impacto
    else:
        return None
    return tuple((str(i), f"{i} – {n}") for i, n in enumerate(nombres, start=1))


@cache
def campos_de(modelo: type[BaseModel]) -> tuple[Campo, ...]:
    """Los campos de ``modelo`` en su orden, con lo que necesita el formulario."""
    propiedades = modelo.model_json_schema().get("properties", {})
    salida = []
    for nombre, info in modelo.model_fields.items():
        esquema = propiedades.get(nombre, {})
        base, _opcional = _desenvolver(info.annotation)
        comun: _Comun = {
            "nombre": nombre, "titulo": titulo(info.title, nombre), "ayuda": info.description or "",
            "obligatorio": info.is_required(),
        }
        ejemplos = tuple(str(e) for e in (info.examples or ()))
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("registro"):  # lo registra la app (p. ej. la validación por enlace): se conserva, no se escribe
            salida.append(Campo(**comun, tipo="registro", modelo=base if isinstance(base, type) else None))
        elif get_origin(base) is list:
            item, _ = _desenvolver(get_args(base)[0])
            lista: dict[str, Any] = next(
                (r for r in [esquema, *esquema.get("anyOf", [])] if r.get("type") == "array"), {})
            minimo, maximo = int(lista.get("minItems", 0)), lista.get("maxItems")
            if isinstance(item, type) and issubclass(item, BaseModel):
                salida.append(Campo(**comun, tipo="grupo", modelo=item, singular=item.__name__,
                                    campos=campos_de(item), minimo=minimo, maximo=maximo))
            else:
                salida.append(Campo(**comun, tipo="lista", singular=singular(comun["titulo"]),
                                    minimo=minimo, maximo=maximo))
        elif isinstance(base, type) and issubclass(base, BaseModel):
            salida.append(Campo(**comun, tipo="objeto", modelo=base, campos=campos_de(base)))
        elif (modelo, nombre) in REFERENCIA_ACTOR:
            salida.append(Campo(**comun, tipo="actor"))
        elif get_origin(base) is Literal or _enum(esquema):
            valores = list(get_args(base)) if get_origin(base) is Literal else _enum(esquema) or []
            salida.append(Campo(**comun, tipo="opcion", opciones=tuple((str(v), _rotulo(v)) for v in valores)))
        elif base is bool:
            salida.append(Campo(**comun, tipo="booleano"))
        elif base is date:
            salida.append(Campo(**comun, tipo="fecha"))
        elif isinstance(base, type) and issubclass(base, PurePath):
            salida.append(Campo(**comun, tipo="archivo"))  # se sube al navegador; se guarda en --datos
        elif base is int and _niveles(nombre):
            salida.append(Campo(**comun, tipo="opcion", opciones=_niveles(nombre) or ()))
        elif base is int:
            salida.append(Campo(**comun, tipo="entero"))
        else:
            tipo = "texto_largo" if nombre in TEXTO_LARGO else "texto"
            salida.append(Campo(**comun, tipo=tipo, sugerencias=ejemplos))
    return tuple(salida)


# ------------------------------------------------------------------ secciones (la lista de tareas)


@dataclass(frozen=True)
class Seccion:
    clave: str
    titulo: str
    campos: tuple[str, ...]


def _secciones_ficha() -> tuple[Seccion, ...]:
    modelo = esquema_ficha.BuenaPractica
    ocultos = set(esquema_ficha.CAMPOS_NO_IMPRESOS)
    grupos: dict[str, list[str]] = {"Datos generales": []}
    for nombre, info in modelo.model_fields.items():
        if nombre in ocultos:
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        grupos.setdefault(str(extra.get("seccion") or "Datos generales"), []).append(nombre)
    return tuple(Seccion(f"s{i}", _sin_mayusculas(nombre), tuple(campos)) for i, (nombre, campos) in enumerate(grupos.items()))


def _sin_mayusculas(texto: str) -> str:
    """«1. INFORMACIÓN GENERAL» → «1. Información general» (el formato usa mayúsculas; la pantalla, no)."""
    if not texto.isupper():
        return texto
    numero, _, resto = texto.partition(" ")
    return f"{numero} {resto[:1]}{resto[1:].lower()}"


SECCIONES: dict[str, tuple[Seccion, ...]] = {
    "ficha": _secciones_ficha(),
    # El acuerdo no marca secciones en su esquema: este es el orden de la reunión de inicio.
    "acuerdo": (
        Seccion("desafio", "Desafío", ("desafio", "fecha", "lugar", "facilitador", "alcance", "objetivo")),
        Seccion("actores", "Actores y compromisos", ("actores",)),
        Seccion("ruta", "Hoja de ruta", ("hoja_de_ruta", "fecha_corte")),
        Seccion("riesgos", "Riesgos", ("riesgos",)),
    ),
}

MODELOS: dict[str, type[BaseModel]] = {"ficha": esquema_ficha.BuenaPractica, "acuerdo": esquema_acuerdo.AcuerdoSimbolico}


def seccion(tipo: str, clave: str) -> Seccion | None:
    return next((s for s in SECCIONES[tipo] if s.clave == clave), None)


def seccion_de_campo(tipo: str, nombre: str) -> Seccion | None:
    return next((s for s in SECCIONES[tipo] if nombre in s.campos), None)


def campos_seccion(tipo: str, sec: Seccion) -> list[Campo]:
    todos = {c.nombre: c for c in campos_de(MODELOS[tipo])}
    return [todos[n] for n in sec.campos]


def tiene_archivos(campos: Iterable[Campo]) -> bool:
    """Si algún campo (también dentro de grupos) es un archivo: el formulario va como multipart."""
    return any(c.tipo == "archivo" or tiene_archivos(c.campos) for c in campos)
