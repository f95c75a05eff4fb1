"""Verificación de plantillas Word propias contra el esquema, antes de renderizar.

Un usuario puede cambiar fuentes, colores y el orden de los campos de una plantilla
(``--plantilla mi_ficha.docx``); antes de usarla se comprueba, sin escribir nada:

* que cada variable que nombra exista en los datos (``practica.nombre_practica`` no
  existe; ``practica.anexos[].nombre`` sí, también dentro de bucles y ``{% set %}``);
* que muestre todos los campos obligatorios del esquema (nada se pierde en silencio);
* que no intente alcanzar el interior de Python (``''.__class__``, ``cycler.__init__``…)
  ni use lo que rompe el documento o el determinismo (``|safe``, ``|urlize``, ``lipsum``,
  ``|random``, ``{% include %}``, ``**``).

El análisis estático recorre el árbol de Jinja (después del preprocesado de docxtpl, el
mismo que hace :mod:`acuerdo_docs.salida.motor_docx`) e infiere el tipo de cada expresión a partir
de los modelos Pydantic y de las vistas del contexto real (el del ejemplo incorporado). Lo
que no puede inferir (una macro, un índice calculado) no se reporta como error: el entorno
aislado (sandbox) y ``StrictUndefined`` lo detienen al renderizar con un mensaje en español.

Los campos obligatorios se comprueban con un ensayo: solo si el examen estático no halló
nada peligroso, la plantilla se renderiza en memoria, dentro del sandbox, con el ejemplo
incorporado y una marca única en cada campo obligatorio; el que no aparece en el texto
resultante se informa. Así valen también los campos que la plantilla muestra a través de
una vista (``actores[].rol`` en el acuerdo).
"""

from __future__ import annotations

import html
import importlib
import re
import threading
import types
import typing
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import ChainableUndefined, TemplateError, meta, nodes
from jinja2.sandbox import (
    UNSAFE_ASYNC_GENERATOR_ATTRIBUTES,
    UNSAFE_COROUTINE_ATTRIBUTES,
    UNSAFE_FUNCTION_ATTRIBUTES,
    UNSAFE_GENERATOR_ATTRIBUTES,
    UNSAFE_METHOD_ATTRIBUTES,
)
from pydantic import BaseModel

from ..errores import ErrorPlantilla
from .motor_docx import _PARTES, crear_entorno

TAMANO_MAXIMO_PLANTILLA = 50 * 1024 * 1024
"""Bytes descomprimidos que puede ocupar una plantilla (una bomba zip se rechaza antes de leerla)."""

_ATRIBUTOS_INTERNOS = frozenset(
    {"mro", "func_globals", "func_code", "f_globals", "f_locals", "f_back", "f_code", "tb_frame", "tb_next"}
    | UNSAFE_FUNCTION_ATTRIBUTES | UNSAFE_METHOD_ATTRIBUTES | UNSAFE_GENERATOR_ATTRIBUTES
    | UNSAFE_COROUTINE_ATTRIBUTES | UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
)

# Filtros y funciones que el entorno tiene pero que una plantilla de Word no debe usar.
_FILTROS_PROHIBIDOS = {
    "safe": "desactiva el escape del texto del usuario (un «<» o un «&» dañarían el documento)",
    "urlize": "inserta etiquetas HTML en el XML del documento y lo daña",
    "random": "da un resultado distinto en cada ejecución (la salida debe ser reproducible)",
}
_GLOBALES_PROHIBIDAS = {
    "lipsum": "inserta etiquetas HTML y texto al azar en el documento",
}
_METODOS_QUE_MODIFICAN = frozenset({
    "append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
    "update", "setdefault", "popitem", "add", "discard", "difference_update", "intersection_update",
    "symmetric_difference_update",
})
"""Métodos de listas, diccionarios y conjuntos que cambian los datos (el entorno inmutable los bloquea)."""
_LIMITE_MULTIPLICADOR = 100  # «'a' * 10**9» agotaría la memoria al compilar la plantilla

_NOMBRES_PARTE = {
    "document": "cuerpo del documento",
    "header": "encabezado de página",
    "footer": "pie de página",
    "footnotes": "notas al pie",
}

# Contexto de cada tipo de documento: (módulo, función de contexto, función de ejemplo).
# Las raíces (``practica``, ``encabezado``…) y sus tipos se leen del contexto real, así
# no se escriben dos veces.
TIPOS_PLANTILLA: dict[str, tuple[str, str, str]] = {
    "ficha": ("acuerdo_docs.documentos.ficha", "contexto_ficha", "ejemplo_ficha"),
    "acuerdo": ("acuerdo_docs.documentos.acuerdo", "contexto_acuerdo", "ejemplo_acuerdo"),
}


# ------------------------------------------------------------------- informe


