"""PDF/A-2b etiquetado en cada tipo de documento que el proyecto convierte a PDF.

Lo que se afirma es lo que mira un validador (y un lector de pantalla): XMP ``pdfaid`` parte 2
y conformidad B, árbol de etiquetas (/StructTreeRoot, /MarkInfo /Marked), idioma /Lang es-CO,
todas las fuentes incrustadas y el título real. Si ``verapdf`` está en el PATH, también valida.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

import acuerdo_docs as ad
from acuerdo_docs.documentos.catalogo import generar_catalogo
from acuerdo_docs.documentos.combinado import Combinador
from acuerdo_docs.salida.pdf import VARIABLE_SOFFICE, a_pdf

pytestmark = pytest.mark.libreoffice


def _fuentes(pdf: pikepdf.Pdf) -> dict[str, bool]:
    """Cada fuente usada en las páginas (y sus XObject) → si está incrustada."""
    vistas: dict[str, bool] = {}

    def recorrer(recursos: pikepdf.Dictionary | None) -> None:
        if recursos is None:
            return
        for fuente in (recursos.get("/Font") or {}).values():
            descriptor = fuente.get("/FontDescriptor")
            if fuente.get("/Subtype") == "/Type0":
                descriptor = fuente["/DescendantFonts"][0].get("/FontDescriptor")
            incrustada = descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                                   "/FontFile3"))
            vistas[str(fuente.get("/BaseFont"))] = incrustada
        for objeto in (recursos.get("/XObject") or {}).values():
            if objeto.get("/Subtype") == "/Form":
                recorrer(objeto.get("/Resources"))

    for pagina in pdf.pages:
        recorrer(pagina.obj.get("/Resources"))
    return vistas


def afirmar_pdfa(ruta: Path, titulo: str) -> None:
    with pikepdf.open(ruta) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "2", ruta.name
        assert meta.get("pdfaid:conformance") == "B", ruta.name
        assert "/StructTreeRoot" in pdf.Root, ruta.name
        assert bool(pdf.Root.MarkInfo.Marked) is True, ruta.name
        assert str(pdf.Root.Lang) == "es-CO", ruta.name
        fuentes = _fuentes(pdf)
        assert fuentes and all(fuentes.values()), (ruta.name, fuentes)
        assert str(pdf.docinfo.get("/Title")) == titulo, ruta.name
        assert meta.get("dc:title") == titulo, ruta.name
    verapdf = shutil.which("verapdf")
    if verapdf:  # el validador de referencia, donde haya Java (ver docs/pdf.md)
        informe = subprocess.run([verapdf, "--flavour", "2b", str(ruta)], capture_output=True, text=True,
                                 timeout=300)
        assert 'isCompliant="true"' in informe.stdout, informe.stdout[-2000:]


def test_cada_tipo_de_documento_es_pdfa(libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    practica, acuerdo = ad.ejemplo_ficha(), ad.ejemplo_acuerdo()
    fichas = tmp_path / "fichas"
    ficha = ad.generar_ficha(practica, fichas / "ficha.docx")
    publica = ad.generar_ficha(practica, fichas / "ficha_publica.docx", publico=True)
    acuerdo_docx = ad.generar_acuerdo(acuerdo, tmp_path / "acuerdo.docx")
    matriz = ad.generar_matriz_riesgos(acuerdo, tmp_path / "matriz.xlsx")
    catalogo = generar_catalogo(fichas, tmp_path / "catalogo.xlsx").ruta
    with Combinador() as combinador:
        combinador.agregar(ficha)
        combinador.agregar(acuerdo_docx)
        combinado = combinador.guardar(tmp_path / "lote_combinado.docx")
    entradas = [ficha, publica, acuerdo_docx, matriz, catalogo, combinado]
    resultado = a_pdf(entradas, tmp_path / "pdf", trabajadores=2)
    assert resultado.ok, resultado.fallidos

    esperados = {
        "ficha": practica.nombre,
        "ficha_publica": practica.nombre,  # el nombre de la práctica no es un dato personal
        "acuerdo": acuerdo.desafio.nombre,
        "matriz": "Matriz de riesgos",
        "catalogo": "Catálogo de buenas prácticas de gestión pública",
        "lote_combinado": practica.nombre,  # el del primer documento
    }
    for nombre, titulo in esperados.items():
        afirmar_pdfa(tmp_path / "pdf" / f"{nombre}.pdf", titulo)


def test_pdf_simple_no_es_pdfa(libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    ficha = ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "ficha.docx")
    (resultado,) = a_pdf(ficha, pdfa=False)
    assert resultado.ok, resultado.error
    with pikepdf.open(resultado.pdf) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") is None
        assert "/StructTreeRoot" not in pdf.Root
