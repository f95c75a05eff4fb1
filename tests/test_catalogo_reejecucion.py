"""Re-ejecutar el catálogo sobre uno editado a mano (openpyxl y LibreOffice) no pierde nada."""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import convertir_con_libreoffice
from openpyxl import load_workbook

from acuerdo_docs import Valoracion, derivar_nivel, ejemplo_ficha, renderizar_ficha
from acuerdo_docs.cli import main
from acuerdo_docs.documentos.catalogo import (
    HOJA_CATALOGO,
    HOJA_RETIRADAS,
    MARCA_REVISAR,
    generar_catalogo,
    ruta_respaldo,
)
from acuerdo_docs.errores import ErrorEntrada, ErrorValidacion
from acuerdo_docs.esquemas.valoracion import CRITERIOS
from acuerdo_docs.lectores.catalogo_xlsx import TITULO_ARCHIVO, TITULO_NOTAS, TITULO_REVISAR, titulo_criterio

NIVEL = "Nivel DAFP"
EVALUADOR, FECHA = "Evaluador(a)", "Fecha de la valoración"


def _ficha(nombre: str, **cambios: Any) -> bytes:
    return renderizar_ficha(ejemplo_ficha().model_copy(update={"nombre": nombre, **cambios}))


@pytest.fixture()
def carpeta(tmp_path: Path) -> Path:
    raiz = tmp_path / "fichas"
    raiz.mkdir()
    for letra in "ABCDG":
        (raiz / f"{letra}.docx").write_bytes(_ficha(f"Práctica {letra}"))
    datos = ejemplo_ficha().model_dump(mode="json") | {"nombre": "Práctica E en JSON"}
    datos["valoracion"] = {"sencilla": "Sí", "pertinente": "Sí", "replicable": "Sí", "evaluador": "Evaluadora JSON"}
    (raiz / "E.json").write_text(json.dumps(datos, ensure_ascii=False), encoding="utf-8")
    return raiz


def _hoja(ruta: Path, hoja: str = HOJA_CATALOGO, *, calculado: bool = False) -> dict[str, dict[str, Any]]:
    ws = load_workbook(ruta, data_only=calculado)[hoja]
    filas = list(ws.iter_rows(values_only=True))
    return {f[0]: dict(zip(filas[0], f)) for f in filas[1:] if f[0]}


def _editar(ruta: Path, cambios: dict[str, dict[str, Any]]) -> None:
    """Lo que haría una persona en Excel: escribir en las celdas de la valoración y las notas."""
    wb = load_workbook(ruta)
    ws = wb[HOJA_CATALOGO]
    titulos = {c.value: c.column for c in ws[1]}
    for fila in ws.iter_rows(min_row=2):
        archivo = fila[titulos[TITULO_ARCHIVO] - 1].value
        for titulo, valor in cambios.get(archivo, {}).items():
            celda = ws.cell(row=fila[0].row, column=titulos[titulo], value=valor)
            if isinstance(valor, str):
                celda.data_type = "s"  # texto tecleado (en Excel, con apóstrofo si empieza por =)
    wb.save(ruta)


TODO_SI = {titulo_criterio(c): "Sí" for c in CRITERIOS}
EDICIONES = {
    "A.docx": {**TODO_SI, "Sencilla – justificación": "Un paso", EVALUADOR: "Evaluadora Uno",
               FECHA: datetime(2024, 3, 5), TITULO_NOTAS: "Presentar en el comité"},
    "B.docx": {titulo_criterio("sencilla"): "Sí", titulo_criterio("pertinente"): "No"},
    "C.docx": {titulo_criterio("replicable"): "si", TITULO_NOTAS: "=SUMA(1;2) escrita a mano"},
    "G.docx": {titulo_criterio("sencilla"): "No", TITULO_NOTAS: "Se archivó"},
}


def _reorganizar(raiz: Path) -> None:
    """Un mes después: F nueva, B cambiada, C movida, D y G borradas."""
    (raiz / "F.docx").write_bytes(_ficha("Práctica F"))
    (raiz / "B.docx").write_bytes(_ficha("Práctica B", conclusiones="Conclusiones revisadas."))
    (raiz / "2024").mkdir()
    shutil.move(raiz / "C.docx", raiz / "2024" / "C.docx")
    (raiz / "D.docx").unlink()
    (raiz / "G.docx").unlink()


