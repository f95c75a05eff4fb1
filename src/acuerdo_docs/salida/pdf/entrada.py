"""La puerta de entrada: :func:`a_pdf` revisa las entradas, reparte las tandas y espera los hilos."""

from __future__ import annotations

import logging
import math
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from .comprobaciones import revisar_entrada
from .conversion import Conversion
from .glifos import admite_pdfa
from .resultado import Progreso, ResultadoDocumento, ResultadoPdf
from .soffice import asignador_memoria, buscar_soffice
from .tanda import Doc, Tanda

log = logging.getLogger("acuerdo_docs.pdf")

TIEMPO_LIMITE = 120.0
"""Segundos que puede tardar un documento antes de darlo por bloqueado."""

MAXIMO_POR_PROCESO = 200
"""Documentos por arranque de LibreOffice como máximo.

El lanzador ``soffice`` de LibreOffice 7.4 deja de leer argumentos pasados unos 250 (medido: de
300 archivos convierte 243 y termina sin error), así que las tandas más grandes se parten.
"""


def _repartir(docs: list[Doc], tandas: int) -> list[list[Doc]]:
    """Reparte para que las tandas tarden parecido: el mayor primero a la tanda más liviana."""
    def peso(doc: Doc) -> float:
        try:
            return 1.0 + doc.entrada.stat().st_size / 65536  # costo fijo por documento + tamaño
        except OSError:
            return 1.0

    grupos: list[list[Doc]] = [[] for _ in range(tandas)]
    cargas = [0.0] * tandas
    for doc in sorted(docs, key=peso, reverse=True):
        i = min(range(tandas), key=lambda k: (cargas[k], len(grupos[k])))
        grupos[i].append(doc)
        cargas[i] += peso(doc)
    return [sorted(g, key=lambda d: d.indice) for g in grupos if g]


def _como_lista(entrada: Path | str | Sequence[Path | str]) -> list[Path]:
    if isinstance(entrada, (str, os.PathLike)):
        return [Path(entrada)]
    return [Path(e) for e in entrada]


def _preparar(rutas: list[Path], carpeta: Path | str | None) -> tuple[list[Doc], dict[int, ResultadoDocumento]]:
    """Los documentos que se pueden enviar y, aparte, los que ya fallan sin LibreOffice."""
    destino_comun = Path(os.path.abspath(carpeta)) if carpeta is not None else None
    previos: dict[int, ResultadoDocumento] = {}
    docs: list[Doc] = []
    destinos: set[Path] = set()
    for indice, ruta in enumerate(rutas):
        absoluta = Path(os.path.abspath(ruta))  # normalizada: dos grafías del mismo destino chocan
        destino = (destino_comun or absoluta.parent) / f"{absoluta.stem}.pdf"
        error = revisar_entrada(absoluta)
        if error is None and destino == absoluta:
            error = "El documento ya es un PDF."
        if error is None and destino in destinos:
            error = "Otro documento de la lista produce el mismo PDF de salida; use nombres distintos."
        if error is not None:
            previos[indice] = ResultadoDocumento(ruta, None, error)
            continue
        destinos.add(destino)
        docs.append(Doc(indice, ruta, absoluta, destino, f"d{indice:06d}{absoluta.suffix.lower()}"))
    return docs, previos


def _esperar(conversion: Conversion, docs: list[Doc], trabajadores: int) -> None:
    """Reparte las tandas entre hilos (uno por proceso de LibreOffice) y espera a que terminen."""
    # Tandas en múltiplos de los trabajadores para que todos terminen a la vez.
    tandas = max(trabajadores, math.ceil(len(docs) / MAXIMO_POR_PROCESO))
    tandas = min(len(docs), math.ceil(tandas / trabajadores) * trabajadores)
    for grupo in _repartir(docs, tandas):
        conversion.cola.put(Tanda(grupo))
    asignador = conversion.asignador
    log.info("PDF: %d documento(s) en %d tanda(s), hasta %d proceso(s) de LibreOffice a la vez%s",
             len(docs), tandas, min(trabajadores, tandas), f" (con {asignador})" if asignador else "")
    hilos = [threading.Thread(target=conversion.trabajar, name=f"acuerdo_docs.pdf-{i}", daemon=True)
             for i in range(min(trabajadores, tandas))]
    for hilo in hilos:
        hilo.start()
    try:
        while not conversion.terminado.wait(0.2):
            pass
    except BaseException:
        conversion.cancelar()
        raise
    finally:
        for _ in hilos:
            conversion.cola.put(None)
        for hilo in hilos:
            hilo.join(timeout=15 if conversion.cancelado.is_set() else None)
    if conversion.excepcion is not None:
        raise conversion.excepcion


