"""Ficha 4202000-FT-1311: esquema, documento generado, CLI y cliente real (LibreOffice)."""

from __future__ import annotations

import io
import json
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date
from pathlib import Path

import docx
import pytest
from conftest import SEMILLA, cli, convertir_con_libreoffice, texto_pdf
from docx.oxml.ns import qn

from acuerdo_docs import BuenaPractica, ErrorValidacion, ejemplo_ficha, generar_ficha
from acuerdo_docs.documentos.ficha import renderizar_ficha
from acuerdo_docs.esquemas.comun import RESERVADO
from acuerdo_docs.esquemas.ficha import SECCIONES

ORDEN_CAMPOS = [n for n in BuenaPractica.model_fields if n not in ("encabezado", "valoracion")]


def png_minimo(ancho: int = 4, alto: int = 3) -> bytes:
    """Un PNG válido hecho a mano (sin depender de Pillow)."""
    def bloque(tipo: bytes, datos: bytes) -> bytes:
        return struct.pack(">I", len(datos)) + tipo + datos + struct.pack(">I", zlib.crc32(tipo + datos))

    filas = b"".join(b"\x00" + b"\xff\x00\x00" * ancho for _ in range(alto))
    return (b"\x89PNG\r\n\x1a\n" + bloque(b"IHDR", struct.pack(">IIBBBBB", ancho, alto, 8, 2, 0, 0, 0))
            + bloque(b"IDAT", zlib.compress(filas)) + bloque(b"IEND", b""))


def lineas_documento(fuente: Path | bytes) -> list[str]:
    """El texto del cuerpo en orden de lectura: párrafos y celdas de tabla."""
    documento = docx.Document(io.BytesIO(fuente) if isinstance(fuente, bytes) else str(fuente))
    lineas: list[str] = []
    for elemento in documento.element.body.iterchildren():
        if elemento.tag == qn("w:p"):
            lineas.append(docx.text.paragraph.Paragraph(elemento, documento).text)
        elif elemento.tag == qn("w:tbl"):
            tabla = docx.table.Table(elemento, documento)
            for fila in tabla.rows:
                lineas.extend(c.text for c in fila.cells)
    return lineas


def otra_practica(tmp_path: Path) -> dict:
    imagen = tmp_path / "tablero.png"
    imagen.write_bytes(png_minimo())
    return {
        "encabezado": {"version": "02"},
        "fecha_diligenciamiento": "2024-02-29",
        "nombre": "Tablero de seguimiento ciudadano a obras de malla vial",
        "dependencia": "Secretaría Distrital de Movilidad",
        "directivo": "Ana María Pérez Núñez",
        "proceso": "Gestión de la movilidad",
        "equipo": "Grupo de analítica",
        "colaborador": "Jorge Iván Ospina",
        "tipo_vinculacion": "Servidor(a) público(a) de carrera",
        "telefono": "+57 601 3649400 ext. 4321",
        "correo": "jorge.ospina@movilidadbogota.gov.co",
        "fecha_inicio": "15/07/2022",
        "descripcion": "Primer párrafo de la descripción.\n\nSegundo párrafo, con una línea\nque sigue abajo.",
        "linea_base": "Sin tablero previo.",
        "poblacion_objetivo": "Ciudadanía de las localidades de Kennedy y Bosa.",
        "alcance": "Dos años, 2022 a 2024.",
        "aporte": "Redujo las quejas en 17,4 % y 5.000 solicitudes al año.",
        "difusion": "Redes sociales y ferias de servicio.",
        "otros_aspectos": "Código abierto.",
        "retos": ["Sostener la actualización de datos", "Cambio de contratista"],
        "estabilidad": "Se institucionalizó por resolución.",
        "conclusiones": "El tablero acerca la obra pública a la ciudadanía.",
        "anexos": [
            {"nombre": "Captura del tablero", "descripcion": "Vista principal", "archivo": str(imagen)},
            {"nombre": "Resolución 123 de 2023"},
        ],
    }


