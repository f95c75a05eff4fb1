"""Utilidades compartidas por las pruebas.

LibreOffice es el cliente real de los documentos: las pruebas marcadas
``libreoffice`` lo usan. Fuera de CI se omiten si no está instalado; con la
variable CI definida, su ausencia es un fallo (nunca se omiten en silencio).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
# La transcripción de la ficha semilla vive en el repositorio: las pruebas no leen nada fuera de él.
SEMILLA = RAIZ / "tests" / "datos"


def ruta_soffice() -> str | None:
    return os.environ.get("ACUERDO_DOCS_SOFFICE_PRUEBAS") or shutil.which("soffice") or shutil.which("libreoffice")


def exigir_libreoffice() -> str:
    """Devuelve la ruta de soffice; falla en CI si no está, y omite fuera de CI."""
    ruta = ruta_soffice()
    if ruta is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) no está instalado y CI está definido: .ci/run debe instalarlo")
        pytest.skip("LibreOffice no está instalado (fuera de CI)")
    return ruta


# Un perfil por copia del repositorio: dos copias que prueban a la vez no comparten el bloqueo de LibreOffice.
_COPIA = hashlib.sha1(str(RAIZ).encode()).hexdigest()[:8]
_PERFIL = Path(tempfile.gettempdir()) / f"acuerdo_docs_pruebas_lo_{os.getuid()}_{_COPIA}"


def convertir_con_libreoffice(archivos: Iterable[Path], formato: str, carpeta: Path, timeout: float = 240) -> None:
    """Convierte con un solo arranque de LibreOffice (perfil propio de las pruebas)."""
    soffice = exigir_libreoffice()
    lista = [str(a) for a in archivos]
    carpeta.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
         f"-env:UserInstallation=file://{_PERFIL}", "--convert-to", formato, "--outdir", str(carpeta), *lista],
        check=True, capture_output=True, timeout=timeout,
    )


def texto_pdf(pdf: Path) -> list[str]:
    """El texto de cada página del PDF (pypdf)."""
    from pypdf import PdfReader

    return [pagina.extract_text() or "" for pagina in PdfReader(str(pdf)).pages]


@pytest.fixture(scope="session")
def libreoffice() -> str:
    return exigir_libreoffice()


def esperar(condicion: Callable[[], object], segundos: float) -> bool:
    """Espera hasta ``segundos`` a que ``condicion()`` sea verdadera (procesos que arrancan o mueren)."""
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        if condicion():
            return True
        time.sleep(0.05)
    return bool(condicion())


def cli(*args: str, entrada: str | None = None) -> subprocess.CompletedProcess[str]:
    """Ejecuta ``acuerdo-docs`` en un proceso aparte, como lo haría un usuario."""
    return subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", *args], capture_output=True, text=True,
                          input=entrada, timeout=120)


def validar_contra_esquema(datos: object, tipo: str) -> None:
    """Valida ``datos`` con el JSON Schema publicado de ``tipo`` (Draft 2020-12, formatos comprobados)."""
    import jsonschema

    from acuerdo_docs.esquemas.publicado import esquema_publicado

    validador = jsonschema.Draft202012Validator(
        esquema_publicado(tipo), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validador.validate(datos)


@pytest.fixture(scope="session")
def _cache_pruebas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache_xdg")


@pytest.fixture(autouse=True)
def _cache_xdg(_cache_pruebas: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Los perfiles de LibreOffice en caché (salida/pdf/cache.py) van a un temporal, nunca a ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_cache_pruebas))


@pytest.fixture(scope="session")
def cluster_postgres() -> Iterable[object]:
    """Un PostgreSQL desechable para toda la sesión (tests/apoyo_postgres.py); en CI nunca se omite."""
    from apoyo_postgres import ClusterPostgres, exigir_postgres

    cluster = ClusterPostgres(exigir_postgres())
    try:
        cluster.iniciar()
        yield cluster
    finally:
        cluster.detener()


BASES = ["sqlite", "postgresql"]


def _url_bd(request: pytest.FixtureRequest) -> str | None:
    if request.param == "sqlite":
        return None  # la app usa la SQLite de su carpeta de datos (lo de siempre)
    return request.getfixturevalue("cluster_postgres").base_nueva()  # type: ignore[no-any-return]


@pytest.fixture(params=BASES)
def url_bd(request: pytest.FixtureRequest) -> str | None:
    """La base de una prueba web: None (SQLite en su carpeta) o una base PostgreSQL vacía."""
    return _url_bd(request)


@pytest.fixture(params=BASES, scope="module")
def url_bd_modulo(request: pytest.FixtureRequest) -> str | None:
    return _url_bd(request)


@pytest.fixture(scope="session")
def navegador() -> Iterable[object]:
    """Un solo Chromium (Playwright síncrono) para toda la sesión y todos los módulos: dos a la vez no pueden
    convivir («Sync API inside the asyncio loop»), así que ningún módulo abre el suyo."""
    from apoyo_web import CHROMIUM, exigir_navegador

    exigir_navegador()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()
