"""acuerdo_docs: documentos de gestión pública a partir de datos validados.

Uso típico::

    import acuerdo_docs as ad
    practica = ad.BuenaPractica.model_validate(datos)
    ad.generar_ficha(practica, "ficha.docx")
"""

from .errores import ErrorAcuerdoDocs, ErrorCampo, ErrorValidacion
from .esquemas import Anexo, BuenaPractica, Encabezado
from .ficha import ejemplo_ficha, generar_ficha, version_publica
from .acuerdo import ejemplo_acuerdo, generar_acuerdo, renderizar_acuerdo, version_publica_acuerdo
from .esquemas.acuerdo import AcuerdoSimbolico, Actor, Compromiso, Hito

__all__ = [
    "Anexo", "BuenaPractica", "Encabezado", "ErrorAcuerdoDocs", "ErrorCampo", "ErrorValidacion",
    "ejemplo_ficha", "generar_ficha", "version_publica",
]
__all__ += [
    "AcuerdoSimbolico", "Actor", "Compromiso", "Hito",
    "ejemplo_acuerdo", "generar_acuerdo", "renderizar_acuerdo", "version_publica_acuerdo",
]
from .catalogo import generar_catalogo
from .lectores.ficha_docx import leer_ficha

__all__ += ["generar_catalogo", "leer_ficha"]
from .lote import generar_lote
from .plantilla_lote import generar_plantilla_lote

__all__ += ["generar_lote", "generar_plantilla_lote"]
from .errores import ErrorPlantilla
from .verificacion import InformePlantilla, verificar_plantilla

__all__ += ["ErrorPlantilla", "InformePlantilla", "verificar_plantilla"]
__version__ = "0.1.0"
