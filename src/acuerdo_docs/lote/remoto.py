"""Un lote hacia almacenamiento de objetos: el destino, lo que se publica al final y el manifiesto.

Los documentos se escriben en flujo (desde este proceso o desde los trabajadores) con un PUT cada
uno; al final se suben los PDF y el combinado (que se arman en una carpeta temporal local), el
informe y, el último y en exclusiva, el manifiesto. Si algo falla, se borra lo escrito en lo
posible y no hay manifiesto: quien lee solo confía en prefijos con manifiesto que coincide.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..documentos.informe import NOMBRE_INFORME, InformeLote, bytes_informe
from ..errores import ErrorSalida
from ..lectores.remoto import leer_entrada
from ..remoto import MANIFIESTO, es_url, exigir_no_casi_url, nombre_base
from ..salida.archivos import escribir_atomico
from ..salida.remoto import DestinoRemoto

FORMATO_MANIFIESTO = "acuerdo-docs/manifiesto-lote/1"


def destino_remoto(carpeta: str | os.PathLike[str], entrada: str | os.PathLike[str], *, reemplazar: bool,
                   en_trabajadores: bool) -> DestinoRemoto | None:
    """El destino remoto si ``carpeta`` es una URL (``None`` si es una carpeta local); revisa sin escribir."""
    texto = os.fspath(carpeta)
    if not es_url(texto):
        exigir_no_casi_url(texto)
        if en_trabajadores:
            raise ErrorSalida(
                "--escribir-en-trabajadores solo sirve con un destino en almacenamiento de objetos (s3://…):"
                " los trabajadores de un clúster no comparten la carpeta local."
            )
        if reemplazar:
            raise ErrorSalida("--reemplazar solo sirve con un destino en almacenamiento de objetos (s3://…).")
        return None
    destino = DestinoRemoto(texto, reemplazar=reemplazar)
    fuente = os.fspath(entrada)
    if es_url(fuente) and fuente.rstrip("/").startswith(destino.url):
        raise ErrorSalida(
            f"La entrada «{fuente}» está dentro del prefijo de salida «{destino.url}»: nunca se escribe (ni se"
            " reemplaza) donde está una entrada; elija otro prefijo."
        )
    return destino


@contextmanager
def copia_local(url: str, *, limite_bytes: int) -> Iterator[Path]:
    """Una copia local de la entrada remota con su mismo nombre (para los mensajes), borrada al salir."""
    datos = leer_entrada(url, limite_bytes=limite_bytes)  # límites antes de descargar
    with tempfile.TemporaryDirectory(prefix="acuerdo_docs_entrada_") as carpeta:
        local = Path(carpeta) / nombre_base(url)
        escribir_atomico(local, datos, sincronizar=False)
        yield local


def manifiesto(informe: InformeLote, destino: DestinoRemoto) -> bytes:
    """Nombres, tamaños y SHA-256 de cada objeto, y el estado y los errores de cada fila (determinista).

    Como el informe, nunca repite un valor escrito en la hoja: solo ubica cada error.
    """
    filas: list[dict[str, Any]] = []
    for fila in informe.filas:
        filas.append({
            "hoja": fila.hoja,
            "fila": fila.fila,
            "estado": fila.estado,
            "archivos": list(fila.archivos),
            "errores": [
                {"columna": e.columna, "encabezado": e.encabezado, "campo": e.campo, "mensaje": e.mensaje}
                for e in fila.errores
            ],
            "errores_omitidos": fila.omitidos,
        })
    contenido = {
        "formato": FORMATO_MANIFIESTO,
        "tipo": informe.tipo,
        "entrada": informe.entrada.name,
        "total": informe.total,
        "generadas": informe.generadas,
        "con_errores": len(informe.fallidas),
        "codigo_salida": informe.codigo_salida,
        "objetos": [destino.objetos[n].como_dict() for n in sorted(destino.objetos)],
        "filas": filas,
    }
    return (json.dumps(contenido, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def publicar_final(informe: InformeLote, destino: DestinoRemoto) -> None:
    """PDF y combinado (armados en la carpeta temporal), el informe y, el último, el manifiesto."""
    locales: list[Path] = list(informe.pdf)
    if informe.combinado is not None:
        locales.append(informe.combinado)
    for ruta in locales:
        destino.escribir(ruta.name, ruta.read_bytes())
    destino.escribir(NOMBRE_INFORME, bytes_informe(informe))
    destino.escribir_manifiesto(manifiesto(informe, destino))
    informe.destino = destino.url
    informe.informe = None
    informe.combinado = None
    informe.pdf = []


__all__ = ["FORMATO_MANIFIESTO", "MANIFIESTO", "copia_local", "destino_remoto", "manifiesto", "publicar_final"]
