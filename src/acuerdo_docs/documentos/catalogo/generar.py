"""``generar_catalogo``: carpeta de fichas → catálogo .xlsx (conservando lo escrito) o datos abiertos.

Flujo: se lee el catálogo anterior (si el destino .xlsx existe, o el libro de ``valoraciones_de``)
antes de tocar nada; luego se leen las fichas en paralelo y en orden, cada una se empareja con lo
anterior (:mod:`.fusion`) y se escribe en flujo. El .xlsx anterior se copia a ``catalogo.xlsx.bak``
justo antes de reemplazarlo (escritura atómica: nunca queda un archivo a medias).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from ...errores import ErrorEntrada
from ...esquemas.publicacion import Metadatos
from ...esquemas.valoracion import Valoracion
from ...lectores.catalogo_xlsx import EntradaHumana, leer_catalogo
from ...salida.archivos import copiar_atomico, escribir_atomico, revisar_destino
from .abiertos import escribir_abiertos, rutas_anexas
from .fusion import EntradaCatalogo, Fusion, InformeCatalogo
from .lectura import iterar_carpeta, verificar_carpeta
from .libro import LibroCatalogo

log = logging.getLogger("acuerdo_docs.catalogo")

FORMATOS = (".xlsx", ".csv", ".json")
SUFIJO_RESPALDO = ".bak"


@dataclass
class ResultadoCatalogo:
    """Lo que se escribió y qué cambió."""

    ruta: Path
    escritos: list[Path] = field(default_factory=list)
    estados: Counter[str] = field(default_factory=Counter)
    filas_publicadas: int = 0
    problemas: list[tuple[str, str, str]] = field(default_factory=list)
    """(archivo, estado, primera línea del motivo) de cada ficha con errores o ilegible."""
    informe: InformeCatalogo = field(default_factory=InformeCatalogo)

    @property
    def total(self) -> int:
        return sum(self.estados.values())


def ruta_respaldo(destino: Path) -> Path:
    """``catalogo.xlsx`` → ``catalogo.xlsx.bak`` (la versión anterior, reemplazada en cada ejecución)."""
    return destino.with_name(destino.name + SUFIJO_RESPALDO)


def _respaldar(destino: Path) -> Path:
    # Como toda escritura: temporal exclusivo, sin seguir enlaces; un enlace, FIFO, dispositivo o
    # carpeta con el nombre del respaldo se rechaza (ErrorSalida) y no queda temporal.
    return copiar_atomico(destino, ruta_respaldo(destino))


def _formato(destino: Path) -> str:
    sufijo = destino.suffix.lower()
    if sufijo not in FORMATOS:
        raise ErrorEntrada(
            f"{destino.name}: formato de salida desconocido; use .xlsx (catálogo para la oficina), "
            ".csv o .json (datos abiertos, versión pública)"
        )
    return sufijo


def generar_catalogo(
    carpeta: str | os.PathLike[str],
    destino: str | os.PathLike[str],
    *,
    datos_personales: bool = False,
    valoraciones: dict[str, Valoracion] | None = None,
    valoraciones_de: str | os.PathLike[str] | None = None,
    metadatos: Metadatos | None = None,
    executor: Executor | None = None,
    procesos: int | None = None,
) -> ResultadoCatalogo:
    """Lee las fichas (.docx y .json) de ``carpeta`` (o de un prefijo ``s3://…/fichas/``) y escribe el catálogo.

    - ``.xlsx``: el libro de la oficina. Si ya existe, conserva cada valoración, nota y marca que
      una persona escribió en él (ver :mod:`.fusion`) y deja la versión anterior en ``.bak``.
    - ``.csv`` / ``.json``: datos abiertos (versión pública) con diccionario, metadatos y esquema.
    - ``valoraciones``: ruta relativa de la ficha → :class:`Valoracion` fijada desde Python.
    - ``valoraciones_de``: un catálogo .xlsx del que tomar las valoraciones (para .csv/.json).
    - ``executor`` / ``procesos``: como en :func:`~acuerdo_docs.generar_lote`.

    Lanza :class:`~acuerdo_docs.errores.ErrorEntrada` si la carpeta no sirve o el destino .xlsx no es
    un catálogo, y :class:`~acuerdo_docs.errores.ErrorValidacion` si el catálogo anterior tiene un
    valor que no se puede conservar; en ambos casos no escribe nada. Una ficha ilegible no lanza.

    Ejemplo: [El libro de la oficina y las re-ejecuciones](../catalogo.md#el-libro-de-la-oficina-y-las-re-ejecuciones).
    """
    destino = Path(destino)
    formato = _formato(destino)
    if datos_personales and formato != ".xlsx":
        raise ErrorEntrada("los datos abiertos (.csv, .json) nunca llevan datos personales")
    origen_previo = destino if formato == ".xlsx" and destino.exists() else None
    if valoraciones_de is not None:
        origen_previo = Path(valoraciones_de)
        if not origen_previo.is_file():
            raise ErrorEntrada(f"No existe el catálogo de valoraciones: {origen_previo}")
    if formato == ".xlsx" and destino.exists():
        revisar_destino(ruta_respaldo(destino))  # antes de leer nada: el respaldo también es una salida
    previas: list[EntradaHumana] = leer_catalogo(origen_previo) if origen_previo else []
    excluir = frozenset({destino, ruta_respaldo(destino), *rutas_anexas(destino).values()})
    rutas = verificar_carpeta(carpeta, excluir=excluir)
    actuales = {archivo for _, archivo in rutas}
    informe = InformeCatalogo(anterior=origen_previo)
    fusion = Fusion(previas, actuales, valoraciones, informe)
    resultado = ResultadoCatalogo(destino, informe=informe)

    def entradas() -> Iterator[EntradaCatalogo]:
        for fila in iterar_carpeta(rutas, executor=executor, procesos=procesos):
            resultado.estados[fila.estado] += 1
            if not fila.legible:
                resultado.problemas.append((fila.archivo, fila.estado, (fila.motivo.splitlines() or [""])[0]))
            yield fusion.aplicar(fila)

    if formato == ".xlsx":
        libro = LibroCatalogo(datos_personales=datos_personales)
        for entrada in entradas():
            libro.agregar(entrada)
        datos = libro.terminar(fusion.retiradas(), informe)
        if destino.exists():
            informe.respaldo = _respaldar(destino)
        escribir_atomico(destino, datos)
        resultado.escritos = [destino]
    else:
        resultado.escritos, resultado.filas_publicadas = escribir_abiertos(destino, entradas(), metadatos)
        fusion.retiradas()
    log.info("catálogo: %d ficha(s) leída(s)", resultado.total)
    return resultado


__all__ = ["FORMATOS", "ResultadoCatalogo", "generar_catalogo", "ruta_respaldo"]
