"""El clúster PostgreSQL de las pruebas no deja servidores ni carpetas de sesiones que murieron (kill -9)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apoyo_postgres import DUENO, PREFIJO, barrer_huerfanos, exigir_postgres


def _pid_muerto() -> int:
    proceso = subprocess.Popen([sys.executable, "-c", "pass"])
    proceso.wait()
    return proceso.pid


def _carpeta(base: Path, nombre: str, dueno: int | None, edad: float = 0.0) -> Path:
    carpeta = base / f"{PREFIJO}{nombre}"
    (carpeta / "datos").mkdir(parents=True)
    (carpeta / "datos" / "PG_VERSION").write_text("16\n")
    if dueno is not None:
        (carpeta / DUENO).write_text(f"{dueno}\n")
    if edad:
        antes = time.time() - edad
        os.utime(carpeta, (antes, antes))
    return carpeta


def test_solo_se_barren_las_carpetas_de_sesiones_muertas(tmp_path: Path) -> None:
    muerto = _pid_muerto()
    de_un_muerto = _carpeta(tmp_path, "muerto", muerto)
    de_un_vivo = _carpeta(tmp_path, "vivo", os.getpid())
    vieja_sin_dueno = _carpeta(tmp_path, "vieja", None, edad=3600)
    nueva_sin_dueno = _carpeta(tmp_path, "nueva", None)  # otra sesión entre mkdtemp y anotar su dueño
    servida_sin_dueno = _carpeta(tmp_path, "servida", None, edad=3600)
    (servida_sin_dueno / "datos" / "postmaster.pid").write_text(f"{os.getpid()}\n{servida_sin_dueno}\n")
    otra = tmp_path / "otra_cosa"
    otra.mkdir()
    (otra / DUENO).write_text(f"{muerto}\n")

    borradas = barrer_huerfanos(None, tmp_path)

    assert sorted(borradas) == sorted([de_un_muerto, vieja_sin_dueno])
    assert not de_un_muerto.exists() and not vieja_sin_dueno.exists()
    assert de_un_vivo.is_dir() and nueva_sin_dueno.is_dir() and servida_sin_dueno.is_dir() and otra.is_dir()


@pytest.fixture
def carpeta_abierta() -> Iterator[Path]:
    """Una carpeta temporal que el usuario ``postgres`` puede recorrer (la de pytest es solo de quien corre)."""
    carpeta = Path(tempfile.mkdtemp(prefix="acuerdo_barrido_"))
    carpeta.chmod(0o755)
    try:
        yield carpeta
    finally:
        shutil.rmtree(carpeta, ignore_errors=True)


def test_una_sesion_matada_no_deja_su_servidor_vivo(carpeta_abierta: Path) -> None:
    """Un pytest matado con kill -9 deja el postmaster corriendo; el siguiente clúster lo detiene y lo borra."""
    binarios = exigir_postgres()
    tmp_path = carpeta_abierta
    apoyo = Path(__file__).resolve().parent
    guion = (
        "import os, signal, sys, tempfile; sys.path.insert(0, sys.argv[1]); tempfile.tempdir = sys.argv[2]\n"
        "from apoyo_postgres import ClusterPostgres, exigir_postgres\n"
        "c = ClusterPostgres(exigir_postgres()); c.iniciar(); print(c.carpeta, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    hecho = subprocess.run([sys.executable, "-c", guion, str(apoyo), str(tmp_path)], capture_output=True, text=True,
                           timeout=180)
    assert hecho.returncode == -signal.SIGKILL, hecho.stderr
    carpeta = Path(hecho.stdout.strip())
    postmaster = int((carpeta / "datos" / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, 0)  # la sesión murió y su servidor sigue vivo

    assert barrer_huerfanos(binarios, tmp_path) == [carpeta]

    assert not carpeta.exists()
    limite = time.monotonic() + 30
    while time.monotonic() < limite:
        try:
            os.kill(postmaster, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("el servidor de la sesión matada sigue vivo")
