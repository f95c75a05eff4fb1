"""Unidades en vuelo: el renderizado en el ejecutor y la escritura atómica en hilos de este proceso."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard, cast

from pydantic import BaseModel

from ..documentos.informe import ResultadoFila
from ..errores import ErrorAcuerdoDocs
from ..lectores.hoja_calculo import ErrorCelda
from ..remoto import ErrorAlmacen
from ..salida.archivos import DestinoNoValido, error_salida, escribir_atomico, misma_ruta, revisar_destino
from ..salida.remoto import DestinoRemoto, Objeto
from ..terminal import hubo_interrupcion
from .comun import Progreso, log
from .trabajo import renderizar_unidad, renderizar_y_publicar


@dataclass
class _EnVuelo:
    resultado: ResultadoFila
    raiz: str
    futuro: Future[list[bytes]] | Future[list[Objeto]] | Future[list[str]]
    """Bytes de cada archivo, u objetos ya escritos si los trabajadores escriben en el almacenamiento,
    o (``escrita``) los nombres de los archivos que un trabajador ya escribió en la carpeta."""
    escrita: bool = False


def _son_bytes(partes: Sequence[bytes | Objeto]) -> TypeGuard[Sequence[bytes]]:
    return all(isinstance(p, bytes) for p in partes)


def _escribir_partes(
    carpeta: Path, raiz: str, extensiones: tuple[str, ...], partes: Sequence[bytes], entrada: Path | None = None,
) -> list[str]:
    """Escribe los archivos de una unidad (cada uno atómico); corre en un hilo de escritura.

    Antes de escribir la primera parte se revisan todas: un enlace simbólico, una carpeta o un
    FIFO con el nombre de una de ellas (o el libro de entrada) deja la unidad sin escribir
    (:class:`DestinoNoValido`, que el lote informa en la fila) y nunca se sigue.
    """
    destinos = [carpeta / f"{raiz}{extension}" for extension in extensiones[: len(partes)]]
    for destino in destinos:
        if os.sep in destino.name or (os.altsep and os.altsep in destino.name):  # el nombre ya viene saneado
            raise DestinoNoValido(f"«{destino.name}» saldría de la carpeta de salida.")
        revisar_destino(destino, destino.name)
        if entrada is not None and misma_ruta(destino, entrada):
            raise DestinoNoValido(f"«{destino.name}» es el libro de entrada: nunca se escribe sobre una entrada.")
    for destino, datos in zip(destinos, partes):
        escribir_atomico(destino, datos, sincronizar=False)  # sincronizar_carpeta al final del lote
    return [d.name for d in destinos]


def renderizar_y_escribir(carpeta: Path, raiz: str, extensiones: tuple[str, ...], entrada: Path | None, tipo: str,
                          datos: BaseModel, publico: bool, infografia: bool = False, pdfa: bool = True) -> list[str]:
    """En un trabajador: renderiza una unidad y escribe sus archivos (mismas revisiones, sin fsync: el
    lote sincroniza la carpeta al final). Vuelven los nombres, no los bytes: ni la tubería ni el
    proceso principal cargan con cada documento."""
    partes = renderizar_unidad(tipo, datos, publico, infografia, pdfa)
    return _escribir_partes(carpeta, raiz, extensiones, partes, entrada)


class Canal:
    """Unidades en vuelo: renderizado (en el ejecutor) y escritura (en hilos de este proceso).

    La escritura va en hilos porque fsync espera al disco sin ocupar la CPU; los hilos no
    atienden señales, así que un Ctrl-C nunca corta un archivo a medio escribir: al
    interrumpir se terminan las escrituras en curso y se descartan las pendientes.
    """

    HILOS_ESCRITURA = 2
    MAX_ESCRITURAS = 16

    def __init__(
        self, carpeta: Path, extensiones: tuple[str, ...], ejecutor: Executor, ventana: int,
        progreso: Progreso | None, total: int, entrada: Path | None = None,
    ) -> None:
        self.carpeta = carpeta
        self.entrada = entrada
        self.extensiones = extensiones
        self.ejecutor = ejecutor
        self.ventana = ventana
        self.progreso = progreso
        self.total = total
        self.hechas = 0
        self._render: deque[_EnVuelo] = deque()
        self._escritura: deque[tuple[ResultadoFila, Future[list[str]], bool]] = deque()
        self._escritor: ThreadPoolExecutor | None = None
        self.reteniendo = False
        """Mientras no se sepa que el lote cabe en los límites, los bytes esperan aquí (no se escribe nada)."""
        self._retenidas: list[tuple[ResultadoFila, str, Sequence[bytes | Objeto]]] = []
        self.retenido_bytes = 0
        self.infografia = False
        self.pdfa = True  # PDF/A-2b también en las infografías (generar_lote lo pone desde ``pdfa``)
        self.al_escribir: Callable[[Path], None] | None = None  # p. ej. la conversión a PDF en flujo
        self.remoto: DestinoRemoto | None = None
        """Destino en almacenamiento de objetos; ``carpeta`` es entonces una carpeta temporal local."""
        self.copia_local = False
        """Con destino remoto: además cada .docx en ``carpeta`` (para --pdf y --combinado)."""
        self.en_trabajadores = False
        """Con destino remoto: los trabajadores escriben los objetos y devuelven sus huellas."""

    def avanzar(self) -> None:
        self.hechas += 1
        self.total = max(self.total, self.hechas)
        if self.progreso is not None:
            self.progreso(self.hechas, self.total)

    def enviar(self, resultado: ResultadoFila, raiz: str, tipo: str, modelo: BaseModel, publico: bool) -> None:
        # El modelo ya validado viaja tal cual (pickle no vuelve a validar): se valida una sola vez.
        futuro: Future[list[bytes]] | Future[list[Objeto]] | Future[list[str]]
        escrita = False
        repartir = getattr(self.ejecutor, "submit_o_aqui", None)
        if self.en_trabajadores and self.remoto is not None:
            futuro = self.ejecutor.submit(renderizar_y_publicar, self.remoto.url, raiz, self.extensiones, tipo, modelo,
                                          publico, self.infografia, self.pdfa)
        elif repartir is not None and self.remoto is None and not self.reteniendo:
            # Carpeta local ya abierta: el trabajador que renderiza también escribe.
            futuro, escrita = repartir(
                renderizar_y_escribir,
                (self.carpeta, raiz, self.extensiones, self.entrada, tipo, modelo, publico, self.infografia, self.pdfa),
                renderizar_unidad, (tipo, modelo, publico, self.infografia, self.pdfa))
        else:
            futuro = self.ejecutor.submit(renderizar_unidad, tipo, modelo, publico, self.infografia, self.pdfa)
        self._render.append(_EnVuelo(resultado, raiz, futuro, escrita))
        while len(self._render) >= self.ventana:
            self._recoger()

    def _recoger(self) -> None:
        """Espera los bytes de la unidad más antigua y encarga su escritura."""
        trabajo = self._render.popleft()
        resultado = trabajo.resultado
        enviar = getattr(self.ejecutor, "enviar_pendientes", None)  # Mixto junta tandas: que salga la de esta
        if enviar is not None and not trabajo.futuro.done():
            enviar()
        if trabajo.escrita:
            self._recoger_escrita(trabajo)
            return
        try:
            partes = cast("Sequence[bytes | Objeto]", trabajo.futuro.result())  # sin escribir: bytes u objetos
        except ErrorAlmacen:  # el almacenamiento falló en un trabajador: no es culpa de la fila, se detiene el lote
            raise
        except ErrorAcuerdoDocs as exc:
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(resultado.hoja, resultado.fila, "", "", "", str(exc)))
            self.avanzar()
            return
        except Exception as exc:
            self._fallo_interno(resultado, exc)
            return
        if self.reteniendo:  # aún no se sabe si el lote entero cabe: se guarda, y ya cuenta como avance
            self._retenidas.append((resultado, trabajo.raiz, partes))
            self.retenido_bytes += sum(len(p) for p in partes if isinstance(p, bytes))
            self.avanzar()
            return
        self._encargar(resultado, trabajo.raiz, partes, contada=False)

    def _fallo_interno(self, resultado: ResultadoFila, exc: Exception) -> None:
        if hubo_interrupcion():  # el Ctrl-C llegó dentro de una biblioteca que lo convirtió: se detiene el lote
            raise KeyboardInterrupt from exc
        log.error("fallo interno al generar %s fila %s: %s", resultado.hoja, resultado.fila, type(exc).__name__)
        resultado.estado = "fallo al generar"
        resultado.errores.append(ErrorCelda(
            resultado.hoja, resultado.fila, "", "", "",
            f"error interno al generar el documento ({type(exc).__name__}); informe al equipo de soporte",
        ))
        self.avanzar()

    def _recoger_escrita(self, trabajo: _EnVuelo) -> None:
        """Una unidad que renderizó y escribió un trabajador: el informe, como si la escribiera un hilo de aquí."""
        resultado = trabajo.resultado
        try:
            nombres = cast("list[str]", trabajo.futuro.result())
        except DestinoNoValido as exc:  # solo esta unidad (ver _terminar_escritura)
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(resultado.hoja, resultado.fila, "", "", "", f"no se escribió: {exc}"))
        except OSError as exc:  # disco lleno, sin permiso (ErrorSalida incluido): afecta a todo el lote
            raise error_salida(exc, self.carpeta) from None
        except ErrorAcuerdoDocs as exc:
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(resultado.hoja, resultado.fila, "", "", "", str(exc)))
        except Exception as exc:
            self._fallo_interno(resultado, exc)
            return
        else:
            resultado.archivos = nombres
            resultado.estado = "generado"
            if self.al_escribir is not None:
                for nombre in resultado.archivos:
                    if nombre.endswith(".docx"):
                        self.al_escribir(self.carpeta / nombre)
        self.avanzar()

    def liberar(self) -> None:
        """El lote cabe y el destino está listo: se escribe lo retenido y, desde ahora, al llegar."""
        self.reteniendo = False
        retenidas, self._retenidas, self.retenido_bytes = self._retenidas, [], 0
        for resultado, raiz, partes in retenidas:
            self._encargar(resultado, raiz, partes, contada=True)

    def _encargar(self, resultado: ResultadoFila, raiz: str, partes: Sequence[bytes | Objeto], *,
                  contada: bool) -> None:
        """Encarga la escritura de una unidad a un hilo (``contada``: su avance ya se anunció)."""
        if self._escritor is None:  # después del primer envío: los trabajadores ya nacieron
            # Un PUT espera a la red, no a la CPU: con destino remoto, más hilos (uno por escritura en vuelo).
            hilos = self.MAX_ESCRITURAS if self.remoto is not None else self.HILOS_ESCRITURA
            self._escritor = ThreadPoolExecutor(hilos, thread_name_prefix="acuerdo_docs_escritura")
        if self.remoto is not None:
            futuro = self._escritor.submit(self._escribir_remoto, raiz, partes)
        else:
            if not _son_bytes(partes):  # sin destino remoto los trabajadores no escriben: devuelven bytes
                raise TypeError("se esperaban los bytes de cada archivo")
            futuro = self._escritor.submit(
                _escribir_partes, self.carpeta, raiz, self.extensiones, partes, self.entrada
            )
        if self.al_escribir is not None:
            futuro.add_done_callback(self._avisar_escrito)
        self._escritura.append((resultado, futuro, contada))
        while len(self._escritura) > self.MAX_ESCRITURAS:
            self._terminar_escritura()

    def _escribir_remoto(self, raiz: str, partes: Sequence[bytes | Objeto]) -> list[str]:
        """En un hilo de escritura: cada parte de un solo PUT (o, si la escribió un trabajador, se anota)."""
        assert self.remoto is not None
        nombres = [f"{raiz}{extension}" for extension in self.extensiones[: len(partes)]]
        docx: list[tuple[str, bytes]] = []
        for nombre, parte in zip(nombres, partes):
            if isinstance(parte, Objeto):
                self.remoto.registrar(parte)
                if self.copia_local and nombre.endswith(".docx"):
                    docx.append((nombre, self.remoto.leer(nombre)))
            else:
                self.remoto.escribir(nombre, parte)
                if self.copia_local and nombre.endswith(".docx"):
                    docx.append((nombre, parte))
        for nombre, datos in docx:
            escribir_atomico(self.carpeta / nombre, datos, sincronizar=False)
        return nombres

    def _avisar_escrito(self, futuro: Future[list[str]]) -> None:
        """En el hilo de escritura, apenas se escribió: cada .docx pasa a ``al_escribir``."""
        if futuro.cancelled() or futuro.exception() is not None or self.al_escribir is None:
            return
        for nombre in futuro.result():
            if nombre.endswith(".docx"):
                self.al_escribir(self.carpeta / nombre)

    def _terminar_escritura(self) -> None:
        resultado, futuro, contada = self._escritura.popleft()
        try:
            resultado.archivos = futuro.result()
        except DestinoNoValido as exc:  # solo esta unidad: el lote sigue y el informe dice por qué
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(resultado.hoja, resultado.fila, "", "", "", f"no se escribió: {exc}"))
        except OSError as exc:  # disco lleno, sin permiso: afecta a todo el lote
            raise error_salida(exc, self.carpeta) from None
        else:
            resultado.estado = "generado"
        if not contada:
            self.avanzar()

    def recoger_todo(self) -> None:
        """Espera los bytes de todas las unidades en vuelo (sin esperar sus escrituras)."""
        while self._render:
            self._recoger()

    def vaciar(self) -> None:
        self.recoger_todo()
        if self.reteniendo:
            raise RuntimeError("el lote terminó con escrituras retenidas: falta liberar()")
        while self._escritura:
            self._terminar_escritura()
        self.cerrar()
        if self.progreso is not None and self.hechas != self.total:
            self.progreso(self.hechas, self.hechas)  # el total era una estimación

    def abortar(self) -> None:
        """Interrupción: descarta lo pendiente y deja terminar las escrituras ya empezadas."""
        for trabajo in self._render:
            trabajo.futuro.cancel()
        self._render.clear()
        self._retenidas.clear()  # nunca se escribieron
        self.cerrar(cancelar=True)

    def cerrar(self, *, cancelar: bool = False) -> None:
        if self._escritor is not None:
            self._escritor.shutdown(wait=True, cancel_futures=cancelar)
            self._escritor = None
