"""Historial y guardados sin pérdidas: qué cambió entre dos revisiones y el bloqueo optimista.

Cada formulario lleva la revisión de la que partió (``_revision``). Al guardar se compara, campo por
campo de lo que el formulario envía, esa revisión (base), la actual (lo que otros guardaron) y lo
enviado: lo que solo cambió uno se conserva; si los dos cambiaron el mismo campo de forma distinta,
no se guarda nada y se muestra el choque (lo del otro y lo escrito, que sigue en el formulario).
Los nombres de los cambios salen de los modelos (``formulario``), nunca de aquí.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from . import formulario, nombres
from .bd import Almacen, Borrador, Revision, VersionCambiada
from .seguridad import AUTOR_LOCAL, autor_de

Ruta = tuple[str | int, ...]
SEPARADOR = " › "
INTENTOS = 20
"""Vueltas de leer-comparar-escribir ante guardados simultáneos antes de rendirse (503)."""


@dataclass(frozen=True)
class Cambio:
    """Un dato que cambió: su ruta, su nombre legible y su valor antes y después ("" = vacío)."""

    ruta: Ruta
    etiqueta: str
    antes: str
    despues: str
    largo: bool = False
    mio: str | None = None  # en un choque: lo que escribió quien guarda


@dataclass(eq=False)
class Choque(Exception):
    """Otro guardó los mismos campos desde la revisión de la que se partió: no se escribió nada."""

    borrador: Borrador  # como está ahora (lo de los otros)
    base: int
    otros: list[Cambio]  # base → actual en los campos del formulario, con lo escrito (``mio``)
    autores: list[str]
    propuesta: dict[str, Any]  # lo enviado, con lo que solo cambiaron los otros ya incorporado

    @property
    def quienes(self) -> str:
        """Quiénes guardaron desde la base, dicho para la pantalla (sin cuentas: «Otra ventana»)."""
        nombres_autores = ["otra ventana" if a == AUTOR_LOCAL else a for a in self.autores]
        return ", ".join(dict.fromkeys(nombres_autores)) or "otra persona"


@dataclass(frozen=True)
class Guardado:
    version: int
    errores: list[Any] = field(default_factory=list)
    otros: list[str] = field(default_factory=list)  # quiénes guardaron desde la base (se conservó lo suyo)


# ------------------------------------------------------------------ qué cambió


def _texto(campo: formulario.Campo | None, valor: Any) -> str:
    """Un valor como lo lee una persona ("" si está vacío); el mismo criterio para antes y después."""
    if valor is None or valor == "" or valor == [] or valor == {}:
        return ""
    if campo is not None and campo.tipo == "booleano":
        return "sí" if valor in (True, "si", "on", "true") else ""
    if campo is not None and campo.tipo == "opcion":
        return next((rotulo for v, rotulo in campo.opciones if v == str(valor)), str(valor))
    if campo is not None and campo.tipo == "archivo" and isinstance(valor, str):
        return PurePath(valor).name  # la imagen subida (nombre propio), sin la carpeta del servidor
    if isinstance(valor, dict | list):
        return json.dumps(valor, ensure_ascii=False, sort_keys=True)
    if campo is not None:
        return nombres.para_mostrar(campo, valor)
    return str(valor)


_Hoja = tuple[tuple[int, ...], formulario.Campo | None, str]


def _hojas(campos: Iterable[formulario.Campo], valor: Any, ruta: Ruta, orden: tuple[int, ...],
           salida: dict[Ruta, _Hoja]) -> None:
    """Cada dato simple de ``valor`` con su ruta, su lugar en el orden del modelo, su campo y su texto."""
    datos = valor if isinstance(valor, dict) else {}
    lista_campos = list(campos)
    conocidos = set()
    for posicion, campo in enumerate(lista_campos):
        conocidos.add(campo.nombre)
        v = datos.get(campo.nombre)
        r, o = (*ruta, campo.nombre), (*orden, posicion)
        if campo.tipo == "grupo":
            for i, fila in enumerate(v if isinstance(v, list) else []):
                _hojas(campo.campos, fila, (*r, i), (*o, i), salida)
        elif campo.tipo == "objeto":
            _hojas(campo.campos, v, r, o, salida)
        elif campo.tipo == "lista":
            elementos = v.splitlines() if isinstance(v, str) else (v if isinstance(v, list) else [])
            for i, elemento in enumerate(elementos):
                salida[(*r, i)] = ((*o, i), campo, _texto(campo, elemento))
        else:
            salida[r] = (o, campo, _texto(campo, v))
    for extra, nombre in enumerate(sorted(k for k in datos if k not in conocidos)):  # claves fuera del modelo
        salida[(*ruta, nombre)] = ((*orden, len(lista_campos) + extra), None, _texto(None, datos[nombre]))


def hojas(tipo: str, datos: dict[str, Any], campos: Iterable[str] | None = None) -> dict[Ruta, _Hoja]:
    todos = formulario.campos_de(formulario.MODELOS[tipo])
    elegidos = set(campos) if campos is not None else None
    salida: dict[Ruta, _Hoja] = {}
    if elegidos is None:
        _hojas(todos, datos, (), (), salida)
    else:
        _hojas([c for c in todos if c.nombre in elegidos], {k: v for k, v in datos.items() if k in elegidos},
               (), (), salida)
        salida = {r: h for r, h in salida.items() if r[0] in elegidos}
    return salida


def etiqueta(tipo: str, ruta: Ruta) -> str:
    """(«actores», 1, «compromisos», 0, «descripcion») → «Actores y compromisos › Actor 2 › Compromiso 1 › Descripción del compromiso»."""
    partes: list[str] = []
    if ruta and isinstance(ruta[0], str):
        sec = formulario.seccion_de_campo(tipo, ruta[0])
        if sec is not None:
            partes.append(sec.titulo)
    campos = formulario.campos_de(formulario.MODELOS[tipo])
    campo: formulario.Campo | None = None
    for parte in ruta:
        if isinstance(parte, int):
            partes.append(f"{campo.singular if campo else 'Fila'} {parte + 1}")
            continue
        campo = next((c for c in campos if c.nombre == parte), None)
        if campo is None:
            partes.append(parte)
            break
        campos = campo.campos
        if campo.tipo not in ("grupo", "lista"):
            partes.append(campo.titulo)
    limpias = [p for i, p in enumerate(partes) if not i or p.lower() != partes[i - 1].lower()]
    return SEPARADOR.join(limpias)


def cambios(tipo: str, antes: dict[str, Any], despues: dict[str, Any],
            campos: Iterable[str] | None = None) -> list[Cambio]:
    """Los datos que difieren entre ``antes`` y ``despues`` (solo ``campos``, si se dan), en el orden del modelo."""
    campos = list(campos) if campos is not None else None
    a, d = hojas(tipo, antes, campos), hojas(tipo, despues, campos)
    salida = []
    for ruta in sorted(a.keys() | d.keys(), key=lambda r: (d.get(r) or a[r])[0]):
        texto_a = a[ruta][2] if ruta in a else ""
        texto_d = d[ruta][2] if ruta in d else ""
        if texto_a != texto_d:
            campo = (d.get(ruta) or a[ruta])[1]
            salida.append(Cambio(ruta, etiqueta(tipo, ruta), texto_a, texto_d,
                                 largo=campo is not None and campo.tipo in ("texto_largo", "lista")))
    return salida


PARECIDO = 0.5
"""Por debajo de este parecido (difflib) dos textos largos se muestran enteros, sin marcar palabra a palabra."""


def partes(antes: str, despues: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Un texto largo frente a otro, palabra a palabra: (trozos de antes, trozos de después), cada trozo
    («igual» | «quitado» | «puesto», texto). Así se ve qué cambió en una descripción de 2.000 caracteres."""
    import difflib

    a, d = re.split(r"(\s+)", antes), re.split(r"(\s+)", despues)
    if difflib.SequenceMatcher(None, antes.split(), despues.split(), autojunk=False).ratio() < PARECIDO:
        return [("igual", antes)], [("igual", despues)]  # otro texto: marcar cada palabra no ayuda a leerlo
    comparador = difflib.SequenceMatcher(None, a, d, autojunk=False)
    izquierda: list[tuple[str, str]] = []
    derecha: list[tuple[str, str]] = []
    for operacion, i1, i2, j1, j2 in comparador.get_opcodes():
        if operacion == "equal":
            izquierda.append(("igual", "".join(a[i1:i2])))
            derecha.append(("igual", "".join(d[j1:j2])))
            continue
        if i2 > i1:
            izquierda.extend(_sin_bordes("quitado", "".join(a[i1:i2])))
        if j2 > j1:
            derecha.extend(_sin_bordes("puesto", "".join(d[j1:j2])))
    return izquierda, derecha


