"""Borradores guardados: una tabla (SQLAlchemy 2) con sus migraciones Alembic, en SQLite o PostgreSQL.

Un borrador se guarda aunque sea inválido: ``datos`` es el JSON tal como lo dejó el formulario.
Alembic no migra contenido JSON: ``version_esquema`` dice con qué forma se guardó.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, create_engine, event, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

VERSION_ESQUEMA = 1
"""Forma de ``Borrador.datos``: súbala (y convierta los viejos al leer) si cambia."""

TIPOS = ("ficha", "acuerdo")
MIGRACIONES = Path(__file__).with_name("migraciones")
DATOS_JSON = JSON().with_variant(JSONB(), "postgresql")
"""El JSON del borrador: JSONB en PostgreSQL (indexable, sin texto duplicado), JSON en SQLite."""


class Base(DeclarativeBase):
    pass


class Borrador(Base):
    __tablename__ = "borradores"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tipo: Mapped[str] = mapped_column(String(16))
    titulo: Mapped[str] = mapped_column(String(300), default="")
    datos: Mapped[dict[str, Any]] = mapped_column(DATOS_JSON)
    version_esquema: Mapped[int] = mapped_column(Integer, default=VERSION_ESQUEMA)
    errores: Mapped[int] = mapped_column(Integer, default=0)
    creado: Mapped[datetime] = mapped_column(DateTime)
    modificado: Mapped[datetime] = mapped_column(DateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}  # bloqueo optimista: dos guardados cruzados no se pisan


@dataclass(frozen=True)
class Resumen:
    id: int
    tipo: str
    titulo: str
    errores: int
    modificado: datetime


def url_sqlite(carpeta: Path) -> str:
    return f"sqlite:///{carpeta / 'acuerdo_docs.sqlite3'}"


def normalizar_url(url: str) -> str:
    """``postgresql://`` (o ``postgres://``) usa psycopg 3, el controlador del extra web (no psycopg2)."""
    for prefijo in ("postgresql://", "postgres://"):
        if url.startswith(prefijo):
            return "postgresql+psycopg://" + url[len(prefijo):]
    return url


def url_visible(url: str) -> str:
    """La URL sin la contraseña: la única forma en que una URL de base sale en un mensaje."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - una URL ilegible no se repite
        return "(URL ilegible)"


def crear_motor(url: str) -> Engine:
    motor = create_engine(normalizar_url(url), pool_pre_ping=True)
    if motor.dialect.name == "sqlite":
        event.listen(motor, "connect", _sqlite_seguro)
    return motor


def _ahora() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRACIONES))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRACIONES / "versiones"))
    return config


def revisiones(motor: Engine) -> tuple[str | None, str | None]:
    """(la migración en que está la base, la última que trae el programa); ``None``: base vacía."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cabeza = ScriptDirectory.from_config(_config()).get_current_head()
    with motor.connect() as conexion:
        actual = MigrationContext.configure(conexion).get_current_revision()
    return actual, cabeza


def migrar(motor: Engine) -> tuple[str | None, str | None]:
    """Lleva la base a la última migración (``alembic upgrade head``) si hace falta; devuelve (antes, ahora)."""
    from alembic import command

    actual, cabeza = revisiones(motor)
    if actual != cabeza:
        config = _config()
        with motor.begin() as conexion:
            config.attributes["connection"] = conexion
            command.upgrade(config, "head")
    return actual, cabeza


class Almacen:
    """Los borradores de una base: crear, leer, guardar, duplicar, borrar y listar."""

    def __init__(self, url: str, migrar_al_iniciar: bool = True) -> None:
        self.motor = crear_motor(url)
        if migrar_al_iniciar:
            migrar(self.motor)

    def crear(self, tipo: str, datos: dict[str, Any], titulo: str = "", errores: int = 0) -> int:
        if tipo not in TIPOS:
            raise ValueError(tipo)
        ahora = _ahora()
        with Session(self.motor) as sesion, sesion.begin():
            borrador = Borrador(tipo=tipo, titulo=titulo[:300], datos=datos, version_esquema=VERSION_ESQUEMA,
                                errores=errores, creado=ahora, modificado=ahora)
            sesion.add(borrador)
            sesion.flush()
            return borrador.id

    def obtener(self, id_borrador: int) -> Borrador | None:
        with Session(self.motor, expire_on_commit=False) as sesion:
            return sesion.get(Borrador, id_borrador)

    def guardar(self, id_borrador: int, datos: dict[str, Any], titulo: str, errores: int) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            borrador = sesion.get(Borrador, id_borrador)
            if borrador is None:
                raise KeyError(id_borrador)
            borrador.datos = datos
            borrador.titulo = titulo[:300]
            borrador.errores = errores
            borrador.version_esquema = VERSION_ESQUEMA
            borrador.modificado = _ahora()

    def borrar(self, id_borrador: int) -> None:
        with Session(self.motor) as sesion, sesion.begin():
            borrador = sesion.get(Borrador, id_borrador)
            if borrador is not None:
                sesion.delete(borrador)

    def listar(self) -> list[Resumen]:
        with Session(self.motor) as sesion:
            filas = sesion.execute(select(
                Borrador.id, Borrador.tipo, Borrador.titulo, Borrador.errores, Borrador.modificado,
            ).order_by(Borrador.modificado.desc(), Borrador.id.desc()))
            return [Resumen(*fila) for fila in filas]

    def version(self, id_borrador: int) -> int | None:
        """La versión del borrador (cambia con cada guardado): la usa la vista de la reunión."""
        with Session(self.motor) as sesion:
            return sesion.scalar(select(Borrador.version).where(Borrador.id == id_borrador))

    def cuantos(self) -> int:
        with Session(self.motor) as sesion:
            return int(sesion.scalar(select(func.count()).select_from(Borrador)) or 0)


def _sqlite_seguro(conexion: Any, _registro: Any) -> None:
    cursor = conexion.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # lectores y un escritor a la vez (varias pestañas)
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
