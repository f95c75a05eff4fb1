"""Documentos desde la app web: los mismos bytes que da la biblioteca; JSON de ida y vuelta; ficha .docx importada."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from apoyo_web import cliente, csrf, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.esquemas.publicado import esquema_publicado  # noqa: E402
from acuerdo_docs.web import documentos as docs  # noqa: E402


def _importar(c):
    datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    r = c.post("/importar/json", data={"_csrf": csrf(c)}, follow_redirects=False,
               files={"archivo": ("acuerdo.json", json.dumps(datos).encode(), "application/json")})
    assert r.status_code == 303
    return c, r.headers["location"].split("?")[0]


@pytest.fixture(scope="module")
def acuerdo_importado(tmp_path_factory, url_bd_modulo):
    """El acuerdo de ejemplo importado, en SQLite y en PostgreSQL (el JSONB no debe cambiar un byte)."""
    return _importar(cliente(tmp_path_factory.mktemp("web"), bd=url_bd_modulo))


@pytest.fixture(scope="module")
def acuerdo_en_sqlite(tmp_path_factory):
    return _importar(cliente(tmp_path_factory.mktemp("web")))


def test_revision_y_descargas_son_los_bytes_de_la_biblioteca(acuerdo_importado, monkeypatch):
    c, direccion = acuerdo_importado
    modelo = ad.ejemplo_acuerdo()
    revision = c.get(f"{direccion}/revisar").text
    assert "Revise antes de generar" in revision and "Acuerdo en Word (.docx)" in revision
    assert c.get(f"{direccion}/descargar/word").content == ad.renderizar_acuerdo(modelo)
    assert c.get(f"{direccion}/descargar/publica").content == ad.renderizar_acuerdo(modelo, publico=True)
    libro = io.BytesIO()
    ad.generar_matriz_riesgos(modelo, libro)
    assert c.get(f"{direccion}/descargar/matriz").content == libro.getvalue()
    png = c.get(f"{direccion}/descargar/infografia_png")
    assert png.headers["content-type"] == "image/png"
    assert png.content == ad.renderizar_infografia(modelo, "png")
    assert "attachment" in png.headers["content-disposition"]
    monkeypatch.setattr(docs, "libreoffice_disponible", lambda: False)
    assert "no disponible, porque LibreOffice no está instalado" in c.get(f"{direccion}/revisar").text
    todo = zipfile.ZipFile(io.BytesIO(c.get(f"{direccion}/descargar/zip").content))
    assert sorted(todo.namelist()) == sorted(
        d.archivo for d in docs.DOCUMENTOS["acuerdo"] if not d.necesita_libreoffice)
    assert todo.read("acuerdo.docx") == ad.renderizar_acuerdo(modelo)


def test_nombres_de_archivo_sin_datos_personales():
    for d in docs.DOCUMENTOS["acuerdo"]:
        assert d.archivo.replace("_", "").replace(".", "").isalnum()


def test_exportar_es_valido_contra_el_esquema_publicado(acuerdo_importado):
    import jsonschema

    c, direccion = acuerdo_importado
    exportado = c.get(f"{direccion}/exportar").json()
    jsonschema.validate(exportado, esquema_publicado("acuerdo"))
    assert ad.AcuerdoSimbolico.model_validate(exportado) == ad.ejemplo_acuerdo()


def test_duplicar_y_eliminar_con_confirmacion(acuerdo_importado):
    c, direccion = acuerdo_importado
    token = csrf(c)
    copia = c.post(f"{direccion}/duplicar", data={"_csrf": token}, follow_redirects=False).headers["location"].split("?")[0]
    assert copia != direccion
    confirmar = c.get(f"{copia}/eliminar").text
    assert "no se podrá recuperar" in confirmar and "Sí, eliminar el borrador" in confirmar
    assert c.get(copia).status_code == 200  # pedir la confirmación no borra nada
    c.post(f"{copia}/eliminar", data={"_csrf": token})
    assert c.get(copia).status_code == 404
    assert c.get(direccion).status_code == 200


def test_json_que_no_es_ficha_ni_acuerdo(tmp_path):
    c = cliente(tmp_path)
    r = c.post("/importar/json", data={"_csrf": csrf(c)},
               files={"archivo": ("x.json", b'{"hola": 1}', "application/json")})
    assert "role=\"alert\"" in r.text and "no parece una ficha ni un acuerdo" in r.text


def test_importar_ficha_docx_lista_lo_que_no_se_leyo(tmp_path):
    from docx import Document

    c = cliente(tmp_path)
    ficha = ad.renderizar_ficha(ad.ejemplo_ficha())
    r = c.post("/importar/ficha", data={"_csrf": csrf(c)},
               files={"archivo": ("ficha.docx", ficha, "application/octet-stream")})
    assert r.status_code == 200 and "Ficha importada" in r.text
    assert "Se leyeron todos los campos" in r.text
    # Una ficha a la que se le borró una etiqueta: el borrador se crea y se dice qué faltó.
    documento = Document(io.BytesIO(ficha))
    parrafos = list(documento.paragraphs) + [p for t in documento.tables for f in t.rows for c in f.cells
                                             for p in c.paragraphs]
    for parrafo in parrafos:
        if parrafo.text.startswith("Dependencia responsable"):
            for run in parrafo.runs:
                run.text = ""
    salida = io.BytesIO()
    documento.save(salida)
    r = c.post("/importar/ficha", data={"_csrf": csrf(c)},
               files={"archivo": ("ficha.docx", salida.getvalue(), "application/octet-stream")})
    assert "Dependencia responsable de la buena práctica: no se encontró su etiqueta" in r.text
    assert "Lo que no se pudo leer" in r.text
    assert "Incompleto" in c.get("/").text


def test_reunion_marca_validaciones_y_responde_204_sin_cambios(acuerdo_importado):
    import re

    c, direccion = acuerdo_importado
    actores = ad.ejemplo_acuerdo().actores
    antes = sum(a.validado for a in actores)
    pendiente = next(i for i, a in enumerate(actores) if not a.validado)
    vista = c.get(f"{direccion}/reunion").text
    assert 'aria-live="polite"' in vista and f"{antes} de {len(actores)} actores validaron" in vista
    version = re.search(r"reunion/estado\?version=(\d+)", vista).group(1)
    assert c.get(f"{direccion}/reunion/estado?version={version}").status_code == 204
    r = c.post(f"{direccion}/reunion", data={"_csrf": csrf(c), "actor": str(pendiente), "validado": "si"})
    assert f"{antes + 1} de {len(actores)} actores validaron" in r.text
    cambio = c.get(f"{direccion}/reunion/estado?version={version}")
    assert cambio.status_code == 200 and f"{antes + 1} de {len(actores)} actores validaron" in cambio.text
    assert 'hx-swap-oob="innerHTML:#contador"' in cambio.text
    assert c.get(f"{direccion}/exportar").json()["actores"][pendiente]["validado"] is True


@pytest.mark.libreoffice
def test_pdfa_con_libreoffice(acuerdo_en_sqlite):
    from conftest import exigir_libreoffice
    from pypdf import PdfReader

    exigir_libreoffice()
    c, direccion = acuerdo_en_sqlite
    assert "Acuerdo en PDF/A" in c.get(f"{direccion}/revisar").text
    r = c.get(f"{direccion}/descargar/pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    lector = PdfReader(io.BytesIO(r.content))
    assert "pdfaid" in (lector.xmp_metadata.rdf_root.toxml() if lector.xmp_metadata else "")
    assert ad.ejemplo_acuerdo().desafio.nombre.split()[0] in lector.pages[0].extract_text()


def test_json_importado_pasa_por_los_limites_de_toda_entrada(tmp_path):
    """El JSON subido se lee como el de la línea de órdenes: 100.000 niveles son un error claro, no un 500."""
    c = cliente(tmp_path)
    profundo = b"[" * 100_000 + b"]" * 100_000
    r = c.post("/importar/json", data={"_csrf": csrf(c)},
               files={"archivo": ("x.json", profundo, "application/json")})
    assert r.status_code == 200 and "role=\"alert\"" in r.text and "niveles" in r.text
    mal = c.post("/importar/json", data={"_csrf": csrf(c)},
                 files={"archivo": ("x.json", b'{"nombre": "a",}', "application/json")})
    assert "role=\"alert\"" in mal.text and "sobra la coma" in mal.text
