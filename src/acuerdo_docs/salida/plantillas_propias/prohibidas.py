"""Construcciones que una plantilla Word no puede usar, buscadas en el árbol de Jinja sin ejecutarla.

El sandbox (lista blanca y límites) detiene todo esto al renderizar; buscarlo antes da un
motivo claro y el lugar (``cuerpo del documento, cerca de «…»``) sin ejecutar nada.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterator

from jinja2 import nodes

FILTROS_PROHIBIDOS = {
    "safe": "desactiva el escape del texto del usuario (un «<» o un «&» dañarían el documento)",
    "urlize": "inserta etiquetas HTML en el XML del documento y lo daña",
    "random": "da un resultado distinto en cada ejecución (la salida debe ser reproducible)",
}
GLOBALES_PROHIBIDAS = {"lipsum": "inserta etiquetas HTML y texto al azar en el documento"}
METODOS_QUE_MODIFICAN = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse", "update", "setdefault", "popitem",
    "add", "discard", "difference_update", "intersection_update", "symmetric_difference_update",
})
ATRIBUTOS_INTERNOS = frozenset({
    "mro", "func_globals", "func_code", "f_globals", "f_locals", "f_back", "f_code", "tb_frame", "tb_next",
    "gi_frame", "gi_code", "cr_frame", "cr_code", "ag_frame", "ag_code",
})
LIMITE_MULTIPLICADOR = 100  # «'a' * 10**9»: una constante grande en * se rechaza sin calcular nada

_INTERIOR = "intenta acceder al interior de Python y se rechaza"
_MEMORIA = "no se admite en una plantilla (podría agotar la memoria)"

Donde = Callable[[nodes.Node], str]


def interno(nombre: str) -> bool:
    return nombre.startswith("_") or nombre in ATRIBUTOS_INTERNOS


def texto_expr(nodo: nodes.Node) -> str:
    """Una expresión Jinja como texto corto, para los mensajes (``practica.__class__``)."""
    if isinstance(nodo, nodes.Name):
        return nodo.name
    if isinstance(nodo, nodes.Const):
        return repr(nodo.value) if not isinstance(nodo.value, str) or len(nodo.value) < 20 else "'…'"
    if isinstance(nodo, nodes.Getattr):
        return f"{texto_expr(nodo.node)}.{nodo.attr}"
    if isinstance(nodo, nodes.Getitem):
        return f"{texto_expr(nodo.node)}[{texto_expr(nodo.arg) if isinstance(nodo.arg, nodes.Const) else '…'}]"
    if isinstance(nodo, nodes.Filter):
        base = texto_expr(nodo.node) if nodo.node is not None else ""
        argumentos = ", ".join(texto_expr(a) for a in nodo.args)
        return f"{base}|{nodo.name}({argumentos})" if argumentos else f"{base}|{nodo.name}"
    if isinstance(nodo, nodes.Call):
        return f"{texto_expr(nodo.node)}(…)"
    return "…"


def _formato_interno(plantilla: str) -> bool:
    """¿Un texto de .format() lee atributos internos ({0.__class__}, {x._y})?"""
    try:
        campos = [c for _, c, _, _ in string.Formatter().parse(plantilla) if c]
    except ValueError:
        return False
    return any(interno(p) for c in campos for p in re.split(r"[.\[\]]", c)[1:] if p)


def _constante(nodo: nodes.Node) -> float | None:
    """Valor numérico de una expresión de constantes (sin compilarla: compilar ya la evaluaría)."""
    if isinstance(nodo, nodes.Const) and isinstance(nodo.value, (int, float)) and not isinstance(nodo.value, bool):
        return float(nodo.value)
    if isinstance(nodo, (nodes.Neg, nodes.Pos)):
        return _constante(nodo.node)
    if isinstance(nodo, nodes.BinExpr):
        a, b = _constante(nodo.left), _constante(nodo.right)
        if a is None or b is None:
            return None
        if isinstance(nodo, nodes.Pow):
            return float("inf")
        return {nodes.Mul: a * b, nodes.Add: a + b, nodes.Sub: a - b}.get(type(nodo))
    return None


def _nombre_leido(nodo: nodes.Node) -> str | None:
    """El atributo que lee ``nodo`` (``a.b``, ``a['b']``, ``a|attr('b')``), si es constante."""
    if isinstance(nodo, nodes.Getattr):
        return nodo.attr
    if isinstance(nodo, nodes.Getitem) and isinstance(nodo.arg, nodes.Const) and isinstance(nodo.arg.value, str):
        return nodo.arg.value
    if isinstance(nodo, nodes.Filter) and nodo.name == "attr" and nodo.args \
            and isinstance(nodo.args[0], nodes.Const) and isinstance(nodo.args[0].value, str):
        return nodo.args[0].value
    return None


def _acceso_interno(nodo: nodes.Node) -> bool:
    """¿Lee ``nodo`` un atributo interno, siendo el primero de su cadena? (se informa solo ese)."""
    nombre = _nombre_leido(nodo)
    if nombre is None or not interno(nombre):
        return False
    base = getattr(nodo, "node", None)
    return base is None or not any(
        interno(n) for n in map(_nombre_leido, (base, *base.find_all((nodes.Getattr, nodes.Getitem, nodes.Filter))))
        if n is not None
    )


def _motivos(nodo: nodes.Node) -> Iterator[tuple[str, str]]:
    """(qué, por qué) de cada construcción prohibida en ``nodo`` (sin mirar sus hijos)."""
    if _acceso_interno(nodo):
        yield f"«{texto_expr(nodo)}»", _INTERIOR
    elif isinstance(nodo, nodes.Name) and nodo.name in GLOBALES_PROHIBIDAS:
        yield f"«{nodo.name}»", GLOBALES_PROHIBIDAS[nodo.name]
    elif isinstance(nodo, nodes.Filter):
        yield from _motivos_filtro(nodo)
    elif isinstance(nodo, nodes.Call):
        yield from _motivos_llamada(nodo)
    elif isinstance(nodo, nodes.Pow):
        yield "La potencia «**»", _MEMORIA
    elif isinstance(nodo, nodes.Mul) and any(
            abs(n) > LIMITE_MULTIPLICADOR for n in (_constante(nodo.left), _constante(nodo.right)) if n is not None):
        yield "La multiplicación por un número tan grande", _MEMORIA
    elif isinstance(nodo, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        yield "«{% include %}», «{% import %}» y «{% extends %}»", \
            "no se admiten: una plantilla Word no puede cargar otras plantillas"
    elif isinstance(nodo, (nodes.EvalContextModifier, nodes.ScopedEvalContextModifier)) \
            and any(o.key == "autoescape" for o in nodo.options):
        yield "«{% autoescape %}»", "cambia el escape del texto del usuario y se rechaza"


def _motivos_filtro(nodo: nodes.Filter) -> Iterator[tuple[str, str]]:
    if nodo.name in FILTROS_PROHIBIDOS:
        yield f"El filtro «{nodo.name}»", FILTROS_PROHIBIDOS[nodo.name]
    elif nodo.name == "attr" and _nombre_leido(nodo) is None:
        yield "El filtro «attr»", "con un nombre calculado no se puede verificar y se rechaza"


def _motivos_llamada(nodo: nodes.Call) -> Iterator[tuple[str, str]]:
    llamado = nodo.node
    if isinstance(llamado, nodes.Getattr):
        if llamado.attr in METODOS_QUE_MODIFICAN:
            yield f"«{texto_expr(llamado)}»", "modificaría los datos y se rechaza"
        elif llamado.attr in ("format", "format_map") and isinstance(llamado.node, nodes.Const) \
                and isinstance(llamado.node.value, str) and _formato_interno(llamado.node.value):
            yield f"«{texto_expr(nodo)}»", "intenta acceder al interior de Python con .format y se rechaza"
    elif isinstance(llamado, nodes.Name) and llamado.name == "imagen":
        primero = nodo.args[0] if nodo.args else None
        if primero is None or not any(primero.find_all(nodes.Name)) and not isinstance(primero, nodes.Name):
            yield "«imagen(…)»", ("solo admite archivos que vienen en los datos (por ejemplo anexo.archivo), "
                                  "no rutas escritas en la plantilla")


def buscar(arbol: nodes.Node, donde: Donde) -> dict[str, str]:
    """Mensajes de las construcciones prohibidas de ``arbol`` (clave: qué y dónde, sin repetir)."""
    hallazgos: dict[str, str] = {}
    pendientes = [arbol]
    while pendientes:
        nodo = pendientes.pop()
        for que, motivo in _motivos(nodo):
            lugar = donde(nodo)
            hallazgos.setdefault(f"{que}|{lugar}", f"{que} {motivo} ({lugar})")
        pendientes.extend(reversed(list(nodo.iter_child_nodes())))
    return hallazgos
