"""``--pdf`` en frío: LibreOffice arranca antes que todo, o se usa uno caliente compartido.

- :mod:`acuerdo_docs.salida.pdf.anticipado` lanza LibreOffice con un perfil de la caché ya
  listo antes de importar pydantic y el motor, sin crear nada ni avisar (eso lo hace el camino
  de siempre);
- :mod:`acuerdo_docs.salida.pdf.compartido`: un ``ConvertidorPdf(compartir=True)`` de otro
  proceso del usuario se reutiliza; una marca de un dueño muerto, un socket o un proceso de
  otro usuario nunca.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import texto_pdf
from test_pdfa import afirmar_pdfa

import acuerdo_docs as ad
from acuerdo_docs.salida.pdf import VARIABLE_SOFFICE, anticipado, compartido, ipc, pedido
from acuerdo_docs.salida.pdf.cache import tomar_perfil_cache
from acuerdo_docs.salida.pdf.convertidor import ConvertidorPdf
from acuerdo_docs.salida.pdf.instancia import InstanciaPrestada

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="usa la tubería de Linux")

EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"
ARGV = ["ficha", "x.json", "-o", "y.docx", "--pdf"]


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "acuerdo_docs"


def _perfil_listo(tmp_path: Path) -> Path:
    """Un perfil de la caché completo (con su marca «listo»), como lo deja la primera conversión."""
    with ConvertidorPdf() as convertidor:
        convertidor.convertir(ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "previa.docx"))
        perfil = convertidor._puestos[0].perfil
    assert perfil is not None and (perfil / "listo").is_file()
    return perfil


def test_pide_pdf() -> None:
    assert pedido.pide_pdf(["ficha", "a.json", "--pdf"])
    assert pedido.pide_pdf(["ficha", "a.json", "-o", "A.PDF"])
    assert pedido.pide_pdf(["acuerdo", "a.json", "--salida=x.pdf"])
    assert not pedido.pide_pdf(["ficha", "a.json", "-o", "y.docx"])
    assert anticipado.arrancar(["lote", "a.xlsx", "-o", "s", "--pdf"]) is None  # muchos documentos: su flujo
    assert anticipado.arrancar(["ficha", "a.json", "-o", "y.docx"]) is None


@pytest.mark.libreoffice
def test_sin_perfil_listo_no_arranca_ni_crea_nada(libreoffice: str, cache: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    assert anticipado.arrancar(ARGV) is None
    assert not cache.exists()  # la primera vez el perfil lo crea el camino de siempre


@pytest.mark.libreoffice
def test_perfil_listo_arranca_antes_y_el_convertidor_lo_adopta(libreoffice: str, tmp_path: Path, cache: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    perfil = _perfil_listo(tmp_path)
    arranque = anticipado.arrancar(ARGV)
    assert arranque is not None and arranque.perfil is not None and arranque.perfil.ruta == perfil
    proceso = arranque.instancia.proceso  # type: ignore[union-attr]
    convertidor = ConvertidorPdf()
    convertidor._abrir_con(arranque)
    try:
        assert convertidor._puestos[0].instancia is arranque.instancia
        pdf = convertidor.convertir(ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "f.docx"))
        afirmar_pdfa(pdf, ad.ejemplo_ficha().nombre)
    finally:
        convertidor.cerrar()
        arranque.cerrar()  # de más: no hace nada
    assert proceso.poll() is not None
    assert tomar_perfil_cache(libreoffice) is not None  # el candado quedó suelto


@pytest.mark.libreoffice
def test_perfil_listo_pero_ajeno_no_se_usa_ni_avisa(libreoffice: str, tmp_path: Path, cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    perfil = _perfil_listo(tmp_path)
    os.chmod(perfil, 0o755)  # otros pueden entrar: el camino de siempre lo rehace y avisa
    with caplog.at_level(logging.INFO):
        assert anticipado.arrancar(ARGV) is None
    assert not caplog.records
    os.chmod(perfil, 0o700)
    (perfil / "listo").unlink()  # a medias: lo rehace el camino de siempre
    assert anticipado.arrancar(ARGV) is None
    (perfil / "listo").symlink_to(tmp_path / "fuera")  # un enlace dentro: ni se lee
    assert anticipado.arrancar(ARGV) is None


@pytest.mark.libreoffice
def test_cli_pdf_usa_el_convertidor_compartido(libreoffice: str, tmp_path: Path, cache: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    entrada = tmp_path / "p.json"
    entrada.write_text(json.dumps({**datos, "nombre": "Práctica por el compartido"}), encoding="utf-8")
    with ConvertidorPdf(compartir=True) as caliente:
        caliente.convertir(ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "previa.docx"))
        perfil = caliente._puestos[0].perfil
        assert perfil is not None
        tuberia = ipc.ruta_tuberia(perfil)
        assert compartido.marca_de(perfil).is_file()
        assert stat.S_IMODE(os.lstat(tuberia).st_mode) & 0o077 == 0  # otro usuario ni se conecta
        hecho = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(entrada), "-o",
                                str(tmp_path / "f.docx"), "--pdf"], capture_output=True, text=True, timeout=120)
        assert hecho.returncode == 0, hecho.stderr
        # Convirtió el LibreOffice compartido: la orden no tomó (ni creó) un perfil propio.
        assert sorted(p.name for p in perfil.parent.iterdir() if p.is_dir()) == [perfil.name]
        # El convertidor caliente sigue sirviendo después.
        assert caliente.convertir(tmp_path / "previa.docx", tmp_path / "otra.pdf").is_file()
    assert "Práctica por el compartido" in " ".join(texto_pdf(tmp_path / "f.pdf"))
    afirmar_pdfa(tmp_path / "f.pdf", "Práctica por el compartido")
    assert not compartido.marca_de(perfil).exists()  # al cerrar, la marca se retira


@pytest.mark.libreoffice
def test_marca_de_un_dueno_muerto_no_se_usa_y_se_borra(libreoffice: str, tmp_path: Path, cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    perfil = _perfil_listo(tmp_path)
    compartido.publicar(perfil)  # sin nadie con el candado: como tras un kill -9 del dueño
    assert compartido.buscar_compartido(libreoffice) is None
    assert not compartido.marca_de(perfil).exists()


def _escuchar(ruta: Path, recibido: list[bytes], *, responder: bool) -> threading.Thread:
    """Un servidor en ``ruta`` que dice «listo» (o cierra sin decir nada) y guarda lo que recibe."""
    servidor = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    servidor.bind(str(ruta))
    servidor.listen(1)

    def atender() -> None:
        with servidor:
            conexion, _ = servidor.accept()
            with conexion:
                if responder:
                    try:  # el cliente que ve a «otro usuario» cierra sin leer
                        conexion.sendall(b"InternalIPC::SendArguments\0")
                        conexion.settimeout(2)
                        recibido.append(conexion.recv(4096))
                    except OSError:
                        pass

    hilo = threading.Thread(target=atender, daemon=True)
    hilo.start()
    return hilo


def test_socket_de_otro_usuario_no_recibe_nada(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Otro usuario pudo crear el socket con ese nombre en /tmp: ni una ruta ni una orden le llegan."""
    ruta = tmp_path / "OSL_PIPE_plantado"
    recibido: list[bytes] = []
    hilo = _escuchar(ruta, recibido, responder=True)
    uid = os.geteuid()
    monkeypatch.setattr(ipc.os, "geteuid", lambda: uid + 1)  # quien escucha es «otro» usuario
    assert not ipc.socket_propio(ruta)
    with pytest.raises(ipc.Ajena):
        ipc.ordenar(ruta, ["--convert-to", "pdf", "/secreto/ficha.docx"], tmp_path, hasta=1e12,
                    hasta_conexion=1e12, vivo=lambda: True)
    hilo.join(5)
    assert recibido in ([], [b""])


