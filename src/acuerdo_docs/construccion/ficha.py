"""Construye plantillas/ficha_4202000-FT-1311.docx a partir del esquema BuenaPractica.

Las etiquetas y los textos de guía salen del esquema (se escriben una sola vez);
el orden y los textos fijos son los del formato oficial (shared/semilla/).
"""

from __future__ import annotations

from docx.document import Document as DocumentoDocx
from docx.enum.text import WD_ALIGN_PARAGRAPH

from ..esquemas.ficha import (
    CAMPOS_NO_IMPRESOS,
    CAMPOS_TEXTO_LARGO,
    DEFINICION,
    NOTA_DAFP,
    NOTA_LEY_1581,
    SECCIONES,
    TITULO,
    BuenaPractica,
)
from . import bloques

NOMBRE_ARCHIVO = "ficha_4202000-FT-1311.docx"

_FECHAS = {"fecha_diligenciamiento", "fecha_inicio"}


def _campo(doc: DocumentoDocx, nombre: str) -> None:
    info = BuenaPractica.model_fields[nombre]
    if nombre != "conclusiones":  # la sección 5 no tiene etiqueta propia en el formato
        bloques.etiqueta(doc, info.title or nombre)
        bloques.guia(doc, info.description)
    expresion = f"practica.{nombre}"
    if nombre in _FECHAS:
        bloques.cuadro_fecha(doc, expresion)
    elif nombre == "retos":
        bloques.bucle(doc, f"for reto in {expresion}", "{{ reto }}", estilo="List Bullet")
    elif nombre == "anexos":
        doc.add_paragraph(f"{{%p for anexo in {expresion} %}}", style="Valor")
        doc.add_paragraph("{{ loop.index }}. {{ anexo.nombre }}", style="Etiqueta")
        doc.add_paragraph("{%p if anexo.descripcion %}", style="Valor")
        # Nombre y descripción van con la imagen (el nombre ya es «Etiqueta», que sigue al siguiente).
        doc.add_paragraph("{{ anexo.descripcion }}", style="Valor").paragraph_format.keep_with_next = True
        doc.add_paragraph("{%p endif %}", style="Valor")
        doc.add_paragraph("{%p if anexo.archivo %}", style="Valor")
        # A lo sumo 9 cm de alto: dos anexos caben en una página y, si uno pasa a la siguiente, deja poco vacío.
        figura = doc.add_paragraph("{{ imagen(anexo.archivo, 15, 9) }}", style="Valor")
        figura.alignment = WD_ALIGN_PARAGRAPH.CENTER
        figura.paragraph_format.keep_together = True
        doc.add_paragraph("{%p endif %}", style="Valor")
        doc.add_paragraph("{%p endfor %}", style="Valor")
    elif nombre in CAMPOS_TEXTO_LARGO:
        bloques.bucle(doc, f"for parrafo in {expresion}|parrafos", "{{ parrafo }}")
    else:
        doc.add_paragraph(f"{{{{ {expresion} }}}}", style="Valor")


def construir() -> bytes:
    doc = bloques.documento_base(titulo="Documentación de buenas prácticas de gestión pública")
    bloques.encabezado_formato(doc, "encabezado")
    doc.add_paragraph(TITULO, style="Title")
    definicion = doc.add_paragraph(style="Valor")
    definicion.add_run(DEFINICION).italic = True
    bloques.nota_al_pie(doc, definicion, NOTA_DAFP)
    doc.add_paragraph(NOTA_LEY_1581, style="Nota")
    seccion_actual: str | None = None
    for nombre, info in BuenaPractica.model_fields.items():
        if nombre in CAMPOS_NO_IMPRESOS:
            continue
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        seccion = extra.get("seccion")
        if seccion and seccion != seccion_actual:
            assert seccion in SECCIONES
            doc.add_paragraph(str(seccion), style="Heading 1")
            seccion_actual = str(seccion)
        _campo(doc, nombre)
    return bloques.guardar(doc)
