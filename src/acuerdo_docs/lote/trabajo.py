"""Lo que corre en los trabajadores del lote (bytes de cada unidad) y cómo se arrancan y detienen."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..salida.hijos import morir_con_el_padre
from ..salida.remoto import Objeto, publicar

if TYPE_CHECKING:
    from ..esquemas.acuerdo import AcuerdoSimbolico
    from ..esquemas.ficha import BuenaPractica


def renderizar_unidad(tipo: str, datos: BaseModel, publico: bool, infografia: bool = False,
                      pdfa: bool = True) -> list[bytes]:
    """Los bytes de los archivos de una unidad (en el orden de :data:`EXTENSIONES`; la infografía al final).

    Función de módulo: se envía tal cual a otro proceso o máquina con el modelo ya validado
    (``BuenaPractica`` o ``AcuerdoSimbolico``), que no se vuelve a validar.
    """
    modelo: type[BuenaPractica] | type[AcuerdoSimbolico]
    # Solo el esquema del tipo: un lote de fichas no importa el del acuerdo (~25 ms de arranque).
    if tipo == "fichas":
        from ..esquemas.ficha import BuenaPractica

        modelo = BuenaPractica
    elif tipo == "acuerdos":
        from ..esquemas.acuerdo import AcuerdoSimbolico

        modelo = AcuerdoSimbolico
    else:
        raise ValueError(f"tipo de lote desconocido: {tipo}")
    if not isinstance(datos, modelo):
        raise TypeError(f"un lote de {tipo} recibe {modelo.__name__}, no {type(datos).__name__}")
    partes = _renderizar_documentos(datos, publico)
    if infografia:
        from ..documentos.infografia import renderizar_infografia

        partes.append(renderizar_infografia(datos, "pdf", publico=publico, pdfa=pdfa))
    return partes


def renderizar_y_publicar(url: str, raiz: str, extensiones: tuple[str, ...], tipo: str, datos: BaseModel,
                          publico: bool, infografia: bool = False, pdfa: bool = True) -> list[Objeto]:
    """Renderiza una unidad y escribe sus archivos en ``url`` desde el trabajador (un PUT por objeto).

    Solo viajan la URL (sin credenciales: el trabajador usa las de su entorno), los nombres y el
    modelo; vuelven los nombres, tamaños y SHA-256 para el manifiesto que escribe quien llama.
    """
    partes = renderizar_unidad(tipo, datos, publico, infografia, pdfa)
    return [publicar(url, f"{raiz}{extension}", parte) for extension, parte in zip(extensiones, partes)]


def _renderizar_documentos(datos: BuenaPractica | AcuerdoSimbolico, publico: bool) -> list[bytes]:
    from ..esquemas.ficha import BuenaPractica

    if isinstance(datos, BuenaPractica):
        from ..documentos.ficha import renderizar_ficha

        return [renderizar_ficha(datos, publico=publico)]
    from ..documentos.acuerdo import cargar_acuerdo, json_acuerdo, renderizar_acuerdo, version_publica_acuerdo
    from ..documentos.matriz import construir_libro
    from ..salida.excel import libro_a_bytes

    acuerdo = cargar_acuerdo(datos)
    visible = version_publica_acuerdo(acuerdo) if publico else acuerdo
    matriz = libro_a_bytes(construir_libro(visible), titulo="Matriz de riesgos")
    # El JSON del acuerdo va al lado: con él y la matriz, el acuerdo entra a «acuerdo-docs seguimiento»
    # (en un lote público, también sin datos personales).
    return [renderizar_acuerdo(acuerdo, publico=publico), matriz, json_acuerdo(visible)]


def iniciar_trabajador(padre: int | None = None) -> None:
    # Ctrl-C llega a todo el grupo de procesos: solo el proceso principal lo atiende y cierra el lote.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Un kill -9 al lote no deja trabajadores huérfanos (Linux; en otros sistemas no hace nada).
    morir_con_el_padre(signal.SIGKILL, padre)


class EnLinea(Executor):
    """Ejecuta cada tarea al enviarla (lotes pequeños o ``procesos=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        futuro: Future[Any] = Future()
        try:
            futuro.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            futuro.set_exception(exc)
        return futuro


def ejecutar_tanda(tareas: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]]) -> list[tuple[bool, Any]]:
    """En un trabajador: varias tareas de un solo envío; el resultado o la excepción de cada una."""
    salida: list[tuple[bool, Any]] = []
    for fn, args, kwargs in tareas:
        try:
            salida.append((True, fn(*args, **kwargs)))
        except Exception as exc:  # cada unidad falla sola, como si hubiera ido sola
            salida.append((False, exc))
    return salida


EN_COLA = 48
"""Unidades pendientes por trabajador antes de que el proceso principal renderice él mismo."""
TANDA = 16
"""Unidades por envío a un trabajador."""


