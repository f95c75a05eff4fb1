"""Escritura segura de archivos: sin nombre + enlace, o temporal + renombrado (el zip reproducible está en :mod:`acuerdo_docs.paquete`)."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import BinaryIO

from ..errores import ErrorSalida, causa_sistema
from ..registro import registro
from . import protegidos

log = registro("acuerdo_docs.salida")

RutaDestino = str | os.PathLike[str]
"""Un destino que es una ruta: ``generar_*`` devuelve la ruta escrita."""
Destino = RutaDestino | BinaryIO
"""Una ruta o un archivo binario abierto (entonces ``generar_*`` escribe en él y devuelve ``None``)."""


class DestinoNoValido(ErrorSalida):
    """El destino existe y no es un archivo regular (enlace, carpeta, dispositivo, FIFO, socket)."""




_TANDA: ContextVar[list[Path] | None] = ContextVar("acuerdo_docs_tanda", default=None)
"""Lo escrito dentro de :func:`tanda_durable` (sin ``fsync`` uno a uno), para sincronizarlo al salir."""


@contextmanager
def tanda_durable() -> Iterator[None]:
    """Muchos documentos con una sola sincronización al disco, como un lote.

    Fuera de una tanda, cada ``generar_*`` hace ``fsync`` de su archivo antes de renombrarlo:
    al volver, el documento está en el disco. Con muchos documentos, esos ``fsync`` esperan cada
    uno una confirmación del diario del sistema de archivos, y dos procesos que generan a la vez
    se ponen en fila ahí. Dentro de ``with tanda_durable():`` cada archivo se sigue escribiendo
    sin nombre o en un temporal (nunca queda uno a medias con su nombre final), pero sin
    ``fsync`` uno a uno; al salir del bloque, una sincronización para todos (``syncfs`` y el
    ``fsync`` de cada carpeta, :func:`sincronizar_carpeta`): cuando el bloque termina, todo lo
    escrito en él está en el disco, también si terminó con una excepción. Si el disco falla al
    sincronizar, lo que no llegó se borra y se lanza :class:`ErrorSalida`. Una tanda dentro de
    otra no hace nada (sincroniza la de fuera); vale para el hilo (o tarea) que la abre.

    Ejemplo: [Rendimiento](../rendimiento.md#muchos-documentos-desde-python).
    """
    if _TANDA.get() is not None:
        yield
        return
    escritos: list[Path] = []
    marca = _TANDA.set(escritos)
    try:
        yield
    finally:
        _TANDA.reset(marca)
        carpetas: dict[Path, list[Path]] = {}
        for ruta in escritos:
            carpetas.setdefault(ruta.parent, []).append(ruta)
        for carpeta, archivos in carpetas.items():
            try:
                sincronizar_carpeta(carpeta, archivos)
            except OSError as exc:
                raise error_salida(exc, carpeta) from None


def _en_tanda(ruta: Path) -> bool:
    """Anota ``ruta`` en la tanda abierta, si la hay (entonces no se sincroniza uno a uno)."""
    escritos = _TANDA.get()
    if escritos is None:
        return False
    escritos.append(ruta)
    return True


def error_salida(exc: OSError, ruta: str | os.PathLike[str], accion: str = "escribir") -> ErrorSalida:
    """Un error del sistema al ``accion`` ``ruta``, en una línea en español (sin la traza ni el inglés)."""
    if isinstance(exc, ErrorSalida):
        return exc
    causa = causa_sistema(exc, escribir=accion == "escribir")
    error = ErrorSalida(f"No se pudo {accion} «{os.fspath(ruta)}»: {causa}.")
    error.errno = exc.errno
    return error


def revisar_destino(ruta: str | os.PathLike[str], mostrar: str | None = None) -> int | None:
    """Solo se escribe en archivos regulares o rutas nuevas; devuelve el modo del archivo que se reemplaza.

    Mira la ruta sin seguir enlaces (``lstat``) y sin abrirla: un FIFO no bloquea y un dispositivo
    como ``/dev/null`` nunca se reemplaza. Lanza :class:`DestinoNoValido` si no sirve; ``mostrar``
    es la ruta como la escribió el usuario (para el mensaje). Un archivo abierto en Excel o LibreOffice,
    de solo lectura o (con la política «rechazar») un libro editado tampoco se reemplaza
    (:func:`~acuerdo_docs.salida.protegidos.revisar_reemplazo`).
    """
    texto = os.fspath(ruta) if mostrar is None else mostrar
    try:
        estado = os.lstat(ruta)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        causa = causa_sistema(NotADirectoryError(errno.ENOTDIR, ""))
        raise ErrorSalida(f"No se pudo escribir «{texto}»: {causa}.") from None
    if stat.S_ISLNK(estado.st_mode):
        raise DestinoNoValido(
            f"«{texto}» es un enlace simbólico: no se escribe a través de enlaces; quítelo o elija otra ruta."
        )
    if stat.S_ISDIR(estado.st_mode):
        raise DestinoNoValido(f"«{texto}» es una carpeta, no un archivo.")
    if not stat.S_ISREG(estado.st_mode):
        raise DestinoNoValido(
            f"«{texto}» no es un archivo regular (dispositivo, FIFO o socket):"
            " solo se escribe en archivos regulares o rutas nuevas."
        )
    protegidos.revisar_reemplazo(ruta, texto)
    return stat.S_IMODE(estado.st_mode) & 0o777


def misma_ruta(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """``a`` y ``b`` son el mismo archivo (también por enlace duro o simbólico)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _crear_carpeta(carpeta: Path) -> list[Path]:
    """Crea ``carpeta`` y las que falten encima; devuelve las creadas (para quitarlas si algo falla)."""
    faltan: list[Path] = []
    actual = carpeta
    while not os.path.lexists(actual):
        faltan.append(actual)
        if actual.parent == actual:
            break
        actual = actual.parent
    if not os.path.isdir(actual):
        raise ErrorSalida(f"No se pudo escribir en «{os.fspath(carpeta)}»: «{os.fspath(actual)}» no es una carpeta.")
    creadas: list[Path] = []
    try:
        for nueva in reversed(faltan):
            try:
                os.mkdir(nueva)
            except FileExistsError:
                if os.path.isdir(nueva):  # otro proceso la creó entre la mirada y el mkdir (dos que escriben a la vez)
                    continue
                raise
            creadas.append(nueva)
    except BaseException:
        _quitar_carpetas(creadas)
        raise
    return creadas


def _quitar_carpetas(creadas: list[Path]) -> None:
    for carpeta in reversed(creadas):
        try:
            os.rmdir(carpeta)
        except OSError:
            return


_NO_SEGUIR = getattr(os, "O_NOFOLLOW", 0)
_BANDERAS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _nombre_temporal(carpeta: Path) -> Path:
    return carpeta / f".~{os.urandom(8).hex()}.tmp"  # lo mismo que secrets.token_hex, sin importarlo


_O_TMPFILE = getattr(os, "O_TMPFILE", 0)
_sin_nombre_posible = bool(_O_TMPFILE) and os.link in os.supports_dir_fd
"""Se intenta el archivo sin nombre (Linux); se apaga si el sistema no sabe darle nombre después."""


def _sin_nombre(carpeta: Path, modo: int | None) -> int | None:
    """Un archivo sin nombre en ``carpeta`` (``O_TMPFILE``), o ``None`` si aquí no se puede.

    Nace como el temporal de :func:`_temporal` (0o666 menos la umask, o 0o600 y luego ``modo``)
    pero no está en la carpeta hasta que :func:`_dar_nombre` lo enlaza: no toma el cerrojo de la
    carpeta al crearse (dos procesos que escriben en la misma carpeta no se turnan mientras el
    sistema busca un inodo libre), un solo cambio en la carpeta en vez de crear y renombrar, y si
    el proceso muere a mitad, no queda nada.
    """
    if not _sin_nombre_posible:
        return None
    try:
        # Lectura también: si no se puede enlazar, sus bytes se copian (_con_nombre).
        fd = os.open(carpeta, os.O_RDWR | _O_TMPFILE | getattr(os, "O_CLOEXEC", 0), 0o666 if modo is None else 0o600)
    except OSError:  # otro sistema de archivos, un núcleo viejo o un error de verdad: lo dirá el temporal con nombre
        return None
    if modo is not None:
        try:
            os.fchmod(fd, modo)
        except BaseException:
            os.close(fd)
            raise
    return fd


def _dar_nombre(fd: int, ruta: Path) -> bool:
    """Enlaza el archivo sin nombre ``fd`` como ``ruta`` (``linkat``, que nunca reemplaza nada).

    ``False`` si ``ruta`` ya existe (apareció después de revisarla): entonces quien llama lo pone con
    un temporal con nombre y el renombrado de siempre. Si el sistema no sabe enlazarlo (sin
    ``/proc``), se deja de intentar en este proceso y también va por el temporal con nombre.
    """
    global _sin_nombre_posible
    try:
        # Con src_dir_fd, os.link llama a linkat con AT_SYMLINK_FOLLOW (sin él, Python 3.11 llama
        # a link(), que no sigue el enlace de /proc); la ruta absoluta hace que ese fd no se use.
        os.link(f"/proc/self/fd/{fd}", ruta, src_dir_fd=fd, follow_symlinks=True)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.EXDEV, errno.EPERM, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP,
                         errno.ENOTDIR):
            _sin_nombre_posible = False
            return False
        raise
    return True


