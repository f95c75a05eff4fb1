"""Lectura de fichas FT-1311 (.docx) de vuelta a BuenaPractica: ida y vuelta, corpus a mano, semilla."""

from __future__ import annotations

import importlib.util
import io
import json
import os
import struct
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import SEMILLA, convertir_con_libreoffice, validar_contra_esquema
from docx import Document
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from acuerdo_docs.cli import main
from acuerdo_docs.documentos.ficha import ejemplo_ficha, renderizar_ficha
from acuerdo_docs.errores import ErrorEntrada, ErrorValidacion
from acuerdo_docs.esquemas.comun import RESERVADO
from acuerdo_docs.esquemas.ficha import CAMPOS_TEXTO_LARGO, BuenaPractica
from acuerdo_docs.lectores import docx_seguro
from acuerdo_docs.lectores.ficha_docx import (
    campos_a_json,
    choca_con_formato,
    extraer_campos,
    forma_canonica,
    leer_ficha,
    practica_a_json,
)
from acuerdo_docs.salida.entorno_word import parrafos

CORPUS = Path(__file__).resolve().parent / "corpus_fichas"


def _cargar_constructor() -> Any:
    spec = importlib.util.spec_from_file_location("construir_corpus", CORPUS / "construir_corpus.py")
    assert spec and spec.loader
    modulo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(modulo)
    return modulo


constructor = _cargar_constructor()


def comparar(leida: BuenaPractica, esperada: BuenaPractica) -> None:
    """Campo por campo, para que el fallo nombre el campo."""
    for nombre in BuenaPractica.model_fields:
        assert getattr(leida, nombre) == getattr(esperada, nombre), nombre


def practica(**cambios: Any) -> BuenaPractica:
    datos = ejemplo_ficha().model_dump()
    datos.update(cambios)
    return BuenaPractica.model_validate(datos)


# ------------------------------------------------------------------ ida y vuelta


@pytest.mark.parametrize("motor", ["compilado", "docxtpl"])
def test_ida_y_vuelta_del_ejemplo(motor: str) -> None:
    ejemplo = ejemplo_ficha()
    extraida = extraer_campos(renderizar_ficha(ejemplo, motor=motor))
    assert extraida.avisos == [] and extraida.sin_etiqueta == []
    comparar(extraida.validar(), ejemplo)


def test_ida_y_vuelta_con_textos_dificiles_listas_y_opcionales() -> None:
    original = practica(
        nombre="  «Ñandú» & <b>co</b> {{ 7*7 }} {% if %} 🙂\tcon tabulador ",
        directivo="",
        colaborador="Persona Ejemplo\nsegunda línea",
        telefono="+57 601 381 3000 ext. 12",
        correo="persona.ejemplo@alcaldiabogota.gov.co",
        descripcion="Primer párrafo.\nCon salto de línea manual.\n\n\n\nSegundo, tras varias líneas en blanco.\n \n"
        "Tercero tras una línea con espacios.\n\n  Cuarto con sangría de espacios.",
        otros_aspectos="=1+1 y -2 «no son fórmulas»",
        retos=["- empieza con guion", "1. empieza con número", "dos\nlíneas", "• viñeta escrita"],
        anexos=[
            {"nombre": "Matriz de riesgos", "descripcion": "Hoja de Excel.\n\nCon dos párrafos."},
            {"nombre": "2024 informe", "descripcion": ""},
            {"nombre": "Acta: reunión de inicio", "descripcion": " "},
        ],
        encabezado={"entidad": "", "proceso": "OTRO PROCESO", "version": "07"},
    )
    leida = leer_ficha(renderizar_ficha(original))
    comparar(leida, forma_canonica(original))
    # Lo que la forma canónica cambió es justo lo que un .docx no conserva.
    assert leida.descripcion == (
        "Primer párrafo.\nCon salto de línea manual.\n\nSegundo, tras varias líneas en blanco.\n\n"
        "Tercero tras una línea con espacios.\n\n  Cuarto con sangría de espacios."
    )
    assert leida.nombre == original.nombre and leida.retos == original.retos
    assert leida.anexos[2].descripcion == "" and leida.encabezado.entidad == ""


def test_anexo_con_imagen_se_lee_sin_el_archivo(tmp_path: Path) -> None:
    imagen = tmp_path / "foto.png"
    imagen.write_bytes(_png_1x1())
    original = practica(anexos=[{"nombre": "Foto del taller", "descripcion": "Sesión 1", "archivo": str(imagen)}])
    extraida = extraer_campos(renderizar_ficha(original))
    comparar(extraida.validar(), forma_canonica(original))
    assert any("imagen" in a for a in extraida.avisos)


