"""acuerdo_docs: documentos de gestión pública a partir de datos validados."""

from .errores import ErrorAcuerdoDocs, ErrorValidacion
from .esquemas import Anexo, BuenaPractica, Encabezado

__all__ = ["Anexo", "BuenaPractica", "Encabezado", "ErrorAcuerdoDocs", "ErrorValidacion"]
__version__ = "0.1.0"
