"""La única forma de poner un texto dentro de una fórmula de Excel o LibreOffice.

Un nombre que viene de datos (una zona de un método propio, un estado, una respuesta) va en una
fórmula como **literal de texto**: entre comillas dobles y con cada comilla interna doblada, que
es como Excel y LibreOffice escapan. Así ``Alta"&WEBSERVICE("http://x")&"`` sigue siendo un texto
que se compara, nunca una función que se ejecuta, y una comilla suelta no rompe el libro. Todo
constructor de fórmulas (celdas, formato condicional, listas de validación) usa estas funciones;
``tests/test_formulas.py`` revisa el código (ningún ``"{…}"`` armado a mano) y los libros generados.
"""

from __future__ import annotations

from collections.abc import Iterable

LARGO_LITERAL = 255
"""Caracteres de un literal de texto en una fórmula: Excel no admite más."""

_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}


def texto_formula(texto: str) -> str:
    """``texto`` como literal de fórmula, con las comillas dobladas: ``a"b`` → ``"a""b"``.

    Rechaza (ValueError) lo que ningún escape arregla: caracteres de control y más de
    :data:`LARGO_LITERAL` caracteres (los esquemas ya lo impiden; esto es la última defensa).
    """
    if not isinstance(texto, str):
        raise TypeError("texto_formula recibe texto")
    if len(texto) > LARGO_LITERAL:
        raise ValueError(f"un texto dentro de una fórmula admite como máximo {LARGO_LITERAL} caracteres")
    if any(c in _CONTROL for c in texto):
        raise ValueError("un texto dentro de una fórmula no puede llevar caracteres de control")
    return '"' + texto.replace('"', '""') + '"'


def lista_en_linea(opciones: Iterable[str]) -> str:
    """Lista de validación escrita en la fórmula (``"Sí,No,Sin valorar"``).

    En esa forma la coma separa opciones y no hay escape para comillas: una opción con coma o
    comilla no se puede escribir así (ValueError); use una lista en una hoja (un rango).
    """
    elementos = list(opciones)
    for opcion in elementos:
        if "," in opcion or '"' in opcion:
            raise ValueError("una opción de una lista en línea no puede llevar comas ni comillas")
    return texto_formula(",".join(elementos))


__all__ = ["LARGO_LITERAL", "lista_en_linea", "texto_formula"]
