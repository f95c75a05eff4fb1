"""Conversión de .docx y .xlsx a PDF con LibreOffice sin interfaz (``soffice --headless``).

Un lote no arranca LibreOffice por documento: se reparte en tandas y cada proceso de LibreOffice
convierte una tanda completa (``--convert-to pdf f1 f2 … fN``), con un proceso por núcleo.
Cada proceso usa su propio perfil de usuario en una carpeta temporal; los perfiles se reutilizan
entre llamadas del mismo proceso de Python porque crear uno cuesta tiempo.

LibreOffice calcula los campos PAGE/NUMPAGES al maquetar, así que «Página X de Y» sale bien.

Garantías:

- Cada PDF se escribe en una carpeta privada y se mueve con ``os.replace`` al destino: nunca
  queda un PDF a medias con el nombre final.
- Un LibreOffice que no avanza en ``tiempo_limite`` se trata como avería de LibreOffice, no del
  documento: se mata todo el grupo de procesos, se entrega lo ya convertido y la causa queda en
  ``ResultadoPdf.averia`` (la CLI sale con 3). Un LibreOffice que se cae se reinicia.
- Un documento dañado se informa en su fila; el resto del lote sigue.
- Es seguro llamar a :func:`a_pdf` desde varios hilos a la vez.

El registro (``logging.getLogger("acuerdo_docs.pdf")``) solo nombra rutas, nunca contenido.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Perezoso (PEP 562): ``--pdf`` arranca LibreOffice desde ``.anticipado`` antes de importar lo
# demás, y ese import no debe traer el convertidor (lxml, tandas) que aún no hace falta.
_ORIGEN: dict[str, str] = {
    "ConvertidorPdf": ".convertidor",
    "MAXIMO_POR_PROCESO": ".entrada",
    "TIEMPO_LIMITE": ".entrada",
    "a_pdf": ".entrada",
    "Progreso": ".resultado",
    "ResultadoDocumento": ".resultado",
    "ResultadoPdf": ".resultado",
    "VARIABLE_ASIGNADOR": ".soffice",
    "VARIABLE_SOFFICE": ".soffice",
    "asignador_memoria": ".soffice",
    "buscar_soffice": ".soffice",
    "orden_conversion": ".soffice",
}

__all__ = [
    "ConvertidorPdf",
    "MAXIMO_POR_PROCESO",
    "TIEMPO_LIMITE",
    "VARIABLE_ASIGNADOR",
    "VARIABLE_SOFFICE",
    "Progreso",
    "ResultadoDocumento",
    "ResultadoPdf",
    "a_pdf",
    "asignador_memoria",
    "buscar_soffice",
    "orden_conversion",
]


def __getattr__(nombre: str) -> Any:
    modulo = _ORIGEN.get(nombre)
    if modulo is None:
        raise AttributeError(f"module {__name__!r} has no attribute {nombre!r}")
    valor = getattr(importlib.import_module(modulo, __name__), nombre)
    globals()[nombre] = valor
    return valor


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from .convertidor import ConvertidorPdf
    from .entrada import MAXIMO_POR_PROCESO, TIEMPO_LIMITE, a_pdf
    from .resultado import Progreso, ResultadoDocumento, ResultadoPdf
    from .soffice import VARIABLE_ASIGNADOR, VARIABLE_SOFFICE, asignador_memoria, buscar_soffice, orden_conversion
