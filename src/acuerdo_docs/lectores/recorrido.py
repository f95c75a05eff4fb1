"""Una sola manera de recorrer una carpeta de entradas y de leer cada archivo que se encuentra.

Toda orden que lee muchos archivos de una carpeta (hoy ``catalogo``) pasa por aquí:

* :func:`recorrer` lista los archivos con las extensiones pedidas, en orden estable, sin abrir
  nada: omite ocultos y bloqueos de Word (``~$``), **no sigue enlaces a carpetas** (un bucle no
  puede existir) y avisa de cada uno, y nunca recorre más de :data:`PROFUNDIDAD_MAXIMA` niveles ni
  lista más de :data:`ARCHIVOS_MAXIMOS` archivos.
* :func:`leer_archivo` lee uno: sigue un enlace a un archivo (a lo sumo los saltos que admite el
  sistema; un bucle es un error), lo abre **sin bloquear** (un FIFO no cuelga), exige un archivo
  regular (no un FIFO, un dispositivo como ``/dev/zero`` ni un socket) y mira el tamaño **antes**
  de leer, y lee como mucho ese límite.

Cada problema es un :class:`ArchivoNoLegible` con el motivo en español, para informarlo en la
fila de ese archivo; nunca una traza.
"""

from __future__ import annotations

import errno
import logging
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errores import ErrorEntrada, causa_sistema
from ..limites_entrada import ARCHIVOS_CARPETA, PROFUNDIDAD_CARPETAS

log = logging.getLogger("acuerdo_docs.lectores")

PROFUNDIDAD_MAXIMA = PROFUNDIDAD_CARPETAS
"""Niveles de subcarpetas que se recorren como máximo."""

ARCHIVOS_MAXIMOS = ARCHIVOS_CARPETA
"""Archivos que se listan como máximo en una carpeta (con sus subcarpetas)."""

_MB = 1024 * 1024


class ArchivoNoLegible(Exception):
    """Un archivo de la carpeta que no se lee; ``motivo`` en español, sin ruta."""

    def __init__(self, motivo: str) -> None:
        super().__init__(motivo)
        self.motivo = motivo


@dataclass
class Recorrido:
    """Los archivos hallados (en orden de ruta relativa) y los avisos del recorrido (rutas relativas)."""

    archivos: list[Path] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)


def motivo_nodo(modo: int) -> str | None:
    """Por qué un nodo (``st_mode`` ya resuelto) no se lee como archivo, o ``None`` si es regular."""
    if stat.S_ISREG(modo):
        return None
    if stat.S_ISDIR(modo):
        return "es una carpeta, no un archivo"
    if stat.S_ISFIFO(modo):
        return "es una tubería (FIFO), no un archivo: no se lee"
    if stat.S_ISCHR(modo) or stat.S_ISBLK(modo):
        return "es un dispositivo, no un archivo: no se lee"
    if stat.S_ISSOCK(modo):
        return "es un socket, no un archivo: no se lee"
    return "no es un archivo regular: no se lee"


