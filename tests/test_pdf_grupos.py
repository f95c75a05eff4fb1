"""``lote --pdf`` en grupos: varios documentos por orden a un LibreOffice vivo, como las tandas de ``a_pdf``.

Cada PDF debe ser el de su documento, un documento que LibreOffice no abre falla solo, un
LibreOffice colgado en medio de un grupo es una avería a tiempo (el límite corre por documento,
desde la última línea de LibreOffice) y lo ya convertido se entrega.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import esperar, texto_pdf
from test_pdf import documento

import acuerdo_docs as ad
from acuerdo_docs.salida.pdf import VARIABLE_SOFFICE, ipc
from acuerdo_docs.salida.pdf.convertidor import ErrorPdf
from acuerdo_docs.salida.pdf.instancia import InstanciaViva
from acuerdo_docs.salida.pdf.tanda import MOTIVO_CARGA

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="usa la tubería de Linux y /proc")


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "acuerdo_docs"


@pytest.fixture()
def ordenes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Cuántos documentos lleva cada orden a un LibreOffice vivo."""
    vistas: list[int] = []
    original = InstanciaViva.convertir

    def contar(self: InstanciaViva, entrada: Path | list[Path], *args: object, **kwargs: object) -> None:
        vistas.append(1 if isinstance(entrada, Path) else len(entrada))
        original(self, entrada, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(InstanciaViva, "convertir", contar)
    return vistas


# ------------------------------------------------------------------ la tubería: plazo que corre con el avance


@pytest.fixture()
def servidor() -> Iterator[tuple[Path, threading.Event]]:
    """Una instancia falsa: dice «listo», recibe la orden y responde «hecho» cuando se le indica."""
    carpeta = Path(tempfile.mkdtemp(prefix="ipc_"))  # corta: un socket Unix no admite rutas largas
    ruta = carpeta / "s"
    escucha = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    escucha.bind(str(ruta))
    escucha.listen(1)
    responder = threading.Event()

    def atender() -> None:
        conexion, _ = escucha.accept()
        with conexion:
            conexion.sendall(b"InternalIPC::SendArguments\0")
            conexion.recv(4096)
            if responder.wait(10):
                try:
                    conexion.sendall(b"InternalIPC::ProcessingDone\0")
                except OSError:  # el cliente ya se fue (venció su plazo)
                    pass

    hilo = threading.Thread(target=atender, daemon=True)
    hilo.start()
    yield ruta, responder
    responder.set()
    escucha.close()
    ruta.unlink(missing_ok=True)
    carpeta.rmdir()


def test_orden_de_varios_no_vence_mientras_libreoffice_avanza(servidor: tuple[Path, threading.Event]) -> None:
    ruta, responder = servidor
    avance = [time.monotonic()]
    inicio = time.monotonic()

    def avanzar() -> None:  # una línea de LibreOffice cada 0,1 s durante 1,2 s; luego responde
        while time.monotonic() - inicio < 1.2:
            time.sleep(0.1)
            avance[0] = time.monotonic()
        responder.set()

    threading.Thread(target=avanzar, daemon=True).start()
    ipc.ordenar(ruta, ["--convert-to", "pdf", "a", "b"], ruta.parent, hasta=inicio + 0.4, hasta_conexion=inicio + 5,
                vivo=lambda: True, prorroga=lambda: avance[0] + 0.4)
    assert time.monotonic() - inicio >= 1.2  # pasó de largo el plazo fijo (0,4 s) porque hubo avance


def test_orden_de_varios_sin_avance_vence_en_el_tiempo_limite(servidor: tuple[Path, threading.Event]) -> None:
    ruta, _ = servidor
    inicio = time.monotonic()
    with pytest.raises(TimeoutError):
        ipc.ordenar(ruta, ["--convert-to", "pdf", "a", "b"], ruta.parent, hasta=inicio + 0.4,
                    hasta_conexion=inicio + 5, vivo=lambda: True, prorroga=lambda: inicio + 0.4)
    assert 0.4 <= time.monotonic() - inicio < 2


# ------------------------------------------------------------------ LibreOffice real


@pytest.mark.libreoffice
def test_grupo_cada_pdf_es_el_suyo_y_el_danado_falla_solo(libreoffice: str, tmp_path: Path, cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch, ordenes: list[int]) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    paginas = [2, 3, 1, 4]
    buenos = [documento(tmp_path / f"d{i}.docx", n) for i, n in enumerate(paginas)]
    roto = tmp_path / "roto.docx"  # pasa la revisión de la entrada, pero LibreOffice no lo abre
    with zipfile.ZipFile(buenos[0]) as origen, zipfile.ZipFile(roto, "w") as destino:
        for info in origen.infolist():
            datos = origen.read(info)
            destino.writestr(info, datos[: len(datos) // 2] if info.filename == "word/document.xml" else datos)
    basura = tmp_path / "basura.docx"
    basura.write_bytes(os.urandom(3000))  # ni siquiera es un zip: no se le manda a LibreOffice
    entradas = [buenos[0], roto, buenos[1], basura, buenos[2], buenos[3]]

    with ad.ConvertidorPdf(pdfa=False) as convertidor:
        resultados = convertidor._convertir_grupo(entradas)

    assert ordenes == [5], "los cinco que pasan la revisión van en una sola orden"
    assert isinstance(resultados[1], ErrorPdf) and resultados[1].motivo == MOTIVO_CARGA
    assert isinstance(resultados[3], ErrorPdf) and "dañado" in resultados[3].motivo
    for doc, n in zip(buenos, paginas):
        pdf = resultados[entradas.index(doc)]
        assert pdf == doc.with_suffix(".pdf") and isinstance(pdf, Path)
        textos = texto_pdf(pdf)
        assert len(textos) == n and f"Sección {n}" in " ".join(textos)  # el PDF de este documento, no de otro
    assert not roto.with_suffix(".pdf").exists() and not basura.with_suffix(".pdf").exists()


def _soffice_bin(perfil: Path) -> list[int]:
    hallados = []
    for entrada in Path("/proc").iterdir():
        try:
            linea = (entrada / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if "soffice.bin" in linea and str(perfil) in linea:
            hallados.append(int(entrada.name))
    return hallados


@pytest.mark.libreoffice
def test_libreoffice_colgado_con_un_grupo_es_averia_a_tiempo(libreoffice: str, tmp_path: Path, cache: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    docs = [documento(tmp_path / f"d{i}.docx", 1) for i in range(4)]
    with ad.ConvertidorPdf(pdfa=False, tiempo_limite=2) as convertidor:
        convertidor.convertir(docs[0])  # LibreOffice listo
        perfil = convertidor._puestos[0].perfil
        assert perfil is not None
        binarios = _soffice_bin(perfil)
        assert binarios
        for pid in binarios:
            os.kill(pid, signal.SIGSTOP)  # colgado: no responde ni dice nada
        inicio = time.monotonic()
        resultados = convertidor._convertir_grupo(docs[1:])
        assert time.monotonic() - inicio < 8
    assert all(isinstance(r, ErrorPdf) and r.averia and r.motivo.startswith("LibreOffice dejó de responder")
               for r in resultados), resultados
    assert not any(d.with_suffix(".pdf").exists() for d in docs[1:])
    assert esperar(lambda: not _soffice_bin(perfil), 15), "quedó el LibreOffice colgado"


@pytest.mark.libreoffice
def test_lote_pdf_manda_grupos_y_cada_fila_tiene_su_pdf(libreoffice: str, tmp_path: Path, cache: Path,
                                                        monkeypatch: pytest.MonkeyPatch, ordenes: list[int]) -> None:
    from test_lote import fila_base, libro_fichas

    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    n = 40  # con pocos, de uno en uno (grupos de la mitad de la parte pareja de cada hilo)
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(n)])
    salida = tmp_path / "salida"
    informe = ad.generar_lote(entrada, salida, pdf=True)
    assert informe.codigo_salida == 0, [str(e) for e in informe.errores]
    assert sum(ordenes) == n and max(ordenes) > 1 and len(ordenes) < n, ordenes
    assert len(informe.pdf) == n
    for fila in informe.filas:
        (pdf,) = [salida / a for a in fila.archivos if a.endswith(".pdf")]
        assert f"Práctica {fila.fila - 2:02d}" in " ".join(texto_pdf(pdf))
    assert list(salida.glob(".~*")) == [] and list(salida.glob("*.tmp")) == []
