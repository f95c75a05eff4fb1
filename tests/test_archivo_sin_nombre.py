"""Escritura atómica con un archivo sin nombre (``O_TMPFILE`` + ``linkat``) y su camino de respaldo.

En Linux un archivo nuevo se escribe sin nombre y aparece de una vez con el suyo; si no se puede
(otro sistema, sin ``/proc``) o el destino aparece mientras se escribe, va por el temporal con nombre
y el renombrado de siempre. En los dos caminos: los mismos bytes, el mismo modo, nunca un archivo a
medias con el nombre final y nunca se sigue un enlace ni se pisa lo que no se pidió.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from acuerdo_docs import tanda_durable
from acuerdo_docs.salida import archivos
from acuerdo_docs.salida.archivos import DestinoNoValido, escribir_atomico, escribir_atomico_con

LINUX = sys.platform.startswith("linux")
DATOS = b"PK\x03\x04" + bytes(range(256)) * 64


@pytest.fixture
def umask() -> Iterator[None]:
    anterior = os.umask(0o027)
    yield
    os.umask(anterior)


@pytest.fixture(params=["sin_nombre", "con_nombre"])
def camino(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Los dos caminos: el archivo sin nombre (Linux) y el temporal con nombre (los demás sistemas)."""
    if request.param == "con_nombre":
        monkeypatch.setattr(archivos, "_sin_nombre_posible", False)
    else:
        monkeypatch.setattr(archivos, "_sin_nombre_posible", archivos._sin_nombre_posible)
    return str(request.param)


def _visto_al_escribir(carpeta: Path, vistos: list[Any]) -> Any:
    def escribir(f: BinaryIO) -> None:
        f.write(DATOS[:100])
        vistos.append((sorted(p.name for p in carpeta.iterdir()), os.fstat(f.fileno()).st_nlink))
        f.write(DATOS[100:])
    return escribir


