"""Motor de plantillas Word.

Dos caminos que producen el mismo documento:

* :class:`PlantillaCompilada` (por omisión): prepara la plantilla una vez por proceso
  (preprocesado de docxtpl + compilación Jinja) y por documento solo renderiza las
  partes que cambian y escribe el zip reutilizando los miembros intactos.
* :func:`~.motor_docxtpl.renderizar_docxtpl`: docxtpl tal cual (referencia y respaldo para
  plantillas con funciones que el camino compilado no admite).

En ambos el texto del usuario es dato: se escapa siempre (autoescape), las variables
desconocidas fallan con su nombre (StrictUndefined), la plantilla solo recibe datos
planos (:mod:`~acuerdo_docs.salida.datos_planos`) y Jinja corre en el entorno con lista
blanca y límites de :mod:`~acuerdo_docs.salida.sandbox` (armado en :mod:`.entorno_word`). Una
plantilla con DTD o entidades XML, o demasiado grande, se rechaza antes de leerla
(:mod:`.plantilla_word`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from types import CodeType
from typing import Any, TypeGuard

from jinja2 import Template, TemplateError
from markupsafe import Markup

from ..errores import ErrorEntrada, ErrorPlantilla
from ..paquete.escritor import comprimir, empaquetar
from ..registro import registro
from . import cache_codigo
from .datos_planos import datos_planos
from .entorno_word import CONTROL_EN_VALOR, con_titulo, crear_entorno, mensaje_error
from .limites import presupuesto
from .plantilla_word import PARTES_CON_MARCAS, leer_imagen, leer_plantilla, ruta_del_anexo, tamano_imagen
from .sandbox import FuncionDelMotor

log = registro("acuerdo_docs.motor")

_RELS_DOC = "word/_rels/document.xml.rels"
_TIPOS = "[Content_Types].xml"
_TIPOS_IMAGEN = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp"}
_CONTROL_EN_TEXTO = re.compile(r"<w:t(?:\s[^>]*)?>[^<]*[\n\t\a\f]")
_NUCLEO = "docProps/core.xml"
_MARCA_LINEA = re.compile(r"\n<w:p([ >])")
"""El salto que se pone delante de cada párrafo de la fuente para que los mensajes digan la línea."""
_DECLARACION = re.compile(r"^<\?xml[^>]*\?>\r?\n?")
_CAPTURA = re.compile(r"\{%-?\s*(?:filter|set|macro|call|raw)\b|\{#")


class _Imagenes(FuncionDelMotor):
    """``imagen()`` del camino compilado: las imágenes agregadas durante un renderizado."""

    def __init__(self, publico: bool = False) -> None:  # sin @dataclass: crearla costaba ~0,3 ms por proceso
        self.miembros: list[tuple[str, bytes]] = []
        self.relaciones: list[str] = []
        self.extensiones: set[str] = set()
        self.publico = publico

    def __call__(self, archivo: Any, ancho_cm: Any = 15, alto_maximo_cm: Any = None) -> Markup:
        # python-docx y lxml solo si la plantilla incrusta imágenes (arranque).
        from docx.oxml.shape import CT_Inline
        from docx.shared import Cm, Emu
        from lxml import etree

        from ..paquete.espacios import REL_IMAGEN

        ruta, ancho_cm = ruta_del_anexo(archivo, ancho_cm, alto_maximo_cm)
        imagen = leer_imagen(ruta, publico=self.publico)
        ext = imagen.ext.lower()
        n = len(self.miembros) + 1
        nombre = f"word/media/acuerdo_docs_{n}.{ext}"
        rid = f"rIdAcuerdoDocs{n}"
        self.miembros.append((nombre, imagen.blob))
        self.extensiones.add(ext)
        self.relaciones.append(
            f'<Relationship Id="{rid}" Type="{REL_IMAGEN}" Target="media/acuerdo_docs_{n}.{ext}"/>'
        )
        ancho_cm, alto_cm = tamano_imagen(ancho_cm, alto_maximo_cm, imagen.px_width, imagen.px_height)
        ancho, alto = Emu(int(Cm(ancho_cm))), Emu(int(Cm(alto_cm)))
        # Nombre neutro: el del archivo podría ser un dato personal (p. ej. foto_de_fulano.png).
        inline = CT_Inline.new_pic_inline(5000 + n, rid, f"anexo_{n}.{ext}", ancho, alto)
        xml = etree.tostring(inline, encoding="unicode")
        return Markup(f'</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">')


# ------------------------------------------------------------ camino compilado


def _fallo_con_linea(plantilla: Template, ctx: dict[str, Any], original: Exception) -> Exception:
    """Repite el llenado con la fuente que tiene un párrafo por línea, para que el mensaje diga dónde."""
    try:
        plantilla.render(ctx)
    except ErrorEntrada:
        raise
    except Exception as exc:  # noqa: BLE001 - el mismo fallo, ahora con su línea
        return exc
    return original


Parte = tuple[str, str, "CodeType | None", "CodeType | None", bool]
"""Una parte compilada: (nombre, fuente con un párrafo por línea, código directo, código con líneas, control fijo).

