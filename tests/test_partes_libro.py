"""Los libros .xlsx salen con los mismos bytes que antes de escribirlos sin ``wb.save`` (issue 29).

``salida.partes_libro`` arma las partes del .xlsx sin comprimirlas y escribe las celdas corrientes
como texto. El oráculo es openpyxl mismo (``wb.save`` y su escritor de celdas con lxml) y, para el
informe del lote y dos libros más, la huella SHA-256 de los bytes que escribía la implementación
anterior (main en 8464a10: ``wb.save`` + releer + volver a comprimir).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from ajustes_hypothesis import ajustes
from apoyo_seguridad import FRAGMENTOS_HOSTILES
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.writer.excel import ExcelWriter

from acuerdo_docs.documentos.acuerdo import cargar_acuerdo
from acuerdo_docs.documentos.informe import InformeLote, ResultadoFila, bytes_informe
from acuerdo_docs.documentos.matriz import construir_libro
from acuerdo_docs.documentos.plantilla_lote import libro_plantilla
from acuerdo_docs.lectores.hoja_calculo import ErrorCelda
from acuerdo_docs.rutas import carpeta_ejemplos
from acuerdo_docs.salida.excel import (
    FECHA_LIBRO,
    aplicar_estilo,
    escribir_celda,
    escribir_encabezados,
    escribir_fila,
    escribir_formula,
    libro_a_bytes,
    libro_nuevo,
)
from acuerdo_docs.salida.partes_libro import partes_libro

LARGO = "x" * 40_000
"""Más de lo que cabe en una celda (32.767 caracteres)."""
HOSTILES = [
    "=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "\tX", "\rY", "#N/A", "=", " espacios ",
    "a\x00b\x07c\x1b\x0bd\x0ce\r\nf\u2028g\x85h", "&<>\"' ]]>", "ñandú 😀 €", LARGO, "", "\ufffe\uffff\ud800x",
]


def _partes_wb_save(wb: Workbook) -> list[tuple[str, bytes]]:
    """Las partes como las escribe ``wb.save`` (``openpyxl.writer.excel.save_workbook``: un zip y
    ``ExcelWriter``), salvo que no pone la hora del reloj en «modified» y cierra el zip si algo falla."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archivo:
        ExcelWriter(wb, archivo).save()
    with zipfile.ZipFile(buffer) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def _fijo(construir: Callable[[], Workbook]) -> Workbook:
    """El libro, con las fechas del reloj fijas (dos libros armados en segundos distintos no difieren en eso)."""
    wb = construir()
    wb.properties.created = wb.properties.modified = FECHA_LIBRO
    return wb


def _mismas_partes(construir: Callable[[], Workbook]) -> list[tuple[str, bytes]]:
    """Arma el libro dos veces (cada escritura cambia el libro) y compara las partes de ambos caminos."""
    nuevas = partes_libro(_fijo(construir))
    viejas = _partes_wb_save(_fijo(construir))
    assert [n for n, _ in nuevas] == [n for n, _ in viejas]
    for (nombre, nueva), (_, vieja) in zip(nuevas, viejas):
        assert nueva == vieja, nombre
    return nuevas


def _sha(datos: bytes) -> str:
    return hashlib.sha256(datos).hexdigest()


# ---------------------------------------------------------------- el escritor, contra openpyxl


