"""Lectura segura de libros .xlsx y archivos .csv en filas con sus coordenadas.

Un libro recibido de terceros no es confiable: antes de abrirlo se revisan el
tamaño, la firma (un .xls o un .xlsx cifrado son archivos OLE, no zip) y los
tamaños declarados de los miembros del zip (bomba de descompresión). openpyxl
lee con defusedxml instalado (sin entidades externas) y en modo de solo lectura
(en flujo, sin cargar la hoja entera). Los lectores nunca escriben documentos.
"""

from __future__ import annotations

import csv
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from ..claves import normalizar_clave
from ..errores import ErrorEntrada
from ..esquemas.columna import Columna, sin_marca_obligatoria
from ..limites_entrada import (
    LIMITE_BYTES_LIBRO,
    LIMITE_DESCOMPRIMIDO_LIBRO,
    LIMITE_FILAS_LOTE,
    LIMITE_PARTES_LIBRO,
    LIMITE_PROPORCION_ZIP,
    MB,
)
from ..paquete.seguridad import LimitesZip, Motivo, ZipRechazado, abrir_zip, buscar_dtd, revisar_partes
from ..salida.protegidos import avisar_si_abierto
from .celdas import convertir, lineas

LIMITE_BYTES = LIMITE_BYTES_LIBRO
"""Tamaño máximo del archivo de entrada (de ``limites_entrada``)."""
LIMITE_FILAS = LIMITE_FILAS_LOTE
"""Filas de datos máximas (sumando todas las hojas leídas)."""
LIMITE_DESCOMPRIMIDO = LIMITE_DESCOMPRIMIDO_LIBRO
"""Suma máxima de los tamaños descomprimidos que declaran los miembros del zip."""
LIMITE_PROPORCION = LIMITE_PROPORCION_ZIP
"""Proporción máxima descomprimido/comprimido de un miembro grande (más es una bomba zip)."""
LIMITE_MIEMBROS = LIMITE_PARTES_LIBRO
MEMORIA_FILAS = 64 * MB
"""Texto (aprox.) de las filas que un libro guarda al contarlas para no leer sus hojas dos veces."""

_FIRMA_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CIFRADO = "EncryptionInfo".encode("utf-16-le")
EXTENSIONES_LIBRO = (".xlsx", ".xlsm", ".ods")
EXTENSIONES_CSV = (".csv", ".txt")


@dataclass(frozen=True)
class ErrorCelda:
    """Un error ubicado como lo ve el usuario: hoja, fila de Excel y columna (letra y encabezado)."""

    hoja: str
    fila: int | None
    columna: str
    """Letra de la columna (``C``) o vacío si el error no es de una celda."""
    encabezado: str
    """Encabezado como está en la hoja, sin la estrella de obligatorio (o la etiqueta esperada si falta la columna)."""
    campo: str
    """Ruta del campo en el esquema (``retos[2]``) o vacío."""
    mensaje: str

    def __post_init__(self) -> None:
        # Los mensajes nombran el campo por su etiqueta, sin la estrella de obligatorio de la plantilla.
        object.__setattr__(self, "encabezado", sin_marca_obligatoria(self.encabezado))

    @property
    def celda(self) -> str:
        return f"{self.columna}{self.fila}" if self.columna and self.fila else ""

    def __str__(self) -> str:
        lugar = f"{self.hoja}!{self.celda}" if self.celda else (
            f"{self.hoja}, fila {self.fila}" if self.fila else self.hoja
        )
        nombre = f" «{self.encabezado}»" if self.encabezado else ""
        return f"{lugar}{nombre}: {self.mensaje}"


# ------------------------------------------------------------ verificación


def _tamano_mb(n: int) -> str:
    return f"{n / MB:.1f}".replace(".", ",")


