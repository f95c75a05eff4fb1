"""Los límites de toda entrada, en un solo lugar: tamaños, filas, anidamiento, listas, tiempo y eco.

Cada lector, esquema y orden toma de aquí su límite (una entrada nueva también): así ninguna
entrada queda sin tope y la tabla de ``docs/limites.md`` dice lo que el código hace. Pasado un
límite se lanza un error en español que nombra la entrada y el límite, nunca MemoryError,
RecursionError ni un cuelgue. Los presupuestos de una plantilla propia (caracteres creados,
vueltas de bucle, segundos de renderizado) viven en ``salida/limites.py``.
"""

from __future__ import annotations

from typing import Any

MB = 1024 * 1024

# ---------------------------------------------------------------- archivos de entrada
LIMITE_BYTES_LIBRO = 50 * MB
"""Tamaño máximo de un libro .xlsx o un CSV (lote, matriz editada, catálogo editado)."""
LIMITE_FILAS_LOTE = 100_000
"""Filas de datos de un lote (sumando sus hojas)."""
LIMITE_BYTES_JSON = 50 * MB
"""Tamaño máximo de un JSON de datos."""
LIMITE_PROFUNDIDAD_JSON = 64
"""Niveles de listas u objetos anidados en un JSON (un documento usa menos de 6)."""

LIMITE_DESCOMPRIMIDO_LIBRO = 500 * MB
"""Suma de los tamaños descomprimidos que declaran las partes de un libro .xlsx u .ods."""
LIMITE_PROPORCION_ZIP = 200
"""Proporción máxima descomprimido/comprimido de una parte grande de un zip de Office (bomba zip)."""
LIMITE_PARTES_LIBRO = 10_000
"""Partes internas de un libro."""
LIMITE_CELDAS_ODS = 5_000_000
"""Celdas con valor de un libro .ods (se carga en memoria; un .xlsx se lee en flujo)."""
LIMITE_BYTES_DOCX = 50 * MB
"""Tamaño de una ficha .docx diligenciada (comprimida)."""
LIMITE_DESCOMPRIMIDO_DOCX = 250 * MB
"""Suma de los tamaños descomprimidos de una ficha .docx."""
LIMITE_PARTE_XML_DOCX = 60 * MB
"""Tamaño de una parte XML de una ficha .docx."""
LIMITE_PARTES_DOCX = 5_000
"""Partes internas de una ficha .docx."""
LIMITE_BYTES_IMAGEN = 20 * MB
"""Tamaño del archivo de una imagen de anexo."""
LIMITE_PIXELES_IMAGEN = 40_000_000
"""Píxeles (ancho x alto) de una imagen de anexo: 40 megapíxeles."""
PROFUNDIDAD_CARPETAS = 32
"""Niveles de subcarpetas que recorre una orden que lee muchos archivos (``catalogo``)."""
ARCHIVOS_CARPETA = 100_000
"""Archivos que se listan como máximo en una carpeta (con sus subcarpetas)."""

# ---------------------------------------------------------------- listas de un documento
LIMITE_RIESGOS = 1_000
"""Riesgos de un acuerdo o de una matriz (también filas de riesgos del libro editado)."""
LIMITE_HITOS = 1_000
"""Hitos de la hoja de ruta (también filas de la hoja de ruta del libro editado)."""
LIMITE_SEMANAS_GANTT = 1_100
"""Semanas (columnas) del diagrama de Gantt de la matriz: unos 21 años."""
LIMITE_ACTORES = 200
"""Actores de un acuerdo."""
LARGO_NOMBRE = 300
"""Caracteres del nombre de un desafío, de una práctica o de un actor (un título, no un texto)."""

