"""Quién entra y qué puede hacer, en el modo con cuentas: sesión, rol y borrador, en cada petición.

El middleware ``Acceso`` mira la ruta que va a atender Starlette antes de atenderla: sin sesión no se
sirve ninguna página (salvo las marcadas con ``publica``); un lector no envía ningún formulario; en una
ruta con ``{id}`` (un borrador) solo pasa quien es miembro del equipo del borrador (un administrador,
siempre): leerlo pide ser miembro, cambiarlo pide además ser editor. Así una ruta nueva queda protegida
sin que nadie se acuerde de hacerlo. Deja ``request.state.usuario`` (``UsuarioActual``: nombre, rol,
equipos) para el resto de la app; ``autor_de(request)`` da el nombre que se anota en la historia.

Sin cuentas (127.0.0.1 sin ``--cuentas``) nada de esto corre: rige la guardia del token (seguridad.py)
y ``autor_de`` da «local».
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, MutableMapping
from contextvars import ContextVar
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Match, Route

from .cuentas import VIDA_SESION, Cuentas, UsuarioActual
from .seguridad import autor_de, nombre_cookie

__all__ = ["Acceso", "autor_de", "publica", "usuario_de"]  # autor_de vive en seguridad (también sin cuentas)

COOKIE_CUENTA = "acuerdo_docs_cuenta"
COOKIE_PREVIA = "acuerdo_docs_previa"
"""La cookie de quien aún no entró: ata el CSRF del formulario de entrada (y de las páginas públicas)."""
LECTURA = ("GET", "HEAD")
INTENTOS_USUARIO = 5
INTENTOS_DIRECCION = 20
VENTANA = 15 * 60
"""Intentos fallidos de entrada que se toleran por cuenta y por dirección en esta ventana (segundos)."""

_ACTUAL: ContextVar[tuple[UsuarioActual | None, str]] = ContextVar("acuerdo_docs_acceso", default=(None, ""))
F = TypeVar("F", bound=Callable[..., Any])


def publica(endpoint: F) -> F:
    """Marca una ruta que se sirve sin sesión (la entrada; el enlace firmado de un actor)."""
    endpoint.publica = True  # type: ignore[attr-defined]
    return endpoint


def es_publica(endpoint: Any) -> bool:
    return bool(getattr(endpoint, "publica", False))


def usuario_de(request: Request) -> UsuarioActual | None:
    """Quién hace la petición; ``None`` sin cuentas (modo local) o sin sesión."""
    usuario = getattr(request.state, "usuario", None)
    return usuario if isinstance(usuario, UsuarioActual) else None


def csrf_actual() -> str:
    """El token CSRF de esta petición en el modo con cuentas (de la sesión, o de la cookie previa)."""
    return _ACTUAL.get()[1]


def usuario_actual() -> UsuarioActual | None:
    """Para las plantillas: quién entró (``None`` sin cuentas)."""
    return _ACTUAL.get()[0]


def escribe_en(borrador: Any) -> bool:
    """Para las plantillas: si quien entró puede cambiar ``borrador`` (sin cuentas, siempre).

    Las páginas solo muestran los botones que el servidor aceptaría; el servidor lo comprueba igual.
    """
    usuario = usuario_actual()
    return usuario is None or usuario.puede_escribir(borrador.equipo_id)


def equipos_visibles(request: Request) -> frozenset[int] | None:
    """Los equipos cuyos borradores ve quien pide (``None``: todos; sin cuentas o administrador)."""
    usuario = usuario_de(request)
    return None if usuario is None or usuario.administrador else usuario.equipos


class Limitador:
    """Intentos fallidos por clave (cuenta o dirección) en una ventana deslizante, en memoria del proceso."""

    def __init__(self, maximo: int, ventana: float = VENTANA) -> None:
        self.maximo, self.ventana = maximo, ventana
        self._fallos: dict[str, deque[float]] = {}
        self._cerrojo = threading.Lock()

    def _vigentes(self, clave: str, ahora: float) -> deque[float]:
        fallos = self._fallos.get(clave, deque())
        while fallos and fallos[0] <= ahora - self.ventana:
            fallos.popleft()
        return fallos

    def espera(self, clave: str, ahora: float | None = None) -> float:
        """Segundos que faltan para poder volver a intentar (0: puede)."""
        ahora = time.monotonic() if ahora is None else ahora
        with self._cerrojo:
            fallos = self._vigentes(clave, ahora)
            return max(0.0, fallos[0] + self.ventana - ahora) if len(fallos) >= self.maximo else 0.0

    def fallo(self, clave: str, ahora: float | None = None) -> None:
        ahora = time.monotonic() if ahora is None else ahora
        with self._cerrojo:
            if len(self._fallos) > 10000:  # acotado: se olvidan las claves sin fallos vigentes
                self._fallos = {k: v for k, v in self._fallos.items() if self._vigentes(k, ahora)}
            self._fallos.setdefault(clave, deque()).append(ahora)
            self._fallos[clave] = self._vigentes(clave, ahora)

    def olvidar(self, clave: str) -> None:
        with self._cerrojo:
            self._fallos.pop(clave, None)


def _cookie(nombre: str, valor: str, segura: bool, duracion: int | None) -> bytes:
    partes = [f"{nombre_cookie(nombre, segura)}={valor}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if duracion is not None:
        partes.append(f"Max-Age={duracion}")
    if segura:
        partes.append("Secure")
    return "; ".join(partes).encode("latin-1")


class Acceso:
    """Middleware ASGI del modo con cuentas (va dentro de la ``Guardia``, alrededor de Starlette)."""

    def __init__(self, app: Any, cuentas: Cuentas) -> None:
        from itsdangerous import TimestampSigner

        self.app = app
        self.cuentas = cuentas
        self.secreto = cuentas.secreto()
        self.firma = TimestampSigner(self.secreto, salt="acuerdo-docs-sesion")
        self.por_usuario = Limitador(INTENTOS_USUARIO)
        self.por_direccion = Limitador(INTENTOS_DIRECCION)
        app.state.acceso = self

    # ------------------------------------------------------------ cookies

    def firmar(self, ficha: str) -> str:
        return str(self.firma.sign(ficha).decode("ascii"))

    def ficha_de(self, valor: str | None) -> str | None:
        """La ficha de sesión de la cookie si la firma es buena y no pasó la vida de una sesión."""
        from itsdangerous import BadSignature

        if not valor:
            return None
        try:
            return str(self.firma.unsign(valor, max_age=int(VIDA_SESION.total_seconds())).decode("ascii"))
        except (BadSignature, UnicodeDecodeError):
            return None

    def csrf_previo(self, previa: str) -> str:
        return hmac.new(self.secreto.encode(), b"previa:" + previa.encode(), hashlib.sha256).hexdigest()

    def cookie_sesion(self, ficha: str, segura: bool) -> bytes:
        return _cookie(COOKIE_CUENTA, self.firmar(ficha), segura, int(VIDA_SESION.total_seconds()))

    # ------------------------------------------------------------ cada petición

    def _ruta(self, scope: MutableMapping[str, Any]) -> tuple[Any, dict[str, Any]]:
        for ruta in self.app.router.routes:
            coincide, hijo = ruta.matches(scope)
            if coincide in (Match.FULL, Match.PARTIAL):
                return hijo.get("endpoint"), dict(hijo.get("path_params", {}))
        return None, {}

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        segura = scope.get("scheme") == "https"
        ficha = self.ficha_de(_leer_cookie(request, COOKIE_CUENTA))
        usuario = self.cuentas.usuario_de_sesion(ficha) if ficha else None
        estado = scope.setdefault("state", {})
        estado["usuario"] = usuario
        endpoint, params = self._ruta(scope)
        abierta = scope["path"].startswith("/static/") or (endpoint is not None and es_publica(endpoint))
        previa_nueva = None
        if usuario is None:
            previa = _leer_cookie(request, COOKIE_PREVIA) or ""
            if len(previa) < 20:
                previa = previa_nueva = secrets.token_urlsafe(24)
            csrf = self.csrf_previo(previa)
        else:
            csrf = usuario.csrf
        estado["csrf"] = csrf
        marca = _ACTUAL.set((usuario, csrf))
        try:
            if not abierta:
                negada = self._negada(request, usuario, endpoint, params)
                if negada is not None:
                    await negada(scope, receive, send)
                    return
            if previa_nueva is not None:
                send = _con_cookie(send, _cookie(COOKIE_PREVIA, previa_nueva, segura, None))
            await self.app(scope, receive, send)
        finally:
            _ACTUAL.reset(marca)

    def _negada(self, request: Request, usuario: UsuarioActual | None, endpoint: Any,
                params: dict[str, Any]) -> Response | None:
        """La respuesta si la petición no puede pasar; ``None`` si puede."""
        app: Any = self.app.state.acuerdo
        lectura = request.method in LECTURA
        if usuario is None:
            if not lectura:
                return _r(app.pagina("mensaje.html", 403, titulo="Su sesión terminó",
                                  texto="Entre de nuevo con su usuario y contraseña; luego repita el cambio."))
            destino = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            direccion = f"/entrar?siguiente={quote(destino, safe='')}" if destino != "/" else "/entrar"
            if request.headers.get("hx-request"):  # htmx: que cambie la página entera, no un trozo
                return Response(status_code=401, headers={"hx-redirect": direccion, "cache-control": "no-store"})
            return RedirectResponse(direccion, status_code=303, headers={"cache-control": "no-store"})
        if endpoint is not None and getattr(endpoint, "solo_administrador", False) and not usuario.administrador:
            return _r(app.pagina("mensaje.html", 403, titulo="Solo para administradores",
                              texto="Esta página es de quien administra las cuentas y los equipos."))
        if not lectura and not usuario.escribe and not getattr(endpoint, "para_todos", False):
            return _r(app.pagina("mensaje.html", 403, titulo="Su cuenta es de lectura",
                              texto="Puede ver los borradores de sus equipos, no cambiarlos. Si necesita "
                                    "editar, pida a un administrador el rol de editor."))
        if "id" in params:
            equipo = app.almacen.equipo_de(int(params["id"]))
            if equipo is None or not usuario.puede_leer(equipo):  # lo ajeno no se distingue de lo inexistente
                return _r(app.pagina("mensaje.html", 404, titulo="No se pudo completar",
                                  texto="Ese borrador no existe (quizá se eliminó)."))
            if not lectura and not usuario.puede_escribir(equipo):
                return _r(app.pagina("mensaje.html", 403, titulo="Borrador de solo lectura",
                                  texto="Puede ver este borrador, no cambiarlo: es de un equipo en el que no edita."))
        return None


def solo_administrador(endpoint: F) -> F:
    """Marca una ruta de la administración de cuentas y equipos."""
    endpoint.solo_administrador = True  # type: ignore[attr-defined]
    return endpoint


def para_todos(endpoint: F) -> F:
    """Marca un envío que también puede hacer un lector (salir, cambiar su propia contraseña)."""
    endpoint.para_todos = True  # type: ignore[attr-defined]
    return endpoint


def _leer_cookie(request: Request, nombre: str) -> str | None:
    """La cookie ``nombre`` de la app con el nombre que le toca a esta petición (ver :func:`nombre_cookie`)."""
    return request.cookies.get(nombre_cookie(nombre, request.url.scheme == "https"))


def _con_cookie(send: Any, cookie: bytes) -> Any:
    async def enviar(mensaje: dict[str, Any]) -> None:
        if mensaje["type"] == "http.response.start":
            mensaje = {**mensaje, "headers": [*mensaje.get("headers", []), (b"set-cookie", cookie)]}
        await send(mensaje)

    return enviar


# ------------------------------------------------------------------ entrar y salir


def _r(respuesta: Any) -> Response:
    """Una página de la app (``App.pagina``) como ``Response`` (acceso no importa app: evita el ciclo)."""
    assert isinstance(respuesta, Response)
    return respuesta


def _siguiente(valor: str) -> str:
    """Solo rutas de esta app (nunca ``//otro.sitio`` ni una URL completa): sin redirecciones abiertas."""
    return valor if valor.startswith("/") and not valor.startswith(("//", "/\\")) else "/"


def frase(texto: str) -> str:
    """Un mensaje de la biblioteca («la contraseña debe…») como frase de página: mayúscula y punto."""
    return texto[:1].upper() + texto[1:] + "."


def _acceso(request: Request) -> Acceso:
    acceso: Acceso = request.app.state.acceso
    return acceso


def clave_usuario(nombre: str) -> str:
    """La clave de una cuenta en el limitador: la entrada y «Cambiar mi contraseña» cuentan juntas."""
    return f"u:{nombre.lower()}"


def demasiados_intentos(espera: float) -> str:
    minutos = max(1, round(espera / 60))
    return f"Demasiados intentos fallidos. Espere {minutos} minuto{'s' if minutos != 1 else ''} y vuelva a intentarlo."


@publica
async def entrar(request: Request) -> Response:
    app: Any = request.app.state.acuerdo
    siguiente = _siguiente(request.query_params.get("siguiente", "/"))
    if request.method in LECTURA:
        if usuario_de(request) is not None:
            return RedirectResponse(siguiente, status_code=303)
        return _r(app.pagina("entrar.html", titulo="Entrar", nombre="", siguiente=siguiente, error=""))
    enviado: FormData = await app.formulario(request)
    nombre = str(enviado.get("usuario", "")).strip()[:80]
    contrasena = str(enviado.get("contrasena", ""))
    siguiente = _siguiente(str(enviado.get("siguiente", "/")))
    acceso = _acceso(request)
    direccion = request.client.host if request.client else "?"
    claves = (clave_usuario(nombre), f"d:{direccion}")
    espera = max(acceso.por_usuario.espera(claves[0]), acceso.por_direccion.espera(claves[1]))
    if espera:
        pagina: Response = app.pagina("entrar.html", 429, titulo="Entrar", nombre=nombre, siguiente=siguiente,
                                      error=demasiados_intentos(espera))
        pagina.headers["retry-after"] = str(int(espera) + 1)
        return pagina
    # argon2 tarda a propósito: en un hilo, para que el servidor siga atendiendo a los demás mientras tanto.
    usuario_id = await run_in_threadpool(acceso.cuentas.autenticar, nombre, contrasena) \
        if nombre and contrasena else None
    if usuario_id is None:
        acceso.por_usuario.fallo(claves[0])
        acceso.por_direccion.fallo(claves[1])
        return _r(app.pagina("entrar.html", 401, titulo="Entrar", nombre=nombre, siguiente=siguiente,
                          error="Usuario o contraseña incorrectos (o la cuenta está desactivada)."))
    acceso.por_usuario.olvidar(claves[0])
    vieja = acceso.ficha_de(_leer_cookie(request, COOKIE_CUENTA))
    if vieja:  # la sesión que traía el navegador (de quien sea) termina: nunca se reutiliza
        acceso.cuentas.cerrar_sesion(vieja)
    ficha = acceso.cuentas.abrir_sesion(usuario_id)
    respuesta = RedirectResponse(siguiente, status_code=303, headers={"cache-control": "no-store"})
    respuesta.raw_headers.append((b"set-cookie", acceso.cookie_sesion(ficha, request.url.scheme == "https")))
    return respuesta


@para_todos
async def salir(request: Request) -> Response:
    app: Any = request.app.state.acuerdo
    await app.formulario(request)
    acceso = _acceso(request)
    ficha = acceso.ficha_de(_leer_cookie(request, COOKIE_CUENTA))
    if ficha:
        acceso.cuentas.cerrar_sesion(ficha)
    respuesta = RedirectResponse("/entrar", status_code=303, headers={"cache-control": "no-store"})
    respuesta.raw_headers.append((b"set-cookie", _cookie(COOKIE_CUENTA, "", request.url.scheme == "https", 0)))
    return respuesta


def exigir_escritura(request: Request) -> None:
    """Segunda barrera en los manejadores que escriben (la primera es el middleware)."""
    usuario = usuario_de(request)
    if usuario is not None and not usuario.escribe:
        raise HTTPException(403, "Su cuenta es de lectura: puede ver los borradores, no cambiarlos.")


RUTAS = [
    Route("/entrar", entrar, methods=["GET", "POST"]),
    Route("/salir", salir, methods=["POST"]),
]
