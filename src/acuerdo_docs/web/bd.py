"""Borradores guardados (SQLAlchemy 2) con sus migraciones Alembic, en SQLite o PostgreSQL.

Un borrador se guarda aunque sea inválido: ``datos`` es el JSON tal como lo dejó el formulario.
Alembic no migra contenido JSON: ``version_esquema`` dice con qué forma se guardó, y
``esquemas.versiones`` lo lleva a la de hoy al leerlo y, de una vez para toda la base, al migrar.

Las imágenes de los anexos se guardan con su ruta relativa a la carpeta de datos (``anexos/N/x.png``):
el almacén las da absolutas a la app y las vuelve relativas al guardar.

Cada guardado deja una revisión inmutable (tabla ``revisiones``: quién, cuándo, de dónde y los datos
completos), escrita en la misma transacción que el borrador: nunca hay media revisión.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, create_engine, delete,
                        event, func, select)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.orm.exc import StaleDataError

from ..errores import ErrorEntrada
from ..esquemas.versiones import VERSION_DATOS, migrar_datos

VERSION_ESQUEMA = VERSION_DATOS
"""Forma de ``Borrador.datos``: la de ``esquemas.versiones`` (allí se sube y se registra cómo convertir)."""

TIPOS = ("ficha", "acuerdo")
EQUIPO_GENERAL = "General"
"""El equipo de los borradores de antes de las cuentas y de los que se crean sin cuentas (modo local)."""
ESPERA_CONEXION = 5
"""Segundos para conectar a PostgreSQL: con la base caída, la petición falla pronto (503), no cuelga."""
MIGRACIONES = Path(__file__).with_name("migraciones")
DATOS_JSON = JSON().with_variant(JSONB(), "postgresql")
"""El JSON del borrador: JSONB en PostgreSQL (indexable, sin texto duplicado), JSON en SQLite."""


class Base(DeclarativeBase):
    pass


class Equipo(Base):
    """Un equipo de la oficina: cada borrador es de uno (web/cuentas.py dice quién es miembro)."""

    __tablename__ = "equipos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    nombre: Mapped[str] = mapped_column(String(80), unique=True)


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
    equipo_id: Mapped[int] = mapped_column(ForeignKey("equipos.id"), index=True)

    __mapper_args__ = {"version_id_col": version}  # bloqueo optimista: dos guardados cruzados no se pisan


class Revision(Base):
    """Un guardado de un borrador, tal como quedó: nunca se cambia ni se borra (salvo con su borrador)."""

    __tablename__ = "revisiones"
    __table_args__ = (UniqueConstraint("borrador_id", "numero", name="uq_revisiones_borrador_numero"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borrador_id: Mapped[int] = mapped_column(ForeignKey("borradores.id", ondelete="CASCADE"), index=True)
    numero: Mapped[int] = mapped_column(Integer)  # la ``version`` del borrador que dejó este guardado
    autor: Mapped[str] = mapped_column(String(120))
    momento: Mapped[datetime] = mapped_column(DateTime)
    origen: Mapped[str] = mapped_column(String(40))  # ORIGENES
    detalle: Mapped[str] = mapped_column(String(300), default="")
    version_esquema: Mapped[int] = mapped_column(Integer, default=VERSION_ESQUEMA)
    datos: Mapped[dict[str, Any]] = mapped_column(DATOS_JSON)


AUTOR_MIGRACION = "(migración de la base)"
"""El autor de las revisiones que escribe una migración (no una persona)."""

ORIGENES = ("creacion", "formulario", "autoguardado", "importacion", "copia", "restauracion", "reunion",
            "seguimiento", "migracion", "enlace")
"""De dónde viene una revisión (el historial lo dice en palabras)."""


class VersionCambiada(Exception):
    """Otro guardado llegó antes: el borrador ya no está en la versión de la que se partió."""

    def __init__(self, actual: int | None) -> None:
        super().__init__(f"el borrador está en la versión {actual}")
        self.actual = actual


@dataclass(frozen=True)
class Resumen:
    id: int
    tipo: str
    titulo: str
    errores: int
    modificado: datetime
    equipo_id: int = 0


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
    # pool_pre_ping: tras un reinicio de PostgreSQL, las conexiones muertas se descartan solas.
    # hide_parameters: ningún error (ni su traza) repite los datos de un borrador (Ley 1581).
    normal = normalizar_url(url)
    opciones: dict[str, Any] = {}
    if make_url(normal).get_backend_name() == "postgresql":
        opciones["connect_args"] = {"connect_timeout": ESPERA_CONEXION}
    motor = create_engine(normal, pool_pre_ping=True, hide_parameters=True, **opciones)
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


def cabeza() -> str | None:
    """La última migración que trae el programa (la cadena es una sola, lineal)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def revisiones(motor: Engine) -> tuple[str | None, str | None]:
    """(la migración en que está la base, la última que trae el programa); ``None``: base vacía."""
    from alembic.runtime.migration import MigrationContext

    with motor.connect() as conexion:
        actual = MigrationContext.configure(conexion).get_current_revision()
    return actual, cabeza()


