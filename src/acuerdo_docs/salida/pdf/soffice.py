"""Encontrar LibreOffice: el programa soffice, su versión, el asignador de memoria y la orden de conversión."""

from __future__ import annotations

import functools
import os
import re
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from ...errores import ErrorConversion

VARIABLE_SOFFICE = "ACUERDO_DOCS_SOFFICE"
"""Variable de entorno con la ruta (o el nombre en el PATH) del programa soffice que se debe usar."""

VARIABLE_ASIGNADOR = "ACUERDO_DOCS_ASIGNADOR"
"""Variable de entorno para elegir el asignador de memoria de LibreOffice (ver :func:`asignador_memoria`)."""

_MENSAJE_SIN_LIBREOFFICE = (
    "No se encontró LibreOffice (el programa soffice), necesario para convertir a PDF. "
    "Instálelo con «apt-get install libreoffice-writer-nogui» (y «libreoffice-calc-nogui» para "
    f"hojas .xlsx) o indique la ruta del programa en la variable de entorno {VARIABLE_SOFFICE}."
)

def buscar_soffice() -> str:
    """La ruta del programa soffice de LibreOffice.

    Orden: la variable de entorno ``ACUERDO_DOCS_SOFFICE``; luego ``soffice`` y ``libreoffice``
    en el PATH. Si no hay ninguno lanza :class:`ErrorConversion` con cómo instalarlo.
    """
    indicado = os.environ.get(VARIABLE_SOFFICE, "").strip()
    if indicado:
        ruta = shutil.which(indicado)
        if ruta is None:
            raise ErrorConversion(
                f"La variable de entorno {VARIABLE_SOFFICE} indica «{indicado}», que no existe o no es "
                "un programa ejecutable. Corríjala o bórrela para usar el soffice del PATH."
            )
        return ruta
    for nombre in ("soffice", "libreoffice"):
        ruta = shutil.which(nombre)
        if ruta is not None:
            return ruta
    raise ErrorConversion(_MENSAJE_SIN_LIBREOFFICE)


@functools.lru_cache(maxsize=16)
def version_libreoffice(soffice: str) -> str | None:
    """«7.4» leído de ``program/bootstraprc`` (sin arrancar LibreOffice); ``None`` si no se sabe."""
    programa = Path(os.path.realpath(soffice)).parent
    candidatos = [programa / "bootstraprc", programa.parent / "Resources" / "bootstraprc"]
    # Si soffice es un envoltorio (p. ej. el de las pruebas), se mira la instalación habitual.
    candidatos += [Path("/usr/lib/libreoffice/program/bootstraprc"), Path("/usr/lib64/libreoffice/program/bootstraprc")]
    candidatos += sorted(Path("/opt").glob("libreoffice*/program/bootstraprc"))
    for candidato in candidatos:
        try:
            texto = candidato.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        hallado = re.search(r"^ProductKey=.*?(\d+)\.(\d+)", texto, re.MULTILINE)
        if hallado:
            return f"{hallado.group(1)}.{hallado.group(2)}"
    return None


# Medido con perf, cerca de un quinto del tiempo de LibreOffice se va en malloc/free de glibc y en
# fallos de página. Con jemalloc (paquete libjemalloc2) precargada, un lote gasta un 12-15 % menos
# de CPU por documento (bench/bench_pdf.py). Es opcional: sin la biblioteca todo funciona igual.
_ASIGNADORES = ("jemalloc",)
_SIN_ASIGNADOR = {"0", "no", "ninguno", "ninguna", "none"}


def _carpetas_bibliotecas() -> list[str]:
    triple = getattr(sys.implementation, "_multiarch", None)  # x86_64-linux-gnu en Debian y Ubuntu
    carpetas = [f"/usr/lib/{triple}", f"/lib/{triple}"] if triple else []
    return carpetas + ["/usr/lib64", "/lib64", "/usr/lib", "/usr/local/lib"]


