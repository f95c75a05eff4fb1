"""El entorno aislado de las plantillas Word: lista blanca de atributos, llamadas y filtros.

El sandbox de Jinja por omisión solo bloquea los nombres que empiezan por «_»: con un
``pathlib.Path`` en los datos, ``{{ a.archivo.read_text() }}`` leía un archivo. Aquí se
invierte la regla: una plantilla solo puede leer los atributos y llamar los métodos de la
lista blanca (:data:`ATRIBUTOS_PERMITIDOS`), usar los filtros de :data:`FILTROS_PERMITIDOS`
y las funciones globales de :data:`GLOBALES_PERMITIDAS`; todo lo demás es
:class:`~jinja2.sandbox.SecurityError` con un mensaje en español. Cada operación que puede
crecer pasa por :mod:`acuerdo_docs.salida.limites`.

Esta lista vive solo aquí: la usan los dos caminos de renderizado (compilado y docxtpl)
y la verificación de plantillas propias.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS as DEFAULT_FILTERS
from jinja2.runtime import Context, LoopContext, Macro, Undefined, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace

from ..limites_entrada import miles
from . import limites
from .limites import ErrorLimite, gastar, medida, presupuesto, vigilar

METODOS_TEXTO = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha", "isdecimal", "isdigit",
    "islower", "isnumeric", "isspace", "istitle", "isupper", "join", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rpartition", "rsplit", "rstrip", "split",
    "splitlines", "startswith", "strip", "swapcase", "title", "upper",
})
"""Métodos de texto que una plantilla puede llamar (ni format, ni center, ni encode…)."""

ATRIBUTOS_PERMITIDOS: tuple[tuple[type | tuple[type, ...], frozenset[str]], ...] = (
    (str, METODOS_TEXTO),
    (dict, frozenset({"items", "keys", "values", "get"})),
    ((list, tuple), frozenset({"count", "index"})),
    (datetime, frozenset({"year", "month", "day", "hour", "minute", "second", "isoformat", "weekday",
                          "isoweekday"})),
    (date, frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"})),
    (LoopContext, frozenset({"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth",
                             "depth0", "previtem", "nextitem", "cycle", "changed"})),
    (Cycler, frozenset({"current", "next", "reset"})),
)
"""Por tipo: los atributos y métodos que una plantilla puede usar. Las claves de un dict se leen aparte."""

FILTROS_PERMITIDOS = frozenset({
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
    "filesizeformat", "first", "float", "format", "groupby", "indent", "int", "items", "join", "last",
    "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round",
    "select", "selectattr", "slice", "sort", "string", "striptags", "sum", "title", "trim", "truncate",
    "unique", "upper", "wordcount", "wordwrap",
})
"""Filtros de Jinja que quedan (sin safe, urlize, random, pprint, tojson, xmlattr, urlencode…)."""

NOMBRES_GLOBALES = ("range", "dict", "cycler", "joiner", "namespace")
"""Funciones globales de Jinja que quedan (sin lipsum); el motor agrega ``parrafos`` e ``imagen``."""

FILTRO_VUELTAS = "_contar_vueltas"
"""Filtro interno que envuelve el iterable de cada {% for %} (cuenta las vueltas)."""
_ATRIBUTOS_DICT = frozenset(dir(dict))
"""Los únicos atributos de un ``dict`` (sin ``__dict__``): ver :meth:`EntornoSeguro.getattr`."""
_ABREN_BLOQUE = frozenset({"for", "if", "macro", "call", "filter", "with", "block", "autoescape"})
_NOMBRES_TIPO = {
    str: "texto", dict: "diccionario", list: "lista", tuple: "lista", int: "número", float: "número",
    bool: "sí/no", date: "fecha", datetime: "fecha", type(None): "vacío",
}


def nombre_tipo(valor: Any) -> str:
    for tipo in type(valor).__mro__:
        if tipo in _NOMBRES_TIPO:
            return _NOMBRES_TIPO[tipo]
    return type(valor).__name__


def permitido(objeto: Any, atributo: str) -> bool:
    """¿Está ``objeto.atributo`` en la lista blanca?"""
    if atributo.startswith("_"):
        return False
    if isinstance(objeto, (Namespace, Undefined)):  # el objeto propio de la plantilla ({% set ns.x = … %})
        return True  # y lo indefinido (StrictUndefined falla con su nombre; ChainableUndefined sigue vacío)
    return any(isinstance(objeto, tipo) and atributo in nombres for tipo, nombres in ATRIBUTOS_PERMITIDOS)


class FuncionDelMotor:
    """Base de las funciones que el motor pone en el contexto (``imagen``): se pueden llamar, nada más."""


# ------------------------------------------------------------- límites previos


def _rango(*args: int) -> range:
    rango = range(*args)
    if len(rango) > limites.LIMITE_RANGO:
        raise ErrorLimite(f"range() de {miles(len(rango))} elementos (máximo {miles(limites.LIMITE_RANGO)})")
    return rango


def _contar_vueltas(iterable: Any) -> Iterator[Any]:
    """Cada vuelta de un {% for %} gasta del presupuesto (bucles anidados que queman CPU)."""
    if isinstance(iterable, Undefined):
        iterable = iter(iterable)  # StrictUndefined avisa con su nombre
    with presupuesto() as p:
        for elemento in iterable:
            p.iteraciones += 1
            if p.iteraciones > limites.LIMITE_ITERACIONES:
                raise ErrorLimite(f"los bucles dan más de {miles(limites.LIMITE_ITERACIONES)} vueltas")
            if p.iteraciones % 1024 == 0:
                p.reloj()
            yield elemento


def _previo_texto(texto: Any, viejo: Any, nuevo: Any, cuenta: Any = None) -> None:
    if isinstance(texto, str) and isinstance(viejo, str) and isinstance(nuevo, str):
        veces = texto.count(viejo) if viejo else len(texto) + 1
        if isinstance(cuenta, int) and cuenta >= 0:
            veces = min(veces, cuenta)
        gastar(len(texto) + veces * max(len(nuevo) - len(viejo), 0))


def _previo_union(separador: Any, elementos: Any) -> None:
    vigilar(elementos)
    if isinstance(separador, str) and hasattr(elementos, "__len__"):
        gastar(medida(elementos) + len(elementos) * len(separador))


def _previo_sum(valor: Any, attribute: Any = None, start: Any = 0) -> None:
    if not isinstance(start, (int, float)):
        raise SecurityError("el filtro «sum» solo suma números")


def _previo_indent(valor: Any, width: Any = 4, first: bool = False, blank: bool = False) -> None:
    limites.ancho(width if isinstance(width, int) else len(str(width)), "el ancho de indent")


def _previo_wordwrap(valor: Any, width: int = 79, break_long_words: bool = True, wrapstring: Any = None,
                     break_on_hyphens: bool = True) -> None:
    gastar(len(str(valor)) * (1 + len(str(wrapstring or "\n"))))


_PREVIOS: dict[str, Callable[..., None]] = {
    "center": lambda valor, width=80: limites.ancho(width, "el ancho de center"),
    "indent": _previo_indent,
    "format": lambda valor, *args, **kwargs: limites.formato_printf(str(valor), args or tuple(kwargs.values())),
    "wordwrap": _previo_wordwrap,
    "batch": lambda valor, linecount, fill_with=None: limites.ancho(linecount, "el tamaño de batch"),
    "slice": lambda valor, slices, fill_with=None: limites.ancho(slices, "el número de partes de slice"),
    "replace": lambda _ctx, texto, viejo, nuevo, count=None: _previo_texto(texto, viejo, nuevo, count),
    "join": lambda _ctx, valor, d="", attribute=None: _previo_union(d, valor),
    "sum": _previo_sum,
}
"""Comprobaciones antes de llamar un filtro que puede crecer (reciben los mismos argumentos)."""


def vigilado(nombre: str, filtro: Callable[..., Any]) -> Callable[..., Any]:
    """El filtro ``nombre`` con su comprobación previa y su resultado medido."""
    previo = _PREVIOS.get(nombre)
    pasa_argumento = getattr(filtro, "jinja_pass_arg", None) is not None

    @functools.wraps(filtro)
    def envuelto(*args: Any, **kwargs: Any) -> Any:
        vigilar(*(args[1:] if pasa_argumento else args), *kwargs.values())
        if previo is not None:
            previo(*args, **kwargs)
        resultado = filtro(*args, **kwargs)
        if isinstance(resultado, (str, list, tuple)):
            gastar(len(resultado))
        return resultado

    return envuelto


# ------------------------------------------------------------------ el entorno


class _Generador(CodeGenerator):
    """Como el de Jinja, pero ``a ~ b`` pasa por :meth:`EntornoSeguro.unir` (mide el resultado)."""

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.unir(context, (")
        for argumento in node.nodes:
            self.visit(argumento, frame)
            self.write(", ")
        self.write("))")


class EntornoSeguro(ImmutableSandboxedEnvironment):
    """Sandbox inmutable de Jinja con lista blanca y límites de recursos."""

    code_generator_class = _Generador
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **opciones: Any) -> None:
        super().__init__(**opciones)
        self.filters = {nombre: vigilado(nombre, DEFAULT_FILTERS[nombre]) for nombre in sorted(FILTROS_PERMITIDOS)}
        self.filters[FILTRO_VUELTAS] = _contar_vueltas
        self.globals = {nombre: self.globals[nombre] for nombre in NOMBRES_GLOBALES}
        self.globals["range"] = _rango
        self._invocables: tuple[Any, ...] = (_rango, dict, Cycler, Joiner, Namespace)

    def agregar_filtros(self, **filtros: Callable[..., Any]) -> None:
        """Filtros propios del motor (fechas, párrafos), también vigilados."""
        for nombre, filtro in filtros.items():
            self.filters[nombre] = vigilado(nombre, filtro)

    def agregar_global(self, nombre: str, funcion: Callable[..., Any]) -> None:
        """Una función global que la plantilla puede llamar (p. ej. ``parrafos``)."""
        self.globals[nombre] = funcion
        self._invocables += (funcion,)

    # -- lista blanca
    def getattr(self, obj: Any, attribute: str) -> Any:
        """``a.b``: como el de Jinja (primero el atributo, con la lista blanca; si no hay, el elemento).

        Un ``dict`` de los datos planos no tiene más atributos que los métodos de ``dict`` (no tiene
        ``__dict__``): con otro nombre, Jinja acabaría en ``obj[attribute]`` tras un ``AttributeError``.
        Se va directo, sin la excepción (la mitad del costo de cada campo impreso).
        """
        if obj.__class__ is dict and attribute not in _ATRIBUTOS_DICT:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return permitido(obj, attr)

    def is_safe_callable(self, obj: Any) -> bool:
        if isinstance(obj, (Macro, LoopContext, Joiner, FuncionDelMotor)):
            return True
        if any(obj is invocable for invocable in self._invocables):
            return True
        if isinstance(obj, (types.BuiltinMethodType, types.MethodType)):
            return permitido(obj.__self__, obj.__name__)
        return False

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format no está en la lista blanca (use el filtro format)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        raise SecurityError(f"«{attribute}» de un valor de tipo {nombre_tipo(obj)} no está en la lista blanca "
                            "de la plantilla")

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if isinstance(__obj, Undefined):
            nombre = getattr(__obj, "_undefined_name", None) or "…"
            raise SecurityError(f"llama a «{nombre}», que no es un método permitido en una plantilla")
        if not __self.is_safe_callable(__obj):
            raise SecurityError(f"un valor de tipo {nombre_tipo(__obj)} no se puede llamar desde una plantilla")
        duenio = getattr(__obj, "__self__", None)
        if isinstance(duenio, str) and args:
            if __obj.__name__ == "replace" and len(args) >= 2:
                _previo_texto(duenio, args[0], args[1], args[2] if len(args) > 2 else None)
            elif __obj.__name__ == "join":
                _previo_union(duenio, args[0])
        if isinstance(__obj, LoopContext) and args:  # bucle recursivo: sus vueltas también cuentan
            args = (_contar_vueltas(args[0]), *args[1:])
        with presupuesto() as p:
            p.reloj()
            p.llamadas += 1
            try:
                if p.llamadas > limites.LIMITE_LLAMADAS:
                    raise ErrorLimite(f"más de {limites.LIMITE_LLAMADAS} llamadas anidadas (¿una macro que se llama "
                                      "a sí misma?)")
                resultado = __context.call(__obj, *args, **kwargs)
            finally:
                p.llamadas -= 1
        if isinstance(resultado, (str, list, tuple)):
            gastar(len(resultado))
        return resultado

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        limites.operador(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def unir(self, contexto: Context, partes: tuple[Any, ...]) -> str:
        """``a ~ b ~ c``, medido antes de unir."""
        vigilar(*partes)
        gastar(sum(medida(p) for p in partes))
        return markup_join(partes) if contexto.eval_ctx.autoescape else str_join(partes)

    def concat(self, partes: Iterable[str]) -> str:
        """La salida de un renderizado, con su tope de tamaño y de tiempo."""
        trozos: list[str] = []
        agregar = trozos.append
        with presupuesto() as p:
            disponible = limites.LIMITE_SALIDA - p.salida  # se cuenta en una variable local: es por trozo
            for trozo in partes:
                disponible -= len(trozo)
                if disponible < 0:
                    raise ErrorLimite(f"la plantilla produce más de {miles(limites.LIMITE_SALIDA)} caracteres")
                agregar(trozo)
            p.salida = limites.LIMITE_SALIDA - disponible
            p.reloj()
        return "".join(trozos)

    # -- anidamiento: se mide antes de que el analizador o el compilador recurran
    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        self._medir_anidamiento(source, name, filename)
        try:
            arbol = super()._parse(source, name, filename)
        except RecursionError:
            raise ErrorLimite("la plantilla anida demasiadas expresiones") from None
        _medir_arbol(arbol)
        for bucle in arbol.find_all(nodes.For):
            bucle.iter = nodes.Filter(bucle.iter, FILTRO_VUELTAS, [], [], None, None, lineno=bucle.iter.lineno)
        return arbol

    def _generate(self, source: nodes.Template, name: str | None, filename: str | None,
                  defer_init: bool = False) -> str:
        try:
            return super()._generate(source, name, filename, defer_init)
        except RecursionError:
            raise ErrorLimite("la plantilla anida demasiadas expresiones") from None

    def _compile(self, source: str, filename: str) -> types.CodeType:
        try:
            return super()._compile(source, filename)
        except (SyntaxError, RecursionError):  # «too many statically nested blocks»
            raise ErrorLimite("la plantilla anida demasiados bloques") from None
        except MemoryError:
            raise ErrorLimite("la plantilla es demasiado grande para compilarse") from None

    def _medir_anidamiento(self, fuente: str, nombre: str | None, archivo: str | None) -> None:
        limites.revisar_campos(fuente, (self.variable_start_string, self.block_start_string))
        bloques = parentesis = 0
        tras_apertura = False
        for n, token in enumerate(self._tokenize(fuente, nombre, archivo)):
            if n % 2048 == 0:
                limites.revisar_plazo()
            if tras_apertura and token.type == "name":
                if token.value in _ABREN_BLOQUE:
                    bloques += 1
                    if bloques > limites.PROFUNDIDAD_BLOQUES:
                        raise ErrorLimite(f"más de {limites.PROFUNDIDAD_BLOQUES} bloques anidados",
                                          token.lineno)
                elif token.value.startswith("end") and token.value != "endset":
                    bloques -= 1
            tras_apertura = token.type == "block_begin"
            if token.type in ("lparen", "lbracket", "lbrace"):
                parentesis += 1
                if parentesis > limites.PROFUNDIDAD_PARENTESIS:
                    raise ErrorLimite(f"más de {limites.PROFUNDIDAD_PARENTESIS} paréntesis anidados",
                                      token.lineno)
            elif token.type in ("rparen", "rbracket", "rbrace"):
                parentesis = max(parentesis - 1, 0)


def _medir_arbol(arbol: nodes.Node) -> None:
    pendientes: list[tuple[nodes.Node, int]] = [(arbol, 0)]
    while pendientes:
        nodo, nivel = pendientes.pop()
        if nivel > limites.PROFUNDIDAD_ARBOL:
            raise ErrorLimite(f"una expresión anida más de {limites.PROFUNDIDAD_ARBOL} niveles",
                              getattr(nodo, "lineno", None))
        pendientes.extend((hijo, nivel + 1) for hijo in nodo.iter_child_nodes())
