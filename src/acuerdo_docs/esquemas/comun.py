"""Tipos y convenciones compartidos por todos los esquemas.

Cada campo declara su etiqueta (``title``) y su texto de ayuda (``description``)
una sola vez, con :func:`campo`; de ahí salen la plantilla, las columnas de las
hojas de cálculo, la tabla del README y el JSON Schema.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from ..claves import normalizar_clave
from ..limites_entrada import LARGO_NOMBRE
from . import complementos_pydantic
from .antes_de_validar import AntesDeValidar

# Antes del primer modelo: pydantic busca sus complementos sin importar importlib.metadata si no hay.
complementos_pydantic.instalar()

# Caracteres de control que Word deja al pegar: \x0b (salto de línea manual) y
# \x0c (salto de página) se vuelven salto de línea; \r\n y \r se normalizan a \n;
# el resto de C0/C1, sustitutos sueltos y no-caracteres se eliminan (XML 1.0 los prohíbe).
_A_SALTO = {"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}
_PROHIBIDOS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)
# Lo que limpiar_texto cambia (saltos de _A_SALTO, \r y _PROHIBIDOS): el texto que no lo tiene, que es
# casi todo, se devuelve tal cual con una sola búsqueda en vez de siete reemplazos y una sustitución.
_A_LIMPIAR = re.compile("[\r" + "".join(map(re.escape, _A_SALTO)) + _PROHIBIDOS.pattern.removeprefix("["))

MESES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def limpiar_texto(valor: Any) -> Any:
    """Deja el texto tal como se escribió, salvo lo que XML no admite (documentado en el README)."""
    # Lo común, nada que cambiar: todo lo que se cambia no es imprimible (y una línea sin saltos suele serlo).
    if not isinstance(valor, str) or valor.isprintable() or _A_LIMPIAR.search(valor) is None:
        return valor
    texto = valor.replace("\r\n", "\n").replace("\r", "\n")
    for origen, destino in _A_SALTO.items():
        texto = texto.replace(origen, destino)
    return _PROHIBIDOS.sub("", texto)


def lista_de_lineas(texto: str) -> list[str]:
    """Un texto con varias líneas (celda de Excel, viñetas pegadas) como lista: un elemento por línea."""
    lineas = [linea.strip() for linea in texto.split("\n")]
    return [linea.lstrip("-•*·–").strip() for linea in lineas if linea.strip()]


def _no_vacio(valor: str) -> str:
    if not valor.strip():
        raise PydanticCustomError("texto_vacio", "no puede estar vacío")
    return valor


def a_texto(valor: Any) -> Any:
    # Las hojas de cálculo entregan números donde el usuario escribió texto (p. ej. "01").
    if isinstance(valor, bool) or valor is None:
        return valor
    if isinstance(valor, int):
        return str(valor)
    if isinstance(valor, float) and valor.is_integer():
        return str(int(valor))
    return valor


# Lo que el JSON Schema publicado declara como entrada: el modelo acepta también números
# donde va texto (celdas de hoja de cálculo), y el esquema debe aceptar todo lo que acepta el modelo.
_CON_TEXTO = re.compile(r"\S").pattern


def _entrada_texto(obligatorio: bool = False, maximo: int | None = None) -> Any:
    return Annotated[str, Field(pattern=_CON_TEXTO if obligatorio else None, max_length=maximo)] | int


Texto = Annotated[
    str, BeforeValidator(limpiar_texto), AntesDeValidar(a_texto, _entrada_texto())
]
"""Texto libre, opcionalmente vacío."""

TextoObligatorio = Annotated[
    str, BeforeValidator(limpiar_texto),
    AntesDeValidar(a_texto, _entrada_texto(obligatorio=True)), AfterValidator(_no_vacio),
]
"""Texto que no puede quedar en blanco."""


LISTA_DE_LINEAS: Any = (
    Annotated[list[TextoObligatorio], Field(min_length=1)] | Annotated[str, Field(pattern=_CON_TEXTO)]
)
"""Entrada de una lista de textos: la lista, o un texto con un elemento por línea (celda de Excel)."""


LIMITE_CELDA_EXCEL = 32767
"""Caracteres que caben en una celda de Excel: un texto más largo se rechaza, no se corta."""

TextoCelda = Annotated[
    str, BeforeValidator(limpiar_texto),
    AntesDeValidar(a_texto, _entrada_texto(maximo=LIMITE_CELDA_EXCEL)),
    Field(max_length=LIMITE_CELDA_EXCEL),
]
TextoCeldaObligatorio = Annotated[
    str, BeforeValidator(limpiar_texto),
    AntesDeValidar(a_texto, _entrada_texto(True, LIMITE_CELDA_EXCEL)),
    AfterValidator(_no_vacio), Field(max_length=LIMITE_CELDA_EXCEL),
]


TextoNombre = Annotated[
    str, BeforeValidator(limpiar_texto),
    AntesDeValidar(a_texto, _entrada_texto(True, LARGO_NOMBRE)),
    AfterValidator(_no_vacio), Field(max_length=LARGO_NOMBRE),
]
"""El nombre de un desafío, una práctica o una entidad: un título (``limites_entrada.LARGO_NOMBRE``), no un texto."""


def _vacio_a_none(valor: Any) -> Any:
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    return valor


_MESES_NUMERO = {**{m: i for i, m in enumerate(MESES, start=1)}, "setiembre": 9}
_DMA = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
_AMD = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_LARGA = re.compile(r"(\d{1,2})\s+de\s+([a-z]+)\s+(?:de|del)\s+(\d+)")
_AYUDA_FECHA = "use día/mes/año (24/10/2023), año-mes-día (2023-10-24) o «24 de octubre de 2023»"

def sin_mayusculas(palabra: str) -> str:
    """``de`` → ``[dD][eE]``: el JSON Schema (ECMA 262) no tiene la bandera de mayúsculas indiferentes."""
    # El espacio va tal cual: «\ » no es un escape válido en ECMA 262 con la bandera «u».
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c if c == " " else re.escape(c) for c in palabra)


# Días y meses que existen (el 29 de febrero, solo en años bisiestos): el esquema publicado rechaza
# «2023-02-30» igual que el modelo.
_D31, _D30, _D28 = "(0?[1-9]|[12][0-9]|3[01])", "(0?[1-9]|[12][0-9]|30)", "(0?[1-9]|1[0-9]|2[0-8])"
_M31, _M30, _FEB = "(0?[13578]|1[02])", "(0?[469]|11)", "0?2"
_BISIESTO = r"(\d\d(0[48]|[2468][048]|[13579][26])|([02468][048]|[13579][26])00)"
_HORA = r"([T ].*)?"


def _amd(sep: str) -> str:
    return (rf"(\d{{4}}{sep}({_M31}{sep}{_D31}|{_M30}{sep}{_D30}|{_FEB}{sep}{_D28})"
            rf"|{_BISIESTO}{sep}{_FEB}{sep}29)")


_S = "[/.-]"
_DMA_VALIDA = (rf"(({_D31}{_S}{_M31}|{_D30}{_S}{_M30}|{_D28}{_S}{_FEB}){_S}\d{{4}}"
               rf"|29{_S}{_FEB}{_S}{_BISIESTO})")


def _meses(nombres: list[str]) -> str:
    return "(" + "|".join(sin_mayusculas(m) for m in nombres) + ")"


_DE = sin_mayusculas("de")
_DEL = f"({_DE}|{sin_mayusculas('del')})"
_LARGA_VALIDA = (
    rf"(({_D31}\s+{_DE}\s+{_meses(['enero', 'marzo', 'mayo', 'julio', 'agosto', 'octubre', 'diciembre'])}"
    rf"|{_D30}\s+{_DE}\s+{_meses(['abril', 'junio', 'septiembre', 'setiembre', 'noviembre'])}"
    rf"|{_D28}\s+{_DE}\s+{_meses(['febrero'])})\s+{_DEL}\s+\d{{4}}"
    rf"|29\s+{_DE}\s+{_meses(['febrero'])}\s+{_DEL}\s+{_BISIESTO})"
)

PATRONES_FECHA: tuple[str, ...] = (
    rf"^\s*{_amd('-')}{_HORA}\s*$",
    rf"^\s*{_amd('/')}\s*$",
    rf"^\s*{_DMA_VALIDA}{_HORA}\s*$",
    rf"^\s*{_LARGA_VALIDA}\s*$",
)
"""Las formas de fecha que acepta :func:`leer_fecha`, como expresiones del JSON Schema publicado."""


def _sin_tildes(texto: str) -> str:
    return unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()


def _fecha_de_partes(dia: int, mes: int, anio: str, forma: str = "día/mes/año (24/10/2023)") -> date:
    if len(anio) != 4:
        # 05/03/24: ¿1924 o 2024? Se pide el año completo en vez de adivinar.
        raise PydanticCustomError(
            "fecha_anio_corto", "el año debe tener cuatro dígitos (05/03/2024): con dos es ambiguo (¿1924 o 2024?)"
        )
    if not 1 <= mes <= 12:
        orden = f"{forma}, no mes/día/año" if dia <= 12 and forma.startswith("día") else forma
        raise PydanticCustomError(
            "fecha_invalida", "no es una fecha válida: no hay mes {mes}; escriba la fecha como {orden}",
            {"mes": mes, "orden": orden},
        )
    try:
        return date(int(anio), mes, dia)
    except ValueError:
        import calendar  # solo para este mensaje: no se carga al arrancar

        dias = calendar.monthrange(int(anio), mes)[1]
        raise PydanticCustomError(
            "fecha_invalida",
            "no es una fecha válida: ese día no existe en el calendario ({mes} de {anio} tiene {dias} días)",
            {"mes": MESES[mes - 1], "anio": anio, "dias": dias},
        ) from None


def leer_fecha(valor: Any) -> Any:
    """Acepta fechas ISO (2023-10-24), colombianas (24/10/2023, 5/3/2024), «24 de octubre de 2023» y date."""
    if valor is None:
        return None
    if isinstance(valor, datetime):
        return valor.date()
    if isinstance(valor, date):
        return valor
    if not isinstance(valor, str):
        raise PydanticCustomError("fecha_invalida", "debe ser una fecha: " + _AYUDA_FECHA)
    texto = valor.strip()
    if ("T" in texto or " " in texto) and texto[:1].isdigit() and not _LARGA.fullmatch(_sin_tildes(texto.lower())):
        texto = texto.replace("T", " ").split(" ")[0]  # fecha y hora de Excel o ISO completo
    if m := _AMD.fullmatch(texto):
        return _fecha_de_partes(int(m[3]), int(m[2]), m[1], "año-mes-día (2023-10-24)")
    if m := _DMA.fullmatch(texto):
        return _fecha_de_partes(int(m[1]), int(m[2]), m[3])
    if (m := _LARGA.fullmatch(_sin_tildes(texto.lower()))) and m[2] in _MESES_NUMERO:
        return _fecha_de_partes(int(m[1]), _MESES_NUMERO[m[2]], m[3])
    raise PydanticCustomError("fecha_invalida", "no es una fecha válida: " + _AYUDA_FECHA)


_ENTRADA_FECHA: Any = date
for _patron in PATRONES_FECHA:
    _ENTRADA_FECHA = _ENTRADA_FECHA | Annotated[str, Field(pattern=_patron)]

Fecha = Annotated[date, AntesDeValidar(leer_fecha, _ENTRADA_FECHA)]
FechaOpcional = Annotated[
    date | None, BeforeValidator(leer_fecha),
    AntesDeValidar(_vacio_a_none, _ENTRADA_FECHA | Annotated[str, Field(pattern=r"^\s*$")]),
]


# Un correo ASCII de la forma de casi todos (nombre.apellido@entidad.gov.co) que email-validator
# acepta siempre: tests/test_correo_comun.py lo comprueba contra email-validator con miles de casos
# generados. Importar email-validator cuesta ~15-20 ms (compila expresiones de todo Unicode),
# casi lo mismo que validar, llenar y escribir una ficha; solo se importa para los demás correos.
_CORREO_COMUN = re.compile(
    r"[A-Za-z0-9]+(?:[._+-][A-Za-z0-9]+)*@(?:[A-Za-z0-9](?:-?[A-Za-z0-9])*\.)+[A-Za-z]{2,63}"
)
_DOMINIOS_RESERVADOS = ("arpa", "invalid", "local", "localhost", "onion", "test")
"""Los nombres de uso especial que email-validator rechaza (``SPECIAL_USE_DOMAIN_NAMES``; una prueba lo vigila)."""


def _correo_comun(correo: str) -> bool:
    """``True`` si ``correo`` es de la forma común que email-validator acepta siempre (sin importarlo)."""
    if len(correo) > 254 or not _CORREO_COMUN.fullmatch(correo):
        return False
    local, _, dominio = correo.rpartition("@")
    dominio = dominio.lower()
    return (len(local) <= 64 and len(dominio) <= 253 and all(len(parte) <= 63 for parte in dominio.split("."))
            and not any(dominio == d or dominio.endswith("." + d) for d in _DOMINIOS_RESERVADOS))


def _validar_correo(valor: str | None) -> str | None:
    if valor is None:
        return None
    if _correo_comun(valor.strip()):
        return valor.strip()
    # Al validar un correo de otra forma, no al importar: sus expresiones tardan ~20 ms en compilarse.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(valor.strip(), check_deliverability=False)
    except EmailNotValidError:
        # El valor no se repite en el mensaje: es un dato personal (Ley 1581 de 2012).
        raise PydanticCustomError(
            "correo_invalido", "no es un correo electrónico válido (ejemplo: nombre@entidad.gov.co)"
        ) from None
    return valor.strip()


PATRON_CORREO = r"^\s*[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\s*$"
"""La forma de un correo en el esquema publicado (el modelo aplica además las reglas de email-validator)."""
_VACIO = Annotated[str, Field(pattern=r"^\s*$")]

Correo = Annotated[
    str | None, BeforeValidator(limpiar_texto),
    AntesDeValidar(_vacio_a_none, Annotated[str, Field(pattern=PATRON_CORREO)] | _VACIO | None),
    AfterValidator(_validar_correo),
]

_NO_DIGITOS = re.compile(r"[\s().\-/]")


def _validar_telefono(valor: str | None) -> str | None:
    if valor is None:
        return None
    numero = re.split(r"(?i)\s*(?:ext\.?|extensión|extension|x)\s*\d+\s*$", valor.strip())[0]
    digitos = _NO_DIGITOS.sub("", numero)
    if digitos.startswith("+57"):
        digitos = digitos[3:]
    elif digitos.startswith("57") and len(digitos) == 12:
        digitos = digitos[2:]
    if not (digitos.isdigit() and len(digitos) == 10 and digitos[0] in "36"):
        raise PydanticCustomError(
            "telefono_invalido",
            "debe tener diez dígitos: fijo 60X y siete dígitos (601 3813000) o celular 3XX XXX XXXX;"
            " admite +57 y extensión",
        )
    return valor.strip()


_SEP = r"[\s().\-/]*"
PATRON_TELEFONO = (
    rf"^\s*{_SEP}(\+{_SEP}5{_SEP}7{_SEP}|5{_SEP}7{_SEP})?[36]({_SEP}\d){{9}}{_SEP}"
    rf"(\s*({sin_mayusculas('ext')}\.?|{sin_mayusculas('extensión')}|{sin_mayusculas('extension')}|[xX])\s*\d+)?\s*$"
)
"""Un teléfono colombiano como lo acepta el modelo: diez dígitos (fijo 60X, celular 3XX), +57, extensión."""
_TELEFONO_NUMERO: Any = (Annotated[int, Field(ge=3_000_000_000, le=3_999_999_999)]
                         | Annotated[int, Field(ge=6_000_000_000, le=6_999_999_999)]
                         | Annotated[int, Field(ge=573_000_000_000, le=573_999_999_999)]
                         | Annotated[int, Field(ge=576_000_000_000, le=576_999_999_999)])

Telefono = Annotated[
    str | None, BeforeValidator(limpiar_texto), BeforeValidator(a_texto),
    AntesDeValidar(_vacio_a_none, Annotated[str, Field(pattern=PATRON_TELEFONO)] | _VACIO | _TELEFONO_NUMERO | None),
    AfterValidator(_validar_telefono),
]


def campo(
    etiqueta: str,
    ayuda: str | None = None,
    *,
    seccion: str | None = None,
    personal: bool = False,
    **kwargs: Any,
) -> Any:
    """Declara un campo con su etiqueta de formulario y su texto de ayuda (una sola vez)."""
    extra: dict[str, Any] = dict(kwargs.pop("json_schema_extra", None) or {})
    if seccion:
        extra["seccion"] = seccion
    if personal:
        extra["personal"] = True
    if kwargs.get("default_factory") is list:
        kwargs["default_factory"] = _lista_vacia
    return Field(title=etiqueta, description=ayuda, json_schema_extra=extra or None, **kwargs)


def _lista_vacia() -> list[Any]:
    """``default_factory=list`` dicho en Python: de ``list`` (un builtin) pydantic lee la firma de su texto
    con tokenize, que compila su expresión regular (~1 ms en cada proceso)."""
    return []


_META = {"title", "description", "default", "examples", "seccion", "personal"}


_ENLACE_EJEMPLO = re.compile(r"\s*Ejemplo: \[[^\]]*\]\(\.\./[^)]*\)\.?\s*$")


def sin_enlace_de_ejemplo(esquema: dict[str, Any]) -> None:
    """JSON Schema: sin el enlace «Ejemplo: …» del docstring (es para la referencia de Python, no un dato)."""
    descripcion = esquema.get("description")
    if isinstance(descripcion, str):
        esquema["description"] = _ENLACE_EJEMPLO.sub("", descripcion)


def _ajustar_esquema(esquema: dict[str, Any], modelo: type[BaseModel]) -> None:
    sin_enlace_de_ejemplo(esquema)
    _nulo_admitido(esquema, modelo)


def _nulo_admitido(esquema: dict[str, Any], modelo: type[BaseModel]) -> None:
    """JSON Schema: cada campo opcional acepta también ``null`` (= vacío, lo que escriben pandas y formularios)."""
    propiedades = esquema.get("properties", {})
    for nombre, info in modelo.model_fields.items():
        prop = propiedades.get(nombre)
        if prop is None or info.is_required():
            continue
        ramas = prop.get("anyOf", [])
        if {"type": "null"} in ramas or prop.get("type") == "null":
            continue
        forma = {k: v for k, v in prop.items() if k not in _META}
        meta = {k: v for k, v in prop.items() if k in _META}
        prop.clear()
        prop.update(meta)
        prop["anyOf"] = [*(forma["anyOf"] if list(forma) == ["anyOf"] else [forma]), {"type": "null"}]


NUMEROS_FINITOS = ConfigDict(allow_inf_nan=False)
"""Toda configuración de modelo la incluye: ``inf``, ``1e999`` o ``nan`` en un número es un error del campo."""


class Modelo(BaseModel):
    """Base de todos los esquemas: rechaza claves desconocidas (un error de digitación no se pierde).

    ``null`` en un campo opcional es lo mismo que no escribirlo: vale su valor por omisión.
    """

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=False, validate_default=True, json_schema_extra=_ajustar_esquema,
        **NUMEROS_FINITOS,
    )

    @model_validator(mode="before")
    @classmethod
    def _nulos_opcionales(cls, datos: Any) -> Any:
        if not isinstance(datos, dict):
            return datos
        campos = cls.model_fields
        return {k: v for k, v in datos.items() if not (v is None and k in campos and not campos[k].is_required())}


def etiqueta(modelo: type[BaseModel], nombre: str) -> str:
    """La etiqueta de formulario de un campo, sin los dos puntos finales."""
    info = modelo.model_fields[nombre]
    return (info.title or nombre).rstrip(":").strip()


def es_personal(modelo: type[BaseModel], nombre: str) -> bool:
    extra = modelo.model_fields[nombre].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("personal"))


def campos_personales(modelo: type[BaseModel]) -> list[str]:
    return [n for n in modelo.model_fields if es_personal(modelo, n)]


RESERVADO = "[Dato reservado – Ley 1581 de 2012]"
"""Texto que sustituye los datos personales en las versiones públicas."""


def fecha_larga(valor: date | None) -> str:
    """24 de octubre de 2023 (los nombres de mes van en el código, no en el locale)."""
    if valor is None:
        return ""
    return f"{valor.day} de {MESES[valor.month - 1]} de {valor.year}"


def fecha_corta(valor: date | None) -> str:
    return "" if valor is None else valor.strftime("%d/%m/%Y")


def numero_co(valor: float, decimales: int = 0) -> str:
    """Números a la colombiana: 5.000 y 17,4."""
    texto = f"{valor:,.{decimales}f}"
    return texto.replace(",", "\0").replace(".", ",").replace("\0", ".")


_VARIANTES = {"a": "aáàâä", "e": "eéèêë", "i": "iíìîï", "o": "oóòôö", "u": "uúùûü", "n": "nñ"}


def patron_nombres(nombres: Iterable[str]) -> str:
    """Expresión del JSON Schema que acepta cada nombre como lo compara :func:`normalizar_clave`.

    Sin distinguir mayúsculas ni tildes, y con cualquier separador entre palabras ("Sociedad civil",
    "sociedad_civil", "SOCIEDAD-CIVIL"): así el esquema publicado admite lo mismo que el modelo.
    """
    alternativas = []
    for nombre in nombres:
        partes = []
        for palabra in normalizar_clave(nombre).split("_"):
            letras = ""
            for letra in palabra:
                variantes = _VARIANTES.get(letra, letra) if letra.isalpha() else letra
                letras += "[" + "".join(sorted(set(variantes + variantes.upper()))) + "]" if letra.isalpha() else letra
            partes.append(letras)
        alternativas.append(r"[^A-Za-z0-9]+".join(partes))
    return r"^[^A-Za-z0-9]*(" + "|".join(alternativas) + r")[^A-Za-z0-9]*$"


def entrada_opciones(opciones: Iterable[str], otras: Iterable[str] = ()) -> Any:
    """Tipo de entrada del JSON Schema de una lista de opciones: ``enum`` con las canónicas (para
    formularios y documentación) o cualquier grafía que el modelo acepta (:func:`patron_nombres`)."""
    canonicas = tuple(opciones)
    return Literal[canonicas] | Annotated[str, Field(pattern=patron_nombres([*canonicas, *otras]))]


PALABRAS_SI: tuple[str, ...] = ("sí", "verdadero", "true")
PALABRAS_NO: tuple[str, ...] = ("no", "falso", "false")
"""Las palabras de un campo sí/no en un JSON (sin distinguir mayúsculas ni tildes: «Sí», «si», «SI»)."""


def leer_si_no(valor: Any) -> Any:
    """true/false de JSON, o sí/no escrito como texto (lo que el mensaje de error sugiere, se acepta)."""
    if isinstance(valor, bool):
        return valor
    if isinstance(valor, str):
        clave = normalizar_clave(valor)
        if clave in {normalizar_clave(p) for p in PALABRAS_SI}:
            return True
        if clave in {normalizar_clave(p) for p in PALABRAS_NO}:
            return False
    raise PydanticCustomError("si_no", "debe ser sí o no: escriba true o false (o el texto \"sí\" o \"no\")")


SiNo = Annotated[
    bool,
    AntesDeValidar(leer_si_no, bool | Annotated[str, Field(pattern=patron_nombres([*PALABRAS_SI, *PALABRAS_NO]))]),
]
"""Un campo sí/no: el JSON Schema publicado acepta lo mismo que el modelo (true, false, "sí", "No"…)."""

RutaArchivo = Annotated[Path, BeforeValidator(limpiar_texto)]
