"""El cuerpo de un .docx como una secuencia plana de bloques, en el orden del documento.

Un lector de formularios no necesita la forma de las tablas: una etiqueta en una
celda y su valor en la celda siguiente se leen igual que una etiqueta y el párrafo
de abajo. Por eso las tablas se aplanan fila por fila y celda por celda; solo las
cajas día/mes/año se conservan como un bloque propio (:class:`CuadroFecha`).

El texto de cada párrafo es el que ve un lector: ``w:t`` tal cual, tabulador como
``\\t``, salto de línea manual (y de página) como ``\\n``; no cuenta el texto borrado
con control de cambios, el código de los campos ni el de los cuadros de texto.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from docx.document import Document as DocumentoDocx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..claves import normalizar_clave
from ..errores import ErrorEntrada
from ..paquete.espacios import MC

_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_T = qn("w:t")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_CUSTOM_XML = qn("w:customXml")
_SALTOS = {qn("w:br"), qn("w:cr")}
_TABULADORES = {qn("w:tab"), qn("w:ptab")}
_IMAGENES = {qn("w:drawing"), qn("w:pict"), qn("w:object"),
             f"{{{MC}}}AlternateContent"}
# Lo que un lector no ve: texto borrado, código de campos, propiedades, datos ocultos.
_OMITIR = {
    qn("w:del"), qn("w:moveFrom"), qn("w:delText"), qn("w:instrText"), qn("w:delInstrText"),
    qn("w:pPr"), qn("w:rPr"), qn("w:fldData"), qn("w:sym"), qn("w:footnoteReference"),
    qn("w:endnoteReference"), qn("w:commentReference"),
}


@dataclass(frozen=True)
class Parrafo:
    """Un párrafo del cuerpo (o de una celda) con lo que el lector de formularios necesita."""

    texto: str
    estilo: str = ""
    lista: bool = False
    """Párrafo con viñeta o numeración de Word (propia o de su estilo)."""
    negrita: bool = False
    """Todo el texto en negrita (por el estilo o por las ejecuciones): pista de etiqueta."""
    imagen: bool = False
    clave: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "clave", normalizar_clave(self.texto))

    @property
    def vacio(self) -> bool:
        return not self.texto.strip()


@dataclass(frozen=True)
class CuadroFecha:
    """Las cajas día / mes / año del formato, con lo escrito debajo de cada rótulo."""

    dia: str
    mes: str
    anio: str


Bloque = Parrafo | CuadroFecha


@dataclass(frozen=True)
class Celda:
    texto: str
    imagen: bool = False

    @property
    def clave(self) -> str:
        return normalizar_clave(self.texto)


Tabla = list[list[Celda]]


# ----------------------------------------------------------------- texto


def _texto(elemento: Any, partes: list[str], marcas: dict[str, bool]) -> None:
    for hijo in elemento:
        etiqueta = hijo.tag
        if not isinstance(etiqueta, str) or etiqueta in _OMITIR:
            continue
        if etiqueta == _W_T:
            partes.append(hijo.text or "")
        elif etiqueta in _TABULADORES:
            partes.append("\t")
        elif etiqueta in _SALTOS:
            partes.append("\n")
        elif etiqueta == qn("w:noBreakHyphen"):
            partes.append("-")
        elif etiqueta in _IMAGENES:
            marcas["imagen"] = True  # los cuadros de texto dentro de dibujos no se leen
        else:
            _texto(hijo, partes, marcas)


def texto_parrafo(p: Any) -> tuple[str, bool]:
    """El texto visible de un ``w:p`` y si contiene una imagen."""
    partes: list[str] = []
    marcas = {"imagen": False}
    _texto(p, partes, marcas)
    return "".join(partes), marcas["imagen"]


# ----------------------------------------------------------------- estilos


class _Estilos:
    """Nombre, viñeta y negrita de cada estilo de párrafo (siguiendo «basado en»)."""

    def __init__(self, documento: DocumentoDocx) -> None:
        self._por_id: dict[str, Any] = {}
        self._predeterminado: str | None = None
        try:
            raiz = documento.styles.element
        except Exception:  # noqa: BLE001 - documento sin parte de estilos
            raiz = None
        if raiz is not None:
            for estilo in raiz.iterchildren(qn("w:style")):
                if estilo.get(qn("w:type")) != "paragraph":
                    continue
                ident = estilo.get(qn("w:styleId")) or ""
                self._por_id[ident] = estilo
                if estilo.get(qn("w:default")) in ("1", "true", "on"):
                    self._predeterminado = ident
        self._cache: dict[str, tuple[str, bool, bool]] = {}

    def datos(self, ident: str | None) -> tuple[str, bool, bool]:
        """(nombre, tiene viñeta/numeración, negrita) del estilo."""
        ident = ident or self._predeterminado or ""
        if ident not in self._cache:
            nombre, lista, negrita = ident, None, None
            actual, vistos = self._por_id.get(ident), set()
            primero = True
            while actual is not None and id(actual) not in vistos:
                vistos.add(id(actual))
                if primero:
                    elem_nombre = actual.find(qn("w:name"))
                    if elem_nombre is not None:
                        nombre = elem_nombre.get(qn("w:val")) or ident
                    primero = False
                if lista is None:
                    num = actual.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
                    if num is not None:
                        lista = num.get(qn("w:val")) not in (None, "0")
                if negrita is None:
                    b = actual.find(f"{qn('w:rPr')}/{qn('w:b')}")
                    if b is not None:
                        negrita = _activado(b)
                base = actual.find(qn("w:basedOn"))
                actual = self._por_id.get(base.get(qn("w:val"))) if base is not None else None
            self._cache[ident] = (nombre, bool(lista), bool(negrita))
        return self._cache[ident]


_W_VAL = qn("w:val")
_W_PPR = qn("w:pPr")
_W_PSTYLE = qn("w:pStyle")
_W_R = qn("w:r")
_RUTA_NUMID = f"{qn('w:numPr')}/{qn('w:numId')}"
_RUTA_NEGRITA = f"{qn('w:rPr')}/{qn('w:b')}"


def _activado(elemento: Any) -> bool:
    return elemento.get(_W_VAL) not in ("0", "false", "off")


def _parrafo(p: Any, estilos: _Estilos) -> Parrafo:
    texto, imagen = texto_parrafo(p)
    ppr = p.find(_W_PPR)
    ident = None
    lista_propia: bool | None = None
    if ppr is not None:
        pstyle = ppr.find(_W_PSTYLE)
        ident = pstyle.get(_W_VAL) if pstyle is not None else None
        num = ppr.find(_RUTA_NUMID)
        if num is not None:
            lista_propia = num.get(_W_VAL) not in (None, "0")
    nombre, lista_estilo, negrita_estilo = estilos.datos(ident)
    negrita = negrita_estilo
    if texto.strip():  # sin texto no hay ejecuciones que mirar
        marcas = []
        for r in p.iter(_W_R):
            if not (r.findtext(_W_T) or "").strip():
                continue
            b = r.find(_RUTA_NEGRITA)
            marcas.append(negrita_estilo if b is None else _activado(b))
        if marcas:
            negrita = all(marcas)
    lista = lista_estilo if lista_propia is None else lista_propia
    return Parrafo(texto=texto, estilo=nombre, lista=lista, negrita=negrita, imagen=imagen)


# ----------------------------------------------------------------- recorrido


def _hijos_contenido(elemento: Any) -> Iterator[Any]:
    """Hijos de un contenedor, entrando en controles de contenido y XML personalizado."""
    for hijo in elemento:
        if hijo.tag == _W_SDT:
            contenido = hijo.find(_W_SDT_CONTENT)
            if contenido is not None:
                yield from _hijos_contenido(contenido)
        elif hijo.tag == _W_CUSTOM_XML:
            yield from _hijos_contenido(hijo)
        else:
            yield hijo


def _filas(tbl: Any) -> list[list[Any]]:
    filas = []
    for tr in _hijos_contenido(tbl):
        if tr.tag != _W_TR:
            continue
        filas.append([tc for tc in _hijos_contenido(tr) if tc.tag == _W_TC])
    return filas


LIMITE_ANIDAMIENTO = 8
"""Niveles máximos de tablas dentro de tablas (un formulario real usa uno o dos)."""


class TablasDemasiadoProfundas(ErrorEntrada):
    """El documento anida tablas a más de :data:`LIMITE_ANIDAMIENTO` niveles."""

    def __init__(self) -> None:
        super().__init__(
            f"tiene tablas dentro de tablas a más de {LIMITE_ANIDAMIENTO} niveles; un formulario no las usa"
            " así: simplifique las tablas anidadas"
        )


@dataclass
class _Lectura:
    """Lo leído de un contenedor en una sola pasada (cada elemento se visita una vez).

    ``todos`` son los bloques con todas las tablas aplanadas (de ahí sale el texto de
    una celda); ``visibles`` los mismos sin las tablas apartadas, que van a ``apartadas``.
    """

    todos: list[Bloque] = field(default_factory=list)
    visibles: list[Bloque] = field(default_factory=list)
    apartadas: list[Tabla] = field(default_factory=list)


def _celda_de(lectura: _Lectura) -> Celda:
    parrafos = [b for b in lectura.todos if isinstance(b, Parrafo)]
    texto = "\n".join(b.texto for b in parrafos if b.texto.strip())
    return Celda(texto, any(b.imagen for b in parrafos))


_ROTULOS_FECHA = ("dia", "mes", "ano")


def _triple_fecha(celdas: list[Celda]) -> int | None:
    claves = [c.clave for c in celdas]
    for j in range(len(claves) - 2):
        if tuple(claves[j:j + 3]) == _ROTULOS_FECHA:
            return j
    return None


def _leer(contenedor: Any, estilos: _Estilos, apartar: Callable[[Tabla], bool] | None, nivel: int) -> _Lectura:
    lectura = _Lectura()
    for hijo in _hijos_contenido(contenedor):
        if hijo.tag == _W_P:
            parrafo = _parrafo(hijo, estilos)
            lectura.todos.append(parrafo)
            lectura.visibles.append(parrafo)
        elif hijo.tag == _W_TBL:
            tabla = _leer_tabla(hijo, estilos, apartar, nivel + 1)
            lectura.todos.extend(tabla.todos)
            lectura.visibles.extend(tabla.visibles)
            lectura.apartadas.extend(tabla.apartadas)
    return lectura


def _cuadro_debajo(celdas: Tabla, i: int, j: int) -> CuadroFecha:
    """Los valores día/mes/año escritos en la fila de debajo de los rótulos (columnas ``j`` a ``j + 2``)."""
    debajo = celdas[i + 1] if i + 1 < len(celdas) else []
    return CuadroFecha(*[debajo[j + d].texto if j + d < len(debajo) else "" for d in range(3)])


def _agregar(resultado: _Lectura, lectura: _Lectura, apartada: bool) -> None:
    resultado.todos.extend(lectura.todos)
    if not apartada:
        resultado.visibles.extend(lectura.visibles)
        resultado.apartadas.extend(lectura.apartadas)


def _leer_fila(resultado: _Lectura, fila: list[_Lectura], cuadro: tuple[int, CuadroFecha] | None,
               saltar: set[int], apartada: bool) -> None:
    """Las celdas de una fila en orden; el cuadro de fecha (columna, valor) ocupa sus tres rótulos."""
    for k, lectura in enumerate(fila):
        if k in saltar:
            continue
        if cuadro is not None and cuadro[0] <= k <= cuadro[0] + 2:
            if k == cuadro[0]:
                resultado.todos.append(cuadro[1])
                resultado.visibles.append(cuadro[1])
            continue
        _agregar(resultado, lectura, apartada)


def _leer_tabla(tbl: Any, estilos: _Estilos, apartar: Callable[[Tabla], bool] | None, nivel: int) -> _Lectura:
    """Una tabla aplanada fila por fila; las cajas día/mes/año se vuelven un :class:`CuadroFecha`."""
    if nivel > LIMITE_ANIDAMIENTO:
        raise TablasDemasiadoProfundas()
    lecturas = [[_leer(tc, estilos, apartar, nivel) for tc in fila] for fila in _filas(tbl)]
    celdas = [[_celda_de(lectura) for lectura in fila] for fila in lecturas]
    resultado = _Lectura()
    apartada = apartar is not None and apartar(celdas)
    if apartada:
        resultado.apartadas.append(celdas)
    # Por fila, las celdas ya leídas como valores de un cuadro de fecha de la fila de arriba.
    consumidas: dict[int, set[int]] = {}
    for i, fila in enumerate(lecturas):
        j = None if i in consumidas else _triple_fecha(celdas[i])
        cuadro = None if j is None else (j, _cuadro_debajo(celdas, i, j))
        if j is not None:
            consumidas[i + 1] = {j, j + 1, j + 2}
        _leer_fila(resultado, fila, cuadro, consumidas.get(i, set()), apartada)
    if apartada:
        resultado.visibles = []
    return resultado


def tabla_celdas(tbl: Any, estilos: _Estilos) -> Tabla:
    return [[_celda_de(_leer(tc, estilos, None, 1)) for tc in fila] for fila in _filas(tbl)]


def bloques_cuerpo(
    documento: DocumentoDocx, apartar: Callable[[Tabla], bool] | None = None
) -> tuple[list[Bloque], list[Tabla]]:
    """Los bloques del cuerpo en orden; las tablas para las que ``apartar`` es cierto se devuelven aparte.

    Tiempo lineal en el tamaño del documento; más de :data:`LIMITE_ANIDAMIENTO` niveles de
    tablas anidadas es :class:`TablasDemasiadoProfundas`.
    """
    lectura = _leer(documento.element.body, _Estilos(documento), apartar, 0)
    return lectura.visibles, lectura.apartadas


def tablas_encabezado(documento: DocumentoDocx) -> list[Tabla]:
    """Las tablas de los encabezados de página (predeterminado, primera página, pares), en ese orden."""
    estilos = _Estilos(documento)
    relaciones = documento.part.rels
    tablas: list[Tabla] = []
    vistos: set[str] = set()
    for sect_pr in documento.element.body.iter(qn("w:sectPr")):
        referencias = sorted(
            sect_pr.iterchildren(qn("w:headerReference")),
            key=lambda r: {"default": 0, "first": 1, "even": 2}.get(r.get(qn("w:type")) or "default", 3),
        )
        for ref in referencias:
            rid = ref.get(qn("r:id"))
            relacion = relaciones.get(rid) if rid else None
            if relacion is None or rid in vistos or relacion.is_external or relacion.reltype != RT.HEADER:
                continue
            vistos.add(rid)
            raiz = getattr(relacion.target_part, "element", None)
            if raiz is None:
                continue
            for tbl in raiz.iter(_W_TBL):
                tablas.append(tabla_celdas(tbl, estilos))
    return tablas

