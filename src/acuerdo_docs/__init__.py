"""acuerdo_docs: documentos de gestión pública a partir de datos validados.

Uso típico::

    import acuerdo_docs as ad
    practica = ad.BuenaPractica.model_validate(datos)
    ad.generar_ficha(practica, "ficha.docx")
    ad.generar_acuerdo(ad.ejemplo_acuerdo(), "acuerdo.docx")
    ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), "matriz.xlsx")
    ad.generar_infografia(ad.ejemplo_acuerdo(), "infografia.pdf")
    informe = ad.generar_lote("entrada.xlsx", "salidas/")
"""

from .documentos.acuerdo import ejemplo_acuerdo, generar_acuerdo, renderizar_acuerdo, version_publica_acuerdo
from .documentos.catalogo import generar_catalogo
from .documentos.ficha import ejemplo_ficha, generar_ficha, renderizar_ficha, version_publica
from .documentos.infografia import generar_infografia, renderizar_infografia
from .documentos.matriz import generar_matriz_riesgos
from .documentos.plantilla_lote import generar_plantilla_lote
from .errores import ErrorAcuerdoDocs, ErrorCampo, ErrorConversion, ErrorEntrada, ErrorPlantilla, ErrorValidacion
from .esquemas import (
    Actor,
    AcuerdoSimbolico,
    Anexo,
    BuenaPractica,
    Compromiso,
    Control,
    Encabezado,
    Hito,
    MatrizRiesgos,
    Riesgo,
)
from .lectores.ficha_docx import leer_ficha
from .lote import generar_lote
from .salida.pdf import a_pdf
from .salida.verificacion import InformePlantilla, verificar_plantilla

__all__ = [
    # esquemas
    "AcuerdoSimbolico", "Actor", "Anexo", "BuenaPractica", "Compromiso", "Control", "Encabezado", "Hito",
    "MatrizRiesgos", "Riesgo",
    # documentos
    "generar_ficha", "renderizar_ficha", "version_publica", "ejemplo_ficha",
    "generar_acuerdo", "renderizar_acuerdo", "version_publica_acuerdo", "ejemplo_acuerdo",
    "generar_matriz_riesgos", "a_pdf",
    "generar_infografia",
    "renderizar_infografia",
    # lotes, lectura y plantillas
    "generar_lote", "generar_plantilla_lote", "leer_ficha", "generar_catalogo",
    "verificar_plantilla", "InformePlantilla",
    # errores
    "ErrorAcuerdoDocs", "ErrorCampo", "ErrorConversion", "ErrorEntrada", "ErrorPlantilla", "ErrorValidacion",
]
__version__ = "0.1.0"
