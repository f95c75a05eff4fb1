"""Cuentas del servidor de oficina: usuarios con rol, equipos y sesiones, en la misma base que los borradores.

Roles: ``administrador`` (gestiona cuentas y equipos; ve y edita todo), ``editor`` (edita los borradores
de sus equipos), ``lector`` (lee los de sus equipos). Las contraseñas se guardan con argon2id
(argon2-cffi); una sesión se guarda como el SHA-256 de su ficha (la cookie lleva la ficha firmada), así
una copia de la base no abre sesiones.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (Boolean, DateTime, ForeignKey, Integer, String, delete, func, select, update)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..errores import ErrorEntrada
from .bd import Base, Borrador, EQUIPO_GENERAL, Equipo

ROLES = ("administrador", "editor", "lector")
ROLES_TEXTO = {"administrador": "gestiona cuentas y equipos; ve y edita todos los borradores",
               "editor": "edita los borradores de sus equipos",
               "lector": "lee los borradores de sus equipos"}
MINIMO_CONTRASENA = 10
MAXIMO_CONTRASENA = 1024
VIDA_SESION = timedelta(hours=12)
"""Una sesión dura a lo más una jornada, se use o no."""
INACTIVIDAD = timedelta(hours=2)
"""Sin peticiones durante este tiempo, la sesión termina."""
_REFRESCO = timedelta(minutes=5)
"""Cada cuánto se anota la última actividad (no en cada petición: la vista de reunión pregunta cada segundo)."""
_NOMBRE = re.compile(r"^[A-Za-z0-9._@-]{2,80}$")


class Usuario(Base):
    __tablename__ = "usuarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nombre: Mapped[str] = mapped_column(String(80), unique=True)
    clave: Mapped[str] = mapped_column(String(255))
    rol: Mapped[str] = mapped_column(String(16))
    activo: Mapped[bool] = mapped_column(Boolean, default=True)
    creado: Mapped[datetime] = mapped_column(DateTime)


class Miembro(Base):
    __tablename__ = "miembros"

    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id", ondelete="CASCADE"), primary_key=True)
    equipo_id: Mapped[int] = mapped_column(ForeignKey("equipos.id", ondelete="CASCADE"), primary_key=True)


class Sesion(Base):
    __tablename__ = "sesiones"

    huella: Mapped[str] = mapped_column(String(64), primary_key=True)
    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    creada: Mapped[datetime] = mapped_column(DateTime)
    vence: Mapped[datetime] = mapped_column(DateTime)
    ultima: Mapped[datetime] = mapped_column(DateTime)


class Ajuste(Base):
    """Valores del servidor guardados en la base (la clave con que se firman las cookies)."""

    __tablename__ = "ajustes"

    clave: Mapped[str] = mapped_column(String(64), primary_key=True)
    valor: Mapped[str] = mapped_column(String(255))


@dataclass(frozen=True)
class UsuarioActual:
    """Quién hace la petición (``request.state.usuario``): nombre, rol y los equipos de los que es miembro."""

    id: int
    nombre: str
    rol: str
    equipos: frozenset[int]
    csrf: str

    @property
    def administrador(self) -> bool:
        return self.rol == "administrador"

    def puede_leer(self, equipo_id: int) -> bool:
        return self.administrador or equipo_id in self.equipos

    def puede_escribir(self, equipo_id: int) -> bool:
        return self.administrador or (self.rol == "editor" and equipo_id in self.equipos)

    @property
    def escribe(self) -> bool:
        return self.rol in ("administrador", "editor")


@dataclass(frozen=True)
class FichaUsuario:
    """Una cuenta para las listas (sin la clave)."""

    nombre: str
    rol: str
    activo: bool
    equipos: tuple[str, ...]


def _ahora() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _hasher() -> Any:
    from argon2 import PasswordHasher

    # Parámetros mínimos de OWASP para argon2id (19 MiB, 2 pasadas): 50 entradas a la vez no agotan la memoria.
    return PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def cifrar(contrasena: str) -> str:
    return str(_hasher().hash(contrasena))


_SEÑUELO: list[str] = []


def _verificar(clave: str | None, contrasena: str) -> bool:
    """Compara con argon2; sin cuenta, contra un señuelo (el mismo tiempo: no se adivina qué nombres existen)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    if clave is None:
        if not _SEÑUELO:
            _SEÑUELO.append(cifrar(secrets.token_urlsafe(16)))
        clave = _SEÑUELO[0]
    try:
        return bool(_hasher().verify(clave, contrasena))
    except (VerificationError, InvalidHashError):
        return False


def huella(ficha: str) -> str:
    return hashlib.sha256(ficha.encode("utf-8")).hexdigest()


