"""Verificación de plantillas Word propias, antes de renderizar.

Un usuario puede cambiar fuentes, colores y el orden de los campos de una plantilla
(``--plantilla mi_ficha.docx``); antes de usarla se comprueba, sin escribir nada:

* que el archivo sea un .docx sin DTD ni entidades XML y sin bomba zip (como en el motor);
* que no use construcciones prohibidas (:mod:`.plantillas_propias.prohibidas`): acceso al
  interior de Python, ``|safe``, ``{% include %}``, ``**``…;
* que solo nombre datos que existen: los nombres sueltos con ``jinja2.meta`` (como
  ``get_undeclared_template_variables`` de docxtpl) y los campos, al ensayarla;
* que se renderice, en el mismo sandbox que el motor, con datos válidos de prueba de todo lo
  que el esquema admite (:mod:`.plantillas_propias.ensayo`), y muestre los campos obligatorios.

Así, una plantilla que pasa la verificación renderiza toda entrada válida, o se rechaza con
una razón. Esta capa no conoce los documentos: ``documentos/`` le pasa el modelo, la función
de contexto y el ejemplo en un :class:`TipoPlantilla`.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes

from ..errores import ErrorPlantilla
from ..limites_entrada import TIEMPO_VERIFICACION
from .entorno_word import crear_entorno
from .limites import ErrorLimite, PlazoVencido, plazo, revisar_plazo
from .mensajes_plantilla import describir, donde, nombre_parte, traducir_sintaxis
from .motor_docxtpl import fuentes_jinja
from .plantilla_word import PARTES_CON_MARCAS, leer_plantilla
from .plantillas_propias import prohibidas
from .plantillas_propias.ensayo import Parte, ensayar
from .tipo_plantilla import TipoPlantilla


@dataclass(frozen=True)
class InformePlantilla:
    """Resultado de verificar una plantilla; ``valida`` si no hay ningún problema.

    Ejemplo: [4. Qué revisa plantilla verificar](../plantillas_propias.md#4-qué-revisa-plantilla-verificar).
    """

    ruta: Path
    tipo: str
    desconocidas: tuple[str, ...] = ()
    """Mensajes: variables que la plantilla nombra y el esquema no tiene."""
    faltantes: tuple[str, ...] = ()
    """Mensajes: campos obligatorios que la plantilla nunca muestra."""
    prohibidas: tuple[str, ...] = ()
    """Mensajes: accesos al interior de Python y construcciones no permitidas."""
    errores: tuple[str, ...] = ()
    """Mensajes: el archivo no es un .docx, tiene errores de sintaxis, falla con datos válidos, etc."""
    usadas: tuple[str, ...] = ()
    """Rutas de datos que la plantilla lee (``practica.anexos[].nombre``), en orden."""
    legible: bool = True
    """Falso si el archivo no existe, no se puede abrir como .docx o declara un DTD."""

    @property
    def valida(self) -> bool:
        return not (self.desconocidas or self.faltantes or self.prohibidas or self.errores)

    def mensajes(self) -> list[str]:
        return [*self.errores, *self.prohibidas, *self.desconocidas, *self.faltantes]

    def __str__(self) -> str:
        if self.valida:
            return f"La plantilla {self.ruta.name} es válida para el tipo «{self.tipo}»."
        lineas = [f"La plantilla {self.ruta.name} no se puede usar para el tipo «{self.tipo}» "
                  f"({len(self.mensajes())} problema(s)):"]
        lineas += [f"  - {m}" for m in self.mensajes()]
        return "\n".join(lineas)

    def exigir(self) -> InformePlantilla:
        """Lanza :class:`ErrorPlantilla` con todos los motivos si la plantilla no es válida."""
        if not self.valida:
            raise ErrorPlantilla(str(self))
        return self


def _examinar(ruta: Path, fuentes: list[tuple[str, str]], tipo: TipoPlantilla,
              raices: list[str]) -> tuple[list[Parte], dict[str, str], dict[str, str], list[str]]:
    """Sin ejecutar nada: sintaxis, límites de anidamiento, construcciones prohibidas y nombres sueltos."""
    entorno = crear_entorno()
    conocidos = set(raices) | set(entorno.globals) | {"imagen"}
    lista = ", ".join(f"«{r}»" for r in raices)
    partes: list[Parte] = []
    prohibido: dict[str, str] = {}
    desconocidas: dict[str, str] = {}
    errores: list[str] = []
    for nombre, fuente in fuentes:
        legible = nombre_parte(nombre)
        try:
            arbol = entorno.parse(fuente)
        except PlazoVencido:
            raise
        except ErrorLimite as exc:
            errores.append(f"La plantilla {describir(exc)} ({donde(legible, fuente, exc.lineno)})")
            continue
        except TemplateError as exc:
            linea = exc.lineno if isinstance(exc, TemplateSyntaxError) else None
            errores.append(f"Error de sintaxis en {donde(legible, fuente, linea)}: {traducir_sintaxis(exc)}")
            continue
        revisar_plazo()
        parte = Parte(nombre, legible, fuente, arbol)

        def ubicar(nodo: nodes.Node, p: Parte = parte) -> str:
            return donde(p.legible, p.fuente, nodo.lineno)

        hallados = prohibidas.buscar(arbol, ubicar)
        prohibido.update(hallados)
        try:  # el generador de código detecta los filtros inexistentes
            sueltos = meta.find_undeclared_variables(arbol)
            entorno.compile(arbol)
        except PlazoVencido:
            raise
        except (TemplateError, RecursionError) as exc:
            if not hallados:  # un filtro prohibido (|safe) ya se informó con su motivo
                errores.append(f"Error en {legible}: {describir(exc).removeprefix('tiene un error de sintaxis: ')}")
            continue
        for suelto in sorted(sueltos - conocidos):
            desconocidas.setdefault(suelto, f"«{suelto}»: no es un dato de este documento (use {lista}) "
                                             f"({parte.lugar(suelto)})")
        partes.append(parte)
    return partes, prohibido, desconocidas, errores


def _marcas_docxtpl(miembros: list[tuple[str, bytes]]) -> dict[str, str]:
    """«{{r …}}» y «{{p …}}»: docxtpl espera ahí texto enriquecido o un subdocumento, que estos datos no traen."""
    hallados: dict[str, str] = {}
    for nombre, datos in miembros:
        if not PARTES_CON_MARCAS.match(nombre):
            continue
        visible = re.sub(r"<[^>]+>", "", datos.decode("utf-8", "replace"))
        for marca in sorted(set(re.findall(r"\{\{[rp] ", visible))):
            legible = nombre_parte(nombre)
            hallados[f"{marca}|{legible}"] = (
                f"«{marca}…}}}}» es para texto enriquecido o subdocumentos de docxtpl, que estos datos no traen: "
                f"el valor quedaría fuera del texto del documento; use «{{{{ … }}}}» ({legible})")
    return hallados


def _analizar(ruta: Path, tipo: TipoPlantilla) -> InformePlantilla:
    try:
        miembros = leer_plantilla(ruta)
        fuentes = fuentes_jinja(ruta, miembros)
    except ErrorPlantilla as exc:
        return InformePlantilla(ruta, tipo.nombre, errores=(str(exc),), legible=False)
    if not fuentes:
        return InformePlantilla(ruta, tipo.nombre, errores=(f"La plantilla {ruta.name} no tiene ningún campo "
                                                            "{{ … }}",))
    ejemplo = tipo.ejemplo()
    raices = list(tipo.contexto(ejemplo))
    # Un solo plazo para analizar, compilar y ensayar: el presupuesto de un renderizado no cubre lo primero.
    try:
        with plazo(TIEMPO_VERIFICACION, "la verificación de la plantilla (analizarla, compilarla y ensayarla)"):
            return _verificar(ruta, tipo, miembros, fuentes, ejemplo, raices)
    except ErrorLimite as exc:
        return InformePlantilla(ruta, tipo.nombre, errores=(f"La plantilla {describir(exc)}",))


def _verificar(ruta: Path, tipo: TipoPlantilla, miembros: list[tuple[str, bytes]], fuentes: list[tuple[str, str]],
               ejemplo: Any, raices: list[str]) -> InformePlantilla:
    partes, prohibido, desconocidas, errores = _examinar(ruta, fuentes, tipo, raices)
    prohibido = {**_marcas_docxtpl(miembros), **prohibido}
    if errores:
        return InformePlantilla(ruta, tipo.nombre, desconocidas=tuple(desconocidas.values()),
                                prohibidas=tuple(prohibido.values()), errores=tuple(errores))
    # Con construcciones prohibidas solo se rastrean los campos (en el sandbox, con sus límites).
    resultado = ensayar(ruta, partes, ejemplo, tipo.contexto, tipo.raiz, completo=not (desconocidas or prohibido))
    return InformePlantilla(
        ruta, tipo.nombre,
        desconocidas=(*desconocidas.values(), *resultado.desconocidas),
        faltantes=tuple(resultado.faltantes),
        prohibidas=tuple(prohibido.values()),
        errores=tuple(resultado.errores),
        usadas=tuple(resultado.usadas),
    )


_CACHE: dict[tuple[Path, int, int, str], InformePlantilla] = {}
_CANDADO = threading.Lock()


def verificar_plantilla(ruta: str | Path, tipo: TipoPlantilla) -> InformePlantilla:
    """Revisa una plantilla Word propia contra el tipo de documento ``tipo``.

    No escribe nada. Devuelve un :class:`InformePlantilla` con los motivos en español. El
    resultado se guarda por ruta y fecha de modificación: verificar de nuevo es gratis.
    """
    ruta = Path(ruta)
    try:
        estado = ruta.resolve().stat()
        clave = (ruta.resolve(), estado.st_mtime_ns, estado.st_size, tipo.nombre)
    except OSError:
        return _analizar(ruta, tipo)
    with _CANDADO:
        informe = _CACHE.get(clave)
    if informe is None:
        informe = _analizar(ruta, tipo)
        with _CANDADO:
            _CACHE[clave] = informe
    return informe


def exigir_plantilla_valida(ruta: str | Path, tipo: TipoPlantilla) -> InformePlantilla:
    """Como :func:`verificar_plantilla`, pero lanza :class:`ErrorPlantilla` con todos los motivos si no es válida."""
    return verificar_plantilla(ruta, tipo).exigir()


__all__ = ["InformePlantilla", "TipoPlantilla", "exigir_plantilla_valida", "verificar_plantilla"]
