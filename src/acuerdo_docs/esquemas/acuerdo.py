"""Esquema del acuerdo simbólico de corresponsabilidad y su hoja de ruta.

Las claves JSON de :class:`AcuerdoSimbolico` y sus partes son un contrato público:
se pueden agregar claves, no renombrarlas. El estado de cada hito no se escribe:
se deriva del avance y de las fechas frente a una fecha de referencia
(:func:`estado_hito`).
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from ..claves import normalizar_clave
from ..limites_entrada import LARGO_NOMBRE, LIMITE_ACTORES, LIMITE_HITOS, LIMITE_RIESGOS
from .comun import (
    LISTA_DE_LINEAS,
    Correo,
    Fecha,
    FechaOpcional,
    Modelo,
    SiNo,
    Texto,
    TextoNombre,
    TextoObligatorio,
    a_texto,
    campo,
    entrada_opciones,
    fecha_larga,
    limpiar_texto,
    lista_de_lineas,
)
from .ficha import Encabezado
from .riesgo import Riesgo, verificar_ids_unicos

# ------------------------------------------------------------------ catálogos

Sector = Literal["publico", "privado", "academico", "sociedad_civil"]
SECTORES: dict[str, str] = {
    "publico": "Público",
    "privado": "Privado",
    "academico": "Académico",
    "sociedad_civil": "Sociedad civil",
}
"""Valor JSON de cada sector y cómo se muestra en el documento."""

TipoCompromiso = Literal["talento_humano", "equipo", "recursos", "otro"]
TIPOS_COMPROMISO: dict[str, str] = {
    "talento_humano": "Talento humano",
    "equipo": "Equipo",
    "recursos": "Recursos",
    "otro": "Otros",
}
"""Valor JSON de cada tipo de compromiso y su rótulo (en este orden van las columnas de la tabla cruzada)."""

Estado = Literal["sin iniciar", "en curso", "completado", "vencido"]
ESTADOS: dict[str, str] = {
    "sin iniciar": "Sin iniciar",
    "en curso": "En curso",
    "completado": "Completado",
    "vencido": "Vencido",
}
"""Estados de un hito de la hoja de ruta (derivados, no se escriben en el JSON)."""

_SINONIMOS_SECTOR = {
    "sector_publico": "publico", "publica": "publico", "sector_privado": "privado", "privada": "privado",
    "academia": "academico", "academica": "academico", "sector_academico": "academico",
    "sociedad": "sociedad_civil", "civil": "sociedad_civil", "comunidad": "sociedad_civil",
}
_SINONIMOS_TIPO = {
    "talento": "talento_humano", "personas": "talento_humano", "equipos": "equipo",
    "recurso": "recursos", "otros": "otro", "demas": "otro",
}


def _a_clave(sinonimos: dict[str, str]) -> Any:
    # "Sociedad civil", "Académico" o "Talento humano" se escriben como los lee una persona.
    def convertir(valor: Any) -> Any:
        if not isinstance(valor, str):
            return valor
        clave = normalizar_clave(valor)
        return sinonimos.get(clave, clave)

    return convertir


def _identificador(valor: str) -> str:
    valor = valor.strip()
    if not valor:
        raise PydanticCustomError("texto_vacio", "no puede estar vacío")
    return valor


Identificador = Annotated[
    str, BeforeValidator(limpiar_texto),
    BeforeValidator(a_texto, json_schema_input_type=Annotated[str, Field(pattern=r"\S")] | int),
    AfterValidator(_identificador),
]
"""Id corto de un actor (``sdm``); se comparan sin los espacios de los extremos."""

# El esquema publicado acepta lo mismo que el modelo: claves, rótulos y sinónimos, sin tildes ni mayúsculas.
SectorActor = Annotated[Sector, BeforeValidator(
    _a_clave(_SINONIMOS_SECTOR),
    json_schema_input_type=entrada_opciones(SECTORES, [*SECTORES.values(), *_SINONIMOS_SECTOR]),
)]
TipoDeCompromiso = Annotated[TipoCompromiso, BeforeValidator(
    _a_clave(_SINONIMOS_TIPO),
    json_schema_input_type=entrada_opciones(TIPOS_COMPROMISO, [*TIPOS_COMPROMISO.values(), *_SINONIMOS_TIPO]),
)]


Avance = Annotated[int, BeforeValidator(
    lambda v: v,
    json_schema_input_type=Annotated[int, Field(ge=0, le=100)]
    | Annotated[str, Field(pattern=r"^\s*\+?0*(100|[1-9]?[0-9])(\.0*)?\s*$")],
)]
"""Avance de 0 a 100: un número, o el texto que envía un formulario («50»), como lo acepta el modelo."""


def estado_hito(inicio: date, fin: date, avance: float, referencia: date) -> Estado:
    """Estado de un hito en la fecha ``referencia``.

    completado: avance 100; vencido: ``fin`` ya pasó y el avance es menor que 100;
    sin iniciar: ``inicio`` aún no llega y el avance es 0; en curso: todo lo demás
    (también un hito que empezó antes de su fecha de inicio).
    """
    if avance >= 100:
        return "completado"
    if fin < referencia:
        return "vencido"
    if inicio > referencia and avance == 0:
        return "sin iniciar"
    return "en curso"


# ------------------------------------------------------------------ modelos


ENTIDAD_BOGOTA = "ALCALDÍA MAYOR DE BOGOTÁ D.C."
PROCEDIMIENTO_NEUTRO = "Innovación pública"
"""Procedimiento por omisión cuando el acuerdo es de otra entidad (no el del laboratorio iBO de Bogotá)."""


class EncabezadoAcuerdo(Encabezado):
    """Encabezado del acuerdo: la misma familia que la ficha, con valores propios y configurables.

    El código no es oficial: el acuerdo no tiene código en el sistema de gestión de calidad;
    la entidad que lo adopte escribe aquí el que le asigne.
    """

    proceso: TextoObligatorio = campo("PROCESO", default="GOBIERNO ABIERTO Y RELACIÓN CON LA CIUDADANÍA")
    procedimiento: TextoObligatorio = campo("PROCEDIMIENTO", default="Innovación pública – Laboratorio iBO")
    formato: TextoObligatorio = campo("FORMATO", default="Acuerdo simbólico de corresponsabilidad")
    codigo: TextoObligatorio = campo(
        "CÓDIGO", "Código del formato en el sistema de gestión de la entidad; por omisión «POR ASIGNAR».",
        default="POR ASIGNAR",
    )
    version: TextoObligatorio = campo("VERSIÓN", default="01")


class Desafio(Modelo):
    """El desafío de innovación (reto de ciudad) que convoca a los actores."""

    nombre: TextoNombre = campo("Nombre del desafío", f"Un título: hasta {LARGO_NOMBRE} caracteres.")
    descripcion: Texto = campo("Descripción del desafío", "Necesidad o problema de ciudad que se quiere resolver.",
                               default="")


class Facilitador(Modelo):
    """Quien convoca y acompaña el proceso (por omisión, el laboratorio iBO de la Alta Consejería TIC)."""

    entidad: TextoObligatorio = campo("Entidad facilitadora", default="Alta Consejería TIC")
    equipo: Texto = campo("Equipo facilitador", default="iBO – Equipo de innovación pública")
    aporte: TextoObligatorio = campo(
        "Aporte del facilitador",
        "Qué pone el equipo facilitador en el proceso.",
        default="Sus capacidades y su tiempo para definir colaborativamente la mejor opción para abordar el desafío.",
    )


EstadoCompromiso = Literal["pendiente", "en curso", "cumplido"]
ESTADOS_COMPROMISO: dict[str, str] = {"pendiente": "Pendiente", "en curso": "En curso", "cumplido": "Cumplido"}
"""Estados de un compromiso; el equipo los escribe en el libro de la matriz (hoja Compromisos)."""
_SINONIMOS_ESTADO = {"en_curso": "en curso", "cumplida": "cumplido", "pendientes": "pendiente"}


class Compromiso(Modelo):
    """Lo que un actor pone en el desafío.

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """

    tipo: TipoDeCompromiso = campo(
        "Tipo de compromiso", "talento_humano, equipo, recursos u otro."
    )
    descripcion: TextoObligatorio = campo("Descripción del compromiso")
    estado: Annotated[EstadoCompromiso, BeforeValidator(_a_clave(_SINONIMOS_ESTADO))] = campo(
        "Estado del compromiso", "pendiente, en curso o cumplido (se sigue en el libro, hoja Compromisos).",
        default="pendiente",
    )
    evidencia: Texto = campo("Evidencia", "Nota corta de cómo se cumple o se cumplió (un acta, un enlace).",
                             default="")

DecisionActor = Literal["valida", "pide_cambio"]
DECISIONES_ACTOR: dict[str, str] = {"valida": "Validó su participación", "pide_cambio": "Pidió un cambio"}
"""Lo que un actor responde desde su enlace de validación y cómo se dice."""

HORA_COLOMBIA = timezone(timedelta(hours=-5), "COT")
"""La hora de Colombia (UTC-5 todo el año, sin horario de verano): así se muestra el momento de una validación."""


class ValidacionActor(Modelo):
    """La respuesta que un actor dejó desde su enlace de validación (la registra la app web, no se escribe).

    Es una validación simbólica con su fecha y hora, no una firma electrónica.

    >>> from acuerdo_docs import ValidacionActor
    >>> ValidacionActor(decision="valida", momento="2026-12-06T13:15:00Z").resumen()
    'Validó su participación por su enlace el 6 de diciembre de 2026, 08:15 (hora de Colombia)'
    """

    decision: DecisionActor = campo(
        "Respuesta del actor", "valida (validó su rol, responsabilidades y compromisos) o pide_cambio."
    )
    momento: datetime = campo(
        "Fecha y hora de la respuesta", "Fecha y hora ISO 8601 con zona (por ejemplo 2026-12-06T08:15:00-05:00)."
    )
    comentario: Texto = campo("Comentario del actor", "Lo que pide cambiar o quiere anotar.", default="",
                              max_length=2000)
    medio: Literal["enlace"] = campo("Medio", "Por dónde respondió: su enlace personal de la app web.",
                                     default="enlace")

    @field_validator("momento")
    @classmethod
    def _con_zona(cls, valor: datetime) -> datetime:
        # Sin zona no se sabe qué hora fue: se toma como hora de Colombia, la de quien la escribió a mano.
        return valor if valor.tzinfo is not None else valor.replace(tzinfo=HORA_COLOMBIA)

    def momento_legible(self) -> str:
        """«6 de diciembre de 2026, 08:15 (hora de Colombia)»."""
        local = self.momento.astimezone(HORA_COLOMBIA)
        return f"{fecha_larga(local.date())}, {local:%H:%M} (hora de Colombia)"

    def resumen(self) -> str:
        """Una línea para el documento y las vistas: qué respondió, cuándo y por dónde."""
        texto = f"{DECISIONES_ACTOR[self.decision]} por su enlace el {self.momento_legible()}"
        return f"{texto}. Comentario: «{self.comentario}»" if self.comentario else texto


class Actor(Modelo):
    """Una entidad, empresa, universidad u organización que participa en el desafío.

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """

    id: Identificador = campo(
        "Id del actor", "Identificador corto y único (por ejemplo «sdm»); lo usan la hoja de ruta y los riesgos."
    )
    entidad: TextoNombre = campo("Entidad u organización", f"Hasta {LARGO_NOMBRE} caracteres.")
    sector: SectorActor = campo("Sector", "publico, privado, academico o sociedad_civil.")
    representante: Texto = campo(
        "Representante", "Persona que valida y firma por el actor.", personal=True, default=""
    )
    cargo: Texto = campo("Cargo del representante", default="")
    correo: Correo = campo("Correo de contacto", personal=True, default=None)
    rol: TextoObligatorio = campo("Rol en el desafío")
    responsabilidades: list[TextoObligatorio] = campo(
        "Responsabilidades", "Al menos una; una por elemento de la lista."
    )
    compromisos: list[Compromiso] = campo(
        "Compromisos", "Aportes del actor: talento humano, equipo, recursos u otros.", default_factory=list
    )
    validado: SiNo = campo(
        "Validado en la reunión de inicio", "Verdadero cuando el actor confirmó su rol y sus compromisos.",
        default=False,
    )
    validacion: ValidacionActor | None = campo(
        "Validación por enlace",
        "La escribe la app web cuando el actor responde desde su enlace: validó o pidió un cambio, y cuándo.",
        default=None, json_schema_extra={"registro": True},
    )

    @field_validator("responsabilidades", mode="before", json_schema_input_type=LISTA_DE_LINEAS)
    @classmethod
    def _lineas(cls, valor: Any) -> Any:
        if isinstance(valor, str):
            return lista_de_lineas(limpiar_texto(valor))
        return valor

    @field_validator("responsabilidades")
    @classmethod
    def _al_menos_una(cls, valor: list[str]) -> list[str]:
        if not valor:
            raise PydanticCustomError("sin_responsabilidades", "cada actor debe tener al menos una responsabilidad")
        return valor


class Hito(Modelo):
    """Una actividad de la hoja de ruta hacia el prototipo.

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """

    actividad: TextoObligatorio = campo("Actividad")
    fase: Texto = campo("Fase", "Etapa del proceso de innovación (por ejemplo «Prototipado»).", default="")
    responsable: Identificador = campo("Responsable", "Id del actor responsable (uno de los de «actores»).")
    inicio: Fecha = campo("Fecha de inicio")
    fin: Fecha = campo("Fecha de fin", "No puede ser anterior a la fecha de inicio.")
    avance: Avance = campo("Avance (%)", "Porcentaje de avance, de 0 a 100.", default=0, ge=0, le=100)

    @field_validator("fin")
    @classmethod
    def _fin_despues_de_inicio(cls, valor: date, info: ValidationInfo) -> date:
        inicio = info.data.get("inicio")
        if isinstance(inicio, date) and valor < inicio:
            raise PydanticCustomError("fin_antes_de_inicio", "la fecha de fin es anterior a la fecha de inicio")
        return valor

    def estado(self, referencia: date) -> Estado:
        """Estado del hito en la fecha ``referencia`` (vea :func:`estado_hito`)."""
        return estado_hito(self.inicio, self.fin, self.avance, referencia)


class CompromisoEnCorte(Modelo):
    """El estado de un compromiso en un corte (para comparar cortes)."""

    actor: Identificador = campo("Actor")
    descripcion: TextoObligatorio = campo("Descripción del compromiso")
    estado: EstadoCompromiso = campo("Estado del compromiso", default="pendiente")
    evidencia: Texto = campo("Evidencia", default="")


class CierreRiesgo(Modelo):
    """Por qué se cerró un riesgo que salió de la matriz (lo escribe el equipo en la hoja Riesgos cerrados)."""

    id: Identificador = campo("Referencia", "Referencia del riesgo cerrado (la que tenía en la matriz).")
    motivo: TextoObligatorio = campo("Motivo del cierre", "Por qué el riesgo ya no se sigue (materializado, mitigado…).")


class Corte(Modelo):
    """Foto del avance en una fecha de corte: lo que cambia con el tiempo (hitos, riesgos, validaciones).

    La guarda ``acuerdo-docs seguimiento`` en ``AcuerdoSimbolico.seguimiento`` para comparar dos cortes
    cualesquiera; los actores y el resto del acuerdo son los del acuerdo que la contiene.
    """

    fecha: Fecha = campo("Fecha de corte")
    hoja_de_ruta: list[Hito] = campo("Hoja de ruta en el corte", default_factory=list, max_length=LIMITE_HITOS)
    riesgos: list[Riesgo] = campo("Riesgos en el corte", default_factory=list, max_length=LIMITE_RIESGOS)
    validados: list[Identificador] = campo(
        "Actores validados en el corte", "Ids de los actores que habían validado su rol en esa fecha.",
        default_factory=list,
    )
    compromisos: list[CompromisoEnCorte] = campo(
        "Compromisos en el corte", "Estado de cada compromiso de cada actor en esa fecha.", default_factory=list,
    )


class AcuerdoSimbolico(Modelo):
    """Acuerdo simbólico de corresponsabilidad de un desafío de innovación, con su hoja de ruta.

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """

    id: Identificador | None = campo(
        "Identificador estable del acuerdo",
        "Identificador estable del acuerdo: lo llevan los libros que escribe el proyecto, para reconocerlos"
        " aunque se renombren. Si no viene, se deriva de la fecha de la reunión de inicio y el nombre del"
        " desafío, y «acuerdo-docs seguimiento» y los lotes lo guardan en el JSON que escriben.",
        default=None,
    )
    encabezado: EncabezadoAcuerdo = Field(
        default_factory=EncabezadoAcuerdo,
        title="Encabezado del formato",
        description="Proceso, procedimiento, formato, código y versión; el código por omisión es «POR ASIGNAR».",
    )
    desafio: Desafio = campo("Desafío")
    fecha: Fecha = campo("Fecha de la reunión de inicio")
    lugar: TextoObligatorio = campo("Lugar de la reunión de inicio")
    facilitador: Facilitador = campo("Facilitador del proceso", default_factory=Facilitador)
    alcance: TextoObligatorio = campo("Alcance", "Hasta dónde llega el desafío y qué queda por fuera.")
    objetivo: TextoObligatorio = campo("Objetivo", "Qué se espera lograr con el desafío.")
    actores: list[Actor] = campo(
        "Actores", f"Al menos dos y a lo sumo {LIMITE_ACTORES}: entidades públicas, empresas, academia, sociedad civil.",
        max_length=LIMITE_ACTORES, json_schema_extra={"minItems": 2},
    )
    hoja_de_ruta: list[Hito] = campo(
        "Hoja de ruta", f"Actividades hacia el prototipo, con responsable, fechas y avance (hasta {LIMITE_HITOS}).",
        default_factory=list, max_length=LIMITE_HITOS,
    )
    riesgos: list[Riesgo] = campo(
        "Riesgos", "Riesgos del desafío (método DAFP); el responsable de cada uno es el id de un actor"
        f" (hasta {LIMITE_RIESGOS}).",
        default_factory=list, max_length=LIMITE_RIESGOS,
    )
    cierres: list[CierreRiesgo] = campo(
        "Riesgos cerrados", "Motivo del cierre de cada riesgo que salió de la matriz (hoja Riesgos cerrados del libro).",
        default_factory=list,
    )
    fecha_corte: FechaOpcional = campo(
        "Fecha de corte del avance",
        "Fecha frente a la que se calcula el estado de cada hito; si no viene, se usa la fecha del día.",
        default=None,
    )
    seguimiento: list[Corte] = campo(
        "Seguimiento",
        "Historia de cortes (la escribe «acuerdo-docs seguimiento»): una foto por fecha de corte, en orden.",
        default_factory=list,
    )

    @model_validator(mode="before")
    @classmethod
    def _sin_valores_de_bogota_en_otra_entidad(cls, datos: Any) -> Any:
        """Otra entidad (encabezado.entidad) no hereda el procedimiento ni el facilitador de iBO (Bogotá)."""
        if not isinstance(datos, dict) or not isinstance(datos.get("encabezado"), dict):
            return datos
        entidad = limpiar_texto(datos["encabezado"].get("entidad") or "")
        if not entidad or normalizar_clave(entidad) == normalizar_clave(ENTIDAD_BOGOTA):
            return datos
        datos = dict(datos)
        datos["encabezado"] = {"procedimiento": PROCEDIMIENTO_NEUTRO, **datos["encabezado"]}
        if not datos.get("facilitador"):
            datos["facilitador"] = {"entidad": entidad, "equipo": ""}
        return datos

    @field_validator("actores")
    @classmethod
    def _al_menos_dos(cls, valor: list[Actor]) -> list[Actor]:
        if len(valor) < 2:
            raise PydanticCustomError("actores_insuficientes", "el acuerdo necesita al menos dos actores")
        return valor

    @field_validator("seguimiento")
    @classmethod
    def _cortes_en_orden(cls, valor: list[Corte]) -> list[Corte]:
        fechas = [c.fecha for c in valor]
        if len(set(fechas)) != len(fechas):
            raise PydanticCustomError("corte_repetido", "hay dos cortes con la misma fecha")
        return sorted(valor, key=lambda c: c.fecha)

    @field_validator("riesgos")
    @classmethod
    def _riesgos_unicos(cls, valor: list[Riesgo]) -> list[Riesgo]:
        return verificar_ids_unicos(valor)

    @model_validator(mode="after")
    def _referencias(self) -> AcuerdoSimbolico:
        # Un solo ValidationError con un error por elemento: cada uno con su ruta exacta.
        errores: list[InitErrorDetails] = []
        vistos: dict[str, int] = {}
        for i, actor in enumerate(self.actores):
            clave = actor.id.casefold()
            if clave in vistos:
                errores.append(InitErrorDetails(
                    type=PydanticCustomError(
                        "id_repetido", "el id de cada actor debe ser único; este repite el de actores[{otro}]",
                        {"otro": vistos[clave] + 1},
                    ),
                    loc=("actores", i, "id"), input=actor.id,
                ))
            else:
                vistos[clave] = i
        ids = [a.id for a in self.actores]
        validos = ", ".join(ids)
        for i, hito in enumerate(self.hoja_de_ruta):
            if hito.responsable not in ids:
                errores.append(_error_responsable(("hoja_de_ruta", i, "responsable"), hito.responsable, validos))
        for i, riesgo in enumerate(self.riesgos):
            if riesgo.responsable.strip() and riesgo.responsable.strip() not in ids:
                errores.append(_error_responsable(("riesgos", i, "responsable"), riesgo.responsable, validos))
        errores.extend(self._fechas_fuera_de_rango())
        if errores:
            raise ValidationError.from_exception_data(type(self).__name__, errores)
        return self

    def _fechas_fuera_de_rango(self) -> list[InitErrorDetails]:
        """Fechas de la hoja de ruta y de corte lejos de la del acuerdo (el Gantt sería inmanejable)."""
        minimo, maximo = _rango_ruta(self.fecha)
        fechas: list[tuple[tuple[str | int, ...], date | None]] = [(("fecha_corte",), self.fecha_corte)]
        for i, hito in enumerate(self.hoja_de_ruta):
            fechas += [(("hoja_de_ruta", i, "inicio"), hito.inicio), (("hoja_de_ruta", i, "fin"), hito.fin)]
        return [
            InitErrorDetails(
                type=PydanticCustomError(
                    "fecha_fuera_de_rango",
                    "debe estar a menos de {anios} años de la fecha del acuerdo: entre {minimo} y {maximo}",
                    {"anios": LIMITE_ANIOS_RUTA, "minimo": minimo.isoformat(), "maximo": maximo.isoformat()},
                ),
                loc=loc, input=valor,
            )
            for loc, valor in fechas
            if valor is not None and not minimo <= valor <= maximo
        ]

    def estado_compromisos(self) -> list[CompromisoEnCorte]:
        """El estado de cada compromiso de cada actor (lo que guarda un corte)."""
        return [CompromisoEnCorte(actor=a.id, descripcion=c.descripcion, estado=c.estado, evidencia=c.evidencia)
                for a in self.actores for c in a.compromisos]

    def hitos_ordenados(self) -> list[Hito]:
        """La hoja de ruta por fecha de inicio, luego de fin (empates en el orden del JSON): el orden de todos
        los documentos (Word, infografía, libro)."""
        return sorted(self.hoja_de_ruta, key=lambda h: (h.inicio, h.fin))

    def identificador(self) -> str:
        """El id del acuerdo: el del JSON o, si no trae, uno derivado de su fecha y su desafío (determinista)."""
        if self.id:
            return self.id
        base = f"{self.fecha.isoformat()}|{normalizar_clave(self.desafio.nombre)}"
        return "acu-" + hashlib.sha256(base.encode("utf-8")).hexdigest()[:16]

    def actor(self, id_actor: str) -> Actor | None:
        """El actor con ese id (o ``None``)."""
        return next((a for a in self.actores if a.id == id_actor.strip()), None)

    def fecha_referencia(self, referencia: date | None = None) -> date:
        """Fecha frente a la que se calculan los estados: ``referencia`` > ``fecha_corte`` > hoy."""
        return referencia or self.fecha_corte or date.today()

    def estado_hito(self, hito: Hito, referencia: date | None = None) -> Estado:
        """Estado de ``hito`` frente a :meth:`fecha_referencia` (la matriz de Excel usa esta misma regla)."""
        return hito.estado(self.fecha_referencia(referencia))


LIMITE_ANIOS_RUTA = 10
"""Años que pueden separar cada fecha de la hoja de ruta (y la de corte) de la fecha del acuerdo."""


def _rango_ruta(fecha: date) -> tuple[date, date]:
    def mover(anios: int) -> date:
        anio = min(max(fecha.year + anios, 1), 9999)
        return fecha.replace(year=anio, day=min(fecha.day, 28)) if fecha.month == 2 else fecha.replace(year=anio)

    return mover(-LIMITE_ANIOS_RUTA), mover(LIMITE_ANIOS_RUTA)


def _error_responsable(loc: tuple[str | int, ...], valor: str, validos: str) -> InitErrorDetails:
    return InitErrorDetails(
        type=PydanticCustomError(
            "actor_inexistente", "no es el id de ningún actor del acuerdo; ids válidos: {ids}", {"ids": validos}
        ),
        loc=loc, input=valor,
    )


__all__ = [
    "ESTADOS", "ESTADOS_COMPROMISO", "LIMITE_ANIOS_RUTA", "SECTORES", "TIPOS_COMPROMISO", "AcuerdoSimbolico", "Actor", "CierreRiesgo", "Compromiso",
    "CompromisoEnCorte", "Desafio", "Corte", "EstadoCompromiso", "EncabezadoAcuerdo", "Estado", "Facilitador", "Hito", "Sector", "TipoCompromiso",
    "estado_hito",
]
