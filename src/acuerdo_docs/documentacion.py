"""Tablas de campos de la documentación (docs/*.md), generadas desde los esquemas (nunca escritas a mano).

``python -m acuerdo_docs.documentacion`` reescribe, en cada página de ``docs/`` (o en los
archivos que se le pasen), lo que hay entre las marcas ``<!-- campos:TIPO -->`` y
``<!-- /campos:TIPO -->``; una prueba verifica que todas las páginas están al día.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from enum import Enum
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from .esquemas import ESQUEMAS
from .salida.archivos import escribir_atomico


def _tipo(anotacion: Any) -> str:
    """Nombre en español del tipo de un campo."""
    origen, args = get_origin(anotacion), get_args(anotacion)
    if origen is Annotated:  # list[TextoObligatorio]: pydantic solo quita Annotated en el primer nivel
        return _tipo(args[0])
    if origen is Literal:
        return "uno de: " + ", ".join(f"`{a}`" for a in args)
    if origen in (Union, UnionType):
        return " o ".join(_tipo(a) for a in args if a is not type(None))
    if origen is list:
        return f"lista de {_tipo(args[0])}" if args else "lista"
    if isinstance(anotacion, type):
        if issubclass(anotacion, bool):
            return "sí/no"
        if issubclass(anotacion, Enum):
            return "uno de: " + ", ".join(f"`{m.value}`" for m in anotacion)
        nombres = {str: "texto", int: "entero", float: "número", date: "fecha", Path: "ruta de archivo"}
        for clase, nombre in nombres.items():
            if issubclass(anotacion, clase):
                return nombre
        if issubclass(anotacion, BaseModel):
            return f"objeto {anotacion.__name__}"
    return str(anotacion)


def _celda(texto: str | None) -> str:
    return (texto or "").replace("|", "\\|").replace("\n", " ")


def tabla_campos(modelo: type[BaseModel]) -> str:
    filas = ["| clave JSON | etiqueta en el formulario | tipo | obligatorio | ayuda |", "|---|---|---|---|---|"]
    for nombre, info in modelo.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        marca = " (dato personal)" if extra.get("personal") else ""
        ayuda = info.description or ""
        if len(ayuda) > 140:
            ayuda = ayuda[:137].rsplit(" ", 1)[0] + "…"
        filas.append(
            f"| `{nombre}` | {_celda(info.title)}{marca} | {_celda(_tipo(info.annotation))} | "
            f"{'sí' if info.is_required() else 'no'} | {_celda(ayuda)} |"
        )
    return "\n".join(filas)


def _submodelo(anotacion: Any) -> type[BaseModel] | None:
    if isinstance(anotacion, type) and issubclass(anotacion, BaseModel):
        return anotacion
    for arg in get_args(anotacion):
        sub = _submodelo(arg)
        if sub is not None:
            return sub
    return None


def modelo_de_marca(marca: str) -> type[BaseModel] | None:
    """``acuerdo`` → AcuerdoSimbolico; ``acuerdo.actores`` → Actor (el modelo de los elementos del campo)."""
    tipo, *campos = marca.split(".")
    modelo = ESQUEMAS.get(tipo)
    for nombre in campos:
        if modelo is None or nombre not in modelo.model_fields:
            return None
        modelo = _submodelo(modelo.model_fields[nombre].annotation)
    return modelo


def actualizar(texto: str) -> str:
    # <!-- campos:TIPO --> o, para los objetos anidados, <!-- campos:TIPO.campo.subcampo -->
    patron = re.compile(r"(<!-- campos:([\w.]+) -->\n)(?:.*?\n)?(<!-- /campos:\2 -->)", re.S)

    def sustituir(m: re.Match[str]) -> str:
        modelo = modelo_de_marca(m.group(2))
        if modelo is None:
            raise ValueError(f"marca de campos desconocida: {m.group(2)}")
        return m.group(1) + tabla_campos(modelo) + "\n" + m.group(3)

    return patron.sub(sustituir, texto)


def main() -> int:
    rutas = [Path(a) for a in sys.argv[1:]] or sorted(Path("docs").glob("*.md"))
    for ruta in rutas:
        texto = ruta.read_text(encoding="utf-8")
        nuevo = actualizar(texto)
        if nuevo != texto:
            escribir_atomico(ruta, nuevo.encode("utf-8"))
            print(f"tablas de campos actualizadas en {ruta}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