def _comprobar_conservado(destino: Path) -> None:
    filas = _hoja(destino)
    assert set(filas) == {"2024/C.docx", "A.docx", "B.docx", "E.json", "F.docx"}
    a = filas["A.docx"]
    assert all(a[titulo] == "Sí" for titulo in TODO_SI)
    assert a["Sencilla – justificación"] == "Un paso" and a[EVALUADOR] == "Evaluadora Uno"
    assert a[FECHA] == datetime(2024, 3, 5) and a[TITULO_NOTAS] == "Presentar en el comité"
    assert a["Cambio desde la ejecución anterior"] == "Sin cambios" and not a[TITULO_REVISAR]
    b = filas["B.docx"]
    assert (b[titulo_criterio("sencilla")], b[titulo_criterio("pertinente")]) == ("Sí", "No")
    assert b[TITULO_REVISAR] == MARCA_REVISAR and b["Cambio desde la ejecución anterior"] == "Cambiada"
    c = filas["2024/C.docx"]
    assert c[titulo_criterio("replicable")] == "Sí" and c[TITULO_NOTAS] == "=SUMA(1;2) escrita a mano"
    assert c["Cambio desde la ejecución anterior"] == "Movida"
    assert filas["F.docx"]["Cambio desde la ejecución anterior"] == "Nueva"
    assert filas["E.json"][EVALUADOR] == "Evaluadora JSON"  # la valoración del JSON entra al catálogo
    retiradas = _hoja(destino, HOJA_RETIRADAS)
    assert set(retiradas) == {"G.docx"}  # D no tenía nada escrito: no hace falta guardarla
    assert retiradas["G.docx"][titulo_criterio("sencilla")] == "No"
    assert retiradas["G.docx"][TITULO_NOTAS] == "Se archivó"
    ws = load_workbook(destino)[HOJA_CATALOGO]
    celda = next(f for f in ws.iter_rows(min_row=2) if f[0].value == "2024/C.docx")
    notas = [c for c in celda if ws.cell(row=1, column=c.column).value == TITULO_NOTAS][0]
    assert notas.data_type == "s"  # lo que una persona escribió sigue siendo texto, no fórmula


def _informe_esperado(resultado: Any) -> None:
    informe = resultado.informe
    assert informe.nuevas == ["F.docx"]
    assert informe.cambiadas == ["B.docx"] and informe.marcadas == ["B.docx"]
    assert informe.movidas == [("C.docx", "2024/C.docx")]
    assert informe.desaparecidas == ["D.docx", "G.docx"]
    assert informe.sin_cambios == 2  # A y E


