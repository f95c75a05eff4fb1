"""La app web en un navegador real: el Chromium de Debian manejado por Playwright, con y sin JavaScript.

Un solo navegador para toda la sesión; el servidor (uvicorn) en un hilo, en 127.0.0.1 y un puerto libre, sobre
SQLite y sobre PostgreSQL (el clúster desechable de tests/apoyo_postgres.py: en CI nunca se omite).
Cada página que se visita pasa por axe (cero violaciones) y las capturas van a docs/img/web/.
En CI, sin Chromium la prueba falla (nunca se omite en silencio).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from apoyo_web import CLAVE as CLAVE_CUENTAS
from apoyo_web import TOKEN, exigir_extra_web
from apoyo_web import servir as _servir

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.web import formulario  # noqa: E402
from acuerdo_docs.web.app import crear_app  # noqa: E402

SIN_JS: set[int] = set()
"""Las páginas abiertas con el JavaScript apagado (axe no corre en ellas)."""
DOCS_CAPTURAS = Path(__file__).resolve().parents[1] / "docs" / "img" / "web"
# Las capturas de docs/web.md se rehacen con ACUERDO_DOCS_CAPTURAS=1; si no, van a una carpeta temporal
# (una corrida de pruebas no debe cambiar archivos del repositorio).
CAPTURAS = DOCS_CAPTURAS if os.environ.get("ACUERDO_DOCS_CAPTURAS") else Path(tempfile.gettempdir()) / "capturas_web"


@pytest.fixture(scope="module")
def servidor(tmp_path_factory: pytest.TempPathFactory, url_bd_modulo: str | None) -> Iterator[str]:
    """El servidor de las pruebas, sobre SQLite y sobre PostgreSQL (el clúster desechable; en CI, siempre)."""
    with _servir(crear_app(tmp_path_factory.mktemp("web"), url_bd_modulo, TOKEN)) as direccion:
        yield direccion


class Revisor:
    """axe en cada página visitada; las violaciones se juntan y la prueba las exige en cero al final.

    axe es JavaScript: una página vista sin JavaScript se copia (con su CSS) a una pestaña con JavaScript.
    """

    def __init__(self, navegador: Any, servidor: str, capturas: bool = True) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.navegador = navegador
        self.servidor = servidor
        self.capturas = capturas  # las de docs/ salen de la corrida en SQLite (la de PostgreSQL no las pisa)
        self.copia: Any = None
        self.violaciones: dict[str, list[str]] = {}

    def revisar(self, page: Any, nombre: str, captura: bool = False) -> None:
        objetivo = page
        if id(page) in SIN_JS:
            if self.copia is None:
                self.copia = self.navegador.new_context(viewport={"width": 1100, "height": 900}).new_page()
            html = page.content().replace("<head>", f'<head><base href="{self.servidor}/">', 1)
            self.copia.set_content(html, wait_until="load")
            objetivo = self.copia
        resultado = self.axe.run(objetivo)
        if resultado.violations_count:
            self.violaciones[nombre] = [
                f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in resultado.response["violations"]]
        if captura and self.capturas:
            CAPTURAS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(CAPTURAS / f"{nombre}.png"), full_page=True)


@pytest.fixture
def revisor(navegador: Any, servidor: str, url_bd_modulo: str | None) -> Iterator[Revisor]:
    r = Revisor(navegador, servidor, capturas=url_bd_modulo is None)
    yield r
    if r.copia is not None:
        r.copia.context.close()
    assert not r.violaciones, f"axe encontró violaciones: {r.violaciones}"


def _pagina(navegador: Any, servidor: str, js: bool) -> Any:
    contexto = navegador.new_context(java_script_enabled=js, accept_downloads=True, locale="es-CO",
                                     viewport={"width": 1100, "height": 900})
    page = contexto.new_page()
    page.set_default_timeout(15000)
    if not js:
        SIN_JS.add(id(page))
    else:
        _registrar(page)
    page.goto(f"{servidor}/?token={TOKEN}")
    assert "token" not in page.url, "el token no queda en la dirección"
    return page


def _autoguardado_al_dia(page: Any) -> None:
    """Con JavaScript: lo escrito ya salió en el autoguardado (al salir del campo) y no queda ningún pedido en vuelo.

    Así «Guardar» parte de lo último y esta prueba recorre siempre el mismo camino; los cruces entre el
    autoguardado y «Guardar» tienen sus pruebas propias (test_autoguardado_en_vuelo_y_guardar_no_chocan).
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(1000)  # el autoguardado sale 800 ms después del último cambio
    page.wait_for_function("!document.querySelector('.htmx-request')")


