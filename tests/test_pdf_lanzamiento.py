"""Cómo se lanza LibreOffice: ``oosplash`` sin el guion ``soffice``, sin gpg a la vista y con su temporal propio.

- El guion ``soffice`` de LibreOffice solo busca su carpeta (seis procesos) y lanza ``oosplash``:
  si ``soffice`` es ese guion, se lanza ``oosplash`` con el mismo entorno; si es otro programa
  (un envoltorio propio, snap, las pruebas), tal cual.
- LibreOffice lanza gpgconf, gpg y gpgsm (buscados en el ``PATH``) al revisar las firmas del
  primer documento que abre; para convertir no hacen falta: su ``PATH`` es solo su carpeta.
- LibreOffice crea en ``TMPDIR`` una carpeta que solo borra si sale por las buenas; los que se
  matan (todos los de ``--pdf``) la dejaban en /tmp, una por orden. Ahora la carpeta es nuestra.
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import cli, esperar
from test_pdfa import afirmar_pdfa

import acuerdo_docs as ad
from acuerdo_docs.salida.pdf import VARIABLE_SOFFICE
from acuerdo_docs.salida.pdf.soffice import _carpeta_programa, lanzamiento

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="lanzamiento de LibreOffice en Linux")

EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _instalacion_falsa(raiz: Path, *, ooenv: bool = False) -> Path:
    """Una carpeta ``program`` con la forma de la de LibreOffice y un enlace ``bin/soffice`` a su guion."""
    programa = raiz / "lib" / "libreoffice" / "program"
    programa.mkdir(parents=True)
    for nombre in ("soffice", "oosplash", "soffice.bin"):
        (programa / nombre).write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (programa / nombre).chmod(0o755)
    if ooenv:
        (programa / "ooenv").write_text("", encoding="utf-8")
    (raiz / "bin").mkdir()
    (raiz / "bin" / "soffice").symlink_to(programa / "soffice")
    return programa


def test_el_guion_de_libreoffice_se_salta_y_su_entorno_se_repite(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    programa = _instalacion_falsa(tmp_path)
    monkeypatch.delenv("VALGRIND", raising=False)
    monkeypatch.delenv("RR", raising=False)
    monkeypatch.setenv("PATH", f"/usr/local/bin:/usr/bin:/bin:{tmp_path / 'bin'}")
    lanzado, entorno = lanzamiento(str(tmp_path / "bin" / "soffice"), "libjemalloc.so.2")
    assert lanzado == str(programa / "oosplash")
    assert entorno is not None
    assert entorno["PATH"] == str(programa), "LibreOffice solo ve sus propios programas (ni gpg ni gpgconf)"
    assert entorno["SAL_ENABLE_FILE_LOCKING"] == "1", "lo que pondría el guion soffice"
    assert entorno["LD_PRELOAD"].startswith("libjemalloc.so.2")
    assert os.environ["PATH"].startswith("/usr/local/bin"), "el entorno de este proceso no cambia"


@pytest.mark.parametrize("caso", ["otro_programa", "ooenv", "valgrind"])
def test_cualquier_otro_soffice_se_lanza_tal_cual(caso: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _carpeta_programa.cache_clear()
    monkeypatch.delenv("VALGRIND", raising=False)
    monkeypatch.delenv("RR", raising=False)
    if caso == "otro_programa":  # un envoltorio propio (como el soffice falso de las pruebas)
        soffice = tmp_path / "soffice_propio"
        soffice.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        soffice.chmod(0o755)
    else:
        _instalacion_falsa(tmp_path, ooenv=caso == "ooenv")
        soffice = tmp_path / "bin" / "soffice"
        if caso == "valgrind":
            monkeypatch.setenv("VALGRIND", "memcheck")
    lanzado, entorno = lanzamiento(str(soffice), None)
    assert lanzado == str(soffice)
    assert entorno is None, "sin asignador, el entorno se hereda tal cual (con su PATH)"
    _carpeta_programa.cache_clear()


@pytest.fixture()
def temporal_propio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``TMPDIR`` de esta prueba (para este proceso, sus hijos y LibreOffice), y una caché de perfiles propia."""
    carpeta = tmp_path / "tmp_sistema"
    carpeta.mkdir(mode=0o700)
    monkeypatch.setenv("TMPDIR", str(carpeta))
    monkeypatch.setattr(tempfile, "tempdir", None)  # tempfile guarda la carpeta de la primera vez
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return carpeta


