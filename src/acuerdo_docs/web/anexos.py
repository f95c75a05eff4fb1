"""Las imágenes de los anexos de un borrador eliminado: se borran del disco salvo las que otro aún usa.

Una imagen subida vive en ``anexos/<id>/`` de la carpeta de datos y los datos la nombran por esa ruta
relativa. «Duplicar» copia los datos, así que la copia nombra las imágenes del original: al eliminar
un borrador, cada imagen de su carpeta se borra solo si ningún borrador (ni revisión del historial de
otro) la nombra. Pueden ser fotos de personas (Ley 1581 de 2012): eliminar es eliminar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from .bd import TIPOS_CON_ANEXOS, Almacen, Borrador, Revision, rutas_anexos

log = logging.getLogger("acuerdo_docs.web")


POR_CONSULTA = 50
"""Imágenes por consulta: una sola pasada por las tablas mira muchas a la vez."""


def _nombradas(sesion: Session, relativas: list[str]) -> set[str]:
    """Cuáles de ``relativas`` nombra algún borrador o revisión (en el texto de su JSON).

    Una pasada por cada tabla para todas (no una por imagen: la tabla de revisiones de una oficina
    tiene decenas de miles de filas); solo vuelven las filas que nombran alguna. El ``_`` de LIKE sobra
    (nunca hace borrar de más: lo que coincide se vuelve a mirar aquí, con el texto exacto).
    """
    usadas: set[str] = set()
    for inicio in range(0, len(relativas), POR_CONSULTA):
        tramo = relativas[inicio:inicio + POR_CONSULTA]
        for columna in (Borrador.datos, Revision.datos):
            texto = cast(columna, String)
            for (fila,) in sesion.execute(select(texto).where(or_(*[texto.like(f'%"{r}"%') for r in tramo]))):
                usadas |= {r for r in tramo if f'"{r}"' in fila}
    return usadas


def nombradas_por(almacen: Almacen, id_borrador: int) -> set[str]:
    """Las imágenes (rutas relativas ``anexos/…``) que nombran el borrador y su historial; se piden antes de
    eliminarlo (una copia eliminada nombra las del original, que viven en la carpeta de este)."""
    with Session(almacen.motor) as sesion:
        tipo = sesion.scalar(select(Borrador.tipo).where(Borrador.id == id_borrador))
        if tipo not in TIPOS_CON_ANEXOS:  # sin imágenes: ni se leen sus revisiones
            return set()
        todos = [sesion.scalar(select(Borrador.datos).where(Borrador.id == id_borrador)),
                 *sesion.scalars(select(Revision.datos).where(Revision.borrador_id == id_borrador))]
    rutas: set[str] = set()
    for datos in todos:
        if isinstance(datos, dict):
            rutas |= rutas_anexos(tipo, datos)
    return {r for r in rutas if r.startswith("anexos/")}


def borrar_anexos_sin_uso(almacen: Almacen, carpeta: Path | None, id_borrador: int,
                          nombradas: Iterable[str] = ()) -> list[Path]:
    """Después de eliminar el borrador ``id_borrador``: borra las imágenes que nadie más nombra.

    Candidatas: las de su carpeta ``anexos/<id>/`` y ``nombradas`` (ver :func:`nombradas_por`), solo dentro
    de ``anexos/`` y sin seguir enlaces. Devuelve lo borrado; una carpeta de anexos que queda vacía se
    quita. Un error del disco no deshace la eliminación del borrador: queda anotado en el registro (sin
    rutas: solo el número del borrador).
    """
    if carpeta is None:
        return []
    raiz = carpeta / "anexos"
    base = raiz / str(id_borrador)
    candidatas = set(nombradas)
    borradas: list[Path] = []
    try:
        if base.is_dir() and not base.is_symlink():
            candidatas |= {f"anexos/{id_borrador}/{archivo.name}" for archivo in base.iterdir()}
        archivos: dict[str, Path] = {}
        for relativa in sorted(candidatas):
            partes = relativa.split("/")
            if len(partes) != 3 or partes[0] != "anexos" or not partes[1].isdigit() or partes[2] in ("", ".", ".."):
                continue  # solo anexos/<número>/<archivo>: nada fuera de su carpeta
            archivo = raiz / partes[1] / partes[2]
            if not archivo.is_symlink() and archivo.is_file():
                archivos[relativa] = archivo
        with Session(almacen.motor) as sesion:
            usadas = _nombradas(sesion, list(archivos)) if archivos else set()
        for relativa, archivo in archivos.items():
            if relativa not in usadas:
                archivo.unlink()
                borradas.append(archivo)
        for carpeta_anexo in {a.parent for a in borradas} | ({base} if base.is_dir() else set()):
            if not carpeta_anexo.is_symlink() and carpeta_anexo.is_dir() and not any(carpeta_anexo.iterdir()):
                carpeta_anexo.rmdir()
    except OSError as exc:
        log.warning("no se pudieron borrar las imágenes del borrador %d: %s", id_borrador, type(exc).__name__)
    return borradas


def eliminar_borrador(almacen: Almacen, carpeta: Path | None, id_borrador: int) -> list[Path]:
    """Elimina el borrador, su historial y las imágenes que nadie más nombra; devuelve las imágenes borradas.

    Lee y recorre tablas enteras: quien atiende pedidos la llama en un hilo (no detiene a los demás).
    """
    imagenes = nombradas_por(almacen, id_borrador)
    almacen.borrar(id_borrador)
    return borrar_anexos_sin_uso(almacen, carpeta, id_borrador, imagenes)


__all__ = ["borrar_anexos_sin_uso", "eliminar_borrador", "nombradas_por"]
