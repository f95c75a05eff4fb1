"""Piezas compartidas por las órdenes: parser en español, lectura de JSON y errores."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import signal
import sys
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ..errores import (
    ErrorAcuerdoDocs,
    ErrorEntrada,
    ErrorValidacion,
    causa_sistema,
)
from ..rutas import carpeta_temporal
from ..esquemas.entrada_json import cargar_json
from ..limites_entrada import LIMITE_BYTES_JSON, MB
from ..salida.archivos import escribir_atomico
from ..salida.destinos import Salida, comprobar_archivo
from ..terminal import para_terminal

if TYPE_CHECKING:
    from ..salida.pdf.anticipado import Arranque



def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as version_instalada  # ~10 ms: solo con --version

    try:
        return version_instalada("acuerdo-docs")
    except PackageNotFoundError:
        return "desarrollo"


class AccionVersion(argparse.Action):
    """``--version``: la versión se busca solo si se pide (leer los metadatos del paquete cuesta)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **opciones: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **opciones)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        sys.stdout.write(f"acuerdo-docs {version()}\n")
        parser.exit()


class Formato(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Uso: " if prefix is None else prefix)


def agregar_detallado(parser: argparse.ArgumentParser) -> None:
    """``-v`` en una orden y en sus acciones (``plantilla verificar … -v``), sin pisar el ``-v`` puesto antes."""
    parser.add_argument("-v", "--detallado", action="store_true", default=argparse.SUPPRESS,
                        help="muestra mensajes de diagnóstico")
    for accion in parser._actions:
        if isinstance(accion, argparse._SubParsersAction):
            for sub in accion.choices.values():
                agregar_detallado(sub)


class Parser(argparse.ArgumentParser):
    """ArgumentParser con ayuda y errores en español."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not issubclass(kwargs.get("formatter_class", Formato), Formato):
            kwargs["formatter_class"] = Formato  # toda orden con «Uso:» y ayuda en español, la pida como la pida
        kwargs.setdefault("formatter_class", Formato)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="muestra esta ayuda y termina")

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]  # sin las sobrecargas de typeshed
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        """Como el de argparse, pero un argumento desconocido lo informa la orden que lo recibió:
        con su propio «Uso:» y la opción más parecida («¿quiso decir --publico?»)."""
        resultado, sobrantes = self.parse_known_args(args, namespace)
        if sobrantes:
            destino: Parser = self
            while (sub := destino.suborden(resultado)) is not None:  # la orden y su acción (plantilla verificar)
                destino = sub
            destino.error(destino.sobrantes(sobrantes))
        return resultado

    def suborden(self, elegida: argparse.Namespace | str | None) -> Parser | None:
        """El parser de la orden elegida (su nombre, o el resultado del análisis), o ``None``."""
        for accion in self._actions:
            if not isinstance(accion, argparse._SubParsersAction):
                continue
            nombre = getattr(elegida, accion.dest, None) if isinstance(elegida, argparse.Namespace) else elegida
            sub = accion.choices.get(nombre) if isinstance(nombre, str) else None
            return sub if isinstance(sub, Parser) else None
        return None

    def opciones(self) -> list[str]:
        return [o for accion in self._actions for o in accion.option_strings if accion.help != argparse.SUPPRESS]

    def sobrantes(self, sobrantes: Sequence[str]) -> str:
        """El mensaje para lo que la orden no reconoce: la opción parecida o por qué sobra un argumento."""
        opcion = next((s for s in sobrantes if s.startswith("-") and len(s) > 1), None)
        if opcion is None:
            lista = ", ".join(f"«{s}»" for s in sobrantes)
            return (f"sobra {lista}: la orden no recibe más archivos o valores que los que muestra «Uso:»"
                    " (¿un nombre con espacios sin comillas?)")
        nombre = opcion.split("=", 1)[0]
        import difflib  # solo al sugerir un nombre: no se carga al arrancar

        parecidas = difflib.get_close_matches(nombre, self.opciones(), n=1, cutoff=0.6)
        pista = f"; ¿quiso decir {parecidas[0]}?" if parecidas else ""
        return f"opción desconocida {nombre}{pista} (vea: {self.prog} --help)"

    def error(self, message: str) -> NoReturn:
        eleccion = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if eleccion:
            validas = re.findall(r"'([^']*)'", eleccion.group(2))
            import difflib

            parecidas = difflib.get_close_matches(eleccion.group(1), validas, n=1, cutoff=0.6)
            if parecidas:
                message += f"; ¿quiso decir «{parecidas[0]}»?"
        traducciones = {
            "the following arguments are required: ORDEN": (
                "falta la orden (ficha, acuerdo, riesgos, lote…; vea: acuerdo-docs --help)"),
            "the following arguments are required": "faltan los argumentos",
            "unrecognized arguments": "argumentos desconocidos",
            "invalid choice": "opción no válida",
            "expected one argument": "se esperaba un valor",
            "choose from": "elija entre",
            "argument ": "argumento ",
        }
        for origen, destino in traducciones.items():
            message = message.replace(origen, destino)
        self.print_usage(sys.stderr)
        self.exit(2, para_terminal(f"{self.prog}: error: {message}") + "\n")


# Lo que un usuario suele pasar por error donde va un JSON, reconocido por sus primeros bytes.
_NO_JSON: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "es un PDF"),
    (b"\xd0\xcf\x11\xe0", "es un documento de Office antiguo (.doc o .xls)"),
)


def _no_es_json(ruta: Path, datos: bytes) -> str | None:
    """Por qué el archivo no es un JSON (un .docx, un .xlsx, un PDF), o ``None``."""
    if datos.startswith(b"PK\x03\x04"):
        try:  # solo los nombres de las partes: dicen si es Word o Excel sin importar la extensión
            with zipfile.ZipFile(io.BytesIO(datos)) as zf:
                partes = set(zf.namelist())
        except zipfile.BadZipFile:
            partes = set()
        if "xl/workbook.xml" in partes or ruta.suffix.lower() in (".xlsx", ".xlsm"):
            return ("es un libro de Excel (.xlsx), no un JSON: para generar desde una hoja de cálculo"
                    " use «acuerdo-docs lote»")
        if "word/document.xml" in partes or ruta.suffix.lower() == ".docx":
            return ("es un documento de Word (.docx), no un JSON: para leer una ficha diligenciada"
                    " use «acuerdo-docs extraer»")
        return "es un archivo comprimido (ZIP), no un JSON"
    for firma, que in _NO_JSON:
        if datos.startswith(firma):
            return f"{que}, no un JSON"
    return None


def leer_archivo(ruta: Path, limite: int, que: str, *, entrada: str = "de entrada") -> bytes:
    """Los bytes de un archivo de entrada, con mensajes claros (ausente, carpeta, demasiado grande)."""
    if ruta.is_dir():
        raise ErrorEntrada(f"{ruta} es una carpeta: se esperaba {que}")
    if not ruta.is_file():
        raise ErrorEntrada(f"No existe el archivo {entrada}: {ruta}")
    if ruta.stat().st_size > limite:
        raise ErrorEntrada(f"{ruta}: pesa más de {limite // MB} MB, el máximo de {que}")
    try:
        return ruta.read_bytes()
    except OSError as exc:
        raise ErrorEntrada(f"No se pudo leer {ruta}: {causa_sistema(exc)}") from None


def leer_json(ruta: Path) -> Any:
    """Lee un archivo JSON con mensajes claros (ausente, vacío, un .docx, JSON mal formado)."""
    if str(ruta) == "-":
        entrada = getattr(sys.stdin, "buffer", None)
        datos = entrada.read() if entrada is not None else sys.stdin.read().encode("utf-8")
    else:
        datos = leer_archivo(ruta, LIMITE_BYTES_JSON, "un JSON de datos")
    if motivo := _no_es_json(ruta, datos):
        raise ErrorEntrada(f"{ruta}: {motivo}")
    try:
        texto = datos.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ErrorEntrada(f"{ruta}: el archivo no está en UTF-8 (guárdelo como JSON en UTF-8)") from None
    if not texto.strip():
        raise ErrorEntrada(f"{ruta}: el archivo está vacío; se esperaba un JSON (vea: acuerdo-docs ejemplo)")
    return cargar_json(texto, str(ruta))


def decir(texto: Any, *, error: bool = False) -> None:
    """Imprime un mensaje (en stderr si ``error``) con los caracteres de control escapados."""
    print(para_terminal(texto), file=sys.stderr if error else sys.stdout)


def informar_error(exc: ErrorAcuerdoDocs) -> int:
    """Muestra un error del usuario sin traza y devuelve el código de salida."""
    if isinstance(exc, ErrorValidacion) and len(exc.errores) == 1:
        # Un solo error: una línea que lo dice todo.
        texto = str(exc.errores[0])
        punto = "" if texto.endswith((".", "?", "!")) else "."
        decir(f"Error: {texto}{punto} No se escribió ningún archivo.", error=True)
        return exc.codigo_salida
    decir(f"Error: {exc}", error=True)
    if isinstance(exc, ErrorValidacion):
        decir("No se escribió ningún archivo.", error=True)
    return exc.codigo_salida


def agregar_salida(parser: argparse.ArgumentParser, ayuda: str, *, obligatoria: bool = True) -> None:
    # Texto y no Path: Path("salidas/") pierde la barra final que indica una carpeta.
    parser.add_argument("-o", "--salida", required=obligatoria, metavar="RUTA", help=ayuda)


def nombre_de(entrada: Path | None, por_omision: str) -> str:
    """NOMBRE del archivo que se escribe en una carpeta: el del archivo de entrada, o el de la orden."""
    if entrada is None or str(entrada) == "-" or not entrada.stem:
        return por_omision
    return entrada.stem


def destino_pdf(salida: Salida, pdf: bool, entradas: Iterable[Path | None]) -> Path | None:
    """--pdf junto a un .docx: el PDF se comprueba como cualquier destino antes de escribir nada."""
    if not pdf or salida.formato == ".pdf":
        return None
    ruta = salida.ruta.with_suffix(".pdf")
    comprobar_archivo(ruta, str(ruta), entradas)
    return ruta


def escribir_pdf(docx: bytes, destino: Path, args: argparse.Namespace, *, extension: str = ".docx") -> Path:
    """Convierte los bytes de un .docx (o de un libro, con ``extension=".xlsx"``) con LibreOffice y escribe
    el PDF en ``destino`` (fallo: código 3).

    LibreOffice trabaja en una carpeta temporal; el PDF llega al destino por la misma escritura
    atómica que todo lo demás (archivo regular o nuevo, umask, modo del que se reemplaza).
    """
    with carpeta_temporal("acuerdo_docs_pdf_") as temporal, sigterm_como_salida():
        origen = temporal / f"documento{extension}"
        escribir_atomico(origen, docx, sincronizar=False)
        escribir_atomico(destino, _a_pdf_uno(origen, args).read_bytes())
    return destino


def _a_pdf_uno(origen: Path, args: argparse.Namespace) -> Path:
    """El PDF de ``origen`` (junto a él): por el LibreOffice ya arrancado si lo hay, si no con a_pdf."""
    convertidor = getattr(args, "convertidor", None)
    if convertidor is not None:  # arrancado por pdf_anticipado al empezar la orden
        convertidor.pdfa = not args.pdf_simple
        convertidor.tiempo_limite = args.tiempo_limite
        return Path(convertidor.convertir(origen))
    from ..salida.pdf import a_pdf

    (pdf,) = a_pdf([origen], tiempo_limite=args.tiempo_limite, pdfa=not args.pdf_simple).exigir()
    return pdf


def escribir_documento(salida: Salida, docx: bytes, aviso: str, args: argparse.Namespace,
                       ruta_pdf: Path | None = None) -> None:
    """Escribe el .docx (o solo el PDF si -o termina en .pdf) y, con --pdf, el PDF junto a él."""
    if salida.formato == ".pdf":
        print(f"{aviso}: {escribir_pdf(docx, salida.ruta, args)}")
        return
    print(f"{aviso}: {escribir_atomico(salida.ruta, docx)}")
    if ruta_pdf is not None:
        print(f"PDF escrito: {escribir_pdf(docx, ruta_pdf, args)}")


def agregar_si_editado(parser: argparse.ArgumentParser) -> None:
    """``--si-editado``: qué hacer con un libro de salida que el equipo editó desde que se escribió."""
    parser.add_argument(
        "--si-editado", choices=("respaldar", "rechazar"), default="respaldar",
        help="si un libro .xlsx que se va a reemplazar cambió desde que acuerdo-docs lo escribió: «respaldar»"
             " (por omisión) guarda la versión editada en NOMBRE.xlsx.bak y avisa; «rechazar» no escribe nada",
    )


def agregar_publico(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--publico", action="store_true",
        help="versión para publicar: sin nombres, teléfonos ni correos de personas (Ley 1581 de 2012)",
    )


TIEMPO_LIMITE_PDF = 120.0  # igual a salida.pdf.TIEMPO_LIMITE, sin importar la conversión al arrancar


def segundos_argumento(texto: str) -> float:
    """--tiempo-limite: segundos, más de cero."""
    try:
        valor = float(texto.replace(",", "."))
    except ValueError:
        valor = 0.0
    if not 0 < valor < 86400:
        raise argparse.ArgumentTypeError("debe ser un número de segundos mayor que 0 (por ejemplo 60)")
    return valor


class AccionPdfSimple(argparse.Action):
    """``--pdf-simple`` (y ``--pdf-completo``) piden un PDF: implican ``--pdf``, en vez de no hacer nada sin él."""

    def __init__(self, option_strings: Sequence[str], dest: str, **opciones: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, **opciones)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, *_: Any) -> None:
        setattr(namespace, self.dest, True)
        namespace.pdf = True


def agregar_pdf(parser: argparse.ArgumentParser, que: str = "el documento", *, infografias: bool = False) -> None:
    parser.add_argument("--pdf", action="store_true",
                        help=f"convierte además {que} a PDF/A-2b etiquetado (requiere LibreOffice)")
    tambien = "; también las infografías" if infografias else ""
    parser.add_argument("--pdf-simple", action=AccionPdfSimple,
                        help=f"PDF normal en vez de PDF/A-2b etiquetado (archivo y accesibilidad){tambien};"
                             " implica --pdf")
    parser.add_argument("--tiempo-limite", type=segundos_argumento, default=TIEMPO_LIMITE_PDF, metavar="SEGUNDOS",
                        help="con --pdf: segundos sin avance tras los que LibreOffice se da por colgado y se "
                             f"detiene (salida 3); por omisión {TIEMPO_LIMITE_PDF:g}")


@contextmanager
def sigterm_lanza(excepcion: Callable[[int], BaseException]) -> Iterator[None]:
    """Mientras dura, SIGTERM lanza ``excepcion(señal)``: se sale por las vías normales (limpieza incluida)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def manejador(signum: int, _frame: Any) -> None:
        raise excepcion(signum)

    anterior = signal.signal(signal.SIGTERM, manejador)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, anterior)


