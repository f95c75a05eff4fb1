"""La revisión de glifos (salida/pdf/glifos.py) responde lo mismo con su atajo que analizando el texto.

El atajo mira todos los caracteres del XML (texto, etiquetas, atributos, comentarios): si ninguno
falta, ninguno del texto falta. Aquí se compara con el análisis completo (lxml, solo el texto) en los
casos que separan los dos, con una cobertura de fuentes inventada que se controla.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acuerdo_docs.salida.pdf import glifos

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Lo que «cubren» las fuentes en estas pruebas: ASCII y Latin-1, y el griego.
COBERTURA = ([0x20, 0x391], [0xFF, 0x3C9])
SIN_FUENTE = "\u2603"  # ☃, fuera de la cobertura inventada
CON_FUENTE = "ñ«»λ"


@pytest.fixture(autouse=True)
def cobertura(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glifos, "_cobertura", lambda: COBERTURA)


def _docx(ruta: Path, documento: bytes, otras: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(ruta, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", documento)
        for nombre, datos in (otras or {}).items():
            zf.writestr(nombre, datos)
    return ruta


def _xml(cuerpo: str, declaracion: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') -> bytes:
    return f'{declaracion}<w:document xmlns:w="{W}"><w:body>{cuerpo}</w:body></w:document>'.encode("utf-8")


def _completo(ruta: Path) -> list[str]:
    """Lo que respondía la revisión antes del atajo: el texto analizado con lxml."""
    return sorted(c for c in glifos._textos(ruta) if glifos._falta(c, COBERTURA))


CASOS = {
    "todo_con_fuente": _xml(f"<w:p><w:r><w:t>Práctica {CON_FUENTE}</w:t></w:r></w:p>"),
    "sin_fuente_en_el_texto": _xml(f"<w:p><w:r><w:t>hola {SIN_FUENTE}</w:t></w:r></w:p>"),
    "sin_fuente_solo_en_un_atributo": _xml(f'<w:p w:rsidR="{SIN_FUENTE}"><w:r><w:t>hola</w:t></w:r></w:p>'),
    "sin_fuente_solo_en_un_comentario": _xml(f"<!-- {SIN_FUENTE} --><w:p><w:r><w:t>ñ</w:t></w:r></w:p>"),
    "referencia_numerica_sin_fuente": _xml("<w:p><w:r><w:t>&#x2603; y &#9731;</w:t></w:r></w:p>"),
    "referencia_numerica_con_fuente": _xml("<w:p><w:r><w:t>&#241;</w:t></w:r></w:p>"),
    "latin1_declarado": _xml("<w:p><w:r><w:t>caf\u00e9</w:t></w:r></w:p>",
                             '<?xml version="1.0" encoding="ISO-8859-1"?>').replace("é".encode(), b"\xe9"),
    # Los bytes de «ñ» en UTF-8 son «Г±» en windows-1251: leerlos como UTF-8 escondería la «Г».
    "cirilico_declarado": _xml("<w:p><w:r><w:t>\u00f1</w:t></w:r></w:p>",
                               '<?xml version="1.0" encoding="windows-1251"?>'),
    "xml_roto_con_sin_fuente": _xml(f"<w:p><w:r><w:t>{SIN_FUENTE}</w:t></w:r>"),
    "invisibles_y_variantes": _xml("<w:p><w:r><w:t>a\u200db\ufe0fc\u00a0d\u0301</w:t></w:r></w:p>"),
    "mayor_que_en_un_atributo": _xml(f'<w:p w:x="a>{SIN_FUENTE}"><w:r><w:t>b>c</w:t></w:r></w:p>'),
    "cdata_sin_fuente": _xml(f"<w:p><w:r><w:t><![CDATA[{SIN_FUENTE}]]></w:t></w:r></w:p>"),
}


@pytest.mark.parametrize("caso", list(CASOS))
def test_atajo_igual_que_el_analisis_completo(caso: str, tmp_path: Path) -> None:
    ruta = _docx(tmp_path / "d.docx", CASOS[caso])
    esperado = _completo(ruta)
    assert glifos.caracteres_sin_fuente(ruta) == esperado
    if caso in ("sin_fuente_en_el_texto", "referencia_numerica_sin_fuente", "cdata_sin_fuente"):
        assert esperado == [SIN_FUENTE]  # los casos dicen lo que se cree
    elif caso == "cirilico_declarado":
        assert esperado == ["\u0413"]
    else:
        assert esperado == []


@pytest.mark.parametrize("caso", ["todo_con_fuente", "sin_fuente_solo_en_un_atributo",
                                  "sin_fuente_solo_en_un_comentario"])
def test_sin_nada_que_falte_en_el_texto_no_se_analiza_con_lxml(caso: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """El atajo de verdad se toma: sin caracteres que falten en el texto (aunque falten en un atributo,
    como el nombre japonés de una fuente o la viñeta U+F0B7 de las plantillas), ni se llama al análisis."""
    ruta = _docx(tmp_path / "d.docx", CASOS[caso], {"word/styles.xml": _xml("<w:p/>"),
                                                    "word/fontTable.xml": _xml('<w:font w:name="ＭＳ 明朝"/>')})

    def no(_ruta: Path) -> set[str]:
        raise AssertionError("se analizó con lxml")

    monkeypatch.setattr(glifos, "_textos", no)
    assert glifos.caracteres_sin_fuente(ruta) == []


def test_una_parte_que_no_se_mira_no_cuenta(tmp_path: Path) -> None:
    """Solo las partes con texto (word/…, hojas, diapositivas), como siempre: docProps no."""
    ruta = _docx(tmp_path / "d.docx", CASOS["todo_con_fuente"], {"docProps/core.xml": _xml(f"<w:t>{SIN_FUENTE}</w:t>")})
    assert glifos.caracteres_sin_fuente(ruta) == [] == _completo(ruta)


TROZOS = st.sampled_from(["a", "ñ", "λ", SIN_FUENTE, "\U0001F600", "&#x2603;", "&#241;", "&amp;", "\u200d", " ", ">"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texto=st.lists(TROZOS, max_size=6), atributo=st.lists(TROZOS, max_size=3),
       comentario=st.lists(TROZOS, max_size=3))
def test_cualquier_mezcla_igual_que_el_analisis_completo(tmp_path: Path, texto: list[str], atributo: list[str],
                                                         comentario: list[str]) -> None:
    cuerpo = (f"<!-- {''.join(comentario).replace('&', '')} -->"
              f'<w:p w:x="{"".join(atributo)}"><w:r><w:t>{"".join(texto)}</w:t></w:r></w:p>')
    ruta = _docx(tmp_path / "h.docx", _xml(cuerpo))
    assert glifos.caracteres_sin_fuente(ruta) == _completo(ruta)