def _con_nombre(fd: int, ruta: Path, sincronizar: bool) -> None:
    """El archivo sin nombre ``fd`` no se pudo enlazar como ``ruta``: pasa por un temporal con nombre.

    Si el sistema enlaza (``ruta`` apareció mientras se escribía), el temporal es el mismo archivo
    enlazado con otro nombre; si no, una copia de sus bytes con su modo. Luego, lo de siempre:
    revisar ``ruta`` otra vez y renombrar.
    """
    temporal: Path | None = None
    try:
        if _sin_nombre_posible:
            for _ in range(100):
                candidato = _nombre_temporal(ruta.parent)
                try:
                    os.link(f"/proc/self/fd/{fd}", candidato, src_dir_fd=fd, follow_symlinks=True)
                except FileExistsError:
                    continue
                temporal = candidato
                break
            else:
                raise FileExistsError(errno.EEXIST, "no se pudo crear un archivo temporal", os.fspath(ruta.parent))
        else:
            copia, temporal = _temporal(ruta.parent, stat.S_IMODE(os.fstat(fd).st_mode))
            with os.fdopen(copia, "wb") as destino:
                os.lseek(fd, 0, os.SEEK_SET)
                while bloque := os.read(fd, 1 << 20):
                    destino.write(bloque)
                destino.flush()
                if sincronizar:
                    os.fsync(destino.fileno())
        revisar_destino(ruta)
        os.replace(temporal, ruta)
    except BaseException:
        if temporal is not None:
            temporal.unlink(missing_ok=True)
        raise


