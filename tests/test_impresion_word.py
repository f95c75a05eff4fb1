"""Los documentos Word como se imprimen (issue 26.3): se leen los PDF de LibreOffice con pdfplumber.

Aire entre la tabla del encabezado y el cuerpo en cada página, anexo con imagen junto a su
título, líneas de firma a la misma altura en cada fila, ningún título solo al pie de página.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import convertir_con_libreoffice
from test_acuerdo import acuerdo_con_muchos_actores
from test_ficha import png_minimo

from acuerdo_docs.documentos.acuerdo import generar_acuerdo
from acuerdo_docs.documentos.ficha import ejemplo_ficha, generar_ficha
from acuerdo_docs.ejemplos import generar_ejemplos

AIRE_MINIMO = 6.0
"""Puntos, como mínimo, entre la línea inferior de la tabla del encabezado y la primera línea del cuerpo."""
TITULO_SECCION = re.compile(r"^\d+\. [A-ZÁÉÍÓÚÑ ,]+$")


def _ficha_con_imagenes(carpeta: Path) -> dict[str, Any]:
    """La ficha de ejemplo con tres anexos de imagen de 15 x 11 cm: alguno cae al pie de una página."""
    datos = ejemplo_ficha().model_dump(mode="json")
    imagen = carpeta / "foto.png"
    imagen.write_bytes(png_minimo(40, 30))
    datos["anexos"] = [
        {"nombre": f"Registro fotográfico {n}", "descripcion": f"Descripción de la foto número {n} del taller.",
         "archivo": str(imagen)}
        for n in range(1, 4)
    ]
    return datos


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Un solo arranque de LibreOffice: ficha con imágenes, ejemplos, informe y un acuerdo de firmas dispares."""
    carpeta = tmp_path_factory.mktemp("impresion_word")
    ejemplos = carpeta / "ejemplos"
    generar_ejemplos(ejemplos)
    dispares = acuerdo_con_muchos_actores(0)
    dispares["actores"][0]["entidad"] = "Entidad firmante 01 con un nombre muy largo que ocupa dos y tres líneas"
    dispares["actores"][2]["cargo"] = "Cargo firmante 03, profesional especializado del grupo de innovación"
    entradas = {
        "ficha_imagenes": generar_ficha(_ficha_con_imagenes(carpeta), carpeta / "ficha_imagenes.docx"),
        "ficha": ejemplos / "ficha_acuerdo_simbolico.docx",
        "acuerdo": ejemplos / "acuerdo_simbolico.docx",
        "informe": ejemplos / "seguimiento" / "corte_2024-02-01" / "informe_seguimiento.docx",
        "firmas": generar_acuerdo(dispares, carpeta / "firmas.docx"),
    }
    entradas.update(_informes_desplazados(carpeta))
    copias = []
    for nombre, ruta in entradas.items():
        copia = carpeta / f"{nombre}.docx"
        if ruta != copia:
            copia.write_bytes(Path(ruta).read_bytes())
        copias.append(copia)
    convertir_con_libreoffice(copias, "pdf", carpeta / "pdf")
    return {nombre: carpeta / "pdf" / f"{nombre}.pdf" for nombre in entradas}


def _lineas(pagina: Any) -> list[tuple[float, str]]:
    """(arriba, texto) de cada línea de la página, de arriba abajo."""
    filas: dict[int, list[dict[str, Any]]] = {}
    for palabra in pagina.extract_words(keep_blank_chars=False):
        filas.setdefault(round(palabra["top"]), []).append(palabra)
    return [(arriba, " ".join(p["text"] for p in sorted(ps, key=lambda p: p["x0"])))
            for arriba, ps in sorted(filas.items())]


def _fondo_encabezado(pagina: Any) -> float:
    """Línea inferior de la tabla del encabezado: el borde horizontal más bajo bajo la fila «FORMATO»."""
    formato = next(p for p in pagina.extract_words() if p["text"] == "FORMATO")
    bordes = [b["bottom"] for b in pagina.edges
              if b["orientation"] == "h" and formato["top"] < b["top"] < formato["bottom"] + 20]
    return max(bordes)


@pytest.mark.libreoffice
@pytest.mark.parametrize("nombre", ["ficha", "ficha_imagenes", "acuerdo", "informe", "firmas"])
def test_pdf_aire_entre_encabezado_y_primer_texto(pdfs: dict[str, Path], nombre: str) -> None:
    import pdfplumber

    with pdfplumber.open(pdfs[nombre]) as pdf:
        for n, pagina in enumerate(pdf.pages, start=1):
            fondo = _fondo_encabezado(pagina)
            # Las palabras de la tabla del encabezado quedan por encima de su borde inferior.
            cuerpo = [p for p in pagina.extract_words() if p["bottom"] > fondo + 1]
            primera = min(p["top"] for p in cuerpo)
            assert primera - fondo >= AIRE_MINIMO, (nombre, n, round(primera - fondo, 1))