def exigir_tamano(nombre: str, tamano: int, limite_bytes: int) -> None:
    """El límite de tamaño de la entrada, antes de leerla (local o en almacenamiento de objetos)."""
    if tamano > limite_bytes:
        raise ErrorEntrada(
            f"{nombre}: pesa {_tamano_mb(tamano)} MB y el máximo admitido es {_tamano_mb(limite_bytes)} MB;"
            " divídalo en varios libros o aumente el límite (--limite-mb)."
        )


def verificar_archivo(
    ruta: Path,
    *,
    limite_bytes: int = LIMITE_BYTES,
    limite_descomprimido: int = LIMITE_DESCOMPRIMIDO,
) -> str:
    """Revisa el archivo antes de abrirlo; devuelve ``"xlsx"``, ``"ods"`` o ``"csv"`` o lanza :class:`ErrorEntrada`.

    Si el libro parece abierto en Excel o LibreOffice (su archivo de bloqueo está al lado), avisa:
    se lee lo último guardado.
    """
    if not ruta.exists():
        raise ErrorEntrada(f"No existe el archivo de entrada: {ruta}")
    if not ruta.is_file():
        raise ErrorEntrada(f"La entrada no es un archivo: {ruta}")
    avisar_si_abierto(ruta)
    exigir_tamano(ruta.name, ruta.stat().st_size, limite_bytes)
    sufijo = ruta.suffix.lower()
    with ruta.open("rb") as f:
        cabeza = f.read(8)
    if cabeza == _FIRMA_OLE:
        if sufijo == ".xls":
            raise ErrorEntrada(
                f"{ruta.name}: el formato .xls (Excel 97-2003) no se admite; ábralo en Excel o LibreOffice"
                " y guárdelo como .xlsx."
            )
        if _CIFRADO in ruta.read_bytes():
            raise ErrorEntrada(
                f"{ruta.name}: el libro está protegido con contraseña (cifrado); guarde una copia sin contraseña."
            )
        raise ErrorEntrada(
            f"{ruta.name}: es un libro de Excel 97-2003 (.xls) o está cifrado; guárdelo como .xlsx sin contraseña."
        )
    if sufijo == ".xls":
        raise ErrorEntrada(f"{ruta.name}: el formato .xls no se admite; guárdelo como .xlsx.")
    if sufijo in EXTENSIONES_CSV:
        return "csv"
    if sufijo not in EXTENSIONES_LIBRO:
        raise ErrorEntrada(f"{ruta.name}: {_otro_formato(sufijo)}")
    ods = sufijo == ".ods"
    _verificar_zip(ruta, limite_descomprimido, requerida="content.xml" if ods else "workbook.xml")
    return "ods" if ods else "xlsx"


_OTROS_FORMATOS = {
    ".json": "es un JSON, y un lote lee un libro .xlsx o un .csv (un documento por fila). Un documento desde"
             " un JSON: «acuerdo-docs ficha ARCHIVO.json -o ficha.docx» o «acuerdo-docs acuerdo ARCHIVO.json"
             " -o salidas/»; el libro para un lote: «acuerdo-docs plantilla-lote fichas -o entrada.xlsx».",
    ".docx": "es un documento de Word, y un lote lee un libro .xlsx o un .csv. Para leer una ficha"
             " diligenciada: «acuerdo-docs extraer ARCHIVO.docx -o ficha.json»; para varias, «acuerdo-docs"
             " catalogo CARPETA/ -o catalogo.xlsx».",
}


def _otro_formato(sufijo: str) -> str:
    """Qué hacer con un archivo que no es un libro ni un CSV (un JSON, un .docx)."""
    return _OTROS_FORMATOS.get(sufijo, "formato no admitido; use un libro .xlsx u .ods, o un archivo .csv"
                               " (vea: acuerdo-docs plantilla-lote).")


