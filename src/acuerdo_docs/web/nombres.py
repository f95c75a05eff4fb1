"""Nombres de los campos del formulario ↔ forma del modelo ↔ rutas de los errores, en un solo lugar.

Un campo se llama en el formulario como su ruta con índices desde 0 (``actores.1.entidad``); su id
es ``c-actores-1-entidad``. Los errores de la biblioteca usan rutas desde 1 (``actores[2].entidad``):
:func:`id_de_error` las lleva al id del campo.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel

from ..errores import ruta_desde_texto
from .formulario import Campo, campos_de

Ruta = tuple[str | int, ...]
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def nombre_de(ruta: Ruta) -> str:
    return ".".join(str(p) for p in ruta)


def id_de(ruta: Ruta) -> str:
    return "c-" + "-".join(str(p) for p in ruta) if ruta else "contenido"


def id_de_error(ruta_error: str) -> str:
    """``actores[2].entidad`` (ruta de la biblioteca, desde 1) → ``c-actores-1-entidad``."""
    return id_de(ruta_desde_texto(ruta_error))


def ruta_de_nombre(nombre: str) -> Ruta:
    return tuple(int(p) if p.isdigit() else p for p in nombre.split("."))


def anidar(pares: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Los pares del formulario en la forma del modelo: ``actores.0.entidad`` → {"actores": [{"entidad": …}]}.

    Un mismo nombre repetido vale lo último que llega (así una casilla sin marcar, precedida de su
    campo oculto «no», da «no»).
    """
    raiz: dict[Any, Any] = {}
    for nombre, valor in pares:
        if nombre.startswith("_"):  # campos de control (csrf, accion)
            continue
        partes = ruta_de_nombre(nombre)
        actual = raiz
        for parte in partes[:-1]:
            actual = actual.setdefault(parte, {})
            if not isinstance(actual, dict):
                break
        else:
            actual[partes[-1]] = valor
    anidado: dict[str, Any] = _listas(raiz)  # la raíz tiene claves de texto: sigue siendo un dict
    return anidado


def _listas(valor: Any) -> Any:
    if not isinstance(valor, dict):
        return valor
    if valor and all(isinstance(k, int) for k in valor):
        return [_listas(valor[k]) for k in sorted(valor)]
    return {k: _listas(v) for k, v in valor.items()}


def a_datos(campos: Iterable[Campo], crudos: dict[str, Any]) -> dict[str, Any]:
    """Lo que llegó del formulario, con los tipos que el modelo entiende (casillas, números vacíos)."""
    salida: dict[str, Any] = {}
    for campo in campos:
        if campo.nombre not in crudos:
            if campo.tipo == "booleano":
                salida[campo.nombre] = False
            elif campo.tipo in ("grupo", "lista"):
                salida[campo.nombre] = []
            continue
        valor = crudos[campo.nombre]
        if campo.tipo == "grupo":
            filas = valor if isinstance(valor, list) else []
            salida[campo.nombre] = [a_datos(campo.campos, f if isinstance(f, dict) else {}) for f in filas]
        elif campo.tipo == "objeto":
            salida[campo.nombre] = a_datos(campo.campos, valor if isinstance(valor, dict) else {})
        elif campo.tipo == "lista":
            salida[campo.nombre] = [str(v) for v in valor] if isinstance(valor, list) else []
        elif campo.tipo == "booleano":
            salida[campo.nombre] = valor in ("si", "on", "true", True)
        elif campo.tipo == "registro":
            registro = _registro(valor)
            if registro is not None:
                salida[campo.nombre] = registro
        elif isinstance(valor, str) and not valor.strip():
            continue  # vacío: el modelo pone su valor por omisión o dice que falta («Escriba…», «Elija…»)
        else:
            salida[campo.nombre] = valor
    return salida


def _registro(valor: Any) -> dict[str, Any] | None:
    """Un campo «registro» vuelve del formulario como el JSON que se puso en su campo oculto."""
    if not isinstance(valor, str) or not valor.strip():
        return None
    try:
        datos = json.loads(valor)
    except ValueError:
        return None
    return datos if isinstance(datos, dict) else None


