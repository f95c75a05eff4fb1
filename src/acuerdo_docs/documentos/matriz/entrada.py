"""Entrada de la matriz: riesgos validados con el método, encabezado del formato, desafío y fechas."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Union

from ...errores import ErrorCampo, ErrorValidacion, validar
from ...esquemas import metodo_riesgo as metodo
from ...esquemas.riesgo import EncabezadoMatriz, MatrizRiesgos, Riesgo, ids_repetidos
from ...esquemas.tipo_documento import validar_documento


def como_fecha(valor: Any) -> date | None:
    if isinstance(valor, datetime):
        return valor.date()
    return valor if isinstance(valor, date) else None


if TYPE_CHECKING:
    from ...esquemas.acuerdo import AcuerdoSimbolico


def _validar_acuerdo(datos: Mapping[str, Any]) -> Any:
    from ...esquemas.acuerdo import AcuerdoSimbolico

    return validar_documento(AcuerdoSimbolico, datos)


def _item(riesgo: Any, m: metodo.MetodoRiesgo) -> Any:
    # Un Riesgo validado con otro método se vuelve a validar con este (clases, tipos y reglas propias).
    if isinstance(riesgo, Riesgo) and riesgo.metodo is not m:
        return riesgo.model_dump()
    return riesgo


Origen = Union["AcuerdoSimbolico", MatrizRiesgos, None]
DatosRiesgos = Union["AcuerdoSimbolico", MatrizRiesgos, Mapping[str, Any], Iterable[Riesgo | Mapping[str, Any]]]
"""Lo que aceptan la matriz y el CSV: un acuerdo, una matriz, el diccionario de uno de ellos o una lista de riesgos."""
"""De dónde vienen los riesgos: un acuerdo (con hoja de ruta y actores), una matriz, o nada (una lista)."""


def leer_riesgos(datos: object, metodo_: metodo.MetodoRiesgo | None = None) -> tuple[list[Riesgo], Origen]:
    """Los riesgos validados con ``metodo_`` y el modelo que los trae (acuerdo o matriz), o ``None`` si es lista.

    ``datos``: un :class:`AcuerdoSimbolico`, una :class:`MatrizRiesgos`, un diccionario con las claves
    de uno de ellos, o una lista de riesgos (modelos o diccionarios). Lo que no es un modelo se valida.
    """
    from ...esquemas.acuerdo import AcuerdoSimbolico

    with metodo.usar_metodo(metodo_) as m:
        origen: Origen = None
        if isinstance(datos, AcuerdoSimbolico | MatrizRiesgos):
            origen = datos
            lista: Iterable[Any] = datos.riesgos
        elif isinstance(datos, Mapping):
            es_acuerdo = "hoja_de_ruta" in datos or "actores" in datos
            origen = _validar_acuerdo(datos) if es_acuerdo else validar_documento(MatrizRiesgos, datos)
            lista = origen.riesgos
        elif isinstance(datos, Iterable) and not isinstance(datos, (str, bytes)):
            lista = datos
        else:
            raise ErrorValidacion(
                [ErrorCampo("", "", "se espera un acuerdo, una lista de riesgos o un objeto con la clave «riesgos»")]
            )
        riesgos: list[Riesgo] = []
        errores: list[ErrorCampo] = []
        for i, item in enumerate(lista):
            try:
                riesgos.append(validar(Riesgo, _item(item, m)))
            except ErrorValidacion as exc:
                errores += [ErrorCampo(f"riesgos[{i + 1}]" + ("." + e.ruta if e.ruta else ""), e.etiqueta, e.mensaje)
                            for e in exc.errores]
    repetidos = ids_repetidos(riesgos)
    if repetidos:
        errores.append(ErrorCampo(
            "riesgos", "Riesgos", "la referencia de cada riesgo debe ser única; se repite: " + ", ".join(repetidos)
        ))
    if errores:
        raise ErrorValidacion(errores, "Matriz de riesgos: datos inválidos")
    return riesgos, origen


CLAVES_ENCABEZADO = ("entidad", "proceso", "procedimiento", "formato", "codigo", "version")


def encabezado_matriz(encabezado: EncabezadoMatriz | Mapping[str, Any] | None, origen: Origen,
                      entidad: str | None) -> dict[str, str]:
    """Encabezado del formato: el dado, o el de la matriz, o el proceso del acuerdo; lo demás por omisión.

    Del encabezado de un acuerdo se toma todo menos el nombre del formato: la matriz, el informe y la
    infografía de un acuerdo llevan su mismo encabezado (entidad, proceso, procedimiento, código, versión).
    """
    datos = {k: str(getattr(EncabezadoMatriz(), k)) for k in CLAVES_ENCABEZADO}
    fuente: dict[str, Any] = {}
    if encabezado is not None:
        fuente = validar(EncabezadoMatriz, encabezado).model_dump()
    elif isinstance(origen, MatrizRiesgos):
        fuente = origen.encabezado.model_dump()
    elif origen is not None:  # un solo encabezado por acuerdo: el del acuerdo, con el nombre de este formato
        fuente = origen.encabezado.model_dump(exclude={"formato"})
    for k in CLAVES_ENCABEZADO:
        valor = fuente.get(k)
        if valor is not None and str(valor).strip():
            datos[k] = str(valor)
    if entidad:
        datos["entidad"] = entidad
    return datos


def texto_desafio(origen: Origen) -> str:
    if origen is None:
        return ""
    if isinstance(origen, MatrizRiesgos):
        return origen.desafio
    return origen.desafio.nombre


def entidad_de(origen: Origen) -> str | None:
    """La entidad del encabezado: la del encabezado del acuerdo o la de la matriz."""
    if origen is None:
        return None
    if isinstance(origen, MatrizRiesgos):
        return origen.entidad or None
    return origen.encabezado.entidad or None