REGISTROS: dict[int, list[str]] = {}
"""Por página con JavaScript: los pedidos, respuestas y eventos de htmx, con su hora (para explicar un fallo)."""
_ESPIA_HTMX = """
for (const nombre of ["htmx:configRequest", "htmx:beforeSwap", "htmx:oobAfterSwap", "htmx:afterRequest",
                      "htmx:sendAbort", "htmx:responseError", "htmx:swapError"]) {
  document.addEventListener(nombre, (e) => {
    const d = e.detail || {};
    const elt = d.elt || e.target;
    const quien = elt ? (elt.tagName + (elt.id ? "#" + elt.id : "") + (elt.getAttribute && elt.getAttribute("hx-vals") ? "[autoguardado]" : "")) : "";
    const extra = nombre === "htmx:configRequest" ? JSON.stringify(Object.fromEntries(
        Object.entries(d.parameters || {}).filter(([k]) => k.startsWith("_") || k.startsWith("estab")).map(([k, v]) => [k, String(v).slice(0, 20)])))
      : (d.xhr ? "status=" + d.xhr.status : "");
    console.log("[htmx] " + performance.now().toFixed(0) + " " + nombre + " " + quien + " " + extra);
  });
}
"""


def _registrar(page: Any) -> None:
    """Anota la línea de tiempo de la página: pedidos, respuestas y eventos de htmx (consola)."""
    registro = REGISTROS.setdefault(id(page), [])
    inicio = time.monotonic()

    def anotar(texto: str) -> None:
        registro.append(f"{(time.monotonic() - inicio) * 1000:8.0f} ms {texto}")

    page.on("request", lambda r: anotar(f"→ {r.method} {r.url.split('?')[0][-60:]}"))
    page.on("response", lambda r: anotar(f"← {r.status} {r.url.split('?')[0][-60:]}"))
    page.on("console", lambda m: anotar(m.text[:300]) if m.text.startswith("[htmx]") else None)
    page.add_init_script(_ESPIA_HTMX)


def _esperar_tareas(page: Any) -> None:
    """Espera la lista de tareas; si no llega, dice en qué página quedó el navegador (y guarda la captura
    y la línea de tiempo de pedidos y eventos de htmx, en fallo_tareas.txt)."""
    try:
        page.get_by_role("heading", name="Lista de tareas").wait_for()
    except Exception as error:
        CAPTURAS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(CAPTURAS / "fallo_tareas.png"), full_page=True)
        texto = page.locator("body").inner_text()[:1500]
        linea = "\n".join(REGISTROS.get(id(page), [])[-80:])
        (CAPTURAS / "fallo_tareas.txt").write_text(f"{page.url}\n{texto}\n\n{linea}\n", encoding="utf-8")
        raise AssertionError(f"no llegó la lista de tareas; quedó en {page.url}:\n{texto}\n{linea}") from error


def _fecha(valor: str) -> str:
    a, m, d = valor.split("-")
    return f"{d}/{m}/{a}"


def _llenar_ficha(page: Any, datos: dict[str, Any], revisor: Revisor, js: bool) -> None:
    for sec in formulario.SECCIONES["ficha"]:
        page.get_by_role("link", name=sec.titulo).click()
        page.get_by_role("heading", level=1, name=sec.titulo).wait_for()
        for campo in formulario.campos_seccion("ficha", sec):
            valor = datos.get(campo.nombre)
            if campo.tipo == "lista":
                for i, item in enumerate(valor or []):
                    if i:
                        page.get_by_role("button", name=f"Añadir {campo.singular.lower()}").click()
                    page.locator(f"#c-{campo.nombre}-{i}").fill(item)
            elif campo.tipo in ("texto", "texto_largo", "fecha") and valor:
                texto = _fecha(valor) if campo.tipo == "fecha" else str(valor)
                page.get_by_label(campo.titulo, exact=False).first.fill(texto)
        revisor.revisar(page, "ficha_retos" if sec.clave == "s4" else f"ficha_{sec.clave}",
                        captura=sec.clave == "s4" and not js)  # axe en cada sección
        if js:
            _autoguardado_al_dia(page)
        page.get_by_role("button", name="Guardar").click()
        _esperar_tareas(page)


@pytest.mark.parametrize("js", [False, True], ids=["sin_js", "con_js"])
def test_ficha_de_principio_a_fin(navegador: Any, servidor: str, revisor: Revisor, js: bool) -> None:
    page = _pagina(navegador, servidor, js)
    revisor.revisar(page, "inicio_vacio" if not js else "inicio_js")
    page.get_by_role("link", name="Nueva ficha").click()
    revisor.revisar(page, "nueva_ficha")
    page.get_by_role("button", name="Crear el borrador").click()
    page.get_by_role("heading", name="Lista de tareas").wait_for()
    revisor.revisar(page, "tareas_ficha", captura=not js)
    modelo = ad.ejemplo_ficha()
    datos = modelo.model_dump(mode="json", exclude_none=True)
    _llenar_ficha(page, datos, revisor, js)
    revisor.revisar(page, "tareas_ficha_completa", captura=not js)
    assert page.get_by_text("Todos los datos están completos").is_visible()
    page.get_by_role("link", name="Revise antes de generar").click()
    page.get_by_role("heading", level=1, name="Revise antes de generar").wait_for()
    revisor.revisar(page, "revisar_ficha", captura=not js)
    with page.expect_download() as descarga:
        page.get_by_role("link", name="Word").first.click()
    word = Path(descarga.value.path()).read_bytes()
    assert word == ad.renderizar_ficha(modelo), "los mismos bytes que da la biblioteca"
    page.context.close()


