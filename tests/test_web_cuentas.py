"""Cuentas, roles y equipos del servidor de oficina (modo con cuentas): la seguridad, ruta por ruta.

Las rutas salen del enrutador de Starlette: una ruta nueva sin control de acceso hace fallar estas pruebas.
Lo que depende de la base corre en SQLite y en PostgreSQL (clúster desechable; en CI nunca se omite).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from apoyo_web import CLAVE, cliente, cliente_cuentas, csrf_de, cuentas_de, entrar, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.web.acceso import COOKIE_CUENTA, INTENTOS_DIRECCION, INTENTOS_USUARIO, Limitador  # noqa: E402

PUBLICAS = {"/entrar", "/actor/{token}"}  # /actor/…: el enlace firmado es la credencial del actor
"""Las únicas rutas que se sirven sin sesión (además de /static). Una nueva debe añadirse aquí a conciencia."""
PARA_TODOS = {"/salir", "/cuenta/contrasena"}  # lo de la propia cuenta: salir, cambiar su contraseña
"""Las únicas rutas donde un lector envía formularios. Una nueva debe añadirse aquí a conciencia."""
SECRETO_A, SECRETO_B = "Desafío del equipo A", "Desafío secreto del equipo B"


def _starlette(c: Any) -> Any:
    """La app de Starlette bajo los middlewares (Guardia → BaseCaida → Acceso → Starlette)."""
    app = c.app
    while not hasattr(app, "router"):
        app = app.app
    return app


def _rutas(c: Any) -> list[tuple[str, set[str], Any]]:
    """(plantilla de la ruta, métodos, endpoint) de cada ruta del enrutador (sin /static)."""
    from starlette.routing import Route

    starlette = _starlette(c)
    salida = []
    for ruta in starlette.router.routes:
        if isinstance(ruta, Route):
            salida.append((ruta.path, set(ruta.methods or {"GET"}) - {"HEAD"}, ruta.endpoint))
    assert len(salida) > 15, "¿cambió la forma de registrar las rutas?"
    return salida


def _llenar(plantilla: str, id_borrador: int) -> str:
    """La ruta con sus parámetros: {id} → el borrador; lo demás, un valor cualquiera que la ruta acepte."""
    valores = {"id": str(id_borrador), "tipo": "acuerdo", "seccion": "desafio", "documento": "word",
               "fecha": "2024-03-01", "archivo": "informe.xlsx"}

    def valor(m: re.Match[str]) -> str:
        return valores.get(m.group(1), "1" if m.group(2) == "int" else "x")

    return re.sub(r"\{(\w+)(?::(\w+))?\}", valor, plantilla)


def _acuerdo_json(nombre: str) -> bytes:
    datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    datos["desafio"]["nombre"] = nombre
    return json.dumps(datos).encode()


def _importar(c: Any, nombre: str, equipo: int | None = None) -> int:
    r = c.post("/importar/json", data={"_csrf": csrf_de(c.get("/").text), **({"equipo": equipo} if equipo else {})},
               files={"archivo": ("a.json", _acuerdo_json(nombre), "application/json")}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/")[2].split("?")[0])


@pytest.fixture
def oficina(tmp_path: Path, url_bd: str | None) -> dict[str, Any]:
    """Dos equipos con un borrador cada uno; ana edita en A, beto lee en A, carla edita en B, admin."""
    c = cliente_cuentas(tmp_path, url_bd)
    cuentas = cuentas_de(c)
    cuentas.crear_equipo("Equipo A")
    cuentas.crear_equipo("Equipo B")
    cuentas.crear_usuario("admin", "administrador", CLAVE)
    cuentas.crear_usuario("ana", "editor", CLAVE, ("Equipo A",))
    cuentas.crear_usuario("beto", "lector", CLAVE, ("Equipo A",))
    cuentas.crear_usuario("carla", "editor", CLAVE, ("Equipo B",))
    assert entrar(c, "ana").status_code == 303
    id_a = _importar(c, SECRETO_A)
    otro = cliente_cuentas(tmp_path, url_bd)
    assert entrar(otro, "carla").status_code == 303
    id_b = _importar(otro, SECRETO_B)
    return {"c": c, "carpeta": tmp_path, "bd": url_bd, "a": id_a, "b": id_b, "cuentas": cuentas}


def _nuevo_cliente(oficina: dict[str, Any], nombre: str | None = None) -> Any:
    c = cliente_cuentas(oficina["carpeta"], oficina["bd"])
    if nombre:
        assert entrar(c, nombre).status_code == 303
    return c


# ------------------------------------------------------------------ sin sesión


def test_ninguna_pagina_sin_entrar(oficina: dict[str, Any]) -> None:
    """Cada ruta del enrutador, con cada método: sin sesión, a la entrada (GET) o 403 (POST), sin datos."""
    anonimo = _nuevo_cliente(oficina)
    publicas = set()
    for plantilla, metodos, endpoint in _rutas(anonimo):
        if getattr(endpoint, "publica", False):
            publicas.add(plantilla)
            continue
        ruta = _llenar(plantilla, oficina["a"])
        for metodo in metodos:
            r = anonimo.request(metodo, ruta, data={"_csrf": "x"}, follow_redirects=False)
            if metodo == "GET":
                assert r.status_code == 303 and r.headers["location"].startswith("/entrar"), (metodo, ruta)
            else:
                assert r.status_code == 403, (metodo, ruta, r.status_code)
            assert SECRETO_A not in r.text and 'name="_csrf"' not in r.text, ruta
        # htmx recibe la orden de ir a la entrada (no un trozo de la página de entrada)
        if "GET" in metodos:
            r = anonimo.get(ruta, headers={"hx-request": "true"}, follow_redirects=False)
            assert r.status_code == 401 and r.headers["hx-redirect"].startswith("/entrar")
    assert publicas == PUBLICAS, f"rutas públicas nuevas: {publicas - PUBLICAS}; ¿de verdad sin sesión?"
    # La entrada recuerda adónde iba, y solo dentro de la app (sin redirecciones abiertas)
    r = anonimo.get(f"/borradores/{oficina['a']}/revisar", follow_redirects=False)
    assert r.headers["location"] == f"/entrar?siguiente=%2Fborradores%2F{oficina['a']}%2Frevisar"
    for siguiente, destino in (("/borradores/1", "/borradores/1"), ("//malo.example/x", "/"),
                               ("https://malo.example", "/"), ("/\\malo.example", "/")):
        c = _nuevo_cliente(oficina)
        token = csrf_de(c.get("/entrar").text)
        r = c.post("/entrar", data={"_csrf": token, "usuario": "ana", "contrasena": CLAVE, "siguiente": siguiente},
                   follow_redirects=False)
        assert r.headers["location"] == destino


def test_pagina_de_entrada(oficina: dict[str, Any]) -> None:
    pagina = _nuevo_cliente(oficina).get("/entrar").text
    assert '<label for="c-usuario">Usuario</label>' in pagina
    assert '<label for="c-contrasena">Contraseña</label>' in pagina and 'type="password"' in pagina
    assert '<button type="submit">Entrar</button>' in pagina
    assert SECRETO_A not in pagina and "Nueva ficha" not in pagina


def test_entrar_mal_no_dice_que_fallo(oficina: dict[str, Any]) -> None:
    c = _nuevo_cliente(oficina)
    malas = [entrar(c, "ana", "otra-clave-cualquiera"), entrar(c, "nadie", CLAVE)]
    assert {r.status_code for r in malas} == {401}
    assert malas[0].text.count("Usuario o contraseña incorrectos") == 1
    assert re.sub(r'value="[^"]*"', "", malas[0].text.replace("ana", "nadie")) == \
        re.sub(r'value="[^"]*"', "", malas[1].text)  # la misma página exista o no la cuenta
    assert COOKIE_CUENTA not in str(malas[0].headers.get("set-cookie", ""))
    oficina["cuentas"].activar("beto", False)
    assert entrar(c, "beto").status_code == 401  # desactivada, con la clave buena


# ------------------------------------------------------------------ roles y objetos


def test_lector_no_escribe_en_ninguna_ruta(oficina: dict[str, Any]) -> None:
    """Cada ruta POST del enrutador, con el CSRF bueno: un lector recibe 403 y nada cambia."""
    lector = _nuevo_cliente(oficina, "beto")
    inicio = lector.get("/")
    assert SECRETO_A in inicio.text and SECRETO_B not in inicio.text
    assert "Nueva ficha" not in inicio.text and "Importar JSON" not in inicio.text
    assert "Su cuenta es de lectura" in inicio.text
    seccion = lector.get(f"/borradores/{oficina['a']}/seccion/desafio").text
    assert "<fieldset class=\"solo-lectura\" disabled>" in seccion and ">Guardar<" not in seccion
    assert "autoguardar" not in seccion and "no cambiarla" in seccion
    editora = _nuevo_cliente(oficina, "ana").get(f"/borradores/{oficina['a']}/seccion/desafio").text
    assert "disabled>" not in editora and ">Guardar<" in editora
    token = csrf_de(inicio.text)
    antes = lector.get(f"/borradores/{oficina['a']}/exportar").content
    probadas = 0
    para_todos = {plantilla for plantilla, _m, endpoint in _rutas(lector) if getattr(endpoint, "para_todos", False)}
    assert para_todos == PARA_TODOS, f"rutas nuevas abiertas a lectores: {para_todos - PARA_TODOS}"
    for plantilla, metodos, endpoint in _rutas(lector):
        if "POST" not in metodos or getattr(endpoint, "publica", False) or getattr(endpoint, "para_todos", False):
            continue
        r = lector.post(_llenar(plantilla, oficina["a"]), data={"_csrf": token, "_accion": "guardar", "actor": "0",
                                                                "validado": "si", "_accion_admin": "x"},
                        files={"archivo": ("a.json", _acuerdo_json("Intruso"), "application/json")},
                        follow_redirects=False)
        assert r.status_code == 403, (plantilla, r.status_code)
        probadas += 1
    assert probadas >= 8
    assert lector.get(f"/borradores/{oficina['a']}/exportar").content == antes
    assert "Intruso" not in lector.get("/").text
    assert lector.get(f"/borradores/{oficina['a']}/descargar/word").status_code == 200  # leer sí


def test_borrador_de_otro_equipo_en_ninguna_ruta(oficina: dict[str, Any]) -> None:
    """Cada ruta con {id}, con cada método: el borrador de otro equipo da 404 (o 403), descargas incluidas."""
    ana = _nuevo_cliente(oficina, "ana")
    token = csrf_de(ana.get("/").text)
    probadas = 0
    for plantilla, metodos, _endpoint in _rutas(ana):
        if "{id" not in plantilla:
            continue
        for metodo in metodos:
            r = ana.request(metodo, _llenar(plantilla, oficina["b"]), follow_redirects=False,
                            data={"_csrf": token, "_accion": "guardar"} if metodo != "GET" else None)
            assert r.status_code in (403, 404), (metodo, plantilla, r.status_code)
            assert SECRETO_B not in r.text
            probadas += 1
    assert probadas >= 15
    assert SECRETO_B not in ana.get("/").text
    # Y con el número de un borrador que no existe, lo mismo: no se distingue lo ajeno de lo inexistente
    ajeno = ana.get(f"/borradores/{oficina['b']}")
    assert ajeno.status_code == 404 and ana.get("/borradores/999999").text == ajeno.text
    # El administrador ve los dos; carla (editora de B) edita el suyo
    admin = _nuevo_cliente(oficina, "admin")
    assert SECRETO_A in admin.get("/").text and SECRETO_B in admin.get("/").text
    carla = _nuevo_cliente(oficina, "carla")
    r = carla.post(f"/borradores/{oficina['b']}/duplicar", data={"_csrf": csrf_de(carla.get("/").text)},
                   follow_redirects=False)
    assert r.status_code == 303
    copia = int(r.headers["location"].split("/")[2].split("?")[0])
    assert ana.get(f"/borradores/{copia}").status_code == 404  # la copia queda en el equipo B


def test_crear_en_un_equipo_propio(oficina: dict[str, Any]) -> None:
    cuentas = oficina["cuentas"]
    cuentas.crear_usuario("dora", "editor", CLAVE)
    dora = _nuevo_cliente(oficina, "dora")
    token = csrf_de(dora.get("/").text)
    r = dora.post("/nuevo/ficha", data={"_csrf": token})
    assert r.status_code == 403 and "ningún equipo" in r.text
    cuentas.agregar_miembro("Equipo A", "dora")
    cuentas.agregar_miembro("Equipo B", "dora")
    assert 'name="equipo"' in dora.get("/nueva/ficha").text  # con dos equipos, elige
    assert dora.post("/nuevo/ficha", data={"_csrf": token}).status_code == 400
    id_b = cuentas.id_equipo("Equipo B")
    r = dora.post("/nuevo/ficha", data={"_csrf": token, "equipo": str(id_b)}, follow_redirects=False)
    nuevo = int(r.headers["location"].split("/")[-1])
    assert _nuevo_cliente(oficina, "carla").get(f"/borradores/{nuevo}").status_code == 200
    assert _nuevo_cliente(oficina, "ana").get(f"/borradores/{nuevo}").status_code == 404
    # un equipo del que no es miembro, aunque exista: no
    cuentas.quitar_miembro("Equipo B", "dora")
    dora = _nuevo_cliente(oficina, "dora")
    r = dora.post("/nuevo/ficha", data={"_csrf": csrf_de(dora.get("/").text), "equipo": str(id_b)})
    assert r.status_code == 400


def test_solo_el_administrador_administra(oficina: dict[str, Any]) -> None:
    for nombre in ("ana", "beto"):
        c = _nuevo_cliente(oficina, nombre)
        assert c.get("/admin").status_code == 403
        r = c.post("/admin", data={"_csrf": csrf_de(c.get("/").text), "_accion": "rol", "usuario": nombre,
                                   "rol": "administrador"})
        assert r.status_code == 403
        assert "/admin" not in c.get("/").text
    assert {u.nombre: u.rol for u in oficina["cuentas"].usuarios()}["ana"] == "editor"
    admin = _nuevo_cliente(oficina, "admin")
    pagina = admin.get("/admin")
    assert pagina.status_code == 200 and "Cuentas y equipos" in pagina.text
    token = csrf_de(pagina.text)

    def hacer(**datos: str) -> Any:
        return admin.post("/admin", data={"_csrf": token, **datos}, follow_redirects=False)

    assert hacer(_accion="equipo", equipo="Laboratorio iBO").status_code == 303
    assert hacer(_accion="usuario", usuario="eva", rol="editor", contrasena=CLAVE, equipo="Laboratorio iBO"
                 ).status_code == 303
    assert hacer(_accion="agregar", equipo="Equipo A", usuario="eva").status_code == 303
    assert hacer(_accion="quitar", equipo="Laboratorio iBO", usuario="eva").status_code == 303
    assert hacer(_accion="rol", usuario="eva", rol="lector").status_code == 303
    assert hacer(_accion="contrasena", usuario="eva", contrasena="otra-clave-larga").status_code == 303
    eva = {u.nombre: u for u in oficina["cuentas"].usuarios()}["eva"]
    assert eva.rol == "lector" and eva.equipos == ("Equipo A",)
    assert entrar(_nuevo_cliente(oficina), "eva", "otra-clave-larga").status_code == 303
    assert hacer(_accion="desactivar", usuario="eva").status_code == 303
    assert entrar(_nuevo_cliente(oficina), "eva", "otra-clave-larga").status_code == 401
    # errores en español, sin traza; el último administrador no se degrada
    r = hacer(_accion="usuario", usuario="con espacio", rol="editor", contrasena=CLAVE)
    assert r.status_code == 400 and "no sirve" in r.text
    r = hacer(_accion="usuario", usuario="fabio", rol="editor", contrasena="corta")
    assert r.status_code == 400 and "al menos 10 caracteres" in r.text
    r = hacer(_accion="rol", usuario="admin", rol="editor")
    assert r.status_code == 400 and "único administrador" in r.text
    assert "<script" not in hacer(_accion="equipo", equipo="<script>alert(1)</script>").text
    # Pasar el borrador de A al equipo B: ana deja de verlo, carla lo ve
    assert hacer(_accion="mover", borrador=str(oficina["a"]), equipo="Equipo B").status_code == 303
    assert _nuevo_cliente(oficina, "ana").get(f"/borradores/{oficina['a']}").status_code == 404
    assert _nuevo_cliente(oficina, "carla").get(f"/borradores/{oficina['a']}").status_code == 200
    r = hacer(_accion="mover", borrador="999", equipo="Equipo A")
    assert r.status_code == 400 and "No existe el borrador 999" in r.text
    # Renombrar y eliminar un equipo: los miembros y borradores siguen con el renombrado; solo sin borradores
    pagina = admin.get("/admin").text
    assert "Renombrar el equipo" in pagina and "Eliminar el equipo" in pagina
    assert '<option value="General">' not in pagina.split("<h2>Renombrar un equipo</h2>", 1)[1]
    assert hacer(_accion="renombrar", equipo="Equipo B", nuevo="  Equipo   Be ").status_code == 303
    assert _nuevo_cliente(oficina, "carla").get(f"/borradores/{oficina['a']}").status_code == 200
    assert "Equipo Be" in {n for _i, n, _m in oficina["cuentas"].equipos()}
    r = hacer(_accion="eliminar_equipo", equipo="Equipo Be")
    assert r.status_code == 400 and "tiene 2 borrador(es): páselos antes a otro equipo" in r.text
    for accion, datos, fragmento in [("renombrar", {"equipo": "General", "nuevo": "Todos"}, "no se renombra"),
                                     ("eliminar_equipo", {"equipo": "General"}, "no se elimina"),
                                     ("renombrar", {"equipo": "Equipo A", "nuevo": "Equipo Be"}, "Ya existe el equipo"),
                                     ("renombrar", {"equipo": "Nadie", "nuevo": "X"}, "No existe el equipo")]:
        r = hacer(_accion=accion, **datos)
        assert r.status_code == 400 and fragmento in r.text and "Traceback" not in r.text, (accion, r.text[-500:])
    assert hacer(_accion="eliminar_equipo", equipo="Laboratorio iBO").status_code == 303
    assert "Laboratorio iBO" not in {n for _i, n, _m in oficina["cuentas"].equipos()}
    assert "eva" in {u.nombre for u in oficina["cuentas"].usuarios()}  # la cuenta sigue


# ------------------------------------------------------------------ sesiones, cookies, CSRF


def test_cookie_de_sesion_firmada_httponly_samesite(oficina: dict[str, Any]) -> None:
    r = entrar(_nuevo_cliente(oficina), "ana")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_CUENTA}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Path=/" in cookie and "Max-Age=43200" in cookie and "Secure" not in cookie
    # Detrás de TLS (el proxy dice https): también Secure
    seguro = cliente_cuentas(oficina["carpeta"], oficina["bd"], base_url="https://acuerdos.oficina.gov.co")
    assert "; Secure" in entrar(seguro, "ana").headers["set-cookie"]
    # La firma cuenta: la ficha sin firma, o con la firma cambiada, no abre nada
    valor = cookie.split(";")[0].split("=", 1)[1]
    ficha, _, firma = valor.partition(".")
    # Se cambia un carácter del medio de la firma: el último de un base64 sin relleno lleva bits que no se
    # decodifican (cambiarlo a veces deja la misma firma: la prueba fallaba 1 de cada 16 veces).
    medio = len(valor) - 5
    cambiada = valor[:medio] + ("A" if valor[medio] != "A" else "B") + valor[medio + 1:]
    for falso in (ficha, f"{ficha}.{firma[:-2]}xx", cambiada):
        c = _nuevo_cliente(oficina)
        c.cookies.set(COOKIE_CUENTA, falso)
        assert c.get("/", follow_redirects=False).status_code == 303


def test_por_https_las_cookies_llevan_el_prefijo_host(oficina: dict[str, Any]) -> None:
    """Detrás de TLS, la sesión y la cookie previa se llaman ``__Host-…``: el navegador exige Secure, Path=/ y
    ningún Domain, así que ni una página por HTTP ni otro sitio del dominio las plantan. Una cookie plantada
    con el nombre sin prefijo (aunque lleve una sesión válida) no abre nada por HTTPS."""
    seguro = cliente_cuentas(oficina["carpeta"], oficina["bd"], base_url="https://acuerdos.oficina.gov.co")
    previa = seguro.get("/entrar").headers["set-cookie"]
    assert previa.startswith("__Host-acuerdo_docs_previa=") and "; Secure" in previa and "Domain" not in previa
    r = entrar(seguro, "ana")
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"__Host-{COOKIE_CUENTA}=") and "; Secure" in cookie and "Path=/;" in cookie
    assert "Domain" not in cookie
    assert seguro.get("/", follow_redirects=False).status_code == 200  # la sesión sigue con su nombre
    valor = cookie.split(";")[0].split("=", 1)[1]
    plantada = cliente_cuentas(oficina["carpeta"], oficina["bd"], base_url="https://acuerdos.oficina.gov.co")
    plantada.cookies.set(COOKIE_CUENTA, valor)
    r = plantada.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/entrar")
    salir = seguro.post("/salir", data={"_csrf": csrf_de(seguro.get("/").text)}, follow_redirects=False)
    assert salir.status_code == 303 and salir.headers["set-cookie"].startswith(f"__Host-{COOKIE_CUENTA}=;")
    assert seguro.get("/", follow_redirects=False).status_code == 303


def test_sin_fijacion_de_sesion(oficina: dict[str, Any]) -> None:
    """La sesión que trae el navegador nunca se reutiliza al entrar: cookie nueva y la vieja muerta."""
    atacante = _nuevo_cliente(oficina, "carla")
    plantada = atacante.cookies.get(COOKIE_CUENTA)
    victima = _nuevo_cliente(oficina)
    victima.cookies.set(COOKIE_CUENTA, plantada)
    r = entrar(victima, "ana")
    nueva = r.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert nueva != plantada
    victima.cookies.set(COOKIE_CUENTA, nueva)
    assert "ana" in victima.get("/").text
    # la plantada ya no vale (se cerró al entrar), ni para el atacante
    assert atacante.get("/", follow_redirects=False).status_code == 303
    # Entrar dos veces da dos sesiones distintas
    otra = entrar(_nuevo_cliente(oficina), "ana").headers["set-cookie"]
    assert otra.split(";")[0] != r.headers["set-cookie"].split(";")[0]


def test_salir_cierra_la_sesion_en_el_servidor(oficina: dict[str, Any]) -> None:
    c = _nuevo_cliente(oficina, "beto")  # también un lector puede salir
    valor = c.cookies.get(COOKIE_CUENTA)
    r = c.post("/salir", data={"_csrf": csrf_de(c.get("/").text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/entrar" and "Max-Age=0" in r.headers["set-cookie"]
    copia = _nuevo_cliente(oficina)
    copia.cookies.set(COOKIE_CUENTA, valor)  # quien copió la cookie antes de salir tampoco entra
    assert copia.get("/", follow_redirects=False).status_code == 303


def test_sesion_vence_por_inactividad_y_por_edad(oficina: dict[str, Any]) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from acuerdo_docs.web.cuentas import INACTIVIDAD, VIDA_SESION, Sesion

    for columna, atras in (("ultima", INACTIVIDAD), ("vence", VIDA_SESION)):
        c = _nuevo_cliente(oficina, "ana")
        assert c.get("/", follow_redirects=False).status_code == 200
        hace = datetime.now(UTC).replace(tzinfo=None) - atras - timedelta(seconds=1)
        with Session(oficina["cuentas"].motor) as s, s.begin():
            s.execute(update(Sesion).values({columna: hace}))
        assert c.get("/", follow_redirects=False).status_code == 303


def test_cambiar_rol_o_contrasena_cierra_sus_sesiones(oficina: dict[str, Any]) -> None:
    cuentas = oficina["cuentas"]
    c = _nuevo_cliente(oficina, "ana")
    cuentas.cambiar_rol("ana", "lector")
    assert c.get("/", follow_redirects=False).status_code == 303
    c = _nuevo_cliente(oficina, "ana")
    cuentas.cambiar_contrasena("ana", "clave-nueva-larga")
    assert c.get("/", follow_redirects=False).status_code == 303
    assert entrar(_nuevo_cliente(oficina), "ana").status_code == 401
    assert entrar(_nuevo_cliente(oficina), "ana", "clave-nueva-larga").status_code == 303


def test_csrf_con_cuentas(oficina: dict[str, Any]) -> None:
    """Sin token, con uno falso, con el de otra sesión o con el de antes de entrar: 403, nada cambia."""
    ana = _nuevo_cliente(oficina, "ana")
    propio = csrf_de(ana.get("/").text)
    otra_sesion = csrf_de(_nuevo_cliente(oficina, "ana").get("/").text)
    anonimo = _nuevo_cliente(oficina)
    previo = csrf_de(anonimo.get("/entrar").text)
    ruta = f"/borradores/{oficina['a']}/eliminar"
    for token in (None, "falso", otra_sesion, previo, ana.app.acuerdo.csrf):
        r = ana.post(ruta, data={} if token is None else {"_csrf": token})
        assert r.status_code == 403, token
    assert ana.get(f"/borradores/{oficina['a']}").status_code == 200
    assert ana.post(ruta, data={"_csrf": propio}, follow_redirects=False).status_code == 303
    # El formulario de entrada también lleva CSRF (ata a la cookie previa: nadie entra a otro en su cuenta)
    r = anonimo.post("/entrar", data={"_csrf": "falso", "usuario": "ana", "contrasena": CLAVE})
    assert r.status_code == 403


def _otro_navegador(c: Any) -> Any:
    """Otro navegador (sin cookies) contra el mismo servidor (el mismo proceso: el mismo limitador)."""
    from starlette.testclient import TestClient

    return TestClient(c.app, base_url=str(c.base_url))


def test_fuerza_bruta_frenada_por_cuenta_y_por_direccion(oficina: dict[str, Any]) -> None:
    c = _nuevo_cliente(oficina)
    for _ in range(INTENTOS_USUARIO):
        assert entrar(c, "ana", "no-es-la-clave").status_code == 401
    r = entrar(_otro_navegador(c), "ana")  # la buena, desde otro navegador: ya no se prueba
    assert r.status_code == 429 and "Demasiados intentos" in r.text and int(r.headers["retry-after"]) > 0
    assert COOKIE_CUENTA not in r.headers.get("set-cookie", "")
    assert entrar(_otro_navegador(c), "carla").status_code == 303  # otra cuenta, sí
    # Por dirección: muchas cuentas distintas desde la misma dirección
    for i in range(INTENTOS_DIRECCION - INTENTOS_USUARIO):
        assert entrar(c, f"inventado{i}", "no-es-la-clave").status_code == 401
    assert entrar(_otro_navegador(c), "beto").status_code == 429
    # Desde otra dirección (otro cliente TCP), beto sí entra
    from starlette.testclient import TestClient

    lejano = TestClient(c.app, base_url=str(c.base_url), client=("10.0.0.9", 5000))
    assert entrar(lejano, "beto").status_code == 303


def test_limitador_ventana_deslizante() -> None:
    limitador = Limitador(3, ventana=60)
    for t in (0, 10, 20):
        assert limitador.espera("u", t) == 0
        limitador.fallo("u", t)
    assert limitador.espera("u", 30) == 30  # hasta que el primer fallo salga de la ventana
    assert limitador.espera("u", 61) == 0 and limitador.espera("otro", 30) == 0
    limitador.olvidar("u")
    assert limitador.espera("u", 30) == 0


def test_subidas_acotadas_con_cuentas(oficina: dict[str, Any]) -> None:
    ana = _nuevo_cliente(oficina, "ana")
    token = csrf_de(ana.get("/").text)
    grande = b"\0" * (25 * 1024 * 1024 + 10)
    r = ana.post("/importar/json", data={"_csrf": token}, files={"archivo": ("a.json", grande, "application/json")})
    assert r.status_code == 413 and "25 MB" in r.text
    r = ana.post(f"/borradores/{oficina['a']}/seccion/desafio", data={"_csrf": token, "x": "y" * (2 * 1024 * 1024)})
    assert r.status_code == 413
    # Sin sesión también se corta antes de leer (la guardia va antes que las cuentas)
    r = _nuevo_cliente(oficina).post("/importar/json", content=iter([b"a" * 1024 * 1024] * 30),
                                     headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


def test_autor_de() -> None:
    from types import SimpleNamespace

    from acuerdo_docs.web.acceso import autor_de

    assert autor_de(SimpleNamespace(state=SimpleNamespace())) == "local"
    assert autor_de(SimpleNamespace(state=SimpleNamespace(usuario=None))) == "local"
    usuario = SimpleNamespace(nombre="ana", rol="editor")
    assert autor_de(SimpleNamespace(state=SimpleNamespace(usuario=usuario))) == "ana"


def test_request_state_usuario(oficina: dict[str, Any]) -> None:
    """Cada petición con cuentas deja request.state.usuario (nombre, rol); sin cuentas no lo hay."""
    from starlette.requests import Request

    vistos: list[Any] = []
    starlette = _starlette(oficina["c"])
    original = starlette.router.routes[0].endpoint  # la página de inicio

    async def espiar(request: Request) -> Any:
        vistos.append(getattr(request.state, "usuario", "ausente"))
        return await original(request)

    starlette.router.routes[0].endpoint = espiar
    starlette.router.routes[0].app = __import__("starlette.routing", fromlist=["x"]).request_response(espiar)
    assert _nuevo_cliente(oficina, "beto").get("/").status_code == 200  # otra app: no se espía
    oficina["c"].get("/")
    assert vistos and vistos[-1].nombre == "ana" and vistos[-1].rol == "editor"


# ------------------------------------------------------------------ base y migración


def test_migracion_lleva_los_borradores_viejos_al_equipo_general(tmp_path: Path, url_bd: str | None) -> None:
    """Una base de la versión anterior (0001) con borradores: tras migrar, todos en «General», y se ven."""
    from alembic import command
    from sqlalchemy import text

    from acuerdo_docs.web.bd import Almacen, _config, url_sqlite

    url = url_bd or url_sqlite(tmp_path)
    almacen = Almacen(url, migrar_al_iniciar=False)
    config = _config()
    with almacen.motor.begin() as conexion:
        config.attributes["connection"] = conexion
        command.upgrade(config, "0001")
    with almacen.motor.begin() as conexion:
        conexion.execute(text(
            "INSERT INTO borradores (tipo, titulo, datos, version_esquema, errores, creado, modificado, version) "
            "VALUES ('ficha', 'Vieja', '{\"nombre\": \"Vieja\"}', 1, 3, '2024-01-01 10:00:00', "
            "'2024-01-01 10:00:00', 1)"))
    almacen.motor.dispose()
    c = cliente_cuentas(tmp_path, url_bd)  # migra al iniciar
    cuentas = cuentas_de(c)
    assert [n for _i, n, _m in cuentas.equipos()] == ["General"]
    cuentas.crear_usuario("ana", "editor", CLAVE, ("General",))
    entrar(c, "ana")
    assert "Vieja" in c.get("/").text and c.get("/borradores/1").status_code == 200
    # Y se puede volver atrás (downgrade) sin perder el borrador
    with c.app.acuerdo.almacen.motor.begin() as conexion:
        config.attributes["connection"] = conexion
        command.downgrade(config, "0001")
        assert conexion.execute(text("SELECT titulo FROM borradores")).scalar() == "Vieja"


def test_contrasenas_con_argon2_nunca_en_claro(oficina: dict[str, Any]) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from acuerdo_docs.web.cuentas import Usuario

    with Session(oficina["cuentas"].motor) as s:
        claves = s.scalars(select(Usuario.clave)).all()
    assert claves and all(c.startswith("$argon2id$") and CLAVE not in c for c in claves)
    assert len(set(claves)) == len(claves)  # con sal: la misma contraseña, cifras distintas


# ------------------------------------------------------------------ la orden


def test_orden_usuario_y_equipo(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from acuerdo_docs.cli import main

    datos = ["--datos", str(tmp_path)]

    def correr(*argv: str, entrada: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(entrada))
        codigo = main(["web", *argv, *datos])
        capturado = capsys.readouterr()
        return codigo, capturado.out, capturado.err

    assert correr("equipo", "crear", "Laboratorio iBO")[0] == 0
    codigo, salida, _ = correr("usuario", "crear", "ana", "--rol", "administrador", entrada=CLAVE + "\n")
    assert codigo == 0 and "ana" in salida and CLAVE not in salida
    assert correr("usuario", "crear", "luis", "--rol", "editor", "--equipo", "Laboratorio iBO",
                  entrada=CLAVE + "\n")[0] == 0
    codigo, salida, _ = correr("usuario", "lista")
    assert codigo == 0 and "luis\teditor\tactiva\tLaboratorio iBO" in salida and "$argon2" not in salida
    assert correr("usuario", "rol", "luis", "--rol", "lector")[0] == 0
    assert correr("usuario", "desactivar", "luis")[0] == 0
    assert "luis\tlector\tdesactivada" in correr("usuario", "lista")[1]
    assert correr("usuario", "activar", "luis")[0] == 0
    assert correr("usuario", "contrasena", "luis", entrada="otra-clave-larga\n")[0] == 0
    assert correr("equipo", "agregar", "General", "luis")[0] == 0
    assert correr("equipo", "quitar", "Laboratorio iBO", "luis")[0] == 0
    codigo, salida, _ = correr("equipo", "lista")
    assert "General\tluis" in salida and "Laboratorio iBO\t(sin miembros)" in salida
    c = cliente(tmp_path)  # el modo local crea en «General»
    c.post("/nuevo/ficha", data={"_csrf": csrf_de(c.get("/").text)})
    assert correr("equipo", "borrador", "1", "Laboratorio iBO")[0] == 0
    codigo, salida, _ = correr("equipo", "renombrar", "Laboratorio iBO", "Lab iBO")
    assert codigo == 0 and "ahora se llama «Lab iBO»" in salida
    assert correr("equipo", "crear", "Pruebas")[0] == 0 and correr("equipo", "agregar", "Pruebas", "luis")[0] == 0
    codigo, salida, _ = correr("equipo", "eliminar", "Pruebas")
    assert codigo == 0 and "eliminado" in salida and "Pruebas" not in correr("equipo", "lista")[1]
    assert correr("equipo", "renombrar", "Lab iBO", "Laboratorio iBO")[0] == 0
    # La contraseña sirve para entrar
    web = cliente_cuentas(tmp_path)
    assert entrar(web, "luis", "otra-clave-larga").status_code == 303
    # Errores: código 2, en español, sin traza, sin tocar nada
    for argv, entrada, fragmento in [
        (("usuario", "crear", "ana", "--rol", "editor"), CLAVE + "\n", "ya existe el usuario «ana»"),
        (("usuario", "crear", "mala cuenta", "--rol", "editor"), CLAVE + "\n", "no sirve"),
        (("usuario", "crear", "pepe", "--rol", "editor"), "corta\n", "al menos 10 caracteres"),
        (("usuario", "crear", "pepe", "--rol", "editor"), "", "falta la contraseña"),
        (("usuario", "crear", "pepe", "--rol", "editor", "--equipo", "No existe"), CLAVE + "\n", "no existe el equipo"),
        (("usuario", "rol", "nadie", "--rol", "lector"), "", "no existe el usuario «nadie»"),
        (("usuario", "rol", "ana", "--rol", "lector"), "", "único administrador"),
        (("usuario", "desactivar", "ana"), "", "único administrador"),
        (("equipo", "crear", "General"), "", "ya existe el equipo"),
        (("equipo", "borrador", "99", "General"), "", "no existe el borrador 99"),
        (("equipo", "renombrar", "General", "Todos"), "", "no se renombra"),
        (("equipo", "eliminar", "General"), "", "no se elimina"),
        (("equipo", "eliminar", "Laboratorio iBO"), "", "tiene 1 borrador(es)"),
        (("equipo", "renombrar", "No existe", "Otro"), "", "no existe el equipo"),
        (("equipo", "renombrar", "Laboratorio iBO", " "), "", "de 1 a 80 caracteres"),
    ]:
        codigo, _salida, err = correr(*argv, entrada=entrada)
        assert codigo == 2 and fragmento in err and "Traceback" not in err, (argv, err)
    assert "pepe" not in correr("usuario", "lista")[1]
    # La contraseña nunca como argumento: se dice cómo darla
    with pytest.raises(SystemExit) as salida_error:
        correr("usuario", "crear", "pepe", "--rol", "editor", "--contrasena", CLAVE)
    err = capsys.readouterr().err
    assert salida_error.value.code == 2 and "no va en la línea de órdenes" in err and "entrada estándar" in err


def test_sqlite_sin_contrasenas_en_claro_en_el_archivo(tmp_path: Path) -> None:
    web = cliente_cuentas(tmp_path)
    cuentas_de(web).crear_usuario("ana", "editor", CLAVE)
    entrar(web, "ana")
    web.get("/")
    crudo = b"".join(p.read_bytes() for p in tmp_path.glob("acuerdo_docs.sqlite3*"))
    assert CLAVE.encode() not in crudo
    ficha = web.cookies.get(COOKIE_CUENTA).partition(".")[0]
    assert ficha.encode() not in crudo  # la sesión se guarda como su SHA-256
    with sqlite3.connect(tmp_path / "acuerdo_docs.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM sesiones").fetchone() == (1,)


def test_orden_web_con_cuentas(tmp_path: Path) -> None:
    """El proceso de verdad: --cuentas en 127.0.0.1 no muestra token, avisa si no hay administrador y pide entrar."""
    import os
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from apoyo_servidor import detener_orden, esperar_pagina, puerto_libre

    puerto = puerto_libre()
    proceso = subprocess.Popen(
        [sys.executable, "-m", "acuerdo_docs.cli", "web", "--cuentas", "--no-abrir", "--puerto", str(puerto),
         "--datos", str(tmp_path)], stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lineas: list[str] = []
    try:
        limite = time.monotonic() + 60
        while time.monotonic() < limite and not any("Ctrl+C" in linea for linea in lineas):
            lineas.append(proceso.stderr.readline() if proceso.stderr else "")
        texto = "".join(lineas)
        assert "Con cuentas" in texto and "token" not in texto, texto
        assert "acuerdo-docs web usuario crear NOMBRE --rol administrador" in texto
        esperar_pagina(puerto)

        class SinSeguir(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *_a: Any, **_k: Any) -> None:
                return None

        with pytest.raises(urllib.error.HTTPError) as redirigido:
            urllib.request.build_opener(SinSeguir).open(f"http://127.0.0.1:{puerto}/", timeout=10)
        assert redirigido.value.code == 303 and redirigido.value.headers["location"] == "/entrar"
        entrada = urllib.request.urlopen(f"http://127.0.0.1:{puerto}/entrar", timeout=10).read().decode()
        assert "Contraseña" in entrada
    finally:
        _salida, errores = detener_orden(proceso)
    assert "Traceback" not in errores


def test_el_historial_anota_la_cuenta(oficina: dict[str, Any]) -> None:
    """Lo que guarda una cuenta queda en la historia con su nombre (autor_de), no como «local»."""
    ana = _nuevo_cliente(oficina, "ana")
    r = ana.post(f"/borradores/{oficina['a']}/duplicar", data={"_csrf": csrf_de(ana.get("/").text)},
                 follow_redirects=False)
    copia = int(r.headers["location"].split("/")[2].split("?")[0])
    almacen = ana.app.acuerdo.almacen
    assert [rev.autor for rev in almacen.revisiones(copia)] == ["ana"]
    assert [rev.autor for rev in almacen.revisiones(oficina["b"])] == ["carla"]
    historial = ana.get(f"/borradores/{oficina['a']}/historial")
    assert historial.status_code == 200 and "ana" in historial.text


def test_respaldo_lleva_cuentas_y_equipos(oficina: dict[str, Any], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """Respaldo → otra base: las mismas cuentas (la misma contraseña sirve), equipos y borradores por equipo."""
    from acuerdo_docs.cli import main
    from acuerdo_docs.web.bd import url_sqlite

    origen = oficina["bd"] or url_sqlite(oficina["carpeta"])
    respaldo = tmp_path / "respaldo.json"
    assert main(["web", "respaldo", "--bd", origen, "-o", str(respaldo)]) == 0, capsys.readouterr().err
    contenido = json.loads(respaldo.read_text(encoding="utf-8"))
    assert [c["nombre"] for c in contenido["cuentas"]] == ["admin", "ana", "beto", "carla"]
    assert all(c["clave"].startswith("$argon2id$") for c in contenido["cuentas"]) and CLAVE not in respaldo.read_text()
    assert {c["nombre"]: c["equipos"] for c in contenido["cuentas"]}["beto"] == ["Equipo A"]
    assert contenido["equipos"] == ["Equipo A", "Equipo B", "General"]

    destino = tmp_path / "otra"
    destino.mkdir()
    assert main(["web", "restaurar", str(respaldo), "--bd", url_sqlite(destino)]) == 0, capsys.readouterr().err
    segundo = tmp_path / "segundo.json"
    assert main(["web", "respaldo", "--bd", url_sqlite(destino), "-o", str(segundo)]) == 0
    assert segundo.read_bytes() == respaldo.read_bytes()
    web = cliente_cuentas(destino)
    assert entrar(web, "beto").status_code == 303
    assert SECRETO_A in web.get("/").text and SECRETO_B not in web.get("/").text

    # Una cifra que no es argon2 (una contraseña en claro metida a mano) se rechaza nombrando el campo
    contenido["cuentas"][0]["clave"] = "contrasena-en-claro"
    malo = tmp_path / "malo.json"
    malo.write_text(json.dumps(contenido), encoding="utf-8")
    otra = tmp_path / "tercera"
    otra.mkdir()
    assert main(["web", "restaurar", str(malo), "--bd", url_sqlite(otra)]) == 2
    err = capsys.readouterr().err
    assert "cuentas[1].clave" in err and "Traceback" not in err


def test_un_lector_no_ve_botones_que_el_servidor_rechazaria(oficina: dict[str, Any]) -> None:
    """Cada página GET del enrutador con {id}: a un lector no se le muestra ningún formulario POST (solo «Salir»)."""
    lector = _nuevo_cliente(oficina, "beto")
    editora = _nuevo_cliente(oficina, "ana")
    vistas = 0
    con_formularios = 0
    for plantilla, metodos, endpoint in _rutas(lector):
        if "{id" not in plantilla or "GET" not in metodos or getattr(endpoint, "publica", False):
            continue
        ruta = _llenar(plantilla, oficina["a"])
        r = lector.get(ruta)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        vistas += 1
        for accion, cuerpo in re.findall(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', r.text, re.S):
            if accion == "/salir":
                continue
            # un formulario que se muestra para leer: todo deshabilitado y sin botones
            assert "<button" not in cuerpo and ("<input" not in cuerpo or "solo-lectura\" disabled>" in cuerpo), (
                ruta, accion)
        if len(re.findall(r'<form method="post"', editora.get(ruta).text)) > 1:
            con_formularios += 1  # la misma página, a una editora, sí los muestra
    assert vistas >= 6 and con_formularios >= 4, (vistas, con_formularios)
