"""Esquema de la matriz de riesgos (método DAFP, guía v7 de 2025): riesgos y sus controles.

Las claves JSON de :class:`Riesgo` y :class:`Control` son un contrato público.
Los valores calculados (zona inherente, valores residuales) son propiedades de solo
lectura: no se escriben en el JSON y ``model_dump()`` no los incluye, así un riesgo
volcado se puede volver a leer con ``extra="forbid"``.

Los nombres, clases, tipos y reglas se validan contra el método activo
(``metodo_riesgo.usar_metodo``); por omisión, el de la guía. Cada riesgo recuerda el
método con el que se validó y calcula con él.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PrivateAttr, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from ..limites_entrada import LIMITE_RIESGOS
from . import metodo_riesgo as metodo
from .comun import (
    FechaOpcional,
    Modelo,
    TextoCelda,
    TextoCeldaObligatorio,
    TextoObligatorio,
    campo,
    entrada_opciones,
    patron_nombres,
)
from .ficha import Encabezado
from .metodo_riesgo import Valoracion as ValoracionRiesgo

LIMITE_CONTROLES = 10
"""Controles por riesgo (y grupos de columnas de control de la matriz): cada grupo ocupa 6 columnas."""


def _valor_de_lista(valor: Any, sinonimos: dict[str, str] | None = None) -> Any:
    # "Automático", "PREVENTIVO" o "Mitigar" llegan de hojas de cálculo: se comparan sin tildes.
    if not isinstance(valor, str):
        return valor
    texto = metodo.clave(valor)
    return (sinonimos or {}).get(texto, texto)


def _tratamiento(valor: Any) -> Any:
    m = metodo.metodo_actual()
    return _valor_de_lista(valor, {metodo.clave(s): t.clave for t in m.tratamientos for s in t.sinonimos})


def _nivel(lector: Callable[[Any], int | None], codigo: str, escala: str) -> Callable[[Any], int | None]:
    def validar_nivel(valor: Any) -> int | None:
        if valor is None or valor == "":
            return None
        nivel = lector(valor)
        if nivel is None:
            m = metodo.metodo_actual()
            nombres = m.nombres_probabilidad if escala == "probabilidad" else m.nombres_impacto
            raise PydanticCustomError(codigo, "debe ser un nivel de 1 a 5 o su nombre: {nombres}",
                                      {"nombres": ", ".join(nombres)})
        return nivel
    return validar_nivel


def _probabilidad(valor: Any) -> int:
    nivel = metodo.nivel_probabilidad(valor)
    if nivel is None:
        raise PydanticCustomError("probabilidad_invalida", "debe ser un nivel de 1 a 5 o su nombre: {nombres}",
                                  {"nombres": ", ".join(metodo.metodo_actual().nombres_probabilidad)})
    return nivel


def _clasificacion(valor: Any) -> Any:
    if not isinstance(valor, str):
        return valor
    canonica = metodo.clasificacion_canonica(valor)
    if canonica is None:
        raise PydanticCustomError(
            "clasificacion_invalida",
            "debe ser una de las clases del DAFP (o del método propio): {clases}",
            {"clases": "; ".join(metodo.metodo_actual().clasificaciones)},
        )
    return canonica


def _tipo_riesgo(valor: Any) -> Any:
    if valor is None or valor == "":
        return "gestion" if "gestion" in metodo.metodo_actual().tipo_riesgo_por_clave else \
            metodo.metodo_actual().tipos_riesgo[0].clave
    if not isinstance(valor, str):
        return valor
    canonico = metodo.tipo_riesgo_canonico(valor)
    if canonico is None:
        raise PydanticCustomError(
            "tipo_riesgo_invalido", "debe ser uno de los tipos de riesgo: {tipos}",
            {"tipos": ", ".join(t.nombre for t in metodo.metodo_actual().tipos_riesgo)},
        )
    return canonico


def _nombres(*nombres: str) -> Any:
    """Tipo de entrada del JSON Schema: los nombres como el modelo los compara (sin tildes ni mayúsculas)."""
    return Annotated[str, Field(pattern=patron_nombres(nombres))]


def _opciones(opciones: tuple[str, ...], sinonimos: dict[str, str] | None = None) -> Any:
    return entrada_opciones(opciones, sinonimos or {})


def _entrada_nivel(nombres: tuple[str, ...]) -> Any:
    # Un nivel es un entero de 1 a 5 o su nombre («Mayor»): el esquema publicado acepta las dos formas.
    return Annotated[int, Field(ge=1, le=5)] | _nombres(*nombres, *(str(n) for n in metodo.NIVELES))


# Criterios y atributos informativos: el método de la entidad puede nombrarlos a su modo; el esquema
# publicado acepta el nivel o cualquier texto (el modelo dice cuál no es válido).
_NIVEL_O_TEXTO = Annotated[int, Field(ge=1, le=5)] | str | None

TipoControl = Annotated[
    metodo.TipoControl, BeforeValidator(_valor_de_lista, json_schema_input_type=_opciones(metodo.TIPOS_CONTROL))
]
Implementacion = Annotated[
    metodo.Implementacion,
    BeforeValidator(_valor_de_lista, json_schema_input_type=_opciones(metodo.IMPLEMENTACIONES)),
]
Tratamiento = Annotated[
    metodo.Tratamiento, BeforeValidator(
        _tratamiento, json_schema_input_type=_opciones(metodo.TRATAMIENTOS, metodo.SINONIMOS_TRATAMIENTO)
    ),
]
_TEXTO_O_NULO = BeforeValidator(_valor_de_lista, json_schema_input_type=str | None)
Documentacion = Annotated[metodo.Documentacion | None, _TEXTO_O_NULO]
Frecuencia = Annotated[metodo.Frecuencia | None, _TEXTO_O_NULO]
Evidencia = Annotated[metodo.Evidencia | None, _TEXTO_O_NULO]
NivelProbabilidad = Annotated[
    int, BeforeValidator(_probabilidad, json_schema_input_type=_entrada_nivel(metodo.PROBABILIDADES))
]
NivelImpacto = Annotated[int | None, BeforeValidator(
    _nivel(metodo.nivel_impacto, "impacto_invalido", "impacto"),
    json_schema_input_type=_entrada_nivel(metodo.IMPACTOS) | None,
)]
NivelEconomico = Annotated[int | None, BeforeValidator(
    _nivel(metodo.nivel_economico, "impacto_economico_invalido", "impacto"), json_schema_input_type=_NIVEL_O_TEXTO,
)]
NivelReputacional = Annotated[int | None, BeforeValidator(
    _nivel(metodo.nivel_reputacional, "impacto_reputacional_invalido", "impacto"),
    json_schema_input_type=_NIVEL_O_TEXTO,
)]
Clasificacion = Annotated[
    str, BeforeValidator(_clasificacion, json_schema_input_type=_opciones(metodo.CLASIFICACIONES))
]
TipoRiesgo = Annotated[str, BeforeValidator(_tipo_riesgo, json_schema_input_type=str | None)]


def _valores(nombre: str) -> str:
    a = metodo.METODO_DAFP.atributo_por_clave[nombre]
    return " o ".join(f"{v.clave} ({v.nombre.lower()})" for v in a.valores)


class Control(Modelo):
    """Un control existente sobre el riesgo; su tipo e implementación dan su peso (DAFP).

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """

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
    documentacion: Documentacion = campo(
        "Documentación", "Atributo informativo (no puntúa): " + _valores("documentacion") + ".", default=None,
    )
    frecuencia: Frecuencia = campo(
        "Frecuencia", "Atributo informativo (no puntúa): " + _valores("frecuencia") + ".", default=None,
    )
    evidencia: Evidencia = campo(
        "Evidencia", "Atributo informativo (no puntúa): " + _valores("evidencia") + ".", default=None,
    )
    _metodo: metodo.MetodoRiesgo = PrivateAttr(default_factory=metodo.metodo_actual)

    @property
    def calificacion(self) -> float:
        """Peso del control: tipo + implementación (0.25 a 0.5 en la guía); los atributos informativos no cuentan."""
        return metodo.calificacion(self.tipo, self.implementacion, self._metodo)


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
    """Un riesgo del desafío, valorado con el método del DAFP (guía v7, 2025).

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """

    id: TextoCeldaObligatorio = campo("Referencia", "Identificador corto y único del riesgo, por ejemplo R1.")
    tipo: TipoRiesgo = campo(
        "Tipo de riesgo",
        "Guía v7: " + ", ".join(f"{t.clave} ({t.nombre})" for t in metodo.METODO_DAFP.tipos_riesgo)
        + ". Por omisión, gestion. Un riesgo de integridad pública (antes corrupción) no se acepta.",
        default="gestion",
        examples=list(metodo.TIPOS_RIESGO),
    )
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
    impacto_economico: NivelEconomico = campo(
        "Impacto económico",
        "Criterio económico (tabla 4): nivel 1 a 5, su nombre o la banda: " + "; ".join(metodo.IMPACTO_ECONOMICO)
        + ".",
        default=None,
    )
    impacto_reputacional: NivelReputacional = campo(
        "Impacto reputacional",
        "Criterio reputacional (tabla 4): nivel 1 a 5, su nombre o la redacción oficial del nivel.",
        default=None,
    )
    impacto: NivelImpacto = campo(
        "Impacto inherente",
        "Nivel 1 a 5 o su nombre: Leve, Menor, Moderado, Mayor, Catastrófico. Si se dan los criterios"
        " económico y reputacional, es el mayor de los dos (y puede omitirse).",
        default=None,
    )
    controles: list[Control] = campo(
        "Controles", "Controles existentes, en el orden en que actúan.",
        default_factory=list, max_length=LIMITE_CONTROLES,
    )
    tratamiento: Tratamiento = campo(
        "Tratamiento",
        "aceptar, reducir (mitigar), evitar o compartir (transferir). Un riesgo de integridad pública no"
        " se acepta.",
        default="reducir",
    )
    plan_accion: TextoCelda = campo("Plan de acción", "Acciones para tratar el riesgo.", default="")
    responsable: TextoCelda = campo("Responsable", "Actor responsable del plan de acción (id del actor).", default="")
    fecha_seguimiento: FechaOpcional = campo(
        "Fecha de seguimiento", "Fecha de la próxima revisión (24/10/2023 o 2023-10-24).", default=None
    )
    _metodo: metodo.MetodoRiesgo = PrivateAttr(default_factory=metodo.metodo_actual)

    @field_validator("impacto")
    @classmethod
    def _impacto_por_criterios(cls, valor: int | None, info: ValidationInfo) -> int:
        criterio = metodo.nivel_por_criterios(info.data.get("impacto_economico"), info.data.get("impacto_reputacional"))
        if valor is None and criterio is None:
            if "impacto_economico" not in info.data or "impacto_reputacional" not in info.data:
                return 0  # el criterio ya tiene su propio error
            raise PydanticCustomError(
                "impacto_faltante", "falta el impacto: indique el nivel o los criterios económico y reputacional"
            )
        if valor is not None and criterio is not None and valor != criterio:
            raise PydanticCustomError(
                "impacto_incoherente",
                "con los criterios dados el impacto es «{nombre}» (el mayor de económico y reputacional)",
                {"nombre": metodo.nombre_impacto(criterio)},
            )
        nivel = valor if valor is not None else criterio
        assert nivel is not None
        tipo = info.data.get("tipo")
        t = metodo.metodo_actual().tipo_riesgo_por_clave.get(tipo or "")
        if t is not None and t.impacto_minimo is not None and nivel < t.impacto_minimo:
            raise PydanticCustomError(
                "impacto_minimo", "el impacto de un riesgo de tipo «{tipo}» es al menos «{minimo}»",
                {"tipo": t.nombre, "minimo": metodo.nombre_impacto(t.impacto_minimo)},
            )
        return nivel

    @field_validator("tratamiento")
    @classmethod
    def _tratamiento_admitido(cls, valor: str, info: ValidationInfo) -> str:
        m = metodo.metodo_actual()
        t = m.tipo_riesgo_por_clave.get(info.data.get("tipo") or "")
        if t is not None and valor in t.tratamientos_no_admitidos:
            raise PydanticCustomError(
                "tratamiento_no_admitido", "un riesgo de tipo «{tipo}» no se puede tratar con «{trat}»",
                {"tipo": t.nombre, "trat": m.etiquetas.get(valor, valor)},
            )
        return valor

    @property
    def metodo(self) -> metodo.MetodoRiesgo:
        """El método con el que se validó (y con el que calcula)."""
        return self._metodo

    @property
    def nivel_impacto(self) -> int:
        assert self.impacto is not None
        return self.impacto

    @property
    def valoracion(self) -> ValoracionRiesgo:
        return metodo.valorar(self.probabilidad, self.nivel_impacto, self.controles, self._metodo)

    @property
    def porcentaje_probabilidad(self) -> float:
        return metodo.porcentaje(self.probabilidad, self._metodo)

    @property
    def porcentaje_impacto(self) -> float:
        return metodo.porcentaje(self.nivel_impacto, self._metodo, escala="impacto")

    @property
    def zona_inherente(self) -> str:
        return metodo.zona(self.probabilidad, self.nivel_impacto, self._metodo)

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


class EncabezadoMatriz(Encabezado):
    """Encabezado de la matriz: la misma familia de formatos que la ficha y el acuerdo.

    El código no es oficial: la entidad que adopte la matriz escribe el que le asigne.

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """

    formato: TextoObligatorio = campo("FORMATO", default="Matriz de riesgos del acuerdo simbólico")
    codigo: TextoObligatorio = campo(
        "CÓDIGO", "Código del formato en el sistema de gestión de la entidad; por omisión «POR ASIGNAR».",
        default="POR ASIGNAR",
    )
    version: TextoObligatorio = campo("VERSIÓN", default="01")


class MatrizRiesgos(Modelo):
    """Entrada de la matriz de riesgos sin acuerdo: encabezado del formato y la lista de riesgos.

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """

    encabezado: EncabezadoMatriz = campo(
        "Encabezado del formato",
        "Proceso, procedimiento, formato, código y versión; se imprimen en cada página.",
        default_factory=EncabezadoMatriz,
    )
    entidad: TextoCelda = campo("Entidad", "Entidad que lidera el desafío.", default="")
    desafio: TextoCelda = campo("Desafío", "Nombre del desafío de innovación.", default="")
    fecha: FechaOpcional = campo("Fecha", "Fecha de elaboración de la matriz.", default=None)
    riesgos: list[Riesgo] = campo("Riesgos", f"Riesgos del desafío (hasta {LIMITE_RIESGOS}).", default_factory=list,
                                  max_length=LIMITE_RIESGOS)

    @field_validator("riesgos")
    @classmethod
    def _ids_unicos(cls, valor: list[Riesgo]) -> list[Riesgo]:
        return verificar_ids_unicos(valor)


__all__ = [
    "Control",
    "EncabezadoMatriz",
    "ETIQUETAS_CALCULADAS",
    "MatrizRiesgos",
    "Riesgo",
    "ids_repetidos",
    "verificar_ids_unicos",
]
