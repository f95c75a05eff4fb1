"""Motor de plantillas: el camino compilado y docxtpl dan el mismo documento."""

from __future__ import annotations

import io
import logging
import os
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from acuerdo_docs.construccion import CONSTRUCTORES
from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo, renderizar_acuerdo
from acuerdo_docs.documentos.ficha import ejemplo_ficha, renderizar_ficha
from acuerdo_docs.documentos.seguimiento import agregar_corte, linea_base, renderizar_informe_seguimiento
from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico
from acuerdo_docs.rutas import plantilla
from acuerdo_docs.salida.motor_docx import compilada, renderizar


def vista(contenido: bytes) -> dict[str, list[str]]:
    """Lo que ve un lector: cuerpo en orden (párrafos y celdas), encabezados y notas al pie."""
    documento = docx.Document(io.BytesIO(contenido))
    cuerpo: list[str] = []
    for elemento in documento.element.body.iterchildren():
        if elemento.tag == qn("w:p"):
            cuerpo.append("".join(t.text or "" for t in elemento.iter(qn("w:t"))))
        elif elemento.tag == qn("w:tbl"):
            cuerpo.extend(c.text for fila in docx.table.Table(elemento, documento).rows for c in fila.cells)
    encabezados = [c.text for s in documento.sections for t in s.header.tables for f in t.rows for c in f.cells]
    with zipfile.ZipFile(io.BytesIO(contenido)) as zf:
        notas = zf.read("word/footnotes.xml").decode() if "word/footnotes.xml" in zf.namelist() else ""
    return {"cuerpo": cuerpo, "encabezados": encabezados, "notas": [notas]}


def _acuerdo_con_cortes() -> AcuerdoSimbolico:
    """El ejemplo con dos cortes: en el segundo un hito avanza y un riesgo cambia de zona."""
    acuerdo = ejemplo_acuerdo()
    primero = agregar_corte(linea_base(acuerdo, date(2024, 1, 1)), date(2024, 1, 1))
    hitos = [h.model_copy(update={"avance": 100}) if i == 3 else h for i, h in enumerate(primero.hoja_de_ruta)]
    riesgos = [r.model_copy(update={"impacto": 5}) if i == 2 else r for i, r in enumerate(primero.riesgos)]
    return agregar_corte(primero.model_copy(update={"hoja_de_ruta": hitos, "riesgos": riesgos}), date(2024, 2, 1))


CASOS = {
    "ficha": lambda motor: renderizar_ficha(ejemplo_ficha(), motor=motor),
    "ficha_publica": lambda motor: renderizar_ficha(ejemplo_ficha(), publico=True, motor=motor),
    "acuerdo": lambda motor: renderizar_acuerdo(ejemplo_acuerdo(), motor=motor),
    "acuerdo_publico": lambda motor: renderizar_acuerdo(ejemplo_acuerdo(), publico=True, motor=motor),
    "seguimiento": lambda motor: renderizar_informe_seguimiento(_acuerdo_con_cortes(), motor=motor),
}


def test_cada_plantilla_tiene_su_caso() -> None:
    usadas = {"ficha_4202000-FT-1311.docx", "acuerdo_simbolico.docx", "informe_seguimiento.docx"}
    assert set(CONSTRUCTORES) == usadas, "agregue aquí el caso de la plantilla nueva"


@pytest.mark.parametrize("caso", sorted(CASOS))
def test_compilado_igual_a_docxtpl(caso: str) -> None:
    compilado, plano = CASOS[caso]("compilado"), CASOS[caso]("docxtpl")
    a, b = vista(compilado), vista(plano)
    assert a["cuerpo"] == b["cuerpo"]
    assert a["encabezados"] == b["encabezados"] and a["encabezados"]
    assert a["notas"] == b["notas"]
    assert len(a["cuerpo"]) > 50


def test_plantilla_compilada_una_vez_por_proceso() -> None:
    ruta = plantilla("ficha_4202000-FT-1311.docx")
    assert compilada(ruta) is compilada(ruta)


def test_la_compilacion_sigue_al_archivo_no_a_la_ruta(tmp_path: Path) -> None:
    """Otra ruta (un enlace) al mismo archivo usa la misma; el archivo editado o reemplazado, una nueva."""
    import shutil

    copia = tmp_path / "ficha.docx"
    shutil.copyfile(plantilla("ficha_4202000-FT-1311.docx"), copia)
    primera = compilada(copia)
    enlace = tmp_path / "enlace.docx"
    enlace.symlink_to(copia)
    assert compilada(enlace) is primera
    estado = copia.stat()
    os.utime(copia, ns=(estado.st_atime_ns, estado.st_mtime_ns + 1_000_000_000))  # editada
    segunda = compilada(copia)
    assert segunda is not primera and compilada(enlace) is segunda
    otra = tmp_path / "otra.docx"
    shutil.copyfile(copia, otra)
    os.utime(otra, ns=(copia.stat().st_atime_ns, copia.stat().st_mtime_ns))
    os.replace(otra, copia)  # reemplazada (mismo tamaño y fecha, otro archivo)
    assert compilada(copia) is not segunda


def test_columnas_dinamicas_usan_docxtpl_y_lo_dicen(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    documento = docx.Document()
    tabla = documento.add_table(rows=1, cols=3)
    for celda, texto in zip(tabla.rows[0].cells, ("{%tc for c in columnas %}", "{{ c }}", "{%tc endfor %}")):
        celda.text = texto
    ruta = tmp_path / "tc.docx"
    documento.save(str(ruta))
    with caplog.at_level(logging.INFO, logger="acuerdo_docs.motor"):
        salida = renderizar(ruta, {"columnas": ["uno", "dos & tres"]})
    assert any("columnas dinámicas" in r.getMessage() for r in caplog.records)
    celdas = [c.text for c in docx.Document(io.BytesIO(salida)).tables[0].rows[0].cells]
    assert celdas == ["uno", "dos & tres"]
