"""Catálogo de las buenas prácticas de una oficina: una carpeta de fichas → un libro .xlsx o datos abiertos.

Módulos: :mod:`.lectura` (carpeta → filas, en paralelo), :mod:`.fusion` (lo que escribieron las
personas sobrevive a cada ejecución), :mod:`.columnas` y :mod:`.libro` (el .xlsx), :mod:`.abiertos`
(CSV/JSON públicos con diccionario, metadatos y esquema) y :mod:`.generar` (todo junto).
"""

from __future__ import annotations

from ...lectores.catalogo_xlsx import HOJA_CATALOGO, HOJA_RETIRADAS
from .abiertos import neutralizar, restaurar, rutas_anexas
from .columnas import Columna, columnas_catalogo
from .fusion import MARCA_REVISAR, EntradaCatalogo, InformeCatalogo
from .generar import ResultadoCatalogo, generar_catalogo, ruta_respaldo
from .lectura import (
    CON_AVISOS,
    CON_ERRORES,
    CORRECTA,
    ESTADOS,
    ILEGIBLE,
    FilaCatalogo,
    buscar_fichas,
    leer_carpeta,
    leer_ficha_catalogo,
)
from .libro import HOJA_RESUMEN, libro_catalogo

__all__ = [
    "CON_AVISOS", "CON_ERRORES", "CORRECTA", "ESTADOS", "HOJA_CATALOGO", "HOJA_RESUMEN", "HOJA_RETIRADAS",
    "ILEGIBLE", "MARCA_REVISAR", "Columna", "EntradaCatalogo", "FilaCatalogo", "InformeCatalogo",
    "ResultadoCatalogo", "buscar_fichas", "columnas_catalogo", "generar_catalogo", "leer_carpeta",
    "leer_ficha_catalogo", "libro_catalogo", "neutralizar", "restaurar", "ruta_respaldo", "rutas_anexas",
]
