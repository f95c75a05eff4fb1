"""Impresión como un informe en carta (u oficio) horizontal: escala fija, grupos de columnas por página.

Cada hoja se imprime al 80 %: el cuerpo (Arial 9) queda en 7,2 pt. En vez de «ajustar a una
página de ancho» (que en la Matriz dejaba la letra en ~2,5 pt), las columnas se reparten en
páginas: la Matriz por grupos (identificación, inherente, cada control, residual,
tratamiento), tantos grupos enteros por página como quepan, y las demás hojas por columnas;
las columnas de título (referencia y descripción) y las filas de título se repiten en cada
página. El área de impresión llega solo a la última fila con datos (las filas vacías
preparadas siguen en el libro, no en el papel). El encabezado de página lleva los datos del
formato y el pie «Página X de Y». Los anchos se miden como los imprime LibreOffice
(``salida.medidas``): el corte resultante cabe en carta, y también en oficio.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ...salida.excel import texto_encabezado_pagina
from ...salida.medidas import PT_POR_UNIDAD

ESCALA = 80
MARGEN_LATERAL = 0.4
"""Pulgadas a cada lado."""
ANCHO_CARTA_HORIZONTAL = 11.0
HOLGURA = 0.98
"""Lo que se deja sin usar del ancho de la página (redondeos de LibreOffice y Excel)."""
TAMANO_ENCABEZADO = 9
"""LibreOffice escala también el encabezado de página: 9 pt al 80 % son 7,2 pt."""


def disponible(ancho_papel: float = ANCHO_CARTA_HORIZONTAL) -> float:
    """Unidades de ancho de columna que caben en una página (entre márgenes, a la escala de impresión)."""
    return (ancho_papel - 2 * MARGEN_LATERAL) * 72 / (ESCALA / 100) / PT_POR_UNIDAD * HOLGURA


def cortes(anchos: Sequence[float], grupos: Sequence[str] | None = None, columnas_titulo: int = 0,
           ancho_papel: float = ANCHO_CARTA_HORIZONTAL) -> list[int]:
    """Última columna (1-based) de cada página salvo la última.

    Los grupos se llenan en orden: en cada página, tantos grupos enteros como quepan junto a las
    columnas de título; un grupo más ancho que una página se parte por columnas.
    """
    grupos = list(grupos) if grupos is not None else [str(i) for i in range(len(anchos))]
    titulo = sum(anchos[:columnas_titulo])
    limite = disponible(ancho_papel)
    bloques: list[list[int]] = []  # índices 0-based por grupo, sin las columnas de título
    for i in range(columnas_titulo, len(anchos)):
        if bloques and grupos[i] == grupos[bloques[-1][-1]]:
            bloques[-1].append(i)
        else:
            bloques.append([i])
    resultado: list[int] = []
    usado = titulo  # las columnas de título van en todas las páginas
    for bloque in bloques:
        ancho_bloque = sum(anchos[i] for i in bloque)
        if usado + ancho_bloque <= limite:
            usado += ancho_bloque
            continue
        if usado > titulo:  # el grupo no cabe en lo que queda: página nueva
            resultado.append(bloque[0])
            usado = titulo
        for i in bloque:  # un grupo más ancho que una página se parte por columnas
            if usado + anchos[i] > limite and usado > titulo:
                resultado.append(i)
                usado = titulo
            usado += anchos[i]
    return resultado


def configurar(ws: Worksheet, enc: dict[str, str], titulo: str, *, anchos: Sequence[float],
               grupos: Sequence[str] | None = None, filas_titulo: str | None = None, columnas_titulo: int = 0,
               ultima_fila: int | None = None) -> None:
    """Papel carta horizontal al 80 %, cortes de columna, títulos repetidos, área de impresión y encabezado."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_LETTER
    ws.page_setup.scale = ESCALA
    ajuste = ws.sheet_properties.pageSetUpPr
    if ajuste is None:  # openpyxl la crea con la hoja; un libro leído de fuera podría no traerla
        ajuste = ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ajuste.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = MARGEN_LATERAL
    ws.page_margins.top, ws.page_margins.bottom = 0.95, 0.6
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.print_options.horizontalCentered = False
    if filas_titulo:
        ws.print_title_rows = filas_titulo
    if columnas_titulo:
        ws.print_title_cols = f"A:{get_column_letter(columnas_titulo)}"
    for col in cortes(anchos, grupos, columnas_titulo):
        ws.col_breaks.append(Break(id=col))
    ultima_col = get_column_letter(max(1, len(anchos)))
    ws.print_area = f"A1:{ultima_col}{ultima_fila or ws.max_row}"
    encabezado_pagina(ws, enc, titulo)


def _seccion(item: HeaderFooterItem | None) -> HeaderFooterItem:
    if item is None:  # openpyxl crea encabezado y pie con cada hoja
        raise TypeError("la hoja no tiene encabezado o pie de página")
    return item


def encabezado_pagina(ws: Worksheet, enc: dict[str, str], titulo: str) -> None:
    """Datos del formato arriba (entidad, proceso, procedimiento | formato | código, versión) y pie numerado."""
    t = texto_encabezado_pagina
    hf = ws.HeaderFooter
    hf.scaleWithDoc = False  # el encabezado no se encoge con la hoja
    hf.differentFirst = False
    hf.differentOddEven = False
    # Una línea por sección: openpyxl escapa el salto de línea y LibreOffice lo mostraría como «_x000a_».
    izquierda = t(enc["entidad"], 60)
    centro = t(enc["formato"], 55)
    derecha = f"CÓDIGO: {t(enc['codigo'], 25)} · VERSIÓN: {t(enc['version'], 10)}"
    cabeza, pie = _seccion(ws.oddHeader), _seccion(ws.oddFooter)
    for parte, texto in ((cabeza.left, izquierda), (cabeza.center, centro), (cabeza.right, derecha)):
        parte.text = texto
        parte.size = TAMANO_ENCABEZADO
        parte.font = "Arial,Regular"
    cabeza.center.font = "Arial,Bold"
    pie.left.text = f"PROCESO: {t(enc['proceso'], 55)}"
    pie.right.text = f"{t(titulo, 30)} · PROCEDIMIENTO: {t(enc['procedimiento'], 50)}"
    pie.center.text = "Página &P de &N"
    for parte in (pie.center, pie.left, pie.right):
        parte.size = TAMANO_ENCABEZADO
        parte.font = "Arial,Regular"
