"""Almacenamiento de objetos por URL (``s3://``, ``gs://``, ``az://``, ``file://``, ``memory://``) con fsspec.

Lo comparten la lectura (``lectores/remoto.py``) y la escritura (``salida/remoto.py``): reconocer
una URL, abrir su sistema de archivos y decir en español qué falló. fsspec y el paquete de cada
proveedor son opcionales (``pip install "acuerdo-docs[s3]"``): sin ellos, una URL es un error
claro, nunca una carpeta local llamada ``s3:``.

Las credenciales y el punto de acceso salen solo del entorno o de la configuración del proveedor
(``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, ``~/.aws/``…): una URL con usuario, contraseña o
parámetros se rechaza, y los mensajes nunca copian el texto del error del proveedor (puede nombrar
el punto de acceso o una firma).
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any, TypeGuard
from urllib.parse import unquote, urlsplit

from .errores import ErrorAcuerdoDocs, ErrorSalida

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]+)://")
_CONOCIDOS = ("s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "file", "memory")
_CASI_URL = re.compile(r"^(" + "|".join(_CONOCIDOS) + r"):(?!//)", re.IGNORECASE)

PAQUETES: dict[str, str] = {
    "s3": "s3fs", "s3a": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs", "abfss": "adlfs",
    "adl": "adlfs",
}
"""El paquete de fsspec que cada protocolo necesita."""
INSTALAR = 'pip install "acuerdo-docs[s3]"'
MANIFIESTO = "manifiesto_lote.json"
"""Lo último que escribe un lote remoto: sin él (o si no coincide), el prefijo no es confiable."""


class ErrorAlmacen(ErrorSalida):
    """El almacenamiento de objetos falló (sin conexión, sin permiso, sin cubo): detiene el lote entero."""


def es_url(texto: object) -> TypeGuard[str]:
    """``s3://cubo/prefijo/`` y demás URL de fsspec (una letra sola es una unidad de Windows: ``C://``)."""
    return isinstance(texto, str) and _URL.match(texto) is not None


def sin_file(ruta: Any) -> Any:
    """``file:///datos/lotes/`` es una carpeta local: se usa como ruta, con las garantías locales
    (temporal y renombrado, sin seguir enlaces) en vez de las del almacenamiento de objetos."""
    if es_url(ruta) and protocolo(ruta) == "file":
        partes = urlsplit(ruta)
        if partes.netloc not in ("", "localhost"):
            raise ErrorSalida(f"«{ruta}»: una URL file:// solo nombra rutas de esta máquina (file:///carpeta/).")
        return unquote(partes.path)
    return ruta


def exigir_no_casi_url(texto: str, error: type[ErrorAcuerdoDocs] = ErrorSalida) -> None:
    """``s3:cubo/x`` o ``s3:/cubo/x`` (p. ej. tras pasar por ``pathlib``) no es una carpeta local llamada ``s3:``."""
    if _CASI_URL.match(texto):
        raise error(f"«{texto}» parece una URL incompleta: escríbala con dos barras, como s3://cubo/prefijo/.")


def protocolo(url: str) -> str:
    coincidencia = _URL.match(url)
    return coincidencia.group(1).lower() if coincidencia else "file"


def unir(url: str, nombre: str) -> str:
    return url.rstrip("/") + "/" + nombre


_REGISTROS_PROVEEDOR = ("botocore", "aiobotocore", "boto3", "s3transfer", "s3fs", "fsspec", "urllib3", "aiohttp",
                        "gcsfs", "google.auth", "adlfs", "azure")


def callar_proveedores() -> None:
    """Los registros de diagnóstico de los clientes de almacenamiento, a WARNING como mínimo.

    Con ``-v`` la raíz queda en DEBUG, y botocore registra cada petición firmada (con el
    identificador de la clave y el punto de acceso): eso nunca sale en el registro.
    """
    for nombre in _REGISTROS_PROVEEDOR:
        registro = logging.getLogger(nombre)
        if registro.getEffectiveLevel() < logging.WARNING:
            registro.setLevel(logging.WARNING)


def sistema(url: str, error: type[ErrorAcuerdoDocs] = ErrorSalida) -> tuple[Any, str]:
    """El sistema de archivos de fsspec de ``url`` y la ruta dentro de él (sin barra final).

    Lanza ``error`` (código 2) si falta el paquete, si el protocolo no existe o si la URL trae
    credenciales o parámetros.
    """
    partes = urlsplit(url)
    if "@" in partes.netloc or partes.query or partes.fragment:
        raise error(
            f"La URL «{protocolo(url)}://…» trae usuario, contraseña o parámetros: las credenciales y el punto de"
            " acceso van en el entorno (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL…) o en la"
            " configuración del proveedor, nunca en la URL."
        )
    callar_proveedores()
    proto = protocolo(url)
    paquete = PAQUETES.get(proto)
    instalar = INSTALAR if paquete in (None, "s3fs") else f"pip install fsspec {paquete}"
    try:
        import fsspec
    except ImportError:
        raise error(f"Para usar «{proto}://» falta el almacenamiento de objetos; instálelo con: {instalar}") from None
    try:
        fs, ruta = fsspec.core.url_to_fs(url)
    except ImportError:
        raise error(f"Para usar «{proto}://» falta el paquete {paquete or proto}; instálelo con: {instalar}") from None
    except ValueError:
        raise error(f"Protocolo desconocido «{proto}://» en «{url}».") from None
    return fs, ruta.rstrip("/")


def causa(exc: BaseException) -> str:
    """Qué pasó, en español y sin copiar el mensaje del proveedor."""
    nombre = type(exc).__name__
    if isinstance(exc, FileNotFoundError):
        return "no existe (revise el cubo y el prefijo)"
    if isinstance(exc, PermissionError) or "AccessDenied" in nombre or "Forbidden" in nombre:
        return "no hay permiso (revise las credenciales del entorno)"
    if isinstance(exc, FileExistsError):
        return "ya existe"
    if "Credentials" in nombre:
        return ("no hay credenciales: configúrelas en el entorno (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) o en la"
                " configuración del proveedor")
    if isinstance(exc, (ConnectionError, TimeoutError)) or "Connect" in nombre or "Timeout" in nombre:
        return f"el servidor de almacenamiento no responde ({nombre})"
    return f"error del almacenamiento ({nombre})"


def error_almacen(exc: BaseException, url: str, accion: str = "escribir") -> ErrorAlmacen:
    if isinstance(exc, ErrorAlmacen):
        return exc
    return ErrorAlmacen(f"No se pudo {accion} «{url}»: {causa(exc)}.")


def nombre_base(url: str) -> str:
    """El último tramo de la URL (``s3://c/p/entrada.xlsx`` → ``entrada.xlsx``)."""
    return os.path.basename(url.rstrip("/"))


__all__ = [
    "INSTALAR", "MANIFIESTO", "PAQUETES", "ErrorAlmacen", "callar_proveedores", "causa", "error_almacen", "es_url",
    "exigir_no_casi_url", "nombre_base", "protocolo", "sin_file", "sistema", "unir",
]
