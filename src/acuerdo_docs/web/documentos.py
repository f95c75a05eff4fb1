"""Los documentos de un borrador: los bytes que da la biblioteca para los mismos datos (nunca otros).

Los PDF salen del LibreOffice del servidor (:class:`PdfCaliente`): se arranca con el primer PDF y vive
lo que vive la app, así cada PDF cuesta una conversión en caliente y no un arranque de LibreOffice.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel

from ..documentos.acuerdo import renderizar_acuerdo
from ..documentos.ficha import renderizar_ficha
from ..documentos.infografia import renderizar_infografia
from ..documentos.matriz import generar_matriz_riesgos
from ..errores import ErrorConversion
from ..esquemas.acuerdo import AcuerdoSimbolico
from ..esquemas.ficha import BuenaPractica
from ..paquete.escritor import zip_determinista
from ..rutas import carpeta_temporal
from ..salida.archivos import escribir_atomico
from ..salida.pdf.soffice import buscar_soffice

if TYPE_CHECKING:
    from ..salida.pdf import ConvertidorPdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Documento:
    clave: str
    texto: str  # el nombre del enlace de descarga
    archivo: str  # sin datos personales (Ley 1581): nombres fijos
    tipo_mime: str
    hacer: Callable[[BaseModel], bytes]  # con ``pdf``: el Word que se convierte
    pdf: bool = False  # se convierte a PDF/A con el LibreOffice del servidor

    @property
    def necesita_libreoffice(self) -> bool:
        return self.pdf


def _matriz(acuerdo: BaseModel) -> bytes:
    if not isinstance(acuerdo, AcuerdoSimbolico):  # la matriz solo se ofrece para los acuerdos
        raise TypeError(f"la matriz de riesgos es de un acuerdo, no de {type(acuerdo).__name__}")
    libro = io.BytesIO()
    generar_matriz_riesgos(acuerdo, libro)
    return libro.getvalue()


class PdfCaliente:
    """El LibreOffice del servidor (un :class:`~acuerdo_docs.salida.pdf.ConvertidorPdf`): se abre con el
    primer PDF, no al arrancar (la app funciona sin LibreOffice), y se cierra con la app.

    Seguro entre hilos: los pedidos de PDF simultáneos esperan su turno en el mismo LibreOffice; si
    se cuelga o muere, el convertidor lo mata y el pedido siguiente arranca otro.
    """

    def __init__(self) -> None:
        self._convertidor: ConvertidorPdf | None = None
        self._candado = threading.Lock()
        self._cerrado = False

    def convertir(self, word: bytes) -> bytes:
        """Los bytes de un PDF/A del ``word`` dado; :class:`ErrorConversion` (en español) si no se pudo."""
        with self._candado:
            if self._cerrado:
                raise ErrorConversion("El servidor se está cerrando: vuelva a pedir el PDF en un momento.")
            if self._convertidor is None:
                from ..salida.pdf import ConvertidorPdf

                self._convertidor = ConvertidorPdf(sincronizar=False)  # el PDF va al navegador, no a un archivo
            convertidor = self._convertidor
        with carpeta_temporal("acuerdo_docs_web_") as carpeta:  # la de un proceso muerto se borra
            entrada = escribir_atomico(carpeta / "documento.docx", word, sincronizar=False)
            assert entrada is not None
            return convertidor.convertir(entrada, carpeta / "documento.pdf").read_bytes()

    @property
    def abierto(self) -> bool:
        return self._convertidor is not None

    def cerrar(self) -> None:
        """Mata el LibreOffice (se puede llamar varias veces); lo llama la app al cerrarse."""
        with self._candado:
            self._cerrado = True
            convertidor, self._convertidor = self._convertidor, None
        if convertidor is not None:
            convertidor.cerrar()


def _infografia(formato: str) -> Callable[[BaseModel], bytes]:
    def generar(modelo: BaseModel) -> bytes:
        if not isinstance(modelo, (AcuerdoSimbolico, BuenaPractica)):  # la web solo tiene fichas y acuerdos
            raise TypeError(f"la infografía es de una ficha o un acuerdo, no de {type(modelo).__name__}")
        return renderizar_infografia(modelo, formato)

    return generar


def _comunes(nombre: str, word: Callable[..., bytes]) -> list[Documento]:
    return [
        Documento("word", f"{nombre.capitalize()} en Word (.docx)", f"{nombre}.docx", DOCX, lambda m: word(m)),
        Documento("publica", "Versión pública en Word, sin datos personales (Ley 1581 de 2012)",
                  f"{nombre}_publica.docx", DOCX, lambda m: word(m, publico=True)),
        Documento("pdf", f"{nombre.capitalize()} en PDF/A", f"{nombre}.pdf", "application/pdf",
                  lambda m: word(m), pdf=True),
        Documento("infografia_pdf", "Infografía en PDF", "infografia.pdf", "application/pdf",
                  _infografia("pdf")),
        Documento("infografia_png", "Infografía en imagen PNG", "infografia.png", "image/png",
                  _infografia("png")),
    ]


DOCUMENTOS: dict[str, list[Documento]] = {
    "ficha": _comunes("ficha", renderizar_ficha),
    "acuerdo": [
        *_comunes("acuerdo", renderizar_acuerdo),
        Documento("matriz", "Matriz de riesgos en Excel (.xlsx)", "matriz_riesgos.xlsx", XLSX, _matriz),
    ],
}


def libreoffice_disponible() -> bool:
    try:
        buscar_soffice()
    except ErrorConversion:
        return False
    return True


def documento(tipo: str, clave: str) -> Documento | None:
    return next((d for d in DOCUMENTOS[tipo] if d.clave == clave), None)


def generar(doc: Documento, modelo: BaseModel, pdf: PdfCaliente) -> bytes:
    """Los bytes de ``doc`` para ``modelo`` (los PDF, con el LibreOffice ``pdf`` del servidor)."""
    cuerpo = doc.hacer(modelo)
    return pdf.convertir(cuerpo) if doc.pdf else cuerpo


def todos_zip(tipo: str, modelo: BaseModel, pdf: PdfCaliente) -> bytes:
    """Un .zip reproducible con todos los documentos (el PDF solo si hay LibreOffice)."""
    con_pdf = libreoffice_disponible()
    return zip_determinista(
        (d.archivo, generar(d, modelo, pdf)) for d in DOCUMENTOS[tipo] if con_pdf or not d.pdf
    )