@dataclass(frozen=True)
class InformePlantilla:
    """Resultado de verificar una plantilla; ``valida`` si no hay ningún problema."""

    ruta: Path
    tipo: str
    desconocidas: tuple[str, ...] = ()
    """Mensajes: variables que la plantilla nombra y el esquema no tiene."""
    faltantes: tuple[str, ...] = ()
    """Mensajes: campos obligatorios que la plantilla nunca muestra."""
    prohibidas: tuple[str, ...] = ()
    """Mensajes: accesos al interior de Python y construcciones no permitidas."""
    errores: tuple[str, ...] = ()
    """Mensajes: el archivo no es un .docx, tiene errores de sintaxis, etc."""
    usadas: tuple[str, ...] = ()
    """Rutas de datos que la plantilla usa (``practica.anexos[].nombre``), en orden."""
    legible: bool = True
    """Falso si el archivo no existe o no se puede abrir como .docx."""

    @property
    def valida(self) -> bool:
        return not (self.desconocidas or self.faltantes or self.prohibidas or self.errores)

    def mensajes(self) -> list[str]:
        return [*self.errores, *self.prohibidas, *self.desconocidas, *self.faltantes]

    def __str__(self) -> str:
        if self.valida:
            return f"La plantilla {self.ruta.name} es válida para el tipo «{self.tipo}»."
        lineas = [f"La plantilla {self.ruta.name} no se puede usar para el tipo «{self.tipo}» "
                  f"({len(self.mensajes())} problema(s)):"]
        lineas += [f"  - {m}" for m in self.mensajes()]
        return "\n".join(lineas)

    def exigir(self) -> InformePlantilla:
        """Lanza :class:`ErrorPlantilla` con todos los motivos si la plantilla no es válida."""
        if not self.valida:
            raise ErrorPlantilla(str(self))
        return self


# ------------------------------------------------------------ tipos inferidos


@dataclass(frozen=True)
class _Lista:
    elemento: Any


@dataclass(frozen=True)
class _Forma:
    """Una vista del contexto (dict) con sus claves, inferida del ejemplo."""

    claves: dict[str, Any]

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.claves)))


@dataclass(frozen=True)
class _Valor:
    """Lo que se sabe de una expresión: su tipo (modelo, _Lista, str…; None = desconocido) y su ruta."""

    tipo: Any = None
    ruta: str | None = None


_DESCONOCIDO = _Valor()
_PROHIBIDO = _Valor(ruta="\0prohibido")  # centinela: el resto de la cadena no se vuelve a informar


def _tipo_de_anotacion(anotacion: Any) -> Any:
    """list[Anexo] -> _Lista(Anexo); str | None -> str; Annotated[...] ya viene resuelto por pydantic."""
    origen = typing.get_origin(anotacion)
    if origen is typing.Annotated:
        return _tipo_de_anotacion(typing.get_args(anotacion)[0])
    if origen in (list, tuple, set, frozenset):
        args = typing.get_args(anotacion)
        return _Lista(_tipo_de_anotacion(args[0]) if args else None)
    if origen in (typing.Union, types.UnionType):
        opciones = [a for a in typing.get_args(anotacion) if a is not type(None)]
        return _tipo_de_anotacion(opciones[0]) if len(opciones) == 1 else None
    if isinstance(anotacion, type):
        return anotacion
    return None


def _es_modelo(tipo: Any) -> bool:
    return isinstance(tipo, type) and issubclass(tipo, BaseModel)


def _atributo_interno(nombre: str) -> bool:
    return nombre.startswith("_") or nombre in _ATRIBUTOS_INTERNOS


# ------------------------------------------------------------------ análisis


@dataclass
class _Hallazgos:
    desconocidas: dict[str, str] = field(default_factory=dict)
    prohibidas: dict[str, str] = field(default_factory=dict)
    usadas: dict[str, None] = field(default_factory=dict)
    libres: dict[str, str] = field(default_factory=dict)  # nombre sin definir -> dónde aparece


