"""Lectura de un catálogo .xlsx ya escrito (y quizá editado a mano en Excel o LibreOffice).

Solo se leen las columnas que escribe una persona (valoración, notas, marca de revisión) y la
clave de cada fila (archivo y huella); lo demás se vuelve a leer de las fichas. Las columnas se
buscan por su título (sin tildes ni mayúsculas), así que una persona puede reordenarlas o añadir
otras. Un valor que no se puede conservar tal cual (una respuesta que no es Sí/No/Sin valorar,
una fecha ilegible) detiene la lectura con un error que nombra hoja, fila y columna: antes de
perder lo que alguien escribió, no se escribe nada.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic import ValidationError

from ..claves import normalizar_clave
from ..errores import ErrorCampo, ErrorEntrada, ErrorValidacion, traducir
from ..esquemas.comun import etiqueta
from ..esquemas.valoracion import CRITERIOS, Valoracion
from ..limites_entrada import LIMITE_FILAS_LOTE, miles, recortar
from .hoja_calculo import abrir_libro_editado, elegir_hoja, hojas_visibles

HOJA_CATALOGO = "Catálogo"
HOJA_RETIRADAS = "Fichas retiradas"
"""Las fichas que ya no están en la carpeta, con lo que una persona escribió sobre ellas."""

TITULO_ARCHIVO = "Archivo"
TITULO_HUELLA = "Huella (SHA-256)"
TITULO_NOTAS = "Notas de la oficina"
TITULO_REVISAR = "Revisar valoración"
SUFIJO_JUSTIFICACION = " – justificación"


def titulo_criterio(nombre: str) -> str:
    return etiqueta(Valoracion, nombre)


def titulo_justificacion(nombre: str) -> str:
    return titulo_criterio(nombre) + SUFIJO_JUSTIFICACION


def titulos_humanos() -> dict[str, str]:
    """Clave interna → título de cada columna que escribe una persona."""
    titulos: dict[str, str] = {}
    for nombre in CRITERIOS:
        titulos[f"{nombre}.respuesta"] = titulo_criterio(nombre)
        titulos[f"{nombre}.justificacion"] = titulo_justificacion(nombre)
    titulos["evaluador"] = etiqueta(Valoracion, "evaluador")
    titulos["fecha"] = etiqueta(Valoracion, "fecha")
    titulos["notas"] = TITULO_NOTAS
    titulos["revisar"] = TITULO_REVISAR
    return titulos


@dataclass
class EntradaHumana:
    """Lo que una persona escribió en una fila del catálogo."""

    archivo: str
    huella: str
    hoja: str
    fila: int
    valoracion: Valoracion = field(default_factory=Valoracion)
    notas: str = ""
    revisar: str = ""

    def vacia(self) -> bool:
        return self.valoracion.vacia() and not self.notas and not self.revisar


def _texto(valor: Any) -> str:
    if valor is None:
        return ""
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    return str(valor)


def _fecha(valor: Any) -> Any:
    if isinstance(valor, datetime):
        return valor.date()
    if isinstance(valor, date) or valor is None:
        return valor
    return _texto(valor).strip() or None


def _ubicacion(hoja: str, fila: int, titulo: str) -> str:
    return f"hoja «{hoja}», fila {fila}, columna «{titulo}»"


_VACIOS = (None, "", "Sin valorar")


def _valoracion(datos: dict[str, Any], hoja: str, fila: int, titulos: dict[str, str]) -> Valoracion:
    if all(datos.get(clave) in _VACIOS for clave in titulos if clave not in ("notas", "revisar")):
        return Valoracion()  # lo más común en un catálogo grande: nada valorado aún (sin validar)
    bruto: dict[str, Any] = {}
    for nombre in CRITERIOS:
        bruto[nombre] = {
            "respuesta": _texto(datos.get(f"{nombre}.respuesta")),
            "justificacion": _texto(datos.get(f"{nombre}.justificacion")),
        }
    bruto["evaluador"] = _texto(datos.get("evaluador"))
    bruto["fecha"] = _fecha(datos.get("fecha"))
    try:
        return Valoracion.model_validate(bruto)
    except ValidationError as exc:
        errores = []
        for e in traducir(exc, Valoracion):
            partes = e.ruta.split(".")
            clave = e.ruta
            if partes[0] in CRITERIOS:  # sencilla.respuesta → la columna «Sencilla»
                clave = f"{partes[0]}.{partes[-1] if len(partes) > 1 else 'respuesta'}"
            errores.append(ErrorCampo(_ubicacion(hoja, fila, titulos.get(clave, e.ruta)), "", e.mensaje))
        raise ErrorValidacion(errores, "El catálogo tiene valores que no se pueden conservar") from None


def _filas(ws: Any, hoja: str) -> Iterator[EntradaHumana]:
    titulos = titulos_humanos()
    por_titulo = {normalizar_clave(t): clave for clave, t in titulos.items()}
    por_titulo[normalizar_clave(TITULO_ARCHIVO)] = "archivo"
    por_titulo[normalizar_clave(TITULO_HUELLA)] = "huella"
    filas = ws.iter_rows(values_only=True)
    encabezado = next(filas, None)
    if encabezado is None:
        return
    columnas: dict[int, str] = {}
    for i, t in enumerate(encabezado):
        clave = por_titulo.get(normalizar_clave(_texto(t))) if t is not None else None
        if clave is None:
            continue
        if clave in columnas.values():  # como en lote: dos columnas con el mismo título no se adivinan
            previa = next(j for j, c in columnas.items() if c == clave)
            raise ErrorEntrada(
                f"hoja «{hoja}»: las columnas {get_column_letter(previa + 1)} y {get_column_letter(i + 1)} tienen"
                f" el mismo título «{recortar(_texto(t))}»; deje solo una (no se sabe cuál conservar) y no se"
                " escribió nada"
            )
        columnas[i] = clave
    if "archivo" not in columnas.values() or "huella" not in columnas.values():
        raise ErrorEntrada(
            f"hoja «{hoja}»: faltan las columnas «{TITULO_ARCHIVO}» y «{TITULO_HUELLA}»; no parece un catálogo "
            "escrito por acuerdo-docs (elija otra salida o recupere la copia .bak)"
        )
    for numero, fila in enumerate(filas, start=2):
        if numero > LIMITE_FILAS_LOTE + 1:
            raise ErrorEntrada(f"hoja «{hoja}»: tiene más de {miles(LIMITE_FILAS_LOTE)} filas (el máximo de un"
                               " catálogo); divida la carpeta de fichas")
        datos = {clave: fila[i] for i, clave in columnas.items() if i < len(fila)}
        archivo, huella = _texto(datos.get("archivo")).strip(), _texto(datos.get("huella")).strip()
        if not archivo and not huella:
            continue  # fila vacía (o borrada a mano)
        yield EntradaHumana(
            archivo=archivo, huella=huella.lower(), hoja=hoja, fila=numero,
            valoracion=_valoracion(datos, hoja, numero, titulos),
            notas=_texto(datos.get("notas")), revisar=_texto(datos.get("revisar")),
        )


def leer_catalogo(ruta: str | os.PathLike[str]) -> list[EntradaHumana]:
    """Las entradas humanas de un catálogo (hojas «Catálogo» y «Fichas retiradas»), en orden."""
    ruta = Path(ruta)
    wb = abrir_libro_editado(ruta, que="el catálogo")
    try:
        ocultas = [(ws.title, ws not in hojas_visibles(wb)) for ws in wb.worksheets]
        principal = elegir_hoja(ruta.name, ocultas, HOJA_CATALOGO)
        if principal is None:
            raise ErrorEntrada(
                f"{ruta.name}: no tiene la hoja «{HOJA_CATALOGO}»; no parece un catálogo de acuerdo-docs"
                " y no se sobrescribe"
            )
        entradas = list(_filas(wb[principal], principal))
        retiradas = elegir_hoja(ruta.name, ocultas, HOJA_RETIRADAS)
        if retiradas is not None:
            entradas += list(_filas(wb[retiradas], retiradas))
    finally:
        wb.close()
    return entradas


__all__ = [
    "HOJA_CATALOGO", "HOJA_RETIRADAS", "SUFIJO_JUSTIFICACION", "TITULO_ARCHIVO", "TITULO_HUELLA", "TITULO_NOTAS",
    "TITULO_REVISAR", "EntradaHumana", "leer_catalogo", "titulo_criterio", "titulo_justificacion",
    "titulos_humanos",
]
