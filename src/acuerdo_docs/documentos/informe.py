"""Informe de un lote: una fila por unidad de entrada con su estado, sus archivos y sus errores.

Se guarda como ``informe_lote.xlsx`` en la carpeta de salida y se resume en la
terminal. Los mensajes nunca repiten los valores escritos (pueden ser datos
personales): nombran la hoja, la fila, la columna y el problema.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from openpyxl import Workbook

from ..lectores.hoja_calculo import ErrorCelda
from ..remoto import MANIFIESTO
from ..salida.excel import (
    escribir_celda,
    escribir_encabezados,
    escribir_fila,
    fijar_anchos,
    libro_a_bytes,
    libro_nuevo,
)
from ..salida.archivos import escribir_atomico
from ..terminal import texto_rich

NOMBRE_INFORME = "informe_lote.xlsx"

MAX_ERRORES_FILA = 20
"""Errores que se guardan de cada fila; los demás solo se cuentan («… y N error(es) más»)."""
MAX_ERRORES_INFORME = 10_000
"""Errores que se guardan en todo el lote (hoja Errores); pasado el cupo, uno por fila y el resto se cuenta."""
_LIMITE_CELDA = 32_767  # caracteres que admite una celda de Excel

Estado = Literal["generado", "con errores", "fallo al generar"]


@dataclass
class ResultadoFila:
    """Lo que pasó con una unidad de la entrada (una fila de fichas, un acuerdo)."""

    hoja: str
    fila: int
    clave: str
    estado: Estado
    archivos: list[str] = field(default_factory=list)
    """Nombres de los archivos escritos, relativos a la carpeta de salida."""
    errores: list[ErrorCelda] = field(default_factory=list)
    documento: str = ""
    """Nombre del documento: la práctica o el desafío del acuerdo (vacío si la fila no lo trae)."""
    omitidos: int = 0
    """Errores de la fila que no se guardaron (ver :data:`MAX_ERRORES_FILA`)."""

    @property
    def correcta(self) -> bool:
        return self.estado == "generado"

    @property
    def identificador(self) -> str:
        """Lo que ve el informe: el nombre del documento (con el id del acuerdo delante, si lo hay)."""
        if not self.documento:
            return self.clave
        if not self.clave or self.clave == f"fila {self.fila}":
            return self.documento
        return f"{self.clave}: {self.documento}"

    @property
    def total_errores(self) -> int:
        return len(self.errores) + self.omitidos


@dataclass
class InformeLote:
    """Resultado de :func:`acuerdo_docs.lote.generar_lote`."""

    entrada: Path
    carpeta: Path
    tipo: str
    filas: list[ResultadoFila] = field(default_factory=list)
    combinado: Path | None = None
    informe: Path | None = None
    pdf: list[Path] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)
    averia_pdf: str | None = None
    """Si LibreOffice mismo falló (colgado, no arranca) durante --pdf: la causa (código de salida 3)."""
    destino: str | None = None
    """Con destino en almacenamiento de objetos: la URL del prefijo (el informe y el manifiesto están ahí)."""

    guardados: int = field(default=0, repr=False)
    """Errores guardados en todo el lote (para :data:`MAX_ERRORES_INFORME`)."""

    def agregar_errores(self, resultado: ResultadoFila, errores: Iterable[ErrorCelda]) -> None:
        """Guarda los errores de una fila dentro de los cupos; los que no caben solo se cuentan.

        Así el informe se escribe siempre, aunque cada fila de 100.000 traiga cientos de errores.
        """
        for error in errores:
            cupo = MAX_ERRORES_FILA if self.guardados < MAX_ERRORES_INFORME else 1
            if len(resultado.errores) < cupo:
                resultado.errores.append(error)
                self.guardados += 1
            else:
                resultado.omitidos += 1

    @property
    def total_errores(self) -> int:
        """Todos los errores del lote, guardados o solo contados."""
        return sum(f.total_errores for f in self.filas)

    @property
    def total(self) -> int:
        return len(self.filas)

    @property
    def generadas(self) -> int:
        return sum(1 for f in self.filas if f.correcta)

    @property
    def fallidas(self) -> list[ResultadoFila]:
        return [f for f in self.filas if not f.correcta]

    @property
    def errores(self) -> list[ErrorCelda]:
        return [e for f in self.filas for e in f.errores]

    @property
    def archivos(self) -> list[Path]:
        return [self.carpeta / a for f in self.filas for a in f.archivos]

    @property
    def codigo_salida(self) -> int:
        """0 si todas las filas salieron bien; 1 si alguna falló; 3 si LibreOffice falló en --pdf."""
        if self.averia_pdf is not None:
            return 3
        return 0 if not self.fallidas else 1


# ------------------------------------------------------------------ libro

_COLUMNAS_FILAS = ("Hoja", "Fila", "Identificador", "Estado", "Archivos", "Errores")
_COLUMNAS_ERRORES = ("Hoja", "Fila", "Columna", "Encabezado", "Campo", "Mensaje")
_VERDE, _ROJO = "E2EFDA", "F8CBAD"
_AJUSTAR: dict[str, Any] = {"ajustar": True}
_FONDO_CORRECTA: dict[str, Any] = {"fondo": _VERDE}
_FONDO_FALLIDA: dict[str, Any] = {"fondo": _ROJO}


def _numero(fila: Any) -> int | None:
    """El número de fila como número (ordenable y filtrable en Excel), nunca como texto."""
    if fila is None or fila == "":
        return None
    try:
        return int(fila)
    except (TypeError, ValueError):
        return None


def _texto_error(error: ErrorCelda) -> str:
    """``fichas!K11 «Fecha de inicio…»: mensaje`` (o ``fichas, fila 11: …`` si no es de una celda)."""
    return str(error)


def _mas(omitidos: int) -> str:
    return f"… y {omitidos} error(es) más" if omitidos else ""


def _en_celda(texto: str) -> str:
    """Un texto que cabe en una celda de Excel (se corta con «…» si no)."""
    return texto if len(texto) <= _LIMITE_CELDA else texto[: _LIMITE_CELDA - 1] + "…"


def _texto_errores(res: ResultadoFila) -> str:
    lineas = [_texto_error(e) for e in res.errores]
    if res.omitidos:
        lineas.append(_mas(res.omitidos))
    return _en_celda("\n".join(lineas))


def libro_informe(informe: InformeLote) -> Workbook:
    """El libro del informe: hojas Resumen, Filas (una por unidad) y Errores (uno por fila)."""
    wb, resumen = libro_nuevo("Resumen")
    escribir_encabezados(resumen, 1, ("Dato", "Valor"))
    datos: list[tuple[str, Any]] = [
        ("Archivo de entrada", informe.entrada.name),
        ("Tipo de lote", informe.tipo),
        ("Unidades leídas", informe.total),
        ("Documentos generados", informe.generadas),
        ("Con errores", len(informe.fallidas)),
        ("Documento combinado", informe.combinado.name if informe.combinado else ""),
    ]
    for i, (dato, valor) in enumerate(datos, start=2):
        escribir_fila(resumen, i, (dato, valor))
    for i, aviso in enumerate(informe.avisos, start=len(datos) + 3):
        escribir_fila(resumen, i, ("Aviso", aviso))
    fijar_anchos(resumen, [28, 70])

    filas = wb.create_sheet("Filas")
    escribir_encabezados(filas, 1, _COLUMNAS_FILAS)
    for i, res in enumerate(informe.filas, start=2):
        escribir_celda(filas, i, 1, res.hoja)
        escribir_celda(filas, i, 2, _numero(res.fila))
        escribir_celda(filas, i, 3, res.identificador)
        escribir_celda(filas, i, 5, "\n".join(res.archivos), estilo=_AJUSTAR)
        escribir_celda(filas, i, 6, _texto_errores(res), estilo=_AJUSTAR)
        # El estado va al final y una sola vez (antes se escribía sin estilo y luego con su fondo):
        # los estilos entran al libro en el mismo orden y el informe sale con los mismos bytes.
        escribir_celda(filas, i, 4, res.estado, estilo=_FONDO_CORRECTA if res.correcta else _FONDO_FALLIDA)
    filas.freeze_panes = "A2"
    if informe.filas:
        filas.auto_filter.ref = f"A1:F{len(informe.filas) + 1}"
    fijar_anchos(filas, [14, 7, 22, 16, 45, 90])

    errores = wb.create_sheet("Errores")
    escribir_encabezados(errores, 1, _COLUMNAS_ERRORES)
    n = 1
    for error in informe.errores[:MAX_ERRORES_INFORME]:
        n += 1
        escribir_fila(errores, n, tuple(_en_celda(str(v)) if isinstance(v, str) else v for v in (
            error.hoja, _numero(error.fila), error.columna, error.encabezado, error.campo, error.mensaje,
        )))
    resto = informe.total_errores - (n - 1)
    if resto:
        n += 1
        escribir_fila(errores, n, ("", None, "", "", "", f"{_mas(resto)}: vea la columna Errores de la hoja Filas"))
    errores.freeze_panes = "A2"
    if n > 1:
        errores.auto_filter.ref = f"A1:F{n}"
    fijar_anchos(errores, [14, 7, 9, 40, 24, 80])
    return wb


_PAUSA = threading.Lock()
_pausas = 0
_reactivar = False


@contextmanager
def _sin_recolector() -> Iterator[None]:
    """El recolector de ciclos en pausa dentro del bloque; al salir el último bloque abierto (en cualquier
    hilo), vuelve a estar como estaba antes del primero."""
    global _pausas, _reactivar
    with _PAUSA:  # dos hilos a la vez: que ninguno lo deje apagado para siempre
        if _pausas == 0:
            _reactivar = gc.isenabled()
            gc.disable()
        _pausas += 1
    try:
        yield
    finally:
        with _PAUSA:
            _pausas -= 1
            if _pausas == 0 and _reactivar:
                gc.enable()


def bytes_informe(informe: InformeLote) -> bytes:
    """Los bytes de ``informe_lote.xlsx`` (reproducibles), sin escribir nada."""
    # Las decenas de miles de objetos del libro disparaban, al final de un lote (con todo el lote en
    # memoria), una pasada completa del recolector: ~20 de ~50 ms con 1.000 filas, sin liberar nada
    # (el libro está en uso hasta el final). Sin ella, la basura del libro se va luego, aún joven.
    with _sin_recolector():
        return libro_a_bytes(libro_informe(informe), titulo=_TITULO_INFORME)


def guardar_informe(informe: InformeLote, destino: Path | None = None, *, datos: bytes | None = None) -> Path:
    """Escribe ``informe_lote.xlsx`` (atómico y reproducible) y devuelve su ruta.

    ``datos``: los de :func:`bytes_informe`, si ya se armaron (el lote los arma mientras sincroniza).
    """
    ruta = destino or informe.carpeta / NOMBRE_INFORME
    escribir_atomico(ruta, bytes_informe(informe) if datos is None else datos)
    informe.informe = ruta
    return ruta


_TITULO_INFORME = "Informe del lote"


# ------------------------------------------------------------------ terminal


def imprimir_resumen(informe: InformeLote, consola: Any = None, *, max_errores: int = 50) -> None:
    """El mismo resumen en la terminal (rich): totales y cada error con su hoja, fila y columna."""
    from rich.console import Console
    from rich.table import Table

    consola = consola or Console()

    def decir(texto: str, **opciones: Any) -> None:
        # Texto de la hoja: los caracteres de control se escapan y nada se lee como marcado de rich.
        consola.print(texto_rich(texto), markup=False, highlight=False, **opciones)

    errores = informe.errores
    mostrados = errores[:max_errores]
    if mostrados and consola.is_terminal:
        tabla = Table(title="Filas con errores", expand=False)
        for titulo in ("Hoja", "Fila", "Columna", "Encabezado", "Mensaje"):
            tabla.add_column(titulo, overflow="fold")
        for error in mostrados:
            tabla.add_row(*(texto_rich(v) for v in (
                error.hoja, error.fila or "", error.columna, error.encabezado, error.mensaje,
            )))
        consola.print(tabla)
    else:  # fuera de una terminal, una línea por error (fácil de filtrar con grep)
        for error in mostrados:
            decir(_texto_error(error), soft_wrap=True)
    if informe.total_errores > len(mostrados):
        decir(f"{_mas(informe.total_errores - len(mostrados))}: vea el informe.")
    for aviso in informe.avisos:
        decir(f"Aviso: {aviso}")
    decir(
        f"{informe.generadas} de {informe.total} documento(s) generado(s);"
        f" {len(informe.fallidas)} con errores."
    )
    if informe.destino:
        decir(f"Destino: {informe.destino} (informe: {NOMBRE_INFORME}; manifiesto: {MANIFIESTO})")
    if informe.informe:
        decir(f"Informe: {informe.informe}")
    if informe.combinado:
        decir(f"Documento combinado: {informe.combinado}")


def resumen_texto(filas: Iterable[ResultadoFila]) -> str:
    """Texto plano de los errores (para registros y pruebas)."""
    return "\n".join(_texto_error(e) for f in filas for e in f.errores)


__all__ = [
    "MAX_ERRORES_FILA",
    "MAX_ERRORES_INFORME",
    "NOMBRE_INFORME", "Estado", "InformeLote", "ResultadoFila", "guardar_informe", "imprimir_resumen",
    "libro_informe", "resumen_texto",
]
