"""La guardia de la app web (rápidas, con el TestClient de Starlette): token, Host, CSRF, límites de cuerpo."""

from __future__ import annotations

import pytest

from apoyo_web import TOKEN, cliente, csrf, nuevo


@pytest.fixture
def c(tmp_path):
    return cliente(tmp_path)


def test_sin_token_no_hay_pagina(tmp_path):
    sin = cliente(tmp_path, con_token=False)
    for ruta in ("/", "/nueva/ficha", "/borradores/1", "/borradores/1/exportar"):
        r = sin.get(ruta, follow_redirects=False)
        assert r.status_code == 403
        assert "token" in r.text and "_csrf" not in r.text
    assert sin.get("/?token=otro", follow_redirects=False).status_code == 403
    sin.cookies.set("acuerdo_docs_sesion", "otro")
    assert sin.get("/").status_code == 403


def test_token_en_la_url_se_cambia_por_cookie_y_sale_de_la_url(tmp_path):
    sin = cliente(tmp_path, con_token=False)
    r = sin.get(f"/nueva/ficha?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/nueva/ficha"  # ni el token ni nada más en la URL que queda
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert sin.get("/nueva/ficha").status_code == 200


def test_host_ajeno_rechazado(c):
    assert c.get("/", headers={"host": "evil.example:8765"}).status_code == 400
    assert c.get("/", headers={"host": "127.0.0.1.evil.example"}).status_code == 400
    assert c.get("/", headers={"host": "localhost:8765"}).status_code == 200
    assert c.get("/", headers={"host": "[::1]:8765"}).status_code == 200


def test_todo_post_exige_csrf(c):
    direccion = nuevo(c, "acuerdo")
    rutas = ["/nuevo/ficha", f"{direccion}/seccion/desafio", f"{direccion}/duplicar", f"{direccion}/eliminar",
             "/importar/json", "/importar/ficha"]
    for ruta in rutas:
        assert c.post(ruta, data={"_accion": "guardar"}).status_code == 403, ruta
        assert c.post(ruta, data={"_csrf": "falso", "_accion": "guardar"}).status_code == 403, ruta
    assert c.get(direccion).status_code == 200  # el borrador sigue ahí: nada se borró sin CSRF


def test_cuerpos_acotados_antes_de_leerlos(c):
    token = csrf(c)
    grande = "x" * (2 * 1024 * 1024 + 10)
    r = c.post("/nuevo/ficha", data={"_csrf": token, "relleno": grande})
    assert r.status_code == 413 and "2 MB" in r.text
    archivo = b"\0" * (25 * 1024 * 1024 + 10)
    r = c.post("/importar/json", data={"_csrf": token}, files={"archivo": ("a.json", archivo, "application/json")})
    assert r.status_code == 413 and "25 MB" in r.text
    # Sin Content-Length (por trozos): también se corta al pasar el límite.
    r = c.post("/nuevo/ficha", content=iter([b"a" * 1024 * 1024] * 3),
               headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 413


def test_cabeceras_de_seguridad_y_sin_datos_en_urls(c):
    direccion = nuevo(c, "ficha")
    r = c.post(f"{direccion}/seccion/s1", data={"_csrf": csrf(c), "nombre": "Práctica secreta", "_accion": "guardar"},
               follow_redirects=False)
    assert r.status_code in (200, 303)
    if r.status_code == 303:
        assert "secreta" not in r.headers["location"]
    inicio = c.get("/")
    assert inicio.headers["x-frame-options"] == "DENY"
    assert inicio.headers["referrer-policy"] == "no-referrer"
    assert "Práctica secreta" in inicio.text
    assert "Práctica%20secreta" not in inicio.text and "secreta" not in " ".join(
        a for a in __import__("re").findall(r'href="([^"]+)"', inicio.text))


def test_bloqueo_optimista_de_verdad(tmp_path, url_bd):
    from sqlalchemy.orm import Session
    from sqlalchemy.orm.exc import StaleDataError

    from acuerdo_docs.web.bd import Almacen, Borrador, url_sqlite

    almacen = Almacen(url_bd or url_sqlite(tmp_path))
    id_borrador = almacen.crear("ficha", {"nombre": "a"})
    with Session(almacen.motor) as lenta:
        vieja = lenta.get(Borrador, id_borrador)
        almacen.guardar(id_borrador, {"nombre": "b"}, "b", 0)  # otra ventana guarda antes
        vieja.titulo = "c"
        with pytest.raises(StaleDataError):
            lenta.commit()
    assert almacen.obtener(id_borrador).datos == {"nombre": "b"}


def test_autor_de_la_cuenta_o_local():
    from types import SimpleNamespace

    from acuerdo_docs.web.seguridad import autor_de

    assert autor_de(SimpleNamespace(state=SimpleNamespace())) == "local"  # una sola persona, sin cuentas
    cuenta = SimpleNamespace(nombre="ana", rol="editor")
    assert autor_de(SimpleNamespace(state=SimpleNamespace(usuario=cuenta))) == "ana"