class _Analizador:
    """Recorre el árbol Jinja de una parte del .docx con ámbitos de variables tipados."""

    def __init__(self, raices: dict[str, _Valor], globales: set[str], hallazgos: _Hallazgos,
                 donde: Callable[[nodes.Node], str]) -> None:
        self.raices = raices
        self.globales = globales
        self.h = hallazgos
        self.donde = donde
        self.ambitos: list[dict[str, _Valor]] = [{}]

    # -- registro
    def _prohibido(self, nodo: nodes.Node, que: str, motivo: str) -> _Valor:
        self.h.prohibidas.setdefault(f"{que}|{self.donde(nodo)}", f"{que} {motivo} ({self.donde(nodo)})")
        return _PROHIBIDO

    def _desconocida(self, nodo: nodes.Node, ruta: str, motivo: str) -> None:
        self.h.desconocidas.setdefault(ruta, f"«{ruta}»: {motivo} ({self.donde(nodo)})")

    def _usar(self, valor: _Valor) -> _Valor:
        if valor.ruta and valor is not _PROHIBIDO:
            self.h.usadas.setdefault(valor.ruta, None)
        return valor

    # -- ámbitos
    def _buscar(self, nombre: str) -> _Valor | None:
        for ambito in reversed(self.ambitos):
            if nombre in ambito:
                return ambito[nombre]
        return self.raices.get(nombre)

    def _asignar(self, destino: nodes.Node, valor: _Valor) -> None:
        if isinstance(destino, nodes.Name):
            self.ambitos[-1][destino.name] = valor
        elif isinstance(destino, (nodes.Tuple, nodes.List)):
            for item in destino.items:
                self._asignar(item, _DESCONOCIDO)
        elif isinstance(destino, nodes.NSRef):
            pass

    # -- expresiones
    def expr(self, nodo: nodes.Node) -> _Valor:
        for clase in type(nodo).__mro__:  # Mul y Pow se atienden en _e_BinExpr
            metodo = getattr(self, f"_e_{clase.__name__}", None)
            if metodo is not None:
                return metodo(nodo)
        for hijo in nodo.iter_child_nodes():
            self.visitar(hijo)
        return _DESCONOCIDO

    def _e_Name(self, nodo: nodes.Name) -> _Valor:
        valor = self._buscar(nodo.name)
        if valor is not None:
            return self._usar(valor)
        if nodo.name in _GLOBALES_PROHIBIDAS:
            return self._prohibido(nodo, f"«{nodo.name}»", _GLOBALES_PROHIBIDAS[nodo.name])
        if nodo.name not in self.globales:
            self.h.libres.setdefault(nodo.name, self.donde(nodo))
        return _DESCONOCIDO

    def _e_Const(self, nodo: nodes.Const) -> _Valor:
        return _Valor(type(nodo.value))

    def _atributo(self, nodo: nodes.Node, base: _Valor, nombre: str) -> _Valor:
        ruta = f"{base.ruta}.{nombre}" if base.ruta else None
        if base is _PROHIBIDO:  # ya se informó el primer acceso de la cadena
            return _PROHIBIDO
        if _atributo_interno(nombre):
            return self._prohibido(nodo, f"«{_texto_expr(nodo)}»", "intenta acceder al interior de Python y se rechaza")
        tipo = base.tipo
        if _es_modelo(tipo):
            campos = tipo.model_fields
            if nombre in campos:
                return self._usar(_Valor(_tipo_de_anotacion(campos[nombre].annotation), ruta))
            if isinstance(getattr(tipo, nombre, None), property):  # valores calculados (zona, %)
                return self._usar(_Valor(None, ruta))
            self._desconocida(nodo, ruta or nombre, f"el esquema no tiene el campo «{nombre}»"
                              f"{_sugerencia(nombre, campos)}")
            return _DESCONOCIDO
        if isinstance(tipo, _Forma):
            if nombre in tipo.claves:
                return self._usar(_Valor(tipo.claves[nombre], ruta))
            if not hasattr(dict, nombre):
                self._desconocida(nodo, ruta or nombre, f"los datos no tienen «{nombre}»"
                                  f"{_sugerencia(nombre, tipo.claves)}")
            return _DESCONOCIDO
        if nombre in _METODOS_QUE_MODIFICAN and not _es_modelo(tipo) and tipo not in (str, date, Path):
            return self._prohibido(nodo, f"«{_texto_expr(nodo)}»", "modificaría los datos y se rechaza")
        if isinstance(tipo, _Lista):
            return _DESCONOCIDO  # otros métodos de lista (el sandbox decide)
        if isinstance(tipo, type) and tipo in (str, int, float, bool, date, Path) and not hasattr(tipo, nombre):
            self._desconocida(nodo, ruta or nombre, f"un valor de tipo {_NOMBRE_TIPO.get(tipo, tipo.__name__)} "
                              f"no tiene «{nombre}»")
        return _DESCONOCIDO

    def _e_Getattr(self, nodo: nodes.Getattr) -> _Valor:
        return self._atributo(nodo, self.expr(nodo.node), nodo.attr)

    def _e_Getitem(self, nodo: nodes.Getitem) -> _Valor:
        base = self.expr(nodo.node)
        if isinstance(nodo.arg, nodes.Const) and isinstance(nodo.arg.value, str):
            return self._atributo(nodo, base, nodo.arg.value)
        self.expr(nodo.arg)
        if isinstance(base.tipo, _Lista):
            if isinstance(nodo.arg, nodes.Slice):
                return base
            return self._usar(_Valor(base.tipo.elemento, f"{base.ruta}[]" if base.ruta else None))
        if _es_modelo(base.tipo) and not isinstance(nodo.arg, nodes.Const):
            self._prohibido(nodo, f"«{base.ruta}[…]»", "accede a un campo calculado en la plantilla; "
                            "nombre el campo directamente")
        return _DESCONOCIDO

    def _e_Filter(self, nodo: nodes.Filter) -> _Valor:
        base = self.expr(nodo.node) if nodo.node is not None else _DESCONOCIDO
        for hijo in (*nodo.args, *(k.value for k in nodo.kwargs)):
            self.expr(hijo)
        for extra in (nodo.dyn_args, nodo.dyn_kwargs):
            if extra is not None:
                self.expr(extra)
        nombre = nodo.name
        if nombre in _FILTROS_PROHIBIDOS:
            self._prohibido(nodo, f"El filtro «{nombre}»", _FILTROS_PROHIBIDOS[nombre])
            return _DESCONOCIDO
        if nombre == "attr":
            if nodo.args and isinstance(nodo.args[0], nodes.Const) and isinstance(nodo.args[0].value, str):
                return self._atributo(nodo, base, nodo.args[0].value)
            self._prohibido(nodo, "El filtro «attr»", "con un nombre calculado no se puede verificar y se rechaza")
            return _DESCONOCIDO
        # Filtros que leen un atributo de cada elemento: map(attribute=…), selectattr, sort…
        atributos = [k.value for k in nodo.kwargs if k.key == "attribute"]
        if nombre in ("selectattr", "rejectattr") and nodo.args:
            atributos.append(nodo.args[0])
        if nombre == "map" and nodo.args and isinstance(nodo.args[0], nodes.Const) and not nodo.kwargs:
            pass  # map('upper'): el primer argumento es un filtro
        elemento = _Valor(base.tipo.elemento, f"{base.ruta}[]" if base.ruta else None) \
            if isinstance(base.tipo, _Lista) else _DESCONOCIDO
        for atributo in atributos:
            if isinstance(atributo, nodes.Const) and isinstance(atributo.value, str):
                actual = elemento
                for parte in atributo.value.split("."):
                    actual = self._atributo(nodo, actual, parte)
        if nombre == "parrafos":
            return _Valor(_Lista(str))
        if nombre in ("first", "last") and isinstance(base.tipo, _Lista):
            return self._usar(elemento)
        if nombre in ("sort", "reverse", "unique", "list", "selectattr", "rejectattr", "select", "reject") \
                and isinstance(base.tipo, _Lista):
            return base
        if nombre in ("upper", "lower", "title", "capitalize", "trim", "string", "e", "escape",
                      "fecha_larga", "fecha_corta", "dia", "mes", "anio", "mes_nombre", "truncate"):
            return _Valor(str)
        return _DESCONOCIDO

    def _e_Test(self, nodo: nodes.Test) -> _Valor:
        self.expr(nodo.node)
        for hijo in (*nodo.args, *(k.value for k in nodo.kwargs)):
            self.expr(hijo)
        return _Valor(bool)

    def _e_Call(self, nodo: nodes.Call) -> _Valor:
        self.expr(nodo.node)
        for argumento in nodo.args:
            self.expr(argumento)
        for k in nodo.kwargs:
            self.expr(k.value)
        for extra in (nodo.dyn_args, nodo.dyn_kwargs):
            if extra is not None:
                self.expr(extra)
        # '{0.__class__}'.format(x): el formato de str también lee atributos.
        if isinstance(nodo.node, nodes.Getattr) and nodo.node.attr in ("format", "format_map") \
                and isinstance(nodo.node.node, nodes.Const) and isinstance(nodo.node.node.value, str) \
                and _formato_interno(nodo.node.node.value):
            return self._prohibido(nodo, f"«{_texto_expr(nodo)}»", "intenta acceder al interior de Python "
                                   "con .format y se rechaza")
        if isinstance(nodo.node, nodes.Name) and nodo.node.name == "imagen" and self._buscar("imagen") is None:
            primero = nodo.args[0] if nodo.args else None
            fijo = primero is None or (not isinstance(primero, nodes.Name) and not any(primero.find_all(nodes.Name)))
            if fijo:  # una ruta escrita en la plantilla (o armada solo con constantes)
                self._prohibido(nodo, "«imagen(…)»", "solo admite archivos que vienen en los datos "
                                "(por ejemplo anexo.archivo), no rutas escritas en la plantilla")
        return _DESCONOCIDO

    def _e_BinExpr(self, nodo: nodes.BinExpr) -> _Valor:
        izquierda, derecha = self.expr(nodo.left), self.expr(nodo.right)
        if isinstance(nodo, nodes.Pow):
            self._prohibido(nodo, "La potencia «**»", "no se admite en una plantilla (podría agotar la memoria)")
        if isinstance(nodo, nodes.Mul):
            for lado in (nodo.left, nodo.right):
                numero = _constante(lado)
                if numero is not None and abs(numero) > _LIMITE_MULTIPLICADOR:
                    self._prohibido(nodo, "La multiplicación por un número tan grande",
                                    "no se admite en una plantilla (podría agotar la memoria)")
        if isinstance(nodo, nodes.Add) and izquierda.tipo is str and derecha.tipo is str:
            return _Valor(str)
        return _DESCONOCIDO

    def _e_Concat(self, nodo: nodes.Concat) -> _Valor:
        for hijo in nodo.nodes:
            self.expr(hijo)
        return _Valor(str)

    # -- sentencias
    def visitar(self, nodo: nodes.Node) -> None:
        if isinstance(nodo, nodes.Expr):
            self.expr(nodo)
            return
        metodo = getattr(self, f"_s_{type(nodo).__name__}", None)
        if metodo is not None:
            metodo(nodo)
            return
        for hijo in nodo.iter_child_nodes():
            if isinstance(hijo, nodes.Expr):
                self.expr(hijo)
            else:
                self.visitar(hijo)

    def _cuerpo(self, cuerpo: list[nodes.Node], ambito: dict[str, _Valor] | None = None) -> None:
        self.ambitos.append(dict(ambito or {}))
        try:
            for hijo in cuerpo:
                self.visitar(hijo)
        finally:
            self.ambitos.pop()

    def _s_For(self, nodo: nodes.For) -> None:
        iterable = self.expr(nodo.iter)
        ambito: dict[str, _Valor] = {"loop": _DESCONOCIDO}
        elemento = _DESCONOCIDO
        if isinstance(iterable.tipo, _Lista):
            elemento = _Valor(iterable.tipo.elemento, f"{iterable.ruta}[]" if iterable.ruta else None)
        self.ambitos.append(ambito)
        try:
            self._asignar(nodo.target, elemento)
            if nodo.test is not None:
                self.expr(nodo.test)
            for hijo in nodo.body:
                self.visitar(hijo)
        finally:
            self.ambitos.pop()
        self._cuerpo(nodo.else_)

    def _s_If(self, nodo: nodes.If) -> None:
        # {% if %} no abre un ámbito en Jinja: un {% set %} dentro vale después.
        self.expr(nodo.test)
        for hijo in (*nodo.body, *nodo.elif_, *nodo.else_):
            self.visitar(hijo)

    def _s_Assign(self, nodo: nodes.Assign) -> None:
        self._asignar(nodo.target, self.expr(nodo.node))

    def _s_AssignBlock(self, nodo: nodes.AssignBlock) -> None:
        if nodo.filter is not None:
            self.expr(nodo.filter)
        self._cuerpo(nodo.body)
        self._asignar(nodo.target, _Valor(str))

    def _s_With(self, nodo: nodes.With) -> None:
        ambito: dict[str, _Valor] = {}
        for destino, valor in zip(nodo.targets, nodo.values):
            v = self.expr(valor)
            if isinstance(destino, nodes.Name):
                ambito[destino.name] = v
        self._cuerpo(nodo.body, ambito)

    def _s_Macro(self, nodo: nodes.Macro) -> None:
        for defecto in nodo.defaults:
            self.expr(defecto)
        self.ambitos[-1][nodo.name] = _DESCONOCIDO
        ambito = {a.name: _DESCONOCIDO for a in nodo.args}
        ambito.update(varargs=_DESCONOCIDO, kwargs=_DESCONOCIDO, caller=_DESCONOCIDO)
        self._cuerpo(nodo.body, ambito)

    def _s_CallBlock(self, nodo: nodes.CallBlock) -> None:
        self.expr(nodo.call)
        ambito = {a.name: _DESCONOCIDO for a in nodo.args}
        self._cuerpo(nodo.body, ambito)

    def _s_FilterBlock(self, nodo: nodes.FilterBlock) -> None:
        self.expr(nodo.filter)
        self._cuerpo(nodo.body)

    def _s_ScopedEvalContextModifier(self, nodo: nodes.ScopedEvalContextModifier) -> None:
        self._modificador(nodo)
        self._cuerpo(nodo.body)

    def _s_EvalContextModifier(self, nodo: nodes.EvalContextModifier) -> None:
        self._modificador(nodo)

    def _modificador(self, nodo: nodes.EvalContextModifier) -> None:
        for opcion in nodo.options:
            if opcion.key == "autoescape":
                self._prohibido(nodo, "«{% autoescape %}»", "cambia el escape del texto del usuario y se rechaza")

    def _incluir(self, nodo: nodes.Node) -> None:
        self._prohibido(nodo, "«{% include %}», «{% import %}» y «{% extends %}»",
                        "no se admiten: una plantilla Word no puede cargar otras plantillas")

    _s_Include = _s_Import = _s_FromImport = _s_Extends = _incluir


