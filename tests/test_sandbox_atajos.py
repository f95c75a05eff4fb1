"""Los atajos de velocidad del render dan lo mismo que el camino de Jinja que reemplazan.

- ``EntornoSeguro.getattr`` va directo a ``obj[clave]`` en un ``dict`` de datos planos cuando el
  nombre no es un método de ``dict``: el resultado debe ser el del ``getattr`` del sandbox de Jinja
  (primero el atributo con la lista blanca, después el elemento) para cualquier nombre y objeto.
- ``entorno_word._finalizar`` con texto: los mismos caracteres que antes del atajo.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from acuerdo_docs.salida.entorno_word import _SALTO, _TABULADOR, _finalizar, crear_entorno

ENTORNO = crear_entorno()


def _jinja(obj: Any, nombre: str) -> Any:
    """El ``getattr`` del sandbox de Jinja sobre el mismo entorno (lista blanca y errores propios)."""
    return SandboxedEnvironment.getattr(ENTORNO, obj, nombre)


def _resultado(funcion: Any, obj: Any, nombre: str) -> Any:
    try:
        valor = funcion(obj, nombre)
    except SecurityError as exc:
        return ("error", str(exc))
    if isinstance(valor, Undefined):
        return ("indefinido", type(valor), valor._undefined_name)
    return ("valor", valor)


NOMBRES = ["nombre", "items", "keys", "values", "get", "pop", "update", "__class__", "__dict__", "mro",
           "copy", "fromkeys", "clear", "__len__", "_privado", "no_esta", "setdefault", "popitem"]


@pytest.mark.parametrize("nombre", NOMBRES)
@pytest.mark.parametrize("obj", [
    {"nombre": "Ana", "items": "clave items", "keys": 1, "_privado": 2, "__class__": "x"},
    {},
    OrderedDict(nombre="Ana", items="clave"),  # subclase de dict: va por el camino de Jinja
    ["a", "b"],
    "texto",
])
def test_getattr_da_lo_mismo_que_el_del_sandbox_de_jinja(obj: Any, nombre: str) -> None:
    assert _resultado(ENTORNO.getattr, obj, nombre) == _resultado(_jinja, obj, nombre)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.sampled_from(NOMBRES) | st.text(max_size=8), st.text(max_size=5), max_size=6),
       st.sampled_from(NOMBRES) | st.text(max_size=8))
def test_getattr_en_dicts_cualesquiera(obj: dict[str, str], nombre: str) -> None:
    assert _resultado(ENTORNO.getattr, obj, nombre) == _resultado(_jinja, obj, nombre)


def _finalizar_anterior(texto: str) -> Markup:
    """``_finalizar`` de texto antes del atajo (issue 29), para comparar."""
    salida = str(escape(texto))
    if "_" in salida:
        salida = salida.replace("{_", "{&#95;").replace("_}", "&#95;}").replace("%_", "%&#95;")
    salida = salida.replace("\n", _SALTO).replace("\t", _TABULADOR)
    return Markup(salida)


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab_{}%<>&\"'\n\t ñ€", max_size=30))
def test_finalizar_texto_igual_que_antes(texto: str) -> None:
    nuevo = _finalizar(texto)
    assert type(nuevo) is Markup
    assert str(nuevo) == str(_finalizar_anterior(texto))
    assert str(_finalizar(7)) == "7" and _finalizar(None) == ""