# ---------------------------------------------------------------- método de riesgos (--metodo)
LIMITE_BYTES_METODO = 1 * MB
"""Tamaño del JSON de un método propio (el de la guía pesa 10 KB)."""
LIMITE_OPCIONES_METODO = 50
"""Elementos de cada lista de un método (zonas, clases, tipos, tratamientos, sinónimos…)."""
LARGO_NOMBRE_METODO = 80
"""Caracteres de cada nombre de un método (una zona, una clase, un nivel)."""
LARGO_TEXTO_METODO = 1_000
"""Caracteres de cada texto descriptivo de un método (criterios, descripciones)."""

# ---------------------------------------------------------------- plantillas propias
LIMITE_BYTES_PLANTILLA = 50 * MB
"""Bytes descomprimidos de una plantilla Word propia (una bomba zip se rechaza antes de leerla)."""
LIMITE_CAMPOS_PLANTILLA = 20_000
"""Campos, bloques y etiquetas Jinja de una plantilla propia (el formato oficial usa unos 300)."""
TIEMPO_VERIFICACION = 20.0
"""Segundos para analizar, compilar y ensayar una plantilla propia (``plantilla verificar``)."""

# ---------------------------------------------------------------- mensajes
LARGO_ECO = 120
"""Caracteres de un dato de entrada que un mensaje repite (un nombre, una clave, un encabezado)."""
LARGO_MENSAJE = 2_000
"""Caracteres de un mensaje de error (sin contar la lista de errores de campo)."""
ERRORES_MOSTRADOS = 50
"""Errores de campo que lista un mensaje; el resto se cuenta («… y 12 error(es) más»)."""


def recortar(texto: Any, largo: int = LARGO_ECO) -> str:
    """``texto`` como cadena de a lo sumo ``largo`` caracteres: «inicio… (N caracteres)».

    Todo eco de una entrada en un mensaje pasa por aquí (o por los errores, que la usan):
    un nombre de 97 MB no se imprime entero.
    """
    cadena = texto if isinstance(texto, str) else repr(texto) if not isinstance(texto, (list, tuple, dict, set)) \
        else _resumen(texto)
    if len(cadena) <= largo:
        return cadena
    cola = f"… ({len(cadena)} caracteres)"
    return cadena[: max(largo - len(cola), 10)] + cola


def _resumen(valor: list[Any] | tuple[Any, ...] | dict[Any, Any] | set[Any]) -> str:
    """Una lista u objeto nunca se convierte entero a texto: basta su tipo y tamaño."""
    if isinstance(valor, dict):
        return f"{{objeto con {len(valor)} clave(s)}}"
    return f"[lista de {len(valor)} elemento(s)]"


def miles(numero: int) -> str:
    """1000000 -> «1.000.000» (a la colombiana)."""
    return f"{numero:,}".replace(",", ".")


__all__ = [
    "ARCHIVOS_CARPETA", "LIMITE_BYTES_DOCX", "LIMITE_BYTES_IMAGEN", "LIMITE_CELDAS_ODS", "LIMITE_DESCOMPRIMIDO_DOCX",
    "LIMITE_DESCOMPRIMIDO_LIBRO", "LIMITE_PARTES_DOCX", "LIMITE_PARTES_LIBRO", "LIMITE_PARTE_XML_DOCX",
    "LIMITE_PIXELES_IMAGEN", "LIMITE_PROPORCION_ZIP", "LIMITE_SEMANAS_GANTT", "PROFUNDIDAD_CARPETAS",
    "ERRORES_MOSTRADOS", "LARGO_ECO", "LARGO_MENSAJE", "LARGO_NOMBRE", "LARGO_NOMBRE_METODO", "LARGO_TEXTO_METODO",
    "LIMITE_ACTORES", "LIMITE_BYTES_JSON", "LIMITE_BYTES_LIBRO", "LIMITE_BYTES_METODO", "LIMITE_BYTES_PLANTILLA",
    "LIMITE_CAMPOS_PLANTILLA", "LIMITE_FILAS_LOTE", "LIMITE_HITOS", "LIMITE_OPCIONES_METODO",
    "LIMITE_PROFUNDIDAD_JSON", "LIMITE_RIESGOS", "MB", "TIEMPO_VERIFICACION", "miles", "recortar",
]
