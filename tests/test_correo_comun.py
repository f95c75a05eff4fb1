"""El atajo del correo común (sin importar email-validator) nunca acepta lo que email-validator rechaza.

``esquemas.comun._correo_comun`` deja pasar sin email-validator los correos ASCII de la forma de casi
todos; el resto va a email-validator. El atajo solo vale si es un subconjunto de lo que
email-validator acepta: estas pruebas lo comparan con él en miles de casos generados, en los casos
límite conocidos y en la lista de dominios reservados de la versión instalada.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from acuerdo_docs.esquemas import BuenaPractica
from acuerdo_docs.esquemas.comun import _CORREO_COMUN, _DOMINIOS_RESERVADOS, _correo_comun

EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _acepta(correo: str) -> bool:
    try:
        validate_email(correo, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def test_los_dominios_reservados_son_los_de_email_validator() -> None:
    assert set(SPECIAL_USE_DOMAIN_NAMES) <= set(_DOMINIOS_RESERVADOS)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.from_regex(_CORREO_COMUN, fullmatch=True))
def test_lo_que_el_atajo_acepta_email_validator_lo_acepta(correo: str) -> None:
    if _correo_comun(correo):
        assert _acepta(correo), correo


# Un alfabeto con lo que confunde a un validador: puntos, guiones, «+», mayúsculas, dígitos,
# caracteres no ASCII y los reservados; direcciones de varias etiquetas y longitudes límite.
_ALFABETO = string.ascii_letters[:6] + "XYZ019.-_+@ ñé\"()[]<>"
_ETIQUETA = st.text(alphabet="ab-0xn", min_size=0, max_size=70)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_ALFABETO, min_size=0, max_size=40))
def test_cadenas_cualesquiera_el_atajo_nunca_acepta_lo_rechazado(correo: str) -> None:
    if _correo_comun(correo):
        assert _acepta(correo), correo


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab.-_+0", min_size=1, max_size=70), st.lists(_ETIQUETA, min_size=1, max_size=5),
       st.sampled_from(["co", "gov", "test", "local", "arpa", "onion", "x1", "invalid", "localhost", "C0"]))
def test_etiquetas_y_longitudes_limite(local: str, etiquetas: list[str], tld: str) -> None:
    correo = local + "@" + ".".join([*etiquetas, tld])
    if _correo_comun(correo):
        assert _acepta(correo), correo


@pytest.mark.parametrize("correo", [
    "julian.moreno@ejemplo.gov.co", "A.B-C_D+e@Alcaldia-Bogota.GOV.CO", "x@a.co", "info@entidad.org",
    "nombre@sub.dominio.com.co", "a" * 64 + "@b.co",
])
def test_los_comunes_van_por_el_atajo_y_email_validator_coincide(correo: str) -> None:
    assert _correo_comun(correo)
    assert _acepta(correo)


@pytest.mark.parametrize("correo", [
    "a@localhost", "a@b.local", "a@b.test", "a@x.onion", "a@1.0.in-addr.arpa", "a@b.invalid",
    "a..b@c.co", ".a@c.co", "a.@c.co", "a@-b.co", "a@b-.co", "a@ab--cd.co", "a@b.c1", "a@b.c",
    "a" * 65 + "@b.co", "a@" + "b" * 64 + ".co", "a@" + ("b" * 60 + ".") * 5 + "co",
    "ñ@b.co", "a@bé.co", "\"a\"@b.co", "Ana <a@b.co>", "a@[1.2.3.4]", "a@b", "@b.co", "a@", "a b@c.co",
])
def test_los_casos_limite_no_van_por_el_atajo(correo: str) -> None:
    assert not _correo_comun(correo)


@pytest.mark.parametrize("correo, valido", [
    ("julian.moreno@ejemplo.gov.co", True), ("ana@b.test", False), ("ñandú@entidad.gov.co", True),
    ("a..b@c.co", False), ("a@ab--cd.co", False),
])
def test_el_modelo_decide_lo_mismo_que_email_validator(correo: str, valido: bool) -> None:
    """Por el atajo o por email-validator, el campo ``correo`` acepta y rechaza lo mismo que antes."""
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    datos["correo"] = f"  {correo} "
    assert _acepta(correo) is valido
    if valido:
        assert BuenaPractica.model_validate(datos).correo == correo
    else:
        with pytest.raises(ValidationError, match="correo"):
            BuenaPractica.model_validate(datos)
