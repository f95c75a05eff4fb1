"""Conversión de .docx y .xlsx a PDF con LibreOffice sin interfaz (``soffice --headless``).

Un lote no arranca LibreOffice por documento: se reparte en tandas y cada proceso de LibreOffice
convierte una tanda completa (``--convert-to pdf f1 f2 … fN``), con un proceso por núcleo.
Cada proceso usa su propio perfil de usuario en una carpeta temporal; los perfiles se reutilizan
entre llamadas del mismo proceso de Python porque crear uno cuesta tiempo.

LibreOffice calcula los campos PAGE/NUMPAGES al maquetar, así que «Página X de Y» sale bien.

Garantías:

- Cada PDF se escribe en una carpeta privada y se mueve con ``os.replace`` al destino: nunca
  queda un PDF a medias con el nombre final.
- Un documento que bloquea a LibreOffice se detiene al vencer ``tiempo_limite`` (se mata todo el
  grupo de procesos) y solo ese documento se informa como fallido; los demás de su tanda se
  aprovechan o se reintentan.
- Un documento dañado se informa en su fila; el resto del lote sigue.
- Es seguro llamar a :func:`a_pdf` desde varios hilos a la vez.

El registro (``logging.getLogger("acuerdo_docs.pdf")``) solo nombra rutas, nunca contenido.
"""

from __future__ import annotations

import atexit
import ctypes.util
import errno
import functools
import logging
import math
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errores import ErrorConversion
from .archivos import escribir_atomico

__all__ = [
    "MAXIMO_POR_PROCESO",
    "TIEMPO_LIMITE",
    "VARIABLE_ASIGNADOR",
    "VARIABLE_SOFFICE",
    "Progreso",
    "ResultadoDocumento",
    "ResultadoPdf",
    "a_pdf",
    "asignador_memoria",
    "buscar_soffice",
    "orden_conversion",
]

log = logging.getLogger("acuerdo_docs.pdf")

VARIABLE_SOFFICE = "ACUERDO_DOCS_SOFFICE"
"""Variable de entorno con la ruta (o el nombre en el PATH) del programa soffice que se debe usar."""

VARIABLE_ASIGNADOR = "ACUERDO_DOCS_ASIGNADOR"
"""Variable de entorno para elegir el asignador de memoria de LibreOffice (ver :func:`asignador_memoria`)."""

TIEMPO_LIMITE = 120.0
"""Segundos que puede tardar un documento antes de darlo por bloqueado."""

MAXIMO_POR_PROCESO = 200
"""Documentos por arranque de LibreOffice como máximo.

El lanzador ``soffice`` de LibreOffice 7.4 deja de leer argumentos pasados unos 250 (medido: de
300 archivos convierte 243 y termina sin error), así que las tandas más grandes se parten.
"""

Progreso = Callable[[Path, Path | None, str | None], None]
"""Se llama una vez por documento al terminar: ``(entrada, pdf, None)`` o ``(entrada, None, error)``."""

_MENSAJE_SIN_LIBREOFFICE = (
    "No se encontró LibreOffice (el programa soffice), necesario para convertir a PDF. "
    "Instálelo con «apt-get install libreoffice-writer-nogui» (y «libreoffice-calc-nogui» para "
    f"hojas .xlsx) o indique la ruta del programa en la variable de entorno {VARIABLE_SOFFICE}."
)

# Extensiones que son paquetes zip de Office: se revisan antes de enviarlas, porque LibreOffice
# abre como texto plano cualquier .docx que no sea zip y «convierte» basura sin quejarse.
_PAQUETES_OFFICE = {
    ".docx": "de Word", ".docm": "de Word", ".dotx": "de Word", ".dotm": "de Word",
    ".xlsx": "de Excel", ".xlsm": "de Excel", ".xltx": "de Excel", ".xltm": "de Excel",
}


# --------------------------------------------------------------------------- resultado


@dataclass(frozen=True)
class ResultadoDocumento:
    """El resultado de un documento: ``pdf`` si se convirtió, ``error`` (en español) si no."""

    entrada: Path
    pdf: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.pdf is not None


