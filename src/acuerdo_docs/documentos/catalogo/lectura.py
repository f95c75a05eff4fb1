"""Lectura de la carpeta de fichas: cada .docx (o .json de una práctica) es una fila.

Una ficha que no se puede leer o que tiene campos inválidos no detiene el catálogo: queda como
fila con el motivo. Cada fila lleva su huella (SHA-256 del archivo): con la ruta, es la clave que
conserva las valoraciones entre ejecuciones. Las fichas se leen en paralelo con el mismo gancho
``executor=`` que el lote, en una ventana acotada (memoria plana) y se entregan en orden de ruta.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errores import ErrorEntrada, ErrorValidacion, causa_json
from ...esquemas.ficha import BuenaPractica, Encabezado
from ...esquemas.tipo_documento import validar_documento
from ...esquemas.valoracion import Valoracion
from ...lectores.docx_seguro import LIMITE_ARCHIVO, ErrorLectura
from ...lectores.ficha_docx import FichaExtraida, extraer_campos
from ...lectores.recorrido import ArchivoNoLegible, leer_archivo, recorrer
from ...lectores.remoto import ObjetoGrande, leer_limitado, listar
from ...remoto import es_url, exigir_no_casi_url, sin_file

log = logging.getLogger("acuerdo_docs.catalogo")

CORRECTA = "Correcta"
CON_AVISOS = "Correcta, con avisos"
CON_ERRORES = "Con errores"
ILEGIBLE = "No se pudo leer"
ESTADOS = (CORRECTA, CON_AVISOS, CON_ERRORES, ILEGIBLE)
EXTENSIONES = (".docx", ".json")

FICHAS_EN_LINEA = 40
"""Por debajo de este número de fichas no se arranca un grupo de procesos (no compensa)."""


@dataclass
class FilaCatalogo:
    """Una ficha de la carpeta: de dónde salió, su huella, cómo se leyó y sus valores."""

    archivo: str
    estado: str
    motivo: str = ""
    valores: dict[str, Any] = field(default_factory=dict)
    huella: str = ""
    valoracion: Valoracion | None = None
    """La valoración que trae el archivo (solo los .json de una práctica)."""

    @property
    def legible(self) -> bool:
        return self.estado in (CORRECTA, CON_AVISOS)


def buscar_fichas(carpeta: Path, *, excluir: frozenset[Path] = frozenset()) -> list[Path]:
    """Los .docx y .json de la carpeta y sus subcarpetas, en orden estable de ruta.

    Es :func:`acuerdo_docs.lectores.recorrido.recorrer`: se omiten los bloqueos de Word
    (``~$nombre.docx``), lo oculto (que empieza por punto), los enlaces a carpetas (con aviso) y las
    rutas de ``excluir`` (las salidas del propio catálogo). Un FIFO, un dispositivo o un enlace
    roto o en bucle con nombre de ficha se lista: su fila dice por qué no se lee.
    """
    return recorrer(carpeta, EXTENSIONES, excluir=excluir).archivos


def texto_lista(valores: list[Any]) -> str:
    return "\n".join(f"• {v}" for v in valores)


def valores_practica(practica: BuenaPractica) -> dict[str, Any]:
    """Los valores de una práctica válida, planos (listas como texto con viñetas)."""
    valores: dict[str, Any] = {
        nombre: getattr(practica, nombre) for nombre in BuenaPractica.model_fields
        if nombre not in ("encabezado", "valoracion")
    }
    valores["retos"] = texto_lista(practica.retos)
    valores["anexos"] = texto_lista([a.nombre for a in practica.anexos])
    valores["encabezado.codigo"] = practica.encabezado.codigo
    valores["encabezado.version"] = practica.encabezado.version
    valores["encabezado.entidad"] = practica.encabezado.entidad
    valores["_retos"] = list(practica.retos)
    valores["_anexos"] = [a.nombre for a in practica.anexos]
    return valores


def _valores_crudos(campos: dict[str, Any]) -> dict[str, Any]:
    valores = {k: v for k, v in campos.items() if k not in ("encabezado", "valoracion")}
    if isinstance(valores.get("retos"), list):
        valores["retos"] = texto_lista(valores["retos"])
    if isinstance(valores.get("anexos"), list):
        valores["anexos"] = texto_lista([a.get("nombre", "") if isinstance(a, dict) else a for a in valores["anexos"]])
    crudo = campos.get("encabezado")
    encabezado: dict[str, Any] = crudo if isinstance(crudo, dict) else {}
    valores["encabezado.codigo"] = encabezado.get("codigo", Encabezado().codigo)
    valores["encabezado.version"] = encabezado.get("version", Encabezado().version)
    return {k: v for k, v in valores.items() if isinstance(v, (str, int, float)) or hasattr(v, "isoformat")}


def _leer_docx(datos: bytes, archivo: str, huella: str) -> FilaCatalogo:
    try:
        extraida: FichaExtraida = extraer_campos(datos, nombre=archivo)
    except ErrorLectura as exc:
        return FilaCatalogo(archivo, ILEGIBLE, exc.motivo, huella=huella)
    except ErrorEntrada as exc:
        return FilaCatalogo(archivo, ILEGIBLE, str(exc), huella=huella)
    try:
        practica = extraida.validar()
    except ErrorValidacion as exc:
        motivos = [str(e) for e in exc.errores] + extraida.avisos
        return FilaCatalogo(archivo, CON_ERRORES, "\n".join(motivos), _valores_crudos(extraida.campos), huella)
    estado = CON_AVISOS if extraida.avisos else CORRECTA
    return FilaCatalogo(archivo, estado, "\n".join(extraida.avisos), valores_practica(practica), huella)


def _leer_json(datos: bytes, archivo: str, huella: str) -> FilaCatalogo:
    try:
        contenido = json.loads(datos.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return FilaCatalogo(archivo, ILEGIBLE, "no está en UTF-8 (guárdelo como JSON en UTF-8)", huella=huella)
    except json.JSONDecodeError as exc:
        return FilaCatalogo(archivo, ILEGIBLE, causa_json(exc), huella=huella)
    campos = set(BuenaPractica.model_fields)
    if not isinstance(contenido, dict) or len(campos & set(contenido)) < 3:
        return FilaCatalogo(archivo, ILEGIBLE, "no parece una práctica (ficha 4202000-FT-1311) en JSON", huella=huella)
    if isinstance(contenido.get("anexos"), list):  # las imágenes de los anexos no hacen falta aquí
        contenido["anexos"] = [{k: v for k, v in a.items() if k != "archivo"} if isinstance(a, dict) else a
                               for a in contenido["anexos"]]
    try:
        practica = validar_documento(BuenaPractica, contenido)
    except ErrorValidacion as exc:
        return FilaCatalogo(archivo, CON_ERRORES, "\n".join(str(e) for e in exc.errores),
                            _valores_crudos(contenido), huella)
    return FilaCatalogo(archivo, CORRECTA, "", valores_practica(practica), huella, practica.valoracion)


def leer_ficha_catalogo(ruta: str | os.PathLike[str], archivo: str) -> FilaCatalogo:
    """Lee una ficha (.docx o .json, local o una URL) para el catálogo: nunca lanza por un archivo malo.

    Función de módulo con argumentos simples: se envía tal cual a otro proceso o máquina.
    """
    try:
        if es_url(ruta):  # almacenamiento de objetos: el tamaño se mira antes de leer y la lectura se corta
            datos = leer_limitado(ruta, LIMITE_ARCHIVO)
        else:
            datos = leer_archivo(ruta, LIMITE_ARCHIVO)  # solo archivos regulares, sin bloquear, tamaño antes de leer
    except ArchivoNoLegible as exc:
        return FilaCatalogo(archivo, ILEGIBLE, exc.motivo)
    except ObjetoGrande:
        return FilaCatalogo(archivo, ILEGIBLE, f"pesa más de {LIMITE_ARCHIVO // 2**20} MB (el máximo): no se lee")
    except ErrorEntrada as exc:
        return FilaCatalogo(archivo, ILEGIBLE, str(exc))
    huella = hashlib.sha256(datos).hexdigest()
    try:
        if archivo.lower().endswith(".json"):
            return _leer_json(datos, archivo, huella)
        return _leer_docx(datos, archivo, huella)
    except Exception as exc:  # noqa: BLE001 - un archivo raro no debe tumbar todo el catálogo
        log.warning("error inesperado al leer una ficha del catálogo (%s)", type(exc).__name__)
        return FilaCatalogo(archivo, ILEGIBLE, f"error inesperado al leer el archivo ({type(exc).__name__})",
                            huella=huella)


def _iniciar_trabajador() -> None:
    # Como en el lote: Ctrl-C llega a todo el grupo; solo el proceso principal lo atiende.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


Ficha = tuple[str, str]
"""(de dónde leerla: ruta local o URL, su ruta relativa a la carpeta con ``/``)."""


def verificar_carpeta(carpeta: str | os.PathLike[str], *, excluir: frozenset[Path] = frozenset()) -> list[Ficha]:
    """Las fichas de la carpeta (o del prefijo ``s3://…/fichas/``); lanza :class:`ErrorEntrada` si no hay."""
    texto = os.fspath(sin_file(carpeta))
    if es_url(texto):
        fichas = listar(texto, EXTENSIONES)
    else:
        exigir_no_casi_url(texto, ErrorEntrada)
        raiz = Path(texto)
        if not raiz.exists():
            raise ErrorEntrada(f"No existe la carpeta: {raiz}")
        if not raiz.is_dir():
            raise ErrorEntrada(f"{raiz} no es una carpeta")
        fichas = [(str(r), r.relative_to(raiz).as_posix()) for r in buscar_fichas(raiz, excluir=excluir)]
    if not fichas:
        raise ErrorEntrada(f"No se encontró ningún archivo .docx ni .json en {texto} (ni en sus subcarpetas)")
    return fichas


def iterar_carpeta(
    rutas: list[Ficha],
    *,
    executor: Executor | None = None,
    procesos: int | None = None,
) -> Iterator[FilaCatalogo]:
    """Las filas en orden de ruta, leídas en paralelo con a lo sumo una ventana de fichas en vuelo.

    ``executor``: cualquier :class:`concurrent.futures.Executor` (no se cierra al terminar); por
    omisión, un grupo de procesos con un trabajador por núcleo, o en línea si hay pocas fichas.
    """
    propio: ProcessPoolExecutor | None = None
    if executor is None:
        n = min(procesos or os.cpu_count() or 1, len(rutas))
        if n > 1 and len(rutas) >= FICHAS_EN_LINEA:
            propio = ProcessPoolExecutor(max_workers=n, initializer=_iniciar_trabajador)
        ventana = 8 * n
    else:
        ventana = 64
    try:
        if executor is None and propio is None:
            for ruta, archivo in rutas:
                yield leer_ficha_catalogo(ruta, archivo)
            return
        ejecutor = executor if executor is not None else propio
        assert ejecutor is not None  # si no había ninguno, ya se leyó en este hilo
        pendientes: deque[Future[FilaCatalogo]] = deque()
        for ruta, archivo in rutas:
            pendientes.append(ejecutor.submit(leer_ficha_catalogo, ruta, archivo))
            if len(pendientes) >= ventana:
                yield pendientes.popleft().result()
        while pendientes:
            yield pendientes.popleft().result()
    finally:
        if propio is not None:
            propio.shutdown(wait=True, cancel_futures=True)


def leer_carpeta(
    carpeta: str | os.PathLike[str], *, executor: Executor | None = None, procesos: int | None = None
) -> list[FilaCatalogo]:
    """Una fila por cada .docx o .json de la carpeta (recursivo), en orden de ruta."""
    rutas = verificar_carpeta(carpeta)
    filas = list(iterar_carpeta(rutas, executor=executor, procesos=procesos))
    log.info("catálogo: %d ficha(s) leída(s)", len(filas))
    return filas
