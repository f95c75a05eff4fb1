"""Datos personales (Ley 1581 de 2012): versiones públicas de cada documento, metadatos, registros y errores.

Se buscan los valores personales en **todos** los miembros de cada .docx/.xlsx (también
docProps), en los nombres de los archivos, en los registros (todos los niveles) y en la
salida de la CLI con ``-v``. Cada prueba comprueba también que sin ``publico`` los valores
sí están (si no, la búsqueda no probaría nada).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from apoyo_seguridad import apariciones, practica_base

from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo, generar_acuerdo
from acuerdo_docs.documentos.catalogo import generar_catalogo
from acuerdo_docs.documentos.ficha import cargar_practica, generar_ficha
from acuerdo_docs.documentos.matriz import generar_matriz_riesgos
from acuerdo_docs.documentos.plantilla_lote import generar_plantilla_lote
from acuerdo_docs.errores import ErrorValidacion
from acuerdo_docs.esquemas.acuerdo import Actor
from acuerdo_docs.esquemas.comun import RESERVADO, campos_personales
from acuerdo_docs.lectores.acuerdos import HOJAS, filas_de_acuerdo
from acuerdo_docs.lectores.columnas import valores_de
from acuerdo_docs.lectores.fichas import COLUMNAS
from acuerdo_docs.lote import generar_lote

PERSONALES_FICHA = {
    "directivo": "Hernán Darío Vélez Ochoa",
    "colaborador": "Zoraida Quintero Ñáñez",
    "telefono": "+57 601 7654321 ext. 4471",
    "correo": "zoraida.quintero@alcaldiabogota.gov.co",
}
# Pedazos que no deben aparecer aunque el valor completo se haya partido o reformateado.
PEDAZOS_FICHA = ["Zoraida", "Quintero", "Vélez Ochoa", "7654321", "4471", "zoraida.quintero"]


def _personales_acuerdo() -> list[str]:
    valores = []
    for actor in ejemplo_acuerdo().actores:
        valores += [getattr(actor, n) for n in campos_personales(Actor) if getattr(actor, n)]
    assert len(valores) >= 6
    return valores


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, "PYTHONIOENCODING": "utf-8"})


def archivos(carpeta: Path) -> list[Path]:
    return sorted(p for p in carpeta.rglob("*") if p.is_file())


def sin_personales(rutas: list[Path], valores: list[str]) -> None:
    assert rutas
    for ruta in rutas:
        for valor in valores:
            assert valor not in ruta.name, ruta
        if ruta.suffix in (".docx", ".xlsx"):
            assert apariciones(ruta, valores) == {}, ruta


# --------------------------------------------------------------- versiones públicas


def test_ficha_publica_y_metadatos(tmp_path: Path) -> None:
    practica = cargar_practica(practica_base(**PERSONALES_FICHA))
    privada = generar_ficha(practica, tmp_path / "privada.docx")
    publica = generar_ficha(practica, tmp_path / "publica.docx", publico=True)
    encontrados = apariciones(privada, PERSONALES_FICHA.values())
    assert set(encontrados) == set(PERSONALES_FICHA.values())
    assert all(donde == ["word/document.xml"] for donde in encontrados.values())  # nunca en docProps
    sin_personales([publica], [*PERSONALES_FICHA.values(), *PEDAZOS_FICHA])
    assert apariciones(publica, [RESERVADO]) == {RESERVADO: ["word/document.xml"]}


def test_acuerdo_publico_y_su_matriz(tmp_path: Path) -> None:
    personales = _personales_acuerdo()
    privado = generar_acuerdo(ejemplo_acuerdo(), tmp_path / "privado.docx")
    assert set(apariciones(privado, personales)) == set(personales)
    publico = generar_acuerdo(ejemplo_acuerdo(), tmp_path / "publico.docx", publico=True)
    sin_personales([publico], personales)
    # La matriz nunca lleva nombres ni correos de personas (solo entidades y cargos).
    matriz = generar_matriz_riesgos(ejemplo_acuerdo(), tmp_path / "matriz.xlsx")
    sin_personales([matriz], personales)


def test_cli_acuerdo_publico_en_carpeta(tmp_path: Path) -> None:
    entrada = tmp_path / "acuerdo.json"
    entrada.write_text(ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    r = cli("-v", "acuerdo", str(entrada), "-o", f"{tmp_path / 'salida'}/", "--publico")
    assert r.returncode == 0, r.stderr
    escritos = archivos(tmp_path / "salida")
    assert {p.suffix for p in escritos} == {".docx", ".xlsx", ".pdf", ".png"}  # .pdf y .png: la infografía
    sin_personales(escritos, _personales_acuerdo())
    from pypdf import PdfReader

    for pdf in (p for p in escritos if p.suffix == ".pdf"):
        lector = PdfReader(pdf)
        texto = " ".join(" ".join((pagina.extract_text() or "").split()) for pagina in lector.pages)
        assert not [v for v in _personales_acuerdo() if v in texto or v in str(lector.metadata)]
    for valor in _personales_acuerdo():
        assert valor not in r.stdout + r.stderr


def _libro_fichas(ruta: Path, filas: list[dict[str, Any]]) -> Path:
    visibles = [c for c in COLUMNAS if c.en_plantilla]
    generar_plantilla_lote("fichas", ruta)
    wb = openpyxl.load_workbook(ruta)
    for fila in filas:
        wb["fichas"].append([fila.get(c.clave) for c in visibles])
    wb.save(ruta)
    return ruta


def _fila_ficha(i: int, **cambios: Any) -> dict[str, Any]:
    visibles = [c for c in COLUMNAS if c.en_plantilla]
    fila = valores_de(cargar_practica(practica_base(**PERSONALES_FICHA)), visibles)
    fila["nombre"] = f"Práctica {i}"
    fila.update(cambios)
    return fila


def _libro_acuerdos(ruta: Path, correo_malo: bool = False) -> Path:
    generar_plantilla_lote("acuerdos", ruta)
    wb = openpyxl.load_workbook(ruta)
    for id_acuerdo in ("A1", "A2"):
        for hoja, filas in filas_de_acuerdo(ejemplo_acuerdo(), id_acuerdo).items():
            claves = [c.clave for c in HOJAS[hoja] if c.en_plantilla]
            for fila in filas:
                if correo_malo and hoja == "actores" and id_acuerdo == "A2" and fila.get("correo"):
                    fila = {**fila, "correo": fila["correo"].replace("@", "@@")}
                wb[hoja].append([fila.get(c) for c in claves])
    wb.save(ruta)
    return ruta


def test_lotes_publicos_sin_datos_personales(tmp_path: Path) -> None:
    fichas = _libro_fichas(tmp_path / "fichas.xlsx", [_fila_ficha(i) for i in range(3)])
    privado = generar_lote(fichas, tmp_path / "privado", procesos=1)
    assert privado.codigo_salida == 0
    assert apariciones(privado.archivos[0], PERSONALES_FICHA.values())  # la búsqueda sí encuentra
    generar_lote(fichas, tmp_path / "fichas", procesos=1, publico=True, combinado=True,
                 nombre="{nombre}_{colaborador}_{correo}")
    escritos = archivos(tmp_path / "fichas")
    assert any(p.name.startswith("lote_combinado") for p in escritos)
    sin_personales(escritos, [*PERSONALES_FICHA.values(), *PEDAZOS_FICHA])

    acuerdos = _libro_acuerdos(tmp_path / "acuerdos.xlsx")
    informe = generar_lote(acuerdos, tmp_path / "acuerdos", procesos=1, publico=True)
    assert informe.codigo_salida == 0 and len(informe.archivos) == 6  # .docx, .xlsx y .json de cada uno
    sin_personales(archivos(tmp_path / "acuerdos"), _personales_acuerdo())


def test_catalogo_sin_datos_personales_salvo_que_se_pidan(tmp_path: Path) -> None:
    practica = cargar_practica(practica_base(**PERSONALES_FICHA))
    generar_ficha(practica, tmp_path / "fichas" / "a.docx")
    catalogo = generar_catalogo(tmp_path / "fichas", tmp_path / "catalogo.xlsx").ruta
    sin_personales([catalogo], [*PERSONALES_FICHA.values(), *PEDAZOS_FICHA])
    completo = generar_catalogo(tmp_path / "fichas", tmp_path / "completo.xlsx", datos_personales=True).ruta
    assert set(apariciones(completo, PERSONALES_FICHA.values())) == set(PERSONALES_FICHA.values())


# --------------------------------------------------------------- registros y errores

MALOS_FICHA = {**PERSONALES_FICHA, "correo": "zoraida.quintero@@alcaldiabogota", "telefono": "311 7654321 4471"}


def test_errores_y_registros_de_una_ficha_invalida(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ErrorValidacion) as exc:
        generar_ficha(practica_base(**MALOS_FICHA), tmp_path / "f.docx")
    assert {e.ruta for e in exc.value.errores} == {"correo", "telefono"}
    texto = str(exc.value) + caplog.text + repr(exc.value.errores)
    for valor in [*MALOS_FICHA.values(), *PEDAZOS_FICHA]:
        assert valor not in texto
    assert not (tmp_path / "f.docx").exists()


def test_errores_y_registros_de_un_acuerdo_invalido(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    caplog.set_level(logging.DEBUG)
    datos = json.loads(ejemplo_acuerdo().model_dump_json())
    datos["actores"][1]["correo"] = "andres.moreno@@ejemplo"
    datos["actores"][1]["sector"] = "desconocido"
    with pytest.raises(ErrorValidacion) as exc:
        generar_acuerdo(datos, tmp_path / "a.docx")
    texto = str(exc.value) + caplog.text
    assert "actores[2].correo" in texto
    for valor in [*_personales_acuerdo(), "andres.moreno"]:
        assert valor not in texto


def test_registros_de_un_lote_con_errores(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """Un lote que falla en varias filas: ni los registros, ni el informe, ni la terminal muestran datos personales."""
    caplog.set_level(logging.DEBUG)
    filas = [_fila_ficha(1), _fila_ficha(2, **MALOS_FICHA), _fila_ficha(3, fecha_inicio="31/02/2023"),
             _fila_ficha(4, correo="Zoraida Quintero Ñáñez <zoraida.quintero@alcaldiabogota.gov.co>")]
    entrada = _libro_fichas(tmp_path / "entrada.xlsx", filas)
    informe = generar_lote(entrada, tmp_path / "salida", procesos=1)
    assert informe.codigo_salida == 1 and len(informe.fallidas) == 3
    prohibidos = [*PERSONALES_FICHA.values(), *MALOS_FICHA.values(), *PEDAZOS_FICHA]
    texto = caplog.text + "\n".join(str(e) for e in informe.errores)
    for valor in prohibidos:
        assert valor not in texto
    assert apariciones(tmp_path / "salida" / "informe_lote.xlsx", prohibidos) == {}

    r = cli("-v", "lote", str(entrada), "-o", str(tmp_path / "cli"), "--silencioso", "--procesos", "2")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "correo" in (r.stdout + r.stderr).lower()  # el error se informa…
    for valor in prohibidos:
        assert valor not in r.stdout + r.stderr  # …sin el valor

    acuerdos = _libro_acuerdos(tmp_path / "acuerdos.xlsx", correo_malo=True)
    r = cli("-v", "lote", str(acuerdos), "-o", str(tmp_path / "cli_acuerdos"), "--silencioso")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    for valor in [*_personales_acuerdo(), "andres.moreno"]:
        assert valor not in r.stdout + r.stderr
    assert apariciones(tmp_path / "cli_acuerdos" / "informe_lote.xlsx", ["andres.moreno"]) == {}


def test_cli_ficha_invalida_con_detalle(tmp_path: Path) -> None:
    entrada = tmp_path / "p.json"
    entrada.write_text(json.dumps(practica_base(**MALOS_FICHA), ensure_ascii=False), encoding="utf-8")
    r = cli("-v", "ficha", str(entrada), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 1 and "correo" in r.stderr and "telefono" in r.stderr
    for valor in [*MALOS_FICHA.values(), *PEDAZOS_FICHA]:
        assert valor not in r.stdout + r.stderr


@pytest.mark.libreoffice
def test_pdf_de_las_versiones_publicas(tmp_path: Path) -> None:
    """El PDF (LibreOffice) de las versiones públicas tampoco lleva datos personales, ni en sus metadatos."""
    from conftest import convertir_con_libreoffice
    from pypdf import PdfReader

    practica = cargar_practica(practica_base(**PERSONALES_FICHA))
    docx = [generar_ficha(practica, tmp_path / "ficha_publica.docx", publico=True),
            generar_acuerdo(ejemplo_acuerdo(), tmp_path / "acuerdo_publico.docx", publico=True),
            generar_ficha(practica, tmp_path / "ficha_privada.docx")]
    convertir_con_libreoffice(docx, "pdf", tmp_path / "pdf")
    textos = {}
    for ruta in docx:
        lector = PdfReader(str(tmp_path / "pdf" / f"{ruta.stem}.pdf"))
        metadatos = " ".join(str(v) for v in (lector.metadata or {}).values())
        textos[ruta.stem] = " ".join(p.extract_text() or "" for p in lector.pages) + metadatos
    assert "Zoraida" in textos["ficha_privada"]  # la búsqueda sí encuentra
    for valor in [*PERSONALES_FICHA.values(), *PEDAZOS_FICHA]:
        assert valor not in textos["ficha_publica"]
    for valor in _personales_acuerdo():
        assert valor not in textos["acuerdo_publico"]
    assert "Ley 1581" in textos["ficha_publica"]