def test_errores_en_un_grupo_con_foco_y_enlaces(navegador: Any, servidor: str, revisor: Revisor) -> None:
    page = _pagina(navegador, servidor, js=True)
    page.get_by_role("link", name="Nuevo acuerdo").click()
    page.get_by_role("button", name="Crear el borrador").click()
    page.get_by_role("link", name="Actores y compromisos").click()
    page.get_by_role("group", name="Actor 2").wait_for()  # el mínimo de actores del modelo, ya a la vista
    page.get_by_role("group", name="Actor 1").get_by_label("Id del actor").fill("sdm")
    page.get_by_role("button", name="Añadir actor").click()
    page.wait_for_function("document.activeElement && document.activeElement.id == 'c-actores-2-id'")
    assert page.get_by_role("group", name="Actor 3").is_visible()
    page.get_by_role("button", name="Quitar actor 3").click()
    page.wait_for_function("document.activeElement && document.activeElement.id == 'anadir-c-actores'")
    page.get_by_role("button", name="Guardar").click()
    alerta = page.get_by_role("alert")
    alerta.wait_for()
    assert page.title().startswith("Error:")
    page.wait_for_function("document.activeElement && document.activeElement.id == 'resumen-errores'")
    assert "Entidad u organización" in alerta.inner_text()
    revisor.revisar(page, "errores_actores", captura=True)
    alerta.get_by_role("link", name="Actor 1: Escriba «Entidad u organización»").click()
    assert page.evaluate("document.activeElement.id") == "c-actores-0-entidad"
    page.context.close()


def _importar_acuerdo(navegador: Any, servidor: str, modelo: Any, tmp_path: Path) -> Any:
    """Una pestaña con JavaScript que importa ``modelo`` como JSON desde el inicio; queda en su lista de tareas."""
    archivo = tmp_path / "acuerdo.json"
    archivo.write_text(json.dumps(modelo.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    page = _pagina(navegador, servidor, js=True)
    page.get_by_label("Archivo JSON de una ficha o un acuerdo").set_input_files(str(archivo))
    page.get_by_role("button", name="Importar JSON").click()
    page.get_by_role("heading", name="Lista de tareas").wait_for()
    return page


def test_acuerdo_importado_y_reunion_en_dos_vistas(navegador: Any, servidor: str, revisor: Revisor,
                                                   tmp_path: Path) -> None:
    modelo = ad.ejemplo_acuerdo()
    page = _importar_acuerdo(navegador, servidor, modelo, tmp_path)
    revisor.revisar(page, "tareas_acuerdo", captura=True)
    direccion = page.url.split("?")[0]
    page.get_by_role("link", name="Riesgos").click()
    page.get_by_role("heading", level=1, name="Riesgos").wait_for()
    revisor.revisar(page, "riesgos_acuerdo", captura=True)
    page.goto(f"{direccion}/revisar")
    revisor.revisar(page, "revisar_acuerdo")
    with page.expect_download() as descarga:
        page.get_by_role("link", name="Matriz de riesgos").click()
    libro = io.BytesIO()
    ad.generar_matriz_riesgos(modelo, libro)
    assert Path(descarga.value.path()).read_bytes() == libro.getvalue()

    # Reunión de inicio: el proyector (sin tocar) y el facilitador, cada uno en su ventana.
    proyector = _pagina(navegador, servidor, js=True)
    proyector.goto(f"{direccion}/reunion")
    page.goto(f"{direccion}/reunion")
    total = len(modelo.actores)
    antes = sum(a.validado for a in modelo.actores)
    contador = proyector.locator("#contador")
    assert contador.inner_text() == f"{antes} de {total} actores validaron"
    assert contador.get_attribute("aria-live") == "polite"
    revisor.revisar(proyector, "reunion", captura=True)
    pendiente = next(a for a in modelo.actores if not a.validado)
    page.get_by_role("button", name=f"Marcar que {pendiente.entidad} validó").click()
    page.get_by_role("button", name=f"Quitar la validación de {pendiente.entidad}").wait_for()
    inicio = time.monotonic()
    proyector.wait_for_function(
        f"document.getElementById('contador').textContent.trim() == '{antes + 1} de {total} actores validaron'",
        timeout=2500,
    )
    assert time.monotonic() - inicio < 2.5
    assert proyector.get_by_text("Quitar la validación de " + pendiente.entidad).is_visible()
    page.context.close()
    proyector.context.close()


def _tab_hasta(page: Any, texto: str, maximo: int = 40) -> int:
    """Pulsa Tab hasta que el foco llega al control cuyo texto empieza por ``texto``; devuelve cuántas veces."""
    for veces in range(1, maximo + 1):
        page.keyboard.press("Tab")
        actual = page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()")
        if actual.startswith(texto):
            estilo = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                                   " return [s.outlineStyle, s.boxShadow, s.backgroundColor]; })()")
            assert estilo[0] != "none" or estilo[1] != "none", f"foco sin indicador visible en «{texto}»"
            return veces
    raise AssertionError(f"con Tab no se llega a «{texto}»")


def test_solo_teclado_y_zoom_200(navegador: Any, servidor: str, revisor: Revisor) -> None:
    page = _pagina(navegador, servidor, js=True)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Saltar al contenido"
    _tab_hasta(page, "Nueva ficha")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1).wait_for()
    _tab_hasta(page, "Crear el borrador")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Lista de tareas").wait_for()
    _tab_hasta(page, "1. Información general")
    page.keyboard.press("Enter")
    page.get_by_role("heading", level=1, name="1. Información general").wait_for()
    for _ in range(10):  # hasta el primer campo del formulario
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "c-nombre":
            break
    assert page.evaluate("document.activeElement.id") == "c-nombre"
    page.keyboard.type("Práctica escrita con el teclado")
    page.keyboard.press("Tab")
    _tab_hasta(page, "Guardar")
    page.keyboard.press("Enter")
    page.get_by_role("alert").wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id == 'resumen-errores'")
    page.keyboard.press("Tab")  # el primer enlace del resumen
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") in ("INPUT", "TEXTAREA", "SELECT")
    # 200 % de zoom: la misma página en la mitad de ancho, sin barra horizontal.
    page.set_viewport_size({"width": 550, "height": 900})
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    revisor.revisar(page, "zoom_200_errores", captura=True)
    page.goto(f"{servidor}/")
    assert page.get_by_role("link", name="Práctica escrita con el teclado", exact=True).is_visible(), "guardada aunque inválida"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    revisor.revisar(page, "zoom_200_inicio", captura=True)
    page.context.close()


