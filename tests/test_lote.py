"""Lotes desde hojas de cálculo: plantilla, informe por fila, nombres seguros, combinado, interrupción."""

from __future__ import annotations

import csv
import io
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import convertir_con_libreoffice, texto_pdf
from docx import Document
from openpyxl.utils import get_column_letter

from acuerdo_docs.cli import main
from acuerdo_docs.documentos.ficha import ejemplo_ficha
from acuerdo_docs.documentos.informe import NOMBRE_INFORME
from acuerdo_docs.documentos.plantilla_lote import generar_plantilla_lote
from acuerdo_docs.errores import ErrorEntrada
from acuerdo_docs.esquemas.comun import RESERVADO
from acuerdo_docs.lectores.columnas import valores_de
from acuerdo_docs.lectores.fichas import COLUMNAS
from acuerdo_docs.lote import NOMBRE_COMBINADO, generar_lote

VISIBLES = [c for c in COLUMNAS if c.en_plantilla]
CLAVES = [c.clave for c in VISIBLES]


def letra(clave: str) -> str:
    return get_column_letter(CLAVES.index(clave) + 1)


def fila_base(i: int) -> dict[str, Any]:
    fila = valores_de(ejemplo_ficha(), VISIBLES)
    fila["nombre"] = f"Práctica {i:02d}"
    fila["fecha_inicio"] = date(2023, 1 + i % 9, 1)  # antes de la fecha de diligenciamiento (24/10/2023)
    return fila


def libro_fichas(carpeta: Path, filas: list[dict[str, Any]], nombre: str = "entrada.xlsx") -> Path:
    """Un libro hecho con plantilla-lote y llenado como lo llenaría una persona (fila 2 en adelante)."""
    ruta = carpeta / nombre
    assert main(["plantilla-lote", "fichas", "-o", str(ruta)]) == 0
    wb = openpyxl.load_workbook(ruta)
    ws = wb["fichas"]
    assert [c.value for c in ws[1]] == [c.encabezado for c in VISIBLES]
    for fila in filas:
        ws.append([fila.get(c) for c in CLAVES])
        for celda in ws[ws.max_row]:
            if isinstance(celda.value, str) and celda.value.startswith("="):
                celda.data_type = "s"  # texto escrito con apóstrofo en Excel, no una fórmula
    wb.save(ruta)
    return ruta


def texto_docx(ruta: Path) -> str:
    doc = Document(str(ruta))
    partes = [p.text for p in doc.paragraphs]
    for tabla in doc.tables:
        for fila in tabla.rows:
            partes.extend(c.text for c in fila.cells)
    return "\n".join(partes)


def hoja(ruta: Path, nombre: str) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(ruta)
    return [tuple(f) for f in wb[nombre].iter_rows(min_row=2, values_only=True)]


# ------------------------------------------------------------------ el lote de 50