def _todas_las_celdas() -> Workbook:
    """Una celda de cada clase: texto, fórmula propia, números, lógicos, fechas, vacías con estilo, y las que
    escribe openpyxl (comentario, hipervínculo, texto enriquecido, combinadas, alto de fila)."""
    wb, ws = libro_nuevo("Todo")
    escribir_encabezados(ws, 1, ["A", "B=", "C"])
    valores: list[Any] = [*HOSTILES[:-1], 1, 2.5, -0.0, 1e300, float("nan"), True, False,
                          date(2024, 2, 29), datetime(2024, 1, 2, 3, 4, 5), time(12, 30), None]
    for i, valor in enumerate(valores, start=2):
        escribir_celda(ws, i, 1, valor, estilo={"ajustar": True} if i % 2 else None)
        escribir_formula(ws, i, 2, f'=A{i}&"<&>"')
    ws.cell(row=3, column=4, value="con comentario").comment = Comment("nota <x>", "yo")
    crudas = wb.create_sheet("Crudas")
    for i, valor in enumerate(["a\rb\r\nc", "\t ]]> & < > \" '", "\x7f\x80\x9f\xa0", "\U0001fffe\U0010fffd"], start=1):
        celda = crudas.cell(row=i, column=1)
        celda._value, celda.data_type = valor, "s"  # sin limpiar_texto: el escape de lxml, carácter por carácter
    otra = wb.create_sheet("Otra")
    escribir_fila(otra, 1, ["a", 1, None, "b"])
    otra.row_dimensions[1].height = 30.5
    otra.row_dimensions[5].height = 12
    otra.merge_cells("A3:C3")
    escribir_celda(otra, 3, 1, "combinada")
    otra["A7"] = "#DIV/0!"
    otra["B7"].hyperlink = "https://example.org/?a=1&b=2"
    wb.create_sheet("Rica")["A1"] = CellRichText(["normal ", TextBlock(InlineFont(b=True), "negrita")])
    escribir_celda(wb.create_sheet("Fechas"), 1, 1, datetime(2024, 5, 6))
    wb.create_sheet("Vacía")
    aplicar_estilo(wb.create_sheet("Solo estilo").cell(row=2, column=2), fondo="FF0000")
    return wb


def test_cada_clase_de_celda_como_openpyxl() -> None:
    _mismas_partes(_todas_las_celdas)


def test_fechas_iso_como_openpyxl() -> None:
    def construir() -> Workbook:
        wb, ws = libro_nuevo("ISO")
        wb.iso_dates = True
        escribir_celda(ws, 1, 1, datetime(2024, 5, 6, 7, 8))
        escribir_celda(ws, 2, 1, date(2024, 5, 6))
        return wb

    _mismas_partes(construir)


texto = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTOS_HOSTILES)), max_size=6).map("".join)


_NO_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _textos_crudos(textos: list[str]) -> Callable[[], Workbook]:
    """Textos puestos tal cual en celdas de texto, de número y de fórmula (sin openpyxl ni limpiar_texto)."""
    def construir() -> Workbook:
        wb, ws = libro_nuevo("Crudos")
        for i, valor in enumerate(textos, start=1):
            for columna, tipo, dato in ((1, "s", valor), (2, "n", valor), (3, "f", "=" + valor)):
                celda = ws.cell(row=i, column=columna)
                celda._value, celda.data_type = dato, tipo
        return wb

    return construir


@ajustes(60)
@given(textos=st.lists(texto, min_size=1, max_size=6))
def test_todo_texto_como_lxml(textos: list[str]) -> None:
    """Cualquier texto que XML admite, tal cual (\\r, espacios al borde, ]]>, fuera del BMP…) y por escribir_celda."""
    _mismas_partes(_textos_crudos([_NO_XML.sub("", t) for t in textos]))

    def limpios() -> Workbook:
        wb, ws = libro_nuevo("Textos")
        for i, valor in enumerate(textos, start=1):
            escribir_celda(ws, i, 1, valor, estilo={"ajustar": True})
        return wb

    _mismas_partes(limpios)


@pytest.mark.parametrize("malo", ["\x00", "\x01", "\x0b", "\x1f", "\ud800", "\ufffe"])
def test_lo_que_xml_no_admite_falla_igual(malo: str) -> None:
    construir = _textos_crudos([f"a{malo}b"])
    with pytest.raises(ValueError) as antes:
        _partes_wb_save(construir())
    with pytest.raises(type(antes.value)):
        partes_libro(construir())


def test_libro_de_solo_escritura_como_openpyxl() -> None:
    """El catálogo escribe en modo de solo escritura: sus hojas las escribe openpyxl, como siempre."""
    def construir() -> Workbook:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("S")
        ws.append(["=a", 1, None, "ñ"])
        return wb

    _mismas_partes(construir)


# ---------------------------------------------------------------- los libros del proyecto, byte a byte