def valores_esperados(practica: BuenaPractica) -> list[tuple[str, list[str]]]:
    """Por cada campo, su etiqueta y las líneas que deben seguirla."""
    salida: list[tuple[str, list[str]]] = []
    for nombre in ORDEN_CAMPOS:
        info = BuenaPractica.model_fields[nombre]
        valor = getattr(practica, nombre)
        if isinstance(valor, date):
            lineas = ["día", "mes", "año", f"{valor.day:02d}", f"{valor.month:02d}", str(valor.year)]
        elif nombre == "retos":
            lineas = list(valor)
        elif nombre == "anexos":
            lineas = [f"{i}. {a.nombre}" for i, a in enumerate(valor, 1)]
        elif isinstance(valor, str):
            lineas = [p for p in re.split(r"\n\s*\n", valor) if p.strip()]
        else:
            lineas = [] if valor is None else [str(valor)]
        etiqueta = "5. CONCLUSIONES" if nombre == "conclusiones" else str(info.title)
        salida.append((etiqueta, lineas))
    return salida


def verificar_valores_en_orden(lineas: list[str], practica: BuenaPractica) -> None:
    posicion = 0
    for etiqueta, valores in valores_esperados(practica):
        assert etiqueta in lineas[posicion:], f"falta la etiqueta {etiqueta!r} después de la línea {posicion}"
        posicion = lineas.index(etiqueta, posicion)
        for valor in valores:
            assert valor in lineas[posicion:], f"falta {valor!r} bajo {etiqueta!r}"
            posicion = lineas.index(valor, posicion)


@pytest.fixture(scope="module")
def ejemplo_bytes() -> bytes:
    return renderizar_ficha(ejemplo_ficha())


# ------------------------------------------------------------------ esquema


def test_esquema_acepta_fechas_iso_y_colombianas() -> None:
    ruta = Path(__file__).parents[1] / "src/acuerdo_docs/ejemplos/ficha_acuerdo_simbolico.json"
    datos = json.loads(ruta.read_text())
    datos["fecha_diligenciamiento"] = "2023-10-24"
    iso = BuenaPractica.model_validate(datos)
    datos["fecha_diligenciamiento"] = "24/10/2023"
    colombiana = BuenaPractica.model_validate(datos)
    assert iso.fecha_diligenciamiento == colombiana.fecha_diligenciamiento == date(2023, 10, 24)


def test_encabezado_por_omision_es_el_del_formato() -> None:
    e = ejemplo_ficha().encabezado
    assert (e.proceso, e.procedimiento, e.formato, e.codigo, e.version) == (
        "GESTIÓN DEL CONOCIMIENTO",
        "Buenas prácticas y lecciones aprendidas de gestión pública",
        "Documentación de buenas prácticas de gestión pública",
        "4202000-FT-1311",
        "01",
    )


def test_cada_campo_lleva_etiqueta_del_formulario() -> None:
    for nombre, info in BuenaPractica.model_fields.items():
        assert info.title, f"{nombre} no tiene etiqueta"
    esquema = BuenaPractica.model_json_schema()
    assert esquema["properties"]["linea_base"]["description"].startswith("Enuncie cuál es la línea base")


def test_ejemplo_reproduce_la_semilla() -> None:
    semilla = re.sub(r"\s+", " ", (SEMILLA / "ficha_4202000-FT-1311_acuerdo_simbolico.txt").read_text())
    practica = ejemplo_ficha()
    for nombre in ("nombre", "dependencia", "proceso", "equipo", "descripcion", "alcance", "estabilidad"):
        for parrafo in getattr(practica, nombre).split("\n\n"):
            assert re.sub(r"\s+", " ", parrafo) in semilla, nombre
    assert practica.fecha_diligenciamiento == date(2023, 10, 24)
    assert practica.fecha_inicio == date(2023, 3, 1)


