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


def _infografias(carpeta: Path) -> list[Path]:
    from ..documentos.acuerdo import ejemplo_acuerdo
    from ..documentos.ficha import ejemplo_ficha
    from ..documentos.infografia import generar_infografia

    escritos = []
    for modelo, nombre in ((ejemplo_acuerdo(), "acuerdo_simbolico"), (ejemplo_ficha(), "ficha_acuerdo_simbolico")):
        for formato in ("pdf", "png"):
            escritos.append(generar_infografia(modelo, carpeta / f"{nombre}_infografia.{formato}"))
    return escritos


GENERADORES["infografia"] = _infografias


def generar_ejemplos(carpeta: Path) -> list[Path]:
    carpeta.mkdir(parents=True, exist_ok=True)
    escritos: list[Path] = []
    for generar in GENERADORES.values():
        escritos.extend(p for p in generar(carpeta) if p is not None)
    return escritos
