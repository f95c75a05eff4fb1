"""Cuando la base de datos no responde: una página 503 en español, sin traza y sin datos en el registro.

Un PostgreSQL que se reinicia, una red caída o una SQLite bloqueada no son errores del programa: la
petición falla limpia (503 y ``Retry-After``), nada queda a medias (cada guardado es una transacción) y
la siguiente petición vuelve a intentarlo (``pool_pre_ping`` en ``bd.crear_motor`` descarta las
conexiones muertas). Al registro va una línea con el tipo de error, nunca el SQL ni sus parámetros
(los datos de un acuerdo llevan nombres y correos: Ley 1581 de 2012).
"""

from __future__ import annotations

import logging
from datetime import datetime
from html import escape
from collections.abc import MutableMapping
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as TiempoAgotado
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

REGISTRO = logging.getLogger("acuerdo_docs.web")
ESPERA = 5
"""Segundos que ``Retry-After`` sugiere antes de repetir."""

TITULO = "La base de datos no responde"
TEXTO = ("No se pudo completar esta acción porque la base de datos no responde en este momento (por ejemplo, "
         "se está reiniciando). Nada quedó a medias: lo que no alcanzó a guardarse no se guardó. "
         "Vuelva atrás con el navegador (lo que escribió sigue en el formulario) e inténtelo de nuevo en "
         "unos segundos. Si sigue así, avise a quien administra el servidor.")
AVISO = ("A las {hora} la base de datos no respondió: ese cambio no se guardó. Lo escrito sigue en pantalla; "
         "vuelva a intentarlo en unos segundos.")
"""El aviso de una petición de htmx (autoguardado, formulario o vista de la reunión): la página no se toca."""

ERRORES_DE_BASE: tuple[type[Exception], ...] = (DBAPIError, TiempoAgotado)
"""Lo que lanza SQLAlchemy cuando la base no contesta (DBAPIError envuelve los de psycopg y sqlite3;
TimeoutError: ninguna conexión libre a tiempo)."""


def causa(exc: BaseException) -> str:
    """El nombre del error sin su texto: el de psycopg puede traer la sentencia o sus valores."""
    original = getattr(exc, "orig", None)
    return type(original).__name__ if original is not None else type(exc).__name__


def respuesta(request: Request, app: Any, exc: BaseException) -> Response:
    """La respuesta 503 (y su línea en el registro) para ``exc``; ``app`` es el estado de la app (``App``)."""
    REGISTRO.warning("acuerdo-docs web: la base de datos no respondió (%s) en %s %s; se respondió 503",
                     causa(exc), request.method, request.url.path)
    cabeceras = {"retry-after": str(ESPERA), "cache-control": "no-store"}
    if request.headers.get("hx-request") == "true":
        # htmx: el aviso va a la región de alertas de base.html y el formulario queda como estaba.
        aviso = escape(AVISO.format(hora=datetime.now().strftime("%H:%M")))
        cabeceras |= {"hx-retarget": "#aviso-servidor", "hx-reswap": "innerHTML show:top"}  # visible aunque se pulsara abajo
        return HTMLResponse(f"<p>{aviso}</p>", status_code=503, headers=cabeceras)
    pagina: Response = app.pagina("mensaje.html", 503, titulo=TITULO, texto=TEXTO)
    pagina.headers.update(cabeceras)
    return pagina


async def base_no_responde(request: Request, exc: Exception) -> Response:
    return respuesta(request, request.app.state.acuerdo, exc)


class BaseCaida:
    """Middleware ASGI: lo mismo para lo que consulta la base antes de las rutas (la sesión de una cuenta,
    el equipo de un borrador en web/acceso.py), donde los manejadores de Starlette no llegan."""

    def __init__(self, app: Any, acuerdo: Any) -> None:
        self.app = app
        self.acuerdo = acuerdo

    async def __call__(self, scope: MutableMapping[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        empezada = False

        async def enviar(mensaje: MutableMapping[str, Any]) -> None:
            nonlocal empezada
            empezada = empezada or mensaje["type"] == "http.response.start"
            await send(mensaje)

        try:
            await self.app(scope, receive, enviar)
        except ERRORES_DE_BASE as exc:
            if empezada:  # ya salió una respuesta: no se puede cambiar por otra
                raise
            await respuesta(Request(scope), self.acuerdo, exc)(scope, receive, send)


MANEJADORES: dict[Any, Any] = {clase: base_no_responde for clase in ERRORES_DE_BASE}
"""Para ``Starlette(exception_handlers=...)``: una clase concreta (no ``Exception``) se maneja sin volver
a lanzarse, así uvicorn no imprime traza."""
