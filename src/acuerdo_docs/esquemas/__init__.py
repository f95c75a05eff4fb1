"""Esquemas Pydantic: la única fuente de etiquetas, ayudas, columnas y JSON Schema."""

from pydantic import BaseModel

from .acuerdo import Actor, AcuerdoSimbolico, Compromiso, EncabezadoAcuerdo, Hito
from .ficha import Anexo, BuenaPractica, Encabezado
from .riesgo import Control, EncabezadoMatriz, MatrizRiesgos, Riesgo

ESQUEMAS: dict[str, type[BaseModel]] = {
    "ficha": BuenaPractica,
    "acuerdo": AcuerdoSimbolico,
    "riesgos": MatrizRiesgos,
}
"""Tipos de documento por nombre (los usan ``acuerdo-docs esquema`` y el README)."""

__all__ = [
    "ESQUEMAS", "AcuerdoSimbolico", "Actor", "Anexo", "BuenaPractica", "Compromiso", "Control",
    "Encabezado", "EncabezadoAcuerdo", "EncabezadoMatriz", "Hito", "MatrizRiesgos", "Riesgo",
]