def _verificar_zip(ruta: Path, limite_descomprimido: int, requerida: str = "workbook.xml") -> None:
    """Tamaños, partes y DTD del libro (:mod:`~acuerdo_docs.paquete.seguridad`), con el mensaje del libro.

    openpyxl ya no resuelve entidades (defusedxml en las hojas, lxml sin entidades en el resto);
    rechazar las DTD es una defensa más, con un mensaje claro (XXE, «billion laughs»).
    """
    limites = LimitesZip(descomprimido=limite_descomprimido, partes=LIMITE_MIEMBROS, proporcion=LIMITE_PROPORCION)
    try:
        with abrir_zip(ruta) as zf:
            miembros = zf.infolist()
            revisar_partes(miembros, limites)
            nombres = {m.filename for m in miembros}
            if not any(n == requerida or n.endswith("/" + requerida) for n in nombres):
                raise ZipRechazado(Motivo.DANADO)
            buscar_dtd(zf, miembros)
    except ZipRechazado as exc:
        raise ErrorEntrada(f"{ruta.name}: {_mensaje_zip(exc, limite_descomprimido)}") from None


def _mensaje_zip(exc: ZipRechazado, limite_descomprimido: int) -> str:
    if exc.motivo is Motivo.MIEMBROS:
        return f"el libro tiene demasiadas partes internas ({exc.partes}); se rechaza."
    if exc.motivo is Motivo.PROPORCION:
        return (f"una parte interna se expande más de {LIMITE_PROPORCION} veces al descomprimirse"
                " (posible bomba zip); se rechaza.")
    if exc.motivo is Motivo.DESCOMPRIMIDO:
        return (f"descomprimido ocuparía {_tamano_mb(exc.total)} MB, más del máximo de"
                f" {_tamano_mb(limite_descomprimido)} MB (posible bomba zip); se rechaza.")
    if exc.motivo is Motivo.DTD:
        return (f"la parte interna {exc.miembro} trae declaraciones <!DOCTYPE>, que un libro de Excel"
                " no usa (posible ataque XXE); se rechaza.")
    return "no es un libro .xlsx válido o está dañado; ábralo y guárdelo de nuevo como .xlsx."


# ------------------------------------------------------------ libros


def _tamano_declarado(ws: Any) -> None:
    """La dimensión que declara una hoja de solo lectura, solo si va antes de sus filas.

    Reemplaza ``ReadOnlyWorksheet._get_size``: cuando la hoja no declara dimensión (libros de
    openpyxl en modo de solo escritura), openpyxl la buscaba recorriendo la hoja entera al abrir
    el libro (en 1.000 fichas, ~100 ms de una sola vez antes de leer nada) para una estimación que
    la lectura no usa. Excel y LibreOffice la escriben al principio, donde se sigue leyendo.
    """
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    with ws._get_source() as fuente:
        for _, elemento in iterparse(fuente, events=("start",)):
            if elemento.tag == DIMENSION_TAG:
                dimension = SheetDimension.from_tree(elemento)
                if dimension is not None:
                    ws._min_column, ws._min_row, ws._max_column, ws._max_row = dimension.boundaries
                return
            if elemento.tag == DATA_TAG:
                return


def abrir_xlsx(ruta: Path, *, formulas: bool = False) -> Any:
    """Abre un .xlsx ya verificado en flujo (solo lectura), sin vínculos externos y con defusedxml.

    Es la única forma de abrir un libro de entrada: nunca se carga una hoja entera en memoria
    (100.000 filas se rechazan al pasar el límite, no después de leerlas). Con ``formulas`` las
    celdas con fórmula dan su texto (``=SUMA(…)``) en vez del valor guardado. La dimensión
    declarada de cada hoja queda en ``ws.filas_declaradas`` como estimación; la lectura la ignora.
    """
    import openpyxl
    import openpyxl.xml
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from .lector_hoja import instalar

    setattr(ReadOnlyWorksheet, "_get_size", _tamano_declarado)  # noqa: B010 (método privado, sin tipos)
    instalar()  # filas con lxml y texto sin objetos Text de openpyxl (lector_hoja.py)
    if not openpyxl.xml.DEFUSEDXML:  # dependencia declarada: sin ella no se abre nada de terceros
        raise ErrorEntrada("Falta el paquete defusedxml: instálelo para leer libros de Excel con seguridad.")
    try:
        # Any: cada hoja de solo lectura recibe aquí ``filas_declaradas``, que openpyxl no declara.
        libro: Any = openpyxl.load_workbook(ruta, read_only=True, data_only=not formulas, keep_links=False)
        for ws in libro.worksheets:
            # En solo lectura openpyxl corta la lectura donde dice la dimensión, y hay programas que la
            # escriben mal: se guarda como estimación y se lee la hoja entera.
            ws.filas_declaradas = getattr(ws, "max_row", None)
            if hasattr(ws, "reset_dimensions"):
                ws.reset_dimensions()
    except ErrorEntrada:
        raise
    except Exception:  # openpyxl lanza KeyError, ValueError, TypeError… según la parte dañada
        raise ErrorEntrada(f"{ruta.name}: no es un libro .xlsx válido o está dañado; ábralo y guárdelo de nuevo.") \
            from None
    return libro