@dataclass(frozen=True)
class Actualizacion:
    """Lo que hizo :func:`actualizar`: de qué migración a cuál, y cuántos borradores cambiaron de forma."""

    antes: str | None
    ahora: str | None
    documentos: int


def actualizar(motor: Engine) -> Actualizacion:
    """Lleva la base a la última migración (``alembic upgrade head``) y los borradores a la forma de hoy.

    Los dos pasos son idempotentes: con la base al día no escribe nada. Lo llaman ``acuerdo-docs web
    migrar`` y el arranque de la app.
    """
    from alembic import command

    actual, cabeza = revisiones(motor)
    exigir_conocida(motor, actual, cabeza)
    if actual != cabeza:
        config = _config()
        with motor.begin() as conexion:
            config.attributes["connection"] = conexion
            command.upgrade(config, "head")
    return Actualizacion(actual, cabeza, migrar_documentos(motor))


def exigir_conocida(motor: Engine, actual: str | None, cabeza: str | None) -> None:
    """:class:`ErrorEntrada` en español si la base es de una versión más nueva del programa (una migración
    o una forma de datos que este no trae): nada se toca, en vez de fallar a medias o leer mal los datos."""
    from alembic.script import ScriptDirectory

    conocidas = {guion.revision for guion in ScriptDirectory.from_config(_config()).walk_revisions()}
    if actual is not None and actual not in conocidas:
        raise ErrorEntrada(
            f"la base está en la migración {actual}, que esta versión de acuerdo-docs no conoce (la última que "
            f"trae es {cabeza}): la dejó una versión más nueva. Use esa versión, o restaure en una base vacía un "
            "respaldo hecho con esta; la base no se tocó.")
    if actual is None:
        return
    with Session(motor) as sesion:
        nuevos = sesion.scalar(select(func.count()).select_from(Borrador)
                               .where(Borrador.version_esquema > VERSION_ESQUEMA))
    if nuevos:
        raise ErrorEntrada(
            f"{nuevos} borrador(es) de la base tienen sus datos en una forma más nueva (versión mayor que "
            f"{VERSION_ESQUEMA}) que esta versión de acuerdo-docs no sabe leer: la dejó una versión más nueva. "
            "Use esa versión; la base no se tocó.")


def migrar(motor: Engine) -> tuple[str | None, str | None]:
    """Como :func:`actualizar`; devuelve (migración antes, migración ahora)."""
    hecho = actualizar(motor)
    return hecho.antes, hecho.ahora


def migrar_documentos(motor: Engine) -> int:
    """Reescribe en la forma de hoy los borradores guardados con una vieja (una transacción); devuelve cuántos."""
    with Session(motor) as sesion, sesion.begin():
        viejos = sesion.scalars(select(Borrador).where(Borrador.version_esquema < VERSION_ESQUEMA)
                                .order_by(Borrador.id)).all()
        ahora = _ahora()
        for borrador in viejos:  # la versión (bloqueo optimista) sube: un formulario abierto de antes no la pisa
            borrador.datos = migrar_datos(borrador.tipo, borrador.datos, borrador.version_esquema)
            borrador.version_esquema = VERSION_ESQUEMA
            sesion.flush()
            sesion.add(_revision(borrador, AUTOR_MIGRACION, "migracion", "datos a la forma de esta versión", ahora))  # cada versión, su revisión
        return len(viejos)


