"""Constantes y tipos que comparten las partes del lote."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("acuerdo_docs.lote")

NOMBRE_COMBINADO = "lote_combinado.docx"

PATRONES: dict[str, str] = {
    "fichas": "{fecha_inicio:%Y}_{nombre}",
    "acuerdos": "{fecha:%Y}_{acuerdo_id}_{desafio_nombre}",
}
"""Patrón de nombres por omisión de cada tipo de lote."""

EXTENSIONES: dict[str, tuple[str, ...]] = {"fichas": (".docx",), "acuerdos": (".docx", ".xlsx", ".json")}
"""Archivos de cada unidad: fichas, un .docx; acuerdos, el .docx, su matriz de riesgos y su JSON (para el seguimiento)."""
SUFIJO_INFOGRAFIA = "_infografia.pdf"
"""Con ``infografia=True`` cada unidad escribe además NOMBRE_infografia.pdf (va al final de sus archivos)."""

FILAS_EN_LINEA = 20
"""Por debajo de este número de unidades no se arranca un grupo de procesos (no compensa)."""

RETENER_BYTES = 48 * 2**20
"""Bytes renderizados que el lote guarda sin escribir mientras lee: si el libro entero cabe, se
lee una sola vez (el conteo de filas para los límites sale de esa misma pasada)."""

Progreso = Callable[[int, int], None]
"""Se llama con (unidades terminadas, total) cada vez que una unidad termina."""
