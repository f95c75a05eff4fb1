"""Datos de la infografía del acuerdo simbólico: del modelo validado a un dict listo para JSON.

Las cifras salen de las mismas funciones que el documento Word (estado de cada hito,
hitos ordenados, zonas del método DAFP), así la infografía y el acuerdo nunca discrepan.
Nada personal entra aquí: ni representantes, ni cargos, ni correos.
"""

from __future__ import annotations

from collections import Counter

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from ...esquemas import metodo_riesgo
from ...esquemas.acuerdo import ESTADOS, SECTORES, TIPOS_COMPROMISO, AcuerdoSimbolico, Hito
from ...esquemas.comun import fecha_corta, fecha_larga, numero_co
from ...esquemas.riesgo import Riesgo
from ..acuerdo import ZONAS_PRIORITARIAS, hitos_ordenados
from .texto import corto, linea, titulo_pdf

MAX_ACTORES = 15
"""Actores que caben en la columna sin bajar la letra de 6 pt; con más se listan 14 y una nota cuenta el resto."""
MAX_HITOS = 40
"""Hitos que caben en la hoja de ruta; con más se dibujan 39 y la leyenda cuenta el resto."""
MAX_RIESGOS = 5
"""Riesgos principales que se listan (el resto se cuenta; el detalle está en la matriz)."""
MAX_ID = 14
"""Caracteres de la referencia de un riesgo en la lista (las referencias son cortas: R1, R12)."""
MAX_MARCAS = 5
"""Marcas del eje de tiempo: más se solaparían en una columna de la página."""
SIN_FASE = "Sin fase"
MESES_CORTOS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")
_PASOS_MESES = (1, 2, 3, 6, 12, 24, 60, 120)


def _severidad(zona: str) -> int:
    return metodo_riesgo.ZONAS.index(zona)


def avance_global(hitos: list[Hito]) -> str:
    """El avance promedio, redondeado como en el acuerdo Word («Avance promedio: 45 %»)."""
    if not hitos:
        return "—"
    return numero_co(sum(h.avance for h in hitos) / len(hitos), 0)


def _plural(n: int, singular: str, plural: str) -> str:
    return f"{numero_co(n)} {singular if n == 1 else plural}"


# ------------------------------------------------------------------ actores


def _vista_actores(acuerdo: AcuerdoSimbolico) -> list[dict[str, Any]]:
    """Actores por sector; con más de :data:`MAX_ACTORES`, los primeros 14 (``actores_restantes`` cuenta el resto)."""
    sectores = []
    cupo = MAX_ACTORES if len(acuerdo.actores) <= MAX_ACTORES else MAX_ACTORES - 1
    for clave, nombre in SECTORES.items():
        todos = [a for a in acuerdo.actores if a.sector == clave]
        actores = todos[:cupo]
        cupo -= len(actores)
        if not actores:
            continue
        sectores.append({
            "nombre": nombre,
            "clave": clave,
            "total": len(todos),
            "actores": [
                {
                    "entidad": linea(a.entidad),
                    "rol": linea(a.rol),
                    "aportes": [any(c.tipo == tipo for c in a.compromisos) for tipo in TIPOS_COMPROMISO],
                    "validado": a.validado,
                    # Pidió un cambio desde su enlace y aún no valida: su marca lo distingue de un pendiente.
                    "pide_cambio": (not a.validado and a.validacion is not None
                                    and a.validacion.decision == "pide_cambio"),
                }
                for a in actores
            ],
        })
    return sectores


# ------------------------------------------------------------------ hoja de ruta


def _meses_entre(inicio: date, fin: date) -> Iterable[date]:
    actual = date(inicio.year, inicio.month, 1)
    if actual < inicio:
        actual = _sumar_meses(actual, 1)
    while actual <= fin:
        yield actual
        actual = _sumar_meses(actual, 1)


