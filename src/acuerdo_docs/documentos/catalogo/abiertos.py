"""El catálogo como datos abiertos: CSV o JSON, diccionario de datos, metadatos y JSON Schema.

Marco: portal nacional datos.gov.co (Socrata), Ley 1712 de 2014 (transparencia y acceso a la
información pública) y Resolución MinTIC 1519 de 2020 (estándares de publicación). Solo la
versión pública (:class:`~acuerdo_docs.esquemas.publicacion.PracticaPublicada`) y solo las fichas
legibles y válidas; una fila por práctica.

Archivos (para ``catalogo.csv``; igual para ``.json``):

- ``catalogo.csv``: UTF-8 sin BOM, separador coma, comillas dobles, fin de línea CRLF (RFC 4180);
  fechas ISO (AAAA-MM-DD); listas, un elemento por línea dentro de la celda; booleanos true/false.
- ``catalogo_diccionario.csv``: columna, título, descripción, tipo y si es obligatoria.
- ``catalogo_metadatos.json``: metadatos del conjunto al estilo DCAT (JSON-LD).
- ``catalogo.schema.json``: JSON Schema (Draft 2020-12) del JSON publicado.

**Inyección de fórmulas en el CSV.** Un texto que empieza por ``=``, ``+``, ``-``, ``@``, tabulador
o retorno de carro se escribe con un apóstrofo delante (``'=SUMA(A1)``), como hace Excel con el
texto que no debe calcularse; un texto que ya empezaba por apóstrofo también lo recibe, así que la
regla se deshace sin ambigüedad: si la celda empieza por ``'``, se quita ese primer carácter.
El JSON no se altera (ninguna hoja de cálculo lo evalúa).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from datetime import date
from pathlib import Path
from typing import IO, Any

from ...esquemas.comun import etiqueta
from ...esquemas.publicacion import (
    COLUMNAS_PUBLICAS,
    FRECUENCIAS,
    Metadatos,
    PracticaPublicada,
    esquema_json_publicado,
    tipo_columna,
)
from ...esquemas.valoracion import CRITERIOS
from ...salida.archivos import escribir_atomico, escribir_atomico_con
from ...salida.excel import PREFIJOS_FORMULA
from .fusion import EntradaCatalogo

APOSTROFO = "'"


def neutralizar(texto: str) -> str:
    """Un texto del CSV que una hoja de cálculo no tomará por fórmula (ver el docstring del módulo)."""
    if texto.startswith((*PREFIJOS_FORMULA, APOSTROFO)):
        return APOSTROFO + texto
    return texto


def restaurar(texto: str) -> str:
    """El inverso de :func:`neutralizar` (para quien lee el CSV)."""
    return texto[1:] if texto.startswith(APOSTROFO) else texto


def rutas_anexas(destino: Path) -> dict[str, Path]:
    """Los archivos que acompañan a ``destino`` (``catalogo.csv`` → ``catalogo_diccionario.csv``…)."""
    base = destino.with_suffix("")
    return {
        "diccionario": base.with_name(base.name + "_diccionario.csv"),
        "metadatos": base.with_name(base.name + "_metadatos.json"),
        "esquema": base.with_name(base.name + ".schema.json"),
    }


def registro(entrada: EntradaCatalogo) -> dict[str, Any] | None:
    """La práctica como registro público validado (``None`` si la ficha no es legible)."""
    fila = entrada.fila
    if not fila.legible:
        return None
    v = fila.valores
    datos: dict[str, Any] = {"id": fila.huella, "nivel": entrada.valoracion.nivel}
    for nombre in COLUMNAS_PUBLICAS:
        if nombre in v and not nombre.startswith("_"):
            datos[nombre] = v[nombre]
    datos["retos"] = v.get("_retos", [])
    datos["anexos"] = v.get("_anexos", [])
    for nombre in CRITERIOS:
        criterio = getattr(entrada.valoracion, nombre)
        datos[f"criterio_{nombre}"] = criterio.respuesta.value
        datos[f"justificacion_{nombre}"] = criterio.justificacion
    datos["fecha_valoracion"] = entrada.valoracion.fecha
    datos["valoracion_completa"] = entrada.valoracion.completa
    datos["codigo_formato"] = v.get("encabezado.codigo", "")
    datos["version_formato"] = v.get("encabezado.version", "")
    return PracticaPublicada.model_validate(datos).model_dump(mode="json")


def _celda_csv(valor: Any) -> str:
    if valor is None:
        return ""
    if isinstance(valor, bool):
        return "true" if valor else "false"
    if isinstance(valor, list):
        valor = "\n".join(str(v) for v in valor)
    return neutralizar(str(valor))


class EscritorAbierto:
    """Escribe los registros en flujo (CSV o JSON) y, al cerrar, los archivos que lo acompañan."""

    def __init__(self, destino: Path, f: IO[bytes]) -> None:
        self.destino = destino
        self.formato = destino.suffix.lower().lstrip(".")
        self.texto = io.TextIOWrapper(f, encoding="utf-8", newline="", write_through=False)
        self.filas = 0
        self.fechas: list[date] = []
        self.entidades: Counter[str] = Counter()
        if self.formato == "csv":
            self.csv = csv.writer(self.texto, lineterminator="\r\n")
            self.csv.writerow(COLUMNAS_PUBLICAS)
        else:
            self.texto.write("[")

    def agregar(self, entrada: EntradaCatalogo) -> None:
        datos = registro(entrada)
        if datos is None:
            return
        for clave in ("fecha_diligenciamiento", "fecha_valoracion"):
            if datos.get(clave):
                self.fechas.append(date.fromisoformat(datos[clave]))
        self.entidades[str(entrada.fila.valores.get("encabezado.entidad", ""))] += 1
        if self.formato == "csv":
            self.csv.writerow([_celda_csv(datos[c]) for c in COLUMNAS_PUBLICAS])
        else:
            self.texto.write(("," if self.filas else "") + "\n  " + json.dumps(datos, ensure_ascii=False))
        self.filas += 1

    def cerrar(self) -> None:
        if self.formato == "json":
            self.texto.write("\n]\n" if self.filas else "]\n")
        self.texto.flush()
        self.texto.detach()


def diccionario_csv() -> bytes:
    """El diccionario de datos: una fila por columna, desde el esquema."""
    buffer = io.StringIO(newline="")
    escritor = csv.writer(buffer, lineterminator="\r\n")
    escritor.writerow(["columna", "titulo", "descripcion", "tipo", "obligatoria"])
    for nombre, info in PracticaPublicada.model_fields.items():
        escritor.writerow([nombre, neutralizar(etiqueta(PracticaPublicada, nombre)),
                           neutralizar(info.description or ""), tipo_columna(nombre),
                           "sí" if info.is_required() else "no"])
    return buffer.getvalue().encode("utf-8")


def metadatos_json(metadatos: Metadatos, escritor: EscritorAbierto) -> bytes:
    """Metadatos DCAT (JSON-LD): título, descripción, publicador, fechas, licencia, palabras clave…"""
    modificado = max(escritor.fechas) if escritor.fechas else None
    emitido = metadatos.emitido or modificado
    publicador = metadatos.publicador or (escritor.entidades.most_common(1)[0][0] if escritor.entidades else "")
    destino = escritor.destino
    tipo = "text/csv" if escritor.formato == "csv" else "application/json"
    datos = {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/"},
        "@type": "dcat:Dataset",
        "dct:title": metadatos.titulo,
        "dct:description": metadatos.descripcion,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": publicador},
        "dct:issued": emitido.isoformat() if emitido else None,
        "dct:modified": modificado.isoformat() if modificado else None,
        "dct:license": metadatos.licencia,
        "dcat:keyword": metadatos.palabras_clave,
        "dct:accrualPeriodicity": FRECUENCIAS[metadatos.frecuencia],
        "dct:language": "es",
        "dct:conformsTo": ["Ley 1712 de 2014", "Resolución MinTIC 1519 de 2020"],
        "dcat:distribution": [
            {"@type": "dcat:Distribution", "dct:title": destino.name, "dcat:mediaType": tipo,
             "dct:conformsTo": rutas_anexas(destino)["esquema"].name},
            {"@type": "dcat:Distribution", "dct:title": rutas_anexas(destino)["diccionario"].name,
             "dcat:mediaType": "text/csv", "dct:description": "Diccionario de datos"},
        ],
        "numero_de_filas": escritor.filas,
    }
    return (json.dumps(datos, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def escribir_abiertos(
    destino: Path, entradas: Any, metadatos: Metadatos | None = None
) -> tuple[list[Path], int]:
    """Escribe ``destino`` (.csv o .json) desde ``entradas`` (iterable de :class:`EntradaCatalogo`)
    y sus archivos anexos; cada uno atómico. Devuelve las rutas escritas y el número de filas."""
    estado: dict[str, EscritorAbierto] = {}

    def escribir(f: IO[bytes]) -> None:
        escritor = EscritorAbierto(destino, f)
        for entrada in entradas:
            escritor.agregar(entrada)
        escritor.cerrar()
        estado["escritor"] = escritor

    escribir_atomico_con(destino, escribir)
    escritor = estado["escritor"]
    anexas = rutas_anexas(destino)
    escribir_atomico(anexas["diccionario"], diccionario_csv())
    escribir_atomico(anexas["metadatos"], metadatos_json(metadatos or Metadatos(), escritor))
    esquema = json.dumps(esquema_json_publicado(), ensure_ascii=False, indent=2) + "\n"
    escribir_atomico(anexas["esquema"], esquema.encode("utf-8"))
    return [destino, *anexas.values()], escritor.filas


__all__ = ["escribir_abiertos", "neutralizar", "registro", "restaurar", "rutas_anexas"]
