"""Por qué falla una plantilla, en una línea en español (motor y verificación usan lo mismo)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from types import TracebackType

from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from .limites import ErrorLimite

_NOMBRES_PARTE = {
    "document": "cuerpo del documento",
    "header": "encabezado de página",
    "footer": "pie de página",
    "footnotes": "notas al pie",
}

_SINTAXIS = (
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

_PYTHON = (
    (TypeError, "una operación o un filtro no admite el tipo de un dato (por ejemplo, un filtro numérico "
                "sobre un texto)"),
    (ValueError, "un valor no se pudo convertir (por ejemplo, un texto que no es un número)"),
    (ZeroDivisionError, "divide por cero"),
    ((IndexError, KeyError), "pide un elemento que no existe"),
    (RecursionError, "anida demasiadas llamadas"),
    (MemoryError, "agota la memoria"),
)


def una_linea(texto: str) -> str:
    """Un mensaje siempre en una línea (un salto en un dato no parte el informe)."""
    return " ".join(str(texto).split())


def nombre_parte(miembro: str) -> str:
    """``word/header1.xml`` -> «encabezado de página»."""
    base = re.sub(r"\d+$", "", PurePosixPath(miembro).stem)
    return _NOMBRES_PARTE.get(base, miembro)


def texto_linea(fuente: str, linea: int | None) -> str:
    """El texto visible de una línea de la fuente preprocesada (una línea = un párrafo de Word)."""
    import html  # aquí: solo un mensaje de error lo usa

    lineas = fuente.split("\n")
    if not linea or not 1 <= linea <= len(lineas):
        return ""
    texto = " ".join(html.unescape(re.sub(r"<[^>]+>", "", lineas[linea - 1])).split())
    return texto if len(texto) <= 70 else texto[:67] + "…"


def donde(parte: str, fuente: str, linea: int | None) -> str:
    """«cuerpo del documento, cerca de «{{ practica.x }}»» (o solo la parte)."""
    texto = texto_linea(fuente, linea)
    return f"{parte}, cerca de «{texto}»" if texto else parte


def traducir_sintaxis(exc: TemplateError) -> str:
    texto = str(exc.message or exc)
    texto = texto.replace("end of print statement", "}}").replace("end of statement block", "%}")
    for patron, reemplazo in _SINTAXIS:
        nuevo, n = re.subn(patron, reemplazo, texto)
        if n:
            return una_linea(nuevo)
    return una_linea(texto)


def linea_del_fallo(exc: BaseException) -> int | None:
    """Línea de la plantilla donde ocurrió ``exc`` (Jinja reescribe la traza con líneas de la plantilla)."""
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int) and lineno > 0:
        return lineno
    encontrada = None
    traza: TracebackType | None = exc.__traceback__
    while traza is not None:
        if traza.tb_frame.f_code.co_filename == "<template>":
            encontrada = traza.tb_lineno
        traza = traza.tb_next
    return encontrada


def describir(exc: BaseException) -> str:
    """El motivo de ``exc`` en español, sin ubicación (la agrega quien sabe en qué parte ocurrió)."""
    if isinstance(exc, UndefinedError):
        nombre = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
        if nombre is None:
            return "usa un dato que no existe"
        campo = next(g for g in nombre.groups() if g)
        return f"usa el campo «{campo}», que no existe en los datos"
    if isinstance(exc, ErrorLimite):
        return f"supera un límite de la plantilla y se rechaza: {una_linea(str(exc))}"
    if isinstance(exc, SecurityError):
        return f"intenta acceder al interior de Python y se rechaza: {una_linea(str(exc))}"
    if isinstance(exc, TemplateSyntaxError):
        return f"tiene un error de sintaxis: {traducir_sintaxis(exc)}"
    if isinstance(exc, TemplateError):
        return f"falla al renderizar: {una_linea(str(exc.message or exc))}"
    for clase, texto in _PYTHON:
        if isinstance(exc, clase):
            return f"falla con estos datos: {texto}"
    return f"falla al renderizar ({type(exc).__name__})"
