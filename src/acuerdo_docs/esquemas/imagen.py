"""Límites de las imágenes de los anexos, comprobados antes de decodificar una sola fila de píxeles.

Una imagen de 200 MB (o un PNG pequeño que declara 50.000 x 50.000 píxeles) costaría
gigabytes de memoria al incrustarla o al recodificarla. Aquí se mira el tamaño del archivo
y la cabecera (Pillow abre en modo perezoso: lee solo la cabecera) y se rechaza lo que
pasa de los límites. Los motivos nunca citan el nombre del archivo: puede llevar el nombre
o la cédula de una persona; quien llama nombra el campo (``anexos[2].archivo``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from ..limites_entrada import LIMITE_BYTES_IMAGEN, LIMITE_PIXELES_IMAGEN, MB

FORMATOS_IMAGEN = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "BMP": "bmp"}
"""Formatos admitidos (nombre de Pillow → extensión)."""


class ImagenInvalida(ValueError):
    """La imagen no se puede usar; el mensaje es el motivo, sin el nombre del archivo."""


@dataclass(frozen=True)
class Cabecera:
    formato: str
    ancho: int
    alto: int


def revisar_imagen(ruta: Path) -> Cabecera:
    """Formato y tamaño de la imagen, con los límites comprobados antes de decodificarla."""
    from PIL import Image

    try:
        tamano = ruta.stat().st_size
    except OSError:
        raise ImagenInvalida("el archivo de imagen no existe o no se puede leer") from None
    if tamano > LIMITE_BYTES_IMAGEN:
        raise ImagenInvalida(
            f"la imagen pesa {tamano / MB:.1f} MB y el máximo es {LIMITE_BYTES_IMAGEN // MB} MB".replace(".", ",")
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: el límite propio es menor
            with Image.open(ruta) as imagen:  # solo la cabecera
                cabecera = Cabecera(imagen.format or "", *imagen.size)
    except Image.DecompressionBombError:
        raise ImagenInvalida(_demasiados_pixeles()) from None
    except Exception:  # noqa: BLE001 - Pillow lanza varios tipos según el formato dañado
        raise ImagenInvalida("la imagen está dañada o no es PNG, JPEG, GIF o BMP") from None
    if cabecera.formato not in FORMATOS_IMAGEN:
        raise ImagenInvalida("debe ser una imagen PNG, JPEG, GIF o BMP")
    if cabecera.ancho < 1 or cabecera.alto < 1:
        raise ImagenInvalida("la imagen está dañada: no tiene píxeles")
    if cabecera.ancho * cabecera.alto > LIMITE_PIXELES_IMAGEN:
        raise ImagenInvalida(_demasiados_pixeles(cabecera.ancho, cabecera.alto))
    return cabecera


def _demasiados_pixeles(ancho: int = 0, alto: int = 0) -> str:
    tamano = f" ({ancho} x {alto})" if ancho else ""
    return (
        f"la imagen tiene demasiados píxeles{tamano}; el máximo es {LIMITE_PIXELES_IMAGEN // 1_000_000}"
        " megapíxeles: redúzcala"
    )


__all__ = [
    "FORMATOS_IMAGEN", "LIMITE_BYTES_IMAGEN", "LIMITE_PIXELES_IMAGEN", "Cabecera", "ImagenInvalida",
    "revisar_imagen",
]
