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

from .convertidor import ConvertidorPdf
from .entrada import MAXIMO_POR_PROCESO, TIEMPO_LIMITE, a_pdf
from .resultado import Progreso, ResultadoDocumento, ResultadoPdf
from .soffice import VARIABLE_ASIGNADOR, VARIABLE_SOFFICE, asignador_memoria, buscar_soffice, orden_conversion

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
