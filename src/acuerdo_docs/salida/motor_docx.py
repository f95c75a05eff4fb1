"""Motor de plantillas Word.

Dos caminos que producen el mismo documento:

* :class:`PlantillaCompilada` (por omisión): prepara la plantilla una vez por proceso
  (preprocesado de docxtpl + compilación Jinja) y por documento solo renderiza las
  partes que cambian y escribe el zip reutilizando los miembros intactos.
* :func:`renderizar_docxtpl`: docxtpl tal cual (referencia y respaldo para plantillas
  con funciones que el camino compilado no admite).

En ambos el texto del usuario es dato: se escapa siempre (autoescape), las variables
desconocidas fallan con su nombre (StrictUndefined), la plantilla solo recibe datos
planos (:mod:`~acuerdo_docs.salida.datos_planos`) y Jinja corre en el entorno con lista
blanca y límites de :mod:`~acuerdo_docs.salida.sandbox`. Una plantilla con DTD o
entidades XML, o que descomprimida pasa de :data:`TAMANO_MAXIMO_PLANTILLA`, se rechaza
antes de leerla.
"""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docx.image.image import Image as ImagenDocx
from docx.oxml.shape import CT_Inline
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateError
from jinja2.runtime import Undefined
from jinja2.sandbox import SecurityError
from lxml import etree
from markupsafe import Markup, escape

from ..errores import ErrorEntrada, ErrorPlantilla
from ..esquemas.comun import MESES, fecha_corta, fecha_larga
from ..paquete.escritor import comprimir, empaquetar, normalizar_zip
from ..paquete.espacios import REL_IMAGEN as _REL_IMAGEN
from ..paquete.seguridad import LimitesZip, Motivo, ZipRechazado, abrir_zip, buscar_dtd, revisar_partes
from .datos_planos import ArchivoAnexo, datos_planos
from .imagenes import preparar_imagen
from .limites import presupuesto, vigilar
from .mensajes_plantilla import describir, donde, linea_del_fallo, nombre_parte
from .sandbox import EntornoSeguro, FuncionDelMotor, nombre_tipo

log = logging.getLogger("acuerdo_docs.motor")

TAMANO_MAXIMO_PLANTILLA = 50 * 1024 * 1024
"""Bytes descomprimidos que puede ocupar una plantilla (una bomba zip se rechaza antes de leerla)."""

PARTES_CON_MARCAS = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
"""Partes del .docx donde pueden ir marcas Jinja."""
_RELS_DOC = "word/_rels/document.xml.rels"
_TIPOS = "[Content_Types].xml"
_TIPOS_IMAGEN = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp"}
_CONTROL_EN_TEXTO = re.compile(r"<w:t(?:\s[^>]*)?>[^<]*[\n\t\a\f]")
_SALTO = '</w:t><w:br/><w:t xml:space="preserve">'
_NUCLEO = "docProps/core.xml"
_RE_TITULO = re.compile(rb"<dc:title>.*?</dc:title>|<dc:title/>", re.DOTALL)
_TABULADOR = '</w:t><w:tab/><w:t xml:space="preserve">'
_MARCA_LINEA = re.compile(r"\n<w:p([ >])")
"""El salto que se pone delante de cada párrafo de la fuente para que los mensajes digan la línea."""
_DECLARACION = re.compile(r"^<\?xml[^>]*\?>\r?\n?")
_CAPTURA = re.compile(r"\{%-?\s*(?:filter|set|macro|call|raw)\b|\{#")
_CONTROL_EN_VALOR: ContextVar[bool] = ContextVar("acuerdo_docs_control_en_valor", default=False)
"""Algún valor impreso llevó un carácter de control a la salida (lo mira _CONTROL_EN_TEXTO)."""


def _anotar_control(texto: str) -> None:
    if "\n" in texto or "\t" in texto or "\a" in texto or "\f" in texto:
        _CONTROL_EN_VALOR.set(True)


