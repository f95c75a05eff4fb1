"""Línea de órdenes ``acuerdo-docs``: una capa delgada sobre las funciones de la biblioteca.

Cada orden vive en su propio módulo con una función ``registrar(subparsers)``.
Códigos de salida: 0 bien; 1 datos inválidos (o filas con error en un lote);
2 uso incorrecto o entrada inutilizable; 3 fallo de conversión; 4 error interno (un fallo del
programa: una línea «Error interno: …», sin traza salvo con -v); 130 interrumpido (Ctrl-C).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import importlib.util
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, NoReturn

# Este módulo solo importa la biblioteca estándar: lo pesado (pydantic, la orden) se importa dentro
# de main(), así un Ctrl-C en el primer segundo también sale con 130 y sin traza.
if TYPE_CHECKING:
    from importlib.abc import Loader
    from importlib.machinery import ModuleSpec

    from . import comun

# Orden → módulo (en el orden de la ayuda). Solo se importa el de la orden pedida: así
# «acuerdo-docs ficha» no carga openpyxl ni el lector de lotes. Una orden nueva: una línea aquí.
ORDENES: dict[str, str] = {
    "ficha": "ficha",
    "acuerdo": "acuerdo",
    "riesgos": "riesgos",
    "metodo": "metodo",
    "esquema": "esquema",
    "ejemplo": "ejemplo",
    "plantilla": "plantilla",
    "lote": "lote",
    "plantilla-lote": "plantilla_lote",
    "extraer": "extraer",
    "catalogo": "catalogo",
    "infografia": "infografia",
    "seguimiento": "seguimiento",
    "web": "web",
}


def _configurar_registro(detallado: bool) -> Callable[[], None]:
    """Configura el registro de la orden ahora, o en cuanto algo importe logging; devuelve cómo deshacer la espera.

    Sin -v y con logging sin importar, una orden que no escribe registros no lo carga (~3 ms):
    un buscador en ``sys.meta_path`` espera a que algo (un aviso de ``acuerdo_docs.registro``, una
    biblioteca) importe logging y configura justo después, antes de que pueda salir ningún registro.
    """
    if detallado or "logging" in sys.modules:
        from .registro import configurar

        configurar(detallado)
        return lambda: None
    espera = _AlImportarLogging(detallado)
    sys.meta_path.insert(0, espera)
    return espera.quitar


class _AlImportarLogging:
    """Buscador de ``sys.meta_path`` que carga logging como siempre y, al terminar, configura el registro."""

    def __init__(self, detallado: bool) -> None:
        self._detallado = detallado

    def quitar(self) -> None:
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass

    def find_spec(self, nombre: str, ruta: object = None, destino: object = None) -> ModuleSpec | None:
        if nombre != "logging":
            return None
        self.quitar()
        spec = importlib.util.find_spec(nombre)  # el de siempre (este buscador ya no está)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _CargarYConfigurar(spec.loader, self._detallado)  # type: ignore[assignment]
        return spec


class _CargarYConfigurar:
    """El cargador de logging, y después :func:`registro.configurar`; el módulo queda con su cargador real."""

    def __init__(self, real: Loader, detallado: bool) -> None:
        self._real = real
        self._detallado = detallado

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self._real.create_module(spec)

    def exec_module(self, modulo: ModuleType) -> None:
        modulo.__loader__ = self._real
        if modulo.__spec__ is not None:
            modulo.__spec__.loader = self._real
        self._real.exec_module(modulo)
        from .registro import configurar

        configurar(self._detallado)


def _modulos(argv: Sequence[str]) -> list[ModuleType]:
    """El módulo de la orden pedida; todos si no se sabe cuál (ayuda general, orden mal escrita)."""
    pedida = next((a for a in argv if not a.startswith("-")), None)
    nombres = [ORDENES[pedida]] if pedida in ORDENES else list(dict.fromkeys(ORDENES.values()))
    return [importlib.import_module(f".{n}", __name__) for n in nombres]


def construir_parser(argv: Sequence[str] | None = None) -> comun.Parser:
    from . import comun

    parser = comun.Parser(
        prog="acuerdo-docs",
        description=(
            "Genera los documentos de una buena práctica de gestión pública: ficha 4202000-FT-1311, "
            "acuerdo simbólico, matriz de riesgos y lotes desde hojas de cálculo."
        ),
        epilog=("Ayuda de cada orden: acuerdo-docs ORDEN --help. Códigos de salida: 0 bien; 1 datos inválidos; "
                "2 uso incorrecto o entrada inutilizable; 3 fallo de PDF; 4 error interno (informe el caso); "
                "130 interrumpido."),
    )
    parser.add_argument("--version", action=comun.AccionVersion, help="muestra la versión y termina")
    parser.add_argument("-v", "--detallado", action="store_true", help="muestra mensajes de diagnóstico")
    ordenes = parser.add_subparsers(dest="orden", metavar="ORDEN", title="órdenes", parser_class=comun.Parser)
    ordenes.required = True
    for modulo in _modulos([] if argv is None else argv):
        modulo.registrar(ordenes)
    for sub in ordenes.choices.values():  # -v vale también después de la orden (y de su acción)
        comun.agregar_detallado(sub)
    return parser


CODIGO_INTERNO = 4
"""Código de salida de un error interno (un fallo del programa, no de los datos del usuario)."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    from ..terminal import hubo_interrupcion, olvidar_interrupcion, senal_interrupcion

    olvidar_interrupcion()
    anterior = None
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        anterior = signal.signal(signal.SIGINT, senal_interrupcion)  # anota el Ctrl-C (ver terminal.py)
    try:
        return _main_protegido(argv, hubo_interrupcion)
    finally:
        if anterior is not None:
            signal.signal(signal.SIGINT, anterior)


