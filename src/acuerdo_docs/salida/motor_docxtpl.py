"""El camino docxtpl: docxtpl tal cual, con el entorno de :mod:`.entorno_word`.

Es la referencia del camino compilado (:mod:`.motor_docx`, mismo documento) y el respaldo para
las plantillas con columnas dinámicas (``{%tc %}``). También presta su preprocesado de las marcas
(:func:`fuentes_jinja`) y su arreglo de saltos y tabuladores (:func:`resolver_saltos`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from ..errores import ErrorEntrada, ErrorPlantilla
from ..paquete.escritor import normalizar_zip
from .datos_planos import datos_planos
from .entorno_word import XmlArmado, crear_entorno, mensaje_error
from .limites import ErrorLimite, presupuesto, revisar_campos
from .mensajes_plantilla import describir, nombre_parte
from .plantilla_word import PARTES_CON_MARCAS, leer_imagen, leer_plantilla, ruta_del_anexo, tamano_imagen
from .sandbox import FuncionDelMotor


def fuentes_jinja(ruta: Path, miembros: list[tuple[str, bytes]]) -> list[tuple[str, str]]:
    """(parte, fuente Jinja) de cada parte con marcas, ya con el preprocesado de docxtpl (patch_xml).

    Una línea de la fuente es un párrafo de Word: así los mensajes dicen «cerca de «…»».
    """
    auxiliar: DocxTemplate | None = None
    fuentes: list[tuple[str, str]] = []
    for nombre, datos in miembros:
        if not PARTES_CON_MARCAS.match(nombre):
            continue
        try:
            fuente = datos.decode("utf-8")
        except UnicodeDecodeError:
            raise ErrorPlantilla(f"La plantilla {ruta.name} tiene una parte dañada ({nombre})") from None
        texto = re.sub(r"<[^>]+>", "", fuente)  # Word parte las marcas en varios fragmentos
        if "{{" not in texto and "{%" not in texto:
            continue
        try:  # antes del preprocesado de docxtpl, que con 300.000 marcas tarda minutos
            revisar_campos(texto)
        except ErrorLimite as exc:
            raise ErrorPlantilla(f"La plantilla {ruta.name} {describir(exc)} ({nombre_parte(nombre)})") from None
        if auxiliar is None:
            auxiliar = DocxTemplate(str(ruta))  # solo para usar su preprocesado
        fuente = auxiliar.patch_xml(fuente)
        fuentes.append((nombre, re.sub(r"<w:p([ >])", r"\n<w:p\1", fuente)))
    return fuentes


def resolver_saltos(xml: str) -> str:
    """Saltos y tabuladores literales del XML como los de Word (``resolve_listing`` de docxtpl)."""
    resuelto: str = DocxTemplate.resolve_listing(None, xml)
    return resuelto


class _ImagenDocxtpl(InlineImage, XmlArmado):  # type: ignore[misc]  # docxtpl no trae tipos: InlineImage es Any
    """La imagen de docxtpl, reconocible al imprimirla (su XML ya está armado)."""


@dataclass
class _ImagenesDocxtpl(FuncionDelMotor):
    """``imagen()`` del camino docxtpl."""

    plantilla: DocxTemplate
    publico: bool = False

    def __call__(self, archivo: Any, ancho_cm: Any = 15, alto_maximo_cm: Any = None) -> _ImagenDocxtpl:
        ruta, ancho_cm = ruta_del_anexo(archivo, ancho_cm, alto_maximo_cm)
        preparada = leer_imagen(ruta, publico=self.publico)  # límites y error claro antes de que docxtpl la abra
        ancho_cm, alto_cm = tamano_imagen(ancho_cm, alto_maximo_cm, preparada.px_width, preparada.px_height)
        # Desde memoria: python-docx la nombra «image.ext», no con el nombre del archivo.
        return _ImagenDocxtpl(self.plantilla, io.BytesIO(preparada.blob), width=Cm(ancho_cm), height=Cm(alto_cm))


def renderizar_docxtpl(ruta: Path, contexto: Mapping[str, Any], *, titulo: str | None = None,
                       publico: bool = False) -> bytes:
    """docxtpl tal cual, con el mismo entorno (escape, lista blanca, límites, StrictUndefined)."""
    leer_plantilla(Path(ruta))  # lo mismo que el camino compilado: ni bomba zip ni DTD
    tpl = DocxTemplate(str(ruta))
    ctx = dict(datos_planos(contexto))  # un contexto ya plano no se vuelve a convertir
    ctx["imagen"] = _ImagenesDocxtpl(tpl, publico)
    try:
        with presupuesto():
            tpl.render(ctx, jinja_env=crear_entorno(), autoescape=True)
    except ErrorEntrada:
        raise
    except Exception as exc:  # noqa: BLE001 - una plantilla ajena puede fallar de cualquier modo
        raise ErrorPlantilla(mensaje_error(exc, Path(ruta))) from None
    if titulo is not None:
        tpl.docx.core_properties.title = titulo
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalizar_zip(buffer.getvalue())


