"""Dónde están las plantillas y los ejemplos incorporados, y la caché del usuario."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_PAQUETE = Path(__file__).resolve().parent


def carpeta_plantillas() -> Path:
    """plantillas/ dentro del paquete instalado (rueda) o en la raíz del repositorio (editable)."""
    instalada = _PAQUETE / "plantillas"
    if instalada.is_dir():
        return instalada
    return _PAQUETE.parents[1] / "plantillas"


def plantilla(nombre: str) -> Path:
    return carpeta_plantillas() / nombre


def carpeta_ejemplos() -> Path:
    return _PAQUETE / "ejemplos"


@contextmanager
def carpeta_temporal(prefijo: str) -> Iterator[Path]:
    """Una carpeta temporal privada (0700) ``PREFIJOpid_XXXX`` en ``$TMPDIR``; se borra al salir.

    Un ``kill -9`` no deja borrarla: al terminar la siguiente con el mismo prefijo se borran las de
    procesos que ya no viven (:func:`borrar_huerfanas`).
    """
    carpeta = nueva_carpeta_temporal(prefijo)
    try:
        yield carpeta
    finally:
        shutil.rmtree(carpeta, ignore_errors=True)
        borrar_huerfanas(carpeta.parent, prefijo)  # al final: no retrasa el trabajo (p. ej. la orden a LibreOffice)


def nueva_carpeta_temporal(prefijo: str) -> Path:
    """Una carpeta temporal privada (0700) ``PREFIJOpid_XXXX`` en ``$TMPDIR`` que borra quien la crea.

    Las que deja un proceso muerto se borran con :func:`borrar_huerfanas` (mismo prefijo).
    """
    return Path(tempfile.mkdtemp(prefix=f"{prefijo}{os.getpid()}_"))


def borrar_huerfanas(carpeta: Path, prefijo: str) -> None:
    """Borra las carpetas ``PREFIJOpid_…`` que dejó un proceso ya muerto sin poder limpiar (p. ej. SIGKILL).

    Solo carpetas del usuario (nunca enlaces) cuyo ``pid`` ya no existe.
    """
    for vieja in carpeta.glob(f"{prefijo}*_*"):
        pid_texto = vieja.name[len(prefijo):].split("_", 1)[0]
        try:
            estado = os.lstat(vieja)
            if not pid_texto.isdigit() or not os.path.isdir(vieja) or os.path.islink(vieja):
                continue
            if estado.st_uid != os.getuid():
                continue
            os.kill(int(pid_texto), 0)
        except ProcessLookupError:
            shutil.rmtree(vieja, ignore_errors=True)
        except (OSError, AttributeError, OverflowError):  # sin permiso (otro usuario) o sin getuid (Windows)
            continue


def carpeta_cache() -> Path:
    """``$XDG_CACHE_HOME/acuerdo_docs`` o, si no está definida (o no es absoluta), ``~/.cache/acuerdo_docs``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    raiz = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return raiz / "acuerdo_docs"
