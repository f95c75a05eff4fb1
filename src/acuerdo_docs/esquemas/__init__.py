"""Esquemas Pydantic: la única fuente de etiquetas, ayudas, columnas y JSON Schema."""

from pydantic import BaseModel

from .ficha import Anexo, BuenaPractica, Encabezado

ESQUEMAS: dict[str, type[BaseModel]] = {"ficha": BuenaPractica}
"""Tipos de documento por nombre (los usa ``acuerdo-docs esquema``)."""

__all__ = ["ESQUEMAS", "Anexo", "BuenaPractica", "Encabezado"]

from .riesgo import Control, MatrizRiesgos, Riesgo  # noqa: E402

__all__ += ["Control", "MatrizRiesgos", "Riesgo"]

from .acuerdo import Actor, AcuerdoSimbolico, Compromiso, EncabezadoAcuerdo, Hito  # noqa: E402

ESQUEMAS["acuerdo"] = AcuerdoSimbolico
ESQUEMAS["riesgos"] = MatrizRiesgos
__all__ += ["AcuerdoSimbolico", "Actor", "Compromiso", "EncabezadoAcuerdo", "Hito"]
