"""``AntesDeValidar`` da el mismo JSON Schema y la misma validación que ``BeforeValidator(..., json_schema_input_type=...)``.

Cada tipo anotado de los esquemas que lo usa se compara con su gemelo hecho con ``BeforeValidator``
(el mismo ``Annotated`` con esa única sustitución): solo, como campo con etiqueta y ayuda, y en los
dos modos del JSON Schema; y las dos versiones aceptan y rechazan lo mismo, con los mismos errores.
"""

from __future__ import annotations

import datetime
import typing
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, BeforeValidator, TypeAdapter, ValidationError, create_model

from acuerdo_docs.esquemas import comun, valoracion
from acuerdo_docs.esquemas.antes_de_validar import AntesDeValidar

TIPOS = {
    "Texto": comun.Texto, "TextoObligatorio": comun.TextoObligatorio, "TextoCelda": comun.TextoCelda,
    "TextoCeldaObligatorio": comun.TextoCeldaObligatorio, "TextoNombre": comun.TextoNombre,
    "Fecha": comun.Fecha, "FechaOpcional": comun.FechaOpcional, "Correo": comun.Correo,
    "Telefono": comun.Telefono, "SiNo": comun.SiNo, "RespuestaCriterio": valoracion.RespuestaCriterio,
}

ENTRADAS: list[Any] = [
    "texto", "  con espacios  ", "", "   ", 7, 3.0, 2.5, True, False, None, [], {}, "a\x0bb\r\nc",
    "24/10/2023", "2023-10-24", "24 de octubre de 2023", "30/02/2023", datetime.date(2023, 10, 24),
    "nombre.apellido@entidad.gov.co", "no es correo", "601 3813000", "+57 300 123 4567", 3001234567,
    "sí", "No", "si", "sin valorar", "x" * 400, "x" * 40000,
]


def _gemelo(tipo: Any) -> Any:
    """El mismo ``Annotated`` con cada ``AntesDeValidar`` cambiado por su ``BeforeValidator``."""
    base, *metadatos = typing.get_args(tipo)
    cambiados = [BeforeValidator(m.funcion, json_schema_input_type=m.entrada) if isinstance(m, AntesDeValidar) else m
                 for m in metadatos]
    assert len([m for m in metadatos if isinstance(m, AntesDeValidar)]) == 1
    return Annotated[(base, *cambiados)]  # type: ignore[valid-type]


def _resultado(adaptador: TypeAdapter[Any], valor: Any) -> Any:
    try:
        return ("bien", adaptador.validate_python(valor))
    except ValidationError as exc:
        return ("error", [(e["type"], e["msg"], e["loc"]) for e in exc.errors()])


@pytest.mark.parametrize("nombre", sorted(TIPOS))
def test_mismo_json_schema_que_before_validator(nombre: str) -> None:
    tipo, gemelo = TIPOS[nombre], _gemelo(TIPOS[nombre])
    for modo in ("validation", "serialization"):
        assert TypeAdapter(tipo).json_schema(mode=modo) == TypeAdapter(gemelo).json_schema(mode=modo)
        con: type[BaseModel] = create_model("Con", campo=(tipo, comun.campo("Etiqueta", "Ayuda larga.")))
        sin: type[BaseModel] = create_model("Con", campo=(gemelo, comun.campo("Etiqueta", "Ayuda larga.")))
        assert con.model_json_schema(mode=modo) == sin.model_json_schema(mode=modo)


@pytest.mark.parametrize("nombre", sorted(TIPOS))
def test_misma_validacion_que_before_validator(nombre: str) -> None:
    tipo, gemelo = TypeAdapter(TIPOS[nombre]), TypeAdapter(_gemelo(TIPOS[nombre]))
    for valor in ENTRADAS:
        assert _resultado(tipo, valor) == _resultado(gemelo, valor), valor


def test_el_esquema_de_entrada_se_arma_una_vez_y_no_se_comparte() -> None:
    anotacion = AntesDeValidar(comun.a_texto, comun._entrada_texto(obligatorio=True))
    adaptador = TypeAdapter(Annotated[str, anotacion])
    primero = adaptador.json_schema()
    primero["anyOf"].append({"type": "null"})  # quien recibe el esquema puede cambiarlo
    assert adaptador.json_schema() == {"anyOf": [{"pattern": "\\S", "type": "string"}, {"type": "integer"}]}
