"""Datos del póster de difusión de una buena práctica (ficha FT-1311), listos para JSON.

Con ``publico=True`` no entra ningún dato personal (directivo, colaborador, teléfono,
correo): ni en el texto ni en los metadatos, porque la plantilla solo ve este dict.
"""

from __future__ import annotations

from typing import Any

from ...esquemas.comun import etiqueta, fecha_larga
from ...esquemas.ficha import BuenaPractica
from .texto import linea, lineas, titulo_pdf

MAX_RETOS = 6
"""Retos que se listan; si hay más, se dice cuántos quedan (el detalle está en la ficha)."""


def _contacto(practica: BuenaPractica) -> list[dict[str, str]]:
    campos = ("colaborador", "correo", "telefono")
    return [
        {"etiqueta": etiqueta(BuenaPractica, n), "valor": linea(getattr(practica, n))}
        for n in campos if getattr(practica, n)
    ]


def datos_practica(practica: BuenaPractica, *, publico: bool = False) -> dict[str, Any]:
    """El dict que lee ``plantillas/infografia_practica.typ``."""
    retos = lineas(practica.retos)
    return {
        "tipo": "practica",
        "publico": publico,
        "formato": f"{linea(practica.encabezado.formato)} · {linea(practica.encabezado.codigo)}"
                   f" · versión {linea(practica.encabezado.version)}",
        "nombre": linea(practica.nombre),
        "titulo": titulo_pdf(practica.nombre),
        "dependencia": linea(practica.dependencia),
        "proceso": linea(practica.proceso),
        "equipo": linea(practica.equipo),
        "problema": linea(practica.linea_base),
        "accion": linea(practica.descripcion),
        "resultados": linea(practica.aporte),
        "poblacion": linea(practica.poblacion_objetivo),
        "retos": retos[:MAX_RETOS],
        "retos_restantes": max(0, len(retos) - MAX_RETOS),
        "contacto": [] if publico else _contacto(practica),
        "inicio": fecha_larga(practica.fecha_inicio),
        "diligenciamiento": fecha_larga(practica.fecha_diligenciamiento),
    }
