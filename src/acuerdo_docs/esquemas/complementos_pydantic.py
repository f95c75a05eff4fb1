"""La búsqueda de complementos de pydantic sin importar ``importlib.metadata`` cuando no hay ninguno.

Al construir el primer modelo, pydantic busca complementos (el grupo de entry points
``pydantic``) con ``importlib.metadata``: importarlo (email, csv, socket…) y leer los metadatos de
todas las distribuciones instaladas cuesta ~12 ms por proceso, un décimo de una ficha en frío, y
casi nunca hay complementos.

:func:`instalar` carga el módulo de pydantic que los busca (``pydantic.plugin._loader``, su código
sin cambios) con una sola diferencia: el ``entry_points`` que usa se resuelve al llamarlo. Si
ningún ``entry_points.txt`` de ``sys.path`` nombra ``pydantic``, ninguna distribución puede declarar
el grupo y la respuesta es la misma que daría ``importlib.metadata``: ninguno. Ante cualquier duda
(otro buscador de distribuciones en ``sys.meta_path``, un ``.egg`` o un zip en ``sys.path``, un
archivo ilegible, una mención de ``pydantic``) se pregunta a ``importlib.metadata`` como siempre.
``PYDANTIC_DISABLE_PLUGINS`` y la caché de pydantic siguen igual: el código es el suyo.
"""

from __future__ import annotations

import builtins
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_CARGADOR = "pydantic.plugin._loader"
_METADATOS = "importlib.metadata"
_GRUPO = "pydantic"


def grupo_declarado(grupo: str, rutas: Sequence[object] | None = None) -> bool:
    """¿Puede alguna distribución de ``rutas`` (por omisión ``sys.path``) declarar entry points de ``grupo``?

    ``False`` solo si es seguro que no: ningún ``entry_points.txt`` de un ``.dist-info`` o
    ``.egg-info`` menciona el nombre del grupo, y no hay otros lugares donde ``importlib.metadata``
    buscaría (buscadores propios en ``sys.meta_path``, ``.egg``, zips). ``True`` si hay duda.
    """
    clave = grupo.encode()
    for buscador in sys.meta_path:
        if getattr(buscador, "find_distributions", None) is not None \
                and buscador is not importlib.machinery.PathFinder:
            return True
    entradas: Sequence[object] = sys.path if rutas is None else rutas
    for entrada in entradas:
        if not isinstance(entrada, str):  # bytes u otra cosa en sys.path: que decida importlib.metadata
            return True
        raiz = entrada or "."
        try:
            nombres = os.listdir(raiz)
        except OSError:
            if os.path.exists(raiz):  # un zip (o algo ilegible): que decida importlib.metadata
                return True
            continue
        for nombre in nombres:
            bajo = nombre.lower()
            if bajo.endswith(".egg"):
                return True
            if not bajo.endswith((".dist-info", ".egg-info")):
                continue
            ruta = os.path.join(raiz, nombre, "entry_points.txt")
            if not os.access(ruta, os.F_OK):  # la mayoría no tiene: sin lanzar una excepción por cada una
                continue
            try:
                with open(ruta, "rb") as archivo:
                    if clave in archivo.read():
                        return True
            except OSError:
                return True
    return False


def _entry_points(**seleccion: Any) -> Iterable[Any]:
    """``importlib.metadata.entry_points``, salvo el grupo ``pydantic`` cuando es seguro que está vacío."""
    if seleccion == {"group": _GRUPO} and _METADATOS not in sys.modules and not grupo_declarado(_GRUPO):
        return ()
    from importlib.metadata import entry_points

    return entry_points(**seleccion)


class _MetadatosPerezosos:
    """Lo único que ``pydantic.plugin._loader`` toma de ``importlib.metadata``."""

    entry_points = staticmethod(_entry_points)


def _importar(nombre: str, globales: Mapping[str, object] | None = None, locales: Mapping[str, object] | None = None,
              desde: Sequence[str] = (), nivel: int = 0) -> Any:
    if nombre == _METADATOS and nivel == 0 and tuple(desde) == ("entry_points",) and _METADATOS not in sys.modules:
        return _MetadatosPerezosos
    return builtins.__import__(nombre, globales, locales, desde, nivel)


def instalar() -> None:
    """Carga ``pydantic.plugin._loader`` con ``entry_points`` perezoso; nada si ya está cargado.

    Solo cambia el ``__import__`` del cuerpo de ese módulo (sus propios builtins), nunca el global.
    """
    if _CARGADOR in sys.modules or _METADATOS in sys.modules:  # ya cargado, o nada que ahorrar
        return
    import pydantic.plugin as paquete

    spec = importlib.machinery.PathFinder.find_spec(_CARGADOR, list(paquete.__path__))
    if spec is None or spec.loader is None:
        return
    modulo = importlib.util.module_from_spec(spec)
    modulo.__dict__["__builtins__"] = {**vars(builtins), "__import__": _importar}
    spec.loader.exec_module(modulo)
    # Si otro hilo lo cargó mientras tanto, vale el suyo (una sola caché de complementos).
    setattr(paquete, "_loader", sys.modules.setdefault(_CARGADOR, modulo))