def _finalizar(valor: Any) -> Any:
    """Todo valor impreso: None -> vacío, texto escapado y a salvo de las marcas de docxtpl.

    docxtpl reescribe «{_{» como «{{» en la salida; en el texto del usuario el guion bajo
    va como referencia de carácter (&#95;) para que salga tal como se escribió.
    """
    if valor is None:
        return ""
    if isinstance(valor, Undefined):
        return valor  # StrictUndefined avisa al convertirlo en texto
    if isinstance(valor, Markup):
        _anotar_control(valor)  # p. ej. |join("\n") da Markup con saltos literales
        return valor
    if isinstance(valor, _ImagenDocxtpl):  # XML ya armado por docxtpl
        _anotar_control(valor.__html__())
        return Markup(valor.__html__())
    if isinstance(valor, date):
        valor = fecha_corta(valor)
    elif isinstance(valor, (list, tuple, dict)):
        vigilar(valor)
    elif not isinstance(valor, (str, int, float, range)):
        raise SecurityError(f"no se puede imprimir un valor de tipo {nombre_tipo(valor)}")
    texto = str(escape(valor))
    if "_" in texto:
        texto = texto.replace("{_", "{&#95;").replace("_}", "&#95;}").replace("%_", "%&#95;")
    # Saltos y tabuladores del usuario: lo mismo que resolve_listing de docxtpl, hecho aquí
    # una vez por valor en lugar de recorrer todo el XML con expresiones regulares.
    if "\n" in texto:
        texto = texto.replace("\n", _SALTO)
    if "\t" in texto:
        texto = texto.replace("\t", _TABULADOR)
    if "\a" in texto or "\f" in texto:  # los que quedan para resolve_listing
        _CONTROL_EN_VALOR.set(True)
    return Markup(texto)


def con_titulo(nucleo: bytes, titulo: str) -> bytes:
    """``docProps/core.xml`` con ``titulo`` (escapado: es texto del usuario); el PDF lo usa como /Title."""
    nuevo = f"<dc:title>{escape(titulo)}</dc:title>".encode()
    if _RE_TITULO.search(nucleo):
        return _RE_TITULO.sub(lambda _: nuevo, nucleo, count=1)
    return nucleo.replace(b"</cp:coreProperties>", nuevo + b"</cp:coreProperties>", 1)


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


def crear_entorno(undefined: type[Undefined] = StrictUndefined) -> EntornoSeguro:
    """El entorno de todas las plantillas: sandbox inmutable con lista blanca, escape y límites."""
    entorno = EntornoSeguro(undefined=undefined, autoescape=True, finalize=_finalizar, keep_trailing_newline=True)
    entorno.agregar_filtros(
        parrafos=parrafos, dia=_dia, mes=_mes, anio=_anio, mes_nombre=_mes_nombre,
        fecha_larga=fecha_larga, fecha_corta=fecha_corta,
    )
    entorno.agregar_global("parrafos", parrafos)
    return entorno


def _mensaje_error(exc: BaseException, plantilla: Path, parte: str | None = None, fuente: str = "") -> str:
    lugar = f" ({donde(nombre_parte(parte), fuente, linea_del_fallo(exc))})" if parte else ""
    return f"La plantilla {plantilla.name} {describir(exc)}{lugar}"