def _motivo_error(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "es un enlace simbólico en bucle (o con demasiados saltos): no se sigue"
    if exc.errno == errno.ENOENT:
        return "es un enlace simbólico roto (su destino no existe)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "no hay permiso para leerlo"
    return f"no se pudo abrir ({causa_sistema(exc)})"


def leer_archivo(ruta: str | os.PathLike[str], limite_bytes: int) -> bytes:
    """Los bytes de ``ruta`` si es (o enlaza a) un archivo regular de a lo sumo ``limite_bytes``.

    Lanza :class:`ArchivoNoLegible` con el motivo. Se abre con ``O_NONBLOCK``: si entre el recorrido
    y la lectura alguien pone un FIFO con ese nombre, la apertura no espera a un escritor.
    """
    try:
        fd = os.open(ruta, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        try:  # p. ej. un socket no se abre (ENXIO): se dice qué es
            motivo = motivo_nodo(os.stat(ruta).st_mode)
        except OSError:
            motivo = None
        raise ArchivoNoLegible(motivo or _motivo_error(exc)) from None
    try:
        estado = os.fstat(fd)
        motivo = motivo_nodo(estado.st_mode)
        if motivo is not None:
            raise ArchivoNoLegible(motivo)
        if estado.st_size > limite_bytes:
            raise ArchivoNoLegible(f"pesa más de {limite_bytes // _MB} MB (el máximo): no se lee")
        partes: list[bytes] = []
        leidos = 0
        while leidos <= limite_bytes:  # el tamaño pudo crecer después de mirarlo
            parte = os.read(fd, min(1 << 20, limite_bytes + 1 - leidos))
            if not parte:
                break
            partes.append(parte)
            leidos += len(parte)
        if leidos > limite_bytes:
            raise ArchivoNoLegible(f"pesa más de {limite_bytes // _MB} MB (el máximo): no se lee")
        return b"".join(partes)
    except OSError as exc:
        raise ArchivoNoLegible(_motivo_error(exc)) from None
    finally:
        os.close(fd)


def _identidades(rutas: Iterable[Path]) -> tuple[set[tuple[int, int]], set[str]]:
    """Lo que se excluye, por archivo (dispositivo, inodo) si existe y por ruta absoluta siempre."""
    ids: set[tuple[int, int]] = set()
    nombres: set[str] = set()
    for ruta in rutas:
        nombres.add(os.path.abspath(ruta))
        try:
            estado = os.stat(ruta)
            ids.add((estado.st_dev, estado.st_ino))
        except (OSError, ValueError):
            pass
    return ids, nombres


def recorrer(carpeta: str | os.PathLike[str], extensiones: tuple[str, ...], *,
             excluir: Iterable[Path] = ()) -> Recorrido:
    """Los archivos de ``carpeta`` (y subcarpetas) con esas extensiones, en orden de ruta relativa.

    No abre ningún archivo (un FIFO o ``/dev/zero`` se listan y :func:`leer_archivo` los rechaza
    en su fila). Omite lo oculto (``.``) y los bloqueos de Word (``~$``) y lo de ``excluir`` (las
    salidas de la propia orden).
    """
    raiz = Path(carpeta)
    ids_fuera, nombres_fuera = _identidades(excluir)
    resultado = Recorrido()
    pendientes: list[tuple[Path, int]] = [(raiz, 0)]
    hallados: list[tuple[str, Path]] = []
    while pendientes:
        actual, nivel = pendientes.pop()
        relativa_actual = actual.relative_to(raiz).as_posix()
        try:
            with os.scandir(actual) as entradas:
                lista = sorted(entradas, key=lambda e: e.name)
        except OSError as exc:
            resultado.avisos.append(f"{relativa_actual}: no se pudo abrir la carpeta ({causa_sistema(exc)})")
            continue
        for entrada in lista:
            nombre = entrada.name
            if nombre.startswith((".", "~$")):
                continue
            ruta = actual / nombre
            relativa = ruta.relative_to(raiz).as_posix()
            try:
                es_enlace = entrada.is_symlink()
                es_carpeta = entrada.is_dir(follow_symlinks=False)
            except OSError:
                es_enlace, es_carpeta = False, False
            if es_carpeta:
                if nivel + 1 >= PROFUNDIDAD_MAXIMA:
                    resultado.avisos.append(f"{relativa}: más de {PROFUNDIDAD_MAXIMA} niveles de carpetas; no se entra")
                else:
                    pendientes.append((ruta, nivel + 1))
                continue
            if not nombre.lower().endswith(extensiones):
                if es_enlace and os.path.isdir(ruta):  # un enlace a una carpeta, con cualquier nombre
                    resultado.avisos.append(f"{relativa}: es un enlace a una carpeta; no se sigue "
                                            "(copie las fichas dentro de la carpeta)")
                continue
            if os.path.abspath(ruta) in nombres_fuera:
                continue
            try:
                estado = os.stat(ruta)
                if (estado.st_dev, estado.st_ino) in ids_fuera:
                    continue
            except (OSError, ValueError):
                pass  # un enlace roto o en bucle se lista: su fila dice por qué no se lee
            hallados.append((relativa, ruta))
            if len(hallados) > ARCHIVOS_MAXIMOS:
                raise ErrorEntrada(
                    f"{raiz.name or raiz}: la carpeta tiene más de {ARCHIVOS_MAXIMOS} archivos que leer "
                    "(el máximo); divídala en varias"
                )
    hallados.sort(key=lambda h: h[0])
    resultado.archivos = [ruta for _, ruta in hallados]
    for aviso in resultado.avisos:
        log.warning("%s", aviso)
    return resultado


__all__ = ["ARCHIVOS_MAXIMOS", "PROFUNDIDAD_MAXIMA", "ArchivoNoLegible", "Recorrido", "leer_archivo",
           "motivo_nodo", "recorrer"]
