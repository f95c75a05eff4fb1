"""Perfiles de usuario de LibreOffice: un grupo por proceso de Python y limpieza de huérfanos."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from ... import rutas
from ..archivos import escribir_atomico
from .procesos import matar_grupo
from .soffice import version_libreoffice, xcu_perfil

PREFIJO_BASE = "acuerdo_docs_lo_"


class Reserva:
    """Perfiles de LibreOffice (uno por proceso vivo) y carpetas de trabajo, en un temporal propio.

    Dos procesos de LibreOffice con el mismo perfil no conviven (el segundo le pasa el trabajo al
    primero y sale), así que cada proceso toma un perfil libre y lo devuelve al terminar.
    """

    def __init__(self) -> None:
        self._candado = threading.Lock()
        self._pid = os.getpid()
        self._base: Path | None = None
        self._libres: dict[str, list[Path]] = {}
        self._contador = 0
        self._vivos: set[subprocess.Popen[bytes]] = set()

    def _carpeta_base(self) -> Path:
        if self._base is None or not self._base.is_dir():
            self._base = rutas.nueva_carpeta_temporal(PREFIJO_BASE)
            borrar_huerfanas(self._base.parent)
        return self._base

    def tomar_perfil(self, soffice: str) -> Path:
        with self._candado:
            libres = self._libres.setdefault(soffice, [])
            while libres:
                perfil = libres.pop()
                if perfil.is_dir():
                    return perfil
            self._contador += 1
            perfil = self._carpeta_base() / f"perfil{self._contador}"
        sembrar_perfil(perfil, version_libreoffice(soffice))
        return perfil

    def devolver_perfil(self, soffice: str, perfil: Path, sano: bool) -> None:
        # Un perfil de un proceso matado puede quedar con candados o configuración a medias.
        if not sano:
            shutil.rmtree(perfil, ignore_errors=True)
            return
        with self._candado:
            if self._base is not None and perfil.parent == self._base:
                self._libres.setdefault(soffice, []).append(perfil)

    def carpeta_trabajo(self) -> Path:
        with self._candado:
            base = self._carpeta_base()
        return Path(tempfile.mkdtemp(prefix="tanda_", dir=base))

    def registrar(self, proceso: subprocess.Popen[bytes]) -> None:
        with self._candado:
            self._vivos.add(proceso)

    def olvidar(self, proceso: subprocess.Popen[bytes]) -> None:
        with self._candado:
            self._vivos.discard(proceso)

    def cerrar(self) -> None:
        """Al salir de Python: mata los LibreOffice que sigan vivos y borra los temporales."""
        if self._pid != os.getpid():
            return
        with self._candado:
            vivos = list(self._vivos)
            base, self._base = self._base, None
            self._libres.clear()
        for proceso in vivos:
            matar_grupo(proceso)
        if base is not None:
            shutil.rmtree(base, ignore_errors=True)

    def tras_fork(self) -> None:
        # El hijo de un fork no debe compartir perfiles ni procesos con el padre.
        self._candado = threading.Lock()
        self._pid = os.getpid()
        self._base = None
        self._libres = {}
        self._vivos = set()


def sembrar_perfil(perfil: Path, version: str | None) -> None:
    """Un perfil nuevo, privado (0700): solo la configuración que fija ``xcu_perfil``."""
    os.makedirs(perfil, 0o700, exist_ok=True)
    os.chmod(perfil, 0o700)
    escribir_atomico(perfil / "user" / "registrymodifications.xcu", xcu_perfil(version).encode("utf-8"),
                     sincronizar=False, modo_nuevo=0o600)


def borrar_huerfanas(carpeta: Path) -> None:
    """Borra perfiles que dejó un proceso ya muerto sin poder limpiar (p. ej. matado con SIGKILL)."""
    rutas.borrar_huerfanas(carpeta, PREFIJO_BASE)


RESERVA = Reserva()
atexit.register(RESERVA.cerrar)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=RESERVA.tras_fork)
