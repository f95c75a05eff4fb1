"""Issue 24: los archivos que el equipo edita durante meses están a salvo.

Un libro sabe de qué acuerdo es; lo que el equipo escribió nunca se destruye (copia .bak o rechazo);
un archivo abierto en Excel o LibreOffice se respeta; la historia de cortes nunca se pierde; un .ods
guardado por LibreOffice entra al seguimiento.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from conftest import cli, convertir_con_libreoffice

import acuerdo_docs as ad
from acuerdo_docs.errores import ErrorEntrada, ErrorSalida
from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico
from acuerdo_docs.lectores.matriz_xlsx import leer_matriz
from acuerdo_docs.salida.protegidos import (
    PROPIEDAD_DESAFIO,
    PROPIEDAD_ID,
    libro_intacto,
    propiedades_xlsx,
    si_editado,
)
from acuerdo_docs.seguimiento import registrar_corte

CORTE_1 = date(2024, 3, 1)
CORTE_2 = date(2024, 4, 15)
CORTE_3 = date(2024, 5, 20)


def _datos() -> dict:
    return ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)


def _otro_desafio() -> dict:
    """Otro acuerdo del mismo laboratorio: los mismos socios (mismos ids), otro desafío y otra fecha."""
    datos = _datos()
    datos["desafio"]["nombre"] = "Reciclaje en plazas de mercado"
    datos["fecha"] = "2023-11-02"
    return datos


def _json(tmp_path: Path, nombre: str, datos: dict) -> Path:
    ruta = tmp_path / nombre
    ruta.write_text(json.dumps(datos, ensure_ascii=False), encoding="utf-8")
    return ruta


def _contenido(carpeta: Path) -> dict[str, bytes]:
    return {str(p.relative_to(carpeta)): p.read_bytes() for p in sorted(carpeta.rglob("*")) if p.is_file()}


def _editar(ruta: Path, valor: str = "Editado por el equipo") -> None:
    wb = openpyxl.load_workbook(ruta)
    ws = wb["Matriz"]
    for fila in ws.iter_rows(min_row=1, max_row=30):
        for celda in fila:
            if celda.value == "Descripción del riesgo" or celda.value == "Descripción":
                ws.cell(celda.row + 1, celda.column).value = valor
                wb.save(ruta)
                return
    raise AssertionError("sin columna de descripción")


# ------------------------------------------------------------------ 1. el libro sabe de qué acuerdo es


def test_libro_lleva_id_y_desafio_y_huella(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    ruta = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    props = propiedades_xlsx(ruta)
    assert props[PROPIEDAD_ID] == acuerdo.identificador()
    assert props[PROPIEDAD_DESAFIO] == acuerdo.desafio.nombre
    assert libro_intacto(ruta)
    # Determinista y sin reloj: el id derivado es el mismo en cada corrida; un id escrito en el JSON manda.
    assert acuerdo.identificador() == ad.ejemplo_acuerdo().identificador()
    con_id = AcuerdoSimbolico.model_validate({**_datos(), "id": "lab-2024-07"})
    assert con_id.identificador() == "lab-2024-07"
    _editar(ruta)
    assert not libro_intacto(ruta)
    assert propiedades_xlsx(ruta)[PROPIEDAD_ID] == acuerdo.identificador()  # openpyxl la conserva al guardar


def test_libro_de_otro_acuerdo_con_los_mismos_actores_se_rechaza(tmp_path: Path) -> None:
    otro = AcuerdoSimbolico.model_validate(_otro_desafio())
    libro_otro = ad.generar_matriz_riesgos(otro, tmp_path / "renombrado.xlsx")
    acuerdo_json = _json(tmp_path, "acuerdo.json", _datos())
    salida = tmp_path / "seguimiento"
    r = cli("seguimiento", str(acuerdo_json), str(libro_otro), "--corte", "2024-03-01", "-o", str(salida))
    assert r.returncode == 2, r.stderr
    assert "Reciclaje en plazas de mercado" in r.stderr
    assert ad.ejemplo_acuerdo().desafio.nombre in r.stderr
    assert "Traceback" not in r.stderr
    assert not salida.exists()


def test_libro_sin_identidad_se_lee_con_aviso(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    ruta = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(ruta)
    wb.custom_doc_props.props.clear()  # un libro viejo o hecho a mano
    wb.save(ruta)
    resultado = registrar_corte(acuerdo, ruta, CORTE_1, tmp_path / "seguimiento")
    assert any("no dice de qué acuerdo es" in str(a) for a in resultado.avisos)
    # El corte guarda el id en su JSON: desde ahí sobrevive a que se renombre el desafío.
    guardado = json.loads((resultado.carpeta / "acuerdo.json").read_text(encoding="utf-8"))
    assert guardado["id"] == acuerdo.identificador()
    guardado["desafio"]["nombre"] = "Nombre nuevo del desafío"
    renombrado = AcuerdoSimbolico.model_validate(guardado)
    assert renombrado.identificador() == acuerdo.identificador()
    assert propiedades_xlsx(resultado.carpeta / "matriz_riesgos.xlsx")[PROPIEDAD_ID] == acuerdo.identificador()


@pytest.mark.libreoffice
def test_identidad_sobrevive_a_libreoffice_xlsx_y_ods(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    ruta = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    for formato in ("xlsx", "ods"):
        carpeta = tmp_path / formato
        convertir_con_libreoffice([ruta], formato, carpeta)
        datos = leer_matriz(carpeta / f"m.{formato}")
        assert datos.acuerdo_id == acuerdo.identificador()
        assert datos.desafio == acuerdo.desafio.nombre


# ------------------------------------------------------------------ 2. nada de lo que el equipo escribió se destruye


def test_acuerdo_de_nuevo_sobre_libro_editado_deja_copia(tmp_path: Path) -> None:
    entrada = _json(tmp_path, "mi_acuerdo.json", _datos())
    salida = tmp_path / "salidas"
    assert cli("acuerdo", str(entrada), "-o", f"{salida}/").returncode == 0
    libro = salida / "mi_acuerdo_riesgos.xlsx"
    # Sin editar: se reemplaza sin copia (es el mismo que escribiría).
    assert cli("acuerdo", str(entrada), "-o", f"{salida}/").returncode == 0
    assert not (salida / "mi_acuerdo_riesgos.xlsx.bak").exists()
    _editar(libro, "Lo que escribió el equipo")
    editado = libro.read_bytes()
    r = cli("acuerdo", str(entrada), "-o", f"{salida}/")
    assert r.returncode == 0, r.stderr
    respaldo = salida / "mi_acuerdo_riesgos.xlsx.bak"
    assert respaldo.read_bytes() == editado
    assert "mi_acuerdo_riesgos.xlsx.bak" in r.stderr
    assert libro_intacto(libro)


def test_acuerdo_si_editado_rechazar_no_escribe_nada(tmp_path: Path) -> None:
    entrada = _json(tmp_path, "mi_acuerdo.json", _datos())
    salida = tmp_path / "salidas"
    assert cli("acuerdo", str(entrada), "-o", f"{salida}/").returncode == 0
    libro = salida / "mi_acuerdo_riesgos.xlsx"
    _editar(libro)
    antes = _contenido(salida)
    os.utime(salida / "mi_acuerdo.docx", (0, 0))
    r = cli("acuerdo", str(entrada), "-o", f"{salida}/", "--si-editado", "rechazar")
    assert r.returncode == 2
    assert "cambió desde que acuerdo_docs lo escribió" in r.stderr
    assert _contenido(salida) == antes
    assert os.stat(salida / "mi_acuerdo.docx").st_mtime == 0  # tampoco el Word: se rechaza antes de escribir


def test_politica_desde_python(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    ruta = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    _editar(ruta)
    with si_editado("rechazar"), pytest.raises(ErrorSalida, match="cambió"):
        ad.generar_matriz_riesgos(acuerdo, ruta)
    ad.generar_matriz_riesgos(acuerdo, ruta)
    assert (tmp_path / "m.xlsx.bak").exists()


def test_salida_de_solo_lectura_no_se_reemplaza(tmp_path: Path) -> None:
    entrada = _json(tmp_path, "a.json", _datos())
    destino = tmp_path / "m.xlsx"
    assert cli("riesgos", str(entrada), "-o", str(destino)).returncode == 0
    destino.chmod(0o444)
    antes = destino.read_bytes()
    r = cli("riesgos", str(entrada), "-o", str(destino))
    assert r.returncode == 2
    assert "solo lectura" in r.stderr
    assert destino.read_bytes() == antes


def test_corte_rehecho_con_libro_editado_en_su_carpeta_deja_copia(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    salida = tmp_path / "seguimiento"
    primero = registrar_corte(acuerdo, libro, CORTE_1, salida)
    en_corte = primero.carpeta / "matriz_riesgos.xlsx"
    _editar(en_corte, "Editado dentro del corte")
    editado = en_corte.read_bytes()
    registrar_corte(acuerdo, libro, CORTE_1, salida)
    assert (salida / "corte_2024-03-01_matriz_riesgos.xlsx.bak").read_bytes() == editado


# ------------------------------------------------------------------ 3. archivos abiertos


@pytest.mark.parametrize("bloqueo", ["~$m.xlsx", ".~lock.m.xlsx#"])
def test_libro_abierto_al_leer_avisa_sin_nombrar_al_usuario(bloqueo: str, tmp_path: Path) -> None:
    acuerdo_json = _json(tmp_path, "a.json", _datos())
    libro = ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), tmp_path / "m.xlsx")
    (tmp_path / bloqueo).write_text(",Ana Pérez Gómez,equipo-07,06.12.2026 04:20,file:///home/ana;", encoding="utf-8")
    r = cli("seguimiento", str(acuerdo_json), str(libro), "--corte", "2024-03-01", "-o", str(tmp_path / "s"))
    assert r.returncode == 0, r.stderr
    assert "parece abierto" in r.stderr and "sin guardar" in r.stderr
    assert "Ana" not in r.stdout + r.stderr and "equipo-07" not in r.stdout + r.stderr


@pytest.mark.parametrize("bloqueo", ["~$m.xlsx", ".~lock.m.xlsx#"])
def test_libro_abierto_no_se_reemplaza(bloqueo: str, tmp_path: Path) -> None:
    entrada = _json(tmp_path, "a.json", _datos())
    destino = tmp_path / "m.xlsx"
    assert cli("riesgos", str(entrada), "-o", str(destino)).returncode == 0
    antes = destino.read_bytes()
    (tmp_path / bloqueo).write_text("Ana Pérez Gómez", encoding="utf-8")
    r = cli("riesgos", str(entrada), "-o", str(destino))
    assert r.returncode == 2
    assert "ciérrelo" in r.stderr and "Ana" not in r.stderr
    assert destino.read_bytes() == antes


def test_bloqueo_de_nombre_largo_de_excel(tmp_path: Path) -> None:
    """Con nombres largos, Excel pone «~$» en lugar de las dos primeras letras."""
    entrada = _json(tmp_path, "a.json", _datos())
    destino = tmp_path / "matriz_riesgos.xlsx"
    assert cli("riesgos", str(entrada), "-o", str(destino)).returncode == 0
    (tmp_path / "~$triz_riesgos.xlsx").write_bytes(b"x")
    assert cli("riesgos", str(entrada), "-o", str(destino)).returncode == 2


# ------------------------------------------------------------------ 4. la historia nunca se pierde


def test_tres_cortes_y_luego_un_json_viejo_se_rechaza(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    salida = tmp_path / "seguimiento"
    actual = acuerdo
    for corte in (CORTE_1, CORTE_2, CORTE_3):
        actual = registrar_corte(actual, libro, corte, salida).acuerdo
    antes = _contenido(salida)
    original = _json(tmp_path, "original.json", _datos())
    r = cli("seguimiento", str(original), str(libro), "--corte", "2024-06-30", "-o", str(salida))
    assert r.returncode == 2
    assert "corte_2024-05-20" in r.stderr and "acuerdo.json" in r.stderr
    assert _contenido(salida) == antes
    # Con el JSON del último corte, la historia sigue entera.
    ultimo = salida / "corte_2024-05-20" / "acuerdo.json"
    assert cli("seguimiento", str(ultimo), str(libro), "--corte", "2024-06-30", "-o", str(salida)).returncode == 0
    historia = json.loads((salida / "corte_2024-06-30" / "acuerdo.json").read_text(encoding="utf-8"))["seguimiento"]
    assert [c["fecha"] for c in historia][-4:] == ["2024-03-01", "2024-04-15", "2024-05-20", "2024-06-30"]
    # Desde el penúltimo: un corte posterior al último se rechaza; rehacer el último (misma fecha), no.
    penultimo = salida / "corte_2024-05-20" / "acuerdo.json"
    with pytest.raises(ErrorEntrada, match="2024-06-30"):
        registrar_corte(AcuerdoSimbolico.model_validate_json(penultimo.read_text(encoding="utf-8")), libro,
                        date(2024, 7, 30), salida)
    registrar_corte(AcuerdoSimbolico.model_validate_json(penultimo.read_text(encoding="utf-8")), libro,
                    date(2024, 6, 30), salida)


# ------------------------------------------------------------------ 5. .ods


@pytest.mark.libreoffice
def test_ods_guardado_por_libreoffice_en_seguimiento(tmp_path: Path) -> None:
    acuerdo = ad.ejemplo_acuerdo()
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(libro)
    ws = wb["Hoja de ruta"]
    titulos = next(r for r in ws.iter_rows(min_row=1, max_row=20) if any(c.value == "Actividad" for c in r))
    cols = {c.value: c.column for c in titulos if isinstance(c.value, str)}
    fila = titulos[0].row + 1
    actividad = ws.cell(fila, cols["Actividad"]).value
    ws.cell(fila, cols["Avance"]).value = 0.9
    wb.save(libro)
    convertir_con_libreoffice([libro], "ods", tmp_path / "ods")
    ods = tmp_path / "ods" / "m.ods"
    acuerdo_json = _json(tmp_path, "a.json", _datos())
    r = cli("seguimiento", str(acuerdo_json), str(ods), "--corte", "2024-03-01", "-o", str(tmp_path / "s"))
    assert r.returncode == 0, r.stderr
    assert f"Hito «{actividad}»: Avance (%)" in r.stdout and "→ 90" in r.stdout
    # Un error de celda en el .ods nombra su celda como en el .xlsx.
    wb = openpyxl.load_workbook(libro)
    celda = wb["Hoja de ruta"].cell(fila, cols["Avance"])
    celda.value = "mucho"
    wb.save(libro)
    shutil.rmtree(tmp_path / "ods")
    convertir_con_libreoffice([libro], "ods", tmp_path / "ods")
    r = cli("seguimiento", str(acuerdo_json), str(ods), "--corte", "2024-03-01", "-o", str(tmp_path / "s2"))
    assert r.returncode == 1
    assert f"Hoja de ruta!{celda.coordinate}" in r.stdout + r.stderr


# ------------------------------------------------------------------ 5 y 6. un acuerdo hecho en Excel (o en .ods) entra al seguimiento


def _libro_de_acuerdos(ruta: Path) -> Path:
    from acuerdo_docs.documentos.plantilla_lote import generar_plantilla_lote
    from acuerdo_docs.lectores.acuerdos import HOJAS, filas_de_acuerdo

    generar_plantilla_lote("acuerdos", ruta)
    wb = openpyxl.load_workbook(ruta)
    for hoja, filas in filas_de_acuerdo(ad.ejemplo_acuerdo(), "A1").items():
        claves = [c.clave for c in HOJAS[hoja] if c.en_plantilla]
        for fila in filas:
            wb[hoja].append([fila.get(c) for c in claves])
    wb.save(ruta)
    return ruta


@pytest.mark.libreoffice
def test_acuerdo_hecho_en_excel_y_en_ods_pasa_por_lote_y_seguimiento(tmp_path: Path) -> None:
    from conftest import validar_contra_esquema

    xlsx = _libro_de_acuerdos(tmp_path / "acuerdos.xlsx")
    malo = tmp_path / "malo" / "acuerdos.xlsx"
    malo.parent.mkdir()
    shutil.copy(xlsx, malo)
    wb = openpyxl.load_workbook(malo)
    hitos = wb["hitos"]
    col = next(c.column for c in hitos[1] if c.value and str(c.value).startswith("Avance"))
    hitos.cell(2, col).value = "mucho"
    wb.save(malo)
    convertir_con_libreoffice([xlsx], "ods", tmp_path / "ods")
    convertir_con_libreoffice([malo], "ods", tmp_path / "malo" / "ods")
    for entrada in (xlsx, tmp_path / "ods" / "acuerdos.ods"):
        salida = tmp_path / f"lote_{entrada.suffix[1:]}"
        r = cli("lote", str(entrada), "-o", str(salida))
        assert r.returncode == 0, r.stdout + r.stderr
        (json_escrito,) = sorted(salida.glob("*.json"))
        datos = json.loads(json_escrito.read_text(encoding="utf-8"))
        validar_contra_esquema(datos, "acuerdo")
        assert datos["fecha"] == ad.ejemplo_acuerdo().fecha.isoformat()  # fechas ISO 8601
        libro = json_escrito.with_suffix(".xlsx")
        assert json_escrito.with_suffix(".docx").exists() and libro.exists()
        r = cli("seguimiento", str(json_escrito), str(libro), "--corte", "2024-03-01", "-o", str(salida / "seg"))
        assert r.returncode == 0, r.stderr
        assert "no dice de qué acuerdo es" not in r.stdout + r.stderr  # el libro del lote es de ese acuerdo
    # El mismo error de celda en .xlsx y en .ods.
    mensajes = []
    for entrada in (malo, tmp_path / "malo" / "ods" / "acuerdos.ods"):
        r = cli("lote", str(entrada), "-o", str(tmp_path / f"sal_malo_{entrada.suffix[1:]}"))
        assert r.returncode == 1
        mensajes.append(next(line for line in (r.stdout + r.stderr).splitlines() if "hitos!" in line))
    assert mensajes[0].split("hitos!", 1)[1] == mensajes[1].split("hitos!", 1)[1]


@pytest.mark.libreoffice
def test_valoraciones_del_catalogo_desde_ods(tmp_path: Path) -> None:
    from acuerdo_docs.lectores.catalogo_xlsx import leer_catalogo

    catalogo = Path(__file__).parent.parent / "salidas_ejemplo" / "catalogo_buenas_practicas.xlsx"
    convertir_con_libreoffice([catalogo], "ods", tmp_path)
    desde_ods = leer_catalogo(tmp_path / "catalogo_buenas_practicas.ods")
    desde_xlsx = leer_catalogo(catalogo)
    assert desde_ods == desde_xlsx
    assert any(not e.vacia() for e in desde_xlsx)  # hay valoraciones que leer


# ------------------------------------------------------------------ 9. español e infografía de una ficha con anexos


def test_infografia_resuelve_anexos_como_ficha_y_dice_riesgos_altos_o_extremos(tmp_path: Path) -> None:
    from test_ficha import otra_practica

    from acuerdo_docs.documentos.infografia import datos_infografia

    carpeta = tmp_path / "expediente"
    carpeta.mkdir()
    datos = otra_practica(carpeta)
    imagen = Path(datos["anexos"][0]["archivo"])
    datos["anexos"][0]["archivo"] = imagen.name  # relativa a la carpeta del JSON
    ficha_json = _json(carpeta, "ficha.json", datos)
    for orden, salida in (("ficha", "f.docx"), ("infografia", "i.png")):
        r = cli(orden, str(ficha_json), "-o", str(tmp_path / salida))
        assert r.returncode == 0, (orden, r.stderr)
    tarjetas = {t["clave"]: t for t in datos_infografia(ad.ejemplo_acuerdo())["cifras"]}
    assert tarjetas["riesgos"]["etiqueta"] == "Riesgos altos o extremos"


# ------------------------------------------------------------------ 8. compromisos y lo que viene


def _titulos_fila(ws, requerido: str) -> tuple[int, dict[str, int]]:
    for fila in ws.iter_rows(min_row=1, max_row=30):
        textos = {str(c.value).strip(): c.column for c in fila if isinstance(c.value, str)}
        if requerido in textos:
            return fila[0].row, textos
    raise AssertionError(requerido)


@pytest.mark.libreoffice
def test_estados_de_compromisos_por_libreoffice_informe_e_infografia(tmp_path: Path) -> None:
    from test_seguimiento import _texto_docx

    from acuerdo_docs.documentos.infografia import datos_infografia

    acuerdo = ad.ejemplo_acuerdo()
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(libro)
    ws = wb["Compromisos"]
    fila_t, cols = _titulos_fila(ws, "Estado del compromiso")
    primero = acuerdo.actores[0].compromisos[0]
    segundo = acuerdo.actores[1].compromisos[0]
    filas = {ws.cell(f, cols["Descripción del compromiso"]).value: f for f in range(fila_t + 1, ws.max_row + 1)}
    ws.cell(filas[primero.descripcion], cols["Estado del compromiso"]).value = "Cumplido"
    ws.cell(filas[primero.descripcion], cols["Evidencia"]).value = "Acta 3 del comité"
    ws.cell(filas[segundo.descripcion], cols["Estado del compromiso"]).value = "En curso"
    # Un control nuevo en el riesgo R1 y un actor que validó en el JSON desde el corte anterior.
    matriz = wb["Matriz"]
    fila_m, cols_m = _titulos_fila(matriz, "Referencia")
    fila_r1 = next(f for f in range(fila_m + 1, matriz.max_row + 1) if matriz.cell(f, cols_m["Referencia"]).value == "R1")
    libre = next(k for k in range(1, 10) if matriz.cell(fila_r1, cols_m[f"Descripción del control {k}"]).value is None)
    matriz.cell(fila_r1, cols_m[f"Descripción del control {libre}"]).value = "Reunión quincenal de seguimiento"
    matriz.cell(fila_r1, cols_m[f"Tipo de control {libre}"]).value = "Preventivo"
    matriz.cell(fila_r1, cols_m[f"Implementación {libre}"]).value = "Manual"
    wb.save(libro)
    convertir_con_libreoffice([libro], "xlsx", tmp_path / "lo")  # el equipo lo guardó en LibreOffice
    guardado = tmp_path / "lo" / "m.xlsx"

    salida = tmp_path / "seguimiento"
    primero_corte = registrar_corte(acuerdo, libro_sin_editar(acuerdo, tmp_path), CORTE_1, salida)
    datos = json.loads((primero_corte.carpeta / "acuerdo.json").read_text(encoding="utf-8"))
    sin_validar = next(a for a in datos["actores"] if not a.get("validado"))
    sin_validar["validado"] = True
    siguiente = AcuerdoSimbolico.model_validate(datos)
    resultado = registrar_corte(siguiente, guardado, CORTE_2, salida)
    textos = [str(c) for c in resultado.cambios]
    assert any(t.endswith(": Estado del compromiso: Pendiente → Cumplido") and primero.descripcion in t
               for t in textos), textos
    assert any("Evidencia" in t and "Acta 3 del comité" in t for t in textos)
    assert any(t.startswith("Riesgo R1: control nuevo: Reunión quincenal de seguimiento") for t in textos), textos
    assert f"Actor {sin_validar['entidad']}: Validado en la reunión de inicio: no → sí" in textos
    actualizado = resultado.acuerdo
    assert actualizado.actores[0].compromisos[0].estado == "cumplido"
    assert actualizado.actores[0].compromisos[0].evidencia == "Acta 3 del comité"
    # El informe: compromisos por actor, lo que viene y el detalle de cambios con la validación.
    informe = _texto_docx(resultado.carpeta / "informe_seguimiento.docx")
    assert "8. COMPROMISOS DE LOS ACTORES" in informe and "Acta 3 del comité" in informe
    assert "9. LO QUE VIENE" in informe
    assert "control nuevo: Reunión quincenal de seguimiento" in informe
    assert "Validado en la reunión de inicio: no → sí" in informe
    tarjeta = {t["clave"]: t for t in datos_infografia(actualizado, corte=CORTE_2)["cifras"]}["compromisos"]
    assert tarjeta["detalle"] == "1 cumplido · 1 en curso"
    # El libro del corte vuelve con los estados, para el siguiente.
    wb = openpyxl.load_workbook(resultado.carpeta / "matriz_riesgos.xlsx")
    estados = [c.value for c in wb["Compromisos"]["E"] if c.value in ("Cumplido", "En curso")]
    assert sorted(estados) == ["Cumplido", "En curso"]


def libro_sin_editar(acuerdo: AcuerdoSimbolico, tmp_path: Path) -> Path:
    return ad.generar_matriz_riesgos(acuerdo, tmp_path / "sin_editar.xlsx")


def test_lo_que_viene_y_orden_de_hitos_del_libro(tmp_path: Path) -> None:
    from acuerdo_docs.documentos.seguimiento import corte_de, lo_que_viene

    datos = _datos()
    hitos = datos["hoja_de_ruta"]
    hitos.append({**hitos[0], "actividad": "Hito agregado al final pero temprano", "inicio": "2023-03-01",
                  "fin": "2023-03-02"})
    acuerdo = AcuerdoSimbolico.model_validate(datos)
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(libro)["Hoja de ruta"]
    fila_t, cols = _titulos_fila(ws, "Actividad")
    en_libro = [ws.cell(f, cols["Actividad"]).value for f in range(fila_t + 1, fila_t + 1 + len(hitos))]
    assert en_libro == [h.actividad for h in acuerdo.hitos_ordenados()]  # el orden del Word y la infografía
    assert en_libro[0] == "Hito agregado al final pero temprano"
    from datetime import timedelta

    fecha = min(h.inicio for h in acuerdo.hoja_de_ruta if h.avance < 100) - timedelta(days=5)
    hasta = fecha + timedelta(days=30)
    proximos = lo_que_viene(corte_de(acuerdo, fecha), {})
    esperados = [h.actividad for h in sorted(acuerdo.hoja_de_ruta, key=lambda h: (h.fin, h.inicio))
                 if h.avance < 100 and (fecha < h.fin <= hasta or fecha < h.inicio <= hasta)]
    assert [v["actividad"] for v in proximos] == esperados and esperados


# ------------------------------------------------------------------ 7. un encabezado por acuerdo


def _cartagena() -> dict:
    datos = _datos()
    datos["encabezado"] = {"entidad": "ALCALDÍA MAYOR DE CARTAGENA", "codigo": "PLA-FT-087"}
    datos.pop("facilitador", None)
    return datos


def _encabezado_libro(ruta: Path) -> dict[str, str]:
    ws = openpyxl.load_workbook(ruta)["Matriz"]
    valores = {}
    for fila in ws.iter_rows(min_row=1, max_row=8):
        for i, celda in enumerate(fila[:-1]):
            if isinstance(celda.value, str) and celda.value.endswith(":"):
                siguiente = next((c.value for c in fila[i + 1:] if c.value is not None), None)
                valores.setdefault(celda.value.rstrip(":"), siguiente)
    return valores


def test_un_encabezado_por_acuerdo_sin_bogota_en_otra_entidad(tmp_path: Path) -> None:
    from test_seguimiento import _texto_docx

    acuerdo = AcuerdoSimbolico.model_validate(_cartagena())
    assert "iBO" not in acuerdo.encabezado.procedimiento and "iBO" not in acuerdo.facilitador.equipo
    assert acuerdo.facilitador.entidad == "ALCALDÍA MAYOR DE CARTAGENA"
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    enc = _encabezado_libro(libro)
    assert enc["CÓDIGO"] == "PLA-FT-087" and enc["Entidad"] == "ALCALDÍA MAYOR DE CARTAGENA"
    assert "iBO" not in enc["PROCEDIMIENTO"]
    # El equipo corrige la versión en el libro: sobrevive al corte y al siguiente libro.
    wb = openpyxl.load_workbook(libro)
    ws = wb["Matriz"]
    celda = next(c for fila in ws.iter_rows(min_row=1, max_row=8) for c in fila if c.value == "VERSIÓN:")
    ws.cell(celda.row, celda.column + 1).value = "02"
    wb.save(libro)
    resultado = registrar_corte(acuerdo, libro, CORTE_1, tmp_path / "s")
    assert resultado.acuerdo.encabezado.version == "02"
    assert any(str(c) == "Encabezado: VERSIÓN: 01 → 02" for c in resultado.cambios)
    assert _encabezado_libro(resultado.carpeta / "matriz_riesgos.xlsx")["VERSIÓN"] == "02"
    def con_encabezado(ruta: Path) -> str:
        import docx

        doc = docx.Document(str(ruta))
        celdas = [c.text for s in doc.sections for t in s.header.tables for f in t.rows for c in f.cells]
        parrafos = [p.text for s in doc.sections for p in s.header.paragraphs]
        return "\n".join([*celdas, *parrafos])  # solo el encabezado (el cuerpo trae datos de los actores)

    for texto in (con_encabezado(resultado.carpeta / "informe_seguimiento.docx"),
                  con_encabezado(resultado.carpeta / "acuerdo.docx")):
        assert "ALCALDÍA MAYOR DE CARTAGENA" in texto and "PLA-FT-087" in texto
        assert "BOGOTÁ" not in texto and "iBO" not in texto
    # --encabezado en la orden.
    nuevo = _json(tmp_path, "encabezado.json", {"codigo": "PLA-FT-099", "version": "03"})
    r = cli("seguimiento", str(resultado.carpeta / "acuerdo.json"), str(resultado.carpeta / "matriz_riesgos.xlsx"),
            "--corte", "2024-04-15", "-o", str(tmp_path / "s"), "--encabezado", str(nuevo))
    assert r.returncode == 0, r.stderr
    guardado = json.loads((tmp_path / "s" / "corte_2024-04-15" / "acuerdo.json").read_text(encoding="utf-8"))
    assert guardado["encabezado"]["codigo"] == "PLA-FT-099" and guardado["encabezado"]["version"] == "03"
    assert _encabezado_libro(tmp_path / "s" / "corte_2024-04-15" / "matriz_riesgos.xlsx")["CÓDIGO"] == "PLA-FT-099"


def test_motivo_del_cierre_de_un_riesgo(tmp_path: Path) -> None:
    from test_seguimiento import _texto_docx

    acuerdo = ad.ejemplo_acuerdo()
    libro = ad.generar_matriz_riesgos(acuerdo, tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(libro)
    matriz = wb["Matriz"]
    fila_m, cols_m = _titulos_fila(matriz, "Referencia")
    fila_r1 = next(f for f in range(fila_m + 1, matriz.max_row + 1) if matriz.cell(f, cols_m["Referencia"]).value == "R1")
    for celda in matriz[fila_r1]:
        if not (isinstance(celda.value, str) and celda.value.startswith("=")):
            celda.value = None  # el equipo borra la fila del riesgo
    cierres = wb["Riesgos cerrados"]
    fila_c, cols_c = _titulos_fila(cierres, "Motivo del cierre")
    cierres.cell(fila_c + 1, cols_c["Referencia"]).value = "R1"
    cierres.cell(fila_c + 1, cols_c["Motivo del cierre"]).value = "Se mitigó con la reunión quincenal"
    wb.save(libro)
    resultado = registrar_corte(acuerdo, libro, CORTE_1, tmp_path / "s")
    assert "Riesgo R1: Motivo del cierre (nuevo): Se mitigó con la reunión quincenal" in [str(c) for c in resultado.cambios]
    assert [c.id for c in resultado.acuerdo.cierres] == ["R1"]
    assert "Motivo del cierre: Se mitigó con la reunión quincenal" in _texto_docx(
        resultado.carpeta / "informe_seguimiento.docx")
    siguiente = openpyxl.load_workbook(resultado.carpeta / "matriz_riesgos.xlsx")["Riesgos cerrados"]
    assert "Se mitigó con la reunión quincenal" in [c.value for c in siguiente["B"]]
