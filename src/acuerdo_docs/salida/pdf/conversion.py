"""El reparto de una llamada a :func:`~acuerdo_docs.salida.pdf.a_pdf`: cola de tandas, hilos y procesos."""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

from ...errores import causa_sistema
from ..archivos import enlazar_o_copiar, mover_atomico
from .comprobaciones import error_pdf
from .perfiles import RESERVA
from .procesos import lanzar, leer_lineas, matar_grupo, matar_restos
from .resultado import Progreso, ResultadoDocumento
from .soffice import lanzamiento, orden_conversion
from .tanda import Decision, Doc, LecturaTanda, Tanda

log = logging.getLogger("acuerdo_docs.pdf")

_GRACIA_SALIDA = 2.0  # segundos para leer lo que quede tras salir el proceso principal


def mensaje_colgado(tiempo_limite: float) -> str:
    return (f"LibreOffice dejó de responder (no avanzó en {tiempo_limite:g} s, el tiempo límite) y se detuvo "
            "la conversión; el problema es de LibreOffice, no de este documento. Revise la instalación de "
            "LibreOffice o aumente el tiempo límite (--tiempo-limite).")


class Conversion:
    """El estado de una llamada a ``a_pdf``: cola de tandas, resultados y procesos vivos."""

    def __init__(self, soffice: str, docs: list[Doc], tiempo_limite: float, progreso: Progreso | None,
                 asignador: str | None = None, *, pdfa: bool = True) -> None:
        self.soffice = soffice
        self.pdfa = pdfa
        self.asignador = asignador
        self.tiempo_limite = tiempo_limite
        self.progreso = progreso
        self.resultados: dict[int, ResultadoDocumento] = {}
        self.pendientes = len(docs)
        self.arranques = 0
        self.convertidos = 0
        self.hubo_salida = False  # algún proceso de esta llamada informó de un documento
        self.mudos: set[int] = set()  # primeros documentos de procesos que murieron sin decir nada
        self.averia: str | None = None
        self.excepcion: BaseException | None = None
        self.cola: queue.Queue[Tanda | None] = queue.Queue()
        self.terminado = threading.Event()
        self.cancelado = threading.Event()
        self._candado = threading.Lock()
        self._candado_progreso = threading.Lock()
        self._procesos: set[subprocess.Popen[bytes]] = set()
        if not docs:
            self.terminado.set()

    # ---- resultados

    def cerrar_doc(self, doc: Doc, pdf: Path | None, error: str | None) -> None:
        with self._candado:
            if doc.indice in self.resultados:
                return
            self.resultados[doc.indice] = ResultadoDocumento(doc.original, pdf, error)
            self.pendientes -= 1
            if pdf is not None:
                self.convertidos += 1
            quedan = self.pendientes
        if error is None:
            log.debug("PDF listo: %s", pdf)
        elif error == self.averia:  # la avería se informa una vez, como causa, no por documento
            log.info("No se convirtió %s: %s", doc.entrada, error)
        else:
            log.warning("No se convirtió %s: %s", doc.entrada, error)
        if self.progreso is not None:
            with self._candado_progreso:  # el llamador no necesita un progreso seguro entre hilos
                self.progreso(doc.original, pdf, error)
        if quedan == 0:
            self.terminado.set()

    def _entregar(self, doc: Doc, salida: Path) -> None:
        pdf = salida / doc.nombre_pdf
        error = error_pdf(pdf)
        if error is not None:
            self.cerrar_doc(doc, None, error)
            return
        try:
            mover_atomico(pdf, doc.destino)
        except OSError as exc:
            motivo = causa_sistema(exc)
            self.cerrar_doc(doc, None, f"No se pudo guardar el PDF en la carpeta de destino ({motivo}).")
            return
        self.cerrar_doc(doc, doc.destino, None)

    def _decidir(self, decisiones: list[Decision], salida: Path) -> None:
        for doc, motivo in decisiones:
            if motivo is None:
                self._entregar(doc, salida)
            else:
                self.cerrar_doc(doc, None, motivo)

    # ---- hilos

    def trabajar(self) -> None:
        while True:
            tanda = self.cola.get()
            if tanda is None:
                return
            try:
                if self.cancelado.is_set():
                    continue
                if self.averia is not None:
                    for doc in tanda.docs:
                        self.cerrar_doc(doc, None, self.averia)
                    continue
                self._ejecutar(tanda)
            except BaseException as exc:  # noqa: BLE001 - un error nuestro (o del progreso) detiene todo y se relanza
                with self._candado:
                    if self.excepcion is None:
                        self.excepcion = exc
                self.cancelar()

    def cancelar(self) -> None:
        self.cancelado.set()
        with self._candado:
            procesos = list(self._procesos)
        for proceso in procesos:
            matar_grupo(proceso)
        self.terminado.set()

    # ---- una tanda = un arranque de LibreOffice

    def _ejecutar(self, tanda: Tanda) -> None:
        try:
            trabajo = RESERVA.carpeta_trabajo()
            perfil = RESERVA.tomar_perfil(self.soffice)
        except OSError as exc:  # p. ej. el temporal lleno: falla la tanda, no la llamada entera
            for doc in tanda.docs:
                self.cerrar_doc(doc, None, f"No se pudo preparar la conversión ({causa_sistema(exc)}).")
            return
        perfil_sano = True
        try:
            entrada = trabajo / "entrada"
            salida = trabajo / "salida"
            entrada.mkdir()
            salida.mkdir()
            tanda.docs = self._enlazar(tanda.docs, entrada)
            if tanda.docs:
                entradas = [entrada / d.nombre for d in tanda.docs]
                # Su TMPDIR dentro de la carpeta de trabajo: si hay que matarlo, se borra con ella.
                (trabajo / "tmp").mkdir()
                programa, entorno = lanzamiento(self.soffice, self.asignador, trabajo / "tmp")
                orden = orden_conversion(programa, perfil, salida, entradas, pdfa=self.pdfa)
                perfil_sano = self._correr(tanda, orden, entorno, salida)
        finally:
            RESERVA.devolver_perfil(self.soffice, perfil, perfil_sano)
            shutil.rmtree(trabajo, ignore_errors=True)

    def _enlazar(self, docs: list[Doc], entrada: Path) -> list[Doc]:
        """Pone cada documento en la carpeta de entrada con su nombre privado; devuelve los que se pudo."""
        listos: list[Doc] = []
        for doc in docs:
            enlace = entrada / doc.nombre
            try:
                enlazar_o_copiar(doc.entrada, enlace)
            except OSError as exc:
                self.cerrar_doc(doc, None, f"No se pudo leer el documento ({causa_sistema(exc)}).")
                continue
            listos.append(doc)
        return listos

    def _arrancar(self, orden: list[str], entorno: dict[str, str] | None,
                  docs: list[Doc]) -> subprocess.Popen[bytes] | None:
        try:
            proceso = lanzar(orden, entorno)
        except OSError as exc:
            self.averia = f"No se pudo ejecutar LibreOffice ({causa_sistema(exc)})."
            for doc in docs:
                self.cerrar_doc(doc, None, self.averia)
            return None
        with self._candado:
            self.arranques += 1
            self._procesos.add(proceso)
        RESERVA.registrar(proceso)
        return proceso

    def _correr(self, tanda: Tanda, orden: list[str], entorno: dict[str, str] | None, salida: Path) -> bool:
        """Corre un proceso para la tanda; devuelve si el perfil quedó sano (no hubo que matarlo)."""
        docs = tanda.docs
        log.info("LibreOffice: %d documento(s) en un proceso", len(docs))
        proceso = self._arrancar(orden, entorno, docs)
        if proceso is None:
            return True
        lectura = LecturaTanda(docs)
        vencido = self._seguir(proceso, lectura, salida)
        if self.cancelado.is_set():
            return False
        # Si otro hilo declaró la avería, este proceso se mató: como si hubiera vencido.
        self._recoger_completos(lectura, vencido or self.averia is not None, salida)
        restantes = [d for d in docs if d.indice not in self.resultados]
        if not restantes:
            return not vencido
        self._tras_fallo(restantes, vencido, proceso.returncode, lectura)
        return False

    def _seguir(self, proceso: subprocess.Popen[bytes], lectura: LecturaTanda, salida: Path) -> bool:
        """Lee la salida del proceso hasta que termina; devuelve si venció el tiempo límite."""
        lineas: queue.Queue[str | None] = queue.Queue()
        lector = threading.Thread(target=leer_lineas, args=(proceso, lineas.put), daemon=True)
        lector.start()
        try:
            return self._vigilar(proceso, lineas, lectura, salida)
        finally:
            if proceso.poll() is None:
                matar_grupo(proceso)
            elif lector.is_alive():
                matar_restos(proceso)
            lector.join(timeout=5)
            with self._candado:
                self._procesos.discard(proceso)
            RESERVA.olvidar(proceso)

    def _vigilar(self, proceso: subprocess.Popen[bytes], lineas: queue.Queue[str | None],
                 lectura: LecturaTanda, salida: Path) -> bool:
        limite = self.tiempo_limite + min(self.tiempo_limite, 30.0)  # el primero incluye el arranque
        reloj = time.monotonic()
        salio: float | None = None  # cuándo terminó el proceso principal
        while not self.cancelado.is_set():
            ahora = time.monotonic()
            espera = reloj + limite - ahora
            if espera <= 0:
                return True
            if salio is None and proceso.poll() is not None:
                salio = ahora
            # Si el proceso ya salió pero un hijo suyo sigue con la salida abierta, no se espera
            # al tiempo límite: se le da un momento para vaciar lo que quede.
            if salio is not None and ahora - salio > _GRACIA_SALIDA:
                break
            try:
                linea = lineas.get(timeout=min(espera, 0.25))
            except queue.Empty:
                continue
            if linea is None:
                break
            decisiones = lectura.leer(linea)
            if decisiones is None:
                log.debug("soffice: %s", linea)
                continue
            self.hubo_salida = True
            self._decidir(decisiones, salida)
            reloj, limite = time.monotonic(), self.tiempo_limite
        if self.cancelado.is_set():
            return False
        try:  # la salida ya terminó: el proceso debe cerrarse enseguida
            proceso.wait(timeout=self.tiempo_limite)
        except subprocess.TimeoutExpired:
            return True
        return False

    def _recoger_completos(self, lectura: LecturaTanda, matado: bool, salida: Path) -> None:
        # El último documento abierto terminó si su PDF está completo (aunque luego hubiera que matar).
        en_curso = lectura.en_curso
        if en_curso is not None and (not matado or error_pdf(salida / en_curso.nombre_pdf) is None):
            self._entregar(en_curso, salida)
        if not matado:  # salió por su cuenta: todo PDF completo es bueno, se haya leído o no su línea
            for doc in lectura.docs:
                if doc.indice not in self.resultados and error_pdf(salida / doc.nombre_pdf) is None:
                    self._entregar(doc, salida)

    def _tras_fallo(self, restantes: list[Doc], vencido: bool, codigo: int | None, lectura: LecturaTanda) -> None:
        """El proceso se colgó o se cayó con documentos sin terminar: a quién se culpa y qué se repite."""
        if self.averia is not None:  # otro proceso ya vio que LibreOffice está mal: no se culpa a nadie
            for doc in restantes:
                self.cerrar_doc(doc, None, self.averia)
            return
        if vencido:
            # Un LibreOffice colgado es LibreOffice mal, no un documento malo: se para todo de una
            # vez (nada de reintentar el documento y esperar otro tiempo límite por él).
            log.info("LibreOffice no avanzó en %g s; se detiene la conversión", self.tiempo_limite)
            self._averiar(mensaje_colgado(self.tiempo_limite), restantes)
            return
        if not lectura.hubo_salida and self._caida_muda(restantes, codigo, lectura):
            return
        # Solo lo que estaba en curso es sospechoso: se reintenta solo (si venía en grupo); lo que
        # ni se empezó vuelve a la cola como una tanda nueva (un arranque, no uno por documento).
        sospechoso, resto = restantes[0], restantes[1:]
        if len(lectura.docs) == 1 or sospechoso.reintento:
            motivo = f"LibreOffice terminó inesperadamente al convertir este documento (código {codigo})."
            self.cerrar_doc(sospechoso, None, motivo)
        else:
            sospechoso.reintento = True
            self.cola.put(Tanda([sospechoso]))
        if resto:
            self.cola.put(Tanda(resto))

    def _averiar(self, mensaje: str, restantes: list[Doc]) -> None:
        """LibreOffice está mal: se anota como causa, se cierran los pendientes y se paran los demás procesos."""
        with self._candado:
            if self.averia is None:
                self.averia = mensaje
            mensaje = self.averia
            otros = list(self._procesos)
        for doc in restantes:
            self.cerrar_doc(doc, None, mensaje)
        for proceso in otros:  # lo que ya convirtieron se entrega; lo demás queda con la avería
            matar_grupo(proceso)

    def _caida_muda(self, restantes: list[Doc], codigo: int | None, lectura: LecturaTanda) -> bool:
        """El proceso murió sin decir nada: ¿fue el asignador o LibreOffice? Devuelve si ya se resolvió."""
        with self._candado:
            # Si nada ha salido aún y había asignador precargado, se culpa a este y no a
            # los documentos: la tanda entera se repite sin él.
            culpar_asignador = self.asignador is not None and not self.hubo_salida
            if culpar_asignador:
                log.warning("LibreOffice terminó sin convertir con el asignador %s precargado; "
                            "se sigue sin él", self.asignador)
                self.asignador = None
        if culpar_asignador:
            self.cola.put(Tanda(restantes))
            return True
        # Si procesos que empezaban por documentos distintos mueren sin decir nada y ninguno
        # ha convertido, el problema es LibreOffice, no los documentos: no se insiste.
        with self._candado:
            self.mudos.add(restantes[0].indice)
            averiado = len(self.mudos) >= 2 and not self.hubo_salida
        if not averiado:
            return False
        detalle = " ".join(lectura.ultimas)[-300:]
        self._averiar(f"LibreOffice no arranca o termina sin convertir (código {codigo}). {detalle}".strip(), restantes)
        return True
