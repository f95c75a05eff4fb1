"""Ayudas comunes para todos los libros de Excel que escribe el proyecto.

- Un texto nunca se convierte en fórmula: lo que empieza por ``=``, ``+``, ``-``, ``@``,
  tabulador o retorno de carro se guarda como celda de texto (inyección de fórmulas/CSV).
  Las fórmulas propias se escriben a propósito con :func:`escribir_formula`.
- Los caracteres que XML no admite se quitan sin perder el resto del texto.
- :func:`guardar_libro` fija los metadatos y vuelve a empaquetar el zip: el mismo dato da
  el mismo .xlsx, byte a byte, y sin datos personales en las propiedades del documento.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol, cast

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..esquemas.comun import limpiar_texto
from ..paquete.escritor import zip_determinista
from .archivos import Destino, escribir_atomico
from .medidas import ancho_palabra_mas_larga, lineas_texto
from .partes_libro import partes_libro
from .protegidos import PROPIEDAD_HUELLA, marca_huella, sellar

FECHA_LIBRO = datetime(2000, 1, 1, 0, 0, 0)
"""Fecha fija de creación y modificación en las propiedades del libro (determinismo)."""

CREADOR = "acuerdo_docs"

PREFIJOS_FORMULA = ("=", "+", "-", "@", "\t", "\r")
"""Inicios con los que Excel, LibreOffice o un CSV podrían interpretar el texto como fórmula."""

# XML 1.0 prohíbe estos caracteres; \t, \n y \r sí se admiten.

COLOR_ENCABEZADO = "1F3864"
COLOR_SUBENCABEZADO = "D9E1F2"
BORDE_FINO = Side(style="thin", color="808080")
BORDE = Border(left=BORDE_FINO, right=BORDE_FINO, top=BORDE_FINO, bottom=BORDE_FINO)
FORMATO_FECHA = "DD/MM/YYYY"
FORMATO_PORCENTAJE = "0.0%"
FUENTE = "Arial"
"""Toda fuente lleva nombre: sin él, LibreOffice cae en una con serifa (Liberation Sans sustituye a Arial)."""
TAMANO_FUENTE = 9.0
"""Cuerpo de texto: a la escala de impresión de los libros (80 %) queda en 7,2 pt."""


def parece_formula(texto: str) -> bool:
    return texto.startswith(PREFIJOS_FORMULA)


def valor_seguro(valor: Any) -> Any:
    """El valor listo para una celda: textos sin caracteres ilegales; lo demás tal cual."""
    if isinstance(valor, str):
        return limpiar_texto(valor)
    return valor


def hoja_de_calculo(hoja: object) -> Worksheet:
    """``hoja`` como hoja de cálculo (``wb.active`` o ``wb[nombre]`` también pueden ser un gráfico o nada)."""
    if not isinstance(hoja, Worksheet):
        raise TypeError(f"se esperaba una hoja de cálculo, no {type(hoja).__name__}")
    return hoja


def libro_nuevo(primera_hoja: str) -> tuple[Workbook, Worksheet]:
    """Un libro vacío y su primera hoja, ya llamada ``primera_hoja``."""
    wb = Workbook()
    ws = hoja_de_calculo(wb.active)
    ws.title = primera_hoja
    return wb, ws


_LARGO_CELDA = 32_767
"""Caracteres que caben en una celda: openpyxl corta ahí todo texto (``Cell.check_string``)."""


def _celda(ws: Worksheet, fila: int, col: int) -> Cell:
    hoja: Any = ws  # lo privado de openpyxl que usa ws.cell (los stubs no lo declaran)
    celda: Cell | MergedCell | None = hoja._cells.get((fila, col))  # noqa: SLF001
    if celda is None:
        # Lo que hace ws.cell (mismos límites y mensajes), sin sus tres llamadas: un libro de miles de celdas.
        if fila < 1 or col < 1:
            raise ValueError("Row or column values must be at least 1")
        if fila > 1_048_576:
            raise ValueError(f"Row numbers must be between 1 and 1048576. Row number supplied was {fila}")
        nueva = hoja._cells[(fila, col)] = Cell(ws, row=fila, column=col)  # noqa: SLF001
        if fila > hoja._current_row:  # noqa: SLF001  (lo lleva ws._add_cell; ws.append escribe debajo)
            hoja._current_row = fila  # noqa: SLF001
        return nueva
    if isinstance(celda, MergedCell):  # openpyxl no deja escribir en ella: el error, con su coordenada
        raise ValueError(f"la celda {celda.coordinate} está combinada: se escribe en la primera del rango")
    return celda


def escribir_celda(ws: Worksheet, fila: int, col: int, valor: Any, *, estilo: dict[str, Any] | None = None) -> Cell:
    """Escribe un dato (nunca una fórmula) en la celda y la devuelve.

    openpyxl toma como fórmula todo texto que empieza por ``=`` y como error ``#N/A`` y
    similares; aquí el texto queda siempre como texto. ``quotePrefix`` hace que Excel
    tampoco lo evalúe si el usuario edita la celda.
    """
    celda = _celda(ws, fila, col)
    limpio = valor_seguro(valor)
    if isinstance(limpio, str):
        # Lo mismo que celda.value = limpio seguido de data_type = "s" (openpyxl corta a 32.767
        # caracteres y rechaza los que valor_seguro ya quitó), sin deducir antes un tipo que aquí no vale.
        cast(Any, celda)._value = limpio if len(limpio) <= _LARGO_CELDA else limpio[:_LARGO_CELDA]  # noqa: SLF001
        celda.data_type = "s"
        if parece_formula(limpio):
            celda.quotePrefix = True
    else:
        celda.value = limpio
        if isinstance(limpio, (date, datetime)):
            celda.number_format = FORMATO_FECHA
    if estilo:
        aplicar_estilo(celda, **estilo)
    return celda


def escribir_formula(ws: Worksheet, fila: int, col: int, formula: str) -> Cell:
    """Escribe una fórmula propia (debe empezar por ``=``). Los datos del usuario van por :func:`escribir_celda`."""
    if not formula.startswith("="):
        raise ValueError("una fórmula debe empezar por '='")
    celda = _celda(ws, fila, col)
    celda.value = formula
    celda.data_type = "f"
    return celda


def escribir_fila(ws: Worksheet, fila: int, valores: Iterable[Any], col_inicial: int = 1) -> list[Cell]:
    return [escribir_celda(ws, fila, col_inicial + i, v) for i, v in enumerate(valores)]


def relleno(color: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


_SIN_ESTILO = StyleArray()


def aplicar_estilo(
    celda: Cell | MergedCell,
    *,
    negrita: bool | None = None,
    color_fuente: str | None = None,
    fondo: str | None = None,
    ajustar: bool | None = None,
    horizontal: str | None = None,
    vertical: str | None = "top",
    borde: bool = False,
    formato: str | None = None,
    tamano: float | None = None,
) -> None:
    # Armar y buscar cada estilo en openpyxl cuesta ~0,1 ms por celda (el informe de 1.000 filas,
    # decenas de ms al final del lote): un estilo ya aplicado en este libro se copia. Mismos índices.
    libro = getattr(getattr(celda, "parent", None), "parent", None)
    memoria: dict[tuple[Any, ...], StyleArray] | None = None
    clave: tuple[Any, ...] = ()
    if libro is not None:
        memoria = libro.__dict__.setdefault("_acuerdo_docs_estilos", {})
        clave = (tuple(celda._style or _SIN_ESTILO), negrita, color_fuente, fondo, ajustar, horizontal, vertical,  # type: ignore[union-attr]
                 borde, formato, tamano)
        hecho = memoria.get(clave)
        if hecho is not None:
            celda._style = StyleArray(hecho)  # type: ignore[union-attr]  # una copia: la celda puede cambiarla
            return
    if negrita is not None or color_fuente or tamano:
        celda.font = Font(name=FUENTE, bold=bool(negrita), color=color_fuente, size=tamano or TAMANO_FUENTE)
    if fondo:
        celda.fill = relleno(fondo)
    if ajustar is not None or horizontal or vertical:
        celda.alignment = Alignment(wrap_text=ajustar, horizontal=horizontal, vertical=vertical)
    if borde:
        celda.border = BORDE
    if formato:
        celda.number_format = formato
    if memoria is not None:
        memoria[clave] = StyleArray(celda._style)  # type: ignore[union-attr]


def estilo_encabezado(celda: Cell | MergedCell, *, fondo: str = COLOR_ENCABEZADO, color_fuente: str = "FFFFFF") -> None:
    """Encabezado de tabla: negrita, fondo oscuro, centrado y con ajuste de texto."""
    aplicar_estilo(
        celda, negrita=True, color_fuente=color_fuente, fondo=fondo, ajustar=True,
        horizontal="center", vertical="center", borde=True,
    )


def escribir_encabezados(
    ws: Worksheet, fila: int, titulos: Sequence[str], col_inicial: int = 1, *, fondo: str = COLOR_ENCABEZADO
) -> None:
    for i, titulo in enumerate(titulos):
        celda = escribir_celda(ws, fila, col_inicial + i, titulo)
        estilo_encabezado(celda, fondo=fondo, color_fuente="FFFFFF" if fondo == COLOR_ENCABEZADO else "000000")


def anchos_con_titulos(titulos: Sequence[str], anchos: Sequence[float]) -> list[float]:
    """Cada ancho, agrandado si hace falta para que la palabra más larga de su título (negrita) quepa
    entera: el ajuste de texto corta entre palabras, nunca dentro de una."""
    return [max(a, ancho_palabra_mas_larga(t or "", TAMANO_FUENTE, negrita=True)) for t, a in
            zip(list(titulos) + [""] * (len(anchos) - len(titulos)), anchos)]


def fijar_anchos(ws: Worksheet, anchos: dict[int, float] | Sequence[float], col_inicial: int = 1) -> None:
    """Anchos de columna fijos (no se calculan del contenido: el resultado no depende de fuentes)."""
    pares = anchos.items() if isinstance(anchos, dict) else enumerate(anchos, start=col_inicial)
    for col, ancho in pares:
        ws.column_dimensions[get_column_letter(col)].width = ancho


def alto_fila(celdas: Iterable[tuple[Any, float]], *, alto_linea: float | None = None, maximo: float = 409.0,
              tamano: float = TAMANO_FUENTE, negrita: bool = False) -> float:
    """Alto de fila para texto ajustado (LibreOffice no lo recalcula al abrir; Excel respeta el alto fijo).

    ``celdas``: pares (valor, ancho de la columna o de las columnas combinadas); ``tamano``:
    puntos de la fuente. Las líneas se cuentan cortando por palabras con las métricas de Arial
    (``salida.medidas``): el resultado es el mismo en cualquier máquina y ninguna celda se corta.
    """
    alto_linea = alto_linea or round(max(tamano, 9.0) * 1.25, 1)
    lineas = 1
    for valor, ancho in celdas:
        if not isinstance(valor, str) or not valor:
            continue
        lineas = max(lineas, lineas_texto(valor, ancho, tamano, negrita=negrita))
    return min(maximo, round(alto_linea * lineas + 4, 1))


def texto_encabezado_pagina(texto: str, largo: int = 80) -> str:
    """Texto del usuario para un encabezado o pie de página: ``&`` es un código allí y se duplica."""
    limpio = " ".join(limpiar_texto(texto).split())
    if len(limpio) > largo:
        limpio = limpio[: largo - 1].rstrip() + "…"
    return limpio.replace("&", "&&")


def rango(col1: int, fila1: int, col2: int, fila2: int, *, absoluto: bool = True, hoja: str | None = None) -> str:
    """``$B$3:$B$7`` (o con la hoja: ``'Catálogos'!$B$3:$B$7``)."""
    d = "$" if absoluto else ""
    texto = f"{d}{get_column_letter(col1)}{d}{fila1}:{d}{get_column_letter(col2)}{d}{fila2}"
    if hoja is not None:
        texto = f"{referencia_hoja(hoja)}!{texto}"
    return texto


def referencia_hoja(nombre: str) -> str:
    """Nombre de hoja entre comillas simples, como lo piden las fórmulas y los nombres definidos."""
    return "'" + nombre.replace("'", "''") + "'"


def propiedades_fijas(wb: Workbook, *, titulo: str | None = None) -> None:
    """Metadatos del libro sin datos personales ni fechas del reloj."""
    props = wb.properties
    props.creator = CREADOR
    props.lastModifiedBy = CREADOR
    props.created = FECHA_LIBRO
    props.modified = FECHA_LIBRO
    props.lastPrinted = None
    props.title = titulo
    props.subject = None
    props.description = None
    props.keywords = None
    props.category = None
    props.identifier = None
    props.language = None
    props.revision = None
    props.version = None
    props.contentStatus = None


class _EstilosLibro(Protocol):
    """Lo privado de ``Workbook`` que usa :func:`fuente_por_omision` (los stubs no lo declaran)."""

    _fonts: list[Font]
    _named_styles: list[NamedStyle]


def fuente_por_omision(wb: Workbook) -> None:
    """Arial en la fuente por omisión y en el estilo «Normal» (openpyxl trae Calibri, que LibreOffice no tiene)."""
    base = Font(name=FUENTE, size=TAMANO_FUENTE)
    interno = cast(_EstilosLibro, wb)  # openpyxl no expone la fuente por omisión
    if interno._fonts and interno._fonts[0].name != FUENTE:  # noqa: SLF001
        interno._fonts[0] = base  # noqa: SLF001
    for estilo in interno._named_styles:  # noqa: SLF001
        if estilo.name == "Normal" and estilo.font.name != FUENTE:
            estilo.font = base


def propiedad_texto(wb: Workbook, nombre: str, valor: str) -> None:
    """Una propiedad personalizada de texto del libro (Excel y LibreOffice la conservan al guardar)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props  # type: ignore[attr-defined]  # openpyxl 3.1 lo tiene; types-openpyxl aún no
    for previa in [p for p in props.props if p.name == nombre]:
        props.props.remove(previa)
    props.append(StringProperty(name=nombre, value=limpiar_texto(valor)))


