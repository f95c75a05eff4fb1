"""Datos abiertos: CSV y JSON releídos y comprobados contra el diccionario y el JSON Schema."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook

from acuerdo_docs import ejemplo_ficha, renderizar_ficha
from acuerdo_docs.cli import main
from acuerdo_docs.documentos.catalogo import generar_catalogo, restaurar, rutas_anexas
from acuerdo_docs.errores import ErrorEntrada
from acuerdo_docs.esquemas.publicacion import COLUMNAS_PUBLICAS
from acuerdo_docs.esquemas.valoracion import NIVELES, RESPUESTAS

PERSONALES = {
    "directivo": "Directora Ejemplo Reservada", "colaborador": "Colaborador Ejemplo Reservado",
    "telefono": "310 555 0199", "correo": "colaborador.reservado@alcaldiabogota.gov.co",
}
EVALUADORA = "Evaluadora Reservada"
HOSTILES = {
    "nombre": "=HIPERVINCULO(\"http://x\";\"clic\")", "equipo": "+57 equipo", "proceso": "-1+1",
    "tipo_vinculacion": "@SUMA(A1)", "otros_aspectos": "'=ya tenía apóstrofo",
}


@pytest.fixture()
def carpeta(tmp_path: Path) -> Path:
    raiz = tmp_path / "fichas"
    raiz.mkdir()
    base = ejemplo_ficha().model_copy(update=PERSONALES)
    (raiz / "colaborador_reservado.docx").write_bytes(renderizar_ficha(base))  # nombre de archivo personal
    (raiz / "hostil.docx").write_bytes(renderizar_ficha(base.model_copy(update=HOSTILES)))
    datos = base.model_dump(mode="json") | {"nombre": "Práctica valorada"}
    datos["valoracion"] = {
        "sencilla": {"respuesta": "Sí", "justificacion": "Pocos pasos"}, "pertinente": "Sí", "replicable": "Sí",
        "genera_solucion": "Sí", "resultados_medibles": "Sí", "mejora_eficiencia": "Sí", "sostenible": "Sí",
        "evaluador": EVALUADORA, "fecha": "2024-02-29",
    }
    (raiz / "valorada.json").write_text(json.dumps(datos, ensure_ascii=False), encoding="utf-8")
    (raiz / "dañada.docx").write_bytes(b"no es un docx")
    return raiz


def _diccionario(ruta: Path) -> dict[str, dict[str, str]]:
    with ruta.open(encoding="utf-8", newline="") as f:
        return {fila["columna"]: fila for fila in csv.DictReader(f)}


def _comprobar_tipo(valor: Any, tipo: str, columna: str) -> None:
    if tipo.startswith("fecha"):
        assert (valor in ("", None) and "vacía" in tipo) or date.fromisoformat(valor), columna
    elif tipo.startswith("booleano"):
        assert valor in ("true", "false", True, False), columna
    elif tipo.startswith("texto, uno de: "):
        assert valor in tipo.removeprefix("texto, uno de: ").split(" / "), columna
    elif tipo == "lista de textos":
        assert isinstance(valor, (str, list)), columna
    else:
        assert tipo == "texto" and isinstance(valor, str), columna


def _sin_datos_personales(texto: str) -> None:
    for valor in (*PERSONALES.values(), EVALUADORA, "colaborador_reservado", "3105550199"):
        assert valor not in texto


def test_csv_releido_contra_el_diccionario(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "publicar" / "catalogo.csv"
    resultado = generar_catalogo(carpeta, destino)
    anexas = rutas_anexas(destino)
    assert resultado.escritos == [destino, anexas["diccionario"], anexas["metadatos"], anexas["esquema"]]
    assert resultado.filas_publicadas == 3  # la ficha dañada no se publica
    crudo = destino.read_bytes()
    assert not crudo.startswith(b"\xef\xbb\xbf") and b"\r\n" in crudo  # UTF-8 sin BOM, RFC 4180
    with destino.open(encoding="utf-8", newline="") as f:
        lector = csv.reader(f)
        encabezado = next(lector)
        filas = [dict(zip(encabezado, fila)) for fila in lector]
    diccionario = _diccionario(anexas["diccionario"])
    assert encabezado == list(COLUMNAS_PUBLICAS) == list(diccionario)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in encabezado)  # ASCII snake_case
    for fila in filas:
        assert len(fila) == len(encabezado)
        for columna, valor in fila.items():
            _comprobar_tipo(restaurar(valor), diccionario[columna]["tipo"], columna)
            if diccionario[columna]["obligatoria"] == "sí" and not diccionario[columna]["tipo"].startswith("lista"):
                assert valor != "", columna
    valorada = next(f for f in filas if f["nombre"] == "Práctica valorada")
    assert valorada["nivel"] == "Segundo nivel" and valorada["valoracion_completa"] == "true"
    assert valorada["justificacion_sencilla"] == "Pocos pasos" and valorada["fecha_valoracion"] == "2024-02-29"
    assert valorada["fecha_inicio"] == ejemplo_ficha().fecha_inicio.isoformat()
    assert len(valorada["retos"].split("\n")) == len(ejemplo_ficha().retos)
    assert re.fullmatch(r"[0-9a-f]{64}", valorada["id"])
    todo = "".join(p.read_text(encoding="utf-8") for p in resultado.escritos)
    _sin_datos_personales(todo)
    assert not {"directivo", "colaborador", "telefono", "correo", "evaluador", "archivo"} & set(encabezado)


def test_csv_neutraliza_la_inyeccion_de_formulas(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.csv"
    generar_catalogo(carpeta, destino)
    with destino.open(encoding="utf-8", newline="") as f:
        hostil = next(f for f in csv.DictReader(f) if "HIPERVINCULO" in f["nombre"])
    for columna, original in HOSTILES.items():
        assert hostil[columna] == "'" + original, columna  # ninguna celda empieza por = + - @
        assert restaurar(hostil[columna]) == original
    for valor in hostil.values():
        assert not valor.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_json_valida_contra_el_esquema_publicado(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.json"
    generar_catalogo(carpeta, destino)
    datos = json.loads(destino.read_text(encoding="utf-8"))
    esquema = json.loads(rutas_anexas(destino)["esquema"].read_text(encoding="utf-8"))
    assert esquema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    validador = jsonschema.Draft202012Validator(esquema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validador.validate(datos)
    assert len(datos) == 3 and all(list(r) == list(COLUMNAS_PUBLICAS) for r in datos)
    hostil = next(r for r in datos if "HIPERVINCULO" in r["nombre"])
    assert hostil["nombre"] == HOSTILES["nombre"]  # el JSON guarda el texto tal cual
    valorada = next(r for r in datos if r["nombre"] == "Práctica valorada")
    assert valorada["nivel"] in NIVELES and valorada["criterio_sencilla"] in RESPUESTAS
    assert valorada["valoracion_completa"] is True and isinstance(valorada["retos"], list)
    _sin_datos_personales(destino.read_text(encoding="utf-8"))
    # El validador de verdad comprueba formatos y valores: un registro alterado no pasa.
    for cambio in ({"fecha_inicio": "2023-02-30"}, {"nivel": "Tercer nivel"}, {"correo": "x@y.co"}):
        with pytest.raises(jsonschema.ValidationError):
            validador.validate([valorada | cambio])


def test_metadatos_dcat(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.csv"
    assert main(["catalogo", str(carpeta), "-o", str(destino), "--publicador", "Secretaría General",
                 "--emitido", "2024-01-15", "--frecuencia", "trimestral"]) == 1  # hay una ficha dañada
    meta = json.loads(rutas_anexas(destino)["metadatos"].read_text(encoding="utf-8"))
    assert meta["@type"] == "dcat:Dataset"
    assert meta["dct:title"] and meta["dct:description"] and meta["dct:license"].startswith("https://")
    assert meta["dct:publisher"]["foaf:name"] == "Secretaría General"
    assert meta["dct:issued"] == "2024-01-15"
    assert meta["dct:modified"] == "2024-02-29"  # la fecha más reciente de los datos, no el reloj
    assert meta["dct:accrualPeriodicity"].endswith("/quarterly") and "buenas prácticas" in meta["dcat:keyword"]
    assert meta["numero_de_filas"] == 3


def test_datos_abiertos_reproducibles_y_con_valoraciones_del_libro(carpeta: Path, tmp_path: Path) -> None:
    libro = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, libro)
    wb = load_workbook(libro)
    ws = wb["Catálogo"]
    columna = [c.value for c in ws[1]].index("Sencilla") + 1
    for fila in range(2, ws.max_row + 1):
        ws.cell(row=fila, column=columna, value="No")
    wb.save(libro)
    uno = generar_catalogo(carpeta, tmp_path / "uno" / "c.csv", valoraciones_de=libro).escritos
    dos = generar_catalogo(carpeta, tmp_path / "dos" / "c.csv", valoraciones_de=libro).escritos
    assert [a.read_bytes() for a in uno] == [b.read_bytes() for b in dos]
    with uno[0].open(encoding="utf-8", newline="") as f:
        filas = list(csv.DictReader(f))
    assert {f["criterio_sencilla"] for f in filas} == {"No"} and {f["nivel"] for f in filas} == {"No clasifica"}
    with pytest.raises(ErrorEntrada, match="nunca llevan datos personales"):
        generar_catalogo(carpeta, tmp_path / "x.csv", datos_personales=True)
    with pytest.raises(ErrorEntrada, match="formato de salida"):
        generar_catalogo(carpeta, tmp_path / "x.ods")


def test_las_salidas_en_la_carpeta_de_fichas_no_se_leen_como_fichas(carpeta: Path) -> None:
    destino = carpeta / "catalogo.json"
    generar_catalogo(carpeta, destino)
    resultado = generar_catalogo(carpeta, destino)
    assert resultado.total == 4  # el catálogo, su esquema y sus metadatos no cuentan como fichas
