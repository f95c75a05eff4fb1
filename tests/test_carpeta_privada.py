"""Una sola manera de usar una caché o un perfil: privado del usuario, o ninguno (las dos cachés).

La clase: algo que se ejecuta (código compilado, un perfil de LibreOffice con macros) puesto en la
caché por otro usuario, en una carpeta en la que otros escriben, o detrás de un enlace simbólico.
Cada forma de plantarlo se prueba contra las dos cachés; los perfiles, con LibreOffice de verdad
por ``ConvertidorPdf``, ``ficha --pdf`` y ``lote --pdf``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli, exigir_libreoffice

import acuerdo_docs as ad
from acuerdo_docs.salida import cache_codigo, carpeta_privada
from acuerdo_docs.salida.pdf import cache as cache_perfiles
from acuerdo_docs.salida.pdf.soffice import buscar_soffice, version_libreoffice, xcu_perfil

AJENO = 65534  # nobody


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    raiz = tmp_path / "xdg"
    raiz.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_CACHE_HOME", str(raiz))
    monkeypatch.delenv("ACUERDO_DOCS_SIN_CACHE", raising=False)
    carpeta_privada._avisadas.clear()
    return raiz


def _ajeno(ruta: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``ruta`` pasa a ser de otro usuario: de verdad si somos root; si no, el proceso deja de ser su dueño."""
    if os.geteuid() == 0:
        os.chown(ruta, AJENO, AJENO, follow_symlinks=False)
    else:  # sin root no se puede regalar un archivo: se cambia quién es «el usuario»
        uid = os.geteuid() + 1
        monkeypatch.setattr(os, "geteuid", lambda: uid)