@dataclass(frozen=True)
class ResultadoPdf:
    """Resultados en el mismo orden de las entradas, más datos de la ejecución."""

    documentos: tuple[ResultadoDocumento, ...]
    arranques: int = 0
    """Veces que se arrancó LibreOffice (sirve para vigilar que un lote no arranque uno por documento)."""
    segundos: float = 0.0

    def __iter__(self) -> Iterator[ResultadoDocumento]:
        return iter(self.documentos)

    def __len__(self) -> int:
        return len(self.documentos)

    def __getitem__(self, indice: int) -> ResultadoDocumento:
        return self.documentos[indice]

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documentos)

    @property
    def pdfs(self) -> list[Path]:
        return [d.pdf for d in self.documentos if d.pdf is not None]

    @property
    def fallidos(self) -> list[ResultadoDocumento]:
        return [d for d in self.documentos if not d.ok]

    def exigir(self) -> list[Path]:
        """Devuelve los PDF; si alguno falló, lanza :class:`ErrorConversion` con la lista."""
        fallidos = self.fallidos
        if fallidos:
            detalle = "\n".join(f"  - {d.entrada}: {d.error}" for d in fallidos)
            raise ErrorConversion(
                f"No se pudieron convertir a PDF {len(fallidos)} de {len(self.documentos)} documento(s):\n{detalle}"
            )
        return self.pdfs


# --------------------------------------------------------------------------- soffice


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
def _version_libreoffice(soffice: str) -> str | None:
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


@functools.lru_cache(maxsize=4)
def _buscar_biblioteca(nombre: str) -> str | None:
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


def _entorno_soffice(asignador: str | None) -> dict[str, str] | None:
    """El entorno de LibreOffice: el del proceso, con el asignador delante en ``LD_PRELOAD``."""
    if asignador is None:
        return None  # se hereda tal cual
    entorno = dict(os.environ)
    previas = entorno.get("LD_PRELOAD", "")
    entorno["LD_PRELOAD"] = f"{asignador}:{previas}" if previas else asignador
    return entorno


