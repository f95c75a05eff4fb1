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

from sqlalchemy import String, cast, exists, or_, select
from sqlalchemy.orm import Session

from .bd import Almacen, Borrador, Revision

log = logging.getLogger("acuerdo_docs.web")


def _nombrada(sesion: Session, relativa: str) -> bool:
    """¿Algún borrador o revisión nombra ``relativa``? (texto del JSON; ``_`` de LIKE sobra: nunca borra de más)."""
    patron = f'%"{relativa}"%'
    return bool(sesion.scalar(select(or_(
        exists().where(cast(Borrador.datos, String).like(patron)),
        exists().where(cast(Revision.datos, String).like(patron)),
    ))))


def nombradas_por(almacen: Almacen, id_borrador: int) -> set[str]:
    """Las imágenes (rutas relativas ``anexos/…``) que nombran el borrador y su historial; se piden antes de
    eliminarlo (una copia eliminada nombra las del original, que viven en la carpeta de este)."""
    with Session(almacen.motor) as sesion:
        tipo = sesion.scalar(select(Borrador.tipo).where(Borrador.id == id_borrador))
        if tipo != "ficha":  # solo la ficha lleva imágenes de anexos
            return set()
        todos = [sesion.scalar(select(Borrador.datos).where(Borrador.id == id_borrador)),
                 *sesion.scalars(select(Revision.datos).where(Revision.borrador_id == id_borrador))]
    rutas: set[str] = set()
    for datos in todos:
        anexos = datos.get("anexos") if isinstance(datos, dict) else None
        for anexo in anexos if isinstance(anexos, list) else []:
            archivo = anexo.get("archivo") if isinstance(anexo, dict) else None
            if isinstance(archivo, str) and archivo.startswith("anexos/"):
                rutas.add(archivo)
    return rutas


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
        with Session(almacen.motor) as sesion:
            for relativa in sorted(candidatas):
                partes = relativa.split("/")
                if len(partes) != 3 or partes[0] != "anexos" or not partes[1].isdigit() or partes[2] in ("", ".", ".."):
                    continue  # solo anexos/<número>/<archivo>: nada fuera de su carpeta
                archivo = raiz / partes[1] / partes[2]
                if archivo.is_symlink() or not archivo.is_file() or _nombrada(sesion, relativa):
                    continue
                archivo.unlink()
                borradas.append(archivo)
        for carpeta_anexo in {a.parent for a in borradas} | ({base} if base.is_dir() else set()):
            if not carpeta_anexo.is_symlink() and carpeta_anexo.is_dir() and not any(carpeta_anexo.iterdir()):
                carpeta_anexo.rmdir()
    except OSError as exc:
        log.warning("no se pudieron borrar las imágenes del borrador %d: %s", id_borrador, type(exc).__name__)
    return borradas


__all__ = ["borrar_anexos_sin_uso", "nombradas_por"]