def sigterm_como_salida() -> contextlib.AbstractContextManager[None]:
    """SIGTERM durante la conversión sale por las vías normales: se mata LibreOffice y se borra su temporal."""
    return sigterm_lanza(lambda signum: SystemExit(128 + signum))


@contextmanager
def pdf_anticipado(argv: Sequence[str], arranque: Arranque | None = None) -> Iterator[Any]:
    """Con ``--pdf`` en una orden de pocos documentos, un
    :class:`~acuerdo_docs.salida.pdf.convertidor.ConvertidorPdf` con LibreOffice ya arrancando
    mientras se importan los módulos, se valida y se genera el documento; al salir lo cierra siempre.

    ``arranque``: el LibreOffice que ya lanzó (o tomó prestado) :mod:`acuerdo_docs.salida.pdf.anticipado`
    antes de importar nada pesado; sin él, se arranca aquí (la primera vez, el perfil se crea).
    Si no se puede arrancar (p. ej. LibreOffice no está), no pasa nada: la conversión informará
    el error en su turno, después de los errores de los datos.
    """
    from ..salida.pdf.pedido import anticipa_pdf

    if not anticipa_pdf(argv):
        yield None
        return
    from ..salida.pdf.convertidor import ConvertidorPdf

    convertidor = ConvertidorPdf()
    try:
        if arranque is not None:
            convertidor._abrir_con(arranque)
        else:
            convertidor.abrir()
    except (ErrorAcuerdoDocs, OSError):
        convertidor.cerrar()
        yield None
        return
    try:
        with sigterm_como_salida():
            yield convertidor
    finally:
        convertidor.cerrar()


