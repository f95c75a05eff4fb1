"""El libro .xlsx del catálogo, escrito en flujo (memoria plana con miles de fichas).

Hojas:

- **Catálogo**: una fila por ficha. Las columnas de valoración tienen lista desplegable
  (Sí / No / Sin valorar); «Nivel DAFP» es una fórmula que Excel y LibreOffice recalculan con la
  misma regla que :func:`~acuerdo_docs.esquemas.valoracion.derivar_nivel`.
- **Fichas retiradas**: lo que una persona escribió sobre fichas que ya no están en la carpeta
  (solo si hay alguna).

Al imprimir van las columnas marcadas ``imprimir`` (juntas al principio de la hoja), al 80 %,
como la matriz, con el alto de cada fila calculado para su texto.
- **Resumen**: conteos por estado, nivel, dependencia y año, y los cambios de esta ejecución.

Un texto del usuario nunca se vuelve fórmula (``=``, ``+``, ``-``, ``@`` quedan como texto con
``quotePrefix``, como en el resto de los libros del proyecto).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from ...esquemas.comun import etiqueta
from ...esquemas.ficha import BuenaPractica
from ...esquemas.valoracion import CRITERIOS, NIVELES, RESPUESTAS, Valoracion, formula_nivel
from ...formulas import lista_en_linea
from ...lectores.catalogo_xlsx import HOJA_CATALOGO, HOJA_RETIRADAS, EntradaHumana
from ...salida.excel import (
    COLOR_ENCABEZADO,
    COLOR_SUBENCABEZADO,
    FORMATO_FECHA,
    FUENTE,
    alto_fila,
    libro_a_bytes,
    parece_formula,
    texto_encabezado_pagina,
    valor_seguro,
)
from ...salida.medidas import ancho_texto, unidades_para
from ..matriz.impresion import ESCALA, MARGEN_LATERAL, cortes
from .columnas import FECHA, HUMANA, LARGO, NIVEL, RESPUESTA, Columna, columnas_catalogo, columnas_retiradas
from .fusion import EntradaCatalogo, InformeCatalogo
from .lectura import ESTADOS, FilaCatalogo

HOJA_RESUMEN = "Resumen"
LIMITE_CELDA = 32_767
"""Excel no admite más caracteres en una celda."""
FILAS_LIBRES = 0

_TITULO = Font(name=FUENTE, bold=True, color="FFFFFF")
_TITULO_HUMANO = Font(name=FUENTE, bold=True)
PAGINAS_DE_ANCHO = 2
"""Al imprimir, las columnas marcadas ``imprimir`` caben en este número de páginas de ancho (carta horizontal)."""
COLUMNAS_TITULO = {HOJA_CATALOGO: 2, HOJA_RETIRADAS: 1}
"""Columnas que se repiten en cada página impresa: archivo (y nombre de la práctica)."""
_FONDO_TITULO = PatternFill(fill_type="solid", start_color=COLOR_ENCABEZADO, end_color=COLOR_ENCABEZADO)
_FONDO_HUMANO = PatternFill(fill_type="solid", start_color="FFF2CC", end_color="FFF2CC")
_AJUSTE = Alignment(wrap_text=True, vertical="top")
_ARRIBA = Alignment(vertical="top")
_FECHA = Alignment(horizontal="center", vertical="top")
_CENTRO = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _imprimir(ws: Any, titulo: str, *, escala: int = ESCALA) -> None:
    """Carta horizontal a escala fija (la letra de 9 pt queda en 7,2 pt, como en la matriz) y pie
    «Página X de Y»: la misma configuración para Excel, LibreOffice y ``--pdf``."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER
    ws.page_setup.scale = escala
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_margins.left = ws.page_margins.right = MARGEN_LATERAL
    ws.page_margins.top, ws.page_margins.bottom = 0.75, 0.6
    ws.page_margins.header, ws.page_margins.footer = 0.3, 0.3
    ws.oddHeader.center.text = texto_encabezado_pagina(titulo)
    ws.oddFooter.center.text = "Página &P de &N"
    for parte in (ws.oddHeader.center, ws.oddFooter.center):
        parte.font = f"{FUENTE},Regular"
        parte.size = 9


