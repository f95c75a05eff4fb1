"""Los tipos de documento que admiten plantilla Word propia, por nombre (API pública y CLI)."""

from __future__ import annotations

from pathlib import Path

from ..errores import ErrorPlantilla
from ..salida import verificacion
from ..salida.tipo_plantilla import TipoPlantilla
from ..salida.verificacion import InformePlantilla
from ..rutas import plantilla as ruta_plantilla
from ..salida.archivos import escribir_atomico
from .acuerdo import PLANTILLA_ACUERDO, TIPO_ACUERDO
from .ficha import PLANTILLA_FICHA, TIPO_FICHA

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

    Ejemplo: [4. Qué revisa plantilla verificar](../plantillas_propias.md#4-qué-revisa-plantilla-verificar).
    """
    return verificacion.verificar_plantilla(ruta, tipo_plantilla(tipo))


def exigir_plantilla_valida(ruta: str | Path, tipo: str = "ficha") -> InformePlantilla:
    """Como :func:`verificar_plantilla`, pero lanza :class:`ErrorPlantilla` con todos los motivos si no es válida."""
    return verificar_plantilla(ruta, tipo).exigir()


PLANTILLAS_INCORPORADAS: dict[str, str] = {
    "ficha": PLANTILLA_FICHA,
    "acuerdo": PLANTILLA_ACUERDO,
    "infografia_acuerdo": "infografia_acuerdo.typ",
    "infografia_practica": "infografia_practica.typ",
}
"""Las plantillas incorporadas que se pueden copiar para adaptarlas (Word, y Typst de las infografías)."""


def copiar_plantilla(tipo: str, destino: str | Path) -> Path:
    """Escribe en ``destino`` una copia de la plantilla incorporada de ``tipo``, para adaptarla."""
    if tipo not in PLANTILLAS_INCORPORADAS:
        raise ErrorPlantilla(f"Plantilla desconocida: «{tipo}» (use una de: {', '.join(PLANTILLAS_INCORPORADAS)})")
    datos = ruta_plantilla(PLANTILLAS_INCORPORADAS[tipo]).read_bytes()
    ruta = escribir_atomico(Path(destino), datos)
    assert ruta is not None
    return ruta

