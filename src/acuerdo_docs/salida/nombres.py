"""Nombres de archivo seguros a partir de un patrón sobre los campos de cada fila.

El patrón usa la sintaxis de ``str.format`` con nombres de campo simples
(``{fecha_inicio:%Y}_{nombre}``): no se admite acceso a atributos ni índices
(``{a.b}``, ``{a[0]}``), así un patrón no puede alcanzar el interior de Python.
El resultado se sanea para Windows, macOS y Linux: sin separadores ni ``..``, sin
caracteres prohibidos, de control ni de formato (marcas bidi como U+202E, que harían que
``x\u202Excod.exe`` se viera como ``x.exe.docx``; espacios de ancho cero, ZWJ), sin
nombres reservados (CON, PRN, AUX, NUL, COM1-9, LPT1-9), con longitud acotada en bytes
UTF-8 (cortada en un límite de palabra) y con las tildes intactas.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from ..errores import ErrorAcuerdoDocs

MAX_BYTES = 120
"""Longitud máxima del nombre completo (con extensión) en bytes UTF-8."""

RESERVADOS: frozenset[str] = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{p}{n}" for p in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]]
)
"""Nombres que Windows reserva para dispositivos, con o sin extensión y sin importar mayúsculas."""

_PROHIBIDOS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]')
_ESPACIOS = re.compile(r"\s+")
_GUIONES = re.compile(r"_{2,}")
_MEZCLA = re.compile(r"[ ._-]*_[ ._-]*")  # «._._», «_ », «- _»: un solo guion bajo
_INVISIBLES = frozenset({"Cf", "Cc", "Cs", "Co", "Cn"})
"""Categorías Unicode que nunca van en un nombre: formato (bidi, ZWJ), control, sustitutos, privados, sin asignar."""
_CORTE_PALABRA = 0.6
"""Al recortar, se retrocede hasta el último separador si así se conserva al menos esta fracción."""
_BORDES = " ._-"
NOMBRE_VACIO = "documento"


class ErrorPatron(ErrorAcuerdoDocs):
    """El patrón de nombres no es válido (campo desconocido o formato imposible)."""


def _recortar_bytes(texto: str, maximo: int) -> str:
    """Recorta a ``maximo`` bytes UTF-8 sin partir un carácter ni dejar una marca combinante suelta."""
    if len(texto.encode("utf-8")) <= maximo:
        return texto
    recortado = texto.encode("utf-8")[: max(maximo, 0)].decode("utf-8", "ignore")
    while recortado and unicodedata.combining(recortado[-1]):
        recortado = recortado[:-1]
    return recortado


def _quitar_invisibles(texto: str) -> str:
    """Quita los caracteres que no se ven o reordenan lo que se ve (los espacios ya son espacios)."""
    if texto.isprintable():  # False ante Cc, Cf, Cs, Co, Cn (y Z* salvo el espacio): nada que quitar
        return texto
    return "".join(c for c in texto if c.isspace() or unicodedata.category(c) not in _INVISIBLES)


def _recortar_palabra(texto: str, maximo: int) -> str:
    """Recorta a ``maximo`` bytes en un límite de palabra (si no hay uno razonable, en un carácter)."""
    recortado = _recortar_bytes(texto, maximo)
    if recortado == texto or not recortado:
        return recortado
    if not (recortado[-1].isalnum() and texto[len(recortado)].isalnum()):
        return recortado.rstrip(_BORDES)  # el corte ya cae entre palabras
    limite = max(recortado.rfind(c) for c in " _-.")
    if limite >= len(recortado) * _CORTE_PALABRA:
        return recortado[:limite].rstrip(_BORDES)
    return recortado


def es_reservado(nombre: str) -> bool:
    """CON, con.docx, Con .tar.gz, COM1… (Windows mira lo que va antes del primer punto)."""
    raiz = nombre.split(".", 1)[0].rstrip(" ")
    return raiz.upper() in RESERVADOS


def sanear(texto: str, *, extension: str = "", max_bytes: int = MAX_BYTES) -> str:
    """Un nombre de archivo válido en todo sistema, con la extensión dada (``.docx``).

    Conserva tildes, eñes y emoji; quita los caracteres de formato y de control (bidi, ZWJ);
    cambia separadores y caracteres prohibidos por ``_``; quita ``..`` y deja un solo ``_``
    donde había separadores mezclados (``a/../b`` → ``a_b``); quita puntos y espacios al
    principio y al final; antepone ``_`` a los nombres reservados y recorta a ``max_bytes``
    (con extensión) en un límite de palabra.
    """
    limpio = unicodedata.normalize("NFC", str(texto))
    limpio = _ESPACIOS.sub(" ", limpio)  # saltos de línea y tabulaciones de una celda
    limpio = _quitar_invisibles(limpio)
    limpio = _PROHIBIDOS.sub("_", limpio)
    while ".." in limpio:
        limpio = limpio.replace("..", ".")
    limpio = _MEZCLA.sub("_", limpio)
    limpio = _GUIONES.sub("_", limpio).strip(_BORDES)
    if not limpio:
        limpio = NOMBRE_VACIO
    if es_reservado(limpio):
        limpio = "_" + limpio
    disponible = max_bytes - len(extension.encode("utf-8"))
    limpio = _recortar_palabra(limpio, disponible).rstrip(" .")
    if not limpio.strip(_BORDES):
        limpio = NOMBRE_VACIO
    return limpio + extension


class Nombres:
    """Reparte nombres únicos dentro de una carpeta: ``a.docx``, ``a_2.docx``, ``a_3.docx``.

    La comparación ignora mayúsculas y la forma Unicode (Windows y macOS no distinguen
    ``Acta.docx`` de ``acta.docx``). ``reservados`` son nombres que el lote usa para sí.
    """

    def __init__(self, *, max_bytes: int = MAX_BYTES, reservados: Iterable[str] = ()) -> None:
        self.max_bytes = max_bytes
        self._usados: set[str] = {self.clave(n) for n in reservados}

    @staticmethod
    def clave(nombre: str) -> str:
        """Forma de comparar nombres: sin mayúsculas y en NFC (como Windows y macOS)."""
        return unicodedata.normalize("NFC", nombre).casefold()

    def reservar(self, base: str, extensiones: Iterable[str] = (".docx",)) -> str:
        """Devuelve la raíz (sin extensión) libre para todas las ``extensiones`` y la reserva."""
        extensiones = tuple(extensiones)
        mas_larga = max(extensiones, key=lambda e: len(e.encode("utf-8")), default="")
        raiz = sanear(base, extension=mas_larga, max_bytes=self.max_bytes)[: -len(mas_larga) or None]
        n = 1
        while True:
            sufijo = "" if n == 1 else f"_{n}"
            disponible = self.max_bytes - len((sufijo + mas_larga).encode("utf-8"))
            candidata = _recortar_bytes(raiz, disponible).rstrip(" .") + sufijo
            if n > 1 and es_reservado(candidata):  # "CON" recortado nunca vuelve a ser reservado, pero por si acaso
                candidata = "_" + candidata
            claves = [self.clave(candidata + e) for e in extensiones]
            if not any(c in self._usados for c in claves):
                self._usados.update(claves)
                return candidata
            n += 1


# ------------------------------------------------------------------ patrones


class _Formateador(string.Formatter):
    """str.format restringido a nombres de campo simples."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if not field_name.isidentifier():
            raise ErrorPatron(
                f"El patrón de nombres solo admite campos simples como {{nombre}}; no «{{{field_name}}}»"
            )
        return self.get_value(field_name, args, kwargs), field_name

    def get_value(self, key: Any, args: Any, kwargs: Any) -> Any:
        if isinstance(key, int) or key not in kwargs:
            raise ErrorPatron(f"El patrón de nombres usa el campo «{key}», que no existe")
        return kwargs[key]

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion not in (None, "s"):
            raise ErrorPatron("El patrón de nombres solo admite la conversión !s")
        return value

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return ""
        if isinstance(value, date) and format_spec:
            return value.strftime(format_spec)
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, date):
            return value.strftime("%Y-%m-%d")
        _verificar_ancho(format_spec)
        try:
            return format(value, format_spec)
        except (ValueError, TypeError):
            raise ErrorPatron(f"El formato «{format_spec}» del patrón de nombres no sirve para este campo") from None


