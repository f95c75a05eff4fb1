"""El ensayo de una plantilla propia: renderizarla, en el sandbox, con datos de prueba.

Tres pasadas, todas con el entorno del motor (misma lista blanca, mismos límites):

1. **Rastreo** (con la variante más llena): anota cada campo que la plantilla lee
   (``practica.anexos[].nombre``) y cada uno que no existe, con su ruta y una sugerencia.
2. **Marcas**: el ejemplo con una marca única en cada campo obligatorio; el que no
   aparece en el texto resultante se perdería.
3. **Robustez**: el documento completo, por el motor, con cada variante válida del esquema
   (:mod:`.datos_prueba`); si alguna falla, la plantilla se rechaza con el motivo.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, nodes
from jinja2.runtime import Undefined
from markupsafe import Markup

from ...errores import ErrorPlantilla
from ..entorno_word import crear_entorno
from ..limites import PlazoVencido
from ..motor_docx import renderizar
from ..plantilla_word import ruta_del_anexo
from ..sandbox import FILTRO_VUELTAS, FuncionDelMotor, nombre_tipo
from . import datos_prueba
from .datos_prueba import marcado, variantes

Contexto = Callable[..., Mapping[str, Any]]


@dataclass
class Parte:
    """Una parte del .docx con marcas: su nombre legible, su fuente y su árbol."""

    nombre: str
    legible: str
    fuente: str
    arbol: nodes.Template

    def lugar(self, nombre: str) -> str:
        """«cuerpo del documento, cerca de «…»» del primer uso de ``nombre`` en esta parte."""
        from ..mensajes_plantilla import donde

        for nodo in self.arbol.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
            leido = getattr(nodo, "attr", None) or getattr(nodo, "name", None) \
                or getattr(getattr(nodo, "arg", None), "value", None)
            if leido == nombre:
                return donde(self.legible, self.fuente, nodo.lineno)
        return self.legible


class _ImagenDePrueba(FuncionDelMotor):
    """``imagen()`` del ensayo: las mismas reglas que el motor, sin leer el archivo."""

    def __call__(self, archivo: Any, ancho_cm: Any = 15, alto_maximo_cm: Any = None) -> Markup:
        ruta_del_anexo(archivo, ancho_cm, alto_maximo_cm)
        return Markup("")


@dataclass
class Rastro:
    """Rutas de los datos (por identidad de cada dict o lista) y lo que la plantilla lee de ellos."""

    raiz: str
    rutas: dict[int, str] = field(default_factory=dict)
    usadas: dict[str, None] = field(default_factory=dict)
    desconocidas: dict[str, str] = field(default_factory=dict)
    parte: Parte | None = None

    def mapear(self, valor: Any, ruta: str) -> None:
        if isinstance(valor, (dict, list)) and id(valor) not in self.rutas:
            self.rutas[id(valor)] = ruta
            hijos = valor.items() if isinstance(valor, dict) else ((None, v) for v in valor)
            for clave, hijo in hijos:
                self.mapear(hijo, f"{ruta}.{clave}" if clave is not None else f"{ruta}[]")

    def leer(self, objeto: Any, nombre: str, valor: Any) -> None:
        base = self.rutas.get(id(objeto))
        ruta = f"{base}.{nombre}" if base else nombre
        if not isinstance(valor, Undefined):
            if base:
                self.usadas.setdefault(ruta, None)
            return
        if isinstance(objeto, Undefined):
            return  # ya se informó el primer nombre que faltaba
        lugar = self.parte.lugar(nombre) if self.parte else ""
        if isinstance(objeto, dict):
            origen = "el esquema no tiene el campo" if ruta.split(".")[0].split("[")[0] == self.raiz \
                else "los datos no tienen"
            parecido = difflib.get_close_matches(nombre, [str(k) for k in objeto], n=1, cutoff=0.6)
            sugerencia = f" (¿quiso decir «{parecido[0]}»?)" if parecido else ""
            self.desconocidas.setdefault(ruta, f"«{ruta}»: {origen} «{nombre}»{sugerencia} ({lugar})")
        else:
            self.desconocidas.setdefault(
                ruta, f"«{ruta}»: un valor de tipo {nombre_tipo(objeto)} no tiene «{nombre}» ({lugar})")

    def iterar(self, iterable: Any) -> None:
        base = self.rutas.get(id(iterable))
        if base:
            self.usadas.setdefault(f"{base}[]", None)


def _entorno_de_rastreo(rastro: Rastro) -> Any:
    """El entorno del motor, con Undefined permisivo y un registro de cada lectura."""
    entorno = crear_entorno(undefined=ChainableUndefined)
    leer_atributo, leer_elemento, vueltas = entorno.getattr, entorno.getitem, entorno.filters[FILTRO_VUELTAS]

    def getattr_(objeto: Any, nombre: str) -> Any:
        valor = leer_atributo(objeto, nombre)
        rastro.leer(objeto, nombre, valor)
        return valor

    def getitem(objeto: Any, argumento: Any) -> Any:
        valor = leer_elemento(objeto, argumento)
        if isinstance(argumento, str):
            rastro.leer(objeto, argumento, valor)
        return valor

    def contar_vueltas(iterable: Any) -> Any:
        rastro.iterar(iterable)
        return vueltas(iterable)

    # Atributos de la instancia que tapan los métodos de la clase: solo este entorno rastrea.
    vars(entorno).update(getattr=getattr_, getitem=getitem)
    entorno.filters[FILTRO_VUELTAS] = contar_vueltas
    return entorno


class _Textos:
    """Renderiza las partes a texto con un entorno de rastreo (cada parte se compila una vez)."""

    def __init__(self, partes: list[Parte], rastro: Rastro) -> None:
        self.rastro = rastro
        entorno = _entorno_de_rastreo(rastro)
        self.plantillas = [(parte, entorno.from_string(parte.fuente)) for parte in partes]

    def __call__(self, contexto: Mapping[str, Any]) -> str:
        """El texto que ve un lector (dentro de <w:t>) de todas las partes."""
        datos = dict(contexto)
        self.rastro.rutas.clear()
        for nombre, valor in datos.items():
            self.rastro.mapear(valor, nombre)
        datos["imagen"] = _ImagenDePrueba()
        salida = []
        for parte, plantilla in self.plantillas:
            self.rastro.parte = parte
            salida.append(plantilla.render(datos))
        textos = re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", "".join(salida))
        return "\n".join(html.unescape(t) for t in textos)


@dataclass
class Resultado:
    desconocidas: list[str] = field(default_factory=list)
    faltantes: list[str] = field(default_factory=list)
    errores: list[str] = field(default_factory=list)
    usadas: list[str] = field(default_factory=list)


def ensayar(ruta: Path, partes: list[Parte], ejemplo: Any, contexto: Contexto, raiz: str, *,
            completo: bool = True) -> Resultado:
    """Las tres pasadas; sin ``completo`` (o con campos desconocidos) solo el rastreo y las marcas."""
    resultado = Resultado()
    pruebas = variantes(ejemplo)
    rastro = Rastro(raiz)
    try:
        textos = _Textos(partes, rastro)
        for _, variante in pruebas[::-1]:  # la más llena primero: recorre más ramas
            textos(contexto(variante))
    except PlazoVencido:
        raise
    except Exception:  # noqa: BLE001 - la pasada de robustez dirá el motivo
        pass
    resultado.usadas = list(rastro.usadas)
    resultado.desconocidas = list(rastro.desconocidas.values())
    if not completo and not resultado.desconocidas:
        return resultado
    resultado.faltantes = _faltantes(partes, ejemplo, contexto, raiz)
    if resultado.desconocidas or not completo:
        return resultado
    for descripcion, variante in pruebas:
        for publico in (False, True):
            try:
                renderizar(ruta, contexto(variante, publico=publico))
            except ErrorPlantilla as exc:
                motivo = str(exc).removeprefix(f"La plantilla {ruta.name} ")
                version = " (versión pública)" if publico else ""
                resultado.errores.append(f"La plantilla falla con datos válidos de prueba ({descripcion}{version}): "
                                         f"{motivo}")
                return resultado
    return resultado


def _faltantes(partes: list[Parte], ejemplo: Any, contexto: Contexto, raiz: str) -> list[str]:
    con_marcas, marcas, juzgables = marcado(ejemplo, contexto)
    try:
        texto = _Textos(partes, Rastro(raiz))(contexto(con_marcas))
    except PlazoVencido:
        raise
    except Exception:  # noqa: BLE001 - el motivo lo dan las construcciones prohibidas o la robustez
        return []
    faltantes = []
    for campo in juzgables:
        lista = marcas.por_campo.get(campo.texto, [])
        if lista and not any(m in texto for m in lista):
            faltantes.append(f"El campo obligatorio «{raiz}.{campo.texto}» ({campo.etiqueta}) no aparece en la "
                             "plantilla: sus datos se perderían")
    return faltantes


__all__ = ["Parte", "Resultado", "datos_prueba", "ensayar"]
