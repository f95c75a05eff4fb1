"""Compilación con Typst: plantilla .typ + datos JSON → PDF, PNG o SVG (bytes).

Los datos entran como texto JSON en ``sys.inputs.datos``: la plantilla los lee con
``json(bytes(sys.inputs.datos))`` y los imprime como cadenas, nunca como marcado
(``#import``, ``$x$`` o ``*negrita*`` del usuario salen tal cual).

Fuentes: solo las de las carpetas de :func:`carpetas_fuentes` (Liberation Sans, con
DejaVu Sans para los símbolos que le faltan) y las que Typst trae incorporadas; nunca
las demás del sistema, así el mismo dato da los mismos bytes en cualquier máquina con
esas fuentes.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import zlib
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...errores import ErrorEntrada, ErrorPlantilla

log = logging.getLogger("acuerdo_docs.infografia")

FORMATOS: tuple[str, ...] = ("pdf", "png", "svg")
PPP_PNG = 150
"""Puntos por pulgada del PNG: A4 horizontal a 150 ppp son 1754 × 1240 píxeles."""

VARIABLE_FUENTES = "ACUERDO_DOCS_FUENTES"
"""Carpetas de fuentes propias (separadas por «:»); si está definida, reemplaza a las del sistema."""

_CARPETAS_CONOCIDAS: tuple[str, ...] = (
    # Debian/Ubuntu (fonts-liberation, fonts-dejavu-core), Fedora/RHEL, Arch, macOS con Homebrew.
    "/usr/share/fonts/truetype/liberation",
    "/usr/share/fonts/truetype/liberation2",
    "/usr/share/fonts/liberation-sans",
    "/usr/share/fonts/liberation-sans-fonts",
    "/usr/share/fonts/liberation",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu",
    # Emoji en color (fonts-noto-color-emoji; en Fedora google-noto-color-emoji-fonts; en Arch noto-fonts-emoji).
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/google-noto-color-emoji-fonts",
    "/usr/share/fonts/noto",
    "/opt/homebrew/share/fonts",
)


def carpetas_fuentes() -> list[str]:
    """Carpetas donde Typst busca fuentes: ``ACUERDO_DOCS_FUENTES`` o las conocidas que existan."""
    propia = os.environ.get(VARIABLE_FUENTES, "").strip()
    if propia:
        return [c for c in propia.split(os.pathsep) if c]
    return [c for c in _CARPETAS_CONOCIDAS if Path(c).is_dir()]


@lru_cache(maxsize=8)
def _compilador(plantilla: str, fuentes: tuple[str, ...]) -> Any:
    # Un compilador por plantilla: las fuentes se leen una vez por proceso, no en cada infografía.
    import typst

    ruta = Path(plantilla)
    return typst.Compiler(str(ruta), root=str(ruta.parent), font_paths=list(fuentes), ignore_system_fonts=True)


_SIN_GLIFO = "could not be displayed with font"
"""Lo que dice Typst cuando PDF/A rechaza un carácter que ninguna fuente tiene."""


def _mensaje_typst(exc: Exception) -> str:
    lineas = [linea.strip() for linea in str(exc).splitlines() if linea.strip()]
    return lineas[0] if lineas else type(exc).__name__


def compilar(plantilla: Path, datos: dict[str, Any], formato: str, *, ppp: int = PPP_PNG,
             fecha: date | None = None, pdfa: bool = True) -> bytes:
    """Compila ``plantilla`` con ``datos`` y devuelve los bytes de una sola página.

    El PDF es PDF/A-2b etiquetado (``pdfa=False``: PDF normal) con ``fecha`` como fecha del
    documento (la de corte o de diligenciamiento, no la de hoy: mismo dato, mismos bytes).
    """
    if formato not in FORMATOS:
        raise ErrorEntrada(f"Formato de infografía desconocido: «{formato}»; use .pdf, .png o .svg.")
    if not plantilla.is_file():
        raise ErrorPlantilla(f"No existe la plantilla de la infografía: {plantilla}")
    try:
        import typst
    except ImportError:  # pragma: no cover - typst es dependencia obligatoria
        raise ErrorEntrada("La infografía necesita el paquete «typst» (pip install typst).") from None
    compilador = _compilador(str(plantilla.resolve()), tuple(carpetas_fuentes()))
    entrada = {"datos": json.dumps(datos, ensure_ascii=False, sort_keys=True)}

    def compilar_con(estandares: list[str]) -> Any:
        return compilador.compile(format=formato, ppi=float(ppp), sys_inputs=entrada,
                                  timestamp=_marca_de_tiempo(fecha), pdf_standards=estandares)

    try:
        try:
            resultado = compilar_con(["a-2b"] if pdfa and formato == "pdf" else [])
        except typst.TypstError as exc:
            if not (pdfa and formato == "pdf" and _SIN_GLIFO in str(exc)):
                raise
            # PDF/A no admite un carácter sin glifo (un emoji que ninguna fuente tiene): el texto del
            # usuario se conserva tal cual y el PDF sale normal, con aviso (sin citar el texto).
            from ...salida.pdf.glifos import aviso_sin_pdfa  # el mismo aviso que los PDF de LibreOffice

            log.warning("%s", aviso_sin_pdfa("La infografía"))
            resultado = compilar_con([])
    except typst.TypstError as exc:
        mensaje = _mensaje_typst(exc)
        if "PDF/A" in mensaje:
            raise ErrorPlantilla(
                f"La plantilla {plantilla.name} no da un PDF/A-2b: {mensaje}. Corríjala (p. ej. «date: auto» en"
                " «set document», no «date: none») o pida un PDF normal (--pdf-simple)."
            ) from None
        raise ErrorPlantilla(f"La plantilla {plantilla.name} no compila: {mensaje}") from None
    if isinstance(resultado, list):  # PNG y SVG: una imagen por página
        if len(resultado) != 1:
            raise ErrorPlantilla(f"La plantilla {plantilla.name} produjo {len(resultado)} páginas; debe ser una.")
        resultado = resultado[0]
    datos_salida = bytes(resultado)
    if formato == "png":
        datos_salida = con_resolucion(datos_salida, ppp)
    return datos_salida


def _marca_de_tiempo(fecha: date | None) -> int:
    """Segundos Unix de ``fecha`` a medianoche UTC (la fecha del documento en el PDF y su XMP)."""
    dia = fecha or date(2000, 1, 1)
    return int(datetime(dia.year, dia.month, dia.day, tzinfo=UTC).timestamp())


def con_resolucion(png: bytes, ppp: int) -> bytes:
    """Añade al PNG el bloque pHYs (resolución) que Typst no escribe: así se imprime a su tamaño."""
    firma, resto = png[:8], png[8:]
    largo = struct.unpack(">I", resto[:4])[0]
    fin_ihdr = 4 + 4 + largo + 4  # largo, tipo, datos y CRC del bloque IHDR
    if b"pHYs" in resto[: fin_ihdr + 64]:
        return png
    ppm = round(ppp / 0.0254)
    cuerpo = b"pHYs" + struct.pack(">IIB", ppm, ppm, 1)
    bloque = struct.pack(">I", 9) + cuerpo + struct.pack(">I", zlib.crc32(cuerpo))
    return firma + resto[:fin_ihdr] + bloque + resto[fin_ihdr:]
