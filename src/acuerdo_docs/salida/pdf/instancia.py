"""Un LibreOffice vivo (``soffice --headless``) al que se le piden conversiones por su tubería.

Arranca con un documento de Writer vacío abierto (``private:factory/swriter``): sin ningún
documento abierto, LibreOffice sin interfaz se cierra tras la primera orden que recibe.
:class:`InstanciaPrestada` es el LibreOffice vivo de otro proceso del mismo usuario (un
``ConvertidorPdf(compartir=True)``): se le piden órdenes igual, pero nunca se mata.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path

from ...rutas import borrar_huerfanas, nueva_carpeta_temporal
from . import ipc
from .procesos import lanzar, leer_lineas, matar_grupo
from .soffice import FILTRO_PDFA, lanzamiento

log = logging.getLogger("acuerdo_docs.pdf")

PREFIJO_TEMPORAL = "acuerdo_docs_lo_tmp_"
"""Carpeta temporal propia de cada LibreOffice vivo (``TMPDIR``): matado, no puede borrar la suya."""


class Colgado(Exception):
    """LibreOffice no terminó la orden a tiempo."""


class Caido(Exception):
    """LibreOffice terminó (o cerró la tubería) antes de terminar la orden."""


class SinTuberia(Exception):
    """La instancia nunca estuvo lista: salió al arrancar o no abrió su tubería a tiempo."""


LIMITE_TUBERIA = 20.0
"""Segundos desde el arranque para que la instancia abra su tubería; si no, se usa el camino de siempre."""


def _argumentos(entrada: Path | Sequence[Path], carpeta: Path, pdfa: bool) -> list[str]:
    """La orden ``--convert-to`` para uno o varios documentos (los 4 primeros, el filtro y la carpeta)."""
    entradas = [entrada] if isinstance(entrada, Path) else list(entrada)
    return ["--convert-to", FILTRO_PDFA if pdfa else "pdf", "--outdir", str(carpeta), *map(str, entradas)]


def _cerrar_a_otros(tuberia: Path) -> None:
    """El socket de la instancia, solo para este usuario (LibreOffice lo crea según la umask)."""
    try:
        estado = os.lstat(tuberia)
        if stat.S_ISSOCK(estado.st_mode) and estado.st_uid == os.geteuid() and estado.st_mode & 0o077:
            os.chmod(tuberia, 0o600)
    except OSError:
        pass


class InstanciaViva:
    """Un proceso de LibreOffice con su perfil, listo para convertir documento a documento."""

    def __init__(self, soffice: str, perfil: Path, asignador: str | None = None, *, reserva: bool = True) -> None:
        """``reserva=False``: sin el documento de Writer vacío (~60 ms de CPU menos al arrancar), para
        quien convierte un solo documento: LibreOffice se cierra solo tras la primera orden."""
        self.perfil = perfil
        self.reserva = reserva
        self._cerrada = False
        self.convertidos = 0
        self.lista = False  # ya respondió por su tubería alguna vez
        self.arranque = time.monotonic()
        self.ultimas: deque[str] = deque(maxlen=64)  # solo para explicar un fallo (en grupo, uno por documento)
        self.avance = self.arranque  # cuándo dijo algo por última vez (una orden de varios documentos avanza)
        self.temporal = nueva_carpeta_temporal(PREFIJO_TEMPORAL)  # su TMPDIR: a esta instancia se la mata
        programa, entorno = lanzamiento(soffice, asignador, self.temporal)
        orden = [programa, "--headless", "--norestore", "--nologo", "--nolockcheck",
                 f"-env:UserInstallation={perfil.as_uri()}", "private:factory/swriter" if reserva else "--nodefault"]
        try:
            self.proceso: subprocess.Popen[bytes] = lanzar(orden, entorno)
        except BaseException:
            shutil.rmtree(self.temporal, ignore_errors=True)
            raise
        self.tuberia = ipc.ruta_tuberia(perfil)  # después de lanzar: hashlib no retrasa el arranque
        self._lector = threading.Thread(target=self._leer, daemon=True, name="acuerdo_docs.pdf-salida")
        self._lector.start()

    def _leer(self) -> None:
        leer_lineas(self.proceso, self._anotar)

    def _anotar(self, linea: str | None) -> None:
        if linea is not None:
            self.avance = time.monotonic()
            self.ultimas.append(linea)
            log.debug("soffice: %s", linea)

    def vivo(self) -> bool:
        return self.proceso.poll() is None

    def convertir(self, entrada: Path | Sequence[Path], carpeta: Path, *, pdfa: bool, tiempo_limite: float,
                  al_enviar: Callable[[], None] = lambda: None) -> None:
        """Pide convertir ``entrada`` (ruta absoluta, o varias en una orden) a PDF en ``carpeta``;
        vuelve cuando terminó.

        Lanza :class:`Colgado` si no termina en ``tiempo_limite`` segundos (más el arranque, si
        es la primera) y :class:`Caido` si LibreOffice se cae o cierra la tubería. Con varias, el
        límite es por documento, como en :func:`~.entrada.a_pdf`: corre desde la última línea de
        LibreOffice (una por documento que empieza a guardar).
        """
        self.avance = time.monotonic()
        hasta = self.avance + tiempo_limite + (0.0 if self.lista else min(tiempo_limite, 30.0))
        hasta_conexion = hasta if self.lista else min(hasta, self.arranque + LIMITE_TUBERIA)
        argumentos = _argumentos(entrada, carpeta, pdfa)
        varias = len(argumentos) > 5
        try:
            ipc.ordenar(self.tuberia, argumentos, carpeta, hasta=hasta, hasta_conexion=hasta_conexion,
                        vivo=self.vivo, al_listo=self._marcar_lista, al_enviar=al_enviar,
                        prorroga=(lambda: self.avance + tiempo_limite) if varias else None)
        except ipc.Ajena:
            log.warning("Otro usuario ocupa el nombre de la tubería de LibreOffice: no se usa; se convierte por otro "
                        "camino.")
            raise SinTuberia from None
        except ipc.SinTuberia:
            raise SinTuberia from None
        except TimeoutError:
            raise Colgado from None
        except (ipc.TuberiaCerrada, OSError):
            raise (Caido if self.lista else SinTuberia) from None
        self.convertidos += len(argumentos) - 4
        if not self.reserva:
            # Sin documento de reserva, LibreOffice ya está saliendo por su cuenta (guarda configuración en
            # el perfil, borra su temporal): se le mata ya, para que eso no compita con lo que queda por hacer.
            matar_grupo(self.proceso)

    def _marcar_lista(self) -> None:
        if not self.lista:
            _cerrar_a_otros(self.tuberia)
        self.lista = True

    def motivo_sin_pdf(self, nombre: str) -> str | None:
        """Lo que dijo LibreOffice sobre el documento ``nombre``, si dijo que falló."""
        time.sleep(0.02)  # la línea de error se escribe antes de responder; se deja leerla
        for linea in reversed(self.ultimas):
            if linea.startswith("Error: source file could not be loaded"):
                return "carga"
            if linea.startswith("convert ") and nombre in linea:
                return None
        return None

    def cerrar(self) -> None:
        """Mata el grupo entero (lanzador, oosplash y soffice.bin) y borra lo suyo (se puede llamar de más)."""
        matar_grupo(self.proceso)
        if self._cerrada:
            return
        self._cerrada = True
        # No se espera al hilo lector: termina solo (es daemon) cuando el núcleo acaba de liberar
        # soffice.bin (~15 ms tras SIGKILL, en que ya no corre nada de LibreOffice).
        try:  # matado, LibreOffice no borra su socket de /tmp: se borra aquí (el perfil es solo nuestro)
            self.tuberia.unlink(missing_ok=True)
        except OSError:
            pass
        shutil.rmtree(self.temporal, ignore_errors=True)
        borrar_huerfanas(self.temporal.parent, PREFIJO_TEMPORAL)  # las de procesos que murieron sin cerrar


LIMITE_PRESTADA = 5.0
"""Segundos para que la instancia prestada diga «listo» (si está ocupada, espera su turno dentro de esto)."""


class InstanciaPrestada:
    """El LibreOffice vivo de otro proceso de este usuario (ver :mod:`.compartido`): se usa, no se mata."""

    lista = True

    def __init__(self, tuberia: Path) -> None:
        self.tuberia = tuberia
        self.convertidos = 0

    def vivo(self) -> bool:
        return ipc.socket_propio(self.tuberia)

    def convertir(self, entrada: Path, carpeta: Path, *, pdfa: bool, tiempo_limite: float,
                  al_enviar: Callable[[], None] = lambda: None) -> None:
        """Como :meth:`InstanciaViva.convertir`. Si no es de este usuario o no dice «listo» a tiempo,
        :class:`SinTuberia`; si nadie escucha o cierra, :class:`Caido` (su dueño se fue)."""
        ahora = time.monotonic()
        argumentos = _argumentos(entrada, carpeta, pdfa)
        try:
            ipc.ordenar(self.tuberia, argumentos, carpeta, hasta=ahora + tiempo_limite,
                        hasta_conexion=ahora + min(tiempo_limite, LIMITE_PRESTADA), vivo=self.vivo, esperar=False,
                        al_enviar=al_enviar)
        except ipc.SinTuberia:
            raise SinTuberia from None
        except TimeoutError:
            raise Colgado from None
        except (ipc.TuberiaCerrada, OSError):
            raise Caido from None
        self.convertidos += 1

    def motivo_sin_pdf(self, nombre: str) -> str | None:
        return None  # lo que dijo LibreOffice va a la salida de su dueño
