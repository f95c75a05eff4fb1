"""El único escritor de zip del proyecto: .docx y .xlsx reproducibles, byte a byte.

Cada miembro lleva la fecha fija :data:`FECHA_ZIP`, permisos 0644 y ningún campo extra (salvo
ZIP64 cuando un tamaño no cabe en 32 bits). Se escribe a mano en lugar de con :mod:`zipfile`
porque así un miembro ya comprimido se reutiliza tal cual entre documentos: una plantilla con
un logo de 2 MB no se vuelve a comprimir en cada documento de un lote.
"""

from __future__ import annotations

import io
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO, BinaryIO, NamedTuple

FECHA_ZIP = (1980, 1, 1, 0, 0, 0)
"""Fecha fija de cada miembro de los .docx/.xlsx: el mismo dato da el mismo archivo, byte a byte."""

NIVEL = 6
"""Nivel de compresión de todos los miembros (el de zlib por omisión)."""

PERMISOS = 0o644
"""Permisos de archivo Unix de cada miembro."""

_HORA_DOS = 0
_FECHA_DOS = ((FECHA_ZIP[0] - 1980) << 9) | (FECHA_ZIP[1] << 5) | FECHA_ZIP[2]
_MAX32 = 0xFFFFFFFF
"""Mayor tamaño o posición que cabe en un campo de 32 bits; desde ahí, ZIP64."""
_MAX16 = 0xFFFF
"""Mayor número de miembros que cabe en el final clásico."""


def _a32(valor: int) -> int:
    """El valor, o la marca 0xFFFFFFFF que remite al campo ZIP64."""
    return 0xFFFFFFFF if valor >= _MAX32 else valor


def _a16(valor: int) -> int:
    return 0xFFFF if valor >= _MAX16 else valor

_BLOQUE = 1 << 20


# NamedTuple y no dataclass: inmutable igual, y crear la clase no cuesta ~0,4 ms a cada proceso (arranque).
class Miembro(NamedTuple):
    """Un miembro de zip ya comprimido (se reutiliza tal cual entre documentos)."""

    nombre: str
    crc: int
    tamano: int
    datos_comprimidos: bytes


def _compresor(nivel: int = NIVEL) -> zlib._Compress:
    return zlib.compressobj(nivel, zlib.DEFLATED, -15)


def comprimir(nombre: str, datos: bytes, nivel: int = NIVEL) -> Miembro:
    """Comprime ``datos`` como miembro ``nombre`` (deflate crudo, como :mod:`zipfile`)."""
    compresor = _compresor(nivel)
    comprimido = compresor.compress(datos) + compresor.flush()
    return Miembro(nombre, zlib.crc32(datos), len(datos), comprimido)


