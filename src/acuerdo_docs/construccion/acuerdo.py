"""Construye plantillas/acuerdo_simbolico.docx: el acuerdo simbólico y su hoja de ruta.

Las etiquetas salen del esquema (``esquemas.acuerdo``); los textos fijos (carácter
simbólico del acuerdo, firma) están aquí. La plantilla recibe el contexto que arma
``acuerdo_docs.documentos.acuerdo.contexto_acuerdo``.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.document import Document as DocumentoDocx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph

from ..esquemas.acuerdo import TIPOS_COMPROMISO, Actor, AcuerdoSimbolico, Desafio, Facilitador, Hito
from ..esquemas.comun import etiqueta
from . import bloques

NOMBRE_ARCHIVO = "acuerdo_simbolico.docx"

TITULO = "ACUERDO SIMBÓLICO DE CORRESPONSABILIDAD"
CARACTER_SIMBOLICO = (
    "Este acuerdo es simbólico y no contractual: no crea obligaciones jurídicas, contractuales ni económicas, "
    "ni reemplaza convenios, contratos o actos administrativos. Recoge lo que cada actor validó en la reunión "
    "de inicio del desafío: su rol, sus responsabilidades y sus compromisos de talento humano, equipo, recursos "
    "y otros. Su propósito es acotar el alcance, definir responsabilidades y gestionar expectativas, de modo que "
    "cada entidad asuma una parte del camino hacia el prototipo y su sostenibilidad."
)
NOTA_DATOS = (
    "Nota: los nombres y correos de los representantes se recogen solo para identificar a quienes validan este "
    "acuerdo y se tratan según la Ley 1581 de 2012 y el Decreto 1377 de 2013 (protección de datos personales). "
    "La versión pública de este documento no los incluye."
)
TEXTO_FIRMAS = (
    "Con su firma, cada representante deja constancia de que su entidad conoce y valida el rol, las "
    "responsabilidades y los compromisos descritos en este acuerdo. La firma es simbólica: expresa la voluntad "
    "de colaborar y no crea ninguna obligación contractual."
)
LEYENDA_ESTADOS = (
    "Completado: avance de 100 %. Vencido: la fecha de fin ya pasó y el avance no llegó a 100 %. "
    "Sin iniciar: la fecha de inicio aún no llega y no hay avance. En curso: los demás casos."
)
SIN_COMPROMISOS = "Sin compromisos registrados."
LINEA_FIRMA = "_" * 34
LINEA_FECHA = "Fecha: ____ / ____ / ________"

ANCHO_UTIL = 17.5
ANCHO_ROTULO = 4.6


# ----------------------------------------------------------------- utilidades


def _estilos(doc: DocumentoDocx) -> None:
    """Estilos propios del acuerdo (además de los comunes de ``bloques``)."""
    estilos = doc.styles
    vineta = estilos.add_style("Celda viñeta", WD_STYLE_TYPE.PARAGRAPH)
    vineta.base_style = estilos["Celda"]
    vineta.quick_style = True
    vineta.paragraph_format.left_indent = Cm(0.4)
    vineta.paragraph_format.first_line_indent = Cm(-0.4)
    vineta.paragraph_format.space_after = Pt(1)
    subtitulo = estilos.add_style("Subtítulo acuerdo", WD_STYLE_TYPE.PARAGRAPH)
    subtitulo.base_style = estilos["Normal"]
    subtitulo.quick_style = True
    subtitulo.font.size = Pt(11.5)
    subtitulo.font.bold = True
    subtitulo.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitulo.paragraph_format.space_after = Pt(10)
    firma = estilos.add_style("Firma", WD_STYLE_TYPE.PARAGRAPH)
    firma.base_style = estilos["Normal"]
    firma.quick_style = True
    firma.font.size = Pt(9)
    firma.paragraph_format.space_after = Pt(1)


def _fila(fila: _Row, *, no_partir: bool = True, repetir: bool = False) -> None:
    """Propiedades de fila: no partirla entre páginas y, si es de títulos, repetirla en cada página."""
    tr_pr = fila._tr.get_or_add_trPr()
    if no_partir:
        tr_pr.append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))
    if repetir:
        tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))


def _parrafo(celda: _Cell, texto: str, estilo: str = "Celda", *, negrita: bool = False,
             centrado: bool = False) -> Paragraph:
    """Agrega un párrafo a la celda (usa el primero si está vacío)."""
    primero = celda.paragraphs[0]
    reutilizable = len(celda.paragraphs) == 1 and not primero.text and not primero.runs
    parrafo: Paragraph = primero if reutilizable else celda.add_paragraph()
    parrafo.style = estilo
    if centrado:
        parrafo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if texto:
        parrafo.add_run(texto).bold = negrita
    return parrafo


def _titulos(tabla: Table, textos: list[str]) -> None:
    fila = tabla.rows[0]
    for celda, texto in zip(fila.cells, textos):
        _parrafo(celda, texto, negrita=True, centrado=True)
        bloques.sombrear(celda, bloques.SOMBRA_ETIQUETA)
    _fila(fila, repetir=True)


def _fila_control(tabla: Table, indice: int, etiqueta_control: str) -> None:
    """Fila {%tr … %}: docxtpl la reemplaza por la etiqueta Jinja (la fila desaparece)."""
    _parrafo(tabla.rows[indice].cells[0], etiqueta_control)


def _mantener_junta(tabla: Table) -> None:
    """La tabla no se parte entre páginas si cabe en una: todos sus párrafos, salvo los de la última fila,
    van «conservar con el siguiente» (Word y LibreOffice lo aplican a las filas)."""
    for fila in tabla.rows[:-1]:
        for celda in fila.cells:
            for parrafo in celda.paragraphs:
                parrafo.paragraph_format.keep_with_next = True


def _rotulo(celda: _Cell, texto: str) -> None:
    _parrafo(celda, texto, negrita=True)
    bloques.sombrear(celda, bloques.SOMBRA_ETIQUETA)


def _tabla_datos(doc: DocumentoDocx, filas: list[tuple[str, str]]) -> Table:
    """Tabla rótulo | valor; el valor es una expresión de la plantilla."""
    tabla: Table = doc.add_table(len(filas), 2)
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    for fila, (rotulo, valor) in zip(tabla.rows, filas):
        _rotulo(fila.cells[0], rotulo)
        _parrafo(fila.cells[1], valor)
        _fila(fila)
    bloques.anchos(tabla, [ANCHO_ROTULO, ANCHO_UTIL - ANCHO_ROTULO])
    return tabla


def _texto_largo(doc: DocumentoDocx, expresion: str) -> None:
    bloques.bucle(doc, f"for parrafo in {expresion}|parrafos", "{{ parrafo }}")


# ----------------------------------------------------------------- secciones


def _datos_generales(doc: DocumentoDocx) -> None:
    a = AcuerdoSimbolico
    _tabla_datos(doc, [
        (etiqueta(Desafio, "descripcion"), "{{ acuerdo.desafio.descripcion }}"),
        (etiqueta(a, "fecha"), "{{ acuerdo.fecha|fecha_larga }}"),
        (etiqueta(a, "lugar"), "{{ acuerdo.lugar }}"),
        (etiqueta(Facilitador, "entidad"), "{{ facilitador }}"),
        ("Avance con corte al", "{{ referencia|fecha_larga }}"),
    ])


def _facilitador(doc: DocumentoDocx) -> None:
    doc.add_paragraph("1. FACILITADOR DEL PROCESO", style="Heading 1")
    bloques.etiqueta(doc, etiqueta(Facilitador, "aporte"))
    doc.add_paragraph("{{ facilitador }} aporta:", style="Valor")
    _texto_largo(doc, "acuerdo.facilitador.aporte")


def _alcance(doc: DocumentoDocx) -> None:
    doc.add_paragraph("2. ALCANCE Y OBJETIVO", style="Heading 1")
    for nombre in ("alcance", "objetivo"):
        bloques.etiqueta(doc, etiqueta(AcuerdoSimbolico, nombre))
        _texto_largo(doc, f"acuerdo.{nombre}")


def _caracter(doc: DocumentoDocx) -> None:
    doc.add_paragraph("3. CARÁCTER SIMBÓLICO DEL ACUERDO", style="Heading 1")
    doc.add_paragraph(CARACTER_SIMBOLICO, style="Valor")
    doc.add_paragraph(NOTA_DATOS, style="Nota")


def _actores(doc: DocumentoDocx) -> None:
    doc.add_paragraph("4. ACTORES, ROLES Y COMPROMISOS", style="Heading 1")
    bloques.guia(doc, "Cada actor valida en la reunión de inicio su rol, sus responsabilidades y sus compromisos: "
                      "talento humano, equipo, recursos y otros.")
    doc.add_paragraph("{%p for actor in actores %}", style="Valor")
    doc.add_paragraph("{{ actor.numero }}. {{ actor.entidad }}", style="Etiqueta")
    filas = [
        (etiqueta(Actor, "sector"), "{{ actor.sector }}"),
        (etiqueta(Actor, "representante"), "{{ actor.representante }}"),
        (etiqueta(Actor, "cargo"), "{{ actor.cargo }}"),
        (etiqueta(Actor, "correo"), "{{ actor.correo }}"),
        (etiqueta(Actor, "rol"), "{{ actor.rol }}"),
        (etiqueta(Actor, "responsabilidades"), ""),
        (etiqueta(Actor, "compromisos"), ""),
        (etiqueta(Actor, "validado"), "{{ actor.validado }}"),
    ]
    tabla = _tabla_datos(doc, filas)
    responsabilidades = tabla.rows[5].cells[1]
    _parrafo(responsabilidades, "{%p for texto in actor.responsabilidades %}")
    _parrafo(responsabilidades, "•\t{{ texto }}", "Celda viñeta")
    _parrafo(responsabilidades, "{%p endfor %}")
    compromisos = tabla.rows[6].cells[1]
    # La celda nunca queda sin párrafos (Word lo exige): sin compromisos, lo dice.
    _parrafo(compromisos, "{%p if actor.compromisos %}")
    _parrafo(compromisos, "{%p for grupo in actor.compromisos %}")
    _parrafo(compromisos, "{{ grupo.tipo }}", negrita=True)
    _parrafo(compromisos, "{%p for texto in grupo.descripciones %}")
    _parrafo(compromisos, "•\t{{ texto }}", "Celda viñeta")
    _parrafo(compromisos, "{%p endfor %}")
    _parrafo(compromisos, "{%p endfor %}")
    _parrafo(compromisos, "{%p else %}")
    _parrafo(compromisos, SIN_COMPROMISOS)
    _parrafo(compromisos, "{%p endif %}")
    # La respuesta que el actor dejó desde su enlace (validó o pidió un cambio), con su fecha y hora.
    validado = tabla.rows[7].cells[1]
    _parrafo(validado, "{%p if actor.validacion %}")
    _parrafo(validado, "{{ actor.validacion }}")
    _parrafo(validado, "{%p endif %}")
    _mantener_junta(tabla)
    doc.add_paragraph("{%p endfor %}", style="Valor")


def _aportes(doc: DocumentoDocx) -> None:
    doc.add_paragraph("5. QUIÉN APORTA QUÉ", style="Heading 1")
    bloques.guia(doc, "Una X marca cada tipo de compromiso que el actor aporta al desafío.")
    tipos = list(TIPOS_COMPROMISO.values())
    tabla: Table = doc.add_table(5, 2 + len(tipos))
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    _titulos(tabla, ["Actor", etiqueta(Actor, "sector"), *tipos])
    _fila_control(tabla, 1, "{%tr for fila in actores %}")
    datos = tabla.rows[2]
    _parrafo(datos.cells[0], "{{ fila.entidad }}")
    _parrafo(datos.cells[1], "{{ fila.sector }}")
    for i in range(len(tipos)):
        _parrafo(datos.cells[2 + i], f"{{{{ fila.marcas[{i}] }}}}", negrita=True, centrado=True)
        bloques.sombrear(datos.cells[2 + i], f"{{{{ fila.fondos[{i}] }}}}")
    _fila(datos)
    _fila_control(tabla, 3, "{%tr endfor %}")
    total = tabla.rows[4]
    _parrafo(total.cells[0], "Actores que aportan", negrita=True)
    for i in range(len(tipos)):
        _parrafo(total.cells[2 + i], f"{{{{ totales[{i}] }}}}", negrita=True, centrado=True)
    _fila(total)
    resto = ANCHO_UTIL - 5.5 - 2.4
    bloques.anchos(tabla, [5.5, 2.4, *([resto / len(tipos)] * len(tipos))])


def _hoja_de_ruta(doc: DocumentoDocx) -> None:
    doc.add_paragraph("6. HOJA DE RUTA", style="Heading 1")
    doc.add_paragraph("{{ ruta.resumen }}", style="Valor")
    bloques.guia(doc, LEYENDA_ESTADOS)
    doc.add_paragraph("{%p if hitos %}", style="Valor")
    columnas = [
        ("#", 0.6), (etiqueta(Hito, "actividad"), 4.3), (etiqueta(Hito, "fase"), 2.3),
        (etiqueta(Hito, "responsable"), 3.0), ("Inicio / fin", 2.3), ("Estado", 2.2), ("Avance", 2.8),
    ]
    tabla: Table = doc.add_table(4, len(columnas))
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    _titulos(tabla, [c[0] for c in columnas])
    _fila_control(tabla, 1, "{%tr for h in hitos %}")
    datos = tabla.rows[2]
    expresiones = ["h.numero", "h.actividad", "h.fase", "h.responsable"]
    for celda, expresion in zip(datos.cells, expresiones):
        _parrafo(celda, f"{{{{ {expresion} }}}}", centrado=expresion == "h.numero")
    _parrafo(datos.cells[4], "{{ h.inicio }}", centrado=True)
    _parrafo(datos.cells[4], "{{ h.fin }}", centrado=True)
    _parrafo(datos.cells[5], "{{ h.estado }}", centrado=True)
    bloques.sombrear(datos.cells[5], "{{ h.fondo }}")
    _parrafo(datos.cells[6], "{{ h.barra }}")
    _parrafo(datos.cells[6], "{{ h.avance }} %")
    _fila(datos)
    _fila_control(tabla, 3, "{%tr endfor %}")
    bloques.anchos(tabla, [c[1] for c in columnas])
    doc.add_paragraph("{%p else %}", style="Valor")
    doc.add_paragraph("Aún no se ha definido la hoja de ruta del desafío.", style="Valor")
    doc.add_paragraph("{%p endif %}", style="Valor")


def _riesgos(doc: DocumentoDocx) -> None:
    doc.add_paragraph("{%p if riesgos %}", style="Valor")
    doc.add_paragraph("7. RIESGOS EN ZONA ALTA Y EXTREMA", style="Heading 1")
    doc.add_paragraph("{{ riesgos.resumen }}", style="Valor")
    doc.add_paragraph("{%p if riesgos.prioritarios %}", style="Valor")
    columnas = [
        ("Ref.", 1.2), ("Riesgo", 5.0), ("Zona inherente", 2.2), ("Zona residual", 2.2),
        ("Responsable", 2.8), ("Tratamiento y plan de acción", 4.1),
    ]
    tabla: Table = doc.add_table(4, len(columnas))
    tabla.style = "Table Grid"
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    _titulos(tabla, [c[0] for c in columnas])
    _fila_control(tabla, 1, "{%tr for r in riesgos.prioritarios %}")
    datos = tabla.rows[2]
    _parrafo(datos.cells[0], "{{ r.id }}", centrado=True)
    _parrafo(datos.cells[1], "{{ r.descripcion }}")
    _parrafo(datos.cells[2], "{{ r.zona_inherente }}", negrita=True, centrado=True)
    _parrafo(datos.cells[3], "{{ r.zona_residual }}", negrita=True, centrado=True)
    bloques.sombrear(datos.cells[2], "{{ r.fondo_inherente }}")
    bloques.sombrear(datos.cells[3], "{{ r.fondo_residual }}")
    _parrafo(datos.cells[4], "{{ r.responsable }}")
    _parrafo(datos.cells[5], "{{ r.tratamiento }}", negrita=True)
    _parrafo(datos.cells[5], "{{ r.plan_accion }}")
    _fila(datos)
    _fila_control(tabla, 3, "{%tr endfor %}")
    bloques.anchos(tabla, [c[1] for c in columnas])
    doc.add_paragraph("{%p endif %}", style="Valor")
    doc.add_paragraph("{%p endif %}", style="Valor")


def _datos_firma(celda: _Cell, variable: str) -> None:
    _parrafo(celda, f"{{{{ {variable}.entidad }}}}", "Firma", negrita=True)
    _parrafo(celda, f"Representante: {{{{ {variable}.representante }}}}", "Firma")
    _parrafo(celda, f"Cargo: {{{{ {variable}.cargo }}}}", "Firma")


def _lineas_firma(celda: _Cell, variable: str) -> None:
    linea = _parrafo(celda, LINEA_FIRMA, "Firma")
    linea.paragraph_format.space_before = Pt(30)
    _parrafo(celda, "Firma simbólica", "Firma")
    _parrafo(celda, LINEA_FECHA, "Firma").paragraph_format.space_before = Pt(6)


def _celda_firma(celda: _Cell, variable: str, escribir: Callable[[_Cell, str], None], *, opcional: bool) -> None:
    """Un bloque (o su mitad) en la celda; la de la derecha solo si el par tiene segundo actor."""
    if opcional:
        _parrafo(celda, f"{{%p if {variable} %}}")
    escribir(celda, variable)
    if opcional:
        _parrafo(celda, "{%p endif %}")
        _parrafo(celda, "", "Firma")  # la celda conserva un párrafo aunque no haya segundo bloque


def _firmas(doc: DocumentoDocx) -> None:
    doc.add_paragraph("{{ numero_firmas }}. FIRMA SIMBÓLICA", style="Heading 1")
    texto = doc.add_paragraph(TEXTO_FIRMAS, style="Valor")
    texto.paragraph_format.keep_with_next = True
    # Dos bloques por par de filas: arriba entidad, representante y cargo; abajo las líneas de firma y
    # fecha, en su propia fila para que queden a la misma altura aunque el texto de arriba ocupe más
    # líneas en un bloque que en el otro. Las filas no se parten y la de datos va con la de firma.
    tabla: Table = doc.add_table(4, 2)
    tabla.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fila_control(tabla, 0, "{%tr for par in firmas %}")
    datos, lineas = tabla.rows[1], tabla.rows[2]
    for fila, escribir in ((datos, _datos_firma), (lineas, _lineas_firma)):
        _celda_firma(fila.cells[0], "par.izquierda", escribir, opcional=False)
        _celda_firma(fila.cells[1], "par.derecha", escribir, opcional=True)
        _fila(fila)
    for celda in datos.cells:
        for parrafo in celda.paragraphs:
            parrafo.paragraph_format.keep_with_next = True
    for celda in lineas.cells:
        celda.paragraphs[-1].paragraph_format.space_after = Pt(14)
    _fila_control(tabla, 3, "{%tr endfor %}")
    bloques.anchos(tabla, [ANCHO_UTIL / 2, ANCHO_UTIL / 2])
    doc.add_paragraph(style="Nota")  # el cuerpo termina en párrafo, no en tabla (así lo guarda Word)


def construir() -> bytes:
    doc = bloques.documento_base(titulo="Acuerdo simbólico de corresponsabilidad")
    _estilos(doc)
    bloques.encabezado_formato(doc, "encabezado")
    doc.add_paragraph(TITULO, style="Title")
    doc.add_paragraph("{{ acuerdo.desafio.nombre }}", style="Subtítulo acuerdo")
    _datos_generales(doc)
    _facilitador(doc)
    _alcance(doc)
    _caracter(doc)
    _actores(doc)
    _aportes(doc)
    _hoja_de_ruta(doc)
    _riesgos(doc)
    _firmas(doc)
    return bloques.guardar(doc)
