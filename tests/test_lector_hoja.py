"""El analizador de hojas (lectores/lector_hoja.py, filas con lxml) da lo mismo que el de openpyxl.

La clase de fallos que se vigila: cualquier diferencia entre lo que openpyxl leería de una hoja y lo
que lee el lote. Se compara fila por fila, celda por celda (valor, tipo, estilo, posición), en hojas
hechas a mano con lo raro que un programa puede escribir y en cada libro que el proyecto guarda.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.reader import excel
from openpyxl.reader.strings import read_string_table
from openpyxl.worksheet import _read_only
from openpyxl.worksheet._reader import WorkSheetParser

from acuerdo_docs.errores import ErrorEntrada
from acuerdo_docs.lectores import abrir_libro
from acuerdo_docs.lectores.lector_hoja import LectorHoja, _coordenada, leer_textos_compartidos

# El analizador de openpyxl, la referencia, avisa de cada <extLst> que no conoce (el del proyecto no lo mira).
pytestmark = pytest.mark.filterwarnings("ignore:Unknown extension is not supported:UserWarning")

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RAIZ = Path(__file__).resolve().parent.parent

FILAS = [
    # números, texto compartido, booleanos, errores, fechas por estilo, texto de fórmula
    '<row r="1" spans="1:9"><c r="A1"><v>12.5</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="b"><v>1</v></c>'
    '<c r="D1" t="e"><v>#N/A</v></c><c r="E1" s="1"><v>45291</v></c><c r="F1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
    '<c r="G1" t="d"><v>2024-02-29T10:00:00</v></c><c r="H1"><v>1E+3</v></c><c r="I1"><v>-0</v></c></row>',
    # fila sin número, celdas sin coordenada, vacías y con estilo
    '<row><c t="inlineStr"><is><t>sin coordenada</t></is></c><c/><c s="2"/><c r="E2" t="n"></c></row>',
    # fórmulas compartidas y matriciales
    '<row r="4"><c r="A4"><f t="shared" ref="A4:A6" si="0">B4*2</f><v>2</v></c>'
    '<c r="B4"><f t="array" ref="B4:B4">SUM(C4:D4)</f><v>0</v></c></row>',
    '<row r="5"><c r="A5"><f t="shared" si="0"/><v>4</v></c></row>',
    # comentario, instrucción de proceso y espacios entre celdas
    '<row r="6">\n  <!-- un comentario --><?pi algo?><c r="A6" t="inlineStr"><is><t xml:space="preserve"> a </t>'
    '</is></c>\n  <c r="AB6" t="inlineStr"><is><r><t>x</t></r><!-- c --><r><t>y</t></r></is></c></row>',
    # columna lejana, coordenada en minúsculas y número de fila con ceros
    '<row r="7"><c r="XFD7"><v>1</v></c></row><row r="08"><c r="A08"><v>8</v></c></row>',
    # texto con entidades y caracteres de control permitidos
    '<row r="9"><c r="A9" t="inlineStr"><is><t>&lt;w:t&gt; &amp; &#225; =SUMA(A1)&#10;&#9;fin</t></is></c></row>',
]
ANTES = '<sheetPr><outlinePr summaryBelow="0"/></sheetPr><dimension ref="A1:XFD9"/><cols><col min="1" max="2" width="9"/></cols>'
DESPUES = ('<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'
           '<dataValidations count="1"><dataValidation type="list" sqref="A2"><formula1>"x,y"</formula1>'
           '</dataValidation></dataValidations><extLst><ext uri="x"><row r="99"><c r="A99"><v>99</v></c></row></ext>'
           '</extLst>')


def _hoja(filas: list[str], antes: str = ANTES, despues: str = DESPUES, declaracion: bool = True) -> str:
    cabeza = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' if declaracion else ""
    return f'{cabeza}<worksheet xmlns="{NS}">{antes}<sheetData>{"".join(filas)}</sheetData>{despues}</worksheet>'


def _comparable(valor: Any) -> Any:
    """Las fórmulas matriciales y de tabla de openpyxl no se comparan por valor: sus atributos sí."""
    if type(valor).__module__.startswith("openpyxl"):
        return (type(valor).__name__, tuple(sorted(vars(valor).items())))
    return valor


def _leer(clase: Any, datos: bytes, **opciones: Any) -> list[Any]:
    opciones = {"date_formats": {1}, "timedelta_formats": set(), **opciones}
    filas = clase(io.BytesIO(datos), ["cero", "uno"], **opciones).parse()
    return [(n, [{**c, "value": _comparable(c["value"])} for c in celdas]) for n, celdas in filas]


@pytest.mark.parametrize("opciones", [{"data_only": True}, {"data_only": False}, {"data_only": True, "rich_text": True}])
def test_hoja_con_lo_raro_igual_que_openpyxl(opciones: dict[str, Any]) -> None:
    datos = _hoja(FILAS).encode("utf-8")
    esperado = _leer(WorkSheetParser, datos, **opciones)
    obtenido = _leer(LectorHoja, datos, **opciones)
    assert obtenido == esperado
    # Lo que se cree de los casos (si openpyxl cambiara, que se note aquí y no en un lote).
    valores = [c["value"] for _, fila in esperado for c in fila]
    creidos = (12.5, "uno", True, "#N/A", datetime(2023, 12, 31), 8, 99) + (() if opciones.get("rich_text") else (" a ", "xy"))
    assert all(v in valores for v in creidos)
    assert [n for n, _ in esperado] == [1, 2, 4, 5, 6, 7, 8, 9, 99]


@pytest.mark.parametrize("fila", FILAS)
def test_cada_fila_igual_que_openpyxl(fila: str) -> None:
    datos = _hoja([fila]).encode("utf-8")
    for data_only in (True, False):
        assert _leer(LectorHoja, datos, data_only=data_only) == _leer(WorkSheetParser, datos, data_only=data_only)


@pytest.mark.parametrize("codificacion", ["utf-16", "utf-8-sig"])
def test_otras_codificaciones(codificacion: str) -> None:
    texto = _hoja(FILAS, declaracion=False)
    if codificacion == "utf-16":
        texto = '<?xml version="1.0" encoding="UTF-16"?>' + texto
    datos = texto.encode(codificacion)
    assert _leer(LectorHoja, datos, data_only=True) == _leer(WorkSheetParser, datos, data_only=True)


def test_sin_filas_y_hoja_vacia() -> None:
    for datos in (_hoja([], despues="").encode(), f'<worksheet xmlns="{NS}"/>'.encode()):
        assert _leer(LectorHoja, datos, data_only=True) == [] == _leer(WorkSheetParser, datos, data_only=True)


@pytest.mark.parametrize("roto", [
    _hoja(FILAS)[:-40],  # cortada a la mitad
    _hoja(['<row r="1"><c r="A1"><v>1</v></row>']),  # etiqueta sin cerrar
    _hoja(['<row r="1"><c r="A1" t="inlineStr"><is><t>&noexiste;</t></is></c></row>']),  # entidad sin declarar
    _hoja(['<row r="x"><c r="A1"><v>1</v></c></row>']),  # número de fila que no es número
])
def test_xml_roto_falla_como_en_openpyxl(roto: str) -> None:
    datos = roto.encode("utf-8")
    with pytest.raises(Exception):
        _leer(WorkSheetParser, datos, data_only=True)
    with pytest.raises(Exception):
        _leer(LectorHoja, datos, data_only=True)


def test_las_filas_leidas_se_sueltan() -> None:
    """Una hoja grande no queda entera en memoria: al leer una fila, las anteriores ya no están en el árbol
    (queda la anterior, vaciada; las que lxml ya analizó por adelantado, sí están: un bloque de lectura)."""
    filas = [f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{"x" * 50}</t></is></c></row>' for i in range(1, 2001)]
    lector = LectorHoja(io.BytesIO(_hoja(filas, despues="").encode()), [], data_only=True)
    hermanos = []
    original = lector.parse_row

    def anotar(fila: Any) -> Any:
        anteriores = list(fila.itersiblings(preceding=True))
        hermanos.append(len(anteriores) <= 1 and all(len(a) == 0 for a in anteriores))  # solo la anterior, vacía
        return original(fila)

    lector.parse_row = anotar  # type: ignore[method-assign]
    assert sum(1 for _ in lector.parse()) == 2000
    assert len(hermanos) == 2000 and all(hermanos)


@pytest.mark.parametrize("referencia", ["A1", "K11", "XFD1048576", "a1", "A01", "AB", "1", "A1B2", "A1_0", "", "Ñ1", "A١"])
def test_coordenada_igual_que_openpyxl(referencia: str) -> None:
    from openpyxl.utils.cell import coordinate_to_tuple

    for _ in range(2):  # la segunda vez, con la columna ya recordada
        try:
            esperado: Any = coordinate_to_tuple(referencia)
        except Exception as exc:  # noqa: BLE001 - se compara el tipo de error
            esperado = type(exc)
        try:
            obtenido: Any = _coordenada(referencia)
        except Exception as exc:  # noqa: BLE001
            obtenido = type(exc)
        assert obtenido == esperado


TEXTOS = [
    "<si><t>simple</t></si>",
    '<si><t xml:space="preserve">  espacios\n y líneas  </t></si>',
    "<si><r><rPr><b/><sz val=\"11\"/></rPr><t>uno </t></r><r><t>dos</t></r></si>",
    '<si><t>base</t><r><t> y tramo</t></r><rPh sb="0" eb="1"><t>fonética</t></rPh><phoneticPr fontId="1"/></si>',
    "<si><t/></si>", "<si/>", "<si><r><t>a</t><t>b</t></r><r><rPr/></r></si>",
    "<si><t>_x005F_x000D_ y _x000D_ &lt;w:t&gt; &amp; =SUMA(A1)</t></si>",
    "<si><t>primero</t><t>último</t></si>", "<si><!-- nota --><t>con comentario</t><?pi x?></si>",
    '<si xmlns:o="urn:otro"><o:t>otro espacio</o:t></si>',
]


def test_textos_compartidos_igual_que_openpyxl() -> None:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="{len(TEXTOS)}">{"".join(TEXTOS)}</sst>'
    datos = xml.encode("utf-8")
    esperado = read_string_table(io.BytesIO(datos))
    assert leer_textos_compartidos(io.BytesIO(datos)) == esperado
    assert len(esperado) == len(TEXTOS) and "uno dos" in esperado and "base y tramo" in esperado


@contextmanager
def _analizador(clase: Any) -> Iterator[None]:
    """Lee con ``clase`` (y, si es la del proyecto, con su tabla de textos compartidos)."""
    anterior, textos = _read_only.WorkSheetParser, excel.read_string_table  # type: ignore[attr-defined]
    _read_only.WorkSheetParser = clase  # type: ignore[attr-defined]
    excel.read_string_table = leer_textos_compartidos if clase is LectorHoja else read_string_table
    try:
        yield
    finally:
        _read_only.WorkSheetParser, excel.read_string_table = anterior, textos  # type: ignore[attr-defined]


def _valores(ruta: Path, clase: Any, data_only: bool) -> dict[str, list[tuple[Any, ...]]]:
    with _analizador(clase):
        wb = openpyxl.load_workbook(ruta, read_only=True, data_only=data_only, keep_links=False)
        try:
            return {ws.title: [tuple(map(repr, f)) for f in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
        finally:
            wb.close()


LIBROS = sorted(p for p in (RAIZ / "salidas_ejemplo").rglob("*.xlsx"))


@pytest.mark.parametrize("ruta", LIBROS, ids=lambda p: str(p.relative_to(RAIZ)))
def test_cada_libro_del_proyecto_se_lee_igual(ruta: Path) -> None:
    for data_only in (True, False):
        esperado = _valores(ruta, WorkSheetParser, data_only)
        assert _valores(ruta, LectorHoja, data_only) == esperado
        assert any(esperado.values())


def test_los_libros_de_lote_y_de_excel_se_leen_igual(tmp_path: Path) -> None:
    """Un libro de plantilla de lote (estilos, validaciones, texto compartido) y uno en solo escritura."""
    from acuerdo_docs.cli import main

    plantilla = tmp_path / "plantilla.xlsx"
    assert main(["plantilla-lote", "fichas", "-o", str(plantilla), "--con-ejemplo"]) == 0
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("datos")
    for i in range(50):
        ws.append([f"texto {i} «ñ» & <w:t>", i, i / 3, datetime(2024, 1, 1 + i % 28), i % 2 == 0, None, "=1+1"])
    solo_escritura = tmp_path / "solo_escritura.xlsx"
    wb.save(solo_escritura)
    for ruta in (plantilla, solo_escritura):
        for data_only in (True, False):
            esperado = _valores(ruta, WorkSheetParser, data_only)
            assert _valores(ruta, LectorHoja, data_only) == esperado and any(esperado.values())


def test_una_hoja_rota_en_el_lote_dice_danada(tmp_path: Path) -> None:
    """Por la puerta de siempre: el libro pasa la revisión del zip, la hoja está cortada, error en español."""
    wb = openpyxl.Workbook()
    wb.active.title = "fichas"
    wb.active.append(["a", "b"])
    ruta = tmp_path / "roto.xlsx"
    wb.save(ruta)
    with zipfile.ZipFile(ruta) as zf:
        miembros = [(i, zf.read(i)) for i in zf.infolist()]
    with zipfile.ZipFile(ruta, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, datos in miembros:
            if info.filename == "xl/worksheets/sheet1.xml":
                datos = datos.replace(b"</sheetData>", b"<row><c><v>1</v></row></sheetData>")
            zf.writestr(info, datos)
    with pytest.raises(ErrorEntrada, match="dañada"), abrir_libro(ruta) as libro:
        list(libro.filas("fichas"))


@pytest.mark.libreoffice
def test_un_libro_guardado_por_libreoffice_se_lee_igual(tmp_path: Path) -> None:
    """Lo que entregan los usuarios: un libro guardado por una hoja de cálculo real, con textos compartidos."""
    from conftest import convertir_con_libreoffice

    from acuerdo_docs.cli import main

    plantilla = tmp_path / "plantilla.xlsx"
    assert main(["plantilla-lote", "fichas", "-o", str(plantilla), "--con-ejemplo"]) == 0
    convertir_con_libreoffice([plantilla], "xlsx", tmp_path / "lo")
    guardado = tmp_path / "lo" / plantilla.name
    with zipfile.ZipFile(guardado) as zf:
        assert "xl/sharedStrings.xml" in zf.namelist()
    for data_only in (True, False):
        esperado = _valores(guardado, WorkSheetParser, data_only)
        assert _valores(guardado, LectorHoja, data_only) == esperado and any(esperado.values())
