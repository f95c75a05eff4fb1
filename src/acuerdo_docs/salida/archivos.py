"""Escritura segura y reproducible de archivos: temporal + renombrado, zip con fechas fijas."""

from __future__ import annotations

import io
import os
import struct
import sys
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


def escribir_atomico_con(destino: str | os.PathLike[str], escribir: Callable[[BinaryIO], None], *,
                         sincronizar: bool = True) -> Path:
    """Llama a ``escribir(f)`` sobre un temporal de la misma carpeta y lo renombra a ``destino``.

    Para archivos grandes que se escriben por partes: nunca queda uno a medias con el nombre final.
    ``sincronizar=False`` omite el ``fsync`` del archivo: quien escribe muchos (un lote) llama a
    :func:`sincronizar_carpeta` una vez al final.
    """
    ruta = Path(destino)
    ruta.parent.mkdir(parents=True, exist_ok=True)
    fd, temporal = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=ruta.parent)
    try:
        with os.fdopen(fd, "w+b") as f:
            escribir(f)
            f.flush()
            if sincronizar:
                os.fsync(f.fileno())
        os.chmod(temporal, 0o644)
        os.replace(temporal, ruta)
    except BaseException:
        Path(temporal).unlink(missing_ok=True)
        raise
    return ruta


def escribir_atomico(destino: Destino, datos: bytes, *, sincronizar: bool = True) -> Path | None:
    """Escribe ``datos`` en ``destino`` sin dejar nunca un archivo a medias.

    Si ``destino`` es un objeto binario abierto, escribe en él y devuelve ``None``.
    Si es una ruta, escribe en un temporal de la misma carpeta y lo renombra.
    """
    if hasattr(destino, "write"):
        destino.write(datos)  # type: ignore[union-attr]
        return None
    return escribir_atomico_con(destino, lambda f: f.write(datos), sincronizar=sincronizar)  # type: ignore[arg-type]


def sincronizar_carpeta(carpeta: str | os.PathLike[str], archivos: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Lleva al disco, de una vez, lo escrito en ``carpeta`` sin ``fsync`` y luego la carpeta misma.

    En Linux, ``syncfs`` del sistema de archivos de la carpeta (una llamada para todo el lote);
    en otros sistemas, ``fsync`` de cada uno de ``archivos``. Al final, ``fsync`` de la carpeta
    (los renombrados). Es lo que vuelve durables los archivos de un lote antes de escribir su informe.
    """
    try:
        fd = os.open(carpeta, os.O_RDONLY)
    except OSError:  # p. ej. Windows no abre carpetas
        fd = -1
    try:
        if fd < 0 or _syncfs is None or _syncfs(fd) != 0:
            for archivo in archivos:
                with open(archivo, "rb") as f:
                    os.fsync(f.fileno())
        if fd >= 0:
            os.fsync(fd)
    finally:
        if fd >= 0:
            os.close(fd)


def _buscar_syncfs() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).syncfs  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return None


_syncfs = _buscar_syncfs()
