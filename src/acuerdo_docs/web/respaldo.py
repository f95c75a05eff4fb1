"""Respaldo de la base de borradores como un JSON, y su restauración (SQLite y PostgreSQL por igual).

El archivo lleva cada borrador con su tipo, fechas, versión de esquema y datos (los de un borrador
válido, válidos contra el esquema publicado de su tipo). Sin la fecha del respaldo: la misma base da
los mismos bytes.
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
from .bd import Almacen, Borrador, revisiones

FORMATO = "acuerdo-docs-respaldo"
VERSION_FORMATO = 1


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
    datos: dict[str, Any] = Field(title="Datos del borrador")


class Respaldo(BaseModel):
    """Un respaldo completo de la base de ``acuerdo-docs web``."""

    model_config = ConfigDict(extra="forbid", title="Respaldo de acuerdo-docs web")

    formato: Literal["acuerdo-docs-respaldo"] = Field(title="Formato")
    version_formato: Literal[1] = Field(title="Versión del formato")
    migracion: str | None = Field(default=None, title="Migración de la base respaldada")
    borradores: list[BorradorRespaldado] = Field(title="Borradores")


def respaldar(almacen: Almacen) -> bytes:
    """Toda la base como JSON (UTF-8, ordenado por número de borrador)."""
    actual, _ = revisiones(almacen.motor)
    with Session(almacen.motor) as sesion:
        filas = sesion.scalars(select(Borrador).order_by(Borrador.id)).all()
        borradores = [BorradorRespaldado.model_validate(fila, from_attributes=True) for fila in filas]
    for borrador in borradores:  # JSONB (PostgreSQL) no guarda el orden de las claves: el respaldo las ordena
        borrador.datos = json.loads(json.dumps(borrador.datos, sort_keys=True))
    respaldo = Respaldo(formato=FORMATO, version_formato=VERSION_FORMATO, migracion=actual, borradores=borradores)
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
        sesion.execute(delete(tabla))
        filas = [b.model_dump() for b in respaldo.borradores]
        for fila in filas:  # la base guarda fechas UTC sin zona
            fila["creado"], fila["modificado"] = _utc(fila["creado"]), _utc(fila["modificado"])
            if fila["version_esquema"] < VERSION_DATOS:  # un respaldo viejo entra con la forma de hoy
                fila["datos"] = migrar_datos(fila["tipo"], fila["datos"], fila["version_esquema"])
                fila["version_esquema"] = VERSION_DATOS
        if filas:
            sesion.execute(insert(tabla), filas)
        if almacen.motor.dialect.name == "postgresql":
            # Los números vinieron del respaldo: la secuencia sigue después del mayor.
            sesion.execute(text(
                "SELECT setval(pg_get_serial_sequence('borradores', 'id'), "
                "COALESCE((SELECT MAX(id) FROM borradores), 0) + 1, false)"))
    return len(filas)


def _utc(momento: datetime) -> datetime:
    return momento if momento.tzinfo is None else momento.astimezone(UTC).replace(tzinfo=None)
