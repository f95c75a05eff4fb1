"""Las partes de un paquete de Office ya confiable (uno propio): miembros, tipos y relaciones.

Para un paquete que llega de fuera, antes :func:`~acuerdo_docs.paquete.seguridad.revisar_zip`.
"""

from __future__ import annotations

import posixpath

from lxml import etree

from .escritor import leer_miembros
from .espacios import CT, PR

TIPOS_DE_CONTENIDO = "[Content_Types].xml"


def leer_xml(datos: bytes) -> etree._Element:
    """Analiza una parte XML sin resolver entidades ni ir a la red."""
    return etree.fromstring(datos, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


def xml_a_bytes(elemento: etree._Element) -> bytes:
    """Una parte XML como la guarda Word: declaración UTF-8 con ``standalone``."""
    return etree.tostring(elemento, xml_declaration=True, encoding="UTF-8", standalone=True)


def rels_de(parte: str) -> str:
    """La parte de relaciones de ``parte``: ``word/document.xml`` → ``word/_rels/document.xml.rels``."""
    carpeta, nombre = posixpath.split(parte)
    return posixpath.join(carpeta, "_rels", nombre + ".rels")


def resolver(origen: str, destino: str) -> str:
    """El nombre de la parte a la que apunta ``destino`` (relativo a ``origen`` o absoluto)."""
    if destino.startswith("/"):
        return destino.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(origen), destino))


def es_cabecera(tipo: tuple[str, str] | None) -> bool:
    """¿El tipo de contenido es de un encabezado o un pie de página?"""
    return bool(tipo and (tipo[1].endswith("header+xml") or tipo[1].endswith("footer+xml")))


class PaqueteOffice:
    """Los miembros de un .docx (en su orden) y su tabla de tipos de contenido."""

    def __init__(self, datos: bytes) -> None:
        miembros = leer_miembros(datos)
        self.nombres = [nombre for nombre, _ in miembros]
        self.miembros = dict(miembros)
        self.tipos = leer_xml(self.miembros[TIPOS_DE_CONTENIDO])

    def tipo_de(self, parte: str) -> tuple[str, str] | None:
        """("Override", tipo) o ("Default", tipo) de la parte."""
        for o in self.tipos.iter(f"{{{CT}}}Override"):
            if o.get("PartName") == "/" + parte:
                return "Override", o.get("ContentType", "")
        ext = posixpath.splitext(parte)[1].lstrip(".").lower()
        for d in self.tipos.iter(f"{{{CT}}}Default"):
            if d.get("Extension", "").lower() == ext:
                return "Default", d.get("ContentType", "")
        return None

    def relaciones(self, parte: str) -> dict[str, etree._Element]:
        """Las relaciones de ``parte`` por su Id."""
        ruta = rels_de(parte)
        if ruta not in self.miembros:
            return {}
        return {r.get("Id", ""): r for r in leer_xml(self.miembros[ruta]).iter(f"{{{PR}}}Relationship")}
