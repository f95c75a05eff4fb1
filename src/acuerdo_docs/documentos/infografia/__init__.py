"""Infografía de una página: el acuerdo simbólico o el póster de una buena práctica.

Recorrido: modelo validado → dict (``datos_acuerdo`` / ``datos_practica``) → JSON →
plantilla Typst de ``plantillas/`` → PDF, PNG o SVG. El formato sale de la extensión
del destino.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, overload

from ...errores import ErrorEntrada
from ...esquemas.acuerdo import AcuerdoSimbolico
from ...esquemas.ficha import BuenaPractica
from ...esquemas.tipo_documento import validar_documento
from ...rutas import plantilla as ruta_plantilla
from ...salida.archivos import Destino, RutaDestino, escribir_atomico
from .datos_acuerdo import datos_acuerdo
from .datos_practica import datos_practica
from .motor import FORMATOS, PPP_PNG, compilar

log = logging.getLogger("acuerdo_docs.infografia")

PLANTILLAS: dict[str, str] = {"acuerdo": "infografia_acuerdo.typ", "practica": "infografia_practica.typ"}
"""Plantilla incorporada de cada tipo de documento."""

Modelo = AcuerdoSimbolico | BuenaPractica


def detectar_tipo(datos: Any) -> str:
    """``"acuerdo"`` o ``"practica"`` según las claves de los datos (o el tipo del modelo)."""
    if isinstance(datos, AcuerdoSimbolico):
        return "acuerdo"
    if isinstance(datos, BuenaPractica):
        return "practica"
    if isinstance(datos, Mapping):
        if "actores" in datos or "desafio" in datos:
            return "acuerdo"
        if "linea_base" in datos or "dependencia" in datos:
            return "practica"
    raise ErrorEntrada(
        "Los datos no son un acuerdo simbólico (faltan «desafio» y «actores») ni una buena práctica"
        " (faltan «nombre», «dependencia» y «linea_base»)."
    )


def cargar_modelo(datos: Modelo | Mapping[str, Any], *, base: Path | None = None) -> Modelo:
    """Valida los datos contra el esquema que corresponde (``ErrorValidacion`` si no cumplen).

    ``base``: carpeta desde la que se resuelven los anexos de una ficha (como ``cargar_practica``).
    """
    if detectar_tipo(datos) == "acuerdo":
        return validar_documento(AcuerdoSimbolico, datos)
    return validar_documento(BuenaPractica, datos, {"base": base} if base else None)


def formato_de(destino: str | os.PathLike[str]) -> str:
    """El formato según la extensión: .pdf, .png o .svg."""
    formato = Path(destino).suffix.lower().lstrip(".")
    if formato not in FORMATOS:
        raise ErrorEntrada(f"La infografía se escribe en .pdf, .png o .svg, no en «{Path(destino).name}».")
    return formato


def datos_infografia(
    modelo: Modelo | Mapping[str, Any], *, corte: date | None = None, publico: bool = False
) -> dict[str, Any]:
    """El dict (apto para JSON) que recibe la plantilla Typst."""
    valido = cargar_modelo(modelo)
    if isinstance(valido, AcuerdoSimbolico):
        return datos_acuerdo(valido, corte, publico=publico)
    return datos_practica(valido, publico=publico)


def renderizar_infografia(
    modelo: Modelo | Mapping[str, Any],
    formato: str = "pdf",
    *,
    corte: date | None = None,
    publico: bool = False,
    plantilla: str | Path | None = None,
    ppp: int = PPP_PNG,
    pdfa: bool = True,
    base: Path | None = None,
) -> bytes:
    """Los bytes de la infografía (una página) en ``formato`` (pdf, png o svg), sin escribir nada.

    El PDF es PDF/A-2b etiquetado (``pdfa=False``: PDF normal), fechado con la fecha de corte (acuerdo)
    o de diligenciamiento (práctica).

    ``base``: carpeta desde la que se resuelven las rutas relativas de anexos de una ficha.

    Ejemplo: [Uso](../infografia.md#uso).
    """
    valido = cargar_modelo(modelo, base=base)
    datos = datos_infografia(valido, corte=corte, publico=publico)
    fecha = valido.fecha_referencia(corte) if isinstance(valido, AcuerdoSimbolico) else valido.fecha_diligenciamiento
    ruta = Path(plantilla) if plantilla else ruta_plantilla(PLANTILLAS[datos["tipo"]])
    return compilar(ruta, datos, formato.lower().lstrip("."), ppp=ppp, fecha=fecha, pdfa=pdfa)


@overload
def generar_infografia(
    modelo: Modelo | Mapping[str, Any],
    destino: RutaDestino,
    *,
    corte: date | None = None,
    publico: bool = False,
    formato: str | None = None,
    plantilla: str | Path | None = None,
    pdfa: bool = True,
) -> Path: ...


@overload
def generar_infografia(
    modelo: Modelo | Mapping[str, Any],
    destino: BinaryIO,
    *,
    corte: date | None = None,
    publico: bool = False,
    formato: str | None = None,
    plantilla: str | Path | None = None,
    pdfa: bool = True,
) -> None: ...


def generar_infografia(
    modelo: Modelo | Mapping[str, Any],
    destino: Destino,
    *,
    corte: date | None = None,
    publico: bool = False,
    formato: str | None = None,
    plantilla: str | Path | None = None,
    pdfa: bool = True,
) -> Path | None:
    """Genera la infografía de una página de un acuerdo simbólico o de una buena práctica.

    ``modelo`` es un :class:`AcuerdoSimbolico`, una :class:`BuenaPractica` o un dict con sus
    claves (el tipo se deduce de las claves). El formato sale de la extensión de ``destino``
    (.pdf vectorial con fuentes incrustadas, .png a 150 ppp, .svg); con un archivo abierto,
    páselo en ``formato``. ``corte`` fija la fecha de los estados de la hoja de ruta (por
    omisión ``fecha_corte`` y, si falta, hoy). ``publico=True`` deja fuera los datos de
    contacto de personas (Ley 1581 de 2012). ``plantilla`` es un .typ propio (colores, logo,
    fuentes). El PDF es PDF/A-2b etiquetado, con /Lang es-CO y el título del documento;
    ``pdfa=False`` da un PDF normal. Valida antes de escribir y no deja archivos a medias.

    Ejemplo: [Uso](../infografia.md#uso).
    """
    if formato is None:
        if not isinstance(destino, (str, os.PathLike)):
            raise ErrorEntrada("Con un archivo abierto como destino, indique formato='pdf', 'png' o 'svg'.")
        formato = formato_de(destino)
    datos = renderizar_infografia(modelo, formato, corte=corte, publico=publico, plantilla=plantilla, pdfa=pdfa)
    ruta = escribir_atomico(destino, datos)
    if ruta is not None:
        log.info("infografía escrita: %s", ruta)
    return ruta


__all__ = [
    "FORMATOS",
    "PLANTILLAS",
    "cargar_modelo",
    "datos_infografia",
    "detectar_tipo",
    "formato_de",
    "generar_infografia",
    "renderizar_infografia",
]