def libro_a_bytes(wb: Workbook, *, titulo: str | None = None) -> bytes:
    """Serializa el libro de forma reproducible (zip con fechas fijas, propiedades fijas).

    El libro lleva su huella (:mod:`.protegidos`): así se sabe, antes de reemplazarlo, si alguien lo editó.
    """
    propiedades_fijas(wb, titulo=titulo)
    fuente_por_omision(wb)
    propiedad_texto(wb, PROPIEDAD_HUELLA, marca_huella())
    # Las partes sin comprimir (no wb.save, que comprime lo que aquí se volvería a comprimir) y con la
    # fecha fija de propiedades_fijas en docProps/core.xml (wb.save pondría la del reloj).
    return zip_determinista(sellar(partes_libro(wb)))


def guardar_libro(wb: Workbook, destino: Destino, *, titulo: str | None = None) -> Path | None:
    """Guarda el libro de forma atómica y reproducible; devuelve la ruta (``None`` si es un archivo abierto)."""
    return escribir_atomico(destino, libro_a_bytes(wb, titulo=titulo))


__all__ = [
    "BORDE",
    "COLOR_ENCABEZADO",
    "COLOR_SUBENCABEZADO",
    "CREADOR",
    "FECHA_LIBRO",
    "FORMATO_FECHA",
    "FORMATO_PORCENTAJE",
    "FUENTE",
    "TAMANO_FUENTE",
    "PREFIJOS_FORMULA",
    "alto_fila",
    "aplicar_estilo",
    "escribir_celda",
    "escribir_encabezados",
    "escribir_fila",
    "escribir_formula",
    "estilo_encabezado",
    "fijar_anchos",
    "fuente_por_omision",
    "guardar_libro",
    "libro_a_bytes",
    "parece_formula",
    "propiedad_texto",
    "propiedades_fijas",
    "rango",
    "texto_encabezado_pagina",
    "referencia_hoja",
    "relleno",
    "valor_seguro",
]
