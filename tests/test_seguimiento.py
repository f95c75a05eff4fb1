"""Seguimiento: libro editado como lo haría el equipo → recálculo → lectura → acuerdo → informe por cortes."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from conftest import cli, convertir_con_libreoffice
from docx import Document

import acuerdo_docs as ad
from acuerdo_docs.documentos.seguimiento import contexto_seguimiento, cortes_a_comparar
from acuerdo_docs.errores import ErrorEntrada, ErrorValidacion
from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico
from acuerdo_docs.esquemas.metodo_riesgo import nombre_probabilidad
from acuerdo_docs.lectores.actualizacion import actualizar_acuerdo
from acuerdo_docs.lectores.matriz_xlsx import leer_matriz
from acuerdo_docs.seguimiento import registrar_corte

CORTE_1 = date(2024, 3, 1)
CORTE_2 = date(2024, 4, 15)


# ------------------------------------------------------------------ apoyo


def _titulos(ws: openpyxl.worksheet.worksheet.Worksheet, requerido: str) -> tuple[int, dict[str, int]]:
    """La fila de títulos (la que tiene ``requerido``) y la columna de cada título."""
    for fila in ws.iter_rows(min_row=1, max_row=30):
        textos = {str(c.value).strip(): c.column for c in fila if isinstance(c.value, str)}
        if requerido in textos:
            return fila[0].row, textos
    raise AssertionError(f"no hay títulos con {requerido} en {ws.title}")


def _fila(ws, titulo: str, valor: str) -> int:
    """La fila cuya columna ``titulo`` vale ``valor`` (la referencia de un riesgo, la actividad de un hito)."""
    fila_t, cols = _titulos(ws, titulo)
    for fila in range(fila_t + 1, ws.max_row + 1):
        if ws.cell(fila, cols[titulo]).value == valor:
            return fila
    raise AssertionError(valor)


def _fila_riesgo(ws, id_riesgo: str) -> int:
    return _fila(ws, "Referencia", id_riesgo)


def _fila_hito(ws, actividad: str) -> int:
    return _fila(ws, "Actividad", actividad)


def _poner(ws, fila: int, titulo: str, valor: object, requerido: str) -> str:
    _f, cols = _titulos(ws, requerido)
    celda = ws.cell(fila, cols[titulo])
    celda.value = valor
    return celda.coordinate


def _celda_referencia(ws) -> openpyxl.cell.cell.Cell:
    for fila in ws.iter_rows(min_row=1, max_row=4):
        for celda in fila:
            texto = celda.value.lower() if isinstance(celda.value, str) else ""
            if texto.startswith(("fecha de corte", "fecha de referencia")):
                return next(c for c in fila[celda.column:] if c.value is not None)
    raise AssertionError("sin fecha de referencia")


def _texto_docx(ruta: Path) -> str:
    doc = Document(str(ruta))
    partes = [p.text for p in doc.paragraphs]
    for tabla in doc.tables:
        for fila in tabla.rows:
            partes += [c.text for c in fila.cells]
    return "\n".join(partes)


@pytest.fixture()
def acuerdo() -> AcuerdoSimbolico:
    return ad.ejemplo_acuerdo()


@pytest.fixture()
def libro(acuerdo: AcuerdoSimbolico, tmp_path: Path) -> Path:
    ruta = tmp_path / "entrada" / "matriz.xlsx"
    ruta.parent.mkdir()
    ad.generar_matriz_riesgos(acuerdo, ruta)
    return ruta


def _editar_como_usuario(ruta: Path, acuerdo: AcuerdoSimbolico, destino: Path) -> dict[str, object]:
    """Cambia una probabilidad, un control, el avance y las fechas de un hito y la fecha de corte."""
    wb = openpyxl.load_workbook(ruta)
    matriz, hoja_ruta = wb["Matriz"], wb["Hoja de ruta"]
    riesgo = acuerdo.riesgos[1]
    fila = _fila_riesgo(matriz, riesgo.id)
    _poner(matriz, fila, "Probabilidad inherente", "Muy alta", "Referencia")
    _poner(matriz, fila, "Tipo de control 1", "Correctivo", "Referencia")
    hito = next(h for h in acuerdo.hoja_de_ruta if 0 < h.avance < 100)
    fila_h = _fila_hito(hoja_ruta, hito.actividad)
    _poner(hoja_ruta, fila_h, "Avance", 1, "Actividad")
    _poner(hoja_ruta, fila_h, "Fin", datetime(2024, 2, 20), "Actividad")
    _celda_referencia(hoja_ruta).value = datetime(2024, 3, 1)
    wb.save(destino)
    return {"riesgo": riesgo, "hito": hito}


# ------------------------------------------------------------------ lectura


def test_libro_sin_editar_se_lee_igual_al_acuerdo(acuerdo: AcuerdoSimbolico, libro: Path) -> None:
    datos = leer_matriz(libro)
    assert [r.model_dump() for r in datos.riesgos] == [r.model_dump() for r in acuerdo.riesgos]
    assert sorted(h.actividad for h in datos.hitos) == sorted(h.actividad for h in acuerdo.hoja_de_ruta)
    assert datos.fecha_corte == acuerdo.fecha_corte
    cambios: list = []
    actualizar_acuerdo(acuerdo, libro, cambios=cambios)
    assert cambios == []


@pytest.mark.libreoffice
def test_ida_y_vuelta_con_libreoffice(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    editado = tmp_path / "editado.xlsx"
    cambiado = _editar_como_usuario(libro, acuerdo, editado)
    # LibreOffice abre, recalcula y guarda: así llega el libro de un equipo que usa LibreOffice.
    guardado = tmp_path / "lo"
    convertir_con_libreoffice([editado], "xlsx", guardado)
    cambios: list = []
    avisos: list = []
    nuevo = actualizar_acuerdo(acuerdo, guardado / "editado.xlsx", cambios=cambios, avisos=avisos)
    riesgo, hito = cambiado["riesgo"], cambiado["hito"]
    textos = sorted(str(c) for c in cambios)
    assert textos == sorted([
        f"Riesgo {riesgo.id}: Probabilidad inherente: {nombre_probabilidad(riesgo.probabilidad)} → Muy alta",
        *[t for t in textos if t.startswith(f"Riesgo {riesgo.id}, control «")],  # uno por atributo cambiado
        *[t for t in textos if t.startswith(f"Riesgo {riesgo.id}: Zona de riesgo residual")],
        f"Hito «{hito.actividad}»: Avance (%): {hito.avance} → 100",
        f"Hito «{hito.actividad}»: Fecha de fin: {hito.fin:%d/%m/%Y} → 20/02/2024",
        "Acuerdo: Fecha de corte del avance: 24/10/2023 → 01/03/2024",
    ])
    assert any("correctivo" in t.lower() for t in textos if ", control «" in t)
    assert avisos == []
    # Lo que LibreOffice recalculó en el libro es lo que Python calcula para los datos editados.
    recalculado = openpyxl.load_workbook(guardado / "editado.xlsx", data_only=True)
    ws = recalculado["Matriz"]
    fila = _fila_riesgo(ws, riesgo.id)
    _f, cols = _titulos(ws, "Referencia")
    editado_modelo = next(r for r in nuevo.riesgos if r.id == riesgo.id)
    assert ws.cell(fila, cols["Zona de riesgo inherente"]).value == editado_modelo.zona_inherente
    assert ws.cell(fila, cols["Zona de riesgo residual"]).value == editado_modelo.zona_residual
    hoja = recalculado["Hoja de ruta"]
    fila_h = _fila_hito(hoja, hito.actividad)
    _f, cols_h = _titulos(hoja, "Actividad")
    assert hoja.cell(fila_h, cols_h["Estado"]).value == "completado"
    assert next(h for h in nuevo.hoja_de_ruta if h.actividad == hito.actividad).estado(CORTE_1) == "completado"


def test_dos_cortes_y_desde(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    editado = tmp_path / "editado.xlsx"
    cambiado = _editar_como_usuario(libro, acuerdo, editado)
    primero = registrar_corte(acuerdo, editado, CORTE_1, tmp_path / "seg")
    assert primero.carpeta == tmp_path / "seg" / "corte_2024-03-01"
    assert sorted(p.name for p in primero.carpeta.iterdir()) == [
        "acuerdo.docx", "acuerdo.json", "infografia.pdf", "infografia.png", "informe_seguimiento.docx",
        "matriz_riesgos.xlsx"]
    guardado = json.loads((primero.carpeta / "acuerdo.json").read_text(encoding="utf-8"))
    assert guardado["fecha_corte"] == "2024-03-01"
    assert [c["fecha"] for c in guardado["seguimiento"]] == ["2023-10-24", "2024-03-01"]
    informe = _texto_docx(primero.carpeta / "informe_seguimiento.docx")
    assert "Del 24 de octubre de 2023 al 1 de marzo de 2024." in informe
    assert f"«{cambiado['hito'].actividad}»: Avance (%)" in informe

    # Segundo corte, sobre lo que dejó el primero: otro hito avanza en la matriz regenerada.
    acuerdo_1 = AcuerdoSimbolico.model_validate(guardado)
    wb = openpyxl.load_workbook(primero.carpeta / "matriz_riesgos.xlsx")
    otro = next(h for h in acuerdo_1.hoja_de_ruta if h.avance < 100 and h.actividad != cambiado["hito"].actividad)
    _poner(wb["Hoja de ruta"], _fila_hito(wb["Hoja de ruta"], otro.actividad), "Avance", 1, "Actividad")
    segundo_libro = tmp_path / "segundo.xlsx"
    wb.save(segundo_libro)
    segundo = registrar_corte(acuerdo_1, segundo_libro, CORTE_2, tmp_path / "seg")
    assert [c.fecha for c in segundo.acuerdo.seguimiento] == [date(2023, 10, 24), CORTE_1, CORTE_2]
    assert [str(c) for c in segundo.cambios if "Avance" in str(c)] == [
        f"Hito «{otro.actividad}»: Avance (%): {otro.avance} → 100"]
    informe_2 = _texto_docx(segundo.carpeta / "informe_seguimiento.docx")
    assert "Del 1 de marzo de 2024 al 15 de abril de 2024." in informe_2
    assert cambiado["hito"].actividad not in [linea for linea in informe_2.splitlines() if "Avance (%)" in linea]
    # --desde: cualquier par de cortes guardados.
    contexto = contexto_seguimiento(segundo.acuerdo, desde=date(2023, 10, 24))
    assert contexto["periodo"] == "Del 24 de octubre de 2023 al 15 de abril de 2024."
    completados = {h["actividad"] for h in contexto["completados"]}
    assert {cambiado["hito"].actividad, otro.actividad} <= completados
    with pytest.raises(ErrorEntrada, match="no hay un corte del 2024-01-15"):
        cortes_a_comparar(segundo.acuerdo, desde=date(2024, 1, 15))
    # Un corte anterior al último no se acepta: los cortes van hacia adelante.
    with pytest.raises(ErrorEntrada, match="anterior al último corte"):
        registrar_corte(segundo.acuerdo, segundo_libro, date(2024, 3, 10), tmp_path / "seg")


def test_informe_compara_avance_por_actor_y_riesgos(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    editado = tmp_path / "editado.xlsx"
    cambiado = _editar_como_usuario(libro, acuerdo, editado)
    resultado = registrar_corte(acuerdo, editado, CORTE_1, tmp_path / "seg")
    contexto = contexto_seguimiento(resultado.acuerdo)
    hito = cambiado["hito"]
    entidad = acuerdo.actor(hito.responsable).entidad
    fila = next(f for f in contexto["por_actor"] if f["nombre"] == entidad)
    propios = [h for h in acuerdo.hoja_de_ruta if h.responsable == hito.responsable]
    antes = sum(h.avance for h in propios) / len(propios)
    ahora = antes + (100 - hito.avance) / len(propios)
    assert fila["antes"] == f"{round(antes)} %" and fila["ahora"] == f"{round(ahora)} %"
    riesgo = cambiado["riesgo"]
    nuevo = next(r for r in resultado.acuerdo.riesgos if r.id == riesgo.id)
    movidos = {m["id"]: (m["antes"], m["ahora"]) for m in contexto["riesgos"]["movidos"]}
    if nuevo.zona_residual != riesgo.zona_residual:
        assert movidos[riesgo.id] == (riesgo.zona_residual, nuevo.zona_residual)
    else:
        assert riesgo.id not in movidos


def test_salida_determinista(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    a = registrar_corte(acuerdo, libro, CORTE_1, tmp_path / "a")
    b = registrar_corte(acuerdo, libro, CORTE_1, tmp_path / "b")
    for ruta in a.archivos:
        assert ruta.read_bytes() == (b.carpeta / ruta.name).read_bytes(), ruta.name


# ------------------------------------------------------------------ ediciones hostiles


def _nada_escrito(carpeta: Path) -> bool:
    return not carpeta.exists() or not any(carpeta.iterdir())


def test_texto_en_celda_numerica_y_responsable_desconocido(acuerdo: AcuerdoSimbolico, libro: Path,
                                                            tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(libro)
    hoja = wb["Hoja de ruta"]
    primero = acuerdo.hoja_de_ruta[0].actividad
    celda_avance = _poner(hoja, _fila_hito(hoja, primero), "Avance", "mucho", "Actividad")
    celda_resp = _poner(hoja, _fila_hito(hoja, acuerdo.hoja_de_ruta[1].actividad), "Responsable", "nadie",
                        "Actividad")
    malo = tmp_path / "malo.xlsx"
    wb.save(malo)
    with pytest.raises(ErrorValidacion) as exc:
        registrar_corte(acuerdo, malo, CORTE_1, tmp_path / "seg")
    texto = str(exc.value)
    assert f"Hoja de ruta!{celda_avance}" in texto
    wb[hoja.title][celda_avance] = 0.5
    wb.save(malo)
    with pytest.raises(ErrorValidacion) as exc:
        registrar_corte(acuerdo, malo, CORTE_1, tmp_path / "seg")
    assert f"Hoja de ruta!{celda_resp}" in str(exc.value) and "no es el id de ningún actor" in str(exc.value)
    assert _nada_escrito(tmp_path / "seg")


def test_riesgo_nuevo_sin_id_fila_borrada_y_hoja_renombrada(acuerdo: AcuerdoSimbolico, libro: Path,
                                                             tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(libro)
    matriz = wb["Matriz"]
    matriz.title = "Riesgos del reto"  # hoja renombrada: se encuentra por sus títulos
    fila_t, cols = _titulos(matriz, "Referencia")
    borrado = acuerdo.riesgos[-1]
    matriz.delete_rows(_fila_riesgo(matriz, borrado.id))
    libre = _fila_riesgo(matriz, acuerdo.riesgos[-2].id) + 1
    matriz.cell(libre, cols["Descripción del riesgo"]).value = "Posibilidad de pérdida por lluvias"
    sin_id = tmp_path / "sin_id.xlsx"
    wb.save(sin_id)
    with pytest.raises(ErrorValidacion) as exc:
        registrar_corte(acuerdo, sin_id, CORTE_1, tmp_path / "seg")
    celda_id = matriz.cell(libre, cols["Referencia"]).coordinate
    assert f"Riesgos del reto!{celda_id}" in str(exc.value) and "no tiene referencia" in str(exc.value)
    assert _nada_escrito(tmp_path / "seg")

    matriz.cell(libre, cols["Referencia"]).value = "R99"
    for titulo, valor in (("Clasificación", "Daños a activos fijos/eventos externos"),
                          ("Probabilidad inherente", "Baja"), ("Impacto inherente", "Menor")):
        matriz.cell(libre, cols[titulo]).value = valor
    wb.save(sin_id)
    resultado = registrar_corte(acuerdo, sin_id, CORTE_1, tmp_path / "seg")
    textos = [str(c) for c in resultado.cambios]
    assert f"Riesgo {borrado.id}: Riesgo (quitado): zona residual {borrado.zona_residual}" in textos
    assert any(t.startswith("Riesgo R99: Riesgo (nuevo)") for t in textos)
    contexto = contexto_seguimiento(resultado.acuerdo)
    assert [r["id"] for r in contexto["riesgos"]["cerrados"]] == [borrado.id]
    assert [r["id"] for r in contexto["riesgos"]["nuevos"]] == ["R99"]


def test_formula_sobrescrita_y_columna_extra(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(libro)
    matriz = wb["Matriz"]
    fila_t, cols = _titulos(matriz, "Referencia")
    fila = _fila_riesgo(matriz, acuerdo.riesgos[0].id)
    celda = matriz.cell(fila, cols["Zona de riesgo residual"])
    celda.value = "Bajo"  # el usuario escribió encima de la fórmula
    extra = matriz.cell(fila_t, matriz.max_column + 1)
    extra.value = "Observaciones del comité"
    matriz.cell(fila, extra.column).value = "revisar en abril"
    editado = tmp_path / "editado.xlsx"
    wb.save(editado)
    resultado = registrar_corte(acuerdo, editado, CORTE_1, tmp_path / "seg")
    avisos = [str(a) for a in resultado.avisos]
    assert f"Matriz!{celda.coordinate}: tenía una fórmula y se escribió un valor encima: se recalcula" in avisos
    assert any("Observaciones del comité" in a for a in avisos)
    # La zona se recalcula desde los datos, no se toma la tecleada.
    assert resultado.acuerdo.riesgos[0].zona_residual == acuerdo.riesgos[0].zona_residual


def test_no_escribe_sobre_su_entrada(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    primero = registrar_corte(acuerdo, libro, CORTE_1, tmp_path / "seg")
    libro_en_corte = primero.carpeta / "matriz_riesgos.xlsx"
    antes = libro_en_corte.read_bytes()
    with pytest.raises(ErrorEntrada, match="que este corte reemplazaría"):
        registrar_corte(primero.acuerdo, libro_en_corte, CORTE_1, tmp_path / "seg")
    assert libro_en_corte.read_bytes() == antes
    # Tampoco el JSON del acuerdo, si se lee desde la carpeta que el corte reemplazaría.
    json_en_corte = primero.carpeta / "acuerdo.json"
    antes_json = json_en_corte.read_bytes()
    with pytest.raises(ErrorEntrada, match="acuerdo.json está dentro"):
        registrar_corte(primero.acuerdo, libro, CORTE_1, tmp_path / "seg", entradas=[json_en_corte])
    assert json_en_corte.read_bytes() == antes_json


# ------------------------------------------------------------------ línea de órdenes


def test_cli_seguimiento(acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    entrada = tmp_path / "acuerdo.json"
    entrada.write_text(json.dumps(acuerdo.model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    editado = tmp_path / "editado.xlsx"
    _editar_como_usuario(libro, acuerdo, editado)
    r = cli("seguimiento", str(entrada), str(editado), "--corte", "2024-03-01", "-o", str(tmp_path / "seg"))
    assert r.returncode == 0, r.stderr
    assert "Corte del 2024-03-01: 6 cambio(s) leídos del libro." in r.stdout or "cambio(s)" in r.stdout
    assert (tmp_path / "seg" / "corte_2024-03-01" / "informe_seguimiento.docx").is_file()


@pytest.mark.parametrize("caso", ["no_es_matriz", "desde_inexistente", "responsable_malo", "sin_corte"])
def test_cli_errores_una_linea_sin_traza(caso: str, acuerdo: AcuerdoSimbolico, libro: Path, tmp_path: Path) -> None:
    entrada = tmp_path / "acuerdo.json"
    entrada.write_text(json.dumps(acuerdo.model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    args = [str(entrada), str(libro), "--corte", "2024-03-01", "-o", str(tmp_path / "seg")]
    esperado = {"no_es_matriz": 2, "desde_inexistente": 2, "responsable_malo": 1, "sin_corte": 2}[caso]
    if caso == "no_es_matriz":
        otro = tmp_path / "otro.xlsx"
        wb = openpyxl.Workbook()
        wb.active["A1"] = "hola"
        wb.save(otro)
        args[1] = str(otro)
    elif caso == "desde_inexistente":
        args += ["--desde", "2020-01-01"]
    elif caso == "responsable_malo":
        wb = openpyxl.load_workbook(libro)
        hoja = wb["Hoja de ruta"]
        _poner(hoja, _fila_hito(hoja, acuerdo.hoja_de_ruta[0].actividad), "Responsable", "nadie [/]",
               "Actividad")
        wb.save(libro)
    else:
        args = args[:2] + args[4:]
    r = cli("seguimiento", *args)
    assert r.returncode == esperado, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "\x1b" not in r.stderr
    assert _nada_escrito(tmp_path / "seg")


def test_ejemplo_de_dos_cortes_esta_al_dia() -> None:
    carpeta = Path(__file__).resolve().parents[1] / "salidas_ejemplo" / "seguimiento"
    assert sorted(p.name for p in carpeta.iterdir() if p.is_dir()) == ["corte_2023-12-01", "corte_2024-02-01"]
    ultimo = json.loads((carpeta / "corte_2024-02-01" / "acuerdo.json").read_text(encoding="utf-8"))
    assert [c["fecha"] for c in ultimo["seguimiento"]] == ["2023-10-24", "2023-12-01", "2024-02-01"]
