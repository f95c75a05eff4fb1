"""Errores de la biblioteca, con mensajes en español que nombran el campo.

Los mensajes nunca repiten el valor recibido: puede ser un dato personal
(Ley 1581 de 2012).
"""

from __future__ import annotations

import errno
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .claves import normalizar_clave
from .limites_entrada import ERRORES_MOSTRADOS, LARGO_ECO, LARGO_MENSAJE, recortar

# pydantic solo al validar: así lo que lanza errores sin validar nada (la escritura de archivos, el
# arranque anticipado de LibreOffice con --pdf) no paga importarlo (~100 ms en frío).
if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

# Mensajes para los tipos de error propios de pydantic (los nuestros ya vienen en español).
_MENSAJES: dict[str, str] = {
    "missing": "es obligatorio y no viene",
    "extra_forbidden": "no es un campo conocido (revise la ortografía)",
    "string_type": "debe ser texto",
    "string_unicode": "tiene un carácter inválido (un sustituto UTF-16 suelto, \\ud800 a \\udfff) en una clave",
    "int_type": "debe ser un número entero",
    "int_parsing": "debe ser un número entero",
    "int_from_float": "debe ser un número entero",
    "float_type": "debe ser un número",
    "float_parsing": "debe ser un número",
    "finite_number": "debe ser un número finito (no se admiten inf, 1e999 ni nan)",
    "bool_type": "debe ser sí o no: escriba true o false (o el texto \"sí\" o \"no\")",
    "bool_parsing": "debe ser sí o no: escriba true o false (o el texto \"sí\" o \"no\")",
    "list_type": "debe ser una lista",
    "dict_type": "debe ser un objeto con campos",
    "model_type": "debe ser un objeto con campos",
    "model_attributes_type": "debe ser un objeto con campos",
    "date_type": "debe ser una fecha (24/10/2023 o 2023-10-24)",
    "date_parsing": "no es una fecha válida: use día/mes/año (24/10/2023) o año-mes-día",
    "date_from_datetime_parsing": "no es una fecha válida: use día/mes/año (24/10/2023)",
    "path_type": "debe ser la ruta de un archivo",
    "none_required": "debe quedar vacío",
    "string_pattern_mismatch": "no tiene el formato esperado",
}


# Errores del sistema operativo en español: su texto propio (``strerror``) llega en inglés.
_CAUSAS_SISTEMA: dict[int, str] = {
    errno.EACCES: "no hay permiso",
    errno.EPERM: "no hay permiso",
    errno.ENOSPC: "no queda espacio en el disco",
    getattr(errno, "EDQUOT", -1): "se agotó la cuota de disco",
    errno.EROFS: "el sistema de archivos es de solo lectura",
    errno.ENOENT: "no existe el archivo",
    errno.ENOTDIR: "una parte de la ruta es un archivo, no una carpeta",
    errno.EISDIR: "es una carpeta, no un archivo",
    errno.ENAMETOOLONG: "el nombre es demasiado largo",
    errno.EIO: "error de lectura o escritura del disco",
    errno.EFBIG: "el archivo excede el tamaño que admite el sistema de archivos",
    errno.EEXIST: "ya existe",
    errno.ELOOP: "demasiados enlaces simbólicos encadenados",
    errno.EMFILE: "demasiados archivos abiertos",
    errno.ENFILE: "demasiados archivos abiertos en el sistema",
    errno.ENOMEM: "no hay memoria suficiente",
    errno.EBUSY: "el archivo está en uso",
    errno.ETXTBSY: "el archivo está en uso",
    errno.EXDEV: "está en otro sistema de archivos",
    errno.ENOEXEC: "no es un programa ejecutable",
    errno.EAGAIN: "el recurso no está disponible por ahora; intente de nuevo",
    errno.EPIPE: "se cerró la salida",
    errno.ETIMEDOUT: "se agotó el tiempo de espera",
}


def causa_sistema(exc: OSError, *, escribir: bool = False) -> str:
    """Por qué falló una operación del sistema, en español (sin el texto en inglés de ``strerror``).

    ``escribir``: el archivo era un destino, así que «no existe» se refiere a su carpeta.
    """
    numero = exc.errno or 0
    if escribir and numero == errno.ENOENT:
        return "la ruta no existe (o su carpeta no se puede crear)"
    if numero in _CAUSAS_SISTEMA:
        return _CAUSAS_SISTEMA[numero]
    if isinstance(exc, TimeoutError):
        return _CAUSAS_SISTEMA[errno.ETIMEDOUT]
    nombre = errno.errorcode.get(numero) if numero else None
    return f"error del sistema {nombre or type(exc).__name__}"


def _posicion(texto: str, pos: int) -> tuple[int, int]:
    linea = texto.count("\n", 0, pos) + 1
    return linea, pos - (texto.rfind("\n", 0, pos) + 1) + 1


