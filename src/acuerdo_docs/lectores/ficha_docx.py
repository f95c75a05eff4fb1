"""Lectura de una ficha 4202000-FT-1311 diligenciada (.docx) de vuelta a :class:`BuenaPractica`.

Sirve para las fichas que produce esta biblioteca y para las diligenciadas a mano
sobre la plantilla oficial. Cada campo se encuentra por su etiqueta, tomada del
esquema (``title``); su valor es lo que hay entre esa etiqueta y la siguiente (o el
siguiente título de sección). Se ignoran el texto de guía (``description``), los
títulos de sección, los textos fijos del formato y los párrafos vacíos.

Reglas de lectura (el inverso exacto de lo que escribe el renderizador):

* texto largo (:data:`CAMPOS_TEXTO_LARGO`): un párrafo por bloque, unidos con una
  línea en blanco (``\\n\\n``); un salto de línea manual dentro del párrafo es ``\\n``;
* texto corto: el párrafo tal cual; si ocupa varios párrafos, unidos con ``\\n``;
* ``retos``: cada párrafo con viñeta de Word es un reto, tal cual; en texto escrito a
  mano, cada línea que empieza con ``-``, ``•``, ``*`` o un número (``1.``, ``2)``) es
  un reto y una línea sin marca continúa el reto anterior;
* fechas: las cajas día/mes/año, o una fecha escrita (24/10/2023, 24 de octubre de 2023);
* anexos: nombre y descripción (las imágenes no se recuperan como archivo).

Los campos se buscan en el orden del formato: si un texto del usuario coincide
exactamente con una etiqueta, se elige la lectura que encuentra más campos en orden.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docx.document import Document as DocumentoDocx
from docx.oxml.ns import qn

from ..claves import normalizar_clave
from ..errores import ErrorCampo, ErrorValidacion, validar
from ..esquemas.comun import RESERVADO, es_personal
from ..esquemas.ficha import CAMPOS_NO_IMPRESOS, CAMPOS_TEXTO_LARGO, SECCIONES, BuenaPractica
from ..salida.entorno_word import parrafos
from .bloques_docx import (
    Bloque,
    CuadroFecha,
    Parrafo,
    TablasDemasiadoProfundas,
    bloques_cuerpo,
    tablas_encabezado,
)
from .docx_seguro import ErrorLectura, Fuente, abrir_docx
from .valores_ficha import es_encabezado, leer_anexos, leer_encabezado, leer_fecha, leer_retos, textos_de

__all__ = [
    "FichaExtraida", "campos_a_json", "choca_con_formato", "extraer_campos", "forma_canonica",
    "leer_ficha", "practica_a_json",
]

MINIMO_ETIQUETAS = 3
"""Con menos etiquetas reconocidas, el documento no se considera una ficha FT-1311."""

_FECHAS = ("fecha_diligenciamiento", "fecha_inicio")
_LARGOS = frozenset(CAMPOS_TEXTO_LARGO)
_SIMILITUD_GUIA = 0.85
_PARRAFOS_GUIA = 3
"""Párrafos de cada campo que se comparan con su guía editada (la guía va bajo la etiqueta).

