"""Ajustes comunes de hypothesis para las pruebas de endurecimiento: tiempo acotado y reproducible.

Pocos ejemplos por prueba, sin plazo por ejemplo, derandomizado (el mismo conjunto de ejemplos
en cada corrida y en CI) y sin la fase de reducción: un fallo muestra el ejemplo tal como se
generó en vez de pasar minutos reduciéndolo. ``HYPOTHESIS_REDUCIR=1`` la vuelve a activar
para depurar; ``HYPOTHESIS_EJEMPLOS=N`` cambia el número de ejemplos (p. ej. 500 en local).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_FASES = tuple(Phase) if os.environ.get("HYPOTHESIS_REDUCIR") else (Phase.explicit, Phase.reuse, Phase.generate)
_EJEMPLOS = int(os.environ.get("HYPOTHESIS_EJEMPLOS", "0"))


def ajustes(ejemplos: int) -> settings:
    return settings(
        max_examples=_EJEMPLOS or ejemplos, deadline=None, derandomize=True, database=None, phases=_FASES,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