def abrir_libro_editado(ruta: Path, *, formulas: bool = True, que: str = "el libro") -> Any:
    """Verifica y abre un libro que el equipo editó, .xlsx (en flujo) u .ods (LibreOffice), con la misma interfaz.

    ``que`` nombra el libro en el mensaje si el archivo es otra cosa (un .csv).
    """
    formato = verificar_archivo(ruta)
    if formato == "ods":
        from .ods import leer_ods

        return leer_ods(ruta, formulas=formulas)
    if formato != "xlsx":
        raise ErrorEntrada(f"{ruta.name}: {que} debe ser el libro .xlsx (o .ods) que escribió acuerdo-docs")
    return abrir_xlsx(ruta, formulas=formulas)


def _oculta(ws: Any) -> bool:
    return getattr(ws, "sheet_state", "visible") in ("hidden", "veryHidden")


def hojas_visibles(libro: Any) -> list[Any]:
    """Las hojas de un libro abierto que un revisor ve (las ocultas y «muy ocultas» no se leen)."""
    return [ws for ws in libro.worksheets if not _oculta(ws)]


def elegir_hoja(archivo: str, hojas: Sequence[tuple[str, bool]], nombre: str, *,
                rechazar_oculta: bool = True) -> str | None:
    """La hoja visible que se llama ``nombre`` (sin mayúsculas ni tildes), de ``(nombre, oculta)``.

    Es el único lugar que busca una hoja por su nombre: una hoja oculta (o «muy oculta», que
    Excel no deja mostrar) nunca se lee en lugar de la que ven los revisores. Si la única que se
    llama así está oculta, se rechaza el libro con un mensaje que lo dice (o, sin
    ``rechazar_oculta``, se devuelve None: quien llama busca otra hoja visible y avisa).
    """
    buscado = normalizar_clave(nombre)
    iguales = [(h, oculta) for h, oculta in hojas if normalizar_clave(h) == buscado]
    visibles = [h for h, oculta in iguales if not oculta]
    if visibles:
        return visibles[0]
    if iguales and rechazar_oculta:
        raise ErrorEntrada(
            f"{archivo}: la hoja «{iguales[0][0]}» está oculta; lo que se lee debe ser lo que ven los revisores:"
            " muéstrela (clic derecho en las pestañas › Mostrar) o bórrela y use una hoja visible."
        )
    return None


