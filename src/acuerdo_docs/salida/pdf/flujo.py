"""PDF en flujo para un lote: cada documento va a un LibreOffice vivo en cuanto se escribe.

Así la conversión se solapa con la generación y el lote tarda lo que tarda ``a_pdf`` solo.
Si LibreOffice se cae a mitad, el :class:`~.convertidor.ConvertidorPdf` lo reinicia y repite el
documento (nada se pierde); si se cuelga, es una avería: se detiene la conversión, lo ya
convertido queda y los demás documentos llevan la causa (ninguno se culpa).
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .convertidor import CANCELADA, ConvertidorPdf, ErrorPdf
from .entrada import TIEMPO_LIMITE
from .resultado import ResultadoDocumento


class FlujoPdf:
    """Conversiones en segundo plano, una por documento enviado, con ``trabajadores`` LibreOffice vivos.

    Los PDF se escriben sin ``fsync`` uno a uno: quien lo usa sincroniza la carpeta al final.
    """

    def __init__(self, *, pdfa: bool = True, tiempo_limite: float = TIEMPO_LIMITE,
                 trabajadores: int | None = None) -> None:
        n = trabajadores or os.cpu_count() or 1
        self.convertidor = ConvertidorPdf(trabajadores=n, pdfa=pdfa, tiempo_limite=tiempo_limite, sincronizar=False)
        self.convertidor._parar_en_averia = True  # una avería detiene el lote: nadie rearranca LibreOffice
        self.convertidor.abrir()  # LibreOffice arranca mientras se lee el libro y se genera el primero
        self.averia: str | None = None
        # Dos hilos por LibreOffice: mientras uno espera su PDF, el otro ya preparó el siguiente
        # documento y lo entrega en cuanto LibreOffice responde (sin esperar a mover el anterior).
        self._hilos = ThreadPoolExecutor(2 * n, thread_name_prefix="acuerdo_docs.pdf-flujo")
        self._futuros: dict[Path, Future[ResultadoDocumento]] = {}
        self._candado = threading.Lock()

    def enviar(self, documento: Path) -> None:
        """Encarga la conversión de ``documento`` (ya escrito); se puede llamar desde cualquier hilo."""
        with self._candado:
            self._futuros[documento] = self._hilos.submit(self._convertir, documento)

    def _convertir(self, documento: Path) -> ResultadoDocumento:
        if self.averia is not None:  # LibreOffice ya falló: no se insiste con cada documento
            return ResultadoDocumento(documento, None, self.averia)
        try:
            return ResultadoDocumento(documento, self.convertidor.convertir(documento))
        except ErrorPdf as exc:
            if exc.averia:
                with self._candado:
                    self.averia = self.averia or exc.motivo
                return ResultadoDocumento(documento, None, self.averia)
            return ResultadoDocumento(documento, None, exc.motivo)

    def resultado(self, documento: Path) -> ResultadoDocumento:
        """Espera y devuelve el resultado de un documento enviado (o uno que no se envió)."""
        with self._candado:
            futuro = self._futuros.get(documento)
        if futuro is None:
            return ResultadoDocumento(documento, None, "No se llegó a convertir.")
        return futuro.result()

    def convertir_ahora(self, documento: Path) -> ResultadoDocumento:
        """Convierte un documento más y espera (p. ej. el combinado, al final)."""
        if self.averia is not None:
            return ResultadoDocumento(documento, None, self.averia)
        return self._convertir(documento)

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