class Mixto(Executor):
    """Un grupo de trabajadores más este mismo proceso: ``procesos=N`` son N procesos en total.

    Cada unidad va a un trabajador si tiene cola libre (``en_cola`` por trabajador); si no, se
    renderiza aquí, entre lectura y escritura, y este proceso nunca espera ocioso. La cola es
    holgada porque cada fin de tarea se anota, y cada tanda pasa a la tubería del trabajador,
    cuando el hilo del grupo toma el GIL (hasta 5 ms tarde): con 2 por trabajador, este proceso
    renderizaba la mitad mientras el trabajador esperaba, y con 8 en tandas de 4 el trabajador aún
    pasaba un tercio del lote sin trabajo (en 2 núcleos libres, 2 procesos tardaban 0,79 s en 1.000
    fichas; con 48 en tandas de 16, 0,69 s). Las unidades viajan de ``tanda`` en ``tanda`` (un envío,
    un despertar y una respuesta por tanda, no por unidad: era ~0,2 ms de CPU por unidad entre los dos procesos);
    quien va a esperar un resultado llama antes a :meth:`enviar_pendientes`. El grupo nace con la
    unidad número ``arrancar_en``: un lote pequeño no lo paga (se sabe cuántas unidades hay solo
    al terminar de leer).
    """

    def __init__(self, crear: Callable[[], Executor], trabajadores: int, *, en_cola: int = EN_COLA,
                 arrancar_en: int = 1, tanda: int = TANDA) -> None:
        self._crear = crear
        self.grupo: Executor | None = None
        self.limite = max(1, trabajadores * en_cola)
        self.arrancar_en = arrancar_en
        self.tamano_tanda = max(1, tanda)
        self._enviadas = 0
        self._pendientes = 0
        self._tanda: list[tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self._candado = threading.Lock()
        self._aqui = EnLinea()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        if not self._hay_cola():
            return self._aqui.submit(fn, *args, **kwargs)
        return self._encolar(fn, args, kwargs)

    def submit_o_aqui(self, fuera: Callable[..., Any], argumentos_fuera: tuple[Any, ...],
                      aqui: Callable[..., Any], argumentos_aqui: tuple[Any, ...]) -> tuple[Future[Any], bool]:
        """Como :meth:`submit`, con otra tarea si la unidad se queda en este proceso; dice si salió.

        El lote manda a un trabajador «renderizar y escribir» (vuelven solo los nombres, no los bytes)
        y aquí solo renderiza: la escritura va a sus hilos, que no frenan la lectura.
        """
        if not self._hay_cola():
            return self._aqui.submit(aqui, *argumentos_aqui), False
        return self._encolar(fuera, argumentos_fuera, {}), True

    def _hay_cola(self) -> bool:
        self._enviadas += 1
        if self.grupo is None and self._enviadas >= self.arrancar_en:
            self.grupo = self._crear()
        with self._candado:
            return self.grupo is not None and self._pendientes + len(self._tanda) < self.limite

    def _encolar(self, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Future[Any]:
        futuro: Future[Any] = Future()
        self._tanda.append((futuro, fn, args, kwargs))
        if len(self._tanda) >= self.tamano_tanda:
            self.enviar_pendientes()
        return futuro

    def enviar_pendientes(self) -> None:
        """Manda a los trabajadores la tanda que se estaba juntando (antes de esperar un resultado)."""
        if not self._tanda or self.grupo is None:
            return
        tanda, self._tanda = self._tanda, []
        futuros = [f for f, *_ in tanda]
        with self._candado:
            self._pendientes += len(tanda)
        try:
            junta = self.grupo.submit(ejecutar_tanda, [(fn, args, kwargs) for _, fn, args, kwargs in tanda])
        except BaseException:
            with self._candado:
                self._pendientes -= len(tanda)
            for futuro in futuros:
                futuro.cancel()
            raise
        junta.add_done_callback(lambda hecha: self._repartir(hecha, futuros))

    def _repartir(self, junta: Future[list[tuple[bool, Any]]], futuros: list[Future[Any]]) -> None:
        """En el hilo del grupo: cada resultado (o excepción) a su futuro; los cancelados se dejan."""
        with self._candado:
            self._pendientes -= len(futuros)
        if junta.cancelled():
            for futuro in futuros:
                futuro.cancel()
            return
        error = junta.exception()
        resultados = [(False, error)] * len(futuros) if error is not None else junta.result()
        for futuro, (bien, valor) in zip(futuros, resultados):
            if not futuro.set_running_or_notify_cancel():
                continue
            if bien:
                futuro.set_result(valor)
            else:
                futuro.set_exception(valor)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for futuro, *_ in self._tanda:
            futuro.cancel()
        self._tanda = []
        if self.grupo is not None:
            self.grupo.shutdown(wait=wait, cancel_futures=cancel_futures)


def grupo_procesos(procesos: int) -> ProcessPoolExecutor:
    # Método de arranque por omisión de la plataforma (o el que fije el programa con
    # multiprocessing.set_start_method): con spawn/forkserver, un script que llame a
    # generar_lote necesita el bloque «if __name__ == "__main__":», como todo multiprocessing.
    return ProcessPoolExecutor(max_workers=procesos, initializer=iniciar_trabajador, initargs=(os.getpid(),))


def detener_grupo(grupo: ProcessPoolExecutor) -> None:
    """Detiene el grupo: se descartan las tareas pendientes y cada trabajador sale al terminar la
    que tiene entre manos (milisegundos; ignora Ctrl-C y escribe cada archivo en un temporal que
    renombra, así que no deja archivos a medias). Se espera a que salgan: si el intérprete termina
    con el hilo de gestión del grupo aún vivo, Python puede quejarse al cerrar («Bad file descriptor»). Matarlos con
    terminate() puede dejar colgado el hilo que les envía trabajo (la tubería queda sin lector).
    """
    grupo.shutdown(wait=True, cancel_futures=True)


@contextmanager
def sin_interrupciones() -> Iterator[None]:
    """Difiere Ctrl-C y SIGTERM mientras se escribe un archivo: llegan justo después del renombrado."""
    bloquear = getattr(signal, "pthread_sigmask", None)
    if bloquear is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    anterior = bloquear(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        bloquear(signal.SIG_SETMASK, anterior)
