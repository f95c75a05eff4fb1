"""Velocidad de generación de .docx: docxtpl plano contra el camino compilado del proyecto.

Las tres maneras se miden por rondas alternadas sobre los mismos datos: (a), (b) y (c) con las
fichas 1-100, luego con las 101-200, etc. En una máquina compartida la velocidad cambia de un
minuto a otro; alternando, un cambio de carga afecta a las tres por igual y las razones no se
mueven con él.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from concurrent.futures import Executor, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from acuerdo_docs.documentos.ficha import PLANTILLA_FICHA, cargar_practica, contexto_ficha, generar_ficha
from acuerdo_docs.rutas import plantilla
from acuerdo_docs.salida.entorno_word import crear_entorno

Tramo = list[tuple[int, dict[str, Any]]]


def docxtpl_plano(tramo: Tramo, carpeta: Path) -> float:
    """(a) El bucle de siempre: abrir la plantilla, renderizar y guardar, documento por documento."""
    ruta = str(plantilla(PLANTILLA_FICHA))
    modelos = [(i, cargar_practica(d)) for i, d in tramo]  # la validación no cuenta contra docxtpl
    inicio = time.perf_counter()
    for i, practica in modelos:
        tpl = DocxTemplate(ruta)
        tpl.render(contexto_ficha(practica), jinja_env=crear_entorno(), autoescape=True)
        tpl.save(str(carpeta / f"plano_{i}.docx"))
    return time.perf_counter() - inicio


def _generar_tramo(tramo: Tramo, carpeta: str) -> int:
    for i, datos in tramo:
        generar_ficha(datos, Path(carpeta) / f"ficha_{i}.docx")
    return len(tramo)


def proyecto_un_proceso(tramo: Tramo, carpeta: Path) -> float:
    """(b) generar_ficha (validación + camino compilado + escritura atómica con fsync) en este proceso."""
    inicio = time.perf_counter()
    _generar_tramo(tramo, str(carpeta))
    return time.perf_counter() - inicio


def proyecto_todos_los_nucleos(tramo: Tramo, carpeta: Path, ejecutor: Executor, nucleos: int) -> float:
    """(c) Lo mismo repartido en partes entre procesos (uno por núcleo)."""
    tamano = max(1, math.ceil(len(tramo) / (nucleos * 4)))
    partes = [tramo[i:i + tamano] for i in range(0, len(tramo), tamano)]
    inicio = time.perf_counter()
    total = sum(ejecutor.map(_generar_tramo, partes, [str(carpeta)] * len(partes)))
    assert total == len(tramo)
    return time.perf_counter() - inicio


def medir_docx(datos: list[dict[str, Any]], nucleos: int | None = None, rondas: int = 10) -> dict[str, float]:
    """Segundos de (a), (b) y (c) sobre ``datos``, medidos en ``rondas`` rondas alternadas.

    (b) compila la plantilla antes de empezar, como en un lote; (c) incluye arrancar los procesos
    y que cada uno compile la plantilla (en la primera ronda).
    """
    nucleos = nucleos or os.cpu_count() or 1
    numerados = list(enumerate(datos))
    tamano = max(1, math.ceil(len(datos) / rondas))
    tramos = [numerados[i:i + tamano] for i in range(0, len(numerados), tamano)]
    segundos = {"docxtpl_plano_s": 0.0, "compilado_1_proceso_s": 0.0, "compilado_todos_s": 0.0}
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, \
            tempfile.TemporaryDirectory() as c, ProcessPoolExecutor(nucleos) as ejecutor:
        generar_ficha(datos[0], Path(b) / "calentamiento.docx")
        for tramo in tramos:
            segundos["docxtpl_plano_s"] += docxtpl_plano(tramo, Path(a))
            segundos["compilado_1_proceso_s"] += proyecto_un_proceso(tramo, Path(b))
            segundos["compilado_todos_s"] += proyecto_todos_los_nucleos(tramo, Path(c), ejecutor, nucleos)
        assert len(list(Path(c).glob("ficha_*.docx"))) == len(datos)
    return {**segundos, "nucleos": nucleos, "rondas": len(tramos)}