def causa_json(exc: json.JSONDecodeError) -> str:
    """Qué está mal en un JSON y dónde (línea y columna), con el arreglo: «sobra una coma…».

    Reconoce lo que un humano suele escribir al editar un JSON a mano: coma final, comentarios,
    comillas simples, claves sin comillas, ``True``/``None`` de Python, textos sin cerrar.
    """
    texto, pos = exc.doc, exc.pos
    siguiente = texto[pos:pos + 1]
    anterior = texto[:pos].rstrip()
    if siguiente in ("}", "]") and anterior.endswith(","):
        pos = len(anterior) - 1  # se señala la coma, no el cierre
        causa = f"sobra la coma antes de «{siguiente}» (el último elemento no lleva coma)"
    elif texto.startswith(("//", "/*"), pos) or siguiente == "#":
        causa = "el JSON no admite comentarios (// … , /* … */ o #): bórrelos"
    elif siguiente == "'":
        causa = "los textos y las claves van entre comillas dobles (\"…\"), no simples ('…')"
    elif siguiente in ("“", "”", "«"):
        causa = "comillas tipográficas (“…” o «…»): use comillas dobles rectas (\"…\")"
    elif not siguiente and not exc.msg.startswith("Unterminated"):
        causa = "el JSON termina antes de tiempo (falta cerrar un objeto {…} o una lista […])"
    elif exc.msg.startswith("Expecting property name"):
        causa = "cada clave va entre comillas dobles (\"clave\": valor)"
    elif exc.msg.startswith("Expecting value"):
        if texto.startswith(("True", "False", "None"), pos):
            causa = "true, false y null van en minúsculas (no True, False ni None)"
        elif siguiente.isalpha():
            causa = "un texto sin comillas: escríbalo entre comillas dobles (\"…\")"
        else:
            causa = "falta un valor (texto entre comillas, número, true, false, null, objeto o lista)"
    elif exc.msg.startswith("Expecting ',' delimiter"):
        causa = "falta una coma entre dos elementos (o sobran unas comillas dentro de un texto: escríbalas \\\")"
    elif exc.msg.startswith("Expecting ':' delimiter"):
        causa = "falta «:» entre la clave y su valor"
    elif exc.msg.startswith("Extra data"):
        causa = "sobra texto después del final del JSON (¿dos objetos seguidos, o una llave de más?)"
    elif exc.msg.startswith("Unterminated string"):
        causa = "un texto no cierra sus comillas"
    elif exc.msg.startswith("Invalid control character"):
        causa = "un salto de línea o tabulador dentro de un texto: escríbalo como \\n o \\t"
    elif exc.msg.startswith("Invalid \\escape") or exc.msg.startswith("Invalid \\uXXXX"):
        causa = "una barra invertida suelta dentro de un texto: escríbala doble (\\\\), p. ej. en rutas de Windows"
    else:
        causa = "no es JSON válido"
    linea, columna = _posicion(texto, pos)
    return f"JSON mal formado en la línea {linea}, columna {columna}: {causa}"


def _mensaje_rango(tipo: str, ctx: dict[str, Any]) -> str | None:
    limites = {
        "greater_than_equal": "debe ser mayor o igual que {ge}",
        "greater_than": "debe ser mayor que {gt}",
        "less_than_equal": "debe ser menor o igual que {le}",
        "less_than": "debe ser menor que {lt}",
        "string_too_short": "debe tener al menos {min_length} caracteres",
        "string_too_long": "admite como máximo {max_length} caracteres",
        "too_short": "debe tener al menos {min_length} elemento(s)",
        "too_long": "admite como máximo {max_length} elemento(s)",
    }
    if tipo in ("too_long", "too_short") and ctx.get("field_type") == "Value":
        tipo = f"string_{tipo}"  # texto con límite aplicado tras los validadores: se cuenta en caracteres
    if tipo in limites:
        try:
            return limites[tipo].format(**ctx)
        except KeyError:
            return None
    if tipo in ("literal_error", "enum"):
        esperado = str(ctx.get("expected", "")).replace(" or ", " o ")
        return f"debe ser uno de: {esperado}"
    return None


