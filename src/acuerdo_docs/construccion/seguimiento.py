"""Construye plantillas/informe_seguimiento.docx: el informe que compara dos cortes del acuerdo.

Misma familia de encabezado que la ficha y el acuerdo. La plantilla recibe el contexto de
``acuerdo_docs.documentos.seguimiento.contexto_seguimiento`` (solo datos planos).
"""

from __future__ import annotations

from docx.document import Document as DocumentoDocx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from . import bloques

NOMBRE_ARCHIVO = "informe_seguimiento.docx"
TITULO = "INFORME DE SEGUIMIENTO DEL ACUERDO SIMBÓLICO"
ANCHO_UTIL = 17.5
NOTA = (
    "Este informe compara dos cortes de la hoja de ruta y de la matriz de riesgos del desafío. El avance de un "
    "actor o de una fase es el promedio del avance de sus hitos; las responsabilidades cumplidas son los hitos "
    "completados a cargo de cada actor; la zona de cada riesgo es la residual, después de sus controles (método "
    "del DAFP). No lleva datos personales: nombra entidades, no representantes."
)


def _parrafo(celda: _Cell, texto: str, *, negrita: bool = False, centrado: bool = False) -> None:
    primero = celda.paragraphs[0]
    parrafo: Paragraph = primero if not primero.runs else celda.add_paragraph()
    parrafo.style = "Celda"
    if centrado:
        parrafo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if texto:
        parrafo.add_run(texto).bold = negrita


def _propiedad_fila(tabla: Table, indice: int, etiqueta_xml: str) -> None:
    tabla.rows[indice]._tr.get_or_add_trPr().append(parse_xml(f'<w:{etiqueta_xml} {nsdecls("w")}/>'))


def _tabla_bucle(doc: DocumentoDocx, bucle: str, columnas: list[tuple[str, float, str]],
                 fondos: dict[int, str] | None = None, *, con_lo_siguiente: bool = False) -> None:
    """Tabla de títulos + una fila repetida por elemento (``{%tr for … %}``)."""
    tabla: Table = doc.add_table(4, len(columnas))
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    for celda, (titulo, _ancho, _expr) in zip(tabla.rows[0].cells, columnas):
        _parrafo(celda, titulo, negrita=True, centrado=True)
        bloques.sombrear(celda, bloques.SOMBRA_ETIQUETA)
    _propiedad_fila(tabla, 0, "tblHeader")
    _parrafo(tabla.rows[1].cells[0], f"{{%tr for {bucle} %}}")
    for i, (celda, (_titulo, _ancho, expresion)) in enumerate(zip(tabla.rows[2].cells, columnas)):
        _parrafo(celda, f"{{{{ {expresion} }}}}")
        if fondos and i in fondos:
            bloques.sombrear(celda, f"{{{{ {fondos[i]} }}}}")
    _propiedad_fila(tabla, 2, "cantSplit")
    _parrafo(tabla.rows[3].cells[0], "{%tr endfor %}")
    bloques.anchos(tabla, [c[1] for c in columnas])
    if con_lo_siguiente:  # la tabla no se separa de lo que sigue (subtítulos de la misma sección)
        for fila in (tabla.rows[0], tabla.rows[2]):
            for celda in fila.cells:
                for parrafo in celda.paragraphs:
                    parrafo.paragraph_format.keep_with_next = True


def _seccion(doc: DocumentoDocx, titulo: str, lista: str, columnas: list[tuple[str, float, str]], vacio: str,
             fondos: dict[int, str] | None = None, variable: str = "x") -> None:
    doc.add_paragraph(titulo, style="Heading 1")
    doc.add_paragraph(f"{{%p if {lista} %}}", style="Valor")
    _tabla_bucle(doc, f"{variable} in {lista}", columnas, fondos)
    doc.add_paragraph("{%p else %}", style="Valor")
    doc.add_paragraph(vacio, style="Valor")
    doc.add_paragraph("{%p endif %}", style="Valor")


def _avance(variable: str) -> list[tuple[str, float, str]]:
    return [
        ("Nombre", 5.5, f"{variable}.nombre"), ("Hitos completados", 3.2, f"{variable}.completados"),
        ("Avance anterior", 2.9, f"{variable}.antes"), ("Avance actual", 2.9, f"{variable}.ahora"),
        ("Cambio", 3.0, f"{variable}.delta"),
    ]