@pytest.mark.libreoffice
def test_compartido_que_falla_se_deja_y_se_arranca_uno_propio(libreoffice: str, tmp_path: Path, cache: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """El LibreOffice prestado cierra sin convertir (su dueño lo mató): la orden arranca el suyo y no lo mata."""
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    ruta = tmp_path / "prestado"
    hilo = _escuchar(ruta, [], responder=False)
    arranque = anticipado.Arranque(libreoffice, None, InstanciaPrestada(ruta))
    with ConvertidorPdf() as convertidor:
        convertidor._abrir_con(arranque)
        pdf = convertidor.convertir(ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "f.docx"))
        assert convertidor._puestos[0].prestada is None and convertidor._puestos[0].instancia is not None
    hilo.join(5)
    afirmar_pdfa(pdf, ad.ejemplo_ficha().nombre)


@pytest.mark.libreoffice
def test_cli_con_perfil_listo_ficha_riesgos_y_acuerdo(libreoffice: str, tmp_path: Path, cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Con el perfil listo LibreOffice arranca antes: sin documento de reserva para un solo documento
    (ficha, matriz), con él para el acuerdo (.docx y .xlsx); todos en PDF/A y sin procesos al salir."""
    from test_pdf_convertidor import _procesos_con

    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    _perfil_listo(tmp_path)
    ejemplos = EJEMPLO.parent
    ordenes = {
        "ficha": ["ficha", str(EJEMPLO), "-o", str(tmp_path / "ficha.pdf")],
        "riesgos": ["riesgos", str(ejemplos / "riesgos_ejemplo.json"), "-o", str(tmp_path / "matriz.xlsx"), "--pdf"],
        "acuerdo": ["acuerdo", str(ejemplos / "acuerdo_ejemplo.json"), "-o", f"{tmp_path / 'acuerdo'}/", "--pdf"],
    }
    for nombre, argumentos in ordenes.items():
        hecho = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", *argumentos], capture_output=True,
                               text=True, timeout=180)
        assert hecho.returncode == 0, (nombre, hecho.stderr)
        assert not _procesos_con(str(cache)), nombre
    afirmar_pdfa(tmp_path / "ficha.pdf", ad.ejemplo_ficha().nombre)
    assert (tmp_path / "matriz.pdf").read_bytes().startswith(b"%PDF-")
    pdfs = {p.name for p in (tmp_path / "acuerdo").glob("*.pdf")}
    assert {"acuerdo_ejemplo.pdf", "acuerdo_ejemplo_riesgos.pdf"} <= pdfs, pdfs
