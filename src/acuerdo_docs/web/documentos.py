"""Los documentos de un borrador: los bytes que da la biblioteca para los mismos datos (nunca otros)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

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
from ..salida.pdf import a_pdf
from ..salida.pdf.soffice import buscar_soffice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Documento:
    clave: str
    texto: str  # el nombre del enlace de descarga
    archivo: str  # sin datos personales (Ley 1581): nombres fijos
    tipo_mime: str
    hacer: Callable[[BaseModel], bytes]
    necesita_libreoffice: bool = False


def _matriz(acuerdo: BaseModel) -> bytes:
    if not isinstance(acuerdo, AcuerdoSimbolico):  # la matriz solo se ofrece para los acuerdos
        raise TypeError(f"la matriz de riesgos es de un acuerdo, no de {type(acuerdo).__name__}")
    libro = io.BytesIO()
    generar_matriz_riesgos(acuerdo, libro)
    return libro.getvalue()


def _pdf(word: Callable[[BaseModel], bytes]) -> Callable[[BaseModel], bytes]:
    def convertir(modelo: BaseModel) -> bytes:
        with carpeta_temporal("acuerdo_docs_web_") as carpeta:  # la de un proceso muerto se borra
            entrada = escribir_atomico(carpeta / "documento.docx", word(modelo), sincronizar=False)
            assert entrada is not None
            a_pdf(entrada, carpeta).exigir()
            return (carpeta / "documento.pdf").read_bytes()

    return convertir


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
                  _pdf(lambda m: word(m)), necesita_libreoffice=True),
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


def todos_zip(tipo: str, modelo: BaseModel) -> bytes:
    """Un .zip reproducible con todos los documentos (el PDF solo si hay LibreOffice)."""
    con_pdf = libreoffice_disponible()
    return zip_determinista(
        (d.archivo, d.hacer(modelo)) for d in DOCUMENTOS[tipo] if con_pdf or not d.necesita_libreoffice
    )
