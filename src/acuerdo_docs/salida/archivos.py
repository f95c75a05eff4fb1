"""Escritura segura y reproducible de archivos: temporal + renombrado, zip con fechas fijas."""

from __future__ import annotations

import io
import os
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

FECHA_ZIP = (1980, 1, 1, 0, 0, 0)
"""Fecha fija de cada miembro de los .docx/.xlsx: el mismo dato da el mismo archivo, byte a byte."""

Destino = str | os.PathLike[str] | BinaryIO


@dataclass(frozen=True)
class Miembro:
    """Un miembro de zip ya comprimido (se reutiliza tal cual entre documentos)."""

    nombre: str
    crc: int
    tamano: int
    datos_comprimidos: bytes


def comprimir(nombre: str, datos: bytes, nivel: int = 6) -> Miembro:
    compresor = zlib.compressobj(nivel, zlib.DEFLATED, -15)
    comprimido = compresor.compress(datos) + compresor.flush()
    return Miembro(nombre, zlib.crc32(datos), len(datos), comprimido)


_HORA_DOS = 0
_FECHA_DOS = ((FECHA_ZIP[0] - 1980) << 9) | (FECHA_ZIP[1] << 5) | FECHA_ZIP[2]


def empaquetar(miembros: Iterable[Miembro]) -> bytes:
    """Escribe el zip con miembros ya comprimidos: fechas y permisos fijos, sin extras."""
    cuerpo = bytearray()
    directorio = bytearray()
    cuenta = 0
    for m in miembros:
        nombre = m.nombre.encode("utf-8")
        banderas = 0x800 if not m.nombre.isascii() else 0
        desplazamiento = len(cuerpo)
        cuerpo += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, banderas, 8, _HORA_DOS, _FECHA_DOS,
            m.crc, len(m.datos_comprimidos), m.tamano, len(nombre), 0,
        )
        cuerpo += nombre
        cuerpo += m.datos_comprimidos
        directorio += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | 20, 20, banderas, 8, _HORA_DOS, _FECHA_DOS,
            m.crc, len(m.datos_comprimidos), m.tamano, len(nombre), 0, 0, 0, 0, 0o100644 << 16,
            desplazamiento,
        )
        directorio += nombre
        cuenta += 1
    fin = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, cuenta, cuenta, len(directorio), len(cuerpo), 0)
    return bytes(cuerpo + directorio + fin)


def zip_determinista(miembros: Iterable[tuple[str, bytes]], nivel: int = 6) -> bytes:
    """Empaqueta los miembros en orden, con fecha y permisos fijos."""
    return empaquetar(comprimir(nombre, datos, nivel) for nombre, datos in miembros)


def normalizar_zip(datos: bytes) -> bytes:
    """Reescribe un zip (p. ej. el que guarda python-docx u openpyxl) con fechas fijas."""
    with zipfile.ZipFile(io.BytesIO(datos)) as zf:
        miembros = [(i.filename, zf.read(i)) for i in zf.infolist()]
    return zip_determinista(miembros)


def escribir_atomico_con(destino: str | os.PathLike[str], escribir: Callable[[BinaryIO], None]) -> Path:
    """Llama a ``escribir(f)`` sobre un temporal de la misma carpeta y lo renombra a ``destino``.

    Para archivos grandes que se escriben por partes: nunca queda uno a medias con el nombre final.
    """
    ruta = Path(destino)
    ruta.parent.mkdir(parents=True, exist_ok=True)
    fd, temporal = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=ruta.parent)
    try:
        with os.fdopen(fd, "w+b") as f:
            escribir(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporal, 0o644)
        os.replace(temporal, ruta)
    except BaseException:
        Path(temporal).unlink(missing_ok=True)
        raise
    return ruta


def escribir_atomico(destino: Destino, datos: bytes) -> Path | None:
    """Escribe ``datos`` en ``destino`` sin dejar nunca un archivo a medias.

    Si ``destino`` es un objeto binario abierto, escribe en él y devuelve ``None``.
    Si es una ruta, escribe en un temporal de la misma carpeta y lo renombra.
    """
    if hasattr(destino, "write"):
        destino.write(datos)  # type: ignore[union-attr]
        return None
    return escribir_atomico_con(destino, lambda f: f.write(datos))  # type: ignore[arg-type]
