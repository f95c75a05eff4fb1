"""Secciones y campos de Word para el combinado: página nueva, numeración desde 1 y «Página X de Y».

Como NUMPAGES cuenta las páginas de todo el archivo, en el combinado los encabezados usan
SECTIONPAGES (páginas de la sección), de modo que cada documento sigue diciendo «Página 1 de 3».
"""

from __future__ import annotations

from lxml import etree

from ..paquete.espacios import W

# Orden de los hijos de w:sectPr (CT_SectPr): pgNumType y type deben ir en su sitio.
_ORDEN_SECTPR = [
    "headerReference", "footerReference", "footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc",
    "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
    "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange",
]


def w(nombre: str) -> str:
    """Nombre calificado de WordprocessingML: ``w("p")`` → ``{…/main}p``."""
    return f"{{{W}}}{nombre}"


def _cuenta_paginas(instruccion: str | None) -> bool:
    return bool(instruccion and ("NUMPAGES" in instruccion or "SECTIONPAGES" in instruccion))


def _campos_complejos_a_sectionpages(parrafo: etree._Element, guardado: str) -> None:
    """Campos ``fldChar``: la instrucción pasa a SECTIONPAGES y el primer texto del resultado a ``guardado``."""
    estado: str | None = None
    es_total = primero = False
    for run in parrafo.iter(w("r")):
        marca = run.find(w("fldChar"))
        if marca is not None:
            tipo = marca.get(w("fldCharType"))
            if tipo == "begin":
                estado, es_total = "instruccion", False
            elif tipo == "separate":
                estado, primero = "resultado", True
            elif tipo == "end":
                estado, es_total = None, False
            continue
        instr = run.find(w("instrText"))
        if instr is not None and estado == "instruccion" and _cuenta_paginas(instr.text):
            instr.text = (instr.text or "").replace("NUMPAGES", "SECTIONPAGES")
            es_total = True
        if estado == "resultado" and es_total:
            for texto in run.findall(w("t")):
                texto.text = guardado if primero else ""
                primero = False


def _campos_simples_a_sectionpages(raiz: etree._Element, guardado: str) -> None:
    """Campos ``fldSimple``: lo mismo, con la instrucción en un atributo."""
    for simple in raiz.iter(w("fldSimple")):
        instr = simple.get(w("instr"))
        if instr and _cuenta_paginas(instr):
            simple.set(w("instr"), instr.replace("NUMPAGES", "SECTIONPAGES"))
            for i, texto in enumerate(simple.iter(w("t"))):
                texto.text = guardado if i == 0 else ""


def a_sectionpages(raiz: etree._Element, paginas: int | None = None) -> None:
    """NUMPAGES (todo el archivo) → SECTIONPAGES (la sección: un documento del lote).

    El resultado guardado del campo pasa a ser ``paginas`` (o queda vacío si no se conoce):
    Word lo recalcula al paginar, pero LibreOffice 7 no calcula SECTIONPAGES y muestra lo guardado.
    """
    guardado = "" if paginas is None else str(paginas)
    for parrafo in raiz.iter(w("p")):
        _campos_complejos_a_sectionpages(parrafo, guardado)
    _campos_simples_a_sectionpages(raiz, guardado)


def _insertar_en_orden(sect: etree._Element, hijo: etree._Element) -> None:
    nombre = etree.QName(hijo).localname
    posicion = _ORDEN_SECTPR.index(nombre)
    for i, existente in enumerate(sect):
        local = etree.QName(existente).localname
        if local in _ORDEN_SECTPR and _ORDEN_SECTPR.index(local) > posicion:
            sect.insert(i, hijo)
            return
    sect.append(hijo)


def seccion_nueva(sect: etree._Element) -> None:
    """Página nueva y numeración desde 1."""
    for viejo in sect.findall(w("pgNumType")):
        sect.remove(viejo)
    for viejo in sect.findall(w("type")):
        sect.remove(viejo)
    num = etree.Element(w("pgNumType"))
    num.set(w("start"), "1")
    _insertar_en_orden(sect, num)
    tipo = etree.Element(w("type"))
    tipo.set(w("val"), "nextPage")
    _insertar_en_orden(sect, tipo)


def interior(cuerpo: etree._Element) -> bytes:
    """El contenido de w:body serializado, sin la etiqueta de apertura ni la de cierre.

    Los prefijos de espacio de nombres quedan declarados en la raíz del documento base
    (todos los documentos salen de la misma plantilla: se verifica al agregarlos).
    """
    texto = etree.tostring(cuerpo, encoding="UTF-8")
    if texto.endswith(b"/>") and b"</" not in texto:
        return b""
    inicio = texto.index(b">") + 1
    fin = texto.rindex(b"</")
    return texto[inicio:fin]
