"""Ctrl-C durante ``lote --pdf``, repetido en distintos momentos: siempre 130, sin traza, sin LibreOffice vivo.

La carrera que se cierra: el hilo que convierte y el hilo principal (que cierra todo tras el
Ctrl-C) tiraban la misma instancia de LibreOffice a la vez (``AttributeError`` en 7 de 11
ejecuciones, salida 1). Con LibreOffice de verdad, como un usuario en una terminal (la señal va a
todo el grupo de procesos del primer plano).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import esperar, exigir_libreoffice
from test_lote import fila_base, libro_fichas

from acuerdo_docs.salida.pdf import convertidor as modulo_convertidor

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="usa /proc (Linux)")

FILAS = 150


def _soffice_vivos(marca: str) -> list[int]:
    """Los procesos de LibreOffice cuyo perfil está bajo ``marca`` (el temporal de esta prueba)."""
    vivos = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            orden = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            estado = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if marca in orden and "soffice" in orden and estado != "Z":
            vivos.append(int(pid))
    return vivos


@pytest.fixture(scope="module")
def libro(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return libro_fichas(tmp_path_factory.mktemp("lote_ctrl_c"), [fila_base(i) for i in range(FILAS)])


# Momentos: mientras Python importa los módulos (sin traza: la CLI importa lo pesado dentro de main),
# mientras arranca LibreOffice, en plena generación y conversión, tras el primer PDF y
# con varios PDF ya hechos; la señal al grupo (Ctrl-C en la terminal) o solo al proceso.
MOMENTOS = [(0.3, "grupo"), (1.0, "grupo"), (2.0, "proceso"), ("pdf:1", "grupo"), ("pdf:3", "proceso"),
            ("pdf:6", "grupo"), ("pdf:20", "grupo"), ("pdf:2", "grupo")]


@pytest.mark.parametrize("momento, destino", MOMENTOS, ids=[f"{m}-{d}" for m, d in MOMENTOS])
def test_ctrl_c_en_lote_pdf(momento: float | str, destino: str, libro: Path, tmp_path: Path) -> None:
    exigir_libreoffice()
    salida = tmp_path / "salida"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    entorno = dict(os.environ, TMPDIR=str(tmp), XDG_CACHE_HOME=str(tmp_path / "xdg"))
    proceso = subprocess.Popen(
        [sys.executable, "-m", "acuerdo_docs.cli", "lote", str(libro), "-o", str(salida), "--pdf", "--silencioso"],
        env=entorno, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    try:
        if isinstance(momento, str):
            cuantos = int(momento.split(":")[1])
            assert esperar(lambda: len(list(salida.glob("*.pdf"))) >= cuantos, 120), "no salió ningún PDF"
        else:
            time.sleep(momento)
        assert proceso.poll() is None, "el lote terminó antes de la señal: use más filas"
        if destino == "grupo":
            os.killpg(proceso.pid, signal.SIGINT)
        else:
            proceso.send_signal(signal.SIGINT)
        _, err = proceso.communicate(timeout=60)
    finally:
        if proceso.poll() is None:
            os.killpg(proceso.pid, signal.SIGKILL)
            proceso.wait()
    texto = err.decode("utf-8", "replace")
    # 130, o muerto por SIGINT (-2) cuando Python mismo vuelve a enviarse la señal al salir (lo hace si
    # el Ctrl-C cayó dentro de código que una extensión ejecuta con PyRun): la terminal ve 130 en ambos.
    assert proceso.returncode in (130, -signal.SIGINT), texto
    assert "Traceback" not in texto and "Error interno" not in texto, texto
    assert "Interrumpido" in texto
    assert esperar(lambda: not _soffice_vivos(str(tmp_path)), 10), "quedó LibreOffice vivo"
    assert not list(tmp.glob("acuerdo_docs_*")), "quedaron temporales"
    assert not [p for p in salida.glob(".~*")], "quedó un temporal a medias"


def test_cierre_concurrente_de_un_puesto_es_de_un_solo_dueno(monkeypatch: pytest.MonkeyPatch) -> None:
    """La carrera misma, sin LibreOffice: muchos hilos matan y cierran el mismo puesto a la vez."""

    class Instancia:
        cerradas = 0

        def __init__(self, *_a: object) -> None:
            self.proceso = object()

        def vivo(self) -> bool:
            return False

        def cerrar(self) -> None:
            time.sleep(0.001)  # abre la ventana de la carrera
            Instancia.cerradas += 1

    monkeypatch.setattr(modulo_convertidor, "InstanciaViva", Instancia)
    monkeypatch.setattr(modulo_convertidor, "tomar_perfil_cache", lambda soffice: None)
    monkeypatch.setattr(modulo_convertidor.RESERVA, "tomar_perfil", lambda soffice: Path("/nonexistent"))
    monkeypatch.setattr(modulo_convertidor.RESERVA, "devolver_perfil", lambda *a: None)
    monkeypatch.setattr(modulo_convertidor.RESERVA, "registrar", lambda p: None)
    monkeypatch.setattr(modulo_convertidor.RESERVA, "olvidar", lambda p: None)
    for _ in range(20):
        puesto = modulo_convertidor._Puesto("soffice", None, False, Path("/nonexistent"))
        puesto.arrancar()
        errores: list[BaseException] = []

        def tirar(p: modulo_convertidor._Puesto = puesto) -> None:
            try:
                p.matar(rehacer_perfil=True)
                p.cerrar()
            except BaseException as exc:  # noqa: BLE001
                errores.append(exc)

        hilos = [threading.Thread(target=tirar) for _ in range(8)]
        for h in hilos:
            h.start()
        for h in hilos:
            h.join()
        assert not errores, errores
        with pytest.raises(modulo_convertidor.ErrorPdf):  # cerrado: no arranca nada más
            puesto.arrancar()


def test_kill_9_de_ficha_pdf_deja_temporales_que_la_siguiente_borra(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Tras un ``kill -9`` quedan la carpeta del PDF (~20 KB: el .docx) y el perfil; la siguiente orden los borra.

    Solo los de procesos muertos y del usuario: el de un proceso vivo se queda.
    """
    from test_pdf import soffice_falso
    from test_pdf_procesos import EJEMPLO, _pids

    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    entorno = dict(os.environ, TMPDIR=str(tmp))
    orden = [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"), "--pdf"]
    proceso = subprocess.Popen(orden, env=entorno, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert esperar(lambda: _pids(registro) and list(tmp.glob("acuerdo_docs_pdf_*/documento.docx")), 60)
    proceso.kill()
    proceso.wait(10)
    restos = sorted(p.name for p in tmp.iterdir())
    assert any(n.startswith("acuerdo_docs_pdf_") for n in restos), restos
    ajeno_vivo = tmp / f"acuerdo_docs_pdf_{os.getpid()}_vivo"  # de un proceso que sigue vivo
    ajeno_vivo.mkdir()
    siguiente = subprocess.run([*orden, "--tiempo-limite", "1"], env=entorno, capture_output=True, text=True,
                               timeout=120)
    assert siguiente.returncode == 3 and "Traceback" not in siguiente.stderr, siguiente.stderr
    assert sorted(p.name for p in tmp.iterdir()) == [ajeno_vivo.name]