def test_reejecucion_conserva_lo_editado_con_openpyxl(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    primero = generar_catalogo(carpeta, destino)
    assert primero.informe.anterior is None and primero.informe.respaldo is None
    _editar(destino, EDICIONES)
    editado = destino.read_bytes()
    _reorganizar(carpeta)
    resultado = generar_catalogo(carpeta, destino)
    _informe_esperado(resultado)
    assert resultado.informe.respaldo == ruta_respaldo(destino) == tmp_path / "catalogo.xlsx.bak"
    assert ruta_respaldo(destino).read_bytes() == editado
    _comprobar_conservado(destino)
    # Otra ejecución sin cambios en la carpeta: nada cambia de una vez a la siguiente.
    generar_catalogo(carpeta, destino)
    tercera = destino.read_bytes()
    generar_catalogo(carpeta, destino)
    assert destino.read_bytes() == tercera
    _comprobar_conservado_sin_cambios(destino)


def _comprobar_conservado_sin_cambios(destino: Path) -> None:
    filas = _hoja(destino)
    assert {f["Cambio desde la ejecución anterior"] for f in filas.values()} == {"Sin cambios"}
    assert filas["B.docx"][TITULO_REVISAR] == MARCA_REVISAR  # la marca se queda hasta que alguien la borre
    assert filas["A.docx"][TITULO_NOTAS] == "Presentar en el comité"


def test_ficha_retirada_que_vuelve_recupera_su_valoracion(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, destino)
    _editar(destino, EDICIONES)
    guardada = (carpeta / "G.docx").read_bytes()
    (carpeta / "G.docx").unlink()
    generar_catalogo(carpeta, destino)
    (carpeta / "archivo").mkdir()
    (carpeta / "archivo" / "G.docx").write_bytes(guardada)  # vuelve, en otra carpeta
    resultado = generar_catalogo(carpeta, destino)
    assert resultado.informe.restauradas == ["archivo/G.docx"]
    fila = _hoja(destino)["archivo/G.docx"]
    assert fila[titulo_criterio("sencilla")] == "No" and fila[TITULO_NOTAS] == "Se archivó"
    assert HOJA_RETIRADAS not in load_workbook(destino).sheetnames  # vacía: sin hoja (ni página impresa)


@pytest.mark.libreoffice
def test_reejecucion_sobre_un_catalogo_guardado_por_libreoffice(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, destino)
    _editar(destino, EDICIONES)
    convertir_con_libreoffice([destino], "xlsx", tmp_path / "lo")
    shutil.copy(tmp_path / "lo" / "catalogo.xlsx", destino)  # el libro tal como lo guarda LibreOffice
    # LibreOffice recalculó el nivel: igual que Python con las mismas celdas.
    calculado = _hoja(destino, calculado=True)
    for archivo, fila in calculado.items():
        respuestas = {c: fila[titulo_criterio(c)] for c in CRITERIOS}
        assert fila[NIVEL] == derivar_nivel(respuestas), archivo
    assert calculado["A.docx"][NIVEL] == "Segundo nivel" and calculado["B.docx"][NIVEL] == "No clasifica"
    _reorganizar(carpeta)
    _informe_esperado(generar_catalogo(carpeta, destino))
    _comprobar_conservado(destino)


def test_valoracion_fijada_desde_python(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, destino)
    _editar(destino, {"D.docx": {titulo_criterio("sencilla"): "No"}})
    valoracion = Valoracion(**{c: "Sí" for c in CRITERIOS}, evaluador="Comité", fecha=date(2024, 5, 2))
    resultado = generar_catalogo(carpeta, destino, valoraciones={"D.docx": valoracion})
    fila = _hoja(destino)["D.docx"]
    assert fila[titulo_criterio("sencilla")] == "Sí" and fila[EVALUADOR] == "Comité"
    assert any("D.docx" in c and "Python" in c for c in resultado.informe.conflictos)  # nunca en silencio


def test_valor_ilegible_en_el_catalogo_detiene_sin_escribir(carpeta: Path, tmp_path: Path) -> None:
    destino = tmp_path / "catalogo.xlsx"
    generar_catalogo(carpeta, destino)
    _editar(destino, {"A.docx": {titulo_criterio("sencilla"): "Tal vez", FECHA: "ayer"}})
    antes = destino.read_bytes()
    with pytest.raises(ErrorValidacion) as exc:
        generar_catalogo(carpeta, destino)
    texto = str(exc.value)
    assert "fila 2, columna «Sencilla»" in texto and "Sí, No o Sin valorar" in texto
    assert "columna «Fecha de la valoración»" in texto
    assert destino.read_bytes() == antes and not ruta_respaldo(destino).exists()


def test_no_sobrescribe_un_libro_que_no_es_un_catalogo(carpeta: Path, tmp_path: Path) -> None:
    otro = tmp_path / "presupuesto.xlsx"
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Presupuesto"
    wb.save(otro)
    antes = otro.read_bytes()
    with pytest.raises(ErrorEntrada, match="no parece un catálogo"):
        generar_catalogo(carpeta, otro)
    assert otro.read_bytes() == antes
    assert main(["catalogo", str(carpeta), "-o", str(otro)]) == 2


def test_cli_informa_cada_cambio(carpeta: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    destino = tmp_path / "catalogo.xlsx"
    assert main(["catalogo", str(carpeta), "-o", str(destino)]) == 0
    _editar(destino, EDICIONES)
    _reorganizar(carpeta)
    capsys.readouterr()
    assert main(["catalogo", str(carpeta), "-o", str(destino)]) == 0
    salida = capsys.readouterr().out
    assert "2 sin cambios, 1 nueva(s), 1 cambiada(s), 1 movida(s), 2 desaparecida(s)" in salida
    assert "nueva: F.docx" in salida and "movida: C.docx → 2024/C.docx" in salida
    assert "cambiada: B.docx (valoración marcada para revisar)" in salida
    assert "desaparecida: G.docx" in salida and "catalogo.xlsx.bak" in salida
    assert "Evaluadora" not in salida  # nada de datos personales en la terminal
