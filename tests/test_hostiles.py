"""Los casos de tests/hostiles/ por la biblioteca y por la CLI (comportamiento esperado: README de esa carpeta)."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from apoyo_seguridad import HOSTILES, apariciones, cli, esperado_ficha, png_minimo, textos_docx, valores_ficha

from acuerdo_docs.documentos.acuerdo import cargar_acuerdo, generar_acuerdo
from acuerdo_docs.documentos.ficha import cargar_practica, generar_ficha, renderizar_ficha
from acuerdo_docs.documentos.matriz import generar_matriz_riesgos
from acuerdo_docs.errores import ErrorEntrada, ErrorPlantilla, ErrorValidacion
from acuerdo_docs.esquemas.comun import RESERVADO, limpiar_texto
from acuerdo_docs.esquemas.comun import limpiar_texto as limpiar_xml
from acuerdo_docs.lote import generar_lote
from acuerdo_docs.salida.entorno_word import parrafos

sys.path.insert(0, str(HOSTILES))
import construir


def cargar(nombre: str) -> Any:
    return json.loads((HOSTILES / nombre).read_text(encoding="utf-8"))


def test_los_json_guardados_son_los_que_construye_el_script(tmp_path: Path) -> None:
    """tests/hostiles/*.json se regeneran con «python tests/hostiles/construir.py --json»."""
    escritos = construir.escribir_json(tmp_path)
    assert len(escritos) == len(construir.JSON_HOSTILES) + 2
    for ruta in escritos:
        assert ruta.read_bytes() == (HOSTILES / ruta.name).read_bytes(), ruta.name


# ------------------------------------------------------------- texto hostil


def _textos_json(datos: Any) -> list[str]:
    if isinstance(datos, str):
        return [datos]
    if isinstance(datos, dict):
        return [t for v in datos.values() for t in _textos_json(v)]
    if isinstance(datos, list):
        return [t for v in datos for t in _textos_json(v)]
    return []


def test_ficha_texto_hostil_biblioteca_y_cli(tmp_path: Path) -> None:
    datos = cargar("ficha_texto_hostil.json")
    practica = cargar_practica(datos)
    for campo in ("nombre", "proceso", "descripcion", "conclusiones"):
        assert getattr(practica, campo) == limpiar_texto(datos[campo])
    assert practica.retos == [limpiar_texto(r) for r in datos["retos"]]
    assert practica.anexos[0].nombre == limpiar_texto(datos["anexos"][0]["nombre"])

    ruta = generar_ficha(practica, tmp_path / "biblioteca.docx")
    assert valores_ficha(ruta) == esperado_ficha(practica)
    vistos = valores_ficha(ruta)
    assert vistos["dependencia"] == [datos["dependencia"]]  # «=HYPERLINK(…)» es texto en Word
    assert any("{{ 7*7 }}" in p for p in vistos["descripcion"]) and not any("49" in p for p in vistos["descripcion"])

    r = cli("ficha", str(HOSTILES / "ficha_texto_hostil.json"), "-o", str(tmp_path / "cli.docx"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "cli.docx").read_bytes() == ruta.read_bytes()  # mismo dato, mismo archivo


def test_ficha_texto_hostil_publica_sin_datos_personales(tmp_path: Path) -> None:
    r = cli("ficha", str(HOSTILES / "ficha_texto_hostil.json"), "-o", str(tmp_path / "p.docx"), "--publico")
    assert r.returncode == 0, r.stderr
    assert apariciones(tmp_path / "p.docx", construir.PERSONALES_FICHA.values()) == {}
    assert set(apariciones(tmp_path / "p.docx", [RESERVADO])[RESERVADO]) == {"word/document.xml"}
    vistos = valores_ficha(tmp_path / "p.docx")
    assert vistos["colaborador"] == vistos["directivo"] == vistos["telefono"] == vistos["correo"] == [RESERVADO]
    assert r.stdout.count("Ficha escrita") == 1
    for valor in construir.PERSONALES_FICHA.values():
        assert valor not in r.stdout + r.stderr


def _comprobar_acuerdo(docx: Path, datos: dict[str, Any]) -> None:
    texto = "\n".join(textos_docx(docx))
    actor = datos["actores"][1]
    valores = [datos["desafio"]["nombre"], datos["desafio"]["descripcion"], datos["lugar"], actor["entidad"],
               actor["cargo"], actor["rol"], *actor["responsabilidades"], actor["compromisos"][0]["descripcion"],
               datos["hoja_de_ruta"][0]["actividad"], datos["hoja_de_ruta"][0]["fase"]]
    largos = [datos["alcance"], datos["objetivo"], datos["facilitador"]["aporte"]]
    for valor in valores:
        assert limpiar_texto(valor) in texto, valor[:40]
    for valor in largos:
        for bloque in parrafos(limpiar_texto(valor)):
            assert bloque in texto
    assert "{{ 7*7 }}" in texto and "49" not in texto.replace("2049", "")


def test_acuerdo_texto_hostil_biblioteca_y_cli(tmp_path: Path) -> None:
    datos = cargar("acuerdo_texto_hostil.json")
    ruta = generar_acuerdo(cargar_acuerdo(datos), tmp_path / "acuerdo.docx")
    _comprobar_acuerdo(ruta, datos)
    assert construir.PERSONALES_ACUERDO["representante"] in "\n".join(textos_docx(ruta))

    carpeta = tmp_path / "cli"
    r = cli("acuerdo", str(HOSTILES / "acuerdo_texto_hostil.json"), "-o", f"{carpeta}/")
    assert r.returncode == 0, r.stderr
    docx = next(carpeta.glob("*.docx"))
    _comprobar_acuerdo(docx, datos)
    xlsx = next(carpeta.glob("*.xlsx"))
    _comprobar_textos_en_libro(xlsx, [datos["hoja_de_ruta"][0]["actividad"], datos["riesgos"][0]["descripcion"],
                                      datos["riesgos"][0]["plan_accion"], datos["riesgos"][0]["causa"],
                                      datos["riesgos"][0]["consecuencia"]])


def _celdas(xlsx: Path) -> list[Any]:
    wb = openpyxl.load_workbook(xlsx)
    return [c for ws in wb.worksheets for fila in ws.iter_rows() for c in fila if c.value is not None]


def _comprobar_textos_en_libro(xlsx: Path, textos: list[str]) -> None:
    """Cada texto está en una celda de texto, idéntico (salvo lo que XML prohíbe); ninguno es fórmula."""
    celdas = _celdas(xlsx)
    formulas = [c for c in celdas if c.data_type == "f"]
    for texto in textos:
        esperado = limpiar_xml(limpiar_texto(texto))
        iguales = [c for c in celdas if c.value == esperado]
        assert iguales, f"no está en el libro: {texto[:40]!r}"
        assert all(c.data_type == "s" for c in iguales), texto[:40]
        assert not [f for f in formulas if f.value in (texto, esperado)], texto[:40]


def test_riesgos_formulas_quedan_como_texto(tmp_path: Path) -> None:
    datos = cargar("riesgos_formulas.json")
    textos = [t for t in _textos_json(datos["riesgos"]) if t[:1] in "=+-@\t\r" or "{{" in t]
    textos += [datos["entidad"], datos["desafio"]]
    ruta = generar_matriz_riesgos(datos, tmp_path / "biblioteca.xlsx")
    r = cli("riesgos", str(HOSTILES / "riesgos_formulas.json"), "-o", str(tmp_path / "cli.xlsx"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "cli.xlsx").read_bytes() == ruta.read_bytes()
    for libro in (ruta, tmp_path / "cli.xlsx"):
        _comprobar_textos_en_libro(libro, [t for t in textos if not t.startswith(("\t", "\r")) or t.strip()])
    plan = [c.value for c in _celdas(ruta) if isinstance(c.value, str) and c.value.startswith("=IMPORTXML")]
    assert plan and plan[0].endswith(" resto del texto")  # los caracteres prohibidos se van, el resto queda


# ------------------------------------------------------------------ anexos


@pytest.mark.parametrize("caso, motivo", [
    ("ficha_anexo_inexistente.json", "el archivo de imagen no existe"),
    ("ficha_imagen_danada.json", "la imagen está dañada"),
])
def test_anexo_sin_imagen_o_danada(caso: str, motivo: str, tmp_path: Path) -> None:
    destino = tmp_path / "ficha.docx"
    with pytest.raises(ErrorValidacion) as exc:
        generar_ficha(cargar_practica(cargar(caso), base=HOSTILES), destino)
    assert [e.ruta for e in exc.value.errores] == ["anexos[1].archivo"]
    assert motivo in str(exc.value)
    r = cli("ficha", str(HOSTILES / caso), "-o", str(destino))
    assert r.returncode == 1 and "anexos[1].archivo" in r.stderr and motivo in r.stderr
    assert "No se escribió ningún archivo" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("motor", ["compilado", "docxtpl"])
def test_imagen_que_cambia_despues_de_validar(motor: str, tmp_path: Path) -> None:
    """Si la imagen desaparece o se daña entre la validación y el documento: error claro, sin traza."""
    imagen = tmp_path / "foto.png"
    imagen.write_bytes(png_minimo())
    practica = cargar_practica({**cargar("ficha_anexo_inexistente.json"),
                                "anexos": [{"nombre": "Foto", "archivo": str(imagen)}]})
    imagen.write_bytes(construir.IMAGEN_DANADA)
    # El mensaje no repite el nombre del archivo: puede llevar el nombre o la cédula de una persona.
    with pytest.raises(ErrorEntrada, match="Imagen de un anexo: la imagen está dañada") as error:
        renderizar_ficha(practica, motor=motor)
    assert "foto" not in str(error.value)
    imagen.unlink()
    with pytest.raises(ErrorEntrada, match="Imagen de un anexo: el archivo de imagen no existe") as error:
        renderizar_ficha(practica, motor=motor)
    assert "foto" not in str(error.value)


def test_csv_con_comillas_dobladas_como_lo_guarda_excel(tmp_path: Path) -> None:
    """Las comillas dentro de una celda («""» en el CSV) no parten la celda ni se duplican."""
    from acuerdo_docs.salida.entorno_word import parrafos

    informe = generar_lote(HOSTILES / "fichas_comillas.csv", tmp_path / "salida", procesos=1)
    assert informe.codigo_salida == 0, [str(e) for e in informe.errores]
    vistos = [valores_ficha(a) for a in informe.archivos]
    assert [v["nombre"] for v in vistos] == [[n] for n, _ in construir.COMILLAS_CSV]
    assert [v["descripcion"] for v in vistos] == [parrafos(limpiar_texto(d)) for _, d in construir.COMILLAS_CSV]
    assert [v["equipo"] for v in vistos] == [[f"=cmd|' /C calc'!A{i}"] for i in (1, 2, 3)]
    r = cli("lote", str(HOSTILES / "fichas_comillas.csv"), "-o", str(tmp_path / "cli"), "--silencioso")
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(list((tmp_path / "cli").glob("*.docx"))) == 3


# ------------------------------------------------------------------- límites


def test_bomba_zip_disfrazada_de_xlsx(tmp_path: Path) -> None:
    bomba = construir.bomba_zip_xlsx(tmp_path / "bomba.xlsx", descomprimido_mb=64)
    assert bomba.stat().st_size < 1024 * 1024
    salida = tmp_path / "salida"
    inicio = time.perf_counter()
    with pytest.raises(ErrorEntrada, match="posible bomba zip"):
        generar_lote(bomba, salida)
    assert time.perf_counter() - inicio < 5
    assert not salida.exists()
    r = cli("lote", str(bomba), "-o", str(salida), "--silencioso")
    assert r.returncode == 2 and "posible bomba zip" in r.stderr and "Traceback" not in r.stderr
    assert not salida.exists()


def test_bomba_zip_disfrazada_de_docx_en_catalogo_y_extraer(tmp_path: Path) -> None:
    from acuerdo_docs.documentos.catalogo import ILEGIBLE, leer_carpeta

    carpeta = tmp_path / "fichas"
    carpeta.mkdir()
    construir.bomba_zip_docx(carpeta / "bomba.docx", descomprimido_mb=64)
    generar_ficha(cargar_practica(cargar("ficha_anexo_inexistente.json") | {"anexos": []}), carpeta / "buena.docx")
    inicio = time.perf_counter()
    filas = {f.archivo: f for f in leer_carpeta(carpeta)}
    assert time.perf_counter() - inicio < 10
    assert filas["bomba.docx"].estado == ILEGIBLE and "posible bomba zip" in filas["bomba.docx"].motivo
    assert filas["buena.docx"].estado != ILEGIBLE  # una ficha mala no detiene el catálogo
    r = cli("extraer", str(carpeta / "bomba.docx"), "-o", str(tmp_path / "x.json"))
    assert r.returncode == 2 and "posible bomba zip" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.json").exists()


def test_libro_con_mas_filas_que_el_limite(tmp_path: Path) -> None:
    libro = construir.libro_con_filas(tmp_path / "entrada.xlsx", 11)
    salida = tmp_path / "salida"
    with pytest.raises(ErrorEntrada, match="máximo es 10|más de 10 filas"):
        generar_lote(libro, salida, limite_filas=10)
    assert not salida.exists()
    r = cli("lote", str(libro), "-o", str(salida), "--limite-filas", "10", "--silencioso")
    assert r.returncode == 2 and "10" in r.stderr and "Traceback" not in r.stderr
    assert not salida.exists()
    informe = generar_lote(libro, salida, limite_filas=11, procesos=1)  # en el límite sí se genera
    assert len(list(salida.glob("*.docx"))) == 11 and informe.codigo_salida == 0


def test_libro_con_mas_bytes_que_el_limite(tmp_path: Path) -> None:
    libro = construir.libro_con_filas(tmp_path / "entrada.xlsx", 1)
    salida = tmp_path / "salida"
    with pytest.raises(ErrorEntrada, match="el máximo admitido es"):
        generar_lote(libro, salida, limite_bytes=1000)
    assert not salida.exists()


# ---------------------------------------------------------- plantillas propias


def test_plantillas_hostiles(tmp_path: Path) -> None:
    practica = cargar_practica(cargar("ficha_texto_hostil.json"))
    datos = HOSTILES / "ficha_texto_hostil.json"
    casos = [
        (construir.plantilla_variable_desconocida, "«practica.nombre_practica»: el esquema no tiene el campo"),
        (construir.plantilla_interior_python, "«''.__class__» intenta acceder al interior de Python y se rechaza"),
    ]
    for fabrica, motivo in casos:
        plantilla = fabrica(tmp_path / f"{fabrica.__name__}.docx")
        with pytest.raises(ErrorPlantilla) as exc:
            generar_ficha(practica, tmp_path / "salida.docx", plantilla=plantilla)
        assert motivo in str(exc.value)
        r = cli("ficha", str(datos), "-o", str(tmp_path / "salida.docx"), "--plantilla", str(plantilla))
        assert r.returncode == 2 and motivo in r.stderr and "Traceback" not in r.stderr
        r = cli("plantilla", "verificar", str(plantilla))
        assert r.returncode == 1 and motivo in r.stderr
        assert not (tmp_path / "salida.docx").exists()
    buena = construir.plantilla_restilizada(tmp_path / "restilizada.docx")
    ruta = generar_ficha(practica, tmp_path / "salida.docx", plantilla=buena)
    assert valores_ficha(ruta) == esperado_ficha(practica)


def test_script_construir_escribe_todos_los_binarios(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for bomba in ("bomba_zip_xlsx", "bomba_zip_docx"):  # 1 GB cada una: aquí basta con que se llamen
        monkeypatch.setattr(construir, bomba, lambda destino: shutil.copy(HOSTILES / "imagen_danada.png",
                                                                          destino) and destino)
    escritos = construir.escribir_binarios(tmp_path / "casos")
    assert [p.name for p in escritos] == ["bomba_zip.xlsx", "bomba_zip.docx", "libro_11_filas.xlsx",
                                          "plantilla_variable_desconocida.docx", "plantilla_interior_python.docx",
                                          "plantilla_restilizada.docx"]
    assert all(p.is_file() for p in escritos)