@functools.lru_cache(maxsize=4)
def _buscar_biblioteca(nombre: str) -> str | None:
    """El nombre (``libjemalloc.so.2``) de la biblioteca si está instalada.

    ``ctypes.util.find_library`` lanza ``ldconfig -p`` (un proceso más antes de arrancar
    LibreOffice): primero se miran las carpetas de siempre.
    """
    patron = re.compile(rf"lib{re.escape(nombre)}\.so\.(\d+)")
    for carpeta in _carpetas_bibliotecas():
        try:
            nombres = os.listdir(carpeta)
        except OSError:
            continue
        halladas = sorted((int(h.group(1)), n) for n in nombres if (h := patron.fullmatch(n)))
        if halladas:
            return halladas[-1][1]
    import ctypes.util  # noqa: PLC0415 - solo si no está en las carpetas de siempre

    return ctypes.util.find_library(nombre)


def asignador_memoria() -> str | None:
    """La biblioteca de memoria que se precarga en LibreOffice (``LD_PRELOAD``), o ``None``.

    Por omisión, jemalloc si está instalada (solo en Linux). La variable de entorno
    ``ACUERDO_DOCS_ASIGNADOR`` la cambia: ``ninguno`` la desactiva; una ruta o un nombre de
    biblioteca (``libmimalloc.so.2``) usa esa. Si LibreOffice no arranca con ella, :func:`a_pdf`
    lo nota y sigue sin ella.
    """
    if not sys.platform.startswith("linux"):
        return None
    indicado = os.environ.get(VARIABLE_ASIGNADOR, "").strip()
    if indicado:
        if indicado.lower() in _SIN_ASIGNADOR:
            return None
        problema = None
        if ":" in indicado or any(c.isspace() for c in indicado):
            problema = "no puede tener espacios ni «:» (LD_PRELOAD los usa como separadores)"
        elif "/" in indicado and not os.path.isfile(indicado):
            problema = "no existe"
        if problema:
            raise ErrorConversion(
                f"La variable de entorno {VARIABLE_ASIGNADOR} indica «{indicado}», que {problema}. "
                "Corríjala, bórrela (se usa jemalloc si está instalada) o póngala en «ninguno»."
            )
        return indicado
    for nombre in _ASIGNADORES:
        hallada = _buscar_biblioteca(nombre)
        if hallada:
            return hallada
    return None


def entorno_soffice(asignador: str | None, programa: Path | None = None,
                    temporal: Path | None = None) -> dict[str, str] | None:
    """El entorno de LibreOffice: el del proceso, con el asignador delante en ``LD_PRELOAD``.

    ``programa``: la carpeta ``program`` de LibreOffice cuando se lanza ``oosplash`` directamente
    (:func:`lanzamiento`): se pone lo que pondría el guion ``soffice`` y un ``PATH`` con solo esa
    carpeta. Sin gpgconf ni gpg a la vista, LibreOffice no los lanza (cinco procesos, ~60 ms) al
    revisar las firmas del primer documento que abre: para convertir a PDF no hacen falta.

    ``temporal``: su ``TMPDIR``. LibreOffice crea ahí una carpeta (con una base de certificados) que
    solo borra si sale por las buenas; matado, quien lo lanzó borra ``temporal``.
    """
    if asignador is None and programa is None and temporal is None:
        return None  # se hereda tal cual
    entorno = dict(os.environ)
    if asignador is not None:
        previas = entorno.get("LD_PRELOAD", "")
        entorno["LD_PRELOAD"] = f"{asignador}:{previas}" if previas else asignador
    if programa is not None:
        entorno["SAL_ENABLE_FILE_LOCKING"] = "1"
        entorno["PATH"] = str(programa)
    if temporal is not None:
        entorno["TMPDIR"] = str(temporal)
    return entorno


_DEPURACION = ("VALGRIND", "RR")
"""Variables con las que el guion ``soffice`` envuelve LibreOffice en una herramienta: se respeta el guion."""


