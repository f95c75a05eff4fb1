"""Piezas comunes para construir las plantillas .docx con python-docx.

Las plantillas de ``plantillas/`` se construyen con este código y se guardan en el
repositorio; una prueba verifica que coinciden byte a byte con lo que produce.
Un usuario puede abrirlas y cambiarles el estilo en Word o LibreOffice.
"""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.document import Document as DocumentoDocx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from ..paquete.escritor import normalizar_zip
from ..paquete.espacios import REL_ESTILOS_CON_EFECTOS, REL_MINIATURA, REL_TEMA, REL_XML_PROPIO

FUENTE = "Arial"
FECHA_PLANTILLA = datetime(2024, 1, 1)
GRIS_GUIA = RGBColor(0x59, 0x59, 0x59)
SOMBRA_ETIQUETA = "D9E2F3"
AIRE_ENCABEZADO = 12
"""Puntos entre la tabla del encabezado y la primera línea del cuerpo de cada página."""


def documento_base(*, titulo: str, horizontal: bool = False) -> DocumentoDocx:
    """Documento carta con márgenes del formato oficial, estilos propios y metadatos fijos."""
    doc = Document()
    seccion = doc.sections[0]
    seccion.page_width, seccion.page_height = Cm(21.59), Cm(27.94)
    if horizontal:
        seccion.orientation = WD_ORIENT.LANDSCAPE
        seccion.page_width, seccion.page_height = seccion.page_height, seccion.page_width
    seccion.top_margin = Cm(1.2)
    seccion.bottom_margin = Cm(2)
    seccion.left_margin = seccion.right_margin = Cm(2)
    seccion.header_distance = Cm(0.8)
    seccion.footer_distance = Cm(0.8)
    _estilos(doc)
    props = doc.core_properties
    props.title = titulo
    props.author = "acuerdo_docs"
    props.last_modified_by = "acuerdo_docs"
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.revision = 1
    props.created = FECHA_PLANTILLA
    props.modified = FECHA_PLANTILLA
    props.last_printed = FECHA_PLANTILLA
    props.language = "es-CO"
    return doc


