"""Una sola manera de usar una carpeta de caché o de perfil: privada del usuario, o ninguna.

Las dos cachés (el código compilado de las plantillas y los perfiles de LibreOffice) guardan algo
que se **ejecuta** (código de Python, macros y eventos de un perfil). Solo se usan si nadie más
pudo ponerlo ahí:

* de la raíz de la caché (``carpeta_cache()``) hacia abajo, cada carpeta es del usuario, no es un
  enlace simbólico y nadie más puede escribir en ella (ni el grupo ni los demás);
* las carpetas de encima (``~/.cache``, ``$XDG_CACHE_HOME``…) se miran ya resueltas: son del
  usuario o de root y nadie más puede escribir en ellas, salvo una con el bit «sticky» (``/tmp``);
* un perfil se usa entero solo si cada archivo y carpeta dentro es del usuario y no es un enlace,
  y si nadie más puede entrar en él (0700).

Si algo no cuadra, la carpeta se ignora (la caché de plantillas no se usa; el perfil se rehace o
se usa uno temporal privado) y se avisa una vez, **sin la ruta** (puede llevar el nombre de una
persona). Sin ``os.geteuid`` (Windows) no hay cachés.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from ..errores import causa_sistema
from ..registro import registro
from ..rutas import carpeta_cache

log = registro("acuerdo_docs.cache")

_avisadas: set[str] = set()


def _avisar(que: str, motivo: str) -> None:
    if que not in _avisadas:  # una vez por proceso y por caché: un lote no repite el aviso
        _avisadas.add(que)
        log.warning("La caché de %s no es privada del usuario (%s): no se usa lo que tenía; se trabaja "
                    "con una carpeta privada nueva.", que, motivo)


def _motivo(estado: os.stat_result, *, raiz_o_propio: bool = False) -> str | None:
    """Por qué una carpeta de la ruta no es de fiar (o ``None``)."""
    if stat.S_ISLNK(estado.st_mode):
        return "hay un enlace simbólico en la ruta"
    if not stat.S_ISDIR(estado.st_mode):
        return "una parte de la ruta no es una carpeta"
    dueno_valido = estado.st_uid == os.geteuid() or (raiz_o_propio and estado.st_uid == 0)
    if not dueno_valido:
        return "es de otro usuario"
    if estado.st_mode & (stat.S_IWGRP | stat.S_IWOTH) and not (raiz_o_propio and estado.st_mode & stat.S_ISVTX):
        return "otros usuarios pueden escribir en ella"
    return None


def _motivo_encima(raiz: Path) -> str | None:
    """Las carpetas de encima de la raíz de la caché, ya resueltas (``~/.cache`` puede ser un enlace del usuario)."""
    actual = Path(os.path.realpath(raiz.parent))
    while True:
        try:
            motivo = _motivo(os.lstat(actual), raiz_o_propio=True)
        except OSError:
            return "no se puede revisar la ruta"
        if motivo is not None:
            return motivo
        if actual.parent == actual:
            return None
        actual = actual.parent


def carpeta_privada(ruta: str | os.PathLike[str], que: str, *, crear: bool = True,
                    avisar: bool = True) -> Path | None:
    """``ruta`` (dentro de ``carpeta_cache()``) si es de fiar, creada 0700 si falta; si no, ``None`` y un aviso.

    ``que``: el nombre de la caché para el aviso («plantillas compiladas», «perfiles de LibreOffice»).
    Con ``crear=False`` una carpeta que falta da ``None`` sin aviso; con ``avisar=False``, ninguna
    da aviso (quien tantea deja el aviso al camino de siempre).
    """
    if not hasattr(os, "geteuid"):
        return None
    raiz = carpeta_cache()
    ruta = Path(ruta)
    try:
        partes = ruta.relative_to(raiz).parts
    except ValueError:
        raise ValueError(f"{ruta} no está dentro de la caché {raiz}") from None
    if crear:
        try:
            os.makedirs(raiz.parent, 0o700, exist_ok=True)  # ~/.cache, si falta (como cualquier programa)
        except OSError:
            pass
    motivo = _motivo_encima(raiz)
    carpetas = [raiz.joinpath(*partes[:i]) for i in range(len(partes) + 1)]
    for carpeta in carpetas:
        if motivo is not None:
            break
        try:
            try:
                estado = os.lstat(carpeta)
            except FileNotFoundError:
                if not crear:
                    return None
                try:
                    os.mkdir(carpeta, 0o700)
                except FileExistsError:
                    pass  # otra ejecución la creó a la vez: se revisa igual
                estado = os.lstat(carpeta)
        except OSError as exc:
            log.info("Sin caché de %s (%s)", que, causa_sistema(exc))
            return None
        motivo = _motivo(estado)
    if motivo is not None:
        if avisar:
            _avisar(que, motivo)
        return None
    return ruta


def motivo_arbol(ruta: str | os.PathLike[str]) -> str | None:
    """Por qué el árbol de ``ruta`` (un perfil) no es de fiar, o ``None``.

    Todo lo que hay dentro es del usuario y no es un enlace simbólico; la carpeta misma es del
    usuario y nadie más puede entrar ni escribir (0700). Se mira sin seguir enlaces.
    """
    try:
        estado = os.lstat(ruta)
    except OSError:
        return "no se puede revisar"
    motivo = _motivo(estado)
    if motivo is not None:
        return motivo
    if estado.st_mode & 0o077:
        return "otros usuarios pueden entrar en ella"
    uid = os.geteuid()
    for raiz, carpetas, archivos in os.walk(ruta, onerror=_lanzar):
        for nombre in carpetas + archivos:
            try:
                dentro = os.lstat(os.path.join(raiz, nombre))
            except OSError:
                return "no se puede revisar"
            if stat.S_ISLNK(dentro.st_mode):
                return "tiene un enlace simbólico dentro"
            if dentro.st_uid != uid:
                return "tiene archivos de otro usuario"
            if not (stat.S_ISDIR(dentro.st_mode) or stat.S_ISREG(dentro.st_mode)):
                return "tiene algo que no es un archivo ni una carpeta"
    return None


def _lanzar(exc: OSError) -> None:
    raise exc


def arbol_privado(ruta: str | os.PathLike[str], que: str) -> bool:
    """``True`` si el árbol de ``ruta`` es de fiar (:func:`motivo_arbol`); si no, avisa y devuelve ``False``."""
    try:
        motivo = motivo_arbol(ruta)
    except OSError:
        motivo = "no se puede revisar"
    if motivo is not None:
        _avisar(que, motivo)
        return False
    return True


def quitar(ruta: str | os.PathLike[str]) -> bool:
    """Borra ``ruta`` sin seguir enlaces (un enlace se borra él mismo); ``True`` si ya no está."""
    try:
        estado = os.lstat(ruta)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    try:
        if stat.S_ISDIR(estado.st_mode):
            shutil.rmtree(ruta)
        else:
            os.unlink(ruta)
    except OSError:
        return False
    return not os.path.lexists(ruta)
