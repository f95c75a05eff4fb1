"""Acuerdo simbólico en Word: de un AcuerdoSimbolico validado a un .docx.

El contexto de la plantilla se arma aquí (vistas ya ordenadas y con los estados
calculados) para que la plantilla solo recorra listas e imprima textos.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, overload

from ..esquemas import metodo_riesgo
from ..esquemas.acuerdo import ESTADOS, SECTORES, TIPOS_COMPROMISO, Actor, AcuerdoSimbolico, Hito
from ..esquemas.comun import RESERVADO, campos_personales, fecha_larga, numero_co
from ..esquemas.tipo_documento import validar_documento
from ..registro import registro
from ..rutas import carpeta_ejemplos
from ..rutas import plantilla as ruta_plantilla
from ..salida.archivos import Destino, RutaDestino, escribir_atomico
from ..salida.datos_planos import ContextoPlano, datos_planos
from ..salida.motor_docx import renderizar
from ..salida.tipo_plantilla import TipoPlantilla

log = registro("acuerdo_docs.acuerdo")

PLANTILLA_ACUERDO = "acuerdo_simbolico.docx"
EJEMPLO_ACUERDO = "acuerdo_ejemplo.json"

CELDAS_BARRA = 10
LLENO, VACIO = "█", "░"
"""Barra de avance en texto: diez celdas de bloque (sobrevive a cualquier conversión a PDF)."""

MARCA = "X"
FONDO_MARCA = "C6E0B4"
FONDO_VACIO = "FFFFFF"
FONDOS_ESTADO: dict[str, str] = {
    "sin iniciar": "EDEDED", "en curso": "FFEB9C", "completado": "C6EFCE", "vencido": "FFC7CE",
}
ZONAS_PRIORITARIAS = ("Extremo", "Alto")
"""Zonas (inherentes) que el acuerdo resume; el detalle completo va en la matriz de Excel."""
LINEA_EN_BLANCO = "_" * 28
"""Lo que se imprime en el bloque de firma cuando falta el nombre o el cargo: se llena a mano."""

# Cómo se nombra cada estado al contar actividades (la actividad es femenina).
_CONTEO_ESTADOS = {
    "completado": ("completada", "completadas"),
    "en curso": ("en curso", "en curso"),
    "vencido": ("vencida", "vencidas"),
    "sin iniciar": ("sin iniciar", "sin iniciar"),
}


def cargar_acuerdo(datos: AcuerdoSimbolico | Mapping[str, Any]) -> AcuerdoSimbolico:
    """Valida un dict (o devuelve el modelo tal cual); con datos inválidos lanza ``ErrorValidacion``."""
    return validar_documento(AcuerdoSimbolico, datos)


def json_acuerdo(acuerdo: AcuerdoSimbolico) -> bytes:
    """El acuerdo como JSON de trabajo (fechas ISO 8601, con su id): el que lee ``acuerdo-docs seguimiento``.

    Es el dato de trabajo del equipo: conserva los datos personales (no es una versión pública).
    """
    datos = acuerdo.model_copy(update={"id": acuerdo.identificador()}).model_dump(mode="json", exclude_none=True)
    return (json.dumps(datos, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def version_publica_acuerdo(acuerdo: AcuerdoSimbolico) -> AcuerdoSimbolico:
    """Copia sin datos personales (Ley 1581 de 2012): nombre y correo de cada representante.

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """
    personales = campos_personales(Actor)
    actores = [
        actor.model_copy(update={n: RESERVADO for n in personales if getattr(actor, n) not in (None, "")})
        for actor in acuerdo.actores
    ]
    return acuerdo.model_copy(update={"actores": actores})


def barra_avance(avance: int) -> str:
    """██████░░░░: una celda por cada 10 %; nunca llena antes del 100 % ni vacía con avance."""
    if avance <= 0:
        llenas = 0
    elif avance >= 100:
        llenas = CELDAS_BARRA
    else:
        llenas = min(CELDAS_BARRA - 1, max(1, (avance + 5) // 10))
    return LLENO * llenas + VACIO * (CELDAS_BARRA - llenas)


def hitos_ordenados(acuerdo: AcuerdoSimbolico) -> list[Hito]:
    """La hoja de ruta por fecha de inicio, luego de fin; los empates conservan el orden del JSON."""
    return acuerdo.hitos_ordenados()


def _vista_actor(numero: int, actor: Actor) -> dict[str, Any]:
    grupos = []
    for tipo, rotulo in TIPOS_COMPROMISO.items():
        descripciones = [c.descripcion for c in actor.compromisos if c.tipo == tipo]
        if descripciones:
            grupos.append({"tipo": rotulo, "descripciones": descripciones})
    presentes = [any(c.tipo == tipo for c in actor.compromisos) for tipo in TIPOS_COMPROMISO]
    return {
        "numero": numero,
        "id": actor.id,
        "entidad": actor.entidad,
        "sector": SECTORES[actor.sector],
        "representante": actor.representante,
        "cargo": actor.cargo,
        "correo": actor.correo or "",
        "rol": actor.rol,
        "responsabilidades": actor.responsabilidades,
        "compromisos": grupos,
        "marcas": [MARCA if p else "" for p in presentes],
        "fondos": [FONDO_MARCA if p else FONDO_VACIO for p in presentes],
        "validado": "Sí" if actor.validado else "Pendiente",
        "validacion": actor.validacion.resumen() if actor.validacion else "",
    }


def _resumen_ruta(estados: list[str], avances: list[int], referencia: date) -> str:
    if not estados:
        return f"Avance con corte al {fecha_larga(referencia)}."
    partes = []
    for estado, (singular, plural) in _CONTEO_ESTADOS.items():
        n = estados.count(estado)
        if n:
            partes.append(f"{n} {singular if n == 1 else plural}")
    conteo = partes[0] if len(partes) == 1 else ", ".join(partes[:-1]) + " y " + partes[-1]
    promedio = numero_co(sum(avances) / len(avances), 0)
    total = f"{len(estados)} actividad" + ("" if len(estados) == 1 else "es")
    return f"Avance con corte al {fecha_larga(referencia)}: {total}, {conteo}. Avance promedio: {promedio} %."


def resumen_hoja_de_ruta(acuerdo: AcuerdoSimbolico, referencia: date | None = None) -> str:
    """La frase de la hoja de ruta del acuerdo en Word: actividades por estado y avance promedio."""
    ref = acuerdo.fecha_referencia(referencia)
    hitos = acuerdo.hoja_de_ruta
    return _resumen_ruta([h.estado(ref) for h in hitos], [h.avance for h in hitos], ref)


def _vista_riesgos(acuerdo: AcuerdoSimbolico, entidades: Mapping[str, str]) -> dict[str, Any] | None:
    if not acuerdo.riesgos:
        return None
    prioritarios = [r for r in acuerdo.riesgos if r.zona_inherente in ZONAS_PRIORITARIAS]
    prioritarios.sort(key=lambda r: ZONAS_PRIORITARIAS.index(r.zona_inherente))
    n, m = len(acuerdo.riesgos), len(prioritarios)
    identificados = "Se identificó 1 riesgo" if n == 1 else f"Se identificaron {n} riesgos"
    if m == 0:
        detalle = "ninguno está en zona alta o extrema"
    elif m == 1:
        detalle = ("está" if n == 1 else "1 está") + " en zona alta o extrema antes de aplicar controles"
    else:
        detalle = f"{m} están en zona alta o extrema antes de aplicar controles"
    resumen = (f"{identificados} con el método del DAFP; {detalle}. La valoración completa, con sus controles, "
               "está en la matriz de riesgos del desafío.")
    return {
        "resumen": resumen,
        "prioritarios": [
            {
                "id": r.id,
                "descripcion": r.descripcion,
                "zona_inherente": r.zona_inherente,
                "zona_residual": r.zona_residual,
                "fondo_inherente": metodo_riesgo.COLORES_ZONA[r.zona_inherente],
                "fondo_residual": metodo_riesgo.COLORES_ZONA[r.zona_residual],
                "responsable": entidades.get(r.responsable.strip(), ""),
                "tratamiento": metodo_riesgo.ETIQUETAS_VALOR.get(r.tratamiento, r.tratamiento),
                "plan_accion": r.plan_accion,
            }
            for r in prioritarios
        ],
    }


def _vista_firma(actor: Actor) -> dict[str, str]:
    return {
        "entidad": actor.entidad,
        "representante": actor.representante or LINEA_EN_BLANCO,
        "cargo": actor.cargo or LINEA_EN_BLANCO,
    }


def contexto_acuerdo(
    acuerdo: AcuerdoSimbolico | Mapping[str, Any],
    *,
    referencia: date | None = None,
    publico: bool = False,
) -> dict[str, Any]:
    """Lo que ve la plantilla, en datos planos: el acuerdo (``acuerdo``) y vistas listas para imprimir.

    ``referencia`` es la fecha frente a la que se calcula el estado de cada hito;
    si no viene, se usa ``fecha_corte`` del acuerdo y, si tampoco, la fecha del día.
    """
    modelo = cargar_acuerdo(acuerdo)
    ref = modelo.fecha_referencia(referencia)
    if publico:
        modelo = version_publica_acuerdo(modelo)
    entidades = {a.id: a.entidad for a in modelo.actores}
    actores = [_vista_actor(i, a) for i, a in enumerate(modelo.actores, start=1)]

    hitos: list[dict[str, Any]] = []  # vistas para la plantilla: valores de varios tipos
    for numero, hito in enumerate(hitos_ordenados(modelo), start=1):
        estado = hito.estado(ref)
        hitos.append({
            "numero": numero,
            "actividad": hito.actividad,
            "fase": hito.fase,
            "responsable": entidades[hito.responsable],
            "id_responsable": hito.responsable,
            "inicio": hito.inicio,
            "fin": hito.fin,
            "avance": hito.avance,
            "barra": barra_avance(hito.avance),
            "estado": ESTADOS[estado],
            "clave_estado": estado,
            "fondo": FONDOS_ESTADO[estado],
        })

    firmas = [_vista_firma(a) for a in modelo.actores]
    pares = [
        {"izquierda": firmas[i], "derecha": firmas[i + 1] if i + 1 < len(firmas) else None}
        for i in range(0, len(firmas), 2)
    ]
    riesgos = _vista_riesgos(modelo, entidades)
    facilitador = modelo.facilitador
    plano = datos_planos(modelo)
    vistas = {  # ya son datos planos (una prueba lo comprueba): no se convierten otra vez
        "referencia": ref,
        "facilitador": f"{facilitador.entidad} ({facilitador.equipo})" if facilitador.equipo else facilitador.entidad,
        "actores": actores,
        "tipos": list(TIPOS_COMPROMISO.values()),
        "totales": [sum(1 for a in actores if a["marcas"][i]) for i in range(len(TIPOS_COMPROMISO))],
        "hitos": hitos,
        "ruta": {"resumen": _resumen_ruta([h["clave_estado"] for h in hitos], [h["avance"] for h in hitos], ref)},
        "riesgos": riesgos,
        "firmas": pares,
        "numero_firmas": 8 if riesgos else 7,
    }
    # «encabezado» es el mismo dict que «acuerdo.encabezado» (la verificación lo nombra así).
    return ContextoPlano(acuerdo=plano, encabezado=plano["encabezado"], **vistas)


def renderizar_acuerdo(
    acuerdo: AcuerdoSimbolico | Mapping[str, Any],
    *,
    referencia: date | None = None,
    plantilla: str | Path | None = None,
    publico: bool = False,
    motor: str = "compilado",
) -> bytes:
    """Los bytes del .docx del acuerdo (sin escribir nada).

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """
    ruta = Path(plantilla) if plantilla else ruta_plantilla(PLANTILLA_ACUERDO)
    contexto = contexto_acuerdo(acuerdo, referencia=referencia, publico=publico)
    if plantilla is not None:  # plantilla propia: se verifica contra el esquema antes de usarla
        from ..salida.verificacion import exigir_plantilla_valida  # solo con plantilla propia (arranque)

        exigir_plantilla_valida(ruta, TIPO_ACUERDO)
    return renderizar(ruta, contexto, motor=motor, titulo=cargar_acuerdo(acuerdo).desafio.nombre,
                      publico=publico)


@overload
def generar_acuerdo(
    acuerdo: AcuerdoSimbolico | Mapping[str, Any],
    destino: RutaDestino,
    *,
    referencia: date | None = None,
    plantilla: str | Path | None = None,
    publico: bool = False,
) -> Path: ...


@overload
def generar_acuerdo(
    acuerdo: AcuerdoSimbolico | Mapping[str, Any],
    destino: BinaryIO,
    *,
    referencia: date | None = None,
    plantilla: str | Path | None = None,
    publico: bool = False,
) -> None: ...


def generar_acuerdo(
    acuerdo: AcuerdoSimbolico | Mapping[str, Any],
    destino: Destino,
    *,
    referencia: date | None = None,
    plantilla: str | Path | None = None,
    publico: bool = False,
) -> Path | None:
    """Genera el acuerdo simbólico con su hoja de ruta (.docx).

    ``acuerdo`` es un :class:`AcuerdoSimbolico` o un dict con sus claves; ``destino`` una ruta
    o un archivo binario abierto. ``referencia`` fija la fecha de los estados de la hoja de
    ruta (por omisión ``fecha_corte`` y, si falta, hoy). Valida antes de escribir: con datos
    inválidos lanza :class:`~acuerdo_docs.errores.ErrorValidacion` y no deja ningún archivo.
    Devuelve la ruta escrita (``None`` si ``destino`` era un archivo abierto).

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """
    datos = renderizar_acuerdo(acuerdo, referencia=referencia, plantilla=plantilla, publico=publico)
    ruta = escribir_atomico(destino, datos)
    if ruta is not None:
        log.info("acuerdo escrito: %s", ruta)
    return ruta


def ejemplo_acuerdo() -> AcuerdoSimbolico:
    """Un desafío de ciudad (movilidad segura en entornos escolares) con seis actores y ocho hitos.

    Ejemplo: [Referencia: acuerdo](../referencia/acuerdo.md#ejemplo).
    """
    ruta = carpeta_ejemplos() / EJEMPLO_ACUERDO
    return cargar_acuerdo(json.loads(ruta.read_text(encoding="utf-8")))


TIPO_ACUERDO = TipoPlantilla("acuerdo", "acuerdo", contexto_acuerdo, ejemplo_acuerdo)
"""Lo que la verificación de plantillas propias necesita del acuerdo."""
