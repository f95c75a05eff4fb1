"""Lector de acuerdos: la hoja ``acuerdos`` (uno por fila) y sus hojas hijas unidas por ``acuerdo_id``.

Hojas: ``acuerdos``, ``actores``, ``compromisos`` (por ``actor_id``), ``hitos``, ``riesgos`` y
``controles`` (por ``riesgo_id``). Un error en una fila hija se informa en su propia hoja,
fila y columna, y hace fallar el acuerdo al que pertenece. Una fila hija cuyo acuerdo no
existe se informa aparte.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator
from typing import Any, ClassVar

from ..errores import ErrorEntrada
from ..esquemas import metodo_riesgo
from ..esquemas.acuerdo import Actor, AcuerdoSimbolico, Compromiso, Hito
from ..esquemas.riesgo import Control, Riesgo
from .columnas import Columna, columnas_de, valores_de, verificar_unicas
from .hoja_calculo import ErrorCelda, FilaLeida, HojaLeida, LibroEntrada
from .unidades import Ruta, Unidad, desaplanar

ACUERDOS, ACTORES, COMPROMISOS, HITOS, RIESGOS, CONTROLES = (
    "acuerdos", "actores", "compromisos", "hitos", "riesgos", "controles",
)


def _enlace(clave: str, etiqueta: str, ayuda: str) -> Columna:
    return Columna(clave=clave, ruta=(clave,), etiqueta=etiqueta, ayuda=ayuda, obligatoria=True)


ID_ACUERDO = _enlace(
    "acuerdo_id", "Id del acuerdo",
    "Identificador corto del acuerdo (por ejemplo A1); une las filas de las otras hojas con su acuerdo.",
)
ID_ACTOR = _enlace("actor_id", "Id del actor", "Id del actor (hoja «actores») que asume el compromiso.")
ID_RIESGO = _enlace(
    "riesgo_id", "Referencia del riesgo", "Referencia del riesgo (hoja «riesgos») que el control trata."
)


def _con_opciones(columnas: list[Columna], opciones: dict[str, tuple[str, ...]]) -> list[Columna]:
    """Listas sugeridas donde el esquema acepta nombres además de números (probabilidad, impacto…)."""
    return [
        dataclasses.replace(c, opciones=opciones[c.clave], opciones_abiertas=True)
        if c.clave in opciones and not c.opciones else c
        for c in columnas
    ]


HOJAS: dict[str, list[Columna]] = {
    ACUERDOS: [ID_ACUERDO, *columnas_de(AcuerdoSimbolico, ocultas={"encabezado", "id"})],
    ACTORES: [ID_ACUERDO, *columnas_de(Actor, ocultas={"validacion"})],  # la registra la app web
    COMPROMISOS: [ID_ACUERDO, ID_ACTOR, *columnas_de(Compromiso)],
    HITOS: [ID_ACUERDO, *columnas_de(Hito)],
    RIESGOS: [ID_ACUERDO, *_con_opciones(columnas_de(Riesgo), {
        "probabilidad": metodo_riesgo.PROBABILIDADES,
        "impacto": metodo_riesgo.IMPACTOS,
        "clasificacion": metodo_riesgo.CLASIFICACIONES,
    })],
    CONTROLES: [ID_ACUERDO, ID_RIESGO, *columnas_de(Control)],
}
"""Hojas del libro de acuerdos y sus columnas, derivadas de los esquemas."""
for _hoja, _columnas in HOJAS.items():
    verificar_unicas(_columnas, _hoja)

_ENLACES = {"acuerdo_id", "actor_id", "riesgo_id"}


def clave_id(valor: Any) -> str:
    """Los ids se comparan sin espacios extremos ni mayúsculas; 1 (número) y "1" (texto) son el mismo."""
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    return str(valor).strip().casefold() if valor is not None else ""


def _datos(fila: FilaLeida, hoja: str) -> dict[str, Any]:
    return desaplanar({k: v for k, v in fila.datos.items() if k not in _ENLACES}, HOJAS[hoja])



@dataclasses.dataclass(frozen=True)
class _Anidado:
    """Una hoja cuyas filas llevan dentro las de otra (actores → compromisos, riesgos → controles)."""

    hoja: str
    hoja_hija: str
    campo: str
    """Campo del acuerdo (``actores``), que es también el comienzo de la ruta de la traza."""
    lista: str
    """Campo de cada elemento que recibe las filas hijas (``compromisos``)."""
    enlace: str
    """Columna de la hoja hija con el id del padre (``actor_id``)."""
    sin_padre: str


_ACTORES = _Anidado(ACTORES, COMPROMISOS, "actores", "compromisos", "actor_id",
                    "no hay ningún actor con este id en este acuerdo (hoja «actores»)")
_RIESGOS = _Anidado(RIESGOS, CONTROLES, "riesgos", "controles", "riesgo_id",
                    "no hay ningún riesgo con esta referencia en este acuerdo (hoja «riesgos»)")


def _anidar(anidado: _Anidado, hijas: dict[str, list[FilaLeida]], errores: list[ErrorCelda],
            traza: dict[Ruta, FilaLeida]) -> list[dict[str, Any]]:
    """Las filas de ``anidado.hoja`` con sus filas hijas dentro; anota errores y traza de cada fila."""
    padres: list[dict[str, Any]] = []
    indices: dict[str, int] = {}
    for i, f in enumerate(hijas.get(anidado.hoja, [])):
        errores.extend(f.errores)
        padre = _datos(f, anidado.hoja)
        padre[anidado.lista] = []
        padres.append(padre)
        traza[(anidado.campo, i)] = f
        indices.setdefault(clave_id(padre.get("id")), i)
    for f in hijas.get(anidado.hoja_hija, []):
        errores.extend(f.errores)
        indice = indices.get(clave_id(f.datos.get(anidado.enlace)))
        if indice is None:
            errores.append(_error(f, anidado.enlace, anidado.sin_padre))
            continue
        lista = padres[indice][anidado.lista]
        traza[(anidado.campo, indice, anidado.lista, len(lista))] = f
        lista.append(_datos(f, anidado.hoja_hija))
    return padres

class EntradaAcuerdos:
    """Los acuerdos del libro, cada uno armado con sus filas hijas."""

    tipo = "acuerdos"
    modelo = AcuerdoSimbolico
    hojas_esquema: ClassVar[dict[str, list[Columna]]] = HOJAS

    def __init__(self, libro: LibroEntrada) -> None:
        if libro.formato == "csv":
            raise ErrorEntrada(
                "Los acuerdos necesitan un libro .xlsx con varias hojas; un .csv solo sirve para fichas."
            )
        faltan = [h for h in HOJAS if libro.buscar_hoja(h) is None]
        if faltan:
            raise ErrorEntrada(
                f"{libro.ruta.name}: faltan las hojas {', '.join(f'«{h}»' for h in faltan)}. Hojas del libro:"
                f" {', '.join(libro.hojas)}. Genere la plantilla con:"
                " acuerdo-docs plantilla-lote acuerdos -o entrada.xlsx"
            )
        self.hojas = {h: HojaLeida(libro, libro.buscar_hoja(h) or h, cols) for h, cols in HOJAS.items()}

    def conteo(self, *, exacto: bool = True, hasta: int | None = None,
               guardar: bool = True) -> dict[str, int | None]:
        """Filas de datos por hoja (la primera, ``acuerdos``, da el número de documentos)."""
        return {n: h.contar(hasta, guardar=guardar) if exacto else h.estimar() for n, h in self.hojas.items()}

    # -------------------------------------------------------------- hijas

    def _agrupar(self, hoja: str, huerfanas: list[Unidad]) -> dict[str, list[FilaLeida]]:
        grupos: dict[str, list[FilaLeida]] = defaultdict(list)
        leida = self.hojas[hoja]
        for fila in leida.filas():
            clave = clave_id(fila.datos.get("acuerdo_id"))
            if not clave:
                huerfanas.append(_huerfana(fila, "falta el id del acuerdo al que pertenece esta fila", "acuerdo_id"))
                continue
            grupos[clave].append(fila)
        return grupos

    def unidades(self) -> Iterator[Unidad]:
        huerfanas: list[Unidad] = []
        hijas = {h: self._agrupar(h, huerfanas) for h in (ACTORES, COMPROMISOS, HITOS, RIESGOS, CONTROLES)}
        principal = self.hojas[ACUERDOS]
        vistos: dict[str, int] = {}
        usados: set[str] = set()
        for fila in principal.filas():
            clave = clave_id(fila.datos.get("acuerdo_id"))
            if clave and clave in vistos:
                unidad = _huerfana(
                    fila, f"el id del acuerdo se repite (ya está en la fila {vistos[clave]}); cada acuerdo necesita"
                    " un id único", "acuerdo_id",
                )
                unidad.clave = str(fila.datos.get("acuerdo_id"))
                yield unidad
                continue
            if clave:
                vistos[clave] = fila.numero
                usados.add(clave)
            propias = {h: grupos.get(clave, []) for h, grupos in hijas.items()} if clave else {}
            yield self._armar(fila, clave, propias)
        for grupos in hijas.values():
            for clave, filas in grupos.items():
                if clave not in usados:
                    for fila in filas:
                        huerfanas.append(_huerfana(
                            fila, "no hay ningún acuerdo con este id en la hoja «acuerdos»", "acuerdo_id",
                        ))
        yield from sorted(huerfanas, key=lambda u: (list(HOJAS).index(u.hoja) if u.hoja in HOJAS else 99, u.fila))

    def _armar(self, fila: FilaLeida, clave: str, hijas: dict[str, list[FilaLeida]]) -> Unidad:
        errores = list(fila.errores)
        traza: dict[Ruta, FilaLeida] = {(): fila}
        datos = _datos(fila, ACUERDOS)
        if not clave:
            errores.append(_error(fila, "acuerdo_id", "falta el id del acuerdo (acuerdo_id)"))

        datos["actores"] = _anidar(_ACTORES, hijas, errores, traza)
        hitos = []
        for i, f in enumerate(hijas.get(HITOS, [])):
            errores += f.errores
            traza[("hoja_de_ruta", i)] = f
            hitos.append(_datos(f, HITOS))
        datos["hoja_de_ruta"] = hitos
        datos["riesgos"] = _anidar(_RIESGOS, hijas, errores, traza)

        id_texto = fila.datos.get("acuerdo_id")
        return Unidad(
            hoja=fila.hoja.nombre, fila=fila.numero,
            clave=str(id_texto) if id_texto is not None else f"fila {fila.numero}",
            datos=datos, traza=traza, errores=errores,
            extra={"acuerdo_id": _texto_id(id_texto)},
        )


def _texto_id(valor: Any) -> str:
    if isinstance(valor, float) and valor.is_integer():
        valor = int(valor)
    return "" if valor is None else str(valor).strip()


def _error(fila: FilaLeida, clave: str, mensaje: str) -> ErrorCelda:
    leida = fila.hoja.columna(clave)
    if leida is None:
        return ErrorCelda(fila.hoja.nombre, fila.numero, "", clave, clave, mensaje)
    return ErrorCelda(fila.hoja.nombre, fila.numero, leida.letra, leida.encabezado, clave, mensaje)


def _huerfana(fila: FilaLeida, mensaje: str, clave: str) -> Unidad:
    """Una fila que no pertenece a ningún acuerdo: solo se informa (no produce documento)."""
    return Unidad(
        hoja=fila.hoja.nombre, fila=fila.numero, clave=f"fila {fila.numero}", datos=None, traza={(): fila},
        errores=[*fila.errores, _error(fila, clave, mensaje)],
    )


def filas_de_acuerdo(acuerdo: AcuerdoSimbolico, acuerdo_id: str) -> dict[str, list[dict[str, Any]]]:
    """Un acuerdo validado en filas por hoja (inverso del lector; lo usa la hoja de ejemplo)."""
    enlace = {"acuerdo_id": acuerdo_id}
    filas: dict[str, list[dict[str, Any]]] = {h: [] for h in HOJAS}
    filas[ACUERDOS].append({**valores_de(acuerdo, HOJAS[ACUERDOS]), **enlace})
    for actor in acuerdo.actores:
        filas[ACTORES].append({**valores_de(actor, HOJAS[ACTORES]), **enlace})
        for compromiso in actor.compromisos:
            filas[COMPROMISOS].append({**valores_de(compromiso, HOJAS[COMPROMISOS]), **enlace, "actor_id": actor.id})
    for hito in acuerdo.hoja_de_ruta:
        filas[HITOS].append({**valores_de(hito, HOJAS[HITOS]), **enlace})
    for riesgo in acuerdo.riesgos:
        valores = valores_de(riesgo, HOJAS[RIESGOS])
        valores["probabilidad"] = metodo_riesgo.PROBABILIDADES[riesgo.probabilidad - 1]
        valores["impacto"] = metodo_riesgo.IMPACTOS[riesgo.nivel_impacto - 1]
        filas[RIESGOS].append({**valores, **enlace})
        for control in riesgo.controles:
            filas[CONTROLES].append({**valores_de(control, HOJAS[CONTROLES]), **enlace, "riesgo_id": riesgo.id})
    return filas


__all__ = ["HOJAS", "EntradaAcuerdos", "clave_id", "filas_de_acuerdo"]
