"""Apoyo de las pruebas de la app web: el extra [web] es obligatorio en CI (nunca se omite en silencio)."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

TOKEN = "token-de-prueba"


def exigir_extra_web() -> None:
    try:
        import alembic  # noqa: F401
        import sqlalchemy  # noqa: F401
        import starlette  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail('falta el extra web y CI está definido: .ci/run instala «acuerdo-docs[web]»')
        pytest.skip('falta el extra web: pip install "acuerdo-docs[web]"')


def cliente(datos: Path, con_token: bool = True, bd: str | None = None, **kwargs: Any) -> Any:
    """Un TestClient de Starlette contra una app nueva en ``datos`` (y ``bd``, si se da; cookie del token puesta)."""
    exigir_extra_web()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from acuerdo_docs.web.app import crear_app

    c = TestClient(crear_app(datos, bd, TOKEN, **kwargs), base_url="http://127.0.0.1:8765")
    if con_token:
        c.cookies.set("acuerdo_docs_sesion", TOKEN)
    return c


def csrf(cliente: Any) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', cliente.get("/nueva/ficha").text).group(1)


def nuevo(cliente: Any, tipo: str) -> str:
    """Crea un borrador vacío; devuelve su dirección (/borradores/N)."""
    r = cliente.post(f"/nuevo/{tipo}", data={"_csrf": csrf(cliente)}, follow_redirects=False)
    assert r.status_code == 303
    return r.headers["location"]


CLAVE = "una-clave-larga-de-prueba"


def cliente_cuentas(datos: Path, bd: str | None = None, base_url: str = "http://127.0.0.1:8765") -> Any:
    """Un TestClient contra una app con cuentas (sin token: se entra con usuario y contraseña)."""
    exigir_extra_web()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
    from acuerdo_docs.web.app import crear_app

    return TestClient(crear_app(datos, bd, cuentas=True, hosts=None), base_url=base_url)


def cuentas_de(cliente: Any) -> Any:
    """El registro de cuentas (web.cuentas.Cuentas) de la app del cliente."""
    return cliente.app.acuerdo.cuentas


def csrf_de(texto: str) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', texto).group(1)


def entrar(cliente: Any, nombre: str, clave: str = CLAVE) -> Any:
    """Entra con usuario y contraseña (como el formulario); devuelve la respuesta del envío."""
    token = csrf_de(cliente.get("/entrar").text)
    return cliente.post("/entrar", data={"_csrf": token, "usuario": nombre, "contrasena": clave},
                        follow_redirects=False)


CHROMIUM = os.environ.get("ACUERDO_DOCS_CHROMIUM", "/usr/lib/chromium/chromium")
"""El Chromium de Debian (apt), nunca el de «playwright install»."""


def exigir_navegador() -> None:
    """Playwright, axe y Chromium; en CI su ausencia es un fallo (nunca se omite en silencio)."""
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("faltan playwright o axe-playwright-python y CI está definido: .ci/run los instala")
        pytest.skip("faltan playwright o axe-playwright-python (fuera de CI)")
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"no está {CHROMIUM} y CI está definido: .ci/run instala chromium con apt")
        pytest.skip("Chromium de Debian no está instalado (fuera de CI)")


@contextmanager
def servir(app: Any, configuracion: Any = None) -> Iterator[str]:
    """``app`` servida por uvicorn de verdad en un hilo, en 127.0.0.1 y un puerto libre; da su dirección.

    ``configuracion``: un ``uvicorn.Config`` propio (por omisión, sin registro de accesos).
    """
    import uvicorn

    enchufe = socket.socket()
    enchufe.bind(("127.0.0.1", 0))
    puerto = enchufe.getsockname()[1]
    servidor = uvicorn.Server(configuracion or uvicorn.Config(app, log_level="warning", access_log=False))
    hilo = threading.Thread(target=servidor.run, kwargs={"sockets": [enchufe]}, daemon=True)
    hilo.start()
    limite = time.monotonic() + 20
    while not servidor.started:
        assert time.monotonic() < limite, "uvicorn no arrancó"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{puerto}"
    finally:
        servidor.should_exit = True
        hilo.join(10)
