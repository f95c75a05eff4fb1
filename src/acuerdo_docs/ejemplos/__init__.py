"""Ejemplos incorporados: datos de muestra (JSON en esta carpeta) y su generación."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _ficha(carpeta: Path) -> list[Path]:
    from ..documentos.ficha import ejemplo_ficha, generar_ficha

    practica = ejemplo_ficha()
    return [
        generar_ficha(practica, carpeta / "ficha_acuerdo_simbolico.docx"),
        generar_ficha(practica, carpeta / "ficha_acuerdo_simbolico_publica.docx", publico=True),
    ]


GENERADORES: dict[str, Callable[[Path], list[Path]]] = {"ficha": _ficha}
"""Cada tipo de documento registra aquí cómo escribe sus ejemplos."""


def _acuerdo(carpeta: Path) -> list[Path]:
    from ..documentos.acuerdo import ejemplo_acuerdo, generar_acuerdo

    acuerdo = ejemplo_acuerdo()  # trae fecha_corte: los estados no cambian con el reloj
    return [
        generar_acuerdo(acuerdo, carpeta / "acuerdo_simbolico.docx"),
        generar_acuerdo(acuerdo, carpeta / "acuerdo_simbolico_publico.docx", publico=True),
    ]


GENERADORES["acuerdo"] = _acuerdo


def _riesgos(carpeta: Path) -> list[Path]:
    from ..documentos.acuerdo import ejemplo_acuerdo
    from ..documentos.matriz import generar_matriz_riesgos

    acuerdo = ejemplo_acuerdo()
    return [generar_matriz_riesgos(acuerdo, carpeta / "acuerdo_simbolico_riesgos.xlsx",
                                   referencia=acuerdo.fecha_referencia())]


GENERADORES["riesgos"] = _riesgos


ENTRADAS: dict[str, str] = {
    "ficha_acuerdo_simbolico.json": "ficha_acuerdo_simbolico.json",
    "acuerdo_ejemplo.json": "acuerdo_simbolico.json",
    "riesgos_ejemplo.json": "riesgos.json",
}
"""Archivo incorporado → nombre con que ``acuerdo-docs ejemplo`` lo escribe (una entrada para copiar y editar)."""


def _entradas(carpeta: Path) -> list[Path]:
    from ..salida.archivos import escribir_atomico

    origen = Path(__file__).parent
    escritos = []
    for nombre, destino in ENTRADAS.items():
        escribir_atomico(carpeta / destino, (origen / nombre).read_bytes())
        escritos.append(carpeta / destino)
    return escritos


GENERADORES["entradas"] = _entradas


def generar_ejemplos(carpeta: Path) -> list[Path]:
    carpeta.mkdir(parents=True, exist_ok=True)
    escritos: list[Path] = []
    for generar in GENERADORES.values():
        escritos.extend(p for p in generar(carpeta) if p is not None)
    return escritos
