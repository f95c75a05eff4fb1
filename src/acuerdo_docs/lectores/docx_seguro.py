"""Apertura segura de un .docx que llega de fuera (formularios diligenciados a mano).

Antes de entregarlo a python-docx se comprueba que sea de verdad un zip de Word,
que no sea una bomba de descompresión y que ninguna parte XML declare DTD o
entidades (un .docx legítimo nunca las usa; así no hay expansión de entidades ni
referencias externas). Los mensajes de error van en español y no repiten contenido.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocumentoDocx

from ..errores import ErrorEntrada, causa_sistema
from ..limites_entrada import (
    LIMITE_BYTES_DOCX,
    LIMITE_DESCOMPRIMIDO_DOCX,
    LIMITE_PARTE_XML_DOCX,
    LIMITE_PARTES_DOCX,
    LIMITE_PROPORCION_ZIP,
)
from ..paquete.seguridad import LimitesZip, Motivo, ZipRechazado, revisar_zip

Fuente = str | os.PathLike[str] | bytes | bytearray | BinaryIO
"""Una ruta, los bytes del archivo o un archivo binario abierto."""

LIMITE_ARCHIVO = LIMITE_BYTES_DOCX  # los valores, en limites_entrada
LIMITE_DESCOMPRIMIDO = LIMITE_DESCOMPRIMIDO_DOCX
LIMITE_PARTE_XML = LIMITE_PARTE_XML_DOCX
LIMITE_PARTES = LIMITE_PARTES_DOCX
LIMITE_PROPORCION = LIMITE_PROPORCION_ZIP

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
            raise ErrorLectura(nombre, f"no se pudo abrir ({causa_sistema(exc)})") from None
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


_MOTIVOS = {
    Motivo.DANADO: "está dañado: el contenedor zip no se puede leer",
    Motivo.CIFRADO: "está cifrado: guárdelo sin contraseña",
    Motivo.MIEMBROS: "tiene demasiadas partes internas para ser un .docx",
    Motivo.PROPORCION: "su contenido descomprimido es demasiado grande (posible bomba zip); no se abre",
    Motivo.DESCOMPRIMIDO: "su contenido descomprimido es demasiado grande (posible bomba zip); no se abre",
    Motivo.PARTE_XML: "tiene una parte XML demasiado grande; no se abre",
    Motivo.DTD: "contiene declaraciones DTD o entidades XML, que un .docx legítimo no usa; no se abre",
}


def comprobar_zip(datos: bytes, nombre: str) -> None:
    """Rechaza lo que no es un zip, los zip cifrados o dañados, las bombas y las DTD."""
    if not datos.startswith(b"PK\x03\x04"):
        raise ErrorLectura(nombre, _tipo_no_docx(datos))
    try:
        revisar_zip(datos, LimitesZip(  # los límites del módulo se leen al llamar (las pruebas los cambian)
            descomprimido=LIMITE_DESCOMPRIMIDO, partes=LIMITE_PARTES, proporcion=LIMITE_PROPORCION,
            grande=10 * _MB, parte_xml=LIMITE_PARTE_XML,
        ))
    except ZipRechazado as exc:
        raise ErrorLectura(nombre, _MOTIVOS[exc.motivo]) from None


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