@pytest.mark.parametrize(
    ("cambio", "ruta", "fragmento"),
    [
        ({"correo": "no-es-correo@"}, "correo", "no es un correo electrónico válido"),
        ({"fecha_inicio": "31/02/2023"}, "fecha_inicio", "no es una fecha válida"),
        ({"nombre": None}, "nombre", "es obligatorio y viene vacío (null)"),
        ({"nombre": "   "}, "nombre", "no puede estar vacío"),
        ({"telefono": "12345"}, "telefono", "diez dígitos"),
        ({"retos": []}, "retos", "al menos 1"),
        ({"campo_inventado": "x"}, "campo_inventado", "no es un campo conocido"),
    ],
)
def test_entrada_invalida_error_claro_y_sin_archivo(tmp_path: Path, cambio: dict, ruta: str, fragmento: str) -> None:
    datos = ejemplo_ficha().model_dump(mode="json")
    datos.update(cambio)
    destino = tmp_path / "ficha.docx"
    with pytest.raises(ErrorValidacion) as info:
        generar_ficha(datos, destino)
    errores = info.value.errores
    assert [e.ruta for e in errores] == [ruta]
    assert fragmento in errores[0].mensaje
    assert list(tmp_path.iterdir()) == []


def test_varios_errores_uno_por_campo(tmp_path: Path) -> None:
    datos = ejemplo_ficha().model_dump(mode="json")
    datos.update(correo="malo", fecha_diligenciamiento="2023-13-45")
    del datos["nombre"]
    with pytest.raises(ErrorValidacion) as info:
        generar_ficha(datos, tmp_path / "x.docx")
    assert sorted(e.ruta for e in info.value.errores) == ["correo", "fecha_diligenciamiento", "nombre"]
    mensaje = str(info.value)
    assert "Nombre de la buena práctica de gestión pública" in mensaje
    assert "malo" not in mensaje  # el valor de un dato personal no se repite
    assert not (tmp_path / "x.docx").exists()


def test_mensaje_de_fecha_imposible_nombra_el_campo() -> None:
    datos = ejemplo_ficha().model_dump(mode="json") | {"fecha_diligenciamiento": "32/13/2023"}
    with pytest.raises(ErrorValidacion, match="fecha_diligenciamiento .*Fecha de diligenciamiento del formato"):
        BuenaPractica.model_validate(datos) if False else generar_ficha(datos, io.BytesIO())


# ---------------------------------------------------------------- documento


def test_ejemplo_cada_valor_bajo_su_etiqueta_en_orden(ejemplo_bytes: bytes) -> None:
    lineas = lineas_documento(ejemplo_bytes)
    verificar_valores_en_orden(lineas, ejemplo_ficha())
    assert "None" not in lineas
    assert lineas.count("Directivo(a) de la dependencia:") == 1


def test_textos_fijos_del_formato_en_orden(ejemplo_bytes: bytes) -> None:
    lineas = lineas_documento(ejemplo_bytes)
    fijos = ["BUENAS PRÁCTICAS DE GESTIÓN PÚBLICA", "Fecha de diligenciamiento del formato:", *SECCIONES]
    posiciones = [next(i for i, linea in enumerate(lineas) if linea.startswith(f)) for f in fijos]
    assert posiciones == sorted(posiciones)
    texto = "\n".join(lineas)
    assert "Son “actuaciones concretas, prácticas o soluciones" in texto
    assert "Ley 1581 de 2012" in texto
    for guia in ("Describa brevemente la buena práctica", "Enuncie cuál es la línea base", "Mencione los grupos",
                 "Mencione objetivos y tiempo", "Explicar porque la acción", "Describe brevemente las actividades",
                 "Agregue los comentarios", "Señale que desafíos", "Indique cambios duraderos", "Anexe los soportes"):
        assert guia in texto


def test_nota_al_pie_dafp(ejemplo_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(ejemplo_bytes)) as zf:
        notas = zf.read("word/footnotes.xml").decode()
        cuerpo = zf.read("word/document.xml").decode()
    assert (
        "Metodología para la clasificación y documentación de buenas prácticas de gestión pública, DAFP 2021 p6."
    ) in notas
    assert '<w:footnoteReference w:id="1"/>' in cuerpo


