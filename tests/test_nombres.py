"""Nombres de archivo seguros: patrones, saneamiento para todo sistema y colisiones."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acuerdo_docs.salida.nombres import (
    MAX_BYTES,
    ErrorPatron,
    Nombres,
    es_reservado,
    nombre_desde_patron,
    sanear,
    verificar_patron,
)

PROHIBIDOS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def _seguro(nombre: str, maximo: int = MAX_BYTES) -> None:
    assert nombre and not PROHIBIDOS.search(nombre)
    assert ".." not in nombre
    assert not nombre.startswith((".", " ", "-"))
    assert not es_reservado(nombre)
    assert len(nombre.encode("utf-8")) <= maximo


def test_recorrido_de_carpetas_queda_dentro(tmp_path: Path) -> None:
    for malo in ("../../etc/passwd", "..\\..\\Windows\\system.ini", "/etc/passwd", "..", ".", "a/../../b"):
        nombre = sanear(malo, extension=".docx")
        _seguro(nombre)
        destino = tmp_path / nombre
        assert destino.resolve().parent == tmp_path.resolve()
        destino.write_bytes(b"x")
    assert sanear("../../etc/passwd") == "etc_passwd"


@pytest.mark.parametrize("reservado", ["CON", "con", "PRN", "aux", "NUL", "COM1", "com9", "LPT1", "lpt9", "CON.txt",
                                       "nul.tar.gz", "Con "])
def test_nombres_reservados_de_windows(reservado: str) -> None:
    assert es_reservado(reservado)
    nombre = sanear(reservado, extension=".docx")
    assert not es_reservado(nombre)
    assert nombre.startswith("_")


def test_no_reservados_parecidos() -> None:
    for texto in ("CONSEJO", "Contrato", "COM10", "LPT", "auxiliar.docx"):
        assert not es_reservado(texto)
        assert sanear(texto) == texto


def test_tildes_ene_y_emoji_se_conservan() -> None:
    texto = "Innovación pública: ñandú 🚀 «Bogotá»"
    assert sanear(texto, extension=".docx") == "Innovación pública_ñandú 🚀 «Bogotá».docx"


def test_caracteres_prohibidos_y_de_control() -> None:
    nombre = sanear('a<b>c:d"e/f\\g|h?i*j\x00k\x1fl\tm\nn', extension=".docx")
    _seguro(nombre)
    assert nombre == "a_b_c_d_e_f_g_h_i_jk l m n.docx"  # \x00 se quita; \x1f es separador (espacio) para Unicode


def test_puntos_y_espacios_en_los_extremos() -> None:
    assert sanear("  .oculto. . ") == "oculto"
    assert sanear("...") == "documento"
    assert sanear("") == "documento"


def test_longitud_en_bytes_sin_partir_caracteres() -> None:
    nombre = sanear("á" * 300 + "🚀" * 10, extension=".docx")
    assert len(nombre.encode("utf-8")) <= MAX_BYTES
    assert nombre.endswith(".docx")
    nombre.encode("utf-8").decode("utf-8")  # sigue siendo UTF-8 válido
    assert set(nombre[:-5]) == {"á"}
    # Una letra con tilde combinante (NFD) se normaliza a NFC y no queda la marca suelta.
    descompuesto = "e\u0301" * 200
    recortado = sanear(descompuesto, max_bytes=21)
    assert recortado == "é" * 10


def test_colisiones_sin_distinguir_mayusculas() -> None:
    nombres = Nombres(reservados=["informe_lote.xlsx"])
    assert nombres.reservar("Acta", [".docx"]) == "Acta"
    assert nombres.reservar("acta", [".docx"]) == "acta_2"
    assert nombres.reservar("ACTA", [".docx"]) == "ACTA_3"
    assert nombres.reservar("informe_lote", [".xlsx"]) == "informe_lote_2"
    # Con dos extensiones, la raíz queda libre para ambas.
    assert nombres.reservar("Acta", [".docx", ".xlsx"]) == "Acta_4"


def test_colision_con_nombre_al_limite_sigue_en_el_limite() -> None:
    nombres = Nombres(max_bytes=30)
    largo = "x" * 100
    primero = nombres.reservar(largo, [".docx"])
    segundo = nombres.reservar(largo, [".docx"])
    assert primero != segundo and segundo.endswith("_2")
    assert len((segundo + ".docx").encode()) <= 30


def test_patron_con_fechas_y_campos() -> None:
    campos = {"fecha_inicio": date(2023, 3, 1), "nombre": "Acuerdo simbólico", "retos": ["a", "b"], "vacio": None}
    assert nombre_desde_patron("{fecha_inicio:%Y}_{nombre}", campos) == "2023_Acuerdo simbólico"
    assert nombre_desde_patron("{fecha_inicio}", campos) == "2023-03-01"
    assert nombre_desde_patron("{nombre:.7}-{vacio}", campos) == "Acuerdo-"
    assert nombre_desde_patron("{retos}", campos) == "a, b"


@pytest.mark.parametrize("patron", [
    "{nombre.__class__}", "{nombre[0]}", "{0}", "{}", "{desconocido}", "{nombre", "sin campos", "{nombre!r}",
])
def test_patrones_invalidos(patron: str) -> None:
    with pytest.raises(ErrorPatron):
        verificar_patron(patron, {"nombre": "x", "fecha_inicio": date(2000, 1, 1)})


def test_formato_imposible_se_detecta_antes() -> None:
    with pytest.raises(ErrorPatron, match="formato"):
        verificar_patron("{nombre:%Y}", {"nombre": "x"})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_cualquier_texto_da_un_nombre_seguro(texto: str) -> None:
    nombre = sanear(texto, extension=".docx")
    _seguro(nombre)
    assert nombre.endswith(".docx")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=12))
def test_nombres_unicos_para_cualquier_lista(textos: list[str]) -> None:
    nombres = Nombres()
    raices = [nombres.reservar(t, [".docx"]) for t in textos]
    assert len({r.casefold() for r in raices}) == len(raices)
    for raiz in raices:
        _seguro(raiz + ".docx")


# ------------------------------------------------------------------ caracteres invisibles y cortes

_FORMATO = ["\u202e", "\u202d", "\u200e", "\u200f", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200d",
            "\ufeff", "\u00ad", "\u061c"]


def test_sobrescritura_de_derecha_a_izquierda_no_llega_al_nombre() -> None:
    # «…\u202Eexe.docx» se vería como «…xcod.exe»: sin la marca se ve lo que es.
    assert sanear("informe\u202eexe.docx", extension=".docx") == "informeexe.docx.docx"


@pytest.mark.parametrize("marca", _FORMATO)
def test_caracteres_de_formato_se_quitan(marca: str) -> None:
    nombre = sanear(f"Acta{marca} de{marca} vecinos", extension=".docx")
    assert nombre == "Acta de vecinos.docx"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_ningun_nombre_lleva_formato_ni_control(texto: str) -> None:
    import unicodedata

    nombre = sanear(texto, extension=".docx")
    assert not [c for c in nombre if unicodedata.category(c) in ("Cf", "Cc", "Cs", "Co", "Cn")]


@pytest.mark.parametrize("texto,esperado", [
    ("../../etc/passwd", "etc_passwd"),
    ("a/../b", "a_b"),
    ("a/./b", "a_b"),
    ("Acuerdo: movilidad", "Acuerdo_movilidad"),
    ("uno _ dos", "uno_dos"),
    ("A - B", "A - B"),  # un guion entre espacios se lee bien: se deja
    ("Dr. Pérez", "Dr. Pérez"),
])
def test_sin_separadores_mezclados(texto: str, esperado: str) -> None:
    assert sanear(texto) == esperado


def test_se_corta_en_un_limite_de_palabra() -> None:
    texto = "Potenciando la innovación pública a través de la cooperación eficiente del trabajo intersectorial"
    nombre = sanear(texto, extension=".docx", max_bytes=60)
    assert len(nombre.encode("utf-8")) <= 60
    raiz = nombre[: -len(".docx")]
    assert texto.startswith(raiz) and texto[len(raiz)] == " "  # termina donde terminaba una palabra
    assert not raiz.endswith((" ", "_", "-", "."))
    # Una sola palabra larga no tiene límite: se corta en un carácter.
    assert sanear("x" * 300, max_bytes=20) == "x" * 20