@dataclass(frozen=True)
class ErrorCampo:
    """Un error en un campo: ``ruta`` es la clave JSON (``actores[2].correo``).

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """

    ruta: str
    etiqueta: str
    mensaje: str

    def __post_init__(self) -> None:
        # Un error repite a veces una parte de la entrada (una clave, un nombre): nunca entera.
        object.__setattr__(self, "ruta", recortar(self.ruta, 2 * LARGO_ECO))
        object.__setattr__(self, "etiqueta", recortar(self.etiqueta, LARGO_ECO))
        object.__setattr__(self, "mensaje", recortar(self.mensaje, LARGO_MENSAJE // 4))

    def __str__(self) -> str:
        if self.etiqueta and self.etiqueta != self.ruta:
            return f"{self.ruta} ({self.etiqueta}): {self.mensaje}"
        return f"{self.ruta}: {self.mensaje}" if self.ruta else self.mensaje


class ErrorAcuerdoDocs(Exception):
    """Base de los errores que el usuario puede corregir (la CLI los muestra sin traza).

    ``codigo_salida`` es el código con que termina la CLI (como ``exit_code`` en click):
    1 datos inválidos, 2 entrada inutilizable o uso incorrecto, 3 fallo de conversión.

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """

    codigo_salida: int = 2

    def __str__(self) -> str:
        # El único lugar por el que pasa todo mensaje de error: lo que repite de la entrada queda acotado.
        return recortar(super().__str__(), LARGO_MENSAJE)


class ErrorValidacion(ErrorAcuerdoDocs, ValueError):
    """Datos inválidos: lleva la lista de errores, uno por campo.

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """

    codigo_salida = 1

    def __init__(self, errores: list[ErrorCampo], titulo: str = "Datos inválidos") -> None:
        self.errores = errores
        self.titulo = titulo
        detalle = "\n".join(f"  - {e}" for e in errores[:ERRORES_MOSTRADOS])
        if len(errores) > ERRORES_MOSTRADOS:
            detalle += f"\n  … y {len(errores) - ERRORES_MOSTRADOS} error(es) más"
        super().__init__(f"{recortar(titulo, LARGO_ECO * 2)} ({len(errores)} error(es)):\n{detalle}")

    def __str__(self) -> str:
        return Exception.__str__(self)  # ya acotado: cada error y su número


class ErrorTipoDocumento(ErrorValidacion):
    """Los datos son de otro tipo de documento (un acuerdo donde se espera una ficha): uso incorrecto."""

    codigo_salida = 2

    def __init__(self, mensaje: str) -> None:
        super().__init__([ErrorCampo("", "", mensaje)], "Tipo de documento equivocado")


class ErrorPlantilla(ErrorAcuerdoDocs):
    """La plantilla Word no es válida o nombra campos que el esquema no tiene.

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """


class ErrorEntrada(ErrorAcuerdoDocs):
    """El archivo de entrada no se puede usar (no existe, está dañado, cifrado, etc.).

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """


class ErrorSalida(ErrorAcuerdoDocs, OSError):
    """No se puede escribir la salida (ruta mala, sin permiso, disco lleno...): código de salida 2.

    También es un :class:`OSError`, como el error del sistema que reemplaza.

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """


class ErrorConversion(ErrorAcuerdoDocs):
    """La conversión a PDF falló (LibreOffice ausente, bloqueado o con error).

    Ejemplo: [Dónde viven las garantías transversales](../arquitectura.md#dónde-viven-las-garantías-transversales).
    """

    codigo_salida = 3


def _etiqueta_de_ruta(modelo: type[BaseModel] | None, loc: tuple[Any, ...]) -> str:
    """Recorre el esquema siguiendo la ruta para hallar la etiqueta del campo."""
    actual: Any = modelo
    etiqueta = ""
    for parte in loc:
        if isinstance(parte, int) or actual is None:
            continue
        campos = getattr(actual, "model_fields", None)
        if not campos or parte not in campos:
            return etiqueta
        info = campos[parte]
        etiqueta = (info.title or str(parte)).rstrip(":").strip()
        actual = _submodelo(info.annotation)
    return etiqueta


def _submodelo(anotacion: Any) -> type[BaseModel] | None:
    from pydantic import BaseModel

    if isinstance(anotacion, type) and issubclass(anotacion, BaseModel):
        return anotacion
    for arg in getattr(anotacion, "__args__", ()) or ():
        sub = _submodelo(arg)
        if sub is not None:
            return sub
    return None


def ruta_texto(loc: tuple[Any, ...]) -> str:
    texto = ""
    for parte in loc:
        if isinstance(parte, int):
            texto += f"[{parte + 1}]"
        else:
            texto += ("." if texto else "") + str(parte)
    return texto


def ruta_desde_texto(texto: str) -> tuple[str | int, ...]:
    """Lo inverso de :func:`ruta_texto`: ``riesgos[2].controles[1].tipo`` → ("riesgos", 1, "controles", 0, "tipo")."""
    partes: list[str | int] = []
    for trozo in texto.replace("]", "").split("."):
        nombre, _, indice = trozo.partition("[")
        if nombre:
            partes.append(nombre)
        if indice.isdigit():
            partes.append(int(indice) - 1)
    return tuple(partes)


def _modelo_en(modelo: type[BaseModel] | None, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """El modelo del objeto que está en ``loc`` (``("actores", 0)`` → Actor)."""
    actual = modelo
    for parte in loc:
        if isinstance(parte, int):
            continue
        campos = getattr(actual, "model_fields", None)
        if not campos or parte not in campos:
            return None
        actual = _submodelo(campos[parte].annotation)
    return actual


def pista_clave(clave: str, conocidas: list[str]) -> str | None:
    """La clave conocida que quiso escribir el usuario (``descripción`` → ``descripcion``), o ``None``."""
    normal = normalizar_clave(clave)
    if normal in conocidas:
        return normal
    import difflib  # solo al sugerir un nombre: no se carga al arrancar

    parecidas = difflib.get_close_matches(normal, conocidas, n=1, cutoff=0.75)
    return parecidas[0] if parecidas else None


def _mensaje_desconocida(modelo: type[BaseModel] | None, loc: tuple[Any, ...]) -> str:
    sub = _modelo_en(modelo, loc[:-1])
    pista = pista_clave(str(loc[-1]), list(sub.model_fields)) if sub is not None and loc else None
    if pista:
        return f"no es un campo conocido; ¿quiso decir «{pista}»?"
    return _MENSAJES["extra_forbidden"]


def _loc_visible(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """La ruta del error sin los pasos internos de pydantic (``function-after[…]``, ``tagged-union[…]``)."""
    return tuple(p for p in loc if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))


def _mensaje_de(err: Any, loc: tuple[Any, ...], modelo: type[BaseModel] | None) -> str:
    """El mensaje en español de un error de pydantic."""
    tipo = err["type"]
    ctx = err.get("ctx") or {}
    mensaje = _MENSAJES[tipo] if tipo in _MENSAJES else (_mensaje_rango(tipo, ctx) or err["msg"])
    if tipo == "value_error":  # ValueError lanzado por un validador nuestro: ya está en español
        mensaje = str(ctx.get("error", err["msg"]))
    if tipo == "extra_forbidden":
        return _mensaje_desconocida(modelo, loc)
    if not loc and tipo in ("model_type", "dict_type", "model_attributes_type"):
        return "los datos deben ser un objeto JSON {…} con las claves del documento (vea: acuerdo-docs esquema)"
    if err.get("input", ...) is None and tipo != "missing":
        # null en un campo opcional vale su valor por omisión; en uno obligatorio falta el dato.
        return "es obligatorio y viene vacío (null)"
    return mensaje


def _sin_falta_de_la_pista(
    errores: list[ErrorCampo], vistos: set[tuple[str, str]], loc: tuple[Any, ...], mensaje: str
) -> list[ErrorCampo]:
    """«descripción» con pista «descripcion»: el «falta descripcion» es el mismo error, no otro."""
    pista = mensaje.split("«")[1].split("»")[0]
    faltante = ruta_texto((*loc[:-1], pista))
    vistos.add((faltante, _MENSAJES["missing"]))
    return [e for e in errores if not (e.ruta == faltante and e.mensaje == _MENSAJES["missing"])]


def traducir(exc: ValidationError, modelo: type[BaseModel] | None = None) -> list[ErrorCampo]:
    """Convierte los errores de pydantic en errores en español, uno por campo."""
    errores: list[ErrorCampo] = []
    vistos: set[tuple[str, str]] = set()
    for err in exc.errors(include_url=False, include_input=True):
        loc = _loc_visible(err["loc"])
        desconocida = err["type"] == "extra_forbidden"
        mensaje = _mensaje_de(err, loc, modelo)
        ruta = ruta_texto(loc)
        if desconocida and "«" in mensaje:
            errores = _sin_falta_de_la_pista(errores, vistos, loc, mensaje)
        if (ruta, mensaje) in vistos:
            continue
        vistos.add((ruta, mensaje))
        # Una clave desconocida no tiene etiqueta propia (la del campo que la contiene confundiría).
        etiqueta = "" if desconocida else _etiqueta_de_ruta(modelo, loc)
        errores.append(ErrorCampo(ruta, etiqueta, mensaje))
    return errores




ModeloT = TypeVar("ModeloT", bound="BaseModel")


def validar(modelo: type[ModeloT], datos: Any, contexto: dict[str, Any] | None = None) -> ModeloT:
    """Valida ``datos`` contra ``modelo``; si fallan, lanza :class:`ErrorValidacion` en español.

    Para un documento entero que trae el usuario, ``esquemas.tipo_documento.validar_documento``
    dice además si los datos son de otro tipo de documento (un acuerdo donde va una ficha).
    """
    from pydantic import ValidationError

    if isinstance(datos, modelo):
        return datos
    try:
        return modelo.model_validate(datos, context=contexto)
    except ValidationError as exc:
        raise ErrorValidacion(traducir(exc, modelo), f"{modelo.__name__}: datos inválidos") from None
