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


# ------------------------------------------------------------------ caracteres que ninguna fuente tiene

SIN_FUENTE = "\U0010fffd"  # uso privado del plano 16: ninguna fuente lo tiene, en ninguna máquina


def _sin_pdfa(ruta: Path) -> None:
    with pikepdf.open(ruta) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") is None, f"{ruta.name} dice PDF/A con un .notdef"


@pytest.mark.parametrize("camino", ["a_pdf", "convertidor", "ficha --pdf", "lote --pdf"])
def test_caracter_sin_fuente_no_se_etiqueta_pdfa(camino: str, libreoffice: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    """LibreOffice dibujaría una caja (.notdef) y aun así diría PDF/A-2b: sale PDF normal, con aviso."""
    import json
    import logging

    from conftest import cli
    from test_lote import fila_base, libro_fichas

    from acuerdo_docs.salida.pdf.glifos import caracteres_sin_fuente

    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    rara = ad.ejemplo_ficha().model_copy(update={"nombre": f"Práctica {SIN_FUENTE} rara"})
    buena = ad.ejemplo_ficha()
    docx_raro = ad.generar_ficha(rara, tmp_path / "rara.docx")
    docx_bueno = ad.generar_ficha(buena, tmp_path / "buena.docx")
    assert caracteres_sin_fuente(docx_raro) == [SIN_FUENTE] and caracteres_sin_fuente(docx_bueno) == []
    aviso = "sus fuentes no tienen (emoji u otros símbolos): se escribe como PDF normal, no PDF/A-2b"
    with caplog.at_level(logging.WARNING):
        if camino == "a_pdf":
            resultado = a_pdf([docx_raro, docx_bueno], tmp_path / "pdf")
            assert resultado.ok, resultado.fallidos
            raro, bueno = tmp_path / "pdf" / "rara.pdf", tmp_path / "pdf" / "buena.pdf"
        elif camino == "convertidor":
            with ad.ConvertidorPdf() as convertidor:
                raro = convertidor.convertir(docx_raro, tmp_path / "rara.pdf")
                bueno = convertidor.convertir(docx_bueno, tmp_path / "buena.pdf")
        elif camino == "ficha --pdf":
            entrada = tmp_path / "rara.json"
            entrada.write_text(json.dumps(rara.model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
            r = cli("ficha", str(entrada), "-o", str(tmp_path / "cli" / "rara.pdf"))
            assert r.returncode == 0 and aviso in r.stderr and "Traceback" not in r.stderr, r.stderr
            raro, bueno = tmp_path / "cli" / "rara.pdf", None
        else:
            filas = [fila_base(0), fila_base(1)]
            filas[0]["nombre"] = f"Práctica {SIN_FUENTE} rara"
            libro = libro_fichas(tmp_path, filas)
            r = cli("lote", str(libro), "-o", str(tmp_path / "lote"), "--pdf", "--silencioso")
            assert r.returncode == 0 and aviso in r.stderr, r.stderr
            pdfs = sorted((tmp_path / "lote").glob("*.pdf"))
            assert len(pdfs) == 2, pdfs
            (raro,) = [p for p in pdfs if "rara" in p.name]
            (otro,) = [p for p in pdfs if "rara" not in p.name]
            with pikepdf.open(otro) as pdf:  # control: la otra fila sigue siendo PDF/A
                assert pdf.open_metadata().get("pdfaid:part") == "2"
            bueno = None
    if camino in ("a_pdf", "convertidor"):
        assert any(aviso in r.getMessage() for r in caplog.records)
    _sin_pdfa(raro)
    if bueno is not None:  # control: lo demás sigue siendo PDF/A
        afirmar_pdfa(bueno, buena.nombre)