def test_autoguardado_al_cambiar_un_campo(navegador: Any, servidor: str, revisor: Revisor) -> None:
    page = _pagina(navegador, servidor, js=True)
    page.get_by_role("link", name="Nueva ficha").click()
    page.get_by_role("button", name="Crear el borrador").click()
    page.get_by_role("link", name="1. Información general").click()
    page.get_by_label("Nombre de la buena práctica de gestión pública").fill("Guardada sola")
    page.get_by_label("Correo institucional de contacto").fill("sin arroba")
    page.keyboard.press("Tab")
    estado = page.get_by_role("status")
    estado.get_by_text("Guardado automáticamente").wait_for()
    assert "Correo institucional de contacto" in estado.inner_text()
    assert "Escriba «" not in estado.inner_text()
    revisor.revisar(page, "autoguardado")
    page.goto(f"{servidor}/")
    assert page.get_by_role("link", name="Guardada sola", exact=True).is_visible()
    page.context.close()


def test_el_foco_no_salta_despues_de_mostrar_la_pagina(navegador: Any, servidor: str) -> None:
    """Tras «Añadir» la página nueva pone el foco en la fila nueva, y nunca después: lo que la persona escribe
    enseguida en otro campo va a ese campo.

    htmx pone el foco de ``autofocus`` al «asentar» la página, por omisión 20 ms después de mostrarla (o más,
    con el equipo ocupado): si la persona ya estaba en otro campo, el foco saltaba y lo que escribía caía en la
    fila nueva, y el otro campo se guardaba vacío (así falló la ficha de punta a punta en CI, 2 de 3 veces).
    Aquí la persona pasa a «Estabilidad» justo después de que la página se muestra y escribe medio segundo después.
    """
    page = _pagina(navegador, servidor, js=True)
    page.get_by_role("link", name="Nueva ficha").click()
    page.get_by_role("button", name="Crear el borrador").click()
    page.get_by_role("link", name="4. Sostenibilidad de la buena práctica").click()
    page.locator("#c-retos-0").fill("Primer reto")
    page.evaluate("""() => document.body.addEventListener("htmx:afterRequest", () => setTimeout(() => {
        document.getElementById("c-estabilidad").focus(); window.enOtroCampo = true; }, 0), {once: true})""")
    page.get_by_role("button", name="Añadir reto").click()
    page.locator("#c-retos-1").wait_for()
    page.wait_for_function("window.enOtroCampo === true")
    page.wait_for_timeout(500)
    page.keyboard.type("Escrito en Estabilidad")
    assert page.evaluate("document.activeElement.id") == "c-estabilidad"
    assert page.locator("#c-estabilidad").input_value() == "Escrito en Estabilidad"
    assert page.locator("#c-retos-1").input_value() == ""
    page.context.close()


# ------------------------------------------------------------------ dos personas: historial y choques


