"""Podar el historial: los autoguardados viejos de cada persona se reducen al último de cada día.

El autoguardado deja una revisión por cada cambio de campo (con los datos completos, ~17 KB un acuerdo):
en meses de trabajo de una oficina son decenas de miles de filas. La poda la pide un administrador
(``acuerdo-docs web podar --antes-de FECHA``); nunca corre sola. Antes de la fecha, de los
autoguardados de cada borrador, persona y día (UTC) queda solo el último; todo lo demás se conserva:
cada «Guardar», importación, copia, restauración, marca de la reunión, corte de seguimiento y la
revisión vigente de cada borrador. Un formulario abierto desde antes de la fecha cuya revisión de
partida se podó no pierde nada: al guardar, cada dato que cambiaron los dos se muestra como un choque.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .bd import Almacen, Revision

PODABLE = "autoguardado"
"""El único origen de revisión que se poda."""
POR_TANDA = 500
"""Revisiones por orden DELETE (una lista de ids más larga pasa del límite de parámetros de SQLite)."""


@dataclass
class Poda:
    """Lo que se podó (o se podaría, con ``simular``)."""

    antes: date
    revisiones: int = 0
    por_borrador: dict[int, int] = field(default_factory=dict)
    simulada: bool = False

    @property
    def borradores(self) -> int:
        return len(self.por_borrador)


def podar_historial(almacen: Almacen, antes: date, *, simular: bool = False) -> Poda:
    """Quita los autoguardados anteriores a ``antes`` (UTC) que no son el último de su persona ese día.

    Todo en una transacción: o se poda todo lo que corresponde, o nada. ``simular``: solo cuenta.
    """
    limite = datetime(antes.year, antes.month, antes.day)
    poda = Poda(antes=antes, simulada=simular)
    with Session(almacen.motor) as sesion, sesion.begin():
        filas = sesion.execute(
            select(Revision.id, Revision.borrador_id, Revision.autor, Revision.momento, Revision.numero)
            .where(Revision.origen == PODABLE, Revision.momento < limite)
        )
        grupos: dict[tuple[int, str, date], list[tuple[int, int]]] = defaultdict(list)  # → (número, id)
        for id_revision, borrador, autor, momento, numero in filas:
            grupos[(borrador, autor, momento.date())].append((numero, id_revision))
        sobran: list[int] = []
        # Queda el último de cada grupo; la revisión vigente de un borrador es su número más alto, así
        # que si es un autoguardado viejo, es el último de su grupo y también queda.
        for (borrador, _autor, _dia), revisiones in grupos.items():
            ultimo = max(revisiones)
            for numero, id_revision in revisiones:
                if (numero, id_revision) != ultimo:
                    sobran.append(id_revision)
                    poda.por_borrador[borrador] = poda.por_borrador.get(borrador, 0) + 1
        poda.revisiones = len(sobran)
        if not simular:
            sobran.sort()
            for inicio in range(0, len(sobran), POR_TANDA):
                sesion.execute(delete(Revision).where(Revision.id.in_(sobran[inicio:inicio + POR_TANDA])))
    return poda


__all__ = ["PODABLE", "Poda", "podar_historial"]
