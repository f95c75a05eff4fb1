"""Celdas de texto en línea (``t="inlineStr"``) de un .xlsx, leídas sin construir objetos de openpyxl.

openpyxl en solo lectura convierte cada ``<c t="inlineStr"><is>…</is></c>`` en un objeto ``Text``
(con sus descriptores) solo para tomar su texto: en un libro de 1.000 fichas escrito así (openpyxl
en modo de solo escritura, pandas, otros programas) era ~30 % de la lectura. Aquí se toma el mismo
texto del árbol que ya analizó: el de ``<t>`` y el de cada ``<r><t>`` en orden, sin la guía
fonética (``<rPh>``), como ``Text.content``. Lo demás (fórmulas, texto enriquecido, otros tipos)
sigue por openpyxl (:mod:`.lector_hoja`). ``tests/test_texto_en_linea.py`` compara los dos en casos límite.
"""

from __future__ import annotations

from typing import Any


def _local(etiqueta: Any) -> str:
    """El nombre sin espacio de nombres, como ``localname`` de openpyxl (que no mira el espacio)."""
    return etiqueta.rpartition("}")[2] if isinstance(etiqueta, str) else ""


def texto(elemento: Any) -> str:
    """El texto de ``<is>`` (o de ``<si>``): lo mismo que ``Text.from_tree(elemento).content``.

    Sin el formato de cada tramo (``<rPr>``): openpyxl lo analizaba y lo descartaba.
    """
    if len(elemento) == 1:  # lo común, ``<is><t>…</t></is>``: sin recorrer ni juntar
        unico = elemento[0]
        etiqueta = unico.tag
        if isinstance(etiqueta, str) and (etiqueta == "t" or etiqueta.endswith("}t")):
            return unico.text or ""
    simple: str | None = None
    tramos: list[str] = []
    for hijo in elemento:
        nombre = _local(hijo.tag)
        if nombre == "t":
            simple = hijo.text  # como openpyxl: si hay varios, vale el último
        elif nombre == "r":
            del_tramo: str | None = None
            for parte in hijo:
                if _local(parte.tag) == "t":
                    del_tramo = parte.text
            if del_tramo is not None:
                tramos.append(del_tramo)
    return "".join(tramos) if simple is None else simple + "".join(tramos)
