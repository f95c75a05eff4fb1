"""Respaldo de la base de borradores como un JSON, y su restauración (SQLite y PostgreSQL por igual).

El archivo lleva cada borrador con su tipo, fechas, versión de esquema y datos (los de un borrador
válido, válidos contra el esquema publicado de su tipo) y su historial (cada revisión: quién, cuándo,
de dónde y sus datos). Sin la fecha del respaldo: la misma base da los mismos bytes.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Table, delete, func, insert, select, text
from sqlalchemy.orm import Session

from ..errores import ErrorEntrada, traducir
from ..esquemas.entrada_json import cargar_json
from ..esquemas.versiones import VERSION_DATOS, migrar_datos
from .bd import AUTOR_MIGRACION, EQUIPO_GENERAL, ORIGENES, Almacen, Borrador, Equipo, Revision, revisiones
from .cuentas import Miembro, Usuario
from .enlaces_actores import EnlaceActor

FORMATO = "acuerdo-docs-respaldo"
VERSION_FORMATO = 2
"""1: solo borradores (0.2.0); 2: con el historial de cada uno. Se leen los dos."""


class RevisionRespaldada(BaseModel):
    """Una revisión del historial de un borrador, tal como está en la base."""

    model_config = ConfigDict(extra="forbid", title="Revisión")

    numero: int = Field(ge=1, title="Número de la revisión (la versión del borrador que dejó)")
    autor: str = Field(max_length=120, title="Quién guardó")
    momento: datetime = Field(title="Cuándo (UTC)")
    origen: Literal[ORIGENES] = Field(title="De dónde vino el guardado")  # type: ignore[valid-type]
    detalle: str = Field(default="", max_length=300, title="Detalle (sección, revisión restaurada, fecha…)")
    version_esquema: int = Field(ge=1, title="Versión del esquema de los datos")
    datos: dict[str, Any] = Field(title="Datos del borrador en esta revisión")


class BorradorRespaldado(BaseModel):
    """Un borrador tal como está en la base."""

    model_config = ConfigDict(extra="forbid", title="Borrador")

    id: int = Field(ge=1, title="Número del borrador")
    tipo: Literal["ficha", "acuerdo"] = Field(title="Tipo", description="ficha o acuerdo")
    titulo: str = Field(default="", max_length=300, title="Título")
    version_esquema: int = Field(ge=1, title="Versión del esquema de los datos")
    errores: int = Field(default=0, ge=0, title="Errores de validación al guardarlo")
    creado: datetime = Field(title="Creado (UTC)")
    modificado: datetime = Field(title="Modificado (UTC)")
    version: int = Field(default=1, ge=1, title="Versión (cuenta los guardados)")
    equipo: str = Field(default=EQUIPO_GENERAL, min_length=1, max_length=80, title="Equipo del borrador",
                        description="el equipo cuyos miembros lo ven y lo editan (se crea si no existe)")
    datos: dict[str, Any] = Field(title="Datos del borrador")
    revisiones: list[RevisionRespaldada] = Field(default_factory=list, title="Historial",
                                                 description="De la primera revisión a la última")


class CuentaRespaldada(BaseModel):
    """Una cuenta del servidor de oficina: su contraseña solo como la cifra argon2 (nunca en claro)."""

    model_config = ConfigDict(extra="forbid", title="Cuenta")

    nombre: str = Field(pattern=r"^[A-Za-z0-9._@-]{2,80}$", title="Usuario")
    rol: Literal["administrador", "editor", "lector"] = Field(title="Rol")
    activo: bool = Field(default=True, title="Activa")
    clave: str = Field(pattern=r"^\$argon2(id|i|d)\$", max_length=255, title="Contraseña cifrada",
                       description="la cifra argon2 de la contraseña, tal como está en la base")
    creado: datetime = Field(title="Creada (UTC)")
    equipos: list[str] = Field(default_factory=list, title="Equipos de los que es miembro")


class Respaldo(BaseModel):
    """Un respaldo completo de la base de ``acuerdo-docs web``."""

    model_config = ConfigDict(extra="forbid", title="Respaldo de acuerdo-docs web")

    formato: Literal["acuerdo-docs-respaldo"] = Field(title="Formato")
    version_formato: Literal[1, 2] = Field(title="Versión del formato")
    migracion: str | None = Field(default=None, title="Migración de la base respaldada")
    equipos: list[str] = Field(default_factory=list, title="Equipos",
                               description="todos los equipos, también los que no tienen borradores")
    cuentas: list[CuentaRespaldada] = Field(
        default_factory=list, title="Cuentas",
        description="al restaurar se crean las que no existan (por nombre); las que ya existen no se tocan")
    borradores: list[BorradorRespaldado] = Field(title="Borradores")


def respaldar(almacen: Almacen) -> bytes:
    """Toda la base como JSON (UTF-8, ordenado por número de borrador)."""
    actual, _ = revisiones(almacen.motor)
    with Session(almacen.motor) as sesion:
        equipos: dict[int, str] = {i: n for i, n in sesion.execute(select(Equipo.id, Equipo.nombre))}
        historial: dict[int, list[RevisionRespaldada]] = {}
        for revision in sesion.scalars(select(Revision).order_by(Revision.borrador_id, Revision.numero)):
            historial.setdefault(revision.borrador_id, []).append(
                RevisionRespaldada.model_validate(revision, from_attributes=True))
        borradores = [BorradorRespaldado.model_validate(
            {**{c: getattr(fila, c) for c in BorradorRespaldado.model_fields if c not in ("revisiones", "equipo")},
             "revisiones": historial.get(fila.id, []), "equipo": equipos[fila.equipo_id]})
            for fila in sesion.scalars(select(Borrador).order_by(Borrador.id))]
    for borrador in borradores:  # JSONB (PostgreSQL) no guarda el orden de las claves: el respaldo las ordena
        borrador.datos = _ordenado(borrador.datos)
        for respaldada in borrador.revisiones:
            respaldada.datos = _ordenado(respaldada.datos)
    respaldo = Respaldo(formato=FORMATO, version_formato=VERSION_FORMATO, migracion=actual,
                        equipos=sorted(equipos.values()), cuentas=_cuentas(almacen, equipos), borradores=borradores)
    return (json.dumps(respaldo.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=False)
            + "\n").encode("utf-8")


def leer_respaldo(contenido: bytes, nombre: str) -> Respaldo:
    """El respaldo validado; si no lo es, un error en español que nombra el campo."""
    try:
        datos = cargar_json(contenido.decode("utf-8-sig"), nombre)
    except UnicodeDecodeError:
        raise ErrorEntrada(f"{nombre}: no es un respaldo de acuerdo-docs (no es texto UTF-8)") from None
    try:
        json.dumps(datos, allow_nan=False)
    except ValueError:
        raise ErrorEntrada(f"{nombre}: el respaldo tiene números no finitos (NaN, Infinity o 1e999); "
                           "ningún borrador los guarda") from None
    if not isinstance(datos, dict) or datos.get("formato") != FORMATO:
        raise ErrorEntrada(f"{nombre}: no es un respaldo de acuerdo-docs (falta «formato»: «{FORMATO}»); "
                           "se hace con: acuerdo-docs web respaldo -o ARCHIVO.json")
    try:
        respaldo = Respaldo.model_validate(datos)
    except ValidationError as exc:
        errores = traducir(exc, Respaldo)
        detalle = "; ".join(str(e) for e in errores[:5])
        raise ErrorEntrada(f"{nombre}: el respaldo no es válido: {detalle}") from None
    repetidos = sorted({b.id for b in respaldo.borradores if [x.id for x in respaldo.borradores].count(b.id) > 1})
    if repetidos:
        raise ErrorEntrada(f"{nombre}: el respaldo repite el número de borrador {repetidos[0]}")
    for numero, borrador in enumerate(respaldo.borradores, start=1):
        numeros = [r.numero for r in borrador.revisiones]
        if numeros != sorted(set(numeros)) or (numeros and numeros[-1] > borrador.version):
            raise ErrorEntrada(f"{nombre}: borradores[{numero}].revisiones: los números deben ir en aumento, sin "
                               f"repetirse y sin pasar de la versión del borrador ({borrador.version})")
    for numero, borrador in enumerate(respaldo.borradores, start=1):
        if borrador.version_esquema > VERSION_DATOS:
            raise ErrorEntrada(
                f"{nombre}: borradores[{numero}].version_esquema: {borrador.version_esquema} es de un "
                f"acuerdo-docs más nuevo (este conoce hasta la {VERSION_DATOS}); actualice acuerdo-docs")
    return respaldo


def restaurar(almacen: Almacen, respaldo: Respaldo, reemplazar: bool = False) -> int:
    """Carga el respaldo en una sola transacción (todo o nada); devuelve cuántos borradores cargó.

    Una base con borradores se rechaza salvo con ``reemplazar`` (que borra los que tenga).
    """
    tabla = cast(Table, Borrador.__table__)  # Core, no ORM: conserva número y versión tal como vienen
    with Session(almacen.motor) as sesion, sesion.begin():
        existentes = int(sesion.scalar(select(func.count()).select_from(tabla)) or 0)
        if existentes and not reemplazar:
            raise ErrorEntrada(
                f"la base ya tiene {existentes} borrador(es); no se restaura encima. Para borrarlos y "
                "cargar el respaldo, repita la orden con --reemplazar (antes, haga un respaldo de la base actual)")
        sesion.execute(delete(cast(Table, Revision.__table__)))  # SQLite no borra en cascada sin su PRAGMA
        sesion.execute(delete(cast(Table, EnlaceActor.__table__)))  # los enlaces de los actores no se respaldan: mueren con la base
        sesion.execute(delete(tabla))
        equipos: dict[str, int] = {n: i for n, i in sesion.execute(select(Equipo.nombre, Equipo.id))}
        nombres = {*respaldo.equipos, *(b.equipo for b in respaldo.borradores),
                   *(e for c in respaldo.cuentas for e in c.equipos)}
        for nombre in sorted(nombres - set(equipos)):
            equipo = Equipo(nombre=nombre)
            sesion.add(equipo)
            sesion.flush()
            equipos[nombre] = equipo.id
        existentes_cuentas = set(sesion.scalars(select(Usuario.nombre)))
        for cuenta in respaldo.cuentas:  # las que ya hay en esta base se quedan como están
            if cuenta.nombre not in existentes_cuentas:
                usuario = Usuario(nombre=cuenta.nombre, clave=cuenta.clave, rol=cuenta.rol, activo=cuenta.activo,
                                  creado=_utc(cuenta.creado))
                sesion.add(usuario)
                sesion.flush()
                sesion.add_all(Miembro(usuario_id=usuario.id, equipo_id=equipos[e]) for e in sorted(set(cuenta.equipos)))
        filas = [b.model_dump(exclude={"revisiones"}) for b in respaldo.borradores]
        for fila in filas:  # la base guarda fechas UTC sin zona; el equipo, por su número en esta base
            fila["creado"], fila["modificado"] = _utc(fila["creado"]), _utc(fila["modificado"])
            if fila["version_esquema"] < VERSION_DATOS:  # un respaldo viejo entra con la forma de hoy
                fila["datos"] = migrar_datos(fila["tipo"], fila["datos"], fila["version_esquema"])
                fila["version_esquema"] = VERSION_DATOS
            fila["equipo_id"] = equipos[fila.pop("equipo")]
        if filas:
            sesion.execute(insert(tabla), filas)
        historial = [_fila_revision(b, r) for b in respaldo.borradores for r in b.revisiones]
        for borrador, fila in zip(respaldo.borradores, filas, strict=True):
            # Un respaldo sin historial (0.2.0): la versión actual recibe su revisión, base del bloqueo optimista.
            if not borrador.revisiones or borrador.revisiones[-1].numero != borrador.version:
                historial.append({"borrador_id": borrador.id, "numero": borrador.version, "autor": AUTOR_MIGRACION,
                                  "momento": fila["modificado"], "origen": "migracion",
                                  "detalle": "respaldo sin esta revisión", "version_esquema": fila["version_esquema"],
                                  "datos": fila["datos"]})
        if historial:
            sesion.execute(insert(cast(Table, Revision.__table__)), historial)
        if almacen.motor.dialect.name == "postgresql":
            # Los números vinieron del respaldo: la secuencia sigue después del mayor.
            sesion.execute(text(
                "SELECT setval(pg_get_serial_sequence('borradores', 'id'), "
                "COALESCE((SELECT MAX(id) FROM borradores), 0) + 1, false)"))
    return len(filas)


def _cuentas(almacen: Almacen, equipos: dict[int, str]) -> list[CuentaRespaldada]:
    """Las cuentas por nombre, cada una con sus equipos por nombre (sin sesiones: al restaurar se entra de nuevo)."""
    with Session(almacen.motor) as sesion:
        miembros: dict[int, list[str]] = {}
        for usuario_id, equipo_id in sesion.execute(select(Miembro.usuario_id, Miembro.equipo_id)):
            miembros.setdefault(usuario_id, []).append(equipos[equipo_id])
        return [CuentaRespaldada(nombre=u.nombre, rol=u.rol, activo=u.activo, clave=u.clave, creado=u.creado,
                                 equipos=sorted(miembros.get(u.id, [])))
                for u in sesion.scalars(select(Usuario).order_by(Usuario.nombre))]


def _fila_revision(borrador: BorradorRespaldado, revision: RevisionRespaldada) -> dict[str, Any]:
    fila = revision.model_dump()
    fila["borrador_id"], fila["momento"] = borrador.id, _utc(fila["momento"])
    return fila


def _ordenado(datos: dict[str, Any]) -> dict[str, Any]:
    ordenado: dict[str, Any] = json.loads(json.dumps(datos, sort_keys=True))
    return ordenado


def _utc(momento: datetime) -> datetime:
    return momento if momento.tzinfo is None else momento.astimezone(UTC).replace(tzinfo=None)
