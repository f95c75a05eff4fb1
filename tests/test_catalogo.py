"""Catálogo: una carpeta de fichas .docx → un libro .xlsx con una fila por práctica."""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from openpyxl import load_workbook

from acuerdo_docs.cli import main
from acuerdo_docs.documentos.catalogo import (
    CON_AVISOS,
    CON_ERRORES,
    CORRECTA,
    HOJA_CATALOGO,
    HOJA_RESUMEN,
    ILEGIBLE,
    columnas_catalogo,
    generar_catalogo,
)
from acuerdo_docs.documentos.ficha import ejemplo_ficha, renderizar_ficha
from acuerdo_docs.errores import ErrorEntrada
from acuerdo_docs.esquemas.comun import etiqueta
from acuerdo_docs.esquemas.ficha import BuenaPractica

CORPUS = Path(__file__).resolve().parent / "corpus_fichas"


@pytest.fixture()
def carpeta(tmp_path: Path) -> Path:
    """Una carpeta de oficina: fichas buenas y malas, en subcarpetas, con archivos que no son fichas."""
    raiz = tmp_path / "fichas"
    (raiz / "2023" / "segundo semestre").mkdir(parents=True)
    (raiz / ".oculta").mkdir()
    for nombre in ("01_word_guia_en_su_sitio", "04_incompleta", "06_tabla_dos_columnas"):
        shutil.copy(CORPUS / f"{nombre}.docx", raiz / f"{nombre}.docx")
    shutil.copy(CORPUS / "05_libreoffice.docx", raiz / "2023" / "segundo semestre" / "LibreOffice.DOCX")
    ejemplo = ejemplo_ficha().model_copy(update={
        "colaborador": "Persona Ejemplo", "correo": "persona.ejemplo@alcaldiabogota.gov.co",
        "nombre": "=HIPERVINCULO(\"http://x\")", "retos": ["Primer reto", "Segundo reto"],
    })
    (raiz / "2023" / "ejemplo.docx").write_bytes(renderizar_ficha(ejemplo))
    (raiz / "2023" / "dañado.docx").write_bytes(b"PK\x03\x04 esto no es un zip")
    acta = Document()
    acta.add_paragraph("Acta de reunión")
    buffer = io.BytesIO()
    acta.save(buffer)
    (raiz / "acta.docx").write_bytes(buffer.getvalue())
    (raiz / "~$01_word_guia_en_su_sitio.docx").write_bytes(b"\0" * 162)  # bloqueo de Word: se omite
    (raiz / ".oculta" / "copia.docx").write_bytes(b"")  # carpeta oculta: se omite
    (raiz / "notas.txt").write_text("no es docx", encoding="utf-8")
    return raiz


def _filas(ruta: Path, hoja: str = HOJA_CATALOGO) -> list[dict[str, Any]]:
    ws = load_workbook(ruta)[hoja]
    filas = list(ws.iter_rows(values_only=True))
    return [dict(zip(filas[0], f)) for f in filas[1:]]


