"""Versiones de la forma de los datos guardados de un documento (ficha, acuerdo) y el paso de una a otra.

Alembic migra las tablas; el JSON que hay dentro de ellas (un borrador de la app web, o cualquier
documento guardado que diga su versión) lo migra este registro: una función por versión, que lleva
los datos de la versión ``N`` a la ``N + 1``. Quien lee datos viejos llama a :func:`migrar_datos` y
obtiene la forma de hoy; nunca se reescribe a mano un JSON guardado.

Para cambiar la forma: suba :data:`VERSION_DATOS`, registre con ``@migracion(desde=VIEJA)`` la función
que convierte, y agregue a ``tests/datos/`` un documento con la forma vieja tal como se guardaba.
Las funciones no tocan su argumento (reciben una copia) y no leen archivos ni la hora: la misma
entrada da la misma salida.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from ..errores import ErrorEntrada

Migracion = Callable[[str, dict[str, Any]], dict[str, Any]]
"""(tipo del documento, datos en la versión N) → datos en la versión N + 1."""

VERSION_DATOS = 2
"""La forma de hoy de los datos guardados de una ficha o un acuerdo."""

_MIGRACIONES: dict[int, Migracion] = {}


def migracion(desde: int) -> Callable[[Migracion], Migracion]:
    """Registra la función que lleva los datos de la versión ``desde`` a la siguiente."""

    def registrar(funcion: Migracion) -> Migracion:
        if desde in _MIGRACIONES:
            raise ValueError(f"ya hay una migración desde la versión {desde}")
        _MIGRACIONES[desde] = funcion
        return funcion

    return registrar


def migrar_datos(tipo: str, datos: dict[str, Any], version: int) -> dict[str, Any]:
    """Los ``datos`` de un documento guardados en la forma ``version``, llevados a :data:`VERSION_DATOS`.

    Devuelve una copia (los datos de entrada no cambian). Una versión más nueva que la de este
    programa (datos guardados por un acuerdo-docs más reciente) es un error en español: nunca se
    leen a medias.
    """
    if version > VERSION_DATOS:
        raise ErrorEntrada(
            f"los datos de este {tipo} están en la versión {version} de su forma y este acuerdo-docs solo "
            f"conoce hasta la {VERSION_DATOS}: actualice acuerdo-docs (pip install -U acuerdo-docs)")
    if version < 1:
        raise ErrorEntrada(f"versión de los datos inválida: {version} (empiezan en 1)")
    resultado = copy.deepcopy(datos)
    for paso in range(version, VERSION_DATOS):
        resultado = _MIGRACIONES[paso](tipo, resultado)
    return resultado


# --------------------------------------------------------------------------- de la 1 a la 2

_ANEXO_EN_CARPETA = re.compile(r"^(?:.*[/\\])?(anexos[/\\]\d+[/\\][^/\\]+)$")


@migracion(desde=1)
def _anexos_relativos(tipo: str, datos: dict[str, Any]) -> dict[str, Any]:
    """Versión 2: la imagen de un anexo que la app web guardó con su ruta absoluta
    (``/var/lib/acuerdo-docs/anexos/3/x.png``) pasa a la ruta relativa a la carpeta de datos
    (``anexos/3/x.png``), la regla de toda ruta relativa de un anexo. Así una base restaurada en otro
    servidor, o movida de carpeta, sigue encontrando sus imágenes.
    """
    anexos = datos.get("anexos") if tipo == "ficha" else None
    for anexo in anexos if isinstance(anexos, list) else []:
        archivo = anexo.get("archivo") if isinstance(anexo, dict) else None
        if isinstance(archivo, str) and (archivo.startswith("/") or re.match(r"^[A-Za-z]:[/\\]", archivo)):
            encontrado = _ANEXO_EN_CARPETA.match(archivo)
            if encontrado:
                anexo["archivo"] = encontrado.group(1).replace("\\", "/")
    return datos
