"""Generación por lotes desde hojas de cálculo: un documento por fila válida y un informe por fila.

Flujo de cada unidad (una fila de ``fichas``, un acuerdo con sus filas hijas):
leer → validar (en este proceso, para ubicar cada error en su hoja, fila y columna)
→ renderizar los bytes en un trabajador (recibe datos simples, no archivos abiertos)
→ escribir de forma atómica aquí. Las filas se leen en flujo y hay un número acotado
de documentos en vuelo: un lote de 10.000 filas no se guarda entero en memoria.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .documentos.combinado import Combinador, paginas_pdf
from .documentos.informe import NOMBRE_INFORME, InformeLote, ResultadoFila, guardar_informe
from .errores import ErrorAcuerdoDocs, ErrorEntrada, ErrorSalida, ErrorValidacion, validar
from .lectores import Entrada, abrir_entrada, abrir_libro, ubicar
from .lectores.columnas import Columna
from .lectores.hoja_calculo import LIMITE_BYTES, LIMITE_FILAS, ErrorCelda
from .lectores.unidades import Unidad
from .salida.archivos import (
    DestinoNoValido,
    error_salida,
    escribir_atomico,
    misma_ruta,
    revisar_destino,
    sincronizar_carpeta,
)
from .salida.destinos import resolver_carpeta
from .salida.hijos import morir_con_el_padre
from .salida.nombres import Nombres, nombre_desde_patron, verificar_patron

log = logging.getLogger("acuerdo_docs.lote")

NOMBRE_COMBINADO = "lote_combinado.docx"

PATRONES: dict[str, str] = {
    "fichas": "{fecha_inicio:%Y}_{nombre}",
    "acuerdos": "{fecha:%Y}_{acuerdo_id}_{desafio_nombre}",
}
"""Patrón de nombres por omisión de cada tipo de lote."""

EXTENSIONES: dict[str, tuple[str, ...]] = {"fichas": (".docx",), "acuerdos": (".docx", ".xlsx")}
"""Archivos de cada unidad: fichas, un .docx; acuerdos, el .docx y su matriz de riesgos."""
SUFIJO_INFOGRAFIA = "_infografia.pdf"
"""Con ``infografia=True`` cada unidad escribe además NOMBRE_infografia.pdf (va al final de sus archivos)."""

FILAS_EN_LINEA = 20
"""Por debajo de este número de unidades no se arranca un grupo de procesos (no compensa)."""

Progreso = Callable[[int, int], None]
"""Se llama con (unidades terminadas, total) cada vez que una unidad termina."""


# ------------------------------------------------------------------ trabajadores


def renderizar_unidad(tipo: str, datos: dict[str, Any], publico: bool, infografia: bool = False) -> list[bytes]:
    """Los bytes de los archivos de una unidad (en el orden de :data:`EXTENSIONES`; la infografía al final).

    Función de módulo y con datos simples: se envía tal cual a otro proceso o máquina.
    """
    partes = _renderizar_documentos(tipo, datos, publico)
    if infografia:
        from .documentos.infografia import renderizar_infografia

        partes.append(renderizar_infografia(datos, "pdf", publico=publico))
    return partes


def _renderizar_documentos(tipo: str, datos: dict[str, Any], publico: bool) -> list[bytes]:
    if tipo == "fichas":
        from .documentos.ficha import renderizar_ficha

        return [renderizar_ficha(datos, publico=publico)]
    if tipo == "acuerdos":
        from .documentos.acuerdo import cargar_acuerdo, renderizar_acuerdo, version_publica_acuerdo
        from .documentos.matriz import construir_libro
        from .salida.excel import libro_a_bytes

        acuerdo = cargar_acuerdo(datos)
        visible = version_publica_acuerdo(acuerdo) if publico else acuerdo
        matriz = libro_a_bytes(construir_libro(visible), titulo="Matriz de riesgos")
        return [renderizar_acuerdo(acuerdo, publico=publico), matriz]
    raise ValueError(f"tipo de lote desconocido: {tipo}")


def _iniciar_trabajador(padre: int | None = None) -> None:
    # Ctrl-C llega a todo el grupo de procesos: solo el proceso principal lo atiende y cierra el lote.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Un kill -9 al lote no deja trabajadores huérfanos (Linux; en otros sistemas no hace nada).
    morir_con_el_padre(signal.SIGKILL, padre)


class _EnLinea(Executor):
    """Ejecuta cada tarea al enviarla (lotes pequeños o ``procesos=1``)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        futuro: Future[Any] = Future()
        try:
            futuro.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            futuro.set_exception(exc)
        return futuro


