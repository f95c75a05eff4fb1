"""Re-ejecutar el catálogo sin perder nada: cada ficha leída se empareja con lo que una persona
escribió en el catálogo anterior.

Clave: la ruta del archivo y su huella (SHA-256 del contenido).

1. Misma ruta y misma huella → sin cambios: se conserva todo.
2. Misma ruta, otra huella → ficha **cambiada**: se conserva todo y, si tenía valoración, se marca
   «Revisar valoración» (la valoración puede haber quedado vieja). La marca la borra una persona.
3. Ruta nueva con la huella de una fila cuya ruta ya no existe → ficha **movida**: se conserva todo.
4. Nada coincide → ficha **nueva**.
5. Filas anteriores sin pareja → ficha **desaparecida**: si alguien escribió algo en ella pasa a
   la hoja «Fichas retiradas» (y vuelve sola si la ficha reaparece con la misma ruta o huella).

Una ficha movida *y* cambiada a la vez no se puede reconocer por la clave: aparece como nueva y
la anterior como desaparecida (su valoración queda en «Fichas retiradas»; el informe lo dice).

La valoración que trae un .json se usa en lo que el catálogo tiene Sin valorar; si ambos tienen
respuesta y difieren, gana la del catálogo y el informe lo dice. La que se pasa desde Python
(``valoraciones=``) reemplaza la del catálogo, también con aviso.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ...esquemas.valoracion import CRITERIOS, Criterio, Respuesta, Valoracion
from ...lectores.catalogo_xlsx import HOJA_CATALOGO, HOJA_RETIRADAS, EntradaHumana
from .lectura import FilaCatalogo

SIN_CAMBIOS = "Sin cambios"
NUEVA = "Nueva"
CAMBIADA = "Cambiada"
MOVIDA = "Movida"
RESTAURADA = "Restaurada"
MARCA_REVISAR = "La ficha cambió después de valorarla: revise la valoración y borre esta marca"


@dataclass
class EntradaCatalogo:
    """Una fila del catálogo: lo leído de la ficha más lo que escribieron las personas."""

    fila: FilaCatalogo
    valoracion: Valoracion = field(default_factory=Valoracion)
    notas: str = ""
    revisar: str = ""
    cambio: str = NUEVA


@dataclass
class InformeCatalogo:
    """Qué cambió respecto al catálogo anterior (para la terminal y la hoja Resumen)."""

    anterior: Path | None = None
    respaldo: Path | None = None
    sin_cambios: int = 0
    nuevas: list[str] = field(default_factory=list)
    cambiadas: list[str] = field(default_factory=list)
    marcadas: list[str] = field(default_factory=list)
    movidas: list[tuple[str, str]] = field(default_factory=list)
    restauradas: list[str] = field(default_factory=list)
    desaparecidas: list[str] = field(default_factory=list)
    conflictos: list[str] = field(default_factory=list)
    entradas_conservadas: int = 0

    def lineas(self) -> list[str]:
        """Una línea por cambio, sin textos de la ficha (solo rutas)."""
        lineas = [f"  nueva: {a}" for a in self.nuevas]
        lineas += [f"  movida: {antes} → {ahora}" for antes, ahora in self.movidas]
        lineas += [f"  cambiada: {a}" + (" (valoración marcada para revisar)" if a in self.marcadas else "")
                   for a in self.cambiadas]
        lineas += [f"  restaurada de «{HOJA_RETIRADAS}»: {a}" for a in self.restauradas]
        lineas += [f"  desaparecida: {a}" for a in self.desaparecidas]
        lineas += [f"  conflicto: {c}" for c in self.conflictos]
        return lineas


def _combinar(catalogo: Valoracion, archivo: Valoracion, ruta: str, conflictos: list[str]) -> Valoracion:
    """Lo del catálogo gana; lo que el catálogo tiene vacío se toma del archivo."""
    cambios: dict[str, object] = {}
    for nombre in CRITERIOS:
        actual: Criterio = getattr(catalogo, nombre)
        nuevo: Criterio = getattr(archivo, nombre)
        if actual == Criterio():
            cambios[nombre] = nuevo
        elif nuevo.respuesta is not Respuesta.SIN_VALORAR and nuevo.respuesta != actual.respuesta:
            conflictos.append(
                f"{ruta}: «{nombre}» es {actual.respuesta.value} en el catálogo y {nuevo.respuesta.value} "
                "en el archivo; se conserva la del catálogo"
            )
    if not catalogo.evaluador:
        cambios["evaluador"] = archivo.evaluador
    if catalogo.fecha is None:
        cambios["fecha"] = archivo.fecha
    return catalogo.model_copy(update=cambios)


class Fusion:
    """Empareja, en flujo, cada ficha leída con las entradas del catálogo anterior."""

    def __init__(
        self,
        previas: list[EntradaHumana],
        rutas_actuales: set[str],
        valoraciones: dict[str, Valoracion] | None = None,
        informe: InformeCatalogo | None = None,
    ) -> None:
        self.rutas_actuales = rutas_actuales
        self.valoraciones = dict(valoraciones or {})
        self.informe = informe or InformeCatalogo()
        self._previas = previas
        self._usadas: set[int] = set()
        self._por_ruta: dict[str, list[int]] = defaultdict(list)
        self._por_huella: dict[str, list[int]] = defaultdict(list)
        for i, e in enumerate(previas):
            self._por_ruta[e.archivo].append(i)
            if e.huella:
                self._por_huella[e.huella].append(i)

    def _libre(self, indices: list[int]) -> list[int]:
        return [i for i in indices if i not in self._usadas]

    def _buscar(self, fila: FilaCatalogo) -> tuple[EntradaHumana | None, str]:
        por_ruta = self._libre(self._por_ruta.get(fila.archivo, []))
        if por_ruta:
            iguales = [i for i in por_ruta if fila.huella and self._previas[i].huella == fila.huella]
            en_catalogo = [i for i in por_ruta if self._previas[i].hoja == HOJA_CATALOGO]
            elegido = (iguales or en_catalogo or por_ruta)[0]
            self._usadas.add(elegido)
            previa = self._previas[elegido]
            if previa.hoja == HOJA_RETIRADAS:
                return previa, RESTAURADA
            return previa, SIN_CAMBIOS if iguales else CAMBIADA
        if fila.huella:
            movibles = [i for i in self._libre(self._por_huella.get(fila.huella, []))
                        if self._previas[i].archivo not in self.rutas_actuales]
            if movibles:
                self._usadas.add(movibles[0])
                previa = self._previas[movibles[0]]
                return previa, RESTAURADA if previa.hoja == HOJA_RETIRADAS else MOVIDA
        return None, NUEVA

    def aplicar(self, fila: FilaCatalogo) -> EntradaCatalogo:
        previa, cambio = self._buscar(fila)
        informe = self.informe
        entrada = EntradaCatalogo(fila, cambio=cambio)
        if previa is not None:
            entrada.valoracion, entrada.notas, entrada.revisar = previa.valoracion, previa.notas, previa.revisar
            if not previa.vacia():
                informe.entradas_conservadas += 1
        if cambio == SIN_CAMBIOS:
            informe.sin_cambios += 1
        elif cambio == NUEVA:
            informe.nuevas.append(fila.archivo)
        elif cambio == MOVIDA:
            informe.movidas.append((previa.archivo if previa else "", fila.archivo))
        elif cambio == RESTAURADA:
            informe.restauradas.append(fila.archivo)
        elif cambio == CAMBIADA:
            informe.cambiadas.append(fila.archivo)
            if not entrada.valoracion.vacia():
                entrada.revisar = entrada.revisar or MARCA_REVISAR
                informe.marcadas.append(fila.archivo)
        if fila.valoracion is not None:
            entrada.valoracion = _combinar(entrada.valoracion, fila.valoracion, fila.archivo, informe.conflictos)
        python = self.valoraciones.pop(fila.archivo, None)
        if python is not None:
            if not entrada.valoracion.vacia() and entrada.valoracion != python:
                informe.conflictos.append(f"{fila.archivo}: la valoración fijada desde Python reemplaza la anterior")
            entrada.valoracion = python
        return entrada

    def retiradas(self) -> list[EntradaHumana]:
        """Las entradas sin pareja que conservan algo escrito por una persona (en orden)."""
        quedan: list[EntradaHumana] = []
        for i, previa in enumerate(self._previas):
            if i in self._usadas:
                continue
            if previa.hoja == HOJA_CATALOGO:
                self.informe.desaparecidas.append(previa.archivo)
            if not previa.vacia():
                quedan.append(previa)
        for archivo in sorted(self.valoraciones):
            self.informe.conflictos.append(f"{archivo}: se pasó una valoración desde Python pero la ficha no está")
        return quedan


__all__ = [
    "CAMBIADA", "MARCA_REVISAR", "MOVIDA", "NUEVA", "RESTAURADA", "SIN_CAMBIOS", "EntradaCatalogo", "Fusion",
    "InformeCatalogo",
]
