"""La guardia de la app: token por lanzamiento, cabecera Host, CSRF y cuerpos acotados antes de leerlos.

Como Jupyter: sin el token (en la URL la primera vez, luego en una cookie) no se sirve ninguna página con
datos ni formularios; tras la primera visita se redirige a la misma dirección sin el token, para que no
quede en el historial. La cabecera Host se compara con los nombres locales (rebinding de DNS).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

COOKIE = "acuerdo_docs_sesion"
PREFIJO_HTTPS = "__Host-"
LIMITE_SUBIDA = 25 * 1024 * 1024
"""Bytes de un cuerpo multipart (archivos subidos)."""
LIMITE_FORMULARIO = 2 * 1024 * 1024
"""Bytes de cualquier otro cuerpo (formularios)."""
HOSTS_LOCALES = ("127.0.0.1", "localhost", "::1")
RUTAS_SIN_TOKEN = ("/static/", "/actor/")
"""Lo que se sirve sin el token de la app: los archivos estáticos y las páginas de los actores, cuya
credencial es su propio enlace firmado (``web/enlaces_actores.py``; solo abren lo de ese actor)."""

Asgi = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[MutableMapping[str, Any]]],
     Callable[[MutableMapping[str, Any]], Awaitable[None]]],
    Awaitable[None],
]

_PAGINA = """<!doctype html><html lang="es-CO"><head><meta charset="utf-8"><title>{titulo}</title></head>
<body><main><h1>{titulo}</h1><p>{texto}</p></main></body></html>"""


AUTOR_LOCAL = "local"
"""El autor de lo que se guarda en el modo de una sola persona (127.0.0.1 sin cuentas)."""


def nombre_cookie(nombre: str, segura: bool) -> str:
    """El nombre de una cookie de la app: por HTTPS, con el prefijo ``__Host-``.

    El navegador solo acepta una cookie ``__Host-`` con ``Secure``, ``Path=/`` y sin ``Domain``: ni una
    página por HTTP ni otro sitio del mismo dominio (``otro.oficina.gov.co``) pueden plantarla ni pisarla.
    Por HTTP (una persona en 127.0.0.1) no se puede: sin ``Secure`` el navegador la rechazaría.
    """
    return PREFIJO_HTTPS + nombre if segura else nombre


def autor_de(request: Any) -> str:
    """Quién hace la petición: el nombre de la cuenta (``request.state.usuario``) o «local» sin cuentas."""
    usuario = getattr(request.state, "usuario", None)
    nombre = getattr(usuario, "nombre", None)
    return nombre if isinstance(nombre, str) and nombre else AUTOR_LOCAL


def iguales(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8"))


def nombre_host(valor: str) -> str:
    """``127.0.0.1:8000`` → ``127.0.0.1``; ``[::1]:8000`` → ``::1``."""
    valor = valor.strip().lower()
    if valor.startswith("["):
        return valor[1:].partition("]")[0]
    return valor.rpartition(":")[0] if valor.count(":") == 1 else valor


def limite_de(tipo_contenido: str) -> int:
    return LIMITE_SUBIDA if tipo_contenido.startswith("multipart/form-data") else LIMITE_FORMULARIO


class Guardia:
    """Middleware ASGI: Host, token y tamaño del cuerpo, antes de que la app lea nada."""

    def __init__(self, app: Asgi, token: str | None, hosts: Iterable[str] | None = HOSTS_LOCALES) -> None:
        self.app = app
        self.token = token  # None: modo con cuentas (la sesión la mira web/acceso.py, no el token)
        self.hosts = None if hosts is None else {h.lower().strip("[]") for h in hosts}
        self.acuerdo: Any = None  # el estado de la app (web.app.App), para quien la lanza

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cabeceras = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if self.hosts is not None and nombre_host(cabeceras.get("host", "")) not in self.hosts:
            await _responder(send, 400, "Dirección no permitida",
                             "Esta aplicación solo responde en la dirección local que mostró la terminal.")
            return
        consulta = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        if self.token is None:
            pass
        elif "token" in consulta:
            if not iguales(consulta["token"], self.token):
                await _responder(send, 403, "Token inválido", _SIN_TOKEN)
                return
            resto = urlencode({k: v for k, v in consulta.items() if k != "token"})
            destino = scope["path"] + (f"?{resto}" if resto else "")
            await _redirigir_con_cookie(send, destino, self.token, scope.get("scheme") == "https")
            return
        elif not scope["path"].startswith(RUTAS_SIN_TOKEN) and \
                not iguales(_cookie(cabeceras, scope.get("scheme") == "https"), self.token):
            await _responder(send, 403, "Falta el token", _SIN_TOKEN)
            return
        if scope["method"] in ("POST", "PUT", "PATCH", "DELETE"):
            limite = limite_de(cabeceras.get("content-type", ""))
            largo = cabeceras.get("content-length", "")
            if largo.isdigit() and int(largo) > limite:
                await _responder(send, 413, "Archivo o formulario demasiado grande", _texto_limite(limite))
                return
            cuerpo = bytearray()
            while True:  # se lee acotado, aunque no venga Content-Length (envío por trozos)
                mensaje = await receive()
                if mensaje["type"] == "http.disconnect":
                    return
                cuerpo += mensaje.get("body", b"")
                if len(cuerpo) > limite:
                    await _responder(send, 413, "Archivo o formulario demasiado grande", _texto_limite(limite))
                    return
                if not mensaje.get("more_body"):
                    break
            receive = _repetir(bytes(cuerpo))
        await self.app(scope, receive, send)


_SIN_TOKEN = ("Abra la dirección completa (con ?token=…) que mostró la orden «acuerdo-docs web» en la terminal. "
              "Cada vez que se inicia la aplicación se crea un token nuevo.")


def _texto_limite(limite: int) -> str:
    return f"El envío pasa de {limite // (1024 * 1024)} MB, el máximo que se acepta. Use un archivo más pequeño."


def _cookie(cabeceras: dict[str, str], segura: bool) -> str | None:
    galleta: SimpleCookie = SimpleCookie()
    try:
        galleta.load(cabeceras.get("cookie", ""))
    except Exception:  # una cookie mal formada es lo mismo que ninguna
        return None
    nombre = nombre_cookie(COOKIE, segura)
    return galleta[nombre].value if nombre in galleta else None


def _repetir(cuerpo: bytes) -> Callable[[], Awaitable[dict[str, Any]]]:
    entregado = False

    async def recibir() -> dict[str, Any]:
        nonlocal entregado
        if entregado:
            return {"type": "http.disconnect"}
        entregado = True
        return {"type": "http.request", "body": cuerpo, "more_body": False}

    return recibir


async def _responder(send: Any, estado: int, titulo: str, texto: str) -> None:
    from html import escape

    cuerpo = _PAGINA.format(titulo=escape(titulo), texto=escape(texto)).encode("utf-8")
    await send({"type": "http.response.start", "status": estado, "headers": [
        (b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(cuerpo)).encode()),
        *_CABECERAS,
    ]})
    await send({"type": "http.response.body", "body": cuerpo})


async def _redirigir_con_cookie(send: Any, destino: str, token: str, segura: bool = False) -> None:
    # Secure por https (también el que dice un proxy confiable, web/proxy.py): el navegador no la envía en claro.
    cookie = f"{nombre_cookie(COOKIE, segura)}={token}; Path=/; HttpOnly; SameSite=Strict"
    cookie += "; Secure" if segura else ""
    await send({"type": "http.response.start", "status": 303, "headers": [
        (b"location", destino.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
        (b"content-length", b"0"), (b"cache-control", b"no-store"), *_CABECERAS,
    ]})
    await send({"type": "http.response.body", "body": b""})


_CABECERAS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
]
CABECERAS = _CABECERAS
"""Cabeceras de seguridad de toda respuesta (también las de la app)."""
