"""Esquema de la matriz de riesgos (método DAFP): riesgos y sus controles.

Las claves JSON de :class:`Riesgo` y :class:`Control` son un contrato público.
Los valores calculados (zona inherente, valores residuales) son propiedades de solo
lectura: no se escriben en el JSON y ``model_dump()`` no los incluye, así un riesgo
volcado se puede volver a leer con ``extra="forbid"``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BeforeValidator, field_validator
from pydantic_core import PydanticCustomError

from . import metodo_riesgo as metodo
from .comun import FechaOpcional, Modelo, TextoCelda, TextoCeldaObligatorio, campo

LIMITE_CONTROLES = 10
"""Controles por riesgo (y grupos de columnas de control de la matriz): cada grupo ocupa 6 columnas."""


def _valor_de_lista(valor: Any, sinonimos: dict[str, str] | None = None) -> Any:
    # "Automático", "PREVENTIVO" o "Mitigar" llegan de hojas de cálculo: se comparan sin tildes.
    if not isinstance(valor, str):
        return valor
    texto = metodo.clave(valor)
    return (sinonimos or {}).get(texto, texto)


def _tratamiento(valor: Any) -> Any:
    return _valor_de_lista(valor, metodo.SINONIMOS_TRATAMIENTO)


def _probabilidad(valor: Any) -> int:
    nivel = metodo.nivel_probabilidad(valor)
    if nivel is None:
        raise PydanticCustomError(
            "probabilidad_invalida",
            "debe ser un nivel de 1 a 5 o su nombre: {nombres}",
            {"nombres": ", ".join(metodo.PROBABILIDADES)},
        )
    return nivel


def _impacto(valor: Any) -> int:
    nivel = metodo.nivel_impacto(valor)
    if nivel is None:
        raise PydanticCustomError(
            "impacto_invalido",
            "debe ser un nivel de 1 a 5 o su nombre: {nombres}",
            {"nombres": ", ".join(metodo.IMPACTOS)},
        )
    return nivel


def _clasificacion(valor: Any) -> Any:
    if not isinstance(valor, str):
        return valor
    canonica = metodo.clasificacion_canonica(valor)
    if canonica is None:
        raise PydanticCustomError(
            "clasificacion_invalida",
            "debe ser una de las clases del DAFP: {clases}",
            {"clases": "; ".join(metodo.CLASIFICACIONES)},
        )
    return canonica


TipoControl = Annotated[metodo.TipoControl, BeforeValidator(_valor_de_lista)]
Implementacion = Annotated[metodo.Implementacion, BeforeValidator(_valor_de_lista)]
Tratamiento = Annotated[metodo.Tratamiento, BeforeValidator(_tratamiento)]
NivelProbabilidad = Annotated[int, BeforeValidator(_probabilidad)]
NivelImpacto = Annotated[int, BeforeValidator(_impacto)]
Clasificacion = Annotated[str, BeforeValidator(_clasificacion)]


class Control(Modelo):
    """Un control existente sobre el riesgo; su tipo e implementación dan su peso (DAFP)."""

    descripcion: TextoCeldaObligatorio = campo(
        "Descripción del control",
        "Qué se hace, quién lo hace y cuándo; por ejemplo: «El equipo del laboratorio revisa el"
        " acuerdo en cada comité de seguimiento».",
    )
    tipo: TipoControl = campo(
        "Tipo de control",
        "preventivo (25 %) o detectivo (15 %) bajan la probabilidad; correctivo (10 %) baja el impacto.",
    )
    implementacion: Implementacion = campo(
        "Implementación",
        "automatico (25 %): lo ejecuta un sistema; manual (15 %): lo ejecuta una persona.",
    )
    responsable: TextoCelda = campo(
        "Responsable del control", "Actor o cargo que ejecuta el control (por ejemplo, el id del actor).",
        default="",
    )

    @property
    def calificacion(self) -> float:
        """Peso del control: tipo + implementación (0.25 a 0.5)."""
        return metodo.calificacion(self.tipo, self.implementacion)


ETIQUETAS_CALCULADAS: dict[str, tuple[str, str]] = {
    "porcentaje_probabilidad": (
        "% probabilidad inherente", "Valor del nivel de probabilidad (Muy baja 20 % … Muy alta 100 %).",
    ),
    "porcentaje_impacto": ("% impacto inherente", "Valor del nivel de impacto (Leve 20 % … Catastrófico 100 %)."),
    "zona_inherente": (
        "Zona de riesgo inherente", "Se lee en el mapa de calor con la probabilidad y el impacto inherentes.",
    ),
    "calificacion": ("Calificación del control", "Peso del tipo más peso de la implementación."),
    "disminuye": ("Disminuye", "Preventivo y detectivo: probabilidad; correctivo: impacto."),
    "porcentaje_probabilidad_residual": (
        "% probabilidad residual",
        "Cada control preventivo o detectivo deja valor × (1 − calificación), sobre lo que dejó el anterior.",
    ),
    "probabilidad_residual": ("Probabilidad residual", "Nivel del % residual: hasta 20 % Muy baja, hasta 40 % Baja, …"),
    "porcentaje_impacto_residual": (
        "% impacto residual",
        "Cada control correctivo deja valor × (1 − calificación), sobre lo que dejó el anterior.",
    ),
    "impacto_residual": ("Impacto residual", "Nivel del % residual: hasta 20 % Leve, hasta 40 % Menor, …"),
    "zona_residual": (
        "Zona de riesgo residual", "Se lee en el mapa de calor con la probabilidad y el impacto residuales.",
    ),
}
"""Etiqueta y ayuda de los valores calculados (no son campos: nadie los escribe)."""


class Riesgo(Modelo):
    """Un riesgo del desafío, valorado con el método del DAFP."""

    id: TextoCeldaObligatorio = campo("Referencia", "Identificador corto y único del riesgo, por ejemplo R1.")
    descripcion: TextoCeldaObligatorio = campo(
        "Descripción del riesgo",
        "Al estilo DAFP: «Posibilidad de pérdida reputacional por … debido a …».",
    )
    causa: TextoCelda = campo("Causa", "Causa raíz: por qué puede ocurrir.", default="")
    consecuencia: TextoCelda = campo("Consecuencia", "Qué pasa si ocurre.", default="")
    clasificacion: Clasificacion = campo(
        "Clasificación",
        "Una de las siete clases del DAFP: " + "; ".join(metodo.CLASIFICACIONES) + ".",
    )
    probabilidad: NivelProbabilidad = campo(
        "Probabilidad inherente",
        "Nivel 1 a 5 o su nombre: Muy baja (hasta 2 veces al año), Baja (3 a 24), Media (25 a 500),"
        " Alta (501 a 5.000), Muy alta (más de 5.000).",
        ge=1,
        le=5,
    )
    impacto: NivelImpacto = campo(
        "Impacto inherente",
        "Nivel 1 a 5 o su nombre: Leve (un grupo de trabajo), Menor (la entidad), Moderado (usuarios"
        " clave), Mayor (la ciudad), Catastrófico (el país).",
        ge=1,
        le=5,
    )
    controles: list[Control] = campo(
        "Controles", "Controles existentes, en el orden en que actúan.",
        default_factory=list, max_length=LIMITE_CONTROLES,
    )
    tratamiento: Tratamiento = campo(
        "Tratamiento",
        "aceptar, reducir (mitigar), evitar o compartir (transferir).",
        default="reducir",
    )
    plan_accion: TextoCelda = campo("Plan de acción", "Acciones para tratar el riesgo.", default="")
    responsable: TextoCelda = campo("Responsable", "Actor responsable del plan de acción (id del actor).", default="")
    fecha_seguimiento: FechaOpcional = campo(
        "Fecha de seguimiento", "Fecha de la próxima revisión (24/10/2023 o 2023-10-24).", default=None
    )

    @property
    def valoracion(self) -> metodo.Valoracion:
        return metodo.valorar(self.probabilidad, self.impacto, self.controles)

    @property
    def porcentaje_probabilidad(self) -> float:
        return metodo.porcentaje(self.probabilidad)

    @property
    def porcentaje_impacto(self) -> float:
        return metodo.porcentaje(self.impacto)

    @property
    def zona_inherente(self) -> str:
        return metodo.zona(self.probabilidad, self.impacto)

    @property
    def porcentaje_probabilidad_residual(self) -> float:
        return self.valoracion.porcentaje_probabilidad_residual

    @property
    def porcentaje_impacto_residual(self) -> float:
        return self.valoracion.porcentaje_impacto_residual

    @property
    def probabilidad_residual(self) -> int:
        return self.valoracion.probabilidad_residual

    @property
    def impacto_residual(self) -> int:
        return self.valoracion.impacto_residual

    @property
    def zona_residual(self) -> str:
        return self.valoracion.zona_residual


def ids_repetidos(riesgos: Iterable[Riesgo]) -> list[str]:
    """Referencias que aparecen más de una vez (sin distinguir mayúsculas), en orden de aparición."""
    vistos: set[str] = set()
    repetidos: list[str] = []
    for riesgo in riesgos:
        clave = riesgo.id.strip().casefold()
        if clave in vistos and riesgo.id not in repetidos:
            repetidos.append(riesgo.id)
        vistos.add(clave)
    return repetidos


def verificar_ids_unicos(riesgos: list[Riesgo]) -> list[Riesgo]:
    """Para validadores de listas de riesgos: el mapa de calor identifica cada riesgo por su referencia."""
    repetidos = ids_repetidos(riesgos)
    if repetidos:
        raise PydanticCustomError(
            "referencia_repetida",
            "la referencia de cada riesgo debe ser única; se repite: {ids}",
            {"ids": ", ".join(repetidos)},
        )
    return riesgos


class MatrizRiesgos(Modelo):
    """Entrada de la matriz de riesgos sin acuerdo: encabezado mínimo y la lista de riesgos."""

    entidad: TextoCelda = campo("Entidad", "Entidad que lidera el desafío.", default="")
    desafio: TextoCelda = campo("Desafío", "Nombre del desafío de innovación.", default="")
    fecha: FechaOpcional = campo("Fecha", "Fecha de elaboración de la matriz.", default=None)
    riesgos: list[Riesgo] = campo("Riesgos", "Riesgos del desafío.", default_factory=list)

    @field_validator("riesgos")
    @classmethod
    def _ids_unicos(cls, valor: list[Riesgo]) -> list[Riesgo]:
        return verificar_ids_unicos(valor)


__all__ = [
    "Control",
    "ETIQUETAS_CALCULADAS",
    "MatrizRiesgos",
    "Riesgo",
    "ids_repetidos",
    "verificar_ids_unicos",
]
