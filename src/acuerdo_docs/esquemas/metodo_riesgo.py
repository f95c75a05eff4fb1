"""Método de valoración del riesgo como datos (DAFP, Guía para la Gestión Integral del Riesgo v7, 2025).

El método (escalas, mapa de calor, pesos de los controles, clases, tipos de riesgo,
tratamientos y su redacción) vive en un archivo versionado del paquete,
``esquemas/metodos/dafp_v7_2025.json``, que se carga y valida con :class:`MetodoRiesgo`.
Una entidad con otra política pasa el suyo (``metodo=`` en la biblioteca, ``--metodo`` en
la CLI). El esquema del riesgo, la hoja Catálogos y las fórmulas del libro salen del mismo
objeto: Python y Excel no pueden discrepar.

Secciones de la guía que sigue (ver docs/riesgos.md, «Qué se confirmó en la guía»):

- Tabla 3, criterios de probabilidad; tabla 4, criterios de impacto (económico en SMLMV y
  reputacional; con ambos, cuenta el mayor); mapa de calor; tabla 6, atributos de los
  controles (de eficiencia: tipo e implementación, que suman su peso; informativos:
  documentación, frecuencia y evidencia, que no puntúan). Son las tablas de la v5 (2020) y
  v6 (2022); las implementaciones públicas de la v7 las conservan, pero su texto no se
  pudo cotejar.
- Tipos de riesgo de la v7: gestión, fiscal, seguridad de la información, integridad
  pública (antes corrupción) y ambiental. Reglas de integridad (antes corrupción, v4/v5):
  no se acepta el riesgo y su impacto es al menos moderado.

Las funciones son puras y reciben ``metodo`` opcional; sin él usan el método activo
(:func:`usar_metodo`) o el de la guía. Los porcentajes son fracciones (0.6 = 60 %).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..limites_entrada import (
    LARGO_NOMBRE_METODO,
    LARGO_TEXTO_METODO,
    LIMITE_BYTES_METODO,
    LIMITE_OPCIONES_METODO,
    MB,
    recortar,
)
from .comun import NUMEROS_FINITOS, sin_enlace_de_ejemplo
from .entrada_json import cargar_json

NIVELES: tuple[int, ...] = (1, 2, 3, 4, 5)
ARCHIVO_METODO = Path(__file__).with_name("metodos") / "dafp_v7_2025.json"
"""Archivo de datos del método de la guía, versionado dentro del paquete."""


def clave(texto: str) -> str:
    """Forma de comparación: sin tildes, sin mayúsculas, espacios y puntuación como ``_``."""
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sin_tildes.lower()).strip("_")


# ---------------------------------------------------------------- modelo del archivo

_NOMBRE_VALIDO = re.compile(r"^[^\W_][^\x00-\x1f\x7f<>{}\[\]\\|*?~]*$")
"""Un nombre del método: empieza por letra o dígito (nunca ``= + - @``, que abren una fórmula en una
hoja de cálculo) y no lleva caracteres de control ni ``< > { } [ ] \\ |``, ni los comodines ``* ? ~``
de MATCH y COUNTIF (un nombre «A*» encontraría otro). Las comillas se admiten: en una fórmula van
escapadas (``formulas.texto_formula``)."""


def _nombre_metodo(valor: str) -> str:
    if not _NOMBRE_VALIDO.match(valor):
        raise ValueError(
            f"el nombre «{recortar(valor, 40)}» no es válido: debe empezar por una letra o un número y no llevar"
            " caracteres de control ni < > { } [ ] \\ | * ? ~"
        )
    return valor


def _texto_metodo(valor: str) -> str:
    if any(ord(c) < 32 and c not in "\n\t" or c == "\x7f" for c in valor):
        raise ValueError("no puede llevar caracteres de control")
    return valor


NombreMetodo = Annotated[str, Field(min_length=1, max_length=LARGO_NOMBRE_METODO), AfterValidator(_nombre_metodo)]
"""Nombre de un nivel, una zona, una clase o una opción: va en listas, catálogos y fórmulas del libro."""
TextoMetodo = Annotated[str, Field(max_length=LARGO_TEXTO_METODO), AfterValidator(_texto_metodo)]
"""Texto descriptivo de un método (criterios, descripciones, fuente)."""


_T = TypeVar("_T")
_Lista = Annotated[tuple[_T, ...], Field(max_length=LIMITE_OPCIONES_METODO)]
"""Tupla de a lo sumo :data:`LIMITE_OPCIONES_METODO` elementos."""
_ListaNoVacia = Annotated[tuple[_T, ...], Field(min_length=1, max_length=LIMITE_OPCIONES_METODO)]
"""Tupla de 1 a :data:`LIMITE_OPCIONES_METODO` elementos."""



class _Parte(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=sin_enlace_de_ejemplo, **NUMEROS_FINITOS)


class NivelProb(_Parte):
    nombre: NombreMetodo
    frecuencia: TextoMetodo
    porcentaje: float = Field(gt=0, le=1)


class NivelImp(_Parte):
    nombre: NombreMetodo
    economico: TextoMetodo = Field(description="Banda de afectación económica (SMLMV).")
    reputacional: TextoMetodo = Field(description="Redacción oficial del criterio reputacional.")
    porcentaje: float = Field(gt=0, le=1)


class ZonaRiesgo(_Parte):
    nombre: NombreMetodo
    color: str = Field(pattern=r"^[0-9A-Fa-f]{6}$")
    color_texto: str = Field(default="000000", pattern=r"^[0-9A-Fa-f]{6}$")
    nombre_color: Annotated[str, Field(max_length=LARGO_NOMBRE_METODO), AfterValidator(_texto_metodo)] = ""


class Opcion(_Parte):
    clave: str = Field(pattern=r"^[a-z0-9_]+$", max_length=LARGO_NOMBRE_METODO)
    nombre: NombreMetodo
    descripcion: TextoMetodo = ""
    sinonimos: _Lista[NombreMetodo] = ()


class TipoControlM(Opcion):
    peso: float = Field(ge=0, le=1)
    disminuye: Literal["probabilidad", "impacto"]


class ImplementacionM(Opcion):
    peso: float = Field(ge=0, le=1)


class AtributoInformativo(Opcion):
    valores: _ListaNoVacia[Opcion]


class TipoRiesgo(Opcion):
    tratamientos_no_admitidos: _Lista[NombreMetodo] = ()
    impacto_minimo: int | None = Field(default=None, ge=1, le=5)


CLAVES_CONTRATO = {
    "tipos_control": ("preventivo", "detectivo", "correctivo"),
    "implementaciones": ("automatico", "manual"),
    "tratamientos": ("aceptar", "reducir", "evitar", "compartir"),
    "atributos_informativos": ("documentacion", "frecuencia", "evidencia"),
}
"""Claves que son contrato del JSON de riesgos: un método propio cambia nombres y pesos, no estas claves."""


class MetodoRiesgo(_Parte):
    """Un método de valoración del riesgo completo (ver ``metodos/dafp_v7_2025.json``).

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """

    nombre: TextoMetodo
    version: Annotated[str, Field(max_length=LARGO_NOMBRE_METODO), AfterValidator(_texto_metodo)]
    fuente: TextoMetodo = ""
    decimales: int = Field(default=6, ge=2, le=10)
    probabilidad: tuple[NivelProb, ...] = Field(min_length=5, max_length=5)
    impacto: tuple[NivelImp, ...] = Field(min_length=5, max_length=5)
    zonas: _ListaNoVacia[ZonaRiesgo]
    mapa_calor: tuple[Annotated[tuple[NombreMetodo, ...], Field(max_length=5)], ...] = Field(
        min_length=5, max_length=5, description="Filas: probabilidad 1..5; columnas: impacto 1..5."
    )
    tipos_control: _Lista[TipoControlM]
    implementaciones: _Lista[ImplementacionM]
    atributos_informativos: _Lista[AtributoInformativo]
    clasificaciones: _ListaNoVacia[NombreMetodo]
    tipos_riesgo: _ListaNoVacia[TipoRiesgo]
    tratamientos: _Lista[Opcion]

    @model_validator(mode="after")
    def _coherente(self) -> MetodoRiesgo:
        for escala, niveles in (("probabilidad", self.probabilidad), ("impacto", self.impacto)):
            pct = [n.porcentaje for n in niveles]
            if pct != sorted(set(pct)):
                raise ValueError(f"los porcentajes de {escala} deben crecer de un nivel al siguiente")
        zonas = {z.nombre for z in self.zonas}
        for fila in self.mapa_calor:
            if len(fila) != 5:
                raise ValueError("cada fila de mapa_calor debe tener 5 zonas (una por nivel de impacto)")
            for z in fila:
                if z not in zonas:
                    raise ValueError(f"mapa_calor nombra la zona «{recortar(z, 40)}», que no está en «zonas»")
        for campo_, claves in CLAVES_CONTRATO.items():
            tienen = tuple(o.clave for o in getattr(self, campo_))
            if sorted(tienen) != sorted(claves):
                raise ValueError(f"{campo_} debe tener exactamente las claves {', '.join(claves)}")
        tratamientos = {t.clave for t in self.tratamientos}
        vistas: set[str] = set()
        for t in self.tipos_riesgo:
            if t.clave in vistas:
                raise ValueError(f"tipos_riesgo repite la clave «{recortar(t.clave, 40)}»")
            vistas.add(t.clave)
            for no in t.tratamientos_no_admitidos:
                if no not in tratamientos:
                    raise ValueError(f"el tipo «{recortar(t.clave, 40)}» no admite «{recortar(no, 40)}»,"
                                     " que no es un tratamiento")
        return self

    # -- vistas de conveniencia (tuplas y diccionarios que usan el esquema y el libro)
    @cached_property
    def nombres_probabilidad(self) -> tuple[str, ...]:
        return tuple(n.nombre for n in self.probabilidad)

    @cached_property
    def nombres_impacto(self) -> tuple[str, ...]:
        return tuple(n.nombre for n in self.impacto)

    @cached_property
    def nombres_zona(self) -> tuple[str, ...]:
        return tuple(z.nombre for z in self.zonas)

    @cached_property
    def zona_por_nombre(self) -> dict[str, ZonaRiesgo]:
        return {z.nombre: z for z in self.zonas}

    @cached_property
    def control_por_clave(self) -> dict[str, TipoControlM]:
        return {t.clave: t for t in self.tipos_control}

    @cached_property
    def implementacion_por_clave(self) -> dict[str, ImplementacionM]:
        return {i.clave: i for i in self.implementaciones}

    @cached_property
    def tipo_riesgo_por_clave(self) -> dict[str, TipoRiesgo]:
        return {t.clave: t for t in self.tipos_riesgo}

    @cached_property
    def atributo_por_clave(self) -> dict[str, AtributoInformativo]:
        return {a.clave: a for a in self.atributos_informativos}

    @cached_property
    def etiquetas(self) -> dict[str, str]:
        """Nombre para mostrar de cada clave de control, implementación, tratamiento, tipo y atributo."""
        todas: list[Opcion] = [*self.tipos_control, *self.implementaciones, *self.tratamientos, *self.tipos_riesgo]
        for a in self.atributos_informativos:
            todas += list(a.valores)
        return {o.clave: o.nombre for o in todas}


FuenteMetodo = MetodoRiesgo | dict[str, Any] | Path | str
"""Un método de riesgos: el objeto, su diccionario o la ruta de su JSON (lo que acepta :func:`cargar_metodo`)."""


def cargar_metodo(origen: FuenteMetodo) -> MetodoRiesgo:
    """Lee y valida un método (ruta a un JSON, diccionario u objeto); errores en español.

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """
    from ..errores import ErrorEntrada, causa_sistema, validar

    if isinstance(origen, MetodoRiesgo):
        return origen
    if isinstance(origen, dict):
        return validar(MetodoRiesgo, origen)
    ruta = Path(origen)
    try:
        if ruta.stat().st_size > LIMITE_BYTES_METODO:
            raise ErrorEntrada(f"El método {ruta.name} pesa más de {LIMITE_BYTES_METODO // MB} MB, el máximo de un"
                               " método (el de la guía pesa 10 KB)")
        texto = ruta.read_text(encoding="utf-8")
    except OSError as exc:
        raise ErrorEntrada(f"No se pudo leer el método {ruta}: {causa_sistema(exc)}") from None
    except UnicodeDecodeError:
        raise ErrorEntrada(f"El método {ruta} no está en UTF-8 (guárdelo como JSON en UTF-8)") from None
    return validar(MetodoRiesgo, cargar_json(texto, f"El método {ruta}"))


METODO_DAFP: MetodoRiesgo = MetodoRiesgo.model_validate_json(ARCHIVO_METODO.read_text(encoding="utf-8"))
"""El método de la guía (archivo incorporado), cargado y validado al importar."""

_ACTIVO: ContextVar[MetodoRiesgo | None] = ContextVar("metodo_riesgo_activo", default=None)


def metodo_actual() -> MetodoRiesgo:
    """El método activo (:func:`usar_metodo`) o el de la guía."""
    return _ACTIVO.get() or METODO_DAFP


@contextmanager
def usar_metodo(metodo: MetodoRiesgo | None) -> Iterator[MetodoRiesgo]:
    """Valida los riesgos con ``metodo`` dentro del bloque (clases, tipos y reglas propias)."""
    m = metodo or metodo_actual()
    token = _ACTIVO.set(m)
    try:
        yield m
    finally:
        _ACTIVO.reset(token)


def _m(metodo: MetodoRiesgo | None) -> MetodoRiesgo:
    return metodo or metodo_actual()


# ---------------------------------------------------------------- constantes (método de la guía)
# Se conservan para quien las importa (lectores, documentos); salen del archivo de datos.

PROBABILIDADES: tuple[str, ...] = METODO_DAFP.nombres_probabilidad
FRECUENCIAS: tuple[str, ...] = tuple(n.frecuencia for n in METODO_DAFP.probabilidad)
IMPACTOS: tuple[str, ...] = METODO_DAFP.nombres_impacto
IMPACTO_ECONOMICO: tuple[str, ...] = tuple(n.economico for n in METODO_DAFP.impacto)
IMPACTO_REPUTACIONAL: tuple[str, ...] = tuple(n.reputacional for n in METODO_DAFP.impacto)
PORCENTAJES: tuple[float, ...] = tuple(n.porcentaje for n in METODO_DAFP.probabilidad)
DECIMALES = METODO_DAFP.decimales
ZONAS: tuple[str, ...] = METODO_DAFP.nombres_zona
COLORES_ZONA: dict[str, str] = {z.nombre: z.color for z in METODO_DAFP.zonas}
COLORES_TEXTO_ZONA: dict[str, str] = {z.nombre: z.color_texto for z in METODO_DAFP.zonas}
MAPA_CALOR: tuple[tuple[str, ...], ...] = METODO_DAFP.mapa_calor
TIPOS_CONTROL: tuple[str, ...] = CLAVES_CONTRATO["tipos_control"]
PESO_TIPO: dict[str, float] = {t.clave: t.peso for t in METODO_DAFP.tipos_control}
IMPLEMENTACIONES: tuple[str, ...] = CLAVES_CONTRATO["implementaciones"]
PESO_IMPLEMENTACION: dict[str, float] = {i.clave: i.peso for i in METODO_DAFP.implementaciones}
DISMINUYE: dict[str, str] = {t.clave: t.disminuye.capitalize() for t in METODO_DAFP.tipos_control}
TRATAMIENTOS: tuple[str, ...] = CLAVES_CONTRATO["tratamientos"]
SINONIMOS_TRATAMIENTO: dict[str, str] = {s: t.clave for t in METODO_DAFP.tratamientos for s in t.sinonimos}
CLASIFICACIONES: tuple[str, ...] = METODO_DAFP.clasificaciones
TIPOS_RIESGO: tuple[str, ...] = tuple(t.clave for t in METODO_DAFP.tipos_riesgo)
ETIQUETAS_VALOR: dict[str, str] = METODO_DAFP.etiquetas

TipoControl = Literal["preventivo", "detectivo", "correctivo"]
Implementacion = Literal["automatico", "manual"]
Tratamiento = Literal["aceptar", "reducir", "evitar", "compartir"]
Documentacion = Literal["documentado", "sin_documentar"]
Frecuencia = Literal["continua", "aleatoria"]
Evidencia = Literal["con_registro", "sin_registro"]
Zona = str

_CUANTO_CACHE: dict[int, Decimal] = {}


# ---------------------------------------------------------------- funciones


def _validar_nivel(nivel: int) -> int:
    if isinstance(nivel, bool) or nivel not in NIVELES:
        raise ValueError(f"el nivel debe ser un entero de 1 a 5, no {nivel!r}")
    return nivel


def nombre_probabilidad(nivel: int, metodo: MetodoRiesgo | None = None) -> str:
    return _m(metodo).nombres_probabilidad[_validar_nivel(nivel) - 1]


def nombre_impacto(nivel: int, metodo: MetodoRiesgo | None = None) -> str:
    return _m(metodo).nombres_impacto[_validar_nivel(nivel) - 1]


def porcentaje(nivel: int, metodo: MetodoRiesgo | None = None, *, escala: str = "probabilidad") -> float:
    """Valor porcentual de un nivel de probabilidad (o de impacto con ``escala="impacto"``)."""
    niveles = _m(metodo).impacto if escala == "impacto" else _m(metodo).probabilidad
    return niveles[_validar_nivel(nivel) - 1].porcentaje


def redondear(valor: float, metodo: MetodoRiesgo | None = None) -> float:
    """Redondeo a los decimales del método con mitades hacia arriba, como ROUND de Excel y LibreOffice."""
    d = _m(metodo).decimales
    cuanto = _CUANTO_CACHE.setdefault(d, Decimal(1).scaleb(-d))
    return float(Decimal(repr(valor)).quantize(cuanto, rounding=ROUND_HALF_UP))


def nivel_de_porcentaje(valor: float, metodo: MetodoRiesgo | None = None, *, escala: str = "probabilidad") -> int:
    """Nivel de un porcentaje residual: el primero cuyo porcentaje no se supera (hasta 20 % → 1, …)."""
    m = _m(metodo)
    valor = redondear(valor, m)
    niveles: tuple[NivelProb | NivelImp, ...] = m.impacto if escala == "impacto" else m.probabilidad
    for nivel, n in zip(NIVELES, niveles, strict=True):
        if valor <= n.porcentaje:
            return nivel
    return NIVELES[-1]


def _nivel_de_nombre(valor: Any, *listas: tuple[str, ...]) -> int | None:
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
        buscada = clave(texto)
        for nombres in listas:
            for i, n in enumerate(nombres, start=1):
                if clave(n) == buscada:
                    return i
    return None


def nivel_probabilidad(valor: Any, metodo: MetodoRiesgo | None = None) -> int | None:
    """Nivel de probabilidad a partir de 1..5 o de su nombre ("media", "MUY ALTA"); ``None`` si no lo es."""
    return _nivel_de_nombre(valor, _m(metodo).nombres_probabilidad)


def nivel_impacto(valor: Any, metodo: MetodoRiesgo | None = None) -> int | None:
    """Nivel de impacto a partir de 1..5 o de su nombre ("catastrofico", "Mayor"); ``None`` si no lo es."""
    return _nivel_de_nombre(valor, _m(metodo).nombres_impacto)


def nivel_economico(valor: Any, metodo: MetodoRiesgo | None = None) -> int | None:
    """Nivel del criterio económico: 1..5, el nombre del nivel o la banda en SMLMV del método."""
    m = _m(metodo)
    return _nivel_de_nombre(valor, m.nombres_impacto, tuple(n.economico for n in m.impacto))


def nivel_reputacional(valor: Any, metodo: MetodoRiesgo | None = None) -> int | None:
    """Nivel del criterio reputacional: 1..5, el nombre del nivel o la redacción oficial."""
    m = _m(metodo)
    return _nivel_de_nombre(valor, m.nombres_impacto, tuple(n.reputacional for n in m.impacto))


def nivel_por_criterios(economico: int | None, reputacional: int | None) -> int | None:
    """Tabla 4 de la guía: con los dos criterios, el nivel de impacto es el mayor."""
    dados = [n for n in (economico, reputacional) if n is not None]
    return max(dados) if dados else None


def clasificacion_canonica(valor: str, metodo: MetodoRiesgo | None = None) -> str | None:
    """El nombre canónico de la clase de riesgo (sin importar tildes ni mayúsculas) o ``None``."""
    buscada = clave(valor)
    return next((n for n in _m(metodo).clasificaciones if clave(n) == buscada), None)


def tipo_riesgo_canonico(valor: str, metodo: MetodoRiesgo | None = None) -> str | None:
    """La clave del tipo de riesgo por su clave, nombre o sinónimo ("Integridad pública", "corrupción")."""
    buscada = clave(valor)
    for t in _m(metodo).tipos_riesgo:
        if buscada in (t.clave, clave(t.nombre), *(clave(s) for s in t.sinonimos)):
            return t.clave
    return None


def zona(probabilidad: int, impacto: int, metodo: MetodoRiesgo | None = None) -> str:
    """Zona del mapa de calor para un par de niveles (1..5, 1..5)."""
    return _m(metodo).mapa_calor[_validar_nivel(probabilidad) - 1][_validar_nivel(impacto) - 1]


def calificacion(tipo: str, implementacion: str, metodo: MetodoRiesgo | None = None) -> float:
    """Peso del control: tipo + implementación (preventivo automático = 0.5 en la guía)."""
    m = _m(metodo)
    try:
        return redondear(m.control_por_clave[tipo].peso + m.implementacion_por_clave[implementacion].peso, m)
    except KeyError as exc:
        raise ValueError(f"control desconocido: tipo {tipo!r}, implementación {implementacion!r}") from exc


def disminuye_probabilidad(tipo: str, metodo: MetodoRiesgo | None = None) -> bool:
    """Preventivos y detectivos bajan la probabilidad; correctivos, el impacto (según el método)."""
    return _m(metodo).control_por_clave[tipo].disminuye == "probabilidad"


def reglas_del_tipo(tipo: str, impacto: int, tratamiento: str, metodo: MetodoRiesgo | None = None) -> list[str]:
    """Las reglas del tipo de riesgo que se incumplen, como mensajes en español (vacía si ninguna)."""
    m = _m(metodo)
    t = m.tipo_riesgo_por_clave.get(tipo)
    if t is None:
        return []
    errores = []
    if tratamiento in t.tratamientos_no_admitidos:
        errores.append(f"un riesgo de tipo «{t.nombre}» no se puede tratar con «{m.etiquetas[tratamiento]}»")
    if t.impacto_minimo is not None and impacto < t.impacto_minimo:
        errores.append(f"el impacto de un riesgo de tipo «{t.nombre}» es al menos"
                       f" «{m.nombres_impacto[t.impacto_minimo - 1]}»")
    return errores


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
    porcentaje_probabilidad: float = 0.0
    porcentaje_impacto: float = 0.0


def _tipo_e_implementacion(control: Any) -> tuple[str, str]:
    if isinstance(control, tuple):
        return control[0], control[1]
    if isinstance(control, dict):
        return control["tipo"], control["implementacion"]
    return control.tipo, control.implementacion


def valorar(probabilidad: int, impacto: int, controles: Iterable[Any] = (),
            metodo: MetodoRiesgo | None = None) -> Valoracion:
    """Aplica los controles en orden, cada uno sobre lo que dejó el anterior.

    ``controles`` admite tuplas ``(tipo, implementacion)``, diccionarios u objetos con esos
    atributos. ``valor = valor * (1 - calificación)``; el resultado se redondea a los
    decimales del método (igual que la fórmula de la hoja) y vuelve a un nivel. Los
    atributos informativos no intervienen.
    """
    m = _m(metodo)
    prob0 = porcentaje(probabilidad, m)
    imp0 = porcentaje(impacto, m, escala="impacto")
    prob, imp = prob0, imp0
    for control in controles:
        tipo, implementacion = _tipo_e_implementacion(control)
        peso = calificacion(tipo, implementacion, m)
        if disminuye_probabilidad(tipo, m):
            prob = prob * (1 - peso)
        else:
            imp = imp * (1 - peso)
    prob, imp = redondear(prob, m), redondear(imp, m)
    prob_res, imp_res = nivel_de_porcentaje(prob, m), nivel_de_porcentaje(imp, m, escala="impacto")
    return Valoracion(
        probabilidad=probabilidad,
        impacto=impacto,
        zona_inherente=zona(probabilidad, impacto, m),
        porcentaje_probabilidad_residual=prob,
        porcentaje_impacto_residual=imp,
        probabilidad_residual=prob_res,
        impacto_residual=imp_res,
        zona_residual=zona(prob_res, imp_res, m),
        porcentaje_probabilidad=prob0,
        porcentaje_impacto=imp0,
    )
