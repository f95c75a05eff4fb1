"""Entradas que colgaban o tumbaban el programa (issue 12): cada clase con su límite y su mensaje.

Las fixtures se generan aquí, pequeñas. Las pruebas de tiempo no miden nada: solo exigen que
la orden termine antes de un plazo generoso (``plazo``), que antes no se cumplía ni de lejos.
"""

from __future__ import annotations

import io
import json
import re
import signal
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from apoyo_seguridad import cli
from PIL import Image, PngImagePlugin
from rich.console import Console
from test_lote import dimension_falsa, fila_base, libro_fichas

from acuerdo_docs.documentos import informe as modulo_informe
from acuerdo_docs.documentos.acuerdo import cargar_acuerdo, ejemplo_acuerdo
from acuerdo_docs.documentos.ficha import cargar_practica, ejemplo_ficha, generar_ficha, renderizar_ficha
from acuerdo_docs.documentos.informe import (
    NOMBRE_INFORME,
    InformeLote,
    ResultadoFila,
    imprimir_resumen,
    libro_informe,
)
from acuerdo_docs.documentos.matriz import construir_libro
from acuerdo_docs.documentos.matriz.ruta import LIMITE_SEMANAS_GANTT
from acuerdo_docs.errores import ErrorEntrada, ErrorValidacion
from acuerdo_docs.esquemas.imagen import LIMITE_BYTES_IMAGEN
from acuerdo_docs.lectores.bloques_docx import LIMITE_ANIDAMIENTO, Parrafo, bloques_cuerpo
from acuerdo_docs.lectores.ficha_docx import extraer_campos
from acuerdo_docs.lectores.hoja_calculo import ErrorCelda
from acuerdo_docs.lote import generar_lote
from acuerdo_docs.salida.imagenes import preparar_imagen
from acuerdo_docs.salida.nombres import ErrorPatron, verificar_patron
from acuerdo_docs.terminal import para_terminal

PLAZO = 20
"""Segundos que se dan a cada lectura hostil (hoy tarda menos de 2; antes, horas)."""


@contextmanager
def plazo(segundos: int = PLAZO) -> Iterator[None]:
    """Falla la prueba si el bloque no termina a tiempo (SIGALRM: el hilo principal de pytest)."""

    def vencido(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"no terminó en {segundos} s")

    anterior = signal.signal(signal.SIGALRM, vencido)
    signal.alarm(segundos)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, anterior)


def a_bytes(documento: Any) -> bytes:
    buffer = io.BytesIO()
    documento.save(buffer)
    return buffer.getvalue()


ETIQUETAS = (
    "Nombre de la buena práctica de gestión pública:",
    "Dependencia responsable de la buena práctica:",
    "Proceso al que pertenece la buena práctica:",
)


def con_cuerpo(xml_parrafos: str) -> bytes:
    """Un .docx de python-docx con el cuerpo reemplazado (rápido para decenas de miles de párrafos)."""
    base = a_bytes(docx.Document())
    salida = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as origen, zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as destino:
        for info in origen.infolist():
            datos = origen.read(info)
            if info.filename == "word/document.xml":
                texto = datos.decode("utf-8")
                inicio = texto.index("<w:body>") + len("<w:body>")
                datos = (texto[:inicio] + xml_parrafos + texto[inicio:]).encode("utf-8")
            destino.writestr(info, datos)
    return salida.getvalue()


