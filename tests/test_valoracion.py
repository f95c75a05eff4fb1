"""Valoración DAFP: el nivel se deriva de los criterios, igual en Python y en la fórmula del libro."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from conftest import convertir_con_libreoffice
from openpyxl import Workbook, load_workbook

from acuerdo_docs import BuenaPractica, Valoracion, derivar_nivel, ejemplo_ficha
from acuerdo_docs.errores import ErrorValidacion, validar
from acuerdo_docs.esquemas.valoracion import (
    CRITERIOS,
    CRITERIOS_PRIMER_NIVEL,
    CRITERIOS_SEGUNDO_NIVEL,
    NO_CLASIFICA,
    PENDIENTE,
    PRIMER_NIVEL,
    SEGUNDO_NIVEL,
    formula_nivel,
)

S, N, V = "Sí", "No", "Sin valorar"


def _resp(primer: tuple[str, str, str], segundo: tuple[str, str, str, str]) -> dict[str, str]:
    return dict(zip(CRITERIOS, (*primer, *segundo)))


# (primer nivel: sencilla, pertinente, replicable), (segundo: solución, medibles, eficiencia, sostenible) → nivel
TABLA = [
    ((V, V, V), (V, V, V, V), PENDIENTE),              # nada valorado
    ((S, S, S), (S, S, S, S), SEGUNDO_NIVEL),          # todo cumple
    ((S, S, S), (N, N, N, N), PRIMER_NIVEL),           # solo el primer nivel
    ((S, S, S), (S, S, S, N), PRIMER_NIVEL),           # falla uno del segundo
    ((S, S, S), (N, S, S, S), PRIMER_NIVEL),
    ((S, S, S), (S, S, V, S), PRIMER_NIVEL),           # segundo incompleto: por ahora primer nivel
    ((S, S, S), (V, V, V, V), PRIMER_NIVEL),
    ((N, S, S), (S, S, S, S), NO_CLASIFICA),           # el segundo exige el primero
    ((S, N, S), (S, S, S, S), NO_CLASIFICA),
    ((S, S, N), (S, S, S, S), NO_CLASIFICA),
    ((N, V, V), (V, V, V, V), NO_CLASIFICA),           # un No basta, aunque falte valorar el resto
    ((V, S, N), (S, S, S, S), NO_CLASIFICA),
    ((V, S, S), (S, S, S, S), PENDIENTE),              # falta un criterio del primer nivel
    ((S, V, S), (N, N, N, N), PENDIENTE),
    ((S, S, V), (S, S, S, S), PENDIENTE),
]


@pytest.mark.parametrize(("primer", "segundo", "nivel"), TABLA)
def test_tabla_de_derivacion(primer: tuple[str, str, str], segundo: tuple[str, str, str, str], nivel: str) -> None:
    respuestas = _resp(primer, segundo)
    assert derivar_nivel(respuestas) == nivel
    valoracion = Valoracion(**respuestas)
    assert valoracion.nivel == nivel
    assert valoracion.completa == (V not in respuestas.values())


def test_los_criterios_son_los_de_funcion_publica() -> None:
    assert CRITERIOS_PRIMER_NIVEL == ("sencilla", "pertinente", "replicable")
    assert CRITERIOS_SEGUNDO_NIVEL == ("genera_solucion", "resultados_medibles", "mejora_eficiencia", "sostenible")
    ayuda = Valoracion.model_fields["mejora_eficiencia"].description or ""
    assert "«Permiten mejorar la eficiencia o la efectividad.»" in ayuda and "2021" in ayuda


@pytest.mark.parametrize(("texto", "esperado"), [
    ("Sí", S), ("sí", S), ("SÍ", S), ("si", S), ("Si", S), (True, S), ("No", N), ("NO", N), (False, N),
    ("", V), (None, V), ("Sin valorar", V), ("sin valorar", V),
])
def test_respuestas_aceptadas(texto: object, esperado: str) -> None:
    assert Valoracion.model_validate({"sencilla": texto}).sencilla.respuesta.value == esperado


def test_respuesta_invalida_y_justificacion_larga_nombran_el_campo() -> None:
    with pytest.raises(ErrorValidacion) as exc:
        validar(Valoracion, {"pertinente": "Tal vez", "sencilla": {"respuesta": "Sí", "justificacion": "x" * 501}})
    mensajes = [str(e) for e in exc.value.errores]
    assert any(m.startswith("pertinente.respuesta") and "Sí, No o Sin valorar" in m for m in mensajes)
    assert any(m.startswith("sencilla.justificacion") and "500" in m for m in mensajes)


def test_el_nivel_no_se_escribe() -> None:
    with pytest.raises(ErrorValidacion, match="se deriva"):
        validar(Valoracion, {"sencilla": "Sí", "nivel": "Segundo nivel"})


def test_valoracion_en_el_json_de_la_practica() -> None:
    datos = ejemplo_ficha().model_dump(mode="json")
    datos["valoracion"] = {"sencilla": "Sí", "pertinente": {"respuesta": "Sí", "justificacion": "Encaja"},
                           "replicable": "Sí", "evaluador": "Evaluadora", "fecha": "24/10/2023"}
    practica = BuenaPractica.model_validate(datos)
    assert practica.valoracion is not None and practica.valoracion.nivel == PRIMER_NIVEL
    assert practica.valoracion.fecha is not None and practica.valoracion.fecha.isoformat() == "2023-10-24"
    assert BuenaPractica.model_validate(practica.model_dump()).valoracion == practica.valoracion
    assert ejemplo_ficha().valoracion is None  # opcional: las fichas de siempre no cambian


@pytest.mark.libreoffice
def test_la_formula_de_libreoffice_da_lo_mismo_que_python(tmp_path: Path) -> None:
    """Todas las combinaciones (3^7) y variantes de escritura, recalculadas por LibreOffice."""
    variantes = {S: ("Sí", "si", "SÍ"), N: ("No", "no"), V: ("Sin valorar", None)}
    wb = Workbook()
    ws = wb.active
    esperado: list[str] = []
    for k, combinacion in enumerate(itertools.product((S, N, V), repeat=len(CRITERIOS))):
        fila = k + 1
        celdas = {c: f"{chr(65 + i)}{fila}" for i, c in enumerate(CRITERIOS)}
        for i, valor in enumerate(combinacion):
            opciones = variantes[valor]
            ws.cell(row=fila, column=i + 1, value=opciones[(k + i) % len(opciones)])
        ws.cell(row=fila, column=len(CRITERIOS) + 1, value=formula_nivel(celdas))
        esperado.append(derivar_nivel(dict(zip(CRITERIOS, combinacion))))
    origen = tmp_path / "tabla.xlsx"
    wb.save(origen)
    convertir_con_libreoffice([origen], "xlsx", tmp_path / "lo")
    calculado = [r[0] for r in load_workbook(tmp_path / "lo" / "tabla.xlsx", data_only=True).active.iter_rows(
        min_col=len(CRITERIOS) + 1, max_col=len(CRITERIOS) + 1, values_only=True)]
    assert len(esperado) == 3 ** 7
    assert calculado == esperado