def _sin_bordes(clase: str, texto: str) -> list[tuple[str, str]]:
    """Los espacios de los bordes de un trozo cambiado quedan fuera del resaltado."""
    centro = texto.strip()
    if not centro:
        return [("igual", texto)]
    inicio = texto.index(centro)
    trozos = [("igual", texto[:inicio]), (clase, centro), ("igual", texto[inicio + len(centro):])]
    return [t for t in trozos if t[1]]


# ------------------------------------------------------------------ guardar sin pisar a nadie


def guardar(almacen: Almacen, id_borrador: int, tipo: str, datos: dict[str, Any], *, base: int | None,
            campos: Iterable[str] | None, autor: str, origen: str, detalle: str,
            resumir: Callable[[str, dict[str, Any]], tuple[str, list[Any]]]) -> Guardado:
    """Guarda ``campos`` de ``datos`` (todos si None) sobre lo último guardado, como una revisión nueva.

    ``base``: la revisión de la que partió quien guarda (None: no se comprueba, para cambios que se
    aplican sobre lo último, como una marca de la reunión). Si otro guardó desde ``base``: lo que solo
    cambió el otro se conserva, lo que solo cambió este se guarda, y si ambos cambiaron el mismo campo
    de forma distinta se lanza :class:`Choque` sin escribir nada. ``resumir(tipo, datos)`` da el título
    y los errores de validación. ``KeyError`` si el borrador no existe.
    """
    nombres_campos = list(campos) if campos is not None else None
    datos = almacen.anexos_propios(tipo, datos)  # las imágenes solo de anexos/: lo que se valida es lo que se guarda
    for _intento in range(INTENTOS):
        actual = almacen.obtener(id_borrador)
        if actual is None:
            raise KeyError(id_borrador)
        elegidos = nombres_campos if nombres_campos is not None else list(dict.fromkeys([*actual.datos, *datos]))
        nuevos = _mezclar(actual.datos, datos, elegidos)
        otros: list[str] = []
        if base is not None and base != actual.version:
            revision_base = almacen.revision(id_borrador, base)
            antes = revision_base.datos if revision_base is not None else {}
            nuevos, choques = _tres_vias(antes, actual.datos, nuevos, elegidos)
            otros = almacen.autores_desde(id_borrador, base)
            if choques:
                mios = hojas(tipo, nuevos, elegidos)  # lo que verá en el formulario: lo suyo y lo no disputado
                delos_otros = [
                    Cambio(c.ruta, c.etiqueta, c.antes, c.despues, c.largo, mios[c.ruta][2] if c.ruta in mios else "")
                    for c in cambios(tipo, antes, actual.datos, elegidos)]
                raise Choque(actual, base, delos_otros, otros, nuevos)
        titulo, errores = resumir(tipo, nuevos)
        try:
            version = almacen.guardar(id_borrador, nuevos, titulo, len(errores), version=actual.version,
                                      autor=autor, origen=origen, detalle=detalle)
        except VersionCambiada:
            continue  # alguien guardó entre la lectura y la escritura: se vuelve a comparar con lo suyo
        return Guardado(version, errores, otros)
    raise HTTPException(503, "Muchas personas guardan este borrador a la vez: espere un momento y vuelva a guardar.")


