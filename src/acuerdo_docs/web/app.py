"""Las rutas de la app web (Starlette): una puerta delgada sobre la biblioteca.

Sin JavaScript todo funciona con ida y vuelta al servidor (añadir o quitar filas también); htmx
(un archivo en ``static/``) solo evita recargar la página entera.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ..errores import ErrorAcuerdoDocs, ErrorCampo, ErrorValidacion, ruta_desde_texto, validar
from ..esquemas.entrada_json import cargar_json
from ..esquemas.tipo_documento import tipo_probable
from ..salida.archivos import escribir_atomico
from . import acceso
from . import documentos as docs
from . import formulario, nombres, revisiones
from .anexos import eliminar_borrador
from .bd import Almacen, Borrador, url_sqlite
from .cuentas import Cuentas
from .cortes import RUTAS as rutas_cortes
from .enlaces_actores import RUTAS as rutas_enlaces
from .fallos import MANEJADORES as manejadores_fallos
from .fallos import BaseCaida
from .reunion import RUTAS as rutas_reunion
from .seguridad import AUTOR_LOCAL, CABECERAS, HOSTS_LOCALES, LIMITE_FORMULARIO, Guardia, autor_de, iguales

CARPETA = Path(__file__).parent
TIPOS_NOMBRE = {"ficha": "Ficha de buena práctica (FT-1311)", "acuerdo": "Acuerdo simbólico"}


@dataclass(frozen=True)
class ErrorVisible:
    """Un error de la biblioteca, listo para el formulario: el id del campo y el mensaje."""

    id: str
    ruta: str
    etiqueta: str
    mensaje: str


FALTANTES = ("Escriba «", "Elija «", "Añada «")
"""Cómo empiezan los mensajes de un dato que falta (el autoguardado no los muestra mientras se llena)."""


def _mensaje_formulario(error: ErrorCampo, campo: formulario.Campo | None, fila: str) -> str:
    """El mensaje de la biblioteca dicho para un formulario («Escriba…», «Elija…»), con su fila («Actor 2: …»)."""
    etiqueta = error.etiqueta or (campo.titulo if campo else "") or "Dato"
    prefijo = f"{fila}: " if fila else ""
    if error.mensaje.startswith(("es obligatorio", "no puede estar vacío", "no se encontró")):
        verbo = "Elija" if campo is not None and campo.tipo in ("opcion", "actor") else "Escriba"
        if campo is not None and campo.tipo in ("grupo", "lista"):
            verbo = "Añada"
        return f"{prefijo}{verbo} «{etiqueta}»"
    return f"{prefijo}{etiqueta}: {error.mensaje}"


def _fila(modelo: type[BaseModel], ruta: nombres.Ruta) -> str:
    """(«actores», 1, «compromisos», 0, «tipo») → «Actor 2, compromiso 1»."""
    partes = []
    for i, parte in enumerate(ruta):
        if isinstance(parte, int):
            campo = nombres.campo_en(modelo, ruta[:i])
            if campo is not None and campo.tipo == "grupo" and i < len(ruta) - 1:
                partes.append(f"{campo.singular} {parte + 1}")
    return ", ".join(p if not k else p[:1].lower() + p[1:] for k, p in enumerate(partes))


def errores_visibles(tipo: str, errores: list[ErrorCampo]) -> list[ErrorVisible]:
    """Los errores de la biblioteca con el id de su campo (rutas desde 1 → ids, en ``nombres``)."""
    modelo = formulario.MODELOS[tipo]
    salida = []
    for error in errores:
        ruta = ruta_desde_texto(error.ruta) if error.ruta else ()
        campo = nombres.campo_en(modelo, ruta)
        salida.append(ErrorVisible(nombres.id_de_error(error.ruta) if error.ruta else "contenido", error.ruta,
                                   error.etiqueta, _mensaje_formulario(error, campo, _fila(modelo, ruta))))
    return salida


def validar_borrador(tipo: str, datos: dict[str, Any]) -> tuple[BaseModel | None, list[ErrorCampo]]:
    try:
        return validar(formulario.MODELOS[tipo], datos), []
    except ErrorValidacion as exc:
        return None, list(exc.errores)


def titulo_de(tipo: str, datos: dict[str, Any]) -> str:
    if tipo == "ficha":
        valor = datos.get("nombre")
    else:
        desafio = datos.get("desafio")
        valor = desafio.get("nombre") if isinstance(desafio, dict) else None
    return str(valor).strip() if isinstance(valor, str | int) and str(valor).strip() else "(sin nombre)"


class App:
    """El estado de una app: almacén, plantillas y el token CSRF de este lanzamiento."""

    def __init__(self, almacen: Almacen, csrf: str, carpeta: Path, cuentas: Cuentas | None = None) -> None:
        self.almacen = almacen
        self.csrf = csrf
        self.cuentas = cuentas  # web.cuentas.Cuentas en el modo con cuentas; None en el modo local
        self.carpeta = carpeta  # --datos: la base SQLite, los libros subidos y las carpetas de los cortes
        self.pdf = docs.PdfCaliente()  # el LibreOffice de los PDF: con el primero, hasta que la app se cierra
        self.entorno = Environment(
            loader=FileSystemLoader(CARPETA / "plantillas"), autoescape=select_autoescape(default=True),
            undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        )
        self.entorno.globals.update(
            csrf=csrf, nombres=nombres, TIPOS_NOMBRE=TIPOS_NOMBRE, secciones=formulario.SECCIONES,
            csrf_de_pagina=self.csrf_de_pagina, usuario_actual=acceso.usuario_actual, escribe_en=acceso.escribe_en,
            con_cuentas=cuentas is not None,
        )

    def csrf_de_pagina(self) -> str:
        """El token CSRF de los formularios: el de la sesión (con cuentas) o el de este lanzamiento."""
        return acceso.csrf_actual() or self.csrf

    def pagina(self, plantilla: str, estado: int = 200, **contexto: Any) -> HTMLResponse:
        contexto.setdefault("errores", [])
        html = self.entorno.get_template(plantilla).render(**contexto)
        return HTMLResponse(html, status_code=estado, headers=_cabeceras())

    def validar(self, tipo: str, datos: dict[str, Any]) -> tuple[BaseModel | None, list[ErrorCampo]]:
        return validar_borrador(tipo, datos)

    async def archivo(self, request: Request) -> tuple[FormData, UploadFile | None]:
        """El formulario (con CSRF) y su archivo «archivo», si se eligió uno."""
        enviado = await self.formulario(request)
        archivo = enviado.get("archivo")
        return enviado, archivo if isinstance(archivo, UploadFile) and archivo.filename else None

    async def formulario(self, request: Request) -> FormData:
        """El formulario enviado, si trae el token CSRF de este lanzamiento (si no, 403)."""
        datos = await request.form(max_files=5, max_fields=20000, max_part_size=LIMITE_FORMULARIO)
        valor = datos.get("_csrf")
        if not isinstance(valor, str) or not iguales(valor, self.csrf_de_pagina()):
            raise HTTPException(403, "El formulario caducó o no viene de esta aplicación: vuelva a cargar la página.")
        return datos

    def borrador(self, request: Request) -> Borrador:
        """El borrador de la ruta, si quien pide puede leerlo (lo ajeno da 404, como lo inexistente)."""
        borrador = self.por_id(int(request.path_params["id"]))
        usuario = acceso.usuario_de(request)
        if usuario is not None and not usuario.puede_leer(borrador.equipo_id):
            raise HTTPException(404, "Ese borrador no existe (quizá se eliminó).")
        return borrador

    def equipo_para_crear(self, request: Request, enviado: FormData) -> int | None:
        """El equipo de un borrador nuevo: sin cuentas, «General»; con cuentas, uno del que quien crea es editor."""
        acceso.exigir_escritura(request)
        usuario = acceso.usuario_de(request)
        if usuario is None or self.cuentas is None:
            return None
        opciones = [i for i, _n in self.cuentas.equipos_de(usuario)]
        elegido = str(enviado.get("equipo", ""))
        if elegido.isdigit() and int(elegido) in opciones:
            return int(elegido)
        if not opciones:
            raise HTTPException(403, "Usted no es miembro de ningún equipo: pida a un administrador que lo "
                                     "agregue a uno para poder crear borradores.")
        if elegido or len(opciones) > 1:
            raise HTTPException(400, "Elija uno de sus equipos para el borrador nuevo.")
        return opciones[0]

    def por_id(self, id_borrador: int) -> Borrador:
        borrador = self.almacen.obtener(id_borrador)
        if borrador is None:
            raise HTTPException(404, "Ese borrador no existe (quizá se eliminó).")
        return borrador

    def guardar(self, id_borrador: int, tipo: str, datos: dict[str, Any], *, base: int | None = None,
                campos: Iterable[str] | None = None, autor: str = AUTOR_LOCAL, origen: str = "formulario",
                detalle: str = "") -> revisiones.Guardado:
        """Una revisión nueva sin pisar a nadie (``revisiones.guardar``); :class:`revisiones.Choque` si se pisaría."""
        try:
            return revisiones.guardar(self.almacen, id_borrador, tipo, datos, base=base, campos=campos, autor=autor,
                                      origen=origen, detalle=detalle, resumir=_resumir)
        except KeyError:
            raise HTTPException(404, "Ese borrador no existe (quizá se eliminó).") from None


def _resumir(tipo: str, datos: dict[str, Any]) -> tuple[str, list[ErrorCampo]]:
    return titulo_de(tipo, datos), validar_borrador(tipo, datos)[1]


def _cabeceras() -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in CABECERAS} | {"cache-control": "no-store"}


def _app(request: Request) -> App:
    app: App = request.app.state.acuerdo  # la pone crear_app en el estado de Starlette
    return app


# ------------------------------------------------------------------ páginas


async def inicio(request: Request) -> Response:
    app = _app(request)
    return app.pagina("inicio.html", titulo="Borradores", **_contexto_inicio(request),
                      aviso=request.query_params.get("aviso", ""))


def _contexto_inicio(request: Request) -> dict[str, Any]:
    """Los borradores que quien pide puede ver, y los equipos en que puede crear (con cuentas)."""
    app = _app(request)
    usuario = acceso.usuario_de(request)
    equipos = app.cuentas.equipos_de(usuario) if usuario is not None and app.cuentas is not None else []
    return {"borradores": app.almacen.listar(acceso.equipos_visibles(request)), "equipos": equipos,
            "nombres_equipo": dict(equipos), "puede_escribir": usuario is None or usuario.escribe}


async def nuevo(request: Request) -> Response:
    tipo = request.path_params["tipo"]
    if tipo not in formulario.MODELOS:
        raise HTTPException(404, "No hay documentos de ese tipo.")
    app = _app(request)
    if request.method == "POST":
        enviado = await app.formulario(request)
        id_borrador = app.almacen.crear(tipo, {}, titulo_de(tipo, {}), 0, autor=autor_de(request),
                                        equipo_id=app.equipo_para_crear(request, enviado))
        return RedirectResponse(f"/borradores/{id_borrador}", status_code=303)
    return app.pagina("nuevo.html", titulo=f"Nuevo: {TIPOS_NOMBRE[tipo]}", tipo=tipo,
                      equipos=_contexto_inicio(request)["equipos"])


def _en_seccion(ruta_error: str, campos: tuple[str, ...]) -> bool:
    """El error es de un campo de la sección (el primer paso de su ruta es uno de sus campos)."""
    ruta = ruta_desde_texto(ruta_error) if ruta_error else ()
    return bool(ruta) and isinstance(ruta[0], str) and ruta[0] in campos


def _estado_secciones(tipo: str, datos: dict[str, Any], errores: list[ErrorCampo]) -> dict[str, str]:
    estados = {}
    for sec in formulario.SECCIONES[tipo]:
        con_datos = any(datos.get(n) not in (None, "", [], {}) for n in sec.campos)
        con_error = any(_en_seccion(e.ruta, sec.campos) for e in errores)
        estados[sec.clave] = "Sin empezar" if not con_datos else ("Con errores" if con_error else "Completa")
    return estados


async def tareas(request: Request) -> Response:
    app = _app(request)
    borrador = app.borrador(request)
    _modelo, errores = validar_borrador(borrador.tipo, borrador.datos)
    return app.pagina(
        "tareas.html", titulo=f"{TIPOS_NOMBRE[borrador.tipo]}: lista de tareas", borrador=borrador,
        estados=_estado_secciones(borrador.tipo, borrador.datos, errores), n_errores=len(errores),
        aviso=request.query_params.get("aviso", ""),
    )


def _contexto_formulario(borrador: Any, sec: formulario.Seccion, datos: dict[str, Any],
                         errores: list[ErrorVisible], foco: str = "", version: int | None = None) -> dict[str, Any]:
    actores = [
        (str(a.get("id", "")), str(a.get("entidad", "") or a.get("id", "")))
        for a in (datos.get("actores") or []) if isinstance(a, dict) and str(a.get("id", "")).strip()
    ]
    return {
        "titulo": sec.titulo, "borrador": borrador, "seccion": sec, "datos": datos,
        "campos": formulario.campos_seccion(borrador.tipo, sec), "errores": errores,
        "errores_por_id": {e.id: e.mensaje for e in errores}, "actores": actores, "foco": foco,
        "con_archivos": formulario.tiene_archivos(formulario.campos_seccion(borrador.tipo, sec)),
        "revision": version if version is not None else borrador.version,  # la base del bloqueo optimista
        "choque": None,
    }


async def editar(request: Request) -> Response:
    app = _app(request)
    borrador = app.borrador(request)
    sec = formulario.seccion(borrador.tipo, request.path_params["seccion"])
    if sec is None:
        raise HTTPException(404, "Esa sección no existe.")
    datos = dict(borrador.datos)
    if request.method == "GET":
        return app.pagina("seccion.html", **_contexto_formulario(borrador, sec, datos, []))
    enviado = await app.formulario(request)
    campos = formulario.campos_seccion(borrador.tipo, sec)
    pares = [(k, v) for k, v in enviado.multi_items() if isinstance(v, str)]
    for nombre_campo, subida in enviado.multi_items():  # imágenes de los anexos: a --datos/anexos/N/
        if isinstance(subida, UploadFile) and subida.filename:
            pares.append((nombre_campo, str(await _guardar_subida(app, borrador.id, subida))))
    nuevos = nombres.a_datos(campos, nombres.anidar(pares))
    for campo in campos:
        if campo.nombre in nuevos:
            datos[campo.nombre] = nuevos[campo.nombre]
        else:
            datos.pop(campo.nombre, None)
    accion = str(enviado.get("_accion") or "guardar")
    foco = ""
    base = revisiones.base_enviada(enviado)
    if accion == "autoguardar":  # htmx al cambiar un campo: guarda y avisa solo de lo mal escrito
        try:
            hecho = app.guardar(borrador.id, borrador.tipo, datos, base=base, campos=sec.campos,
                                autor=autor_de(request), origen="autoguardado", detalle=sec.titulo)
        except revisiones.Choque as choque:  # no pisa: lo escrito sigue en la página; «Guardar» muestra el choque
            return app.pagina("autoguardado.html", 409, choque=choque, hora="", version=None, errores_escritos=[])
        return app.pagina("autoguardado.html", choque=None, hora=datetime.now().strftime("%H:%M"),
                          version=hecho.version, errores_escritos=[
            e for e in errores_visibles(borrador.tipo, hecho.errores)
            if _en_seccion(e.ruta, sec.campos) and not e.mensaje.split(": ", 1)[-1].startswith(FALTANTES)])
    if accion != "guardar":
        nueva = nombres.aplicar_accion(accion, datos, formulario.MODELOS[borrador.tipo])
        if nueva is not None:
            grupo = nombres.campo_en(formulario.MODELOS[borrador.tipo], nueva)
            primero = grupo.campos[0].nombre if grupo is not None and grupo.tipo == "grupo" and grupo.campos else None
            foco = nombres.id_de((*nueva, primero) if primero else nueva)
        else:
            verbo, _, nombre = accion.partition(":")
            ruta = nombres.ruta_de_nombre(nombre) if nombre else ()
            foco = "anadir-" + nombres.id_de(ruta[:-1] if verbo == "quitar" else ruta)
    try:
        hecho = app.guardar(borrador.id, borrador.tipo, datos, base=base, campos=sec.campos,
                            autor=autor_de(request), detalle=sec.titulo)
    except revisiones.Choque as choque:  # lo escrito vuelve al formulario, con lo del otro a la vista
        contexto = _contexto_formulario(choque.borrador, sec, choque.propuesta, [], foco="choque")
        return app.pagina("seccion.html", 409, **(contexto | {"choque": choque}))
    borrador = app.por_id(borrador.id)
    datos = dict(borrador.datos) if hecho.otros else datos  # con lo que otros guardaron en otros campos
    if accion != "guardar":
        return app.pagina("seccion.html", **_contexto_formulario(borrador, sec, datos, [], foco, hecho.version))
    propios = [e for e in errores_visibles(borrador.tipo, hecho.errores) if _en_seccion(e.ruta, sec.campos)]
    if propios:
        return app.pagina("seccion.html", **_contexto_formulario(borrador, sec, datos, propios, version=hecho.version))
    aviso = "guardado-con-otros" if hecho.otros else "guardado"
    return RedirectResponse(f"/borradores/{borrador.id}?aviso={aviso}", status_code=303)


_EXTENSIONES_IMAGEN = {".png", ".jpg", ".jpeg", ".gif", ".bmp"}


async def _guardar_subida(app: App, id_borrador: int, subida: UploadFile) -> Path:
    """Guarda una imagen subida con un nombre propio (nunca el del usuario) y devuelve su ruta."""
    extension = Path(subida.filename or "").suffix.lower()
    carpeta = app.carpeta / "anexos" / str(id_borrador)
    carpeta.mkdir(parents=True, exist_ok=True)
    ruta = carpeta / f"{secrets.token_urlsafe(12)}{extension if extension in _EXTENSIONES_IMAGEN else '.bin'}"
    escribir_atomico(ruta, await subida.read())  # el tamaño ya lo acotó la guardia (25 MB); la imagen la revisa el modelo
    return ruta.resolve()


async def revisar(request: Request) -> Response:
    app = _app(request)
    borrador = app.borrador(request)
    modelo, errores = validar_borrador(borrador.tipo, borrador.datos)
    visibles = errores_visibles(borrador.tipo, errores)
    for e in visibles:  # desde la revisión, cada error lleva a su campo en su sección
        ruta = ruta_desde_texto(e.ruta)
        sec = formulario.seccion_de_campo(borrador.tipo, str(ruta[0])) if ruta else None
        object.__setattr__(e, "id", f"/borradores/{borrador.id}/seccion/{sec.clave}#{e.id}" if sec else "#contenido")
    return app.pagina(
        "revisar.html", titulo="Revise antes de generar", borrador=borrador, errores=visibles, valido=modelo is not None,
        documentos=docs.DOCUMENTOS[borrador.tipo], con_libreoffice=docs.libreoffice_disponible(),
        campos_de=formulario.campos_seccion,
    )


async def descargar(request: Request) -> Response:
    app = _app(request)
    borrador = app.borrador(request)
    modelo, errores = validar_borrador(borrador.tipo, borrador.datos)
    if modelo is None:
        return RedirectResponse(f"/borradores/{borrador.id}/revisar", status_code=303)
    clave = request.path_params["documento"]
    # Generar (y convertir a PDF) va en un hilo: mientras tanto el servidor sigue atendiendo a los demás.
    try:
        if clave == "zip":
            cuerpo = await run_in_threadpool(docs.todos_zip, borrador.tipo, modelo, app.pdf)
            archivo, mime = f"{borrador.tipo}_documentos.zip", "application/zip"
        else:
            doc = docs.documento(borrador.tipo, clave)
            if doc is None:
                raise HTTPException(404, "No hay un documento con ese nombre.")
            cuerpo = await run_in_threadpool(docs.generar, doc, modelo, app.pdf)
            archivo, mime = doc.archivo, doc.tipo_mime
    except ErrorAcuerdoDocs as exc:
        return app.pagina("mensaje.html", 422, titulo="No se pudo generar el documento", texto=str(exc))
    return Response(cuerpo, media_type=mime, headers={
        **_cabeceras(), "content-disposition": f'attachment; filename="{archivo}"'})


async def duplicar(request: Request) -> Response:
    app = _app(request)
    borrador = app.borrador(request)
    await app.formulario(request)
    datos = json.loads(json.dumps(borrador.datos))
    nuevo_id = app.almacen.crear(borrador.tipo, datos, titulo_de(borrador.tipo, datos), borrador.errores,
                                 autor=autor_de(request), origen="copia", detalle=str(borrador.id),
                                 equipo_id=borrador.equipo_id)  # la copia queda en el equipo del original
    return RedirectResponse(f"/borradores/{nuevo_id}?aviso=duplicado", status_code=303)


async def eliminar(request: Request) -> Response:
    app = _app(request)
    borrador = app.borrador(request)
    if request.method == "GET":
        return app.pagina("eliminar.html", titulo="¿Eliminar este borrador?", borrador=borrador)
    await app.formulario(request)
    # En un hilo: mira si otro borrador nombra sus imágenes (tablas enteras) sin detener a los demás.
    await run_in_threadpool(eliminar_borrador, app.almacen, app.carpeta, borrador.id)
    return RedirectResponse("/?aviso=eliminado", status_code=303)


async def exportar(request: Request) -> Response:
    """El JSON del borrador: el del modelo validado si es válido (lo acepta «acuerdo-docs esquema»)."""
    app = _app(request)
    borrador = app.borrador(request)
    modelo, _errores = validar_borrador(borrador.tipo, borrador.datos)
    datos = modelo.model_dump(mode="json", exclude_none=True) if modelo is not None else borrador.datos
    cuerpo = (json.dumps(datos, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return Response(cuerpo, media_type="application/json", headers={
        **_cabeceras(), "content-disposition": f'attachment; filename="{borrador.tipo}.json"'})


def _inicio_con_error(app: App, request: Request, id_campo: str, mensaje: str) -> Response:
    """La página de inicio con el error de una importación (el campo del archivo, enlazado)."""
    return app.pagina("inicio.html", titulo="Borradores", **_contexto_inicio(request), aviso="",
                      errores=[ErrorVisible(id_campo, "", "", mensaje)])


async def importar_json(request: Request) -> Response:
    app = _app(request)
    enviado, archivo = await app.archivo(request)
    equipo = app.equipo_para_crear(request, enviado)
    if archivo is None:
        return _inicio_con_error(app, request, "c-archivo-json", "Elija un archivo JSON para importar")
    try:  # los límites de toda entrada JSON (profundidad, claves): nunca RecursionError
        datos = cargar_json((await archivo.read()).decode("utf-8-sig"), "El archivo")
    except UnicodeDecodeError:
        datos = None
    except ErrorAcuerdoDocs as exc:
        return _inicio_con_error(app, request, "c-archivo-json", str(exc))
    if not isinstance(datos, dict):
        return _inicio_con_error(app, request, "c-archivo-json", "El archivo no es un JSON de una ficha o un acuerdo")
    tipo = tipo_probable(datos)
    if tipo not in formulario.MODELOS:
        return _inicio_con_error(app, request, "c-archivo-json", "El JSON no parece una ficha ni un acuerdo "
                                 "(vea «acuerdo-docs esquema ficha» y «acuerdo-docs esquema acuerdo»)")
    datos = app.almacen.anexos_propios(tipo, datos)  # una imagen de otra máquina (o del servidor) no entra
    _modelo, errores = validar_borrador(tipo, datos)
    id_borrador = app.almacen.crear(tipo, datos, titulo_de(tipo, datos), len(errores), autor=autor_de(request),
                                    origen="importacion", detalle="un JSON", equipo_id=equipo)
    return RedirectResponse(f"/borradores/{id_borrador}?aviso=importado", status_code=303)


async def importar_ficha(request: Request) -> Response:
    """Una ficha FT-1311 diligenciada (.docx) → un borrador nuevo, con lo que no se pudo leer."""
    from ..lectores.ficha_docx import extraer_campos

    app = _app(request)
    enviado, archivo = await app.archivo(request)
    equipo = app.equipo_para_crear(request, enviado)
    if archivo is None:
        return _inicio_con_error(app, request, "c-archivo-docx", "Elija una ficha .docx para importar")
    try:
        extraida = await run_in_threadpool(extraer_campos, await archivo.read(), nombre="ficha.docx")
    except ErrorAcuerdoDocs as exc:
        return _inicio_con_error(app, request, "c-archivo-docx", f"No se pudo leer la ficha: {exc}")
    datos = json.loads(json.dumps(extraida.campos, default=str, ensure_ascii=False))
    _modelo, errores = validar_borrador("ficha", datos)
    id_borrador = app.almacen.crear("ficha", datos, titulo_de("ficha", datos), len(errores), autor=autor_de(request),
                                    origen="importacion", detalle="una ficha en Word", equipo_id=equipo)
    borrador = app.almacen.obtener(id_borrador)
    return app.pagina("importada.html", titulo="Ficha importada", borrador=borrador, avisos=extraida.avisos,
                      errores_lectura=errores_visibles("ficha", errores))


async def sin_encontrar(request: Request, exc: Exception) -> Response:
    estado = exc.status_code if isinstance(exc, HTTPException) else 500
    texto = exc.detail if isinstance(exc, HTTPException) else "Error inesperado."
    return _app(request).pagina("mensaje.html", estado, titulo="No se pudo completar", texto=texto)


def crear_app(datos: Path, bd: str | None = None, token: str | None = None,
              hosts: tuple[str, ...] | None = HOSTS_LOCALES, cuentas: bool = False) -> Any:
    """La app ASGI: borradores en ``bd`` (por omisión SQLite en ``datos``).

    Sin ``cuentas`` la protege ``token`` (una persona, 127.0.0.1); con ``cuentas``, usuario y contraseña
    (web/acceso.py). ``hosts=None`` acepta cualquier cabecera Host (el servidor de una oficina).
    """
    datos = Path(datos)
    datos.mkdir(parents=True, exist_ok=True)
    almacen = Almacen(bd or url_sqlite(datos), carpeta=datos)
    rutas = [
        Route("/", inicio),
        Route("/nueva/{tipo}", nuevo, methods=["GET", "POST"]),
        Route("/nuevo/{tipo}", nuevo, methods=["GET", "POST"]),
        Route("/importar/json", importar_json, methods=["POST"]),
        Route("/importar/ficha", importar_ficha, methods=["POST"]),
        Route("/borradores/{id:int}", tareas),
        Route("/borradores/{id:int}/seccion/{seccion}", editar, methods=["GET", "POST"]),
        Route("/borradores/{id:int}/revisar", revisar),
        Route("/borradores/{id:int}/descargar/{documento}", descargar),
        Route("/borradores/{id:int}/duplicar", duplicar, methods=["POST"]),
        Route("/borradores/{id:int}/eliminar", eliminar, methods=["GET", "POST"]),
        Route("/borradores/{id:int}/exportar", exportar),
        *revisiones.RUTAS,
        Mount("/static", StaticFiles(directory=CARPETA / "static"), name="static"),
    ]
    if cuentas:
        from .admin import RUTAS as rutas_admin
        from .mi_cuenta import RUTAS as rutas_mi_cuenta

        rutas += [*acceso.RUTAS, *rutas_admin, *rutas_mi_cuenta]
    registro = Cuentas(almacen.motor) if cuentas else None
    estado = App(almacen, secrets.token_urlsafe(32), datos, registro)

    @asynccontextmanager
    async def vida(_aplicacion: Starlette) -> AsyncIterator[None]:
        yield
        estado.pdf.cerrar()  # el LibreOffice de los PDF no sobrevive al servidor

    aplicacion = Starlette(routes=[*rutas, *rutas_reunion, *rutas_cortes, *rutas_enlaces],
                           exception_handlers={HTTPException: sin_encontrar, **manejadores_fallos}, lifespan=vida)
    aplicacion.state.acuerdo = estado
    guardia = Guardia(BaseCaida(acceso.Acceso(aplicacion, registro), aplicacion.state.acuerdo), None, hosts) \
        if registro is not None else Guardia(aplicacion, token or secrets.token_urlsafe(32), hosts)
    guardia.acuerdo = aplicacion.state.acuerdo
    return guardia