class LibroEntrada:
    """Un .xlsx (openpyxl, solo lectura) o un .csv visto como un libro de una sola hoja."""

    def __init__(self, ruta: Path, formato: str, *, limite_filas: int | None = None) -> None:
        self.ruta = ruta
        self.formato = formato
        self.limite_filas = limite_filas
        """Filas de datos que se pueden leer en total (todas las hojas); más es un ErrorEntrada."""
        self.filas_leidas = 0
        self._libro: Any = None
        self._dimensiones: dict[str, int | None] = {}
        self._guardadas: dict[str, list[tuple[Any, ...]]] = {}
        self._memoria = MEMORIA_FILAS  # lo que aún se puede guardar
        if formato == "ods":
            from .ods import leer_ods

            libro = self._libro = leer_ods(ruta, formulas=False)
            self.hojas: list[str] = list(libro.sheetnames)
            self.ocultas: set[str] = {ws.title for ws in libro.worksheets if _oculta(ws)}
        elif formato == "xlsx":
            libro = self._libro = self._abrir_xlsx()
            self.hojas = list(libro.sheetnames)
            self.ocultas = {ws.title for ws in libro.worksheets if _oculta(ws)}
        else:
            self.hojas = [ruta.stem]
            self.ocultas = set()

    def _abrir_xlsx(self) -> Any:
        libro = abrir_xlsx(self.ruta)
        for ws in libro.worksheets:
            self._dimensiones[ws.title] = ws.filas_declaradas
        return libro

    def filas_declaradas(self, hoja: str) -> int | None:
        """Filas que la hoja dice tener (dimensión del .xlsx; sin verificar) o None si no lo dice."""
        return self._dimensiones.get(hoja)

    def cota_filas(self, hasta: int) -> int | None:
        """Una cota superior de las filas de datos de todo el libro, sin analizarlo; None si pasa de ``hasta``.

        .xlsx: los elementos ``<row>`` de cada hoja (con o sin prefijo; toda fila con datos es uno),
        contados en los bytes descomprimidos, sin analizar el XML (en 1.000 fichas, milisegundos frente a
        ~250 ms de leerlas). .csv: los saltos de línea más uno (un registro ocupa al menos una línea).
        .ods o una parte ilegible: None (la lectura dirá qué pasa). Si la cota cabe en el límite, el lote
        sabe sin contar que el libro cabe y escribe desde la primera fila.
        """
        cuenta = 0
        try:
            if self.formato == "csv":
                with self.ruta.open("rb") as f:
                    cuenta = 1 + sum(b.count(b"\n") + b.count(b"\r") for b in iter(lambda: f.read(1 << 20), b""))
            elif self.formato == "xlsx":
                for ws in self._libro.worksheets:
                    cuenta += _elementos_fila(ws, hasta - cuenta)
                    if cuenta > hasta:
                        return None
            else:
                return None
        except Exception:  # zip o deflate dañados: la lectura lo informará con su mensaje
            return None
        return cuenta if cuenta <= hasta else None

    def contar_leida(self) -> None:
        """Cuenta una fila de datos leída y aplica el límite (protege aunque la dimensión mienta)."""
        self.filas_leidas += 1
        if self.limite_filas is not None and self.filas_leidas > self.limite_filas:
            raise ErrorEntrada(
                f"{self.ruta.name}: tiene más de {self.limite_filas} filas de datos;"
                " divídalo en varios libros o aumente el límite (--limite-filas)."
            )

    def __enter__(self) -> LibroEntrada:
        return self

    def __exit__(self, *_: object) -> None:
        self.cerrar()

    def cerrar(self) -> None:
        self._guardadas.clear()
        if self._libro is not None:
            self._libro.close()
            self._libro = None

    def buscar_hoja(self, nombre: str) -> str | None:
        """El nombre real de la hoja visible ``nombre`` (sin distinguir mayúsculas ni tildes); ver :func:`elegir_hoja`."""
        return elegir_hoja(self.ruta.name, [(h, h in self.ocultas) for h in self.hojas], nombre)

    def filas(self, hoja: str, *, guardar: bool = False) -> Generator[tuple[int, tuple[Any, ...]], None, None]:
        """(número de fila de Excel, valores) de cada fila, desde la 1.

        Con ``guardar``, un recorrido completo queda en memoria (hasta :data:`MEMORIA_FILAS` por libro):
        el lote cuenta la hoja antes de escribir nada y luego la lee sin analizar el .xlsx otra vez."""
        if self.formato == "csv":
            yield from self._filas_csv()
            return
        guardadas = self._guardadas.get(hoja)
        if guardadas is not None:
            yield from enumerate(guardadas, start=1)
            return
        ws = self._libro[hoja]
        lista: list[tuple[Any, ...]] | None = [] if guardar else None
        usada = 0
        try:
            # En solo lectura openpyxl rellena las filas vacías intermedias: el contador es la fila de Excel.
            for numero, valores in enumerate(ws.iter_rows(values_only=True), start=1):
                if lista is not None and (usada := usada + _memoria_fila(valores)) > self._memoria:
                    lista = None  # no cabe: la próxima vez se lee de nuevo
                if lista is not None:
                    lista.append(valores)
                yield numero, valores
        except ErrorEntrada:
            raise
        except Exception:
            raise ErrorEntrada(f"{self.ruta.name}: la hoja «{hoja}» está dañada y no se puede leer.") from None
        if lista is not None:  # solo un recorrido completo (uno que se cortó no gasta memoria)
            self._guardadas[hoja] = lista
            self._memoria -= usada

    def _codificacion_csv(self) -> str:
        """UTF-8 (con o sin BOM) si todo el archivo lo es; si no, Windows-1252 (Excel en español)."""
        import codecs

        decodificador = codecs.getincrementaldecoder("utf-8")()
        with self.ruta.open("rb") as f:
            try:
                while bloque := f.read(1 << 20):
                    decodificador.decode(bloque)
                decodificador.decode(b"", final=True)
            except UnicodeDecodeError:
                return "cp1252"
        return "utf-8-sig"

    def _filas_csv(self) -> Iterator[tuple[int, tuple[Any, ...]]]:
        codificacion = self._codificacion_csv()
        with self.ruta.open("r", encoding=codificacion, errors="replace", newline="") as f:
            primera = f.readline()
            try:
                delimitador = csv.Sniffer().sniff(primera or ",", delimiters=";,\t").delimiter
            except csv.Error:
                delimitador = ","
            f.seek(0)
            # Del olfateo solo se toma el separador: con un encabezado sin comillas, el Sniffer
            # supone doublequote=False y parte las celdas con comillas dobladas («""») que escribe Excel.
            lector = csv.reader(f, csv.excel, delimiter=delimitador)
            try:
                for numero, valores in enumerate(lector, start=1):
                    yield numero, tuple(valores)
            except csv.Error:
                raise ErrorEntrada(
                    f"{self.ruta.name}: el CSV está mal formado (comillas sin cerrar o una celda demasiado grande)."
                ) from None


