"""Valores de los campos de una ficha leída: encabezado, fechas escritas a mano, retos con viñetas y anexos."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..claves import normalizar_clave
from ..esquemas.comun import MESES
from ..esquemas.ficha import Encabezado
from .bloques_docx import Bloque, CuadroFecha, Parrafo, Tabla

_ENCABEZADO = {
    normalizar_clave(info.title or n): n for n, info in Encabezado.model_fields.items() if n != "entidad"
}


def textos_de(bloques: list[Bloque]) -> list[str]:
    """Los textos de los párrafos con contenido."""
    return [b.texto for b in bloques if isinstance(b, Parrafo) and not b.vacio]


_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_IGNORAR_FECHA = {"dia", "mes", "ano", "de", "del", "el"}
_MES_POR_NOMBRE = {normalizar_clave(m): i for i, m in enumerate(MESES, start=1)}
_MES_POR_NOMBRE.update({normalizar_clave(m)[:3]: i for i, m in enumerate(MESES, start=1)})
_MES_POR_NOMBRE["setiembre"] = 9


def fecha_de_partes(texto: str) -> date | None:
    """Día, mes (número o nombre) y año en cualquier orden habitual; ``None`` si no es una fecha."""
    partes = [normalizar_clave(t) for t in _TOKEN.findall(texto)]
    partes = [p for p in partes if p and p not in _IGNORAR_FECHA]
    if len(partes) != 3:
        return None
    if len(partes[0]) == 4 and partes[0].isdigit():  # año-mes-día
        partes = [partes[2], partes[1], partes[0]]
    dia, mes, anio = partes
    if not dia.isdigit() or not anio.isdigit():
        return None
    numero_mes = int(mes) if mes.isdigit() else _MES_POR_NOMBRE.get(mes)
    if numero_mes is None:
        return None
    numero_anio = int(anio)
    if len(anio) == 2:  # 24/10/23 → 2023
        numero_anio += 2000
    try:
        return date(numero_anio, numero_mes, int(dia))
    except ValueError:
        return None


def leer_fecha(bloques: list[Bloque]) -> date | str | None:
    """La fecha de las cajas día/mes/año o escrita; el texto tal cual si no se entiende."""
    for bloque in bloques:
        if isinstance(bloque, CuadroFecha) and any(v.strip() for v in (bloque.dia, bloque.mes, bloque.anio)):
            texto = " / ".join(v.strip() for v in (bloque.dia, bloque.mes, bloque.anio) if v.strip())
            return fecha_de_partes(texto) or texto
    texto = " ".join(t.strip() for t in textos_de(bloques))
    if not texto:
        return None
    return fecha_de_partes(texto) or texto


_VINETA = re.compile(
    r"^[ \t\xa0]*(?:[-–—•·▪►●○■◦‣⁃*](?!\d)[ \t\xa0]*"  # viñeta o guion (no un número negativo)
    r"|\d{1,2}[.)][ \t\xa0]+"  # 1. 2)
    r"|[a-zA-Z]\)[ \t\xa0]+)"  # a)
)


def leer_retos(bloques: list[Bloque]) -> list[str]:
    """Un reto por ítem de lista o línea con viñeta; sin viñetas, uno por párrafo."""
    parrafos_utiles = [b for b in bloques if isinstance(b, Parrafo) and not b.vacio]
    marcados = any(b.lista or any(_VINETA.match(linea) for linea in b.texto.split("\n")) for b in parrafos_utiles)
    retos: list[str] = []
    for bloque in parrafos_utiles:
        if bloque.lista:
            retos.append(bloque.texto)  # la viñeta es de Word: el texto va tal cual
            continue
        if not marcados:
            retos.append(bloque.texto.strip("\n"))
            continue
        for linea in bloque.texto.split("\n"):
            if not linea.strip():
                continue
            marca = _VINETA.match(linea)
            if marca:
                retos.append(linea[marca.end():].rstrip())
            elif retos:
                retos[-1] = f"{retos[-1]}\n{linea}"  # continuación del reto anterior
            else:
                retos.append(linea)
    return [r for r in retos if r.strip()]


_ANEXO_GENERADO = re.compile(r"^(\d+)\. (.*)$", re.DOTALL)


def _nombre_de_anexo(bloque: Parrafo, generada: bool, marcados: bool, hay_anexos: bool) -> str | None:
    """El nombre del anexo que empieza en ``bloque``, o ``None`` si el párrafo es descripción."""
    if generada:
        coincide = _ANEXO_GENERADO.match(bloque.texto) if bloque.estilo == "Etiqueta" else None
        return coincide.group(2) if coincide else None
    # A mano: con viñetas, cada ítem marcado es un anexo y lo demás su descripción;
    # sin viñetas, cada párrafo es un anexo.
    marca = None if bloque.lista else _VINETA.match(bloque.texto)
    if bloque.lista or marca or not marcados or not hay_anexos:
        return (bloque.texto[marca.end():] if marca else bloque.texto).strip()
    return None


def leer_anexos(bloques: list[Bloque], avisos: list[str], etiqueta: str) -> list[dict[str, Any]]:
    """Los anexos (nombre y descripción) del campo; avisa si trae imágenes, que no se leen."""
    utiles = [b for b in bloques if isinstance(b, Parrafo)]
    # Fichas de esta biblioteca: «N. nombre» en estilo de etiqueta y la descripción debajo.
    generada = any(b.estilo == "Etiqueta" and _ANEXO_GENERADO.match(b.texto) for b in utiles)
    marcados = any(b.lista or _VINETA.match(b.texto) for b in utiles if not b.vacio)
    anexos: list[dict[str, Any]] = []
    descripciones: list[list[str]] = []
    for bloque in utiles:
        if bloque.vacio:
            continue
        nombre = _nombre_de_anexo(bloque, generada, marcados, bool(anexos))
        if nombre is not None:
            anexos.append({"nombre": nombre, "descripcion": ""})
            descripciones.append([])
        elif anexos:
            descripciones[-1].append(bloque.texto)
    for anexo, partes in zip(anexos, descripciones):
        anexo["descripcion"] = "\n\n".join(partes)
    imagenes = sum(1 for b in utiles if b.imagen)
    if imagenes:
        avisos.append(
            f"{etiqueta}: {imagenes} imagen(es) en los anexos; se leen el nombre y la descripción, "
            "no el archivo de imagen"
        )
    return anexos


def es_encabezado(tabla: Tabla) -> bool:
    """¿Es la tabla del encabezado del formato (proceso, código, versión…)?"""
    claves = {c.clave for fila in tabla for c in fila}
    return len(claves & set(_ENCABEZADO)) >= 3


def leer_encabezado(tablas: list[Tabla]) -> dict[str, str]:
    """Los datos de la primera tabla de encabezado de ``tablas`` (vacío si no hay)."""
    for tabla in tablas:
        if not es_encabezado(tabla):
            continue
        datos: dict[str, str] = {}
        for fila in tabla:
            for j, celda in enumerate(fila[:-1]):
                clave = _ENCABEZADO.get(celda.clave)
                if clave and clave not in datos and fila[j + 1].texto.strip():
                    datos[clave] = fila[j + 1].texto
        logo = tabla[0][0] if tabla and tabla[0] else None
        # Celda del logo: su texto; si solo tiene la imagen, queda la entidad por omisión.
        if logo is not None and logo.clave not in _ENCABEZADO and (logo.texto.strip() or not logo.imagen):
            datos["entidad"] = logo.texto if logo.texto.strip() else ""
        return datos
    return {}
