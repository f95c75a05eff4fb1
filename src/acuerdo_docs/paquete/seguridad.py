"""La única comprobación de un zip de Office que llega de fuera (ficha, libro, plantilla).

Antes de entregarlo a un analizador se mira lo que declara el zip: número de partes,
cifrado, tamaño descomprimido total, proporción de una parte grande (bomba zip), tamaño
de una parte XML y que ninguna parte XML declare DTD o entidades (un archivo de Office
legítimo nunca las usa: así no hay expansión de entidades ni referencias externas).
:mod:`zipfile` nunca entrega más bytes de los declarados, así que basta revisar lo declarado.

Quien llama traduce :class:`ZipRechazado` a su propio mensaje (lo que se dice de una ficha
no es lo que se dice de una plantilla).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from enum import Enum
from typing import IO, NamedTuple

MB = 1024 * 1024

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SOLAPE = 64
"""Bytes que se guardan entre trozos al buscar una DTD (una marca partida entre dos trozos)."""
_TROZO = 1 << 20
_EXTENSIONES_XML = (".xml", ".rels", ".vml")


class Motivo(Enum):
    """Por qué se rechaza un zip."""

    DANADO = "dañado"
    CIFRADO = "cifrado"
    MIEMBROS = "demasiadas partes"
    PROPORCION = "proporción de compresión"
    DESCOMPRIMIDO = "tamaño descomprimido"
    PARTE_XML = "parte XML demasiado grande"
    DTD = "DTD o entidades"


class ZipRechazado(Exception):
    """Un zip no confiable que no se abre; quien llama lo traduce a su mensaje."""

    def __init__(self, motivo: Motivo, *, miembro: str = "", total: int = 0, partes: int = 0) -> None:
        self.motivo = motivo
        self.miembro = miembro
        """La parte que causa el rechazo (DTD, proporción, parte XML), si hay una."""
        self.total = total
        """Tamaño descomprimido declarado hasta el rechazo."""
        self.partes = partes
        super().__init__(f"{motivo.value} {miembro}".strip())


# NamedTuple y no dataclass: inmutable igual, y crear la clase no cuesta ~0,4 ms a cada proceso (arranque).
class LimitesZip(NamedTuple):
    """Lo que se admite de un zip de fuera."""

    descomprimido: int
    """Suma máxima de los tamaños descomprimidos declarados."""
    partes: int | None = None
    """Número máximo de miembros (``None``: sin límite)."""
    proporcion: int | None = 200
    """Proporción máxima descomprimido/comprimido de una parte grande (``None``: solo cuenta el total)."""
    grande: int = MB
    """Desde qué tamaño descomprimido se mira la proporción (una parte pequeña puede comprimir mucho)."""
    parte_xml: int | None = None
    """Tamaño máximo de una parte XML (``None``: sin límite propio)."""


Fuente = bytes | str | os.PathLike[str]


def abrir_zip(fuente: Fuente) -> zipfile.ZipFile:
    """Abre el zip (bytes o ruta) o lanza :class:`ZipRechazado` (:attr:`Motivo.DANADO`)."""
    try:
        return zipfile.ZipFile(io.BytesIO(fuente) if isinstance(fuente, bytes) else fuente)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ZipRechazado(Motivo.DANADO) from None


def revisar_partes(partes: list[zipfile.ZipInfo], limites: LimitesZip) -> None:
    """Número de partes, cifrado, proporción y tamaño total declarados."""
    if limites.partes is not None and len(partes) > limites.partes:
        raise ZipRechazado(Motivo.MIEMBROS, partes=len(partes))
    total = 0
    for info in partes:
        if info.flag_bits & 0x1:
            raise ZipRechazado(Motivo.CIFRADO, miembro=info.filename)
        total += info.file_size
        if limites.proporcion is not None and info.file_size > limites.grande \
                and info.file_size > limites.proporcion * max(info.compress_size, 1):
            raise ZipRechazado(Motivo.PROPORCION, miembro=info.filename, total=total)
    if total > limites.descomprimido:
        raise ZipRechazado(Motivo.DESCOMPRIMIDO, total=total)
    if limites.parte_xml is not None:
        for info in partes:
            if info.filename.lower().endswith(_EXTENSIONES_XML) and info.file_size > limites.parte_xml:
                raise ZipRechazado(Motivo.PARTE_XML, miembro=info.filename)


def declara_dtd(xml: bytes) -> bool:
    """¿Declara un DTD o entidades (``<!DOCTYPE``, ``<!ENTITY``)? También en XML UTF-16."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 con marca de orden
        try:
            xml = xml.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return True
    return bool(_DTD.search(xml))


def _parece_xml(cabeza: bytes) -> bool:
    """Una parte cuyo contenido empieza como XML (aunque su nombre no lo diga)."""
    return cabeza.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")[:1] == b"<"


def _parte_con_dtd(primero: bytes, parte: IO[bytes]) -> bool:
    """Busca la DTD por trozos (``primero``: lo ya leído): una parte XML enorme nunca se carga entera."""
    trozo = primero + parte.read(_TROZO)
    if trozo[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return declara_dtd(trozo + parte.read())  # UTF-16: se decodifica entera
    anterior = b""
    while trozo:
        if declara_dtd(anterior[-_SOLAPE:] + trozo):
            return True
        anterior, trozo = trozo, parte.read(_TROZO)
    return False


def buscar_dtd(zf: zipfile.ZipFile, partes: list[zipfile.ZipInfo]) -> None:
    """Rechaza el zip si alguna parte XML (por nombre o por contenido) declara DTD o entidades."""
    for info in partes:
        try:
            with zf.open(info) as parte:
                primero = b""
                if not info.filename.lower().endswith(_EXTENSIONES_XML):
                    primero = parte.read(_SOLAPE)
                    if not _parece_xml(primero):
                        continue  # imagen u otra parte binaria: ningún analizador XML la lee
                con_dtd = _parte_con_dtd(primero, parte)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise ZipRechazado(Motivo.DANADO, miembro=info.filename) from None
        if con_dtd:
            raise ZipRechazado(Motivo.DTD, miembro=info.filename)


def revisar_zip(fuente: Fuente, limites: LimitesZip, *, requeridas: tuple[str, ...] = ()) -> list[zipfile.ZipInfo]:
    """Comprueba un zip de fuera y devuelve sus partes; lanza :class:`ZipRechazado`.

    ``requeridas``: partes que deben estar (si falta una, el zip es :attr:`Motivo.DANADO`).
    """
    with abrir_zip(fuente) as zf:
        partes = zf.infolist()
        revisar_partes(partes, limites)
        nombres = {i.filename for i in partes}
        if any(r not in nombres for r in requeridas):
            raise ZipRechazado(Motivo.DANADO)
        buscar_dtd(zf, partes)
    return partes
