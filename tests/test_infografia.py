"""Infografía de una página (Typst): acuerdo simbólico y póster de la buena práctica.

Se reabre cada archivo como lo vería un lector: el PDF con pdfplumber (páginas, cajas de
palabras, texto, metadatos), el PNG con Pillow y el SVG como XML.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pdfplumber
import pytest
from conftest import RAIZ, cli
from PIL import Image
from pypdf import PdfReader

from acuerdo_docs.documentos.acuerdo import cargar_acuerdo, contexto_acuerdo, ejemplo_acuerdo
from acuerdo_docs.documentos.ficha import ejemplo_ficha
from acuerdo_docs.documentos.infografia import (
    datos_infografia,
    detectar_tipo,
    generar_infografia,
    renderizar_infografia,
)
from acuerdo_docs.errores import ErrorEntrada, ErrorPlantilla
from acuerdo_docs.esquemas import metodo_riesgo
from acuerdo_docs.esquemas.comun import limpiar_texto

MARGEN_PT = 8 / 25.4 * 72
MARGEN_ARRIBA_PT = 4 / 25.4 * 72
"""El encabezado empieza a 4 mm del borde: su banda de color llega al borde, sin franja vacía (issue 26.4)."""
HOSTILES = RAIZ / "tests" / "hostiles"
MARCADO = '#import "x.typ": * $x^2$ *negrita* _cursiva_ @ref <etiqueta> {{ 7*7 }} #let a = 1 \\ 😀'


# ---------------------------------------------------------------------- utilidades


def pagina_unica(pdf: bytes) -> Any:
    documento = pdfplumber.open(io.BytesIO(pdf))
    assert len(documento.pages) == 1
    return documento.pages[0]


def palabras(pdf: bytes) -> list[dict[str, Any]]:
    # use_text_flow: en una página de varias columnas, el orden del PDF arma bien cada palabra.
    return pagina_unica(pdf).extract_words(use_text_flow=True)


def sin_espacios(texto: str) -> str:
    return re.sub(r"[\s\u200b]+", "", texto)


def texto_pdf(pdf: bytes) -> str:
    return sin_espacios(pagina_unica(pdf).extract_text(use_text_flow=True) or "")


def solapes_y_fuera(pdf: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    """Parejas de palabras cuyas cajas se intersecan y palabras fuera de los márgenes."""
    pagina = pagina_unica(pdf)
    ws = sorted(pagina.extract_words(use_text_flow=True), key=lambda w: w["x0"])
    fuera = [
        w["text"] for w in ws
        if w["x0"] < MARGEN_PT - 0.5 or w["top"] < MARGEN_ARRIBA_PT - 0.5
        or w["x1"] > pagina.width - MARGEN_PT + 0.5 or w["bottom"] > pagina.height - MARGEN_PT + 0.5
    ]
    pares = []
    for i, a in enumerate(ws):
        for b in ws[i + 1:]:
            if b["x0"] >= a["x1"] - 0.1:
                break
            ancho = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            alto = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if ancho > 0.1 and alto > 0.1:
                pares.append((a["text"], b["text"]))
    return pares, fuera


LARGO = ("Secretaría Distrital de Desarrollo Económico, Industria, Comercio, Turismo y Competitividad de la Región "
         "Metropolitana Bogotá Cundinamarca")[:120]
SECTORES = ["publico", "privado", "academico", "sociedad_civil"]
TIPOS = ["talento_humano", "equipo", "recursos", "otro"]


def acuerdo_extremo(actores: int, hitos: int, riesgos: int, *, largo: bool = True, fases: int = 5) -> dict[str, Any]:
    """Un acuerdo con esos tamaños; ``largo``: nombres de 120 caracteres y palabras sin espacios."""
    texto = LARGO if largo else "Texto corto"
    lista_actores = [
        {"id": f"a{i}", "entidad": (f"{i} {LARGO}" if largo else f"Entidad {i}")[:120], "sector": SECTORES[i % 4],
         "rol": texto * 2, "responsabilidades": ["Responsabilidad"], "validado": i % 3 != 0,
         "compromisos": [{"tipo": TIPOS[j], "descripcion": "Aporte"} for j in range(i % 5)]}
        for i in range(actores)
    ]
    lista_hitos = []
    for j in range(hitos):
        inicio = date(2023, 1, 1) + timedelta(days=17 * j)
        lista_hitos.append({
            "actividad": f"{texto} {j}", "fase": f"Fase {j % fases} {texto if largo else ''}".strip(),
            "responsable": f"a{j % actores}", "inicio": inicio.isoformat(),
            "fin": (inicio + timedelta(days=j % 60)).isoformat(), "avance": (j * 13) % 101,
        })
    lista_riesgos = [
        {"id": f"R{k}" + ("X" * 40 if largo else ""), "descripcion": texto * 3, "clasificacion": "Fraude externo",
         "probabilidad": k % 5 + 1, "impacto": (k * 3) % 5 + 1, "responsable": f"a{k % actores}" if k % 4 else "",
         "controles": [{"descripcion": "Control", "tipo": "preventivo", "implementacion": "manual"}] * (k % 3)}
        for k in range(riesgos)
    ]
    palabra = "Palabrasinespacios" * 8 if largo else "Objetivo"
    return {
        "desafio": {"nombre": (f"{palabra} {texto} " * 2)[:300].strip()}, "fecha": "2023-01-01", "lugar": "Bogotá",
        "alcance": "Alcance", "objetivo": f"{texto} " * 4 + palabra, "actores": lista_actores,
        "hoja_de_ruta": lista_hitos, "riesgos": lista_riesgos, "fecha_corte": "2023-06-01",
        "facilitador": {"entidad": texto, "equipo": texto if largo else ""},
    }


def practica_extrema(retos: int, *, largo: bool = True) -> dict[str, Any]:
    datos = ejemplo_ficha().model_dump(mode="json")
    if largo:
        for campo in ("nombre", "dependencia", "proceso", "equipo", "linea_base", "descripcion", "aporte",
                      "poblacion_objetivo"):
            datos[campo] = (LARGO + " " + "Palabrasinespacios" * 10 + " ") * 12
        datos["nombre"] = datos["nombre"][:300].strip()  # un título: el máximo del esquema
        datos.update(colaborador=LARGO, correo="persona.de.contacto@alcaldiabogota.gov.co", telefono="3001234567")
    datos["retos"] = [f"Reto {i} {LARGO if largo else ''}" * (3 if largo else 1) for i in range(retos)]
    return datos


# ---------------------------------------------------------------------- acuerdo


@pytest.fixture(scope="module")
def pdf_ejemplo() -> bytes:
    return renderizar_infografia(ejemplo_acuerdo(), "pdf")


def test_una_pagina_vectorial_con_cada_entidad_y_fuentes_incrustadas(pdf_ejemplo: bytes) -> None:
    texto = texto_pdf(pdf_ejemplo)
    for actor in ejemplo_acuerdo().actores:
        assert sin_espacios(actor.entidad) in texto, actor.entidad
    lector = PdfReader(io.BytesIO(pdf_ejemplo))
    assert len(lector.pages) == 1
    fuentes = lector.pages[0]["/Resources"]["/Font"]
    for fuente in fuentes.values():
        descriptor = fuente.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), "fuente sin incrustar"
    assert not pagina_unica(pdf_ejemplo).images, "la infografía debe ser vectorial, sin imágenes de mapa de bits"


def test_cifras_iguales_a_las_del_documento_word(pdf_ejemplo: bytes) -> None:
    acuerdo = ejemplo_acuerdo()
    contexto = contexto_acuerdo(acuerdo)
    promedio = re.search(r"Avance promedio: (\d+) %", contexto["ruta"]["resumen"]).group(1)
    datos = datos_infografia(acuerdo)
    cifras = {c["clave"]: c["valor"] for c in datos["cifras"]}
    assert cifras["avance"] == f"{promedio} %"
    estados = [h["clave_estado"] for h in contexto["hitos"]]
    assert cifras["completados"] == f"{estados.count('completado')} de {len(estados)}"
    assert cifras["vencidos"] == str(estados.count("vencido"))
    assert cifras["riesgos"] == str(len(contexto["riesgos"]["prioritarios"]))
    texto = texto_pdf(pdf_ejemplo)
    for valor in cifras.values():
        assert sin_espacios(valor) in texto

    # Conteo por zona en los dos mapas de calor = lo que calcula el método DAFP de la biblioteca.
    riesgos = datos["riesgos"]
    for mapa, zona_de in (("inherente", lambda r: r.zona_inherente), ("residual", lambda r: r.zona_residual)):
        por_zona = {z: 0 for z in metodo_riesgo.ZONAS}
        for f, fila in enumerate(riesgos[mapa]):
            for c, n in enumerate(fila):
                por_zona[metodo_riesgo.zona(5 - f, c + 1)] += n
        assert por_zona == {z: sum(1 for r in acuerdo.riesgos if zona_de(r) == z) for z in metodo_riesgo.ZONAS}
    principales = [p["zona"] for p in riesgos["principales"]]
    assert principales == sorted(principales, key=lambda z: -metodo_riesgo.ZONAS.index(z))


def test_hoja_de_ruta_usa_el_estado_de_la_biblioteca_y_la_fecha_de_corte() -> None:
    acuerdo = ejemplo_acuerdo()
    corte = date(2024, 6, 30)
    datos = datos_infografia(acuerdo, corte=corte)
    estados = {h["numero"]: h["estado"] for f in datos["ruta"]["fases"] for h in f["hitos"]}
    contexto = contexto_acuerdo(acuerdo, referencia=corte)
    assert estados == {h["numero"]: h["clave_estado"] for h in contexto["hitos"]}
    assert datos["ruta"]["corte"] == "30/06/2024" and datos["ruta"]["posicion_corte"] == "despues"
    texto = texto_pdf(renderizar_infografia(acuerdo, "pdf", corte=corte))
    assert "Corte30/06/2024" in texto


CASOS_ACUERDO = {
    "minimo": acuerdo_extremo(2, 1, 0, largo=False),
    "maximo_nombres_largos": acuerdo_extremo(15, 40, 30),
    "maximo_nombres_cortos": acuerdo_extremo(15, 40, 30, largo=False),
    "cuarenta_fases": acuerdo_extremo(3, 40, 2, fases=40),
    "sin_ruta_ni_riesgos": acuerdo_extremo(4, 0, 0),
    "medio": acuerdo_extremo(7, 12, 6),
}


@pytest.mark.parametrize("caso", sorted(CASOS_ACUERDO))
def test_acuerdo_extremo_sin_solapes_ni_desbordes(caso: str) -> None:
    datos = CASOS_ACUERDO[caso]
    pdf = renderizar_infografia(datos, "pdf")
    pares, fuera = solapes_y_fuera(pdf)
    assert not pares, f"palabras que se solapan: {pares[:5]}"
    assert not fuera, f"palabras fuera de los márgenes: {fuera[:5]}"
    texto = texto_pdf(pdf)
    for actor in cargar_acuerdo(datos).actores:  # cada actor aparece (entero o acortado con «…»)
        assert sin_espacios(actor.entidad)[:8] in texto


def test_nombres_cortos_aparecen_enteros_en_el_caso_maximo() -> None:
    texto = texto_pdf(renderizar_infografia(CASOS_ACUERDO["maximo_nombres_cortos"], "pdf"))
    for i in range(15):
        assert f"Entidad{i}" in texto


# ---------------------------------------------------------------------- buena práctica


def test_poster_de_la_practica_con_cada_seccion() -> None:
    practica = ejemplo_ficha()
    texto = texto_pdf(renderizar_infografia(practica, "pdf"))
    for titulo in ("ELPROBLEMA(LÍNEABASE)", "QUÉSEHIZO", "RESULTADOS(APORTE)", "POBLACIÓNOBJETIVO", "RETOSAFUTURO",
                   "CONTACTO"):
        assert titulo in texto
    for valor in (practica.nombre, practica.dependencia, practica.poblacion_objetivo):
        assert sin_espacios(valor) in texto
    assert "1demarzode2023" in texto  # fecha de inicio


CASOS_PRACTICA = {
    "textos_largos_muchos_retos": practica_extrema(20),
    "un_reto_corto": practica_extrema(1, largo=False),
}


@pytest.mark.parametrize("caso", sorted(CASOS_PRACTICA))
def test_practica_extrema_sin_solapes_ni_desbordes(caso: str) -> None:
    pdf = renderizar_infografia(CASOS_PRACTICA[caso], "pdf")
    pares, fuera = solapes_y_fuera(pdf)
    assert not pares and not fuera, (pares[:5], fuera[:5])


# ---------------------------------------------------------------------- texto hostil


def test_texto_hostil_y_marcado_typst_salen_literales() -> None:
    datos = json.loads((HOSTILES / "acuerdo_texto_hostil.json").read_text(encoding="utf-8"))
    datos["desafio"]["nombre"] = MARCADO
    datos["actores"][2]["entidad"] = "*negrita* $x$ @ref <e> 😀"
    pdf = renderizar_infografia(datos, "pdf")
    texto = texto_pdf(pdf)
    assert sin_espacios(MARCADO) in texto and "*negrita*$x$@ref<e>😀" in texto
    assert "49" not in texto.replace("2023", "")  # {{ 7*7 }} no se evalúa
    assert sin_espacios("<w:t>&amp;</w:p>]]><![CDATA[x]]>") in texto
    pares, fuera = solapes_y_fuera(pdf)
    assert not pares and not fuera

    ficha = json.loads((HOSTILES / "ficha_texto_hostil.json").read_text(encoding="utf-8"))
    ficha["poblacion_objetivo"] = MARCADO
    texto = texto_pdf(renderizar_infografia(ficha, "pdf"))
    assert sin_espacios(MARCADO) in texto
    assert sin_espacios(" ".join(limpiar_texto(ficha["nombre"]).split()))[:40] in texto


# ---------------------------------------------------------------------- formatos


def test_png_a_150_ppp_y_svg_valido(tmp_path: Path) -> None:
    png = generar_infografia(ejemplo_acuerdo(), tmp_path / "info.png")
    with Image.open(png) as imagen:
        assert imagen.format == "PNG"
        assert imagen.size == (1754, 1240)  # A4 horizontal a 150 ppp
        assert [round(v) for v in imagen.info["dpi"]] == [150, 150]
    svg = generar_infografia(ejemplo_ficha(), tmp_path / "poster.svg")
    raiz = ElementTree.parse(svg).getroot()
    assert raiz.tag.endswith("svg") and raiz.get("viewBox")


def test_misma_entrada_mismos_bytes_en_cada_formato() -> None:
    for modelo in (ejemplo_acuerdo(), ejemplo_ficha()):
        for formato in ("pdf", "png", "svg"):
            assert renderizar_infografia(modelo, formato) == renderizar_infografia(modelo, formato), formato


def test_formato_desconocido_y_datos_de_otro_tipo(tmp_path: Path) -> None:
    with pytest.raises(ErrorEntrada, match=r"\.pdf, \.png o \.svg"):
        generar_infografia(ejemplo_acuerdo(), tmp_path / "info.docx")
    with pytest.raises(ErrorEntrada, match="ni una buena práctica"):
        detectar_tipo({"otra": "cosa"})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------- datos personales


def _metadatos_pdf(pdf: bytes) -> str:
    lector = PdfReader(io.BytesIO(pdf))
    xmp = lector.trailer["/Root"].get("/Metadata")
    return json.dumps({k: str(v) for k, v in (lector.metadata or {}).items()}, ensure_ascii=False) + (
        xmp.get_object().get_data().decode("utf-8", "replace") if xmp is not None else "")


def test_publico_sin_nombres_correos_ni_telefonos() -> None:
    ficha = json.loads((HOSTILES / "ficha_texto_hostil.json").read_text(encoding="utf-8"))
    personales = [ficha["colaborador"], ficha["correo"], ficha["telefono"], ficha["directivo"]]
    privado = texto_pdf(renderizar_infografia(ficha, "pdf"))
    assert sin_espacios(ficha["colaborador"]) in privado and ficha["correo"] in privado  # la prueba puede fallar
    for formato in ("pdf", "png", "svg"):
        contenido = renderizar_infografia(ficha, formato, publico=True)
        crudo = contenido.decode("latin-1")
        for dato in personales:
            assert dato not in crudo and dato.encode("utf-8").decode("latin-1") not in crudo
        if formato == "pdf":
            visible = texto_pdf(contenido) + _metadatos_pdf(contenido)
            for dato in personales:
                assert sin_espacios(dato) not in sin_espacios(visible)
            assert "Versiónpública" in texto_pdf(contenido)

    acuerdo = ejemplo_acuerdo()
    pdf = renderizar_infografia(acuerdo, "pdf", publico=True)
    visible = texto_pdf(pdf) + sin_espacios(_metadatos_pdf(pdf))
    for actor in acuerdo.actores:
        for dato in (actor.representante, actor.correo):
            assert not dato or sin_espacios(dato) not in visible


# ---------------------------------------------------------------------- CLI, lote y plantilla propia


def test_cli_infografia_detecta_el_tipo(tmp_path: Path) -> None:
    acuerdo = tmp_path / "acuerdo.json"
    acuerdo.write_text(json.dumps(ejemplo_acuerdo().model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    ficha = tmp_path / "ficha.json"
    ficha.write_text(json.dumps(ejemplo_ficha().model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    r = cli("infografia", str(acuerdo), "-o", str(tmp_path / "a.pdf"), "--corte", "2023-10-24")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a.pdf").read_bytes() == renderizar_infografia(ejemplo_acuerdo(), "pdf",
                                                                      corte=date(2023, 10, 24))
    r = cli("infografia", str(ficha), "-o", str(tmp_path / "p.png"), "--publico")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "p.png").read_bytes() == renderizar_infografia(ejemplo_ficha(), "png", publico=True)

    otro = tmp_path / "otro.json"
    otro.write_text('{"hola": 1}', encoding="utf-8")
    r = cli("infografia", str(otro), "-o", str(tmp_path / "x.pdf"))
    assert r.returncode == 2 and "ni una buena práctica" in r.stderr and "Traceback" not in r.stderr
    r = cli("infografia", str(acuerdo), "-o", str(tmp_path / "x.docx"))
    assert r.returncode == 2 and ".pdf, .png o .svg" in r.stderr
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.docx").exists()


def test_lote_con_infografia(tmp_path: Path) -> None:
    from test_lote import fila_base, libro_fichas

    from acuerdo_docs.lote import generar_lote

    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(2)])
    informe = generar_lote(entrada, tmp_path / "salida", infografia=True, procesos=1)
    assert informe.codigo_salida == 0
    for fila in informe.filas:
        assert [a for a in fila.archivos if a.endswith("_infografia.pdf")], fila.archivos
        pdf = (tmp_path / "salida" / fila.archivos[-1]).read_bytes()
        assert "Práctica" in pagina_unica(pdf).extract_text()
    r = cli("lote", str(entrada), "-o", str(tmp_path / "cli"), "--infografia", "--silencioso")
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "cli").glob("*_infografia.pdf"))) == 2


def test_plantilla_propia_reestilizada_y_plantilla_rota(tmp_path: Path) -> None:
    original = (RAIZ / "plantillas" / "infografia_acuerdo.typ").read_text(encoding="utf-8")
    propia = tmp_path / "mia.typ"
    propia.write_text(original.replace('rgb("#1F4E79")', 'rgb("#006633")')
                      .replace('("Liberation Sans", "DejaVu Sans", "Noto Color Emoji")', '("DejaVu Sans",)'),
                      encoding="utf-8")
    pdf = renderizar_infografia(ejemplo_acuerdo(), "pdf", plantilla=propia)
    assert pdf != renderizar_infografia(ejemplo_acuerdo(), "pdf")
    assert {c["fontname"].split("+")[-1].split("-")[0] for c in pagina_unica(pdf).chars} == {"DejaVuSans"}
    rota = tmp_path / "rota.typ"
    rota.write_text("#let x = (", encoding="utf-8")
    with pytest.raises(ErrorPlantilla, match="rota.typ no compila"):
        renderizar_infografia(ejemplo_acuerdo(), "pdf", plantilla=rota)


def test_pdf_es_pdfa_2b_etiquetado_con_titulo_idioma_y_fecha_del_documento(tmp_path: Path) -> None:
    """Como los demás PDF del proyecto (tests/test_pdfa.py): PDF/A-2b, etiquetas, es-CO, fuentes y título."""
    import pikepdf
    from test_pdfa import afirmar_pdfa

    acuerdo, practica = ejemplo_acuerdo(), ejemplo_ficha()
    corte = date(2023, 10, 24)
    casos = {
        "acuerdo": (acuerdo, f"Infografía del acuerdo simbólico: {acuerdo.desafio.nombre}", corte),
        "practica": (practica, f"Buena práctica: {practica.nombre}", practica.fecha_diligenciamiento),
    }
    for nombre, (modelo, titulo, fecha) in casos.items():
        ruta = generar_infografia(modelo, tmp_path / f"{nombre}.pdf", corte=corte)
        afirmar_pdfa(ruta, titulo)
        with pikepdf.open(ruta) as pdf:  # la fecha del dato, no la de hoy: mismos datos, mismos bytes
            assert str(pdf.docinfo.get("/CreationDate")).startswith(f"D:{fecha:%Y%m%d}"), nombre
        simple = renderizar_infografia(modelo, "pdf", corte=corte, pdfa=False)
        with pikepdf.open(io.BytesIO(simple)) as pdf:
            assert pdf.open_metadata().get("pdfaid:part") is None, nombre
    r = cli("infografia", str(RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "acuerdo_ejemplo.json"),
            "-o", str(tmp_path / "cli.pdf"), "--pdf-simple")
    assert r.returncode == 0, r.stderr
    with pikepdf.open(tmp_path / "cli.pdf") as pdf:
        assert pdf.open_metadata().get("pdfaid:part") is None


def test_plantilla_propia_que_no_da_pdfa_lo_dice_y_con_pdf_simple_sirve(tmp_path: Path) -> None:
    original = (RAIZ / "plantillas" / "infografia_acuerdo.typ").read_text(encoding="utf-8")
    sin_fecha = tmp_path / "sin_fecha.typ"
    sin_fecha.write_text(original.replace("date: auto)", "date: none)"), encoding="utf-8")
    with pytest.raises(ErrorPlantilla, match=r"sin_fecha.typ no da un PDF/A-2b: .*--pdf-simple"):
        renderizar_infografia(ejemplo_acuerdo(), "pdf", plantilla=sin_fecha)
    assert renderizar_infografia(ejemplo_acuerdo(), "pdf", plantilla=sin_fecha, pdfa=False).startswith(b"%PDF")
    assert renderizar_infografia(ejemplo_acuerdo(), "png", plantilla=sin_fecha).startswith(b"\x89PNG")


SIN_GLIFO = "\U0010fffd"
"""Un carácter de uso privado que ninguna fuente tiene."""


def test_caracter_sin_glifo_da_pdf_normal_con_aviso_y_no_un_error(caplog: pytest.LogCaptureFixture) -> None:
    """PDF/A no admite un carácter que ninguna fuente tiene: el texto del usuario manda, con aviso."""
    import pikepdf

    acuerdo = ejemplo_acuerdo()
    raro = acuerdo.model_copy(update={"objetivo": acuerdo.objetivo + f" {SIN_GLIFO}"})
    with caplog.at_level("WARNING", logger="acuerdo_docs.infografia"):
        pdf = renderizar_infografia(raro, "pdf")
    with pikepdf.open(io.BytesIO(pdf)) as documento:
        assert documento.open_metadata().get("pdfaid:part") is None
    assert "PDF normal, no PDF/A-2b" in caplog.text and SIN_GLIFO not in caplog.text
    assert "Reducir el riesgo" in pagina_unica(pdf).extract_text()


def test_emoji_en_color_y_pdfa_con_noto_color_emoji(caplog: pytest.LogCaptureFixture) -> None:
    """Con fonts-noto-color-emoji (lo instala .ci/run) el emoji se ve en color y el PDF sigue siendo PDF/A."""
    import pikepdf

    acuerdo = ejemplo_acuerdo()
    con_emoji = acuerdo.model_copy(update={"desafio": acuerdo.desafio.model_copy(
        update={"nombre": "🚦🚦🚦🚦🚦🚦🚦🚦 " + acuerdo.desafio.nombre})})
    with caplog.at_level("WARNING", logger="acuerdo_docs.infografia"):
        pdf = renderizar_infografia(con_emoji, "pdf")
        png = renderizar_infografia(con_emoji, "png")
    assert "PDF normal" not in caplog.text
    with pikepdf.open(io.BytesIO(pdf)) as documento:
        assert documento.open_metadata().get("pdfaid:part") == "2"
    # Los semáforos del título: píxeles rojos, amarillos y verdes sobre la franja azul del encabezado.
    imagen = Image.open(io.BytesIO(png)).convert("RGB")
    franja = imagen.crop((0, 0, imagen.width // 2, imagen.height // 8))
    colores = {(r > 180 and g < 90 and b < 90, r > 180 and g > 150 and b < 90, g > 150 and r < 120 and b < 120)
               for _, (r, g, b) in franja.getcolors(franja.width * franja.height)}
    assert (True, False, False) in colores and (False, True, False) in colores


def test_cli_avisa_en_espanol_sin_citar_el_texto(tmp_path: Path) -> None:
    datos = json.loads((RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "acuerdo_ejemplo.json").read_text("utf-8"))
    datos["objetivo"] += f" {SIN_GLIFO}"
    entrada = tmp_path / "emoji.json"
    entrada.write_text(json.dumps(datos, ensure_ascii=False), encoding="utf-8")
    r = cli("infografia", str(entrada), "-o", str(tmp_path / "i.pdf"))
    assert r.returncode == 0, r.stderr
    assert r.stderr.strip() == ("Aviso: La infografía lleva caracteres que sus fuentes no tienen (emoji u otros"
                                " símbolos): se escribe como PDF normal, no PDF/A-2b.")


@pytest.mark.parametrize("modelo", ["acuerdo", "ficha"])
def test_sin_franja_vacia_sobre_el_titulo(modelo: str) -> None:
    """El texto del encabezado empieza arriba (antes: ~6 % del alto de la página vacío sobre él) y la banda de
    color termina donde termina su texto: lo que se libera es para el contenido."""
    datos = ejemplo_acuerdo() if modelo == "acuerdo" else ejemplo_ficha()
    pagina = pagina_unica(renderizar_infografia(datos, "pdf"))
    primera = min(w["top"] for w in pagina.extract_words())
    assert primera < 0.03 * pagina.height, primera / pagina.height
    banda = max(r["bottom"] for r in pagina.rects if r["width"] > pagina.width * 0.9)
    texto_en_banda = [w["bottom"] for w in pagina.extract_words() if w["bottom"] <= banda]
    assert banda - max(texto_en_banda) < 0.02 * pagina.height  # la banda no deja franja vacía debajo


# ---------------------------------------------------------------------- más de lo que cabe


def test_el_maximo_del_esquema_cabe_con_notas_sin_solapes(tmp_path: Path) -> None:
    # 200 actores y 1.000 hitos (los máximos del esquema) y un nombre de 300 caracteres (el máximo):
    # la página lista los que caben y lo dice («y 186 actores más…», «y 961 hitos más…»).
    from acuerdo_docs.limites_entrada import LARGO_NOMBRE, LIMITE_ACTORES, LIMITE_HITOS

    datos = acuerdo_extremo(LIMITE_ACTORES, 0, 30, largo=False)
    inicio = date(2023, 1, 1)
    datos["hoja_de_ruta"] = [
        {"actividad": f"Hito {j}", "responsable": f"a{j % 7}", "inicio": (inicio + timedelta(days=j % 300)).isoformat(),
         "fin": (inicio + timedelta(days=j % 300 + 5)).isoformat(), "avance": j % 101}
        for j in range(LIMITE_HITOS)
    ]
    datos["desafio"]["nombre"] = ("Desafío de nombre larguísimo " * 20)[:LARGO_NOMBRE]
    pdf = renderizar_infografia(datos, "pdf")
    pares, fuera = solapes_y_fuera(pdf)
    assert not pares, f"palabras que se solapan: {pares[:5]}"
    assert not fuera, f"palabras fuera de los márgenes: {fuera[:5]}"
    texto = texto_pdf(pdf)
    assert sin_espacios(f"y {LIMITE_ACTORES - 14} actores más…") in texto
    assert sin_espacios(f"y {LIMITE_HITOS - 39} hitos más…") in texto
    # La nota va en su propia línea: ninguna otra palabra comparte su franja vertical.
    ws = palabras(pdf)
    nota = next(w for w in ws if w["text"] == "(la")
    vecinas = [w["text"] for w in ws if w["x0"] < 280 and abs(w["top"] - nota["top"]) < 2]
    assert set(vecinas) <= {"y", str(LIMITE_ACTORES - 14), "actores", "más…", "(la", "lista", "completa", "está",
                            "en", "el", "acuerdo)"}
    destino = tmp_path / "maximo.pdf"
    destino.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(destino), str(tmp_path / "maximo")], check=True)
    assert list(tmp_path.glob("maximo*.png"))


def test_mas_de_lo_que_admite_el_esquema_se_rechaza_nombrando_el_campo() -> None:
    from acuerdo_docs.errores import ErrorValidacion

    datos = acuerdo_extremo(201, 0, 0, largo=False)
    with pytest.raises(ErrorValidacion, match=r"actores \(Actores\): admite como máximo 200 elemento"):
        renderizar_infografia(datos, "pdf")
    datos = acuerdo_extremo(3, 0, 0, largo=False)
    datos["desafio"]["nombre"] = "x" * 40_000
    with pytest.raises(ErrorValidacion, match=r"desafio\.nombre .*admite como máximo 300 caracteres"):
        renderizar_infografia(datos, "pdf")


def test_nombre_de_practica_de_40000_caracteres_da_pdfa() -> None:
    # El nombre de una práctica solo tiene el tope de una celda de Excel; el título del PDF se acorta.
    datos = practica_extrema(3, largo=False)
    datos["nombre"] = "Nombre muy largo " * 2_400
    pdf = renderizar_infografia(datos, "pdf")
    lector = PdfReader(io.BytesIO(pdf))
    titulo = str(lector.metadata.title)
    assert titulo.startswith("Buena práctica: Nombre muy largo") and len(titulo) < 400
    assert b"pdfaid" in pdf
