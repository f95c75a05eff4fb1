"""Método de valoración del riesgo del DAFP (Guía para la administración del riesgo, v5 2020 / v6 2022).

Funciones puras, sin dependencias de Excel ni de Pydantic: el esquema (``esquemas.riesgo``)
y la matriz (``matriz``) calculan con ellas, y los catálogos de la hoja de cálculo se
escriben desde estas mismas constantes, así Python y las fórmulas no se separan.

Los porcentajes se manejan como fracciones (0.6 = 60 %).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

NIVELES: tuple[int, ...] = (1, 2, 3, 4, 5)

PROBABILIDADES: tuple[str, ...] = ("Muy baja", "Baja", "Media", "Alta", "Muy alta")
"""Nombre de cada nivel de probabilidad, del 1 al 5."""

FRECUENCIAS: tuple[str, ...] = (
    "Hasta 2 veces al año",
    "De 3 a 24 veces al año",
    "De 25 a 500 veces al año",
    "De 501 a 5.000 veces al año",
    "Más de 5.000 veces al año",
)
"""Frecuencia anual de la actividad expuesta al riesgo, por nivel de probabilidad."""

IMPACTOS: tuple[str, ...] = ("Leve", "Menor", "Moderado", "Mayor", "Catastrófico")
"""Nombre de cada nivel de impacto, del 1 al 5."""

IMPACTO_ECONOMICO: tuple[str, ...] = (
    "Menos de 10 SMLMV",
    "Entre 10 y 50 SMLMV",
    "Entre 50 y 100 SMLMV",
    "Entre 100 y 500 SMLMV",
    "Más de 500 SMLMV",
)

IMPACTO_REPUTACIONAL: tuple[str, ...] = (
    "Lo conoce un grupo de trabajo",
    "Lo conoce la entidad",
    "Lo conocen usuarios clave o terceros",
    "Se conoce en la ciudad o el departamento",
    "Se conoce en el país",
)

PORCENTAJES: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
"""Valor de cada nivel (probabilidad o impacto) y, a la vez, límite superior del nivel."""

DECIMALES = 6
"""Los porcentajes se redondean antes de comparar: 0.6 * 0.5 no siempre da 0.3 exacto en binario."""
_CUANTO = Decimal(1).scaleb(-DECIMALES)

Zona = Literal["Bajo", "Moderado", "Alto", "Extremo"]
ZONAS: tuple[str, ...] = ("Bajo", "Moderado", "Alto", "Extremo")

COLORES_ZONA: dict[str, str] = {
    "Bajo": "00B050",  # verde
    "Moderado": "FFFF00",  # amarillo
    "Alto": "FFC000",  # naranja
    "Extremo": "FF0000",  # rojo
}
"""Relleno (RGB hexadecimal) de cada zona en el mapa de calor."""

COLORES_TEXTO_ZONA: dict[str, str] = {"Bajo": "000000", "Moderado": "000000", "Alto": "000000", "Extremo": "FFFFFF"}

# Mapa de calor del DAFP: filas = probabilidad 1..5 (Muy baja..Muy alta),
# columnas = impacto 1..5 (Leve..Catastrófico).
MAPA_CALOR: tuple[tuple[str, ...], ...] = (
    ("Bajo", "Bajo", "Moderado", "Alto", "Extremo"),  # Muy baja
    ("Bajo", "Moderado", "Moderado", "Alto", "Extremo"),  # Baja
    ("Moderado", "Moderado", "Moderado", "Alto", "Extremo"),  # Media
    ("Moderado", "Moderado", "Alto", "Alto", "Extremo"),  # Alta
    ("Alto", "Alto", "Alto", "Alto", "Extremo"),  # Muy alta
)

TipoControl = Literal["preventivo", "detectivo", "correctivo"]
TIPOS_CONTROL: tuple[str, ...] = ("preventivo", "detectivo", "correctivo")
PESO_TIPO: dict[str, float] = {"preventivo": 0.25, "detectivo": 0.15, "correctivo": 0.10}

Implementacion = Literal["automatico", "manual"]
IMPLEMENTACIONES: tuple[str, ...] = ("automatico", "manual")
PESO_IMPLEMENTACION: dict[str, float] = {"automatico": 0.25, "manual": 0.15}

DISMINUYE: dict[str, str] = {"preventivo": "Probabilidad", "detectivo": "Probabilidad", "correctivo": "Impacto"}
"""Qué valor baja cada tipo de control."""

Tratamiento = Literal["aceptar", "reducir", "evitar", "compartir"]
TRATAMIENTOS: tuple[str, ...] = ("aceptar", "reducir", "evitar", "compartir")
SINONIMOS_TRATAMIENTO: dict[str, str] = {"mitigar": "reducir", "transferir": "compartir"}

CLASIFICACIONES: tuple[str, ...] = (
    "Ejecución y administración de procesos",
    "Fraude externo",
    "Fraude interno",
    "Fallas tecnológicas",
    "Relaciones laborales",
    "Usuarios, productos y prácticas",
    "Daños a activos fijos/eventos externos",
)
"""Las siete clases de riesgo del DAFP, con su nombre canónico."""

# Cómo se muestran en la hoja de cálculo los valores que en JSON van sin tildes.
ETIQUETAS_VALOR: dict[str, str] = {
    "preventivo": "Preventivo",
    "detectivo": "Detectivo",
    "correctivo": "Correctivo",
    "automatico": "Automático",
    "manual": "Manual",
    "aceptar": "Aceptar",
    "reducir": "Reducir",
    "evitar": "Evitar",
    "compartir": "Compartir",
}


def clave(texto: str) -> str:
    """Forma de comparación: sin tildes, sin mayúsculas, espacios y puntuación como ``_``."""
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sin_tildes.lower()).strip("_")


def _validar_nivel(nivel: int) -> int:
    if isinstance(nivel, bool) or nivel not in NIVELES:
        raise ValueError(f"el nivel debe ser un entero de 1 a 5, no {nivel!r}")
    return nivel


def nombre_probabilidad(nivel: int) -> str:
    return PROBABILIDADES[_validar_nivel(nivel) - 1]


def nombre_impacto(nivel: int) -> str:
    return IMPACTOS[_validar_nivel(nivel) - 1]


def porcentaje(nivel: int) -> float:
    """Valor porcentual de un nivel de probabilidad o impacto (3 → 0.6)."""
    return PORCENTAJES[_validar_nivel(nivel) - 1]


def redondear(valor: float) -> float:
    """Redondeo a :data:`DECIMALES` con mitades hacia arriba, como ROUND de Excel y LibreOffice."""
    return float(Decimal(repr(valor)).quantize(_CUANTO, rounding=ROUND_HALF_UP))


def nivel_de_porcentaje(valor: float) -> int:
    """Nivel que corresponde a un porcentaje: hasta 20 % → 1, hasta 40 % → 2, …, más de 80 % → 5."""
    valor = redondear(valor)
    for nivel, limite in zip(NIVELES, PORCENTAJES):
        if valor <= limite:
            return nivel
    return NIVELES[-1]


def _nivel_de_nombre(valor: Any, nombres: tuple[str, ...]) -> int | None:
    if isinstance(valor, bool):
        return None
    if isinstance(valor, int):
        return valor if valor in NIVELES else None
    if isinstance(valor, float):
        return int(valor) if valor.is_integer() and int(valor) in NIVELES else None
    if isinstance(valor, str):
        texto = valor.strip()
        if texto.isdigit():
            return int(texto) if int(texto) in NIVELES else None
        buscadas = {clave(n): i for i, n in enumerate(nombres, start=1)}
        return buscadas.get(clave(texto))
    return None


def nivel_probabilidad(valor: Any) -> int | None:
    """Nivel de probabilidad a partir de 1..5 o de su nombre ("media", "MUY ALTA"); ``None`` si no lo es."""
    return _nivel_de_nombre(valor, PROBABILIDADES)


def nivel_impacto(valor: Any) -> int | None:
    """Nivel de impacto a partir de 1..5 o de su nombre ("catastrofico", "Mayor"); ``None`` si no lo es."""
    return _nivel_de_nombre(valor, IMPACTOS)


def clasificacion_canonica(valor: str) -> str | None:
    """El nombre canónico de la clase de riesgo (sin importar tildes ni mayúsculas) o ``None``."""
    buscada = clave(valor)
    for nombre in CLASIFICACIONES:
        if clave(nombre) == buscada:
            return nombre
    return None


def zona(probabilidad: int, impacto: int) -> str:
    """Zona del mapa de calor para un par de niveles (1..5, 1..5)."""
    return MAPA_CALOR[_validar_nivel(probabilidad) - 1][_validar_nivel(impacto) - 1]


def calificacion(tipo: str, implementacion: str) -> float:
    """Peso del control: tipo + implementación (preventivo automático = 0.5)."""
    try:
        return redondear(PESO_TIPO[tipo] + PESO_IMPLEMENTACION[implementacion])
    except KeyError as exc:
        raise ValueError(f"control desconocido: tipo {tipo!r}, implementación {implementacion!r}") from exc


def disminuye_probabilidad(tipo: str) -> bool:
    """Los controles preventivos y detectivos bajan la probabilidad; los correctivos, el impacto."""
    return DISMINUYE[tipo] == "Probabilidad"


@dataclass(frozen=True)
class Valoracion:
    """Resultado del método para un riesgo: inherente y residual."""

    probabilidad: int
    impacto: int
    zona_inherente: str
    porcentaje_probabilidad_residual: float
    porcentaje_impacto_residual: float
    probabilidad_residual: int
    impacto_residual: int
    zona_residual: str

    @property
    def porcentaje_probabilidad(self) -> float:
        return porcentaje(self.probabilidad)

    @property
    def porcentaje_impacto(self) -> float:
        return porcentaje(self.impacto)


def _tipo_e_implementacion(control: Any) -> tuple[str, str]:
    if isinstance(control, tuple):
        return control[0], control[1]
    if isinstance(control, dict):
        return control["tipo"], control["implementacion"]
    return control.tipo, control.implementacion


def valorar(probabilidad: int, impacto: int, controles: Iterable[Any] = ()) -> Valoracion:
    """Aplica los controles en orden, cada uno sobre lo que dejó el anterior.

    ``controles`` admite tuplas ``(tipo, implementacion)``, diccionarios u objetos con esos
    atributos. ``valor = valor * (1 - calificación)``; el resultado se redondea a
    :data:`DECIMALES` decimales (igual que la fórmula de la hoja) y vuelve a un nivel.
    """
    prob = porcentaje(probabilidad)
    imp = porcentaje(impacto)
    for control in controles:
        tipo, implementacion = _tipo_e_implementacion(control)
        peso = calificacion(tipo, implementacion)
        if disminuye_probabilidad(tipo):
            prob = prob * (1 - peso)
        else:
            imp = imp * (1 - peso)
    prob, imp = redondear(prob), redondear(imp)
    prob_res, imp_res = nivel_de_porcentaje(prob), nivel_de_porcentaje(imp)
    return Valoracion(
        probabilidad=probabilidad,
        impacto=impacto,
        zona_inherente=zona(probabilidad, impacto),
        porcentaje_probabilidad_residual=prob,
        porcentaje_impacto_residual=imp,
        probabilidad_residual=prob_res,
        impacto_residual=imp_res,
        zona_residual=zona(prob_res, imp_res),
    )