def rutas_relativas(tipo: str, datos: dict[str, Any], carpeta: Path | None) -> dict[str, Any]:
    """Las imágenes de los anexos con su ruta relativa a ``carpeta`` (al guardar).

    Con carpeta de datos, una imagen solo puede estar en su ``anexos/``: la ruta llega del navegador
    (un campo oculto) o de un JSON importado, y cualquier otra nombraría un archivo del servidor que
    el documento incrustaría. Una ruta de fuera (o que sale con ``..`` o un enlace) queda vacía y el
    formulario pide subir la imagen.
    """
    return _cambiar_anexos(tipo, datos, lambda ruta: _relativa(ruta, carpeta) if carpeta else None)


def rutas_absolutas(tipo: str, datos: dict[str, Any], carpeta: Path | None) -> dict[str, Any]:
    """Las imágenes de los anexos resueltas desde ``carpeta`` (al leer); las de fuera de ``anexos/``, vacías."""
    def absoluta(ruta: str) -> str | None:
        if carpeta is None:
            return None
        real = _en_anexos(ruta, carpeta)
        return "" if real is None else str(real)

    return _cambiar_anexos(tipo, datos, absoluta)


def _en_anexos(ruta: str, carpeta: Path) -> Path | None:
    """La ruta real de la imagen si está dentro de ``carpeta/anexos`` (enlaces y ``..`` resueltos); si no, None."""
    base = (carpeta / "anexos").resolve()
    real = (carpeta.resolve() / ruta).resolve()  # una ruta absoluta reemplaza a la carpeta
    return real if real.is_relative_to(base) and real != base else None


def _relativa(ruta: str, carpeta: Path) -> str:
    real = _en_anexos(ruta, carpeta)
    return "" if real is None else real.relative_to(carpeta.resolve()).as_posix()


TIPOS_CON_ANEXOS = frozenset({"ficha"})
"""Los tipos de borrador cuyos datos llevan imágenes de anexos (``anexos[].archivo``)."""


def rutas_anexos(tipo: str, datos: dict[str, Any]) -> set[str]:
    """Las rutas de imagen que nombran los anexos de ``datos``, tal como están (sin revisarlas)."""
    rutas: set[str] = set()
    _cambiar_anexos(tipo, datos, rutas.add)  # add devuelve None: los datos no cambian
    return rutas


def _cambiar_anexos(tipo: str, datos: dict[str, Any], cambio: Any) -> dict[str, Any]:
    anexos = datos.get("anexos") if tipo in TIPOS_CON_ANEXOS else None
    if not isinstance(anexos, list) or not any(isinstance(a, dict) and isinstance(a.get("archivo"), str)
                                               for a in anexos):
        return datos
    nuevos = []
    for anexo in anexos:
        archivo = anexo.get("archivo") if isinstance(anexo, dict) else None
        nueva = cambio(archivo) if isinstance(archivo, str) and archivo.strip() else None
        nuevos.append({**anexo, "archivo": nueva} if nueva is not None else anexo)
    return {**datos, "anexos": nuevos}