def agregar_pdf_completo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf-completo", action=AccionPdfSimple,
                        help="el PDF de la matriz de riesgos lleva también las hojas Instrucciones y Catálogos (por"
                             " omisión: matriz, mapa de calor, hoja de ruta y avance); implica --pdf")


def pdf_del_libro(ruta: Path, args: argparse.Namespace) -> None:
    """--pdf de la matriz de riesgos: el PDF junto al libro, sin Instrucciones ni Catálogos salvo --pdf-completo."""
    from ..documentos.matriz import libro_para_imprimir

    datos = libro_para_imprimir(ruta.read_bytes(), completo=getattr(args, "pdf_completo", False))
    print(f"PDF escrito: {escribir_pdf(datos, ruta.with_suffix('.pdf'), args, extension='.xlsx')}")


def convertir_pdf(rutas: list[Path], args: argparse.Namespace) -> None:
    """--pdf: convierte con LibreOffice; un fallo es ErrorConversion (código de salida 3)."""
    if getattr(args, "convertidor", None) is not None:  # ya arrancado por pdf_anticipado
        with sigterm_como_salida():
            for ruta in rutas:
                print(f"PDF escrito: {_a_pdf_uno(ruta, args)}")
        return
    from ..salida.pdf import a_pdf

    with sigterm_como_salida():
        resultado = a_pdf(rutas, tiempo_limite=args.tiempo_limite, pdfa=not args.pdf_simple)
    for ruta_pdf in resultado.exigir():
        decir(f"PDF escrito: {ruta_pdf}")


def fecha_argumento(texto: str) -> date:
    """--referencia: AAAA-MM-DD (también acepta 24/10/2023)."""
    from pydantic_core import PydanticCustomError

    from ..esquemas.comun import leer_fecha

    try:
        valor = leer_fecha(texto)
    except PydanticCustomError as exc:  # el motivo del esquema: el formato, o «ese día no existe»
        raise argparse.ArgumentTypeError(exc.message()) from None
    except ValueError:
        raise argparse.ArgumentTypeError("fecha no válida: use AAAA-MM-DD (por ejemplo 2023-10-24)") from None
    if not isinstance(valor, date):
        raise argparse.ArgumentTypeError("fecha no válida: use AAAA-MM-DD (por ejemplo 2023-10-24)")
    return valor
