"""Secciones y campos de Word para el combinado: página nueva, numeración desde 1 y «Página X de Y».

Como NUMPAGES cuenta las páginas de todo el archivo, en el combinado los encabezados usan
SECTIONPAGES (páginas de la sección) con un PAGEREF anidado al final de cada documento (para
LibreOffice), de modo que cada documento sigue diciendo «Página 1 de 3».
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


def marcador_fin(n: int) -> str:
    """El marcador al final del documento ``n`` (desde 0) del combinado; con «_» delante Word lo oculta."""
    return f"_AcuerdoDocsFin{n + 1}"


def marcar_fin(parrafo: etree._Element, n: int) -> None:
    """Pone el marcador :func:`marcador_fin` al final de ``parrafo`` (el último del documento ``n``)."""
    identificador = str(_ID_MARCADOR + n)
    inicio = etree.SubElement(parrafo, w("bookmarkStart"))
    inicio.set(w("id"), identificador)
    inicio.set(w("name"), marcador_fin(n))
    etree.SubElement(parrafo, w("bookmarkEnd")).set(w("id"), identificador)


_ID_MARCADOR = 1_900_000_000
"""Identificadores de los marcadores propios, lejos de los que traigan las plantillas."""


def _marca(tipo: str) -> etree._Element:
    marca = etree.Element(w("fldChar"))
    marca.set(w("fldCharType"), tipo)
    return marca


def _campo_pageref_en_run(texto: etree._Element, marcador: str) -> None:
    """Cambia ``texto`` (un ``w:t``) por un campo ``PAGEREF marcador`` con ese texto como resultado.

    Dentro del mismo run: varias marcas ``fldChar`` en un run son válidas y así se conserva su formato.
    """
    instruccion = etree.Element(w("instrText"))
    instruccion.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instruccion.text = f" PAGEREF {marcador} "
    texto.addprevious(_marca("begin"))
    texto.addprevious(instruccion)
    texto.addprevious(_marca("separate"))
    texto.addnext(_marca("end"))


def _campos_complejos_a_sectionpages(parrafo: etree._Element, guardado: str, marcador: str | None) -> None:
    """Campos ``fldChar``: la instrucción pasa a SECTIONPAGES y el resultado a ``guardado``.

    Se recorren las marcas en el orden del documento (un campo puede ir en un run o repartido en
    varios, y anidado). Con ``marcador``, el resultado es además un campo ``PAGEREF marcador``
    anidado: la página del final del documento, que LibreOffice sí calcula (SECTIONPAGES no).
    """
    abiertos: list[dict[str, bool]] = []  # por campo abierto: total, en_resultado, primero
    primeros: list[etree._Element] = []
    for el in parrafo.iter(w("fldChar"), w("instrText"), w("t")):
        if el.tag == w("fldChar"):
            tipo = el.get(w("fldCharType"))
            if tipo == "begin":
                abiertos.append({"total": False, "en_resultado": False, "primero": True})
            elif tipo == "separate" and abiertos:
                abiertos[-1]["en_resultado"] = True
            elif tipo == "end" and abiertos:
                abiertos.pop()
            continue
        if not abiertos:
            continue
        campo = abiertos[-1]
        if el.tag == w("instrText"):
            if not campo["en_resultado"] and _cuenta_paginas(el.text):
                el.text = (el.text or "").replace("NUMPAGES", "SECTIONPAGES")
                campo["total"] = True
        elif campo["total"] and campo["en_resultado"]:
            el.text = guardado if campo["primero"] else ""
            if campo["primero"]:
                primeros.append(el)
            campo["primero"] = False
    if marcador is not None:
        for texto in primeros:  # después de recorrer: las marcas nuevas no se vuelven a mirar
            _campo_pageref_en_run(texto, marcador)


def _campos_simples_a_sectionpages(raiz: etree._Element, guardado: str, marcador: str | None) -> None:
    """Campos ``fldSimple``: lo mismo, con la instrucción en un atributo."""
    for simple in list(raiz.iter(w("fldSimple"))):
        instr = simple.get(w("instr"))
        if not (instr and _cuenta_paginas(instr)):
            continue
        simple.set(w("instr"), instr.replace("NUMPAGES", "SECTIONPAGES"))
        textos = list(simple.iter(w("t")))
        if not textos and marcador is not None:  # sin resultado guardado: un run para el PAGEREF
            textos = [etree.SubElement(etree.SubElement(simple, w("r")), w("t"))]
        for i, texto in enumerate(textos):
            texto.text = guardado if i == 0 else ""
        if marcador is not None:
            _campo_pageref_en_run(textos[0], marcador)


def a_sectionpages(raiz: etree._Element, paginas: int | None = None, marcador: str | None = None) -> None:
    """NUMPAGES (todo el archivo) → SECTIONPAGES (la sección: un documento del lote).

    Word calcula SECTIONPAGES al paginar. LibreOffice 7 no: muestra el resultado guardado. Por
    eso, con ``marcador`` (ver :func:`marcador_fin`), el resultado es un campo ``PAGEREF`` a la
    última página del documento, que LibreOffice calcula (la numeración empieza en 1 en cada
    documento, así que esa página es su total). Lo guardado es ``paginas`` (o vacío si no se
    conoce): lo que muestra un visor que no calcula campos.
    """
    guardado = "" if paginas is None else str(paginas)
    for parrafo in raiz.iter(w("p")):
        _campos_complejos_a_sectionpages(parrafo, guardado, marcador)
    _campos_simples_a_sectionpages(raiz, guardado, marcador)


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