_ARRANQUE_SIN_GC = False
"""La puerta (:func:`principal`) apagó el recolector de basura durante el arranque."""

_PUERTA = False
"""La orden corre por :func:`principal` (el proceso termina con ella), no llamada desde Python."""


def _encender_gc() -> None:
    global _ARRANQUE_SIN_GC
    if _ARRANQUE_SIN_GC:
        _ARRANQUE_SIN_GC = False
        gc.freeze()  # lo importado no se vuelve a recorrer (no es basura: vive hasta el final)
        gc.enable()


def principal() -> NoReturn:
    """La orden ``acuerdo-docs`` (y ``python -m acuerdo_docs.cli``): :func:`main` y salir.

    Desmontar el intérprete (recolectar los módulos de pydantic, Jinja y los modelos) cuesta ~30 ms,
    tanto como validar, llenar y escribir una ficha, y no hace nada que la orden necesite: cada
    archivo ya está escrito, sincronizado (fsync) y cerrado por ``salida/archivos.py``. Así que, si
    no queda otro hilo vivo (salvo daemon), se vacían stdout y stderr, se corren las funciones de ``atexit``
    (el registro, los ``weakref.finalize``, el LibreOffice de reserva) y se sale con ``os._exit``.
    Con otro hilo vivo que no es daemon, o si algo de eso falla, la salida normal de Python. Solo en esta puerta:
    quien llama a :func:`main` desde Python sigue con su proceso.
    """
    global _ARRANQUE_SIN_GC, _PUERTA
    # Al arrancar (importar pydantic, construir los modelos, leer las órdenes) se crean decenas de
    # miles de objetos que viven hasta el final: el recolector los recorre una y otra vez sin
    # liberar nada (~10 ms). Se apaga hasta tener la orden lista y se vuelve a encender, con lo
    # de arranque congelado, antes de hacer el trabajo (un lote largo recolecta como siempre).
    gc.disable()
    _ARRANQUE_SIN_GC = True
    _PUERTA = True
    codigo = main()
    # Python al salir solo espera a los hilos que no son daemon; los daemon (p. ej. el que lee la salida
    # de un LibreOffice ya matado) mueren con el proceso igual que con la salida normal.
    if all(h.daemon for h in threading.enumerate() if h is not threading.main_thread()):
        try:
            sys.stdout.flush()
            sys.stderr.flush()
            atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:  # noqa: BLE001 - p. ej. la salida estándar cerrada: que decida Python
            pass
        else:
            os._exit(codigo)
    raise SystemExit(codigo)