def base_enviada(enviado: Any) -> int | None:
    """La revisión de la que partió un formulario (su campo oculto ``_revision``); None si no la trae."""
    return _numero(str(enviado.get("_revision") or "").strip())


def _mezclar(datos: dict[str, Any], nuevos: dict[str, Any], campos: Iterable[str]) -> dict[str, Any]:
    """``datos`` con los ``campos`` de ``nuevos`` (un campo que no viene en ``nuevos`` se quita)."""
    salida = dict(datos)
    for nombre in campos:
        if nombre in nuevos:
            salida[nombre] = nuevos[nombre]
        else:
            salida.pop(nombre, None)
    return salida


_FALTA = object()
"""Un dato que no está (en la mezcla de tres vías, distinto de cualquier valor)."""


def _limpio(valor: Any) -> Any:
    """El valor sin vacíos ("" , None, False, [] y {} valen lo mismo que no estar): así se comparan."""
    if isinstance(valor, dict):
        limpio = {k: _limpio(v) for k, v in valor.items()}
        return {k: v for k, v in limpio.items() if v is not _FALTA} or _FALTA
    if isinstance(valor, list):
        return [_limpio(v) for v in valor] or _FALTA
    return _FALTA if valor is None or valor == "" or valor is False else valor


def _fusionar(base: Any, actual: Any, mio: Any) -> tuple[Any, bool]:
    """Mezcla de tres vías de un valor JSON: (la mezcla, si hubo un choque). En un choque gana ``mio``.

    Lo que cambió un solo lado gana; en diccionarios se mezcla clave a clave y en listas del mismo largo
    fila a fila (una fila quitada y otra añadida corren los índices: esas filas chocan, nunca se mezclan mal).
    """
    b, a, m = _limpio(base), _limpio(actual), _limpio(mio)
    if a == b or m == a:
        return mio, False
    if m == b:
        return actual, False
    if isinstance(base, dict) and isinstance(actual, dict) and isinstance(mio, dict):
        mezcla, choque = {}, False
        for clave in dict.fromkeys([*actual, *mio]):
            valor, choco = _fusionar(base.get(clave), actual.get(clave), mio.get(clave))
            choque = choque or choco
            if valor is not None or clave in mio:
                mezcla[clave] = valor
        return mezcla, choque
    if (isinstance(base, list) and isinstance(actual, list) and isinstance(mio, list)
            and len(base) == len(actual) == len(mio)):
        filas = [_fusionar(x, y, z) for x, y, z in zip(base, actual, mio, strict=True)]
        return [f[0] for f in filas], any(f[1] for f in filas)
    return mio, True


