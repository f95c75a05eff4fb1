"""Ficha 4202000-FT-1311 en Word: de un BuenaPractica validado a un .docx."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO, overload

from ..esquemas.comun import RESERVADO, campos_personales
from ..esquemas.ficha import BuenaPractica
from ..esquemas.tipo_documento import validar_documento
from ..registro import registro
from ..rutas import carpeta_ejemplos
from ..rutas import plantilla as ruta_plantilla
from ..salida.archivos import Destino, RutaDestino, escribir_atomico
from ..salida.datos_planos import ContextoPlano, datos_planos
from ..salida.motor_docx import renderizar
from ..salida.tipo_plantilla import TipoPlantilla

log = registro("acuerdo_docs.ficha")

PLANTILLA_FICHA = "ficha_4202000-FT-1311.docx"


def cargar_practica(datos: BuenaPractica | Mapping[str, Any], *, base: Path | None = None) -> BuenaPractica:
    """Valida un dict (o devuelve el modelo tal cual); ``base`` resuelve rutas relativas de anexos."""
    return validar_documento(BuenaPractica, datos, {"base": base} if base else None)


def carpeta_base(entrada: str | Path) -> Path:
    """Desde dónde se resuelven las rutas relativas (anexos) de un JSON leído de ``entrada``: su carpeta.

    Leído de la entrada estándar (``-``), la carpeta actual. La usan todas las puertas (ficha, infografía).
    """
    return Path.cwd() if str(entrada) == "-" else Path(entrada).parent


def version_publica(practica: BuenaPractica) -> BuenaPractica:
    """Copia sin datos personales (Ley 1581 de 2012): cargo y dependencia se conservan.

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """
    cambios = {
        nombre: RESERVADO
        for nombre in campos_personales(BuenaPractica)
        if getattr(practica, nombre) not in (None, "")
    }
    return practica.model_copy(update=cambios)


def contexto_ficha(practica: BuenaPractica, *, publico: bool = False) -> dict[str, Any]:
    """Lo que ve la plantilla, en datos planos: ``practica`` (los campos del modelo) y ``encabezado``.

    Nada de modelos ni rutas: ``practica.anexos[].archivo`` es el nombre de la imagen.
    """
    if publico:
        practica = version_publica(practica)
    datos = datos_planos(practica)
    return ContextoPlano(practica=datos, encabezado=datos["encabezado"])


def renderizar_ficha(
    practica: BuenaPractica | Mapping[str, Any],
    *,
    plantilla: str | Path | None = None,
    publico: bool = False,
    motor: str = "compilado",
) -> bytes:
    """Los bytes del .docx de la ficha (sin escribir nada).

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """
    modelo = cargar_practica(practica)
    ruta = Path(plantilla) if plantilla else ruta_plantilla(PLANTILLA_FICHA)
    if plantilla is not None:  # plantilla propia: se verifica contra el esquema antes de usarla
        from ..salida.verificacion import exigir_plantilla_valida  # solo con plantilla propia (arranque)

        exigir_plantilla_valida(ruta, TIPO_FICHA)
    return renderizar(ruta, contexto_ficha(modelo, publico=publico), motor=motor, titulo=modelo.nombre,
                      publico=publico)


@overload
def generar_ficha(
    practica: BuenaPractica | Mapping[str, Any],
    destino: RutaDestino,
    *,
    plantilla: str | Path | None = None,
    publico: bool = False,
) -> Path: ...


@overload
def generar_ficha(
    practica: BuenaPractica | Mapping[str, Any],
    destino: BinaryIO,
    *,
    plantilla: str | Path | None = None,
    publico: bool = False,
) -> None: ...


def generar_ficha(
    practica: BuenaPractica | Mapping[str, Any],
    destino: Destino,
    *,
    plantilla: str | Path | None = None,
    publico: bool = False,
) -> Path | None:
    """Genera la ficha 4202000-FT-1311 diligenciada.

    ``practica`` es un :class:`BuenaPractica` o un dict con sus claves; ``destino`` una
    ruta o un archivo binario abierto. Valida antes de escribir: con datos inválidos lanza
    :class:`~acuerdo_docs.errores.ErrorValidacion` y no deja ningún archivo.
    Devuelve la ruta escrita (``None`` si ``destino`` era un archivo abierto).

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """
    datos = renderizar_ficha(practica, plantilla=plantilla, publico=publico)
    ruta = escribir_atomico(destino, datos)
    if ruta is not None:
        log.info("ficha escrita: %s", ruta)
    return ruta


def ejemplo_ficha() -> BuenaPractica:
    """La práctica de la semilla: «Acuerdo simbólico» de la Alta Consejería TIC (iBO).

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """
    ruta = carpeta_ejemplos() / "ficha_acuerdo_simbolico.json"
    return cargar_practica(json.loads(ruta.read_text(encoding="utf-8")))


TIPO_FICHA = TipoPlantilla("ficha", "practica", contexto_ficha, ejemplo_ficha)
"""Lo que la verificación de plantillas propias necesita de la ficha."""
