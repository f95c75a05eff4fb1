"""Exportación plana (CSV) de la matriz: una fila por riesgo y control, para el mapa de riesgos institucional.

Columnas estables en snake_case (:data:`COLUMNAS_CSV`, documentadas en docs/riesgos.md);
UTF-8 con BOM (Excel la reconoce al abrir) y coma como separador (RFC 4180). Un riesgo sin
controles ocupa una fila con las columnas de control vacías. Los textos que empiezan por
``=``, ``+``, ``-``, ``@``, tabulador o retorno de carro (los mismos que el libro guarda como
texto) se neutralizan con un apóstrofo delante: ninguna hoja de cálculo los evalúa.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, BinaryIO, overload

from ...esquemas import metodo_riesgo as metodo
from ...esquemas.metodo_riesgo import FuenteMetodo
from ...esquemas.riesgo import Control
from ...salida.archivos import Destino, RutaDestino, escribir_atomico
from ...salida.excel import parece_formula
from .entrada import DatosRiesgos, leer_riesgos

COLUMNAS_CSV: tuple[str, ...] = (
    "riesgo_id", "tipo", "descripcion", "causa", "consecuencia", "clasificacion",
    "probabilidad", "probabilidad_nivel", "impacto_economico", "impacto_reputacional", "impacto", "impacto_nivel",
    "zona_inherente",
    "control_numero", "control_descripcion", "control_tipo", "control_implementacion", "control_calificacion",
    "control_disminuye", "control_responsable", "control_documentacion", "control_frecuencia", "control_evidencia",
    "porcentaje_probabilidad_residual", "probabilidad_residual", "porcentaje_impacto_residual", "impacto_residual",
    "zona_residual", "tratamiento", "plan_accion", "responsable", "fecha_seguimiento", "metodo",
)


def neutralizar(valor: Any) -> str:
    """Texto seguro para CSV: lo que una hoja de cálculo tomaría por fórmula lleva un apóstrofo delante."""
    if valor is None:
        return ""
    texto = valor if isinstance(valor, str) else str(valor)
    return "'" + texto if parece_formula(texto) else texto


def filas_csv(datos: DatosRiesgos, *, metodo_: FuenteMetodo | None = None) -> list[dict[str, str]]:
    """Las filas del CSV (diccionarios con :data:`COLUMNAS_CSV`), sin neutralizar."""
    m = metodo.cargar_metodo(metodo_) if metodo_ is not None else metodo.METODO_DAFP
    riesgos, _ = leer_riesgos(datos, m)
    e = m.etiquetas
    filas = []
    for r in riesgos:
        val = metodo.valorar(r.probabilidad, r.nivel_impacto, r.controles, m)
        base = {
            "riesgo_id": r.id, "tipo": e.get(r.tipo, r.tipo), "descripcion": r.descripcion, "causa": r.causa,
            "consecuencia": r.consecuencia, "clasificacion": r.clasificacion,
            "probabilidad": metodo.nombre_probabilidad(r.probabilidad, m), "probabilidad_nivel": r.probabilidad,
            "impacto_economico": metodo.nombre_impacto(r.impacto_economico, m) if r.impacto_economico else "",
            "impacto_reputacional": (metodo.nombre_impacto(r.impacto_reputacional, m)
                                     if r.impacto_reputacional else ""),
            "impacto": metodo.nombre_impacto(r.nivel_impacto, m), "impacto_nivel": r.nivel_impacto,
            "zona_inherente": val.zona_inherente,
            "porcentaje_probabilidad_residual": val.porcentaje_probabilidad_residual,
            "probabilidad_residual": metodo.nombre_probabilidad(val.probabilidad_residual, m),
            "porcentaje_impacto_residual": val.porcentaje_impacto_residual,
            "impacto_residual": metodo.nombre_impacto(val.impacto_residual, m),
            "zona_residual": val.zona_residual, "tratamiento": e[r.tratamiento], "plan_accion": r.plan_accion,
            "responsable": r.responsable,
            "fecha_seguimiento": r.fecha_seguimiento.isoformat() if r.fecha_seguimiento else "",
            "metodo": f"{m.nombre}, versión {m.version}",
        }
        controles: list[tuple[int, Control] | tuple[None, None]] = [*enumerate(r.controles, start=1)] or [(None, None)]
        for n, c in controles:
            fila = dict(base)
            if c is not None:
                fila.update({
                    "control_numero": n, "control_descripcion": c.descripcion, "control_tipo": e[c.tipo],
                    "control_implementacion": e[c.implementacion],
                    "control_calificacion": metodo.calificacion(c.tipo, c.implementacion, m),
                    "control_disminuye": m.control_por_clave[c.tipo].disminuye.capitalize(),
                    "control_responsable": c.responsable,
                    "control_documentacion": e[c.documentacion] if c.documentacion else "",
                    "control_frecuencia": e[c.frecuencia] if c.frecuencia else "",
                    "control_evidencia": e[c.evidencia] if c.evidencia else "",
                })
            filas.append({k: "" if fila.get(k) is None else str(fila.get(k)) for k in COLUMNAS_CSV})
    return filas


def riesgos_a_csv(datos: DatosRiesgos, *, metodo: FuenteMetodo | None = None) -> str:
    """El CSV como texto (sin BOM), con los textos neutralizados.

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """
    salida = io.StringIO()
    escritor = csv.writer(salida, lineterminator="\r\n")
    escritor.writerow(COLUMNAS_CSV)
    for fila in filas_csv(datos, metodo_=metodo):
        escritor.writerow([neutralizar(fila[k]) for k in COLUMNAS_CSV])
    return salida.getvalue()


@overload
def exportar_riesgos_csv(datos: DatosRiesgos, destino: RutaDestino, *, metodo: FuenteMetodo | None = None) -> Path: ...


@overload
def exportar_riesgos_csv(datos: DatosRiesgos, destino: BinaryIO, *, metodo: FuenteMetodo | None = None) -> None: ...


def exportar_riesgos_csv(datos: DatosRiesgos, destino: Destino, *, metodo: FuenteMetodo | None = None) -> Path | None:
    """Escribe el CSV (UTF-8 con BOM) de forma atómica; devuelve la ruta (``None`` si es un archivo abierto).

    Ejemplo: [Referencia: riesgos](../referencia/riesgos.md#ejemplo).
    """
    return escribir_atomico(destino, riesgos_a_csv(datos, metodo=metodo).encode("utf-8-sig"))
