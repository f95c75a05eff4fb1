"""Procesos reales matados: ni trabajadores ni LibreOffice sobreviven a su padre, ni quedan temporales.

Usan el soffice falso de test_pdf (se cuelga y tiene un hijo como soffice.bin) y el lote de test_lote.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import esperar
from test_lote import CLAVES, _hijos, _vivo, fila_base
from test_pdf import soffice_falso

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="usa /proc y prctl (Linux)")

EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _esperar(condicion, segundos: float = 20) -> bool:  # noqa: ANN001
    return esperar(condicion, segundos)


def _pids(registro: Path, sufijo: str = "") -> list[int]:
    ruta = Path(str(registro) + sufijo)
    return [int(p) for p in ruta.read_text().split()] if ruta.exists() else []


def _temporales(tmp: Path) -> list[Path]:
    return list(tmp.glob("acuerdo_docs_lo_*"))


def test_kill_9_durante_a_pdf_no_deja_libreoffice_y_el_temporal_se_limpia_despues(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    doc = tmp_path / "a.docx"
    import docx

    docx.Document().save(str(doc))
    guion = textwrap.dedent(f"""
        from acuerdo_docs.salida.pdf import a_pdf
        a_pdf([{str(doc)!r}], tiempo_limite=300)
    """)
    entorno = dict(os.environ, TMPDIR=str(tmp))
    padre = subprocess.Popen([sys.executable, "-c", guion], env=entorno)
    assert _esperar(lambda: _pids(registro, ".hijos")), "el soffice falso no arrancó"
    soffice, hijo = _pids(registro)[0], _pids(registro, ".hijos")[0]
    assert _vivo(soffice) and _vivo(hijo) and _temporales(tmp)
    padre.kill()  # SIGKILL: sin atexit ni manejadores
    padre.wait(10)
    assert _esperar(lambda: not _vivo(soffice) and not _vivo(hijo), 10), "LibreOffice sobrevivió a su padre"

    # La siguiente ejecución borra el perfil temporal que dejó el proceso muerto.
    monkeypatch.setenv("TMPDIR", str(tmp))
    siguiente = subprocess.run([sys.executable, "-c", guion.replace("tiempo_limite=300", "tiempo_limite=0.3")],
                               env=entorno, capture_output=True, timeout=60)
    assert siguiente.returncode == 0, siguiente.stderr
    assert _temporales(tmp) == []


def test_sigterm_durante_ficha_pdf_no_deja_libreoffice_ni_perfil(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proceso = subprocess.Popen(
        [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"), "--pdf"],
        env=dict(os.environ, TMPDIR=str(tmp)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert _esperar(lambda: _pids(registro, ".hijos")), "el soffice falso no arrancó"
    soffice, hijo = _pids(registro)[0], _pids(registro, ".hijos")[0]
    # LibreOffice arranca antes de generar la ficha: la señal llega ya en la conversión.
    assert _esperar(lambda: (tmp_path / "f.docx").is_file()), "la ficha no se escribió"
    time.sleep(0.3)
    proceso.send_signal(signal.SIGTERM)
    _, err = proceso.communicate(timeout=30)
    assert proceso.returncode == 128 + signal.SIGTERM, err.decode()
    assert "Traceback" not in err.decode()
    assert not _vivo(soffice) and not _vivo(hijo)
    assert _temporales(tmp) == []
    assert (tmp_path / "f.docx").is_file() and not (tmp_path / "f.pdf").exists()


def test_kill_9_de_un_lote_no_deja_trabajadores(tmp_path: Path) -> None:
    entrada = tmp_path / "fichas.csv"
    with entrada.open("w", encoding="utf-8", newline="") as f:
        escritor = csv.writer(f)
        escritor.writerow(CLAVES)
        base = fila_base(0)
        for i in range(1500):
            fila = dict(base, nombre=f"Práctica {i:04d}", fecha_inicio="01/03/2023",
                        fecha_diligenciamiento="24/10/2023")
            escritor.writerow(["" if fila.get(c) is None else fila.get(c) for c in CLAVES])
    salida = tmp_path / "salida"
    proceso = subprocess.Popen(
        [sys.executable, "-m", "acuerdo_docs.cli", "lote", str(entrada), "-o", str(salida), "--procesos", "2",
         "--silencioso"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    assert _esperar(lambda: len(list(salida.glob("*.docx"))) >= 20, 60)
    trabajadores = _hijos(proceso.pid)
    assert trabajadores, "el lote debía usar procesos de trabajo"
    proceso.kill()
    proceso.wait(10)
    assert _esperar(lambda: not any(_vivo(p) for p in trabajadores), 10), "quedaron trabajadores vivos"
