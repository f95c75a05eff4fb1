"""Una carpeta entera o nada (el corte de seguimiento): nunca se pierde, respeta la umask, sin restos."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from acuerdo_docs.salida import archivos
from acuerdo_docs.salida.archivos import limpiar_restos_carpeta, publicar_carpeta


def _restos(carpeta: Path) -> list[str]:
    return sorted(p.name for p in carpeta.iterdir() if p.name.startswith("."))


@pytest.mark.parametrize("intercambio", [True, False], ids=["renameat2", "dos_renombrados"])
def test_en_todo_instante_existe_la_anterior_o_la_nueva(intercambio: bool, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if not intercambio:
        monkeypatch.setattr(archivos, "_intercambiar", lambda a, b: False)
    destino = tmp_path / "corte_2024-03-01"
    publicar_carpeta({"a.txt": b"0"}, destino)
    visto_sin_corte = threading.Event()
    parar = threading.Event()

    def mirar() -> None:
        while not parar.is_set():
            if not (destino / "a.txt").is_file():
                visto_sin_corte.set()

    hilo = threading.Thread(target=mirar)
    hilo.start()
    try:
        for i in range(1, 60):
            publicar_carpeta({"a.txt": str(i).encode()}, destino)
    finally:
        parar.set()
        hilo.join()
    assert (destino / "a.txt").read_bytes() == b"59"
    assert _restos(tmp_path) == []
    if intercambio and archivos._libc("_renameat2") is not None:
        assert not visto_sin_corte.is_set(), "hubo un instante sin carpeta del corte"


_MUERE_ENTRE_RENOMBRADOS = textwrap.dedent("""
    import os, sys
    from acuerdo_docs.salida import archivos
    archivos._intercambiar = lambda a, b: False          # el camino de dos renombrados
    original = os.rename
    def renombrar(a, b):
        original(a, b)
        if ".anterior." in os.fspath(b):
            os._exit(9)                                  # kill -9 justo entre los dos renombrados
    os.rename = renombrar
    archivos.publicar_carpeta({"a.txt": b"nuevo"}, sys.argv[1])
""")


def test_muerto_entre_los_dos_renombrados_no_pierde_el_corte(tmp_path: Path) -> None:
    destino = tmp_path / "corte_2024-03-01"
    publicar_carpeta({"a.txt": b"viejo"}, destino)
    r = subprocess.run([sys.executable, "-c", _MUERE_ENTRE_RENOMBRADOS, str(destino)], capture_output=True)
    assert r.returncode == 9, r.stderr
    assert not destino.exists() and len(_restos(tmp_path)) == 2  # la anterior apartada y la nueva escrita
    limpiar_restos_carpeta(destino)  # lo que hace la siguiente ejecución antes de empezar
    assert (destino / "a.txt").read_bytes() == b"viejo"
    assert _restos(tmp_path) == []
    # Y la siguiente ejecución completa deja el corte nuevo, sin restos.
    subprocess.run([sys.executable, "-c", _MUERE_ENTRE_RENOMBRADOS.replace("os._exit(9)", "pass"), str(destino)],
                   check=True)
    assert (destino / "a.txt").read_bytes() == b"nuevo" and _restos(tmp_path) == []


def test_restos_de_un_proceso_vivo_o_ajenos_no_se_tocan(tmp_path: Path) -> None:
    destino = tmp_path / "corte"
    publicar_carpeta({"a.txt": b"1"}, destino)
    vivo = tmp_path / f".~corte.nueva.{os.getppid()}.abcd1234"  # el pid de un proceso que vive
    vivo.mkdir()
    enlace = tmp_path / ".~corte.anterior.999999999.abcd1234"
    enlace.symlink_to(destino)
    otro = tmp_path / ".~otra.nueva.999999999.abcd1234"
    otro.mkdir()
    publicar_carpeta({"a.txt": b"2"}, destino)
    assert vivo.is_dir() and enlace.is_symlink() and otro.is_dir()
    assert (destino / "a.txt").read_bytes() == b"2"


@pytest.mark.parametrize("mascara, esperado", [(0o022, 0o755), (0o077, 0o700), (0o002, 0o775)])
def test_la_carpeta_respeta_la_umask(mascara: int, esperado: int, tmp_path: Path) -> None:
    anterior = os.umask(mascara)
    try:
        destino = publicar_carpeta({"a.txt": b"x"}, tmp_path / "corte")[0].parent
        assert stat.S_IMODE(destino.stat().st_mode) == esperado
        assert stat.S_IMODE((destino / "a.txt").stat().st_mode) == 0o666 & ~mascara
        publicar_carpeta({"a.txt": b"y"}, destino)  # al reemplazarla, igual
        assert stat.S_IMODE(destino.stat().st_mode) == esperado
    finally:
        os.umask(anterior)


def test_un_error_a_medias_no_deja_temporal_ni_pierde_la_anterior(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    destino = tmp_path / "corte"
    publicar_carpeta({"a.txt": b"1"}, destino)

    def falla(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archivos, "sincronizar_carpeta", falla)
    with pytest.raises(archivos.ErrorSalida, match="no queda espacio"):
        publicar_carpeta({"a.txt": b"2"}, destino)
    assert (destino / "a.txt").read_bytes() == b"1" and _restos(tmp_path) == []


def test_resto_con_el_nombre_de_versiones_anteriores_vuelve_o_se_borra(tmp_path: Path) -> None:
    """Las versiones anteriores apartaban el corte como «.~corte_….anterior» (sin pid): también se recupera."""
    destino = tmp_path / "corte_2024-03-01"
    viejo = tmp_path / ".~corte_2024-03-01.anterior"
    viejo.mkdir()
    (viejo / "a.txt").write_bytes(b"viejo")
    limpiar_restos_carpeta(destino)  # el corte no estaba: vuelve
    assert (destino / "a.txt").read_bytes() == b"viejo" and _restos(tmp_path) == []
    viejo.mkdir()
    publicar_carpeta({"a.txt": b"nuevo"}, destino)  # el corte está: el resto se borra
    assert (destino / "a.txt").read_bytes() == b"nuevo" and _restos(tmp_path) == []
