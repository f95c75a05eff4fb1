"""Imágenes de los anexos listas para incrustar: límites comprobados y, en la versión pública, sin metadatos.

Una foto o una captura lleva metadatos que pueden identificar a una persona: EXIF (autor,
cámara, GPS), trozos de texto de PNG (tEXt, iTXt, zTXt: autor, comentario), XMP y perfiles
ICC con nombres. En la versión pública (Ley 1581 de 2012) cada imagen se vuelve a codificar
con Pillow desde sus píxeles, sin ninguno de ellos y de forma determinista (misma entrada,
mismos bytes): JPEG sigue siendo JPEG (calidad 90) y lo demás se guarda como PNG. La
orientación EXIF se aplica a los píxeles antes de descartarla, para que la foto no quede girada.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx.image.image import Image as ImagenDocx

from ..errores import ErrorEntrada
from ..esquemas.imagen import ImagenInvalida, revisar_imagen

CALIDAD_JPEG = 90


def preparar_imagen(ruta: Path | str, *, publico: bool = False) -> ImagenDocx:
    """La imagen para incrustar (``blob``, ``ext``, ``px_width``, ``px_height``), o :class:`ErrorEntrada`.

    El mensaje de error nombra «una imagen de los anexos», nunca el archivo (su nombre puede
    ser un dato personal); el campo exacto lo nombra la validación del esquema, que corre antes.
    """
    ruta = Path(ruta)
    try:
        cabecera = revisar_imagen(ruta)
        datos = ruta.read_bytes()
        if publico:
            datos = sin_metadatos(datos, cabecera.formato)
        return ImagenDocx.from_blob(datos)
    except ImagenInvalida as exc:
        raise ErrorEntrada(f"Imagen de un anexo: {exc}; no se escribió ningún archivo") from None
    except Exception:  # noqa: BLE001 - python-docx y Pillow lanzan varios tipos según el daño
        raise ErrorEntrada(
            "Imagen de un anexo: está dañada o no es PNG, JPEG, GIF o BMP; no se escribió ningún archivo"
        ) from None


def sin_metadatos(datos: bytes, formato: str) -> bytes:
    """Los píxeles de la imagen codificados de nuevo, sin EXIF, XMP, ICC ni trozos de texto (determinista)."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(datos)) as original:
        original.load()
        girada = ImageOps.exif_transpose(original)
        jpeg = formato == "JPEG"
        if jpeg:
            modo = "L" if girada.mode == "L" else "RGB"
        else:
            con_alfa = girada.mode in ("RGBA", "LA", "PA") or "transparency" in girada.info
            modo = "RGBA" if con_alfa else ("L" if girada.mode in ("1", "L") else "RGB")
        convertida = girada.convert(modo)
        # Una imagen nueva con solo los píxeles: nada de info, exif ni perfiles viaja con ella.
        limpia = Image.frombytes(modo, convertida.size, convertida.tobytes())
    salida = io.BytesIO()
    if jpeg:
        limpia.save(salida, "JPEG", quality=CALIDAD_JPEG, optimize=False, progressive=False)
    else:
        limpia.save(salida, "PNG", optimize=False, compress_level=6)
    return salida.getvalue()


__all__ = ["CALIDAD_JPEG", "preparar_imagen", "sin_metadatos"]