def validar_nombre(nombre: str, que: str = "el nombre de usuario") -> str:
    nombre = nombre.strip()
    if not _NOMBRE.match(nombre):
        raise ErrorEntrada(f"{que} «{nombre[:40]}» no sirve: use de 2 a 80 letras sin tilde, números, "
                           "punto, guion, guion bajo o @ (sin espacios)")
    return nombre


def validar_contrasena(contrasena: str, campo: str = "la contraseña") -> str:
    """La regla de toda contraseña (CLI, /admin, «Cambiar mi contraseña»); ``campo`` nombra el dato en el error."""
    if len(contrasena) < MINIMO_CONTRASENA:
        raise ErrorEntrada(f"{campo} debe tener al menos {MINIMO_CONTRASENA} caracteres")
    if len(contrasena) > MAXIMO_CONTRASENA:
        raise ErrorEntrada(f"{campo} pasa de {MAXIMO_CONTRASENA} caracteres")
    return contrasena


def validar_rol(rol: str) -> str:
    if rol not in ROLES:
        raise ErrorEntrada(f"el rol «{rol[:40]}» no existe: use {', '.join(ROLES)}")
    return rol


def validar_equipo(nombre: str) -> str:
    nombre = " ".join(nombre.split())
    if not 1 <= len(nombre) <= 80:
        raise ErrorEntrada("el nombre del equipo debe tener de 1 a 80 caracteres")
    return nombre


def _no_el_general(equipo: Equipo, verbo: str) -> None:
    if equipo.nombre == EQUIPO_GENERAL:  # los borradores creados sin equipo van a él, por su nombre
        raise ErrorEntrada(f"el equipo «{EQUIPO_GENERAL}» es el de los borradores sin otro equipo: no se {verbo}")