class EscritorZip:
    """Escribe un zip en ``salida`` miembro a miembro; :meth:`cerrar` pone el directorio central.

    Las posiciones se cuentan desde donde está ``salida`` al empezar, así que no hace falta
    que se pueda volver atrás en ella (vale un archivo, un ``BytesIO`` o una tubería).
    """

    def __init__(self, salida: BinaryIO) -> None:
        self._salida = salida
        self._posicion = 0
        self._directorio = bytearray()
        self._cuenta = 0

    def _escribir(self, datos: bytes) -> None:
        self._salida.write(datos)
        self._posicion += len(datos)

    def agregar(self, miembro: Miembro) -> None:
        """Un miembro ya comprimido."""
        self._cabecera(miembro.nombre, miembro.crc, miembro.tamano, len(miembro.datos_comprimidos))
        self._escribir(miembro.datos_comprimidos)

    def agregar_datos(self, nombre: str, datos: bytes) -> None:
        """Un miembro sin comprimir todavía."""
        self.agregar(comprimir(nombre, datos))

    def agregar_trozos(self, nombre: str, trozos: Iterable[bytes | IO[bytes]]) -> None:
        """Un miembro que no cabe en memoria: ``trozos`` son bytes o archivos binarios que se leen enteros.

        Se comprime primero a un temporal (en disco pasados 32 MB) para conocer la CRC y los
        tamaños antes de la cabecera local.
        """
        compresor = _compresor()
        crc = tamano = 0
        with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as temporal:
            for trozo in trozos:
                for bloque in _bloques(trozo):
                    crc = zlib.crc32(bloque, crc)
                    tamano += len(bloque)
                    temporal.write(compresor.compress(bloque))
            temporal.write(compresor.flush())
            comprimido = temporal.tell()
            temporal.seek(0)
            self._cabecera(nombre, crc, tamano, comprimido)
            shutil.copyfileobj(temporal, self._salida, _BLOQUE)
            self._posicion += comprimido

    def _cabecera(self, nombre: str, crc: int, tamano: int, comprimido: int) -> None:
        """Cabecera local de un miembro y su entrada del directorio central."""
        codificado = nombre.encode("utf-8")
        banderas = 0 if nombre.isascii() else 0x800  # nombre en UTF-8
        desplazamiento = self._posicion
        local64 = tamano >= _MAX32 or comprimido >= _MAX32
        version = 45 if local64 or desplazamiento >= _MAX32 else 20
        extra_local = struct.pack("<HHQQ", 1, 16, tamano, comprimido) if local64 else b""
        self._escribir(struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, version, banderas, 8, _HORA_DOS, _FECHA_DOS,
            crc, 0xFFFFFFFF if local64 else comprimido, 0xFFFFFFFF if local64 else tamano,
            len(codificado), len(extra_local),
        ) + codificado + extra_local)
        campos64 = [v for v in (tamano, comprimido, desplazamiento) if v >= _MAX32]
        extra = struct.pack(f"<HH{len(campos64)}Q", 1, 8 * len(campos64), *campos64) if campos64 else b""
        self._directorio += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, (3 << 8) | version, version, banderas, 8, _HORA_DOS, _FECHA_DOS,
            crc, _a32(comprimido), _a32(tamano), len(codificado), len(extra), 0, 0, 0,
            (0o100000 | PERMISOS) << 16, _a32(desplazamiento),
        ) + codificado + extra
        self._cuenta += 1

    def cerrar(self) -> None:
        """Escribe el directorio central y el final del zip (ZIP64 si hace falta)."""
        inicio, tamano, cuenta = self._posicion, len(self._directorio), self._cuenta
        self._escribir(bytes(self._directorio))
        if cuenta >= _MAX16 or inicio >= _MAX32 or tamano >= _MAX32:
            fin64 = self._posicion
            self._escribir(struct.pack(
                "<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, cuenta, cuenta, tamano, inicio,
            ))
            self._escribir(struct.pack("<IIQI", 0x07064B50, 0, fin64, 1))
        self._escribir(struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, _a16(cuenta), _a16(cuenta), _a32(tamano), _a32(inicio), 0,
        ))


def _bloques(trozo: bytes | IO[bytes]) -> Iterable[bytes]:
    if isinstance(trozo, (bytes, bytearray, memoryview)):
        yield bytes(trozo)
        return
    while bloque := trozo.read(_BLOQUE):
        yield bloque


def empaquetar(miembros: Iterable[Miembro]) -> bytes:
    """El zip con los miembros ya comprimidos, en orden: fechas y permisos fijos, sin extras."""
    salida = io.BytesIO()
    escritor = EscritorZip(salida)
    for miembro in miembros:
        escritor.agregar(miembro)
    escritor.cerrar()
    return salida.getvalue()


def zip_determinista(miembros: Iterable[tuple[str, bytes]], nivel: int = NIVEL) -> bytes:
    """Empaqueta los miembros en orden, con fecha y permisos fijos."""
    return empaquetar(comprimir(nombre, datos, nivel) for nombre, datos in miembros)


def leer_miembros(datos: bytes) -> list[tuple[str, bytes]]:
    """Los miembros de un zip propio (ya confiable), en su orden."""
    with zipfile.ZipFile(io.BytesIO(datos)) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def normalizar_zip(datos: bytes) -> bytes:
    """Reescribe un zip (p. ej. el que guarda python-docx u openpyxl) con fechas fijas."""
    return zip_determinista(leer_miembros(datos))