def _texto_expr(nodo: nodes.Node) -> str:
    """Una expresión Jinja como texto corto, para los mensajes (``practica.__class__``)."""
    if isinstance(nodo, nodes.Name):
        return nodo.name
    if isinstance(nodo, nodes.Const):
        return repr(nodo.value) if not isinstance(nodo.value, str) or len(nodo.value) < 20 else "'…'"
    if isinstance(nodo, nodes.Getattr):
        return f"{_texto_expr(nodo.node)}.{nodo.attr}"
    if isinstance(nodo, nodes.Getitem):
        arg = _texto_expr(nodo.arg) if isinstance(nodo.arg, nodes.Const) else "…"
        return f"{_texto_expr(nodo.node)}[{arg}]"
    if isinstance(nodo, nodes.Filter):
        base = _texto_expr(nodo.node) if nodo.node is not None else ""
        argumentos = ", ".join(_texto_expr(a) for a in nodo.args)
        return f"{base}|{nodo.name}({argumentos})" if argumentos else f"{base}|{nodo.name}"
    if isinstance(nodo, nodes.Call):
        return f"{_texto_expr(nodo.node)}(…)"
    if isinstance(nodo, nodes.Tuple):
        return "()" if not nodo.items else "(…)"
    if isinstance(nodo, nodes.List):
        return "[]" if not nodo.items else "[…]"
    return "…"


