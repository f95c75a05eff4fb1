"""Seguimiento desde la web: la matriz editada por el equipo → vista previa de los cambios → corte.

Llama a la biblioteca (``seguimiento.registrar_corte``, ``lectores.actualizacion.actualizar_acuerdo``):
los errores de celda llegan con su hoja y fila, y cada corte queda en ``--datos/cortes/N/corte_AAAA-MM-DD/``
con sus documentos y su informe, como los deja ``acuerdo-docs seguimiento``.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from ..documentos.seguimiento import linea_base
from ..errores import ErrorAcuerdoDocs, ErrorValidacion
from ..esquemas.acuerdo import AcuerdoSimbolico
from ..esquemas.comun import leer_fecha
from ..lectores.actualizacion import Cambio, actualizar_acuerdo
from ..lectores.matriz_xlsx import AvisoCelda
from ..salida.archivos import escribir_atomico
from ..seguimiento import nombre_carpeta, registrar_corte
from .revisiones import Choque, base_enviada
from .seguridad import autor_de

_SUBIDA = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
_FECHA = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _acuerdo(request: Request) -> tuple[Any, Any, AcuerdoSimbolico | None]:
    app = request.app.state.acuerdo
    borrador = app.borrador(request)
    if borrador.tipo != "acuerdo":
        raise HTTPException(404, "El seguimiento es de los acuerdos.")
    modelo, _errores = app.validar(borrador.tipo, borrador.datos)
    return app, borrador, modelo if isinstance(modelo, AcuerdoSimbolico) else None


def _carpeta_cortes(app: Any, id_borrador: int) -> Path:
    return Path(app.carpeta) / "cortes" / str(id_borrador)


def _subidas(app: Any) -> Path:
    carpeta = Path(app.carpeta) / "subidas"
    carpeta.mkdir(parents=True, exist_ok=True)
    return carpeta


def linea_de_tiempo(app: Any, borrador: Any) -> list[dict[str, Any]]:
    """Los cortes del acuerdo (de su historia), cada uno con los archivos de su carpeta si la hay."""
    cortes = []
    for corte in borrador.datos.get("seguimiento") or []:
        fecha = str(corte.get("fecha", "")) if isinstance(corte, dict) else ""
        if not _FECHA.match(fecha):
            continue
        carpeta = _carpeta_cortes(app, borrador.id) / nombre_carpeta(date.fromisoformat(fecha))
        archivos = sorted(p.name for p in carpeta.iterdir() if p.is_file()) if carpeta.is_dir() else []
        hitos = corte.get("hoja_de_ruta") or []
        cortes.append({"fecha": fecha, "archivos": archivos, "hitos": len(hitos),
                       "riesgos": len(corte.get("riesgos") or []), "validados": len(corte.get("validados") or [])})
    return cortes


def _pagina(app: Any, borrador: Any, modelo: Any, **extra: Any) -> Response:
    pagina: Response = app.pagina("seguimiento.html", titulo="Seguimiento por cortes", borrador=borrador,
                                  valido=modelo is not None, cortes=linea_de_tiempo(app, borrador), **extra)
    return pagina


def _fecha(texto: str) -> date | None:
    try:
        valor = leer_fecha(texto.strip())
    except (ValueError, ErrorAcuerdoDocs):
        return None
    return valor if isinstance(valor, date) else None


async def seguimiento(request: Request) -> Response:
    app, borrador, modelo = _acuerdo(request)
    if request.method == "GET":
        return _pagina(app, borrador, modelo, aviso=request.query_params.get("aviso", ""))
    enviado, archivo = await app.archivo(request)
    corte = _fecha(str(enviado.get("fecha", "")))
    errores = []
    if modelo is None:
        errores.append({"id": "contenido", "mensaje": "Complete y corrija el acuerdo antes de registrar un corte"})
    if archivo is None:
        errores.append({"id": "c-archivo", "mensaje": "Elija el libro de la matriz de riesgos editado (.xlsx)"})
    if corte is None:
        errores.append({"id": "c-fecha", "mensaje": "Escriba «Fecha de corte» como día/mes/año, por ejemplo 30/06/2025"})
    if errores or archivo is None or corte is None or modelo is None:
        return _pagina(app, borrador, modelo, errores=errores, aviso="")
    subida = secrets.token_urlsafe(24)
    ruta = _subidas(app) / f"{subida}.xlsx"
    escribir_atomico(ruta, await archivo.read())  # como toda escritura: temporal exclusivo, sin enlaces
    cambios: list[Cambio] = []
    avisos: list[AvisoCelda] = []
    try:
        # Leer el libro y registrar el corte van en un hilo: el servidor sigue atendiendo a los demás.
        await run_in_threadpool(actualizar_acuerdo, linea_base(modelo, corte), ruta, cambios=cambios, avisos=avisos)
    except ErrorValidacion as exc:
        ruta.unlink(missing_ok=True)
        errores = [{"id": "c-archivo", "mensaje": str(e)} for e in exc.errores]
        return _pagina(app, borrador, modelo, errores=errores, aviso="", titulo_errores=exc.titulo)
    except ErrorAcuerdoDocs as exc:
        ruta.unlink(missing_ok=True)
        return _pagina(app, borrador, modelo, errores=[{"id": "c-archivo", "mensaje": str(exc)}], aviso="")
    previa: Response = app.pagina("seguimiento_previa.html", titulo="Cambios que trae el libro", borrador=borrador,
                                  cambios=cambios, avisos=avisos, subida=subida, fecha=corte)
    return previa


async def aplicar(request: Request) -> Response:
    app, borrador, modelo = _acuerdo(request)
    enviado = await app.formulario(request)
    subida = str(enviado.get("subida", ""))
    corte = _fecha(str(enviado.get("fecha", "")))
    ruta = _subidas(app) / f"{subida}.xlsx"
    if modelo is None or corte is None or not _SUBIDA.match(subida) or not ruta.is_file():
        return _pagina(app, borrador, modelo, aviso="", errores=[
            {"id": "c-archivo", "mensaje": "La vista previa caducó: vuelva a subir el libro"}])
    try:
        resultado = await run_in_threadpool(registrar_corte, modelo, ruta, corte, _carpeta_cortes(app, borrador.id))
    except ErrorAcuerdoDocs as exc:
        return _pagina(app, borrador, modelo, errores=[{"id": "c-archivo", "mensaje": str(exc)}], aviso="")
    finally:
        ruta.unlink(missing_ok=True)
    try:  # desde la revisión de la vista previa: si otro guardó entretanto, no se pisa lo suyo
        app.guardar(borrador.id, borrador.tipo, resultado.acuerdo.model_dump(mode="json", exclude_none=True),
                    base=base_enviada(enviado), autor=autor_de(request), origen="seguimiento",
                    detalle=corte.strftime("%d/%m/%Y"))
    except Choque as choque:
        return _pagina(app, choque.borrador, modelo, aviso="", errores=[{"id": "c-archivo", "mensaje": (
            f"No se registró el corte: {choque.quienes} guardó el acuerdo después de "
            "la vista previa. Vuelva a subir el libro para ver los cambios sobre lo último guardado")}])
    return RedirectResponse(f"/borradores/{borrador.id}/seguimiento?aviso=corte", status_code=303)


async def archivo_corte(request: Request) -> Response:
    app, borrador, _modelo = _acuerdo(request)
    fecha, nombre = request.path_params["fecha"], request.path_params["archivo"]
    corte = next((c for c in linea_de_tiempo(app, borrador) if c["fecha"] == fecha), None)
    if corte is None or nombre not in corte["archivos"]:  # solo lo que lista la carpeta del corte
        raise HTTPException(404, "Ese archivo no está en el corte.")
    ruta = _carpeta_cortes(app, borrador.id) / nombre_carpeta(date.fromisoformat(fecha)) / nombre
    return FileResponse(ruta, filename=nombre, headers={"cache-control": "no-store"})


RUTAS = [
    Route("/borradores/{id:int}/seguimiento", seguimiento, methods=["GET", "POST"]),
    Route("/borradores/{id:int}/seguimiento/aplicar", aplicar, methods=["POST"]),
    Route("/borradores/{id:int}/seguimiento/{fecha}/{archivo}", archivo_corte),
]
