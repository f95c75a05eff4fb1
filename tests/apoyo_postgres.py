"""Un clúster PostgreSQL desechable para las pruebas: initdb en una carpeta temporal, socket propio y
un puerto libre de 127.0.0.1; se detiene y se borra al final de la sesión.

Si la sesión muere sin llegar a su final (kill -9, una máquina de CI que corta), el servidor sigue
vivo y su carpeta queda (cientos de MB tras una sesión larga): cada clúster anota el proceso dueño
(``dueno.pid``) y el siguiente que nace detiene y borra los de dueños muertos (:func:`barrer_huerfanos`).

initdb se niega a correr como root: siendo root, los binarios corren como el usuario ``postgres``
(runuser). En CI (CI definido) un PostgreSQL ausente hace fallar las pruebas, nunca las omite.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

BINARIOS = "/usr/lib/postgresql/*/bin"


def binarios_postgres() -> Path | None:
    candidatos = sorted(glob.glob(f"{BINARIOS}/initdb"), key=lambda r: int(Path(r).parent.parent.name)
                        if Path(r).parent.parent.name.isdigit() else 0)
    if candidatos:
        return Path(candidatos[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def exigir_postgres() -> Path:
    carpeta = binarios_postgres()
    if carpeta is None:
        mensaje = (f"no se encontró PostgreSQL (initdb en {BINARIOS} ni en el PATH); "
                   "instálelo con: apt-get install postgresql")
        if os.environ.get("CI"):
            pytest.fail(f"{mensaje}. En CI las pruebas de PostgreSQL no se omiten: .ci/run lo instala")
        pytest.skip(mensaje)
    return carpeta


PREFIJO = "acuerdo_pg_"
DUENO = "dueno.pid"
GRACIA_SIN_DUENO = 120.0
"""Segundos tras los que una carpeta sin ``dueno.pid`` (de antes de anotarlo) se da por abandonada."""


def _vivo(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # existe, de otro usuario
        return True
    return True


def _leer_pid(ruta: Path) -> int | None:
    try:
        return int(ruta.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def barrer_huerfanos(binarios: Path | None, carpeta: Path | None = None) -> list[Path]:
    """Detiene y borra los clústeres de sesiones que murieron; devuelve las carpetas borradas.

    Huérfano: su ``dueno.pid`` nombra un proceso que ya no existe; o, sin ``dueno.pid`` (clústeres de
    antes), nadie lo sirve (sin ``postmaster.pid`` vivo) y lleva más de :data:`GRACIA_SIN_DUENO` s
    sin cambios. Un clúster con dueño vivo, o uno sin dueño que alguien sirve, no se toca.
    """
    import time

    base = carpeta if carpeta is not None else Path(tempfile.gettempdir())
    borradas: list[Path] = []
    for candidata in sorted(base.glob(f"{PREFIJO}*")):
        try:
            if not candidata.is_dir() or candidata.is_symlink():
                continue
            dueno = _leer_pid(candidata / DUENO)
            servidor = _leer_pid(candidata / "datos" / "postmaster.pid")
            if dueno is None:
                if (servidor is not None and _vivo(servidor)) or \
                        time.time() - candidata.stat().st_mtime < GRACIA_SIN_DUENO:
                    continue
            elif _vivo(dueno):
                continue
        except OSError:
            continue
        if servidor is not None and _vivo(servidor) and binarios is not None:
            prefijo = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            subprocess.run([*prefijo, str(binarios / "pg_ctl"), "-D", str(candidata / "datos"), "-m", "immediate",
                            "-w", "-t", "30", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(candidata, ignore_errors=True)
        if not candidata.exists():
            borradas.append(candidata)
    return borradas


def _puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ClusterPostgres:
    """Un servidor PostgreSQL propio de la sesión de pruebas; ``base_nueva()`` da una base vacía."""

    def __init__(self, binarios: Path) -> None:
        self.binarios = binarios
        self.como_root = os.geteuid() == 0
        barrer_huerfanos(binarios)
        self.carpeta = Path(tempfile.mkdtemp(prefix=PREFIJO))
        (self.carpeta / DUENO).write_text(f"{os.getpid()}\n")
        self.datos = self.carpeta / "datos"
        self.puerto = _puerto_libre()
        self._numero = itertools.count(1)
        if self.como_root:
            shutil.chown(self.carpeta, "postgres", "postgres")

    def _correr(self, *orden: str) -> None:
        prefijo = ["runuser", "-u", "postgres", "--"] if self.como_root else []
        hecho = subprocess.run([*prefijo, *orden], capture_output=True, text=True, timeout=120)
        if hecho.returncode != 0:
            raise RuntimeError(f"{orden[0]} falló ({hecho.returncode}): {hecho.stderr.strip()[-800:]}")

    def iniciar(self) -> None:
        self._correr(str(self.binarios / "initdb"), "-D", str(self.datos), "--no-sync", "-A", "trust",
                     "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")
        self.arrancar()

    def arrancar(self) -> None:
        opciones = f"-k {self.carpeta} -h 127.0.0.1 -p {self.puerto} -F -c shared_buffers=16MB -c max_connections=40"
        self._correr(str(self.binarios / "pg_ctl"), "-D", str(self.datos), "-o", opciones,
                     "-l", str(self.carpeta / "registro.txt"), "-w", "-t", "60", "start")

    def parar(self, modo: str = "fast") -> None:
        """Detiene el servidor (las conexiones abiertas se cortan) sin borrar sus datos; ``arrancar()`` lo vuelve a subir."""
        self._correr(str(self.binarios / "pg_ctl"), "-D", str(self.datos), "-m", modo, "-w", "-t", "60", "stop")

    def detener(self) -> None:
        try:
            if (self.datos / "postmaster.pid").exists():  # una prueba pudo dejarlo detenido (parar())
                self._correr(str(self.binarios / "pg_ctl"), "-D", str(self.datos), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.carpeta, ignore_errors=True)

    def url(self, base: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.puerto}/{base}"

    def base_nueva(self) -> str:
        """Una base vacía (CREATE DATABASE): cada prueba con la suya, sin restos de otra."""
        import psycopg

        nombre = f"prueba_{next(self._numero)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.puerto} user=postgres dbname=postgres",
                             autocommit=True) as conexion:
            conexion.execute(f'CREATE DATABASE "{nombre}"')
        return self.url(nombre)