@pytest.fixture(scope="module")
def lote_50(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("lote50")
    filas = [fila_base(i) for i in range(50)]
    filas[9]["fecha_inicio"] = "31/02/2023"  # fecha imposible (fila 11 de Excel)
    filas[24]["retos"] = None  # lista obligatoria vacía (fila 26)
    filas[39]["correo"] = "juana.perez@@correo"  # correo inválido (fila 41): dato personal
    filas[3]["descripcion"] = "=1+1 & <b>{{ 7*7 }}</b> ñ 🚀"
    filas[5]["fecha_inicio"] = datetime(2023, 6, 15)  # fecha de Excel
    filas[6]["fecha_inicio"] = "2023-07-01"  # ISO
    entrada = libro_fichas(tmp, filas)
    salida = tmp / "salida"
    salida_cli = io.StringIO()
    original = sys.stdout
    sys.stdout = salida_cli
    try:
        codigo = main(["lote", str(entrada), "-o", str(salida), "--combinado", "--silencioso", "--procesos", "2"])
    finally:
        sys.stdout = original
    return {"codigo": codigo, "salida": salida, "terminal": salida_cli.getvalue(), "filas": filas}


def test_lote_50_genera_47_y_sale_con_1(lote_50: dict[str, Any]) -> None:
    assert lote_50["codigo"] == 1
    docx = sorted(p for p in lote_50["salida"].glob("*.docx") if p.name != NOMBRE_COMBINADO)
    assert len(docx) == 47
    esperados = {
        f"{f['fecha_inicio'].year if isinstance(f['fecha_inicio'], (date, datetime)) else 2023}_{f['nombre']}.docx"
        for i, f in enumerate(lote_50["filas"])
        if i not in (9, 24, 39)
    }
    assert {p.name for p in docx} == esperados
    assert not list(lote_50["salida"].glob(".~*"))
    texto = texto_docx(lote_50["salida"] / "2023_Práctica 03.docx")
    assert "Práctica 03" in texto
    assert "=1+1 & <b>{{ 7*7 }}</b> ñ 🚀" in texto


def test_informe_nombra_exactamente_las_3_filas_y_columnas(lote_50: dict[str, Any]) -> None:
    informe = lote_50["salida"] / NOMBRE_INFORME
    errores = hoja(informe, "Errores")
    assert [(e[0], e[1], e[2]) for e in errores] == [
        ("fichas", 11, letra("fecha_inicio")),
        ("fichas", 26, letra("retos")),
        ("fichas", 41, letra("correo")),
    ]
    assert errores[0][3] == "Fecha de inicio de la buena práctica"  # sin la estrella de obligatorio
    assert "fecha" in errores[0][5] and "correo" in errores[2][5]
    filas = hoja(informe, "Filas")
    assert len(filas) == 50
    assert [f[1] for f in filas] == list(range(2, 52))
    estados = {f[1]: f[3] for f in filas}
    assert [n for n, e in estados.items() if e != "generado"] == [11, 26, 41]
    assert filas[0][4] == "2023_Práctica 00.docx"
    # El dato personal mal escrito no se repite en el informe ni en la terminal (Ley 1581).
    with zipfile.ZipFile(informe) as zf:
        contenido = b"".join(zf.read(n) for n in zf.namelist())
    assert b"juana" not in contenido
    assert "juana" not in lote_50["terminal"]
    assert "47 de 50" in lote_50["terminal"]
    assert f"fichas!{letra('correo')}41" in lote_50["terminal"]


def test_combinado_trae_cada_documento_en_orden_con_su_encabezado(lote_50: dict[str, Any]) -> None:
    combinado = lote_50["salida"] / NOMBRE_COMBINADO
    doc = Document(str(combinado))
    assert len(doc.sections) == 47
    texto = "\n".join(p.text for p in doc.paragraphs)
    posiciones = [texto.find(f"Práctica {i:02d}") for i in range(50) if i not in (9, 24, 39)]
    assert -1 not in posiciones and posiciones == sorted(posiciones)
    xml = zipfile.ZipFile(combinado).read("word/document.xml").decode()
    assert xml.count('w:pgNumType w:start="1"') == 47
    assert xml.count('w:type w:val="nextPage"') == 47
    # El total de cada documento: SECTIONPAGES (Word) con un PAGEREF anidado a su marcador final (LibreOffice).
    marcadores = re.findall(r'<w:bookmarkStart [^>]*w:name="(_AcuerdoDocsFin\d+)"', xml)
    assert marcadores == [f"_AcuerdoDocsFin{k}" for k in range(1, 48)]
    for k, seccion in enumerate(doc.sections, start=1):
        cabecera = seccion.header
        assert not cabecera.is_linked_to_previous
        assert "GESTIÓN DEL CONOCIMIENTO" in cabecera.tables[0].cell(0, 2).text
        instrucciones = "".join(t.text or "" for t in cabecera._element.iter(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText"))
        assert "SECTIONPAGES" in instrucciones and "NUMPAGES" not in instrucciones.replace("SECTIONPAGES", "")
        assert f"PAGEREF _AcuerdoDocsFin{k} " in instrucciones
    partes = {s.header.part.partname for s in doc.sections}
    assert len(partes) == 47  # cada documento con su propio encabezado


# ------------------------------------------------------------------ nombres y colisiones


def test_nombres_peligrosos_quedan_dentro_y_las_colisiones_sobreviven(tmp_path: Path) -> None:
    filas = [fila_base(i) for i in range(5)]
    for fila, nombre in zip(filas, ["../../etc/passwd", "CON", "Repetida", "repetida", "Repetida"]):
        fila["nombre"] = nombre
    entrada = libro_fichas(tmp_path, filas)
    salida = tmp_path / "a" / "b" / "salida"
    informe = generar_lote(entrada, salida, nombre="{nombre}")
    assert informe.codigo_salida == 0
    nombres = sorted(p.name for p in salida.iterdir())
    assert nombres == sorted([
        "etc_passwd.docx", "_CON.docx", "Repetida.docx", "repetida_2.docx", "Repetida_3.docx", NOMBRE_INFORME,
    ])
    assert not (tmp_path / "etc").exists() and not (tmp_path / "a" / "etc").exists()
    assert [f.archivos for f in informe.filas] == [[n] for n in
                                                  ["etc_passwd.docx", "_CON.docx", "Repetida.docx", "repetida_2.docx",
                                                   "Repetida_3.docx"]]
    assert "../../etc/passwd" in texto_docx(salida / "etc_passwd.docx")


def test_patron_invalido_no_escribe_nada(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(1)])
    salida = tmp_path / "salida"
    assert main(["lote", str(entrada), "-o", str(salida), "--nombre", "{nombre.__class__}"]) == 2
    assert "patrón" in capsys.readouterr().err
    assert main(["lote", str(entrada), "-o", str(salida), "--nombre", "{no_existe}"]) == 2
    assert not salida.exists()


def test_version_publica_tambien_en_los_nombres(tmp_path: Path) -> None:
    fila = fila_base(1)
    fila.update(colaborador="Juana Pérez Gómez", correo="juana.perez@alcaldiabogota.gov.co", telefono="3001234567")
    entrada = libro_fichas(tmp_path, [fila])
    informe = generar_lote(entrada, tmp_path / "salida", nombre="{colaborador}_{nombre}", publico=True)
    (archivo,) = informe.archivos
    assert "Juana" not in archivo.name
    texto = texto_docx(archivo)
    assert "Juana" not in texto and "3001234567" not in texto and RESERVADO in texto


# ------------------------------------------------------------------ entradas variadas


def test_csv_con_punto_y_coma_windows_1252_y_claves(tmp_path: Path) -> None:
    base = fila_base(7)
    buffer = io.StringIO()
    escritor = csv.writer(buffer, delimiter=";")
    escritor.writerow(CLAVES)  # encabezados por clave, no por etiqueta
    fila = dict(base, fecha_inicio="01/03/2023", fecha_diligenciamiento="24/10/2023",
                retos="• Primer reto\n• Segundo reto")
    escritor.writerow(["" if fila.get(c) is None else fila.get(c) for c in CLAVES])
    entrada = tmp_path / "fichas.csv"
    entrada.write_bytes(buffer.getvalue().replace("🚀", "").encode("cp1252"))
    informe = generar_lote(entrada, tmp_path / "salida")
    assert informe.codigo_salida == 0, [str(e) for e in informe.errores]
    texto = texto_docx(informe.archivos[0])
    assert "Primer reto" in texto and "Segundo reto" in texto and "•" not in texto
    assert "Alta Consejería TIC" in texto


def test_fechas_de_excel_como_numero_de_serie_y_encabezado_opcional(tmp_path: Path) -> None:
    ruta = libro_fichas(tmp_path, [dict(fila_base(1), fecha_inicio=45000)])  # 45000 = 15/03/2023
    wb = openpyxl.load_workbook(ruta)
    ws = wb["fichas"]
    columna = ws.max_column + 1
    ws.cell(1, columna, "encabezado_codigo")  # columna opcional que la plantilla no trae
    ws.cell(2, columna, "XYZ-FT-0001")
    wb.save(ruta)
    informe = generar_lote(ruta, tmp_path / "salida")
    assert informe.codigo_salida == 0
    (archivo,) = informe.archivos
    assert archivo.name == "2023_Práctica 01.docx"
    cabecera = Document(str(archivo)).sections[0].header.tables[0]
    assert "XYZ-FT-0001" in cabecera.cell(0, 4).text


def test_columna_sin_encabezado_con_datos_es_error_de_la_fila(tmp_path: Path) -> None:
    ruta = libro_fichas(tmp_path, [fila_base(1), fila_base(2)])
    wb = openpyxl.load_workbook(ruta)
    ws = wb["fichas"]
    ws.cell(3, len(CLAVES) + 2, "nota suelta")
    wb.save(ruta)
    informe = generar_lote(ruta, tmp_path / "salida")
    assert informe.generadas == 1
    (error,) = informe.errores
    assert (error.hoja, error.fila, error.columna) == ("fichas", 3, get_column_letter(len(CLAVES) + 2))


# ------------------------------------------------------------------ entradas inutilizables


def _zip_bomba(ruta: Path) -> None:
    with zipfile.ZipFile(ruta, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))


def _sin_hoja(ruta: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Hoja1"
    wb.save(ruta)


def _encabezado_desconocido(ruta: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "fichas"
    ws.append([*[c.encabezado for c in VISIBLES], "Columna inventada"])
    wb.save(ruta)


def _falta_obligatoria(ruta: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "fichas"
    ws.append([c.encabezado for c in VISIBLES if c.clave != "nombre"])
    wb.save(ruta)


CASOS_INUTILIZABLES = {
    "no_existe.xlsx": (None, "No existe"),
    "viejo.xls": (lambda r: r.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600), ".xls"),
    "cifrado.xlsx": (
        lambda r: r.write_bytes(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64 + "EncryptionInfo".encode("utf-16-le")
        ),
        "contraseña",
    ),
    "danado.xlsx": (lambda r: r.write_bytes(b"PK\x03\x04 esto no es un zip"), "dañado"),
    "bomba.xlsx": (_zip_bomba, "bomba zip"),
    "sin_hoja.xlsx": (_sin_hoja, "no tiene la hoja «fichas»"),
    "desconocido.xlsx": (_encabezado_desconocido, "Columna inventada"),
    "falta.xlsx": (_falta_obligatoria, "faltan columnas obligatorias"),
    "vacio.xlsx": (lambda r: generar_plantilla_lote("fichas", r), "no tiene filas"),
    "danado.ods": (lambda r: r.write_bytes(b"PK\x03\x04"), "dañado"),  # .ods sí se lee (issue 24)
    "datos.numbers": (lambda r: r.write_bytes(b"PK\x03\x04"), "formato no admitido"),
}


@pytest.mark.parametrize("archivo", sorted(CASOS_INUTILIZABLES))
def test_entrada_inutilizable_sale_con_2_sin_escribir(
    tmp_path: Path, archivo: str, capsys: pytest.CaptureFixture[str]
) -> None:
    preparar, mensaje = CASOS_INUTILIZABLES[archivo]
    entrada = tmp_path / archivo
    if preparar is not None:
        preparar(entrada)
    salida = tmp_path / "salida"
    assert main(["lote", str(entrada), "-o", str(salida)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and mensaje in err and "Traceback" not in err
    assert not salida.exists()


def test_limites_de_filas_y_tamano(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(6)])
    salida = tmp_path / "salida"
    assert main(["lote", str(entrada), "-o", str(salida), "--limite-filas", "5"]) == 2
    assert "tiene más de 5 filas de datos" in capsys.readouterr().err
    grande = tmp_path / "grande.csv"
    grande.write_bytes(b"nombre\n" + b"x" * (1024 * 1024 + 10) + b"\n")
    assert main(["lote", str(grande), "-o", str(salida), "--limite-mb", "1"]) == 2
    assert "el máximo admitido es 1,0 MB" in capsys.readouterr().err
    assert not salida.exists()


# ------------------------------------------------------------------ biblioteca


class _Contador(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(max_workers=2)
        self.envios = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.envios += 1
        return super().submit(fn, *args, **kwargs)


def test_executor_propio_progreso_y_determinismo(tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(6)])
    avances: list[tuple[int, int]] = []
    with _Contador() as ejecutor:
        a = generar_lote(entrada, tmp_path / "a", executor=ejecutor, combinado=True,
                         progreso=lambda h, t: avances.append((h, t)))
        assert ejecutor.envios == 6
        ejecutor.submit(int, "1").result()  # el lote no cierra un ejecutor ajeno
    b = generar_lote(entrada, tmp_path / "b", procesos=1, combinado=True)
    assert avances[-1] == (6, 6) and len(avances) == 6
    nombres = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert nombres == sorted(p.name for p in (tmp_path / "b").iterdir())
    for nombre in nombres:
        assert (tmp_path / "a" / nombre).read_bytes() == (tmp_path / "b" / nombre).read_bytes(), nombre
    assert a.generadas == b.generadas == 6


def test_plantilla_lote_derivada_del_esquema(tmp_path: Path) -> None:
    ruta = tmp_path / "p.xlsx"
    assert main(["plantilla-lote", "fichas", "-o", str(ruta)]) == 0
    otra = tmp_path / "q.xlsx"
    assert main(["plantilla-lote", "fichas", "-o", str(otra)]) == 0
    assert ruta.read_bytes() == otra.read_bytes()
    wb = openpyxl.load_workbook(ruta)
    assert wb.sheetnames[:3] == ["Instrucciones", "fichas", "Ejemplo"]
    assert wb["Listas"].sheet_state == "hidden"
    ws = wb["fichas"]
    for i, col in enumerate(VISIBLES, start=1):
        celda = ws.cell(1, i)
        assert celda.value == col.encabezado
        assert celda.comment is not None and col.clave in celda.comment.text
        if col.ayuda:
            assert col.ayuda in celda.comment.text
    validaciones = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    fecha = validaciones[f"{letra('fecha_inicio')}2:{letra('fecha_inicio')}1048576"]
    assert fecha.type == "date"
    vinculacion = validaciones[f"{letra('tipo_vinculacion')}2:{letra('tipo_vinculacion')}1048576"]
    assert vinculacion.type == "list" and vinculacion.errorStyle == "information"
    opciones = [c.value for c in wb["Listas"]["A"][1:]]
    assert "Contratista" in opciones
    ejemplo = wb["Ejemplo"]
    valores = [c.value for c in ejemplo[5]]
    assert valores[CLAVES.index("dependencia")] == "Alta Consejería TIC"
    assert "Contratista" in valores
    assert any("acuerdo-docs lote" in str(c.value) for c in wb["Instrucciones"]["A"])


# ------------------------------------------------------------------ acuerdos


def _libro_acuerdos(tmp_path: Path) -> Path:
    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo
    from acuerdo_docs.lectores.acuerdos import HOJAS, filas_de_acuerdo

    ruta = tmp_path / "acuerdos.xlsx"
    assert main(["plantilla-lote", "acuerdos", "-o", str(ruta)]) == 0
    wb = openpyxl.load_workbook(ruta)
    ejemplo = ejemplo_acuerdo()
    for id_acuerdo in ("A1", "A2"):
        for hoja_nombre, filas in filas_de_acuerdo(ejemplo, id_acuerdo).items():
            claves = [c.clave for c in HOJAS[hoja_nombre] if c.en_plantilla]
            ws = wb[hoja_nombre]
            assert [c.value for c in ws[1]] == [c.encabezado for c in HOJAS[hoja_nombre] if c.en_plantilla]
            for fila in filas:
                ws.append([fila.get(c) for c in claves])
    actores = wb["actores"]
    claves_actor = [c.clave for c in HOJAS["actores"]]
    filas_a2 = [f for f in range(2, actores.max_row + 1) if actores.cell(f, 1).value == "A2"]
    actores.cell(filas_a2[1], claves_actor.index("correo") + 1, "sin-arroba")
    controles = wb["controles"]
    claves_control = [c.clave for c in HOJAS["controles"]]
    controles.append([{"acuerdo_id": "A2", "riesgo_id": "R99", "descripcion": "Control suelto",
                       "tipo": "preventivo", "implementacion": "manual"}.get(c) for c in claves_control])
    acuerdos = wb["acuerdos"]
    duplicado = [c.value for c in acuerdos[2]]
    duplicado[0] = " a1 "  # el mismo id con espacios y minúsculas
    acuerdos.append(duplicado)
    hitos = wb["hitos"]
    claves_hito = [c.clave for c in HOJAS["hitos"]]
    hitos.append([{"acuerdo_id": "ZZ", "actividad": "Huérfana"}.get(c) for c in claves_hito])
    wb.save(ruta)
    return ruta


def test_lote_de_acuerdos_con_errores_en_hojas_hijas(tmp_path: Path) -> None:
    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo
    from acuerdo_docs.documentos.matriz import HOJA_MATRIZ
    from acuerdo_docs.lectores.acuerdos import HOJAS

    entrada = _libro_acuerdos(tmp_path)
    informe = generar_lote(entrada, tmp_path / "salida")
    assert informe.codigo_salida == 1
    por_clave = {f.clave: f for f in informe.filas}
    a1, a2 = por_clave["A1"], por_clave["A2"]
    assert a1.correcta and [Path(a).suffix for a in a1.archivos] == [".docx", ".xlsx", ".json"]
    docx, xlsx, _json = (informe.carpeta / a for a in a1.archivos)
    assert "Movilidad segura" in texto_docx(docx)
    matriz = openpyxl.load_workbook(xlsx)[HOJA_MATRIZ]
    textos = {c for fila in matriz.iter_rows(values_only=True) for c in fila if isinstance(c, str)}
    assert {r.descripcion for r in ejemplo_acuerdo().riesgos} <= textos
    assert not a2.correcta and not a2.archivos
    lugares = {(e.hoja, e.columna) for e in a2.errores}
    col_correo = get_column_letter([c.clave for c in HOJAS["actores"]].index("correo") + 1)
    col_riesgo = get_column_letter([c.clave for c in HOJAS["controles"]].index("riesgo_id") + 1)
    assert ("actores", col_correo) in lugares and ("controles", col_riesgo) in lugares
    assert all(e.fila and e.fila > 1 for e in a2.errores)
    huerfana = [f for f in informe.filas if f.hoja == "hitos"]
    assert len(huerfana) == 1 and "no hay ningún acuerdo" in huerfana[0].errores[0].mensaje
    assert "sin-arroba" not in " ".join(str(e) for e in informe.errores)
    errores = hoja(informe.carpeta / NOMBRE_INFORME, "Errores")
    assert {e[0] for e in errores} == {"acuerdos", "actores", "controles", "hitos"}
    (repetido,) = [f for f in informe.filas if f.hoja == "acuerdos" and f.fila == 4]
    assert "se repite (ya está en la fila 2)" in repetido.errores[0].mensaje and repetido.errores[0].columna == "A"


# ------------------------------------------------------------------ interrupción


def _hijos(pid: int) -> set[int]:
    hijos = set()
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                campos = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(campos[1]) == pid:
                hijos.add(int(proc.name))
    return hijos


def _vivo(pid: int) -> bool:
    try:
        estado = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return estado != "Z"


FILAS_GRANDE = 4000
"""Filas del lote que se interrumpe: de sobra para que la señal llegue antes del final aun con la máquina cargada."""


@pytest.fixture(scope="module")
def csv_grande(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ruta = tmp_path_factory.mktemp("grande") / "fichas.csv"
    with ruta.open("w", encoding="utf-8", newline="") as f:
        escritor = csv.writer(f)
        escritor.writerow(CLAVES)
        base = fila_base(0)
        for i in range(FILAS_GRANDE):
            fila = dict(
                base, nombre=f"Práctica {i:04d}", fecha_inicio="01/03/2023", fecha_diligenciamiento="24/10/2023"
            )
            escritor.writerow(["" if fila.get(c) is None else fila.get(c) for c in CLAVES])
    return ruta


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="usa /proc y señales POSIX")
@pytest.mark.parametrize("senal", ["SIGINT", "SIGTERM"])
def test_interrupcion_no_deja_archivos_a_medias(tmp_path: Path, csv_grande: Path, senal: str) -> None:
    salida = tmp_path / "salida"
    proceso = subprocess.Popen(
        [sys.executable, "-m", "acuerdo_docs.cli", "lote", str(csv_grande), "-o", str(salida),
         "--procesos", "2", "--silencioso"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )
    limite = time.monotonic() + 60
    while time.monotonic() < limite and len(list(salida.glob("*.docx"))) < 20:
        assert proceso.poll() is None, proceso.communicate()
        time.sleep(0.02)
    trabajadores = _hijos(proceso.pid)
    assert trabajadores, "el lote debía usar procesos de trabajo"
    if senal == "SIGINT":
        os.killpg(proceso.pid, signal.SIGINT)  # Ctrl-C llega a todo el grupo
    else:
        os.kill(proceso.pid, signal.SIGTERM)  # kill solo al proceso principal
    _, err = proceso.communicate(timeout=60)
    assert proceso.returncode == 130, err.decode()
    assert "Interrumpido" in err.decode() and "Traceback" not in err.decode()
    escritos = list(salida.iterdir())
    docx = [p for p in escritos if p.suffix == ".docx"]
    assert 20 <= len(docx) < FILAS_GRANDE
    assert not [p for p in escritos if p.name.startswith(".~") or p.suffix == ".tmp"]
    for archivo in docx:
        Document(str(archivo))  # cada .docx está completo
    assert not (salida / NOMBRE_INFORME).exists()
    limite = time.monotonic() + 10
    while time.monotonic() < limite and any(_vivo(p) for p in trabajadores):
        time.sleep(0.05)
    assert not any(_vivo(p) for p in trabajadores), "quedaron trabajadores vivos"


# ------------------------------------------------------------------ LibreOffice


@pytest.mark.libreoffice
def test_combinado_en_pdf_pagina_x_de_y_por_documento(tmp_path: Path) -> None:
    filas = [fila_base(i) for i in range(3)]
    filas[1]["descripcion"] = "\n\n".join(["Un párrafo largo de prueba que ocupa espacio. " * 12] * 14)
    entrada = libro_fichas(tmp_path, filas)
    salida = tmp_path / "salida"
    informe = generar_lote(entrada, salida, combinado=True, pdf=True)
    assert informe.codigo_salida == 0, [str(e) for e in informe.errores]
    individuales = [salida / a for f in informe.filas for a in f.archivos if a.endswith(".pdf")]
    assert len(individuales) == 3
    totales = [len(texto_pdf(p)) for p in individuales]
    assert len(set(totales)) > 1  # la fila larga tiene más páginas
    paginas = texto_pdf(salida / "lote_combinado.pdf")
    assert len(paginas) == sum(totales)
    leidos = [tuple(map(int, re.search(r"Página\s*(\d+)\s*de\s*(\d+)", p).groups())) for p in paginas]
    esperados = [(n, total) for total in totales for n in range(1, total + 1)]
    assert leidos == esperados
    # Sin --pdf: LibreOffice abre el combinado .docx, reinicia la numeración en cada documento y
    # calcula el total de cada uno (el PAGEREF anidado en SECTIONPAGES), sin ningún total guardado.
    sin_pdf = generar_lote(entrada, tmp_path / "sin_pdf", combinado=True)
    convertir_con_libreoffice([sin_pdf.combinado], "pdf", tmp_path / "lo")
    paginas_lo = texto_pdf(tmp_path / "lo" / "lote_combinado.pdf")
    leidos_lo = [tuple(map(int, re.search(r"Página\s*(\d+)\s*de\s*(\d+)", p).groups())) for p in paginas_lo]
    assert leidos_lo == esperados


def dimension_falsa(ruta: Path, ref: str) -> None:
    """Reescribe la dimensión declarada de la hoja de datos (hay programas que la escriben mal)."""
    with zipfile.ZipFile(ruta) as zf:
        miembros = [(i, zf.read(i)) for i in zf.infolist()]
        hojas = [i.filename for i in zf.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        hoja = max(hojas, key=lambda n: zf.read(n).count(b"<row "))  # la de datos: la que tiene más filas
    with zipfile.ZipFile(ruta, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, datos in miembros:
            if info.filename == hoja:
                datos, n = re.subn(rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), datos)
                assert n == 1
            zf.writestr(info, datos)


def test_dimension_declarada_falsa_no_corta_la_lectura_ni_evita_el_limite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(4)])
    dimension_falsa(entrada, "A1:B2")  # dice 1 fila de datos y 2 columnas; tiene 4 filas completas
    informe = generar_lote(entrada, tmp_path / "salida")
    assert informe.generadas == 4 and informe.codigo_salida == 0
    assert main(["lote", str(entrada), "-o", str(tmp_path / "otra"), "--limite-filas", "3"]) == 2
    assert "más de 3 filas de datos" in capsys.readouterr().err
    assert not (tmp_path / "otra" / NOMBRE_INFORME).exists()


@pytest.mark.parametrize("parte", ["xl/workbook.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml"])
def test_entidades_xml_externas_se_rechazan(tmp_path: Path, parte: str, capsys: pytest.CaptureFixture[str]) -> None:
    """XXE: un libro con una entidad que apunta a un archivo local no se lee (defusedxml)."""
    entrada = libro_fichas(tmp_path, [fila_base(1)])
    with zipfile.ZipFile(entrada) as zf:
        miembros = [(i, zf.read(i)) for i in zf.infolist()]
    dtd = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/hostname">]>'
    cambiado = False
    with zipfile.ZipFile(entrada, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, datos in miembros:
            if info.filename == parte:
                datos = dtd + re.sub(rb"^<\?xml[^>]*\?>", b"", datos)
                datos = datos.replace("Práctica 01".encode(), b"&e;")
                cambiado = True
            zf.writestr(info, datos)
    assert cambiado
    salida = tmp_path / "salida"
    assert main(["lote", str(entrada), "-o", str(salida)]) == 2
    err = capsys.readouterr().err
    assert f"{parte} trae declaraciones <!DOCTYPE>" in err and "Traceback" not in err
    assert not salida.exists()


@pytest.mark.libreoffice
def test_libro_guardado_por_libreoffice_da_el_mismo_lote(tmp_path: Path) -> None:
    """Un libro llenado y guardado en una hoja de cálculo real (LibreOffice Calc) genera lo mismo."""
    filas = [fila_base(i) for i in range(4)]
    filas[1]["fecha_inicio"] = "31/02/2023"
    filas[2]["retos"] = "Primer reto\nSegundo reto con «comillas» & <marcas>"
    entrada = libro_fichas(tmp_path, filas)
    convertir_con_libreoffice([entrada], "xlsx", tmp_path / "lo")
    directo = generar_lote(entrada, tmp_path / "directo")
    calc = generar_lote(tmp_path / "lo" / entrada.name, tmp_path / "calc")
    assert [(f.estado, f.archivos) for f in calc.filas] == [(f.estado, f.archivos) for f in directo.filas]
    assert [(e.hoja, e.fila, e.columna) for e in calc.errores] == [("fichas", 3, letra("fecha_inicio"))]
    for archivo in directo.archivos:
        assert texto_docx(archivo) == texto_docx(calc.carpeta / archivo.name)


# ------------------------------------------------------------------ leer una vez, generar en línea con --pdf


def _lecturas_de_hoja(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Anota cada recorrido de openpyxl por una hoja (el encabezado cuenta como uno)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    recorridos: list[str] = []
    original = ReadOnlyWorksheet._cells_by_row

    def anotado(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorridos.append(self.title)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", anotado)
    return recorridos


def test_el_libro_se_analiza_una_vez_y_da_lo_mismo_que_releerlo(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import acuerdo_docs.lote as lote
    from acuerdo_docs.lectores import hoja_calculo

    filas = [fila_base(i) for i in range(25)]
    filas[7]["correo"] = "no-es-correo"
    entrada = libro_fichas(tmp_path, filas)
    recorridos = _lecturas_de_hoja(monkeypatch)
    una = generar_lote(entrada, tmp_path / "una", procesos=1)
    # El encabezado y una sola pasada: lo renderizado se retiene sin escribir y esa pasada da el conteo.
    assert recorridos == ["fichas", "fichas"]
    recorridos.clear()
    monkeypatch.setattr(lote, "RETENER_BYTES", 1)  # no cabe lo retenido: se cuenta aparte y se sigue leyendo
    monkeypatch.setattr(hoja_calculo, "MEMORIA_FILAS", 2000)
    # Con el límite justo en las 25 filas, la cota rápida (26 elementos <row>, encabezado incluido) no basta.
    dos = generar_lote(entrada, tmp_path / "dos", procesos=1, limite_filas=25)
    assert recorridos == ["fichas", "fichas", "fichas"]
    assert [(f.fila, f.estado, f.archivos) for f in una.filas] == [(f.fila, f.estado, f.archivos) for f in dos.filas]
    assert una.generadas == 24
    for archivo in (tmp_path / "una").glob("*.docx"):
        assert archivo.read_bytes() == (tmp_path / "dos" / archivo.name).read_bytes()
    # Con el conteo aparte, pasar del límite tampoco escribe nada (ni la carpeta).
    with pytest.raises(ErrorEntrada, match="más de 20 filas"):
        generar_lote(entrada, tmp_path / "tres", procesos=1, limite_filas=20)
    assert not (tmp_path / "tres").exists()


@pytest.mark.libreoffice
def test_con_pdf_se_genera_en_linea_sin_grupo_de_procesos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice ocupa todos los núcleos: un grupo de procesos solo le quitaría CPU (docs/pdf.md)."""
    import acuerdo_docs.lote as lote

    def sin_grupo(*_: Any) -> None:
        raise AssertionError("con --pdf no se arranca un grupo de procesos")

    monkeypatch.setattr(lote, "grupo_procesos", sin_grupo)
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(lote.FILAS_EN_LINEA)])
    informe = generar_lote(entrada, tmp_path / "salida", pdf=True)
    assert informe.codigo_salida == 0 and len(informe.pdf) == lote.FILAS_EN_LINEA
    assert all(texto_pdf(p) for p in informe.pdf[:2])
    llamadas: list[int] = []
    monkeypatch.setattr(lote, "grupo_procesos", lambda n: llamadas.append(n) or ThreadPoolExecutor(n))
    generar_lote(entrada, tmp_path / "sin_pdf")  # sin --pdf, el grupo de siempre
    assert llamadas


def test_la_cota_de_filas_nunca_queda_por_debajo(tmp_path: Path) -> None:
    """La cota rápida decide que el lote cabe sin contar: contar de menos dejaría escribir un libro que no cabe."""
    from acuerdo_docs.lectores.hoja_calculo import abrir_libro

    filas = [fila_base(i) for i in range(12)]
    filas[3]["descripcion"] = "Una línea\notra\r\ny otra\rmás"
    entrada = libro_fichas(tmp_path, filas)
    with abrir_libro(entrada) as libro:
        cota = libro.cota_filas(10_000)
        assert cota is not None and cota >= 13  # los 12 datos y el encabezado (y las filas de otras hojas)
        assert libro.cota_filas(cota) == cota and libro.cota_filas(cota - 1) is None
    # Algunos programas escriben las etiquetas con prefijo (<x:row>): también cuentan.
    prefijado = tmp_path / "prefijo.xlsx"
    with zipfile.ZipFile(entrada) as origen, zipfile.ZipFile(prefijado, "w", zipfile.ZIP_DEFLATED) as destino:
        for miembro in origen.infolist():
            datos = origen.read(miembro)
            if miembro.filename.startswith("xl/worksheets/sheet"):
                datos = datos.replace(b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                      b'spreadsheetml/2006/main" ', 1)
                datos = datos.replace(b"<row ", b"<x:row ").replace(b"</row>", b"</x:row>")
            destino.writestr(miembro, datos)
    with abrir_libro(prefijado) as libro:
        assert sum(1 for numero, _ in libro.filas("fichas") if numero > 1) >= 12  # openpyxl las lee igual
        cota_prefijo = libro.cota_filas(10_000)
        assert cota_prefijo is not None and cota_prefijo >= 13
    # CSV: una celda con saltos de línea ocupa varias líneas del archivo; un registro, al menos una.
    ruta = tmp_path / "fichas.csv"
    with ruta.open("w", encoding="utf-8", newline="") as f:
        escritor = csv.writer(f)
        escritor.writerow(CLAVES)
        for fila in filas:
            escritor.writerow(["" if fila.get(c) is None else fila.get(c) for c in CLAVES])
    with abrir_libro(ruta) as libro:
        registros = sum(1 for _ in libro.filas(libro.hojas[0]))
        cota_csv = libro.cota_filas(10_000)
        assert registros == 13 and cota_csv is not None and cota_csv >= registros
        assert libro.cota_filas(registros - 1) is None


def test_si_la_cota_cabe_se_escribe_mientras_se_lee(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from acuerdo_docs.lectores.fichas import EntradaFichas
    from acuerdo_docs.lote.canal import Canal

    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(25)])
    original = EntradaFichas.unidades
    escritos_al_leer: list[int] = []
    salida = tmp_path / "salida"

    def anotado(self: EntradaFichas) -> Any:
        for unidad in original(self):
            escritos_al_leer.append(len(list(salida.glob("*.docx"))) if salida.exists() else 0)
            yield unidad

    monkeypatch.setattr(EntradaFichas, "unidades", anotado)
    una = generar_lote(entrada, salida, procesos=1)
    assert una.generadas == 25
    # Al leer la última fila ya se escribieron las primeras (solo MAX_ESCRITURAS esperan en los hilos).
    assert escritos_al_leer[-1] >= 24 - Canal.MAX_ESCRITURAS
    # Si la cota no decide (límite justo), se retiene todo hasta terminar de leer, como siempre.
    escritos_al_leer.clear()
    salida = tmp_path / "justo"
    justo = generar_lote(entrada, salida, procesos=1, limite_filas=25)
    assert escritos_al_leer == [0] * 25
    assert [(f.fila, f.archivos) for f in justo.filas] == [(f.fila, f.archivos) for f in una.filas]
    for archivo in una.archivos:
        assert archivo.read_bytes() == (salida / archivo.name).read_bytes()


def test_un_recorrido_cortado_no_gasta_la_memoria_de_las_filas_guardadas(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from acuerdo_docs.lectores import hoja_calculo

    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(6)])
    with hoja_calculo.abrir_libro(entrada) as libro:
        completas = list(libro.filas("fichas"))
        monkeypatch.setattr(libro, "_memoria", sum(hoja_calculo._memoria_fila(v) for _, v in completas))
        recorridos = _lecturas_de_hoja(monkeypatch)
        for _ in range(3):  # tres recorridos cortados (como contar(hasta=...) al pasar del límite)
            for numero, _valores in libro.filas("fichas", guardar=True):
                if numero == 4:
                    break
        assert list(libro.filas("fichas", guardar=True)) == completas  # aún cabe entera: se guarda
        assert list(libro.filas("fichas")) == completas
    assert recorridos == ["fichas"] * 4  # los tres cortados y el completo; el último, de memoria