def construir() -> bytes:
    doc = bloques.documento_base(titulo="Informe de seguimiento del acuerdo simbólico")
    bloques.encabezado_formato(doc, "encabezado")
    doc.add_paragraph(TITULO, style="Title")
    subtitulo = doc.add_paragraph("{{ desafio }}", style="Valor")
    subtitulo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitulo.runs[0].bold = True
    doc.add_paragraph("{{ periodo }}", style="Valor").alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_paragraph("1. RESUMEN DEL PERIODO", style="Heading 1")
    _tabla_bucle(doc, "c in cifras", [("Indicador", 7.5, "c.rotulo"), ("Valor", ANCHO_UTIL - 7.5, "c.valor")])
    _seccion(doc, "2. HITOS COMPLETADOS EN EL PERIODO", "completados", [
        ("Actividad", 6.5, "x.actividad"), ("Fase", 3.0, "x.fase"), ("Responsable", 5.0, "x.responsable"),
        ("Fin", 3.0, "x.fin")], "Ningún hito se completó en el periodo.")
    _seccion(doc, "3. HITOS QUE PASARON A VENCIDOS", "vencidos", [
        ("Actividad", 6.0, "x.actividad"), ("Responsable", 5.0, "x.responsable"), ("Fin", 2.5, "x.fin"),
        ("Avance", 2.0, "x.avance"), ("Fase", 2.0, "x.fase")], "Ningún hito pasó a vencido en el periodo.")
    _seccion(doc, "4. AVANCE Y RESPONSABILIDADES CUMPLIDAS POR ACTOR", "por_actor", _avance("x"),
             "El acuerdo no tiene hitos en la hoja de ruta.")
    _seccion(doc, "5. AVANCE POR FASE", "por_fase", _avance("x"), "El acuerdo no tiene hitos en la hoja de ruta.")

    doc.add_paragraph("6. RIESGOS", style="Heading 1")
    doc.add_paragraph("Riesgos cuya zona residual cambió:", style="Etiqueta")
    doc.add_paragraph("{%p if riesgos.movidos %}", style="Valor")
    _tabla_bucle(doc, "x in riesgos.movidos", [
        ("Ref.", 1.3, "x.id"), ("Riesgo", 8.2, "x.descripcion"), ("Antes", 2.5, "x.antes"),
        ("Ahora", 2.5, "x.ahora"), ("Sentido", 3.0, "x.sentido")], {2: "x.fondo_antes", 3: "x.fondo_ahora"},
        con_lo_siguiente=True)
    doc.add_paragraph("{%p else %}", style="Valor")
    doc.add_paragraph("Ningún riesgo cambió de zona residual.", style="Valor").paragraph_format.keep_with_next = True
    doc.add_paragraph("{%p endif %}", style="Valor")
    for lista, rotulo, zona, clave in (("riesgos.nuevos", "Riesgos nuevos:", "Zona residual", "ahora"),
                                       ("riesgos.cerrados", "Riesgos que ya no están en la matriz (cerrados):",
                                        "Última zona", "antes")):
        doc.add_paragraph(f"{{%p if {lista} %}}", style="Valor")
        doc.add_paragraph(rotulo, style="Etiqueta")
        _tabla_bucle(doc, f"x in {lista}", [
            ("Ref.", 1.3, "x.id"), ("Riesgo", 13.2, "x.descripcion"), (zona, 3.0, f"x.{clave}")],
            {2: f"x.fondo_{clave}"}, con_lo_siguiente=lista != "riesgos.cerrados")
        doc.add_paragraph("{%p endif %}", style="Valor")

    doc.add_paragraph("7. VALIDACIÓN DE LOS ACTORES", style="Heading 1")
    _tabla_bucle(doc, "x in validacion", [
        ("Entidad", 9.5, "x.entidad"), ("Corte anterior", 4.0, "x.antes"), ("Corte actual", 4.0, "x.ahora")])

    _seccion(doc, "8. COMPROMISOS DE LOS ACTORES", "compromisos", [
        ("Entidad", 4.0, "x.entidad"), ("Compromiso", 6.0, "x.descripcion"), ("Tipo", 2.5, "x.tipo"),
        ("Estado", 2.0, "x.estado"), ("Evidencia", 3.0, "x.evidencia")], "Los actores no tienen compromisos.")
    doc.add_paragraph("9. LO QUE VIENE", style="Heading 1")
    doc.add_paragraph("Hitos sin completar que empiezan o vencen {{ horizonte }}:", style="Etiqueta")
    doc.add_paragraph("{%p if lo_que_viene %}", style="Valor")
    _tabla_bucle(doc, "x in lo_que_viene", [
        ("Actividad", 6.0, "x.actividad"), ("Responsable", 4.5, "x.responsable"), ("Inicio", 2.3, "x.inicio"),
        ("Fin", 2.3, "x.fin"), ("Avance", 2.4, "x.avance")])
    doc.add_paragraph("{%p else %}", style="Valor")
    doc.add_paragraph("Ningún hito empieza ni vence en ese periodo.", style="Valor")
    doc.add_paragraph("{%p endif %}", style="Valor")

    doc.add_paragraph("10. DETALLE DE LOS CAMBIOS", style="Heading 1")
    doc.add_paragraph("{%p if cambios %}", style="Valor")
    doc.add_paragraph("{%p for c in cambios %}", style="Valor")
    doc.add_paragraph("• {{ c }}", style="Valor")
    doc.add_paragraph("{%p endfor %}", style="Valor")
    doc.add_paragraph("{%p else %}", style="Valor")
    doc.add_paragraph("Sin cambios entre los dos cortes.", style="Valor")
    doc.add_paragraph("{%p endif %}", style="Valor")
    nota = doc.add_paragraph(NOTA, style="Nota")
    nota.paragraph_format.space_before = Pt(12)
    return bloques.guardar(doc)
