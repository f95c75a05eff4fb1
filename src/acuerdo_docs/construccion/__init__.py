"""Construcción, desde código, de las plantillas Word de ``plantillas/``.

``python -m acuerdo_docs.construccion`` las reescribe; las pruebas verifican que
las guardadas en el repositorio son idénticas a las que este código produce.
"""

from __future__ import annotations

from collections.abc import Callable

from . import acuerdo, ficha, seguimiento

CONSTRUCTORES: dict[str, Callable[[], bytes]] = {
    ficha.NOMBRE_ARCHIVO: ficha.construir,
    acuerdo.NOMBRE_ARCHIVO: acuerdo.construir,
    seguimiento.NOMBRE_ARCHIVO: seguimiento.construir,
}
