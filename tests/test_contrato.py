"""El contrato JSON: el esquema publicado (Draft 2020-12) acepta lo mismo que los modelos, y todo JSON
que el proyecto escribe o trae valida contra él con un validador estándar (jsonschema)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import RAIZ, cli, validar_contra_esquema

import acuerdo_docs as ad
from acuerdo_docs.errores import ErrorTipoDocumento, ErrorValidacion, validar
from acuerdo_docs.esquemas import ESQUEMAS
from acuerdo_docs.esquemas.publicado import DIALECTO, esquema_publicado
from acuerdo_docs.esquemas.tipo_documento import validar_documento

EJEMPLOS = RAIZ / "src" / "acuerdo_docs" / "ejemplos"
ENTRADAS = {
    "ficha_acuerdo_simbolico.json": "ficha", "acuerdo_ejemplo.json": "acuerdo", "riesgos_ejemplo.json": "riesgos",
}


def _ficha(**cambios: Any) -> dict[str, Any]:
    return ad.ejemplo_ficha().model_dump(mode="json") | cambios


def _riesgos(**cambios: Any) -> dict[str, Any]:
    datos = json.loads((EJEMPLOS / "riesgos_ejemplo.json").read_text(encoding="utf-8"))
    datos["riesgos"][0].update(cambios)
    return datos


def _acuerdo() -> dict[str, Any]:
    return ad.ejemplo_acuerdo().model_dump(mode="json")


def _acepta_el_esquema(datos: Any, tipo: str) -> bool:
    try:
        validar_contra_esquema(datos, tipo)
    except jsonschema.ValidationError:
        return False
    return True


def _acepta_el_modelo(datos: Any, tipo: str) -> bool:
    try:
        ESQUEMAS[tipo].model_validate(datos)
    except Exception:
        return False
    return True


# ------------------------------------------------------------------ la orden esquema


@pytest.mark.parametrize("tipo", ["ficha", "acuerdo", "riesgos"])
def test_la_orden_esquema_imprime_un_json_schema_valido(tipo: str) -> None:
    r = cli("esquema", tipo)
    assert r.returncode == 0, r.stderr
    esquema = json.loads(r.stdout)
    assert esquema["$schema"] == DIALECTO
    jsonschema.Draft202012Validator.check_schema(esquema)
    assert esquema == esquema_publicado(tipo)


# ------------------------------------------------------------------ todo JSON del proyecto valida


@pytest.mark.parametrize("nombre", sorted(ENTRADAS))
def test_cada_ejemplo_incorporado_valida(nombre: str) -> None:
    validar_contra_esquema(json.loads((EJEMPLOS / nombre).read_text(encoding="utf-8")), ENTRADAS[nombre])


def test_los_volcados_json_de_los_modelos_validan_y_usan_fechas_iso() -> None:
    ficha, acuerdo = ad.ejemplo_ficha().model_dump(mode="json"), _acuerdo()
    validar_contra_esquema(ficha, "ficha")
    validar_contra_esquema(acuerdo, "acuerdo")
    assert ficha["fecha_diligenciamiento"] == "2023-10-24"
    assert date.fromisoformat(acuerdo["hoja_de_ruta"][0]["inicio"])


def test_la_orden_ejemplo_escribe_las_entradas_y_validan(tmp_path: Path) -> None:
    r = cli("ejemplo", "-o", str(tmp_path / "ej"))
    assert r.returncode == 0, r.stderr
    for nombre, tipo in {"ficha_acuerdo_simbolico.json": "ficha", "acuerdo_simbolico.json": "acuerdo",
                         "riesgos.json": "riesgos"}.items():
        datos = json.loads((tmp_path / "ej" / nombre).read_text(encoding="utf-8"))
        validar_contra_esquema(datos, tipo)
    # La entrada escrita vuelve a dar el documento de ejemplo, byte a byte.
    r = cli("ficha", str(tmp_path / "ej" / "ficha_acuerdo_simbolico.json"), "-o", str(tmp_path / "otra.docx"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "otra.docx").read_bytes() == (tmp_path / "ej" / "ficha_acuerdo_simbolico.docx").read_bytes()


def test_extraer_escribe_json_que_valida_con_fechas_iso(tmp_path: Path) -> None:
    ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "f.docx")
    r = cli("extraer", str(tmp_path / "f.docx"), "-o", str(tmp_path / "f.json"))
    assert r.returncode == 0, r.stderr
    datos = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert datos["fecha_inicio"] == "2023-03-01" and datos["fecha_diligenciamiento"] == "2023-10-24"
    validar_contra_esquema(datos, "ficha")


# ------------------------------------------------------------------ el esquema acepta lo que acepta el modelo

ACEPTADOS: list[tuple[str, str, dict[str, Any]]] = [
    ("ficha", "null en opcionales", _ficha(directivo=None, colaborador=None, otros_aspectos=None, telefono=None,
                                           correo=None, encabezado=None, anexos=None)),
    ("ficha", "fecha d/m/aaaa", _ficha(fecha_inicio="5/3/2023")),
    ("ficha", "fecha larga", _ficha(fecha_inicio="15 de enero de 2019")),
    ("ficha", "fecha con hora", _ficha(fecha_inicio="2023-03-01T08:00:00")),
    ("ficha", "número donde va texto", _ficha(telefono=6013813000, encabezado={"version": 2})),
    ("ficha", "retos en un texto", _ficha(retos="Primer reto\nSegundo reto")),
    ("riesgos", "impacto por nombre", _riesgos(impacto="Mayor")),
    ("riesgos", "niveles sin tildes ni mayúsculas", _riesgos(impacto="CATASTROFICO", probabilidad="muy alta",
                                                           impacto_economico=None, impacto_reputacional=None)),
    ("riesgos", "nivel como texto", _riesgos(impacto="3", impacto_economico=None, impacto_reputacional=None)),
    ("riesgos", "clasificación como se escribe", _riesgos(clasificacion="fraude EXTERNO")),
    ("riesgos", "sinónimo de tratamiento", _riesgos(tratamiento="Mitigar")),
    ("riesgos", "null en opcionales", _riesgos(causa=None, fecha_seguimiento=None, plan_accion=None)),
]


@pytest.mark.parametrize(("tipo", "caso", "datos"), ACEPTADOS, ids=[c for _, c, _ in ACEPTADOS])
def test_el_esquema_acepta_lo_que_acepta_el_modelo(tipo: str, caso: str, datos: dict[str, Any]) -> None:
    assert _acepta_el_modelo(datos, tipo), caso
    assert _acepta_el_esquema(datos, tipo), caso


def test_el_esquema_acepta_sectores_y_compromisos_como_se_leen() -> None:
    datos = _acuerdo()
    datos["actores"][0]["sector"] = "Sociedad civil"
    datos["actores"][1]["sector"] = "ACADÉMICO"
    datos["actores"][0]["compromisos"] = [{"tipo": "Talento humano", "descripcion": "Dos personas"}]
    datos["actores"][0]["representante"] = None
    datos["fecha_corte"] = None
    assert _acepta_el_modelo(datos, "acuerdo") and _acepta_el_esquema(datos, "acuerdo")


RECHAZADOS: list[tuple[str, str, dict[str, Any]]] = [
    ("ficha", "año de dos dígitos", _ficha(fecha_inicio="5/3/23")),
    ("ficha", "null en obligatorio", _ficha(nombre=None)),
    ("ficha", "clave desconocida", _ficha(descripción="x")),
    ("ficha", "texto en blanco", _ficha(nombre="   ")),
    ("riesgos", "nivel fuera de rango", _riesgos(impacto=6)),
    ("riesgos", "nombre de nivel inventado", _riesgos(impacto="Gigante")),
]


@pytest.mark.parametrize(("tipo", "caso", "datos"), RECHAZADOS, ids=[c for _, c, _ in RECHAZADOS])
def test_el_esquema_y_el_modelo_rechazan_lo_mismo(tipo: str, caso: str, datos: dict[str, Any]) -> None:
    assert not _acepta_el_modelo(datos, tipo), caso
    assert not _acepta_el_esquema(datos, tipo), caso


# ------------------------------------------------------------------ mensajes del contrato


def test_null_en_opcionales_es_vacio() -> None:
    practica = ad.BuenaPractica.model_validate(_ficha(directivo=None, colaborador=None, otros_aspectos=None))
    assert (practica.directivo, practica.colaborador, practica.otros_aspectos) == ("", "", "")


@pytest.mark.parametrize(("texto", "esperada"), [
    ("5/3/2024", date(2024, 3, 5)), ("05/03/2024", date(2024, 3, 5)), ("2024-03-05", date(2024, 3, 5)),
    ("15 de enero de 2019", date(2019, 1, 15)), ("15 de Enero del 2019", date(2019, 1, 15)),
    ("1 de septiembre de 2020", date(2020, 9, 1)), ("5.3.2024", date(2024, 3, 5)),
])
def test_fechas_que_se_aceptan(texto: str, esperada: date) -> None:
    assert validar(ad.BuenaPractica, _ficha(fecha_diligenciamiento="2024-12-31", fecha_inicio=texto)).fecha_inicio \
        == esperada


def test_anio_de_dos_digitos_se_rechaza_diciendo_por_que() -> None:
    with pytest.raises(ErrorValidacion) as info:
        validar(ad.BuenaPractica, _ficha(fecha_inicio="5/3/24"))
    (error,) = info.value.errores
    assert error.ruta == "fecha_inicio" and "cuatro dígitos" in error.mensaje and "ambiguo" in error.mensaje


def test_inicio_posterior_al_diligenciamiento_nombra_los_dos_campos() -> None:
    with pytest.raises(ErrorValidacion) as info:
        validar(ad.BuenaPractica, _ficha(fecha_inicio="2024-01-01", fecha_diligenciamiento="2023-10-24"))
    (error,) = info.value.errores
    assert error.ruta == "fecha_inicio" and "fecha_diligenciamiento" in error.mensaje


@pytest.mark.parametrize(("clave", "pista"), [("descripción", "descripcion"), ("fecha_incio", "fecha_inicio"),
                                              ("Línea base", "linea_base")])
def test_clave_mal_escrita_da_una_pista_y_un_solo_error(clave: str, pista: str) -> None:
    datos = _ficha()
    datos[clave] = datos.pop(pista)
    with pytest.raises(ErrorValidacion) as info:
        validar(ad.BuenaPractica, datos)
    (error,) = info.value.errores
    assert error.ruta == clave and f"¿quiso decir «{pista}»?" in error.mensaje


def test_clave_mal_escrita_dentro_de_una_lista() -> None:
    datos = _acuerdo()
    datos["actores"][2]["secor"] = datos["actores"][2].pop("sector")
    with pytest.raises(ErrorValidacion) as info:
        validar(ad.AcuerdoSimbolico, datos)
    (error,) = info.value.errores
    assert error.ruta == "actores[3].secor" and "«sector»" in error.mensaje


@pytest.mark.parametrize(("datos", "modelo", "parece"), [
    (_acuerdo(), ad.BuenaPractica, "un acuerdo simbólico"),
    (_ficha(), ad.AcuerdoSimbolico, "una ficha 4202000-FT-1311"),
    (_riesgos(), ad.AcuerdoSimbolico, "una matriz de riesgos"),
    (_ficha(), ad.MatrizRiesgos, "una ficha 4202000-FT-1311"),
])
def test_otro_tipo_de_documento_se_nombra(datos: dict[str, Any], modelo: type, parece: str) -> None:
    with pytest.raises(ErrorTipoDocumento) as info:
        validar_documento(modelo, datos)
    assert len(info.value.errores) == 1 and f"parece {parece}" in str(info.value)


def test_una_ficha_con_errores_propios_no_se_confunde_con_otro_tipo() -> None:
    with pytest.raises(ErrorValidacion) as info:
        validar(ad.BuenaPractica, _ficha(nombre="", campo_raro="x"))
    assert not isinstance(info.value, ErrorTipoDocumento)


# ------------------------------------------------------------------ el esquema publicado y la CLI aceptan lo mismo

def _con(base: dict[str, Any], ruta: str, valor: Any) -> dict[str, Any]:
    """Copia de ``base`` con ``valor`` en ``ruta`` («actores.0.correo»); ``...`` borra la clave."""
    datos = json.loads(json.dumps(base))
    *camino, ultima = [int(p) if p.isdigit() else p for p in ruta.split(".")]
    destino = datos
    for paso in camino:
        destino = destino[paso]
    if valor is ...:
        del destino[ultima]
    else:
        destino[ultima] = valor
    return datos


FICHA = ad.ejemplo_ficha().model_dump(mode="json")
ACUERDO = ad.ejemplo_acuerdo().model_dump(mode="json")
RIESGOS = json.loads((EJEMPLOS / "riesgos_ejemplo.json").read_text(encoding="utf-8"))

CRUZADAS = {
    "ids de actor únicos", "responsable que es un actor", "fechas a menos de 10 años", "fin después de inicio",
    "inicio antes del diligenciamiento", "ids de riesgo únicos",
}
"""Reglas entre campos que JSON Schema no puede expresar (docs/contrato_json.md): solo el modelo las aplica."""

BORDES: list[tuple[str, str, dict[str, Any], str | None]] = [
    # fechas
    ("ficha", "fecha imposible ISO", _con(FICHA, "fecha_inicio", "2023-02-30"), None),
    ("ficha", "fecha imposible d/m/a", _con(FICHA, "fecha_inicio", "31/04/2023"), None),
    ("ficha", "29 de febrero no bisiesto", _con(FICHA, "fecha_inicio", "29/02/2023"), None),
    ("ficha", "29 de febrero bisiesto", _con(FICHA, "fecha_inicio", "29/02/2020"), None),
    ("ficha", "1900 no es bisiesto", _con(FICHA, "fecha_inicio", "1900-02-29"), None),
    ("ficha", "mes 13", _con(FICHA, "fecha_inicio", "2023-13-01"), None),
    ("ficha", "fecha larga", _con(FICHA, "fecha_inicio", "15 de enero de 2019"), None),
    ("ficha", "fecha larga en mayúsculas", _con(FICHA, "fecha_inicio", "15 DE ENERO DEL 2019"), None),
    ("ficha", "mes inventado", _con(FICHA, "fecha_inicio", "15 de brumario de 2019"), None),
    ("ficha", "31 de junio", _con(FICHA, "fecha_inicio", "31 de junio de 2019"), None),
    ("ficha", "fecha con hora", _con(FICHA, "fecha_inicio", "2023-03-01T08:00:00"), None),
    ("ficha", "año de dos dígitos", _con(FICHA, "fecha_inicio", "5/3/23"), None),
    ("ficha", "inicio después del diligenciamiento", _con(FICHA, "fecha_inicio", "2099-01-01"),
     "inicio antes del diligenciamiento"),
    # correo y teléfono
    ("ficha", "correo sin arroba", _con(FICHA, "correo", "persona.entidad.gov.co"), None),
    ("ficha", "correo sin dominio", _con(FICHA, "correo", "persona@"), None),
    ("ficha", "correo sin punto en el dominio", _con(FICHA, "correo", "persona@entidad"), None),
    ("ficha", "correo válido", _con(FICHA, "correo", "persona@entidad.gov.co"), None),
    ("ficha", "correo vacío", _con(FICHA, "correo", ""), None),
    ("ficha", "correo null", _con(FICHA, "correo", None), None),
    ("ficha", "teléfono corto", _con(FICHA, "telefono", "12345"), None),
    ("ficha", "teléfono fijo", _con(FICHA, "telefono", "601 3813000"), None),
    ("ficha", "teléfono con paréntesis y guion", _con(FICHA, "telefono", "(601) 381-3000"), None),
    ("ficha", "celular con +57 y extensión", _con(FICHA, "telefono", "+57 300 123 4567 ext. 12"), None),
    ("ficha", "teléfono que empieza por 5", _con(FICHA, "telefono", "5013813000"), None),
    ("ficha", "teléfono como número", _con(FICHA, "telefono", 6013813000), None),
    ("ficha", "teléfono número corto", _con(FICHA, "telefono", 12345), None),
    # valoración
    ("ficha", "valoración «si»", _con(FICHA, "valoracion", {"sencilla": "si"}), None),
    ("ficha", "valoración «SÍ» en objeto", _con(FICHA, "valoracion", {"sencilla": {"respuesta": "SÍ"}}), None),
    ("ficha", "valoración true", _con(FICHA, "valoracion", {"sencilla": True}), None),
    ("ficha", "valoración «tal vez»", _con(FICHA, "valoracion", {"sencilla": "tal vez"}), None),
    ("ficha", "valoración «sin valorar»", _con(FICHA, "valoracion", {"pertinente": "sin valorar"}), None),
    ("ficha", "nivel escrito a mano", _con(FICHA, "valoracion", {"nivel": "Primer nivel"}), None),
    # textos
    ("ficha", "nombre en blanco", _con(FICHA, "nombre", "   "), None),
    ("ficha", "nombre null", _con(FICHA, "nombre", None), None),
    ("ficha", "número donde va texto", _con(FICHA, "proceso", 12), None),
    ("ficha", "clave desconocida", _con(FICHA, "descripción", "x"), None),
    # acuerdo
    ("acuerdo", "un solo actor", _con(ACUERDO, "actores", ACUERDO["actores"][:1]), None),
    ("acuerdo", "sin actores", _con(ACUERDO, "actores", []), None),
    ("acuerdo", "201 actores", _con(ACUERDO, "actores", ACUERDO["actores"][:1] * 201), None),
    ("acuerdo", "id de actor repetido", _con(ACUERDO, "actores.1.id", ACUERDO["actores"][0]["id"]),
     "ids de actor únicos"),
    ("acuerdo", "responsable desconocido", _con(ACUERDO, "hoja_de_ruta.0.responsable", "nadie"),
     "responsable que es un actor"),
    ("acuerdo", "hito a 11 años", _con(ACUERDO, "hoja_de_ruta.0.fin", "2035-01-01"), "fechas a menos de 10 años"),
    ("acuerdo", "fin antes de inicio", _con(ACUERDO, "hoja_de_ruta.0.fin", "2000-01-01"), "fin después de inicio"),
    ("acuerdo", "avance «50»", _con(ACUERDO, "hoja_de_ruta.0.avance", "50"), None),
    ("acuerdo", "avance «150»", _con(ACUERDO, "hoja_de_ruta.0.avance", "150"), None),
    ("acuerdo", "avance 101", _con(ACUERDO, "hoja_de_ruta.0.avance", 101), None),
    ("acuerdo", "avance 50.5", _con(ACUERDO, "hoja_de_ruta.0.avance", 50.5), None),
    ("acuerdo", "avance «cincuenta»", _con(ACUERDO, "hoja_de_ruta.0.avance", "cincuenta"), None),
    ("acuerdo", "sector por rótulo", _con(ACUERDO, "actores.0.sector", "Sociedad civil"), None),
    ("acuerdo", "sector inventado", _con(ACUERDO, "actores.0.sector", "mixto"), None),
    ("acuerdo", "correo de actor inválido", _con(ACUERDO, "actores.0.correo", "no-es-correo"), None),
    ("acuerdo", "nombre del desafío de 301", _con(ACUERDO, "desafio.nombre", "x" * 301), None),
    # riesgos
    ("riesgos", "nivel por nombre", _con(RIESGOS, "riesgos.0.impacto", "Mayor"), None),
    ("riesgos", "nivel 6", _con(RIESGOS, "riesgos.0.impacto", 6), None),
    ("riesgos", "id de riesgo repetido", _con(RIESGOS, "riesgos.1.id", RIESGOS["riesgos"][0]["id"]),
     "ids de riesgo únicos"),
]


@pytest.mark.parametrize(("tipo", "caso", "datos", "regla"), BORDES, ids=[c for _, c, _, _ in BORDES])
def test_esquema_publicado_y_modelo_aceptan_lo_mismo(tipo: str, caso: str, datos: dict[str, Any],
                                                     regla: str | None) -> None:
    modelo, esquema = _acepta_el_modelo(datos, tipo), _acepta_el_esquema(datos, tipo)
    if regla is None:
        assert modelo == esquema, f"{caso}: el modelo {'acepta' if modelo else 'rechaza'} y el esquema no"
    else:  # una regla entre campos: el esquema no puede verla, el modelo la aplica
        assert regla in CRUZADAS and esquema and not modelo, caso


def test_la_tabla_de_bordes_cubre_aceptados_y_rechazados() -> None:
    resultados = [_acepta_el_modelo(d, t) for t, _, d, _ in BORDES]
    assert len(BORDES) >= 50 and any(resultados) and not all(resultados)


def test_las_reglas_entre_campos_estan_documentadas() -> None:
    texto = (RAIZ / "docs" / "contrato_json.md").read_text(encoding="utf-8")
    for regla in CRUZADAS:
        assert regla in texto, regla
