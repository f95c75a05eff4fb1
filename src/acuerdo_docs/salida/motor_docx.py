"""Motor de plantillas Word.

Dos caminos que producen el mismo documento:

* :class:`PlantillaCompilada` (por omisión): prepara la plantilla una vez por proceso
  (preprocesado de docxtpl + compilación Jinja) y por documento solo renderiza las
  partes que cambian y escribe el zip reutilizando los miembros intactos.
* :func:`renderizar_docxtpl`: docxtpl tal cual (referencia y respaldo para plantillas
  con funciones que el camino compilado no admite).

En ambos el texto del usuario es dato: se escapa siempre (autoescape), las variables
desconocidas fallan con su nombre (StrictUndefined) y Jinja corre en su entorno
aislado (sandbox), de modo que una plantilla no alcanza el interior de Python.
"""

from __future__ import annotations

import io
import logging
import re
import threading
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docx.image.image import Image as ImagenDocx
from docx.oxml.shape import CT_Inline
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment, SecurityError
from lxml import etree
from markupsafe import Markup, escape

from ..errores import ErrorPlantilla
from ..esquemas.comun import MESES, fecha_corta, fecha_larga
from .archivos import comprimir, empaquetar, normalizar_zip
from .imagenes import preparar_imagen

log = logging.getLogger("acuerdo_docs.motor")

_PARTES = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
_RELS_DOC = "word/_rels/document.xml.rels"
_TIPOS = "[Content_Types].xml"
_TIPOS_IMAGEN = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp"}
_REL_IMAGEN = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_CONTROL_EN_TEXTO = re.compile(r"<w:t(?:\s[^>]*)?>[^<]*[\n\t\a\f]")
_SALTO = '</w:t><w:br/><w:t xml:space="preserve">'
_TABULADOR = '</w:t><w:tab/><w:t xml:space="preserve">'


def _finalizar(valor: Any) -> Any:
    """Todo valor impreso: None -> vacío, texto escapado y a salvo de las marcas de docxtpl.

    docxtpl reescribe «{_{» como «{{» en la salida; en el texto del usuario el guion bajo
    va como referencia de carácter (&#95;) para que salga tal como se escribió.
    """
    if valor is None:
        return ""
    if isinstance(valor, Markup):
        return valor
    if hasattr(valor, "__html__"):  # XML ya armado (p. ej. InlineImage de docxtpl)
        return Markup(valor.__html__())
    if isinstance(valor, date):
        valor = fecha_corta(valor)
    texto = str(escape(valor))
    if "_" in texto:
        texto = texto.replace("{_", "{&#95;").replace("_}", "&#95;}").replace("%_", "%&#95;")
    # Saltos y tabuladores del usuario: lo mismo que resolve_listing de docxtpl, hecho aquí
    # una vez por valor en lugar de recorrer todo el XML con expresiones regulares.
    if "\n" in texto:
        texto = texto.replace("\n", _SALTO)
    if "\t" in texto:
        texto = texto.replace("\t", _TABULADOR)
    return Markup(texto)


def parrafos(texto: str | None) -> list[str]:
    """Parte un texto largo en párrafos: una línea en blanco inicia un párrafo nuevo."""
    if not texto:
        return []
    bloques = re.split(r"\n[ \t]*\n", texto)
    return [b.strip("\n") for b in bloques if b.strip()]


def _dia(v: date | None) -> str:
    return "" if v is None else f"{v.day:02d}"


def _mes(v: date | None) -> str:
    return "" if v is None else f"{v.month:02d}"


def _anio(v: date | None) -> str:
    return "" if v is None else str(v.year)


def _mes_nombre(v: date | None) -> str:
    return "" if v is None else MESES[v.month - 1]


def crear_entorno() -> SandboxedEnvironment:
    # Inmutable: una plantilla tampoco puede cambiar los datos (practica.retos.pop(), dict.update).
    entorno = ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=True, finalize=_finalizar, keep_trailing_newline=True
    )
    entorno.filters.update(
        parrafos=parrafos, dia=_dia, mes=_mes, anio=_anio, mes_nombre=_mes_nombre,
        fecha_larga=fecha_larga, fecha_corta=fecha_corta,
    )
    entorno.globals["parrafos"] = parrafos
    return entorno


def _mensaje_error(exc: Exception, plantilla: Path) -> str:
    if isinstance(exc, UndefinedError):
        nombre = re.search(r"'([^']+)' is undefined|has no attribute '([^']+)'", str(exc))
        if nombre is None:
            return f"La plantilla {plantilla.name} usa un dato que no existe ({exc})."
        campo = next(g for g in nombre.groups() if g)
        return f"La plantilla {plantilla.name} usa el campo «{campo}», que no existe en los datos."
    if isinstance(exc, SecurityError):
        return f"La plantilla {plantilla.name} intenta acceder al interior de Python y se rechaza: {exc}"
    return f"La plantilla {plantilla.name} tiene un error de sintaxis: {exc}"


