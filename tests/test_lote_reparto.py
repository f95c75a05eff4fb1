"""Cómo reparte el lote entre este proceso y sus trabajadores: cuándo nace el grupo."""

from __future__ import annotations

import re
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from test_lote import fila_base, libro_fichas

import acuerdo_docs.lote as lote
import acuerdo_docs.lote.canal as canal
from acuerdo_docs.lote import generar_lote


def _sin_dimension(ruta: Path) -> Path:
    """El mismo libro sin ``<dimension>`` en sus hojas, como lo escriben openpyxl en modo de solo escritura y otros."""
    destino = ruta.with_name("sin_dimension.xlsx")
    with zipfile.ZipFile(ruta) as origen, zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as nuevo:
        for info in origen.infolist():
            datos = origen.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                datos, cuantas = re.subn(rb"<dimension [^>]*/>", b"", datos)
                assert cuantas == 1
            nuevo.writestr(info, datos)
    return destino


@pytest.mark.parametrize("dimension", [True, False], ids=["con_dimension", "sin_dimension"])
def test_un_libro_grande_reparte_desde_la_primera_unidad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dimension: bool,
) -> None:
    """Con 25 fichas (más de FILAS_EN_LINEA) el grupo nace antes de la primera: ninguna se queda aquí por
    esperar a que nazca. Sin dimensión declarada, la estimación es la cota de filas (antes, 19 en línea)."""
    fuera: list[str] = []
    aqui: list[str] = []
    original_fuera, original_aqui = canal.renderizar_y_escribir, canal.renderizar_unidad

    en_trabajador = threading.local()

    def anotado_fuera(*args: Any) -> list[str]:
        fuera.append(args[1])
        en_trabajador.si = True  # renderizar_y_escribir también llama a renderizar_unidad
        try:
            return original_fuera(*args)
        finally:
            en_trabajador.si = False

    def anotado_aqui(*args: Any) -> list[bytes]:
        if not getattr(en_trabajador, "si", False):
            aqui.append(args[1].nombre)
        return original_aqui(*args)

    monkeypatch.setattr(canal, "renderizar_y_escribir", anotado_fuera)
    monkeypatch.setattr(canal, "renderizar_unidad", anotado_aqui)
    monkeypatch.setattr(lote, "grupo_procesos", lambda n: ThreadPoolExecutor(n))  # un «trabajador» observable
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(25)])
    if not dimension:
        entrada = _sin_dimension(entrada)
    informe = generar_lote(entrada, tmp_path / "salida", procesos=2)
    assert informe.codigo_salida == 0 and informe.generadas == 25
    assert len(fuera) == 25 and aqui == []
    assert len(list((tmp_path / "salida").glob("*.docx"))) == 25