def test_encabezado_en_cada_seccion_con_campos_de_pagina(ejemplo_bytes: bytes) -> None:
    documento = docx.Document(io.BytesIO(ejemplo_bytes))
    for seccion in documento.sections:
        tabla = seccion.header.tables[0]
        celdas = [[c.text for c in fila.cells] for fila in tabla.rows]
        assert celdas[0][1:] == ["PROCESO", "GESTIÓN DEL CONOCIMIENTO", "CÓDIGO", "4202000-FT-1311"]
        assert celdas[1][1:] == ["PROCEDIMIENTO", "Buenas prácticas y lecciones aprendidas de gestión pública",
                                 "VERSIÓN", "01"]
        assert celdas[2][1:4] == ["FORMATO", "Documentación de buenas prácticas de gestión pública", "Página"]
        instrucciones = [e.text.strip() for e in tabla.cell(2, 4)._tc.iter(qn("w:instrText"))]
        assert instrucciones == ["PAGE", "NUMPAGES"]


def test_otra_practica_con_opcionales_anexos_e_imagen(tmp_path: Path) -> None:
    practica = BuenaPractica.model_validate(otra_practica(tmp_path))
    destino = generar_ficha(practica, tmp_path / "salida" / "otra.docx")
    assert destino == tmp_path / "salida" / "otra.docx"
    lineas = lineas_documento(destino)
    verificar_valores_en_orden(lineas, practica)
    assert "Segundo párrafo, con una línea\nque sigue abajo." in lineas
    documento = docx.Document(str(destino))
    assert [c.text for c in documento.sections[0].header.tables[0].rows[1].cells][-1] == "02"
    vinetas = [p.text for p in documento.paragraphs if p.style.name == "List Bullet"]
    assert vinetas == practica.retos
    with zipfile.ZipFile(destino) as zf:
        medios = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(medios) == 1 and zf.read(medios[0]) == png_minimo()
    assert len(documento.inline_shapes) == 1


def test_version_publica_oculta_datos_personales(tmp_path: Path) -> None:
    datos = otra_practica(tmp_path)
    destino = generar_ficha(datos, tmp_path / "publica.docx", publico=True)
    with zipfile.ZipFile(destino) as zf:
        contenido = "".join(zf.read(n).decode("utf-8", "ignore") for n in zf.namelist())
    for personal in ("Ana María Pérez Núñez", "Jorge Iván Ospina", "3649400", "jorge.ospina@"):
        assert personal not in contenido
    lineas = lineas_documento(destino)
    assert lineas.count(RESERVADO) == 4
    assert "Secretaría Distrital de Movilidad" in lineas  # la dependencia se conserva


HOSTIL = "A & B < C > D \" E ' F {{ 7*7 }} {% if x %} {_{ ñandú Ñ ü 😀 𝔘 עברית\r\nlínea\x0bsalto\x07\x1b fin"


def test_texto_hostil_sale_tal_como_se_escribio(tmp_path: Path) -> None:
    datos = ejemplo_ficha().model_dump(mode="json")
    datos.update(nombre=HOSTIL, equipo="<w:p>inyección</w:p>&amp;", retos=[HOSTIL, "=1+1"],
                 descripcion=f"{HOSTIL}\n\nsegundo & último")
    destino = generar_ficha(datos, tmp_path / "hostil.docx")
    lineas = lineas_documento(destino)
    esperado = "A & B < C > D \" E ' F {{ 7*7 }} {% if x %} {_{ ñandú Ñ ü 😀 𝔘 עברית\nlínea\nsalto fin"
    assert lineas.count(esperado) == 3  # nombre, reto y primer párrafo de la descripción
    assert "<w:p>inyección</w:p>&amp;" in lineas
    assert "segundo & último" in lineas and "=1+1" in lineas
    assert "49" not in "\n".join(lineas)
    # LibreOffice y python-docx lo abren: lxml estricto sobre cada parte
    from lxml import etree

    with zipfile.ZipFile(destino) as zf:
        for nombre in zf.namelist():
            if nombre.endswith(".xml"):
                etree.fromstring(zf.read(nombre))


def test_destino_archivo_abierto() -> None:
    buffer = io.BytesIO()
    assert generar_ficha(ejemplo_ficha(), buffer) is None
    assert lineas_documento(buffer.getvalue())[0] == "BUENAS PRÁCTICAS DE GESTIÓN PÚBLICA"


