"""El render directo (sin pasadas de regex por documento) da los mismos bytes que el camino con saltos.

``PlantillaCompilada`` compila cada parte dos veces: con un salto de línea por párrafo (para que
los mensajes digan la línea) y sin ellos (la que se usa). Aquí se compara, byte a byte, con el
camino de antes: la plantilla con saltos, quitarlos del XML y buscar siempre caracteres de control.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest

from acuerdo_docs.errores import ErrorPlantilla
from acuerdo_docs.salida.motor_docx import PlantillaCompilada


def _plantilla(tmp_path: Path, parrafos: list[str], nombre: str = "p.docx") -> PlantillaCompilada:
    documento = docx.Document()
    for texto in parrafos:
        documento.add_paragraph(texto)
    ruta = tmp_path / nombre
    documento.save(str(ruta))
    return PlantillaCompilada(ruta)


def _como_antes(plantilla: PlantillaCompilada, contexto: dict[str, Any]) -> bytes:
    directas = plantilla._directas
    plantilla._directas = {}  # el camino de siempre: fuente con saltos, quitarlos, buscar controles
    try:
        return plantilla.renderizar(contexto, titulo="T")
    finally:
        plantilla._directas = directas


def _texto(contenido: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(contenido)).paragraphs]


VALORES = ["normal", "salto\nde línea", "tab\tulador", "campana\a y hoja\f", "{_{ marcas }_}", "a_{b", "",
           "<w:p>no es XML</w:p>", "& < > \" '"]


@pytest.mark.parametrize("valor", VALORES)
def test_mismos_bytes_que_el_camino_con_saltos(tmp_path: Path, valor: str) -> None:
    plantilla = _plantilla(tmp_path, ["Título", "Valor: {{ v }}", "{% for x in lista %}{{ x }};{% endfor %}",
                                      "{{ lista|join(salto) }}", "Fin {_{ literal }_}"])
    assert "word/document.xml" in plantilla._directas  # esta plantilla va por el camino directo
    assert plantilla._control_fijo["word/document.xml"] is False  # controles solo si un valor los trae
    contexto = {"v": valor, "lista": [valor, "dos", "tres\tcuatro"], "salto": "\n"}
    nuevo = plantilla.renderizar(contexto, titulo="T")
    assert nuevo == _como_antes(plantilla, contexto)
    assert _texto(nuevo)[0] == "Título"


def test_un_salto_que_llega_como_markup_se_resuelve(tmp_path: Path) -> None:
    plantilla = _plantilla(tmp_path, ["{{ lista|join(salto) }}"])
    contexto = {"lista": ["uno", "dos"], "salto": "\n"}  # join da Markup: no pasa por el escape del texto
    contenido = plantilla.renderizar(contexto, titulo="T")
    assert contenido == _como_antes(plantilla, contexto)
    with zipfile.ZipFile(io.BytesIO(contenido)) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert "uno</w:t><w:br/>" in xml and "uno\ndos" not in xml  # resolve_listing convirtió el salto


def test_bloques_que_capturan_texto_usan_el_camino_de_siempre(tmp_path: Path) -> None:
    plantilla = _plantilla(tmp_path, ["{% set x %}uno", "dos{% endset %}{{ x|length }}", "{# nota", "#}fin"])
    assert "word/document.xml" not in plantilla._directas
    assert plantilla.renderizar({}, titulo="T") == _como_antes(plantilla, {})


def test_el_mensaje_de_error_dice_la_misma_linea(tmp_path: Path) -> None:
    plantilla = _plantilla(tmp_path, ["uno", "dos", "tres {{ campo_que_no_existe }}", "cuatro"])
    with pytest.raises(ErrorPlantilla) as directo:
        plantilla.renderizar({}, titulo="T")
    with pytest.raises(ErrorPlantilla) as antes:
        _como_antes(plantilla, {})
    assert str(directo.value) == str(antes.value)
    assert "campo_que_no_existe" in str(directo.value) and "tres" in str(directo.value)