def _estilos(doc: DocumentoDocx) -> None:
    estilos = doc.styles
    normal = estilos["Normal"]
    normal.font.name = FUENTE
    normal.font.size = Pt(10)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FUENTE)
    normal.paragraph_format.space_after = Pt(4)
    # Idioma del documento (el /Lang del PDF sale de aquí): es-CO también en los valores por omisión.
    por_omision = estilos.element.find(qn("w:docDefaults") + "/" + qn("w:rPrDefault") + "/" + qn("w:rPr"))
    idioma = por_omision.find(qn("w:lang")) if por_omision is not None else None
    if idioma is not None:
        idioma.set(qn("w:val"), "es-CO")
        idioma.set(qn("w:eastAsia"), "es-CO")
    lang = normal.element.rPr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f'<w:lang {nsdecls("w")} w:val="es-CO"/>')
        normal.element.rPr.append(lang)
    for nombre in ("Heading 1", "Title"):
        estilo = estilos[nombre]
        estilo.font.name = FUENTE
        estilo.font.color.rgb = RGBColor(0, 0, 0)
        estilo.font.bold = True
    estilos["Heading 1"].font.size = Pt(11)
    estilos["Heading 1"].paragraph_format.space_before = Pt(12)
    estilos["Heading 1"].paragraph_format.space_after = Pt(6)
    estilos["Heading 1"].paragraph_format.keep_with_next = True
    titulo = estilos["Title"]
    titulo.font.size = Pt(13)
    titulo.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    titulo.paragraph_format.space_before = Pt(10)
    titulo.paragraph_format.space_after = Pt(8)
    # El estilo Title de python-docx trae un borde inferior; el formato oficial no lo tiene.
    pbdr = titulo.element.find(qn("w:pPr") + "/" + qn("w:pBdr"))
    if pbdr is not None:
        pbdr.getparent().remove(pbdr)

    def nuevo(nombre: str) -> ParagraphStyle:
        estilo = estilos.add_style(nombre, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(estilo, ParagraphStyle)
        estilo.base_style = estilos["Normal"]
        estilo.quick_style = True
        return estilo

    etiqueta = nuevo("Etiqueta")
    etiqueta.font.bold = True
    etiqueta.paragraph_format.space_before = Pt(8)
    etiqueta.paragraph_format.space_after = Pt(2)
    etiqueta.paragraph_format.keep_with_next = True
    guia = nuevo("Guía")
    guia.font.italic = True
    guia.font.size = Pt(8.5)
    guia.font.color.rgb = GRIS_GUIA
    guia.paragraph_format.keep_with_next = True
    guia.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    valor = nuevo("Valor")
    valor.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    valor.paragraph_format.space_after = Pt(6)
    nota = nuevo("Nota")
    nota.font.size = Pt(8.5)
    nota.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    celda = nuevo("Celda")
    celda.font.size = Pt(8.5)
    celda.paragraph_format.space_after = Pt(0)
    vineta = estilos["List Bullet"]
    vineta.font.name = FUENTE
    vineta.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


_DESPUES_DE_SHD = (
    "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark",
    "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange",
)


def sombrear(celda: _Cell, color: str) -> None:
    """Relleno de celda; ``color`` es RGB hexadecimal o una expresión de la plantilla (``{{ h.fondo }}``).

    w:shd va en su lugar del esquema (antes de w:vAlign): Word rechaza un w:tcPr desordenado.
    """
    tc_pr = celda._tc.get_or_add_tcPr()
    shd = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{color}"/>')
    tc_pr.insert_element_before(shd, *_DESPUES_DE_SHD)


def texto_celda(celda: _Cell, texto: str, *, negrita: bool = False, centrado: bool = False,
                estilo: str = "Celda") -> Paragraph:
    parrafo: Paragraph = celda.paragraphs[0]
    parrafo.style = estilo
    if centrado:
        parrafo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = parrafo.add_run(texto)
    run.bold = negrita
    celda.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return parrafo


def campo_word(parrafo: Paragraph, instruccion: str, resultado: str = "1") -> None:
    """Inserta un campo (PAGE, NUMPAGES) que Word y LibreOffice actualizan al paginar."""
    for xml in (
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>',
        f'<w:r {nsdecls("w")}><w:instrText xml:space="preserve"> {instruccion} </w:instrText></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="separate"/></w:r>',
        f'<w:r {nsdecls("w")}><w:t>{resultado}</w:t></w:r>',
        f'<w:r {nsdecls("w")}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        parrafo._p.append(parse_xml(xml))


def anchos(tabla: Table, medidas_cm: list[float]) -> None:
    """Anchos fijos de columna: en la cuadrícula (LibreOffice la lee) y en cada celda (Word)."""
    tabla.autofit = False
    for col, ancho in zip(tabla._tbl.tblGrid.gridCol_lst, medidas_cm):
        col.w = Cm(ancho)
    for fila in tabla.rows:
        for celda, ancho in zip(fila.cells, medidas_cm):
            celda.width = Cm(ancho)


def encabezado_formato(doc: DocumentoDocx, prefijo: str = "encabezado") -> Table:
    """Tabla de encabezado de la familia de formatos (se repite en cada página).

    PROCESO / PROCEDIMIENTO / FORMATO a la izquierda; CÓDIGO / VERSIÓN / Página X de Y
    a la derecha; los valores son campos de la plantilla (``{{ encabezado.codigo }}``).
    """
    cabecera = doc.sections[0].header
    cabecera.is_linked_to_previous = False
    seccion = doc.sections[0]
    # La plantilla de python-docx trae ancho y márgenes; None solo si un .docx ajeno no los declara.
    assert seccion.page_width is not None and seccion.left_margin is not None and seccion.right_margin is not None
    ancho_util = Emu(seccion.page_width - seccion.left_margin - seccion.right_margin)
    tabla = cabecera.add_table(3, 5, ancho_util)
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = ancho_util / 360000
    medidas = [2.7, 3.1, total - 2.7 - 3.1 - 2.1 - 3.2, 2.1, 3.2]
    logo = tabla.cell(0, 0).merge(tabla.cell(2, 0))
    texto_celda(logo, f"{{{{ {prefijo}.entidad }}}}", negrita=True, centrado=True)
    filas = (
        ("PROCESO", "proceso", "CÓDIGO", "codigo"),
        ("PROCEDIMIENTO", "procedimiento", "VERSIÓN", "version"),
        ("FORMATO", "formato", "Página", None),
    )
    for i, (etq_izq, clave_izq, etq_der, clave_der) in enumerate(filas):
        texto_celda(tabla.cell(i, 1), etq_izq, negrita=True)
        texto_celda(tabla.cell(i, 2), f"{{{{ {prefijo}.{clave_izq} }}}}")
        texto_celda(tabla.cell(i, 3), etq_der, negrita=True)
        if clave_der:
            texto_celda(tabla.cell(i, 4), f"{{{{ {prefijo}.{clave_der} }}}}")
        else:
            parrafo = texto_celda(tabla.cell(i, 4), "")
            campo_word(parrafo, "PAGE")
            parrafo.add_run(" de ")
            campo_word(parrafo, "NUMPAGES", "2")
        sombrear(tabla.cell(i, 1), SOMBRA_ETIQUETA)
        sombrear(tabla.cell(i, 3), SOMBRA_ETIQUETA)
    anchos(tabla, medidas)
    # El párrafo vacío que trae el encabezado va después de la tabla: Word exige que el encabezado
    # termine en párrafo, y su alto (una línea de 6 pt) es el aire entre la tabla y el cuerpo en
    # todas las páginas. Un espacio antes en los títulos no sirve: en la cabeza de página se suprime.
    aire = cabecera.paragraphs[0]
    tabla._tbl.addnext(aire._p)
    aire.paragraph_format.space_before = Pt(0)
    aire.paragraph_format.space_after = Pt(0)
    aire.paragraph_format.line_spacing = Pt(AIRE_ENCABEZADO)
    aire.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    return tabla


def nota_al_pie(doc: DocumentoDocx, parrafo: Paragraph, texto: str, id_nota: int = 1) -> None:
    """Agrega una nota al pie real (parte footnotes.xml), como la del DAFP en el formato."""
    xml = (
        f'<w:footnotes {nsdecls("w")}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
        'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
        'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
        f'<w:footnote w:id="{id_nota}"><w:p><w:pPr><w:spacing w:after="0"/></w:pPr>'
        '<w:r><w:rPr><w:vertAlign w:val="superscript"/><w:sz w:val="16"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:rPr><w:sz w:val="16"/></w:rPr><w:t xml:space="preserve"> {texto}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    )
    parte = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(parte, RT.FOOTNOTES)
    parrafo._p.append(parse_xml(
        f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteReference w:id="{id_nota}"/></w:r>'
    ))
    ajustes = doc.settings.element
    ajustes.append(parse_xml(
        f'<w:footnotePr {nsdecls("w")}><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    ))


def etiqueta(doc: DocumentoDocx, texto: str) -> Paragraph:
    return doc.add_paragraph(texto, style="Etiqueta")


def guia(doc: DocumentoDocx, texto: str | None) -> None:
    if texto:
        doc.add_paragraph(texto, style="Guía")


def bucle(doc: DocumentoDocx, apertura: str, cuerpo: str, *, estilo: str = "Valor") -> None:
    """Tres párrafos: {%p for … %}, el cuerpo y {%p endfor %} (docxtpl quita los de control)."""
    doc.add_paragraph(f"{{%p {apertura} %}}", style=estilo)
    doc.add_paragraph(cuerpo, style=estilo)
    doc.add_paragraph("{%p endfor %}", style=estilo)


def cuadro_fecha(doc: DocumentoDocx, expresion: str) -> Table:
    """Cajas día / mes / año del formato oficial."""
    tabla: Table = doc.add_table(2, 3)
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.LEFT
    for col, (rotulo, filtro) in enumerate((("día", "dia"), ("mes", "mes"), ("año", "anio"))):
        texto_celda(tabla.cell(0, col), rotulo, negrita=True, centrado=True)
        sombrear(tabla.cell(0, col), SOMBRA_ETIQUETA)
        texto_celda(tabla.cell(1, col), f"{{{{ {expresion}|{filtro} }}}}", centrado=True, estilo="Valor")
    anchos(tabla, [1.6, 1.6, 2.0])
    return tabla


_SOBRANTES = (
    REL_ESTILOS_CON_EFECTOS,
    # El tema de Office (colores y fuentes del tema): los estilos ya fijan Arial y colores;
    # sin él LibreOffice convierte cada documento un 10-15 % más rápido. Word lo repone si se
    # elige un tema en Diseño.
    REL_TEMA,
    REL_MINIATURA,
    REL_XML_PROPIO,
)


def _quitar_relaciones_sobrantes(doc: DocumentoDocx) -> None:
    for paquete_rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(paquete_rels.items()):
            if rel.reltype in _SOBRANTES:
                del paquete_rels[rid]


def _fuentes_sin_tema(estilos: etree._Element) -> None:
    """Sin referencias al tema: en Word un atributo de tema (asciiTheme, themeColor) manda sobre
    la fuente o el color explícitos, y los títulos saldrían en Cambria en vez de Arial."""
    for elemento in estilos.iter(qn("w:rFonts"), qn("w:color")):
        for atributo in list(elemento.attrib):
            if "heme" in atributo:  # asciiTheme, hAnsiTheme, eastAsiaTheme, cstheme, themeColor…
                del elemento.attrib[atributo]
    fuentes_base = estilos.find(f'{qn("w:docDefaults")}/{qn("w:rPrDefault")}/{qn("w:rPr")}/{qn("w:rFonts")}')
    if fuentes_base is not None:
        for atributo in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fuentes_base.set(qn(atributo), FUENTE)
    latentes = estilos.find(qn("w:latentStyles"))
    if latentes is not None:
        estilos.remove(latentes)


def _estilos_usados(doc: DocumentoDocx) -> set[str]:
    """Los estilos que citan el cuerpo, la numeración y los encabezados."""
    referencias = {qn("w:pStyle"), qn("w:rStyle"), qn("w:tblStyle"), qn("w:numStyle")}
    partes = [doc.part.element, doc.part.numbering_part.element]
    partes += [r.target_part.element for r in doc.part.rels.values()
               if not r.is_external and hasattr(r.target_part, "element") and "header" in r.reltype]
    return {elemento.get(qn("w:val")) for raiz in partes for elemento in raiz.iter(*referencias)}


def _con_sus_bases(usados: set[str], por_id: dict[str, etree._Element]) -> set[str]:
    """Los estilos usados, los predeterminados y todos los que estos nombran (basedOn, link, next)."""
    pendientes = list(usados) + [i for i, e in por_id.items() if e.get(qn("w:default")) in ("1", "true")]
    conservar: set[str] = set()
    while pendientes:
        estilo_id = pendientes.pop()
        if estilo_id in conservar or estilo_id not in por_id:
            continue
        conservar.add(estilo_id)
        for enlace in ("w:basedOn", "w:link", "w:next"):
            hijo = por_id[estilo_id].find(qn(enlace))
            if hijo is not None:
                pendientes.append(hijo.get(qn("w:val"), ""))
    return conservar


def podar(doc: DocumentoDocx) -> None:
    """Quita lo que la plantilla de python-docx trae y no se usa.

    Unos 800 KB de estilos (styles.xml con cientos de estilos sin usar y stylesWithEffects.xml)
    que Word y LibreOffice leen en cada documento: sin ellos el .docx pesa menos y la conversión
    a PDF es mucho más rápida. Los estilos integrados que falten, Word los vuelve a ofrecer.
    """
    _quitar_relaciones_sobrantes(doc)
    estilos = doc.styles.element
    _fuentes_sin_tema(estilos)
    por_id = {e.get(qn("w:styleId")): e for e in estilos.iterchildren(qn("w:style"))}
    conservar = _con_sus_bases(_estilos_usados(doc), por_id)
    for estilo_id, elemento in por_id.items():
        if estilo_id not in conservar:
            estilos.remove(elemento)


def guardar(doc: DocumentoDocx) -> bytes:
    podar(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalizar_zip(buffer.getvalue())