def _grupo_procesos(procesos: int) -> ProcessPoolExecutor:
    # Método de arranque por omisión de la plataforma (o el que fije el programa con
    # multiprocessing.set_start_method): con spawn/forkserver, un script que llame a
    # generar_lote necesita el bloque «if __name__ == "__main__":», como todo multiprocessing.
    return ProcessPoolExecutor(max_workers=procesos, initializer=_iniciar_trabajador, initargs=(os.getpid(),))


def _detener_grupo(grupo: ProcessPoolExecutor) -> None:
    """Detiene el grupo: se descartan las tareas pendientes y cada trabajador sale al terminar la
    que tiene entre manos (milisegundos; ignora Ctrl-C y solo calcula bytes, así que no deja
    archivos a medias). Se espera a que salgan: si el intérprete termina con el hilo de gestión
    del grupo aún vivo, Python puede quejarse al cerrar («Bad file descriptor»). Matarlos con
    terminate() puede dejar colgado el hilo que les envía trabajo (la tubería queda sin lector).
    """
    grupo.shutdown(wait=True, cancel_futures=True)


@contextmanager
def sin_interrupciones() -> Iterator[None]:
    """Difiere Ctrl-C y SIGTERM mientras se escribe un archivo: llegan justo después del renombrado."""
    bloquear = getattr(signal, "pthread_sigmask", None)
    if bloquear is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    anterior = bloquear(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        bloquear(signal.SIG_SETMASK, anterior)


# ------------------------------------------------------------------ nombres


def _escalares(columnas: list[Columna]) -> list[Columna]:
    return [c for c in columnas if c.tipo != "lista"]


def _valor_ruta(objeto: Any, ruta: tuple[str, ...]) -> Any:
    for parte in ruta:
        objeto = getattr(objeto, parte, None)
        if objeto is None:
            return None
    return objeto


def campos_nombre(modelo: BaseModel, unidad: Unidad, columnas: list[Columna]) -> dict[str, Any]:
    """Los valores que puede usar el patrón de nombres: cada columna escalar, ``fila``, ``hoja`` y extras."""
    campos = {c.clave: _valor_ruta(modelo, c.ruta) for c in _escalares(columnas)}
    campos.update(fila=unidad.fila, hoja=unidad.hoja, **unidad.extra)
    return campos


def _campos_ejemplo(columnas: list[Columna], extra: tuple[str, ...]) -> dict[str, Any]:
    muestras: dict[str, Any] = {"fecha": date(2000, 1, 1), "entero": 1, "numero": 1.0, "booleano": True}
    campos = {c.clave: muestras.get(c.tipo, "texto") for c in _escalares(columnas)}
    campos.update(fila=2, hoja="hoja", **{e: "texto" for e in extra})
    return campos


def _version_publica(tipo: str, modelo: Any) -> Any:
    if tipo == "fichas":
        from .documentos.ficha import version_publica

        return version_publica(modelo)
    from .documentos.acuerdo import version_publica_acuerdo

    return version_publica_acuerdo(modelo)


# ------------------------------------------------------------------ lote


@dataclass
class _EnVuelo:
    resultado: ResultadoFila
    raiz: str
    futuro: Future[list[bytes]]


def _contar(lector: Entrada, limite_filas: int) -> dict[str, int | None]:
    """Filas reales por hoja, antes de escribir nada.

    La dimensión que declara el .xlsx no sirve: un libro puede declarar menos filas de las
    que tiene y pasaría el límite para fallar a mitad del lote. Se recorren las hojas (una
    fila con formato pero vacía no cuenta) y se deja de contar al pasar del límite.
    """
    return lector.conteo(exacto=True, hasta=limite_filas)


def _verificar_pdf(tiempo_limite: float | None, pdfa: bool) -> Callable[..., Any]:
    try:
        from .salida.pdf import a_pdf, asignador_memoria, buscar_soffice
    except ImportError:
        raise ErrorEntrada("La conversión a PDF (--pdf) no está disponible en esta instalación.") from None
    buscar_soffice()  # sin LibreOffice falla antes de escribir nada (ErrorConversion)
    asignador_memoria()  # igual con ACUERDO_DOCS_ASIGNADOR mal puesta
    opciones: dict[str, Any] = {"pdfa": pdfa}
    if tiempo_limite is not None:
        opciones["tiempo_limite"] = tiempo_limite
    return functools.partial(a_pdf, **opciones)


def _abrir_flujo(tiempo_limite: float | None, pdfa: bool) -> Any:
    """LibreOffice vivo desde ya: cada .docx se convierte en cuanto se escribe (salida/pdf/flujo.py)."""
    from .salida.pdf.flujo import FlujoPdf

    if tiempo_limite is None:
        return FlujoPdf(pdfa=pdfa)
    return FlujoPdf(pdfa=pdfa, tiempo_limite=tiempo_limite)


def generar_lote(
    entrada: str | os.PathLike[str],
    carpeta: str | os.PathLike[str],
    *,
    tipo: str | None = None,
    nombre: str | None = None,
    combinado: bool = False,
    executor: Executor | None = None,
    procesos: int | None = None,
    publico: bool = False,
    pdf: bool = False,
    progreso: Progreso | None = None,
    tiempo_limite_pdf: float | None = None,
    pdfa: bool = True,
    limite_filas: int = LIMITE_FILAS,
    limite_bytes: int = LIMITE_BYTES,
    infografia: bool = False,
) -> InformeLote:
    """Genera un documento por cada fila válida de ``entrada`` (.xlsx o .csv) en ``carpeta``.

    - ``tipo``: ``"fichas"`` o ``"acuerdos"``; por omisión se deduce de las hojas del libro.
    - ``nombre``: patrón de nombres sobre los campos (``"{fecha_inicio:%Y}_{nombre}"``); el resultado
      se sanea para cualquier sistema y las colisiones se numeran (``_2``, ``_3``).
    - ``combinado``: además, ``lote_combinado.docx`` con todos los documentos en orden.
    - ``executor``: cualquier :class:`concurrent.futures.Executor` (un grupo de procesos, o uno de
      dask.distributed o Ray para repartir el lote entre máquinas); no se cierra al terminar.
      Por omisión, un grupo de procesos con un trabajador por núcleo (``procesos``), o en línea
      si el lote es pequeño o ``procesos=1``.
    - ``publico``: versión sin datos personales (Ley 1581 de 2012), también en los nombres.
    - ``pdf``: convierte además cada .docx a PDF con LibreOffice (una tanda para todo el lote).
    - ``progreso``: función ``(terminadas, total)``.
    - ``tiempo_limite_pdf``: segundos sin avance para dar a LibreOffice por colgado (ver ``a_pdf``);
      si pasa, el lote se detiene con la avería en ``informe.averia_pdf`` (código de salida 3).
    - ``pdfa``: PDF/A-2b etiquetado (por omisión) o PDF normal.
    - ``infografia``: además, la infografía de una página de cada unidad (``NOMBRE_infografia.pdf``).

    Escribe ``informe_lote.xlsx`` en ``carpeta`` y devuelve el :class:`InformeLote`. Si la entrada
    no se puede usar (no existe, está dañada o cifrada, le falta una hoja o una columna obligatoria,
    excede los límites) lanza :class:`~acuerdo_docs.errores.ErrorEntrada` sin escribir nada.
    """
    fijos = [NOMBRE_INFORME, NOMBRE_COMBINADO] if combinado else [NOMBRE_INFORME]
    carpeta = resolver_carpeta(carpeta, entradas=[entrada], fijos=fijos)
    entrada = Path(entrada)
    if pdf:
        _verificar_pdf(tiempo_limite_pdf, pdfa)  # sin LibreOffice, error antes de leer nada
    flujo = None
    with abrir_libro(entrada, limite_bytes=limite_bytes, limite_filas=limite_filas) as libro:
        lector = abrir_entrada(libro, tipo)
        columnas = next(iter(lector.hojas_esquema.values()))
        extra = ("acuerdo_id",) if lector.tipo == "acuerdos" else ()
        patron = nombre or PATRONES[lector.tipo]
        verificar_patron(patron, _campos_ejemplo(columnas, extra))
        conteo = _contar(lector, limite_filas)
        filas = sum(v or 0 for v in conteo.values())
        if filas > limite_filas:
            raise ErrorEntrada(
                f"{entrada.name}: tiene más de {limite_filas} filas de datos (el máximo);"
                " divídalo en varios libros o aumente el límite (--limite-filas)."
            )
        if filas == 0:
            raise ErrorEntrada(f"{entrada.name}: no tiene filas con datos debajo de los encabezados.")
        total = next(iter(conteo.values())) or 0
        _exigir_nombres_fuera_de_la_entrada(lector, columnas, patron, publico, entrada, carpeta)
        try:
            carpeta.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise error_salida(exc, carpeta) from None
        informe = InformeLote(entrada=entrada, carpeta=carpeta, tipo=lector.tipo)
        propio: ProcessPoolExecutor | None = None
        if executor is None:
            n = min(procesos or os.cpu_count() or 1, total)
            if n > 1 and total >= FILAS_EN_LINEA:
                propio = _grupo_procesos(n)
            ejecutor: Executor = propio or _EnLinea()
            ventana = 4 * n if propio else 1
        else:
            ejecutor, ventana = executor, 64
        extensiones = EXTENSIONES[lector.tipo] + ((SUFIJO_INFOGRAFIA,) if infografia else ())
        canal = _Canal(carpeta, extensiones, ejecutor, ventana, progreso, total, entrada)
        canal.infografia = infografia
        if pdf:
            flujo = _abrir_flujo(tiempo_limite_pdf, pdfa)
            canal.al_escribir = flujo.enviar
        try:
            _procesar(lector, columnas, patron, canal, informe, publico)
        except BaseException:
            if flujo is not None:
                flujo.cerrar()
            if propio is not None:
                _detener_grupo(propio)
                propio = None
            canal.abortar()
            raise
        finally:
            if propio is not None:
                propio.shutdown(wait=True)
    try:
        paginas = _recoger_pdf(informe, flujo) if flujo is not None else {}
        if combinado:
            _escribir_combinado(informe, paginas)
            if flujo is not None and informe.combinado is not None and informe.averia_pdf is None:
                _convertir_combinado(informe, flujo.convertir_ahora)
    finally:
        if flujo is not None:
            flujo.cerrar()
    # Los archivos se escribieron sin fsync uno a uno: una sincronización para todos, antes del
    # informe (si el informe existe, lo que lista está en disco).
    try:
        sincronizar_carpeta(carpeta, [carpeta / a for f in informe.filas for a in f.archivos])
    except OSError as exc:  # p. ej. disco lleno: lo que no llegó al disco ya se borró
        raise error_salida(exc, carpeta) from None
    with sin_interrupciones():
        guardar_informe(informe)
    return informe


def _procesar(
    lector: Entrada,
    columnas: list[Columna],
    patron: str,
    canal: _Canal,
    informe: InformeLote,
    publico: bool,
) -> None:
    nombres = _nombres_del_lote()
    for unidad in lector.unidades():
        resultado = ResultadoFila(unidad.hoja, unidad.fila, unidad.clave, "con errores",
                                  documento=nombre_documento(lector.tipo, unidad.datos))
        informe.filas.append(resultado)
        informe.agregar_errores(resultado, unidad.errores)
        modelo = None
        if unidad.datos is not None:
            try:
                modelo = validar(lector.modelo, unidad.datos)
            except ErrorValidacion as exc:
                informe.agregar_errores(resultado, ubicar(exc.errores, unidad))
        if modelo is None or resultado.total_errores:
            canal.avanzar()
            continue
        raiz = _raiz(nombres, lector.tipo, modelo, unidad, columnas, patron, publico)
        canal.enviar(resultado, raiz, lector.tipo, modelo.model_dump(), publico)
    canal.vaciar()


def _nombres_del_lote() -> Nombres:
    return Nombres(reservados=[NOMBRE_INFORME, NOMBRE_COMBINADO])


def _raiz(
    nombres: Nombres, tipo: str, modelo: BaseModel, unidad: Unidad, columnas: list[Columna], patron: str,
    publico: bool,
) -> str:
    """La raíz del nombre de los archivos de una unidad (saneada y única en el lote)."""
    visible = _version_publica(tipo, modelo) if publico else modelo
    return nombres.reservar(nombre_desde_patron(patron, campos_nombre(visible, unidad, columnas)), EXTENSIONES[tipo])


def _exigir_nombres_fuera_de_la_entrada(
    lector: Entrada, columnas: list[Columna], patron: str, publico: bool, entrada: Path, carpeta: Path,
) -> None:
    """Un lote nunca escribe sobre su propio libro de entrada: si algún nombre cae sobre él, no se escribe nada.

    Solo puede pasar si el libro está en la carpeta de salida con una extensión que el lote escribe;
    entonces se recorren los nombres una vez antes de generar (sin renderizar).
    """
    if not misma_ruta(entrada.parent, carpeta) or entrada.suffix.lower() not in EXTENSIONES[lector.tipo]:
        return
    objetivo = Nombres.clave(entrada.name)
    nombres = _nombres_del_lote()
    for unidad in lector.unidades():
        if unidad.datos is None or unidad.errores:
            continue
        try:
            modelo = validar(lector.modelo, unidad.datos)
        except ErrorValidacion:
            continue
        raiz = _raiz(nombres, lector.tipo, modelo, unidad, columnas, patron, publico)
        if any(Nombres.clave(raiz + e) == objetivo for e in EXTENSIONES[lector.tipo]):
            raise ErrorSalida(
                f"El patrón de nombres da a la {unidad.hoja} fila {unidad.fila} el nombre «{entrada.name}», que es"
                " el libro de entrada: nunca se escribe sobre una entrada; cambie --nombre o la carpeta de salida."
            )


_LARGO_NOMBRE = 120


def nombre_documento(tipo: str, datos: dict[str, Any] | None) -> str:
    """El nombre del documento para el informe: la práctica o el desafío (aunque la fila tenga errores)."""
    datos = datos or {}
    if tipo == "acuerdos":
        desafio = datos.get("desafio")
        nombre = desafio.get("nombre") if isinstance(desafio, dict) else None
    else:
        nombre = datos.get("nombre")
    texto = " ".join(str(nombre).split()) if nombre is not None else ""
    if len(texto) > _LARGO_NOMBRE:
        texto = texto[: _LARGO_NOMBRE - 1].rstrip() + "…"
    return texto


def _escribir_partes(
    carpeta: Path, raiz: str, extensiones: tuple[str, ...], partes: list[bytes], entrada: Path | None = None,
) -> list[str]:
    """Escribe los archivos de una unidad (cada uno atómico); corre en un hilo de escritura.

    Antes de escribir la primera parte se revisan todas: un enlace simbólico, una carpeta o un
    FIFO con el nombre de una de ellas (o el libro de entrada) deja la unidad sin escribir
    (:class:`DestinoNoValido`, que el lote informa en la fila) y nunca se sigue.
    """
    destinos = [carpeta / f"{raiz}{extension}" for extension in extensiones[: len(partes)]]
    for destino in destinos:
        if os.sep in destino.name or (os.altsep and os.altsep in destino.name):  # el nombre ya viene saneado
            raise DestinoNoValido(f"«{destino.name}» saldría de la carpeta de salida.")
        revisar_destino(destino, destino.name)
        if entrada is not None and misma_ruta(destino, entrada):
            raise DestinoNoValido(f"«{destino.name}» es el libro de entrada: nunca se escribe sobre una entrada.")
    for destino, datos in zip(destinos, partes):
        escribir_atomico(destino, datos, sincronizar=False)  # sincronizar_carpeta al final del lote
    return [d.name for d in destinos]


class _Canal:
    """Unidades en vuelo: renderizado (en el ejecutor) y escritura (en hilos de este proceso).

    La escritura va en hilos porque fsync espera al disco sin ocupar la CPU; los hilos no
    atienden señales, así que un Ctrl-C nunca corta un archivo a medio escribir: al
    interrumpir se terminan las escrituras en curso y se descartan las pendientes.
    """

    HILOS_ESCRITURA = 2
    MAX_ESCRITURAS = 16

    def __init__(
        self, carpeta: Path, extensiones: tuple[str, ...], ejecutor: Executor, ventana: int,
        progreso: Progreso | None, total: int, entrada: Path | None = None,
    ) -> None:
        self.carpeta = carpeta
        self.entrada = entrada
        self.extensiones = extensiones
        self.ejecutor = ejecutor
        self.ventana = ventana
        self.progreso = progreso
        self.total = total
        self.hechas = 0
        self._render: deque[_EnVuelo] = deque()
        self._escritura: deque[tuple[ResultadoFila, Future[list[str]]]] = deque()
        self._escritor: ThreadPoolExecutor | None = None
        self.infografia = False
        self.al_escribir: Callable[[Path], None] | None = None  # p. ej. la conversión a PDF en flujo

    def avanzar(self) -> None:
        self.hechas += 1
        self.total = max(self.total, self.hechas)
        if self.progreso is not None:
            self.progreso(self.hechas, self.total)

    def enviar(self, resultado: ResultadoFila, raiz: str, tipo: str, datos: dict[str, Any], publico: bool) -> None:
        futuro = self.ejecutor.submit(renderizar_unidad, tipo, datos, publico, self.infografia)
        self._render.append(_EnVuelo(resultado, raiz, futuro))
        while len(self._render) >= self.ventana:
            self._recoger()

    def _recoger(self) -> None:
        """Espera los bytes de la unidad más antigua y encarga su escritura."""
        trabajo = self._render.popleft()
        resultado = trabajo.resultado
        try:
            partes = trabajo.futuro.result()
        except ErrorAcuerdoDocs as exc:
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(resultado.hoja, resultado.fila, "", "", "", str(exc)))
            self.avanzar()
            return
        except Exception as exc:
            log.error("fallo interno al generar %s fila %s: %s", resultado.hoja, resultado.fila, type(exc).__name__)
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(
                resultado.hoja, resultado.fila, "", "", "",
                f"error interno al generar el documento ({type(exc).__name__}); informe al equipo de soporte",
            ))
            self.avanzar()
            return
        if self._escritor is None:  # después del primer envío: los trabajadores ya nacieron
            self._escritor = ThreadPoolExecutor(self.HILOS_ESCRITURA, thread_name_prefix="acuerdo_docs_escritura")
        futuro = self._escritor.submit(
            _escribir_partes, self.carpeta, trabajo.raiz, self.extensiones, partes, self.entrada
        )
        if self.al_escribir is not None:
            futuro.add_done_callback(self._avisar_escrito)
        self._escritura.append((resultado, futuro))
        while len(self._escritura) > self.MAX_ESCRITURAS:
            self._terminar_escritura()

    def _avisar_escrito(self, futuro: Future[list[str]]) -> None:
        """En el hilo de escritura, apenas se escribió: cada .docx pasa a ``al_escribir``."""
        if futuro.cancelled() or futuro.exception() is not None or self.al_escribir is None:
            return
        for nombre in futuro.result():
            if nombre.endswith(".docx"):
                self.al_escribir(self.carpeta / nombre)

    def _terminar_escritura(self) -> None:
        resultado, futuro = self._escritura.popleft()
        try:
            resultado.archivos = futuro.result()
        except DestinoNoValido as exc:  # solo esta unidad: el lote sigue y el informe dice por qué
            resultado.estado = "fallo al generar"
            resultado.errores.append(ErrorCelda(resultado.hoja, resultado.fila, "", "", "", f"no se escribió: {exc}"))
            self.avanzar()
            return
        except OSError as exc:  # disco lleno, sin permiso: afecta a todo el lote
            raise error_salida(exc, self.carpeta) from None
        resultado.estado = "generado"
        self.avanzar()

    def vaciar(self) -> None:
        while self._render:
            self._recoger()
        while self._escritura:
            self._terminar_escritura()
        self.cerrar()
        if self.progreso is not None and self.hechas != self.total:
            self.progreso(self.hechas, self.hechas)  # el total era una estimación

    def abortar(self) -> None:
        """Interrupción: descarta lo pendiente y deja terminar las escrituras ya empezadas."""
        for trabajo in self._render:
            trabajo.futuro.cancel()
        self._render.clear()
        self.cerrar(cancelar=True)

    def cerrar(self, *, cancelar: bool = False) -> None:
        if self._escritor is not None:
            self._escritor.shutdown(wait=True, cancel_futures=cancelar)
            self._escritor = None


