"""Cuánto ocupa un texto en una celda de Excel: ancho en puntos (Arial) y líneas al ajustarlo por palabras.

LibreOffice no recalcula al abrir el alto de las filas que escribe openpyxl, ni Excel el de
las filas con alto fijo: el alto se calcula aquí, con las métricas de Arial (las de Helvetica,
que Arial y Liberation Sans copian) y el mismo corte por palabras que hacen ellos. Es una
tabla fija, no la fuente de la máquina: el libro sale igual en cualquier parte.
"""

from __future__ import annotations

import math
import unicodedata

PT_POR_UNIDAD = 5.0
"""Puntos por unidad de ancho de columna como los imprime LibreOffice (medido en el PDF: 4 pt al 80 %)."""
RELLENO_PT = 4.0
"""Margen interior de la celda (izquierda y derecha) que no lleva texto."""
HOLGURA = 1.04
"""Los anchos medidos se agrandan un poco: el texto nunca cabe «justo» en el cálculo y no en el papel."""

_ASCII = " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"
_NORMAL = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 500 222 833 "
    "556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584"
)
_NEGRITA = (
    "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 556 "
    "333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 722 667 "
    "611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 556 278 889 "
    "611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584"
)
_ANCHOS = {
    False: dict(zip(_ASCII, map(int, _NORMAL.split()), strict=True)),
    True: dict(zip(_ASCII, map(int, _NEGRITA.split()), strict=True)),
}
_OTROS = {"—": 1000, "–": 556, "…": 1000, "«": 556, "»": 556, "·": 278, "•": 350, "°": 400, "¿": 611, "¡": 333}


def _ancho_caracter(c: str, negrita: bool) -> int:
    tabla = _ANCHOS[negrita]
    if c in tabla:
        return tabla[c]
    if c in _OTROS:
        return _OTROS[c]
    base = unicodedata.normalize("NFD", c)[:1]  # á → a, Ñ → N
    return tabla.get(base, 1000)  # lo desconocido (emoji, otros alfabetos) cuenta como ancho


def ancho_texto(texto: str, tamano: float = 9.0, *, negrita: bool = False) -> float:
    """Puntos que ocupa ``texto`` en una línea, en Arial de ``tamano`` puntos."""
    return sum(_ancho_caracter(c, negrita) for c in texto) * tamano / 1000 * HOLGURA


def unidades_para(ancho_pt: float) -> float:
    """Unidades de ancho de columna en que caben ``ancho_pt`` puntos de texto (con el margen de la celda)."""
    return math.ceil((ancho_pt + RELLENO_PT) / PT_POR_UNIDAD * 2) / 2


def ancho_palabra_mas_larga(texto: str, tamano: float = 9.0, *, negrita: bool = False) -> float:
    """Unidades de columna que necesita la palabra más larga: así el ajuste nunca parte una palabra."""
    return max((unidades_para(ancho_texto(p, tamano, negrita=negrita)) for p in texto.split()), default=0.0)


def lineas_texto(texto: str, ancho_columna: float, tamano: float = 9.0, *, negrita: bool = False) -> int:
    """Líneas que ocupa ``texto`` ajustado por palabras en una columna de ``ancho_columna`` unidades."""
    disponible = max(1.0, ancho_columna * PT_POR_UNIDAD - RELLENO_PT)
    espacio = ancho_texto(" ", tamano, negrita=negrita)
    total = 0
    for parrafo in texto.split("\n"):
        lineas, usado = 1, 0.0
        for palabra in parrafo.split():
            ancho = ancho_texto(palabra, tamano, negrita=negrita)
            if usado and usado + espacio + ancho > disponible:
                lineas, usado = lineas + 1, 0.0
            if ancho > disponible:  # una palabra más ancha que la columna se parte en varias líneas
                extra = math.ceil(ancho / disponible) - 1
                lineas += extra
                ancho -= extra * disponible
            usado = ancho if not usado else usado + espacio + ancho
        total += lineas
    return max(total, 1)
