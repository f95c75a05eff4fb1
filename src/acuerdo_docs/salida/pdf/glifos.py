"""¿Lleva el documento caracteres que ninguna fuente instalada dibuja? Entonces no puede ser PDF/A.

LibreOffice dibuja un carácter que ninguna fuente tiene con el glifo «.notdef» (una caja vacía) y
aun así marca el archivo como PDF/A-2b, que lo prohíbe. Antes de convertir se mira el texto del
documento (las partes XML de un .docx o .xlsx) contra lo que cubren las fuentes que ve fontconfig
(``fc-list``, las mismas que usa LibreOffice para elegir una de respaldo): si falta alguno, ese
documento sale como PDF normal, con un aviso, como la infografía. El texto del usuario nunca se
cambia. Sin ``fc-list`` (p. ej. Windows) no se puede saber y se deja PDF/A.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
import shutil
import subprocess
import threading
import unicodedata
import zipfile
from pathlib import Path

log = logging.getLogger("acuerdo_docs.pdf")

_CATEGORIAS_INVISIBLES = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me", "Cs"}
"""Controles, formatos (ZWJ, marcas de dirección), espacios y marcas combinantes: no piden glifo propio."""

_PARTES_CON_TEXTO = ("word/", "xl/sharedStrings", "xl/worksheets/", "ppt/slides/")
_MAXIMO_PARTE = 60 * 1024 * 1024


def aviso_sin_pdfa(que: str) -> str:
    """El aviso (sin citar el texto del usuario) cuando un documento sale como PDF normal por esto."""
    return (f"{que} lleva caracteres que sus fuentes no tienen (emoji u otros símbolos): se escribe como "
            "PDF normal, no PDF/A-2b.")


@functools.lru_cache(maxsize=1)
def _cobertura() -> tuple[list[int], list[int]] | None:
    """Inicios y fines (ordenados, unidos) de lo que cubre alguna fuente de fontconfig; ``None`` si no se sabe."""
    programa = shutil.which("fc-list")
    if programa is None:
        return None
    try:
        salida = subprocess.run([programa, "--format=%{charset}\\n"], capture_output=True, text=True,
                                timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    rangos: list[tuple[int, int]] = []
    for parte in salida.split():
        inicio, _, fin = parte.partition("-")
        try:
            rangos.append((int(inicio, 16), int(fin or inicio, 16)))
        except ValueError:
            continue
    if not rangos:
        return None
    rangos.sort()
    inicios: list[int] = []
    fines: list[int] = []
    for desde, hasta in rangos:
        if fines and desde <= fines[-1] + 1:
            fines[-1] = max(fines[-1], hasta)
        else:
            inicios.append(desde)
            fines.append(hasta)
    return inicios, fines


def _cubierto(codigo: int, cobertura: tuple[list[int], list[int]]) -> bool:
    inicios, fines = cobertura
    i = bisect.bisect_right(inicios, codigo) - 1
    return i >= 0 and codigo <= fines[i]


_CODIFICACION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ENTRE_ETIQUETAS = re.compile(r">([^<]+)<")
"""Lo que va entre una etiqueta y la siguiente: contiene todo el texto (y algo más si un atributo lleva «>»)."""


def _partes_con_texto(paquete: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [info for info in paquete.infolist()
            if info.filename.endswith(".xml") and info.filename.startswith(_PARTES_CON_TEXTO)
            and info.file_size <= _MAXIMO_PARTE]


def _falta(c: str, cobertura: tuple[list[int], list[int]]) -> bool:
    """Un carácter que pide glifo y que ninguna fuente tiene."""
    return (ord(c) >= 0x80 and unicodedata.category(c) not in _CATEGORIAS_INVISIBLES
            and not 0xFE00 <= ord(c) <= 0xFE0F and not _cubierto(ord(c), cobertura))


def _quiza_falta(ruta: Path, cobertura: tuple[list[int], list[int]]) -> bool:
    """¿Puede faltar alguno? ``False`` solo si ningún carácter del texto de las partes falta.

    Es una cota sin analizar el XML: lo que va entre una etiqueta y la siguiente contiene todo el
    texto (los atributos no: el nombre japonés de una fuente en ``fontTable.xml`` o la viñeta U+F0B7
    de ``numbering.xml`` no se imprimen). Casi siempre basta esto (~0,4 ms por documento, en vez de
    analizar cada parte con lxml, ~1,2 ms, que en un lote corre junto a LibreOffice). Referencias
    numéricas (``&#…;``), secciones CDATA o una codificación que no es UTF-8: no se sabe sin
    analizar, y se analiza (:func:`_textos`).
    """
    with zipfile.ZipFile(ruta) as paquete:
        for info in _partes_con_texto(paquete):
            datos = paquete.read(info)
            if b"&#" in datos or b"<![CDATA[" in datos:
                return True
            declarada = _CODIFICACION.match(datos[:200])
            if declarada is not None and declarada.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
                return True
            try:
                texto = datos.decode("utf-8")
            except UnicodeDecodeError:
                return True
            if texto.isascii():
                continue
            visible = set("".join(_ENTRE_ETIQUETAS.findall(texto)))
            if any(_falta(c, cobertura) for c in visible):
                return True
    return False


def _textos(ruta: Path) -> set[str]:
    """Los caracteres del texto de un paquete de Office (sin etiquetas ni atributos)."""
    from lxml import etree  # noqa: PLC0415 - en el hilo de la revisión, no antes de mandar la orden a LibreOffice

    caracteres: set[str] = set()
    with zipfile.ZipFile(ruta) as paquete:
        for info in _partes_con_texto(paquete):
            analizador = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
            try:
                raiz = etree.fromstring(paquete.read(info), analizador)
            except etree.XMLSyntaxError:
                continue
            for texto in raiz.itertext():
                if isinstance(texto, str):  # lxml da str al leer un documento en Unicode
                    caracteres.update(texto)
    return caracteres


def caracteres_sin_fuente(ruta: str | Path) -> list[str]:
    """Los caracteres del documento que ninguna fuente instalada tiene (ordenados); ``[]`` si todos, o si no
    se puede saber (sin fontconfig, o no es un paquete de Office)."""
    cobertura = _cobertura()
    if cobertura is None:
        return []
    try:
        if not _quiza_falta(Path(ruta), cobertura):
            return []
        caracteres = _textos(Path(ruta))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError):
        return []
    return sorted(c for c in caracteres if _falta(c, cobertura))


def admite_pdfa(ruta: str | Path, que: str = "El documento") -> bool:
    """``False`` (y un aviso) si el documento lleva caracteres sin fuente: entonces va como PDF normal."""
    faltan = caracteres_sin_fuente(ruta)
    if not faltan:
        return True
    log.warning("%s", aviso_sin_pdfa(que))
    log.debug("caracteres sin fuente: %s", " ".join(f"U+{ord(c):04X}" for c in faltan[:10]))
    return False


class RevisionGlifos:
    """:func:`admite_pdfa` en otro hilo, que empieza cuando LibreOffice ya tiene la orden (:meth:`empezar`).

    La revisión (leer el XML con lxml) ocupa el intérprete unos milisegundos: si empezara antes,
    retrasaría la orden misma. Casi siempre el documento cabe en PDF/A y la revisión no retrasa
    nada; si no cabe, quien convierte lo sabe antes de entregar el PDF (:meth:`admite`) y lo
    rehace como PDF normal.
    """

    def __init__(self, ruta: str | Path, que: str = "El documento") -> None:
        self._resultado: bool | BaseException = True
        self._soltada = False
        self._puede = threading.Event()
        self._hilo = threading.Thread(target=self._revisar, args=(ruta, que), daemon=True,
                                      name="acuerdo_docs.pdf-glifos")
        self._hilo.start()

    def _revisar(self, ruta: str | Path, que: str) -> None:
        self._puede.wait()
        if self._soltada:
            return
        try:
            self._resultado = admite_pdfa(ruta, que)
        except BaseException as exc:  # noqa: BLE001 - se entrega a quien espera, en su hilo
            self._resultado = exc

    def empezar(self) -> None:
        """La orden ya está en LibreOffice: la revisión puede ocupar el intérprete."""
        self._puede.set()

    def soltar(self) -> None:
        """Ya no hace falta (la conversión falló o terminó): el hilo sale sin revisar si no empezó."""
        self._soltada = True
        self._puede.set()

    def admite(self) -> bool:
        """Espera la revisión: ``False`` (y ya avisó) si el documento lleva caracteres sin fuente."""
        self._puede.set()
        self._hilo.join()
        if isinstance(self._resultado, BaseException):
            raise self._resultado
        return self._resultado