MAX_ANCHO_FORMATO = 100
"""Ancho o precisión máximos en el formato de un campo del patrón ({fila:>5}); más pediría gigabytes."""
MAX_PATRON = 500
"""Caracteres máximos del patrón de nombres."""
_NUMEROS = re.compile(r"\d+")


def _verificar_ancho(formato: str) -> None:
    for numero in _NUMEROS.findall(formato):
        if len(numero) > 3 or int(numero) > MAX_ANCHO_FORMATO:
            raise ErrorPatron(
                f"El formato «{formato[:20]}» del patrón de nombres pide un ancho de {numero[:12]} caracteres;"
                f" el máximo es {MAX_ANCHO_FORMATO}"
            )


_FORMATEADOR = _Formateador()


def campos_del_patron(patron: str) -> list[str]:
    """Los campos que nombra el patrón, en orden (lanza :class:`ErrorPatron` si está mal formado)."""
    if len(patron) > MAX_PATRON:
        raise ErrorPatron(f"El patrón de nombres tiene {len(patron)} caracteres; el máximo es {MAX_PATRON}")
    try:
        partes = list(_FORMATEADOR.parse(patron))
    except ValueError:
        raise ErrorPatron("El patrón de nombres está mal formado: revise las llaves { }") from None
    for _, _, formato, _ in partes:
        if formato and ("{" in formato or "}" in formato):
            raise ErrorPatron("El patrón de nombres no admite campos dentro del formato de otro ({a:{b}})")
    return [campo for _, campo, _, _ in partes if campo is not None]


def verificar_patron(patron: str, ejemplo: Mapping[str, Any]) -> None:
    """Comprueba el patrón una vez, antes de escribir nada, con valores de ejemplo de cada campo."""
    campos = campos_del_patron(patron)
    if not campos:
        raise ErrorPatron("El patrón de nombres debe usar al menos un campo, por ejemplo {nombre}")
    for campo in campos:
        if campo == "":
            raise ErrorPatron("El patrón de nombres no admite campos vacíos {} ni numerados {0}")
        if campo.isdigit():
            raise ErrorPatron("El patrón de nombres no admite campos numerados como {0}")
        if campo.split(".")[0].split("[")[0] not in ejemplo:
            validos = ", ".join(sorted(ejemplo))
            raise ErrorPatron(f"El patrón de nombres usa el campo «{campo}», que no existe. Campos válidos: {validos}")
    nombre_desde_patron(patron, ejemplo)


def nombre_desde_patron(patron: str, campos: Mapping[str, Any]) -> str:
    """Aplica el patrón (sin sanear: use :func:`sanear` o :class:`Nombres` después)."""
    try:
        return _FORMATEADOR.vformat(patron, (), dict(campos))
    except (ValueError, IndexError, KeyError):
        raise ErrorPatron("El patrón de nombres está mal formado: revise las llaves { }") from None


__all__ = [
    "MAX_BYTES", "NOMBRE_VACIO", "RESERVADOS", "ErrorPatron", "Nombres", "campos_del_patron",
    "es_reservado", "nombre_desde_patron", "sanear", "verificar_patron",
]
