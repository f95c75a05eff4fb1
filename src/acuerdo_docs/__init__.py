"""acuerdo_docs: documentos de gestión pública a partir de datos validados.

Uso típico::

    import acuerdo_docs as ad
    practica = ad.BuenaPractica.model_validate(datos)
    ad.generar_ficha(practica, "ficha.docx")
    ad.generar_acuerdo(ad.ejemplo_acuerdo(), "acuerdo.docx")
    ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), "matriz.xlsx")
    ad.generar_infografia(ad.ejemplo_acuerdo(), "infografia.pdf")
    informe = ad.generar_lote("entrada.xlsx", "salidas/")

Las importaciones son perezosas (PEP 562): ``import acuerdo_docs`` no carga pydantic, openpyxl
ni el motor de Word; cada nombre trae su módulo la primera vez que se usa.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Nombre público → módulo que lo define (relativo a este paquete). Para exportar algo nuevo:
# una línea aquí y su nombre en __all__.
_ORIGEN: dict[str, str] = {
    # esquemas
    "AcuerdoSimbolico": ".esquemas",
    "Actor": ".esquemas",
    "Anexo": ".esquemas",
    "BuenaPractica": ".esquemas",
    "Compromiso": ".esquemas",
    "Control": ".esquemas",
    "Encabezado": ".esquemas",
    "Hito": ".esquemas",
    "MatrizRiesgos": ".esquemas",
    "Riesgo": ".esquemas",
    "ValidacionActor": ".esquemas",
    # documentos
    "generar_ficha": ".documentos.ficha",
    "renderizar_ficha": ".documentos.ficha",
    "version_publica": ".documentos.ficha",
    "ejemplo_ficha": ".documentos.ficha",
    "generar_acuerdo": ".documentos.acuerdo",
    "renderizar_acuerdo": ".documentos.acuerdo",
    "version_publica_acuerdo": ".documentos.acuerdo",
    "ejemplo_acuerdo": ".documentos.acuerdo",
    "generar_matriz_riesgos": ".documentos.matriz",
    "exportar_riesgos_csv": ".documentos.matriz.plano",
    "riesgos_a_csv": ".documentos.matriz.plano",
    "cargar_metodo": ".esquemas.metodo_riesgo",
    "MetodoRiesgo": ".esquemas.metodo_riesgo",
    "METODO_DAFP": ".esquemas.metodo_riesgo",
    "EncabezadoMatriz": ".esquemas",
    # infografía
    "generar_infografia": ".documentos.infografia",
    "renderizar_infografia": ".documentos.infografia",
    # catálogo: valoración DAFP
    "Criterio": ".esquemas.valoracion",
    "Valoracion": ".esquemas.valoracion",
    "derivar_nivel": ".esquemas.valoracion",
    # PDF
    "a_pdf": ".salida.pdf",
    "ConvertidorPdf": ".salida.pdf",
    # lotes, lectura y plantillas
    "generar_lote": ".lote",
    "generar_plantilla_lote": ".documentos.plantilla_lote",
    "leer_ficha": ".lectores.ficha_docx",
    "generar_catalogo": ".documentos.catalogo",
    "verificar_plantilla": ".documentos.tipos_plantilla",
    "InformePlantilla": ".salida.verificacion",
    # errores
    "ErrorAcuerdoDocs": ".errores",
    "ErrorCampo": ".errores",
    "ErrorConversion": ".errores",
    "ErrorEntrada": ".errores",
    "ErrorPlantilla": ".errores",
    "ErrorValidacion": ".errores",
    "ErrorSalida": ".errores",
    # salidas (docs/salidas.md)
    "Salida": ".salida.destinos",
    "resolver_salida": ".salida.destinos",
    "tanda_durable": ".salida.archivos",
    # seguimiento (docs/seguimiento.md)
    "registrar_corte": ".seguimiento",
    "ResultadoCorte": ".seguimiento",
    "leer_matriz": ".lectores.matriz_xlsx",
    "actualizar_acuerdo": ".lectores.actualizacion",
    "generar_informe_seguimiento": ".documentos.seguimiento",
}

__all__ = [
    # esquemas
    "AcuerdoSimbolico", "Actor", "Anexo", "BuenaPractica", "Compromiso", "Control", "Encabezado", "Hito",
    "MatrizRiesgos", "Riesgo", "ValidacionActor",
    # documentos
    "generar_ficha", "renderizar_ficha", "version_publica", "ejemplo_ficha",
    "generar_acuerdo", "renderizar_acuerdo", "version_publica_acuerdo", "ejemplo_acuerdo",
    "generar_matriz_riesgos", "a_pdf",
    "ConvertidorPdf",
    # matriz de riesgos: método como datos y exportación plana
    "exportar_riesgos_csv",
    "riesgos_a_csv",
    "cargar_metodo",
    "MetodoRiesgo",
    "METODO_DAFP",
    "EncabezadoMatriz",
    # infografía
    "generar_infografia",
    "renderizar_infografia",
    # lotes, lectura y plantillas
    "generar_lote", "generar_plantilla_lote", "leer_ficha", "generar_catalogo",
    "verificar_plantilla", "InformePlantilla",
    # valoración DAFP del catálogo
    "Criterio",
    "Valoracion",
    "derivar_nivel",
    # errores
    "ErrorAcuerdoDocs", "ErrorCampo", "ErrorConversion", "ErrorEntrada", "ErrorPlantilla", "ErrorValidacion",
    # salidas (docs/salidas.md)
    "ErrorSalida",
    "Salida",
    "resolver_salida",
    "tanda_durable",
    # seguimiento
    "registrar_corte",
    "ResultadoCorte",
    "leer_matriz",
    "actualizar_acuerdo",
    "generar_informe_seguimiento",
]
__version__ = "0.2.0"
"""Versión del paquete; igual a la de pyproject.toml (una prueba lo comprueba)."""


def __getattr__(nombre: str) -> Any:
    modulo = _ORIGEN.get(nombre)
    if modulo is None:
        raise AttributeError(f"module {__name__!r} has no attribute {nombre!r}")
    valor = getattr(importlib.import_module(modulo, __name__), nombre)
    globals()[nombre] = valor  # la próxima vez, sin pasar por aquí
    return valor


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # para los analizadores de tipos y los editores (una prueba lo compara con _ORIGEN)
    from .documentos.acuerdo import ejemplo_acuerdo, generar_acuerdo, renderizar_acuerdo, version_publica_acuerdo
    from .documentos.catalogo import generar_catalogo
    from .documentos.ficha import ejemplo_ficha, generar_ficha, renderizar_ficha, version_publica
    from .documentos.infografia import generar_infografia, renderizar_infografia
    from .documentos.matriz import generar_matriz_riesgos
    from .documentos.matriz.plano import exportar_riesgos_csv, riesgos_a_csv
    from .documentos.plantilla_lote import generar_plantilla_lote
    from .documentos.seguimiento import generar_informe_seguimiento
    from .documentos.tipos_plantilla import verificar_plantilla
    from .errores import (
        ErrorAcuerdoDocs,
        ErrorCampo,
        ErrorConversion,
        ErrorEntrada,
        ErrorPlantilla,
        ErrorSalida,
        ErrorValidacion,
    )
    from .esquemas import (
        Actor,
        AcuerdoSimbolico,
        Anexo,
        BuenaPractica,
        Compromiso,
        Control,
        Encabezado,
        EncabezadoMatriz,
        Hito,
        MatrizRiesgos,
        Riesgo,
        ValidacionActor,
    )
    from .esquemas.metodo_riesgo import METODO_DAFP, MetodoRiesgo, cargar_metodo
    from .esquemas.valoracion import Criterio, Valoracion, derivar_nivel
    from .lectores.actualizacion import actualizar_acuerdo
    from .lectores.ficha_docx import leer_ficha
    from .lectores.matriz_xlsx import leer_matriz
    from .lote import generar_lote
    from .salida.archivos import tanda_durable
    from .salida.destinos import Salida, resolver_salida
    from .salida.pdf import ConvertidorPdf, a_pdf
    from .salida.verificacion import InformePlantilla
    from .seguimiento import ResultadoCorte, registrar_corte
