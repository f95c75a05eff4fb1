"""PDF en flujo para un lote: los documentos van a un LibreOffice vivo en cuanto se escriben.

Así la conversión se solapa con la generación y el lote tarda lo que tarda ``a_pdf`` solo.
Cada orden a LibreOffice lleva los documentos que esperan turno (hasta :data:`GRUPO_MAXIMO`),
como las tandas de ``a_pdf``: LibreOffice pasa de uno al siguiente sin esperar a Python.
Si LibreOffice se cae a mitad, el :class:`~.convertidor.ConvertidorPdf` lo reinicia y repite lo
que faltaba (nada se pierde); si se cuelga, es una avería: se detiene la conversión, lo ya
convertido queda y los demás documentos llevan la causa (ninguno se culpa).
"""

from __future__ import annotations

import math
import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .convertidor import CANCELADA, ConvertidorPdf, ErrorPdf
from .entrada import TIEMPO_LIMITE
from .resultado import ResultadoDocumento

GRUPO_MAXIMO = 8
"""Documentos por orden a un LibreOffice como máximo. Más grandes, al final del lote un LibreOffice
se queda solo con un grupo largo mientras el otro ya no tiene nada; los grupos se achican cuando
quedan pocos documentos en espera (ver :meth:`FlujoPdf._tomar`)."""


class FlujoPdf:
    """Conversiones en segundo plano de los documentos enviados, con ``trabajadores`` LibreOffice vivos.

    Los PDF se escriben sin ``fsync`` uno a uno: quien lo usa sincroniza la carpeta al final.
    """

    def __init__(self, *, pdfa: bool = True, tiempo_limite: float = TIEMPO_LIMITE,
                 trabajadores: int | None = None) -> None:
        n = trabajadores or os.cpu_count() or 1
        self.convertidor = ConvertidorPdf(trabajadores=n, pdfa=pdfa, tiempo_limite=tiempo_limite, sincronizar=False)
        self.convertidor._parar_en_averia = True  # una avería detiene el lote: nadie rearranca LibreOffice
        self.convertidor.abrir()  # LibreOffice arranca mientras se lee el libro y se genera el primero
        self.averia: str | None = None
        # Dos hilos por LibreOffice: mientras uno espera sus PDF, el otro ya preparó el grupo
        # siguiente y lo entrega en cuanto LibreOffice responde (sin esperar a mover los anteriores).
        self._n_hilos = 2 * n
        self._hilos = ThreadPoolExecutor(self._n_hilos, thread_name_prefix="acuerdo_docs.pdf-flujo")
        self._futuros: dict[Path, Future[ResultadoDocumento]] = {}
        self._espera: deque[Path] = deque()  # enviados que ningún hilo tomó aún
        self._candado = threading.Lock()

    def enviar(self, documento: Path) -> None:
        """Encarga la conversión de ``documento`` (ya escrito); se puede llamar desde cualquier hilo."""
        with self._candado:
            self._futuros[documento] = Future()
            self._espera.append(documento)
        self._hilos.submit(self._atender)

    def _tomar(self) -> list[Path]:
        """Un grupo de los que esperan: la mitad de su parte pareja entre los hilos, hasta
        :data:`GRUPO_MAXIMO` (al final, de uno en uno: los LibreOffice terminan casi a la vez)."""
        with self._candado:
            cuantos = min(GRUPO_MAXIMO, math.ceil(len(self._espera) / (2 * self._n_hilos)), len(self._espera))
            return [self._espera.popleft() for _ in range(cuantos)]

    def _atender(self) -> None:
        grupo = self._tomar()  # vacío si otro hilo ya se llevó este documento en su grupo
        try:
            for documento, resultado in zip(grupo, self._convertir(grupo)):
                self._futuros[documento].set_result(resultado)
        except BaseException as exc:  # un error nuestro: lo ve quien espera el resultado
            for documento in grupo:
                if not self._futuros[documento].done():
                    self._futuros[documento].set_exception(exc)

    def _convertir(self, grupo: list[Path]) -> list[ResultadoDocumento]:
        if self.averia is not None:  # LibreOffice ya falló: no se insiste con cada documento
            return [ResultadoDocumento(documento, None, self.averia) for documento in grupo]
        resultados: list[ResultadoDocumento] = []
        for documento, hecho in zip(grupo, self.convertidor._convertir_grupo(grupo)):
            if not isinstance(hecho, ErrorPdf):
                resultados.append(ResultadoDocumento(documento, hecho))
                continue
            if hecho.averia:
                with self._candado:
                    self.averia = self.averia or hecho.motivo
                resultados.append(ResultadoDocumento(documento, None, self.averia))
            else:
                resultados.append(ResultadoDocumento(documento, None, hecho.motivo))
        return resultados

    def resultado(self, documento: Path) -> ResultadoDocumento:
        """Espera y devuelve el resultado de un documento enviado (o uno que no se envió)."""
        with self._candado:
            futuro = self._futuros.get(documento)
        if futuro is None:
            return ResultadoDocumento(documento, None, "No se llegó a convertir.")
        return futuro.result()

    def convertir_ahora(self, documento: Path) -> ResultadoDocumento:
        """Convierte un documento más y espera (p. ej. el combinado, al final)."""
        return self._convertir([documento])[0]

    def cerrar(self) -> None:
        """Cierra los LibreOffice; lo que quedara pendiente (una interrupción) se cancela sin rearrancar."""
        with self._candado:
            pendientes = any(not f.done() for f in self._futuros.values())
            if pendientes:
                self.averia = self.averia or CANCELADA
        if pendientes:
            self.convertidor.cancelar()  # desbloquea las conversiones en curso y no deja reabrir
        self._hilos.shutdown(wait=True, cancel_futures=True)
        self.convertidor.cerrar()
        with self._candado:  # lo que ningún hilo llegó a tomar
            for documento, futuro in self._futuros.items():
                if not futuro.done():
                    futuro.set_result(ResultadoDocumento(documento, None, self.averia or CANCELADA))
