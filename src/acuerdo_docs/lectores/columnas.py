"""Columnas de hoja de cálculo derivadas de los esquemas (nunca se escriben dos veces).

Cada campo escalar de un modelo es una columna; los submodelos se aplanan con
prefijo (``desafio`` → ``desafio_nombre``); las listas de texto van en una celda,
un elemento por línea. El encabezado es la etiqueta del formulario y también se
acepta la clave JSON: ambos se comparan con :func:`~acuerdo_docs.esquemas.comun.normalizar_clave`.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Literal, Union

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..esquemas.columna import Columna, TipoColumna


def _sin_opcional(anotacion: Any) -> tuple[Any, bool]:
    """(tipo sin None, admite None)."""
    origen = typing.get_origin(anotacion)
    if origen in (Union, types.UnionType):
        args = [a for a in typing.get_args(anotacion) if a is not type(None)]
        admite = len(args) < len(typing.get_args(anotacion))
        if len(args) == 1:
            return args[0], admite
    return anotacion, False


def _desanotar(tipo: Any) -> Any:
    while typing.get_origin(tipo) is typing.Annotated:
        tipo = typing.get_args(tipo)[0]
    return tipo


def _es_modelo(tipo: Any) -> bool:
    return isinstance(tipo, type) and issubclass(tipo, BaseModel)


def _opciones(tipo: Any) -> tuple[str, ...]:
    tipo = _desanotar(tipo)
    if typing.get_origin(tipo) is Literal:
        return tuple(str(v) for v in typing.get_args(tipo))
    if isinstance(tipo, type) and issubclass(tipo, enum.Enum):
        return tuple(str(m.value) for m in tipo)
    return ()


def _tipo_escalar(tipo: Any) -> TipoColumna:
    tipo = _desanotar(tipo)
    if _opciones(tipo):
        return "opcion"
    if isinstance(tipo, type):
        if issubclass(tipo, bool):
            return "booleano"
        if issubclass(tipo, (date, datetime)):
            return "fecha"
        if issubclass(tipo, int):
            return "entero"
        if issubclass(tipo, float):
            return "numero"
    return "texto"


def _etiqueta(info: FieldInfo, nombre: str) -> str:
    return (info.title or nombre).rstrip(":").strip()


def _personal(info: FieldInfo) -> bool:
    extra = info.json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("personal"))


def columnas_de(
    modelo: type[BaseModel],
    *,
    omitir: Iterable[str] = (),
    ocultas: Iterable[str] = (),
    listas_en_celda: Mapping[str, str] | None = None,
    ruta: tuple[str, ...] = (),
    titulo: str = "",
    obligatoria: bool = True,
    en_plantilla: bool = True,
) -> list[Columna]:
    """Las columnas de ``modelo`` en el orden de sus campos.

    ``omitir``: campos que no son columnas (p. ej. listas que van en otra hoja).
    ``ocultas``: campos aceptados al leer pero ausentes de la plantilla de lote.
    ``listas_en_celda``: listas de modelos escritas en una celda, un elemento por línea,
    con el subcampo que recibe cada línea (``{"anexos": "nombre"}``).
    Las listas de modelos no nombradas en ``listas_en_celda`` se omiten: van en su propia hoja.
    """
    omitir, ocultas = set(omitir), set(ocultas)
    listas_en_celda = dict(listas_en_celda or {})
    columnas: list[Columna] = []
    for nombre, info in modelo.model_fields.items():
        if nombre in omitir:
            continue
        tipo, _ = _sin_opcional(info.annotation)
        tipo = _desanotar(tipo)
        etiqueta = _etiqueta(info, nombre)
        etiqueta_completa = f"{titulo} – {etiqueta}" if titulo else etiqueta
        requerida = obligatoria and info.is_required()
        visible = en_plantilla and nombre not in ocultas
        if _es_modelo(tipo):
            columnas.extend(columnas_de(
                tipo, ruta=(*ruta, nombre), titulo=etiqueta_completa, obligatoria=requerida, en_plantilla=visible,
            ))
            continue
        comun: dict[str, Any] = {
            "clave": "_".join((*ruta, nombre)), "ruta": (*ruta, nombre), "etiqueta": etiqueta_completa,
            "ayuda": info.description, "obligatoria": requerida, "personal": _personal(info),
            "en_plantilla": visible,
        }
        if typing.get_origin(tipo) in (list, tuple, set):
            (elemento,) = typing.get_args(tipo)[:1] or (str,)
            elemento = _desanotar(elemento)
            if _es_modelo(elemento):
                if nombre in listas_en_celda:
                    columnas.append(Columna(tipo="lista", subcampo=listas_en_celda[nombre], **comun))
                continue  # va en su propia hoja
            columnas.append(Columna(tipo="lista", opciones=_opciones(elemento), **comun))
            continue
        opciones = _opciones(tipo)
        abiertas = False
        if not opciones and info.examples:
            opciones, abiertas = tuple(str(e) for e in info.examples), True
        columnas.append(Columna(tipo=_tipo_escalar(tipo), opciones=opciones, opciones_abiertas=abiertas, **comun))
    return columnas


def valores_de(objeto: Any, columnas: Iterable[Columna]) -> dict[str, Any]:
    """Los valores de celda de un modelo validado (inverso de la lectura): listas en líneas."""
    valores: dict[str, Any] = {}
    for col in columnas:
        valor: Any = objeto
        for parte in col.ruta:
            valor = getattr(valor, parte, None) if not isinstance(valor, Mapping) else valor.get(parte)
            if valor is None:
                break
        if col.tipo == "lista" and valor is not None:
            elementos = [
                (getattr(e, col.subcampo, None) if not isinstance(e, Mapping) else e.get(col.subcampo))
                if col.subcampo else e
                for e in valor
            ]
            valor = "\n".join(str(e) for e in elementos if e not in (None, ""))
        elif isinstance(valor, enum.Enum):
            valor = valor.value
        valores[col.clave] = None if valor == "" else valor
    return valores


def verificar_unicas(columnas: Iterable[Columna], hoja: str) -> None:
    """Dos columnas no pueden aceptar el mismo encabezado (error de programación, no del usuario)."""
    vistos: dict[str, str] = {}
    for col in columnas:
        for nombre in col.nombres_aceptados():
            if nombre in vistos and vistos[nombre] != col.clave:
                raise RuntimeError(f"hoja {hoja}: «{nombre}» sirve para {vistos[nombre]} y {col.clave}")
            vistos[nombre] = col.clave


__all__ = ["Columna", "TipoColumna", "columnas_de", "valores_de", "verificar_unicas"]