def _tres_vias(base: dict[str, Any], actual: dict[str, Any], mio: dict[str, Any],
               campos: Iterable[str]) -> tuple[dict[str, Any], list[str]]:
    """Campo a campo (y dentro de él, dato a dato): lo que solo cambió uno gana; devuelve la mezcla y los
    campos donde los dos cambiaron lo mismo de forma distinta (en ellos, la mezcla lleva lo de ``mio``)."""
    mezcla = dict(mio)
    choques = []
    for nombre in campos:
        valor, choque = _fusionar(base.get(nombre), actual.get(nombre), mio.get(nombre))
        if choque:
            choques.append(nombre)
        if valor is None:
            mezcla.pop(nombre, None)
        else:
            mezcla[nombre] = valor
    return mezcla, choques


# ------------------------------------------------------------------ páginas del historial

ORIGENES = {
    "creacion": "Creó el borrador",
    "formulario": "Guardó «{detalle}»",
    "autoguardado": "Guardado automático de «{detalle}»",
    "importacion": "Importó {detalle}",
    "copia": "Copia del borrador {detalle}",
    "restauracion": "Restauró la revisión {detalle}",
    "reunion": "Reunión de inicio: {detalle}",
    "seguimiento": "Registró el corte del {detalle}",
    "migracion": "Migración de la base: {detalle}",
    "enlace": "Respuesta por su enlace de validación: {detalle}",
}
"""Cómo dice el historial de dónde viene una revisión (``detalle``: la sección, la revisión, la fecha…)."""


def descripcion(revision: Revision) -> str:
    plantilla = ORIGENES.get(revision.origen, revision.origen)
    if not revision.detalle:
        plantilla = plantilla.replace(" «{detalle}»", "").replace(" {detalle}", "").replace(": {detalle}", "")
    return plantilla.replace("{detalle}", revision.detalle)


@dataclass(frozen=True)
class Fila:
    revision: Revision
    descripcion: str
    cambios: list[Cambio]


MOSTRADOS = 8
"""Cambios que se listan por revisión en el historial (el resto, en «Comparar»)."""
POR_PAGINA = 30
"""Revisiones por página del historial (el autoguardado deja muchas)."""


def _app_y_borrador(request: Request) -> tuple[Any, Borrador]:
    app = request.app.state.acuerdo
    return app, app.borrador(request)