# --------------------------------------------------------------------- imágenes


def leer_imagen(ruta: Path | str, *, publico: bool = False) -> ImagenDocx:
    """La imagen lista para incrustar (límites, y sin metadatos si ``publico``; ver :mod:`.imagenes`)."""
    return preparar_imagen(ruta, publico=publico)


@dataclass
class _Imagenes:
    """Imágenes agregadas durante un renderizado (camino compilado)."""

    miembros: list[tuple[str, bytes]] = field(default_factory=list)
    relaciones: list[str] = field(default_factory=list)
    extensiones: set[str] = field(default_factory=set)
    publico: bool = False

    def agregar(self, ruta: Path, ancho_cm: float) -> Markup:
        imagen = leer_imagen(ruta, publico=self.publico)
        ext = imagen.ext.lower()
        n = len(self.miembros) + 1
        nombre = f"word/media/acuerdo_docs_{n}.{ext}"
        rid = f"rIdAcuerdoDocs{n}"
        self.miembros.append((nombre, imagen.blob))
        self.extensiones.add(ext)
        self.relaciones.append(
            f'<Relationship Id="{rid}" Type="{_REL_IMAGEN}" Target="media/acuerdo_docs_{n}.{ext}"/>'
        )
        ancho = int(Cm(ancho_cm))
        alto = int(ancho * imagen.px_height / max(imagen.px_width, 1))
        # Nombre neutro: el del archivo podría ser un dato personal (p. ej. foto_de_fulano.png).
        inline = CT_Inline.new_pic_inline(5000 + n, rid, f"anexo_{n}.{ext}", ancho, alto)
        xml = etree.tostring(inline, encoding="unicode")
        return Markup(f'</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">')


# ------------------------------------------------------------ camino compilado


class PlantillaCompilada:
    """Una plantilla .docx preparada una vez y lista para renderizar muchas veces."""

    def __init__(self, ruta: Path) -> None:
        self.ruta = Path(ruta)
        if not self.ruta.is_file():
            raise ErrorPlantilla(f"No existe la plantilla: {self.ruta}")
        try:
            with zipfile.ZipFile(self.ruta) as zf:
                self._miembros = [(i.filename, zf.read(i)) for i in zf.infolist()]
        except zipfile.BadZipFile:
            raise ErrorPlantilla(f"La plantilla {self.ruta.name} no es un .docx válido") from None
        self.entorno = crear_entorno()
        self._plantillas: dict[str, Any] = {}
        self._tablas_dinamicas = False
        auxiliar = DocxTemplate(str(self.ruta))  # solo para usar su preprocesado (patch_xml)
        for nombre, datos in self._miembros:
            if not _PARTES.match(nombre):
                continue
            fuente = datos.decode("utf-8")
            texto = re.sub(r"<[^>]+>", "", fuente)  # Word parte las marcas en varios fragmentos
            if "{{" not in texto and "{%" not in texto:
                continue
            # {%tc %} (columnas dinámicas) necesita el arreglo de tablas de docxtpl.
            self._tablas_dinamicas |= bool(re.search(r"\{%-?\s*tc\b", texto))
            fuente = auxiliar.patch_xml(fuente)
            fuente = re.sub(r"<w:p([ >])", r"\n<w:p\1", fuente)
            try:
                self._plantillas[nombre] = self.entorno.from_string(fuente)
            except TemplateError as exc:
                raise ErrorPlantilla(_mensaje_error(exc, self.ruta)) from None
        self._comprimidos = {
            nombre: comprimir(nombre, datos)
            for nombre, datos in self._miembros
            if nombre not in self._plantillas and nombre not in (_RELS_DOC, _TIPOS)
        }
        if not self._plantillas:
            raise ErrorPlantilla(f"La plantilla {self.ruta.name} no tiene ningún campo {{{{ … }}}}")

    def renderizar(self, contexto: Mapping[str, Any], *, publico: bool = False) -> bytes:
        """Devuelve los bytes del .docx renderizado (determinista); ``publico``: imágenes sin metadatos."""
        imagenes = _Imagenes(publico=publico)
        ctx = dict(contexto)
        ctx["imagen"] = imagenes.agregar
        salida: list[tuple[str, bytes | None]] = []
        for nombre, datos in self._miembros:
            plantilla = self._plantillas.get(nombre)
            if plantilla is None:
                # Miembro intacto: se reutiliza ya comprimido.
                salida.append((nombre, None if nombre in self._comprimidos else datos))
                continue
            try:
                xml = plantilla.render(ctx)
            except (TemplateError, SecurityError) as exc:
                raise ErrorPlantilla(_mensaje_error(exc, self.ruta)) from None
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
            if _CONTROL_EN_TEXTO.search(xml):  # saltos o tabuladores literales de la plantilla
                xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
            salida.append((nombre, xml.encode("utf-8")))
        if imagenes.miembros:
            salida = self._con_imagenes(salida, imagenes)
        return empaquetar(
            self._comprimidos[nombre] if datos is None else comprimir(nombre, datos)
            for nombre, datos in salida
        )

    def _con_imagenes(
        self, miembros: list[tuple[str, bytes | None]], imagenes: _Imagenes
    ) -> list[tuple[str, bytes | None]]:
        resultado: list[tuple[str, bytes | None]] = []
        for nombre, datos in miembros:
            if datos is None:
                pass
            elif nombre == _RELS_DOC:
                texto = datos.decode("utf-8").replace(
                    "</Relationships>", "".join(imagenes.relaciones) + "</Relationships>"
                )
                datos = texto.encode("utf-8")
            elif nombre == _TIPOS:
                texto = datos.decode("utf-8")
                for ext in sorted(imagenes.extensiones):
                    if f'Extension="{ext}"' not in texto:
                        texto = texto.replace(
                            "<Default ", f'<Default Extension="{ext}" ContentType="{_TIPOS_IMAGEN[ext]}"/><Default ', 1
                        )
                datos = texto.encode("utf-8")
            resultado.append((nombre, datos))
        return resultado + list(imagenes.miembros)


