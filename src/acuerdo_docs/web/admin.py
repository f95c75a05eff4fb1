"""La página de administración (solo administradores): cuentas, roles, contraseñas y equipos.

Hace lo mismo que «acuerdo-docs web usuario …» y «acuerdo-docs web equipo …», con las mismas reglas
(web/cuentas.py): un formulario por acción, todos a ``POST /admin`` con su ``_accion``.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errores import ErrorEntrada
from .acceso import frase, solo_administrador
from .cuentas import EQUIPO_GENERAL, MINIMO_CONTRASENA, ROLES, ROLES_TEXTO

AVISOS = {
    "usuario": "Se creó la cuenta.", "rol": "Se cambió el rol (sus sesiones abiertas terminaron).",
    "activar": "Se activó la cuenta.", "desactivar": "Se desactivó la cuenta (sus sesiones terminaron).",
    "contrasena": "Se cambió la contraseña (las sesiones abiertas de esa cuenta terminaron).",
    "equipo": "Se creó el equipo.", "agregar": "Se agregó al equipo.", "quitar": "Se quitó del equipo.",
    "mover": "El borrador pasó al otro equipo.", "renombrar": "Se renombró el equipo.",
    "eliminar_equipo": "Se eliminó el equipo.",
}


def _pagina(request: Request, estado: int = 200, error: str = "") -> Response:
    app = request.app.state.acuerdo
    cuentas = app.cuentas
    aviso = AVISOS.get(request.query_params.get("aviso", ""), "")
    pagina: Response = app.pagina(
        "admin.html", estado, titulo="Cuentas y equipos", usuarios=cuentas.usuarios(), equipos=cuentas.equipos(),
        borradores=app.almacen.listar(), nombres_equipo={i: n for i, n, _m in cuentas.equipos()},
        roles=ROLES, roles_texto=ROLES_TEXTO, aviso=aviso, error=error, minimo=MINIMO_CONTRASENA,
        equipo_general=EQUIPO_GENERAL)
    return pagina


def _texto(enviado: object, campo: str) -> str:
    valor = enviado.get(campo, "")  # type: ignore[attr-defined]
    return valor if isinstance(valor, str) else ""


@solo_administrador
async def admin(request: Request) -> Response:
    if request.method == "GET":
        return _pagina(request)
    app = request.app.state.acuerdo
    cuentas = app.cuentas
    enviado = await app.formulario(request)
    accion = _texto(enviado, "_accion")
    nombre, equipo = _texto(enviado, "usuario").strip(), _texto(enviado, "equipo").strip()
    try:
        if accion == "usuario":  # argon2 tarda a propósito: en un hilo, como al entrar
            await run_in_threadpool(cuentas.crear_usuario, nombre, _texto(enviado, "rol"),
                                    _texto(enviado, "contrasena"), (equipo,) if equipo else ())
        elif accion == "rol":
            cuentas.cambiar_rol(nombre, _texto(enviado, "rol"))
        elif accion in ("activar", "desactivar"):
            cuentas.activar(nombre, accion == "activar")
        elif accion == "contrasena":
            await run_in_threadpool(cuentas.cambiar_contrasena, nombre, _texto(enviado, "contrasena"))
        elif accion == "equipo":
            cuentas.crear_equipo(equipo)
        elif accion == "renombrar":
            cuentas.renombrar_equipo(equipo, _texto(enviado, "nuevo"))
        elif accion == "eliminar_equipo":
            cuentas.eliminar_equipo(equipo)
        elif accion == "agregar":
            cuentas.agregar_miembro(equipo, nombre)
        elif accion == "quitar":
            cuentas.quitar_miembro(equipo, nombre)
        elif accion == "mover":
            borrador = _texto(enviado, "borrador")
            if not borrador.isdigit():
                raise ErrorEntrada("elija el borrador que pasa a otro equipo")
            cuentas.mover_borrador(int(borrador), equipo)
        else:
            raise HTTPException(400, "Esa acción no existe en la administración.")
    except ErrorEntrada as exc:
        return _pagina(request, 400, frase(str(exc)))
    return RedirectResponse(f"/admin?aviso={accion}", status_code=303)


RUTAS = [Route("/admin", admin, methods=["GET", "POST"])]