def _escribir_combinado(informe: InformeLote, paginas: dict[str, int | None]) -> None:
    """``lote_combinado.docx``: lee de vuelta cada .docx escrito, en el orden de la entrada."""
    with Combinador() as combinador:
        for fila in informe.filas:
            docx = [a for a in fila.archivos if a.endswith(".docx")]
            if fila.correcta and docx:
                combinador.agregar(informe.carpeta / docx[0], paginas.get(docx[0]))
        if combinador.cantidad == 0:
            informe.avisos.append("No se escribió el documento combinado: ninguna fila generó documento.")
            return
        informe.combinado = combinador.guardar(informe.carpeta / NOMBRE_COMBINADO)


def _recoger_pdf(informe: InformeLote, flujo: Any) -> dict[str, int | None]:
    """Los PDF del flujo, en el orden de las filas (cada uno se encargó al escribirse su .docx).

    Devuelve las páginas de cada .docx convertido (las usa el combinado en «Página X de Y»).
    """
    paginas: dict[str, int | None] = {}
    for fila in informe.filas:
        if not fila.correcta:
            continue
        for nombre in [a for a in fila.archivos if a.endswith(".docx")]:
            doc = flujo.resultado(informe.carpeta / nombre)
            if doc.pdf is not None:
                informe.pdf.append(doc.pdf)
                fila.archivos.append(doc.pdf.name)
                paginas[nombre] = paginas_pdf(doc.pdf)
            else:
                fila.estado = "fallo al generar"
                fila.errores.append(
                    ErrorCelda(fila.hoja, fila.fila, "", "", "", f"no se pudo convertir a PDF: {doc.error}")
                )
    if flujo.averia is not None:  # LibreOffice mismo falló: la causa va una vez, no como culpa de cada fila
        informe.averia_pdf = flujo.averia
        informe.avisos.append(f"Conversión a PDF detenida: {flujo.averia}")
    return paginas


def _convertir_combinado(informe: InformeLote, convertir: Callable[[Path], Any]) -> None:
    assert informe.combinado is not None
    doc = convertir(informe.combinado)
    if doc.pdf is not None:
        informe.pdf.append(doc.pdf)
    else:
        informe.avisos.append(f"No se pudo convertir a PDF el documento combinado: {doc.error}")


__all__ = [
    "EXTENSIONES",
    "FILAS_EN_LINEA",
    "NOMBRE_COMBINADO",
    "PATRONES",
    "Progreso",
    "SUFIJO_INFOGRAFIA",
    "generar_lote",
    "renderizar_unidad",
]
