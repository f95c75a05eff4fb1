"""--pdf y --combinado de un lote: LibreOffice en flujo y el documento combinado."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..documentos.informe import InformeLote
from ..errores import ErrorEntrada
from ..lectores.hoja_calculo import ErrorCelda
from .comun import NOMBRE_COMBINADO


def verificar_pdf(tiempo_limite: float | None, pdfa: bool) -> Callable[..., Any]:
    try:
        from ..salida.pdf import a_pdf, asignador_memoria, buscar_soffice
    except ImportError:
        raise ErrorEntrada("La conversión a PDF (--pdf) no está disponible en esta instalación.") from None
    buscar_soffice()  # sin LibreOffice falla antes de escribir nada (ErrorConversion)
    asignador_memoria()  # igual con ACUERDO_DOCS_ASIGNADOR mal puesta
    opciones: dict[str, Any] = {"pdfa": pdfa}
    if tiempo_limite is not None:
        opciones["tiempo_limite"] = tiempo_limite
    return functools.partial(a_pdf, **opciones)


def abrir_flujo(tiempo_limite: float | None, pdfa: bool) -> Any:
    """LibreOffice vivo desde ya: cada .docx se convierte en cuanto se escribe (salida/pdf/flujo.py)."""
    from ..salida.pdf.flujo import FlujoPdf

    if tiempo_limite is None:
        return FlujoPdf(pdfa=pdfa)
    return FlujoPdf(pdfa=pdfa, tiempo_limite=tiempo_limite)


def escribir_combinado(informe: InformeLote, paginas: dict[str, int | None]) -> None:
    """``lote_combinado.docx``: lee de vuelta cada .docx escrito, en el orden de la entrada."""
    from ..documentos.combinado import Combinador  # python-docx solo con --combinado (~20 ms de arranque)

    with Combinador() as combinador:
        for fila in informe.filas:
            docx = [a for a in fila.archivos if a.endswith(".docx")]
            if fila.correcta and docx:
                combinador.agregar(informe.carpeta / docx[0], paginas.get(docx[0]))
        if combinador.cantidad == 0:
            informe.avisos.append("No se escribió el documento combinado: ninguna fila generó documento.")
            return
        informe.combinado = combinador.guardar(informe.carpeta / NOMBRE_COMBINADO)


def recoger_pdf(informe: InformeLote, flujo: Any, *, paginas: bool = True) -> dict[str, int | None]:
    """Los PDF del flujo, en el orden de las filas (cada uno se encargó al escribirse su .docx).

    Con ``paginas``, devuelve las páginas de cada .docx convertido (las usa el combinado en
    «Página X de Y»); sin combinado no hace falta leer cada PDF.
    """
    cuenta: dict[str, int | None] = {}
    for fila in informe.filas:
        if not fila.correcta:
            continue
        for nombre in [a for a in fila.archivos if a.endswith(".docx")]:
            doc = flujo.resultado(informe.carpeta / nombre)
            if doc.pdf is not None:
                informe.pdf.append(doc.pdf)
                fila.archivos.append(doc.pdf.name)
                if paginas:
                    from ..documentos.combinado import paginas_pdf

                    cuenta[nombre] = paginas_pdf(doc.pdf)
            else:
                fila.estado = "fallo al generar"
                fila.errores.append(
                    ErrorCelda(fila.hoja, fila.fila, "", "", "", f"no se pudo convertir a PDF: {doc.error}")
                )
    if flujo.averia is not None:  # LibreOffice mismo falló: la causa va una vez, no como culpa de cada fila
        informe.averia_pdf = flujo.averia
        informe.avisos.append(f"Conversión a PDF detenida: {flujo.averia}")
    return cuenta


def convertir_combinado(informe: InformeLote, convertir: Callable[[Path], Any]) -> None:
    assert informe.combinado is not None
    doc = convertir(informe.combinado)
    if doc.pdf is not None:
        informe.pdf.append(doc.pdf)
    else:
        informe.avisos.append(f"No se pudo convertir a PDF el documento combinado: {doc.error}")