def _gpg_falso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """gpgconf, gpg y gpgsm falsos delante en el PATH: anotan que alguien los lanzó."""
    carpeta = tmp_path / "bin_gpg"
    carpeta.mkdir()
    marca = tmp_path / "gpg_lanzado"
    for nombre in ("gpgconf", "gpg", "gpgsm"):
        (carpeta / nombre).write_text(f"#!/bin/sh\necho {nombre} >> {marca}\nexit 1\n", encoding="utf-8")
        (carpeta / nombre).chmod(0o755)
    monkeypatch.setenv("PATH", f"{carpeta}:{os.environ['PATH']}")
    return marca


@pytest.mark.libreoffice
def test_ficha_pdf_no_lanza_gpg_ni_deja_temporales(libreoffice: str, tmp_path: Path, temporal_propio: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    marca = _gpg_falso(tmp_path, monkeypatch)
    for vez in range(2):  # la primera crea el perfil; la segunda arranca LibreOffice antes de importar lo demás
        salida = tmp_path / f"ficha{vez}.docx"
        hecho = cli("ficha", str(EJEMPLO), "-o", str(salida), "--pdf")
        assert hecho.returncode == 0, hecho.stderr
        afirmar_pdfa(salida.with_suffix(".pdf"), ad.ejemplo_ficha().nombre)
    assert not marca.exists(), f"LibreOffice lanzó {marca.read_text().split()}: su PATH debía ser solo su carpeta"
    # LibreOffice matado ya no puede borrar nada: todo lo suyo estaba en carpetas que se borran al cerrarlo.
    assert esperar(lambda: not list(temporal_propio.iterdir()), 10), sorted(p.name for p in temporal_propio.iterdir())


@pytest.mark.libreoffice
def test_libreoffice_matado_o_de_tanda_no_deja_temporales(libreoffice: str, tmp_path: Path, temporal_propio: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    with ad.ConvertidorPdf(pdfa=False) as convertidor:
        assert convertidor.convertir(ficha, tmp_path / "uno.pdf").is_file()
        instancia = convertidor._puestos[0].instancia
        assert instancia is not None
        propia = instancia.temporal
        assert propia.parent == temporal_propio and propia.is_dir()
        assert any(propia.iterdir()), "LibreOffice usa la carpeta temporal que se le dio"
        os.killpg(instancia.proceso.pid, signal.SIGKILL)  # se cae: el convertidor arranca otro
        assert convertidor.convertir(ficha, tmp_path / "dos.pdf").is_file()
    assert not propia.exists()
    resultado = ad.a_pdf([ficha], tmp_path / "tanda", pdfa=False)  # el camino de las tandas (soffice --convert-to)
    assert resultado.ok, resultado.fallidos
    # Queda solo la base de perfiles de a_pdf de este proceso (se reutilizan; se borra al salir de Python).
    base = f"acuerdo_docs_lo_{os.getpid()}_"

    def restos() -> list[str]:
        return sorted(p.name for p in temporal_propio.iterdir() if not p.name.startswith(base))

    assert esperar(lambda: not restos(), 10), restos()
    for base_perfiles in temporal_propio.iterdir():  # la crea la primera tanda del proceso en su TMPDIR de entonces
        assert all(p.name.startswith("perfil") for p in base_perfiles.iterdir()), "la tanda borra su carpeta de trabajo"
