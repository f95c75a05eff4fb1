"""Valoración DAFP de una buena práctica: siete criterios, y el nivel que se deriva de ellos.

Función Pública (Departamento Administrativo de la Función Pública), página «Buenas prácticas y
lecciones aprendidas» (https://www1.funcionpublica.gov.co/web/eva/buenas-practicas-y-lecciones-aprendidas),
citando su metodología de 2021, texto literal:

    «De acuerdo con Función Pública (2021), las buenas prácticas se pueden entender como aquellas
    actuaciones concretas, prácticas o soluciones basadas en ciertos conocimientos, investigaciones o
    experimentos y que, gracias a su utilidad y sencillez, brindan herramientas, métodos y técnicas, que
    pueden aumentar las posibilidades de éxito de la gestión y servir de ejemplo para otras entidades.

    En ese sentido, desde Función Pública se proponen dos niveles de clasificación de las buenas
    prácticas, según se detalla a continuación:

    Primer nivel: Reflejan aprendizajes y ejemplifican acciones desarrolladas por las entidades u
    organismos de la gestión pública.
      o Son sencillas y simples.
      o Son pertinentes y adecuadas al contexto.
      o Fomentan su réplica.

    Segundo nivel: Resuelven necesidades o problemas puntuales de la gestión pública demostrando que
    funciona bien y cuentan con buenos resultados.
      o Le aplican los mismos criterios del primer nivel.
      o Permiten generar una solución.
      o Tienen resultados medibles.
      o Permiten mejorar la eficiencia o la efectividad.
      o Son sustentables en el tiempo.»

Cada viñeta es un criterio que la oficina responde Sí, No o Sin valorar, con una justificación
corta. El nivel nunca se escribe: se deriva (:func:`derivar_nivel`), igual en Python que en la
fórmula del libro del catálogo (:func:`formula_nivel`). Nada se adivina del texto de la ficha.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from ..formulas import texto_formula
from .antes_de_validar import AntesDeValidar
from .comun import FechaOpcional, Modelo, Texto, campo, sin_mayusculas

FUENTE_NIVELES = "https://www1.funcionpublica.gov.co/web/eva/buenas-practicas-y-lecciones-aprendidas"
"""Página de Función Pública con los dos niveles de buenas prácticas (metodología 2021)."""

LARGO_JUSTIFICACION = 500
"""Caracteres de una justificación: corta, cabe en una celda y en una columna de datos abiertos."""


class Respuesta(StrEnum):
    """Respuesta a un criterio."""

    SI = "Sí"
    NO = "No"
    SIN_VALORAR = "Sin valorar"


RESPUESTAS: tuple[str, ...] = tuple(r.value for r in Respuesta)

# Niveles derivados (el orden importa: del menor al mayor).
PENDIENTE = "Pendiente"
NO_CLASIFICA = "No clasifica"
PRIMER_NIVEL = "Primer nivel"
SEGUNDO_NIVEL = "Segundo nivel"
NIVELES: tuple[str, ...] = (PENDIENTE, NO_CLASIFICA, PRIMER_NIVEL, SEGUNDO_NIVEL)


def leer_respuesta(valor: Any) -> Any:
    """Sí / No / Sin valorar, con la misma regla que la fórmula del libro.

    Mayúsculas indiferentes («SÍ», «si» también son Sí, como en la comparación de Excel y
    LibreOffice); vacío o ``None`` es Sin valorar; ``True``/``False`` de un JSON son Sí/No.
    """
    if isinstance(valor, Respuesta):
        return valor
    if valor is None:
        return Respuesta.SIN_VALORAR
    if isinstance(valor, bool):
        return Respuesta.SI if valor else Respuesta.NO
    if isinstance(valor, str):
        clave = valor.casefold()
        if clave in ("sí", "si"):
            return Respuesta.SI
        if clave == "no":
            return Respuesta.NO
        if clave in ("", "sin valorar"):
            return Respuesta.SIN_VALORAR
    raise PydanticCustomError("respuesta_invalida", "debe ser Sí, No o Sin valorar")


_ENTRADA_RESPUESTA: Any = (
    Literal[RESPUESTAS]
    | Annotated[str, Field(pattern=f"^({'|'.join(sin_mayusculas(r) for r in ('sí', 'si', 'no', 'sin valorar'))})?$")]
    | bool | None
)
"""Lo que acepta :func:`leer_respuesta`, para el esquema publicado: un formulario envía «si» o true."""

RespuestaCriterio = Annotated[Respuesta, AntesDeValidar(leer_respuesta, _ENTRADA_RESPUESTA)]


class Criterio(Modelo):
    """Un criterio de la valoración: la respuesta y por qué.

    Ejemplo: [La valoración son datos; el nivel se deriva](../catalogo.md#la-valoración-son-datos-el-nivel-se-deriva).
    """

    respuesta: RespuestaCriterio = campo(
        "Respuesta", "Sí, No o Sin valorar.", default=Respuesta.SIN_VALORAR
    )
    justificacion: Texto = campo(
        "Justificación", "Por qué se respondió así, en pocas palabras.", default="",
        max_length=LARGO_JUSTIFICACION,
    )

    @model_validator(mode="before")
    @classmethod
    def _de_texto(cls, valor: Any) -> Any:
        # "sencilla": "Sí" es la forma corta de {"respuesta": "Sí"}.
        if valor is None or isinstance(valor, (str, bool, Respuesta)):
            return {"respuesta": valor}
        return valor



CriterioEntrada = Annotated[Criterio, BeforeValidator(lambda v: v, json_schema_input_type=Criterio | _ENTRADA_RESPUESTA)]
"""Un criterio: el objeto, o su forma corta («sencilla": "Sí»), que el esquema publicado también declara."""


def _criterio(etiqueta: str, cita: str, nivel: int) -> Any:
    orden = "primer" if nivel == 1 else "segundo"
    return campo(etiqueta, f"Función Pública (2021), {orden} nivel: «{cita}»",
                 default_factory=Criterio, json_schema_extra={"nivel": nivel})


class Valoracion(Modelo):
    """Valoración de una práctica con los criterios de Función Pública (2021).

    El nivel no es un campo: es :attr:`nivel`, derivado de las respuestas.

    Ejemplo: [La valoración son datos; el nivel se deriva](../catalogo.md#la-valoración-son-datos-el-nivel-se-deriva).
    """

    sencilla: CriterioEntrada = _criterio("Sencilla", "Son sencillas y simples.", 1)
    pertinente: CriterioEntrada = _criterio("Pertinente al contexto", "Son pertinentes y adecuadas al contexto.", 1)
    replicable: CriterioEntrada = _criterio("Fomenta su réplica", "Fomentan su réplica.", 1)
    genera_solucion: CriterioEntrada = _criterio("Genera una solución", "Permiten generar una solución.", 2)
    resultados_medibles: CriterioEntrada = _criterio("Resultados medibles", "Tienen resultados medibles.", 2)
    mejora_eficiencia: CriterioEntrada = _criterio(
        "Mejora la eficiencia o la efectividad", "Permiten mejorar la eficiencia o la efectividad.", 2
    )
    sostenible: CriterioEntrada = _criterio("Sustentable en el tiempo", "Son sustentables en el tiempo.", 2)
    evaluador: Texto = campo(
        "Evaluador(a)", "Quién valoró la práctica (dato personal: no va en la versión pública).",
        personal=True, default="",
    )
    fecha: FechaOpcional = campo("Fecha de la valoración", "Día en que se valoró (24/10/2023).", default=None)

    @model_validator(mode="before")
    @classmethod
    def _sin_nivel(cls, valor: Any) -> Any:
        if isinstance(valor, Mapping) and "nivel" in valor:
            raise PydanticCustomError(
                "nivel_derivado", "nivel: no se escribe, se deriva de las respuestas a los criterios"
            )
        return valor

    def respuestas(self) -> dict[str, Respuesta]:
        return {nombre: getattr(self, nombre).respuesta for nombre in CRITERIOS}

    @property
    def nivel(self) -> str:
        """El nivel derivado (ver :func:`derivar_nivel`)."""
        return derivar_nivel(self.respuestas())

    @property
    def completa(self) -> bool:
        """Todos los criterios tienen respuesta Sí o No."""
        return Respuesta.SIN_VALORAR not in self.respuestas().values()

    def vacia(self) -> bool:
        """Nada valorado ni anotado: equivale a no tener valoración."""
        return self == Valoracion()


def _criterios(nivel: int) -> tuple[str, ...]:
    return tuple(
        nombre for nombre, info in Valoracion.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("nivel") == nivel
    )


CRITERIOS_PRIMER_NIVEL: tuple[str, ...] = _criterios(1)
CRITERIOS_SEGUNDO_NIVEL: tuple[str, ...] = _criterios(2)
CRITERIOS: tuple[str, ...] = CRITERIOS_PRIMER_NIVEL + CRITERIOS_SEGUNDO_NIVEL


def derivar_nivel(respuestas: Mapping[str, Respuesta | str | None]) -> str:
    """El nivel de una práctica a partir de sus respuestas (lo que falte cuenta como Sin valorar).

    - Algún criterio del primer nivel en No → «No clasifica».
    - Si no, alguno del primer nivel Sin valorar → «Pendiente».
    - Los tres del primer nivel en Sí: los cuatro del segundo en Sí → «Segundo nivel»;
      si no → «Primer nivel» (el segundo nivel exige también los del primero).

    Ejemplo: [La valoración son datos; el nivel se deriva](../catalogo.md#la-valoración-son-datos-el-nivel-se-deriva).
    """
    valores = {n: leer_respuesta(respuestas.get(n)) for n in CRITERIOS}
    primer = [valores[n] for n in CRITERIOS_PRIMER_NIVEL]
    if Respuesta.NO in primer:
        return NO_CLASIFICA
    if Respuesta.SIN_VALORAR in primer:
        return PENDIENTE
    if all(valores[n] is Respuesta.SI for n in CRITERIOS_SEGUNDO_NIVEL):
        return SEGUNDO_NIVEL
    return PRIMER_NIVEL


def formula_nivel(celdas: Mapping[str, str]) -> str:
    """La misma regla que :func:`derivar_nivel` como fórmula de Excel/LibreOffice.

    ``celdas``: criterio → referencia de su celda (``"M2"``). Compara con ``=``, que en Excel y
    LibreOffice no distingue mayúsculas: «Sí», «SÍ», «si» y «Si» valen Sí, como en Python.
    """
    def es(criterio: str, *textos: str) -> str:
        partes = [f"{celdas[criterio]}={texto_formula(t)}" for t in textos]
        return partes[0] if len(partes) == 1 else f"OR({','.join(partes)})"

    def todos(criterios: Sequence[str], *textos: str) -> str:
        return f"AND({','.join(es(c, *textos) for c in criterios)})"

    algun_no = f"OR({','.join(es(c, 'No') for c in CRITERIOS_PRIMER_NIVEL)})"
    return (
        f'=IF({algun_no},{texto_formula(NO_CLASIFICA)},IF({todos(CRITERIOS_PRIMER_NIVEL, "Sí", "Si")},'
        f'IF({todos(CRITERIOS_SEGUNDO_NIVEL, "Sí", "Si")},{texto_formula(SEGUNDO_NIVEL)},'
        f'{texto_formula(PRIMER_NIVEL)}),{texto_formula(PENDIENTE)}))'
    )


__all__ = [
    "CRITERIOS", "CRITERIOS_PRIMER_NIVEL", "CRITERIOS_SEGUNDO_NIVEL", "FUENTE_NIVELES", "NIVELES",
    "NO_CLASIFICA", "PENDIENTE", "PRIMER_NIVEL", "RESPUESTAS", "SEGUNDO_NIVEL", "Criterio", "Respuesta",
    "Valoracion", "derivar_nivel", "formula_nivel", "leer_respuesta",
]
