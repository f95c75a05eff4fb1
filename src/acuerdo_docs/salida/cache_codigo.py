"""Caché en disco del código de las plantillas Word ya compiladas, compartida entre ejecuciones.

Compilar una plantilla (preprocesado de docxtpl y compilación Jinja de cada parte) le cuesta a cada
proceso nuevo unos 60 ms, más de lo que tarda todo lo demás de ``acuerdo-docs ficha``. El código
compilado se guarda (``marshal``, como los ``.pyc`` de Python) en
``$XDG_CACHE_HOME/acuerdo_docs/plantillas`` y la siguiente ejecución lo lee.

* **Clave**: la huella de los miembros de la plantilla y de todo lo que decide el código generado
  (Python, Jinja, docxtpl y el código fuente de los módulos que arman el entorno). Una plantilla
  editada, otra versión del programa o de una biblioteca dan otra clave: nunca se usa código viejo.
* **Confianza**: ese código se ejecuta, así que la carpeta es privada (0700) y solo se usa si es del
  usuario, no hay enlaces en su ruta y nadie más puede escribir en ella
  (:mod:`~acuerdo_docs.salida.carpeta_privada`, la misma regla que los perfiles de LibreOffice); lo
  mismo cada archivo. Un archivo dañado, truncado o
  ajeno se ignora: se compila como siempre. Nada de esto cambia un byte de los documentos.
* **Tamaño**: a lo sumo :data:`ENTRADAS_MAXIMAS` plantillas; al guardar se borran las más viejas.
* ``ACUERDO_DOCS_SIN_CACHE=1`` la desactiva (también sin ``os.geteuid``, p. ej. en Windows).
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import stat
import sys
from pathlib import Path
from typing import Any

import jinja2

from ..errores import ErrorSalida
from ..registro import registro
from ..rutas import carpeta_cache
from .archivos import escribir_atomico
from .carpeta_privada import carpeta_privada

log = registro("acuerdo_docs.motor")

ENTRADAS_MAXIMAS = 64
"""Plantillas compiladas que se guardan como máximo (cada una pesa unos 100 KB)."""

_MAGIA = b"acuerdo_docs-codigo-1\n"
_DIGESTO = 32  # sha256 del contenido, tras la marca: un archivo truncado no se confunde con uno bueno

_MODULOS_DEL_CODIGO = ("entorno_word.py", "sandbox.py", "motor_docx.py", "motor_docxtpl.py", "limites.py")
"""Los módulos de :mod:`acuerdo_docs.salida` cuyo código decide el código compilado de una plantilla."""

_huella_entorno: bytes | None = None


def carpeta() -> Path:
    return carpeta_cache() / "plantillas"


def _activa() -> bool:
    return os.environ.get("ACUERDO_DOCS_SIN_CACHE", "") in ("", "0") and hasattr(os, "geteuid")


def _huella_del_entorno() -> bytes:
    """Python, Jinja, docxtpl y nuestros módulos del motor: si algo cambia, cambian todas las claves."""
    global _huella_entorno
    if _huella_entorno is None:
        h = hashlib.sha256()
        h.update(f"{sys.version}\0{marshal.version}\0{jinja2.__version__}\0".encode())
        propios = Path(__file__).parent
        archivos = [propios / nombre for nombre in _MODULOS_DEL_CODIGO]
        docxtpl = importlib.util.find_spec("docxtpl")  # sin importarlo: solo dónde está
        if docxtpl is not None and docxtpl.origin:
            archivos += sorted(Path(docxtpl.origin).parent.glob("*.py"))
        for archivo in archivos:
            h.update(archivo.name.encode() + b"\0")
            try:
                h.update(archivo.read_bytes())
            except OSError:
                h.update(b"?")
        _huella_entorno = h.digest()
    return _huella_entorno


def clave(miembros: list[tuple[str, bytes]]) -> str | None:
    """La clave de una plantilla: sus miembros (nombre y bytes) y la huella del entorno; ``None`` si la
    caché está desactivada (entonces no se calcula nada)."""
    if not _activa():
        return None
    h = hashlib.sha256(_huella_del_entorno())
    for nombre, datos in miembros:
        h.update(f"{nombre}\0{len(datos)}\0".encode())
        h.update(datos)
    return h.hexdigest()


def _propio_y_privado(estado: os.stat_result) -> bool:
    return estado.st_uid == os.geteuid() and not estado.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _carpeta_confiable(crear: bool) -> Path | None:
    # La misma regla que los perfiles de LibreOffice: del usuario, sin enlaces, sin escritura de otros.
    return carpeta_privada(carpeta(), "plantillas compiladas", crear=crear)


def leer(clave_: str) -> Any | None:
    """Lo guardado con ``clave_``, o ``None`` (no está, está dañado, o no es de confianza)."""
    ruta_carpeta = _carpeta_confiable(crear=False)
    if ruta_carpeta is None:
        return None
    archivo = ruta_carpeta / clave_
    try:
        with open(archivo, "rb", opener=lambda r, f: os.open(r, f | os.O_NOFOLLOW)) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode) or not _propio_y_privado(os.fstat(f.fileno())):
                return None
            datos = f.read()
    except OSError:
        return None
    inicio = len(_MAGIA) + _DIGESTO
    if not datos.startswith(_MAGIA) or hashlib.sha256(datos[inicio:]).digest() != datos[len(_MAGIA):inicio]:
        log.debug("caché de plantillas: entrada dañada, se compila de nuevo")
        return None
    try:
        return marshal.loads(datos[inicio:])
    except (EOFError, ValueError, TypeError):
        return None


def guardar(clave_: str, valor: Any) -> None:
    """Guarda ``valor`` (tipos de ``marshal``: código, texto, tuplas…) de forma atómica; si no se puede, nada."""
    ruta_carpeta = _carpeta_confiable(crear=True)
    if ruta_carpeta is None:
        return
    contenido = marshal.dumps(valor)
    try:  # sin fsync: una entrada perdida o dañada solo cuesta volver a compilar
        escribir_atomico(ruta_carpeta / clave_, _MAGIA + hashlib.sha256(contenido).digest() + contenido,
                         sincronizar=False, modo_nuevo=0o600)
        _podar(ruta_carpeta)
    except (ErrorSalida, OSError) as exc:  # disco lleno, carpeta de solo lectura: solo se pierde la caché
        log.debug("caché de plantillas: no se pudo guardar (%s)", exc)


def _podar(ruta_carpeta: Path) -> None:
    entradas = []
    for archivo in ruta_carpeta.iterdir():
        try:
            entradas.append((archivo.stat().st_mtime_ns, archivo))
        except OSError:
            continue
    for _, archivo in sorted(entradas)[:-ENTRADAS_MAXIMAS]:
        archivo.unlink(missing_ok=True)