def test_catalogo_una_fila_por_docx_con_estado_y_motivo(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    resultado = generar_catalogo(carpeta, destino)
    assert resultado.ruta == destino and resultado.escritos == [destino]
    filas = {f["Archivo"]: f for f in _filas(destino)}
    assert list(filas) == [
        "01_word_guia_en_su_sitio.docx", "04_incompleta.docx", "06_tabla_dos_columnas.docx",
        "2023/dañado.docx", "2023/ejemplo.docx", "2023/segundo semestre/LibreOffice.DOCX", "acta.docx",
    ]
    nombre = etiqueta(BuenaPractica, "nombre")
    fecha = etiqueta(BuenaPractica, "fecha_inicio")
    buena = filas["01_word_guia_en_su_sitio.docx"]
    assert buena["Estado"] == CORRECTA and not buena["Observaciones"]
    assert buena[nombre] == "Laboratorio de datos abiertos para la gestión de trámites"
    assert buena[fecha] == datetime(2023, 2, 1)
    assert buena[etiqueta(BuenaPractica, "retos")].count("•") == 2
    incompleta = filas["04_incompleta.docx"]
    assert incompleta["Estado"] == CON_ERRORES
    assert "linea_base (Línea base)" in incompleta["Observaciones"]
    assert incompleta[nombre] == "Huertas comunitarias en colegios"  # lo leído se muestra igual
    assert filas["06_tabla_dos_columnas.docx"]["Estado"] == CON_AVISOS
    assert filas["2023/segundo semestre/LibreOffice.DOCX"]["Estado"] == CORRECTA
    assert filas["2023/dañado.docx"]["Estado"] == ILEGIBLE
    assert "dañado" in filas["2023/dañado.docx"]["Observaciones"]
    assert filas["acta.docx"]["Estado"] == ILEGIBLE
    assert "no parece una ficha" in filas["acta.docx"]["Observaciones"]


def test_catalogo_sin_datos_personales_salvo_que_se_pidan(carpeta: Path, tmp_path: Path) -> None:
    publico = tmp_path / "publico.xlsx"
    generar_catalogo(carpeta, publico)
    encabezados = set(_filas(publico)[0])
    personales = {etiqueta(BuenaPractica, c) for c in ("directivo", "colaborador", "telefono", "correo")}
    assert not encabezados & personales
    contenido = "".join(str(v) for f in _filas(publico) for v in f.values())
    assert "Persona Ejemplo" not in contenido and "persona.ejemplo@" not in contenido
    completo = tmp_path / "completo.xlsx"
    generar_catalogo(carpeta, completo, datos_personales=True)
    fila = next(f for f in _filas(completo) if f["Archivo"] == "2023/ejemplo.docx")
    assert fila[etiqueta(BuenaPractica, "colaborador")] == "Persona Ejemplo"


def test_catalogo_texto_que_parece_formula_queda_como_texto(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, destino)
    ws = load_workbook(destino)[HOJA_CATALOGO]
    columna = [c.etiqueta for c in columnas_catalogo()].index(etiqueta(BuenaPractica, "nombre")) + 1
    celda = next(ws.cell(row=r, column=columna) for r in range(2, ws.max_row + 1)
                 if ws.cell(row=r, column=1).value == "2023/ejemplo.docx")
    assert celda.data_type == "s" and celda.value == "=HIPERVINCULO(\"http://x\")"


def test_catalogo_resumen_cuenta_por_estado_y_dependencia(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, destino)
    ws = load_workbook(destino)[HOJA_RESUMEN]
    pares = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    assert pares["Archivos leídos (.docx y .json)"] == 7
    assert pares[CORRECTA] == 3 and pares[CON_AVISOS] == 1 and pares[CON_ERRORES] == 1 and pares[ILEGIBLE] == 2
    assert pares["Alta Consejería TIC"] == 1


def test_catalogo_es_reproducible(carpeta: Path, tmp_path: Path) -> None:
    uno, dos = tmp_path / "uno.xlsx", tmp_path / "dos.xlsx"
    generar_catalogo(carpeta, uno)
    generar_catalogo(carpeta, dos)
    assert uno.read_bytes() == dos.read_bytes()


def test_catalogo_carpeta_inexistente_o_sin_docx(tmp_path: Path) -> None:
    with pytest.raises(ErrorEntrada, match="No existe la carpeta"):
        generar_catalogo(tmp_path / "no_esta", tmp_path / "c.xlsx")
    vacia = tmp_path / "vacia"
    vacia.mkdir()
    with pytest.raises(ErrorEntrada, match="ningún archivo .docx ni .json"):
        generar_catalogo(vacia, tmp_path / "c.xlsx")
    assert not (tmp_path / "c.xlsx").exists()


def test_cli_catalogo(carpeta: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    destino = tmp_path / "catalogo.xlsx"
    assert main(["catalogo", str(carpeta), "-o", str(destino)]) == 1  # hay fichas con errores
    salida = capsys.readouterr()
    assert "7 archivo(s)" in salida.out and "acta.docx" in salida.err
    assert destino.is_file()
    solo_buenas = tmp_path / "buenas"
    solo_buenas.mkdir()
    shutil.copy(CORPUS / "01_word_guia_en_su_sitio.docx", solo_buenas)
    assert main(["catalogo", str(solo_buenas), "-o", str(tmp_path / "b.xlsx")]) == 0
    assert main(["catalogo", str(solo_buenas), "-o", str(tmp_path)]) == 0  # -o carpeta
    assert (tmp_path / "catalogo.xlsx").is_file()
    assert main(["catalogo", str(tmp_path / "no_esta"), "-o", str(tmp_path / "c.xlsx")]) == 2