class Cuentas:
    """Usuarios, equipos y sesiones de una base (la del ``Almacen``)."""

    def __init__(self, motor: Engine) -> None:
        self.motor = motor

    # ------------------------------------------------------------ usuarios

    def _usuario(self, sesion: Session, nombre: str) -> Usuario:
        usuario = sesion.scalar(select(Usuario).where(Usuario.nombre == nombre))
        if usuario is None:
            raise ErrorEntrada(f"no existe el usuario «{nombre[:80]}» (vea: acuerdo-docs web usuario lista)")
        return usuario

    def _equipo(self, sesion: Session, nombre: str) -> Equipo:
        equipo = sesion.scalar(select(Equipo).where(Equipo.nombre == nombre))
        if equipo is None:
            raise ErrorEntrada(f"no existe el equipo «{nombre[:80]}» (vea: acuerdo-docs web equipo lista)")
        return equipo

    def crear_usuario(self, nombre: str, rol: str, contrasena: str, equipos: tuple[str, ...] = ()) -> None:
        nombre, rol = validar_nombre(nombre), validar_rol(rol)
        clave = cifrar(validar_contrasena(contrasena))
        with Session(self.motor) as sesion, sesion.begin():
            if sesion.scalar(select(Usuario.id).where(Usuario.nombre == nombre)) is not None:
                raise ErrorEntrada(f"ya existe el usuario «{nombre}»")
            usuario = Usuario(nombre=nombre, clave=clave, rol=rol, activo=True, creado=_ahora())
            sesion.add(usuario)
            sesion.flush()
            for nombre_equipo in equipos:
                sesion.add(Miembro(usuario_id=usuario.id, equipo_id=self._equipo(sesion, nombre_equipo).id))

    def usuarios(self) -> list[FichaUsuario]:
        with Session(self.motor) as sesion:
            filas = sesion.execute(select(Usuario.id, Usuario.nombre, Usuario.rol, Usuario.activo)
                                   .order_by(Usuario.nombre)).all()
            equipos: dict[int, list[str]] = {}
            for usuario_id, nombre_equipo in sesion.execute(
                    select(Miembro.usuario_id, Equipo.nombre).join(Equipo, Equipo.id == Miembro.equipo_id)
                    .order_by(Equipo.nombre)):
                equipos.setdefault(usuario_id, []).append(nombre_equipo)
            return [FichaUsuario(n, r, bool(a), tuple(equipos.get(i, []))) for i, n, r, a in filas]

    def hay_administrador(self) -> bool:
        with Session(self.motor) as sesion:
            return sesion.scalar(select(Usuario.id).where(Usuario.rol == "administrador",
                                                          Usuario.activo.is_(True)).limit(1)) is not None

    def cambiar_rol(self, nombre: str, rol: str) -> None:
        rol = validar_rol(rol)
        with Session(self.motor) as sesion, sesion.begin():
            usuario = self._usuario(sesion, nombre)
            if usuario.rol == "administrador" and rol != "administrador":
                self._no_el_ultimo_administrador(sesion, usuario)
            usuario.rol = rol
            sesion.execute(delete(Sesion).where(Sesion.usuario_id == usuario.id))  # el rol nuevo rige ya

    def activar(self, nombre: str, activo: bool) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            usuario = self._usuario(sesion, nombre)
            if not activo and usuario.rol == "administrador":
                self._no_el_ultimo_administrador(sesion, usuario)
            usuario.activo = activo
            if not activo:
                sesion.execute(delete(Sesion).where(Sesion.usuario_id == usuario.id))

    def _no_el_ultimo_administrador(self, sesion: Session, usuario: Usuario) -> None:
        otros = sesion.scalar(select(Usuario.id).where(
            Usuario.rol == "administrador", Usuario.activo.is_(True), Usuario.id != usuario.id).limit(1))
        if otros is None:
            raise ErrorEntrada(f"«{usuario.nombre}» es el único administrador activo: cree o active otro antes")

    def cambiar_contrasena(self, nombre: str, contrasena: str) -> None:
        clave = cifrar(validar_contrasena(contrasena))
        with Session(self.motor) as sesion, sesion.begin():
            usuario = self._usuario(sesion, nombre)
            usuario.clave = clave
            sesion.execute(delete(Sesion).where(Sesion.usuario_id == usuario.id))  # las sesiones viejas terminan

    def autenticar(self, nombre: str, contrasena: str) -> int | None:
        """El id de la cuenta activa con ese nombre y contraseña; si no, ``None`` (sin decir cuál falló)."""
        if len(contrasena) > MAXIMO_CONTRASENA:
            return None
        with Session(self.motor) as sesion:
            usuario = sesion.scalar(select(Usuario).where(Usuario.nombre == nombre.strip()))
            valida = _verificar(usuario.clave if usuario is not None else None, contrasena)
            if usuario is None or not valida or not usuario.activo:
                return None
            usuario_id, clave = usuario.id, usuario.clave
        if _hasher().check_needs_rehash(clave):
            with Session(self.motor) as sesion, sesion.begin():
                sesion.execute(update(Usuario).where(Usuario.id == usuario_id).values(clave=cifrar(contrasena)))
        return usuario_id

    # ------------------------------------------------------------ equipos

    def crear_equipo(self, nombre: str) -> None:
        nombre = validar_equipo(nombre)
        with Session(self.motor) as sesion, sesion.begin():
            if sesion.scalar(select(Equipo.id).where(Equipo.nombre == nombre)) is not None:
                raise ErrorEntrada(f"ya existe el equipo «{nombre}»")
            sesion.add(Equipo(nombre=nombre))

    def renombrar_equipo(self, nombre: str, nuevo: str) -> None:
        """Cambia el nombre de un equipo (sus miembros y borradores siguen con él)."""
        nuevo = validar_equipo(nuevo)
        with Session(self.motor) as sesion, sesion.begin():
            equipo = self._equipo(sesion, nombre)
            _no_el_general(equipo, "renombra")
            if nuevo == equipo.nombre:
                return
            if sesion.scalar(select(Equipo.id).where(Equipo.nombre == nuevo)) is not None:
                raise ErrorEntrada(f"ya existe el equipo «{nuevo}»")
            equipo.nombre = nuevo

    def eliminar_equipo(self, nombre: str) -> None:
        """Elimina un equipo sin borradores (sus miembros dejan de serlo; las cuentas siguen)."""
        with Session(self.motor) as sesion, sesion.begin():
            equipo = self._equipo(sesion, nombre)
            _no_el_general(equipo, "elimina")
            cuantos = sesion.scalar(select(func.count()).select_from(Borrador).where(Borrador.equipo_id == equipo.id))
            if cuantos:
                raise ErrorEntrada(
                    f"el equipo «{equipo.nombre}» tiene {cuantos} borrador(es): páselos antes a otro equipo "
                    "(en la administración, «Pasar un borrador a otro equipo»; o acuerdo-docs web equipo borrador ID "
                    "EQUIPO)")
            sesion.execute(delete(Miembro).where(Miembro.equipo_id == equipo.id))
            sesion.delete(equipo)

    def equipos(self) -> list[tuple[int, str, tuple[str, ...]]]:
        """(id, nombre, miembros) de cada equipo, por nombre."""
        with Session(self.motor) as sesion:
            miembros: dict[int, list[str]] = {}
            for equipo_id, nombre in sesion.execute(
                    select(Miembro.equipo_id, Usuario.nombre).join(Usuario, Usuario.id == Miembro.usuario_id)
                    .order_by(Usuario.nombre)):
                miembros.setdefault(equipo_id, []).append(nombre)
            return [(i, n, tuple(miembros.get(i, [])))
                    for i, n in sesion.execute(select(Equipo.id, Equipo.nombre).order_by(Equipo.nombre))]

    def agregar_miembro(self, equipo: str, nombre: str) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            equipo_id, usuario_id = self._equipo(sesion, equipo).id, self._usuario(sesion, nombre).id
            if sesion.get(Miembro, (usuario_id, equipo_id)) is None:
                sesion.add(Miembro(usuario_id=usuario_id, equipo_id=equipo_id))

    def quitar_miembro(self, equipo: str, nombre: str) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            equipo_id, usuario_id = self._equipo(sesion, equipo).id, self._usuario(sesion, nombre).id
            sesion.execute(delete(Miembro).where(Miembro.usuario_id == usuario_id, Miembro.equipo_id == equipo_id))

    def id_usuario(self, nombre: str) -> int:
        with Session(self.motor) as sesion:
            return self._usuario(sesion, nombre).id

    def id_equipo(self, nombre: str) -> int:
        with Session(self.motor) as sesion:
            return self._equipo(sesion, nombre).id

    def mover_borrador(self, id_borrador: int, equipo: str) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            equipo_id = self._equipo(sesion, equipo).id
            borrador = sesion.get(Borrador, id_borrador)
            if borrador is None:
                raise ErrorEntrada(f"no existe el borrador {id_borrador}")
            borrador.equipo_id = equipo_id

    # ------------------------------------------------------------ sesiones

    def secreto(self) -> str:
        """La clave con que se firman las cookies: se crea la primera vez y vive en la base."""
        with Session(self.motor) as sesion, sesion.begin():
            ajuste = sesion.get(Ajuste, "secreto_cookies")
            if ajuste is None:
                ajuste = Ajuste(clave="secreto_cookies", valor=secrets.token_urlsafe(48))
                sesion.add(ajuste)
            return ajuste.valor

    def abrir_sesion(self, usuario_id: int) -> str:
        """Una sesión nueva (ficha aleatoria, nunca la que traía el navegador): devuelve la ficha."""
        ficha = secrets.token_urlsafe(32)
        ahora = _ahora()
        with Session(self.motor) as sesion, sesion.begin():
            sesion.execute(delete(Sesion).where(Sesion.vence < ahora))  # de paso, las vencidas
            sesion.add(Sesion(huella=huella(ficha), usuario_id=usuario_id, csrf=secrets.token_urlsafe(32),
                              creada=ahora, vence=ahora + VIDA_SESION, ultima=ahora))
        return ficha

    def cerrar_sesion(self, ficha: str) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            sesion.execute(delete(Sesion).where(Sesion.huella == huella(ficha)))

    def usuario_de_sesion(self, ficha: str) -> UsuarioActual | None:
        """Quién es el dueño de la sesión, si sigue viva y la cuenta activa (una consulta por petición)."""
        ahora = _ahora()
        with Session(self.motor) as sesion:
            fila = sesion.execute(
                select(Sesion.huella, Sesion.csrf, Sesion.vence, Sesion.ultima, Usuario.id, Usuario.nombre,
                       Usuario.rol, Usuario.activo)
                .join(Usuario, Usuario.id == Sesion.usuario_id).where(Sesion.huella == huella(ficha))).first()
            if fila is None or not fila.activo or fila.vence <= ahora or fila.ultima + INACTIVIDAD <= ahora:
                return None
            equipos = frozenset(sesion.scalars(select(Miembro.equipo_id).where(Miembro.usuario_id == fila.id)))
        if fila.ultima + _REFRESCO <= ahora:
            with Session(self.motor) as sesion, sesion.begin():
                sesion.execute(update(Sesion).where(Sesion.huella == fila.huella).values(ultima=ahora))
        return UsuarioActual(fila.id, fila.nombre, fila.rol, equipos, fila.csrf)

    def equipos_de(self, usuario: UsuarioActual) -> list[tuple[int, str]]:
        """Los equipos donde el usuario puede crear borradores (todos, si es administrador)."""
        with Session(self.motor) as sesion:
            consulta = select(Equipo.id, Equipo.nombre).order_by(Equipo.nombre)
            if not usuario.administrador:
                consulta = consulta.where(Equipo.id.in_(usuario.equipos))
            return [(i, n) for i, n in sesion.execute(consulta)]


__all__ = ["EQUIPO_GENERAL", "ROLES", "Cuentas", "UsuarioActual"]
