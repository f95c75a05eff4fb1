"""Nombres de los archivos de un lote: patrón, campos, unicidad y nunca sobre la entrada."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..documentos.informe import NOMBRE_INFORME
from ..errores import ErrorSalida, ErrorValidacion, validar
from ..lectores import Entrada
from ..lectores.columnas import Columna
from ..lectores.unidades import Unidad
from ..salida.archivos import misma_ruta
from ..salida.nombres import Nombres, nombre_desde_patron
from .comun import EXTENSIONES, NOMBRE_COMBINADO


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


def campos_ejemplo(columnas: list[Columna], extra: tuple[str, ...]) -> dict[str, Any]:
    muestras: dict[str, Any] = {"fecha": date(2000, 1, 1), "entero": 1, "numero": 1.0, "booleano": True}
    campos = {c.clave: muestras.get(c.tipo, "texto") for c in _escalares(columnas)}
    campos.update(fila=2, hoja="hoja", **{e: "texto" for e in extra})
    return campos


def _version_publica(tipo: str, modelo: Any) -> Any:
    if tipo == "fichas":
        from ..documentos.ficha import version_publica

        return version_publica(modelo)
    from ..documentos.acuerdo import version_publica_acuerdo

    return version_publica_acuerdo(modelo)


def nombres_del_lote() -> Nombres:
    return Nombres(reservados=[NOMBRE_INFORME, NOMBRE_COMBINADO])


def raiz_unidad(
    nombres: Nombres, tipo: str, modelo: BaseModel, unidad: Unidad, columnas: list[Columna], patron: str,
    publico: bool,
) -> str:
    """La raíz del nombre de los archivos de una unidad (saneada y única en el lote)."""
    visible = _version_publica(tipo, modelo) if publico else modelo
    return nombres.reservar(nombre_desde_patron(patron, campos_nombre(visible, unidad, columnas)), EXTENSIONES[tipo])


def exigir_nombres_fuera_de_la_entrada(
    lector: Entrada, columnas: list[Columna], patron: str, publico: bool, entrada: Path, carpeta: Path,
) -> None:
    """Un lote nunca escribe sobre su propio libro de entrada: si algún nombre cae sobre él, no se escribe nada.

    Solo puede pasar si el libro está en la carpeta de salida con una extensión que el lote escribe;
    entonces se recorren los nombres una vez antes de generar (sin renderizar).
    """
    if not misma_ruta(entrada.parent, carpeta) or entrada.suffix.lower() not in EXTENSIONES[lector.tipo]:
        return
    objetivo = Nombres.clave(entrada.name)
    nombres = nombres_del_lote()
    for unidad in lector.unidades():
        if unidad.datos is None or unidad.errores:
            continue
        try:
            modelo = validar(lector.modelo, unidad.datos)
        except ErrorValidacion:
            continue
        raiz = raiz_unidad(nombres, lector.tipo, modelo, unidad, columnas, patron, publico)
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
