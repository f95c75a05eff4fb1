"""Los tipos de documento que admiten plantilla Word propia, por nombre (API pública y CLI)."""

from __future__ import annotations

from pathlib import Path

from ..errores import ErrorPlantilla
from ..salida import verificacion
from ..salida.tipo_plantilla import TipoPlantilla
from ..salida.verificacion import InformePlantilla
from .acuerdo import TIPO_ACUERDO
from .ficha import TIPO_FICHA

TIPOS_PLANTILLA: dict[str, TipoPlantilla] = {t.nombre: t for t in (TIPO_FICHA, TIPO_ACUERDO)}


def tipo_plantilla(nombre: str) -> TipoPlantilla:
    try:
        return TIPOS_PLANTILLA[nombre]
    except KeyError:
        raise ErrorPlantilla(
            f"Tipo de plantilla desconocido: «{nombre}» (use uno de: {', '.join(TIPOS_PLANTILLA)})"
        ) from None


def verificar_plantilla(ruta: str | Path, tipo: str = "ficha") -> InformePlantilla:
    """Revisa una plantilla Word propia contra el esquema de ``tipo`` ("ficha" o "acuerdo"), sin escribir nada.

    Devuelve un :class:`~acuerdo_docs.salida.verificacion.InformePlantilla` con los motivos en español.

    Ejemplo: [4. Qué revisa plantilla verificar](../plantillas_propias.md#4-que-revisa-plantilla-verificar).
    """
    return verificacion.verificar_plantilla(ruta, tipo_plantilla(tipo))


def exigir_plantilla_valida(ruta: str | Path, tipo: str = "ficha") -> InformePlantilla:
    """Como :func:`verificar_plantilla`, pero lanza :class:`ErrorPlantilla` con todos los motivos si no es válida."""
    return verificar_plantilla(ruta, tipo).exigir()