_NOMBRE_TIPO = {str: "texto", int: "número", float: "número", bool: "sí/no", date: "fecha", Path: "ruta"}


def _formato_interno(plantilla: str) -> bool:
    """¿Un texto de .format() lee atributos internos ({0.__class__}, {x._y})?"""
    import string

    try:
        campos = [c for _, c, _, _ in string.Formatter().parse(plantilla) if c]
    except ValueError:
        return False
    return any(_atributo_interno(p) for c in campos for p in re.split(r"[.\[\]]", c)[1:] if p)


def _constante(nodo: nodes.Node) -> float | None:
    """Valor numérico de una expresión de constantes (sin compilar: compilar ya la evaluaría)."""
    if isinstance(nodo, nodes.Const) and isinstance(nodo.value, (int, float)) and not isinstance(nodo.value, bool):
        return float(nodo.value)
    if isinstance(nodo, (nodes.Neg, nodes.Pos)):
        return _constante(nodo.node)
    if isinstance(nodo, nodes.BinExpr):
        a, b = _constante(nodo.left), _constante(nodo.right)
        if a is None or b is None:
            return None
        if isinstance(nodo, nodes.Mul):
            return a * b
        if isinstance(nodo, nodes.Add):
            return a + b
        if isinstance(nodo, nodes.Sub):
            return a - b
        if isinstance(nodo, nodes.Pow):
            return float("inf")
    return None


def _sugerencia(nombre: str, campos: dict[str, Any]) -> str:
    import difflib

    parecidos = difflib.get_close_matches(nombre, list(campos), n=1, cutoff=0.6)
    return f" (¿quiso decir «{parecidos[0]}»?)" if parecidos else ""


# ----------------------------------------------------------- esquema del tipo


@dataclass(frozen=True)
class _Tipo:
    """Cómo se arma el documento de un tipo: su contexto y un ejemplo válido."""

    contexto: Callable[[Any], dict[str, Any]]
    ejemplo: Any
    raices: dict[str, _Valor]
    raiz: str  # nombre del modelo completo en el contexto («practica», «acuerdo»)


_TIPOS: dict[str, _Tipo] = {}


