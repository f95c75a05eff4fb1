"""«Cambiar mi contraseña» (/cuenta/contrasena): cada cuenta cambia la suya, sin un administrador.

Pide la contraseña actual (frenada como la entrada), aplica las reglas de la biblioteca, cierra las otras
sesiones y rota la de este navegador. En SQLite y en PostgreSQL (clúster desechable) lo que toca la base.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest

from apoyo_web import CLAVE, cliente, cliente_cuentas, csrf_de, cuentas_de, entrar, exigir_extra_web

exigir_extra_web()

from acuerdo_docs.web.acceso import COOKIE_CUENTA, INTENTOS_USUARIO  # noqa: E402
from acuerdo_docs.web.cuentas import MAXIMO_CONTRASENA, MINIMO_CONTRASENA  # noqa: E402

RUTA = "/cuenta/contrasena"
NUEVA = "frase-nueva-de-beto"


@pytest.fixture
def oficina(tmp_path: Path, url_bd: str | None) -> dict[str, Any]:
    """beto es lector (el rol que menos puede: también cambia la suya); ana, editora."""
    c = cliente_cuentas(tmp_path, url_bd)
    cuentas = cuentas_de(c)
    cuentas.crear_usuario("beto", "lector", CLAVE)
    cuentas.crear_usuario("ana", "editor", CLAVE)
    return {"carpeta": tmp_path, "bd": url_bd, "cuentas": cuentas, "c": c}


def _navegador(oficina: dict[str, Any], nombre: str | None = "beto") -> Any:
    """Otro navegador contra el mismo servidor (la misma app: el mismo limitador); con sesión si se da ``nombre``."""
    from starlette.testclient import TestClient

    c = TestClient(oficina["c"].app, base_url=str(oficina["c"].base_url))
    if nombre:
        assert entrar(c, nombre).status_code == 303
    return c


def _cambiar(c: Any, actual: str = CLAVE, nueva: str = NUEVA, repetida: str | None = None, **extra: Any) -> Any:
    datos = {"_csrf": csrf_de(c.get(RUTA).text), "actual": actual, "nueva": nueva,
             "repetida": nueva if repetida is None else repetida, **extra}
    return c.post(RUTA, data=datos, follow_redirects=False)


def _error_de(texto: str, campo: str) -> str:
    """El mensaje junto al campo (y el campo marcado inválido y enlazado desde el resumen)."""
    encontrado = re.search(rf'<p class="mensaje-error" id="{campo}-error"><span class="oculto">Error: </span>([^<]+)</p>',
                           texto)
    assert encontrado, campo
    assert re.search(rf'id="{campo}"[^>]*aria-describedby="[^"]*{campo}-error"[^>]*aria-invalid="true"', texto)
    assert f'<a href="#{campo}">{encontrado.group(1)}</a>' in texto
    return encontrado.group(1)


def test_pagina_del_formulario(oficina: dict[str, Any]) -> None:
    beto = _navegador(oficina)
    inicio = beto.get("/").text
    assert '<a href="/cuenta/contrasena">Cambiar mi contraseña</a>' in inicio  # en la cabecera, junto a «Salir»
    pagina = beto.get(RUTA)
    assert pagina.status_code == 200 and pagina.headers["cache-control"] == "no-store"
    texto = pagina.text
    assert "<h1>Cambiar mi contraseña</h1>" in texto and "<strong>beto</strong>" in texto
    for campo, nombre, etiqueta, auto in (("c-actual", "actual", "Contraseña actual", "current-password"),
                                          ("c-nueva", "nueva", "Contraseña nueva", "new-password"),
                                          ("c-repetida", "repetida", "Repita la contraseña nueva", "new-password")):
        assert f'<label for="{campo}">{etiqueta}</label>' in texto
        assert f'<input type="password" id="{campo}" name="{nombre}" autocomplete="{auto}"' in texto
    assert f"Al menos {MINIMO_CONTRASENA} caracteres" in texto  # la regla de la biblioteca, no una copia
    assert '<button type="submit">Cambiar la contraseña</button>' in texto
    assert csrf_de(texto) == csrf_de(inicio)  # el CSRF de la sesión
    # El aviso de las cuentas de lectura va en las demás páginas, no en esta (aquí un lector sí cambia lo suyo)
    assert "Su cuenta es de lectura" in inicio and "Su cuenta es de lectura" not in texto
    assert 'autocomplete="username"' in texto  # el gestor de contraseñas sabe de qué cuenta es
    # Los gestores de contraseñas llegan por la dirección conocida (W3C)
    r = beto.get("/.well-known/change-password", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == RUTA


def test_cambiar_cierra_las_otras_sesiones_y_rota_esta(oficina: dict[str, Any]) -> None:
    beto, otro = _navegador(oficina), _navegador(oficina)  # la misma cuenta en dos navegadores
    cookie_vieja = beto.cookies.get(COOKIE_CUENTA)
    r = _cambiar(beto)
    assert r.status_code == 303 and r.headers["location"] == f"{RUTA}?aviso=cambiada"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE_CUENTA}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert cookie.split(";")[0].split("=", 1)[1] != cookie_vieja  # ficha nueva, como al entrar
    hecho = beto.get(r.headers["location"])
    assert hecho.status_code == 200 and "Se cambió su contraseña" in hecho.text and 'role="status"' in hecho.text
    assert "beto" in beto.get("/").text  # este navegador sigue dentro
    # El otro navegador y quien hubiera copiado la cookie vieja quedan fuera
    assert otro.get("/", follow_redirects=False).status_code == 303
    copia = _navegador(oficina, None)
    copia.cookies.set(COOKIE_CUENTA, cookie_vieja)
    assert copia.get("/", follow_redirects=False).status_code == 303
    # La vieja ya no entra; la nueva sí; guardada con argon2, nunca en claro
    assert entrar(_navegador(oficina, None), "beto").status_code == 401
    assert entrar(_navegador(oficina, None), "beto", NUEVA).status_code == 303
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from acuerdo_docs.web.cuentas import Usuario

    with Session(oficina["cuentas"].motor) as s:
        clave = s.scalar(select(Usuario.clave).where(Usuario.nombre == "beto"))
    assert clave.startswith("$argon2id$") and NUEVA not in clave
    # Las sesiones de otra cuenta no se tocan
    ana = _navegador(oficina, "ana")
    assert _cambiar(beto, NUEVA, "otra-frase-de-beto").status_code == 303
    assert "ana" in ana.get("/").text


def test_cada_error_nombra_su_campo(tmp_path: Path) -> None:
    """Sin base propia de PostgreSQL: los mensajes no dependen de la base (el flujo sí corre en las dos)."""
    oficina = {"c": cliente_cuentas(tmp_path)}
    cuentas_de(oficina["c"]).crear_usuario("beto", "lector", CLAVE)
    beto = _navegador(oficina)
    casos = [
        ({"actual": ""}, "c-actual", "Escriba su contraseña actual."),
        ({"actual": "no-es-la-clave"}, "c-actual", "La contraseña actual no es correcta."),
        ({"nueva": "corta", "repetida": "corta"}, "c-nueva",
         f"La contraseña nueva debe tener al menos {MINIMO_CONTRASENA} caracteres."),
        ({"nueva": "x" * (MAXIMO_CONTRASENA + 1)}, "c-nueva",
         f"La contraseña nueva pasa de {MAXIMO_CONTRASENA} caracteres."),
        ({"nueva": CLAVE}, "c-nueva", "La contraseña nueva es igual a la actual: elija otra."),
        ({"repetida": ""}, "c-repetida", "Repita la contraseña nueva."),
        ({"repetida": NUEVA + "x"}, "c-repetida",
         "La repetición no coincide con la contraseña nueva: escriba la misma en los dos campos."),
    ]
    for datos, campo, mensaje in casos:
        r = _cambiar(beto, **{"actual": CLAVE, "nueva": NUEVA, **datos})
        assert r.status_code == 400, datos
        assert _error_de(r.text, campo) == mensaje
        assert r.text.count('class="mensaje-error"') == 1, datos  # solo ese campo
        assert "<title>Error: Cambiar mi contraseña" in r.text and "Hay 1 problema que corregir" in r.text
        assert "Traceback" not in r.text
        for valor in (CLAVE, NUEVA, "no-es-la-clave"):  # ninguna contraseña vuelve en la página
            assert valor not in r.text, (datos, valor)
    # Todo mal a la vez: los tres errores, en el orden del formulario
    r = _cambiar(beto, "no-es-la-clave", "corta", "otra")
    assert re.findall(r'<a href="#(c-[a-z]+)">', r.text) == ["c-actual", "c-nueva", "c-repetida"]
    # Nada cambió: la contraseña de siempre sigue entrando
    assert entrar(_navegador(oficina, None), "beto").status_code == 303


def test_fuerza_bruta_frenada_como_la_entrada(oficina: dict[str, Any]) -> None:
    """Los fallos de la contraseña actual cuentan en el limitador de la entrada, por cuenta."""
    beto, otro = _navegador(oficina), _navegador(oficina)
    for _ in range(INTENTOS_USUARIO):
        assert _error_de(_cambiar(beto, "no-es-la-clave").text, "c-actual") == "La contraseña actual no es correcta."
    r = _cambiar(beto)  # ahora, ni con la buena
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert _error_de(r.text, "c-actual").startswith("Demasiados intentos fallidos. Espere 15 minutos")
    assert COOKIE_CUENTA not in r.headers.get("set-cookie", "")
    # Desde otra sesión de la cuenta tampoco, y la entrada (la misma cuenta en el limitador) tampoco
    assert _cambiar(otro).status_code == 429
    assert entrar(_navegador(oficina, None), "beto").status_code == 429
    # Otra cuenta no se frena
    assert _cambiar(_navegador(oficina, "ana")).status_code == 303
    acceso = _starlette(oficina["c"]).state.acceso
    acceso.por_usuario.olvidar("u:beto")
    assert entrar(_navegador(oficina, None), "beto").status_code == 303  # la de siempre: no se cambió


def _starlette(c: Any) -> Any:
    app = c.app
    while not hasattr(app, "router"):
        app = app.app
    return app


def test_fallos_en_la_entrada_frenan_la_pagina(oficina: dict[str, Any]) -> None:
    """Y al revés: quien ya falló en «Entrar» no sigue probando aquí."""
    beto = _navegador(oficina)
    for _ in range(INTENTOS_USUARIO):
        assert entrar(_navegador(oficina, None), "beto", "no-es-la-clave").status_code == 401
    assert _cambiar(beto).status_code == 429
    # Vacío no cuenta como intento (no prueba nada): tras olvidar, un envío vacío no frena
    _starlette(oficina["c"]).state.acceso.por_usuario.olvidar("u:beto")
    for _ in range(INTENTOS_USUARIO + 1):
        assert _cambiar(beto, "").status_code == 400
    assert _cambiar(beto).status_code == 303


def test_csrf_y_sesion_obligatorios(oficina: dict[str, Any]) -> None:
    beto = _navegador(oficina)
    ajeno = csrf_de(_navegador(oficina, "ana").get("/").text)
    previo = csrf_de(_navegador(oficina, None).get("/entrar").text)
    for token in (None, "falso", ajeno, previo):
        datos = {"actual": CLAVE, "nueva": NUEVA, "repetida": NUEVA}
        r = beto.post(RUTA, data=datos if token is None else {"_csrf": token, **datos}, follow_redirects=False)
        assert r.status_code == 403, token
    assert entrar(_navegador(oficina, None), "beto").status_code == 303  # nada cambió
    # Sin sesión: GET a la entrada (recordando adónde iba), POST rechazado
    anonimo = _navegador(oficina, None)
    r = anonimo.get(RUTA, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/entrar?siguiente=%2Fcuenta%2Fcontrasena"
    r = anonimo.post(RUTA, data={"_csrf": previo, "actual": CLAVE, "nueva": NUEVA, "repetida": NUEVA},
                     follow_redirects=False)
    assert r.status_code == 403
    assert entrar(anonimo, "beto").status_code == 303


def test_sin_cuentas_no_hay_pagina(tmp_path: Path) -> None:
    """En el modo local (una persona, token) no hay cuentas: ni la ruta ni el enlace."""
    local = cliente(tmp_path)
    assert "Cambiar mi contraseña" not in local.get("/").text
    assert local.get(RUTA).status_code == 404


def test_nada_personal_en_los_registros(oficina: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    beto = _navegador(oficina)
    with caplog.at_level(logging.DEBUG):
        _cambiar(beto, "no-es-la-clave")
        _cambiar(beto, CLAVE, "corta", "corta")
        assert _cambiar(beto).status_code == 303
    registrado = "\n".join(f"{r.name} {r.getMessage()} {r.args!r}" for r in caplog.records)
    for dato in (CLAVE, NUEVA, "no-es-la-clave", "corta", "beto"):
        assert dato not in registrado, dato