_HUELLAS = {
    # sha256 de los bytes que escribía main en 8464a10 (antes de partes_libro), con estos mismos datos.
    "informe_hostil": "ee372598d2ea60fdc1757905f5655fa84ddf40b9a2c8c8d4b1ae0cdf848dd839",
    "informe_1000": "f626939c6f4a653637378da7b021c6b73f812ef59b6e34bcec1d6f63af264991",
    "plantilla_fichas": "b721f8aa02b702c246276d3deb0b94d624ae3bb9d04c688222cd4256c457e1c8",
    "matriz": "92788e4ea8f75d3790c2c3c4a38157b2c6c8305a2233288e9adda24ed5da6670",
}


def informe_hostil() -> InformeLote:
    """Un lote con errores y texto hostil en todo lo que el informe muestra."""
    informe = InformeLote(Path("/tmp/entrada=1.xlsx"), Path("/tmp/salida"), "fichas", avisos=['=HYPERLINK("x")', LARGO])
    for i, valor in enumerate(HOSTILES):
        fila = ResultadoFila(
            "fichas" if i % 2 else valor[:30] or "h", i + 2, valor, "con errores" if i % 2 else "generado",
            archivos=[valor, "b.docx"] if i % 2 == 0 else [], documento=valor if i % 4 else "",
        )
        informe.filas.append(fila)
        informe.agregar_errores(fila, [ErrorCelda("fichas", i + 2, "C", valor, "campo", valor + " mensaje"),
                                       ErrorCelda(valor, None, "", "", "", valor)])
    omitidos = ResultadoFila("fichas", 99, "k", "fallo al generar")
    omitidos.omitidos = 7
    informe.filas.append(omitidos)
    return informe


def informe_1000() -> InformeLote:
    """1.000 filas como las de un lote real: nueve de cada diez generadas, el resto con dos errores."""
    informe = InformeLote(Path("fichas_1000.xlsx"), Path("salida"), "fichas")
    for n in range(2, 1002):
        fila = ResultadoFila("fichas", n, f"fila {n}", "generado" if n % 10 else "con errores",
                             documento=f"Práctica {n}: gestión & innovación")
        if n % 10:
            fila.archivos.append(f"{n:04d}_practica_{n}.docx")
        else:
            informe.agregar_errores(fila, [
                ErrorCelda("fichas", n, "K", "Fecha de inicio", "fecha_inicio", "no es una fecha válida (DD/MM/AAAA)"),
                ErrorCelda("fichas", n, "C", "Nombre de la práctica*", "nombre", "no puede estar vacío"),
            ])
        informe.filas.append(fila)
    return informe


def plantilla_fichas() -> Workbook:
    return libro_plantilla("fichas", con_ejemplo=True)


def matriz() -> Workbook:
    datos = json.loads((carpeta_ejemplos() / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))
    return construir_libro(cargar_acuerdo(datos))


@pytest.mark.parametrize("nombre", ["informe_hostil", "informe_1000"])
def test_informe_los_mismos_bytes_que_antes(nombre: str) -> None:
    construir = {"informe_hostil": informe_hostil, "informe_1000": informe_1000}[nombre]
    assert _sha(bytes_informe(construir())) == _HUELLAS[nombre]
    assert bytes_informe(construir()) == bytes_informe(construir())


@pytest.mark.parametrize(("nombre", "construir", "titulo"), [
    ("plantilla_fichas", plantilla_fichas, "Plantilla de lote: fichas"),  # comentarios y validaciones
    ("matriz", matriz, "Matriz de riesgos"),  # fórmulas propias, fechas, formato condicional
])
def test_otros_libros_los_mismos_bytes_que_antes(nombre: str, construir: Callable[[], Workbook], titulo: str) -> None:
    assert _sha(libro_a_bytes(construir(), titulo=titulo)) == _HUELLAS[nombre]
    _mismas_partes(construir)


