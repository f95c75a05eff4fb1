"""Apertura segura de un .docx que llega de fuera (formularios diligenciados a mano).

Antes de entregarlo a python-docx se comprueba que sea de verdad un zip de Word,
que no sea una bomba de descompresión y que ninguna parte XML declare DTD o
entidades (un .docx legítimo nunca las usa; así no hay expansión de entidades ni
referencias externas). Los mensajes de error van en español y no repiten contenido.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocumentoDocx

from ..errores import ErrorEntrada

Fuente = str | os.PathLike[str] | bytes | bytearray | BinaryIO
"""Una ruta, los bytes del archivo o un archivo binario abierto."""

LIMITE_ARCHIVO = 50 * 1024 * 1024
"""Tamaño máximo del .docx (comprimido)."""
LIMITE_DESCOMPRIMIDO = 250 * 1024 * 1024
"""Suma máxima de los tamaños descomprimidos de sus partes."""
LIMITE_PARTE_XML = 60 * 1024 * 1024
LIMITE_PARTES = 5000
LIMITE_PROPORCION = 200
"""Proporción máxima descomprimido/comprimido de una parte grande (bombas zip)."""

_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_MB = 1024 * 1024


class ErrorLectura(ErrorEntrada):
    """El archivo no se puede leer como ficha; ``motivo`` es la causa sin el nombre del archivo."""

    def __init__(self, nombre: str, motivo: str) -> None:
        self.nombre = nombre
        self.motivo = motivo
        super().__init__(f"{nombre}: {motivo}" if nombre else motivo)


def nombre_fuente(fuente: Fuente) -> str:
    """El nombre con que se cita el archivo en los mensajes."""
    if isinstance(fuente, (bytes, bytearray)):
        return "el archivo"
    if isinstance(fuente, (str, os.PathLike)):
        return Path(fuente).name or str(fuente)
    nombre = getattr(fuente, "name", None)
    return Path(nombre).name if isinstance(nombre, str) else "el archivo"


def leer_bytes(fuente: Fuente, nombre: str) -> bytes:
    """Los bytes de la fuente, sin pasar del límite de tamaño."""
    if isinstance(fuente, (bytes, bytearray)):
        datos = bytes(fuente)
    elif isinstance(fuente, (str, os.PathLike)):
        ruta = Path(fuente)
        if not ruta.exists():
            raise ErrorLectura(nombre, "no existe el archivo")
        if not ruta.is_file():
            raise ErrorLectura(nombre, "no es un archivo (¿es una carpeta?)")
        if ruta.stat().st_size > LIMITE_ARCHIVO:
            raise ErrorLectura(nombre, f"es demasiado grande (máximo {LIMITE_ARCHIVO // _MB} MB)")
        try:
            datos = ruta.read_bytes()
        except OSError as exc:
            raise ErrorLectura(nombre, f"no se pudo abrir ({exc.strerror or 'error de lectura'})") from None
    else:
        datos = fuente.read(LIMITE_ARCHIVO + 1)
    if len(datos) > LIMITE_ARCHIVO:
        raise ErrorLectura(nombre, f"es demasiado grande (máximo {LIMITE_ARCHIVO // _MB} MB)")
    return datos


def _tipo_no_docx(datos: bytes) -> str:
    if not datos:
        return "está vacío"
    if datos.startswith(b"\xd0\xcf\x11\xe0"):
        return (
            "es un documento de Word 97-2003 (.doc) o un .docx protegido con contraseña: "
            "ábralo en Word y guárdelo como .docx sin contraseña"
        )
    if datos.startswith(b"{\\rtf"):
        return "es un documento RTF: ábralo en Word y guárdelo como .docx"
    if datos.startswith(b"%PDF"):
        return "es un PDF, no un documento de Word (.docx)"
    return "no es un documento de Word .docx (Word 2007 o posterior)"


def comprobar_zip(datos: bytes, nombre: str) -> None:
    """Rechaza lo que no es un zip, los zip cifrados o dañados, las bombas y las DTD."""
    if not datos.startswith(b"PK\x03\x04"):
        raise ErrorLectura(nombre, _tipo_no_docx(datos))
    try:
        with zipfile.ZipFile(io.BytesIO(datos)) as zf:
            partes = zf.infolist()
            if len(partes) > LIMITE_PARTES:
                raise ErrorLectura(nombre, "tiene demasiadas partes internas para ser un .docx")
            total = 0
            for info in partes:
                if info.flag_bits & 0x1:
                    raise ErrorLectura(nombre, "está cifrado: guárdelo sin contraseña")
                total += info.file_size
                grande = info.file_size > 10 * _MB
                if total > LIMITE_DESCOMPRIMIDO or (
                    grande and info.file_size > LIMITE_PROPORCION * max(info.compress_size, 1)
                ):
                    raise ErrorLectura(
                        nombre, "su contenido descomprimido es demasiado grande (posible bomba zip); no se abre"
                    )
            for info in partes:
                if not info.filename.lower().endswith((".xml", ".rels")):
                    continue
                if info.file_size > LIMITE_PARTE_XML:
                    raise ErrorLectura(nombre, "tiene una parte XML demasiado grande; no se abre")
                if _declara_dtd(zf.read(info)):
                    raise ErrorLectura(
                        nombre, "contiene declaraciones DTD o entidades XML, que un .docx legítimo no usa; no se abre"
                    )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError):
        raise ErrorLectura(nombre, "está dañado: el contenedor zip no se puede leer") from None
    except (RuntimeError, ValueError, OSError):  # CRC errónea, método de compresión desconocido…
        raise ErrorLectura(nombre, "está dañado: el contenedor zip no se puede leer") from None


def _declara_dtd(xml: bytes) -> bool:
    if xml.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 con marca de orden
        try:
            xml = xml.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return True
    return bool(_DTD.search(xml))


def abrir_docx(fuente: Fuente, nombre: str | None = None) -> tuple[DocumentoDocx, str]:
    """Abre la fuente con python-docx tras las comprobaciones; devuelve el documento y su nombre."""
    nombre = nombre or nombre_fuente(fuente)
    datos = leer_bytes(fuente, nombre)
    comprobar_zip(datos, nombre)
    try:
        documento = Document(io.BytesIO(datos))
    except ValueError:
        # python-docx rechaza otros paquetes de Office (.xlsx, .pptx, .dotx, .docm).
        raise ErrorLectura(nombre, "no es un documento de Word .docx (¿es otro tipo de archivo de Office?)") from None
    except Exception:  # noqa: BLE001 - cualquier fallo del analizador es un archivo dañado
        raise ErrorLectura(nombre, "está dañado: su contenido no se puede interpretar") from None
    return documento, nombre
