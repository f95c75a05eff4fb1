"""Fallos del servidor de oficina, con procesos de verdad (``acuerdo-docs web`` y PostgreSQL).

1. El servidor muere con SIGKILL en medio de una ráfaga de guardados y se vuelve a iniciar: ningún
   borrador ni revisión a medias, el último guardado confirmado está (en el borrador y en su historial),
   el servidor arranca limpio (SQLite y PostgreSQL).
2. PostgreSQL se reinicia o se detiene con el servidor andando: las peticiones de mientras fallan limpias
   (503 en español, sin traza, sin datos personales en el registro) y el servidor se repone solo.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from apoyo_servidor import ServidorWeb
from apoyo_web import exigir_extra_web
from conftest import esperar

exigir_extra_web()

import httpx  # noqa: E402

PERSONA = "Ximena Quintero Ñáñez"
"""Un dato personal que se guarda en el borrador y que nunca debe salir en el registro del servidor."""
CORREO = "ximena.quintero@ejemplo.gov.co"


def _cliente(servidor: ServidorWeb, timeout: float = 15) -> httpx.Client:
    return httpx.Client(base_url=servidor.base, cookies=servidor.cookies(), timeout=timeout)


def _csrf(c: httpx.Client) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', c.get("/nueva/ficha").text).group(1)  # type: ignore[union-attr]


def _nueva_ficha(c: httpx.Client) -> int:
    r = c.post("/nuevo/ficha", data={"_csrf": _csrf(c)})
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[-1])


def _guardado(n: int, csrf: str) -> dict[str, str]:
    """El guardado número ``n``: dos campos con el mismo número (si uno queda sin el otro, quedó a medias)."""
    return {"_csrf": csrf, "_accion": "guardar", "nombre": f"Guardado {n}", "dependencia": f"Dependencia {n}",
            "directivo": "Laura Camila Restrepo Ardila", "proceso": "Gobierno abierto", "equipo": "Makers",
            "colaborador": PERSONA, "tipo_vinculacion": "Contratista", "telefono": "601 3813000",
            "correo": CORREO, "fecha_inicio": "01/03/2023"}


def _datos(c: httpx.Client, id_borrador: int) -> dict[str, Any]:
    r = c.get(f"/borradores/{id_borrador}/exportar")
    assert r.status_code == 200, r.text
    return json.loads(r.text)  # type: ignore[no-any-return]


def _sin_traza_ni_datos(registro: str) -> None:
    assert "Traceback" not in registro, registro[-3000:]
    for dato in (PERSONA, "Quintero", CORREO):
        assert dato not in registro, f"«{dato}» salió en el registro del servidor"


def _historial_entero(url: str, id_borrador: int, ultimo: int, autor: str) -> None:
    """Revisiones 1..versión sin huecos ni de más; la 1 es la creación, la k+1 el guardado k, entero
    (sus dos campos del mismo guardado) y la última igual al borrador: ninguna revisión a medias."""
    from acuerdo_docs.web.bd import Almacen

    almacen = Almacen(url, migrar_al_iniciar=False)
    try:
        borrador = almacen.obtener(id_borrador)
        assert borrador is not None and borrador.version == ultimo + 1  # se crea en 1; cada guardado, +1
        revisiones = almacen.revisiones(id_borrador)
        assert [r.numero for r in revisiones] == list(range(1, ultimo + 2))
        assert revisiones[0].origen == "creacion"
        assert {r.autor for r in revisiones} == {autor}
        for k, revision in enumerate(revisiones[1:], start=1):
            assert (revision.datos["nombre"], revision.datos["dependencia"]) == (f"Guardado {k}", f"Dependencia {k}")
        assert revisiones[-1].datos == borrador.datos
    finally:
        almacen.motor.dispose()


CLAVE = "clave-larga-de-prueba-2026"


def _arrancar(servidor: ServidorWeb) -> httpx.Client:
    """Inicia el servidor y da un cliente listo: con la cookie del token, o entrado como «ximena»."""
    if servidor.cuentas:
        servidor.crear_usuario("ximena", CLAVE)
    servidor.iniciar()
    c = _cliente(servidor)
    if servidor.cuentas:
        servidor.entrar(c, "ximena", CLAVE)
    return c


@pytest.mark.parametrize("modo", ["token", "cuentas"])
def test_servidor_matado_durante_guardados_arranca_limpio(tmp_path, url_bd, modo):
    """Con token (una persona) y con cuentas (entra «ximena»: su sesión sigue tras el reinicio y cada
    revisión lleva su nombre)."""
    from acuerdo_docs.web.bd import url_sqlite

    datos = tmp_path / "datos"
    servidor = ServidorWeb(datos, url_bd, cuentas=modo == "cuentas")
    autor = "ximena" if servidor.cuentas else "local"
    confirmado = 0
    enviados = 0
    c = _arrancar(servidor)
    try:
        id_borrador = _nueva_ficha(c)
        csrf = _csrf(c)
        parar = threading.Event()

        def guardar() -> None:
            nonlocal confirmado, enviados
            n = 0
            while not parar.is_set():
                n += 1
                enviados = n
                try:
                    r = c.post(f"/borradores/{id_borrador}/seccion/s1", data=_guardado(n, csrf))
                except httpx.HTTPError:
                    return  # el servidor murió con este guardado en vuelo
                assert r.status_code == 303, r.text
                confirmado = n

        hilo = threading.Thread(target=guardar)
        hilo.start()
        assert esperar(lambda: confirmado >= 3, 60), "los guardados no avanzaban"
        time.sleep(random.Random(modo).uniform(0.05, 0.6))  # en otro punto de la ráfaga cada vez
        servidor.matar()
        parar.set()
        hilo.join(30)
        assert confirmado >= 3 and enviados >= confirmado

        servidor.iniciar()  # mismo puerto y misma base: arranca limpio
        if not servidor.cuentas:
            c.cookies.set("acuerdo_docs_sesion", servidor.token)  # token nuevo en cada inicio
        assert c.get("/").status_code == 200, "la sesión de la cuenta sigue tras el reinicio"
        guardado = _datos(c, id_borrador)
        n = int(guardado["nombre"].removeprefix("Guardado "))
        # El último confirmado está; a lo sumo también el que iba en vuelo (se confirmó en la base
        # pero la respuesta no alcanzó a salir). Nunca uno más viejo, nunca uno a medias.
        assert n in (confirmado, confirmado + 1) and n <= enviados, (n, confirmado, enviados)
        assert guardado["dependencia"] == f"Dependencia {n}", guardado
        assert len(re.findall(r'href="/borradores/\d+"', c.get("/").text)) == 1, "un borrador, no dos"
        _historial_entero(url_bd or url_sqlite(datos), id_borrador, n, autor)
        r = c.post(f"/borradores/{id_borrador}/seccion/s1", data=_guardado(n + 1, _csrf(c)))
        assert r.status_code == 303
        assert _datos(c, id_borrador)["nombre"] == f"Guardado {n + 1}"
        if url_bd is None:
            import sqlite3

            with sqlite3.connect(datos / "acuerdo_docs.sqlite3") as base:
                assert base.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        c.close()
        servidor.detener()
    _sin_traza_ni_datos(servidor.salida())


@pytest.fixture
def cluster_propio():
    """Un clúster solo para esta prueba: detenerlo no estorba a las demás de la sesión."""
    from apoyo_postgres import ClusterPostgres, exigir_postgres

    cluster = ClusterPostgres(exigir_postgres())
    cluster.iniciar()
    try:
        yield cluster
    finally:
        cluster.detener()


@pytest.mark.parametrize("cuentas", [False, True], ids=["token", "cuentas"])
def test_postgresql_reiniciado_bajo_el_servidor(tmp_path, cluster_propio, cuentas):
    """Con cuentas, la sesión se lee de la base antes de cada ruta (web/acceso.py): también da 503."""
    servidor = ServidorWeb(tmp_path / "datos", cluster_propio.base_nueva(), cuentas=cuentas)
    try:
        with closing(_arrancar(servidor)) as c:
            id_borrador = _nueva_ficha(c)
            r = c.post(f"/borradores/{id_borrador}/seccion/s1", data=_guardado(1, _csrf(c)))
            assert r.status_code == 303
            csrf = _csrf(c)

            # Un reinicio rápido (pg_ctl stop + start): las conexiones del grupo quedaron muertas, pero
            # pool_pre_ping las descarta y la siguiente petición ni se entera.
            cluster_propio.parar()
            cluster_propio.arrancar()
            assert c.get("/").status_code == 200
            assert _datos(c, id_borrador)["nombre"] == "Guardado 1"

            # Una caída que dura: cada petición falla limpia, con la página en español.
            cluster_propio.parar()
            inicio = time.monotonic()
            pagina = c.get("/")
            assert time.monotonic() - inicio < 10, "con la base caída la página no debe quedarse colgada"
            assert pagina.status_code == 503 and pagina.headers["retry-after"].isdigit()
            assert "La base de datos no responde" in pagina.text and "Traceback" not in pagina.text
            assert 'lang="es-CO"' in pagina.text
            r = c.post(f"/borradores/{id_borrador}/seccion/s1", data=_guardado(2, csrf))
            assert r.status_code == 503 and "Nada quedó a medias" in r.text
            assert PERSONA not in r.text and "psycopg" not in r.text and "SELECT" not in r.text
            # El autoguardado (htmx) recibe un aviso corto para la región de alertas; el formulario no se toca.
            r = c.post(f"/borradores/{id_borrador}/seccion/s1", headers={"HX-Request": "true"},
                       data={**_guardado(2, csrf), "_accion": "autoguardar"})
            assert r.status_code == 503 and r.headers["hx-retarget"] == "#aviso-servidor"
            assert "no se guardó" in r.text and "<main" not in r.text
            assert c.get(f"/borradores/{id_borrador}/descargar/word").status_code == 503

            if cuentas:  # entrar también necesita la base: 503, no «contraseña incorrecta»
                with _cliente(servidor) as otro:
                    assert otro.get("/borradores/1").status_code == 303  # sin sesión: a «Entrar», sin la base
                    entrada = otro.get("/entrar")
                    assert entrada.status_code == 200
                    previo = re.search(r'name="_csrf" value="([^"]+)"', entrada.text).group(1)  # type: ignore[union-attr]
                    r = otro.post("/entrar", data={"_csrf": previo, "usuario": "ximena", "contrasena": CLAVE})
                    assert r.status_code == 503 and "incorrect" not in r.text

            # Vuelve la base: el servidor se repone solo, sin reiniciarlo.
            cluster_propio.arrancar()
            assert esperar(lambda: c.get("/").status_code == 200, 30)
            if cuentas:
                with _cliente(servidor) as otro:
                    servidor.entrar(otro, "ximena", CLAVE)
                    assert otro.get("/").status_code == 200
            assert _datos(c, id_borrador)["nombre"] == "Guardado 1", "lo que falló no quedó a medias"
            r = c.post(f"/borradores/{id_borrador}/seccion/s1", data=_guardado(3, csrf))
            assert r.status_code == 303 and _datos(c, id_borrador)["nombre"] == "Guardado 3"
    finally:
        codigo = servidor.detener()
    registro = servidor.salida()
    _sin_traza_ni_datos(registro)
    assert "la base de datos no respondió (OperationalError)" in registro, registro[-2000:]
    assert codigo in (0, 130), codigo  # Ctrl+C: termina ordenado (130 es «interrumpido» de la CLI)


def test_base_caida_en_sqlite_tambien_503(tmp_path, monkeypatch):
    """Una SQLite bloqueada o ilegible da la misma página (TestClient: el manejador es el mismo)."""
    from sqlalchemy.exc import OperationalError

    from apoyo_web import cliente
    from acuerdo_docs.web.bd import Almacen

    def caida(*_args: Any, **_kwargs: Any) -> Any:
        raise OperationalError("SELECT datos FROM borradores WHERE colaborador = ?", (PERSONA,),
                               Exception("database is locked"))

    c = cliente(tmp_path)
    monkeypatch.setattr(Almacen, "listar", caida)
    r = c.get("/")
    assert r.status_code == 503 and "La base de datos no responde" in r.text
    assert PERSONA not in r.text and "SELECT" not in r.text


def test_en_el_navegador_lo_escrito_sigue_y_se_avisa(tmp_path, cluster_propio, navegador):
    """Chromium con la base caída: el autoguardado y «Guardar» muestran el aviso arriba, el formulario
    conserva lo escrito; con la base de vuelta, «Guardar» guarda eso mismo."""
    servidor = ServidorWeb(tmp_path / "datos", cluster_propio.base_nueva()).iniciar()
    try:
        with _cliente(servidor) as c:
            id_borrador = _nueva_ficha(c)
        contexto = navegador.new_context()
        try:
            pagina = contexto.new_page()
            pagina.goto(f"{servidor.base}/borradores/{id_borrador}/seccion/s1?token={servidor.token}")
            cluster_propio.parar()
            pagina.fill("#c-nombre", "Lo que escribí con la base caída")
            pagina.locator("#c-dependencia").focus()  # «change»: el autoguardado lo intenta
            aviso = pagina.locator("#aviso-servidor")
            aviso.get_by_text("la base de datos no respondió").wait_for(timeout=15000)
            assert aviso.get_attribute("aria-live") == "assertive"  # se anuncia sin contar como alerta vacía
            pagina.evaluate("document.getElementById('aviso-servidor').innerHTML = ''")
            pagina.click("button:has-text('Guardar')")
            aviso.get_by_text("ese cambio no se guardó").wait_for(timeout=15000)
            assert pagina.input_value("#c-nombre") == "Lo que escribí con la base caída"
            assert pagina.url.endswith("/seccion/s1")
            cluster_propio.arrancar()
            with pagina.expect_response(lambda r: r.request.method == "POST", timeout=15000) as respuesta:
                pagina.click("button:has-text('Guardar')")
            assert respuesta.value.status in (200, 303)  # 200: guardado, con los campos que faltan señalados
        finally:
            contexto.close()
        with _cliente(servidor) as c:
            assert _datos(c, id_borrador)["nombre"] == "Lo que escribí con la base caída"
    finally:
        servidor.detener()
    _sin_traza_ni_datos(servidor.salida())


def test_guardados_seguidos_mientras_postgresql_se_reinicia(tmp_path, cluster_propio):
    """Una ráfaga de guardados mientras PostgreSQL se reinicia dos veces: cada respuesta es 303 o 503
    (nunca 500), y al final está el último confirmado o uno posterior que falló al responder."""
    servidor = ServidorWeb(tmp_path / "datos", cluster_propio.base_nueva()).iniciar()
    estados: list[int] = []
    confirmado = 0
    posteriores: set[int] = set()  # intentos después del último confirmado: pudieron quedar o no
    try:
        with _cliente(servidor) as c:
            id_borrador = _nueva_ficha(c)
            csrf = _csrf(c)
            parar = threading.Event()

            def guardar() -> None:
                nonlocal confirmado, posteriores
                n = 0
                while not parar.is_set():
                    n += 1
                    r = c.post(f"/borradores/{id_borrador}/seccion/s1", data=_guardado(n, csrf))
                    estados.append(r.status_code)
                    if r.status_code == 303:
                        confirmado, posteriores = n, set()
                    else:
                        posteriores.add(n)
                        time.sleep(0.05)

            hilo = threading.Thread(target=guardar)
            hilo.start()
            desde = 0
            for _ in range(2):
                assert esperar(lambda: estados[desde:].count(303) >= 3, 30)
                cluster_propio.parar()
                desde = len(estados)
                assert esperar(lambda: 503 in estados[desde:], 30), "con la base caída debía haber un 503"
                cluster_propio.arrancar()
                desde = len(estados)
                assert esperar(lambda: 303 in estados[desde:], 30), "el servidor no se repuso solo"
            parar.set()
            hilo.join(30)
            assert set(estados) <= {303, 503}, sorted(set(estados))
            n = int(_datos(c, id_borrador)["nombre"].removeprefix("Guardado "))
            assert n == confirmado or n in posteriores, (n, confirmado, posteriores)
            assert _datos(c, id_borrador)["dependencia"] == f"Dependencia {n}"
    finally:
        servidor.detener()
    _sin_traza_ni_datos(servidor.salida())