def _temporal(carpeta: Path, modo: int | None) -> tuple[int, Path]:
    """Un temporal nuevo en ``carpeta``; el sistema le aplica la umask (0o666 & ~umask).

    Si se reemplaza un archivo, el temporal nace 0o600 y toma el modo de ese archivo antes de
    recibir datos: un 0600 nunca se afloja, ni siquiera mientras se escribe.
    """
    for _ in range(100):
        temporal = _nombre_temporal(carpeta)
        try:
            fd = os.open(temporal, _BANDERAS, 0o666 if modo is None else 0o600)
        except FileExistsError:
            continue
        if modo is not None:
            try:
                os.chmod(temporal, modo)
            except BaseException:
                os.close(fd)
                temporal.unlink(missing_ok=True)
                raise
        return fd, temporal
    raise FileExistsError(errno.EEXIST, "no se pudo crear un archivo temporal", os.fspath(carpeta))


def escribir_atomico_con(destino: str | os.PathLike[str], escribir: Callable[[BinaryIO], object], *,
                         sincronizar: bool = True, modo_nuevo: int | None = None) -> Path:
    """Llama a ``escribir(f)`` sobre un archivo nuevo de la misma carpeta y lo pone en ``destino``.

    En Linux, un archivo nuevo nace sin nombre (``O_TMPFILE``) y, ya escrito (y con ``fsync`` si
    se pide), se enlaza con su nombre (``linkat``, que nunca reemplaza): si el proceso muere a mitad
    no queda nada, y crearlo no toma el cerrojo de la carpeta. Si ``destino`` ya existe (o aparece
    mientras se escribe) o el sistema no lo admite, un temporal con nombre y el renombrado.

    Para archivos grandes que se escriben por partes: nunca queda uno a medias con el nombre final.
    Solo escribe en archivos regulares o rutas nuevas (ver :func:`revisar_destino`); un archivo
    nuevo respeta la umask y uno que se reemplaza conserva su modo. Crea las carpetas que falten
    (y las quita si la escritura falla). Un error del sistema se lanza como :class:`ErrorSalida`
    con un mensaje en español. ``sincronizar=False`` omite el ``fsync`` del archivo: quien escribe
    muchos (un lote) llama a :func:`sincronizar_carpeta` una vez al final. ``modo_nuevo``: el modo de
    un archivo nuevo en vez del de la umask (p. ej. 0o600 para uno privado).
    """
    ruta = Path(destino)
    creadas: list[Path] = []
    try:
        creadas = _crear_carpeta(ruta.parent)
        modo = revisar_destino(ruta)
        if modo is not None:
            respaldar_si_editado(ruta)  # lo que el equipo escribió en el libro nunca se pierde
        sincronizar = sincronizar and _TANDA.get() is None  # la tanda sincroniza al salir
        # Un archivo nuevo, sin nombre hasta estar escrito (Linux); uno que se reemplaza conserva
        # el temporal con nombre y el renombrado (linkat no reemplaza).
        anonimo = _sin_nombre(ruta.parent, modo_nuevo) if modo is None else None
        if anonimo is not None:
            with os.fdopen(anonimo, "wb") as f:
                escribir(f)
                f.flush()
                if sincronizar:
                    os.fsync(f.fileno())
                if not _dar_nombre(f.fileno(), ruta):
                    _con_nombre(f.fileno(), ruta, sincronizar)
            _en_tanda(ruta)
            return ruta
        fd, temporal = _temporal(ruta.parent, modo_nuevo if modo is None else modo)
        try:
            with os.fdopen(fd, "wb") as f:
                escribir(f)
                f.flush()
                if sincronizar:
                    os.fsync(f.fileno())
            revisar_destino(ruta)  # otra vez justo antes: pudo aparecer un enlace o un FIFO mientras tanto
            os.replace(temporal, ruta)
            _en_tanda(ruta)
        except BaseException:
            temporal.unlink(missing_ok=True)
            raise
    except OSError as exc:
        _quitar_carpetas(creadas)
        raise error_salida(exc, ruta) from None
    except BaseException:
        _quitar_carpetas(creadas)
        raise
    return ruta


