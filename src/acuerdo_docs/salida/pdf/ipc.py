"""La tubería de instancia única de LibreOffice: pasarle una orden a un LibreOffice ya vivo.

Un ``soffice`` que arranca con el perfil de otro que ya corre le pasa sus argumentos por una
tubería local y termina: así funciona ``soffice --convert-to`` contra una instancia viva. Aquí
se habla esa tubería directamente (``InternalIPC``, estable desde LibreOffice 5), sin arrancar
el cliente ``soffice`` (un proceso que cuesta más que la conversión misma).

Protocolo: el servidor escribe ``InternalIPC::SendArguments\\0`` cuando está listo; el cliente
manda ``InternalIPC::Arguments1<cwd>,<arg>,<arg>…\\0`` (con ``\\``, ``,`` y NUL escapados) y el
servidor responde ``InternalIPC::ProcessingDone\\0`` al terminar de procesar la orden.
"""

from __future__ import annotations

import os
import stat
import struct
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import socket

_LISTO = b"InternalIPC::SendArguments"
_HECHO = b"InternalIPC::ProcessingDone"
_PREFIJO = "InternalIPC::Arguments"

# socket y hashlib se importan al usarlos: con --pdf, LibreOffice arranca antes (este módulo se importa antes).
DISPONIBLE = hasattr(os, "getuid") and sys.platform.startswith("linux")  # en Linux siempre hay AF_UNIX
"""Solo en Linux (socket Unix en /tmp, probado); en otros sistemas se usa el camino de siempre (:func:`a_pdf`)."""


class TuberiaCerrada(Exception):
    """LibreOffice cerró la tubería sin terminar (se cayó o está saliendo)."""


class SinTuberia(Exception):
    """La instancia no abrió su tubería a tiempo (p. ej. un soffice que no la usa, o aislado)."""


def ruta_tuberia(perfil: Path) -> Path:
    """El socket de la instancia que usa ``perfil``: MD5 de la URL del perfil en UTF-16.

    LibreOffice escribe cada byte del MD5 en hexadecimal sin el cero de la izquierda.
    """
    import hashlib  # noqa: PLC0415

    url = perfil.as_uri()
    resumen = "".join(format(b, "x") for b in hashlib.md5(url.encode("utf-16-le")).digest())  # noqa: S324 - nombre, no seguridad
    nombre = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{resumen}"
    for carpeta in ("/tmp", "/var/tmp"):  # noqa: S108 - las mismas carpetas que usa LibreOffice
        if os.access(carpeta, os.W_OK):
            return Path(carpeta) / nombre
    return Path("/tmp") / nombre  # noqa: S108


def _escapar(texto: str) -> str:
    return texto.replace("\\", "\\\\").replace(",", "\\,").replace("\0", "\\0")


def mensaje(argumentos: Sequence[str], cwd: Path) -> bytes:
    """Los argumentos de una orden en el formato de la tubería."""
    cuerpo = "1" + _escapar(cwd.as_uri()) + "".join("," + _escapar(a) for a in argumentos)
    return (_PREFIJO + cuerpo + "\0").encode("utf-8")


def _leer(conexion: socket.socket) -> bytes:
    recibido = b""
    while not recibido.endswith(b"\0"):
        parte = conexion.recv(1024)
        if not parte:
            raise TuberiaCerrada
        recibido += parte
    return recibido[:-1]


_VISTAZO = 0.25
"""Segundos entre miradas al plazo mientras LibreOffice hace una orden de varios documentos."""


def _leer_con_prorroga(conexion: socket.socket, hasta: float, prorroga: Callable[[], float]) -> bytes:
    """Como :func:`_leer`, con un plazo que se corre mientras LibreOffice avanza; ``TimeoutError`` al vencer."""
    recibido = b""
    while not recibido.endswith(b"\0"):
        restante = max(hasta, prorroga()) - time.monotonic()
        if restante <= 0:
            raise TimeoutError
        conexion.settimeout(min(restante, _VISTAZO))
        try:
            parte = conexion.recv(1024)
        except TimeoutError:
            continue
        if not parte:
            raise TuberiaCerrada
        recibido += parte
    return recibido[:-1]


class Ajena(SinTuberia):
    """Al otro lado del socket hay un proceso de otro usuario: nunca se le manda nada."""


def socket_propio(ruta: Path) -> bool:
    """``ruta`` es un socket (no un enlace) de este usuario: el nombre está en /tmp, donde cualquiera crea."""
    try:
        estado = os.lstat(ruta)
    except OSError:
        return False
    return stat.S_ISSOCK(estado.st_mode) and estado.st_uid == os.geteuid()


