"""Las cuentas en un navegador real (el Chromium de Debian con Playwright): entrar, ver solo lo del equipo, salir.

Cada página pasa por axe (cero violaciones). La captura de la página de entrada va a docs/img/web/ con
ACUERDO_DOCS_CAPTURAS=1 (si no, a una carpeta temporal). En CI, sin Chromium la prueba falla.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from apoyo_web import CLAVE, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.web.app import crear_app  # noqa: E402
from test_web_navegador import Revisor, _servir  # noqa: E402

EQUIPO_A, EQUIPO_B = "Acuerdo del laboratorio iBO", "Acuerdo reservado de otra oficina"


def _acuerdo(nombre: str) -> dict[str, Any]:
    datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    datos["desafio"]["nombre"] = nombre
    return json.loads(json.dumps(datos))


@pytest.fixture(scope="module")
def oficina(tmp_path_factory: pytest.TempPathFactory, url_bd_modulo: str | None) -> Iterator[dict[str, Any]]:
    app = crear_app(tmp_path_factory.mktemp("oficina"), url_bd_modulo, cuentas=True, hosts=None)
    cuentas, almacen = app.acuerdo.cuentas, app.acuerdo.almacen
    cuentas.crear_equipo("Laboratorio iBO")
    cuentas.crear_equipo("Otra oficina")
    cuentas.crear_usuario("ana.perez", "editor", CLAVE, ("Laboratorio iBO",))
    cuentas.crear_usuario("admin", "administrador", CLAVE)
    ids = {nombre: almacen.crear("acuerdo", _acuerdo(nombre), nombre, 0, equipo_id=cuentas.id_equipo(equipo))
           for nombre, equipo in ((EQUIPO_A, "Laboratorio iBO"), (EQUIPO_B, "Otra oficina"))}
    with _servir(app) as direccion:
        yield {"servidor": direccion, "ids": ids, "capturas": url_bd_modulo is None}


def _entrar(page: Any, usuario: str) -> None:
    page.get_by_label("Usuario").fill(usuario)
    page.get_by_label("Contraseña").fill(CLAVE)
    page.get_by_role("button", name="Entrar").click()


def test_entrar_y_ver_solo_lo_de_su_equipo(navegador: Any, oficina: dict[str, Any]) -> None:
    servidor = oficina["servidor"]
    revisor = Revisor(navegador, servidor, capturas=oficina["capturas"])
    contexto = navegador.new_context(locale="es-CO", viewport={"width": 1100, "height": 900})
    page = contexto.new_page()
    page.set_default_timeout(15000)
    try:
        page.goto(f"{servidor}/borradores/{oficina['ids'][EQUIPO_A]}/revisar")
        assert "/entrar" in page.url  # sin sesión, a la entrada (recordando adónde iba)
        page.get_by_role("heading", level=1, name="Entrar").wait_for()
        revisor.revisar(page, "entrar", captura=True)  # docs/img/web/entrar.png

        page.get_by_label("Usuario").fill("ana.perez")
        page.get_by_label("Contraseña").fill("no-es-la-clave")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Usuario o contraseña incorrectos").wait_for()
        revisor.revisar(page, "entrar_error")
        page.get_by_label("Contraseña").fill(CLAVE)
        page.get_by_role("button", name="Entrar").click()
        page.get_by_role("heading", level=1, name="Revise antes de generar").wait_for()  # vuelve adonde iba
        assert f"/borradores/{oficina['ids'][EQUIPO_A]}/revisar" in page.url

        page.get_by_role("link", name="acuerdo-docs").click()
        page.get_by_role("heading", level=1, name="Borradores").wait_for()
        revisor.revisar(page, "inicio_con_cuentas")
        cuerpo = page.locator("main").inner_text()
        assert EQUIPO_A in cuerpo and EQUIPO_B not in cuerpo
        assert "Laboratorio iBO" in cuerpo  # la columna del equipo
        assert page.get_by_role("navigation", name="Su cuenta").inner_text().startswith("ana.perez (editor)")
        assert page.get_by_role("link", name="Cuentas y equipos").count() == 0

        # Cambiar el número en la dirección no enseña el borrador de otro equipo
        respuesta = page.goto(f"{servidor}/borradores/{oficina['ids'][EQUIPO_B]}")
        assert respuesta is not None and respuesta.status == 404
        assert EQUIPO_B not in page.locator("body").inner_text()

        page.goto(f"{servidor}/")
        page.get_by_role("button", name="Salir").click()
        page.get_by_role("heading", level=1, name="Entrar").wait_for()
        page.goto(f"{servidor}/")
        assert "/entrar" in page.url  # la sesión terminó en el servidor

        _entrar(page, "admin")
        page.get_by_role("heading", level=1, name="Borradores").wait_for()
        cuerpo = page.locator("main").inner_text()
        assert EQUIPO_A in cuerpo and EQUIPO_B in cuerpo  # el administrador ve todo
        page.get_by_role("link", name="Cuentas y equipos").click()
        page.get_by_role("heading", level=1, name="Cuentas y equipos").wait_for()
        revisor.revisar(page, "admin", captura=True)
        page.get_by_label("Nombre del equipo").fill("Equipo nuevo")
        page.get_by_role("button", name="Crear el equipo").click()
        page.get_by_text("Se creó el equipo.").wait_for()
        assert "Equipo nuevo" in page.locator("main").inner_text()
    finally:
        if revisor.copia is not None:
            revisor.copia.context.close()
        contexto.close()
    assert not revisor.violaciones, f"axe encontró violaciones: {revisor.violaciones}"