def escribir_atomico(destino: Destino, datos: bytes, *, sincronizar: bool = True,
                     modo_nuevo: int | None = None) -> Path | None:
    """Escribe ``datos`` en ``destino`` sin dejar nunca un archivo a medias.

    Si ``destino`` es un objeto binario abierto, escribe en él y devuelve ``None``.
    Si es una ruta, escribe como :func:`escribir_atomico_con` (nunca un archivo a medias con su nombre).
    """
    if not isinstance(destino, (str, os.PathLike)):
        destino.write(datos)
        return None
    return escribir_atomico_con(destino, lambda f: f.write(datos), sincronizar=sincronizar, modo_nuevo=modo_nuevo)


def copiar_atomico(origen: str | os.PathLike[str], destino: str | os.PathLike[str], *,
                   sincronizar: bool = True) -> Path:
    """Copia el archivo regular ``origen`` a ``destino`` con la escritura atómica (p. ej. un respaldo).

    ``origen`` se abre sin seguir enlaces y sin bloquear (un FIFO no cuelga la copia) y debe ser
    un archivo regular; ``destino`` sigue las reglas de :func:`escribir_atomico_con` (nunca se
    sigue ni se reemplaza un enlace, un FIFO, un dispositivo ni una carpeta con ese nombre, y no
    queda temporal). La copia conserva la fecha de modificación; si es nueva, nace con el modo de
    ``origen`` (nunca más abierta que él).
    """
    try:
        fd = os.open(origen, os.O_RDONLY | _NO_SEGUIR | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DestinoNoValido(f"«{os.fspath(origen)}» es un enlace simbólico: no se copia.") from None
        raise error_salida(exc, origen, "leer") from None
    with os.fdopen(fd, "rb") as fuente:
        estado = os.fstat(fuente.fileno())
        if not stat.S_ISREG(estado.st_mode):
            raise DestinoNoValido(f"«{os.fspath(origen)}» no es un archivo regular: no se copia.")

        def escribir(f: BinaryIO) -> None:
            shutil.copyfileobj(fuente, f, 1 << 20)
            f.flush()
            os.utime(f.fileno(), ns=(estado.st_atime_ns, estado.st_mtime_ns))

        return escribir_atomico_con(destino, escribir, sincronizar=sincronizar,
                                    modo_nuevo=stat.S_IMODE(estado.st_mode) & 0o777)


def respaldar_si_editado(ruta: str | os.PathLike[str], respaldo: str | os.PathLike[str] | None = None) -> Path | None:
    """Si ``ruta`` es un libro editado desde que se escribió, lo copia a ``respaldo`` (``.bak``) y avisa.

    Devuelve la copia (o ``None`` si no hizo falta). Con la política ``"rechazar"`` lanza
    :class:`~acuerdo_docs.salida.protegidos.LibroEditado`. La copia es :func:`copiar_atomico`: un
    enlace, un FIFO o una carpeta con el nombre del respaldo se rechaza y no queda temporal.
    """
    ruta = Path(ruta)
    if not protegidos.editado(ruta):
        return None
    if protegidos.politica_editado() == "rechazar":
        protegidos.revisar_reemplazo(ruta)
    destino = Path(respaldo) if respaldo is not None else protegidos.ruta_respaldo(ruta)
    try:
        copiar_atomico(ruta, destino)
    except OSError as exc:
        raise ErrorSalida(f"No se pudo guardar la copia de respaldo de «{ruta}» en «{destino}»: no se reemplaza"
                          f" ({exc.strerror or exc}).") from None
    log.warning("%s había cambiado desde que acuerdo_docs lo escribió: la versión editada queda en %s",
                ruta, destino)
    return destino


def mover_atomico(origen: str | os.PathLike[str], destino: str | os.PathLike[str], *,
                  sincronizar: bool = True) -> Path:
    """Pone el archivo ``origen`` (un temporal propio, p. ej. un PDF) en ``destino`` de una vez.

    Quien mire ve el archivo viejo o el nuevo, nunca medio. ``destino`` debe ser un archivo
    regular o una ruta nueva (:func:`revisar_destino`); en otro sistema de archivos se copia con
    :func:`copiar_atomico`. ``sincronizar=False`` omite el ``fsync`` (quien llama sincroniza la carpeta).
    """
    ruta = Path(destino)
    creadas = _crear_carpeta(ruta.parent)
    try:
        revisar_destino(ruta)
        if sincronizar and _TANDA.get() is None:  # en una tanda, se sincroniza al salir
            fd = os.open(origen, os.O_RDONLY | _NO_SEGUIR)
            try:
                os.fsync(fd)  # los datos en disco antes de que el nombre final sea visible
            finally:
                os.close(fd)
        try:
            os.replace(origen, ruta)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            copiar_atomico(origen, ruta, sincronizar=sincronizar)  # otro sistema de archivos
            Path(origen).unlink(missing_ok=True)
        else:
            _en_tanda(ruta)
    except OSError as exc:
        _quitar_carpetas(creadas)
        raise error_salida(exc, ruta) from None
    return ruta


def abrir_candado(ruta: str | os.PathLike[str]) -> BinaryIO:
    """Abre (o crea, 0600) un archivo de candado para ``fcntl.flock``, sin seguir enlaces ni vaciarlo.

    Solo un archivo regular: un enlace, un FIFO o un dispositivo con ese nombre lanza
    :class:`DestinoNoValido` (y un FIFO no bloquea).
    """
    banderas = os.O_RDWR | os.O_CREAT | _NO_SEGUIR | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(ruta, banderas, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DestinoNoValido(f"«{os.fspath(ruta)}» es un enlace simbólico: no se usa como candado.") from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise DestinoNoValido(f"«{os.fspath(ruta)}» no es un archivo regular: no se usa como candado.")
    return os.fdopen(fd, "r+b", buffering=0)


def enlazar_o_copiar(origen: str | os.PathLike[str], destino: str | os.PathLike[str]) -> Path:
    """Pone ``origen`` en ``destino`` (una ruta nueva de una carpeta de trabajo propia): un enlace
    simbólico, o una copia con :func:`copiar_atomico` donde no hay enlaces (Windows sin permiso)."""
    ruta = Path(destino)
    try:
        ruta.symlink_to(os.path.abspath(origen))
    except OSError:
        copiar_atomico(origen, ruta, sincronizar=False)
    return ruta


# -- Carpetas enteras (el corte de seguimiento) ---------------------------------------------------

_RESTO_NUEVA = "nueva"
_RESTO_ANTERIOR = "anterior"


def _nombre_resto(destino: Path, clase: str) -> Path:
    # El pid en el nombre: solo se limpia lo que dejó un proceso que ya no vive.
    return destino.with_name(f".~{destino.name}.{clase}.{os.getpid()}.{os.urandom(4).hex()}")


def proceso_vivo(pid: int) -> bool:
    """``True`` si el proceso ``pid`` existe (o no se puede saber): entonces lo suyo no se toca."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, ValueError, OverflowError):
        return True
    return True


def _es_carpeta_propia(ruta: Path) -> bool:
    try:
        estado = os.lstat(ruta)
    except OSError:
        return False
    return stat.S_ISDIR(estado.st_mode) and (not hasattr(os, "geteuid") or estado.st_uid == os.geteuid())


def limpiar_restos_carpeta(destino: str | os.PathLike[str]) -> None:
    """Recupera o borra lo que dejó una :func:`publicar_carpeta` de ``destino`` interrumpida (kill -9).

    Si ``destino`` falta y quedó su versión anterior apartada, esta vuelve a su sitio (el corte
    nunca se pierde); las demás carpetas ``.~NOMBRE.nueva.*`` / ``.~NOMBRE.anterior.*`` de procesos
    muertos se borran. Solo se tocan carpetas del usuario, nunca enlaces.
    """
    ruta = Path(destino)
    prefijo = f".~{ruta.name}."
    try:
        nombres = sorted(os.listdir(ruta.parent))
    except OSError:
        return
    restos: list[tuple[str, Path]] = []
    for nombre in nombres:
        if not nombre.startswith(prefijo):
            continue
        partes = nombre[len(prefijo):].split(".")
        if partes == [_RESTO_ANTERIOR] and _es_carpeta_propia(ruta.parent / nombre):
            restos.append((_RESTO_ANTERIOR, ruta.parent / nombre))  # el nombre fijo de versiones anteriores
            continue
        if len(partes) != 3 or partes[0] not in (_RESTO_NUEVA, _RESTO_ANTERIOR) or not partes[1].isdigit():
            continue
        resto = ruta.parent / nombre
        if proceso_vivo(int(partes[1])) or not _es_carpeta_propia(resto):
            continue
        restos.append((partes[0], resto))
    for clase, resto in restos:
        if clase == _RESTO_ANTERIOR and not os.path.lexists(ruta):
            try:
                os.rename(resto, ruta)  # murió entre los dos renombrados: la versión anterior vuelve
                continue
            except OSError:
                pass
        shutil.rmtree(resto, ignore_errors=True)


def _crear_carpeta_temporal(destino: Path) -> Path:
    """Una carpeta nueva junto a ``destino``; nace con el modo de la umask, como toda carpeta que se crea."""
    for _ in range(100):
        temporal = _nombre_resto(destino, _RESTO_NUEVA)
        try:
            os.mkdir(temporal, 0o777)
        except FileExistsError:
            continue
        return temporal
    raise FileExistsError(errno.EEXIST, "no se pudo crear una carpeta temporal", os.fspath(destino.parent))


def _intercambiar(a: Path, b: Path) -> bool:
    """Intercambia ``a`` y ``b`` en un solo paso (``renameat2`` con ``RENAME_EXCHANGE``); ``False`` si no se puede."""
    renameat2 = _libc("_renameat2")
    if renameat2 is None:
        return False
    import ctypes

    if renameat2(-100, os.fsencode(a), -100, os.fsencode(b), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return True
    codigo = ctypes.get_errno()
    if codigo in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False  # el sistema de archivos no lo admite: se usan dos renombrados
    raise OSError(codigo, os.strerror(codigo), os.fspath(b))


def publicar_carpeta(archivos: Mapping[str, bytes], destino: str | os.PathLike[str]) -> list[Path]:
    """Escribe ``archivos`` (nombre → bytes) en la carpeta ``destino``, entera o nada.

    Se escriben en una carpeta temporal hermana y esta se pone en su sitio de un paso. Si
    ``destino`` ya existe, se intercambian las dos de forma atómica (Linux: ``RENAME_EXCHANGE``):
    en todo instante existe la carpeta anterior o la nueva. Donde no se puede, la anterior se
    aparta con un nombre que :func:`limpiar_restos_carpeta` reconoce y devuelve a su sitio si el
    proceso muere entre los dos renombrados. Antes de empezar se limpian los restos de una
    ejecución interrumpida. La carpeta nueva respeta la umask.
    """
    ruta = Path(destino)
    creadas: list[Path] = []
    try:
        creadas = _crear_carpeta(ruta.parent)
        limpiar_restos_carpeta(ruta)
        temporal = _crear_carpeta_temporal(ruta)
        apartada: Path | None = None
        try:
            for nombre, datos in archivos.items():
                escribir_atomico(temporal / nombre, datos, sincronizar=False)
            sincronizar_carpeta(temporal, [temporal / nombre for nombre in archivos])
            if os.path.lexists(ruta) and _intercambiar(temporal, ruta):
                apartada = temporal  # ahora guarda la versión anterior
            else:
                if os.path.lexists(ruta):
                    apartada = _nombre_resto(ruta, _RESTO_ANTERIOR)
                    os.rename(ruta, apartada)
                os.rename(temporal, ruta)
        except BaseException:
            if apartada is not temporal:
                shutil.rmtree(temporal, ignore_errors=True)
            if apartada is not None and apartada is not temporal and not os.path.lexists(ruta):
                os.rename(apartada, ruta)  # falló el segundo renombrado: la anterior vuelve
                apartada = None
            raise
        if apartada is not None:
            shutil.rmtree(apartada, ignore_errors=True)
    except OSError as exc:
        _quitar_carpetas(creadas)
        raise error_salida(exc, ruta) from None
    return [ruta / nombre for nombre in archivos]


def sincronizar_carpeta(carpeta: str | os.PathLike[str], archivos: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Lleva al disco, de una vez, lo escrito en ``carpeta`` sin ``fsync`` y luego la carpeta misma.

    En Linux, ``syncfs`` del sistema de archivos de la carpeta (una llamada para todo el lote) y
    ``fsync`` de la carpeta (los renombrados). Sin ``syncfs``, o si el disco falla (p. ej. se llenó
    y los datos no caben), se pasa archivo por archivo de ``archivos``: el que no llega al disco se
    borra, para que ninguno quede con su nombre final sin estar entero, y se lanza el primer
    error. Es lo que vuelve durables los archivos de un lote antes de escribir su informe.
    """
    error: OSError | None = None
    try:
        fd = os.open(carpeta, os.O_RDONLY)
    except OSError:  # p. ej. Windows no abre carpetas
        fd = -1
    try:
        syncfs = _libc("_syncfs") if fd >= 0 else None
        if syncfs is not None and syncfs(fd) == 0:
            try:
                os.fsync(fd)
                return
            except OSError as exc:
                error = exc
        for archivo in archivos:
            try:
                with open(archivo, "rb") as f:
                    os.fsync(f.fileno())
            except OSError as exc:
                error = error or exc
                Path(archivo).unlink(missing_ok=True)
        if fd >= 0:
            try:
                os.fsync(fd)
            except OSError as exc:
                error = error or exc
    finally:
        if fd >= 0:
            os.close(fd)
    if error is not None:
        raise error


def _de_libc(nombre: str) -> Callable[..., int] | None:
    """Una función de la libc de Linux (``syncfs``, ``renameat2``) o ``None`` si no está."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        funcion: Callable[..., int] = getattr(ctypes.CDLL(None, use_errno=True), nombre)
        return funcion
    except (OSError, AttributeError):
        return None


def _SIN_BUSCAR(*_: object) -> int:  # noqa: N802 - marca: aún no se buscó en la libc
    raise AssertionError("sin buscar")


# Se buscan la primera vez que hacen falta (una tanda, una carpeta entera): importar ctypes y abrir
# la libc cuesta ~1 ms a cada proceso, y una ficha suelta no los usa. Las pruebas pueden fijarlos.
_syncfs: Callable[..., int] | None = _SIN_BUSCAR
_renameat2: Callable[..., int] | None = _SIN_BUSCAR


def _libc(nombre: str) -> Callable[..., int] | None:
    """``_syncfs`` o ``_renameat2`` de este módulo: la función de la libc, buscada una vez, o ``None``."""
    valor: Callable[..., int] | None = globals()[nombre]
    if valor is _SIN_BUSCAR:
        valor = globals()[nombre] = _de_libc(nombre.lstrip("_"))
    return valor