def test_en_linux_el_archivo_nuevo_no_tiene_nombre_mientras_se_escribe(tmp_path: Path, umask: None) -> None:
    """Sin temporal en la carpeta ni el nombre final hasta que está entero; modo de la umask."""
    if not LINUX:
        pytest.skip("O_TMPFILE es de Linux")
    assert archivos._sin_nombre_posible  # en Linux (y en CI) este camino se usa de verdad
    vistos: list[Any] = []
    ruta = escribir_atomico_con(tmp_path / "f.docx", _visto_al_escribir(tmp_path, vistos))
    assert vistos == [([], 0)]  # nada en la carpeta, el archivo sin enlaces
    assert ruta.read_bytes() == DATOS
    assert stat.S_IMODE(ruta.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.docx"]


def test_sin_o_tmpfile_va_por_el_temporal_con_nombre(tmp_path: Path, umask: None,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archivos, "_sin_nombre_posible", False)
    vistos: list[Any] = []
    ruta = escribir_atomico_con(tmp_path / "f.docx", _visto_al_escribir(tmp_path, vistos))
    [(nombres, enlaces)] = vistos
    assert enlaces == 1 and len(nombres) == 1 and nombres[0].startswith(".~") and nombres[0].endswith(".tmp")
    assert ruta.read_bytes() == DATOS and stat.S_IMODE(ruta.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.docx"]


@pytest.mark.parametrize("modo_nuevo", [None, 0o600, 0o644])
def test_mismos_bytes_y_modo_en_los_dos_caminos(tmp_path: Path, umask: None, camino: str,
                                                modo_nuevo: int | None) -> None:
    ruta = escribir_atomico(tmp_path / "sub" / "f.bin", DATOS, modo_nuevo=modo_nuevo)
    assert ruta is not None and ruta.read_bytes() == DATOS
    assert stat.S_IMODE(ruta.stat().st_mode) == (0o640 if modo_nuevo is None else modo_nuevo)
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["f.bin"]


def test_si_no_se_puede_enlazar_se_copia_y_no_se_vuelve_a_intentar(tmp_path: Path, umask: None,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Sin /proc (linkat falla con ENOENT): los bytes del archivo sin nombre pasan a un temporal con nombre."""
    if not LINUX:
        pytest.skip("O_TMPFILE es de Linux")
    monkeypatch.setattr(archivos, "_sin_nombre_posible", True)
    llamadas: list[str] = []

    def sin_proc(origen: str, destino: Any, **_: Any) -> None:
        llamadas.append(os.fspath(destino))
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", origen)

    monkeypatch.setattr(archivos.os, "link", sin_proc)
    ruta = escribir_atomico(tmp_path / "f.bin", DATOS, modo_nuevo=0o600)
    assert ruta is not None and ruta.read_bytes() == DATOS and stat.S_IMODE(ruta.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.bin"]
    assert archivos._sin_nombre_posible is False and len(llamadas) == 1
    escribir_atomico(tmp_path / "g.bin", DATOS)  # el siguiente ya no lo intenta
    assert len(llamadas) == 1 and (tmp_path / "g.bin").read_bytes() == DATOS


def test_linkat_nunca_pisa_un_archivo_que_ya_existe(tmp_path: Path) -> None:
    if not LINUX:
        pytest.skip("O_TMPFILE es de Linux")
    ajeno = tmp_path / "ajeno.docx"
    ajeno.write_bytes(b"del usuario")
    fd = archivos._sin_nombre(tmp_path, None)
    assert fd is not None
    try:
        os.write(fd, b"nuevo")
        assert archivos._dar_nombre(fd, ajeno) is False
    finally:
        os.close(fd)
    assert ajeno.read_bytes() == b"del usuario"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ajeno.docx"]


def test_un_archivo_que_se_reemplaza_va_por_el_renombrado_y_conserva_su_modo(tmp_path: Path, camino: str) -> None:
    ruta = tmp_path / "f.docx"
    ruta.write_bytes(b"viejo")
    os.chmod(ruta, 0o600)
    vistos: list[Any] = []
    escribir_atomico_con(ruta, _visto_al_escribir(tmp_path, vistos))
    [(nombres, _)] = vistos
    assert "f.docx" in nombres and len(nombres) == 2  # el viejo sigue ahí hasta el renombrado
    assert ruta.read_bytes() == DATOS and stat.S_IMODE(ruta.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.docx"]


def test_un_archivo_que_aparece_mientras_se_escribe_se_reemplaza_como_antes(tmp_path: Path, camino: str) -> None:
    """El usuario nombró ese destino: si otro pone ahí un archivo regular, se reemplaza (como con rename)."""
    ruta = tmp_path / "f.docx"

    def escribir(f: BinaryIO) -> None:
        ruta.write_bytes(b"otro")
        f.write(DATOS)

    escribir_atomico_con(ruta, escribir)
    assert ruta.read_bytes() == DATOS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.docx"]


@pytest.mark.skipif(sys.platform == "win32", reason="enlaces y FIFO de POSIX")
@pytest.mark.parametrize("que", ["enlace", "fifo"])
def test_un_enlace_o_fifo_que_aparece_mientras_se_escribe_no_se_sigue(tmp_path: Path, camino: str,
                                                                        que: str) -> None:
    ruta = tmp_path / "f.docx"
    fuera = tmp_path / "fuera.docx"
    fuera.write_bytes(b"intacto")

    def escribir(f: BinaryIO) -> None:
        if que == "enlace":
            ruta.symlink_to(fuera)
        else:
            os.mkfifo(ruta)
        f.write(DATOS)

    with pytest.raises(DestinoNoValido):
        escribir_atomico_con(ruta, escribir)
    assert fuera.read_bytes() == b"intacto"
    assert ruta.is_symlink() if que == "enlace" else stat.S_ISFIFO(os.lstat(ruta).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.docx", "fuera.docx"]  # sin temporal


def test_un_error_al_escribir_no_deja_nada(tmp_path: Path, camino: str) -> None:
    def falla(f: BinaryIO) -> None:
        f.write(DATOS[:10])
        raise RuntimeError("a medias")

    with pytest.raises(RuntimeError):
        escribir_atomico_con(tmp_path / "a" / "f.docx", falla)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("existia", [False, True])
def test_un_ctrl_c_a_mitad_no_deja_nada_y_no_toca_lo_que_habia(tmp_path: Path, camino: str, existia: bool) -> None:
    """El lote con trabajadores escribe en el hilo principal, donde cae Ctrl-C: a mitad de un archivo."""
    destino = tmp_path / "f.docx"
    if existia:
        destino.write_bytes(b"lo de antes")

    def interrumpe(f: BinaryIO) -> None:
        f.write(DATOS[:10])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        escribir_atomico_con(destino, interrumpe, sincronizar=False)
    assert [p.name for p in tmp_path.iterdir()] == (["f.docx"] if existia else [])
    if existia:
        assert destino.read_bytes() == b"lo de antes"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL de POSIX")
@pytest.mark.parametrize("sin_nombre", [True, False])
def test_un_proceso_muerto_a_mitad_no_deja_el_nombre_final(tmp_path: Path, sin_nombre: bool) -> None:
    """kill -9 a mitad de escribir: nunca un archivo a medias con su nombre; sin nombre, ni temporal."""
    codigo = textwrap.dedent(f"""
        import os, signal, sys
        from acuerdo_docs.salida import archivos
        archivos._sin_nombre_posible = archivos._sin_nombre_posible and {sin_nombre}
        def escribir(f):
            f.write(b"a medias" * 1000)
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        archivos.escribir_atomico_con(sys.argv[1], escribir)
    """)
    proceso = subprocess.run([sys.executable, "-c", codigo, str(tmp_path / "f.docx")], capture_output=True)
    assert proceso.returncode == -9
    nombres = [p.name for p in tmp_path.iterdir()]
    assert "f.docx" not in nombres
    if sin_nombre and LINUX:
        assert nombres == []


def test_en_una_tanda_se_anota_y_se_sincroniza(tmp_path: Path, camino: str, monkeypatch: pytest.MonkeyPatch) -> None:
    sincronizadas: list[tuple[Path, list[Path]]] = []
    monkeypatch.setattr(archivos, "sincronizar_carpeta",
                        lambda carpeta, rutas: sincronizadas.append((Path(carpeta), list(rutas))))
    fsyncs: list[int] = []
    real = os.fsync
    monkeypatch.setattr(archivos.os, "fsync", lambda fd: (fsyncs.append(fd), real(fd)))
    with tanda_durable():
        escribir_atomico(tmp_path / "a.bin", DATOS)
        escribir_atomico(tmp_path / "b.bin", DATOS)
    assert fsyncs == []  # ni uno por archivo
    assert sincronizadas == [(tmp_path, [tmp_path / "a.bin", tmp_path / "b.bin"])]
    escribir_atomico(tmp_path / "c.bin", DATOS)
    assert len(fsyncs) == 1  # fuera de la tanda, fsync de cada archivo
    assert (tmp_path / "c.bin").read_bytes() == DATOS