@functools.lru_cache(maxsize=16)
def _carpeta_programa(soffice: str) -> Path | None:
    """La carpeta ``program`` si ``soffice`` es el guion de arranque de una instalación normal de LibreOffice."""
    if not sys.platform.startswith("linux"):
        return None
    real = Path(os.path.realpath(soffice))
    carpeta = real.parent
    if real.name != "soffice" or carpeta.name != "program" or (carpeta / "ooenv").exists():
        return None  # otro envoltorio (p. ej. snap, flatpak o uno propio): se lanza tal cual
    oosplash = carpeta / "oosplash"
    if not (oosplash.is_file() and os.access(oosplash, os.X_OK) and (carpeta / "soffice.bin").is_file()):
        return None
    return carpeta


def lanzamiento(soffice: str, asignador: str | None,
                temporal: Path | None = None) -> tuple[str, dict[str, str] | None]:
    """El programa que se lanza para ``soffice`` y su entorno (con ``temporal`` como ``TMPDIR``, si se da).

    El guion ``soffice`` de LibreOffice solo busca su carpeta (seis procesos: dirname, ls, sed…),
    pone ``SAL_ENABLE_FILE_LOCKING=1`` y ejecuta ``oosplash``. Si ``soffice`` es ese guion, se
    lanza ``oosplash`` directamente con el mismo entorno (ver :func:`entorno_soffice`); con
    cualquier otro programa, o con ``VALGRIND``/``RR`` definidas, el programa indicado tal cual.
    """
    carpeta = None if any(os.environ.get(v) for v in _DEPURACION) else _carpeta_programa(soffice)
    if carpeta is None:
        return soffice, entorno_soffice(asignador, temporal=temporal)
    return str(carpeta / "oosplash"), entorno_soffice(asignador, carpeta, temporal)


# Con ooSetupLastVersion igual a la versión instalada, LibreOffice no repite en cada arranque sus
# pruebas de dibujo (GraphicsRenderTests): medido, baja el arranque de ~0,9 s a ~0,3 s.
_XCU_VERSION = """<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" \
oor:op="fuse"><value>{version}</value></prop></item>
"""
# Idioma por omisión de los documentos: el /Lang del PDF de una hoja de cálculo (que no declara
# idioma) sale de aquí; los .docx del proyecto ya lo declaran en sus estilos.
_XCU_IDIOMA = """<item oor:path="/org.openoffice.Office.Linguistic/General"><prop oor:name="DefaultLocale" \
oor:op="fuse"><value>es-CO</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>es-CO</value></prop></item>
"""


def xcu_perfil(version: str | None) -> str:
    """``registrymodifications.xcu`` de un perfil nuevo."""
    items = (_XCU_VERSION.format(version=version) if version else "") + _XCU_IDIOMA
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            f"{items}</oor:items>\n")


def _opcion(nombre: str, tipo: str, valor: str) -> str:
    return f'"{nombre}":{{"type":"{tipo}","value":"{valor}"}}'


# PDF/A-2b (el 1b no admite PDF/UA en LibreOffice reciente) con árbol de etiquetas y PDF/UA.
# Sintaxis JSON de opciones de filtro (LibreOffice 7.4 o más nuevo); writer_pdf_Export sirve
# también para hojas de cálculo en la misma orden (LibreOffice elige el filtro de Calc).
FILTRO_PDFA = "pdf:writer_pdf_Export:{" + ",".join((
    _opcion("SelectPdfVersion", "long", "2"),
    _opcion("UseTaggedPDF", "boolean", "true"),
    _opcion("PDFUACompliance", "boolean", "true"),
)) + "}"


def orden_conversion(soffice: str, perfil: Path, salida: Path, entradas: Sequence[Path | str], *,
                     pdfa: bool = True) -> list[str]:
    """La orden ``soffice --convert-to pdf`` sin interfaz, con un perfil propio (la usan también los benchmarks).

    ``pdfa``: PDF/A-2b etiquetado (:data:`FILTRO_PDFA`); si es falso, el PDF normal de LibreOffice.
    """
    return [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={perfil.as_uri()}", "--convert-to", FILTRO_PDFA if pdfa else "pdf",
            "--outdir", str(salida), *map(str, entradas)]
