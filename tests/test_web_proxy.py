"""Detrás de un proxy inverso: X-Forwarded-For y X-Forwarded-Proto se creen solo de las direcciones de
--proxy-confiable, con uvicorn de verdad (la configuración que usa «acuerdo-docs web») y la orden entera.

Sin --proxy-confiable nadie es confiable, ni 127.0.0.1 (uvicorn, por omisión, le cree a 127.0.0.1): un
cliente del mismo equipo no puede decir que llegó por https ni desde otra dirección.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from apoyo_servidor import detener_orden, esperar_pagina, puerto_libre
from apoyo_web import exigir_extra_web, servir

exigir_extra_web()

from acuerdo_docs.cli import main  # noqa: E402
from acuerdo_docs.errores import ErrorEntrada  # noqa: E402
from acuerdo_docs.web import proxy  # noqa: E402

FALSAS = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7", "X-Forwarded-Proto": "https"}


async def _eco(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Una app ASGI que responde lo que ve: la dirección del cliente y el esquema."""
    if scope["type"] == "lifespan":
        mensaje = await receive()
        while mensaje["type"] != "lifespan.shutdown":
            await send({"type": mensaje["type"] + ".complete"})
            mensaje = await receive()
        await send({"type": "lifespan.shutdown.complete"})
        return
    cuerpo = json.dumps({"cliente": scope["client"][0], "esquema": scope["scheme"]}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": cuerpo})


@contextmanager
def _servidor(app: Any, confiables: tuple[str, ...]) -> Iterator[int]:
    with servir(app, proxy.configuracion(app, confiables)) as direccion:
        yield int(direccion.rsplit(":", 1)[1])


def _pedir(puerto: int, ruta: str = "/", cabeceras: dict[str, str] | None = None) -> http.client.HTTPResponse:
    conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=10)
    conexion.request("GET", ruta, headers=cabeceras or {})
    respuesta = conexion.getresponse()
    respuesta.read()
    conexion.close()
    return respuesta


def _ve(puerto: int, cabeceras: dict[str, str]) -> dict[str, str]:
    conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=10)
    conexion.request("GET", "/", headers=cabeceras)
    datos: dict[str, str] = json.loads(conexion.getresponse().read())
    conexion.close()
    return datos


@pytest.mark.parametrize("confiables, creidas", [
    ((), False),                       # sin --proxy-confiable: nadie (tampoco 127.0.0.1, que uvicorn creería)
    (("10.1.2.3",), False),            # el proxy es otro equipo: el cliente local no es él
    (("::1", "192.0.2.0/24"), False),
    (("127.0.0.1",), True),
    (("10.0.0.0/8", "127.0.0.0/8"), True),
], ids=["nadie", "otro_proxy", "otras_redes", "proxy_local", "red_del_proxy"])
def test_cabeceras_del_proxy_solo_de_direcciones_confiables(confiables: tuple[str, ...], creidas: bool) -> None:
    with _servidor(_eco, confiables) as puerto:
        assert _ve(puerto, {}) == {"cliente": "127.0.0.1", "esquema": "http"}
        visto = _ve(puerto, FALSAS)
    if creidas:
        # De la cadena, el último que no es un proxy confiable: lo que escribió el cliente (198.51.100.1) no cuenta.
        assert visto == {"cliente": "203.0.113.7", "esquema": "https"}
    else:
        assert visto == {"cliente": "127.0.0.1", "esquema": "http"}


