"""Una práctica en la versión pública del catálogo (datos abiertos): columnas, tipos y textos.

El modelo :class:`PracticaPublicada` se arma desde :class:`~.ficha.BuenaPractica` y
:class:`~.valoracion.Valoracion`: las etiquetas y ayudas son las mismas, y de él salen las
columnas del CSV, el diccionario de datos y el JSON Schema del JSON publicado. No tiene los datos
personales (directivo, colaborador, teléfono, correo, evaluador: Ley 1581 de 2012) ni el nombre del
archivo (puede llevar el nombre de una persona) ni las notas internas de la oficina.

Las columnas son ASCII en snake_case y estables: una columna nueva se añade al final de su grupo;
ninguna se renombra.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import ConfigDict, Field, create_model

from .comun import Modelo, es_personal, etiqueta
from .ficha import BuenaPractica
from .valoracion import CRITERIOS, NIVELES, RESPUESTAS, Valoracion

_LISTAS = {"retos": "Un reto por elemento (en el CSV, uno por línea).",
           "anexos": "Nombre de cada anexo (en el CSV, uno por línea)."}


def _descripcion(modelo: type[Modelo], nombre: str) -> str:
    info = modelo.model_fields[nombre]
    return (info.description or etiqueta(modelo, nombre)).strip()


def _campos() -> dict[str, Any]:
    campos: dict[str, Any] = {
        "id": (str, Field(title="Identificador", description=(
            "Huella SHA-256 del archivo de la ficha: identifica esta versión de la ficha (cambia si la ficha "
            "se edita)."), pattern="^[0-9a-f]{64}$")),
        "nivel": (Literal[NIVELES], Field(title="Nivel DAFP", description=(
            "Derivado de los criterios de Función Pública (2021): No clasifica si falla un criterio del "
            "primer nivel; Pendiente si falta valorar alguno; Primer nivel; Segundo nivel si cumple además "
            "los cuatro del segundo."))),
    }
    for nombre, info in BuenaPractica.model_fields.items():
        if nombre in ("encabezado", "valoracion") or es_personal(BuenaPractica, nombre):
            continue
        titulo = etiqueta(BuenaPractica, nombre)
        if nombre in _LISTAS:
            campos[nombre] = (list[str], Field(title=titulo, description=_LISTAS[nombre]))
        elif nombre.startswith("fecha_"):
            campos[nombre] = (date, Field(title=titulo, description=_descripcion(BuenaPractica, nombre)))
        elif info.is_required():
            campos[nombre] = (str, Field(title=titulo, description=_descripcion(BuenaPractica, nombre)))
        else:
            campos[nombre] = (str, Field("", title=titulo, description=_descripcion(BuenaPractica, nombre)))
    respuesta = Literal[RESPUESTAS]  # type: ignore[valid-type]  # Literal desde una tupla: válido en ejecución
    for nombre in CRITERIOS:
        campos[f"criterio_{nombre}"] = (respuesta, Field(
            title=etiqueta(Valoracion, nombre),
            description=f"Sí, No o Sin valorar. {_descripcion(Valoracion, nombre)}"))
    for nombre in CRITERIOS:
        campos[f"justificacion_{nombre}"] = (str, Field(
            "", title=f"{etiqueta(Valoracion, nombre)}: justificación",
            description=f"Por qué se respondió así el criterio «{etiqueta(Valoracion, nombre)}»."))
    campos["fecha_valoracion"] = (date | None, Field(
        None, title=etiqueta(Valoracion, "fecha"), description="Día en que la oficina valoró la práctica."))
    campos["valoracion_completa"] = (bool, Field(
        title="Valoración completa", description="Verdadero si los siete criterios tienen respuesta Sí o No."))
    campos["codigo_formato"] = (str, Field(
        title="Código del formato", description="Código del formato de la ficha (4202000-FT-1311)."))
    campos["version_formato"] = (str, Field(
        title="Versión del formato", description="Versión del formato de la ficha."))
    return campos


PracticaPublicada: type[Modelo] = create_model(
    "PracticaPublicada",
    __base__=Modelo,
    __doc__="Una buena práctica en el catálogo publicado como datos abiertos (sin datos personales).",
    **_campos(),
)
PracticaPublicada.model_config = ConfigDict(**{**Modelo.model_config, "title": "PracticaPublicada"})

COLUMNAS_PUBLICAS: tuple[str, ...] = tuple(PracticaPublicada.model_fields)
"""Las columnas del CSV (y claves del JSON), en orden."""


def tipo_columna(nombre: str) -> str:
    """Tipo legible de una columna para el diccionario de datos."""
    anotacion = PracticaPublicada.model_fields[nombre].annotation
    if anotacion is date:
        return "fecha (AAAA-MM-DD)"
    if anotacion == date | None:
        return "fecha (AAAA-MM-DD), puede ir vacía"
    if anotacion == list[str]:
        return "lista de textos"
    if anotacion is bool:
        return "booleano (true/false)"
    opciones = getattr(anotacion, "__args__", None)
    if opciones and all(isinstance(o, str) for o in opciones):
        return "texto, uno de: " + " / ".join(opciones)
    return "texto"


def esquema_json_publicado() -> dict[str, Any]:
    """JSON Schema (Draft 2020-12) del JSON publicado: una lista de :class:`PracticaPublicada`."""
    esquema = PracticaPublicada.model_json_schema(ref_template="#/$defs/{model}")
    definiciones = esquema.pop("$defs", {})
    definiciones["PracticaPublicada"] = esquema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Catálogo de buenas prácticas de gestión pública (versión pública)",
        "description": "Una práctica por elemento; sin datos personales (Ley 1581 de 2012).",
        "type": "array",
        "items": {"$ref": "#/$defs/PracticaPublicada"},
        "$defs": definiciones,
    }


FRECUENCIAS: dict[str, str] = {
    "mensual": "http://purl.org/cld/freq/monthly",
    "trimestral": "http://purl.org/cld/freq/quarterly",
    "semestral": "http://purl.org/cld/freq/semiannual",
    "anual": "http://purl.org/cld/freq/annual",
    "irregular": "http://purl.org/cld/freq/irregular",
}
"""Frecuencias de actualización y su término del vocabulario Dublin Core (dct:accrualPeriodicity)."""


class Metadatos(Modelo):
    """Metadatos del conjunto de datos (al estilo DCAT, como los pide datos.gov.co)."""

    titulo: str = Field("Catálogo de buenas prácticas de gestión pública", title="Título")
    descripcion: str = Field(
        "Buenas prácticas de gestión pública documentadas en el formato 4202000-FT-1311, con su nivel según "
        "los criterios de Función Pública (2021). Versión pública: sin datos personales (Ley 1581 de 2012).",
        title="Descripción",
    )
    publicador: str = Field("", title="Publicador",
                            description="Entidad que publica; por omisión, la entidad más frecuente en las fichas.")
    emitido: date | None = Field(None, title="Fecha de emisión",
                                 description="Primera publicación; por omisión, la fecha de modificación.")
    licencia: str = Field("https://creativecommons.org/licenses/by-sa/4.0/", title="Licencia",
                          description="URL de la licencia; confirme la que usa su entidad en datos.gov.co.")
    palabras_clave: list[str] = Field(
        default_factory=lambda: ["buenas prácticas", "gestión del conocimiento", "gestión pública",
                                 "lecciones aprendidas", "FT-1311"],
        title="Palabras clave",
    )
    frecuencia: Literal["mensual", "trimestral", "semestral", "anual", "irregular"] = Field(
        "mensual", title="Frecuencia de actualización")


__all__ = [
    "COLUMNAS_PUBLICAS", "FRECUENCIAS", "Metadatos", "PracticaPublicada", "esquema_json_publicado", "tipo_columna",
]
