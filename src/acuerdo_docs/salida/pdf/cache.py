"""Perfiles de LibreOffice en la caché del usuario, reutilizados entre ejecuciones.

Un perfil nuevo le cuesta a LibreOffice su primer arranque (crear la configuración, registrar
extensiones); guardado en ``$XDG_CACHE_HOME/acuerdo_docs`` (o ``~/.cache/acuerdo_docs``), la
siguiente ejecución arranca ya caliente. Cada perfil tiene un candado (``fcntl.flock``): dos
ejecuciones a la vez toman perfiles distintos (dos LibreOffice no comparten perfil), y el
candado se suelta solo si el proceso muere. Un perfil sin la marca ``listo`` (su creación se
interrumpió) o con el que LibreOffice falla se borra y se crea de nuevo.

Un perfil lleva contenido que LibreOffice ejecuta (macros de Basic, eventos): la carpeta de la
caché y cada perfil pasan por :mod:`acuerdo_docs.salida.carpeta_privada` (del usuario, sin
enlaces, sin escritura de otros; el perfil entero, 0700). Un perfil que no cumple se borra y se
crea de nuevo; si no se puede, se usa un perfil temporal privado (con un aviso sin rutas).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from collections.abc import Callable, Iterator
from typing import IO

from ...errores import causa_sistema
from ...rutas import carpeta_cache
from ..archivos import DestinoNoValido, abrir_candado, escribir_atomico
from ..carpeta_privada import arbol_privado, carpeta_privada, motivo_arbol, quitar
from .perfiles import sembrar_perfil
from .soffice import version_libreoffice, xcu_perfil

# Windows no tiene fcntl: sin perfiles en caché (se usan los temporales de siempre).
if sys.platform != "win32":
    import fcntl

log = logging.getLogger("acuerdo_docs.pdf")

PERFILES_CACHE = 8
"""Perfiles en caché como máximo (ejecuciones simultáneas); más allá, perfiles temporales."""

_MARCA = "listo"
QUE = "perfiles de LibreOffice"


class PerfilCache:
    """Un perfil de la caché tomado con su candado; :meth:`soltar` lo devuelve."""

    def __init__(self, ruta: Path, candado: IO[bytes], marca: str) -> None:
        self.ruta = ruta
        self._candado: IO[bytes] | None = candado
        self._marca = marca

    @property
    def nuevo(self) -> bool:
        return not (self.ruta / _MARCA).is_file()

    def marcar_listo(self) -> None:
        """Tras la primera conversión buena: el perfil ya está completo."""
        if self.nuevo:
            escribir_atomico(self.ruta / _MARCA, self._marca.encode("utf-8"), sincronizar=False, modo_nuevo=0o600)

    def rehacer(self) -> None:
        """LibreOffice falló con este perfil: se borra y se prepara uno nuevo en el mismo sitio."""
        quitar(self.ruta)
        sembrar_perfil(self.ruta, self._marca_version())

    def _marca_version(self) -> str | None:
        return self._marca.split("\n", 1)[0] or None

    def soltar(self) -> None:
        if self._candado is not None:
            self._candado.close()  # cerrar el archivo suelta el flock
            self._candado = None


def _marca(soffice: str) -> tuple[str | None, str]:
    version = version_libreoffice(soffice)
    return version, f"{version or ''}\n{xcu_perfil(version)}"


def carpeta_perfiles(soffice: str, *, crear: bool = True, avisar: bool = True) -> Path | None:
    """La carpeta de los perfiles de esta versión de LibreOffice, si es privada (con ``crear``, se crea si falta)."""
    if sys.platform == "win32":
        return None
    version = version_libreoffice(soffice)
    return carpeta_privada(carpeta_cache() / f"libreoffice-{version or 'x'}", QUE, crear=crear, avisar=avisar)


def _candados(carpeta: Path, *, avisar: bool = True) -> Iterator[tuple[int, IO[bytes]]]:
    """(número, candado abierto) de cada puesto de la caché; los que no son un archivo regular se omiten."""
    for numero in range(PERFILES_CACHE):
        try:
            candado = abrir_candado(carpeta / f"perfil{numero}.candado")
        except DestinoNoValido:  # un enlace o un FIFO puesto como candado: ese puesto no se usa
            if avisar:
                log.warning("Un candado de la caché de %s no es un archivo regular: se omite ese perfil.", QUE)
            continue
        except OSError:
            return
        yield numero, candado


def tomar_candado(candado: IO[bytes]) -> bool:
    """Toma el candado sin esperar; si otra ejecución lo tiene, lo cierra y devuelve ``False``."""
    try:
        fcntl.flock(candado.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # otra ejecución lo está usando
        candado.close()
        return False
    return True


def _vigente(perfil: PerfilCache, marca: str, privado: Callable[[Path], bool]) -> bool:
    """El perfil existe, es privado (el árbol entero, antes de leer nada dentro) y lleva la marca de esta versión."""
    if not os.path.lexists(perfil.ruta) or not privado(perfil.ruta):
        return False
    try:
        return (perfil.ruta / _MARCA).read_text(encoding="utf-8") == marca
    except (OSError, UnicodeDecodeError):
        return False


def tomar_perfil_listo(soffice: str) -> PerfilCache | None:
    """Un perfil libre que ya está completo y es privado, sin crear ni borrar nada y sin avisos.

    Es lo que usa el arranque anticipado (``--pdf``), antes de configurar el registro: si no
    hay uno así, devuelve ``None`` y el camino de siempre (:func:`tomar_perfil_cache`) lo crea o
    lo rehace, y avisa.
    """
    carpeta = carpeta_perfiles(soffice, crear=False, avisar=False)
    if carpeta is None:
        return None
    _, marca = _marca(soffice)
    for numero, candado in _candados(carpeta, avisar=False):
        if not tomar_candado(candado):
            continue
        perfil = PerfilCache(carpeta / f"perfil{numero}", candado, marca)
        if _vigente(perfil, marca, lambda ruta: motivo_arbol(ruta) is None):
            return perfil
        perfil.soltar()
        return None  # el primero libre no sirve tal cual: el camino de siempre lo rehace
    return None


def tomar_perfil_cache(soffice: str) -> PerfilCache | None:
    """Un perfil libre de la caché (creado si hace falta), o ``None`` si no se puede usar la caché."""
    carpeta = carpeta_perfiles(soffice)
    if carpeta is None:
        return None
    version, marca = _marca(soffice)
    for numero, candado in _candados(carpeta):
        if not tomar_candado(candado):
            continue
        ruta = carpeta / f"perfil{numero}"
        perfil = PerfilCache(ruta, candado, marca)
        try:
            _preparar(perfil, marca, version)
        except OSError as exc:
            perfil.soltar()
            log.info("No se pudo preparar un perfil en caché (%s)", causa_sistema(exc))
            return None
        return perfil
    return None


def _preparar(perfil: PerfilCache, marca: str, version: str | None) -> None:
    """Un perfil ajeno (otro dueño, enlaces, abierto a otros) o sin la marca de esta versión se crea de cero."""
    if not _vigente(perfil, marca, lambda ruta: arbol_privado(ruta, QUE)):
        if not quitar(perfil.ruta):
            raise PermissionError(13, "no se pudo borrar un perfil ajeno")
        sembrar_perfil(perfil.ruta, version)
