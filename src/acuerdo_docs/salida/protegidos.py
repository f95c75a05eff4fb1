"""Los archivos que el equipo edita durante meses: abiertos, de solo lectura, editados desde que se escribieron.

Reglas (issue 24), las mismas para la CLI y para cualquier otra puerta:

- **Abierto**: Excel deja ``~$NOMBRE.xlsx`` y LibreOffice ``.~lock.NOMBRE.xlsx#`` junto al archivo
  mientras lo tienen abierto. Leerlo avisa (las ediciones sin guardar no se ven); reemplazarlo se
  rechaza. El contenido del archivo de bloqueo (el nombre de quien lo abrió, un dato personal)
  nunca se lee.
- **Solo lectura**: un archivo sin permiso de escritura no se reemplaza.
- **Editado**: cada libro .xlsx que escribe el proyecto lleva su huella (SHA-256 de sus partes, en
  una propiedad personalizada del documento). Si el libro que se va a reemplazar ya no coincide
  con su huella (alguien lo editó y guardó), antes se guarda una copia ``NOMBRE.xlsx.bak`` a su lado
  y se avisa; con la política ``"rechazar"`` (:func:`si_editado`) no se reemplaza.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from ..errores import ErrorSalida
from ..registro import registro

log = registro("acuerdo_docs.salida")

PROPIEDAD_HUELLA = "acuerdo_docs.huella"
"""Propiedad personalizada del libro con la huella de sus partes (la escribe :func:`sellar`)."""
PROPIEDAD_ID = "acuerdo_docs.acuerdo_id"
"""Id del acuerdo al que pertenece el libro (sobrevive a renombrar el archivo y el desafío)."""
PROPIEDAD_DESAFIO = "acuerdo_docs.desafio"
"""Nombre del desafío del acuerdo cuando se escribió el libro (para los mensajes)."""
PARTE_PROPIEDADES = "docProps/custom.xml"
SUFIJO_RESPALDO = ".bak"
EXTENSIONES_LIBRO = (".xlsx", ".xlsm")
_MARCA = "0" * 64
"""Valor provisional de la huella mientras se calcula (mismo largo que la huella)."""

Politica = Literal["respaldar", "rechazar"]
_POLITICA: contextvars.ContextVar[Politica] = contextvars.ContextVar("politica_editado", default="respaldar")


class ArchivoAbierto(ErrorSalida):
    """El archivo que se iba a reemplazar está abierto en Excel o LibreOffice."""


class LibroEditado(ErrorSalida):
    """El libro que se iba a reemplazar cambió desde que se escribió y la política es rechazar."""


@contextlib.contextmanager
def si_editado(politica: Politica) -> Iterator[None]:
    """Qué hacer al reemplazar un libro editado dentro de este bloque: ``"respaldar"`` (por omisión) o ``"rechazar"``."""
    if politica not in ("respaldar", "rechazar"):
        raise ValueError(f"política desconocida: {politica}")
    token = _POLITICA.set(politica)
    try:
        yield
    finally:
        _POLITICA.reset(token)


def politica_editado() -> Politica:
    return _POLITICA.get()


# ------------------------------------------------------------------ archivos de bloqueo


def archivos_de_bloqueo(ruta: str | os.PathLike[str]) -> list[Path]:
    """Los archivos de bloqueo de Excel y LibreOffice que hay junto a ``ruta`` (sin abrirlos)."""
    ruta = Path(ruta)
    nombre = ruta.name
    # Excel: «~$» delante del nombre (con nombres largos, en lugar de sus dos primeras letras).
    candidatos = [f"~${nombre}", f"~${nombre[2:]}", f".~lock.{nombre}#"]
    vistos: list[Path] = []
    for candidato in dict.fromkeys(candidatos):
        otro = ruta.with_name(candidato)
        if os.path.lexists(otro):
            vistos.append(otro)
    return vistos


def aviso_abierto(ruta: str | os.PathLike[str]) -> str | None:
    """El aviso para quien lee ``ruta`` si parece abierto en Excel o LibreOffice (o ``None``)."""
    bloqueos = archivos_de_bloqueo(ruta)
    if not bloqueos:
        return None
    return (f"{Path(ruta).name} parece abierto en Excel o LibreOffice (está «{bloqueos[0].name}» a su lado):"
            " se lee lo último guardado; las ediciones sin guardar no se ven. Guárdelo y ciérrelo antes de leerlo.")


def avisar_si_abierto(ruta: str | os.PathLike[str]) -> str | None:
    """Registra (y devuelve) el aviso de :func:`aviso_abierto`."""
    aviso = aviso_abierto(ruta)
    if aviso is not None:
        log.warning("%s", aviso)
    return aviso


def _rechazar_si_abierto(ruta: Path, mostrar: str) -> None:
    bloqueos = archivos_de_bloqueo(ruta)
    if bloqueos:
        raise ArchivoAbierto(
            f"«{mostrar}» está abierto en Excel o LibreOffice (está «{bloqueos[0].name}» a su lado): ciérrelo"
            " (guardando sus cambios) y vuelva a intentarlo; no se reemplaza un archivo abierto."
        )


# ------------------------------------------------------------------ huella de los libros


def _huella_de(partes: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for nombre, datos in sorted(partes):
        if nombre == PARTE_PROPIEDADES:
            continue
        h.update(nombre.encode("utf-8") + b"\0" + len(datos).to_bytes(8, "big") + datos)
    return h.hexdigest()


def marca_huella() -> str:
    """El valor provisional que lleva la propiedad de huella hasta que :func:`sellar` la calcula."""
    return _MARCA


def sellar(partes: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """Pone en ``docProps/custom.xml`` la huella de las demás partes (donde estaba :func:`marca_huella`)."""
    huella = _huella_de(partes).encode("ascii")
    marca = f">{_MARCA}<".encode("ascii")
    return [(n, d.replace(marca, b">" + huella + b"<", 1) if n == PARTE_PROPIEDADES else d) for n, d in partes]


def propiedades_xlsx(ruta: str | os.PathLike[str]) -> dict[str, str]:
    """Las propiedades personalizadas de texto de un .xlsx (vacío si no tiene o no se puede leer)."""
    try:
        with zipfile.ZipFile(ruta) as zf:
            info = zf.getinfo(PARTE_PROPIEDADES)
            if info.file_size > 1024 * 1024:
                return {}
            xml = zf.read(info)
        from lxml import etree

        raiz = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return {}
    return {p.get("name", ""): "".join(t for t in p.itertext() if isinstance(t, str)) for p in raiz if p.get("name")}


def libro_intacto(ruta: str | os.PathLike[str]) -> bool:
    """``ruta`` es un libro tal como lo escribió acuerdo_docs (su huella coincide con sus partes)."""
    huella = propiedades_xlsx(ruta).get(PROPIEDAD_HUELLA)
    if not huella:
        return False
    try:
        with zipfile.ZipFile(ruta) as zf:
            partes = [(i.filename, zf.read(i)) for i in zf.infolist() if i.filename != PARTE_PROPIEDADES]
    except (OSError, zipfile.BadZipFile, ValueError):
        return False
    return _huella_de(partes) == huella


def ruta_respaldo(ruta: str | os.PathLike[str]) -> Path:
    """``matriz.xlsx`` → ``matriz.xlsx.bak`` (como el catálogo)."""
    ruta = Path(ruta)
    return ruta.with_name(ruta.name + SUFIJO_RESPALDO)


def _es_libro(ruta: Path) -> bool:
    return ruta.suffix.lower() in EXTENSIONES_LIBRO


def editado(ruta: Path) -> bool:
    """``ruta`` es un libro sellado por acuerdo_docs que alguien cambió después."""
    return _es_libro(ruta) and ruta.is_file() and not libro_intacto(ruta)


# ------------------------------------------------------------------ antes de reemplazar


def revisar_reemplazo(ruta: str | os.PathLike[str], mostrar: str | None = None) -> None:
    """Lo que impide reemplazar ``ruta`` (que existe): abierta, de solo lectura, o editada con política rechazar."""
    ruta = Path(ruta)
    texto = os.fspath(ruta) if mostrar is None else mostrar
    _rechazar_si_abierto(ruta, texto)
    try:
        modo = os.lstat(ruta).st_mode
    except OSError:
        return
    if stat.S_ISREG(modo) and not modo & stat.S_IWUSR:
        raise ErrorSalida(
            f"«{texto}» es de solo lectura: no se reemplaza. Quítele la marca de solo lectura si de verdad"
            " quiere reemplazarlo, o elija otra salida."
        )
    if politica_editado() == "rechazar" and editado(ruta):
        raise LibroEditado(
            f"«{texto}» cambió desde que acuerdo_docs lo escribió (alguien lo editó): no se reemplaza."
            " Guárdelo con otro nombre, elija otra salida, o pida una copia de respaldo (--si-editado respaldar)."
        )


__all__ = [
    "PROPIEDAD_DESAFIO", "PROPIEDAD_HUELLA", "PROPIEDAD_ID", "ArchivoAbierto", "LibroEditado", "Politica",
    "archivos_de_bloqueo", "aviso_abierto", "avisar_si_abierto", "editado", "libro_intacto", "marca_huella",
    "politica_editado", "propiedades_xlsx", "revisar_reemplazo", "ruta_respaldo",
    "sellar", "si_editado",
]