def test_salida_determinista(ejemplo_bytes: bytes) -> None:
    assert renderizar_ficha(ejemplo_ficha()) == ejemplo_bytes
    with zipfile.ZipFile(io.BytesIO(ejemplo_bytes)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "2024-01-01" in core


def test_camino_compilado_igual_a_docxtpl(tmp_path: Path) -> None:
    for practica in (ejemplo_ficha(), BuenaPractica.model_validate(otra_practica(tmp_path))):
        compilado = renderizar_ficha(practica)
        plano = renderizar_ficha(practica, motor="docxtpl")
        assert lineas_documento(compilado) == lineas_documento(plano)
        for a, b in zip(docx.Document(io.BytesIO(compilado)).sections, docx.Document(io.BytesIO(plano)).sections):
            assert [c.text for f in a.header.tables[0].rows for c in f.cells] == [
                c.text for f in b.header.tables[0].rows for c in f.cells
            ]


def test_plantilla_con_campo_desconocido_falla_con_su_nombre(tmp_path: Path) -> None:
    from acuerdo_docs.errores import ErrorPlantilla
    from acuerdo_docs.rutas import plantilla

    documento = docx.Document(str(plantilla("ficha_4202000-FT-1311.docx")))
    documento.add_paragraph("{{ practica.campo_que_no_existe }}")
    propia = tmp_path / "propia.docx"
    documento.save(str(propia))
    with pytest.raises(ErrorPlantilla, match="campo_que_no_existe"):
        generar_ficha(ejemplo_ficha(), tmp_path / "x.docx", plantilla=propia)
    assert not (tmp_path / "x.docx").exists()


# -------------------------------------------------------- plantillas y ejemplos


def test_plantilla_guardada_es_la_que_construye_el_codigo() -> None:
    from acuerdo_docs.construccion import CONSTRUCTORES
    from acuerdo_docs.rutas import plantilla

    for nombre, construir in CONSTRUCTORES.items():
        assert plantilla(nombre).read_bytes() == construir(), (
            f"plantillas/{nombre} no coincide con el código: ejecute python -m acuerdo_docs.construccion"
        )


def test_salidas_ejemplo_al_dia(tmp_path: Path) -> None:
    from acuerdo_docs.ejemplos import generar_ejemplos

    comprometidas = Path(__file__).parents[1] / "salidas_ejemplo"
    for ruta in generar_ejemplos(tmp_path):
        relativa = ruta.relative_to(tmp_path)
        guardada = comprometidas / relativa
        assert guardada.is_file(), f"falta salidas_ejemplo/{relativa}: ejecute acuerdo-docs ejemplo"
        assert guardada.read_bytes() == ruta.read_bytes(), (
            f"salidas_ejemplo/{relativa} está desactualizado: ejecute acuerdo-docs ejemplo -o salidas_ejemplo/"
        )


# ---------------------------------------------------------------------- CLI


def test_cli_ficha_y_errores(tmp_path: Path) -> None:
    entrada = tmp_path / "p.json"
    entrada.write_text(json.dumps(ejemplo_ficha().model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    r = cli("ficha", str(entrada), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert lineas_documento(tmp_path / "f.docx")[0] == "BUENAS PRÁCTICAS DE GESTIÓN PÚBLICA"

    malo = tmp_path / "malo.json"
    malo.write_text(json.dumps({"nombre": "x", "correo": "persona@", "fecha_inicio": "30/02/2023"}), encoding="utf-8")
    r = cli("ficha", str(malo), "-o", str(tmp_path / "m.docx"))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "correo (Correo institucional de contacto)" in r.stderr
    assert "fecha_inicio (Fecha de inicio de la buena práctica): no es una fecha válida" in r.stderr
    assert "persona@" not in r.stderr
    assert not (tmp_path / "m.docx").exists()

    roto = tmp_path / "roto.json"
    roto.write_text("{ no es json", encoding="utf-8")
    r = cli("ficha", str(roto), "-o", str(tmp_path / "r.docx"))
    assert r.returncode == 2 and "JSON mal formado en la línea 1" in r.stderr and "Traceback" not in r.stderr
    r = cli("ficha", str(tmp_path / "no_existe.json"), "-o", str(tmp_path / "r.docx"))
    assert r.returncode == 2 and "No existe el archivo de entrada" in r.stderr


def test_cli_esquema_y_ayuda() -> None:
    r = cli("esquema", "ficha")
    assert r.returncode == 0
    esquema = json.loads(r.stdout)
    assert esquema["properties"]["nombre"]["title"] == "Nombre de la buena práctica de gestión pública:"
    ayuda = cli("ficha", "--help")
    assert ayuda.returncode == 0 and "Uso: acuerdo-docs ficha" in ayuda.stdout and "--publico" in ayuda.stdout
    r = cli("ficha")
    assert r.returncode == 2 and "faltan los argumentos" in r.stderr


# ------------------------------------------------------- LibreOffice (cliente real)


@pytest.mark.libreoffice
def test_pdf_paginas_y_secciones(tmp_path: Path) -> None:
    practica_larga = ejemplo_ficha().model_dump(mode="json")
    practica_larga["otros_aspectos"] = "\n\n".join(["Párrafo largo de relleno. " * 30] * 8)
    entradas = [generar_ficha(ejemplo_ficha(), tmp_path / "ejemplo.docx"),
                generar_ficha(practica_larga, tmp_path / "larga.docx"),
                generar_ficha(otra_practica(tmp_path), tmp_path / "otra.docx")]
    convertir_con_libreoffice(entradas, "pdf", tmp_path / "pdf")
    for entrada in entradas:
        paginas = texto_pdf(tmp_path / "pdf" / f"{entrada.stem}.pdf")
        total = len(paginas)
        assert total >= 2
        for numero, texto in enumerate(paginas, 1):
            plano = re.sub(r"\s+", " ", texto)
            assert f"Página {numero} de {total}" in plano, (entrada.name, numero)
            assert "4202000-FT-1311" in plano and "GESTIÓN DEL CONOCIMIENTO" in plano
        completo = re.sub(r"\s+", " ", " ".join(paginas))
        for seccion in SECCIONES:
            assert seccion in completo
        assert "DAFP 2021 p6" in completo
    assert len(texto_pdf(tmp_path / "pdf" / "larga.pdf")) > len(texto_pdf(tmp_path / "pdf" / "ejemplo.pdf"))


def test_readme_tablas_de_campos_al_dia() -> None:
    from acuerdo_docs.documentacion import actualizar

    pagina = (Path(__file__).parents[1] / "docs" / "ficha.md").read_text(encoding="utf-8")
    assert "<!-- campos:ficha -->" in pagina
    assert actualizar(pagina) == pagina, "ejecute: python -m acuerdo_docs.documentacion"


def test_cli_pdf_sin_libreoffice_error_claro(tmp_path: Path) -> None:
    import os

    entrada = tmp_path / "p.json"
    entrada.write_text(json.dumps(ejemplo_ficha().model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(entrada), "-o", str(tmp_path / "f.docx"),
                        "--pdf"], capture_output=True, text=True, timeout=120,
                       env={**os.environ, "ACUERDO_DOCS_SOFFICE": str(tmp_path / "no_hay_soffice")})
    assert r.returncode == 3 and "Traceback" not in r.stderr and "ACUERDO_DOCS_SOFFICE" in r.stderr
    assert (tmp_path / "f.docx").is_file() and not (tmp_path / "f.pdf").exists()


@pytest.mark.libreoffice
def test_cli_ficha_pdf(tmp_path: Path, libreoffice: str) -> None:
    entrada = tmp_path / "p.json"
    entrada.write_text(json.dumps(ejemplo_ficha().model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    r = cli("ficha", str(entrada), "-o", str(tmp_path / "f.docx"), "--pdf")
    assert r.returncode == 0, r.stderr
    paginas = texto_pdf(tmp_path / "f.pdf")
    assert all(f"Página {i} de {len(paginas)}" in re.sub(r"\s+", " ", t) for i, t in enumerate(paginas, 1))