Solo tipos de ``marshal``: así se guarda en la caché de disco (:mod:`.cache_codigo`) tal cual.
"""


def _es_compilado(valor: Any) -> TypeGuard[tuple[bool, tuple[Parte, ...]]]:
    """Lo leído de la caché tiene la forma de :meth:`PlantillaCompilada._compilar` (si no, se compila de nuevo)."""
    if not (isinstance(valor, tuple) and len(valor) == 2 and isinstance(valor[0], bool)
            and isinstance(valor[1], tuple)):
        return False
    return all(
        isinstance(p, tuple) and len(p) == 5 and isinstance(p[0], str) and isinstance(p[1], str)
        and all(c is None or isinstance(c, CodeType) for c in p[2:4]) and isinstance(p[4], bool)
        for p in valor[1]
    )


class PlantillaCompilada:
    """Una plantilla .docx preparada una vez y lista para renderizar muchas veces.

    El código compilado de sus partes se guarda en la caché de disco del usuario
    (:mod:`.cache_codigo`): otro proceso con la misma plantilla no la vuelve a compilar.
    """

    def __init__(self, ruta: Path) -> None:
        self.ruta = Path(ruta)
        self.avisado = False
        """Ya se avisó (una vez por plantilla) de que sus columnas dinámicas van por docxtpl."""
        self._miembros = leer_plantilla(self.ruta)
        self.entorno = crear_entorno()
        clave = cache_codigo.clave(self._miembros)
        leido = cache_codigo.leer(clave) if clave else None
        if _es_compilado(leido):
            compilado = leido
        else:
            compilado = self._compilar()
            if clave:
                cache_codigo.guardar(clave, compilado)
        # {%tc %} (columnas dinámicas) necesita el arreglo de tablas de docxtpl.
        self._tablas_dinamicas: bool = compilado[0]
        self._fuentes: dict[str, str] = {}
        self._directas: dict[str, Template] = {}
        self._con_lineas: dict[str, Template] = {}
        self._control_fijo: dict[str, bool] = {}
        for nombre, fuente, directa, con_lineas, control_fijo in compilado[1]:
            self._fuentes[nombre] = fuente
            self._control_fijo[nombre] = control_fijo
            try:
                if directa is not None:
                    self._directas[nombre] = self._desde_codigo(directa)
                if con_lineas is not None:
                    self._con_lineas[nombre] = self._desde_codigo(con_lineas)
            except (TemplateError, RecursionError, MemoryError) as exc:
                raise ErrorPlantilla(mensaje_error(exc, self.ruta, nombre, fuente)) from None
        self._comprimidos = {
            nombre: comprimir(nombre, datos)
            for nombre, datos in self._miembros
            if nombre not in self._fuentes and nombre not in (_RELS_DOC, _TIPOS)
        }
        # Relaciones y tipos cambian solo si hay imágenes: sin ellas, ya comprimidos.
        self._sin_imagenes = {
            nombre: comprimir(nombre, datos) for nombre, datos in self._miembros if nombre in (_RELS_DOC, _TIPOS)
        }
        if not self._fuentes:
            raise ErrorPlantilla(f"La plantilla {self.ruta.name} no tiene ningún campo {{{{ … }}}}")

    def _compilar(self) -> tuple[bool, tuple[Parte, ...]]:
        """Preprocesado de docxtpl y compilación Jinja de cada parte con marcas (lo que guarda la caché)."""
        from .motor_docxtpl import fuentes_jinja  # docxtpl solo cuando hay que compilar

        tablas_dinamicas = any(
            re.search(r"\{%-?\s*tc\b", re.sub(r"<[^>]+>", "", datos.decode("utf-8", "replace")))
            for nombre, datos in self._miembros if PARTES_CON_MARCAS.match(nombre)
        )
        return tablas_dinamicas, tuple(self._compilar_parte(n, f) for n, f in fuentes_jinja(self.ruta, self._miembros))

    def _compilar_parte(self, nombre: str, fuente: str) -> Parte:
        """La parte sin los saltos de línea de los mensajes («directa»): su salida ya es la definitiva.

        Así no hay que quitarlos del XML de cada documento. Solo si da los mismos bytes: la fuente
        no traía saltos propios antes de un párrafo, ni bloques que capturen texto (filter, set,
        macro, call, raw) o comentarios; si no, se compila la fuente con líneas. Y si la plantilla no
        tiene caracteres de control fuera de la declaración XML, la búsqueda de resolve_listing
        solo hace falta si un valor los trae. La fuente con líneas de una parte directa se compila
        solo si hace falta decir la línea de un error.
        """
        directa = _MARCA_LINEA.sub(r"<w:p\1", fuente)
        cuerpo = _DECLARACION.sub("", directa, count=1)
        propios = bool(_MARCA_LINEA.search(directa) or _CAPTURA.search(directa))
        control_fijo = propios or bool(re.search(r"[\n\t\a\f]", cuerpo))
        try:
            if propios:
                return nombre, fuente, None, self.entorno.compile(fuente), control_fijo
            try:
                return nombre, fuente, self.entorno.compile(directa), None, control_fijo
            except (TemplateError, RecursionError, MemoryError):
                self.entorno.compile(fuente)  # el mismo error, ahora con su línea
                raise
        except (TemplateError, RecursionError, MemoryError) as exc:
            raise ErrorPlantilla(mensaje_error(exc, self.ruta, nombre, fuente)) from None

    def _desde_codigo(self, codigo: CodeType) -> Template:
        return self.entorno.template_class.from_code(self.entorno, codigo, self.entorno.make_globals(None), None)

    def _plantilla_con_lineas(self, nombre: str) -> Template:
        plantilla = self._con_lineas.get(nombre)
        if plantilla is None:
            plantilla = self._con_lineas[nombre] = self.entorno.from_string(self._fuentes[nombre])
        return plantilla

    def renderizar(self, contexto: Mapping[str, Any], *, titulo: str | None = None, publico: bool = False) -> bytes:
        """Los bytes del .docx renderizado (determinista); ``titulo`` va a las propiedades; ``publico``: imágenes
        sin metadatos."""
        imagenes = _Imagenes(publico=publico)
        ctx = dict(datos_planos(contexto))  # un contexto ya plano no se vuelve a convertir
        ctx["imagen"] = imagenes
        salida: list[tuple[str, bytes | None]] = []
        with presupuesto():  # un presupuesto para todo el documento
            for nombre, datos in self._miembros:
                if nombre == _NUCLEO and titulo is not None:
                    salida.append((nombre, con_titulo(datos, titulo)))
                    continue
                if nombre not in self._fuentes:
                    # Miembro intacto: se reutiliza ya comprimido.
                    salida.append((nombre, None if nombre in self._comprimidos else datos))
                    continue
                xml, control = self._llenar(nombre, ctx)
                if "_" in xml:  # sin «_» no hay marcas que deshacer: cuatro recorridos menos del XML
                    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
                if control and _CONTROL_EN_TEXTO.search(xml):  # saltos o tabuladores literales
                    from .motor_docxtpl import resolver_saltos  # docxtpl solo si hay saltos literales

                    xml = resolver_saltos(xml)
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

    def _llenar(self, nombre: str, ctx: dict[str, Any]) -> tuple[str, bool]:
        """El XML de una parte y si puede llevar caracteres de control (para resolve_listing)."""
        directa = self._directas.get(nombre)
        marca = CONTROL_EN_VALOR.set(False)
        try:
            if directa is not None:
                return directa.render(ctx), self._control_fijo[nombre] or CONTROL_EN_VALOR.get()
            return _MARCA_LINEA.sub(r"<w:p\1", self._plantilla_con_lineas(nombre).render(ctx)), True
        except ErrorEntrada:
            raise
        except Exception as exc:  # noqa: BLE001 - una plantilla ajena puede fallar de cualquier modo
            if directa is not None:  # sin saltos no hay línea: la fuente con saltos la dice
                exc = _fallo_con_linea(self._plantilla_con_lineas(nombre), ctx, exc)
            raise ErrorPlantilla(mensaje_error(exc, self.ruta, nombre, self._fuentes[nombre])) from None
        finally:
            CONTROL_EN_VALOR.reset(marca)

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


_CACHE: dict[tuple[int, int, int, int], PlantillaCompilada] = {}
_CANDADO = threading.Lock()


def compilada(ruta: Path) -> PlantillaCompilada:
    """La plantilla compilada de ``ruta``, preparada una sola vez por proceso (y otra vez si el archivo cambia).

    La clave es el archivo al que lleva ``ruta`` (dispositivo e inodo, siguiendo enlaces) con su fecha
    y tamaño: un ``stat`` por documento, sin resolver la ruta componente a componente (~20 µs por
    documento en un lote). Otra ruta al mismo archivo usa la misma compilación; uno editado o
    reemplazado, una nueva.
    """
    try:
        estado = os.stat(ruta)
    except OSError:
        return PlantillaCompilada(Path(ruta).resolve())  # no existe: da el error en español
    clave = (estado.st_dev, estado.st_ino, estado.st_mtime_ns, estado.st_size)
    with _CANDADO:
        plantilla = _CACHE.get(clave)
        if plantilla is None:
            resuelta = Path(ruta).resolve()
            plantilla = _CACHE[clave] = PlantillaCompilada(resuelta)
            log.debug("plantilla compilada: %s", resuelta.name)
    return plantilla


Renderizador = Callable[[Path, Mapping[str, Any]], bytes]


def renderizar(ruta: Path, contexto: Mapping[str, Any], *, motor: str = "compilado",
               titulo: str | None = None, publico: bool = False) -> bytes:
    """Renderiza ``ruta`` con ``contexto`` por el camino pedido ("compilado" o "docxtpl").

    ``titulo``: el título del documento (propiedades del .docx, /Title del PDF); sin datos
    personales, porque también va en la versión pública. ``publico``: las imágenes incrustadas se
    recodifican sin metadatos (versión pública).
    """
    if motor not in ("compilado", "docxtpl"):
        raise ValueError(f"motor desconocido: {motor}")
    plantilla = compilada(ruta) if motor == "compilado" else None
    if plantilla is not None and not plantilla._tablas_dinamicas:
        return plantilla.renderizar(contexto, titulo=titulo, publico=publico)
    if plantilla is not None and not plantilla.avisado:
        log.info("la plantilla %s usa columnas dinámicas ({%%tc}); se renderiza con docxtpl", Path(ruta).name)
        plantilla.avisado = True
    from .motor_docxtpl import renderizar_docxtpl  # docxtpl (y python-docx) solo en ese camino

    return renderizar_docxtpl(ruta, contexto, titulo=titulo, publico=publico)
