"""Libros .ods (LibreOffice Calc) leídos como un libro de openpyxl en memoria.

Así cada lector de .xlsx (matriz, lote, catálogo) lee también un .ods con el mismo código y los
mismos errores por celda (``Hoja de ruta!G6``). Se lee ``content.xml`` en flujo con lxml (sin
entidades ni red) después de revisar el zip como el de un .xlsx (tamaños, bomba zip, DTD).
Las filas y columnas vacías repetidas (LibreOffice guarda hasta el final de la hoja, un millón de
filas, como una sola fila repetida) no se expanden. No se usa una biblioteca de ODF: las que hay
expanden esas repeticiones y tardan minutos en un libro de la matriz.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import IO, Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils.exceptions import IllegalCharacterError

from ..errores import ErrorEntrada
from ..limites_entrada import LIMITE_CELDAS_ODS
from ..paquete.seguridad import LimitesZip, ZipRechazado, abrir_zip, buscar_dtd, revisar_partes

TIPO_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
MAX_FILAS = 1_048_576
MAX_COLUMNAS = 16_384
MAX_CELDAS = LIMITE_CELDAS_ODS
"""Celdas con valor que se aceptan (una fila con datos repetida un millón de veces no cabe)."""

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
_T = "{%s}" % _TABLE
_O = "{%s}" % _OFFICE
_X = "{%s}" % _TEXT
_S = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"


def es_ods(ruta: Path) -> bool:
    return ruta.suffix.lower() == ".ods"


def _parser_seguro() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _texto_celda(celda: Any) -> str:
    parrafos = []
    for p in celda.iterchildren(_X + "p"):
        partes: list[str] = [p.text or ""]
        for hijo in p.iter():
            if hijo is p:
                continue
            if hijo.tag == _X + "s":
                partes.append(" " * int(hijo.get(_X + "c", "1") or 1))
            elif hijo.tag == _X + "tab":
                partes.append("\t")
            elif hijo.tag == _X + "line-break":
                partes.append("\n")
            elif hijo.text and hijo.tag in (_X + "span", _X + "a"):
                partes.append(hijo.text)
            if hijo.tail:
                partes.append(hijo.tail)
        parrafos.append("".join(partes))
    return "\n".join(parrafos)


_LOGICOS = {"of:=TRUE()": True, "of:=FALSE()": False}


def _numero(texto: str | None) -> Any:
    if texto is None:
        return None
    valor = float(texto)
    return int(valor) if valor.is_integer() and abs(valor) < 2**53 else valor


def _valor(celda: Any, formulas: bool) -> Any:
    formula = celda.get(_T + "formula")
    if formula in _LOGICOS:  # LibreOffice guarda VERDADERO y FALSO como las fórmulas TRUE() y FALSE()
        return _LOGICOS[formula]
    if formulas and formula:
        return "=" + formula.split(":=", 1)[-1].removeprefix("=")
    tipo = celda.get(_O + "value-type")
    if tipo in ("float", "percentage", "currency"):
        return _numero(celda.get(_O + "value"))
    if tipo == "date":
        texto = celda.get(_O + "date-value") or ""
        try:
            return datetime.fromisoformat(texto)
        except ValueError:
            return texto or None
    if tipo == "boolean":
        return (celda.get(_O + "boolean-value") or "").lower() == "true"
    if tipo == "time":
        return celda.get(_O + "time-value")
    texto = _texto_celda(celda)
    return texto if texto != "" else None


def _repeticion(elemento: Any, atributo: str, maximo: int) -> int:
    try:
        return max(1, min(int(elemento.get(_T + atributo, "1")), maximo))
    except ValueError:
        return 1


def _leer_tablas(contenido: IO[bytes], wb: Workbook, formulas: bool, nombre: str) -> None:
    hoja: Any = None
    fila = 0
    celdas = 0
    ocultas: set[str] = set()  # estilos de tabla con table:display="false" (hojas ocultas)
    eventos = etree.iterparse(contenido, events=("start", "end"),
                              tag=(_T + "table", _T + "table-row", _S + "style"), **_parser_seguro())
    for evento, elemento in eventos:
        if elemento.tag == _S + "style":
            if evento == "end" and elemento.get(_S + "family") == "table":
                propiedades = elemento.find(_S + "table-properties")
                if propiedades is not None and propiedades.get(_T + "display") == "false":
                    ocultas.add(elemento.get(_S + "name", ""))
            continue
        if elemento.tag == _T + "table":
            if evento == "start":
                titulo = elemento.get(_T + "name") or f"Hoja{len(wb.worksheets) + 1}"
                hoja = wb.create_sheet(titulo[:31])
                if elemento.get(_T + "style-name") in ocultas:
                    hoja.sheet_state = "hidden"
                fila = 0
            else:
                elemento.clear()
            continue
        if evento != "end" or hoja is None:
            continue
        repetir = _repeticion(elemento, "number-rows-repeated", MAX_FILAS)
        valores: list[tuple[int, Any]] = []
        columna = 0
        for celda in elemento:
            if celda.tag not in (_T + "table-cell", _T + "covered-table-cell"):
                continue
            veces = _repeticion(celda, "number-columns-repeated", MAX_COLUMNAS)
            valor = _valor(celda, formulas)
            if valor is not None:
                valores += [(columna + k + 1, valor) for k in range(min(veces, MAX_COLUMNAS - columna))]
            columna += veces
            if columna >= MAX_COLUMNAS:
                break
        if valores:
            celdas += len(valores) * repetir
            if celdas > MAX_CELDAS or fila + repetir > MAX_FILAS:
                raise ErrorEntrada(f"{nombre}: el libro tiene demasiadas celdas con datos; se rechaza.")
            for r in range(repetir):
                for col, valor in valores:
                    try:
                        hoja.cell(fila + r + 1, col).value = valor
                    except IllegalCharacterError:
                        hoja.cell(fila + r + 1, col).value = "".join(c for c in str(valor) if c >= " " or c in "\t\n")
        fila += repetir
        elemento.clear()
        while elemento.getprevious() is not None:
            del elemento.getparent()[0]


def _propiedades(meta: bytes) -> dict[str, str]:
    raiz = etree.fromstring(meta, etree.XMLParser(**_parser_seguro()))
    return {e.get("{%s}name" % _META, ""): "".join(t for t in e.itertext() if isinstance(t, str))
            for e in raiz.iter("{%s}user-defined" % _META) if e.get("{%s}name" % _META)}


def leer_ods(ruta: str | Path, *, formulas: bool = True, limites: LimitesZip | None = None) -> Workbook:
    """El .ods como un :class:`openpyxl.Workbook` en memoria (valores; fórmulas como ``=…`` si ``formulas``).

    Las propiedades personalizadas del documento pasan a ``wb.custom_doc_props``. Un archivo que no
    es un .ods sano lanza :class:`ErrorEntrada`.
    """
    ruta = Path(ruta)
    danado = ErrorEntrada(f"{ruta.name}: no es un libro .ods válido o está dañado; ábralo y guárdelo de nuevo.")
    limites = limites or LimitesZip(descomprimido=500 * 1024 * 1024, partes=10_000)
    wb = Workbook()
    if (vacia := wb.active) is not None:  # la hoja que trae un libro nuevo: las del .ods van en su lugar
        wb.remove(vacia)
    try:
        with abrir_zip(ruta) as zf:
            partes = zf.infolist()
            revisar_partes(partes, limites)
            nombres = {p.filename for p in partes}
            if "content.xml" not in nombres or ("mimetype" in nombres and zf.read("mimetype").strip() != TIPO_ODS):
                raise danado
            buscar_dtd(zf, partes)
            with zf.open("content.xml") as contenido:
                _leer_tablas(contenido, wb, formulas, ruta.name)
            if "meta.xml" in nombres:
                for nombre, valor in _propiedades(zf.read("meta.xml")).items():
                    propiedad = StringProperty(name=nombre, value=valor)
                    wb.custom_doc_props.append(propiedad)  # type: ignore[attr-defined]  # falta en types-openpyxl
    except ZipRechazado as exc:
        raise ErrorEntrada(f"{ruta.name}: el libro .ods se rechaza ({exc.motivo.value}).") from None
    except (etree.XMLSyntaxError, ValueError, KeyError, OSError):
        raise danado from None
    if not wb.worksheets:
        raise danado
    return wb


__all__ = ["TIPO_ODS", "es_ods", "leer_ods"]
