"""Lleva al acuerdo lo que el equipo actualizó en el libro de la matriz (avances, fechas, riesgos).

El libro manda en la hoja de ruta y en los riesgos; el resto del acuerdo (actores, alcance,
firmas) sigue siendo el del JSON. El resultado se valida entero: un responsable escrito en
Excel que no es un actor del acuerdo es un error que nombra su celda (``Hoja de ruta!C7``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..claves import normalizar_clave
from ..errores import ErrorCampo, ErrorEntrada, ErrorValidacion, ruta_desde_texto, traducir
from ..esquemas import metodo_riesgo
from ..esquemas.acuerdo import (
    ESTADOS_COMPROMISO,
    AcuerdoSimbolico,
    Actor,
    Compromiso,
    CompromisoEnCorte,
    EncabezadoAcuerdo,
    Hito,
)
from ..esquemas.comun import etiqueta, fecha_corta
from ..esquemas.riesgo import Control, Riesgo
from .matriz_xlsx import AvisoCelda, DatosMatriz, leer_matriz


@dataclass(frozen=True)
class Cambio:
    """Un cambio que trae el libro: dónde, qué campo, antes y después (como texto para leer)."""

    donde: str
    campo: str
    antes: str
    despues: str

    def __str__(self) -> str:
        if self.campo.endswith((" nuevo", " quitado")):  # «Riesgo R3: control nuevo: …»
            return f"{self.donde}: {self.campo.lower()}: {self.despues or self.antes}"
        if not self.antes:
            return f"{self.donde}: {self.campo} (nuevo): {self.despues}"
        if not self.despues:
            return f"{self.donde}: {self.campo} (quitado): {self.antes}"
        return f"{self.donde}: {self.campo}: {self.antes} → {self.despues}"


def clave_hito(hito: Hito) -> str:
    """Un hito se reconoce entre cortes por su actividad (sin tildes ni mayúsculas)."""
    return normalizar_clave(hito.actividad)


def _mostrar(valor: Any) -> str:
    if isinstance(valor, date):
        return fecha_corta(valor)
    if valor is None:
        return ""
    return str(valor)


# Niveles que se muestran por su nombre, como en el libro.
_NOMBRES_NIVEL = {"probabilidad": metodo_riesgo.nombre_probabilidad, "impacto": metodo_riesgo.nombre_impacto}


def _cambios_campos(donde: str, modelo: type, antes: Any, despues: Any, campos: Iterable[str]) -> list[Cambio]:
    cambios = []
    for nombre in campos:
        a, d = getattr(antes, nombre), getattr(despues, nombre)
        if a != d:
            mostrar = _NOMBRES_NIVEL.get(nombre, _mostrar) if modelo is Riesgo else _mostrar
            cambios.append(Cambio(donde, etiqueta(modelo, nombre), mostrar(a), mostrar(d)))
    return cambios


def cambios_hitos(antes: list[Hito], despues: list[Hito]) -> list[Cambio]:
    """Hitos nuevos, quitados y campos cambiados, emparejados por actividad."""
    previos = {clave_hito(h): h for h in antes}
    cambios: list[Cambio] = []
    campos = [n for n in Hito.model_fields if n != "actividad"]
    for hito in despues:
        donde = f"Hito «{hito.actividad}»"
        previo = previos.pop(clave_hito(hito), None)
        if previo is None:
            cambios.append(Cambio(donde, "Hito", "", f"{hito.responsable}, {hito.avance} %"))
        else:
            cambios += _cambios_campos(donde, Hito, previo, hito, campos)
    cambios += [Cambio(f"Hito «{h.actividad}»", "Hito", f"{h.responsable}, {h.avance} %", "")
                for h in previos.values()]
    return cambios


def _texto_controles(controles: list[Control]) -> str:
    return "; ".join(f"{c.descripcion} ({c.tipo}, {c.implementacion})" for c in controles)


def cambios_controles(donde: str, antes: list[Control], despues: list[Control]) -> list[Cambio]:
    """Control nuevo, quitado o cambiado (por su descripción), uno por línea: nunca la lista entera."""
    previos = {normalizar_clave(c.descripcion): c for c in antes}
    cambios: list[Cambio] = []
    for control in despues:
        previo = previos.pop(normalizar_clave(control.descripcion), None)
        if previo is None:
            cambios.append(Cambio(donde, "Control nuevo", "", _texto_controles([control])))
        else:
            cambios += _cambios_campos(f"{donde}, control «{control.descripcion}»", Control, previo, control,
                                       [n for n in Control.model_fields if n != "descripcion"])
    cambios += [Cambio(donde, "Control quitado", _texto_controles([c]), "") for c in previos.values()]
    return cambios


def cambios_riesgos(antes: list[Riesgo], despues: list[Riesgo]) -> list[Cambio]:
    """Riesgos nuevos, quitados y campos cambiados (por referencia), con el cambio de zona residual."""
    previos = {r.id.strip().casefold(): r for r in antes}
    cambios: list[Cambio] = []
    campos = [n for n in Riesgo.model_fields if n not in ("id", "controles")]
    for riesgo in despues:
        donde = f"Riesgo {riesgo.id}"
        previo = previos.pop(riesgo.id.strip().casefold(), None)
        if previo is None:
            cambios.append(Cambio(donde, "Riesgo", "", f"zona residual {riesgo.zona_residual}"))
            continue
        cambios += _cambios_campos(donde, Riesgo, previo, riesgo, campos)
        cambios += cambios_controles(donde, previo.controles, riesgo.controles)
        if previo.zona_residual != riesgo.zona_residual:
            cambios.append(Cambio(donde, "Zona de riesgo residual", previo.zona_residual, riesgo.zona_residual))
    cambios += [Cambio(f"Riesgo {r.id}", "Riesgo", f"zona residual {r.zona_residual}", "") for r in previos.values()]
    return cambios


def comprobar_identidad(acuerdo: AcuerdoSimbolico, datos: DatosMatriz, nombre: str) -> AvisoCelda | None:
    """El libro es de este acuerdo: si es de otro, :class:`ErrorEntrada` nombrando ambos desafíos.

    Un libro sin identidad (de una versión anterior o hecho a mano) se lee, con un aviso.
    """
    if datos.acuerdo_id is None:
        return AvisoCelda(nombre, "el libro no dice de qué acuerdo es (es anterior o hecho a mano): se lee sin"
                                  f" comprobarlo; verifique que es el del desafío «{acuerdo.desafio.nombre}»")
    if datos.acuerdo_id != acuerdo.identificador():
        otro = f"«{datos.desafio}»" if datos.desafio else f"de id {datos.acuerdo_id}"
        raise ErrorEntrada(
            f"{nombre} es el libro de otro acuerdo (desafío {otro}), no del desafío «{acuerdo.desafio.nombre}»"
            f" (id {acuerdo.identificador()}): use el libro de este acuerdo; no se escribió nada"
        )
    return None


def _aplicar_compromisos(nuevo: dict[str, Any], datos: DatosMatriz) -> list[ErrorCampo]:
    """Lleva al acuerdo (``nuevo``, como dict) el estado y la evidencia de la hoja Compromisos.

    Un compromiso se reconoce por su actor y su descripción (sin tildes ni mayúsculas); una fila con una
    descripción nueva es un compromiso nuevo del actor (necesita su tipo). Los compromisos del acuerdo que
    no están en la hoja se conservan tal cual.
    """
    errores: list[ErrorCampo] = []
    actores = {str(a["id"]).strip().casefold(): i for i, a in enumerate(nuevo["actores"])}
    ids = ", ".join(str(a["id"]) for a in nuevo["actores"])
    for k, fila in enumerate(datos.compromisos or []):
        def celda(campo: str, k: int = k) -> str:
            return datos.celda(("compromisos", k, campo)) or datos.celda(("compromisos", k)) or f"compromisos[{k + 1}]"

        indice = actores.get(str(fila.get("actor") or "").strip().casefold())
        if indice is None:
            errores.append(ErrorCampo(celda("actor"), "Actor", f"no es el id de ningún actor del acuerdo; ids válidos: {ids}"))
            continue
        descripcion = str(fila.get("descripcion") or "").strip()
        if not descripcion:
            errores.append(ErrorCampo(celda("descripcion"), etiqueta(Compromiso, "descripcion"), "es obligatoria"))
            continue
        lista = nuevo["actores"][indice]["compromisos"]
        j = next((j for j, c in enumerate(lista) if normalizar_clave(c["descripcion"]) == normalizar_clave(descripcion)),
                 None)
        if j is None:
            if not fila.get("tipo"):
                errores.append(ErrorCampo(celda("tipo"), etiqueta(Compromiso, "tipo"),
                                          "un compromiso nuevo necesita su tipo (talento humano, equipo, recursos u otros)"))
                continue
            lista.append({"tipo": fila["tipo"], "descripcion": descripcion})
            j = len(lista) - 1
        compromiso = lista[j]
        if fila.get("tipo"):
            compromiso["tipo"] = fila["tipo"]
        compromiso["estado"] = fila.get("estado") or "pendiente"
        compromiso["evidencia"] = str(fila.get("evidencia") or "")
        for campo in ("tipo", "descripcion", "estado", "evidencia"):
            datos.celdas[("actores", indice, "compromisos", j, campo)] = celda(campo)
    return errores


def cambios_compromisos(antes: list[CompromisoEnCorte], despues: list[CompromisoEnCorte],
                        entidades: dict[str, str]) -> list[Cambio]:
    """Compromisos nuevos y cambios de estado o de evidencia, emparejados por actor y descripción."""
    def clave(c: CompromisoEnCorte) -> tuple[str, str]:
        return c.actor.casefold(), normalizar_clave(c.descripcion)

    previos = {clave(c): c for c in antes}
    cambios: list[Cambio] = []
    for c in despues:
        donde = f"Compromiso «{c.descripcion}» ({entidades.get(c.actor, c.actor)})"
        previo = previos.get(clave(c))
        if previo is None:
            cambios.append(Cambio(donde, "Compromiso", "", ESTADOS_COMPROMISO[c.estado]))
            continue
        if previo.estado != c.estado:
            cambios.append(Cambio(donde, etiqueta(Compromiso, "estado"), ESTADOS_COMPROMISO[previo.estado],
                                  ESTADOS_COMPROMISO[c.estado]))
        if previo.evidencia != c.evidencia:
            cambios.append(Cambio(donde, etiqueta(Compromiso, "evidencia"), previo.evidencia, c.evidencia))
    return cambios


def cambios_validacion(antes: Iterable[str], acuerdo: AcuerdoSimbolico, despues: Iterable[str] | None = None) -> list[Cambio]:
    """Actores que validaron (o dejaron de estar validados) entre ``antes`` y ``despues`` (ids)."""
    previos = {i.casefold() for i in antes}
    ahora = {i.casefold() for i in (despues if despues is not None else
                                    (a.id for a in acuerdo.actores if a.validado))}
    etiqueta_validado = etiqueta(Actor, "validado")
    return [Cambio(f"Actor {a.entidad}", etiqueta_validado, "sí" if a.id.casefold() in previos else "no",
                   "sí" if a.id.casefold() in ahora else "no")
            for a in acuerdo.actores if (a.id.casefold() in previos) != (a.id.casefold() in ahora)]


def _errores_en_celdas(exc: ValidationError, datos: DatosMatriz) -> list[ErrorCampo]:
    return [ErrorCampo(datos.celda(ruta_desde_texto(e.ruta)) or e.ruta, e.etiqueta, e.mensaje)
            for e in traducir(exc, AcuerdoSimbolico)]


def actualizar_acuerdo(
    acuerdo: AcuerdoSimbolico,
    origen: str | Path | DatosMatriz,
    *,
    cambios: list[Cambio] | None = None,
    avisos: list[AvisoCelda] | None = None,
) -> AcuerdoSimbolico:
    """El acuerdo con la hoja de ruta, los riesgos y la fecha de referencia que dice el libro.

    ``origen`` es el libro .xlsx (o lo ya leído con :func:`leer_matriz`). Si se pasan las listas
    ``cambios`` y ``avisos``, se llenan con cada cambio encontrado y con los avisos de celda
    (fórmulas sobrescritas, columnas desconocidas). Con datos inválidos lanza
    :class:`ErrorValidacion` con la celda de cada error y no devuelve nada.

    Ejemplo: [Desde Python](../seguimiento.md#desde-python).
    """
    datos = origen if isinstance(origen, DatosMatriz) else leer_matriz(origen)
    aviso_identidad = comprobar_identidad(acuerdo, datos, Path(origen).name if not isinstance(origen, DatosMatriz)
                                          else "el libro")
    nuevo = acuerdo.model_dump()
    nuevo["riesgos"] = [r.model_dump() for r in datos.riesgos]
    # El encabezado editado en el libro sobrevive al siguiente corte (el nombre del formato es el de cada documento).
    # Solo de un libro que sabe de qué acuerdo es: uno anterior ponía otros valores (la entidad facilitadora).
    encabezado_libro = datos.encabezado if datos.acuerdo_id is not None else {}
    nuevo["encabezado"] = {**nuevo["encabezado"], **encabezado_libro}
    if datos.cierres is not None:
        nuevo["cierres"] = datos.cierres
    errores_compromisos = _aplicar_compromisos(nuevo, datos)
    if errores_compromisos:
        raise ErrorValidacion(errores_compromisos, "El libro no concuerda con el acuerdo")
    if datos.hay_hoja_ruta:
        nuevo["hoja_de_ruta"] = [h.model_dump() for h in datos.hitos]
    if datos.fecha_corte is not None:
        nuevo["fecha_corte"] = datos.fecha_corte
    try:
        resultado = AcuerdoSimbolico.model_validate(nuevo)
    except ValidationError as exc:
        raise ErrorValidacion(_errores_en_celdas(exc, datos), "El libro no concuerda con el acuerdo") from None
    if cambios is not None:
        cambios += cambios_hitos(acuerdo.hoja_de_ruta, resultado.hoja_de_ruta)
        cambios += cambios_riesgos(acuerdo.riesgos, resultado.riesgos)
        motivos = {c.id.casefold(): c.motivo for c in acuerdo.cierres}
        cambios += [Cambio(f"Riesgo {c.id}", "Motivo del cierre", motivos.get(c.id.casefold(), ""), c.motivo)
                    for c in resultado.cierres if motivos.get(c.id.casefold()) != c.motivo]
        entidades = {a.id: a.entidad for a in resultado.actores}
        cambios += cambios_compromisos(acuerdo.estado_compromisos(), resultado.estado_compromisos(), entidades)
        for campo in encabezado_libro:
            if getattr(acuerdo.encabezado, campo) != getattr(resultado.encabezado, campo):
                cambios.append(Cambio("Encabezado", etiqueta(EncabezadoAcuerdo, campo),
                                      getattr(acuerdo.encabezado, campo), getattr(resultado.encabezado, campo)))
        if acuerdo.fecha_corte != resultado.fecha_corte:
            cambios.append(Cambio("Acuerdo", etiqueta(AcuerdoSimbolico, "fecha_corte"),
                                  _mostrar(acuerdo.fecha_corte), _mostrar(resultado.fecha_corte)))
    if avisos is not None:
        avisos += ([aviso_identidad] if aviso_identidad else []) + datos.avisos
    return resultado


__all__ = ["Cambio", "actualizar_acuerdo", "cambios_compromisos", "cambios_validacion", "comprobar_identidad", "cambios_hitos", "cambios_riesgos", "clave_hito"]
