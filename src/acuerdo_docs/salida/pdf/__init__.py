"""Conversión de .docx y .xlsx a PDF con LibreOffice sin interfaz (``soffice --headless``).

Un lote no arranca LibreOffice por documento: se reparte en tandas y cada proceso de LibreOffice
convierte una tanda completa (``--convert-to pdf f1 f2 … fN``), con un proceso por núcleo.
Cada proceso usa su propio perfil de usuario en una carpeta temporal; los perfiles se reutilizan
entre llamadas del mismo proceso de Python porque crear uno cuesta tiempo.

LibreOffice calcula los campos PAGE/NUMPAGES al maquetar, así que «Página X de Y» sale bien.

Garantías:

- Cada PDF se escribe en una carpeta privada y se mueve con ``os.replace`` al destino: nunca
  queda un PDF a medias con el nombre final.
- Un documento que bloquea a LibreOffice se detiene al vencer ``tiempo_limite`` (se mata todo el
  grupo de procesos) y solo ese documento se informa como fallido; los demás de su tanda se
  aprovechan o se reintentan.
- Un documento dañado se informa en su fila; el resto del lote sigue.
- Es seguro llamar a :func:`a_pdf` desde varios hilos a la vez.

El registro (``logging.getLogger("acuerdo_docs.pdf")``) solo nombra rutas, nunca contenido.
"""

from __future__ import annotations

from .entrada import MAXIMO_POR_PROCESO, TIEMPO_LIMITE, a_pdf
from .resultado import Progreso, ResultadoDocumento, ResultadoPdf
from .soffice import VARIABLE_ASIGNADOR, VARIABLE_SOFFICE, asignador_memoria, buscar_soffice, orden_conversion

__all__ = [
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