def test_version_publica_se_lee_con_los_datos_personales_vacios() -> None:
    original = practica(colaborador="Persona Ejemplo", telefono="601 3813000",
                        correo="persona.ejemplo@alcaldiabogota.gov.co")
    extraida = extraer_campos(renderizar_ficha(original, publico=True))
    leida = extraida.validar()
    assert (leida.directivo, leida.colaborador, leida.telefono, leida.correo) == ("", "", None, None)
    assert sum("reservado" in a for a in extraida.avisos) == 4  # los cuatro datos personales de la ficha
    assert all(RESERVADO not in a for a in extraida.avisos)


# Texto realista: palabras con tildes, ñ y emoji, puntuación, marcas de plantilla y de
# Excel, saltos de línea y párrafos. Se descartan los valores que son texto del formato.
_PALABRAS = st.sampled_from([
    "gestión", "pública", "niño", "ÑANDÚ", "año", "acción", "innovación", "datos", "entidad", "reto",
    "🙂", "🚀", "€", "&", "<b>", "{{ 7*7 }}", "{%", "=SUMA(A1)", "-", "•", "1.", "50%", "\"citas\"",
    "'comillas'", "x", "¿qué?", "¡sí!", "(paréntesis)", "a/b", "\ttab", "_guion_", "ü", "Ç", "", " ", "\xa0",
])
_LINEA_LIBRE = st.lists(_PALABRAS, min_size=1, max_size=12).map(" ".join)  # puede ser solo espacios
_LINEA = _LINEA_LIBRE.filter(str.strip)
_PARRAFO = st.lists(_LINEA_LIBRE, min_size=1, max_size=3).map("\n".join).filter(str.strip)
_TEXTO_LARGO = st.lists(st.one_of(_PARRAFO, _LINEA_LIBRE), min_size=1, max_size=4).map("\n\n".join).filter(str.strip)
_OPCIONAL = st.one_of(st.just(""), _LINEA)
_FECHA = st.dates(date(1950, 1, 1), date(2099, 12, 31))


@st.composite
def practicas(draw: st.DrawFn) -> BuenaPractica:
    inicio, diligenciamiento = sorted([draw(_FECHA), draw(_FECHA)])  # no se documenta antes de empezar
    datos: dict[str, Any] = {
        "fecha_diligenciamiento": diligenciamiento,
        "fecha_inicio": inicio,
        "telefono": draw(st.sampled_from([None, "601 3813000", "+57 300 123 4567"])),
        "correo": draw(st.sampled_from([None, "persona.ejemplo@alcaldiabogota.gov.co"])),
        "retos": draw(st.lists(_PARRAFO, min_size=1, max_size=4)),
        "anexos": draw(st.lists(st.fixed_dictionaries({
            "nombre": _PARRAFO, "descripcion": st.one_of(st.just(""), _TEXTO_LARGO),
        }), max_size=3)),
        "encabezado": {"entidad": draw(_OPCIONAL), "proceso": draw(_LINEA), "version": draw(_LINEA)},
    }
    for nombre in ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion"):
        datos[nombre] = draw(_PARRAFO)
    for nombre in ("directivo", "colaborador"):
        datos[nombre] = draw(_OPCIONAL)
    for nombre in CAMPOS_TEXTO_LARGO:
        datos[nombre] = draw(st.one_of(st.just(""), _TEXTO_LARGO) if nombre == "otros_aspectos" else _TEXTO_LARGO)
    return BuenaPractica.model_validate(datos)


def _unidades(p: BuenaPractica) -> list[str]:
    """Cada texto que el renderizador pone en un párrafo propio."""
    unidades: list[str] = []
    for nombre in BuenaPractica.model_fields:
        valor = getattr(p, nombre)
        if nombre in CAMPOS_TEXTO_LARGO:
            unidades += parrafos(valor)
        elif isinstance(valor, str):
            unidades.append(valor)
    unidades += p.retos
    for i, anexo in enumerate(p.anexos, start=1):
        unidades += [f"{i}. {anexo.nombre}", anexo.descripcion]
    return unidades