def leer_plantilla(ruta: Path) -> list[tuple[str, bytes]]:
    """Los miembros de una plantilla .docx, tras rechazar lo que no es un .docx, una bomba zip o un DTD."""
    ruta = Path(ruta)
    if not ruta.is_file():
        raise ErrorPlantilla(f"No existe la plantilla: {ruta}")
    maximo = TAMANO_MAXIMO_PLANTILLA
    try:
        with abrir_zip(ruta) as zf:
            infos = zf.infolist()
            revisar_partes(infos, LimitesZip(descomprimido=maximo, proporcion=None))
            if "word/document.xml" not in {i.filename for i in infos}:
                raise ErrorPlantilla(f"La plantilla {ruta.name} no es un documento de Word (.docx)")
            buscar_dtd(zf, infos)
            return [(i.filename, zf.read(i)) for i in infos]
    except ZipRechazado as exc:
        if exc.motivo is Motivo.DESCOMPRIMIDO:
            raise ErrorPlantilla(f"La plantilla {ruta.name} ocupa más de {maximo // (1024 * 1024)} MB "
                                 "descomprimida: no parece una plantilla de Word y se rechaza") from None
        if exc.motivo is Motivo.DTD:
            raise ErrorPlantilla(f"La plantilla {ruta.name} declara un DTD o entidades XML (<!DOCTYPE …>) en "
                                 f"{exc.miembro}: Word no los usa y se rechaza") from None
        raise ErrorPlantilla(f"La plantilla {ruta.name} no es un .docx válido (no se pudo abrir)") from None


# --------------------------------------------------------------------- imágenes


def leer_imagen(ruta: Path | str, *, publico: bool = False) -> ImagenDocx:
    """La imagen lista para incrustar (límites, y sin metadatos si ``publico``; ver :mod:`.imagenes`)."""
    return preparar_imagen(ruta, publico=publico)


ANCHO_MAXIMO_IMAGEN_CM = 50.0
"""Ancho máximo de una imagen incrustada (más que una hoja no tiene sentido)."""


def ruta_del_anexo(archivo: Any, ancho_cm: Any) -> tuple[Path, float]:
    """Solo las imágenes de los anexos del documento: ``imagen(anexo.archivo, 15)``, nunca una ruta escrita."""
    if not isinstance(archivo, ArchivoAnexo):
        raise SecurityError("imagen() solo incrusta las imágenes de los anexos del documento (anexo.archivo), "
                            "no una ruta ni un texto")
    if isinstance(ancho_cm, bool) or not isinstance(ancho_cm, (int, float)) \
            or not 0 < ancho_cm <= ANCHO_MAXIMO_IMAGEN_CM:
        raise SecurityError(f"el ancho de imagen() debe ser un número de centímetros entre 0 y "
                            f"{ANCHO_MAXIMO_IMAGEN_CM:g}")
    return archivo.ruta_imagen(), float(ancho_cm)


@dataclass
class _Imagenes(FuncionDelMotor):
    """``imagen()`` del camino compilado: las imágenes agregadas durante un renderizado."""

    miembros: list[tuple[str, bytes]] = field(default_factory=list)
    relaciones: list[str] = field(default_factory=list)
    extensiones: set[str] = field(default_factory=set)
    publico: bool = False

    def __call__(self, archivo: Any, ancho_cm: Any = 15) -> Markup:
        ruta, ancho_cm = ruta_del_anexo(archivo, ancho_cm)
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
        if auxiliar is None:
            auxiliar = DocxTemplate(str(ruta))  # solo para usar su preprocesado
        fuente = auxiliar.patch_xml(fuente)
        fuentes.append((nombre, re.sub(r"<w:p([ >])", r"\n<w:p\1", fuente)))
    return fuentes


def _fallo_con_linea(plantilla: Any, ctx: dict[str, Any], original: BaseException) -> BaseException:
    """Repite el llenado con la fuente que tiene un párrafo por línea, para que el mensaje diga dónde."""
    try:
        plantilla.render(ctx)
    except ErrorEntrada:
        raise
    except Exception as exc:  # noqa: BLE001 - el mismo fallo, ahora con su línea
        return exc
    return original


