"""Entradas en almacenamiento de objetos (``s3://…/entrada.xlsx``, ``s3://…/fichas/``), con los mismos límites.

El tamaño se mira (``info``) antes de leer nada, y la lectura se corta en el límite aunque el objeto
haya crecido entretanto. El lote copia el libro a una carpeta temporal con su mismo nombre y lo abre
con las mismas revisiones que uno local (firma, bomba zip, filas). Aquí también se comprueba el
manifiesto de un lote remoto: solo se confía en un prefijo cuyo manifiesto existe y coincide.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from ..errores import ErrorEntrada
from ..remoto import MANIFIESTO, causa, nombre_base, sistema, unir
from .hoja_calculo import exigir_tamano
from .recorrido import ARCHIVOS_MAXIMOS, PROFUNDIDAD_MAXIMA


class ObjetoGrande(ErrorEntrada):
    """El objeto pesa más que el límite (se detectó antes de leerlo, o al pasar el límite leyendo)."""


def leer_limitado(url: str, limite_bytes: int) -> bytes:
    """Los bytes de ``url``, sin pasar de ``limite_bytes`` (lanza :class:`ObjetoGrande` o :class:`ErrorEntrada`)."""
    fs, ruta = sistema(url, ErrorEntrada)
    nombre = nombre_base(url)
    try:
        info = fs.info(ruta)
        if info.get("type") == "directory":
            raise ErrorEntrada(f"La entrada no es un archivo: {url}")
        tamano = int(info.get("size") or 0)
        if tamano > limite_bytes:
            raise ObjetoGrande(f"{nombre}: pesa {tamano} bytes, más que el máximo de {limite_bytes}.")
        with fs.open(ruta, "rb") as f:
            datos = f.read(limite_bytes + 1)
    except ErrorEntrada:
        raise
    except FileNotFoundError:
        raise ErrorEntrada(f"No existe el archivo de entrada: {url}") from None
    except Exception as exc:
        raise ErrorEntrada(f"No se pudo leer «{url}»: {causa(exc)}.") from None
    if len(datos) > limite_bytes:  # creció entre info y la lectura
        raise ObjetoGrande(f"{nombre}: pesa más que el máximo de {limite_bytes} bytes.")
    return bytes(datos)


def leer_entrada(url: str, *, limite_bytes: int) -> bytes:
    """Los bytes de un libro o CSV remoto: el límite de tamaño se aplica antes de descargar, con el
    mensaje de siempre (``--limite-mb``), y la lectura se corta en él."""
    fs, ruta = sistema(url, ErrorEntrada)
    nombre = nombre_base(url)
    try:
        tamano = int(fs.info(ruta).get("size") or 0)
    except FileNotFoundError:
        raise ErrorEntrada(f"No existe el archivo de entrada: {url}") from None
    except Exception as exc:
        raise ErrorEntrada(f"No se pudo leer «{url}»: {causa(exc)}.") from None
    exigir_tamano(nombre, tamano, limite_bytes)
    try:
        return leer_limitado(url, limite_bytes)
    except ObjetoGrande:
        exigir_tamano(nombre, limite_bytes + 1, limite_bytes)
        raise


def listar(url: str, extensiones: tuple[str, ...]) -> list[tuple[str, str]]:
    """(URL, ruta relativa) de cada objeto bajo ``url`` con una de ``extensiones``, en orden de ruta.

    Como en una carpeta local, se omiten los archivos de bloqueo de Word (``~$``), lo oculto y lo que
    pasa de :data:`PROFUNDIDAD_MAXIMA` niveles, y más de :data:`ARCHIVOS_MAXIMOS` archivos es un error.
    """
    fs, base = sistema(url, ErrorEntrada)
    try:
        fs.invalidate_cache()
        encontrados = fs.find(base)
    except FileNotFoundError:
        raise ErrorEntrada(f"No existe la carpeta: {url}") from None
    except Exception as exc:
        raise ErrorEntrada(f"No se pudo leer «{url}»: {causa(exc)}.") from None
    salida = []
    for completo in encontrados:
        relativa = completo[len(base):].lstrip("/")
        partes = relativa.split("/")
        if any(p.startswith(".") for p in partes) or partes[-1].startswith("~$") or len(partes) > PROFUNDIDAD_MAXIMA:
            continue
        if relativa.lower().endswith(extensiones):
            salida.append((unir(url, relativa), relativa))
            if len(salida) > ARCHIVOS_MAXIMOS:  # los mismos topes que una carpeta local (lectores/recorrido.py)
                raise ErrorEntrada(
                    f"{url}: tiene más de {ARCHIVOS_MAXIMOS} archivos que leer (el máximo); divídalo en varios"
                )
    return sorted(salida, key=lambda par: par[1])


@dataclass
class LoteRemoto:
    """Lo que dice el manifiesto de un prefijo y si los objetos coinciden con él."""

    url: str
    manifiesto: dict[str, Any] = field(default_factory=dict)
    problemas: list[str] = field(default_factory=list)

    @property
    def confiable(self) -> bool:
        return bool(self.manifiesto) and not self.problemas


def verificar_lote(url: str, *, leer_contenido: bool = True) -> LoteRemoto:
    """Comprueba un lote remoto: el manifiesto existe, cada objeto está con su tamaño (y su SHA-256).

    Un prefijo sin manifiesto, o con un objeto que falta o no coincide, no es confiable: el lote que
    lo escribió falló o sigue en curso.
    """
    fs, base = sistema(url, ErrorEntrada)
    resultado = LoteRemoto(url)
    fs.invalidate_cache()
    try:
        resultado.manifiesto = json.loads(fs.cat_file(f"{base}/{MANIFIESTO}"))
    except FileNotFoundError:
        resultado.problemas.append(f"no hay {MANIFIESTO}: el lote no terminó")
        return resultado
    except Exception as exc:
        raise ErrorEntrada(f"No se pudo leer «{unir(url, MANIFIESTO)}»: {causa(exc)}.") from None
    try:
        tamanos = {r[len(base) + 1:]: int(i.get("size") or 0) for r, i in fs.find(base, detail=True).items()}
    except Exception as exc:
        raise ErrorEntrada(f"No se pudo leer «{url}»: {causa(exc)}.") from None
    for objeto in resultado.manifiesto.get("objetos", []):
        nombre = objeto["nombre"]
        if nombre not in tamanos:
            resultado.problemas.append(f"falta {nombre}")
            continue
        tamano, huella = tamanos[nombre], objeto["sha256"]
        if leer_contenido:  # sin leer, solo los tamaños (una sola lista del prefijo)
            try:
                datos = fs.cat_file(f"{base}/{nombre}")
            except Exception as exc:
                raise ErrorEntrada(f"No se pudo leer «{unir(url, nombre)}»: {causa(exc)}.") from None
            tamano, huella = len(datos), hashlib.sha256(datos).hexdigest()
        if tamano != objeto["bytes"] or huella != objeto["sha256"]:
            resultado.problemas.append(f"{nombre} no coincide con el manifiesto")
    return resultado


__all__ = ["MANIFIESTO", "LoteRemoto", "ObjetoGrande", "leer_entrada", "leer_limitado", "listar", "verificar_lote"]