def a_pdf(
    entrada: Path | str | Sequence[Path | str],
    carpeta: Path | str | None = None,
    *,
    trabajadores: int | None = None,
    tiempo_limite: float = TIEMPO_LIMITE,
    progreso: Progreso | None = None,
    pdfa: bool = True,
) -> ResultadoPdf:
    """Convierte a PDF uno o varios documentos (.docx, .xlsx u otro formato que abra LibreOffice).

    - ``carpeta``: dónde dejar los PDF (se crea si falta); por omisión, junto a cada documento.
      El PDF se llama como el documento con extensión .pdf y reemplaza al que hubiera.
    - ``trabajadores``: procesos de LibreOffice a la vez (por omisión, uno por núcleo). Cada uno
      convierte una tanda entera: un lote arranca LibreOffice ``trabajadores`` veces, no una por
      documento.
    - ``tiempo_limite``: segundos que puede tardar cada documento; si LibreOffice no avanza en ese
      tiempo se da por colgado: se detiene la conversión entera, lo ya convertido se entrega y
      ``resultado.averia`` dice la causa (nunca se culpa a un documento ni se reintenta).
    - ``pdfa``: PDF/A-2b etiquetado (archivo y accesibilidad: PDF/UA, ``/Lang``, fuentes
      incrustadas), lo que piden el archivo y la publicación; ``False`` da el PDF normal.
    - ``progreso``: se llama al terminar cada documento con ``(entrada, pdf, error)``; desde hilos
      de trabajo, pero nunca dos veces a la vez.

    Devuelve un :class:`ResultadoPdf` con el PDF o el error (en español) de cada entrada, en orden;
    ``resultado.exigir()`` lanza :class:`ErrorConversion` si alguno falló. Lanza
    :class:`ErrorConversion` si LibreOffice no está instalado.

    Ejemplo: [PDF: uso como biblioteca](../pdf.md#uso-como-biblioteca).
    """
    inicio = time.monotonic()
    rutas = _como_lista(entrada)
    if trabajadores is None:
        trabajadores = os.cpu_count() or 1
    if trabajadores < 1:
        raise ValueError("trabajadores debe ser 1 o más")
    if not tiempo_limite > 0:
        raise ValueError("tiempo_limite debe ser mayor que 0")
    if not rutas:
        return ResultadoPdf((), 0, 0.0)
    soffice = buscar_soffice()
    docs, previos = _preparar(rutas, carpeta)
    # Un documento con caracteres que ninguna fuente tiene no cabe en PDF/A: va aparte, como PDF normal.
    normales = [d for d in docs if pdfa and not admite_pdfa(d.entrada)]
    docs = [d for d in docs if d not in normales]
    conversion = Conversion(soffice, docs, tiempo_limite, progreso, asignador_memoria(), pdfa=pdfa)
    for previo in previos.values():
        log.warning("No se convirtió %s: %s", previo.entrada, previo.error)
        if progreso is not None:
            progreso(previo.entrada, None, previo.error)
    if docs:
        _esperar(conversion, docs, trabajadores)
    aparte: dict[int, ResultadoDocumento] = {}
    arranques, averia = conversion.arranques, conversion.averia
    if normales and averia is None:
        sin_pdfa = Conversion(soffice, normales, tiempo_limite, progreso, asignador_memoria(), pdfa=False)
        _esperar(sin_pdfa, normales, min(trabajadores, len(normales)))
        aparte, arranques, averia = sin_pdfa.resultados, arranques + sin_pdfa.arranques, sin_pdfa.averia
    resultados = {**conversion.resultados, **aparte, **previos}
    cancelado = "La conversión se canceló."
    documentos = tuple(resultados.get(i) or ResultadoDocumento(rutas[i], None, cancelado) for i in range(len(rutas)))
    return ResultadoPdf(documentos, arranques, time.monotonic() - inicio, averia)