def _elementos_fila(ws: Any, hasta: int) -> int:
    """Etiquetas de apertura ``<row`` / ``<x:row`` en el XML de la hoja (cota: ``</x:row>`` y ``<rowBreaks``
    también cuentan); deja de contar al pasar de ``hasta``. En XML ``<`` nunca aparece suelto en un texto."""
    cuenta = 0
    cola = b""
    with ws._get_source() as fuente:
        while bloque := fuente.read(1 << 20):
            datos = cola + bloque
            cuenta += datos.count(b"<row") + datos.count(b":row")
            if cuenta > hasta:
                break
            cola = datos[-3:]  # una etiqueta partida entre dos bloques; 3 bytes no contienen una entera
    return cuenta


def _memoria_fila(valores: tuple[Any, ...]) -> int:
    """Bytes aproximados de una fila en memoria (el texto más lo fijo de cada celda)."""
    return 64 + sum(len(v) if isinstance(v, str) else 32 for v in valores)


def abrir_libro(
    ruta: str | Path,
    *,
    limite_bytes: int = LIMITE_BYTES,
    limite_descomprimido: int = LIMITE_DESCOMPRIMIDO,
    limite_filas: int | None = LIMITE_FILAS,
) -> LibroEntrada:
    """Verifica y abre el archivo de entrada (use con ``with``)."""
    ruta = Path(ruta)
    formato = verificar_archivo(ruta, limite_bytes=limite_bytes, limite_descomprimido=limite_descomprimido)
    return LibroEntrada(ruta, formato, limite_filas=limite_filas)


