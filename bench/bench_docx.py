"""Velocidad de generación de .docx: docxtpl plano contra el camino compilado del proyecto."""

from __future__ import annotations

import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from acuerdo_docs.ficha import PLANTILLA_FICHA, cargar_practica, contexto_ficha, generar_ficha
from acuerdo_docs.motor_docx import crear_entorno
from acuerdo_docs.rutas import plantilla


def docxtpl_plano(datos: list[dict[str, Any]], carpeta: Path) -> float:
    """(a) El bucle de siempre: abrir la plantilla, renderizar y guardar, documento por documento."""
    ruta = str(plantilla(PLANTILLA_FICHA))
    modelos = [cargar_practica(d) for d in datos]  # la validación no cuenta contra docxtpl
    inicio = time.perf_counter()
    for i, practica in enumerate(modelos):
        tpl = DocxTemplate(ruta)
        tpl.render(contexto_ficha(practica), jinja_env=crear_entorno(), autoescape=True)
        tpl.save(str(carpeta / f"plano_{i}.docx"))
    return time.perf_counter() - inicio


def _generar_tramo(tramo: list[tuple[int, dict[str, Any]]], carpeta: str) -> int:
    for i, datos in tramo:
        generar_ficha(datos, Path(carpeta) / f"ficha_{i}.docx")
    return len(tramo)


def proyecto_un_proceso(datos: list[dict[str, Any]], carpeta: Path) -> float:
    """(b) generar_ficha (validación + camino compilado + escritura atómica) en un proceso."""
    generar_ficha(datos[0], carpeta / "calentamiento.docx")  # compila la plantilla, como en un lote
    inicio = time.perf_counter()
    _generar_tramo(list(enumerate(datos)), str(carpeta))
    return time.perf_counter() - inicio


def proyecto_todos_los_nucleos(datos: list[dict[str, Any]], carpeta: Path, nucleos: int) -> float:
    """(c) Lo mismo repartido en tramos entre procesos (uno por núcleo); incluye arrancarlos."""
    tramo = max(1, len(datos) // (nucleos * 4))
    partes = [list(enumerate(datos))[i:i + tramo] for i in range(0, len(datos), tramo)]
    inicio = time.perf_counter()
    with ProcessPoolExecutor(nucleos) as ejecutor:
        total = sum(ejecutor.map(_generar_tramo, partes, [str(carpeta)] * len(partes)))
    assert total == len(datos)
    return time.perf_counter() - inicio


def medir_docx(datos: list[dict[str, Any]], nucleos: int | None = None) -> dict[str, float]:
    nucleos = nucleos or os.cpu_count() or 1
    resultados: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, tempfile.TemporaryDirectory() as c:
        resultados["docxtpl_plano_s"] = docxtpl_plano(datos, Path(a))
        resultados["compilado_1_proceso_s"] = proyecto_un_proceso(datos, Path(b))
        resultados["compilado_todos_s"] = proyecto_todos_los_nucleos(datos, Path(c), nucleos)
        assert len(list(Path(c).glob("ficha_*.docx"))) == len(datos)
    resultados["nucleos"] = nucleos
    return resultados