class PlantillaCompilada:
    """Una plantilla .docx preparada una vez y lista para renderizar muchas veces."""

    def __init__(self, ruta: Path) -> None:
        self.ruta = Path(ruta)
        self._miembros = leer_plantilla(self.ruta)
        self.entorno = crear_entorno()
        self._plantillas: dict[str, Any] = {}
        self._fuentes: dict[str, str] = {}
        # {%tc %} (columnas dinámicas) necesita el arreglo de tablas de docxtpl.
        self._tablas_dinamicas = any(
            re.search(r"\{%-?\s*tc\b", re.sub(r"<[^>]+>", "", datos.decode("utf-8", "replace")))
            for nombre, datos in self._miembros if PARTES_CON_MARCAS.match(nombre)
        )
        self._directas: dict[str, Any] = {}
        self._control_fijo: dict[str, bool] = {}
        for nombre, fuente in fuentes_jinja(self.ruta, self._miembros):
            self._fuentes[nombre] = fuente
            try:
                self._plantillas[nombre] = self.entorno.from_string(fuente)
                self._preparar_directa(nombre, fuente)
            except (TemplateError, RecursionError, MemoryError) as exc:
                raise ErrorPlantilla(_mensaje_error(exc, self.ruta, nombre, fuente)) from None
        self._comprimidos = {
            nombre: comprimir(nombre, datos)
            for nombre, datos in self._miembros
            if nombre not in self._plantillas and nombre not in (_RELS_DOC, _TIPOS)
        }
        # Relaciones y tipos cambian solo si hay imágenes: sin ellas, ya comprimidos.
        self._sin_imagenes = {
            nombre: comprimir(nombre, datos) for nombre, datos in self._miembros if nombre in (_RELS_DOC, _TIPOS)
        }
        if not self._plantillas:
            raise ErrorPlantilla(f"La plantilla {self.ruta.name} no tiene ningún campo {{{{ … }}}}")

    def renderizar(self, contexto: Mapping[str, Any], *, titulo: str | None = None, publico: bool = False) -> bytes:
        """Los bytes del .docx renderizado (determinista); ``titulo`` va a las propiedades; ``publico``: imágenes
        sin metadatos."""
        imagenes = _Imagenes(publico=publico)
        ctx = dict(datos_planos(contexto))  # un contexto ya plano no se vuelve a convertir
        ctx["imagen"] = imagenes
        salida: list[tuple[str, bytes | None]] = []
        with presupuesto():  # un presupuesto para todo el documento
            for nombre, datos in self._miembros:
                plantilla = self._plantillas.get(nombre)
                if nombre == _NUCLEO and titulo is not None:
                    salida.append((nombre, con_titulo(datos, titulo)))
                    continue
                if plantilla is None:
                    # Miembro intacto: se reutiliza ya comprimido.
                    salida.append((nombre, None if nombre in self._comprimidos else datos))
                    continue
                xml, control = self._llenar(nombre, plantilla, ctx)
                xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
                if control and _CONTROL_EN_TEXTO.search(xml):  # saltos o tabuladores literales
                    xml = DocxTemplate.resolve_listing(None, xml)  # type: ignore[arg-type]
                salida.append((nombre, xml.encode("utf-8")))
        if imagenes.miembros:
            salida = self._con_imagenes(salida, imagenes)
            listos = self._comprimidos
        else:
            listos = {**self._comprimidos, **self._sin_imagenes}
            salida = [(nombre, None if nombre in self._sin_imagenes else datos) for nombre, datos in salida]
        return empaquetar(
            listos[nombre] if datos is None else comprimir(nombre, datos)
            for nombre, datos in salida
        )

    # ---- el trabajo por documento, con lo posible hecho al compilar

    def _preparar_directa(self, nombre: str, fuente: str) -> None:
        """La plantilla sin los saltos de línea de los mensajes: su salida ya es la definitiva.

        Así no hay que quitarlos del XML de cada documento. Solo si da los mismos bytes: la fuente
        no traía saltos propios antes de un párrafo, ni bloques que capturen texto (filter, set,
        macro, call, raw) o comentarios. Y si la plantilla no tiene caracteres de control fuera de
        la declaración XML, la búsqueda de resolve_listing solo hace falta si un valor los trae.
        """
        directa = _MARCA_LINEA.sub(r"<w:p\1", fuente)
        cuerpo = _DECLARACION.sub("", directa, count=1)
        propios = _MARCA_LINEA.search(directa) or _CAPTURA.search(directa)
        self._control_fijo[nombre] = bool(propios or re.search(r"[\n\t\a\f]", cuerpo))
        if not propios:
            self._directas[nombre] = self.entorno.from_string(directa)

    def _llenar(self, nombre: str, plantilla: Any, ctx: dict[str, Any]) -> tuple[str, bool]:
        """El XML de una parte y si puede llevar caracteres de control (para resolve_listing)."""
        directa = self._directas.get(nombre)
        marca = _CONTROL_EN_VALOR.set(False)
        try:
            if directa is not None:
                return directa.render(ctx), self._control_fijo[nombre] or _CONTROL_EN_VALOR.get()
            return _MARCA_LINEA.sub(r"<w:p\1", plantilla.render(ctx)), True
        except ErrorEntrada:
            raise
        except Exception as exc:  # noqa: BLE001 - una plantilla ajena puede fallar de cualquier modo
            if directa is not None:  # sin saltos no hay línea: la fuente con saltos la dice
                exc = _fallo_con_linea(plantilla, ctx, exc)
            raise ErrorPlantilla(_mensaje_error(exc, self.ruta, nombre, self._fuentes[nombre])) from None
        finally:
            _CONTROL_EN_VALOR.reset(marca)

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