@pytest.mark.libreoffice
def test_pdf_anexo_con_su_imagen_en_la_misma_pagina(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    paginas_titulo: dict[int, int] = {}
    paginas_imagen: list[int] = []
    with pdfplumber.open(pdfs["ficha_imagenes"]) as pdf:
        for n, pagina in enumerate(pdf.pages, start=1):
            texto = pagina.extract_text()
            for k in range(1, 4):
                if f"Registro fotográfico {k}" in texto:
                    assert f"foto número {k} del taller" in texto  # la descripción va con el título
                    paginas_titulo[k] = n
            paginas_imagen += [n] * len(pagina.images)
    assert len(paginas_imagen) == 3
    # Cada imagen en la página de su título (las tres no caben en una: alguna tuvo que moverse).
    assert [paginas_titulo[k] for k in range(1, 4)] == paginas_imagen
    assert len(set(paginas_imagen)) > 1


@pytest.mark.libreoffice
def test_pdf_lineas_de_firma_alineadas_en_cada_fila(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    with pdfplumber.open(pdfs["firmas"]) as pdf:
        filas = 0
        for pagina in pdf.pages:
            firmas = [p for p in pagina.extract_words() if p["text"] == "simbólica" and p["x0"] > 0]
            firmas = [p for p in firmas if "Firma" in pagina.crop((0, p["top"] - 1, pagina.width,
                                                                    p["bottom"] + 1)).extract_text()]
            izquierda = sorted(p["top"] for p in firmas if p["x0"] < pagina.width / 2)
            derecha = sorted(p["top"] for p in firmas if p["x0"] >= pagina.width / 2)
            for i, arriba in enumerate(derecha):
                assert abs(izquierda[i] - arriba) < 0.5, (izquierda, derecha)
                filas += 1
    assert filas == 4  # nueve actores: cuatro filas con dos bloques (y una con uno)


@pytest.mark.libreoffice
@pytest.mark.parametrize("nombre", ["ficha", "ficha_imagenes", "acuerdo", "informe", "firmas"])
def test_pdf_ningun_titulo_al_pie_de_pagina(pdfs: dict[str, Path], nombre: str) -> None:
    import pdfplumber

    subtitulos = ("Riesgos cuya zona residual cambió:", "Riesgos nuevos:",
                  "Riesgos que ya no están en la matriz (cerrados):")
    with pdfplumber.open(pdfs[nombre]) as pdf:
        for n, pagina in enumerate(pdf.pages[:-1], start=1):
            ultima = [t for _, t in _lineas(pagina) if not t.startswith("1 Metodología")][-1]
            assert not TITULO_SECCION.match(ultima) and ultima not in subtitulos, (nombre, n, ultima)


def _informes_desplazados(carpeta: Path) -> dict[str, Path]:
    """El informe de ejemplo con riesgos nuevos y cerrados; más hitos completados corren la sección 6 por la
    página hasta que algún caso la pone al pie (donde sus subtítulos quedaban separados de su título)."""
    from acuerdo_docs.documentos.seguimiento import PLANTILLA_SEGUIMIENTO, contexto_seguimiento
    from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico
    from acuerdo_docs.rutas import plantilla
    from acuerdo_docs.salida.motor_docx import renderizar

    corte = carpeta / "ejemplos" / "seguimiento" / "corte_2024-02-01" / "acuerdo.json"
    contexto = contexto_seguimiento(AcuerdoSimbolico.model_validate(json.loads(corte.read_text(encoding="utf-8"))))
    riesgo = {"id": "R9", "descripcion": "Riesgo de prueba que sale de la matriz", "antes": "Alto",
              "ahora": "Alto", "fondo_antes": "FFC000", "fondo_ahora": "FFC000"}
    contexto["riesgos"]["nuevos"] = [riesgo]
    contexto["riesgos"]["cerrados"] = [riesgo, riesgo]
    rutas = {}
    for extra in range(0, 24, 2):
        propio = dict(contexto, completados=contexto["completados"] * (1 + extra))
        ruta = carpeta / f"informe_{extra:02d}.docx"
        ruta.write_bytes(renderizar(plantilla(PLANTILLA_SEGUIMIENTO), propio))
        rutas[f"informe_{extra:02d}"] = ruta
    return rutas


@pytest.mark.libreoffice
def test_pdf_seccion_de_riesgos_del_informe_no_se_separa(pdfs: dict[str, Path]) -> None:
    import pdfplumber

    casos = [n for n in pdfs if n.startswith("informe_")]
    paginas_de_la_seccion = set()
    for nombre in casos:
        with pdfplumber.open(pdfs[nombre]) as pdf:
            textos = [p.extract_text() for p in pdf.pages]
        pagina = next(i for i, t in enumerate(textos) if "6. RIESGOS" in t)
        for subtitulo in ("Riesgos cuya zona residual cambió:", "Riesgos nuevos:",
                          "Riesgos que ya no están en la matriz (cerrados):"):
            assert subtitulo in textos[pagina], (nombre, subtitulo)
        paginas_de_la_seccion.add(pagina)
    assert len(paginas_de_la_seccion) > 1  # la sección sí cruzó un salto de página en algún caso


def test_acuerdo_sin_fila_que_repite_el_subtitulo() -> None:
    import docx

    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo, renderizar_acuerdo

    doc = docx.Document(io.BytesIO(renderizar_acuerdo(ejemplo_acuerdo())))
    rotulos = [fila.cells[0].text for fila in doc.tables[0].rows]
    assert "Desafío" not in rotulos and rotulos[0] == "Descripción del desafío"
    assert json.dumps(rotulos, ensure_ascii=False).count(ejemplo_acuerdo().desafio.nombre) == 0


@pytest.mark.parametrize("motor", ["compilado", "docxtpl"])
def test_imagen_de_anexo_a_lo_sumo_9_cm_de_alto(tmp_path: Path, motor: str) -> None:
    """La plantilla pide imagen(anexo.archivo, 15, 9): una foto 4:3 queda de 12 x 9 cm (dos caben en una página)."""
    import docx
    from docx.shared import Cm

    from acuerdo_docs.documentos.ficha import renderizar_ficha

    contenido = renderizar_ficha(_ficha_con_imagenes(tmp_path), motor=motor)
    formas = docx.Document(io.BytesIO(contenido)).inline_shapes
    assert len(formas) == 3
    for forma in formas:
        assert abs(forma.height - Cm(9)) < Cm(0.01) and abs(forma.width - Cm(12)) < Cm(0.01)