def test_la_cookie_es_secure_solo_por_https_de_un_proxy_confiable(tmp_path: Any) -> None:
    """La app entera (crear_app) detrás de la configuración de la orden: la cookie del token lleva Secure
    solo si el proxy confiable dice https; a un cliente cualquiera que lo dice no se le cree."""
    from apoyo_web import TOKEN

    from acuerdo_docs.web.app import crear_app

    app = crear_app(tmp_path, None, TOKEN)
    for confiables, esperado in (((), False), (("127.0.0.1",), True)):
        with _servidor(app, confiables) as puerto:
            normal = _pedir(puerto, f"/?token={TOKEN}", {"Host": "127.0.0.1"})
            assert normal.status == 303 and "Secure" not in normal.getheader("set-cookie", "")
            r = _pedir(puerto, f"/?token={TOKEN}", {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
            cookie = r.getheader("set-cookie", "")
            assert r.status == 303 and "HttpOnly" in cookie
            assert ("; Secure" in cookie) is esperado, (confiables, cookie)
            # Por https, el prefijo __Host-; y con él (no con el nombre sin prefijo) se entra
            assert cookie.startswith("__Host-acuerdo_docs_sesion=") is esperado, cookie
            if esperado:
                par = cookie.split(";")[0]
                sin_prefijo = par.removeprefix("__Host-")
                https = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
                assert _pedir(puerto, "/", {**https, "Cookie": par}).status == 200
                assert _pedir(puerto, "/", {**https, "Cookie": sin_prefijo}).status == 403
                assert _pedir(puerto, "/", {"Host": "127.0.0.1", "Cookie": sin_prefijo}).status == 200


def test_direcciones_confiables_se_validan() -> None:
    assert proxy.direcciones_confiables("127.0.0.1, ::1,10.0.0.0/24 ,") == ("127.0.0.1", "::1", "10.0.0.0/24")
    assert proxy.direcciones_confiables("10.0.0.7/32") == ("10.0.0.7",)
    for malo, mensaje in (("*", "confiaría en cualquiera"), ("proxy.oficina", "no es una dirección IP"),
                          (" , ", "al menos una")):
        with pytest.raises(ErrorEntrada, match=mensaje):
            proxy.direcciones_confiables(malo)


def test_proxy_confiable_malo_error_claro(capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    assert main(["web", "--no-abrir", "--datos", str(tmp_path), "--proxy-confiable", "*"]) == 2
    err = capsys.readouterr().err
    assert "--proxy-confiable" in err and "Traceback" not in err


@contextmanager
def _orden(*argumentos: str) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    proceso = subprocess.Popen([sys.executable, "-m", "acuerdo_docs.cli", "web", "--no-abrir", *argumentos],
                               stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    lineas: list[str] = []
    try:
        limite = time.monotonic() + 60
        while time.monotonic() < limite:
            linea = proceso.stderr.readline() if proceso.stderr else ""
            if not linea:
                break
            lineas.append(linea)
            if "Ctrl+C" in linea:
                break
        yield proceso, lineas
    finally:
        detener_orden(proceso)


def test_orden_con_proxy_confiable_lo_dice_y_lo_aplica(tmp_path: Any) -> None:
    puerto = puerto_libre()
    with _orden("--datos", str(tmp_path), "--puerto", str(puerto), "--proxy-confiable", "127.0.0.1") as (_p, lineas):
        texto = "".join(lineas)
        assert "se creen solo de 127.0.0.1" in texto, texto
        # Con un proxy delante la usan otras personas: con cuentas (sin token en la dirección)
        assert "Con cuentas" in texto and "?token=" not in texto, texto
        esperar_pagina(puerto)
        r = _pedir(puerto, "/entrar", {"X-Forwarded-Proto": "https", "Host": "acuerdos.oficina.gov.co"})
        assert r.status == 200 and "; Secure" in r.getheader("set-cookie", "")
        r = _pedir(puerto, "/entrar")
        assert r.status == 200 and "Secure" not in r.getheader("set-cookie", "")


def test_orden_en_toda_la_red_avisa(tmp_path: Any) -> None:
    """--host 0.0.0.0: la orden dice que otros equipos pueden conectarse y, sin proxy, que nada va cifrado."""
    puerto = puerto_libre()
    with _orden("--datos", str(tmp_path), "--puerto", str(puerto), "--host", "0.0.0.0") as (_p, lineas):
        texto = "".join(lineas)
    assert "todas las interfaces de red" in texto and "otros equipos pueden conectarse" in texto, texto
    assert "sin un proxy con TLS delante" in texto and "docs/servidor.md" in texto