def parrafo_xml(texto: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{texto}</w:t></w:r></w:p>"


# ------------------------------------------------------------------ 1. lectura de fichas .docx


def tablas_anidadas(niveles: int) -> bytes:
    documento = docx.Document()
    for etiqueta in ETIQUETAS:
        documento.add_paragraph(etiqueta)
        documento.add_paragraph("valor")
    tabla = documento.add_table(rows=1, cols=2)
    for nivel in range(niveles - 1):
        celda = tabla.cell(0, 0)
        celda.paragraphs[0].text = f"nivel {nivel + 1}"
        tabla = celda.add_table(rows=1, cols=2)
    tabla.cell(0, 0).paragraphs[0].text = "fondo"
    return a_bytes(documento)


def test_tablas_anidadas_22_niveles_terminan_con_mensaje_claro() -> None:
    datos = tablas_anidadas(22)
    assert len(datos) < 60_000
    with plazo(), pytest.raises(ErrorEntrada) as error:
        extraer_campos(datos, nombre="anidadas.docx")
    assert f"más de {LIMITE_ANIDAMIENTO} niveles" in str(error.value)
    assert str(error.value).startswith("anidadas.docx: ")


def test_tablas_anidadas_22_niveles_por_la_cli(tmp_path: Path) -> None:
    entrada = tmp_path / "anidadas.docx"
    entrada.write_bytes(tablas_anidadas(22))
    with plazo():
        salida = cli("extraer", str(entrada))
    assert salida.returncode == 2
    assert "niveles" in salida.stderr and "Traceback" not in salida.stderr


def test_tablas_anidadas_dentro_del_limite_se_leen_una_vez() -> None:
    """Cada párrafo aparece una sola vez en el flujo (antes, cada celda se leía dos veces por nivel)."""
    documento = docx.Document(io.BytesIO(tablas_anidadas(LIMITE_ANIDAMIENTO)))
    bloques, apartadas = bloques_cuerpo(documento)
    textos = [b.texto for b in bloques if isinstance(b, Parrafo) and b.texto]
    assert textos.count("fondo") == 1
    assert [t for t in textos if t.startswith("nivel ")] == [f"nivel {n}" for n in range(1, LIMITE_ANIDAMIENTO)]
    assert apartadas == []


def test_60000_parrafos_parecidos_a_etiquetas_terminan() -> None:
    """Etiquetas exactas, etiquetas en línea y guías: cada una es candidata a campo (antes, cuadrático)."""
    variantes = [*ETIQUETAS, "Tipo de vinculación: Contratista"]
    datos = con_cuerpo("".join(parrafo_xml(variantes[i % len(variantes)]) for i in range(60_000)))
    assert len(datos) < 100_000  # pequeño comprimido, como el del ataque
    with plazo():
        extraida = extraer_campos(datos)
    # Se leyó de verdad: la cadena de etiquetas es la del formato, con el valor en línea.
    assert {"nombre", "dependencia", "proceso", "tipo_vinculacion"} <= set(extraida.campos)
    assert extraida.campos["tipo_vinculacion"].startswith("Contratista\n")


def test_miles_de_parrafos_casi_iguales_a_la_guia_terminan() -> None:
    from acuerdo_docs.esquemas.ficha import BuenaPractica

    guia = BuenaPractica.model_fields["descripcion"].description or ""
    cuerpo = "".join(parrafo_xml(e) + parrafo_xml("valor") for e in ETIQUETAS)
    cuerpo += parrafo_xml("Descripción de la buena práctica")
    cuerpo += parrafo_xml(guia[:-5] + "zzzzz")  # la guía editada bajo la etiqueta: se ignora
    cuerpo += "".join(parrafo_xml(f"{i} {guia[:-9]}") for i in range(5000))
    with plazo():
        extraida = extraer_campos(con_cuerpo(cuerpo))
    descripcion = extraida.campos["descripcion"]
    assert not descripcion.startswith(guia[:40])  # la guía del formato no se tomó como valor
    assert descripcion.count("\n\n") > 4900  # el resto sí es valor (solo los primeros párrafos se comparan)


# ------------------------------------------------------------------ 2. informe del lote


def _error(fila: int, n: int) -> ErrorCelda:
    return ErrorCelda("fichas", fila, "A", "Nombre", "nombre", f"error {n}")


def test_errores_por_fila_y_por_informe_con_cupo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modulo_informe, "MAX_ERRORES_FILA", 5)
    monkeypatch.setattr(modulo_informe, "MAX_ERRORES_INFORME", 12)
    informe = InformeLote(entrada=Path("entrada.xlsx"), carpeta=Path("salida"), tipo="fichas")
    for fila in range(2, 8):  # 6 filas x 9 errores
        resultado = ResultadoFila("fichas", fila, f"f{fila}", "con errores")
        informe.filas.append(resultado)
        informe.agregar_errores(resultado, (_error(fila, n) for n in range(9)))
    assert informe.total_errores == 54
    # La tercera fila llena el cupo del informe (12); desde ahí, un error por fila.
    assert [len(f.errores) for f in informe.filas] == [5, 5, 2, 1, 1, 1]
    wb = libro_informe(informe)
    errores = list(wb["Errores"].iter_rows(min_row=2, values_only=True))
    assert len(errores) == 13  # 12 listados y una fila de resumen
    assert errores[-1][-1] == "… y 42 error(es) más: vea la columna Errores de la hoja Filas"
    filas = list(wb["Filas"].iter_rows(min_row=2, values_only=True))
    assert filas[0][5].endswith("… y 4 error(es) más") and filas[2][5].endswith("… y 7 error(es) más")
    assert filas[-1][5] == "fichas!A7 «Nombre»: error 0\n… y 8 error(es) más"


