"""Lee de vuelta el libro de la matriz de riesgos que el equipo editó en Excel o LibreOffice.

Las columnas se encuentran por su encabezado (las etiquetas de los esquemas), no por su
posición: una columna movida, una hoja renombrada o una columna extra no rompen la lectura.
Las columnas calculadas (zonas, porcentajes, estado del hito) nunca se leen: se recalculan
desde los datos; si el usuario escribió un valor encima de una fórmula, se avisa.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from ..claves import normalizar_clave
from ..errores import ErrorCampo, ErrorEntrada, ErrorValidacion, ruta_desde_texto, traducir
from ..esquemas.acuerdo import CierreRiesgo, Compromiso, Hito
from ..esquemas.comun import etiqueta
from ..esquemas.riesgo import ETIQUETAS_CALCULADAS, Control, Riesgo
from ..limites_entrada import LIMITE_HITOS, LIMITE_RIESGOS, miles, recortar
from ..salida.protegidos import PROPIEDAD_DESAFIO, PROPIEDAD_ID
from .hoja_calculo import abrir_libro_editado, elegir_hoja, hojas_visibles

FILAS_BUSQUEDA = 40
"""Filas en las que se busca la fila de títulos de cada hoja."""
MAX_CONTROLES = 50
ROTULOS_CORTE = ("fecha de corte", "fecha de referencia")
"""Rótulos de la celda de fecha de corte en la hoja de ruta (la fecha va a su derecha); el segundo, de libros viejos."""

# Encabezados de la hoja de ruta que no son campos del modelo Hito.
_RUTA_CALCULADAS = {"estado"}
_RUTA_IGNORADAS = {"entidad"}

Ruta = tuple[str | int, ...]


@dataclass
class Hoja:
    """Una hoja del libro leída en flujo: sus primeras filas guardadas (títulos y fecha de corte)."""

    ws: Any
    archivo: str
    cabeza: list[tuple[Any, ...]]
    """Valores de las filas 1 a :data:`FILAS_BUSQUEDA`."""

    @property
    def title(self) -> str:
        return str(self.ws.title)

    def fila(self, numero: int) -> tuple[Any, ...]:
        return self.cabeza[numero - 1] if 0 < numero <= len(self.cabeza) else ()

    def filas(self, desde: int) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
        """(número de fila, valores) desde ``desde``, en flujo (la hoja nunca se carga entera)."""
        try:
            for numero, valores in enumerate(self.ws.iter_rows(min_row=desde, values_only=True), start=desde):
                yield numero, valores
        except ErrorEntrada:
            raise
        except Exception:  # una hoja dañada a mitad de camino
            raise ErrorEntrada(f"{self.archivo}: la hoja «{self.title}» está dañada y no se puede leer.") from None


def _hoja(ws: Any, archivo: str) -> Hoja:
    hoja = Hoja(ws, archivo, [])
    recorrido = hoja.filas(1)
    hoja.cabeza = [valores for _, valores in islice(recorrido, FILAS_BUSQUEDA)]
    recorrido.close()
    return hoja


@dataclass(frozen=True)
class AvisoCelda:
    """Algo que se debe saber de una celda (no impide leer): fórmula sobrescrita, columna desconocida."""

    celda: str
    mensaje: str

    def __str__(self) -> str:
        return f"{self.celda}: {self.mensaje}"


@dataclass
class DatosMatriz:
    """Lo que dice el libro: riesgos con sus controles, hitos y la fecha de referencia de la hoja de ruta."""

    riesgos: list[Riesgo]
    hitos: list[Hito]
    fecha_corte: date | None = None
    hay_hoja_ruta: bool = False
    celdas: dict[Ruta, str] = field(default_factory=dict)
    """Celda de origen de cada dato: ``("riesgos", 0, "probabilidad") -> "Matriz!F10"``."""
    avisos: list[AvisoCelda] = field(default_factory=list)
    encabezado: dict[str, str] = field(default_factory=dict)
    """Encabezado escrito en la hoja Matriz (entidad, proceso, procedimiento, codigo, version)."""
    cierres: list[dict[str, Any]] | None = None
    """Filas de la hoja Riesgos cerrados (id, motivo), o ``None`` si no la hay."""
    compromisos: list[dict[str, Any]] | None = None
    """Filas de la hoja Compromisos (actor, tipo, descripcion, estado, evidencia), o ``None`` si no la hay."""
    acuerdo_id: str | None = None
    """Id del acuerdo al que pertenece el libro (propiedad del documento), o ``None`` si no lo dice."""
    desafio: str | None = None
    """Nombre del desafío con que se escribió el libro (propiedad del documento)."""

    def celda(self, ruta: Ruta) -> str | None:
        """La celda de una ruta de error de pydantic (o de su fila, si el campo no tiene celda propia)."""
        for largo in range(len(ruta), 1, -1):
            if ruta[:largo] in self.celdas:
                return self.celdas[ruta[:largo]]
        return None


# ------------------------------------------------------------------ encabezados


def _columnas_riesgo() -> dict[str, tuple[str, int | None]]:
    """Encabezado normalizado → (campo, número de control o None). Incluye las calculadas (campo ``=``)."""
    columnas: dict[str, tuple[str, int | None]] = {}
    for nombre in Riesgo.model_fields:
        if nombre != "controles":
            columnas[_clave(etiqueta(Riesgo, nombre))] = (nombre, None)
    for titulo, _ayuda in ETIQUETAS_CALCULADAS.values():
        columnas[_clave(titulo)] = ("=", None)
    for k in range(1, MAX_CONTROLES + 1):
        for nombre in Control.model_fields:
            columnas[_clave(f"{etiqueta(Control, nombre)} {k}")] = (nombre, k)
        for clave in ("calificacion", "disminuye"):
            columnas[_clave(f"{ETIQUETAS_CALCULADAS[clave][0]} {k}")] = ("=", k)
    return columnas


def _columnas_ruta() -> dict[str, str]:
    columnas = {_clave(etiqueta(Hito, n)): n for n in Hito.model_fields}
    # Títulos cortos que usa la hoja de ruta del libro.
    columnas.update({"inicio": "inicio", "fin": "fin", "avance": "avance"})
    columnas.update({c: "=" for c in _RUTA_CALCULADAS})
    columnas.update({c: "" for c in _RUTA_IGNORADAS})
    return columnas


def _clave(texto: str) -> str:
    """Encabezado comparable: sin tildes ni mayúsculas; «% probabilidad» no es «probabilidad»."""
    return ("%" if "%" in texto else "") + normalizar_clave(texto)


def _texto(valor: Any) -> str:
    return "" if valor is None else str(valor).strip()


def _fila_titulos(hoja: Hoja, requeridos: set[str]) -> int | None:
    for fila, valores in enumerate(hoja.cabeza, start=1):
        claves = {_clave(_texto(v)) for v in valores if _texto(v)}
        if requeridos <= claves:
            return fila
    return None


def _buscar_hoja(libro: Any, archivo: str, preferida: str, requeridos: set[str],
                 avisos: list[AvisoCelda]) -> tuple[Hoja, int] | None:
    """La hoja visible ``preferida`` o, si no tiene las columnas, otra visible que las tenga (renombrada).

    Una hoja oculta nunca se lee: el informe debe decir lo que ven los revisores (``elegir_hoja``);
    si una oculta se llama como la buscada, se avisa.
    """
    visibles = hojas_visibles(libro)
    nombre = elegir_hoja(archivo, [(ws.title, ws not in visibles) for ws in libro.worksheets], preferida,
                         rechazar_oculta=False)
    for ws in libro.worksheets:
        if ws not in visibles and normalizar_clave(ws.title) == normalizar_clave(preferida):
            avisos.append(AvisoCelda(recortar(ws.title), "la hoja está oculta y no se lee: se leyó la hoja visible"
                                     " con las columnas de la matriz (muestre o borre la oculta)"))
    hojas = [ws for ws in visibles if ws.title == nombre] + [ws for ws in visibles if ws.title != nombre]
    for ws in hojas:
        hoja = _hoja(ws, archivo)
        fila = _fila_titulos(hoja, requeridos)
        if fila is not None:
            return hoja, fila
    return None


def _celda(ws: Hoja, fila: int, col: int) -> str:
    return f"{ws.title}!{get_column_letter(col)}{fila}"


def _es_formula(valor: Any) -> bool:
    return isinstance(valor, str) and valor.startswith("=")


def _valor(valor: Any) -> Any:
    if isinstance(valor, datetime):
        return valor.date()
    if isinstance(valor, str):
        return valor.strip()
    return valor


# ------------------------------------------------------------------ hojas


def _mapa_columnas(ws: Hoja, fila: int, conocidos: Mapping[str, Any], avisos: list[AvisoCelda]) -> dict[int, Any]:
    mapa: dict[int, Any] = {}
    for columna, valor in enumerate(ws.fila(fila), start=1):
        texto = _texto(valor)
        if not texto or isinstance(valor, datetime | date | int | float):
            continue  # semanas del Gantt y otros rótulos que no son títulos de columna
        clave = _clave(texto)
        if clave in conocidos:
            mapa[columna] = conocidos[clave]
        else:
            avisos.append(AvisoCelda(_celda(ws, fila, columna),
                                     f"columna «{recortar(texto)}» no es del formato: se conserva en el libro"
                                     " pero no se lee"))
    return mapa


def _filas(ws: Hoja, desde: int, limite: int, que: str) -> Iterator[tuple[int, dict[int, Any]]]:
    """Las filas con datos desde ``desde``; pasar de ``limite`` detiene la lectura (sin leer el resto)."""
    con_datos = 0
    for numero, fila in ws.filas(desde):
        valores = {c: v for c, v in enumerate(fila, start=1) if v is not None and _texto(v) != ""}
        if not valores:
            continue
        con_datos += 1
        if con_datos > limite:
            raise ErrorEntrada(
                f"{ws.archivo}: la hoja «{ws.title}» tiene más de {miles(limite)} filas de {que} (el máximo);"
                f" la lectura se detuvo en la fila {numero}. Divida la matriz o borre las filas que sobran."
            )
        yield numero, valores


def _calculada(destino: Any) -> bool:
    """La columna la llena una fórmula: ``"="`` (hoja de ruta) o ``("=", control)`` (matriz)."""
    return destino == "=" or (isinstance(destino, tuple) and destino[0] == "=")


def _entrada(ws: Hoja, numero: int, valores: dict[int, Any], mapa: Mapping[int, Any],
             avisos: list[AvisoCelda]) -> dict[int, Any]:
    """Los valores de datos de la fila; avisa de cada fórmula que se pisó con un valor (se recalcula)."""
    for col, valor in valores.items():
        if _calculada(mapa.get(col)) and not _es_formula(valor):
            avisos.append(AvisoCelda(_celda(ws, numero, col),
                                     "tenía una fórmula y se escribió un valor encima: se recalcula"))
    return {c: v for c, v in valores.items() if mapa.get(c) not in (None, "") and not _calculada(mapa[c])}


def _leer_riesgos(ws: Hoja, titulos: int, datos: DatosMatriz, errores: list[ErrorCampo]) -> list[dict[str, Any]]:
    conocidos = _columnas_riesgo()
    mapa = _mapa_columnas(ws, titulos, conocidos, datos.avisos)
    riesgos: list[dict[str, Any]] = []
    for numero, valores in _filas(ws, titulos + 1, LIMITE_RIESGOS, "riesgos"):
        entrada = _entrada(ws, numero, valores, mapa, datos.avisos)
        if not entrada:
            continue
        i = len(riesgos)
        riesgo: dict[str, Any] = {}
        controles: dict[int, dict[str, Any]] = {}
        datos.celdas[("riesgos", i)] = _celda(ws, numero, 1)
        for col, valor in entrada.items():
            nombre, k = mapa[col]
            if k is None:
                riesgo[nombre] = _valor(valor)
                datos.celdas[("riesgos", i, nombre)] = _celda(ws, numero, col)
            else:
                controles.setdefault(k, {})[nombre] = _valor(valor)
        riesgo["controles"] = []
        for n, k in enumerate(sorted(controles)):
            riesgo["controles"].append(controles[k])
            for nombre in controles[k]:
                col = next(c for c, (campo_, kk) in mapa.items() if campo_ == nombre and kk == k)
                datos.celdas[("riesgos", i, "controles", n, nombre)] = _celda(ws, numero, col)
        if not _texto(riesgo.get("id")):
            errores.append(ErrorCampo(_celda(ws, numero, _columna_de(mapa, "id") or 1), etiqueta(Riesgo, "id"),
                                      "el riesgo de esta fila no tiene referencia (id): escriba una única, p. ej. R9"))
        riesgos.append(riesgo)
    return riesgos


def _columna_de(mapa: Mapping[int, Any], nombre: str) -> int | None:
    for col, valor in mapa.items():
        if valor == nombre or (isinstance(valor, tuple) and valor == (nombre, None)):
            return col
    return None


def _fecha_referencia(ws: Hoja, titulos: int) -> tuple[date | None, str | None]:
    rotulos = tuple(normalizar_clave(r) for r in ROTULOS_CORTE)
    for numero, fila in enumerate(ws.cabeza[: titulos - 1], start=1):
        for columna, valor in enumerate(fila, start=1):
            if normalizar_clave(_texto(valor)).startswith(rotulos):
                for otra, dato in enumerate(fila[columna:], start=columna + 1):
                    if dato is not None and _texto(dato):
                        return _valor(dato), _celda(ws, numero, otra)
    return None, None


def _leer_hitos(ws: Hoja, titulos: int, datos: DatosMatriz, errores: list[ErrorCampo]) -> list[dict[str, Any]]:
    conocidos = _columnas_ruta()
    mapa = _mapa_columnas(ws, titulos, conocidos, datos.avisos)
    referencia, celda_ref = _fecha_referencia(ws, titulos)
    if celda_ref is not None:
        if isinstance(referencia, date):
            datos.fecha_corte = referencia
        else:
            errores.append(ErrorCampo(celda_ref, "Fecha de referencia", "debe ser una fecha"))
    hitos: list[dict[str, Any]] = []
    for numero, valores in _filas(ws, titulos + 1, LIMITE_HITOS, "hitos"):
        entrada = _entrada(ws, numero, valores, mapa, datos.avisos)
        if not entrada:
            continue
        i = len(hitos)
        hito: dict[str, Any] = {}
        datos.celdas[("hoja_de_ruta", i)] = _celda(ws, numero, 1)
        for col, valor in entrada.items():
            nombre = mapa[col]
            hito[nombre] = _avance(valor) if nombre == "avance" else _valor(valor)
            datos.celdas[("hoja_de_ruta", i, nombre)] = _celda(ws, numero, col)
        hitos.append(hito)
    return hitos


ROTULOS_ENCABEZADO = {"entidad": "entidad", "proceso": "proceso", "procedimiento": "procedimiento",
                      "codigo": "codigo", "version": "version"}
"""Rótulos del bloque de encabezado de la hoja Matriz (``PROCESO:``…) → campo del encabezado del acuerdo."""


def _leer_encabezado(hoja: Hoja, titulos: int) -> dict[str, str]:
    """Lo que dice el bloque de encabezado (arriba de los títulos): rótulo «PROCESO:» y su valor a la derecha."""
    encabezado: dict[str, str] = {}
    for numero in range(1, titulos):
        valores = hoja.fila(numero)
        for i, valor in enumerate(valores):
            campo = ROTULOS_ENCABEZADO.get(normalizar_clave(_texto(valor).rstrip(":")))
            if campo is None or campo in encabezado:
                continue
            siguiente = next((_texto(v) for v in valores[i + 1:] if _texto(v)), "")
            if siguiente:
                encabezado[campo] = siguiente
    return encabezado


TITULOS_COMPROMISO = {"actor": "actor", "entidad": ""}
"""Títulos de la hoja Compromisos que no son campos de Compromiso (la entidad se muestra, no se lee)."""


def _leer_compromisos(ws: Hoja, titulos: int, datos: DatosMatriz) -> list[dict[str, Any]]:
    conocidos: dict[str, str] = {_clave(etiqueta(Compromiso, n)): n for n in Compromiso.model_fields}
    conocidos.update(TITULOS_COMPROMISO)
    mapa = _mapa_columnas(ws, titulos, conocidos, datos.avisos)
    filas: list[dict[str, Any]] = []
    for numero, valores in _filas(ws, titulos + 1, LIMITE_HITOS, "compromisos"):
        entrada = {c: v for c, v in valores.items() if mapa.get(c)}
        if not entrada:
            continue
        i = len(filas)
        datos.celdas[("compromisos", i)] = _celda(ws, numero, 1)
        fila: dict[str, Any] = {}
        for col, valor in entrada.items():
            fila[mapa[col]] = _valor(valor)
            datos.celdas[("compromisos", i, mapa[col])] = _celda(ws, numero, col)
        filas.append(fila)
    return filas


def _avance(valor: Any) -> Any:
    """La celda tiene formato de porcentaje: 0,5 es 50 %. Un 50 tecleado sin % también vale 50 %."""
    if isinstance(valor, bool) or not isinstance(valor, int | float):
        texto = _texto(valor).rstrip("%").strip().replace(",", ".")
        try:
            numero = float(texto)
        except ValueError:
            return valor
        return round(numero) if math.isfinite(numero) else numero  # inf, 1e999, nan: el modelo los rechaza
    if not math.isfinite(valor):
        return valor
    return round(valor * 100) if 0 <= valor <= 1 else round(valor)


# ------------------------------------------------------------------ validación


def _validar_lista(modelo: type[BaseModel], filas: list[dict[str, Any]], lista: str, datos: DatosMatriz,
                   errores: list[ErrorCampo]) -> list[Any]:
    validos: list[Any] = []
    for i, fila in enumerate(filas):
        if lista == "riesgos" and not _texto(fila.get("id")):
            continue  # ya informado: fila de riesgo sin referencia
        try:
            validos.append(modelo.model_validate(fila))
        except ValidationError as exc:
            for error in traducir(exc, modelo):
                ruta = (lista, i, *ruta_desde_texto(error.ruta))
                errores.append(ErrorCampo(datos.celda(ruta) or f"{lista}[{i + 1}]", error.etiqueta, error.mensaje))
    return validos


def leer_matriz(origen: str | Path) -> DatosMatriz:
    """Lee un libro de matriz de riesgos editado: riesgos con controles, hitos y fecha de referencia.

    Cada error nombra su celda (``Matriz!F12``) y se reúnen todos antes de lanzar
    :class:`ErrorValidacion`; un libro que no es de la matriz lanza :class:`ErrorEntrada`.

    Ejemplo: [Desde Python](../seguimiento.md#desde-python).
    """
    ruta = Path(origen)
    libro = abrir_libro_editado(ruta, que="la matriz editada")
    try:
        return _leer_libro(libro, ruta)
    finally:
        libro.close()


def _leer_libro(libro: Any, ruta: Path) -> DatosMatriz:
    requeridos_riesgo = {_clave(etiqueta(Riesgo, "id")), _clave(etiqueta(Riesgo, "descripcion"))}
    datos = DatosMatriz(riesgos=[], hitos=[])
    hallada = _buscar_hoja(libro, ruta.name, "Matriz", requeridos_riesgo, datos.avisos)
    if hallada is None:
        raise ErrorEntrada(
            f"{ruta.name}: no es un libro de matriz de riesgos de acuerdo_docs (ninguna hoja tiene las columnas"
            f" «{etiqueta(Riesgo, 'id')}» y «{etiqueta(Riesgo, 'descripcion')}»)"
        )
    propiedades = {p.name: str(p.value) for p in libro.custom_doc_props.props}
    datos.acuerdo_id = propiedades.get(PROPIEDAD_ID) or None
    datos.desafio = propiedades.get(PROPIEDAD_DESAFIO) or None
    errores: list[ErrorCampo] = []
    datos.encabezado = _leer_encabezado(*hallada)
    crudos_riesgos = _leer_riesgos(*hallada, datos, errores)
    requeridos_ruta = {_clave(etiqueta(Hito, "actividad")), _clave(etiqueta(Hito, "responsable"))}
    ruta_hallada = _buscar_hoja(libro, ruta.name, "Hoja de ruta", requeridos_ruta, datos.avisos)
    crudos_hitos: list[dict[str, Any]] = []
    if ruta_hallada is not None and ruta_hallada[0].ws is not hallada[0].ws:
        datos.hay_hoja_ruta = True
        crudos_hitos = _leer_hitos(*ruta_hallada, datos, errores)
    requeridos_cierre = {_clave(etiqueta(CierreRiesgo, "id")), _clave(etiqueta(CierreRiesgo, "motivo"))}
    hoja_cierres = _buscar_hoja(libro, ruta.name, "Riesgos cerrados", requeridos_cierre, datos.avisos)
    if hoja_cierres is not None:
        hoja, titulos = hoja_cierres
        mapa = _mapa_columnas(hoja, titulos, {_clave(etiqueta(CierreRiesgo, n)): n for n in CierreRiesgo.model_fields},
                              datos.avisos)
        datos.cierres = []
        for numero, valores in _filas(hoja, titulos + 1, LIMITE_RIESGOS, "riesgos cerrados"):
            fila = {mapa[c]: _texto(v) for c, v in valores.items() if mapa.get(c)}
            if fila.get("id") and fila.get("motivo"):
                datos.cierres.append(fila)
    requeridos_compromiso = {_clave("Actor"), _clave(etiqueta(Compromiso, "descripcion"))}
    hoja_compromisos = _buscar_hoja(libro, ruta.name, "Compromisos", requeridos_compromiso, datos.avisos)
    if hoja_compromisos is not None:
        datos.compromisos = _leer_compromisos(*hoja_compromisos, datos)
    datos.riesgos = _validar_lista(Riesgo, crudos_riesgos, "riesgos", datos, errores)
    datos.hitos = _validar_lista(Hito, crudos_hitos, "hoja_de_ruta", datos, errores)
    if errores:
        raise ErrorValidacion(errores, f"{ruta.name}: el libro tiene datos inválidos")
    return datos


__all__ = ["AvisoCelda", "DatosMatriz", "leer_matriz"]