def _par_propio(conexion: socket.socket) -> bool:
    """El proceso que escucha es de este usuario (``SO_PEERCRED``: lo dice el núcleo, no el archivo)."""
    import socket  # noqa: PLC0415

    credenciales = conexion.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    uid: int = struct.unpack("3i", credenciales)[1]
    return uid == os.geteuid()


def _conectar(ruta: Path, hasta: float, vivo: Callable[[], bool], esperar: bool = True) -> socket.socket:
    """Se conecta al socket en cuanto exista y acepte; ``vivo()`` dice si vale la pena seguir esperando.

    Otro usuario puede crear antes un socket con ese nombre en /tmp: si quien escucha no es de
    este usuario, :class:`Ajena` (no se le pasa ninguna ruta ni orden). Sin ``esperar`` (una
    instancia ajena que ya debería estar escuchando), un socket que falta o no acepta es
    :class:`TuberiaCerrada` enseguida.
    """
    import socket  # noqa: PLC0415

    while True:
        conexion = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conexion.connect(str(ruta))
        except (FileNotFoundError, ConnectionRefusedError):
            conexion.close()  # aún no existe, o es el de una instancia muerta que la nueva reemplazará
            if not esperar:
                raise TuberiaCerrada from None
        else:
            if _par_propio(conexion):
                return conexion
            conexion.close()
            raise Ajena
        _esperar(hasta, vivo)


def _esperar(hasta: float, vivo: Callable[[], bool]) -> None:
    if time.monotonic() >= hasta:
        raise TimeoutError
    if not vivo():
        raise TuberiaCerrada
    # Con --pdf en frío la orden suele llegar justo cuando LibreOffice abre su tubería: esperar poco
    # entre intentos (un connect que falla cuesta microsegundos) no retrasa la conversión.
    time.sleep(0.002)


def _listo(ruta: Path, hasta: float, vivo: Callable[[], bool], esperar: bool) -> socket.socket:
    """Una conexión por la que LibreOffice ya dijo que recibe argumentos.

    Con un perfil nuevo, LibreOffice se reinicia a sí mismo una vez al arrancar (cierra la
    tubería y la vuelve a abrir): si cierra antes de decir «listo», se vuelve a intentar.
    """
    while True:
        conexion = _conectar(ruta, hasta, vivo, esperar)
        conexion.settimeout(max(0.01, hasta - time.monotonic()))
        try:
            if _leer(conexion) == _LISTO:
                return conexion
        except (TuberiaCerrada, ConnectionResetError):
            pass
        except TimeoutError:
            conexion.close()
            raise TimeoutError from None
        conexion.close()
        _esperar(hasta, vivo)


def ordenar(ruta: Path, argumentos: Sequence[str], cwd: Path, *, hasta: float, hasta_conexion: float,
            vivo: Callable[[], bool], al_listo: Callable[[], None] = lambda: None, esperar: bool = True,
            al_enviar: Callable[[], None] = lambda: None, prorroga: Callable[[], float] | None = None) -> None:
    """Manda una orden a la instancia y espera a que la termine.

    Lanza ``TimeoutError`` si pasa ``hasta`` (``time.monotonic``); :class:`SinTuberia` si la
    instancia no dijo «listo» antes de ``hasta_conexion``; :class:`TuberiaCerrada` si LibreOffice
    se cae o cierra la tubería (sin ``esperar``, también si el socket falta o no acepta).
    ``al_enviar``: se llama en cuanto LibreOffice tiene la orden (mientras la hace).
    ``prorroga``: para una orden de varios documentos, el plazo que da el avance (p. ej. la última línea
    de LibreOffice más el tiempo límite): la espera dura hasta el mayor de ``hasta`` y ``prorroga()``.
    """
    try:
        conexion = _listo(ruta, hasta_conexion, vivo, esperar)
    except TimeoutError:
        if time.monotonic() < hasta:
            raise SinTuberia from None
        raise
    al_listo()
    with conexion:
        try:
            conexion.sendall(mensaje(argumentos, cwd))
            al_enviar()
            if prorroga is None:
                conexion.settimeout(max(0.01, hasta - time.monotonic()))
                respuesta = _leer(conexion)
            else:
                respuesta = _leer_con_prorroga(conexion, hasta, prorroga)
            if respuesta != _HECHO:
                raise TuberiaCerrada
        except (ConnectionResetError, BrokenPipeError):
            raise TuberiaCerrada from None