# Con ooSetupLastVersion igual a la versión instalada, LibreOffice no repite en cada arranque sus
# pruebas de dibujo (GraphicsRenderTests): medido, baja el arranque de ~0,9 s a ~0,3 s.
_XCU_PERFIL = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/Product"><prop oor:name="ooSetupLastVersion" oor:op="fuse">\
<value>{version}</value></prop></item>
</oor:items>
"""


class _Reserva:
    """Perfiles de LibreOffice (uno por proceso vivo) y carpetas de trabajo, en un temporal propio.

    Dos procesos de LibreOffice con el mismo perfil no conviven (el segundo le pasa el trabajo al
    primero y sale), así que cada proceso toma un perfil libre y lo devuelve al terminar.
    """

    def __init__(self) -> None:
        self._candado = threading.Lock()
        self._pid = os.getpid()
        self._base: Path | None = None
        self._libres: dict[str, list[Path]] = {}
        self._contador = 0
        self._vivos: set[subprocess.Popen[bytes]] = set()

    def _carpeta_base(self) -> Path:
        if self._base is None or not self._base.is_dir():
            self._base = Path(tempfile.mkdtemp(prefix=f"{_PREFIJO_BASE}{os.getpid()}_"))
            _borrar_huerfanas(self._base.parent)
        return self._base

    def tomar_perfil(self, soffice: str) -> Path:
        with self._candado:
            libres = self._libres.setdefault(soffice, [])
            while libres:
                perfil = libres.pop()
                if perfil.is_dir():
                    return perfil
            self._contador += 1
            perfil = self._carpeta_base() / f"perfil{self._contador}"
        usuario = perfil / "user"
        usuario.mkdir(parents=True, exist_ok=True)
        version = _version_libreoffice(soffice)
        if version:
            (usuario / "registrymodifications.xcu").write_text(_XCU_PERFIL.format(version=version), encoding="utf-8")
        return perfil

    def devolver_perfil(self, soffice: str, perfil: Path, sano: bool) -> None:
        # Un perfil de un proceso matado puede quedar con candados o configuración a medias.
        if not sano:
            shutil.rmtree(perfil, ignore_errors=True)
            return
        with self._candado:
            if self._base is not None and perfil.parent == self._base:
                self._libres.setdefault(soffice, []).append(perfil)

    def carpeta_trabajo(self) -> Path:
        with self._candado:
            base = self._carpeta_base()
        return Path(tempfile.mkdtemp(prefix="tanda_", dir=base))

    def registrar(self, proceso: subprocess.Popen[bytes]) -> None:
        with self._candado:
            self._vivos.add(proceso)

    def olvidar(self, proceso: subprocess.Popen[bytes]) -> None:
        with self._candado:
            self._vivos.discard(proceso)

    def cerrar(self) -> None:
        """Al salir de Python: mata los LibreOffice que sigan vivos y borra los temporales."""
        if self._pid != os.getpid():
            return
        with self._candado:
            vivos = list(self._vivos)
            base, self._base = self._base, None
            self._libres.clear()
        for proceso in vivos:
            _matar_grupo(proceso)
        if base is not None:
            shutil.rmtree(base, ignore_errors=True)

    def tras_fork(self) -> None:
        # El hijo de un fork no debe compartir perfiles ni procesos con el padre.
        self._candado = threading.Lock()
        self._pid = os.getpid()
        self._base = None
        self._libres = {}
        self._vivos = set()


_PREFIJO_BASE = "acuerdo_docs_lo_"


def orden_conversion(soffice: str, perfil: Path, salida: Path, entradas: Sequence[Path | str]) -> list[str]:
    """La orden ``soffice --convert-to pdf`` sin interfaz, con un perfil propio (la usan también los benchmarks)."""
    return [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
            f"-env:UserInstallation={perfil.as_uri()}", "--convert-to", "pdf", "--outdir", str(salida),
            *map(str, entradas)]


def _borrar_huerfanas(carpeta: Path) -> None:
    """Borra perfiles que dejó un proceso ya muerto sin poder limpiar (p. ej. matado con SIGKILL)."""
    for vieja in carpeta.glob(f"{_PREFIJO_BASE}*_*"):
        pid_texto = vieja.name[len(_PREFIJO_BASE):].split("_", 1)[0]
        try:
            if not pid_texto.isdigit() or vieja.stat().st_uid != os.getuid():
                continue
            os.kill(int(pid_texto), 0)
        except ProcessLookupError:
            shutil.rmtree(vieja, ignore_errors=True)
        except (OSError, AttributeError):  # sin permiso (otro usuario) o sin getuid (Windows)
            continue


_RESERVA = _Reserva()
atexit.register(_RESERVA.cerrar)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_RESERVA.tras_fork)


def _matar_grupo(proceso: subprocess.Popen[bytes]) -> None:
    """Mata el grupo entero (lanzador soffice, oosplash y soffice.bin) y lo recoge."""
    if proceso.poll() is None:
        if os.name == "nt":  # sin grupos POSIX: taskkill /T mata el árbol (soffice.exe y soffice.bin)
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proceso.pid)], capture_output=True, check=False)
        else:
            try:
                os.killpg(proceso.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proceso.kill()
    try:
        proceso.wait(timeout=10)
    except subprocess.TimeoutExpired:
        log.warning("LibreOffice (pid %d) no terminó tras matarlo", proceso.pid)


# --------------------------------------------------------------------------- comprobaciones


def _revisar_entrada(ruta: Path) -> str | None:
    """Un error en español si el archivo no se puede enviar a LibreOffice; ``None`` si sirve."""
    if not ruta.exists():
        return "No existe el archivo."
    if not ruta.is_file():
        return "No es un archivo."
    tipo = _PAQUETES_OFFICE.get(ruta.suffix.lower())
    if tipo is None:
        return None
    try:
        with zipfile.ZipFile(ruta) as paquete:
            nombres = set(paquete.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return f"El archivo está dañado o no es un documento {tipo} ({ruta.suffix.lower()} válido)."
    if "[Content_Types].xml" not in nombres:
        return f"El archivo está dañado o no es un documento {tipo} (le falta [Content_Types].xml)."
    return None


def _error_pdf(ruta: Path) -> str | None:
    """Comprueba que el PDF está completo (cabecera y marca final %%EOF)."""
    try:
        tamano = ruta.stat().st_size
        with ruta.open("rb") as f:
            cabeza = f.read(5)
            f.seek(max(0, tamano - 1024))
            cola = f.read()
    except OSError:
        return "LibreOffice no produjo el PDF."
    if cabeza != b"%PDF-" or b"%%EOF" not in cola:
        return "LibreOffice produjo un PDF incompleto o inválido."
    return None


def _mover_atomico(origen: Path, destino: Path) -> None:
    """Pone ``origen`` en ``destino`` de una vez: quien mire ve el PDF viejo o el nuevo, nunca medio."""
    destino.parent.mkdir(parents=True, exist_ok=True)
    with origen.open("rb") as f:
        os.fsync(f.fileno())  # los datos en disco antes de que el nombre final sea visible
    try:
        os.replace(origen, destino)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        escribir_atomico(destino, origen.read_bytes())  # otro sistema de archivos: temporal + rename allí


# --------------------------------------------------------------------------- conversión


@dataclass
class _Doc:
    indice: int
    original: Path  # tal como la dio el llamador (se devuelve así)
    entrada: Path
    destino: Path
    nombre: str  # nombre privado dentro de la tanda: evita choques y nombres raros para soffice
    reintento: bool = False


@dataclass
class _Tanda:
    docs: list[_Doc]


_GRACIA_SALIDA = 2.0  # segundos para leer lo que quede tras salir el proceso principal
_RE_CONVERT = re.compile(r"^convert (.+?) (?:as a .*? document )?-> ")
_ERROR_CARGA = "Error: source file could not be loaded"
_ERROR_GUARDADO = "Error: Please verify input parameters"


class _Conversion:
    """El estado de una llamada a :func:`a_pdf`: cola de tandas, resultados y procesos vivos."""

    def __init__(self, soffice: str, docs: list[_Doc], tiempo_limite: float, progreso: Progreso | None,
                 asignador: str | None = None) -> None:
        self.soffice = soffice
        self.asignador = asignador
        self.tiempo_limite = tiempo_limite
        self.progreso = progreso
        self.resultados: dict[int, ResultadoDocumento] = {}
        self.pendientes = len(docs)
        self.arranques = 0
        self.convertidos = 0
        self.hubo_salida = False  # algún proceso de esta llamada informó de un documento
        self.mudos: set[int] = set()  # primeros documentos de procesos que murieron sin decir nada
        self.averia: str | None = None
        self.excepcion: BaseException | None = None
        self.cola: queue.Queue[_Tanda | None] = queue.Queue()
        self.terminado = threading.Event()
        self.cancelado = threading.Event()
        self._candado = threading.Lock()
        self._candado_progreso = threading.Lock()
        self._procesos: set[subprocess.Popen[bytes]] = set()
        if not docs:
            self.terminado.set()

    # ---- resultados

    def _cerrar_doc(self, doc: _Doc, pdf: Path | None, error: str | None) -> None:
        with self._candado:
            if doc.indice in self.resultados:
                return
            self.resultados[doc.indice] = ResultadoDocumento(doc.original, pdf, error)
            self.pendientes -= 1
            if pdf is not None:
                self.convertidos += 1
            quedan = self.pendientes
        if error is None:
            log.debug("PDF listo: %s", pdf)
        else:
            log.warning("No se convirtió %s: %s", doc.entrada, error)
        if self.progreso is not None:
            with self._candado_progreso:  # el llamador no necesita un progreso seguro entre hilos
                self.progreso(doc.original, pdf, error)
        if quedan == 0:
            self.terminado.set()

    def _entregar(self, doc: _Doc, salida: Path) -> None:
        pdf = salida / _nombre_pdf(doc)
        error = _error_pdf(pdf)
        if error is not None:
            self._cerrar_doc(doc, None, error)
            return
        try:
            _mover_atomico(pdf, doc.destino)
        except OSError as exc:
            motivo = exc.strerror or type(exc).__name__
            self._cerrar_doc(doc, None, f"No se pudo guardar el PDF en la carpeta de destino ({motivo}).")
            return
        self._cerrar_doc(doc, doc.destino, None)

    # ---- hilos

    def trabajar(self) -> None:
        while True:
            tanda = self.cola.get()
            if tanda is None:
                return
            try:
                if self.cancelado.is_set():
                    continue
                if self.averia is not None:
                    for doc in tanda.docs:
                        self._cerrar_doc(doc, None, self.averia)
                    continue
                self._ejecutar(tanda)
            except BaseException as exc:  # noqa: BLE001 - un error nuestro (o del progreso) detiene todo y se relanza
                with self._candado:
                    if self.excepcion is None:
                        self.excepcion = exc
                self.cancelar()

    def cancelar(self) -> None:
        self.cancelado.set()
        with self._candado:
            procesos = list(self._procesos)
        for proceso in procesos:
            _matar_grupo(proceso)
        self.terminado.set()

    # ---- una tanda = un arranque de LibreOffice

    def _ejecutar(self, tanda: _Tanda) -> None:
        try:
            trabajo = _RESERVA.carpeta_trabajo()
            perfil = _RESERVA.tomar_perfil(self.soffice)
        except OSError as exc:  # p. ej. el temporal lleno: falla la tanda, no la llamada entera
            for doc in tanda.docs:
                self._cerrar_doc(doc, None, f"No se pudo preparar la conversión ({exc.strerror or exc}).")
            return
        perfil_sano = True
        try:
            entrada = trabajo / "entrada"
            salida = trabajo / "salida"
            entrada.mkdir()
            salida.mkdir()
            listos: list[_Doc] = []
            for doc in tanda.docs:
                enlace = entrada / doc.nombre
                try:
                    try:
                        enlace.symlink_to(doc.entrada)
                    except OSError:  # sin enlaces simbólicos (p. ej. Windows sin permiso): copia
                        shutil.copyfile(doc.entrada, enlace)
                except OSError as exc:
                    self._cerrar_doc(doc, None, f"No se pudo leer el documento ({exc.strerror or exc}).")
                    continue
                listos.append(doc)
            if not listos:
                return
            tanda.docs = listos
            orden = orden_conversion(self.soffice, perfil, salida, [entrada / d.nombre for d in listos])
            perfil_sano = self._correr(tanda, orden, salida)
        finally:
            _RESERVA.devolver_perfil(self.soffice, perfil, perfil_sano)
            shutil.rmtree(trabajo, ignore_errors=True)

    def _correr(self, tanda: _Tanda, orden: list[str], salida: Path) -> bool:
        """Corre un proceso para la tanda; devuelve si el perfil quedó sano (no hubo que matarlo)."""
        docs = tanda.docs
        posicion = {d.nombre: i for i, d in enumerate(docs)}
        log.info("LibreOffice: %d documento(s) en un proceso", len(docs))
        try:
            proceso = subprocess.Popen(
                orden, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True,  # grupo propio: al vencer el tiempo se mata entero
                env=_entorno_soffice(self.asignador),
            )
        except OSError as exc:
            self.averia = f"No se pudo ejecutar LibreOffice ({exc.strerror or exc})."
            for doc in docs:
                self._cerrar_doc(doc, None, self.averia)
            return True
        with self._candado:
            self.arranques += 1
            self._procesos.add(proceso)
        _RESERVA.registrar(proceso)
        lineas: queue.Queue[str | None] = queue.Queue()
        lector = threading.Thread(target=_leer_lineas, args=(proceso, lineas), daemon=True)
        lector.start()

        ultimas: deque[str] = deque(maxlen=3)  # para explicar una avería, no se guarda más
        ultimo = -1          # posición del último documento del que LibreOffice dijo algo
        abierto = False      # ese documento se abrió y se está guardando como PDF
        hubo_salida = False
        vencido = False
        limite = self.tiempo_limite + min(self.tiempo_limite, 30.0)  # el primero incluye el arranque
        reloj = time.monotonic()
        salio: float | None = None  # cuándo terminó el proceso principal
        try:
            while True:
                if self.cancelado.is_set():
                    break
                ahora = time.monotonic()
                espera = reloj + limite - ahora
                if espera <= 0:
                    vencido = True
                    break
                if salio is None and proceso.poll() is not None:
                    salio = ahora
                # Si el proceso ya salió pero un hijo suyo sigue con la salida abierta, no se espera
                # al tiempo límite: se le da un momento para vaciar lo que quede.
                if salio is not None and ahora - salio > _GRACIA_SALIDA:
                    break
                try:
                    linea = lineas.get(timeout=min(espera, 0.25))
                except queue.Empty:
                    continue
                if linea is None:
                    break
                ultimas.append(linea)
                convertido = _RE_CONVERT.match(linea)
                if convertido:
                    # Por el nombre privado (único en la tanda), sin depender de cómo escriba la carpeta.
                    pos = posicion.get(os.path.basename(convertido.group(1)))
                    if pos is None or pos <= ultimo:
                        continue
                    if abierto:
                        self._entregar(docs[ultimo], salida)
                    ultimo, abierto = pos, True
                elif linea.startswith(_ERROR_CARGA):
                    if abierto:
                        self._entregar(docs[ultimo], salida)
                    ultimo, abierto = ultimo + 1, False
                    if ultimo < len(docs):
                        self._cerrar_doc(docs[ultimo], None, (
                            "LibreOffice no pudo abrir el documento: está dañado o no es un documento válido."))
                elif linea.startswith(_ERROR_GUARDADO) and abierto:
                    abierto = False
                    self._cerrar_doc(docs[ultimo], None,
                                     "LibreOffice abrió el documento pero no pudo exportarlo a PDF.")
                else:
                    log.debug("soffice: %s", linea)
                    continue
                hubo_salida = self.hubo_salida = True
                reloj, limite = time.monotonic(), self.tiempo_limite
            if not vencido and not self.cancelado.is_set():
                try:  # la salida ya terminó: el proceso debe cerrarse enseguida
                    proceso.wait(timeout=self.tiempo_limite)
                except subprocess.TimeoutExpired:
                    vencido = True
        finally:
            if proceso.poll() is None:
                _matar_grupo(proceso)
            elif lector.is_alive() and os.name != "nt":
                # Quedan procesos del grupo con la salida abierta (el grupo sigue existiendo): fuera.
                try:
                    os.killpg(proceso.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            lector.join(timeout=5)
            with self._candado:
                self._procesos.discard(proceso)
            _RESERVA.olvidar(proceso)

        if self.cancelado.is_set():
            return False
        codigo = proceso.returncode
        # El último documento abierto terminó si su PDF está completo (aunque luego hubiera que matar).
        if abierto and (not vencido or _error_pdf(salida / _nombre_pdf(docs[ultimo])) is None):
            self._entregar(docs[ultimo], salida)
        if not vencido:  # salió por su cuenta: todo PDF completo es bueno, se haya leído o no su línea
            for doc in docs:
                if doc.indice not in self.resultados and _error_pdf(salida / _nombre_pdf(doc)) is None:
                    self._entregar(doc, salida)
        restantes = [d for d in docs if d.indice not in self.resultados]
        if not restantes:
            return not vencido
        sospechoso, resto = restantes[0], restantes[1:]
        if vencido:
            motivo = (f"La conversión superó el tiempo límite ({self.tiempo_limite:g} s) y se detuvo: "
                      "el documento bloquea a LibreOffice.")
            log.warning("LibreOffice no avanzó en %g s con %s; se detuvo", self.tiempo_limite, sospechoso.entrada)
        else:
            motivo = f"LibreOffice terminó inesperadamente al convertir este documento (código {codigo})."
            if not hubo_salida:
                with self._candado:
                    # Si nada ha salido aún y había asignador precargado, se culpa a este y no a
                    # los documentos: la tanda entera se repite sin él.
                    culpar_asignador = self.asignador is not None and not self.hubo_salida
                    if culpar_asignador:
                        log.warning("LibreOffice terminó sin convertir con el asignador %s precargado; "
                                    "se sigue sin él", self.asignador)
                        self.asignador = None
                if culpar_asignador:
                    self.cola.put(_Tanda(restantes))
                    return False
                # Si procesos que empezaban por documentos distintos mueren sin decir nada y ninguno
                # ha convertido, el problema es LibreOffice, no los documentos: no se insiste.
                with self._candado:
                    self.mudos.add(sospechoso.indice)
                    averiado = len(self.mudos) >= 2 and not self.hubo_salida
                if averiado:
                    detalle = " ".join(ultimas)[-300:]
                    self.averia = f"LibreOffice no arranca o termina sin convertir (código {codigo}). {detalle}".strip()
                    for doc in restantes:
                        self._cerrar_doc(doc, None, self.averia)
                    return False
        # Solo lo que estaba en curso es sospechoso: se reintenta solo (si venía en grupo); lo que
        # ni se empezó vuelve a la cola como una tanda nueva (un arranque, no uno por documento).
        if len(docs) == 1 or sospechoso.reintento:
            self._cerrar_doc(sospechoso, None, motivo)
        else:
            sospechoso.reintento = True
            self.cola.put(_Tanda([sospechoso]))
        if resto:
            self.cola.put(_Tanda(resto))
        return False


def _nombre_pdf(doc: _Doc) -> str:
    return Path(doc.nombre).stem + ".pdf"


def _leer_lineas(proceso: subprocess.Popen[bytes], lineas: queue.Queue[str | None]) -> None:
    try:
        assert proceso.stdout is not None
        for crudo in iter(proceso.stdout.readline, b""):
            lineas.put(crudo.decode("utf-8", "replace").rstrip("\r\n"))
    except (OSError, ValueError):
        pass
    finally:
        lineas.put(None)


def _repartir(docs: list[_Doc], tandas: int) -> list[list[_Doc]]:
    """Reparte para que las tandas tarden parecido: el mayor primero a la tanda más liviana."""
    def peso(doc: _Doc) -> float:
        try:
            return 1.0 + doc.entrada.stat().st_size / 65536  # costo fijo por documento + tamaño
        except OSError:
            return 1.0

    grupos: list[list[_Doc]] = [[] for _ in range(tandas)]
    cargas = [0.0] * tandas
    for doc in sorted(docs, key=peso, reverse=True):
        i = min(range(tandas), key=lambda k: (cargas[k], len(grupos[k])))
        grupos[i].append(doc)
        cargas[i] += peso(doc)
    return [sorted(g, key=lambda d: d.indice) for g in grupos if g]


def _como_lista(entrada: Path | str | Sequence[Path | str]) -> list[Path]:
    if isinstance(entrada, (str, os.PathLike)):
        return [Path(entrada)]
    return [Path(e) for e in entrada]


def a_pdf(
    entrada: Path | str | Sequence[Path | str],
    carpeta: Path | str | None = None,
    *,
    trabajadores: int | None = None,
    tiempo_limite: float = TIEMPO_LIMITE,
    progreso: Progreso | None = None,
) -> ResultadoPdf:
    """Convierte a PDF uno o varios documentos (.docx, .xlsx u otro formato que abra LibreOffice).

    - ``carpeta``: dónde dejar los PDF (se crea si falta); por omisión, junto a cada documento.
      El PDF se llama como el documento con extensión .pdf y reemplaza al que hubiera.
    - ``trabajadores``: procesos de LibreOffice a la vez (por omisión, uno por núcleo). Cada uno
      convierte una tanda entera: un lote arranca LibreOffice ``trabajadores`` veces, no una por
      documento.
    - ``tiempo_limite``: segundos que puede tardar cada documento; si LibreOffice no avanza en ese
      tiempo se detiene y el documento se informa como fallido.
    - ``progreso``: se llama al terminar cada documento con ``(entrada, pdf, error)``; desde hilos
      de trabajo, pero nunca dos veces a la vez.

    Devuelve un :class:`ResultadoPdf` con el PDF o el error (en español) de cada entrada, en orden;
    ``resultado.exigir()`` lanza :class:`ErrorConversion` si alguno falló. Lanza
    :class:`ErrorConversion` si LibreOffice no está instalado.
    """
    inicio = time.monotonic()
    rutas = _como_lista(entrada)
    if trabajadores is None:
        trabajadores = os.cpu_count() or 1
    if trabajadores < 1:
        raise ValueError("trabajadores debe ser 1 o más")
    if not tiempo_limite > 0:
        raise ValueError("tiempo_limite debe ser mayor que 0")
    if not rutas:
        return ResultadoPdf((), 0, 0.0)
    soffice = buscar_soffice()
    destino_comun = Path(os.path.abspath(carpeta)) if carpeta is not None else None

    previos: dict[int, ResultadoDocumento] = {}
    docs: list[_Doc] = []
    destinos: set[Path] = set()
    for indice, ruta in enumerate(rutas):
        absoluta = Path(os.path.abspath(ruta))  # normalizada: dos grafías del mismo destino chocan
        destino = (destino_comun or absoluta.parent) / f"{absoluta.stem}.pdf"
        error = _revisar_entrada(absoluta)
        if error is None and destino == absoluta:
            error = "El documento ya es un PDF."
        if error is None and destino in destinos:
            error = "Otro documento de la lista produce el mismo PDF de salida; use nombres distintos."
        if error is not None:
            previos[indice] = ResultadoDocumento(ruta, None, error)
            continue
        destinos.add(destino)
        docs.append(_Doc(indice, ruta, absoluta, destino, f"d{indice:06d}{absoluta.suffix.lower()}"))

    asignador = asignador_memoria()
    conversion = _Conversion(soffice, docs, tiempo_limite, progreso, asignador)
    for previo in previos.values():
        log.warning("No se convirtió %s: %s", previo.entrada, previo.error)
        if progreso is not None:
            progreso(previo.entrada, None, previo.error)

    if docs:
        # Tandas en múltiplos de los trabajadores para que todos terminen a la vez.
        tandas = max(trabajadores, math.ceil(len(docs) / MAXIMO_POR_PROCESO))
        tandas = min(len(docs), math.ceil(tandas / trabajadores) * trabajadores)
        for grupo in _repartir(docs, tandas):
            conversion.cola.put(_Tanda(grupo))
        log.info("PDF: %d documento(s) en %d tanda(s), hasta %d proceso(s) de LibreOffice a la vez%s",
                 len(docs), tandas, min(trabajadores, tandas), f" (con {asignador})" if asignador else "")
        hilos = [threading.Thread(target=conversion.trabajar, name=f"acuerdo_docs.pdf-{i}", daemon=True)
                 for i in range(min(trabajadores, tandas))]
        for hilo in hilos:
            hilo.start()
        try:
            while not conversion.terminado.wait(0.2):
                pass
        except BaseException:
            conversion.cancelar()
            raise
        finally:
            for _ in hilos:
                conversion.cola.put(None)
            if conversion.cancelado.is_set():
                for hilo in hilos:
                    hilo.join(timeout=15)
            else:
                for hilo in hilos:
                    hilo.join()
        if conversion.excepcion is not None:
            raise conversion.excepcion

    resultados = {**conversion.resultados, **previos}
    cancelado = "La conversión se canceló."
    documentos = tuple(resultados.get(i) or ResultadoDocumento(rutas[i], None, cancelado) for i in range(len(rutas)))
    return ResultadoPdf(documentos, conversion.arranques, time.monotonic() - inicio)
