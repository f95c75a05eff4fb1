"""Límites de recursos de una plantilla: tamaño, iteraciones, anidamiento y tiempo.

Una plantilla propia es código ajeno: ``'%900000000d'|format(1)``, ``'x' * 10**9`` o dos
``range`` anidados agotarían la memoria o el procesador antes de escribir nada. Cada
operación que puede crecer se mide **antes** de hacerla y cada renderizado lleva un
presupuesto (caracteres creados, vueltas de bucle, llamadas anidadas, segundos); al
pasarlo se lanza :class:`ErrorLimite` con un mensaje en español, nunca MemoryError,
RecursionError ni un cuelgue.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2.exceptions import SecurityError

from ..limites_entrada import LIMITE_CAMPOS_PLANTILLA, miles

LIMITE_TEXTO = 2_000_000
"""Caracteres (o elementos) que puede tener el resultado de una operación (``*``, ``+``, ``~``, format…)."""
LIMITE_ACUMULADO = 20_000_000
"""Caracteres que pueden crear esas operaciones en todo un renderizado."""
LIMITE_SALIDA = 64_000_000
"""Caracteres de XML que puede producir un renderizado (todas sus partes)."""
LIMITE_ITERACIONES = 1_000_000
"""Vueltas de bucle ({% for %}) en todo un renderizado."""
LIMITE_RANGO = 10_000
"""Elementos de un ``range()``."""
LIMITE_ANCHO = 1_000
"""Ancho o precisión en format, center, indent, wordwrap, batch y slice."""
LIMITE_BITS = 4_096
"""Tamaño de un entero calculado (``**`` o ``*`` repetidos)."""
LIMITE_LLAMADAS = 50
"""Llamadas anidadas (macros que se llaman a sí mismas, bucles recursivos)."""
PROFUNDIDAD_BLOQUES = 12
"""Bloques anidados ({% if %} dentro de {% for %}…)."""
PROFUNDIDAD_PARENTESIS = 20
"""Paréntesis, corchetes y llaves anidados en una expresión."""
PROFUNDIDAD_ARBOL = 60
"""Niveles del árbol de una expresión (``a.b.c…``, ``1+1+1…``)."""
TIEMPO_MAXIMO = 20.0
"""Segundos que puede tardar un renderizado."""


class ErrorLimite(SecurityError):
    """Una plantilla pasó un límite de recursos; el mensaje (en español) dice cuál."""

    def __init__(self, mensaje: str, lineno: int | None = None) -> None:
        super().__init__(mensaje)
        self.lineno = lineno  # línea de la fuente, si se sabe (al analizarla)


class PlazoVencido(ErrorLimite):
    """Se acabó el plazo de todo el trabajo (:func:`plazo`): no se sigue con las demás partes."""


class Presupuesto:
    """Lo gastado en un renderizado (un documento con todas sus partes)."""

    __slots__ = ("acumulado", "fin", "iteraciones", "llamadas", "salida")

    def __init__(self, fin: float) -> None:  # sin @dataclass: crearla costaba ~0,3 ms por proceso
        self.fin = fin
        self.acumulado = 0
        self.salida = 0
        self.iteraciones = 0
        self.llamadas = 0

    def reloj(self) -> None:
        revisar_plazo()
        if time.monotonic() > self.fin:
            raise ErrorLimite(f"el renderizado tardó más de {TIEMPO_MAXIMO:g} segundos (bucles demasiado largos)")


_LOCAL = threading.local()


@contextmanager
def presupuesto() -> Iterator[Presupuesto]:
    """El presupuesto del renderizado en curso; si no hay ninguno, abre uno nuevo."""
    actual: Presupuesto | None = getattr(_LOCAL, "actual", None)
    if actual is not None:
        yield actual
        return
    _LOCAL.actual = nuevo = Presupuesto(time.monotonic() + TIEMPO_MAXIMO)
    try:
        yield nuevo
    finally:
        _LOCAL.actual = None


@contextmanager
def plazo(segundos: float, que: str) -> Iterator[None]:
    """Un plazo para todo un trabajo con plantillas (``que``: «la verificación de la plantilla»).

    A diferencia del presupuesto de un renderizado, cubre también analizar y compilar la fuente:
    el analizador lo revisa cada tanto (:func:`revisar_plazo`) y cada renderizado dentro del plazo
    lo respeta. Una plantilla enorme se detiene con un mensaje que dice qué tardó, no con «bloques anidados».
    """
    anterior = getattr(_LOCAL, "plazo", None)
    _LOCAL.plazo = (time.monotonic() + segundos, segundos, que)
    try:
        yield
    finally:
        _LOCAL.plazo = anterior


def revisar_campos(fuente: str, marcas: tuple[str, ...] = ("{{", "{%")) -> None:
    """Cuenta campos y bloques antes de analizar nada: 300.000 en 59 KB comprimidos tardarían minutos y gigas."""
    campos = sum(fuente.count(m) for m in marcas)
    if campos > LIMITE_CAMPOS_PLANTILLA:
        raise ErrorLimite(f"tiene {miles(campos)} campos y bloques; el máximo es {miles(LIMITE_CAMPOS_PLANTILLA)}"
                          " (el formato oficial usa unos 300)")


def revisar_plazo() -> None:
    vigente = getattr(_LOCAL, "plazo", None)
    if vigente is not None and time.monotonic() > vigente[0]:
        raise PlazoVencido(f"{vigente[2]} tardó más de {vigente[1]:g} segundos (la plantilla es demasiado grande)")


def actual() -> Presupuesto | None:
    return getattr(_LOCAL, "actual", None)


def gastar(cantidad: int) -> None:
    """Registra un resultado de ``cantidad`` caracteres o elementos (ya comprobado que cabe)."""
    if cantidad > LIMITE_TEXTO:
        raise ErrorLimite(f"un resultado tendría {miles(cantidad)} caracteres o elementos; "
                          f"el límite es {miles(LIMITE_TEXTO)}")
    p = actual()
    if p is None:
        return
    p.acumulado += cantidad
    if p.acumulado > LIMITE_ACUMULADO:
        raise ErrorLimite(f"las operaciones de la plantilla crean más de {miles(LIMITE_ACUMULADO)} caracteres")


def medida(valor: Any, tope: int = LIMITE_TEXTO) -> int:
    """Caracteres que ocuparía ``valor`` como texto; deja de contar al pasar ``tope``."""
    if isinstance(valor, str):
        return len(valor)
    if isinstance(valor, (list, tuple, dict, set, frozenset)):
        total = 2
        pendientes: list[Any] = [valor]
        while pendientes and total <= tope:
            actual_ = pendientes.pop()
            elementos = actual_.items() if isinstance(actual_, dict) else actual_
            for elemento in elementos:
                total += 2
                if isinstance(elemento, str):
                    total += len(elemento)
                elif isinstance(elemento, (list, tuple, dict, set, frozenset)):
                    pendientes.append(elemento)
                else:
                    total += 24
                if total > tope:
                    break
        return total
    if isinstance(valor, int) and not isinstance(valor, bool):
        return valor.bit_length() // 3 + 1
    return 24


def vigilar(*valores: Any) -> None:
    """Rechaza convertir a texto un valor (p. ej. una lista enorme) que pasaría el límite."""
    for valor in valores:
        if not isinstance(valor, str) and medida(valor) > LIMITE_TEXTO:
            raise ErrorLimite(f"un valor convertido a texto pasaría de {miles(LIMITE_TEXTO)} caracteres")


def ancho(valor: Any, que: str) -> None:
    """Un ancho o una cantidad que pide la plantilla (center(10**9), batch(10**9)…)."""
    if isinstance(valor, int) and not isinstance(valor, bool) and abs(valor) > LIMITE_ANCHO:
        raise ErrorLimite(f"{que} {valor} es demasiado grande (máximo {LIMITE_ANCHO})")


_ESPECIFICACION = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def formato_printf(plantilla: str, argumentos: Any) -> None:
    """``'%900000000d' % 1``: anchos y precisiones acotados, sin ``*`` (ancho tomado de los datos)."""
    for marca in _ESPECIFICACION.finditer(plantilla):
        for numero in marca.groups():
            if numero == "*":
                raise ErrorLimite("un ancho «*» en format no se admite en una plantilla")
            if numero is not None:
                ancho(int(numero), "el ancho en format")
    vigilar(*(argumentos if isinstance(argumentos, tuple) else (argumentos,)))
    gastar(len(plantilla) + sum(medida(a) for a in (argumentos if isinstance(argumentos, tuple) else (argumentos,))))


def _potencia(base: Any, exponente: Any) -> None:
    if isinstance(base, int) and isinstance(exponente, int) and exponente > 0:
        bits = max(base.bit_length(), 1) * exponente
        if bits > LIMITE_BITS:
            raise ErrorLimite(f"una potencia daría un número de más de {LIMITE_BITS} bits")


def _multiplicacion(izquierda: Any, derecha: Any, numeros: bool) -> None:
    """Dos números (bits del resultado) o una secuencia repetida (su tamaño)."""
    if numeros:
        if isinstance(izquierda, int) and isinstance(derecha, int) \
                and izquierda.bit_length() + derecha.bit_length() > LIMITE_BITS:
            raise ErrorLimite(f"una multiplicación daría un número de más de {LIMITE_BITS} bits")
        return
    veces = derecha if isinstance(derecha, int) else izquierda
    serie = izquierda if isinstance(derecha, int) else derecha
    if isinstance(veces, int) and hasattr(serie, "__len__"):
        gastar(max(veces, 0) * len(serie))
        if not isinstance(serie, str) and max(veces, 0) * medida(serie) > LIMITE_TEXTO:
            raise ErrorLimite("una lista repetida pasaría el límite de tamaño")


def operador(simbolo: str, izquierda: Any, derecha: Any) -> None:
    """Mide ``*``, ``**``, ``+`` y ``%`` antes de calcularlos."""
    numeros = all(isinstance(v, (int, float)) for v in (izquierda, derecha))
    if simbolo == "**" and numeros:
        _potencia(izquierda, derecha)
    elif simbolo == "*":
        _multiplicacion(izquierda, derecha, numeros)
    elif simbolo == "+" and hasattr(izquierda, "__len__") and hasattr(derecha, "__len__"):
        gastar(len(izquierda) + len(derecha))
    elif simbolo == "%" and isinstance(izquierda, str):
        formato_printf(izquierda, derecha)