def texto_registro(campo: Campo, valor: Any) -> str:
    """Cómo se lee un registro de la app (su modelo lo dice con ``resumen()``); vacío si no es válido."""
    if not isinstance(valor, dict) or campo.modelo is None:
        return ""
    try:
        modelo = campo.modelo.model_validate(valor)
    except ValueError:
        return ""
    resumen = getattr(modelo, "resumen", None)
    return str(resumen()) if callable(resumen) else ""


def para_mostrar(campo: Campo, valor: Any) -> str:
    """El valor de un campo como se ve en el formulario (fechas dd/mm/aaaa)."""
    if valor is None:
        return ""
    if isinstance(valor, date):
        return valor.strftime("%d/%m/%Y")
    if campo.tipo == "fecha" and isinstance(valor, str) and (m := _ISO.match(valor.strip())):
        return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
    if isinstance(valor, bool):
        return "si" if valor else "no"
    return str(valor)


def filas(campo: Campo, valor: Any) -> list[Any]:
    """Las filas de un grupo o lista (una lista escrita como texto con una línea por elemento, también)."""
    if isinstance(valor, str):
        lista: list[Any] = [linea for linea in (x.strip() for x in valor.splitlines()) if linea]
    else:
        lista = list(valor) if isinstance(valor, list) else []
    vacia: Any = {} if campo.tipo == "grupo" else ""
    return lista + [vacia] * (campo.minimo - len(lista))  # el mínimo del modelo, ya a la vista


def aplicar_accion(accion: str, datos: dict[str, Any], modelo: type[BaseModel]) -> Ruta | None:
    """«anadir:actores.0.compromisos» o «quitar:actores.1»; devuelve la ruta de la fila nueva (para el foco)."""
    verbo, _, nombre = accion.partition(":")
    if verbo not in ("anadir", "quitar") or not nombre:
        return None
    ruta = ruta_de_nombre(nombre)
    destino = ruta if verbo == "anadir" else ruta[:-1]
    campo = campo_en(modelo, destino)
    lista = _en(datos, destino)
    if campo is None or not isinstance(lista, list):
        return None
    if verbo == "quitar":
        indice = ruta[-1]
        if isinstance(indice, int) and 0 <= indice < len(lista) and len(lista) > campo.minimo:
            lista.pop(indice)
        return None
    if campo.maximo is not None and len(lista) >= campo.maximo:
        return None
    lista.append({} if campo.tipo == "grupo" else "")
    return (*destino, len(lista) - 1)


def _en(datos: Any, ruta: Ruta) -> Any:
    actual = datos
    for parte in ruta:
        if isinstance(parte, int) and isinstance(actual, list) and 0 <= parte < len(actual):
            actual = actual[parte]
        elif isinstance(parte, str) and isinstance(actual, dict):
            if parte not in actual:
                actual[parte] = []
            actual = actual[parte]
        else:
            return None
    return actual


def campo_en(modelo: type[BaseModel], ruta: Ruta) -> Campo | None:
    """El campo que está en ``ruta`` (los índices se saltan)."""
    campos = campos_de(modelo)
    campo = None
    for parte in ruta:
        if isinstance(parte, int):
            continue
        campo = next((c for c in campos if c.nombre == parte), None)
        if campo is None:
            return None
        campos = campo.campos
    return campo


def fila_abierta(id_fila: str, fila: Any, errores_por_id: dict[str, str], foco: str) -> bool:
    """Una fila de un grupo se muestra abierta si está vacía, tiene errores o recibe el foco; si no, plegada."""
    prefijo = id_fila + "-"
    if foco == id_fila or foco.startswith(prefijo):
        return True
    if any(i == id_fila or i.startswith(prefijo) for i in errores_por_id):
        return True
    return not (isinstance(fila, dict) and any(v not in (None, "", [], {}) for v in fila.values()))


def resumen_fila(campo: Campo, fila: Any, largo: int = 90) -> str:
    """Lo que dice el resumen de una fila plegada: sus primeros textos («sdm – Secretaría de Movilidad»)."""
    if not isinstance(fila, dict):
        return ""
    textos = [str(fila[c.nombre]).strip() for c in campo.campos
              if c.tipo in ("texto", "texto_largo") and not c.sugerencias and isinstance(fila.get(c.nombre), str | int)
              and str(fila[c.nombre]).strip()][:2]
    texto = " – ".join(textos).replace("\n", " ")
    return texto if len(texto) <= largo else texto[: largo - 1] + "…"