Comparar cada párrafo costaría tiempo cuadrático en su longitud por párrafo: con miles
de párrafos parecidos a la guía la lectura no terminaría.
"""


@dataclass(frozen=True)
class _Campo:
    nombre: str
    indice: int
    etiqueta: str
    clave: str
    clave_guia: str


def _campos() -> list[_Campo]:
    lista = []
    for indice, (nombre, info) in enumerate(
        (n, i) for n, i in BuenaPractica.model_fields.items() if n not in CAMPOS_NO_IMPRESOS
    ):
        etiqueta = (info.title or nombre).rstrip(":").strip()
        lista.append(_Campo(nombre, indice, etiqueta, normalizar_clave(etiqueta),
                            normalizar_clave(info.description or "")))
    return lista


_CAMPOS = _campos()
_POR_NOMBRE = {c.nombre: c for c in _CAMPOS}
_POR_CLAVE = {c.clave: c for c in _CAMPOS}
# Las etiquetas largas primero: ninguna debe ganarle a otra que la contiene.
_POR_LONGITUD = sorted(_CAMPOS, key=lambda c: -len(c.clave))
_GUIAS = {c.clave_guia: c for c in _CAMPOS if c.clave_guia}


def _sin_numero(clave: str) -> str:
    return re.sub(r"^\d+_", "", clave)


# "5. CONCLUSIONES" y "6. ANEXOS" son a la vez títulos de sección y etiqueta de su campo.
_SECCION_CAMPO = {
    normalizar_clave(s): _POR_CLAVE[_sin_numero(normalizar_clave(s))]
    for s in SECCIONES
    if _sin_numero(normalizar_clave(s)) in _POR_CLAVE
}
_SECCIONES = (
    {normalizar_clave(s) for s in SECCIONES} | {_sin_numero(normalizar_clave(s)) for s in SECCIONES}
) - set(_POR_CLAVE)


def _textos_fijos() -> frozenset[str]:
    from ..esquemas.ficha import DEFINICION, NOTA_DAFP, NOTA_LEY_1581, TITULO

    claves = {normalizar_clave(t) for t in (TITULO, DEFINICION, NOTA_DAFP, NOTA_LEY_1581)}
    # En copias del formato la definición lleva la llamada de la nota (¹) pegada al final.
    return frozenset(claves | {c + "_1" for c in claves} | {"1_" + c for c in claves})


_FIJOS = _textos_fijos()


# ------------------------------------------------------------------ resultado


@dataclass
class FichaExtraida:
    """Lo leído de una ficha, antes de validar.

    ``campos`` tiene el valor crudo de cada campo cuya etiqueta se encontró (texto,
    ``date`` o el texto de una fecha ilegible, listas para ``retos`` y ``anexos``);
    ``avisos`` explica lo que se ignoró o interpretó (sin repetir valores) y
    ``sin_etiqueta`` nombra los campos cuya etiqueta no aparece en el documento.
    """

    nombre: str
    campos: dict[str, Any] = field(default_factory=dict)
    avisos: list[str] = field(default_factory=list)
    sin_etiqueta: list[str] = field(default_factory=list)

    def errores(self) -> list[ErrorCampo]:
        """Los errores de validación (vacía si la ficha es válida)."""
        try:
            self.validar()
        except ErrorValidacion as exc:
            return list(exc.errores)
        return []

    def validar(self) -> BuenaPractica:
        """El :class:`BuenaPractica` validado; si falla, :class:`ErrorValidacion` nombra cada campo."""
        try:
            return validar(BuenaPractica, self.campos)
        except ErrorValidacion as exc:
            errores = []
            for error in exc.errores:
                if error.mensaje == "es obligatorio y no viene":
                    mensaje = (
                        "no se encontró en el documento (falta su etiqueta)"
                        if error.ruta in self.sin_etiqueta else "está vacío"
                    )
                    error = ErrorCampo(error.ruta, error.etiqueta, mensaje)
                errores.append(error)
            raise ErrorValidacion(errores, f"{self.nombre}: la ficha tiene campos vacíos o inválidos") from None


# ------------------------------------------------------------------ reconocimiento


def _corte(texto: str, clave: str) -> int:
    """Posición en ``texto`` justo después del prefijo cuya forma normalizada es ``clave``."""
    for i in range(1, len(texto) + 1):
        if not texto[i - 1].isalnum():
            continue
        normal = normalizar_clave(texto[:i])
        if normal == clave:
            while i < len(texto) and unicodedata.combining(texto[i]):
                i += 1
            return i
        if len(normal) > len(clave):
            break
    return -1


_SEPARADOR_ETIQUETA = re.compile(r"[ \t\xa0]*(?::|\t)[ \t\xa0]*")


@functools.lru_cache(maxsize=4096)  # los formularios repiten mucho texto; acota el costo de _corte
def _etiqueta_en_linea(texto: str) -> tuple[_Campo, str] | None:
    """«Tipo de vinculación: Contratista» → (tipo_vinculacion, "Contratista")."""
    clave = normalizar_clave(texto)
    for campo in _POR_LONGITUD:
        if clave.startswith(campo.clave + "_"):
            corte = _corte(texto, campo.clave)
            if corte < 0:
                continue
            separador = _SEPARADOR_ETIQUETA.match(texto, corte)
            if separador:
                return campo, texto[separador.end():]
    return None


def _resto_guia(texto: str, clave: str, campo: _Campo) -> str | None:
    """Si el párrafo empieza por la guía del campo, lo que sigue (``""`` si es solo la guía)."""
    guia = campo.clave_guia
    if not guia or not clave.startswith(guia):
        return None
    if clave == guia:
        return ""
    if clave[len(guia)] != "_":
        return None
    corte = _corte(texto, guia)
    if corte < 0:
        return None
    return re.sub(r"^[\s.,;:)\]»”’\"'\-–—]+", "", texto[corte:])


def _parece_guia(clave: str, campo: _Campo) -> bool:
    """Guía editada en parte: casi el mismo texto (se compara sin tildes ni puntuación)."""
    guia = campo.clave_guia
    if not guia or not clave or not 0.7 <= len(clave) / len(guia) <= 1.3:
        return False
    comparador = difflib.SequenceMatcher(None, clave, guia, autojunk=False)
    return (
        comparador.real_quick_ratio() >= _SIMILITUD_GUIA
        and comparador.quick_ratio() >= _SIMILITUD_GUIA
        and comparador.ratio() >= _SIMILITUD_GUIA
    )


def _es_fijo(clave: str) -> bool:
    return clave in _FIJOS


def choca_con_formato(texto: str) -> bool:
    """Cierto si un párrafo con este texto se leería como parte del formato y no como dato.

    Es el caso de un párrafo que es exactamente una etiqueta, una guía, un título de
    sección o un texto fijo del formato, o que empieza por una etiqueta seguida de
    dos puntos. Un valor así no se puede distinguir del formato al leer.
    """
    clave = normalizar_clave(texto)
    if not clave:
        return False
    if clave in _POR_CLAVE or clave in _SECCIONES or clave in _SECCION_CAMPO or _es_fijo(clave):
        return True
    if any(clave == g or clave.startswith(g + "_") for g in _GUIAS):
        return True
    if any(_parece_guia(clave, c) for c in _CAMPOS):
        return True
    return _etiqueta_en_linea(texto) is not None


@dataclass(frozen=True)
class _Candidato:
    posicion: int
    campo: _Campo
    peso: int
    resto: str | None = None
    """Valor escrito en la misma línea que la etiqueta (o tras la guía)."""


def _candidatos(bloques: list[Bloque]) -> list[_Candidato]:
    candidatos: list[_Candidato] = []
    for i, bloque in enumerate(bloques):
        if not isinstance(bloque, Parrafo) or bloque.vacio:
            continue
        clave = bloque.clave
        if clave in _POR_CLAVE:
            candidatos.append(_Candidato(i, _POR_CLAVE[clave], 100 + (5 if bloque.negrita else 0)))
        elif clave in _SECCION_CAMPO:
            candidatos.append(_Candidato(i, _SECCION_CAMPO[clave], 95))
        elif (en_linea := _etiqueta_en_linea(bloque.texto)) is not None:
            candidatos.append(_Candidato(i, en_linea[0], 90, en_linea[1]))
        else:
            for campo in _CAMPOS:
                resto = _resto_guia(bloque.texto, clave, campo)
                if resto is not None:
                    candidatos.append(_Candidato(i, campo, 50, resto))
                    break
    return candidatos


def _cadena(candidatos: list[_Candidato]) -> list[_Candidato]:
    """La sucesión de etiquetas en el orden del formato con más peso (más campos, etiquetas exactas).

    Programación dinámica por índice de campo: tiempo lineal en el número de candidatos
    (por el número fijo de campos), no cuadrático. Los candidatos vienen en orden de
    posición, uno por bloque; ante empates gana el predecesor más temprano, como antes.
    """
    if not candidatos:
        return []
    total_campos = len(_CAMPOS)
    # Por índice de campo: (mejor peso de una cadena que termina en ese campo, candidato más temprano que lo logra).
    mejor_campo: list[tuple[int, int]] = [(-1, -1)] * total_campos
    mejor = [0] * len(candidatos)
    previo = [-1] * len(candidatos)
    for k, actual in enumerate(candidatos):
        eleccion = (-1, -1)
        for valor, j in mejor_campo[: actual.campo.indice]:
            if j >= 0 and (valor > eleccion[0] or (valor == eleccion[0] and j < eleccion[1])):
                eleccion = (valor, j)
        mejor[k] = actual.peso + max(eleccion[0], 0)
        previo[k] = eleccion[1]
        if mejor[k] > mejor_campo[actual.campo.indice][0]:
            mejor_campo[actual.campo.indice] = (mejor[k], k)
    k = max(range(len(candidatos)), key=lambda i: (mejor[i], -i))
    cadena = []
    while k >= 0:
        cadena.append(candidatos[k])
        k = previo[k]
    return cadena[::-1]


# ------------------------------------------------------------------ valores


def _util(bloque: Bloque, campo: _Campo, guia_aproximada: bool = True) -> Bloque | None:
    """El bloque sin la guía ni el texto del formato; ``None`` si no aporta nada al valor.

    ``guia_aproximada``: comparar también con la guía editada en parte (costoso; solo se
    hace con los primeros párrafos del campo, que es donde el formato pone la guía).
    """
    if isinstance(bloque, CuadroFecha):
        return bloque
    if bloque.vacio:
        return bloque if bloque.imagen else None
    clave = bloque.clave
    if _es_fijo(clave) or clave == campo.clave:
        return None
    resto = _resto_guia(bloque.texto, clave, campo)
    if resto is not None:
        if not resto.strip():
            return None
        return Parrafo(resto, bloque.estilo, bloque.lista, False, bloque.imagen)
    if clave in _GUIAS or (guia_aproximada and _parece_guia(clave, campo)):
        return None
    return bloque


def _valor(campo: _Campo, candidato: _Candidato, contenido: list[Bloque], avisos: list[str]) -> Any:
    bloques: list[Bloque] = []
    if candidato.resto is not None and candidato.resto.strip():
        bloques.append(Parrafo(candidato.resto))
    revisados = 0
    for bloque in contenido:
        con_texto = isinstance(bloque, Parrafo) and not bloque.vacio
        util = _util(bloque, campo, guia_aproximada=con_texto and revisados < _PARRAFOS_GUIA)
        revisados += con_texto
        if util is not None:
            bloques.append(util)
    nombre = campo.nombre
    if nombre in _FECHAS:
        return leer_fecha(bloques)
    if nombre == "retos":
        return leer_retos(bloques)
    if nombre == "anexos":
        return leer_anexos(bloques, avisos, campo.etiqueta)
    if any(isinstance(b, CuadroFecha) for b in bloques):
        avisos.append(f"{campo.etiqueta}: hay una tabla de fecha dentro del campo; se ignora")
    textos = textos_de(bloques)
    if nombre in _LARGOS:
        return "\n\n".join(t.strip("\n") for t in textos if t.strip("\n").strip())
    valor = "\n".join(textos)
    if es_personal(BuenaPractica, nombre) and valor.strip() == RESERVADO:
        avisos.append(f"{campo.etiqueta}: dato reservado (versión pública de la ficha); se deja vacío")
        return ""
    return valor


def _texto_suelto(bloques: list[Bloque]) -> int:
    """Cuántos párrafos con texto propio (no del formato) hay en ``bloques``."""
    cuenta = 0
    for bloque in bloques:
        if not isinstance(bloque, Parrafo) or bloque.vacio:
            continue
        clave = bloque.clave
        if _es_fijo(clave) or clave in _SECCIONES or clave in _GUIAS or clave in _POR_CLAVE:
            continue
        cuenta += 1
    return cuenta


# ------------------------------------------------------------------ API


# El combinado de un lote marca el final de cada documento con «_AcuerdoDocsFinN»
# (documentos.secciones.marcador_fin; una prueba comprueba que son el mismo nombre).
PREFIJO_MARCADOR_COMBINADO = "_AcuerdoDocsFin"
_W_NOMBRE = qn("w:name")


def _documentos_combinados(documento: DocumentoDocx) -> int:
    """Cuántos documentos juntó el combinado de un lote (0 si no es un combinado)."""
    return sum(1 for marca in documento.element.body.iter(qn("w:bookmarkStart"))
               if str(marca.get(_W_NOMBRE, "")).startswith(PREFIJO_MARCADOR_COMBINADO))


def extraer_campos(fuente: Fuente, *, nombre: str | None = None) -> FichaExtraida:
    """Lee una ficha .docx sin validar: valores crudos por campo, avisos y etiquetas ausentes.

    Lanza :class:`~acuerdo_docs.errores.ErrorEntrada` si el archivo no es un .docx legible
    o no parece una ficha FT-1311 (menos de :data:`MINIMO_ETIQUETAS` etiquetas).
    """
    documento, nombre = abrir_docx(fuente, nombre)
    fichas = _documentos_combinados(documento)
    if fichas > 1:
        raise ErrorLectura(nombre, f"es el documento combinado de un lote ({fichas} fichas en un solo .docx); "
                                   "lea las fichas sueltas que el lote escribió junto a él")
    try:
        bloques, tablas_cuerpo = bloques_cuerpo(documento, apartar=es_encabezado)
        tablas_pagina = tablas_encabezado(documento)
    except TablasDemasiadoProfundas as exc:
        raise ErrorLectura(nombre, str(exc)) from None
    cadena = _cadena(_candidatos(bloques))
    if len(cadena) < MINIMO_ETIQUETAS:
        raise ErrorLectura(nombre, "no parece una ficha 4202000-FT-1311: no se encontraron sus etiquetas")
    extraida = FichaExtraida(nombre)
    encabezado = leer_encabezado(tablas_pagina) or leer_encabezado(tablas_cuerpo)
    if encabezado:
        extraida.campos["encabezado"] = encabezado
    sueltos = _texto_suelto(bloques[: cadena[0].posicion])
    for k, candidato in enumerate(cadena):
        fin = cadena[k + 1].posicion if k + 1 < len(cadena) else len(bloques)
        contenido: list[Bloque] = []
        for i in range(candidato.posicion + 1, fin):
            bloque = bloques[i]
            if isinstance(bloque, Parrafo) and bloque.clave in _SECCIONES:
                sueltos += _texto_suelto(bloques[i + 1:fin])  # lo que queda tras el título no es de nadie
                break
            contenido.append(bloque)
        valor = _valor(candidato.campo, candidato, contenido, extraida.avisos)
        if valor is not None:
            extraida.campos[candidato.campo.nombre] = valor
    encontrados = {c.campo.nombre for c in cadena}
    extraida.sin_etiqueta = [c.nombre for c in _CAMPOS if c.nombre not in encontrados]
    if sueltos:
        extraida.avisos.append(f"{sueltos} párrafo(s) fuera de los campos del formato; no se leyeron")
    for nombre_campo in extraida.sin_etiqueta:
        extraida.avisos.append(f"{_POR_NOMBRE[nombre_campo].etiqueta}: no se encontró su etiqueta")
    return extraida


def leer_ficha(fuente: Fuente, *, nombre: str | None = None) -> BuenaPractica:
    """Lee una ficha 4202000-FT-1311 (.docx) y devuelve el :class:`BuenaPractica` validado.

    ``fuente`` es una ruta, los bytes del archivo o un archivo binario abierto.
    Lanza :class:`~acuerdo_docs.errores.ErrorEntrada` si no es un .docx legible o no es
    una ficha, y :class:`~acuerdo_docs.errores.ErrorValidacion` si faltan campos
    obligatorios o alguno no es válido (el mensaje nombra cada campo, sin su valor).

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """
    return extraer_campos(fuente, nombre=nombre).validar()


def forma_canonica(practica: BuenaPractica) -> BuenaPractica:
    """Lo que una ficha .docx puede conservar de ``practica``: lo que se lee de vuelta.

    Los textos largos se escriben por párrafos (varias líneas en blanco seguidas
    valen una, y los párrafos de solo espacios desaparecen); un texto opcional de
    solo espacios queda vacío; las imágenes de los anexos no vuelven como archivo.
    """
    cambios: dict[str, Any] = {}
    for nombre in BuenaPractica.model_fields:
        valor = getattr(practica, nombre)
        if nombre in _LARGOS:
            cambios[nombre] = "\n\n".join(parrafos(valor))
        elif isinstance(valor, str) and not valor.strip():
            cambios[nombre] = ""
    cambios["anexos"] = [
        a.model_copy(update={"archivo": None, "descripcion": a.descripcion if a.descripcion.strip() else ""})
        for a in practica.anexos
    ]
    cambios["valoracion"] = None  # la valoración no se imprime en la ficha
    encabezado = practica.encabezado
    if not encabezado.entidad.strip():
        cambios["encabezado"] = encabezado.model_copy(update={"entidad": ""})
    return practica.model_copy(update=cambios)


def practica_a_json(practica: BuenaPractica) -> dict[str, Any]:
    """El JSON de la práctica, con fechas ISO 8601 como todo JSON del proyecto (lo acepta ``acuerdo-docs ficha``)."""
    datos = practica.model_dump(mode="json")
    if datos.get("valoracion") is None:
        datos.pop("valoracion", None)
    for anexo in datos.get("anexos", []):
        if anexo.get("archivo") is None:
            anexo.pop("archivo", None)
    return datos


def campos_a_json(campos: dict[str, Any]) -> dict[str, Any]:
    """Los campos crudos de :func:`extraer_campos` listos para ``json.dumps``."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in campos.items()}
