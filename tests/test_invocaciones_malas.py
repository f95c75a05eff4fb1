"""Invocaciones malas del contrato JSON: una línea en español, el código documentado, sin traza, sin archivos.

Cada caso prepara su entrada en una carpeta vacía, ejecuta la orden como un usuario (otro proceso) con la
salida dentro de ``salida/``, y comprueba que no quedó ningún archivo nuevo.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import cli

import acuerdo_docs as ad
from acuerdo_docs.rutas import carpeta_ejemplos


def _json(datos: Any) -> Callable[[Path], Path]:
    def preparar(carpeta: Path) -> Path:
        ruta = carpeta / "entrada.json"
        ruta.write_text(json.dumps(datos, ensure_ascii=False), encoding="utf-8")
        return ruta

    return preparar


def _bytes(nombre: str, contenido: bytes | Callable[[Path], None]) -> Callable[[Path], Path]:
    def preparar(carpeta: Path) -> Path:
        ruta = carpeta / nombre
        if callable(contenido):
            contenido(ruta)
        else:
            ruta.write_bytes(contenido)
        return ruta

    return preparar


def _ficha(**cambios: Any) -> dict[str, Any]:
    return ad.ejemplo_ficha().model_dump(mode="json") | cambios


def _ficha_con_clave(mala: str, buena: str) -> dict[str, Any]:
    datos = _ficha()
    datos[mala] = datos.pop(buena)
    return datos


def _acuerdo(**cambios: Any) -> dict[str, Any]:
    return ad.ejemplo_acuerdo().model_dump(mode="json") | cambios


def _acuerdo_actor_con_secor() -> dict[str, Any]:
    datos = _acuerdo()
    datos["actores"][1]["secor"] = datos["actores"][1].pop("sector")
    return datos


def _riesgos(**cambios: Any) -> dict[str, Any]:
    datos = json.loads((carpeta_ejemplos() / "riesgos_ejemplo.json").read_text(encoding="utf-8"))
    datos["riesgos"][0].update(cambios)
    return datos


def _docx(ruta: Path) -> None:
    ad.generar_ficha(ad.ejemplo_ficha(), ruta)


def _xlsx(ruta: Path) -> None:
    ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), ruta)


# (orden, preparar la entrada, extensión de salida, código esperado, fragmento del mensaje)
CASOS: list[tuple[str, str, Callable[[Path], Path], str, int, str]] = [
    ("acuerdo a ficha", "ficha", _json(_acuerdo()), "docx", 2, "parece un acuerdo simbólico"),
    ("ficha a acuerdo", "acuerdo", _json(_ficha()), "docx", 2, "parece una ficha 4202000-FT-1311"),
    ("riesgos a acuerdo", "acuerdo", _json(_riesgos()), "docx", 2, "parece una matriz de riesgos"),
    ("ficha a riesgos", "riesgos", _json(_ficha()), "xlsx", 2, "parece una ficha 4202000-FT-1311"),
    ("acuerdo a ficha (sin hoja de ruta)", "ficha", _json(_acuerdo(hoja_de_ruta=None)), "docx", 2,
     "parece un acuerdo simbólico"),
    (".docx como JSON", "ficha", _bytes("ficha.docx", _docx), "docx", 2, "es un documento de Word (.docx)"),
    (".docx renombrado .json", "acuerdo", _bytes("acuerdo.json", _docx), "docx", 2, "es un documento de Word"),
    (".xlsx como JSON", "ficha", _bytes("matriz.xlsx", _xlsx), "docx", 2, "es un libro de Excel (.xlsx)"),
    ("PDF como JSON", "riesgos", _bytes("a.pdf", b"%PDF-1.7\n%\xe2\xe3\n"), "xlsx", 2, "es un PDF, no un JSON"),
    ("archivo vacío", "ficha", _bytes("vacio.json", b""), "docx", 2, "el archivo está vacío"),
    ("solo espacios", "acuerdo", _bytes("blanco.json", b"  \n\n"), "docx", 2, "el archivo está vacío"),
    ("JSON roto", "ficha", _bytes("roto.json", b'{"nombre": "x",\n  "retos": [}'), "docx", 2,
     "JSON mal formado en la línea 2"),
    ("no está en UTF-8", "ficha", _bytes("latin1.json", '{"nombre": "Gestión"}'.encode("latin-1")), "docx", 2,
     "no está en UTF-8"),
    ("archivo que no existe", "riesgos", lambda c: c / "no_existe.json", "xlsx", 2, "No existe el archivo"),
    ("null en obligatorio", "ficha", _json(_ficha(nombre=None)), "docx", 1, "nombre (Nombre de la buena práctica"),
    ("null en nivel de riesgo", "riesgos", _json(_riesgos(probabilidad=None)), "xlsx", 1,
     "es obligatorio y viene vacío (null)"),
    ("clave con tilde", "ficha", _json(_ficha_con_clave("descripción", "descripcion")), "docx", 1,
     "¿quiso decir «descripcion»?"),
    ("clave con error de digitación", "ficha", _json(_ficha_con_clave("fecha_incio", "fecha_inicio")), "docx", 1,
     "¿quiso decir «fecha_inicio»?"),
    ("clave mal escrita en un actor", "acuerdo", _json(_acuerdo_actor_con_secor()), "docx", 1,
     "actores[2].secor: no es un campo conocido; ¿quiso decir «sector»?"),
    ("año de dos dígitos", "ficha", _json(_ficha(fecha_inicio="5/3/23")), "docx", 1, "con dos es ambiguo"),
    ("año de dos dígitos en el acuerdo", "acuerdo", _json(_acuerdo(fecha="24/10/23")), "docx", 1,
     "el año debe tener cuatro dígitos"),
    ("inicio después del diligenciamiento", "ficha", _json(_ficha(fecha_inicio="2024-01-15")), "docx", 1,
     "es posterior a fecha_diligenciamiento"),
    ("día que no existe", "ficha", _json(_ficha(fecha_inicio="31/02/2023")), "docx", 1,
     "ese día no existe en el calendario"),
    ("fecha en palabras inválida", "ficha", _json(_ficha(fecha_inicio="el martes")), "docx", 1,
     "no es una fecha válida"),
    ("nivel de impacto inventado", "riesgos", _json(_riesgos(impacto="Gigante")), "xlsx", 1,
     "debe ser un nivel de 1 a 5 o su nombre"),
    ("lista en vez de objeto", "ficha", _json([_ficha()]), "docx", 1, "deben ser un objeto JSON {…}"),
]


@pytest.mark.parametrize(("caso", "orden", "preparar", "extension", "codigo", "fragmento"), CASOS,
                         ids=[c[0] for c in CASOS])
def test_invocacion_mala(tmp_path: Path, caso: str, orden: str, preparar: Callable[[Path], Path], extension: str,
                         codigo: int, fragmento: str) -> None:
    entrada = preparar(tmp_path)
    antes = sorted(tmp_path.rglob("*"))
    salida = tmp_path / "salida" / f"documento.{extension}"
    r = cli(orden, str(entrada), "-o", str(salida))
    lineas = r.stderr.strip().splitlines()
    assert r.returncode == codigo, (caso, r.stderr)
    assert "Traceback" not in r.stderr and r.stdout == "", (caso, r.stderr, r.stdout)
    assert len(lineas) == 1 and lineas[0].startswith("Error: "), (caso, r.stderr)
    assert fragmento in lineas[0], (caso, lineas[0])
    assert sorted(tmp_path.rglob("*")) == antes, f"{caso}: quedó un archivo escrito"


def test_la_tabla_tiene_al_menos_20_casos_con_los_dos_codigos() -> None:
    assert len(CASOS) >= 20
    assert {c[4] for c in CASOS} == {1, 2}
