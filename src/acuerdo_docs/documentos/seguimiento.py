"""Informe de seguimiento del acuerdo simbólico: qué cambió entre dos fechas de corte.

Cada corte es una foto (:class:`~acuerdo_docs.esquemas.acuerdo.Corte`) guardada en
``AcuerdoSimbolico.seguimiento``; el informe compara dos cualesquiera: hitos completados y
vencidos en el periodo, avance por actor y por fase, responsabilidades cumplidas (hitos
completados de cada actor), riesgos cuya zona residual se movió, nuevos o cerrados, y el
estado de validación de los actores. La plantilla recibe solo datos planos.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, BinaryIO, overload

from ..claves import normalizar_clave
from ..errores import ErrorEntrada
from ..esquemas import metodo_riesgo
from ..esquemas.acuerdo import ESTADOS, ESTADOS_COMPROMISO, TIPOS_COMPROMISO, AcuerdoSimbolico, Corte, Hito
from ..esquemas.comun import fecha_corta, fecha_larga, numero_co
from ..lectores.actualizacion import (
    Cambio,
    cambios_compromisos,
    cambios_hitos,
    cambios_riesgos,
    cambios_validacion,
    clave_hito,
)
from ..rutas import plantilla as ruta_plantilla
from ..salida.archivos import Destino, RutaDestino, escribir_atomico
from ..salida.motor_docx import renderizar

log = logging.getLogger("acuerdo_docs.seguimiento")

PLANTILLA_SEGUIMIENTO = "informe_seguimiento.docx"
FORMATO_INFORME = "Informe de seguimiento del acuerdo simbólico"
ORDEN_ZONAS = {zona: i for i, zona in enumerate(metodo_riesgo.ZONAS)}
SIN_FASE = "Sin fase"


def corte_de(acuerdo: AcuerdoSimbolico, fecha: date) -> Corte:
    """La foto del acuerdo en ``fecha``: hoja de ruta, riesgos y actores validados."""
    return Corte(fecha=fecha, hoja_de_ruta=acuerdo.hoja_de_ruta, riesgos=acuerdo.riesgos,
                 validados=[a.id for a in acuerdo.actores if a.validado], compromisos=acuerdo.estado_compromisos())


def agregar_corte(acuerdo: AcuerdoSimbolico, fecha: date) -> AcuerdoSimbolico:
    """El acuerdo con la foto de ``fecha`` al final de su historia (reemplaza la de esa misma fecha).

    Si la historia está vacía, primero guarda la foto del acuerdo tal como llegó (en su fecha de
    corte o, si no tiene, en la de la reunión de inicio), para que el primer informe compare algo.
    Una fecha anterior al último corte es un error: los cortes van hacia adelante.
    """
    historia = [c for c in acuerdo.seguimiento if c.fecha != fecha]
    if historia and historia[-1].fecha > fecha:
        raise ErrorEntrada(
            f"la fecha de corte {fecha_corta(fecha)} es anterior al último corte guardado "
            f"({fecha_corta(historia[-1].fecha)}): los cortes se registran en orden"
        )
    return acuerdo.model_copy(update={"seguimiento": [*historia, corte_de(acuerdo, fecha)], "fecha_corte": fecha})


def linea_base(acuerdo: AcuerdoSimbolico, fecha: date) -> AcuerdoSimbolico:
    """Si el acuerdo aún no tiene historia, la foto de cómo llegó, en una fecha anterior a ``fecha``."""
    if acuerdo.seguimiento:
        return acuerdo
    inicial = acuerdo.fecha_corte or acuerdo.fecha
    if inicial >= fecha:
        return acuerdo
    return acuerdo.model_copy(update={"seguimiento": [corte_de(acuerdo, inicial)]})


# ------------------------------------------------------------------ cálculo


def _promedio(valores: Iterable[int]) -> float | None:
    lista = list(valores)
    return sum(lista) / len(lista) if lista else None


def _pct(valor: float | None) -> str:
    return "—" if valor is None else f"{numero_co(valor, 0)} %"


def _delta(antes: float | None, ahora: float | None) -> str:
    if antes is None or ahora is None:
        return "—"
    d = ahora - antes
    return f"{'+' if d > 0 else ''}{numero_co(d, 0)} pp" if round(d) else "0 pp"


def _estados(corte: Corte) -> dict[str, str]:
    return {clave_hito(h): h.estado(corte.fecha) for h in corte.hoja_de_ruta}


def _vista_hito(hito: Hito, entidades: dict[str, str], estado: str) -> dict[str, Any]:
    return {"actividad": hito.actividad, "fase": hito.fase or SIN_FASE, "responsable": entidades.get(hito.responsable,
            hito.responsable), "fin": fecha_corta(hito.fin), "avance": f"{hito.avance} %", "estado": ESTADOS[estado]}


def _por_grupo(anterior: Corte, actual: Corte, clave: Any) -> list[tuple[str, list[Hito], list[Hito]]]:
    grupos: dict[str, tuple[list[Hito], list[Hito]]] = {}
    for i, corte in enumerate((anterior, actual)):
        for hito in corte.hoja_de_ruta:
            grupos.setdefault(clave(hito), ([], []))[i].append(hito)
    return [(nombre, antes, ahora) for nombre, (antes, ahora) in grupos.items()]


def _fila_avance(nombre: str, antes: list[Hito], ahora: list[Hito], anterior: Corte, actual: Corte) -> dict[str, Any]:
    pa, pb = _promedio(h.avance for h in antes), _promedio(h.avance for h in ahora)
    hechos_a = sum(1 for h in antes if h.estado(anterior.fecha) == "completado")
    hechos_b = sum(1 for h in ahora if h.estado(actual.fecha) == "completado")
    return {"nombre": nombre, "hitos": len(ahora), "completados": f"{hechos_a} → {hechos_b} de {len(ahora)}",
            "antes": _pct(pa), "ahora": _pct(pb), "delta": _delta(pa, pb)}


def _riesgos(anterior: Corte, actual: Corte, motivos: dict[str, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    previos = {r.id.strip().casefold(): r for r in anterior.riesgos}
    movidos, nuevos = [], []
    for riesgo in actual.riesgos:
        previo = previos.pop(riesgo.id.strip().casefold(), None)
        vista = {"id": riesgo.id, "descripcion": riesgo.descripcion, "ahora": riesgo.zona_residual,
                 "fondo_ahora": metodo_riesgo.COLORES_ZONA[riesgo.zona_residual]}
        if previo is None:
            nuevos.append(vista)
        elif previo.zona_residual != riesgo.zona_residual:
            sube = ORDEN_ZONAS[riesgo.zona_residual] > ORDEN_ZONAS[previo.zona_residual]
            movidos.append({**vista, "antes": previo.zona_residual,
                            "fondo_antes": metodo_riesgo.COLORES_ZONA[previo.zona_residual],
                            "sentido": "Sube" if sube else "Baja"})
    motivos = motivos or {}
    cerrados = [{"id": r.id, "descripcion": f"{r.descripcion} — Motivo del cierre: "
                 + motivos.get(r.id.strip().casefold(), "sin registrar (hoja Riesgos cerrados del libro)"),
                 "antes": r.zona_residual,
                 "fondo_antes": metodo_riesgo.COLORES_ZONA[r.zona_residual]} for r in previos.values()]
    return {"movidos": movidos, "nuevos": nuevos, "cerrados": cerrados}


HORIZONTE_DIAS = 30
"""«Lo que viene»: hitos sin completar que empiezan o vencen en estos días después del corte."""


def lo_que_viene(corte: Corte, entidades: dict[str, str], dias: int = HORIZONTE_DIAS) -> list[dict[str, Any]]:
    """Hitos sin completar que empiezan o vencen entre el corte y ``dias`` después (por fecha de fin)."""
    hasta = corte.fecha + timedelta(days=dias)
    proximos = [h for h in corte.hoja_de_ruta if h.avance < 100
                and (corte.fecha < h.fin <= hasta or corte.fecha < h.inicio <= hasta)]
    return [{**_vista_hito(h, entidades, h.estado(corte.fecha)), "inicio": fecha_corta(h.inicio)}
            for h in sorted(proximos, key=lambda h: (h.fin, h.inicio))]


def _resumen_compromisos(corte: Corte) -> str:
    if not corte.compromisos:
        return "—"
    conteo = Counter(c.estado for c in corte.compromisos)
    return (f"{conteo['cumplido']} de {len(corte.compromisos)} "
            f"({conteo['en curso']} en curso, {conteo['pendiente']} pendientes)")


def _compromisos(acuerdo: AcuerdoSimbolico, corte: Corte) -> list[dict[str, Any]]:
    """Los compromisos por actor (en el orden de los actores) con su estado y su evidencia en el corte."""
    entidades = {a.id: a.entidad for a in acuerdo.actores}
    orden = {a.id: i for i, a in enumerate(acuerdo.actores)}
    tipos = {(a.id, normalizar_clave(c.descripcion)): c.tipo for a in acuerdo.actores for c in a.compromisos}
    filas = sorted(corte.compromisos, key=lambda c: orden.get(c.actor, len(orden)))
    return [{"entidad": entidades.get(c.actor, c.actor), "descripcion": c.descripcion,
             "tipo": TIPOS_COMPROMISO.get(tipos.get((c.actor, normalizar_clave(c.descripcion)), ""), ""),
             "estado": ESTADOS_COMPROMISO[c.estado], "evidencia": c.evidencia or "—"} for c in filas]


def comparar_cortes(acuerdo: AcuerdoSimbolico, anterior: Corte, actual: Corte) -> dict[str, Any]:
    """Lo que cambió de ``anterior`` a ``actual``, como datos planos listos para imprimir."""
    entidades = {a.id: a.entidad for a in acuerdo.actores}
    antes, ahora = _estados(anterior), _estados(actual)
    completados = [_vista_hito(h, entidades, "completado") for h in actual.hoja_de_ruta
                   if ahora[clave_hito(h)] == "completado" and antes.get(clave_hito(h)) != "completado"]
    vencidos = [_vista_hito(h, entidades, "vencido") for h in actual.hoja_de_ruta
                if ahora[clave_hito(h)] == "vencido" and antes.get(clave_hito(h)) != "vencido"]
    por_actor = [_fila_avance(entidades.get(n, n), a, b, anterior, actual)
                 for n, a, b in _por_grupo(anterior, actual, lambda h: h.responsable)]
    por_fase = [_fila_avance(n, a, b, anterior, actual)
                for n, a, b in _por_grupo(anterior, actual, lambda h: h.fase or SIN_FASE)]
    validacion = [{"entidad": a.entidad,
                   "antes": "Validado" if a.id in anterior.validados else "Pendiente",
                   "ahora": "Validado" if a.id in actual.validados else "Pendiente"} for a in acuerdo.actores]
    cambios: list[Cambio] = cambios_hitos(anterior.hoja_de_ruta, actual.hoja_de_ruta)
    cambios += cambios_riesgos(anterior.riesgos, actual.riesgos)
    if anterior.compromisos:  # un corte de antes de seguir los compromisos no tiene con qué comparar
        cambios += cambios_compromisos(anterior.compromisos, actual.compromisos, entidades)
    cambios += cambios_validacion(anterior.validados, acuerdo, actual.validados)
    global_antes = _promedio(h.avance for h in anterior.hoja_de_ruta)
    global_ahora = _promedio(h.avance for h in actual.hoja_de_ruta)
    total_vencidos = sum(1 for e in ahora.values() if e == "vencido")
    return {
        "desde": fecha_larga(anterior.fecha),
        "hasta": fecha_larga(actual.fecha),
        "cifras": [
            {"rotulo": rotulo, "valor": valor} for rotulo, valor in (
                ("Avance global", f"{_pct(global_antes)} → {_pct(global_ahora)} "
                                  f"({_delta(global_antes, global_ahora)})"),
                ("Hitos completados en el periodo", str(len(completados))),
                ("Hitos que pasaron a vencidos", str(len(vencidos))),
                ("Hitos vencidos a la fecha de corte", f"{total_vencidos} de {len(ahora)}"),
                ("Actores validados", f"{len(actual.validados)} de {len(acuerdo.actores)}"),
                ("Compromisos cumplidos", _resumen_compromisos(actual)),
            )
        ],
        "completados": completados,
        "vencidos": vencidos,
        "por_actor": por_actor,
        "por_fase": por_fase,
        "riesgos": _riesgos(anterior, actual, {c.id.strip().casefold(): c.motivo for c in acuerdo.cierres}),
        "validacion": validacion,
        "compromisos": _compromisos(acuerdo, actual),
        "lo_que_viene": lo_que_viene(actual, entidades),
        "horizonte": f"del {fecha_corta(actual.fecha)} al {fecha_corta(actual.fecha + timedelta(days=HORIZONTE_DIAS))}",
        "cambios": [str(c) for c in cambios],
    }


def cortes_a_comparar(acuerdo: AcuerdoSimbolico, desde: date | None = None,
                      hasta: date | None = None) -> tuple[Corte | None, Corte]:
    """Los dos cortes del informe: ``hasta`` (por omisión el último) y ``desde`` (por omisión el anterior)."""
    historia = acuerdo.seguimiento
    if not historia:
        raise ErrorEntrada("el acuerdo no tiene cortes de seguimiento: registre uno con «acuerdo-docs seguimiento»")
    fechas = ", ".join(c.fecha.isoformat() for c in historia)
    porfecha = {c.fecha: c for c in historia}
    for nombre, valor in (("--desde", desde), ("--hasta", hasta)):
        if valor is not None and valor not in porfecha:
            raise ErrorEntrada(f"{nombre}: no hay un corte del {valor.isoformat()}; cortes guardados: {fechas}")
    actual = porfecha[hasta] if hasta else historia[-1]
    if desde is not None:
        if desde >= actual.fecha:
            raise ErrorEntrada(f"--desde ({desde.isoformat()}) debe ser anterior al corte que se informa "
                               f"({actual.fecha.isoformat()})")
        return porfecha[desde], actual
    previos = [c for c in historia if c.fecha < actual.fecha]
    return (previos[-1] if previos else None), actual


def contexto_seguimiento(acuerdo: AcuerdoSimbolico, *, desde: date | None = None,
                         hasta: date | None = None) -> dict[str, Any]:
    """Lo que ve la plantilla del informe (solo datos planos: textos, números, listas y dicts)."""
    anterior, actual = cortes_a_comparar(acuerdo, desde, hasta)
    comparacion = comparar_cortes(acuerdo, anterior or actual, actual)  # primer corte: consigo mismo
    encabezado = acuerdo.encabezado.model_dump()
    encabezado["formato"] = FORMATO_INFORME
    periodo = (f"Del {comparacion['desde']} al {comparacion['hasta']}." if anterior else
               f"Primer corte, al {comparacion['hasta']}: no hay un corte anterior con qué comparar.")
    return {"encabezado": encabezado, "desafio": acuerdo.desafio.nombre, "periodo": periodo, **comparacion}


def renderizar_informe_seguimiento(acuerdo: AcuerdoSimbolico, *, desde: date | None = None,
                                   hasta: date | None = None, motor: str = "compilado") -> bytes:
    """Los bytes del .docx del informe de seguimiento (sin escribir nada)."""
    contexto = contexto_seguimiento(acuerdo, desde=desde, hasta=hasta)
    return renderizar(ruta_plantilla(PLANTILLA_SEGUIMIENTO), contexto, motor=motor)


@overload
def generar_informe_seguimiento(acuerdo: AcuerdoSimbolico, destino: RutaDestino, *, desde: date | None = None,
                                hasta: date | None = None) -> Path: ...


@overload
def generar_informe_seguimiento(acuerdo: AcuerdoSimbolico, destino: BinaryIO, *, desde: date | None = None,
                                hasta: date | None = None) -> None: ...


def generar_informe_seguimiento(acuerdo: AcuerdoSimbolico, destino: Destino, *, desde: date | None = None,
                                hasta: date | None = None) -> Path | None:
    """Escribe el informe de seguimiento (.docx) que compara dos cortes del acuerdo.

    ``hasta`` es el corte que se informa (por omisión el último de ``acuerdo.seguimiento``) y
    ``desde`` el corte con que se compara (por omisión el anterior). El informe no lleva datos
    personales: nombra entidades, no representantes.

    Ejemplo: [Desde Python](../seguimiento.md#desde-python).
    """
    ruta = escribir_atomico(destino, renderizar_informe_seguimiento(acuerdo, desde=desde, hasta=hasta))
    if ruta is not None:
        log.info("informe de seguimiento escrito: %s", ruta)
    return ruta


__all__ = [
    "agregar_corte", "comparar_cortes", "contexto_seguimiento", "corte_de", "cortes_a_comparar",
    "generar_informe_seguimiento", "linea_base", "renderizar_informe_seguimiento",
]
