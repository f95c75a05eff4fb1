"""Modo reunión de inicio: la vista de proyector del acuerdo donde se marca la validación de cada actor.

Toda vista abierta se pone al día en menos de 2 s: pregunta cada segundo por la versión del borrador
y el servidor responde 204 si nada cambió (así la región ``aria-live`` no se vuelve a anunciar).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .revisiones import INTENTOS, Choque
from .seguridad import autor_de

INTERVALO = "1s"
"""Cada cuánto pregunta una vista abierta (debe quedar por debajo de 2 s)."""


def _actores(datos: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in (datos.get("actores") or []) if isinstance(a, dict)]


def respuesta(actor: dict[str, Any]) -> str:
    """Lo que el actor respondió desde su enlace (``Actor.validacion``), dicho por el modelo; vacío si nada."""
    from pydantic import ValidationError

    from ..esquemas.acuerdo import ValidacionActor

    valor = actor.get("validacion")
    if not isinstance(valor, dict):
        return ""
    try:
        return ValidacionActor.model_validate(valor).resumen()
    except ValidationError:
        return ""


def contador(datos: dict[str, Any]) -> str:
    actores = _actores(datos)
    validados = sum(1 for a in actores if a.get("validado") is True)
    return f"{validados} de {len(actores)} actores validaron"


def _acuerdo(request: Request) -> tuple[Any, Any]:
    app = request.app.state.acuerdo
    borrador = app.borrador(request)
    if borrador.tipo != "acuerdo":
        raise HTTPException(404, "La reunión de inicio es de los acuerdos.")
    return app, borrador


def _contexto(borrador: Any, valido: bool = False) -> dict[str, Any]:
    return {"titulo": "Reunión de inicio", "borrador": borrador, "actores": _actores(borrador.datos),
            "respuesta": respuesta, "contador": contador(borrador.datos), "intervalo": INTERVALO, "valido": valido}


async def reunion(request: Request) -> Response:
    app, borrador = _acuerdo(request)
    if request.method == "POST":
        enviado = await app.formulario(request)
        indice = str(enviado.get("actor", ""))
        validado = enviado.get("validado") == "si"
        for _intento in range(INTENTOS):  # la marca se aplica sobre lo último guardado, sin pisar lo de otros
            datos = json.loads(json.dumps(borrador.datos))
            actores = _actores(datos)
            if not (indice.isdigit() and int(indice) < len(actores)):
                break
            actores[int(indice)]["validado"] = validado
            validacion = actores[int(indice)].get("validacion")
            if not validado and isinstance(validacion, dict) and validacion.get("decision") == "valida":
                del actores[int(indice)]["validacion"]  # quitar la validación quita también la que dio por su enlace
            datos["actores"] = actores
            nombre = str(actores[int(indice)].get("entidad") or actores[int(indice)].get("id") or "")
            try:
                app.guardar(borrador.id, borrador.tipo, datos, base=borrador.version, campos=("actores",),
                            autor=autor_de(request), origen="reunion",
                            detalle=f"{'validó' if validado else 'quitó la validación de'} {nombre}".strip())
                break
            except Choque:
                borrador = app.por_id(borrador.id)
        return RedirectResponse(f"/borradores/{borrador.id}/reunion#actor-{indice}", status_code=303)
    modelo, _errores = app.validar(borrador.tipo, borrador.datos)
    pagina: Response = app.pagina("reunion.html", **_contexto(borrador, modelo is not None))
    return pagina


async def estado(request: Request) -> Response:
    """El tablero si cambió desde ``version``; si no, 204 (nada que cambiar ni que anunciar)."""
    app, borrador = _acuerdo(request)
    if request.query_params.get("version") == str(borrador.version):
        return Response(status_code=204, headers={"cache-control": "no-store"})
    modelo, _errores = app.validar(borrador.tipo, borrador.datos)
    pagina: Response = app.pagina("reunion_estado.html", **_contexto(borrador, modelo is not None))
    return pagina


RUTAS = [
    Route("/borradores/{id:int}/reunion", reunion, methods=["GET", "POST"]),
    Route("/borradores/{id:int}/reunion/estado", estado),
]
