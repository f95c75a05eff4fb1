"""Escritura segura y reproducible de archivos: temporal + renombrado, zip con fechas fijas."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

FECHA_ZIP = (1980, 1, 1, 0, 0, 0)
"""Fecha fija de cada miembro de los .docx/.xlsx: el mismo dato da el mismo archivo, byte a byte."""

Destino = str | os.PathLike[str] | BinaryIO


def zip_determinista(miembros: Iterable[tuple[str, bytes]], nivel: int = 6) -> bytes:
    """Empaqueta los miembros en orden, con fecha y permisos fijos."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for nombre, datos in miembros:
            info = zipfile.ZipInfo(nombre, date_time=FECHA_ZIP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            info.create_system = 3
            zf.writestr(info, datos, compresslevel=nivel)
    return buffer.getvalue()


def normalizar_zip(datos: bytes) -> bytes:
    """Reescribe un zip (p. ej. el que guarda python-docx u openpyxl) con fechas fijas."""
    with zipfile.ZipFile(io.BytesIO(datos)) as zf:
        miembros = [(i.filename, zf.read(i)) for i in zf.infolist()]
    return zip_determinista(miembros)


def escribir_atomico(destino: Destino, datos: bytes) -> Path | None:
    """Escribe ``datos`` en ``destino`` sin dejar nunca un archivo a medias.

    Si ``destino`` es un objeto binario abierto, escribe en él y devuelve ``None``.
    Si es una ruta, escribe en un temporal de la misma carpeta y lo renombra.
    """
    if hasattr(destino, "write"):
        destino.write(datos)  # type: ignore[union-attr]
        return None
    ruta = Path(destino)  # type: ignore[arg-type]
    ruta.parent.mkdir(parents=True, exist_ok=True)
    fd, temporal = tempfile.mkstemp(prefix=".~", suffix=".tmp", dir=ruta.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(datos)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temporal, 0o644)
        os.replace(temporal, ruta)
    except BaseException:
        Path(temporal).unlink(missing_ok=True)
        raise
    return ruta
