"""Convertidor caliente y perfil en caché: LibreOffice vivo entre documentos, con procesos reales.

Los perfiles en caché van a ``$XDG_CACHE_HOME`` (en las pruebas, un temporal: ver conftest).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import esperar, texto_pdf
from test_pdf import soffice_falso, vivo
from test_pdfa import afirmar_pdfa

import acuerdo_docs as ad
from acuerdo_docs.errores import ErrorConversion
from acuerdo_docs.rutas import carpeta_cache
from acuerdo_docs.salida.pdf import VARIABLE_SOFFICE, ipc

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="usa /proc y la tubería de Linux")

EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _procesos_con(texto: str) -> list[int]:
    """Procesos vivos (no zombis) cuya línea de órdenes contiene ``texto``."""
    hallados = []
    for entrada in Path("/proc").iterdir():
        if not entrada.name.isdigit():
            continue
        try:
            linea = (entrada / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            estado = (entrada / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if texto in linea and estado != "Z":
            hallados.append(int(entrada.name))
    return hallados


def _esperar(condicion, segundos: float = 15) -> bool:  # noqa: ANN001
    return esperar(condicion, segundos)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "acuerdo_docs"


@pytest.mark.libreoffice
def test_tres_documentos_seguidos_pdfa_y_sin_procesos_al_salir(libreoffice: str, tmp_path: Path, cache: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    practica, acuerdo = ad.ejemplo_ficha(), ad.ejemplo_acuerdo()
    ficha = ad.generar_ficha(practica, tmp_path / "ficha.docx")
    publica = ad.generar_ficha(practica, tmp_path / "publica.docx", publico=True)
    acuerdo_docx = ad.generar_acuerdo(acuerdo, tmp_path / "acuerdo.docx")
    with ad.ConvertidorPdf() as convertidor:
        pdfs = [convertidor.convertir(ficha), convertidor.convertir(publica, tmp_path / "pdf" / "publica.pdf"),
                convertidor.convertir(acuerdo_docx)]
        perfil = str(convertidor._puestos[0].perfil)
        assert _procesos_con(perfil), "LibreOffice debía seguir vivo entre documentos"
    assert pdfs == [tmp_path / "ficha.pdf", tmp_path / "pdf" / "publica.pdf", tmp_path / "acuerdo.pdf"]
    afirmar_pdfa(pdfs[0], practica.nombre)
    afirmar_pdfa(pdfs[1], practica.nombre)
    afirmar_pdfa(pdfs[2], acuerdo.desafio.nombre)
    assert _esperar(lambda: not _procesos_con(perfil)), "quedó LibreOffice vivo al salir del with"
    assert not ipc.ruta_tuberia(Path(perfil)).exists(), "quedó el socket de LibreOffice en /tmp"
    assert perfil.startswith(str(cache)), "el perfil debía estar en XDG_CACHE_HOME"
    assert (Path(perfil) / "listo").is_file()
    assert list(tmp_path.glob("**/*.tmp")) == []


@pytest.mark.libreoffice
def test_sobrevive_a_que_maten_su_libreoffice(libreoffice: str, tmp_path: Path, cache: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    otra = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "otra.docx", publico=True)
    with ad.ConvertidorPdf(pdfa=False) as convertidor:
        assert convertidor.convertir(ficha).is_file()
        perfil = str(convertidor._puestos[0].perfil)
        binarios = [p for p in _procesos_con(perfil) if "soffice.bin" in Path(f"/proc/{p}/cmdline").read_text()]
        assert binarios
        for pid in binarios:
            os.kill(pid, signal.SIGKILL)
        pdf = convertidor.convertir(otra)
        assert any("Buenas" in pagina or pagina.strip() for pagina in texto_pdf(pdf))
        assert texto_pdf(pdf) and texto_pdf(pdf)[0].strip()
    assert _esperar(lambda: not _procesos_con(perfil))


def test_libreoffice_colgado_es_averia_y_no_deja_procesos(tmp_path: Path, cache: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    inicio = time.monotonic()
    with ad.ConvertidorPdf(tiempo_limite=0.5) as convertidor, pytest.raises(ErrorConversion) as error:
        convertidor.convertir(ficha)
    assert str(error.value).startswith("LibreOffice dejó de responder"), error.value
    assert time.monotonic() - inicio < 10
    assert not (tmp_path / "ficha.pdf").exists()
    hijos = Path(f"{registro}.hijos")
    pids = [int(p) for p in registro.read_text().split()] + [int(p) for p in hijos.read_text().split()]
    assert len(pids) == 2 and _esperar(lambda: not any(vivo(p) for p in pids)), "quedó el soffice colgado o su hijo"


def test_soffice_sin_tuberia_usa_el_camino_de_siempre(tmp_path: Path, cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    soffice_falso(tmp_path, monkeypatch)  # convierte con --convert-to pero no abre la tubería
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    with ad.ConvertidorPdf() as convertidor:
        assert convertidor.convertir(ficha).read_bytes().startswith(b"%PDF-1.4\n%falso")


def test_entrada_invalida_error_en_espanol(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    soffice_falso(tmp_path, monkeypatch)
    malo = tmp_path / "malo.docx"
    malo.write_bytes(b"no es un zip")
    with ad.ConvertidorPdf() as convertidor, pytest.raises(ErrorConversion, match="dañado"):
        convertidor.convertir(malo)
    with pytest.raises(ValueError):
        ad.ConvertidorPdf(trabajadores=0)


@pytest.mark.libreoffice
def test_cli_pdf_dos_ejecuciones_a_la_vez_no_se_pisan(libreoffice: str, tmp_path: Path, cache: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    procesos = []
    for letra in "AB":  # dos prácticas distintas, a la vez, con la misma caché
        entrada = tmp_path / f"{letra}.json"
        entrada.write_text(json.dumps({**datos, "nombre": f"Práctica concurrente {letra}"}), encoding="utf-8")
        procesos.append(subprocess.Popen(
            [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(entrada), "-o", str(tmp_path / f"{letra}.docx"),
             "--pdf"], env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    for proceso in procesos:
        _, err = proceso.communicate(timeout=180)
        assert proceso.returncode == 0, err.decode()
    for letra, otra in ("A", "B"), ("B", "A"):
        texto = " ".join(texto_pdf(tmp_path / f"{letra}.pdf"))
        assert f"Práctica concurrente {letra}" in texto and f"concurrente {otra}" not in texto
        afirmar_pdfa(tmp_path / f"{letra}.pdf", f"Práctica concurrente {letra}")
    perfiles = sorted(p.name for p in cache.glob("libreoffice-*/perfil*") if p.is_dir())
    assert perfiles == ["perfil0", "perfil1"], perfiles  # uno por ejecución, cada uno con su candado
    assert carpeta_cache() == cache


@pytest.mark.libreoffice
def test_perfil_danado_se_recrea(libreoffice: str, tmp_path: Path, cache: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    with ad.ConvertidorPdf(pdfa=False) as convertidor:
        convertidor.convertir(ficha)
        perfil = convertidor._puestos[0].perfil
    assert (perfil / "listo").is_file()
    # Dañado a mano: la configuración de usuario es un archivo con basura, no una carpeta.
    import shutil

    shutil.rmtree(perfil / "user")
    (perfil / "user").write_bytes(b"\x00basura")
    with ad.ConvertidorPdf(pdfa=False) as convertidor:
        assert convertidor.convertir(ficha, tmp_path / "otra.pdf").is_file()
    assert (perfil / "user").is_dir() and (perfil / "listo").is_file()
    # Creación interrumpida (sin la marca «listo»): se rehace de cero antes de usarlo.
    (perfil / "listo").unlink()
    (perfil / "resto_a_medias").write_text("x")
    with ad.ConvertidorPdf(pdfa=False) as convertidor:
        assert convertidor.convertir(ficha, tmp_path / "tercera.pdf").is_file()
    assert not (perfil / "resto_a_medias").exists() and (perfil / "listo").is_file()


@pytest.mark.libreoffice
def test_lote_pdf_en_flujo_no_pierde_nada_si_matan_libreoffice(libreoffice: str, tmp_path: Path, cache: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from test_lote import fila_base, libro_fichas

    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    n = 12
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(n)])
    salida = tmp_path / "salida"
    matados: list[int] = []
    pdfs_al_matar: list[int] = []

    def matar_a_mitad() -> None:
        # En cuanto sale el primer PDF (el flujo ya está convirtiendo), kill -9 a todo soffice.bin del lote.
        if not _esperar(lambda: any(salida.glob("*.pdf")), 120):
            return
        pdfs_al_matar.append(len(list(salida.glob("*.pdf"))))
        for pid in _procesos_con(str(cache)):
            if "soffice.bin" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace"):
                os.kill(pid, signal.SIGKILL)
                matados.append(pid)

    asesino = threading.Thread(target=matar_a_mitad)
    asesino.start()
    informe = ad.generar_lote(entrada, salida, pdf=True, procesos=1)
    asesino.join()
    assert matados and pdfs_al_matar[0] < n, "LibreOffice debía morir a mitad del lote"
    assert informe.codigo_salida == 0, [str(e) for e in informe.errores]
    pdfs = sorted(salida.glob("*.pdf"))
    assert len(pdfs) == n and len(informe.pdf) == n
    for fila in informe.filas:
        (pdf,) = [salida / a for a in fila.archivos if a.endswith(".pdf")]
        assert f"Práctica {fila.fila - 2:02d}" in " ".join(texto_pdf(pdf))
    assert list(salida.glob(".~*")) == [] and list(salida.glob("*.tmp")) == []
    assert _esperar(lambda: not [p for p in _procesos_con(str(cache)) if p not in matados])


@pytest.mark.libreoffice
def test_cancelar_despierta_a_quien_espera_un_libreoffice_libre(libreoffice: str, tmp_path: Path, cache: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C en un lote con PDF: los hilos que esperan turno para un LibreOffice terminan con la cancelación.

    Antes esperaban en la cola de puestos libres que el cierre cambiaba por otra: nadie los despertaba y
    el lote quedaba colgado tras Ctrl-C (lo destapó que la revisión de glifos dejara de retrasarlos).
    """
    import threading

    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    original = ad.ConvertidorPdf._con_reintento

    def lento_al_fallar(self: ad.ConvertidorPdf, *args: object, **opciones: object) -> Path | None:
        try:
            return original(self, *args, **opciones)  # type: ignore[arg-type]
        except BaseException:
            time.sleep(0.5)  # quien convertía devuelve su puesto después de que el cierre cambió la cola
            raise

    monkeypatch.setattr(ad.ConvertidorPdf, "_con_reintento", lento_al_fallar)
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    convertidor = ad.ConvertidorPdf(trabajadores=1, pdfa=False)
    convertidor.abrir()
    errores: list[str] = []

    def convertir(numero: int) -> None:
        try:
            convertidor.convertir(ficha, tmp_path / f"f{numero}.pdf")
        except ErrorConversion as exc:
            errores.append(str(exc))

    hilos = [threading.Thread(target=convertir, args=(n,), daemon=True) for n in range(4)]
    for hilo in hilos:  # uno convierte; los demás esperan turno
        hilo.start()
    time.sleep(0.2)
    convertidor.cancelar()
    for hilo in hilos:
        hilo.join(timeout=10)
    assert not [h for h in hilos if h.is_alive()], "un hilo quedó esperando un LibreOffice que ya no volverá"
    assert errores, "la cancelación debía interrumpir las conversiones pendientes"