def _plantar(ruta: Path, que: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Aplica una forma de plantar a la carpeta ``ruta`` (que existe); devuelve la carpeta plantada real."""
    if que == "otro_dueno":
        _ajeno(ruta, monkeypatch)
    elif que == "escribible_por_otros":
        os.chmod(ruta, 0o777)
    elif que == "escribible_por_el_grupo":
        os.chmod(ruta, 0o770)
    elif que == "enlace":
        fuera = tmp_path / "plantado_fuera"
        shutil.move(ruta, fuera)
        ruta.symlink_to(fuera)
        return fuera
    else:
        raise AssertionError(que)
    return ruta


FORMAS = ["otro_dueno", "escribible_por_otros", "escribible_por_el_grupo", "enlace"]


# ------------------------------------------------------------------ la función compartida


@pytest.mark.parametrize("forma", FORMAS)
@pytest.mark.parametrize("nivel", ["raiz", "caché", "encima"])
def test_carpeta_plantada_no_se_usa_y_avisa_sin_ruta(forma: str, nivel: str, xdg: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    destino = xdg / "acuerdo_docs" / "plantillas"
    assert carpeta_privada.carpeta_privada(destino, "plantillas compiladas") == destino
    assert stat.S_IMODE(destino.stat().st_mode) == 0o700
    if nivel == "encima":
        _plantar(xdg, forma, tmp_path, monkeypatch)
        if forma == "enlace":  # ~/.cache como enlace del usuario a una carpeta suya sí vale: se resuelve
            assert carpeta_privada.carpeta_privada(destino, "plantillas compiladas") == destino
            return
    else:
        _plantar(destino if nivel == "caché" else xdg / "acuerdo_docs", forma, tmp_path, monkeypatch)
    with caplog.at_level(logging.WARNING, logger="acuerdo_docs.cache"):
        assert carpeta_privada.carpeta_privada(destino, "plantillas compiladas") is None
    (aviso,) = [r.getMessage() for r in caplog.records]
    assert "no es privada del usuario" in aviso and str(tmp_path) not in aviso and "/" not in aviso


def test_encima_vale_una_carpeta_sticky_y_un_enlace_del_usuario(xdg: Path, tmp_path: Path) -> None:
    comun = tmp_path / "comun"
    comun.mkdir()
    os.chmod(comun, 0o1777)  # como /tmp
    propia = comun / "yo"
    propia.mkdir(mode=0o700)
    enlace = tmp_path / "cache_enlazada"
    enlace.symlink_to(propia)
    os.environ["XDG_CACHE_HOME"] = str(enlace)
    destino = enlace / "acuerdo_docs" / "plantillas"
    assert carpeta_privada.carpeta_privada(destino, "plantillas compiladas") == destino


# ------------------------------------------------------------------ caché de plantillas compiladas


@pytest.mark.parametrize("forma", FORMAS)
def test_codigo_plantado_no_se_ejecuta(forma: str, xdg: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Otro proceso llena la caché (en este, la plantilla ya compilada vive en memoria).
    subprocess.run([sys.executable, "-c", "import acuerdo_docs as ad; ad.renderizar_ficha(ad.ejemplo_ficha())"],
                   check=True)
    carpeta = cache_codigo.carpeta()
    (entrada,) = list(carpeta.iterdir())
    assert cache_codigo.leer(entrada.name) is not None  # control: sin plantar, se lee
    _plantar(carpeta, forma, tmp_path, monkeypatch)
    assert cache_codigo.leer(entrada.name) is None
    cache_codigo.guardar(entrada.name, "otro")  # tampoco se escribe en ella
    assert cache_codigo.leer(entrada.name) is None


# ------------------------------------------------------------------ perfiles de LibreOffice


def _perfil_plantado(xdg: Path, soffice: str) -> Path:
    """Un perfil «listo» en la caché, con la marca vigente y una macro (lo que haría un atacante)."""
    version = version_libreoffice(soffice)
    perfil = xdg / "acuerdo_docs" / f"libreoffice-{version or 'x'}" / "perfil0"
    (perfil / "user" / "basic" / "Standard").mkdir(parents=True)
    for carpeta in [perfil.parent.parent, perfil.parent, *perfil.rglob("*"), perfil]:
        if carpeta.is_dir():
            os.chmod(carpeta, 0o700)
    (perfil / "user" / "registrymodifications.xcu").write_text(xcu_perfil(version), encoding="utf-8")
    (perfil / "user" / "basic" / "Standard" / "Plantado.xba").write_text("Sub Main\nShell(\"calc\")\nEnd Sub\n")
    (perfil / "listo").write_text(f"{version or ''}\n{xcu_perfil(version)}", encoding="utf-8")
    return perfil


def _usado(plantado: Path) -> bool:
    """LibreOffice usó el perfil: crea ``user/extensions`` al arrancar con él."""
    return (plantado / "user" / "extensions").exists()


FORMAS_PERFIL = [*FORMAS, "archivo_ajeno_dentro", "enlace_dentro", "cache_escribible"]


def _plantar_perfil(perfil: Path, forma: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    if forma == "archivo_ajeno_dentro":
        macro = perfil / "user" / "basic" / "Standard" / "Plantado.xba"
        if os.geteuid() == 0:
            os.chown(macro, AJENO, AJENO)
            return perfil
        # sin root: la comprobación del árbol ve otro dueño si el uid del proceso cambia
        _ajeno(perfil, monkeypatch)
        return perfil
    if forma == "enlace_dentro":
        fuera = tmp_path / "basic_fuera"
        shutil.move(perfil / "user" / "basic", fuera)
        (perfil / "user" / "basic").symlink_to(fuera)
        return perfil
    if forma == "cache_escribible":
        os.chmod(perfil.parent, 0o777)
        return perfil
    return _plantar(perfil, forma, tmp_path, monkeypatch)


def _no_se_uso_lo_plantado(plantado: Path, perfil: Path) -> None:
    # O el perfil plantado sigue intacto (LibreOffice nunca arrancó con él), o se borró y el que
    # está en su lugar es nuevo y privado (sin la macro).
    if plantado.exists() and (plantado / "user" / "basic" / "Standard" / "Plantado.xba").exists():
        assert not _usado(plantado), "LibreOffice arrancó con un perfil plantado"
    if perfil.exists() and not perfil.is_symlink() and perfil != plantado:
        assert not (perfil / "user" / "basic" / "Standard" / "Plantado.xba").exists()


def test_control_un_perfil_propio_y_privado_si_se_usa(xdg: Path, tmp_path: Path) -> None:
    """Sin plantar nada, el mismo perfil se usa: lo que afirman las demás pruebas puede fallar."""
    soffice = exigir_libreoffice()
    perfil = _perfil_plantado(xdg, soffice)
    with ad.ConvertidorPdf() as convertidor:
        convertidor.convertir(_docx(tmp_path), tmp_path / "a.pdf")
    assert _usado(perfil) and (perfil / "user" / "basic" / "Standard" / "Plantado.xba").exists()


def _docx(tmp_path: Path) -> Path:
    return ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")


@pytest.mark.parametrize("forma", FORMAS_PERFIL)
def test_perfil_plantado_no_se_usa_convertidor(forma: str, xdg: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    soffice = exigir_libreoffice()
    perfil = _perfil_plantado(xdg, soffice)
    plantado = _plantar_perfil(perfil, forma, tmp_path, monkeypatch)
    with ad.ConvertidorPdf() as convertidor:
        pdf = convertidor.convertir(_docx(tmp_path), tmp_path / "a.pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    _no_se_uso_lo_plantado(plantado, perfil)


def _entorno_cli() -> dict[str, str]:
    return {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}


@pytest.mark.parametrize("forma", ["escribible_por_otros", "enlace", "cache_escribible"]
                         + (["otro_dueno"] if os.geteuid() == 0 else []))
@pytest.mark.parametrize("orden", ["ficha", "lote"])
def test_perfil_plantado_no_se_usa_cli(orden: str, forma: str, xdg: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    soffice = exigir_libreoffice()
    perfil = _perfil_plantado(xdg, soffice)
    plantado = _plantar_perfil(perfil, forma, tmp_path, monkeypatch)
    if orden == "ficha":
        entrada = tmp_path / "practica.json"
        entrada.write_text(json.dumps(ad.ejemplo_ficha().model_dump(mode="json")), encoding="utf-8")
        r = cli("ficha", str(entrada), "-o", str(tmp_path / "salida" / "practica.docx"), "--pdf")
        pdfs = list((tmp_path / "salida").glob("*.pdf"))
    else:
        from test_lote import fila_base, libro_fichas

        libro = libro_fichas(tmp_path, [fila_base(i) for i in range(2)])
        r = cli("lote", str(libro), "-o", str(tmp_path / "salida"), "--pdf")
        pdfs = list((tmp_path / "salida").rglob("*.pdf"))
    assert r.returncode == 0, r.stderr
    assert pdfs and "Traceback" not in r.stderr
    assert "no es privada del usuario" in r.stderr and str(tmp_path) not in r.stderr
    _no_se_uso_lo_plantado(plantado, perfil)


def test_perfil_propio_se_reutiliza_sin_aviso(xdg: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """El perfil que deja LibreOffice pasa la revisión: la segunda vez se usa el mismo, sin rehacerlo."""
    exigir_libreoffice()
    with caplog.at_level(logging.INFO):
        for nombre in ("a", "b"):
            with ad.ConvertidorPdf() as convertidor:
                convertidor.convertir(_docx(tmp_path), tmp_path / f"{nombre}.pdf")
    assert not [r for r in caplog.records if r.name == "acuerdo_docs.cache"]
    perfil = next((xdg / "acuerdo_docs").glob("libreoffice-*/perfil0"))
    assert carpeta_privada.motivo_arbol(perfil) is None and (perfil / "listo").is_file()


def test_candado_enlazado_no_se_sigue(xdg: Path, tmp_path: Path) -> None:
    soffice = buscar_soffice()
    carpeta = xdg / "acuerdo_docs" / f"libreoffice-{version_libreoffice(soffice) or 'x'}"
    carpeta.mkdir(parents=True, mode=0o700)
    os.chmod(carpeta.parent, 0o700)
    victima = tmp_path / "victima"
    (carpeta / "perfil0.candado").symlink_to(victima)
    perfil = cache_perfiles.tomar_perfil_cache(soffice)
    assert perfil is not None and perfil.ruta.name == "perfil1"
    perfil.soltar()
    assert not victima.exists()



