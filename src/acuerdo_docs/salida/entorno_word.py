"""El entorno Jinja de las plantillas Word: escape, filtros y la forma de imprimir cada valor.

Lo comparten el camino compilado (:mod:`.motor_docx`), el de docxtpl (:mod:`.motor_docxtpl`) y la
verificación de plantillas propias. El texto del usuario es dato: todo valor impreso pasa por
:func:`_finalizar` (escapado, saltos y tabuladores como los de Word, marcas de docxtpl neutralizadas).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError
from jinja2.runtime import Undefined
from markupsafe import Markup, escape

from ..esquemas.comun import MESES, fecha_corta, fecha_larga
from .limites import vigilar
from .sandbox import EntornoSeguro, nombre_tipo

_SALTO = '</w:t><w:br/><w:t xml:space="preserve">'
_TABULADOR = '</w:t><w:tab/><w:t xml:space="preserve">'
_RE_TITULO = re.compile(rb"<dc:title>.*?</dc:title>|<dc:title/>", re.DOTALL)
CONTROL_EN_VALOR: ContextVar[bool] = ContextVar("acuerdo_docs_control_en_valor", default=False)
"""Algún valor impreso llevó un carácter de control a la salida (hay que pasar resolve_listing)."""


class XmlArmado:
    """Marca de un valor cuyo ``__html__()`` ya es XML de Word armado (la imagen de docxtpl): se imprime tal cual."""

    __html__: Callable[[], str]  # lo pone la otra clase base (solo la anotación: no lo reemplaza)


def _anotar_control(texto: str) -> None:
    if "\n" in texto or "\t" in texto or "\a" in texto or "\f" in texto:
        CONTROL_EN_VALOR.set(True)


def _finalizar(valor: Any) -> Any:
    """Todo valor impreso: None -> vacío, texto escapado y a salvo de las marcas de docxtpl.

    docxtpl reescribe «{_{» como «{{» en la salida; en el texto del usuario el guion bajo
    va como referencia de carácter (&#95;) para que salga tal como se escribió.
    """
    if valor.__class__ is str:  # casi todo lo que imprime una plantilla: directo
        return _texto_impreso(valor)
    if valor is None:
        return ""
    if isinstance(valor, Undefined):
        return valor  # StrictUndefined avisa al convertirlo en texto
    if isinstance(valor, Markup):
        _anotar_control(valor)  # p. ej. |join("\n") da Markup con saltos literales
        return valor
    if isinstance(valor, XmlArmado):  # XML ya armado por docxtpl
        _anotar_control(valor.__html__())
        return Markup(valor.__html__())
    if isinstance(valor, date):
        valor = fecha_corta(valor)
    elif isinstance(valor, (list, tuple, dict)):
        vigilar(valor)
    elif not isinstance(valor, (str, int, float, range)):
        raise SecurityError(f"no se puede imprimir un valor de tipo {nombre_tipo(valor)}")
    return _texto_impreso(str(valor))


def _texto_impreso(texto: str) -> Markup:
    """El texto escapado para el XML de Word (ver :func:`_finalizar`)."""
    seguro: str = escape(texto)  # un Markup; los reemplazos van con str.replace (Markup.replace escaparía)
    if "_" in seguro:
        seguro = str.replace(seguro, "{_", "{&#95;")
        seguro = seguro.replace("_}", "&#95;}").replace("%_", "%&#95;")
    # Saltos y tabuladores del usuario: lo mismo que resolve_listing de docxtpl, hecho aquí
    # una vez por valor en lugar de recorrer todo el XML con expresiones regulares.
    if "\n" in seguro:
        seguro = str.replace(seguro, "\n", _SALTO)
    if "\t" in seguro:
        seguro = str.replace(seguro, "\t", _TABULADOR)
    if "\a" in seguro or "\f" in seguro:  # los que quedan para resolve_listing
        CONTROL_EN_VALOR.set(True)
    return seguro if isinstance(seguro, Markup) else Markup(seguro)


def con_titulo(nucleo: bytes, titulo: str) -> bytes:
    """``docProps/core.xml`` con ``titulo`` (escapado: es texto del usuario); el PDF lo usa como /Title."""
    nuevo = f"<dc:title>{escape(titulo)}</dc:title>".encode()
    if _RE_TITULO.search(nucleo):
        return _RE_TITULO.sub(lambda _: nuevo, nucleo, count=1)
    return nucleo.replace(b"</cp:coreProperties>", nuevo + b"</cp:coreProperties>", 1)


def parrafos(texto: str | None) -> list[str]:
    """Parte un texto largo en párrafos: una línea en blanco inicia un párrafo nuevo."""
    if not texto:
        return []
    bloques = re.split(r"\n[ \t]*\n", texto)
    return [b.strip("\n") for b in bloques if b.strip()]


def _dia(v: date | None) -> str:
    return "" if v is None else f"{v.day:02d}"


def _mes(v: date | None) -> str:
    return "" if v is None else f"{v.month:02d}"


def _anio(v: date | None) -> str:
    return "" if v is None else str(v.year)


def _mes_nombre(v: date | None) -> str:
    return "" if v is None else MESES[v.month - 1]


def crear_entorno(undefined: type[Undefined] = StrictUndefined) -> EntornoSeguro:
    """El entorno de todas las plantillas: sandbox inmutable con lista blanca, escape y límites."""
    entorno = EntornoSeguro(undefined=undefined, autoescape=True, finalize=_finalizar, keep_trailing_newline=True)
    entorno.agregar_filtros(
        parrafos=parrafos, dia=_dia, mes=_mes, anio=_anio, mes_nombre=_mes_nombre,
        fecha_larga=fecha_larga, fecha_corta=fecha_corta,
    )
    entorno.agregar_global("parrafos", parrafos)
    return entorno



def mensaje_error(exc: BaseException, plantilla: Path, parte: str | None = None, fuente: str = "") -> str:
    from .mensajes_plantilla import describir, donde, linea_del_fallo, nombre_parte  # solo ante un error

    lugar = f" ({donde(nombre_parte(parte), fuente, linea_del_fallo(exc))})" if parte else ""
    return f"La plantilla {plantilla.name} {describir(exc)}{lugar}"