def _sumar_meses(fecha: date, meses: int) -> date:
    total = fecha.year * 12 + fecha.month - 1 + meses
    return date(total // 12, total % 12 + 1, 1)


def _marcas(a: date, b: date) -> list[dict[str, Any]]:
    """Primeros de mes en [``a``, ``b``), espaciados para que quepan a lo sumo :data:`MAX_MARCAS`."""
    meses = list(_meses_entre(a, b - timedelta(days=1)))
    if not meses:
        return []
    paso = next((p for p in _PASOS_MESES if len(meses[::p]) <= MAX_MARCAS), _PASOS_MESES[-1])
    if paso >= 12:  # marcas en enero: la etiqueta es solo el año
        meses = [m for m in meses if m.month == 1] or meses[:1]
        elegidos = meses[:: paso // 12]
    else:
        elegidos = meses[::paso]
    dias = (b - a).days
    return [
        {
            "x": (m - a).days / dias,
            "texto": str(m.year) if paso >= 12 else f"{MESES_CORTOS[m.month - 1]} {m.year}",
        }
        for m in elegidos[:MAX_MARCAS]
    ]


def _vista_ruta(acuerdo: AcuerdoSimbolico, referencia: date) -> dict[str, Any]:
    ordenados = hitos_ordenados(acuerdo)
    estados = [h.estado(referencia) for h in ordenados]
    dibujados = len(ordenados) if len(ordenados) <= MAX_HITOS else MAX_HITOS - 1
    conteo = [
        {"clave": clave, "nombre": nombre, "cantidad": sum(1 for e in estados if e == clave)}
        for clave, nombre in ESTADOS.items()
    ]
    base: dict[str, Any] = {
        "fases": [], "marcas": [], "corte_x": None, "corte": fecha_corta(referencia), "estados": conteo,
        "posicion_corte": "dentro", "avance": avance_global(ordenados),
        "hitos_restantes": len(ordenados) - dibujados,
    }
    if not ordenados:
        return base
    a = min(h.inicio for h in ordenados)
    b = max(h.fin for h in ordenados) + timedelta(days=1)  # el último día cuenta entero
    dias = (b - a).days

    fases: dict[str, list[dict[str, Any]]] = {}
    avances: dict[str, list[int]] = {}
    for numero, (hito, estado) in enumerate(zip(ordenados[:dibujados], estados, strict=False), start=1):
        fase = linea(hito.fase) or SIN_FASE
        fases.setdefault(fase, []).append({
            "numero": numero,
            "actividad": linea(hito.actividad),
            "estado": estado,
            "avance": hito.avance,
            "x0": (hito.inicio - a).days / dias,
            "x1": (hito.fin + timedelta(days=1) - a).days / dias,
        })
        avances.setdefault(fase, []).append(hito.avance)
    base["fases"] = [
        {"nombre": nombre, "hitos": hitos, "avance": numero_co(sum(avances[nombre]) / len(hitos), 0)}
        for nombre, hitos in fases.items()
    ]
    base["marcas"] = _marcas(a, b)
    if referencia < a:
        base["posicion_corte"] = "antes"
    elif referencia >= b:
        base["posicion_corte"] = "despues"
    else:
        base["corte_x"] = (referencia - a).days / dias
    return base


# ------------------------------------------------------------------ riesgos


def _mapa(pares: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Conteo por celda; fila 0 = probabilidad Muy alta (arriba en el mapa), columna 0 = impacto Leve."""
    celdas = [[0] * 5 for _ in range(5)]
    for prob, imp in pares:
        celdas[5 - prob][imp - 1] += 1
    return celdas


def _vista_riesgos(acuerdo: AcuerdoSimbolico) -> dict[str, Any]:
    riesgos = acuerdo.riesgos
    entidades = {a.id: a.entidad for a in acuerdo.actores}

    def clave(par: tuple[int, Riesgo]) -> tuple[int, int, int]:
        i, r = par
        return (-_severidad(r.zona_residual), -_severidad(r.zona_inherente), i)

    principales = [r for _, r in sorted(enumerate(riesgos), key=clave)[:MAX_RIESGOS]]
    return {
        "total": len(riesgos),
        "inherente": _mapa((r.probabilidad, r.nivel_impacto) for r in riesgos),
        "residual": _mapa((r.probabilidad_residual, r.impacto_residual) for r in riesgos),
        "zonas": [list(fila) for fila in reversed(metodo_riesgo.MAPA_CALOR)],
        "orden_zonas": list(metodo_riesgo.ZONAS),
        "colores": {z: "#" + c for z, c in metodo_riesgo.COLORES_ZONA.items()},
        "colores_texto": {z: "#" + c for z, c in metodo_riesgo.COLORES_TEXTO_ZONA.items()},
        "principales": [
            {
                "id": corto(linea(r.id), MAX_ID),
                "descripcion": linea(r.descripcion),
                "zona": r.zona_residual,
                "zona_inherente": r.zona_inherente,
                "responsable": linea(entidades.get(r.responsable.strip(), "")),
            }
            for r in principales
        ],
        "restantes": max(0, len(riesgos) - MAX_RIESGOS),
    }


# ------------------------------------------------------------------ cifras


def _validacion(acuerdo: AcuerdoSimbolico) -> str:
    validados = sum(1 for a in acuerdo.actores if a.validado)
    pendientes = len(acuerdo.actores) - validados
    return f"{_plural(validados, 'validado', 'validados')} · {_plural(pendientes, 'pendiente', 'pendientes')}"


def _por_enlace(acuerdo: AcuerdoSimbolico) -> dict[str, int]:
    """Cuántos actores validaron desde su enlace y cuántos pidieron un cambio (la leyenda de los actores)."""
    validaron = sum(1 for a in acuerdo.actores if a.validado and a.validacion and a.validacion.decision == "valida")
    piden = sum(1 for a in acuerdo.actores
                if not a.validado and a.validacion and a.validacion.decision == "pide_cambio")
    return {"validaron": validaron, "piden_cambio": piden}


def _cifras(acuerdo: AcuerdoSimbolico, ruta: dict[str, Any]) -> list[dict[str, str]]:
    n_actores = len(acuerdo.actores)
    compromisos = sum(len(a.compromisos) for a in acuerdo.actores)
    con_aporte = sum(1 for a in acuerdo.actores if a.compromisos)
    conteo = {e["clave"]: e["cantidad"] for e in ruta["estados"]}
    n_hitos = sum(conteo.values())
    altos = sum(1 for r in acuerdo.riesgos if r.zona_inherente in ZONAS_PRIORITARIAS)
    altos_residual = sum(1 for r in acuerdo.riesgos if r.zona_residual in ZONAS_PRIORITARIAS)
    return [
        {"clave": "actores", "valor": numero_co(n_actores), "etiqueta": "Actores", "detalle": _validacion(acuerdo)},
        {"clave": "compromisos", "valor": numero_co(compromisos), "etiqueta": "Compromisos",
         "detalle": _detalle_compromisos(acuerdo, con_aporte)},
        {"clave": "avance", "valor": ruta["avance"] + (" %" if n_hitos else ""), "etiqueta": "Avance global",
         "detalle": "promedio de la hoja de ruta"},
        {"clave": "completados", "valor": f"{numero_co(conteo['completado'])} de {numero_co(n_hitos)}",
         "etiqueta": "Hitos completados", "detalle": f"al {ruta['corte']}"},
        {"clave": "vencidos", "valor": numero_co(conteo["vencido"]), "etiqueta": "Hitos vencidos",
         "detalle": f"al {ruta['corte']}"},
        {"clave": "riesgos", "valor": numero_co(altos), "etiqueta": "Riesgos altos o extremos",
         "detalle": f"{numero_co(altos_residual)} tras controles · "
                    f"{_plural(len(acuerdo.riesgos), 'riesgo', 'riesgos')}"},
    ]


def _detalle_compromisos(acuerdo: AcuerdoSimbolico, con_aporte: int) -> str:
    """«3 cumplidos · 2 en curso» cuando el equipo ya sigue los compromisos; si no, de cuántos actores son."""
    estados = Counter(c.estado for a in acuerdo.actores for c in a.compromisos)
    if not estados["cumplido"] and not estados["en curso"]:
        return f"de {_plural(con_aporte, 'actor', 'actores')}"
    return f"{_plural(estados['cumplido'], 'cumplido', 'cumplidos')} · {numero_co(estados['en curso'])} en curso"


def datos_acuerdo(
    acuerdo: AcuerdoSimbolico, referencia: date | None = None, *, publico: bool = False
) -> dict[str, Any]:
    """El dict que lee ``plantillas/infografia_acuerdo.typ`` (sin datos personales, con o sin ``publico``)."""
    ref = acuerdo.fecha_referencia(referencia)
    ruta = _vista_ruta(acuerdo, ref)
    sectores = _vista_actores(acuerdo)
    facilitador = acuerdo.facilitador
    return {
        "tipo": "acuerdo",
        "publico": publico,
        "formato": linea(acuerdo.encabezado.formato),
        "desafio": linea(acuerdo.desafio.nombre),
        "titulo": titulo_pdf(acuerdo.desafio.nombre),
        "objetivo": linea(acuerdo.objetivo),
        "facilitador": linea(f"{facilitador.entidad} ({facilitador.equipo})" if facilitador.equipo
                             else facilitador.entidad),
        "fecha": fecha_larga(acuerdo.fecha),
        "corte": fecha_larga(ref),
        "cifras": _cifras(acuerdo, ruta),
        "tipos": list(TIPOS_COMPROMISO.values()),
        "sectores": sectores,
        "actores_restantes": len(acuerdo.actores) - sum(len(s["actores"]) for s in sectores),
        "validacion": _validacion(acuerdo),
        "por_enlace": _por_enlace(acuerdo),
        "ruta": ruta,
        "riesgos": _vista_riesgos(acuerdo),
    }
