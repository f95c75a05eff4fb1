"""Generación por lotes desde hojas de cálculo: un documento por fila válida y un informe por fila.

Flujo de cada unidad (una fila de ``fichas``, un acuerdo con sus filas hijas):
leer → validar UNA vez (en este proceso, para ubicar cada error en su hoja, fila y columna)
→ renderizar en un trabajador (recibe el modelo validado, no archivos abiertos) y escribir allí de
forma atómica, o renderizar aquí y escribir en un hilo de aquí. Las filas se leen en flujo, en una sola
pasada, y hay un número acotado de documentos en vuelo; si una cota rápida de las filas no asegura que
el libro cabe en el límite, lo renderizado se retiene sin escribir hasta saberlo (a lo sumo
:data:`RETENER_BYTES`): un lote de 10.000 filas no se guarda entero en memoria.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..documentos.informe import NOMBRE_INFORME, InformeLote, ResultadoFila, bytes_informe, guardar_informe
from ..errores import ErrorEntrada, ErrorValidacion, validar
from ..rutas import carpeta_temporal
from ..lectores import Entrada, abrir_entrada, abrir_libro, ubicar
from ..lectores.columnas import Columna
from ..lectores.hoja_calculo import LIMITE_BYTES, LIMITE_FILAS
from ..remoto import es_url, exigir_no_casi_url, sin_file
from ..salida.archivos import error_salida, sincronizar_carpeta
from ..salida.destinos import resolver_carpeta
from ..salida.nombres import verificar_patron
from ..salida.remoto import DestinoRemoto
from .canal import Canal
from .comun import (
    EXTENSIONES,
    FILAS_EN_LINEA,
    NOMBRE_COMBINADO,
    PATRONES,
    RETENER_BYTES,
    SUFIJO_INFOGRAFIA,
    Progreso,
)
from .nombres import (
    campos_ejemplo,
    campos_nombre,
    exigir_nombres_fuera_de_la_entrada,
    nombre_documento,
    nombres_del_lote,
    raiz_unidad,
)
from .pdf import abrir_flujo, convertir_combinado, escribir_combinado, recoger_pdf, verificar_pdf
from .remoto import copia_local, destino_remoto, publicar_final
from .trabajo import EN_COLA, EnLinea, Mixto, grupo_procesos, renderizar_unidad, sin_interrupciones


def _contar(lector: Entrada, limite_filas: int, guardar: bool = True) -> dict[str, int | None]:
    """Filas reales por hoja, antes de escribir nada.

    La dimensión que declara el .xlsx no sirve: un libro puede declarar menos filas de las
    que tiene y pasaría el límite para fallar a mitad del lote. Se recorren las hojas (una
    fila con formato pero vacía no cuenta) y se deja de contar al pasar del límite.
    """
    return lector.conteo(exacto=True, hasta=limite_filas, guardar=guardar)


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
    reemplazar: bool = False,
    escribir_en_trabajadores: bool = False,
) -> InformeLote:
    """Genera un documento por cada fila válida de ``entrada`` (.xlsx o .csv) en ``carpeta``.

    - ``tipo``: ``"fichas"`` o ``"acuerdos"``; por omisión se deduce de las hojas del libro.
    - ``nombre``: patrón de nombres sobre los campos (``"{fecha_inicio:%Y}_{nombre}"``); el resultado
      se sanea para cualquier sistema y las colisiones se numeran (``_2``, ``_3``).
    - ``combinado``: además, ``lote_combinado.docx`` con todos los documentos en orden.
    - ``executor``: cualquier :class:`concurrent.futures.Executor` (un grupo de procesos, o uno de
      dask.distributed o Ray para repartir el lote entre máquinas); no se cierra al terminar.
      Por omisión, ``procesos`` (uno por núcleo) procesos en total: ``procesos - 1`` trabajadores y
      este, que también renderiza cuando ellos tienen cola; en línea si el lote es pequeño,
      ``procesos=1`` o ``pdf`` sin ``procesos``: LibreOffice ya ocupa todos
      los núcleos y un grupo de procesos solo le quitaría CPU (medido: 1,17x frente a 1,03x de
      ``a_pdf`` en 100 fichas).
    - ``publico``: versión sin datos personales (Ley 1581 de 2012), también en los nombres.
    - ``pdf``: convierte además cada .docx a PDF con LibreOffice (una tanda para todo el lote).
    - ``progreso``: función ``(terminadas, total)``.
    - ``tiempo_limite_pdf``: segundos sin avance para dar a LibreOffice por colgado (ver ``a_pdf``);
      si pasa, el lote se detiene con la avería en ``informe.averia_pdf`` (código de salida 3).
    - ``pdfa``: PDF/A-2b etiquetado (por omisión) o PDF normal, en la conversión y en las infografías.
    - ``infografia``: además, la infografía de una página de cada unidad (``NOMBRE_infografia.pdf``).
    - ``entrada`` y ``carpeta`` pueden ser URL de fsspec (``s3://cubo/lotes/2026-12/``; requiere
      ``pip install "acuerdo-docs[s3]"``); las credenciales salen del entorno. Un destino remoto se
      escribe entero o nada (ver docs/lotes.md): prefijo vacío (``reemplazar=True`` borra lo que
      haya), un PUT por objeto y ``manifiesto_lote.json`` al final; la URL queda en ``informe.destino``.
    - ``escribir_en_trabajadores``: con destino remoto, cada trabajador del ``executor`` escribe sus
      documentos y devuelve solo sus huellas (la red de quien llama no lleva cada documento).

    Escribe ``informe_lote.xlsx`` en ``carpeta`` y devuelve el :class:`InformeLote`. Si la entrada
    no se puede usar (no existe, está dañada o cifrada, le falta una hoja o una columna obligatoria,
    excede los límites) lanza :class:`~acuerdo_docs.errores.ErrorEntrada` sin escribir nada.

    Ejemplo: [Desde Python](../lotes.md#desde-python).
    """
    carpeta, entrada = sin_file(carpeta), sin_file(entrada)
    remoto = destino_remoto(carpeta, entrada, reemplazar=reemplazar, en_trabajadores=escribir_en_trabajadores)
    with ExitStack() as pila:
        if remoto is not None:  # lo que se arma en local (PDF, combinado, informe) antes de subirlo
            carpeta = pila.enter_context(carpeta_temporal("acuerdo_docs_lote_"))
        else:
            fijos = [NOMBRE_INFORME, NOMBRE_COMBINADO] if combinado else [NOMBRE_INFORME]
            carpeta = resolver_carpeta(carpeta, entradas=[entrada], fijos=fijos)
        if es_url(os.fspath(entrada)):
            entrada = pila.enter_context(copia_local(os.fspath(entrada), limite_bytes=limite_bytes))
        else:
            exigir_no_casi_url(os.fspath(entrada), ErrorEntrada)
        opciones = _Opciones(tipo, nombre, combinado, executor, procesos, publico, pdf, progreso, tiempo_limite_pdf,
                             pdfa, limite_filas, limite_bytes, infografia, escribir_en_trabajadores)
        return _generar(Path(entrada), carpeta, remoto, opciones)


@dataclass(frozen=True)
class _Opciones:
    tipo: str | None
    nombre: str | None
    combinado: bool
    executor: Executor | None
    procesos: int | None
    publico: bool
    pdf: bool
    progreso: Progreso | None
    tiempo_limite_pdf: float | None
    pdfa: bool
    limite_filas: int
    limite_bytes: int
    infografia: bool
    en_trabajadores: bool


def _generar(entrada: Path, carpeta: Path, remoto: DestinoRemoto | None, o: _Opciones) -> InformeLote:
    tipo, nombre, combinado, executor, procesos = o.tipo, o.nombre, o.combinado, o.executor, o.procesos
    publico, pdf, progreso, tiempo_limite_pdf, pdfa = o.publico, o.pdf, o.progreso, o.tiempo_limite_pdf, o.pdfa
    limite_filas, infografia = o.limite_filas, o.infografia
    flujo = None
    if pdf:
        verificar_pdf(tiempo_limite_pdf, pdfa)  # sin LibreOffice, error antes de leer nada
        flujo = abrir_flujo(tiempo_limite_pdf, pdfa)  # LibreOffice arranca mientras se lee el libro
    escrito = False  # desde que se prepara el destino remoto, un fallo lo deshace
    try:
        with abrir_libro(entrada, limite_bytes=o.limite_bytes, limite_filas=limite_filas) as libro:
            lector = abrir_entrada(libro, tipo)
            columnas = next(iter(lector.hojas_esquema.values()))
            patron = nombre or PATRONES[lector.tipo]
            _revisar_antes_de_leer(lector, columnas, patron, publico, entrada, carpeta)
            informe = InformeLote(entrada=entrada, carpeta=carpeta, tipo=lector.tipo)
            extensiones = EXTENSIONES[lector.tipo] + ((SUFIJO_INFOGRAFIA,) if infografia else ())
            leidas_antes = libro.filas_leidas

            def abrir_destino(contadas: int | None, leyendo: bool = False) -> int:
                """El lote cabe en los límites: se prepara el destino (lo primero que se escribe)."""
                nonlocal escrito
                total = _revisar_antes_de_escribir(lector, entrada, carpeta, limite_filas, contadas, leyendo)
                if remoto is not None:
                    remoto.preparar()  # si rechaza el prefijo, lo que había no se toca
                    escrito = True
                return total

            # Con destino remoto se cuenta antes, como siempre: el prefijo se prepara (y se reclama)
            # antes de renderizar, y los trabajadores que escriben en él no pueden esperar.
            retener = remoto is None
            total = lector.conteo(exacto=False).get(next(iter(lector.hojas_esquema)))
            if not retener:
                total = abrir_destino(None)
            # Si una cota rápida de las filas (sin analizar el libro) ya cabe en el límite, no hace falta
            # retener: se escribe desde la primera unidad, mientras se sigue leyendo.
            cota = libro.cota_filas(limite_filas) if retener else None
            cabe = cota is not None
            # Con --pdf, LibreOffice es el cuello de botella y usa todos los núcleos: se genera en línea.
            en_proceso = procesos if procesos is not None or not pdf else 1
            # Sin dimensión declarada (openpyxl en modo de solo escritura y otros generadores), la cota.
            with _ejecutor(executor, en_proceso, total if total is not None else cota) as (ejecutor, ventana):
                canal = Canal(carpeta, extensiones, ejecutor, ventana, progreso, total or 0, entrada)
                canal.infografia = infografia
                canal.pdfa = pdfa
                canal.reteniendo = retener
                if flujo is not None:
                    canal.al_escribir = flujo.enviar
                if remoto is not None:
                    canal.remoto = remoto
                    canal.copia_local = pdf or combinado
                    canal.en_trabajadores = o.en_trabajadores

                def liberar(al_final: bool) -> None:
                    contadas = libro.filas_leidas - leidas_antes if al_final else None
                    total = abrir_destino(contadas, leyendo=True)
                    if not al_final:
                        canal.total = total
                    canal.liberar()

                def abrir_ya() -> None:
                    """El libro cabe por su cota y hay una unidad que escribir: se prepara la carpeta."""
                    _preparar_carpeta(carpeta)
                    canal.liberar()

                try:
                    _procesar(lector, columnas, patron, canal, informe, publico, liberar, abrir_ya if cabe else None)
                except BaseException:
                    canal.abortar()
                    raise
        _terminar(informe, flujo, combinado, remoto)
    except BaseException:
        if flujo is not None:
            flujo.cerrar()
        if remoto is not None and escrito:
            remoto.deshacer()  # sin manifiesto nadie confía en el prefijo; se borra lo escrito en lo posible
        raise
    return informe


def _revisar_antes_de_leer(
    lector: Entrada, columnas: list[Columna], patron: str, publico: bool, entrada: Path, carpeta: Path,
) -> None:
    """Lo que puede hacer fallar el lote entero sin leer sus filas (o con una pasada propia, rara)."""
    extra = ("acuerdo_id",) if lector.tipo == "acuerdos" else ()
    verificar_patron(patron, campos_ejemplo(columnas, extra))
    exigir_nombres_fuera_de_la_entrada(lector, columnas, patron, publico, entrada, carpeta)


def _revisar_antes_de_escribir(lector: Entrada, entrada: Path, carpeta: Path, limite_filas: int,
                               contadas: int | None, leyendo: bool = False) -> int:
    """Lo que puede hacer fallar el lote entero, antes de escribir nada; devuelve las unidades.

    ``contadas``: las filas ya leídas de un recorrido completo (el lote las retuvo sin escribir);
    ``None``: el lote no cupo en lo que se retiene y se cuentan aparte (una pasada más por el libro).
    """
    if contadas is None:
        # Antes de leer (destino remoto) las filas contadas se guardan para la lectura; a mitad de la
        # lectura (lo retenido se llenó), no: la lectura sigue por su cuenta.
        conteo = _contar(lector, limite_filas, guardar=not leyendo)
        filas = sum(v or 0 for v in conteo.values())
        unidades = next(iter(conteo.values())) or 0
    else:
        filas = unidades = contadas
    if filas > limite_filas:
        raise ErrorEntrada(
            f"{entrada.name}: tiene más de {limite_filas} filas de datos (el máximo);"
            " divídalo en varios libros o aumente el límite (--limite-filas)."
        )
    if filas == 0:
        raise ErrorEntrada(
            f"{entrada.name}: no tiene filas con datos debajo de los encabezados: llénelo (una fila por"
            " documento, desde la fila 2) o, para probar, pida uno con ejemplo:"
            f" «acuerdo-docs plantilla-lote {lector.tipo} -o ejemplo_{lector.tipo}.xlsx --con-ejemplo»."
        )
    _preparar_carpeta(carpeta)
    return unidades


def _preparar_carpeta(carpeta: Path) -> None:
    try:
        carpeta.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise error_salida(exc, carpeta) from None


@contextmanager
def _ejecutor(executor: Executor | None, procesos: int | None,
              estimadas: int | None = None) -> Iterator[tuple[Executor, int]]:
    """El ejecutor del lote y su ventana de unidades en vuelo; el grupo propio se detiene al salir.

    ``estimadas``: las unidades que el libro declara (o su cota). Si pasan de :data:`FILAS_EN_LINEA`,
    el grupo nace con la primera unidad: el trabajador prepara la plantilla mientras este proceso
    lee, en vez de después de 20 unidades en línea (~50 ms de 1.000 fichas que no se repartían).
    Sin estimación, o si es pequeña, nace con la unidad :data:`FILAS_EN_LINEA` como siempre.
    """
    if executor is not None:
        yield executor, 64
        return
    # N procesos en total: N - 1 trabajadores y este, que también renderiza cuando ellos tienen cola.
    n = procesos or os.cpu_count() or 1
    if n <= 1:
        yield EnLinea(), 1
        return
    arrancar_en = 1 if estimadas is not None and estimadas >= FILAS_EN_LINEA else FILAS_EN_LINEA
    mixto = Mixto(lambda: grupo_procesos(n - 1), n - 1, arrancar_en=arrancar_en)
    try:
        # En vuelo, el doble de lo que caben en las colas: si no, este proceso esperaría en vez de renderizar.
        yield mixto, 2 * EN_COLA * (n - 1)
    except BaseException:
        mixto.shutdown(wait=True, cancel_futures=True)  # interrupción: ver detener_grupo
        raise
    mixto.shutdown(wait=True)


def _terminar(informe: InformeLote, flujo: Any, combinado: bool, remoto: DestinoRemoto | None) -> None:
    """PDF en flujo, documento combinado, una sola sincronización de la carpeta y el informe
    (con destino remoto: se suben el PDF, el combinado, el informe y, el último, el manifiesto)."""
    carpeta = informe.carpeta
    try:
        paginas = recoger_pdf(informe, flujo, paginas=combinado) if flujo is not None else {}
        if combinado:
            escribir_combinado(informe, paginas)
            if flujo is not None and informe.combinado is not None and informe.averia_pdf is None:
                convertir_combinado(informe, flujo.convertir_ahora)
    finally:
        if flujo is not None:
            flujo.cerrar()
    if remoto is not None:
        with sin_interrupciones():
            publicar_final(informe, remoto)
        return
    # Los archivos se escribieron sin fsync uno a uno: una sincronización para todos, antes del
    # informe (si el informe existe, lo que lista está en disco). Mientras el disco sincroniza (en
    # un hilo: espera sin CPU) se arma el informe, que solo se escribe después.
    with ThreadPoolExecutor(1, thread_name_prefix="acuerdo_docs_sincronizar") as hilo:
        escritos = [carpeta / a for f in informe.filas for a in f.archivos]
        sincronizado = hilo.submit(sincronizar_carpeta, carpeta, escritos)
        datos = bytes_informe(informe)
        try:
            sincronizado.result()
        except OSError as exc:  # p. ej. disco lleno: lo que no llegó al disco ya se borró
            raise error_salida(exc, carpeta) from None
    with sin_interrupciones():
        guardar_informe(informe, datos=datos)


def _procesar(
    lector: Entrada,
    columnas: list[Columna],
    patron: str,
    canal: Canal,
    informe: InformeLote,
    publico: bool,
    liberar: Callable[[bool], None],
    abrir_ya: Callable[[], None] | None = None,
) -> None:
    """Lee, valida y envía cada unidad en una sola pasada por el libro, mientras otros renderizan.

    Hasta saber que el lote cabe en los límites no se escribe nada: los bytes se retienen (hasta
    :data:`RETENER_BYTES`). Si el libro entero cabe, basta esa pasada; si no, se cuenta aparte al
    llenarse lo retenido y se sigue leyendo donde iba. ``abrir_ya``: la cota de filas ya dijo que
    cabe; se llama antes de enviar la primera unidad válida y desde ahí se escribe al llegar.
    """
    nombres = nombres_del_lote()
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
        raiz = raiz_unidad(nombres, lector.tipo, modelo, unidad, columnas, patron, publico)
        if abrir_ya is not None and canal.reteniendo:
            abrir_ya()
        canal.enviar(resultado, raiz, lector.tipo, modelo, publico)
        if canal.reteniendo and canal.retenido_bytes > RETENER_BYTES:
            liberar(False)
    canal.recoger_todo()
    if canal.reteniendo:
        liberar(True)
    canal.vaciar()


__all__ = [
    "EXTENSIONES",
    "FILAS_EN_LINEA",
    "NOMBRE_COMBINADO",
    "PATRONES",
    "Progreso",
    "SUFIJO_INFOGRAFIA",
    "campos_nombre",
    "generar_lote",
    "nombre_documento",
    "renderizar_unidad",
    "sin_interrupciones",
]
