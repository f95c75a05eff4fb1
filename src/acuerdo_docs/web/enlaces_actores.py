"""Enlaces de validación: cada actor valida su propia parte del acuerdo desde un enlace personal.

El facilitador crea, desde el acuerdo, un enlace por actor: firmado (HMAC-SHA256 con un secreto de la
base), con vencimiento y revocable (tabla ``enlaces_actor``). El enlace es la credencial del actor: sin
cuenta ni token de la app, abre solo la página de ese actor de ese acuerdo (su rol, responsabilidades y
compromisos y el resumen del acuerdo, nunca los datos de otros actores) y deja registrar «Valido mi
participación» o un comentario pidiendo un cambio. La respuesta se guarda en el acuerdo
(``Actor.validacion`` del modelo) con su fecha y hora: la ven la reunión de inicio, el Word y la infografía.
No es una firma electrónica: una validación simbólica con su hora, y la página lo dice.

Un enlace revocado o vencido no abre nada (410); una firma alterada o un enlace desconocido, 404.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..errores import ErrorValidacion, validar
from ..esquemas.acuerdo import (
    DECISIONES_ACTOR,
    HORA_COLOMBIA,
    TIPOS_COMPROMISO,
    Actor,
    AcuerdoSimbolico,
    ValidacionActor,
)
from ..esquemas.comun import etiqueta, fecha_larga
from .acceso import publica
from .bd import Almacen, Base
from .revisiones import INTENTOS, Choque
from .seguridad import autor_de

DIAS_POR_OMISION = 14
"""Días que dura un enlace si el facilitador no dice otra cosa."""
DIAS_MAXIMOS = 90
ESTADOS = {"vigente": "Vigente", "usado": "Usado (el actor ya respondió)", "revocado": "Revocado",
           "vencido": "Vencido"}
"""Estado de un enlace (se deriva de sus fechas, no se guarda) y cómo se dice."""
LARGO_COMENTARIO = 2000
PREFIJO = "/actor/"
"""Las páginas de los actores: las únicas que se abren sin el token de la app (el enlace es la credencial)."""


class EnlaceActor(Base):
    """Un enlace de validación: de un actor (por su id) de un borrador de acuerdo."""

    __tablename__ = "enlaces_actor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clave: Mapped[str] = mapped_column(String(32), unique=True)  # la parte pública del enlace (al azar)
    borrador_id: Mapped[int] = mapped_column(ForeignKey("borradores.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[str] = mapped_column(String(200))
    creado: Mapped[datetime] = mapped_column(DateTime)  # UTC sin zona, como el resto de la base
    vence: Mapped[datetime] = mapped_column(DateTime)
    revocado: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    usado: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    creado_por: Mapped[str] = mapped_column(String(120), default="")


class Secreto(Base):
    """Secretos de la instalación (el que firma los enlaces): en la base, para que todos los procesos lo compartan."""

    __tablename__ = "secretos"

    nombre: Mapped[str] = mapped_column(String(40), primary_key=True)
    valor: Mapped[str] = mapped_column(String(200))


def ahora() -> datetime:
    """La hora UTC (las pruebas la reemplazan para simular el paso del tiempo)."""
    return datetime.now(UTC)


def _utc(momento: datetime) -> datetime:
    """UTC sin zona y sin microsegundos: como se guarda en la base."""
    return momento.astimezone(UTC).replace(tzinfo=None, microsecond=0)


def hora_legible(momento: datetime | None) -> str:
    """Un momento de la base (UTC) en hora de Colombia: «6 de diciembre de 2026, 08:15»."""
    if momento is None:
        return ""
    local = momento.replace(tzinfo=UTC).astimezone(HORA_COLOMBIA)
    return f"{fecha_larga(local.date())}, {local:%H:%M}"


def estado(enlace: EnlaceActor, momento: datetime | None = None) -> str:
    """vigente, usado, revocado o vencido (en ese orden de precedencia: revocado, usado, vencido)."""
    if enlace.revocado is not None:
        return "revocado"
    if enlace.usado is not None:
        return "usado"
    if _utc(momento or ahora()) >= enlace.vence:
        return "vencido"
    return "vigente"


def muerto(enlace: EnlaceActor, momento: datetime | None = None) -> bool:
    """Un enlace revocado o vencido no abre nada (uno usado sí: muestra la respuesta, hasta vencer)."""
    return enlace.revocado is not None or _utc(momento or ahora()) >= enlace.vence


# ------------------------------------------------------------------ firma


def _secreto(almacen: Almacen) -> bytes:
    """El secreto que firma los enlaces; se crea la primera vez (si dos procesos lo crean a la vez, gana uno)."""
    for _intento in range(2):
        with Session(almacen.motor) as sesion:
            valor = sesion.scalar(select(Secreto.valor).where(Secreto.nombre == "enlaces_actor"))
        if valor is not None:
            return valor.encode("ascii")
        try:
            with Session(almacen.motor) as sesion, sesion.begin():
                sesion.add(Secreto(nombre="enlaces_actor", valor=secrets.token_urlsafe(48)))
        except IntegrityError:
            continue  # otro proceso lo creó primero: se lee el suyo
    raise RuntimeError("no se pudo leer ni crear el secreto de los enlaces")


def _firma(secreto: bytes, enlace: EnlaceActor) -> str:
    mensaje = f"enlace-actor|{enlace.clave}|{enlace.borrador_id}|{enlace.actor_id}|{enlace.vence.isoformat()}"
    digest = hmac.new(secreto, mensaje.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token(almacen: Almacen, enlace: EnlaceActor) -> str:
    """Lo que va en la dirección del actor: la clave del enlace y su firma."""
    return f"{enlace.clave}.{_firma(_secreto(almacen), enlace)}"


# ------------------------------------------------------------------ almacén de enlaces


def crear(almacen: Almacen, borrador_id: int, actor_id: str, dias: int = DIAS_POR_OMISION,
          autor: str = "local") -> EnlaceActor:
    """Un enlace nuevo para el actor; los que aún servían para ese actor quedan revocados (uno por actor)."""
    momento = _utc(ahora())
    with Session(almacen.motor, expire_on_commit=False) as sesion, sesion.begin():
        sesion.execute(update(EnlaceActor).where(
            EnlaceActor.borrador_id == borrador_id, EnlaceActor.actor_id == actor_id,
            EnlaceActor.revocado.is_(None), EnlaceActor.vence > momento,
        ).values(revocado=momento))
        enlace = EnlaceActor(clave=secrets.token_urlsafe(12), borrador_id=borrador_id, actor_id=actor_id,
                             creado=momento, vence=momento + timedelta(days=dias), creado_por=autor[:120])
        sesion.add(enlace)
    return enlace


def listar(almacen: Almacen, borrador_id: int) -> list[EnlaceActor]:
    with Session(almacen.motor, expire_on_commit=False) as sesion:
        return list(sesion.scalars(select(EnlaceActor).where(EnlaceActor.borrador_id == borrador_id)
                                   .order_by(EnlaceActor.creado.desc(), EnlaceActor.id.desc())))


def revocar(almacen: Almacen, borrador_id: int, enlace_id: int) -> bool:
    """Revoca un enlace de ese borrador (False si no es suyo o no existe)."""
    with Session(almacen.motor) as sesion, sesion.begin():
        enlace = sesion.get(EnlaceActor, enlace_id)
        if enlace is None or enlace.borrador_id != borrador_id:
            return False
        if enlace.revocado is None:
            enlace.revocado = _utc(ahora())
        return True


def _marcar_usado(almacen: Almacen, enlace_id: int) -> None:
    with Session(almacen.motor) as sesion, sesion.begin():
        sesion.execute(update(EnlaceActor).where(EnlaceActor.id == enlace_id).values(usado=_utc(ahora())))


def buscar(almacen: Almacen, valor: str) -> EnlaceActor | None:
    """El enlace de un token cuya firma es la correcta; ``None`` si no existe o la firma no coincide."""
    clave, _, firma = valor.partition(".")
    if not clave or not firma or len(valor) > 200:
        return None
    with Session(almacen.motor, expire_on_commit=False) as sesion:
        enlace = sesion.scalar(select(EnlaceActor).where(EnlaceActor.clave == clave))
    if enlace is None:
        return None
    esperada = _firma(_secreto(almacen), enlace)
    return enlace if hmac.compare_digest(firma.encode("ascii", "replace"), esperada.encode("ascii")) else None


# ------------------------------------------------------------------ la vista del actor


@dataclass(frozen=True)
class VistaActor:
    """Lo que ve el actor: solo lo suyo y el resumen del acuerdo (nunca datos de otros actores)."""

    desafio: str
    descripcion: str
    fecha: str
    lugar: str
    objetivo: str
    alcance: str
    actores: int
    ruta: str
    entidad: str
    rol: str
    responsabilidades: list[str]
    compromisos: list[tuple[str, list[str]]]
    actividades: list[tuple[str, str, str, int]]
    validacion: str
    etiquetas: dict[str, str]


def _modelo(datos: dict[str, Any]) -> AcuerdoSimbolico | None:
    try:
        modelo = validar(AcuerdoSimbolico, datos)
    except ErrorValidacion:
        return None
    return modelo if isinstance(modelo, AcuerdoSimbolico) else None


def vista_actor(modelo: AcuerdoSimbolico, actor: Actor) -> VistaActor:
    from ..documentos.acuerdo import resumen_hoja_de_ruta

    compromisos = []
    for tipo, rotulo in TIPOS_COMPROMISO.items():
        textos = [c.descripcion for c in actor.compromisos if c.tipo == tipo]
        compromisos.append((rotulo, textos))
    actividades = [(h.actividad, h.inicio.strftime("%d/%m/%Y"), h.fin.strftime("%d/%m/%Y"), h.avance)
                   for h in modelo.hitos_ordenados() if h.responsable == actor.id]
    return VistaActor(
        desafio=modelo.desafio.nombre, descripcion=modelo.desafio.descripcion, fecha=fecha_larga(modelo.fecha),
        lugar=modelo.lugar, objetivo=modelo.objetivo, alcance=modelo.alcance, actores=len(modelo.actores),
        ruta=resumen_hoja_de_ruta(modelo), entidad=actor.entidad, rol=actor.rol,
        responsabilidades=list(actor.responsabilidades), compromisos=compromisos, actividades=actividades,
        validacion=actor.validacion.resumen() if actor.validacion else "",
        etiquetas={n: etiqueta(Actor, n) for n in ("rol", "responsabilidades", "compromisos")},
    )


def _indice_actor(datos: dict[str, Any], actor_id: str) -> int | None:
    for i, actor in enumerate(datos.get("actores") or []):
        if isinstance(actor, dict) and str(actor.get("id", "")).strip().casefold() == actor_id.casefold():
            return i
    return None


def registrar_respuesta(app: Any, borrador_id: int, actor_id: str, decision: str, comentario: str) -> None:
    """Escribe la respuesta en el actor del acuerdo (``validacion``; ``validado`` si validó).

    Es una revisión del historial de autor «actor: ENTIDAD» (nunca el nombre de una persona), aplicada
    sobre lo último guardado: si otro guardó los actores a la vez, se vuelve a leer y a aplicar.
    """
    respuesta = ValidacionActor(decision=decision, momento=ahora().astimezone(HORA_COLOMBIA).replace(microsecond=0),
                                comentario=comentario)
    for _intento in range(INTENTOS):
        borrador = app.por_id(borrador_id)
        datos = json.loads(json.dumps(borrador.datos))
        indice = _indice_actor(datos, actor_id)
        if indice is None:
            raise HTTPException(410, "Su actor ya no está en este acuerdo: pida un enlace nuevo al equipo "
                                     "facilitador.")
        actor = datos["actores"][indice]
        actor["validacion"] = respuesta.model_dump(mode="json")
        if decision == "valida":
            actor["validado"] = True
        entidad = str(actor.get("entidad") or actor_id)
        try:
            app.guardar(borrador_id, borrador.tipo, datos, base=borrador.version, campos=("actores",),
                        autor=f"actor: {entidad}"[:120], origen="enlace",
                        detalle=f"{entidad}: {DECISIONES_ACTOR[decision].lower()}")
            return
        except Choque:
            continue
    raise HTTPException(503, "Muchas personas guardan este acuerdo a la vez: espere un momento y vuelva a enviar.")


# ------------------------------------------------------------------ rutas


def _app(request: Request) -> Any:
    return request.app.state.acuerdo


def _acuerdo(request: Request) -> tuple[Any, Any]:
    app = _app(request)
    borrador = app.borrador(request)
    if borrador.tipo != "acuerdo":
        raise HTTPException(404, "Los enlaces de validación son de los acuerdos.")
    return app, borrador


def _filas(app: Any, request: Request, borrador: Any) -> list[dict[str, Any]]:
    nombres = {str(a.get("id", "")): str(a.get("entidad") or a.get("id") or "")
               for a in (borrador.datos.get("actores") or []) if isinstance(a, dict)}
    momento = ahora()
    filas = []
    for enlace in listar(app.almacen, borrador.id):
        clave_estado = estado(enlace, momento)
        base = str(request.base_url).rstrip("/")
        direccion = "" if muerto(enlace, momento) else base + PREFIJO + token(app.almacen, enlace)
        filas.append({"id": enlace.id, "actor": nombres.get(enlace.actor_id, enlace.actor_id), "estado": clave_estado,
                      "estado_texto": ESTADOS[clave_estado], "creado": hora_legible(enlace.creado),
                      "vence": hora_legible(enlace.vence), "usado": hora_legible(enlace.usado),
                      "direccion": direccion, "revocable": enlace.revocado is None and not muerto(enlace, momento)})
    return filas


async def enlaces(request: Request) -> Response:
    """La página del facilitador: crear un enlace por actor, ver su estado y revocarlos."""
    app, borrador = _acuerdo(request)
    modelo = _modelo(borrador.datos)
    errores = []
    if request.method == "POST":
        enviado = await app.formulario(request)
        actor_id = str(enviado.get("actor", "")).strip()
        dias_texto = str(enviado.get("dias", "") or DIAS_POR_OMISION).strip()
        if modelo is None:
            raise HTTPException(409, "El acuerdo tiene datos por completar: corríjalos («Revise antes de generar») "
                                     "antes de crear enlaces.")
        if modelo.actor(actor_id) is None:
            raise HTTPException(404, "Ese actor no está en el acuerdo.")
        if not dias_texto.isdigit() or not 1 <= int(dias_texto) <= DIAS_MAXIMOS:
            errores.append({"id": "c-dias", "mensaje": f"Días de vigencia: escriba un número de 1 a {DIAS_MAXIMOS}"})
        else:
            actor = modelo.actor(actor_id)
            enlace = crear(app.almacen, borrador.id, actor.id if actor else actor_id, int(dias_texto),
                           autor_de(request))
            return RedirectResponse(f"/borradores/{borrador.id}/enlaces?aviso=creado#enlace-{enlace.id}",
                                    status_code=303)
    actores = [(a.id, a.entidad, a.validado, a.validacion.resumen() if a.validacion else "")
               for a in (modelo.actores if modelo else [])]
    pagina: Response = app.pagina("enlaces.html", 422 if errores else 200,
                                  titulo="Enlaces de validación para los actores", borrador=borrador,
                                  valido=modelo is not None, actores=actores, filas=_filas(app, request, borrador),
                                  dias=DIAS_POR_OMISION, dias_maximos=DIAS_MAXIMOS, errores=errores,
                                  aviso=request.query_params.get("aviso", ""))
    return pagina


async def revocar_enlace(request: Request) -> Response:
    app, borrador = _acuerdo(request)
    await app.formulario(request)
    if not revocar(app.almacen, borrador.id, int(request.path_params["enlace"])):
        raise HTTPException(404, "Ese enlace no existe en este acuerdo.")
    return RedirectResponse(f"/borradores/{borrador.id}/enlaces?aviso=revocado", status_code=303)


def _mensaje(app: Any, estado_http: int, titulo: str, texto: str) -> Response:
    respuesta: Response = app.pagina("actor_mensaje.html", estado_http, titulo=titulo, texto=texto)
    respuesta.headers["x-robots-tag"] = "noindex"
    return respuesta


_NO_VALIDO = ("Enlace no válido", "Esta dirección no corresponde a ningún enlace de validación. Revise que la "
              "copió completa o pida un enlace nuevo al equipo facilitador del acuerdo.")


@publica  # con cuentas, sin sesión: el enlace firmado es la credencial del actor
async def actor(request: Request) -> Response:
    """La página del actor (sin cuenta: el enlace es su credencial)."""
    app = _app(request)
    enlace = buscar(app.almacen, request.path_params["token"])
    if enlace is None:
        return _mensaje(app, 404, *_NO_VALIDO)
    if enlace.revocado is not None:
        return _mensaje(app, 410, "Este enlace fue revocado", "El equipo facilitador revocó este enlace de "
                        "validación: "
                        "ya no sirve. Si aún debe validar su participación, pídale un enlace nuevo.")
    if muerto(enlace):
        return _mensaje(app, 410, "Este enlace venció", f"Este enlace de validación venció el "
                        f"{hora_legible(enlace.vence)} (hora de Colombia). Pida un enlace nuevo al equipo facilitador.")
    borrador = app.almacen.obtener(enlace.borrador_id)
    # Un borrador creado después del enlace no es el suyo (SQLite reusa el número de uno eliminado).
    if borrador is None or borrador.creado > enlace.creado:
        return _mensaje(app, 410, "Este acuerdo ya no existe", "El acuerdo de este enlace se eliminó.")
    if _indice_actor(borrador.datos, enlace.actor_id) is None:
        return _mensaje(app, 410, "Su actor ya no está en el acuerdo",
                        "El acuerdo cambió y ya no incluye al actor de este enlace. Consulte al equipo facilitador.")
    modelo = _modelo(borrador.datos)
    actor_modelo = modelo.actor(enlace.actor_id) if modelo else None
    if modelo is None or actor_modelo is None:
        return _mensaje(app, 409, "El acuerdo se está editando", "El acuerdo tiene cambios a medio hacer en este "
                        "momento. Vuelva a abrir este mismo enlace más tarde.")
    errores = []
    comentario = ""
    if request.method == "POST" and enlace.usado is None:
        enviado = await request.form(max_fields=10, max_files=0)
        decision = str(enviado.get("decision", ""))
        comentario = str(enviado.get("comentario", "")).strip()
        if decision not in DECISIONES_ACTOR:
            errores.append({"id": "c-valida", "mensaje": "Elija «Valido mi participación» o «Pido un cambio»"})
        elif decision == "pide_cambio" and not comentario:
            errores.append({"id": "c-comentario", "mensaje": "Comentario: escriba qué cambio pide"})
        elif len(comentario) > LARGO_COMENTARIO:
            errores.append({"id": "c-comentario",
                            "mensaje": f"Comentario: escriba hasta {LARGO_COMENTARIO} caracteres"})
        else:
            registrar_respuesta(app, borrador.id, actor_modelo.id, decision, comentario)
            _marcar_usado(app.almacen, enlace.id)
            return RedirectResponse(PREFIJO + request.path_params["token"], status_code=303)
    elif request.method == "POST":
        return _mensaje(app, 409, "Ya respondió con este enlace", "Su respuesta ya quedó registrada. Si quiere "
                        "cambiarla, pida un enlace nuevo al equipo facilitador.")
    respuesta: Response = app.pagina(
        "actor.html", 422 if errores else 200, titulo=f"Validación de {actor_modelo.entidad}",
        vista=vista_actor(modelo, actor_modelo), usado=enlace.usado is not None, errores=errores,
        vence=hora_legible(enlace.vence), comentario=comentario, largo=LARGO_COMENTARIO,
    )
    respuesta.headers["x-robots-tag"] = "noindex"
    return respuesta


RUTAS = [
    Route("/borradores/{id:int}/enlaces", enlaces, methods=["GET", "POST"]),
    Route("/borradores/{id:int}/enlaces/{enlace:int}/revocar", revocar_enlace, methods=["POST"]),
    Route(PREFIJO + "{token}", actor, methods=["GET", "POST"]),
]
