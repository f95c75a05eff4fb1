"""Leer un JSON de entrada con sus límites (profundidad, claves válidas): datos de una orden o un método."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errores import ErrorEntrada, causa_json
from ..limites_entrada import LIMITE_PROFUNDIDAD_JSON, recortar


def cargar_json(texto: str, nombre: str) -> Any:
    """``json.loads`` con los límites de una entrada: profundidad y claves sin sustitutos sueltos.

    Toda entrada JSON (los datos de una orden, un método propio) pasa por aquí: un JSON de
    100.000 niveles da un mensaje que lo dice, nunca RecursionError.
    """
    try:
        datos = json.loads(texto)
    except json.JSONDecodeError as exc:
        raise ErrorEntrada(f"{nombre}: {causa_json(exc)}") from None
    except RecursionError:  # el analizador de Python se rinde hacia los 1.000 niveles
        raise ErrorEntrada(_demasiado_profundo(nombre)) from None
    revisar_json(datos, nombre)
    return datos


def _demasiado_profundo(nombre: str) -> str:
    return (f"{nombre}: el JSON anida listas u objetos a más de {LIMITE_PROFUNDIDAD_JSON} niveles;"
            " ningún documento necesita tantos")


def _con_sustituto(clave: str) -> bool:
    # Una clave ASCII (casi todas) no puede traerlo: así la expresión (~1 ms al compilarse, por el
    # rango de 2.048 caracteres) solo se compila si hace falta.
    return not clave.isascii() and re.search("[\ud800-\udfff]", clave) is not None


def revisar_json(datos: Any, nombre: str) -> None:
    """Profundidad máxima y claves sin sustitutos UTF-16 sueltos (sin recursión: no agota la pila).

    Un sustituto suelto en un valor de texto se elimina al validar (README); en una clave no
    hay campo al que atribuirlo, así que se rechaza aquí nombrando dónde está.
    """
    pendientes: list[tuple[Any, int, str]] = [(datos, 0, "")]
    while pendientes:
        valor, nivel, camino = pendientes.pop()
        if not isinstance(valor, (dict, list)):
            continue
        if nivel + 1 > LIMITE_PROFUNDIDAD_JSON:
            raise ErrorEntrada(_demasiado_profundo(nombre))
        if isinstance(valor, list):
            pendientes.extend((hijo, nivel + 1, f"{camino}[{i + 1}]") for i, hijo in enumerate(valor))
            continue
        for clave, hijo in valor.items():
            if _con_sustituto(clave):
                donde = f" (en {recortar(camino)})" if camino else ""
                raise ErrorEntrada(
                    f"{nombre}: una clave del JSON{donde} tiene un carácter inválido (un sustituto UTF-16"
                    " suelto, \\ud800 a \\udfff); corrija el nombre del campo"
                )
            pendientes.append((hijo, nivel + 1, f"{camino}.{clave}" if camino else clave))


__all__ = ["cargar_json", "revisar_json"]
