"""Tipos y convenciones compartidos por todos los esquemas.

Cada campo declara su etiqueta (``title``) y su texto de ayuda (``description``)
una sola vez, con :func:`campo`; de ahí salen la plantilla, las columnas de las
hojas de cálculo, la tabla del README y el JSON Schema.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

# Caracteres de control que Word deja al pegar: \x0b (salto de línea manual) y
# \x0c (salto de página) se vuelven salto de línea; \r\n y \r se normalizan a \n;
# el resto de C0/C1, sustitutos sueltos y no-caracteres se eliminan (XML 1.0 los prohíbe).
_A_SALTO = {"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}
_PROHIBIDOS = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)

MESES = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
    "agosto", "septiembre", "octubre", "noviembre", "diciembre",
)


def limpiar_texto(valor: Any) -> Any:
    """Deja el texto tal como se escribió, salvo lo que XML no admite (documentado en el README)."""
    if not isinstance(valor, str):
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


Texto = Annotated[str, BeforeValidator(limpiar_texto), BeforeValidator(a_texto)]
"""Texto libre, opcionalmente vacío."""

TextoObligatorio = Annotated[
    str, BeforeValidator(limpiar_texto), BeforeValidator(a_texto), AfterValidator(_no_vacio)
]
"""Texto que no puede quedar en blanco."""


LIMITE_CELDA_EXCEL = 32767
"""Caracteres que caben en una celda de Excel: un texto más largo se rechaza, no se corta."""

TextoCelda = Annotated[Texto, Field(max_length=LIMITE_CELDA_EXCEL)]
TextoCeldaObligatorio = Annotated[TextoObligatorio, Field(max_length=LIMITE_CELDA_EXCEL)]


def _vacio_a_none(valor: Any) -> Any:
    if valor is None or (isinstance(valor, str) and not valor.strip()):
        return None
    return valor


_FORMATOS_FECHA = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d")


def leer_fecha(valor: Any) -> Any:
    """Acepta fechas ISO (2023-10-24), colombianas (24/10/2023) y objetos date/datetime."""
    if valor is None:
        return None
    if isinstance(valor, datetime):
        return valor.date()
    if isinstance(valor, date):
        return valor
    if isinstance(valor, str):
        texto = valor.strip()
        if "T" in texto or " " in texto:  # fecha y hora de Excel o ISO completo
            texto = texto.replace("T", " ").split(" ")[0]
        for formato in _FORMATOS_FECHA:
            try:
                return datetime.strptime(texto, formato).date()
            except ValueError:
                continue
        raise PydanticCustomError(
            "fecha_invalida",
            "no es una fecha válida: use día/mes/año (24/10/2023) o año-mes-día (2023-10-24)",
        )
    raise PydanticCustomError(
        "fecha_invalida", "debe ser una fecha (24/10/2023 o 2023-10-24)"
    )


Fecha = Annotated[date, BeforeValidator(leer_fecha)]
FechaOpcional = Annotated[date | None, BeforeValidator(leer_fecha), BeforeValidator(_vacio_a_none)]


def _validar_correo(valor: str | None) -> str | None:
    if valor is None:
        return None
    try:
        validate_email(valor.strip(), check_deliverability=False)
    except EmailNotValidError:
        # El valor no se repite en el mensaje: es un dato personal (Ley 1581 de 2012).
        raise PydanticCustomError(
            "correo_invalido", "no es un correo electrónico válido (ejemplo: nombre@entidad.gov.co)"
        ) from None
    return valor.strip()


Correo = Annotated[
    str | None, BeforeValidator(limpiar_texto), BeforeValidator(_vacio_a_none),
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


Telefono = Annotated[
    str | None, BeforeValidator(limpiar_texto), BeforeValidator(a_texto),
    BeforeValidator(_vacio_a_none), AfterValidator(_validar_telefono),
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
    return Field(title=etiqueta, description=ayuda, json_schema_extra=extra or None, **kwargs)


class Modelo(BaseModel):
    """Base de todos los esquemas: rechaza claves desconocidas (un error de digitación no se pierde)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False, validate_default=True)


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


def normalizar_clave(texto: str) -> str:
    """Compara encabezados sin tildes, mayúsculas ni puntuación ("Fecha de inicio:" == "fecha_inicio")."""
    sin_tildes = unicodedata.normalize("NFKD", texto).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", sin_tildes.lower()).strip("_")


RutaArchivo = Annotated[Path, BeforeValidator(limpiar_texto)]