def _forma(valor: Any, profundidad: int = 0) -> Any:
    """Tipo inferido de un valor del contexto de ejemplo (modelos por su esquema; vistas por sus claves)."""
    if profundidad > 8 or valor is None:
        return None
    if isinstance(valor, BaseModel):
        return type(valor)
    if isinstance(valor, dict):
        return _Forma({str(k): _forma(v, profundidad + 1) for k, v in valor.items()})
    if isinstance(valor, (list, tuple)):
        formas = [_forma(v, profundidad + 1) for v in valor]
        if formas and all(isinstance(f, _Forma) for f in formas):
            claves: dict[str, Any] = {}
            for f in formas:
                for k, v in f.claves.items():
                    if v is not None or k not in claves:  # un None (p. ej. correo vacío) no borra lo sabido
                        claves[k] = v
            return _Lista(_Forma(claves))
        distintas = {f if not isinstance(f, _Forma) else None for f in formas}
        return _Lista(distintas.pop() if len(distintas) == 1 else None)
    return type(valor)


def _tipo(tipo: str) -> _Tipo:
    if tipo in _TIPOS:
        return _TIPOS[tipo]
    if tipo not in TIPOS_PLANTILLA:
        raise ErrorPlantilla(f"Tipo de plantilla desconocido: «{tipo}» (use uno de: {', '.join(TIPOS_PLANTILLA)})")
    nombre_modulo, nombre_contexto, nombre_ejemplo = TIPOS_PLANTILLA[tipo]
    try:
        modulo = importlib.import_module(nombre_modulo)
        funcion_contexto = getattr(modulo, nombre_contexto)
        ejemplo = getattr(modulo, nombre_ejemplo)()
    except (ImportError, AttributeError):
        raise ErrorPlantilla(f"El tipo de documento «{tipo}» todavía no está disponible") from None
    contexto = funcion_contexto(ejemplo)
    # Una raíz que es el mismo objeto que un campo de otra (encabezado = practica.encabezado)
    # se nombra como ese campo en el informe.
    alias: dict[str, str] = {}
    for nombre, valor in contexto.items():
        if isinstance(valor, BaseModel):
            for campo in type(valor).model_fields:
                sub = getattr(valor, campo, None)
                for otro, valor_otro in contexto.items():
                    if otro != nombre and sub is valor_otro and isinstance(sub, (BaseModel, list)):
                        alias.setdefault(otro, f"{nombre}.{campo}")
    raices = {nombre: _Valor(_forma(valor), alias.get(nombre, nombre)) for nombre, valor in contexto.items()}
    raiz = next((n for n, v in contexto.items() if type(v) is type(ejemplo)), type(ejemplo).__name__)
    resultado = _TIPOS[tipo] = _Tipo(funcion_contexto, ejemplo, raices, raiz)
    return resultado


# --------------------------------------------- campos obligatorios (ensayo)

_MARCA = "QZV{:04d}MRC"


@dataclass(frozen=True)
class _Obligatorio:
    ruta: tuple[str, ...]  # ("actores", "[]", "entidad")
    etiqueta: str
    tipo: Any  # str, date o _Lista(str)

    @property
    def texto(self) -> str:
        return ".".join(self.ruta).replace(".[]", "[]")


def _obligatorios(modelo: type[BaseModel], prefijo: tuple[str, ...] = (), profundidad: int = 0) -> list[_Obligatorio]:
    """Campos obligatorios de texto o fecha, siguiendo solo cadenas de campos obligatorios."""
    resultado: list[_Obligatorio] = []
    if profundidad > 6:
        return resultado
    for nombre, info in modelo.model_fields.items():
        if not info.is_required():
            continue
        tipo = _tipo_de_anotacion(info.annotation)
        ruta = (*prefijo, nombre)
        etiqueta = (info.title or nombre).rstrip(":").strip()
        if _es_modelo(tipo):
            resultado += _obligatorios(tipo, ruta, profundidad + 1)
        elif isinstance(tipo, _Lista) and _es_modelo(tipo.elemento):
            resultado += _obligatorios(tipo.elemento, (*ruta, "[]"), profundidad + 1)
        elif tipo in (str, date) or (isinstance(tipo, _Lista) and tipo.elemento is str):
            if typing.get_origin(info.annotation) is typing.Literal:
                continue  # una opción de lista se muestra con su rótulo, no se puede marcar
            resultado.append(_Obligatorio(ruta, etiqueta, tipo))
    return resultado


def _reemplazar(objeto: Any, ruta: tuple[str, ...], fabrica: Callable[[Any], Any]) -> Any:
    """Copia de ``objeto`` con el valor en ``ruta`` cambiado (en todos los elementos de las listas)."""
    if not ruta:
        return fabrica(objeto)
    cabeza, resto = ruta[0], ruta[1:]
    if cabeza == "[]":
        return [_reemplazar(e, resto, fabrica) for e in objeto]
    return objeto.model_copy(update={cabeza: _reemplazar(getattr(objeto, cabeza), resto, fabrica)})


class _Marcas:
    def __init__(self) -> None:
        self.n = 0
        self.por_campo: dict[str, list[str]] = {}

    def fabrica(self, campo: _Obligatorio) -> Callable[[Any], Any]:
        marcas = self.por_campo.setdefault(campo.texto, [])

        def nueva() -> str:
            self.n += 1
            marcas.append(_MARCA.format(self.n))
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