_CACHE: dict[tuple[Path, int, int], PlantillaCompilada] = {}
_CANDADO = threading.Lock()


def compilada(ruta: Path) -> PlantillaCompilada:
    """La plantilla compilada de ``ruta``, preparada una sola vez por proceso (y otra vez si el archivo cambia)."""
    resuelta = Path(ruta).resolve()
    try:
        estado = resuelta.stat()
        clave = (resuelta, estado.st_mtime_ns, estado.st_size)
    except OSError:
        clave = (resuelta, 0, 0)  # no existe: PlantillaCompilada da el error en español
    with _CANDADO:
        plantilla = _CACHE.get(clave)
        if plantilla is None:
            plantilla = _CACHE[clave] = PlantillaCompilada(resuelta)
            log.debug("plantilla compilada: %s", resuelta.name)
    return plantilla


# -------------------------------------------------------------- camino docxtpl


def renderizar_docxtpl(ruta: Path, contexto: Mapping[str, Any], *, publico: bool = False) -> bytes:
    """docxtpl tal cual, con el mismo entorno (escape, sandbox, StrictUndefined)."""
    tpl = DocxTemplate(str(ruta))
    ctx = dict(contexto)

    def imagen(archivo: Path, ancho_cm: float) -> InlineImage:
        preparada = leer_imagen(archivo, publico=publico)  # límites y error claro antes de que docxtpl la abra
        # Desde memoria: python-docx la nombra «image.ext», no con el nombre del archivo.
        return InlineImage(tpl, io.BytesIO(preparada.blob), width=Cm(ancho_cm))

    ctx["imagen"] = imagen
    try:
        tpl.render(ctx, jinja_env=crear_entorno(), autoescape=True)
    except (TemplateError, SecurityError) as exc:
        raise ErrorPlantilla(_mensaje_error(exc, Path(ruta))) from None
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalizar_zip(buffer.getvalue())


Renderizador = Callable[[Path, Mapping[str, Any]], bytes]


def renderizar(
    ruta: Path, contexto: Mapping[str, Any], *, motor: str = "compilado", publico: bool = False
) -> bytes:
    """Renderiza ``ruta`` con ``contexto`` por el camino pedido ("compilado" o "docxtpl").

    ``publico``: las imágenes incrustadas se recodifican sin metadatos (versión pública).
    """
    if motor == "docxtpl":
        return renderizar_docxtpl(ruta, contexto, publico=publico)
    if motor != "compilado":
        raise ValueError(f"motor desconocido: {motor}")
    plantilla = compilada(ruta)
    if plantilla._tablas_dinamicas:
        if not getattr(plantilla, "_avisado", False):
            log.info("la plantilla %s usa columnas dinámicas ({%%tc}); se renderiza con docxtpl", Path(ruta).name)
            plantilla._avisado = True  # type: ignore[attr-defined]
        return renderizar_docxtpl(ruta, contexto, publico=publico)
    return plantilla.renderizar(contexto, publico=publico)