def test_lote_con_muchos_errores_escribe_el_informe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cada fila trae datos en 300 columnas sin encabezado y campos obligatorios vacíos."""
    monkeypatch.setattr(modulo_informe, "MAX_ERRORES_INFORME", 40)
    from acuerdo_docs.lectores.fichas import COLUMNAS

    otras = [c.clave for c in COLUMNAS if c.en_plantilla and c.clave not in ("nombre", "fecha_inicio")]
    encabezado = ";".join(["nombre", "fecha_inicio", *otras]) + ";" * 300
    filas = [f"P{i};no es fecha" + ";" * len(otras) + ";" + ";".join("x" for _ in range(300)) for i in range(30)]
    entrada = tmp_path / "entrada.csv"
    entrada.write_text("\n".join([encabezado, *filas]) + "\n", encoding="utf-8")
    informe = generar_lote(entrada, tmp_path / "salida")
    assert informe.generadas == 0 and informe.codigo_salida == 1
    assert (tmp_path / "salida" / NOMBRE_INFORME).is_file()
    sueltas = [e for f in informe.filas for e in f.errores if "no tienen encabezado" in e.mensaje]
    assert sueltas and "y 290 más" in sueltas[0].mensaje  # un error por fila, no 300
    wb = openpyxl.load_workbook(tmp_path / "salida" / NOMBRE_INFORME, read_only=True)
    listados = list(wb["Errores"].iter_rows(min_row=2, values_only=True))
    assert len(listados) <= 41 + 30 and "error(es) más" in str(listados[-1][-1])


# ------------------------------------------------------------------ 3. dimensión declarada falsa


def test_hoja_que_declara_menos_filas_no_escribe_nada(tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(4)])
    dimension_falsa(entrada, "A1:B2")  # dice 1 fila de datos; tiene 4
    salida = cli("lote", str(entrada), "-o", str(tmp_path / "salida"), "--limite-filas", "3")
    assert salida.returncode == 2
    assert "más de 3 filas de datos" in salida.stderr
    assert not (tmp_path / "salida").exists()  # ni documentos ni informe: el límite se vio antes


# ------------------------------------------------------------------ 4. entradas extremas


def test_json_con_2000_listas_anidadas(tmp_path: Path) -> None:
    entrada = tmp_path / "profundo.json"
    entrada.write_text('{"nombre": ' + "[" * 2000 + "1" + "]" * 2000 + "}", encoding="utf-8")
    salida = cli("ficha", str(entrada), "-o", str(tmp_path / "f.docx"))
    assert salida.returncode == 2
    assert "más de 64 niveles" in salida.stderr and "Traceback" not in salida.stderr
    medio = tmp_path / "medio.json"  # lo lee Python, pero pasa del límite documentado
    medio.write_text('{"nombre": ' + "[" * 100 + "]" * 100 + "}", encoding="utf-8")
    assert cli("ficha", str(medio), "-o", str(tmp_path / "f.docx")).returncode == 2
    assert not (tmp_path / "f.docx").exists()


def test_sustituto_suelto_en_una_clave(tmp_path: Path) -> None:
    entrada = tmp_path / "sustituto.json"
    entrada.write_text('{"encabezado": {"c\\ud800digo": "x"}}', encoding="utf-8")
    salida = cli("ficha", str(entrada), "-o", str(tmp_path / "f.docx"))
    assert salida.returncode == 2
    assert "una clave del JSON (en encabezado)" in salida.stderr
    assert "\ud800" not in salida.stderr
    with pytest.raises(ErrorValidacion) as error:  # por la biblioteca: un error en español
        cargar_practica({"\ud800": 1})
    assert "sustituto UTF-16 suelto" in str(error.value)


def test_controles_fuera_de_rango(tmp_path: Path) -> None:
    entrada = tmp_path / "acuerdo.json"
    entrada.write_text(ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    salida = cli("riesgos", str(entrada), "-o", str(tmp_path / "m.xlsx"), "--controles", "100000")
    assert salida.returncode == 2
    assert "--controles: debe estar entre 1 y 10" in salida.stderr
    assert not (tmp_path / "m.xlsx").exists()
    with pytest.raises(ErrorEntrada, match="como máximo 10"):
        construir_libro(ejemplo_acuerdo(), columnas_control=100000)
    datos = ejemplo_acuerdo().model_dump(mode="json")
    datos["riesgos"][0]["controles"] = datos["riesgos"][0]["controles"][:1] * 11
    with pytest.raises(ErrorValidacion, match=r"riesgos\[1\]\.controles .*como máximo 10"):
        cargar_acuerdo(datos)


def test_fecha_9999_en_la_hoja_de_ruta() -> None:
    datos = ejemplo_acuerdo().model_dump(mode="json")
    datos["hoja_de_ruta"][0]["fin"] = "9999-12-31"
    with pytest.raises(ErrorValidacion) as error:
        cargar_acuerdo(datos)
    assert [e.ruta for e in error.value.errores] == ["hoja_de_ruta[1].fin"]
    assert "a menos de 10 años de la fecha del acuerdo" in error.value.errores[0].mensaje


def test_referencia_lejana_en_la_matriz(tmp_path: Path) -> None:
    entrada = tmp_path / "acuerdo.json"
    entrada.write_text(ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    salida = cli("riesgos", str(entrada), "-o", str(tmp_path / "m.xlsx"), "--referencia", "9999-12-31")
    assert salida.returncode == 2
    assert f"como máximo {LIMITE_SEMANAS_GANTT}" in salida.stderr and "--referencia" in salida.stderr
    assert not (tmp_path / "m.xlsx").exists()


def test_fecha_9999_en_un_lote_de_acuerdos_es_error_de_la_celda(tmp_path: Path) -> None:
    from acuerdo_docs.lectores.acuerdos import HOJAS, filas_de_acuerdo

    ruta = tmp_path / "acuerdos.xlsx"
    assert cli("plantilla-lote", "acuerdos", "-o", str(ruta)).returncode == 0
    wb = openpyxl.load_workbook(ruta)
    for hoja, filas in filas_de_acuerdo(ejemplo_acuerdo(), "A1").items():
        claves = [c.clave for c in HOJAS[hoja] if c.en_plantilla]
        for fila in filas:
            if hoja == "hitos" and fila is filas[0]:
                fila = {**fila, "fin": date(9999, 12, 31)}
            wb[hoja].append([fila.get(c) for c in claves])
    wb.save(ruta)
    informe = generar_lote(ruta, tmp_path / "salida")
    (fila,) = informe.filas
    assert fila.estado == "con errores"
    (error,) = fila.errores
    assert error.hoja == "hitos" and error.fila == 2 and error.columna
    assert "10 años" in error.mensaje and "interno" not in error.mensaje


@pytest.mark.parametrize(("patron", "mensaje"), [
    ("{fila:>3000000000}", "el máximo es 100"),
    ("{nombre:0>999}", "el máximo es 100"),
    ("{nombre:{fila}}", "dentro del formato"),
    ("x" * 600 + "{nombre}", "el máximo es 500"),
])
def test_patron_de_nombres_con_anchos_enormes(patron: str, mensaje: str) -> None:
    with plazo(), pytest.raises(ErrorPatron, match=mensaje):
        verificar_patron(patron, {"fila": 2, "nombre": "texto"})


def test_patron_enorme_por_la_cli(tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(1)])
    with plazo():
        salida = cli("lote", str(entrada), "-o", str(tmp_path / "salida"), "--nombre", "{fila:>3000000000}")
    assert salida.returncode == 2 and "el máximo es 100" in salida.stderr
    assert not (tmp_path / "salida").exists()


def _informe_hostil() -> InformeLote:
    informe = InformeLote(entrada=Path("entrada.xlsx"), carpeta=Path("salida"), tipo="fichas")
    resultado = ResultadoFila("fichas\x1b]0;hoja\x07", 2, "x", "con errores")
    informe.filas.append(resultado)
    informe.agregar_errores(resultado, [ErrorCelda(
        "fichas\x1b]0;hoja\x07", 2, "B", "nombre [/]\x1b[2J[bold]", "", "mensaje [/] con \x07 y \u202e",
    )])
    informe.avisos.append("aviso [/]\x1b[31m")
    return informe


@pytest.mark.parametrize("terminal", [True, False])
def test_resumen_con_marcado_y_controles_en_la_terminal(terminal: bool) -> None:
    salida = io.StringIO()
    consola = Console(file=salida, force_terminal=terminal, width=200, color_system=None)
    imprimir_resumen(_informe_hostil(), consola)  # antes: MarkupError con «[/]»
    texto = salida.getvalue()
    assert "[/]" in texto and "\\x1b" in texto and "\\x07" in texto and "\\u202e" in texto
    assert "\x07" not in texto and "\u202e" not in texto
    assert "\x1b]" not in texto and "\x1b[2J" not in texto


# ------------------------------------------------------------------ 5. caracteres de control en mensajes


def test_caracteres_de_control_de_una_hoja_no_llegan_a_la_terminal(tmp_path: Path) -> None:
    entrada = tmp_path / "fichas.csv"  # un CSV lleva el ESC tal cual (openpyxl no lo escribiría)
    entrada.write_text("nombre;nombre [/]\x1b[2J\x1b]0\x07\nPráctica;x\n", encoding="utf-8")
    salida = cli("lote", str(entrada), "-o", str(tmp_path / "salida"))
    assert salida.returncode == 2
    assert "nombre [/]\\x1b[2J\\x1b]0\\x07" in salida.stderr
    assert "\x1b" not in salida.stderr + salida.stdout and "\x07" not in salida.stderr


def test_caracteres_de_control_de_un_json_no_llegan_a_la_terminal(tmp_path: Path) -> None:
    entrada = tmp_path / "datos.json"
    entrada.write_text(json.dumps({"campo\x1b]0;x\x07\r\u202e": 1}), encoding="utf-8")
    salida = cli("ficha", str(entrada), "-o", str(tmp_path / "f.docx"))
    assert salida.returncode == 1
    assert "campo\\x1b]0;x\\x07\\x0d\\u202e" in salida.stderr
    assert not any(c in salida.stderr for c in "\x1b\x07\r\u202e")


def test_para_terminal_deja_saltos_y_tabuladores() -> None:
    assert para_terminal("a\tb\nc") == "a\tb\nc"
    assert para_terminal("\x00\x7f\x9b\ud800\u2066") == "\\x00\\x7f\\x9b\\ud800\\u2066"


def test_para_terminal_sin_nada_imprimible_que_escapar_no_cambia_nada() -> None:
    """El atajo de ``para_terminal`` (un texto imprimible se devuelve tal cual, sin la expresión regular)
    vale porque ningún carácter que se escapa es imprimible: se comprueba en todo el plano básico."""
    from acuerdo_docs import terminal

    patron = re.compile(terminal._PATRON_CONTROL)
    escapados = [chr(c) for c in range(0x10000) if patron.fullmatch(chr(c))]
    assert len(escapados) > 2000 and not any(c.isprintable() for c in escapados)
    for texto in ("Ficha escrita: /tmp/ñandú/ficha.docx", "a\u00a0b", "x\u2028y", "\U0001f600", "d\u0301"):
        assert para_terminal(texto) == patron.sub(terminal._visible, texto)


# ------------------------------------------------------------------ 6. límites de las imágenes


def png_que_declara(ruta: Path, ancho: int, alto: int) -> Path:
    """Un PNG de pocos bytes cuya cabecera (IHDR) declara ``ancho`` x ``alto`` píxeles."""
    base = io.BytesIO()
    Image.new("RGB", (1, 1)).save(base, "PNG")
    datos = bytearray(base.getvalue())
    datos[16:24] = ancho.to_bytes(4, "big") + alto.to_bytes(4, "big")
    datos[29:33] = zlib.crc32(bytes(datos[12:29])).to_bytes(4, "big")
    ruta.write_bytes(bytes(datos))
    return ruta


@pytest.mark.parametrize(("ancho", "alto", "detalle"), [
    (8000, 6000, "demasiados píxeles (8000 x 6000)"),  # 48 MP: pasa del límite propio
    (50_000, 50_000, "demasiados píxeles"),  # 2.500 MP: Pillow lo rechaza ya en la cabecera
])
def test_imagen_con_demasiados_pixeles_se_rechaza_sin_decodificar(
    tmp_path: Path, ancho: int, alto: int, detalle: str
) -> None:
    """El nombre del archivo lleva una cédula: el mensaje nombra el campo, no el archivo."""
    ruta = png_que_declara(tmp_path / "cedula_1234567890_juan.png", ancho, alto)
    practica = ejemplo_ficha().model_dump(mode="json")
    practica["anexos"] = [{"nombre": "Uno", "archivo": str(ruta)}]
    with plazo(), pytest.raises(ErrorValidacion) as error:
        cargar_practica(practica)
    (campo,) = error.value.errores
    assert campo.ruta == "anexos[1].archivo"
    assert detalle in campo.mensaje and "40 megapíxeles" in campo.mensaje
    assert "1234567890" not in str(error.value) and "juan" not in str(error.value)


def test_imagen_demasiado_pesada_se_rechaza_por_el_tamano(tmp_path: Path) -> None:
    ruta = tmp_path / "foto_de_maria_perez.png"
    base = io.BytesIO()
    Image.new("RGB", (2, 2)).save(base, "PNG")
    with ruta.open("wb") as f:
        f.write(base.getvalue())
        f.truncate(LIMITE_BYTES_IMAGEN + 1)  # disperso: no ocupa disco
    practica = ejemplo_ficha().model_dump(mode="json")
    practica["anexos"] = [{"nombre": "Uno", "archivo": str(ruta)}]
    salida_json = tmp_path / "ficha.json"
    salida_json.write_text(json.dumps(practica), encoding="utf-8")
    salida = cli("ficha", str(salida_json), "-o", str(tmp_path / "f.docx"))
    assert salida.returncode == 1
    assert "anexos[1].archivo" in salida.stderr and "el máximo es 20 MB" in salida.stderr
    assert "maria" not in salida.stderr and not (tmp_path / "f.docx").exists()


def test_el_motor_no_repite_el_nombre_del_archivo(tmp_path: Path) -> None:
    ruta = tmp_path / "cedula_1234567890.png"
    ruta.write_bytes(b"\x89PNG\r\n\x1a\nbasura")
    for publico in (False, True):
        with pytest.raises(ErrorEntrada) as error:
            preparar_imagen(ruta, publico=publico)
        assert "1234567890" not in str(error.value) and "Imagen de un anexo" in str(error.value)
    with pytest.raises(ErrorEntrada) as error:
        preparar_imagen(tmp_path / "no_existe_1234567890.png")
    assert "1234567890" not in str(error.value)


# ------------------------------------------------------------------ 7. datos personales en imágenes

SECRETO = "Juan Pérez Gómez CC 79123456"


def png_con_texto(ruta: Path) -> Path:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", SECRETO)  # tEXt (latin-1)
    info.add_text("Comment", SECRETO, zip=True)  # zTXt
    info.add_itxt("Description", SECRETO)  # iTXt (UTF-8)
    Image.new("RGBA", (30, 20), (200, 30, 30, 128)).save(ruta, "PNG", pnginfo=info)
    return ruta


def jpeg_con_exif(ruta: Path) -> Path:
    exif = Image.Exif()
    exif[0x013B] = SECRETO  # Artist
    exif[0x010E] = SECRETO  # ImageDescription
    exif[0x0112] = 6  # orientación: girada 90°
    Image.new("RGB", (40, 20), (10, 120, 200)).save(ruta, "JPEG", exif=exif.tobytes(), comment=SECRETO.encode())
    return ruta


def _rastros(datos: bytes) -> bool:
    """Cierto si el secreto aparece en algún miembro del .docx (descomprimido), en UTF-8, latin-1 o UTF-16."""
    formas = [SECRETO.encode("utf-8"), SECRETO.encode("latin-1"), SECRETO.encode("utf-16-le"), b"79123456"]
    with zipfile.ZipFile(io.BytesIO(datos)) as zf:
        return any(f in zf.read(n) for n in zf.namelist() for f in formas)


def test_la_version_publica_incrusta_imagenes_sin_metadatos(tmp_path: Path) -> None:
    practica = ejemplo_ficha().model_dump(mode="json")
    practica["anexos"] = [
        {"nombre": "Mapa", "archivo": str(png_con_texto(tmp_path / "a.png"))},
        {"nombre": "Foto", "archivo": str(jpeg_con_exif(tmp_path / "b.jpg"))},
    ]
    privada = renderizar_ficha(practica)
    assert _rastros(privada)  # la prueba puede fallar: el secreto sí viaja en las imágenes originales
    publica = renderizar_ficha(practica, publico=True)
    assert not _rastros(publica)
    assert publica == renderizar_ficha(practica, publico=True)  # determinista
    with zipfile.ZipFile(io.BytesIO(publica)) as zf:
        imagenes = sorted(n for n in zf.namelist() if n.startswith("word/media/") and "anexo" in n or
                          n.startswith("word/media/acuerdo_docs_"))
        assert len(imagenes) == 2
        vistas = [Image.open(io.BytesIO(zf.read(n))) for n in imagenes]
    png, jpeg = sorted(vistas, key=lambda i: i.format or "", reverse=True)
    assert png.format == "PNG" and png.size == (30, 20) and png.mode == "RGBA"
    assert not png.info.get("Author") and "icc_profile" not in png.info
    assert jpeg.format == "JPEG" and jpeg.size == (20, 40)  # la orientación EXIF se aplicó a los píxeles
    assert not jpeg.getexif() and "comment" not in jpeg.info


def test_la_ficha_publica_escrita_no_lleva_metadatos_de_imagen(tmp_path: Path) -> None:
    practica = ejemplo_ficha().model_dump(mode="json")
    practica["anexos"] = [{"nombre": "Foto", "archivo": str(jpeg_con_exif(tmp_path / "b.jpg"))}]
    destino = tmp_path / "ficha_publica.docx"
    generar_ficha(practica, destino, publico=True)
    assert not _rastros(destino.read_bytes())
    documento = docx.Document(str(destino))
    assert len(documento.inline_shapes) == 1  # la imagen sigue en el documento
