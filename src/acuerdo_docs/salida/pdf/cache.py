"""Perfiles de LibreOffice en la caché del usuario, reutilizados entre ejecuciones.

Un perfil nuevo le cuesta a LibreOffice su primer arranque (crear la configuración, registrar
extensiones); guardado en ``$XDG_CACHE_HOME/acuerdo_docs`` (o ``~/.cache/acuerdo_docs``), la
siguiente ejecución arranca ya caliente. Cada perfil tiene un candado (``fcntl.flock``): dos
ejecuciones a la vez toman perfiles distintos (dos LibreOffice no comparten perfil), y el
candado se suelta solo si el proceso muere. Un perfil sin la marca ``listo`` (su creación se
interrumpió) o con el que LibreOffice falla se borra y se crea de nuevo.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import IO

from ...rutas import carpeta_cache
from .soffice import version_libreoffice, xcu_perfil

try:
    import fcntl
except ImportError:  # Windows: sin perfiles en caché (se usan los temporales de siempre)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("acuerdo_docs.pdf")

PERFILES_CACHE = 8
"""Perfiles en caché como máximo (ejecuciones simultáneas); más allá, perfiles temporales."""

_MARCA = "listo"


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
            (self.ruta / _MARCA).write_text(self._marca, encoding="utf-8")

    def rehacer(self) -> None:
        """LibreOffice falló con este perfil: se borra y se prepara uno nuevo en el mismo sitio."""
        shutil.rmtree(self.ruta, ignore_errors=True)
        _sembrar(self.ruta, self._marca_version())

    def _marca_version(self) -> str | None:
        return self._marca.split("\n", 1)[0] or None

    def soltar(self) -> None:
        if self._candado is not None:
            self._candado.close()  # cerrar el archivo suelta el flock
            self._candado = None


def _sembrar(ruta: Path, version: str | None) -> None:
    usuario = ruta / "user"
    usuario.mkdir(parents=True, exist_ok=True)
    (usuario / "registrymodifications.xcu").write_text(xcu_perfil(version), encoding="utf-8")


def tomar_perfil_cache(soffice: str) -> PerfilCache | None:
    """Un perfil libre de la caché (creado si hace falta), o ``None`` si no se puede usar la caché."""
    if fcntl is None:
        return None
    version = version_libreoffice(soffice)
    marca = f"{version or ''}\n{xcu_perfil(version)}"
    carpeta = carpeta_cache() / f"libreoffice-{version or 'x'}"
    try:
        carpeta.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.info("Sin caché de perfiles (%s): se usa un perfil temporal", exc.strerror or exc)
        return None
    for numero in range(PERFILES_CACHE):
        ruta = carpeta / f"perfil{numero}"
        try:
            candado = open(carpeta / f"perfil{numero}.candado", "ab")  # noqa: SIM115 - vive con el perfil
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
            log.info("No se pudo preparar el perfil en caché %s (%s)", ruta, exc.strerror or exc)
            return None
        return perfil
    return None


def _preparar(perfil: PerfilCache, marca: str, version: str | None) -> None:
    """Un perfil sin marca, o con otra marca (otra versión de LibreOffice), se crea de cero."""
    archivo = perfil.ruta / _MARCA
    try:
        vigente = archivo.read_text(encoding="utf-8") == marca
    except (OSError, UnicodeDecodeError):
        vigente = False
    if not vigente:
        shutil.rmtree(perfil.ruta, ignore_errors=True)
        _sembrar(perfil.ruta, version)