def _texto_celda(valor: Any) -> Any:
    if isinstance(valor, str) and len(valor) > LIMITE_CELDA:
        return valor[: LIMITE_CELDA - 1] + "…"
    return valor


class _Hoja:
    """Una hoja de solo escritura con sus columnas: encabezado, anchos, filtros y listas."""

    def __init__(self, wb: Workbook, titulo: str, columnas: list[Columna]) -> None:
        self.ws = wb.create_sheet(titulo)
        self.columnas = columnas
        self.letras = {c.clave: get_column_letter(i) for i, c in enumerate(columnas, start=1)}
        for i, c in enumerate(columnas, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = c.ancho
        self.ws.freeze_panes = "C2"
        self.impresas = [c for c in columnas if c.imprimir]
        _imprimir(self.ws, titulo)
        titulo_cols = COLUMNAS_TITULO.get(titulo, 0)
        self.ws.print_title_rows = "1:1"
        if titulo_cols:
            self.ws.print_title_cols = f"A:{get_column_letter(titulo_cols)}"
        for col in cortes([c.ancho for c in self.impresas], [c.grupo for c in self.impresas], titulo_cols):
            self.ws.col_breaks.append(Break(id=col))
        self.filas = 1
        # LibreOffice no agranda la fila al abrir: el alto se calcula (al menos tres líneas)
        self.ws.row_dimensions[1].height = max(48.0, alto_fila(
            ((c.etiqueta, c.ancho) for c in self.impresas), negrita=True, alto_linea=12.5))
        self.ws.append([self._titulo(c) for c in columnas])

    def _titulo(self, columna: Columna) -> Cell:
        celda = WriteOnlyCell(self.ws, columna.etiqueta)
        humana = columna.rol in (HUMANA, RESPUESTA, FECHA)  # fondo amarillo: la escribe una persona
        celda.font = _TITULO_HUMANO if humana else _TITULO
        celda.fill = _FONDO_HUMANO if humana else _FONDO_TITULO
        celda.alignment = _CENTRO
        return celda

    def _celda(self, columna: Columna, valor: Any) -> Cell:
        if columna.rol == NIVEL:
            refs = {c: f"{self.letras[f'{c}.respuesta']}{self.filas + 1}" for c in CRITERIOS}
            celda = WriteOnlyCell(self.ws, formula_nivel(refs))
            celda.alignment = _ARRIBA
            return celda
        limpio = valor_seguro(_texto_celda("" if valor is None else valor))
        celda = WriteOnlyCell(self.ws, None)
        celda.value = limpio
        if isinstance(limpio, str):
            celda.data_type = "s"  # un texto del usuario nunca es fórmula
            if parece_formula(limpio):
                celda.quotePrefix = True
            ajustar = columna.imprimir or columna.ancho >= LARGO or "\n" in limpio
            celda.alignment = _AJUSTE if ajustar else _ARRIBA
        elif isinstance(limpio, date):
            celda.number_format = FORMATO_FECHA
            celda.alignment = _FECHA
        return celda

    def agregar(self, datos: dict[str, Any]) -> None:
        celdas = [self._celda(c, datos.get(c.clave)) for c in self.columnas]
        # Alto según lo que se imprime: los textos largos de las demás columnas se leen en el libro.
        self.ws.row_dimensions[self.filas + 1].height = alto_fila(
            (celda.value, c.ancho) for celda, c in zip(celdas, self.columnas, strict=True)
            if c.imprimir and c.rol != NIVEL)  # la fórmula del nivel no es su texto
        self.ws.append(celdas)
        self.filas += 1

    def cerrar(self) -> None:
        ultima = get_column_letter(len(self.columnas))
        self.ws.auto_filter.ref = f"A1:{ultima}{max(self.filas, 2)}"
        if self.impresas:  # el papel lleva las columnas marcadas, que van juntas al principio
            self.ws.print_area = f"A1:{get_column_letter(len(self.impresas))}{self.filas}"
        if self.filas < 2:
            return
        respuestas = [c for c in self.columnas if c.rol == RESPUESTA]
        lista = DataValidation(type="list", formula1=lista_en_linea(RESPUESTAS), allow_blank=True,
                               showErrorMessage=True, showInputMessage=True, errorStyle="stop")
        lista.errorTitle = "Valor no válido"
        lista.error = "Elija Sí, No o Sin valorar de la lista desplegable."
        lista.promptTitle = "Criterio de Función Pública"
        lista.prompt = "Sí, No o Sin valorar. El nivel se calcula solo."
        for c in respuestas:
            lista.add(f"{self.letras[c.clave]}2:{self.letras[c.clave]}{self.filas}")
        self.ws.data_validations.append(lista)
        fechas = [c for c in self.columnas if c.rol == FECHA]
        if fechas:
            dv = DataValidation(type="date", operator="greaterThan", formula1="36526", allow_blank=True,
                                showErrorMessage=True, errorStyle="stop")
            dv.errorTitle = "Fecha no válida"
            dv.error = "Escriba una fecha (24/10/2023)."
            for c in fechas:
                dv.add(f"{self.letras[c.clave]}2:{self.letras[c.clave]}{self.filas}")
            self.ws.data_validations.append(dv)


def datos_valoracion(valoracion: Valoracion) -> dict[str, Any]:
    """La valoración como celdas: ``{"sencilla.respuesta": "Sí", ...}``."""
    datos: dict[str, Any] = {}
    for nombre in CRITERIOS:
        criterio = getattr(valoracion, nombre)
        datos[f"{nombre}.respuesta"] = criterio.respuesta.value
        datos[f"{nombre}.justificacion"] = criterio.justificacion
    datos["evaluador"] = valoracion.evaluador
    datos["fecha"] = valoracion.fecha
    return datos


class LibroCatalogo:
    """Escribe el catálogo fila a fila; :meth:`terminar` devuelve los bytes (reproducibles)."""

    def __init__(self, *, datos_personales: bool = False) -> None:
        self.wb = Workbook(write_only=True)
        self.catalogo = _Hoja(self.wb, HOJA_CATALOGO, columnas_catalogo(datos_personales))
        self.estados: Counter[str] = Counter()
        self.niveles: Counter[str] = Counter()
        self.dependencias: Counter[str] = Counter()
        self.anios: Counter[str] = Counter()
        self.revisar = 0

    def agregar(self, entrada: EntradaCatalogo) -> None:
        fila = entrada.fila
        datos = {"archivo": fila.archivo, "estado": fila.estado, "motivo": fila.motivo, "huella": fila.huella,
                 "cambio": entrada.cambio, "notas": entrada.notas, "revisar": entrada.revisar,
                 **fila.valores, **datos_valoracion(entrada.valoracion)}
        self.catalogo.agregar(datos)
        self.estados[fila.estado] += 1
        self.niveles[entrada.valoracion.nivel] += 1
        self.revisar += bool(entrada.revisar)
        if fila.legible:
            self.dependencias[str(fila.valores.get("dependencia", ""))] += 1
            inicio = fila.valores.get("fecha_inicio")
            if isinstance(inicio, date):
                self.anios[str(inicio.year)] += 1

    def terminar(self, retiradas: Iterable[EntradaHumana], informe: InformeCatalogo | None = None) -> bytes:
        self.catalogo.cerrar()
        retiradas = list(retiradas)
        if retiradas:  # sin fichas retiradas no hay hoja (ni una página impresa solo con títulos)
            hoja = _Hoja(self.wb, HOJA_RETIRADAS, columnas_retiradas())
            for previa in retiradas:
                hoja.agregar({"archivo": previa.archivo, "huella": previa.huella, "notas": previa.notas,
                              "revisar": previa.revisar, **datos_valoracion(previa.valoracion)})
            hoja.cerrar()
        self._resumen(informe)
        return libro_a_bytes(self.wb, titulo="Catálogo de buenas prácticas de gestión pública")

    def _resumen(self, informe: InformeCatalogo | None) -> None:
        total = sum(self.estados.values())
        bloques: list[tuple[str, list[tuple[str, int]]]] = [
            ("Total de archivos", [("Archivos leídos (.docx y .json)", total)]),
            ("Estado", [(e, self.estados[e]) for e in ESTADOS if self.estados[e]]),
            ("Nivel DAFP (según la valoración)", [(n, self.niveles[n]) for n in NIVELES if self.niveles[n]]
             + [("Con la valoración marcada para revisar", self.revisar)]),
            (f"{etiqueta(BuenaPractica, 'dependencia')} (fichas correctas)",
             sorted(self.dependencias.items(), key=lambda par: (-par[1], par[0]))),
            (f"{etiqueta(BuenaPractica, 'fecha_inicio')}: año (fichas correctas)", sorted(self.anios.items())),
        ]
        if informe is not None and informe.anterior is not None:
            bloques.append(("Cambios respecto al catálogo anterior", [
                ("Sin cambios", informe.sin_cambios), ("Nuevas", len(informe.nuevas)),
                ("Cambiadas", len(informe.cambiadas)), ("Movidas", len(informe.movidas)),
                ("Restauradas", len(informe.restauradas)), ("Desaparecidas", len(informe.desaparecidas)),
                ("Conflictos de valoración", len(informe.conflictos)),
            ]))
        ws = self.wb.create_sheet(HOJA_RESUMEN)
        _imprimir(ws, HOJA_RESUMEN, escala=100)
        # Los títulos caben en una línea; un nombre largo (una dependencia) se ajusta y su fila crece.
        ancho = max(52.0, *(unidades_para(ancho_texto(t, _TITULO_HUMANO.sz or 11.0, negrita=True)) for t, _ in bloques))
        ws.column_dimensions["A"].width = ancho
        ws.column_dimensions["B"].width = 12.0
        fondo = PatternFill(fill_type="solid", start_color=COLOR_SUBENCABEZADO, end_color=COLOR_SUBENCABEZADO)
        fila = 0
        for titulo, conteo in bloques:
            a, b = WriteOnlyCell(ws, titulo), WriteOnlyCell(ws, "Fichas")
            for c in (a, b):
                c.font = _TITULO_HUMANO
                c.fill = fondo
            ws.append([a, b])
            fila += 1
            for nombre, cantidad in conteo:
                celda = WriteOnlyCell(ws, None)
                texto = valor_seguro(_texto_celda(nombre))  # p. ej. una dependencia: dato del usuario
                celda.value = texto
                celda.data_type = "s"
                celda.alignment = _AJUSTE
                if parece_formula(texto):
                    celda.quotePrefix = True
                fila += 1
                ws.row_dimensions[fila].height = alto_fila([(texto, ancho)])
                numero = WriteOnlyCell(ws, cantidad)
                numero.alignment = _ARRIBA
                ws.append([celda, numero])
            ws.append([])
            fila += 1


def libro_catalogo(filas: Iterable[FilaCatalogo], *, datos_personales: bool = False) -> bytes:
    """El .xlsx de unas filas ya leídas, sin catálogo anterior (para pruebas y usos sencillos)."""
    libro = LibroCatalogo(datos_personales=datos_personales)
    for fila in filas:
        libro.agregar(EntradaCatalogo(fila))
    return libro.terminar([])


__all__ = ["HOJA_RESUMEN", "LibroCatalogo", "datos_valoracion", "libro_catalogo"]