class Almacen:
    """Los borradores de una base: crear, leer, guardar, duplicar, borrar y listar."""

    def __init__(self, url: str, migrar_al_iniciar: bool = True, carpeta: Path | None = None) -> None:
        """``carpeta``: la carpeta de datos, desde la que se resuelven las imágenes de los anexos."""
        self.motor = crear_motor(url)
        self.carpeta = carpeta
        if migrar_al_iniciar:
            actualizar(self.motor)

    def anexos_propios(self, tipo: str, datos: dict[str, Any]) -> dict[str, Any]:
        """``datos`` como quedarán guardados: cada imagen de anexo en ``anexos/`` (ruta absoluta) o vacía.

        Quien valida lo que va a guardar (para decir los errores) valida esto, no lo que llegó.
        """
        return rutas_absolutas(tipo, rutas_relativas(tipo, datos, self.carpeta), self.carpeta)

    def crear(self, tipo: str, datos: dict[str, Any], titulo: str = "", errores: int = 0, *,
              autor: str = "local", origen: str = "creacion", detalle: str = "",
              equipo_id: int | None = None) -> int:
        """Un borrador nuevo y su primera revisión (en la misma transacción), del equipo ``equipo_id``
        (por omisión, el equipo «General»)."""
        if tipo not in TIPOS:
            raise ValueError(tipo)
        ahora = _ahora()
        if equipo_id is None:
            equipo_id = self.equipo_general()
        with Session(self.motor) as sesion, sesion.begin():
            borrador = Borrador(tipo=tipo, titulo=titulo[:300], datos=rutas_relativas(tipo, datos, self.carpeta),
                                version_esquema=VERSION_ESQUEMA, errores=errores, creado=ahora, modificado=ahora,
                                equipo_id=equipo_id)
            sesion.add(borrador)
            sesion.flush()
            sesion.add(_revision(borrador, autor, origen, detalle, ahora))
            return borrador.id

    def obtener(self, id_borrador: int) -> Borrador | None:
        """El borrador (suelto de la sesión), con sus datos en la forma de hoy y los anexos con ruta absoluta."""
        with Session(self.motor, expire_on_commit=False) as sesion:
            borrador = sesion.get(Borrador, id_borrador)
            if borrador is None:
                return None
            sesion.expunge(borrador)  # lo que sigue no se escribe: es la vista en memoria
        datos = borrador.datos
        if borrador.version_esquema < VERSION_ESQUEMA:  # una base sin migrar (p. ej. recién restaurada)
            datos = migrar_datos(borrador.tipo, datos, borrador.version_esquema)
        borrador.datos = rutas_absolutas(borrador.tipo, datos, self.carpeta)
        return borrador

    def guardar(self, id_borrador: int, datos: dict[str, Any], titulo: str, errores: int, *,
                version: int | None = None, autor: str = "local", origen: str = "formulario",
                detalle: str = "") -> int:
        """Guarda ``datos`` como una revisión nueva; devuelve la versión en que queda el borrador.

        ``version``: la versión de la que partió quien guarda; si otro guardó antes (aquí o en otro
        proceso, al mismo instante), :class:`VersionCambiada` y nada se escribe. Sin cambios en los
        datos no hay revisión nueva (la versión sigue igual). ``KeyError`` si el borrador no existe.
        """
        try:
            with Session(self.motor) as sesion, sesion.begin():
                borrador = sesion.get(Borrador, id_borrador)
                if borrador is None:
                    raise KeyError(id_borrador)
                if version is not None and borrador.version != version:
                    raise VersionCambiada(borrador.version)
                guardados = rutas_relativas(borrador.tipo, datos, self.carpeta)
                if (borrador.datos == guardados and borrador.titulo == titulo[:300] and borrador.errores == errores
                        and borrador.version_esquema == VERSION_ESQUEMA):
                    return borrador.version
                ahora = _ahora()
                borrador.datos = guardados
                borrador.titulo = titulo[:300]
                borrador.errores = errores
                borrador.version_esquema = VERSION_ESQUEMA
                borrador.modificado = ahora
                sesion.flush()  # UPDATE … WHERE version = la leída: si otro guardó a la vez, StaleDataError
                sesion.add(_revision(borrador, autor, origen, detalle, ahora))
                return borrador.version
        except StaleDataError:
            raise VersionCambiada(self.version(id_borrador)) from None

    def borrar(self, id_borrador: int) -> None:
        """El borrador y su historial (SQLite no aplica ON DELETE CASCADE sin su PRAGMA: se borran a mano)."""
        with Session(self.motor) as sesion, sesion.begin():
            borrador = sesion.get(Borrador, id_borrador)
            if borrador is not None:
                sesion.execute(delete(Revision).where(Revision.borrador_id == id_borrador))
                sesion.delete(borrador)

    def revisiones(self, id_borrador: int, hasta: int | None = None, cuantas: int | None = None) -> list[Revision]:
        """El historial del borrador, de la primera revisión a la última (datos como los da :meth:`obtener`).

        ``hasta``: solo hasta ese número; ``cuantas``: solo las últimas ``cuantas`` (una página del historial).
        """
        consulta = select(Revision).where(Revision.borrador_id == id_borrador)
        if hasta is not None:
            consulta = consulta.where(Revision.numero <= hasta)
        consulta = consulta.order_by(Revision.numero.desc())
        if cuantas is not None:
            consulta = consulta.limit(cuantas)
        with Session(self.motor) as sesion:
            filas = list(sesion.scalars(consulta))
            tipo = sesion.scalar(select(Borrador.tipo).where(Borrador.id == id_borrador))
            return [self._vista(sesion, fila, tipo or "") for fila in reversed(filas)]

    def numeros(self, id_borrador: int) -> list[int]:
        """Los números de las revisiones del borrador, de la primera a la última (sin cargar sus datos)."""
        with Session(self.motor) as sesion:
            return list(sesion.scalars(select(Revision.numero).where(Revision.borrador_id == id_borrador)
                                       .order_by(Revision.numero)))

    def autores_desde(self, id_borrador: int, numero: int) -> list[str]:
        """Quiénes guardaron el borrador después de la revisión ``numero`` (sin repetir, en orden)."""
        with Session(self.motor) as sesion:
            autores = sesion.scalars(select(Revision.autor).where(
                Revision.borrador_id == id_borrador, Revision.numero > numero).order_by(Revision.numero))
            return list(dict.fromkeys(autores))

    def revision(self, id_borrador: int, numero: int) -> Revision | None:
        with Session(self.motor) as sesion:
            fila = sesion.scalar(select(Revision).where(Revision.borrador_id == id_borrador,
                                                        Revision.numero == numero))
            tipo = sesion.scalar(select(Borrador.tipo).where(Borrador.id == id_borrador))
            return self._vista(sesion, fila, tipo or "") if fila is not None else None

    def _vista(self, sesion: Session, revision: Revision, tipo: str) -> Revision:
        """La revisión suelta de la sesión, con sus datos en la forma de hoy y los anexos con ruta absoluta."""
        sesion.expunge(revision)  # lo que sigue no se escribe: el historial no se cambia
        datos = revision.datos
        if revision.version_esquema < VERSION_ESQUEMA:
            datos = migrar_datos(tipo, datos, revision.version_esquema)
        revision.datos = rutas_absolutas(tipo, datos, self.carpeta)
        return revision

    def listar(self, equipos: frozenset[int] | None = None) -> list[Resumen]:
        """Los borradores, el más reciente primero; con ``equipos``, solo los de esos equipos."""
        consulta = select(Borrador.id, Borrador.tipo, Borrador.titulo, Borrador.errores, Borrador.modificado,
                          Borrador.equipo_id)
        if equipos is not None:
            consulta = consulta.where(Borrador.equipo_id.in_(equipos))
        with Session(self.motor) as sesion:
            filas = sesion.execute(consulta.order_by(Borrador.modificado.desc(), Borrador.id.desc()))
            return [Resumen(*fila) for fila in filas]

    def equipo_de(self, id_borrador: int) -> int | None:
        """El equipo del borrador (``None`` si no existe): lo mira el control de acceso en cada petición."""
        with Session(self.motor) as sesion:
            return sesion.scalar(select(Borrador.equipo_id).where(Borrador.id == id_borrador))

    def equipo_general(self) -> int:
        """El id del equipo «General» (lo crea la migración; si alguien lo borró, se vuelve a crear)."""
        with Session(self.motor) as sesion, sesion.begin():
            equipo_id = sesion.scalar(select(Equipo.id).where(Equipo.nombre == EQUIPO_GENERAL))
            if equipo_id is None:
                equipo = Equipo(nombre=EQUIPO_GENERAL)
                sesion.add(equipo)
                sesion.flush()
                equipo_id = equipo.id
            return int(equipo_id)

    def version(self, id_borrador: int) -> int | None:
        """La versión del borrador (cambia con cada guardado): la usa la vista de la reunión."""
        with Session(self.motor) as sesion:
            return sesion.scalar(select(Borrador.version).where(Borrador.id == id_borrador))

    def cuantos(self) -> int:
        with Session(self.motor) as sesion:
            return int(sesion.scalar(select(func.count()).select_from(Borrador)) or 0)


def _revision(borrador: Borrador, autor: str, origen: str, detalle: str, momento: datetime) -> Revision:
    if origen not in ORIGENES:
        raise ValueError(origen)
    return Revision(borrador_id=borrador.id, numero=borrador.version, autor=autor[:120], momento=momento,
                    origen=origen, detalle=detalle[:300], version_esquema=VERSION_ESQUEMA,
                    datos=borrador.datos)


def _sqlite_seguro(conexion: Any, _registro: Any) -> None:
    cursor = conexion.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # lectores y un escritor a la vez (varias pestañas)
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()