async def historial(request: Request) -> Response:
    app, borrador = _app_y_borrador(request)
    hasta = _numero(request.query_params.get("hasta"))
    # Una de más: la anterior a la página, para decir qué cambió en la primera que se muestra.
    revisiones = app.almacen.revisiones(borrador.id, hasta=hasta, cuantas=POR_PAGINA + 1)
    anterior: dict[str, Any] = {}
    if len(revisiones) > POR_PAGINA:
        anterior = revisiones.pop(0).datos
    filas = []
    for revision in revisiones:
        filas.append(Fila(revision, descripcion(revision), cambios(borrador.tipo, anterior, revision.datos)))
        anterior = revision.datos
    filas.reverse()  # la más reciente primero
    numeros = list(reversed(app.almacen.numeros(borrador.id)))
    mas_viejas = filas[-1].revision.numero - 1 if filas and filas[-1].revision.numero > numeros[-1] else None
    pagina: Response = app.pagina(
        "historial.html", titulo="Historial", borrador=borrador, filas=filas, mostrados=MOSTRADOS,
        aviso=request.query_params.get("aviso", ""), numeros=numeros, mas_viejas=mas_viejas,
        primera_pagina=hasta is None or hasta >= borrador.version,
    )
    return pagina


def _numero(texto: str | None) -> int | None:
    return int(texto) if texto is not None and texto.isdigit() and len(texto) < 10 else None


async def comparar(request: Request) -> Response:
    app, borrador = _app_y_borrador(request)
    desde, hasta = _numero(request.query_params.get("desde")), _numero(request.query_params.get("hasta"))
    hasta = hasta if hasta is not None else borrador.version
    numeros = app.almacen.numeros(borrador.id)
    if desde is None:  # la anterior que haya (una poda del historial deja huecos en los números)
        desde = max((n for n in numeros if n < hasta), default=hasta)
    revision_a, revision_b = app.almacen.revision(borrador.id, desde), app.almacen.revision(borrador.id, hasta)
    if revision_a is None or revision_b is None:
        raise HTTPException(404, "Esa revisión no está en el historial de este borrador.")
    pagina: Response = app.pagina(
        "comparar.html", titulo=f"Revisión {desde} frente a revisión {hasta}", borrador=borrador,
        a=revision_a, b=revision_b, descripcion=descripcion, partes=partes,
        cambios=cambios(borrador.tipo, revision_a.datos, revision_b.datos),
        numeros=list(reversed(numeros)),
    )
    return pagina


async def restaurar(request: Request) -> Response:
    """La revisión N vuelve a ser el borrador, como una revisión nueva (el historial no se reescribe)."""
    app, borrador = _app_y_borrador(request)
    enviado = await app.formulario(request)
    numero = int(request.path_params["numero"])
    revision = app.almacen.revision(borrador.id, numero)
    if revision is None:
        raise HTTPException(404, "Esa revisión no está en el historial de este borrador.")
    base = base_enviada(enviado)
    try:
        if base != borrador.version:  # la página del historial era vieja: que vea lo nuevo antes de restaurar
            raise Choque(borrador, base or 0, [], app.almacen.autores_desde(borrador.id, base or 0), {})
        hecho = app.guardar(borrador.id, borrador.tipo, dict(revision.datos), base=base, campos=None,
                            autor=autor_de(request), origen="restauracion", detalle=str(numero))
    except Choque as choque:
        pagina: Response = app.pagina(
            "mensaje.html", 409, titulo="No se restauró: el borrador cambió",
            texto=f"Mientras usted miraba el historial, {choque.quienes} guardó cambios (ahora va en la "
                  f"revisión {app.almacen.version(borrador.id)}). Revise el historial de nuevo y, si todavía "
                  "quiere, restaure otra vez.",
            enlace=f"/borradores/{borrador.id}/historial", enlace_texto="Volver al historial")
        return pagina
    aviso = f"restaurada-{numero}" if hecho.version != borrador.version else f"igual-{numero}"
    return RedirectResponse(f"/borradores/{borrador.id}/historial?aviso={aviso}", status_code=303)


RUTAS = [
    Route("/borradores/{id:int}/historial", historial),
    Route("/borradores/{id:int}/historial/comparar", comparar),
    Route("/borradores/{id:int}/historial/{numero:int}/restaurar", restaurar, methods=["POST"]),
]
