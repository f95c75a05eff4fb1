"""Entrada de la matriz: riesgos validados con el método, encabezado del formato, desafío y fechas."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from ...errores import ErrorCampo, ErrorValidacion, validar
from ...esquemas import metodo_riesgo as metodo
from ...esquemas.riesgo import EncabezadoMatriz, MatrizRiesgos, Riesgo, ids_repetidos
from ...esquemas.tipo_documento import validar_documento


def attr(obj: Any, ruta: str, defecto: Any = None) -> Any:
    """``facilitador.entidad`` en objetos o diccionarios; ``defecto`` si falta algo."""
    actual = obj
    for parte in ruta.split("."):
        if actual is None:
            return defecto
        if isinstance(actual, Mapping):
            actual = actual.get(parte)
        else:
            actual = getattr(actual, parte, None)
    return defecto if actual is None else actual


def como_fecha(valor: Any) -> date | None:
    if isinstance(valor, datetime):
        return valor.date()
    return valor if isinstance(valor, date) else None


def _validar_acuerdo(datos: Mapping[str, Any]) -> Any:
    from ...esquemas.acuerdo import AcuerdoSimbolico

    return validar_documento(AcuerdoSimbolico, datos)


def _item(riesgo: Any, m: metodo.MetodoRiesgo) -> Any:
    # Un Riesgo validado con otro método se vuelve a validar con este (clases, tipos y reglas propias).
    if isinstance(riesgo, Riesgo) and riesgo.metodo is not m:
        return riesgo.model_dump()
    return riesgo


def leer_riesgos(datos: Any, metodo_: metodo.MetodoRiesgo | None = None) -> tuple[list[Riesgo], Any | None]:
    """Los riesgos validados con ``metodo_`` y el objeto que los trae (acuerdo o matriz), o ``None`` si es lista."""
    with metodo.usar_metodo(metodo_) as m:
        origen: Any | None = None
        if isinstance(datos, Mapping):
            es_acuerdo = "hoja_de_ruta" in datos or "actores" in datos
            origen = _validar_acuerdo(datos) if es_acuerdo else validar_documento(MatrizRiesgos, datos)
            lista: Iterable[Any] = origen.riesgos
        elif hasattr(datos, "riesgos"):
            origen = datos
            lista = datos.riesgos or []
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


def encabezado_matriz(encabezado: Any, origen: Any, entidad: str | None) -> dict[str, str]:
    """Encabezado del formato: el dado, o el de la matriz, o el proceso del acuerdo; lo demás por omisión.

    Del encabezado de un acuerdo se toman entidad, proceso y procedimiento: el formato, el
    código y la versión de la matriz son otros (los de :class:`EncabezadoMatriz`).
    """
    datos = {k: str(getattr(EncabezadoMatriz(), k)) for k in CLAVES_ENCABEZADO}
    fuente = encabezado
    if fuente is None and isinstance(origen, MatrizRiesgos):
        fuente = origen.encabezado
    elif fuente is None and attr(origen, "encabezado") is not None:
        fuente = {k: attr(origen, f"encabezado.{k}") for k in ("entidad", "proceso", "procedimiento")}
    if fuente is not None:
        for k in CLAVES_ENCABEZADO:
            valor = attr(fuente, k)
            if valor is not None and str(valor).strip():
                datos[k] = str(valor)
    if entidad:
        datos["entidad"] = entidad
    return datos


def texto_desafio(origen: Any) -> str:
    valor = attr(origen, "desafio")
    if valor is None:
        return ""
    if isinstance(valor, str):
        return valor
    return str(attr(valor, "nombre", ""))
