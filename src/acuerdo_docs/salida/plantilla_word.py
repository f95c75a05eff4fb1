"""Leer una plantilla .docx con cuidado, y las imágenes que una plantilla puede incrustar.

Una plantilla con DTD o entidades XML, o que descomprimida pasa de :data:`TAMANO_MAXIMO_PLANTILLA`,
se rechaza antes de leerla. ``imagen()`` solo incrusta las imágenes de los anexos del documento.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2.exceptions import SecurityError

from ..errores import ErrorPlantilla
from ..limites_entrada import LIMITE_BYTES_PLANTILLA
from ..paquete.seguridad import LimitesZip, Motivo, ZipRechazado, abrir_zip, buscar_dtd, revisar_partes
from .datos_planos import ArchivoAnexo

if TYPE_CHECKING:
    from docx.image.image import Image as ImagenDocx

TAMANO_MAXIMO_PLANTILLA = LIMITE_BYTES_PLANTILLA
"""Bytes descomprimidos que puede ocupar una plantilla (una bomba zip se rechaza antes de leerla)."""

PARTES_CON_MARCAS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
"""Partes del .docx donde pueden ir marcas Jinja."""


def leer_plantilla(ruta: Path) -> list[tuple[str, bytes]]:
    """Los miembros de una plantilla .docx, tras rechazar lo que no es un .docx, una bomba zip o un DTD."""
    ruta = Path(ruta)
    if not ruta.is_file():
        raise ErrorPlantilla(f"No existe la plantilla: {ruta}")
    maximo = TAMANO_MAXIMO_PLANTILLA
    try:
        with abrir_zip(ruta) as zf:
            infos = zf.infolist()
            revisar_partes(infos, LimitesZip(descomprimido=maximo, proporcion=None))
            if "word/document.xml" not in {i.filename for i in infos}:
                raise ErrorPlantilla(f"La plantilla {ruta.name} no es un documento de Word (.docx)")
            buscar_dtd(zf, infos)
            return [(i.filename, zf.read(i)) for i in infos]
    except ZipRechazado as exc:
        if exc.motivo is Motivo.DESCOMPRIMIDO:
            raise ErrorPlantilla(f"La plantilla {ruta.name} ocupa más de {maximo // (1024 * 1024)} MB "
                                 "descomprimida: no parece una plantilla de Word y se rechaza") from None
        if exc.motivo is Motivo.DTD:
            raise ErrorPlantilla(f"La plantilla {ruta.name} declara un DTD o entidades XML (<!DOCTYPE …>) en "
                                 f"{exc.miembro}: Word no los usa y se rechaza") from None
        raise ErrorPlantilla(f"La plantilla {ruta.name} no es un .docx válido (no se pudo abrir)") from None



# --------------------------------------------------------------------- imágenes


def leer_imagen(ruta: Path | str, *, publico: bool = False) -> ImagenDocx:
    """La imagen lista para incrustar (límites, y sin metadatos si ``publico``; ver :mod:`.imagenes`)."""
    from .imagenes import preparar_imagen  # python-docx y Pillow solo si hay imágenes (arranque)

    return preparar_imagen(ruta, publico=publico)


ANCHO_MAXIMO_IMAGEN_CM = 50.0
"""Ancho máximo de una imagen incrustada (más que una hoja no tiene sentido)."""


def _centimetros(valor: Any, que: str) -> float:
    if isinstance(valor, bool) or not isinstance(valor, (int, float)) or not 0 < valor <= ANCHO_MAXIMO_IMAGEN_CM:
        raise SecurityError(f"{que} de imagen() debe ser un número de centímetros entre 0 y "
                            f"{ANCHO_MAXIMO_IMAGEN_CM:g}")
    return float(valor)


def ruta_del_anexo(archivo: Any, ancho_cm: Any, alto_maximo_cm: Any = None) -> tuple[Path, float]:
    """Solo las imágenes de los anexos del documento: ``imagen(anexo.archivo, 15)``, nunca una ruta escrita.

    ``imagen(anexo.archivo, 15, 9)``: a lo sumo 9 cm de alto (una foto vertical se achica en vez de
    ocupar la página entera).
    """
    if not isinstance(archivo, ArchivoAnexo):
        raise SecurityError("imagen() solo incrusta las imágenes de los anexos del documento (anexo.archivo), "
                            "no una ruta ni un texto")
    ancho = _centimetros(ancho_cm, "el ancho")
    if alto_maximo_cm is not None:
        _centimetros(alto_maximo_cm, "el alto máximo")
    return archivo.ruta_imagen(), ancho


def tamano_imagen(ancho_cm: float, alto_maximo_cm: Any, px_ancho: int, px_alto: int) -> tuple[float, float]:
    """(ancho, alto) en centímetros: el ancho pedido, o menos si el alto pasaría de ``alto_maximo_cm``."""
    proporcion = px_alto / max(px_ancho, 1)
    alto = ancho_cm * proporcion
    if alto_maximo_cm is not None and alto > float(alto_maximo_cm):
        alto = float(alto_maximo_cm)
        ancho_cm = alto / proporcion
    return ancho_cm, alto

