"""«Cambiar mi contraseña» (``/cuenta/contrasena``): cada persona cambia la suya, sin pedírsela a un administrador.

Pide la contraseña actual (un navegador abierto y olvidado no basta para quedarse con la cuenta) y la
cuenta con el mismo limitador que la entrada, por cuenta: esta página no sirve para probar contraseñas.
Las reglas de la contraseña nueva son las de la biblioteca (``cuentas.validar_contrasena``). Al cambiarla
terminan todas las sesiones de la cuenta y esta sigue con una ficha nueva (como al entrar).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errores import ErrorEntrada
from .acceso import LECTURA, clave_usuario, demasiados_intentos, frase, para_todos, usuario_de
from .cuentas import MINIMO_CONTRASENA, UsuarioActual, validar_contrasena

DIRECCION = "/cuenta/contrasena"
CAMBIADA = "Se cambió su contraseña. Las demás sesiones de su cuenta (otros navegadores o equipos) se cerraron."


def _pagina(request: Request, usuario: UsuarioActual, estado: int = 200,
            errores: dict[str, str] | None = None, aviso: str = "") -> Response:
    app: Any = request.app.state.acuerdo
    errores = errores or {}
    pagina: Response = app.pagina(
        "mi_contrasena.html", estado, titulo="Cambiar mi contraseña", nombre=usuario.nombre, minimo=MINIMO_CONTRASENA,
        aviso=aviso, por_campo=errores, errores=[{"id": i, "mensaje": m} for i, m in errores.items()],
        pagina_de_cuenta=True)  # sin el aviso «su cuenta es de lectura»: aquí un lector sí cambia algo, lo suyo
    pagina.headers["cache-control"] = "no-store"
    return pagina


@para_todos  # también un lector cambia la suya
async def mi_contrasena(request: Request) -> Response:
    usuario = usuario_de(request)
    if usuario is None:  # el middleware ya exige sesión; segunda barrera
        raise HTTPException(403, "Entre con su usuario y contraseña.")
    if request.method in LECTURA:
        return _pagina(request, usuario, aviso=CAMBIADA if request.query_params.get("aviso") == "cambiada" else "")
    app: Any = request.app.state.acuerdo
    enviado = await app.formulario(request)
    actual, nueva, repetida = (v if isinstance(v := enviado.get(c, ""), str) else ""
                               for c in ("actual", "nueva", "repetida"))
    acceso = request.app.state.acceso
    clave = clave_usuario(usuario.nombre)
    espera = acceso.por_usuario.espera(clave)
    if espera:
        pagina = _pagina(request, usuario, 429, {"c-actual": demasiados_intentos(espera)})
        pagina.headers["retry-after"] = str(int(espera) + 1)
        return pagina
    errores: dict[str, str] = {}
    # argon2 tarda a propósito: en un hilo, como al entrar
    sabe = bool(actual) and await run_in_threadpool(acceso.cuentas.autenticar, usuario.nombre, actual) == usuario.id
    if not actual:
        errores["c-actual"] = "Escriba su contraseña actual."
    elif not sabe:
        acceso.por_usuario.fallo(clave)  # cuenta como un intento de entrada fallido
        errores["c-actual"] = "La contraseña actual no es correcta."
    try:
        validar_contrasena(nueva, "la contraseña nueva")
    except ErrorEntrada as exc:
        errores["c-nueva"] = frase(str(exc))
    else:
        if sabe and nueva == actual:
            errores["c-nueva"] = "La contraseña nueva es igual a la actual: elija otra."
    if not repetida:
        errores["c-repetida"] = "Repita la contraseña nueva."
    elif repetida != nueva:
        errores["c-repetida"] = "La repetición no coincide con la contraseña nueva: escriba la misma en los dos campos."
    if errores:
        return _pagina(request, usuario, 400, errores)
    acceso.por_usuario.olvidar(clave)
    # Todas las sesiones de la cuenta terminan (también la de quien quizá la usaba sin permiso) ...
    await run_in_threadpool(acceso.cuentas.cambiar_contrasena, usuario.nombre, nueva)
    # ... y este navegador sigue con una ficha nueva: la cookie vieja ya no vale en ningún lado.
    ficha = acceso.cuentas.abrir_sesion(usuario.id)
    respuesta = RedirectResponse(f"{DIRECCION}?aviso=cambiada", status_code=303, headers={"cache-control": "no-store"})
    respuesta.raw_headers.append((b"set-cookie", acceso.cookie_sesion(ficha, request.url.scheme == "https")))
    return respuesta


async def cambio_conocido(_request: Request) -> Response:
    """``/.well-known/change-password`` (W3C): los gestores de contraseñas llevan aquí a «cambiar la contraseña»."""
    return RedirectResponse(DIRECCION, status_code=303)


RUTAS = [
    Route(DIRECCION, mi_contrasena, methods=["GET", "POST"]),
    Route("/.well-known/change-password", cambio_conocido),
]
