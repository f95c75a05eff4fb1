"""Ayudas de las pruebas de endurecimiento: leer lo que un lector ve y construir entradas hostiles.

Lo que se compara al releer un documento (la «correspondencia documentada», README.md, sección Seguridad):

* el valor de un campo de texto es ``limpiar_texto(original)``: ``\\r\\n``, ``\\r``, ``\\x0b``,
  ``\\x0c``, ``\\x85`` y U+2028 pasan a ``\\n``; U+2029 a ``\\n\\n``; el resto de C0/C1,
  sustitutos sueltos y U+FFFE/U+FFFF se eliminan;
* python-docx devuelve ``\\n`` por cada ``w:br`` y ``\\t`` por cada ``w:tab``: así que el texto
  de un párrafo es el valor tal cual;
* los campos largos se parten en párrafos por las líneas en blanco (``entorno_word.parrafos``).
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from acuerdo_docs.esquemas.ficha import CAMPOS_TEXTO_LARGO, S5, BuenaPractica
from acuerdo_docs.salida.entorno_word import parrafos

HOSTILES = Path(__file__).resolve().parent / "hostiles"
PLANTILLA_FICHA = Path(__file__).resolve().parents[1] / "plantillas" / "ficha_4202000-FT-1311.docx"
PLANTILLA_ACUERDO = Path(__file__).resolve().parents[1] / "plantillas" / "acuerdo_simbolico.docx"

FRAGMENTOS_HOSTILES: tuple[str, ...] = (
    "{{ 7*7 }}", "{% for x in y %}", "{%p endfor %}", "{# c #}", "{_{ x }_}", "{_%", "%_}", "{{r x }}",
    "<w:t>", "</w:p>", "&amp;", "&#95;", "]]>", "<![CDATA[", "\"'", "<script>", "&",
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\x9f", "\ufeff", "\ufffe", "\uffff",
    "\ud800", "\udfff", "\u2028", "\u2029", "\r\n", "\r", "\n\n", "\t",
    "👩🏽‍💻", "𝔸", "\U0010fffd", "\U0001fffe", "مرحبا", "שלום", "\u202e", "\u200d", "e\u0301", "ñÑáéíóú",
    "=1+1", "+57", "-3", "@SUMA(A1)", "=HYPERLINK(\"http://x\")",
)
"""Pedazos que un usuario pega desde Word, Excel o un correo (y algunos con mala intención)."""


@dataclass
class Salida:
    """Lo que deja una orden de la CLI: código de salida y lo que escribió en cada flujo."""

    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Salida:
    """Ejecuta ``acuerdo-docs`` en este mismo proceso (más rápido que un subproceso).

    Una excepción no prevista no se atrapa: la prueba falla con su traza, como la vería el usuario.
    """
    from acuerdo_docs.cli import main

    salida, errores = io.StringIO(), io.StringIO()
    with redirect_stdout(salida), redirect_stderr(errores):
        try:
            codigo = main(list(args))
        except SystemExit as exc:  # argparse: uso incorrecto
            codigo = exc.code if isinstance(exc.code, int) else 2
    return Salida(codigo, salida.getvalue(), errores.getvalue())


def png_minimo(ancho: int = 4, alto: int = 3) -> bytes:
    """Un PNG válido hecho a mano (sin depender de Pillow)."""

    def bloque(tipo: bytes, datos: bytes) -> bytes:
        return struct.pack(">I", len(datos)) + tipo + datos + struct.pack(">I", zlib.crc32(tipo + datos))

    filas = b"".join(b"\x00" + b"\xff\x00\x00" * ancho for _ in range(alto))
    return (b"\x89PNG\r\n\x1a\n" + bloque(b"IHDR", struct.pack(">IIBBBBB", ancho, alto, 8, 2, 0, 0, 0))
            + bloque(b"IDAT", zlib.compress(filas)) + bloque(b"IEND", b""))


def abrir_docx(fuente: bytes | Path) -> Any:
    return docx.Document(io.BytesIO(fuente) if isinstance(fuente, bytes) else str(fuente))


def miembros(fuente: bytes | Path) -> dict[str, bytes]:
    """Todos los miembros del zip (.docx/.xlsx), incluidos docProps."""
    datos = fuente if isinstance(fuente, bytes) else Path(fuente).read_bytes()
    with zipfile.ZipFile(io.BytesIO(datos)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def apariciones(fuente: bytes | Path, valores: Iterable[str]) -> dict[str, list[str]]:
    """En qué miembros del zip aparece cada valor (tal cual o escapado para XML). Vacío = en ninguno."""
    import html

    contenido = miembros(fuente)
    encontrados: dict[str, list[str]] = {}
    for valor in valores:
        formas = set()
        for escrito in (valor, html.escape(valor, quote=False), html.escape(valor)):
            formas.add(escrito.encode("utf-8"))
            # openpyxl escribe lo que no es ASCII como referencia de carácter: «&#209;» por «Ñ».
            formas.add(escrito.encode("ascii", "xmlcharrefreplace"))
            formas.add("".join(c if ord(c) < 128 else f"&#x{ord(c):x};" for c in escrito).encode("ascii"))
        donde = [nombre for nombre, datos in contenido.items() if any(f in datos for f in formas)]
        if donde:
            encontrados[valor] = donde
    return encontrados


def textos_docx(fuente: bytes | Path) -> list[str]:
    """Texto de cada párrafo del documento: cuerpo, celdas (también anidadas), encabezados y pies."""
    documento = abrir_docx(fuente)
    textos: list[str] = []

    def recorrer(contenedor: Any, elemento: Any) -> None:
        for hijo in elemento.iterchildren():
            if hijo.tag == qn("w:p"):
                textos.append(Paragraph(hijo, contenedor).text)
            elif hijo.tag == qn("w:tbl"):
                for fila in Table(hijo, contenedor).rows:
                    vistas: set[int] = set()
                    for celda in fila.cells:
                        if id(celda._tc) in vistas:  # celdas combinadas se repiten
                            continue
                        vistas.add(id(celda._tc))
                        recorrer(celda, celda._tc)
            elif hijo.tag in (qn("w:sdt"), qn("w:sdtContent")):
                recorrer(contenedor, hijo)

    recorrer(documento, documento.element.body)
    for seccion in documento.sections:
        for parte in (seccion.header, seccion.footer):
            recorrer(parte, parte._element)
    return textos


# ----------------------------------------------------------------- ficha


def _etiquetas_ficha() -> dict[str, str]:
    return {
        (info.title or nombre): nombre for nombre, info in BuenaPractica.model_fields.items() if nombre != "encabezado"
    }


def valores_ficha(fuente: bytes | Path) -> dict[str, Any]:
    """Lo que un lector ve en cada campo de una ficha generada con la plantilla oficial.

    Textos: lista de párrafos bajo la etiqueta; fechas: (día, mes, año); retos: una viñeta
    por reto; anexos: lista de (nombre, [párrafos de descripción], tiene_imagen);
    encabezado: los valores de la tabla del encabezado de página.
    """
    documento = abrir_docx(fuente)
    etiquetas = _etiquetas_ficha()
    valores: dict[str, Any] = {}
    actual: str | None = None
    anexos: list[list[Any]] = []
    for hijo in documento.element.body.iterchildren():
        if hijo.tag == qn("w:tbl"):
            if actual is not None:
                filas = Table(hijo, documento).rows
                valores[actual] = tuple(c.text for c in filas[1].cells)
            continue
        if hijo.tag != qn("w:p"):
            continue
        p = Paragraph(hijo, documento)
        estilo = p.style.name if p.style is not None else ""
        if estilo == "Heading 1":
            actual = "conclusiones" if p.text == S5 else None
            if actual:
                valores[actual] = []
            continue
        if actual == "anexos" and estilo == "Etiqueta":
            numero = f"{len(anexos) + 1}. "
            assert p.text.startswith(numero), (p.text, numero)
            anexos.append([p.text[len(numero):], [], False])
            continue
        if estilo == "Etiqueta" and p.text in etiquetas:
            actual = etiquetas[p.text]
            valores[actual] = []
            continue
        if estilo == "Guía" or actual is None:
            continue
        if actual == "anexos":
            if anexos:
                if hijo.findall(".//" + qn("w:drawing")):
                    anexos[-1][2] = True
                else:
                    anexos[-1][1].append(p.text)
            continue
        valores[actual].append(p.text)
    valores["anexos"] = [tuple(a) for a in anexos]
    celdas = [c.text for t in documento.sections[0].header.tables for fila in t.rows for c in fila.cells]
    valores["encabezado"] = {
        "entidad": celdas[0], "proceso": celdas[2], "codigo": celdas[4], "procedimiento": celdas[7],
        "version": celdas[9], "formato": celdas[12],
    }
    return valores


def esperado_ficha(practica: BuenaPractica) -> dict[str, Any]:
    """Lo que :func:`valores_ficha` debe devolver para ``practica`` (ya validada)."""
    esperado: dict[str, Any] = {}
    for nombre in BuenaPractica.model_fields:
        valor = getattr(practica, nombre)
        if nombre == "valoracion":  # dato del catálogo: la ficha no lo imprime
            continue
        if nombre == "encabezado":
            esperado[nombre] = {k: getattr(valor, k) for k in
                                ("entidad", "proceso", "codigo", "procedimiento", "version", "formato")}
        elif nombre in ("fecha_diligenciamiento", "fecha_inicio"):
            esperado[nombre] = (f"{valor.day:02d}", f"{valor.month:02d}", str(valor.year))
        elif nombre in CAMPOS_TEXTO_LARGO:
            esperado[nombre] = parrafos(valor)
        elif nombre == "retos":
            esperado[nombre] = list(valor)
        elif nombre == "anexos":
            esperado[nombre] = [
                (a.nombre, [a.descripcion] if a.descripcion else [], a.archivo is not None) for a in valor
            ]
        else:
            esperado[nombre] = ["" if valor is None else valor]
    return esperado


def practica_base(**cambios: Any) -> dict[str, Any]:
    """Una práctica mínima válida (dict JSON) sobre la que se cambian campos."""
    datos: dict[str, Any] = {
        "fecha_diligenciamiento": "2023-10-24",
        "nombre": "Práctica de prueba",
        "dependencia": "Alta Consejería TIC",
        "directivo": "",
        "proceso": "Gestión del conocimiento",
        "equipo": "iBO",
        "colaborador": "",
        "tipo_vinculacion": "Contratista",
        "fecha_inicio": "2023-03-01",
        "descripcion": "Una práctica de prueba.",
        "linea_base": "No había un registro previo.",
        "poblacion_objetivo": "Servidores públicos.",
        "alcance": "Un año.",
        "aporte": "Ordena el trabajo.",
        "difusion": "Reuniones de socialización.",
        "otros_aspectos": "",
        "retos": ["Un reto"],
        "estabilidad": "Se mantiene en el tiempo.",
        "conclusiones": "Funciona bien.",
    }
    datos.update(cambios)
    return datos


# ------------------------------------------------------ plantillas propias


def _parrafos_docx(documento: Any) -> Iterable[Paragraph]:
    yield from documento.paragraphs
    for tabla in documento.tables:
        for fila in tabla.rows:
            for celda in fila.cells:
                yield from celda.paragraphs
    for seccion in documento.sections:
        yield from seccion.header.paragraphs
        for tabla in seccion.header.tables:
            for fila in tabla.rows:
                for celda in fila.cells:
                    yield from celda.paragraphs


def poner_texto(parrafo: Paragraph, texto: str) -> None:
    """Cambia el texto de un párrafo conservando el formato de su primera corrida."""
    corridas = parrafo.runs
    for r in corridas[1:]:
        r._r.getparent().remove(r._r)
    if corridas:
        corridas[0].text = texto
    else:
        parrafo.add_run(texto)


def plantilla_modificada(
    destino: Path,
    reemplazos: dict[str, str] | None = None,
    *,
    origen: Path = PLANTILLA_FICHA,
    cambio: Callable[[Any], None] | None = None,
) -> Path:
    """Copia la plantilla ``origen`` cambiando el texto de los párrafos que contienen cada clave."""
    documento = docx.Document(str(origen))
    pendientes = dict(reemplazos or {})
    for parrafo in _parrafos_docx(documento):
        for viejo, nuevo in list(pendientes.items()):
            if viejo in parrafo.text:
                poner_texto(parrafo, parrafo.text.replace(viejo, nuevo))
                del pendientes[viejo]
    assert not pendientes, f"no se encontró en la plantilla: {list(pendientes)}"
    if cambio is not None:
        cambio(documento)
    documento.save(str(destino))
    return destino


def plantilla_restilizada(destino: Path) -> Path:
    """Otra fuente y otros colores, el título cambiado y el tipo de vinculación movido: es válida."""
    from docx.shared import Pt, RGBColor

    def cambiar(doc: Any) -> None:
        doc.styles["Normal"].font.name = "Georgia"
        doc.styles["Normal"].font.size = Pt(11)
        doc.styles["Etiqueta"].font.color.rgb = RGBColor(0x8B, 0x00, 0x00)
        doc.styles["Heading 1"].font.color.rgb = RGBColor(0x00, 0x55, 0x99)
        doc.styles["Heading 1"].font.size = Pt(14)
        parrafos = doc.paragraphs
        etiqueta = next(p for p in parrafos if p.text == "Tipo de vinculación:")
        valor = parrafos[parrafos.index(etiqueta) + 1]
        ancla = next(p for p in parrafos if p.text == "{{ practica.correo }}")
        ancla._p.addnext(valor._p)
        ancla._p.addnext(etiqueta._p)

    titulo = {"BUENAS PRÁCTICAS DE GESTIÓN PÚBLICA": "Buenas prácticas (versión de la casa)"}
    return plantilla_modificada(destino, titulo, cambio=cambiar)
