"""Un LibreOffice caliente compartido entre procesos del mismo usuario.

Un ``ConvertidorPdf(compartir=True)`` (p. ej. el de un servidor o un guion de larga vida) deja,
junto a cada perfil de la caché que usa, la marca ``perfil<N>.compartido``. Otro proceso del
mismo usuario (``acuerdo-docs ficha … --pdf``) que la encuentra le pasa su conversión por la
tubería de instancia única de ese LibreOffice en vez de arrancar uno propio.

Las reglas de confianza son las de la caché (:mod:`acuerdo_docs.salida.carpeta_privada`): la
marca vale solo dentro de la carpeta privada de perfiles, si es un archivo regular del usuario y
si su dueño sigue vivo (tiene tomado el candado del perfil); el socket vale solo si es un socket
del usuario y, al conectarse, el núcleo confirma que quien escucha es del mismo usuario
(``SO_PEERCRED``, ver :mod:`.ipc`). El socket queda 0600: otro usuario no puede ni conectarse.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from ..archivos import abrir_candado, escribir_atomico
from ..carpeta_privada import quitar
from . import ipc
from .cache import PERFILES_CACHE, carpeta_perfiles, tomar_candado
from .instancia import InstanciaPrestada

log = logging.getLogger("acuerdo_docs.pdf")

SUFIJO = ".compartido"


def marca_de(perfil: Path) -> Path:
    return perfil.with_name(perfil.name + SUFIJO)


def publicar(perfil: Path) -> None:
    """Anuncia el LibreOffice de ``perfil`` (del que se tiene el candado) a los demás procesos del usuario."""
    escribir_atomico(marca_de(perfil), f"{os.getpid()}\n".encode(), sincronizar=False, modo_nuevo=0o600)


def retirar(perfil: Path) -> None:
    """Antes de soltar el candado: nadie más debe mandarle órdenes a un LibreOffice que se va a matar."""
    quitar(marca_de(perfil))


def _marca_propia(ruta: Path) -> bool:
    try:
        estado = os.lstat(ruta)
    except OSError:
        return False
    return stat.S_ISREG(estado.st_mode) and estado.st_uid == os.geteuid()


def buscar_compartido(soffice: str) -> InstanciaPrestada | None:
    """El LibreOffice de un ``ConvertidorPdf(compartir=True)`` vivo de este usuario, o ``None``.

    No crea nada ni avisa (se llama antes de configurar el registro); una marca cuyo dueño ya
    murió (el candado está libre) se borra.
    """
    if not ipc.DISPONIBLE:
        return None
    carpeta = carpeta_perfiles(soffice, crear=False, avisar=False)
    if carpeta is None:
        return None
    for numero in range(PERFILES_CACHE):
        perfil = carpeta / f"perfil{numero}"
        if not _marca_propia(marca_de(perfil)):
            continue
        try:
            candado = abrir_candado(carpeta / f"perfil{numero}.candado")
        except OSError:  # también DestinoNoValido: un candado que no es un archivo regular
            continue
        if tomar_candado(candado):  # nadie lo tiene: la marca quedó de un proceso muerto
            retirar(perfil)
            candado.close()
            continue
        tuberia = ipc.ruta_tuberia(perfil)
        if ipc.socket_propio(tuberia):
            log.debug("Se usa el LibreOffice compartido del perfil %d", numero)
            return InstanciaPrestada(tuberia)
    return None