class _ImagenDocxtpl(InlineImage):
    """La imagen de docxtpl, reconocible al imprimirla (su XML ya está armado)."""


@dataclass
class _ImagenesDocxtpl(FuncionDelMotor):
    """``imagen()`` del camino docxtpl."""

    plantilla: DocxTemplate
    publico: bool = False

    def __call__(self, archivo: Any, ancho_cm: Any = 15) -> _ImagenDocxtpl:
        ruta, ancho_cm = ruta_del_anexo(archivo, ancho_cm)
        preparada = leer_imagen(ruta, publico=self.publico)  # límites y error claro antes de que docxtpl la abra
        # Desde memoria: python-docx la nombra «image.ext», no con el nombre del archivo.
        return _ImagenDocxtpl(self.plantilla, io.BytesIO(preparada.blob), width=Cm(ancho_cm))


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
        raise ErrorPlantilla(_mensaje_error(exc, Path(ruta))) from None
    if titulo is not None:
        tpl.docx.core_properties.title = titulo
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalizar_zip(buffer.getvalue())


Renderizador = Callable[[Path, Mapping[str, Any]], bytes]


def renderizar(ruta: Path, contexto: Mapping[str, Any], *, motor: str = "compilado",
               titulo: str | None = None, publico: bool = False) -> bytes:
    """Renderiza ``ruta`` con ``contexto`` por el camino pedido ("compilado" o "docxtpl").

    ``titulo``: el título del documento (propiedades del .docx, /Title del PDF); sin datos
    personales, porque también va en la versión pública. ``publico``: las imágenes incrustadas se
    recodifican sin metadatos (versión pública).
    """
    if motor == "docxtpl":
        return renderizar_docxtpl(ruta, contexto, titulo=titulo, publico=publico)
    if motor != "compilado":
        raise ValueError(f"motor desconocido: {motor}")
    plantilla = compilada(ruta)
    if plantilla._tablas_dinamicas:
        if not getattr(plantilla, "_avisado", False):
            log.info("la plantilla %s usa columnas dinámicas ({%%tc}); se renderiza con docxtpl", Path(ruta).name)
            plantilla._avisado = True  # type: ignore[attr-defined]
        return renderizar_docxtpl(ruta, contexto, titulo=titulo, publico=publico)
    return plantilla.renderizar(contexto, titulo=titulo, publico=publico)