def test_informe_lo_que_ve_quien_lo_abre() -> None:
    """El informe hostil releído: todo texto es texto (nada es fórmula), sin caracteres de control,
    cortado al límite de la celda, con los números de fila como números y el color de cada estado."""
    wb = openpyxl.load_workbook(io.BytesIO(bytes_informe(informe_hostil())))
    assert wb.sheetnames == ["Resumen", "Filas", "Errores"]
    todas = [c for ws in wb.worksheets for fila in ws.iter_rows() for c in fila if c.value is not None]
    assert all(c.data_type != "f" for c in todas)
    textos = [c.value for c in todas if isinstance(c.value, str)]
    assert all(not any(ch in t for ch in "\x00\x07\x1b\x0b\x0c\r\u2028\x85\ufffe\uffff") for t in textos)
    assert all(len(t) <= 32_767 for t in textos)

    filas = wb["Filas"]
    assert [c.value for c in filas[1]] == ["Hoja", "Fila", "Identificador", "Estado", "Archivos", "Errores"]
    primera = [c.value for c in filas[2]]
    assert primera[:4] == ["=cmd|' /C calc'!A0", 2, "=cmd|' /C calc'!A0", "generado"]
    assert primera[4] == "=cmd|' /C calc'!A0\nb.docx"
    assert filas["A2"].data_type == "s" and filas["A2"].quotePrefix
    assert filas["D2"].fill.start_color.rgb.endswith("E2EFDA") and filas["D3"].fill.start_color.rgb.endswith("F8CBAD")
    assert filas["E2"].alignment.wrap_text and filas["F2"].alignment.wrap_text and filas["F2"].alignment.vertical == "top"
    identificadores = {filas.cell(row=r, column=3).value for r in range(2, filas.max_row + 1)}
    limpio = "abc\nd\ne\nf\ng\nh"  # los saltos de Word pasan a \n, el resto de lo de control se va
    assert f"{limpio}: {limpio}" in identificadores
    assert LARGO[:32_767] in identificadores  # openpyxl corta a 32.767 lo que el informe no corta
    largos = [c.value for c in filas["F"] if isinstance(c.value, str) and len(c.value) == 32_767]
    assert largos and all(v.endswith("…") for v in largos)  # la columna Errores se corta con «…»
    assert filas.cell(row=filas.max_row, column=6).value == "… y 7 error(es) más"

    errores = wb["Errores"]
    assert errores["A2"].value == "fichas" and errores["B2"].value == 2 and errores["C2"].value == "C"
    assert errores["D2"].value == "=cmd|' /C calc'!A0" and errores["D2"].data_type == "s"
    no_es_error = [c for c in errores["D"] if c.value == "#N/A"]  # un código de error de Excel, como texto
    assert no_es_error and all(c.data_type == "s" for c in no_es_error)
    assert errores.auto_filter.ref == f"A1:F{errores.max_row}"
    resumen = {f[0].value: f[1].value for f in wb["Resumen"].iter_rows(min_row=2) if f[0].value}
    assert resumen["Archivo de entrada"] == "entrada=1.xlsx" and resumen["Unidades leídas"] == len(HOSTILES) + 1
    assert resumen["Aviso"] == LARGO[:32_767]


def test_bytes_informe_deja_el_recolector_como_estaba(monkeypatch: pytest.MonkeyPatch) -> None:
    """bytes_informe pausa el recolector de ciclos (al final de un lote hacía una pasada completa) y lo
    deja como estaba: activo, apagado por quien llama, o tras un error al armar el libro."""
    import gc

    from acuerdo_docs.documentos import informe as modulo

    assert gc.isenabled()
    durante: list[bool] = []
    original = modulo.libro_informe

    def espiar(datos: InformeLote) -> Workbook:
        durante.append(gc.isenabled())
        return original(datos)

    monkeypatch.setattr(modulo, "libro_informe", espiar)
    bytes_informe(informe_1000())
    assert durante == [False] and gc.isenabled()
    gc.disable()
    try:
        bytes_informe(informe_1000())
        assert not gc.isenabled()
    finally:
        gc.enable()

    def falla(datos: InformeLote) -> Workbook:
        raise RuntimeError("libro")

    monkeypatch.setattr(modulo, "libro_informe", falla)
    with pytest.raises(RuntimeError):
        bytes_informe(informe_1000())
    assert gc.isenabled()


def test_bytes_informe_en_varios_hilos_deja_el_recolector_activo() -> None:
    """Varios lotes a la vez en hilos (la biblioteca lo permite): al terminar todos, el recolector sigue activo."""
    import gc
    from concurrent.futures import ThreadPoolExecutor

    informe = informe_hostil()
    esperado = bytes_informe(informe)
    with ThreadPoolExecutor(4) as grupo:
        resultados = list(grupo.map(lambda _: bytes_informe(informe), range(12)))
    assert resultados == [esperado] * 12
    assert gc.isenabled()
