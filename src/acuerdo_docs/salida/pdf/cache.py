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
from typing import IO

from ...errores import causa_sistema
from ...rutas import carpeta_cache
from ..archivos import DestinoNoValido, abrir_candado, escribir_atomico
from ..carpeta_privada import arbol_privado, carpeta_privada, quitar
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


def tomar_perfil_cache(soffice: str) -> PerfilCache | None:
    """Un perfil libre de la caché (creado si hace falta), o ``None`` si no se puede usar la caché."""
    if sys.platform == "win32":
        return None
    version = version_libreoffice(soffice)
    marca = f"{version or ''}\n{xcu_perfil(version)}"
    carpeta = carpeta_privada(carpeta_cache() / f"libreoffice-{version or 'x'}", QUE)
    if carpeta is None:
        return None
    for numero in range(PERFILES_CACHE):
        ruta = carpeta / f"perfil{numero}"
        try:
            candado = abrir_candado(carpeta / f"perfil{numero}.candado")
        except DestinoNoValido:  # un enlace o un FIFO puesto como candado: ese puesto no se usa
            log.warning("Un candado de la caché de %s no es un archivo regular: se omite ese perfil.", QUE)
            continue
        except OSError:
            return None
        try:
            fcntl.flock(candado.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # otra ejecución lo está usando
            candado.close()
            continue
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
    vigente = False
    if os.path.lexists(perfil.ruta) and arbol_privado(perfil.ruta, QUE):
        try:
            vigente = (perfil.ruta / _MARCA).read_text(encoding="utf-8") == marca
        except (OSError, UnicodeDecodeError):
            vigente = False
    if not vigente:
        if not quitar(perfil.ruta):
            raise PermissionError(13, "no se pudo borrar un perfil ajeno")
        sembrar_perfil(perfil.ruta, version)