# Acotada para que corra en segundos; EJEMPLOS_HYPOTHESIS=2000 para una búsqueda larga.
@settings(
    max_examples=int(os.environ.get("EJEMPLOS_HYPOTHESIS", "40")), deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(practicas())
def test_ida_y_vuelta_de_practicas_aleatorias(original: BuenaPractica) -> None:
    assume(not any(choca_con_formato(u) for u in _unidades(original)))
    datos = renderizar_ficha(original)
    leida = leer_ficha(io.BytesIO(datos))
    comparar(leida, forma_canonica(original))
    validar_contra_esquema(practica_a_json(leida), "ficha")  # lo que escribiría «extraer»


# ------------------------------------------------------------------ corpus a mano


def _casos_corpus() -> list[Path]:
    return sorted(CORPUS.glob("*.docx"))


def test_el_corpus_tiene_al_menos_cinco_fichas_con_su_json() -> None:
    fichas = _casos_corpus()
    assert len(fichas) >= 5
    assert all(f.with_suffix(".json").is_file() for f in fichas)


def _verificar_caso(datos: bytes | Path, esperado: dict[str, Any]) -> None:
    extraida = extraer_campos(datos)
    if "errores" in esperado:  # ficha a medio llenar: lo leído y los campos con error
        assert campos_a_json(extraida.campos) == esperado["campos"]
        assert [e.ruta for e in extraida.errores()] == esperado["errores"]
        with pytest.raises(ErrorValidacion):
            extraida.validar()
        return
    comparar(extraida.validar(), BuenaPractica.model_validate(esperado))


@pytest.mark.parametrize("ficha", _casos_corpus(), ids=lambda p: p.stem)
def test_ficha_del_corpus_se_lee_como_su_json(ficha: Path) -> None:
    _verificar_caso(ficha, json.loads(ficha.with_suffix(".json").read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "nombre", [n for n in constructor.CASOS if n != "05_libreoffice"]
)
def test_corpus_tecleado_sobre_el_formulario_en_blanco_actual(nombre: str) -> None:
    """Los mismos casos, tecleados hoy sobre la plantilla vigente (si la plantilla cambia, siguen leyéndose)."""
    esperado, construir = constructor.CASOS[nombre]
    _verificar_caso(construir(), esperado)


def test_formulario_en_blanco_no_tiene_marcas_de_plantilla_y_no_es_una_ficha_valida() -> None:
    en_blanco = constructor.formulario_en_blanco()
    texto = "\n".join(p.text for p in Document(io.BytesIO(en_blanco)).paragraphs)
    assert "{{" not in texto and "{%" not in texto
    extraida = extraer_campos(en_blanco)
    assert extraida.sin_etiqueta == []
    assert {e.ruta for e in extraida.errores()} >= {"nombre", "descripcion", "retos", "fecha_inicio"}


def test_la_semilla_tecleada_en_un_formulario_en_blanco_da_el_ejemplo() -> None:
    semilla = SEMILLA / "ficha_4202000-FT-1311_acuerdo_simbolico.txt"
    extraida = extraer_campos(constructor.teclear_semilla(semilla.read_text(encoding="utf-8")))
    assert extraida.avisos == []
    # La semilla no trae datos de contacto; el ejemplo incorporado sí (inventados, para que --publico se vea).
    sin_contacto = ejemplo_ficha().model_copy(update={"directivo": "", "colaborador": "", "telefono": None,
                                                      "correo": None})
    comparar(extraida.validar(), sin_contacto)


# ------------------------------------------------------------------ tolerancia


def _formulario(*acciones: Any) -> bytes:
    f = constructor.Formulario()
    esperado = json.loads((CORPUS / "01_word_guia_en_su_sitio.json").read_text(encoding="utf-8"))
    for accion in acciones:
        accion(f, esperado)
    return f.bytes(), esperado


def _llenar(f: Any, e: dict[str, Any], salvo: tuple[str, ...] = ()) -> None:
    f.fecha_en_cajas("fecha_diligenciamiento", "14", "03", "2024")
    f.fecha_en_cajas("fecha_inicio", "01", "02", "2023")
    for campo in ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion", "descripcion",
                  "linea_base", "poblacion_objetivo", "alcance", "aporte", "difusion", "estabilidad",
                  "conclusiones"):
        if campo not in salvo:
            f.escribir(campo, *e[campo].split("\n\n"))
    if "retos" not in salvo:
        f.escribir("retos", *e["retos"])


def test_etiqueta_en_mayusculas_sin_tildes_y_valor_en_la_misma_linea() -> None:
    def accion(f: Any, e: dict[str, Any]) -> None:
        _llenar(f, e, salvo=("tipo_vinculacion", "alcance"))
        constructor._poner_texto(f.etiqueta("tipo_vinculacion"), "TIPO DE VINCULACION:\tContratista")
        constructor._poner_texto(f.etiqueta("alcance"), "alcance : Un año")

    datos, _ = _formulario(accion)
    leida = leer_ficha(datos)
    assert (leida.tipo_vinculacion, leida.alcance) == ("Contratista", "Un año")


def test_un_parrafo_igual_a_una_etiqueta_posterior_dentro_de_un_campo_es_dato() -> None:
    """«Alcance:» escrito dentro de la descripción: la lectura que halla todos los campos en orden gana."""
    def accion(f: Any, e: dict[str, Any]) -> None:
        _llenar(f, e, salvo=("descripcion",))
        f.escribir("descripcion", "Primero.", "Alcance:", "Después.")

    datos, esperado = _formulario(accion)
    leida = leer_ficha(datos)
    assert leida.descripcion == "Primero.\n\nAlcance:\n\nDespués."
    assert leida.alcance == esperado["alcance"]


def test_sin_etiqueta_pero_con_la_guia_el_campo_se_encuentra_por_su_guia() -> None:
    def accion(f: Any, e: dict[str, Any]) -> None:
        _llenar(f, e)
        f.borrar(f.etiqueta("linea_base"))

    datos, esperado = _formulario(accion)
    assert leer_ficha(datos).linea_base == esperado["linea_base"]


def test_fecha_escrita_con_nombre_de_mes_y_fecha_invalida() -> None:
    def accion(f: Any, e: dict[str, Any]) -> None:
        _llenar(f, e)
        f.fecha_en_cajas("fecha_diligenciamiento", "", "", "")
        f.despues(f.tabla_fecha("fecha_diligenciamiento") and f.etiqueta("fecha_diligenciamiento"),
                  "24 de Octubre de 2023", "Valor")
        f.fecha_en_cajas("fecha_inicio", "31", "02", "2023")

    datos, _ = _formulario(accion)
    extraida = extraer_campos(datos)
    assert extraida.campos["fecha_diligenciamiento"] == date(2023, 10, 24)
    errores = extraida.errores()
    assert [e.ruta for e in errores] == ["fecha_inicio"]
    assert "fecha válida" in errores[0].mensaje


def test_dato_invalido_se_nombra_sin_repetir_el_valor() -> None:
    def accion(f: Any, e: dict[str, Any]) -> None:
        _llenar(f, e)
        f.escribir("correo", "persona.secreta@@correo")
        f.escribir("telefono", "12345")

    datos, _ = _formulario(accion)
    with pytest.raises(ErrorValidacion) as exc:
        leer_ficha(datos, nombre="ficha_prueba.docx")
    mensaje = str(exc.value)
    assert "correo" in mensaje and "telefono" in mensaje and "ficha_prueba.docx" in mensaje
    assert "persona.secreta" not in mensaje and "12345" not in mensaje


def test_acepta_ruta_bytes_y_archivo_abierto(tmp_path: Path) -> None:
    datos = renderizar_ficha(ejemplo_ficha())
    ruta = tmp_path / "ficha.docx"
    ruta.write_bytes(datos)
    with ruta.open("rb") as archivo:
        leidas = [leer_ficha(ruta), leer_ficha(str(ruta)), leer_ficha(datos), leer_ficha(archivo)]
    assert all(p == leidas[0] for p in leidas)


# ------------------------------------------------------------------ archivos malos


def _docx_con(reemplazos: dict[str, bytes]) -> bytes:
    original = renderizar_ficha(ejemplo_ficha())
    salida = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as zin, zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as zout:
        nombres = [i.filename for i in zin.infolist()]
        for nombre in nombres:
            zout.writestr(nombre, reemplazos.get(nombre, zin.read(nombre)))
        for nombre, datos in reemplazos.items():
            if nombre not in nombres:
                zout.writestr(nombre, datos)
    return salida.getvalue()


@pytest.mark.parametrize(
    ("datos", "fragmento"),
    [
        (b"", "está vacío"),
        (b"hola, esto es texto", "no es un documento de Word .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "Word 97-2003"),
        (b"%PDF-1.7\n", "es un PDF"),
        (b"PK\x03\x04" + b"\0" * 50, "dañado"),
    ],
    ids=["vacio", "texto", "doc_antiguo", "pdf", "zip_roto"],
)
def test_archivo_que_no_es_docx_da_error_claro(datos: bytes, fragmento: str) -> None:
    with pytest.raises(ErrorEntrada, match=fragmento):
        leer_ficha(datos)


def test_docx_truncado_o_de_otro_tipo_de_office() -> None:
    completo = renderizar_ficha(ejemplo_ficha())
    with pytest.raises(ErrorEntrada, match="dañado"):
        leer_ficha(completo[: len(completo) // 2])
    from openpyxl import Workbook

    libro = io.BytesIO()
    Workbook().save(libro)
    with pytest.raises(ErrorEntrada, match="no es un documento de Word"):
        leer_ficha(libro.getvalue())


def test_docx_que_no_es_una_ficha() -> None:
    doc = Document()
    doc.add_paragraph("Acta de reunión")
    doc.add_paragraph("Asistentes: todos")
    buffer = io.BytesIO()
    doc.save(buffer)
    with pytest.raises(ErrorEntrada, match="no parece una ficha 4202000-FT-1311"):
        leer_ficha(buffer.getvalue())


def test_rechaza_dtd_y_entidades_xml() -> None:
    bomba = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>"
    )
    with pytest.raises(ErrorEntrada, match="DTD"):
        leer_ficha(_docx_con({"word/document.xml": bomba}))


def test_rechaza_bomba_zip() -> None:
    ceros = b"\0" * (11 * 1024 * 1024)  # 11 MB que comprimen a unos pocos KB
    with pytest.raises(ErrorEntrada, match="bomba zip"):
        leer_ficha(_docx_con({"word/media/relleno.bin": ceros}))


def test_rechaza_archivos_demasiado_grandes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    datos = renderizar_ficha(ejemplo_ficha())
    ruta = tmp_path / "grande.docx"
    ruta.write_bytes(datos)
    monkeypatch.setattr(docx_seguro, "LIMITE_ARCHIVO", len(datos) - 1)
    with pytest.raises(ErrorEntrada, match="demasiado grande"):
        leer_ficha(ruta)
    with pytest.raises(ErrorEntrada, match="demasiado grande"):
        leer_ficha(io.BytesIO(datos))
    monkeypatch.setattr(docx_seguro, "LIMITE_ARCHIVO", 50 * 1024 * 1024)
    monkeypatch.setattr(docx_seguro, "LIMITE_DESCOMPRIMIDO", 1000)
    with pytest.raises(ErrorEntrada, match="descomprimido es demasiado grande"):
        leer_ficha(datos)


def test_archivo_inexistente(tmp_path: Path) -> None:
    with pytest.raises(ErrorEntrada, match="no existe"):
        leer_ficha(tmp_path / "no_esta.docx")


# ------------------------------------------------------------------ línea de órdenes


def test_cli_extraer_escribe_el_json_que_acepta_la_orden_ficha(tmp_path: Path) -> None:
    entrada = CORPUS / "03_texto_largo_pegado.docx"
    salida = tmp_path / "ficha.json"
    assert main(["extraer", str(entrada), "-o", str(salida)]) == 0
    datos = json.loads(salida.read_text(encoding="utf-8"))
    assert datos == practica_a_json(leer_ficha(entrada))
    assert datos["fecha_inicio"] == "2021-06-15"  # todo JSON que escribe el proyecto usa ISO 8601
    validar_contra_esquema(datos, "ficha")
    # El JSON vuelve a generar la ficha, que se lee igual.
    docx = tmp_path / "otra.docx"
    assert main(["ficha", str(salida), "-o", str(docx)]) == 0
    comparar(leer_ficha(docx), leer_ficha(entrada))


def test_cli_extraer_a_la_salida_estandar(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extraer", str(CORPUS / "01_word_guia_en_su_sitio.docx")]) == 0
    datos = json.loads(capsys.readouterr().out)
    assert datos["nombre"] == "Laboratorio de datos abiertos para la gestión de trámites"
    validar_contra_esquema(datos, "ficha")


def test_cli_extraer_a_una_carpeta(tmp_path: Path) -> None:
    assert main(["extraer", str(CORPUS / "01_word_guia_en_su_sitio.docx"), "-o", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "01_word_guia_en_su_sitio.json").read_text(encoding="utf-8"))["nombre"]


def test_cli_extraer_ficha_incompleta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entrada = CORPUS / "04_incompleta.docx"
    salida = tmp_path / "ficha.json"
    assert main(["extraer", str(entrada), "-o", str(salida)]) == 1
    assert not salida.exists()
    assert "linea_base (Línea base)" in capsys.readouterr().err
    assert main(["extraer", str(entrada), "--parcial", "-o", str(salida)]) == 1
    parcial = json.loads(salida.read_text(encoding="utf-8"))
    assert [e["ruta"] for e in parcial["errores"]] == ["fecha_inicio", "linea_base", "difusion", "retos"]
    assert parcial["campos"]["nombre"] == "Huertas comunitarias en colegios"


def test_cli_extraer_archivo_ilegible(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    malo = tmp_path / "malo.docx"
    malo.write_text("no soy un docx", encoding="utf-8")
    assert main(["extraer", str(malo)]) == 2
    err = capsys.readouterr().err
    assert "malo.docx" in err and "Traceback" not in err


# ------------------------------------------------------------------ LibreOffice


@pytest.mark.libreoffice
def test_ficha_generada_abierta_y_guardada_en_libreoffice_se_lee_igual(tmp_path: Path) -> None:
    originales = {
        "ejemplo": ejemplo_ficha(),
        "completa": practica(
            colaborador="Persona Ejemplo", telefono="601 3813000", correo="persona.ejemplo@alcaldiabogota.gov.co",
            descripcion="Uno.\nCon salto.\n\nDos & <tres> {{ 7*7 }} 🙂", retos=["a", "b\nc"],
            anexos=[{"nombre": "Anexo uno", "descripcion": "Con descripción."}],
        ),
    }
    entrada = tmp_path / "entrada"
    entrada.mkdir()
    for nombre, p in originales.items():
        (entrada / f"{nombre}.docx").write_bytes(renderizar_ficha(p))
    convertir_con_libreoffice(sorted(entrada.glob("*.docx")), "docx:MS Word 2007 XML", tmp_path / "salida")
    for nombre, p in originales.items():
        comparar(leer_ficha(tmp_path / "salida" / f"{nombre}.docx"), forma_canonica(p))


# ------------------------------------------------------------------ ayudas


def _png_1x1() -> bytes:
    def trozo(tipo: bytes, datos: bytes) -> bytes:
        return struct.pack(">I", len(datos)) + tipo + datos + struct.pack(">I", zlib.crc32(tipo + datos))

    cabecera = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + trozo(b"IHDR", cabecera) + trozo(b"IDAT", zlib.compress(b"\0\xff\x00\x00"))
            + trozo(b"IEND", b""))


def test_combinado_de_un_lote_no_se_lee_como_una_ficha(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """El combinado de un lote junta varias fichas: leerlo como una sola duplicaba la práctica en el catálogo."""
    from acuerdo_docs.documentos.catalogo import generar_catalogo
    from acuerdo_docs.documentos.combinado import combinar
    from acuerdo_docs.documentos.secciones import marcador_fin
    from acuerdo_docs.lectores.ficha_docx import PREFIJO_MARCADOR_COMBINADO
    from openpyxl import load_workbook

    assert marcador_fin(0).startswith(PREFIJO_MARCADOR_COMBINADO)
    una = renderizar_ficha(ejemplo_ficha())
    otra = renderizar_ficha(practica(nombre="Otra práctica"))
    carpeta = tmp_path / "fichas"
    carpeta.mkdir()
    (carpeta / "una.docx").write_bytes(una)
    (carpeta / "otra.docx").write_bytes(otra)
    (carpeta / "lote_combinado.docx").write_bytes(combinar([una, otra]))
    assert extraer_campos(combinar([una])).campos["nombre"] == ejemplo_ficha().nombre  # uno solo sí se lee

    with pytest.raises(ErrorEntrada, match="combinado de un lote \\(2 fichas"):
        extraer_campos(carpeta / "lote_combinado.docx")
    assert main(["extraer", str(carpeta / "lote_combinado.docx"), "-o", str(tmp_path / "x.json")]) == 2
    assert "combinado de un lote" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()

    generar_catalogo(carpeta, tmp_path / "catalogo.xlsx")
    hoja = load_workbook(tmp_path / "catalogo.xlsx")["Catálogo"]
    filas = [[str(c.value or "") for c in fila] for fila in hoja.iter_rows(min_row=2)]
    nombres = [" ".join(f) for f in filas]
    assert sum("Otra práctica" in f for f in nombres) == 1
    combinado = [f for f in nombres if "lote_combinado.docx" in f]
    assert len(combinado) == 1 and ejemplo_ficha().nombre not in combinado[0]
