"""Las columnas del libro del catálogo, con los títulos del esquema (nada escrito dos veces)."""

from __future__ import annotations

from ...esquemas.columna import Columna
from ...esquemas.comun import campos_personales, etiqueta
from ...esquemas.ficha import CAMPOS_NO_IMPRESOS, CAMPOS_TEXTO_LARGO, BuenaPractica, Encabezado
from ...esquemas.valoracion import CRITERIOS
from ...lectores.catalogo_xlsx import (
    TITULO_ARCHIVO,
    TITULO_HUELLA,
    TITULO_NOTAS,
    TITULO_REVISAR,
    titulo_criterio,
    titulo_justificacion,
)
from ...lectores.catalogo_xlsx import titulos_humanos as _titulos_humanos

TITULO_NIVEL = "Nivel DAFP"
TITULO_ESTADO = "Estado"
TITULO_MOTIVO = "Observaciones"
TITULO_CAMBIO = "Cambio desde la ejecución anterior"

LARGO = 60.0
CORTO = 24.0

# Tipos de columna: quién la escribe y cómo se muestra.
FICHA = "ficha"          # sale de la ficha; se reescribe en cada ejecución
HERRAMIENTA = "herramienta"  # la escribe acuerdo_docs (estado, cambio, huella)
HUMANA = "humana"        # la escribe una persona; se conserva entre ejecuciones
RESPUESTA = "respuesta"  # humana, con lista desplegable Sí / No / Sin valorar
FECHA = "fecha"          # humana, fecha
NIVEL = "nivel"          # fórmula


GRUPO_PRACTICA = "Práctica"
GRUPO_VALORACION = "Valoración DAFP"
CAMPOS_IMPRESOS = ("dependencia", "proceso", "fecha_inicio")
"""Campos de la ficha que van en el papel junto al nombre (los textos largos quedan en el libro)."""


def _columna(clave: str, titulo: str, ancho: float, rol: str = FICHA, grupo: str = "") -> Columna:
    """``grupo``: la columna se imprime, en ese grupo (los grupos no se parten entre páginas)."""
    return Columna(clave=clave, etiqueta=titulo, ancho=ancho, rol=rol, grupo=grupo, imprimir=bool(grupo))


def _ficha(nombre: str, grupo: str = "") -> Columna:
    largo = nombre in CAMPOS_TEXTO_LARGO or nombre in ("retos", "anexos")
    ancho = 14.0 if nombre.startswith("fecha_") else LARGO if largo else CORTO
    return _columna(nombre, etiqueta(BuenaPractica, nombre), ancho, grupo=grupo)


def columnas_catalogo(datos_personales: bool = False) -> list[Columna]:
    """Columnas de la hoja «Catálogo», en orden: primero las que se imprimen (identificación, práctica,
    estado y valoración), luego justificaciones, avisos y el resto de los campos de la ficha."""
    personales = set(campos_personales(BuenaPractica))
    humanos = _titulos_humanos()
    p, v = GRUPO_PRACTICA, GRUPO_VALORACION
    columnas = [
        _columna("archivo", TITULO_ARCHIVO, 28.0, HERRAMIENTA, p),
        _ficha("nombre", p),
        *(_ficha(nombre, p) for nombre in CAMPOS_IMPRESOS if nombre not in personales or datos_personales),
        _columna("estado", TITULO_ESTADO, 16.0, HERRAMIENTA, p),
        _columna("nivel", TITULO_NIVEL, 14.0, NIVEL, p),
    ]
    columnas += [_columna(f"{c}.respuesta", titulo_criterio(c), 13.0, RESPUESTA, v) for c in CRITERIOS]
    columnas += [
        _columna("fecha", humanos["fecha"], 12.0, FECHA, v),
        _columna("revisar", TITULO_REVISAR, 22.0, HUMANA, v),
    ]
    columnas += [_columna(f"{c}.justificacion", titulo_justificacion(c), 30.0, HUMANA) for c in CRITERIOS]
    columnas += [
        _columna("evaluador", humanos["evaluador"], 20.0, HUMANA),
        _columna("notas", TITULO_NOTAS, 40.0, HUMANA),
        _columna("motivo", TITULO_MOTIVO, 48.0, HERRAMIENTA),
        _columna("cambio", TITULO_CAMBIO, 16.0, HERRAMIENTA),
        _columna("encabezado.codigo", etiqueta(Encabezado, "codigo"), 16.0),
        _columna("encabezado.version", etiqueta(Encabezado, "version"), 10.0),
    ]
    for nombre in BuenaPractica.model_fields:
        if (nombre in CAMPOS_NO_IMPRESOS or nombre == "nombre" or nombre in CAMPOS_IMPRESOS
                or (nombre in personales and not datos_personales)):
            continue
        columnas.append(_ficha(nombre))
    columnas.append(_columna("huella", TITULO_HUELLA, 20.0, HERRAMIENTA))
    return columnas


def columnas_retiradas() -> list[Columna]:
    """Hoja «Fichas retiradas»: la clave y lo que escribieron las personas."""
    return [c for c in columnas_catalogo() if c.rol in (HUMANA, RESPUESTA, FECHA, NIVEL)
            or c.clave in ("archivo", "huella")]


__all__ = [
    "CAMPOS_IMPRESOS", "FECHA", "FICHA", "GRUPO_PRACTICA", "GRUPO_VALORACION", "HERRAMIENTA", "HUMANA", "NIVEL", "RESPUESTA", "TITULO_CAMBIO", "TITULO_ESTADO",
    "TITULO_MOTIVO", "TITULO_NIVEL", "Columna", "columnas_catalogo", "columnas_retiradas",
]
