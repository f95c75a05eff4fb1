"""Lector de fichas: la hoja ``fichas`` (o un .csv), una buena práctica por fila."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from ..errores import ErrorEntrada
from ..esquemas.ficha import BuenaPractica
from .columnas import Columna, columnas_de, verificar_unicas
from .hoja_calculo import HojaLeida, LibroEntrada
from .unidades import Unidad, desaplanar

HOJA = "fichas"

COLUMNAS: list[Columna] = columnas_de(
    BuenaPractica, omitir={"valoracion"}, ocultas={"encabezado"}, listas_en_celda={"anexos": "nombre"}
)
"""Columnas de la hoja ``fichas``: los campos de BuenaPractica (el encabezado del formato es opcional
y no va en la plantilla; los anexos, un nombre por línea)."""
verificar_unicas(COLUMNAS, HOJA)


class EntradaFichas:
    """Las filas de la hoja ``fichas`` convertidas en unidades (una ficha cada una)."""

    tipo = "fichas"
    modelo = BuenaPractica
    hojas_esquema: ClassVar[dict[str, list[Columna]]] = {HOJA: COLUMNAS}

    def __init__(self, libro: LibroEntrada) -> None:
        if libro.formato == "csv":
            nombre = libro.hojas[0]
        else:
            encontrada = libro.buscar_hoja(HOJA)
            if encontrada is None:
                raise ErrorEntrada(
                    f"{libro.ruta.name}: no tiene la hoja «{HOJA}». Hojas del libro: {', '.join(libro.hojas)}."
                    " Genere la plantilla con: acuerdo-docs plantilla-lote fichas -o entrada.xlsx"
                )
            nombre = encontrada
        self.hoja = HojaLeida(libro, nombre, COLUMNAS)

    def conteo(self, *, exacto: bool = True, hasta: int | None = None,
               guardar: bool = True) -> dict[str, int | None]:
        """Filas de datos por hoja: exactas (recorre la hoja, hasta pasar de ``hasta``) o estimadas."""
        return {HOJA: self.hoja.contar(hasta, guardar=guardar) if exacto else self.hoja.estimar()}

    def unidades(self) -> Iterator[Unidad]:
        for fila in self.hoja.filas():
            yield Unidad(
                hoja=self.hoja.nombre, fila=fila.numero, clave=f"fila {fila.numero}",
                datos=desaplanar(fila.datos, COLUMNAS), traza={(): fila}, errores=list(fila.errores),
            )


__all__ = ["COLUMNAS", "HOJA", "EntradaFichas"]