def _con_personas(app: Any) -> Any:
    """Quién es cada navegador: la cabecera X-Prueba-Persona llena ``request.state.usuario``, como las cuentas."""
    from types import SimpleNamespace

    async def envoltura(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            nombre = dict(scope["headers"]).get(b"x-prueba-persona")
            if nombre:
                scope.setdefault("state", {})["usuario"] = SimpleNamespace(nombre=nombre.decode(), rol="editor")
        await app(scope, receive, send)

    return envoltura


@pytest.fixture(scope="module")
def servidor_personas(tmp_path_factory: pytest.TempPathFactory, url_bd_modulo: str | None) -> Iterator[str]:
    app = crear_app(tmp_path_factory.mktemp("web_personas"), url_bd_modulo, TOKEN)
    with _servir(_con_personas(app)) as direccion:
        yield direccion


def _persona(navegador: Any, servidor: str, nombre: str, js: bool = True) -> Any:
    contexto = navegador.new_context(java_script_enabled=js, locale="es-CO", viewport={"width": 1100, "height": 900},
                                     extra_http_headers={"X-Prueba-Persona": nombre})
    page = contexto.new_page()
    page.set_default_timeout(15000)
    if not js:
        SIN_JS.add(id(page))
    else:
        _registrar(page)
    page.goto(f"{servidor}/?token={TOKEN}")
    return page


def _ficha_importada(page: Any, tmp_path: Path) -> str:
    archivo = tmp_path / "ficha.json"
    archivo.write_text(json.dumps(ad.ejemplo_ficha().model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    page.get_by_label("Archivo JSON de una ficha o un acuerdo").set_input_files(str(archivo))
    page.get_by_role("button", name="Importar JSON").click()
    _esperar_tareas(page)
    return str(page.url.split("?")[0])


@pytest.mark.parametrize("js", [False, True], ids=["sin_js", "con_js"])
def test_dos_personas_historial_y_guardado_viejo_rechazado(navegador: Any, servidor_personas: str,
                                                           revisor: Revisor, js: bool, tmp_path: Path) -> None:
    ana = _persona(navegador, servidor_personas, "ana")
    direccion = _ficha_importada(ana, tmp_path)
    beto = _persona(navegador, servidor_personas, "beto", js=js)
    beto.goto(f"{direccion}/seccion/s1")  # Beto abre la sección antes de que Ana guarde
    nombre = "Nombre de la buena práctica de gestión pública"
    beto.get_by_label(nombre).wait_for()

    ana.goto(f"{direccion}/seccion/s1")
    ana.get_by_label(nombre).fill("Cambio de Ana")
    ana.get_by_role("button", name="Guardar", exact=True).click()
    _esperar_tareas(ana)

    # Beto ve en el historial lo que guardó Ana (otra pestaña suya).
    historial = beto.context.new_page()
    if not js:
        SIN_JS.add(id(historial))
    historial.goto(f"{direccion}/historial")
    primera = historial.locator("ol.historial > li").first
    assert "Revisión 2 (la actual)" in primera.inner_text()
    assert "ana · Guardó «1. Información general»" in primera.inner_text()
    assert "«Cambio de Ana»" in primera.inner_text()
    revisor.revisar(historial, "historial", captura=js)
    historial.close()

    # En su pestaña vieja, Beto escribe y guarda: se rechaza, ve lo de Ana y conserva lo suyo.
    beto.get_by_label(nombre).fill("Cambio de Beto")
    if js:  # su autoguardado tampoco pisa a Ana
        beto.keyboard.press("Tab")
        beto.get_by_role("status").get_by_text("No se guardó automáticamente").wait_for()
        assert "ana guardó 1 cambio" in beto.get_by_role("status").inner_text()
    beto.get_by_role("button", name="Guardar", exact=True).click()
    alerta = beto.get_by_role("alert")
    alerta.wait_for()
    assert "No se guardó: ana guardó esta sección mientras usted la editaba" in alerta.inner_text()
    fila = alerta.get_by_role("row", name="1. Información general › Nombre de la buena práctica")
    assert "«Cambio de Ana»" in fila.inner_text() and "«Cambio de Beto»" in fila.inner_text()
    assert beto.get_by_label(nombre).input_value() == "Cambio de Beto", "lo escrito sigue en el formulario"
    assert beto.title().startswith("Error:")
    if js:
        beto.wait_for_function("document.activeElement && document.activeElement.id == 'choque'")
    revisor.revisar(beto, "choque", captura=js)

    # Beto guarda encima a sabiendas; Ana lo ve en el historial.
    beto.get_by_role("button", name="Guardar lo mío encima").click()
    _esperar_tareas(beto)
    ana.goto(f"{direccion}/historial")
    primera = ana.locator("ol.historial > li").first
    assert "beto · Guardó «1. Información general»" in primera.inner_text()
    assert "«Cambio de Ana» → «Cambio de Beto»" in primera.inner_text()
    ana.get_by_label("Comparar la revisión").select_option("1")
    ana.get_by_role("button", name="Comparar").click()
    ana.get_by_role("heading", level=1, name="Revisión 1 frente a revisión 3").wait_for()
    fila = ana.get_by_role("row", name="1. Información general › Nombre de la buena práctica")
    assert f"«{ad.ejemplo_ficha().nombre}»" in fila.inner_text() and "«Cambio de Beto»" in fila.inner_text()
    revisor.revisar(ana, "comparar", captura=js)
    ana.context.close()
    beto.context.close()


def test_autoguardado_en_vuelo_y_guardar_no_chocan(navegador: Any, servidor_personas: str, tmp_path: Path) -> None:
    """El «Guardar» que llega mientras el autoguardado del mismo formulario va en camino espera a que vuelva y
    parte de la revisión que él dejó: nunca un choque consigo mismo (antes, 1 de 3 veces en CI)."""
    page = _persona(navegador, servidor_personas, "ana")
    direccion = _ficha_importada(page, tmp_path)
    retenidos: list[Any] = []
    enviados: list[str] = []

    def retener(route: Any) -> None:
        cuerpo = route.request.post_data or ""
        enviados.append("autoguardar" if "_accion=autoguardar" in cuerpo else "guardar")
        if "_accion=autoguardar" in cuerpo and not retenidos:
            retenidos.append(route)  # el autoguardado queda en vuelo hasta que la prueba lo suelte
        else:
            route.continue_()

    page.goto(f"{direccion}/seccion/s1")
    page.route("**/seccion/s1", retener)
    page.get_by_label("Nombre de la buena práctica de gestión pública").fill("Primero")
    page.keyboard.press("Tab")
    limite = time.monotonic() + 10
    while not retenidos:
        assert time.monotonic() < limite, "no salió el autoguardado"
        page.wait_for_timeout(50)
    page.locator("#c-dependencia").fill("Escrita con el autoguardado en vuelo")
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.wait_for_timeout(400)
    assert enviados == ["autoguardar"], "«Guardar» espera al autoguardado en vuelo"
    retenidos[0].continue_()
    _esperar_tareas(page)
    assert enviados == ["autoguardar", "guardar"]
    page.goto(f"{direccion}/historial")
    texto = page.locator("ol.historial").inner_text()
    assert "Revisión 3 (la actual)" in texto and "Guardó «1. Información general»" in texto
    assert "Guardado automático de «1. Información general»" in texto
    assert "«Escrita con el autoguardado en vuelo»" in texto and "Error" not in page.title()
    page.context.close()


# ------------------------------------------------------------------ enlaces de validación de los actores


def test_el_actor_valida_con_su_enlace_y_la_reunion_lo_cuenta(navegador: Any, servidor: str, revisor: Revisor,
                                                              tmp_path: Path) -> None:
    """El facilitador crea el enlace; el actor lo abre en otro contexto (sin la cookie de la app), valida,
    y la reunión de inicio lo cuenta. Captura de la página del actor: docs/img/web/actor.png."""
    modelo = ad.ejemplo_acuerdo()
    pendiente = next(a for a in modelo.actores if not a.validado)
    otro = next(a for a in modelo.actores if a.id != pendiente.id)
    page = _importar_acuerdo(navegador, servidor, modelo, tmp_path)
    direccion = page.url.split("?")[0]

    # El facilitador crea el enlace del actor pendiente.
    page.get_by_role("link", name="Enlaces para que cada actor valide su parte").click()
    page.get_by_role("heading", level=1, name="Enlaces de validación para los actores").wait_for()
    page.get_by_label("Actor", exact=True).select_option(pendiente.id)
    page.get_by_role("button", name="Crear enlace").click()
    page.get_by_role("status").filter(has_text="Se creó el enlace").wait_for()
    enlace = page.get_by_label(f"Enlace de {pendiente.entidad}").input_value()
    assert "/actor/" in enlace and "token" not in enlace
    revisor.revisar(page, "enlaces", captura=True)

    # La vista de la reunión queda abierta (proyector) mientras el actor responde.
    page.goto(f"{direccion}/reunion")
    total, antes = len(modelo.actores), sum(a.validado for a in modelo.actores)
    assert page.locator("#contador").inner_text() == f"{antes} de {total} actores validaron"

    # El actor, en otro contexto (sin la cookie de la app), abre su enlace.
    contexto = navegador.new_context(locale="es-CO", viewport={"width": 1100, "height": 900})
    actor = contexto.new_page()
    actor.set_default_timeout(15000)
    respuesta = actor.goto(enlace)
    assert respuesta is not None and respuesta.status == 200
    actor.get_by_role("heading", level=1, name=f"{pendiente.entidad}: su participación").wait_for()
    texto = actor.locator("main").inner_text()
    assert "Esto no es una firma electrónica" in texto and pendiente.rol in texto
    assert otro.entidad not in texto and pendiente.representante not in texto
    revisor.revisar(actor, "actor_antes")
    actor.get_by_label("Comentario").fill("Contamos con dos personas del equipo de innovación.")
    actor.get_by_role("button", name="Valido mi participación").click()
    actor.get_by_role("status").filter(has_text="Su respuesta quedó registrada").wait_for()
    assert actor.get_by_role("button", name="Valido mi participación").count() == 0
    revisor.revisar(actor, "actor", captura=True)

    # La reunión de inicio abierta lo cuenta sola (pregunta cada segundo), sin recargar.
    page.wait_for_function(
        f"document.getElementById('contador').textContent.trim() == '{antes + 1} de {total} actores validaron'",
        timeout=5000)
    assert "Validó su participación por su enlace" in page.locator(f"#actor-{modelo.actores.index(pendiente)}").inner_text()
    # Y la lista de enlaces lo dice «Usado».
    page.goto(f"{direccion}/enlaces")
    assert page.locator(".estado-enlace").first.inner_text().startswith("Usado")
    contexto.close()
    page.context.close()


# ------------------------------------------------------------------ con cuentas (el servidor de una oficina)
# Aquí y no en otro módulo: un segundo Playwright síncrono en la misma sesión choca con el de este.

EQUIPO_A, EQUIPO_B = "Acuerdo del laboratorio iBO", "Acuerdo reservado de otra oficina"


def _acuerdo_de(nombre: str) -> dict[str, Any]:
    datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    datos["desafio"]["nombre"] = nombre
    return json.loads(json.dumps(datos))


@pytest.fixture(scope="module")
def oficina_cuentas(tmp_path_factory: pytest.TempPathFactory, url_bd_modulo: str | None) -> Iterator[dict[str, Any]]:
    app = crear_app(tmp_path_factory.mktemp("oficina"), url_bd_modulo, cuentas=True, hosts=None)
    cuentas, almacen = app.acuerdo.cuentas, app.acuerdo.almacen
    cuentas.crear_equipo("Laboratorio iBO")
    cuentas.crear_equipo("Otra oficina")
    cuentas.crear_usuario("ana.perez", "editor", CLAVE_CUENTAS, ("Laboratorio iBO",))
    cuentas.crear_usuario("admin", "administrador", CLAVE_CUENTAS)
    ids = {nombre: almacen.crear("acuerdo", _acuerdo_de(nombre), nombre, 0, equipo_id=cuentas.id_equipo(equipo))
           for nombre, equipo in ((EQUIPO_A, "Laboratorio iBO"), (EQUIPO_B, "Otra oficina"))}
    with _servir(app) as direccion:
        yield {"servidor": direccion, "ids": ids, "capturas": url_bd_modulo is None, "cuentas": cuentas}


def _entrar_cuenta(page: Any, usuario: str) -> None:
    page.get_by_label("Usuario").fill(usuario)
    page.get_by_label("Contraseña").fill(CLAVE_CUENTAS)
    page.get_by_role("button", name="Entrar").click()


def _pagina_sin_sesion(navegador: Any) -> Any:
    """Una pestaña nueva (con JavaScript, sin cookies): la de alguien que aún no entró."""
    page = navegador.new_context(locale="es-CO", viewport={"width": 1100, "height": 900}).new_page()
    page.set_default_timeout(15000)
    return page


def test_entrar_y_ver_solo_lo_de_su_equipo(navegador: Any, oficina_cuentas: dict[str, Any]) -> None:
    servidor = oficina_cuentas["servidor"]
    revisor = Revisor(navegador, servidor, capturas=oficina_cuentas["capturas"])
    page = _pagina_sin_sesion(navegador)
    try:
        page.goto(f"{servidor}/borradores/{oficina_cuentas['ids'][EQUIPO_A]}/revisar")
        assert "/entrar" in page.url  # sin sesión, a la entrada (recordando adónde iba)
        page.get_by_role("heading", level=1, name="Entrar").wait_for()
        revisor.revisar(page, "entrar", captura=True)  # docs/img/web/entrar.png

        page.get_by_label("Usuario").fill("ana.perez")
        page.get_by_label("Contraseña").fill("no-es-la-clave")
        page.get_by_role("button", name="Entrar").click()
        page.get_by_text("Usuario o contraseña incorrectos").wait_for()
        revisor.revisar(page, "entrar_error")
        page.get_by_label("Contraseña").fill(CLAVE_CUENTAS)
        page.get_by_role("button", name="Entrar").click()
        page.get_by_role("heading", level=1, name="Revise antes de generar").wait_for()  # vuelve adonde iba
        assert f"/borradores/{oficina_cuentas['ids'][EQUIPO_A]}/revisar" in page.url

        page.get_by_role("link", name="acuerdo-docs").click()
        page.get_by_role("heading", level=1, name="Borradores").wait_for()
        revisor.revisar(page, "inicio_con_cuentas")
        cuerpo = page.locator("main").inner_text()
        assert EQUIPO_A in cuerpo and EQUIPO_B not in cuerpo
        assert "Laboratorio iBO" in cuerpo  # la columna del equipo
        assert page.get_by_role("navigation", name="Su cuenta").inner_text().startswith("ana.perez (editor)")
        assert page.get_by_role("link", name="Cuentas y equipos").count() == 0

        # Cambiar el número en la dirección no enseña el borrador de otro equipo
        respuesta = page.goto(f"{servidor}/borradores/{oficina_cuentas['ids'][EQUIPO_B]}")
        assert respuesta is not None and respuesta.status == 404
        assert EQUIPO_B not in page.locator("body").inner_text()

        page.goto(f"{servidor}/")
        page.get_by_role("button", name="Salir").click()
        page.get_by_role("heading", level=1, name="Entrar").wait_for()
        page.goto(f"{servidor}/")
        assert "/entrar" in page.url  # la sesión terminó en el servidor

        _entrar_cuenta(page, "admin")
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
        page.context.close()
    assert not revisor.violaciones, f"axe encontró violaciones: {revisor.violaciones}"


def test_cambiar_mi_contrasena(navegador: Any, oficina_cuentas: dict[str, Any]) -> None:
    """Un lector cambia la suya desde la cabecera: errores junto a cada campo, y luego el aviso; axe en cada paso."""
    servidor = oficina_cuentas["servidor"]
    oficina_cuentas["cuentas"].crear_usuario("luisa", "lector", CLAVE_CUENTAS, ("Laboratorio iBO",))
    revisor = Revisor(navegador, servidor, capturas=oficina_cuentas["capturas"])
    page = _pagina_sin_sesion(navegador)
    try:
        page.goto(f"{servidor}/entrar")
        _entrar_cuenta(page, "luisa")
        page.get_by_role("heading", level=1, name="Borradores").wait_for()
        page.get_by_role("navigation", name="Su cuenta").get_by_role("link", name="Cambiar mi contraseña").click()
        page.get_by_role("heading", level=1, name="Cambiar mi contraseña").wait_for()
        assert page.evaluate("document.activeElement.id") == "c-actual"
        revisor.revisar(page, "mi_contrasena")

        page.get_by_label("Contraseña actual", exact=True).fill("no-es-la-clave")
        page.get_by_label("Contraseña nueva", exact=True).fill("frase-nueva-de-luisa")
        page.get_by_label("Repita la contraseña nueva", exact=True).fill("frase-distinta")
        page.get_by_role("button", name="Cambiar la contraseña").click()
        resumen = page.get_by_role("alert")
        resumen.get_by_text("Hay 2 problemas que corregir").wait_for()
        assert page.evaluate("document.activeElement.id") == "resumen-errores"
        assert page.title().startswith("Error: ")
        revisor.revisar(page, "mi_contrasena_error", captura=True)  # docs/img/web/mi_contrasena_error.png
        resumen.get_by_role("link", name="La repetición no coincide").click()
        assert page.evaluate("document.activeElement.id") == "c-repetida"  # el enlace lleva al campo
        assert page.get_by_label("Contraseña actual", exact=True).input_value() == ""  # nada vuelve escrito

        page.get_by_label("Contraseña actual", exact=True).fill(CLAVE_CUENTAS)
        page.get_by_label("Contraseña nueva", exact=True).fill("frase-nueva-de-luisa")
        page.get_by_label("Repita la contraseña nueva", exact=True).fill("frase-nueva-de-luisa")
        page.get_by_role("button", name="Cambiar la contraseña").click()
        page.get_by_role("status").get_by_text("Se cambió su contraseña").wait_for()
        revisor.revisar(page, "mi_contrasena_hecho")
        page.goto(f"{servidor}/")
        page.get_by_role("heading", level=1, name="Borradores").wait_for()  # sigue dentro, con la sesión nueva
    finally:
        if revisor.copia is not None:
            revisor.copia.context.close()
        page.context.close()
    assert not revisor.violaciones, f"axe encontró violaciones: {revisor.violaciones}"


def test_detras_de_tls_chromium_guarda_y_devuelve_la_cookie_host(navegador: Any, tmp_path: Path) -> None:
    """El servidor de una oficina detrás de un proxy confiable que dice https: Chromium acepta las cookies
    ``__Host-…`` (Secure, Path=/, sin Domain), entra, sigue dentro al navegar y sale."""
    from acuerdo_docs.web import proxy

    app = crear_app(tmp_path / "oficina", None, cuentas=True, hosts=None)
    app.acuerdo.cuentas.crear_usuario("ana.perez", "editor", CLAVE_CUENTAS)
    with _servir(app, proxy.configuracion(app, ("127.0.0.1",))) as servidor:
        contexto = navegador.new_context(locale="es-CO", extra_http_headers={"X-Forwarded-Proto": "https"})
        try:
            page = contexto.new_page()
            page.set_default_timeout(15000)
            page.goto(f"{servidor}/")
            assert "/entrar" in page.url
            _entrar_cuenta(page, "ana.perez")
            page.get_by_role("heading", level=1, name="Borradores").wait_for()
            nombres = {c["name"]: c for c in contexto.cookies()}
            sesion = nombres["__Host-acuerdo_docs_cuenta"]
            assert sesion["secure"] and sesion["path"] == "/" and sesion["httpOnly"]
            assert "acuerdo_docs_cuenta" not in nombres
            page.goto(f"{servidor}/")  # la cookie vuelve en cada pedido: sigue dentro
            page.get_by_role("heading", level=1, name="Borradores").wait_for()
            page.get_by_role("button", name="Salir").click()
            page.get_by_role("heading", level=1, name="Entrar").wait_for()
            page.goto(f"{servidor}/")
            assert "/entrar" in page.url
        finally:
            contexto.close()