def _main_protegido(argv: list[str], hubo_interrupcion: Callable[[], bool]) -> int:
    arranque = None
    try:
        # Con --pdf, LibreOffice arranca antes de importar lo demás (solo biblioteca estándar hasta aquí);
        # sin --pdf no se importa ni la maquinaria de arrancarlo (subprocess, socket: ~10 ms).
        from ..salida.pdf.pedido import anticipa_pdf

        if anticipa_pdf(argv):
            from ..salida.pdf.anticipado import arrancar

            arranque = arrancar(argv)
        from . import comun

        with comun.pdf_anticipado(argv, arranque) as convertidor:  # LibreOffice arranca mientras se hace lo demás
            return _main(argv, convertidor)
    except KeyboardInterrupt:  # también si llega al arrancar o al cerrar LibreOffice
        print("Interrumpido: no quedó ningún archivo a medias.", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - la última defensa: nunca una traza para el usuario
        if hubo_interrupcion():  # una biblioteca convirtió el Ctrl-C en otra excepción: sigue siendo Ctrl-C
            print("Interrumpido: no quedó ningún archivo a medias.", file=sys.stderr)
            return 130
        return _fuera_de_la_orden(exc, argv)
    finally:
        if arranque is not None:  # ya lo cerró el convertidor que lo adoptó, salvo si algo falló antes
            arranque.cerrar()


def _fuera_de_la_orden(exc: Exception, argv: Sequence[str]) -> int:
    """Un error al preparar o al cerrar (fuera de la orden): los del usuario con su código, el resto interno."""
    try:
        from ..errores import ErrorAcuerdoDocs
        from ..salida.archivos import error_salida
        from . import comun

        if isinstance(exc, ErrorAcuerdoDocs):
            return comun.informar_error(exc)
        if isinstance(exc, OSError):
            return comun.informar_error(error_salida(exc, exc.filename or "un archivo", "usar"))
    except Exception:  # noqa: BLE001, S110 - si ni esto se puede, queda el error interno
        pass
    return error_interno(exc, argv)


def error_interno(exc: BaseException, argv: Sequence[str]) -> int:
    """Una línea en español con el tipo de la excepción (nunca su texto: puede citar un dato personal).

    Con ``-v``/``--detallado`` se muestra además la traza, para informar el caso.
    """
    orden = next((a for a in argv if a in ORDENES), "acuerdo-docs")
    detallado = any(a in ("-v", "--detallado") for a in argv)
    if detallado:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    ayuda = "" if detallado else " (repita la orden con -v para ver el detalle)"
    try:
        print(f"Error interno: {type(exc).__name__} en «{orden}»; no es un problema de sus datos. "
              f"Informe el caso{ayuda}. No quedó ningún archivo a medias.", file=sys.stderr)
    except (OSError, ValueError):  # la salida de errores cerrada: solo queda el código
        pass
    return CODIGO_INTERNO


def _main(argv: list[str], convertidor: object) -> int:
    from ..errores import ErrorAcuerdoDocs
    from ..salida.archivos import error_salida
    from ..salida.protegidos import si_editado
    from . import comun

    parser = construir_parser(argv)
    args = parser.parse_args(argv)
    sin_esperar = _configurar_registro(args.detallado)
    args.convertidor = convertidor
    _encender_gc()
    try:
        with si_editado(getattr(args, "si_editado", "respaldar")):
            return int(args.ejecutar(args) or 0)
    except ErrorAcuerdoDocs as exc:
        return comun.informar_error(exc)
    except BrokenPipeError:  # p. ej. acuerdo-docs esquema ficha | head
        sys.stderr.close()
        return 0
    except OSError as exc:  # último recurso: un error del sistema nunca llega como traza
        return comun.informar_error(error_salida(exc, exc.filename or "un archivo", "usar"))
    except KeyboardInterrupt:
        print("Interrumpido: no quedó ningún archivo a medias.", file=sys.stderr)
        return 130
    finally:
        if not _PUERTA:  # desde Python, nada queda esperando; la orden configura hasta salir (atexit incluido)
            sin_esperar()


if __name__ == "__main__":
    principal()