# ------------------------------------------------------------ hojas y filas


@dataclass(frozen=True)
class ColumnaLeida:
    """Una columna encontrada en la hoja: su letra, su encabezado tal cual y la columna del esquema."""

    indice: int
    letra: str
    encabezado: str
    columna: Columna


@dataclass
class FilaLeida:
    """Una fila de datos con los valores ya convertidos y la hoja de la que viene."""

    hoja: HojaLeida
    numero: int
    datos: dict[str, Any]
    errores: list[ErrorCelda] = field(default_factory=list)

    def valor(self, clave: str) -> Any:
        return self.datos.get(clave)


def _texto_encabezado(valor: Any) -> str:
    return "" if valor is None else str(valor).strip()


def _vacio(valor: Any) -> bool:
    return valor is None or (isinstance(valor, str) and not valor.strip())


class HojaLeida:
    """Una hoja con sus encabezados ya reconocidos; :meth:`filas` la recorre en flujo."""

    def __init__(
        self,
        libro: LibroEntrada,
        nombre: str,
        columnas: Sequence[Columna],
        *,
        claves_extra: Mapping[str, Columna] | None = None,
    ) -> None:
        self.libro = libro
        self.nombre = nombre
        self.esquema = list(columnas)
        aceptados: dict[str, Columna] = {}
        for aceptada in [*columnas, *(claves_extra or {}).values()]:
            for alias in aceptada.nombres_aceptados():
                aceptados[alias] = aceptada
        self.columnas: dict[str, ColumnaLeida] = {}
        self.sin_encabezado: set[int] = set()
        recorrido = self.libro.filas(nombre)
        encabezados = next(recorrido, (0, ()))[1]
        recorrido.close()
        self._columnas_encabezado = len(encabezados)
        desconocidas: list[str] = []
        for indice, valor in enumerate(encabezados):
            texto = _texto_encabezado(valor)
            letra = get_column_letter(indice + 1)
            if not texto:
                self.sin_encabezado.add(indice)
                continue
            col = aceptados.get(normalizar_clave(texto))
            if col is None:
                corto = texto if len(texto) <= 80 else texto[:79] + "…"
                desconocidas.append(f"{letra}1 «{corto}»")
                continue
            if col.clave in self.columnas:
                previa = self.columnas[col.clave]
                raise ErrorEntrada(
                    f"Hoja «{nombre}»: las columnas {previa.letra} y {letra} son el mismo campo «{col.etiqueta}»;"
                    " deje solo una."
                )
            self.columnas[col.clave] = ColumnaLeida(indice, letra, texto, col)
        if desconocidas:
            validas = "; ".join(c.etiqueta for c in columnas if c.en_plantilla)
            raise ErrorEntrada(
                f"Hoja «{nombre}»: encabezado(s) que no corresponden a ningún campo:"
                f" {', '.join(desconocidas[:_LETRAS_MOSTRADAS])}"
                f"{f' y {len(desconocidas) - _LETRAS_MOSTRADAS} más' if len(desconocidas) > _LETRAS_MOSTRADAS else ''}."
                f" Use la etiqueta del formulario o la clave del campo. Columnas válidas: {validas}."
            )
        faltan = [c for c in columnas if c.obligatoria and c.clave not in self.columnas]
        if faltan:
            lista = "; ".join(f"«{c.etiqueta}»" for c in faltan)
            raise ErrorEntrada(f"Hoja «{nombre}»: faltan columnas obligatorias: {lista}.")

    def columna(self, clave: str) -> ColumnaLeida | None:
        return self.columnas.get(clave)

    def columna_de_ruta(self, ruta: Sequence[Any]) -> ColumnaLeida | Columna | None:
        """La columna cuyo camino en el modelo es prefijo de ``ruta`` (la más larga); la esperada si falta."""
        textos = tuple(p for p in ruta if isinstance(p, str))
        mejor: Columna | None = None
        for col in self.esquema:
            if textos[: len(col.ruta)] == col.ruta and (mejor is None or len(col.ruta) > len(mejor.ruta)):
                mejor = col
        if mejor is None:
            return None
        return self.columnas.get(mejor.clave, mejor)

    def filas(self) -> Iterator[FilaLeida]:
        """Las filas con datos (las vacías se saltan), con valores convertidos según el tipo de columna."""
        primera = True
        for numero, valores in self.libro.filas(self.nombre):
            if primera:
                primera = False
                continue
            if all(_vacio(v) for v in valores):
                continue
            self.libro.contar_leida()
            fila = FilaLeida(self, numero, {})
            for clave, leida in self.columnas.items():
                if leida.indice >= len(valores):
                    continue
                valor = valores[leida.indice]
                if _vacio(valor):
                    continue
                fila.datos[clave] = convertir(valor, leida.columna)
            error = self._sin_encabezado(numero, valores)
            if error is not None:
                fila.errores.append(error)
            yield fila

    def _sin_encabezado(self, numero: int, valores: tuple[Any, ...]) -> ErrorCelda | None:
        """Un solo error por fila para las celdas con datos en columnas sin encabezado (pueden ser miles)."""
        sueltas = self.sin_encabezado | set(range(self._columnas_encabezado, len(valores)))
        letras = [
            get_column_letter(i + 1) for i in sorted(sueltas) if i < len(valores) and not _vacio(valores[i])
        ]
        if not letras:
            return None
        if len(letras) == 1:
            letra = letras[0]
            return ErrorCelda(
                self.nombre, numero, letra, "", "",
                f"la columna {letra} tiene datos pero no tiene encabezado; escriba el nombre del campo"
                f" en {letra}1 o borre la celda",
            )
        lista = ", ".join(letras[:_LETRAS_MOSTRADAS]) + (
            f" y {len(letras) - _LETRAS_MOSTRADAS} más" if len(letras) > _LETRAS_MOSTRADAS else ""
        )
        return ErrorCelda(
            self.nombre, numero, letras[0], "", "",
            f"las columnas {lista} tienen datos pero no tienen encabezado; escriba el nombre del campo"
            " en la fila 1 o borre esas celdas",
        )

    def estimar(self) -> int | None:
        """Filas de datos según la dimensión declarada (cota superior rápida; None si no hay)."""
        if self.libro.formato != "xlsx":
            return None
        declaradas = self.libro.filas_declaradas(self.nombre)
        return None if declaradas is None else max(declaradas - 1, 0)

    def contar(self, hasta: int | None = None, *, guardar: bool = True) -> int:
        """Filas con datos reales (recorre la hoja; se usa para el límite antes de escribir nada).

        Con ``hasta``, deja de contar al pasar de ese número (basta para saber que excede el límite).
        Con ``guardar``, las filas quedan en memoria para la lectura que sigue (ver :meth:`LibroEntrada.filas`).
        """
        cuenta = 0
        for numero, valores in self.libro.filas(self.nombre, guardar=guardar):
            if numero > 1 and not all(_vacio(v) for v in valores):
                cuenta += 1
                if hasta is not None and cuenta > hasta:
                    break
        return cuenta


# ------------------------------------------------------------ conversión de celdas

_LETRAS_MOSTRADAS = 10
"""Columnas sin encabezado que se nombran en el error de una fila."""

__all__ = [
    "EXTENSIONES_CSV", "EXTENSIONES_LIBRO", "LIMITE_BYTES", "LIMITE_DESCOMPRIMIDO", "LIMITE_FILAS",
    "ColumnaLeida", "ErrorCelda", "FilaLeida", "HojaLeida", "LibroEntrada", "abrir_libro", "abrir_libro_editado", "abrir_xlsx", "convertir",
    "elegir_hoja", "exigir_tamano", "hojas_visibles", "lineas", "verificar_archivo",
]