def _ensayar(fuentes: list[str], tipo: str) -> tuple[list[str], list[str]]:
    """Renderiza (en memoria y en el sandbox) las partes con un ejemplo cuyos campos obligatorios llevan marcas.

    Devuelve (campos obligatorios que no aparecen, errores al renderizar). Las variables
    desconocidas ya se informaron: aquí valen vacío, para informar también lo que falta.
    Los campos que no se pueden marcar sin romper el contexto (ids a los que otros se
    refieren, opciones de lista) no se juzgan.
    """
    datos_tipo = _tipo(tipo)
    ejemplo = datos_tipo.ejemplo
    marcas = _Marcas()
    marcado = ejemplo
    juzgables: list[_Obligatorio] = []
    for campo in _obligatorios(type(ejemplo)):
        try:
            candidato = _reemplazar(marcado, campo.ruta, marcas.fabrica(campo))
            datos_tipo.contexto(candidato)
        except Exception:  # noqa: BLE001 - el valor se usa como clave en otra parte: no se puede marcar
            marcas.por_campo.pop(campo.texto, None)
            continue
        marcado = candidato
        juzgables.append(campo)
    entorno = crear_entorno()
    entorno.undefined = ChainableUndefined
    contexto = dict(datos_tipo.contexto(marcado))
    contexto["imagen"] = lambda *args, **kwargs: ""
    salida: list[str] = []
    try:
        for fuente in fuentes:
            salida.append(entorno.from_string(fuente).render(contexto))
    except Exception as exc:  # noqa: BLE001 - una plantilla ajena puede fallar de cualquier modo
        detalle = exc.message if isinstance(exc, TemplateError) and exc.message else type(exc).__name__
        return [], [f"La plantilla falla al probarla con datos de ejemplo: {detalle}"]
    # Solo cuenta lo que un lector ve: el texto dentro de <w:t> (no un atributo ni texto suelto).
    texto = "\n".join(html.unescape(t) for t in re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", "".join(salida)))
    faltantes = []
    for campo in juzgables:
        lista = marcas.por_campo.get(campo.texto, [])
        if lista and not any(m in texto for m in lista):
            faltantes.append(f"El campo obligatorio «{datos_tipo.raiz}.{campo.texto}» ({campo.etiqueta}) no "
                             "aparece en la plantilla: sus datos se perderían")
    return faltantes, []


# --------------------------------------------------------------- la plantilla


def _partes(ruta: Path) -> Iterator[tuple[str, str]]:
    """(nombre, XML) de cada parte con marcas Jinja; rechaza lo que no es un .docx o es una bomba zip."""
    try:
        with zipfile.ZipFile(ruta) as zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > TAMANO_MAXIMO_PLANTILLA:
                raise ErrorPlantilla(
                    f"La plantilla {ruta.name} ocupa más de {TAMANO_MAXIMO_PLANTILLA // (1024 * 1024)} MB "
                    "descomprimida: no parece una plantilla de Word y se rechaza"
                )
            nombres = {i.filename for i in infos}
            if "word/document.xml" not in nombres:
                raise ErrorPlantilla(f"La plantilla {ruta.name} no es un documento de Word (.docx)")
            partes = [(i.filename, zf.read(i)) for i in infos if _PARTES.match(i.filename)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError):
        raise ErrorPlantilla(f"La plantilla {ruta.name} no es un .docx válido (no se pudo abrir)") from None
    for nombre, datos in partes:
        try:
            yield nombre, datos.decode("utf-8")
        except UnicodeDecodeError:
            raise ErrorPlantilla(f"La plantilla {ruta.name} tiene una parte dañada ({nombre})") from None


def _nombre_parte(nombre: str) -> str:
    base = re.sub(r"\d+$", "", Path(nombre).stem)
    return _NOMBRES_PARTE.get(base, nombre)


def _texto_linea(fuente: str, linea: int) -> str:
    lineas = fuente.split("\n")
    if not 1 <= linea <= len(lineas):
        return ""
    texto = html.unescape(re.sub(r"<[^>]+>", "", lineas[linea - 1]))
    texto = " ".join(texto.split())
    return texto if len(texto) <= 70 else texto[:67] + "…"


def _analizar(ruta: Path, tipo: str) -> InformePlantilla:
    if not ruta.is_file():
        return InformePlantilla(ruta, tipo, errores=(f"No existe la plantilla: {ruta}",), legible=False)
    try:
        partes = list(_partes(ruta))
    except ErrorPlantilla as exc:
        return InformePlantilla(ruta, tipo, errores=(str(exc),), legible=False)
    ctx = _tipo(tipo)
    entorno = crear_entorno()
    globales = set(entorno.globals) | {"imagen"}
    hallazgos = _Hallazgos()
    errores: list[str] = []
    auxiliar = DocxTemplate(str(ruta))  # solo su preprocesado (patch_xml), como motor_docx
    hay_marcas = False
    fuentes: list[str] = []
    for nombre, fuente in partes:
        visible = html.unescape(re.sub(r"<[^>]+>", "", fuente))
        if "{{" not in visible and "{%" not in visible:
            continue
        hay_marcas = True
        parte = _nombre_parte(nombre)
        for marca in sorted(set(re.findall(r"\{\{[rp] ", visible))):
            # docxtpl espera ahí texto enriquecido o un subdocumento: un texto quedaría fuera de la corrida.
            hallazgos.prohibidas.setdefault(f"{marca}|{parte}", (
                f"«{marca}…}}}}» es para texto enriquecido o subdocumentos de docxtpl, que estos datos no traen: "
                f"el valor quedaría fuera del texto del documento; use «{{{{ … }}}}» ({parte})"
            ))
        fuente = auxiliar.patch_xml(fuente)
        fuente = re.sub(r"<w:p([ >])", r"\n<w:p\1", fuente)
        fuentes.append(fuente)

        def donde(nodo: nodes.Node, parte: str = parte, fuente: str = fuente) -> str:
            texto = _texto_linea(fuente, getattr(nodo, "lineno", 0))
            return f"{parte}, cerca de «{texto}»" if texto else parte

        try:
            arbol = entorno.parse(fuente)
        except TemplateError as exc:
            linea = getattr(exc, "lineno", 0) or 0
            texto = _texto_linea(fuente, linea)
            cerca = f", cerca de «{texto}»" if texto else ""
            errores.append(f"Error de sintaxis en {parte}{cerca}: {_traducir_sintaxis(exc)}")
            continue
        antes = len(hallazgos.prohibidas)
        hallazgos.libres = {}
        _Analizador(ctx.raices, globales, hallazgos, donde).visitar(arbol)
        libres = hallazgos.libres
        if len(hallazgos.prohibidas) == antes:
            # Solo con un árbol sin nada peligroso: el generador de código de Jinja evalúa las
            # constantes («'a' * 10**9») y detecta los filtros inexistentes.
            try:
                no_declaradas = meta.find_undeclared_variables(arbol)
                entorno.compile(arbol)
            except TemplateError as exc:
                errores.append(f"Error en {parte}: {_traducir_sintaxis(exc)}")
            else:
                libres = {n: d for n, d in libres.items() if n in no_declaradas}
        for nombre_libre, lugar in libres.items():
            hallazgos.desconocidas.setdefault(
                nombre_libre, f"«{nombre_libre}»: no es un dato de este documento (use {_lista_raices(ctx)}) ({lugar})"
            )
    if not hay_marcas:
        errores.append(f"La plantilla {ruta.name} no tiene ningún campo {{{{ … }}}}")
    usadas = list(hallazgos.usadas)
    faltantes: list[str] = []
    if not (errores or hallazgos.prohibidas):
        # Solo una plantilla sin nada peligroso se prueba (en memoria y en el sandbox).
        faltantes, errores_ensayo = _ensayar(fuentes, tipo)
        errores += errores_ensayo
    return InformePlantilla(
        ruta, tipo,
        desconocidas=tuple(hallazgos.desconocidas.values()),
        faltantes=tuple(faltantes),
        prohibidas=tuple(hallazgos.prohibidas.values()),
        errores=tuple(errores),
        usadas=tuple(usadas),
    )


def _lista_raices(ctx: _Tipo) -> str:
    return ", ".join(f"«{r}»" for r in ctx.raices)


def _traducir_sintaxis(exc: TemplateError) -> str:
    texto = str(exc.message or exc)
    traducciones = (
        (r"No filter named '([^']+)'\.?", r"no existe el filtro «\1»"),
        (r"No test named '([^']+)'\.?", r"no existe la prueba «\1»"),
        (r"Unexpected end of template\..*innermost block that needs to be closed is '([^']+)'.*",
         r"la plantilla termina sin cerrar el bloque «{% \1 %}»"),
        (r"Unexpected end of template.*", "la plantilla termina sin cerrar un bloque ({% endfor %}, {% endif %}…)"),
        (r"Encountered unknown tag '([^']+)'\..*innermost block that needs to be closed is '([^']+)'.*",
         r"se encontró «{% \1 %}» cuando faltaba cerrar el bloque «{% \2 %}»"),
        (r"Encountered unknown tag '([^']+)'.*", r"etiqueta desconocida «{% \1 %}»"),
        (r"unexpected '([^']+)'", r"símbolo inesperado «\1»"),
        (r"expected token '([^']+)', got '([^']+)'", r"se esperaba «\1» y se encontró «\2»"),
        (r"unexpected char [\"']?(.)[\"']? at \d+", r"carácter inesperado «\1» (¿comillas sin cerrar?)"),
    )
    texto = texto.replace("end of print statement", "}}").replace("end of statement block", "%}")
    for patron, reemplazo in traducciones:
        nuevo, n = re.subn(patron, reemplazo, texto)
        if n:
            return nuevo
    return texto


# ---------------------------------------------------------------- API pública

_CACHE: dict[tuple[Path, int, int, str], InformePlantilla] = {}
_CANDADO = threading.Lock()


def verificar_plantilla(ruta: str | Path, tipo: str = "ficha") -> InformePlantilla:
    """Revisa una plantilla Word propia contra el esquema de ``tipo`` ("ficha" o "acuerdo").

    No renderiza nada. Devuelve un :class:`InformePlantilla` con las variables desconocidas,
    los campos obligatorios que no aparecen y las construcciones prohibidas, en español.
    El resultado se guarda por ruta y fecha de modificación: verificar de nuevo es gratis.
    """
    ruta = Path(ruta)
    try:
        estado = ruta.resolve().stat()
        clave = (ruta.resolve(), estado.st_mtime_ns, estado.st_size, tipo)
    except OSError:
        return _analizar(ruta, tipo)
    with _CANDADO:
        informe = _CACHE.get(clave)
    if informe is None:
        informe = _analizar(ruta, tipo)
        with _CANDADO:
            _CACHE[clave] = informe
    return informe


def exigir_plantilla_valida(ruta: str | Path, tipo: str = "ficha") -> InformePlantilla:
    """Como :func:`verificar_plantilla`, pero lanza :class:`ErrorPlantilla` con todos los motivos si no es válida."""
    return verificar_plantilla(ruta, tipo).exigir()


__all__ = ["TIPOS_PLANTILLA", "InformePlantilla", "exigir_plantilla_valida", "verificar_plantilla"]
