"""La primera hora de un usuario nuevo: cada error que comete dice qué escribir en su lugar.

Cada caso ejecuta la orden como un usuario (otro proceso) en una carpeta con los JSON de ejemplo y
comprueba el código de salida, que no hay traza ni inglés del sistema, y que el mensaje nombra el
arreglo (el orden de los argumentos, la opción parecida, la causa del JSON mal formado…).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
from pathlib import Path

import pytest
from conftest import cli

import acuerdo_docs as ad
from acuerdo_docs.cli import ORDENES, construir_parser
from acuerdo_docs.cli.comun import Parser
from acuerdo_docs.errores import causa_json, causa_sistema


def _preparar(carpeta: Path) -> None:
    """Lo que deja ``acuerdo-docs ejemplo`` que estos casos usan, más algunos archivos mal hechos."""
    acuerdo = ad.ejemplo_acuerdo().model_dump(mode="json")
    ficha = ad.ejemplo_ficha().model_dump(mode="json")
    (carpeta / "acuerdo.json").write_text(json.dumps(acuerdo, ensure_ascii=False), encoding="utf-8")
    (carpeta / "ficha.json").write_text(json.dumps(ficha, ensure_ascii=False), encoding="utf-8")
    ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), carpeta / "matriz.xlsx")
    ad.generar_ficha(ad.ejemplo_ficha(), carpeta / "ficha.docx")
    for valor in ("sí", "Sí", "si", "No", "quizá"):
        acuerdo["actores"][0]["validado"] = valor
        (carpeta / f"validado_{valor}.json").write_text(json.dumps(acuerdo, ensure_ascii=False), encoding="utf-8")
    (carpeta / "fecha_us.json").write_text(json.dumps(ficha | {"fecha_inicio": "10/24/2023"}), encoding="utf-8")
    texto = json.dumps(ficha, ensure_ascii=False, indent=2)
    (carpeta / "coma_final.json").write_text(texto[:-2] + ",\n}", encoding="utf-8")
    (carpeta / "comentario.json").write_text("{\n  // la ficha\n" + texto[1:], encoding="utf-8")
    (carpeta / "comillas_simples.json").write_text(texto.replace('"nombre"', "'nombre'"), encoding="utf-8")
    (carpeta / "true_python.json").write_text(texto.replace('"equipo": ', '"equipo": True, "x": '),
                                              encoding="utf-8")
    (carpeta / "una_carpeta").mkdir()


# (caso, argumentos, código, fragmentos que el mensaje debe tener, fragmentos que no)
CASOS: list[tuple[str, list[str], int, list[str], list[str]]] = [
    *[(f"validado {v}", ["acuerdo", f"validado_{v}.json", "-o", f"ok/{v}.docx"], 0, ["Acuerdo escrito"], [])
      for v in ("sí", "Sí", "si", "No")],
    ("validado inválido", ["acuerdo", "validado_quizá.json", "-o", "salida/a.docx"], 1,
     ["actores[1].validado", "escriba true o false", '"sí"'], []),
    ("fecha mes/día/año", ["ficha", "fecha_us.json", "-o", "salida/f.docx"], 1,
     ["fecha_inicio", "no hay mes 24", "día/mes/año (24/10/2023), no mes/día/año"], ["ese día no existe"]),
    ("--referencia día inexistente", ["acuerdo", "acuerdo.json", "-o", "salida/", "--referencia", "2023-02-31"], 2,
     ["Uso: acuerdo-docs acuerdo", "ese día no existe", "febrero de 2023 tiene 28 días"], ["use AAAA-MM-DD"]),
    ("--referencia mes/día/año", ["acuerdo", "acuerdo.json", "-o", "salida/", "--referencia", "10/24/2023"], 2,
     ["no mes/día/año"], []),
    ("JSON con coma final", ["ficha", "coma_final.json", "-o", "salida/f.docx"], 2,
     ["JSON mal formado en la línea", "sobra la coma antes de «}»"], []),
    ("JSON con comentario", ["ficha", "comentario.json", "-o", "salida/f.docx"], 2,
     ["línea 2, columna 3", "no admite comentarios"], []),
    ("JSON con comillas simples", ["ficha", "comillas_simples.json", "-o", "salida/f.docx"], 2,
     ["columna 3", "comillas dobles"], []),
    ("JSON con True de Python", ["ficha", "true_python.json", "-o", "salida/f.docx"], 2,
     ["true, false y null van en minúsculas"], []),
    ("seguimiento al revés", ["seguimiento", "matriz.xlsx", "acuerdo.json", "--corte", "2024-03-01", "-o", "s/"], 2,
     ["están al revés", "El orden es: acuerdo-docs seguimiento ACUERDO.json LIBRO.xlsx"], ["acuerdo-docs lote"]),
    ("seguimiento con dos JSON", ["seguimiento", "acuerdo.json", "acuerdo.json", "--corte", "2024-03-01", "-o", "s/"],
     2, ["el segundo argumento es el libro .xlsx", "El orden es"], []),
    ("riesgos a PDF", ["riesgos", "acuerdo.json", "-o", "salida/matriz.pdf"], 2,
     ["-o salida/matriz.xlsx --pdf"], []),
    ("opción mal escrita", ["ficha", "ficha.json", "-o", "salida/f.docx", "--publica"], 2,
     ["Uso: acuerdo-docs ficha", "opción desconocida --publica; ¿quiso decir --publico?"], ["Uso: acuerdo-docs ["]),
    ("orden mal escrita", ["fiche", "ficha.json"], 2, ["¿quiso decir «ficha»?"], []),
    ("argumento de más", ["ficha", "ficha.json", "acuerdo.json", "-o", "salida/f.docx"], 2,
     ["Uso: acuerdo-docs ficha", "sobra «acuerdo.json»"], []),
    ("lote de un JSON", ["lote", "ficha.json", "-o", "salida/"], 2,
     ["es un JSON", "acuerdo-docs ficha ARCHIVO.json", "acuerdo-docs acuerdo ARCHIVO.json", "plantilla-lote"], []),
    ("lote de un .docx", ["lote", "ficha.docx", "-o", "salida/"], 2, ["acuerdo-docs extraer"], []),
    ("método que no existe", ["riesgos", "acuerdo.json", "-o", "salida/m.xlsx", "--metodo", "politica.json"], 2,
     ["No se pudo leer el método politica.json: no existe el archivo"], []),
    ("método que es una carpeta", ["riesgos", "acuerdo.json", "-o", "salida/m.xlsx", "--metodo", "una_carpeta"], 2,
     ["una_carpeta", "es una carpeta"], []),
    ("rol mal escrito", ["web", "usuario", "crear", "ana", "--rol", "editora", "--datos", "cuentas"], 2,
     ["Uso: acuerdo-docs web usuario crear", "¿quiso decir «editor»?"], []),
    ("acción de usuario mal escrita", ["web", "usuario", "crea", "ana"], 2, ["¿quiso decir «crear»?"], []),
    ("contraseña como argumento", ["web", "usuario", "crear", "ana", "--rol", "editor", "--contrasena", "x"], 2,
     ["no va en la línea de órdenes", "entrada estándar"], ["opción desconocida"]),
    ("usuario sin contraseña", ["web", "usuario", "crear", "ana", "--rol", "editor", "--datos", "cuentas"], 2,
     ["falta la contraseña", "printf"], []),
    ("equipo sin usuario", ["web", "equipo", "agregar", "iBO", "--datos", "cuentas"], 2,
     ["Uso: acuerdo-docs web equipo agregar", "EQUIPO USUARIO", "faltan los argumentos: USUARIO"], []),
    ("-v después de la orden", ["esquema", "ficha", "-v"], 0, [], []),
    ("-v antes de la orden", ["-v", "esquema", "ficha"], 0, [], []),
]


@pytest.fixture(scope="module")
def carpeta(tmp_path_factory: pytest.TempPathFactory) -> Path:
    carpeta = tmp_path_factory.mktemp("primera_hora")
    _preparar(carpeta)
    return carpeta


@pytest.mark.parametrize(("caso", "argumentos", "codigo", "con", "sin"), CASOS, ids=[c[0] for c in CASOS])
def test_el_mensaje_dice_que_hacer(carpeta: Path, monkeypatch: pytest.MonkeyPatch, caso: str, argumentos: list[str],
                                   codigo: int, con: list[str], sin: list[str]) -> None:
    monkeypatch.chdir(carpeta)
    r = cli(*argumentos)
    assert r.returncode == codigo, (caso, r.stderr)
    assert "Traceback" not in r.stderr, r.stderr
    for ingles in ("No such file", "Permission denied", "Is a directory", "Errno", "unrecognized", "invalid"):
        assert ingles not in r.stderr, (caso, r.stderr)
    for fragmento in con:
        assert fragmento in r.stderr + r.stdout, (caso, fragmento, r.stderr)
    for fragmento in sin:
        assert fragmento not in r.stderr, (caso, fragmento, r.stderr)
    if codigo:
        assert not (carpeta / "salida").exists() and not (carpeta / "s").exists(), f"{caso}: escribió algo"
        assert not (carpeta / "cuentas").exists(), f"{caso}: creó la base de cuentas"


def _sub(orden: str) -> Parser:
    sub = construir_parser([orden]).suborden(orden)
    assert sub is not None
    return sub


@pytest.mark.parametrize("orden", sorted(ORDENES))
def test_cada_orden_sugiere_la_opcion_parecida_con_su_uso(orden: str, capsys: pytest.CaptureFixture[str]) -> None:
    sub = _sub(orden)
    opcion = max((o for o in sub.opciones() if o.startswith("--")), key=len)
    mal = opcion[:-1] + ("x" if opcion[-1] != "x" else "y")
    with pytest.raises(SystemExit) as salida:
        sub.error(sub.sobrantes([mal]))
    err = capsys.readouterr().err
    assert salida.value.code == 2
    assert err.startswith(f"Uso: acuerdo-docs {orden}"), err
    assert f"opción desconocida {mal}; ¿quiso decir {opcion}?" in err, err


@pytest.mark.parametrize("orden", sorted(ORDENES))
def test_v_vale_despues_de_cada_orden(orden: str) -> None:
    sub = _sub(orden)
    assert "-v" in sub.opciones() and "--detallado" in sub.opciones()
    # Sin -v la orden no pisa el -v puesto antes de ella: su valor por omisión no se escribe.
    (accion,) = [a for a in sub._actions if "-v" in a.option_strings]
    assert accion.default is argparse.SUPPRESS


def test_pdf_simple_implica_pdf() -> None:
    for orden in ("ficha", "acuerdo", "riesgos", "lote"):
        args = construir_parser([orden]).parse_args([orden, "x", "-o", "y/", "--pdf-simple"])
        assert args.pdf is True and args.pdf_simple is True, orden
        args = construir_parser([orden]).parse_args([orden, "x", "-o", "y/"])
        assert args.pdf is False and args.pdf_simple is False, orden


@pytest.mark.parametrize(("numero", "texto"), [
    (errno.ENOENT, "no existe el archivo"),
    (errno.EACCES, "no hay permiso"),
    (errno.EISDIR, "es una carpeta, no un archivo"),
    (errno.ENOTDIR, "una parte de la ruta es un archivo, no una carpeta"),
    (errno.ENOSPC, "no queda espacio en el disco"),
    (errno.EROFS, "el sistema de archivos es de solo lectura"),
    (errno.EMFILE, "demasiados archivos abiertos"),
    (errno.ECONNRESET, "error del sistema ECONNRESET"),
])
def test_errores_del_sistema_en_espanol(numero: int, texto: str) -> None:
    exc = OSError(numero, os.strerror(numero))
    assert causa_sistema(exc) == texto
    assert os.strerror(numero) not in causa_sistema(exc)


def test_no_existe_al_escribir_habla_de_la_carpeta() -> None:
    assert "carpeta" in causa_sistema(FileNotFoundError(errno.ENOENT, "x"), escribir=True)


_MAL_FORMADOS: list[tuple[str, str, str]] = [
    ('{"a": 1,\n}', "línea 1, columna 8", "sobra la coma antes de «}»"),
    ('{"a": [1, 2,]}', "línea 1, columna 12", "sobra la coma antes de «]»"),
    ('{\n  // nota\n  "a": 1}', "línea 2, columna 3", "no admite comentarios"),
    ('{"a": 1 /* x */}', "línea 1, columna 9", "no admite comentarios"),
    ("{'a': 1}", "línea 1, columna 2", "no simples"),
    ('{"a": \'b\'}', "línea 1, columna 7", "no simples"),
    ('{"a": None}', "línea 1, columna 7", "en minúsculas"),
    ('{"a": sí}', "línea 1, columna 7", "un texto sin comillas"),
    ('{a: 1}', "línea 1, columna 2", "cada clave va entre comillas dobles"),
    ('{"a": “b”}', "línea 1, columna 7", "comillas dobles rectas"),
    ('{"a": 1', "línea 1, columna 8", "termina antes de tiempo"),
    ('{"a" 1}', "línea 1, columna 6", "falta «:»"),
    ('{"a": 1}\n{"b": 2}', "línea 2, columna 1", "sobra texto después del final"),
    ('{"a": "C:\\carpeta"}', "línea 1, columna 10", "barra invertida"),
    ('{"a": "x" "b": 1}', "línea 1, columna 11", "falta una coma"),
]


@pytest.mark.parametrize(("texto", "donde", "causa"), _MAL_FORMADOS, ids=[m[2] + " " + m[1] for m in _MAL_FORMADOS])
def test_json_mal_formado_nombra_la_causa_y_el_lugar(texto: str, donde: str, causa: str) -> None:
    with pytest.raises(json.JSONDecodeError) as exc:
        json.loads(texto)
    mensaje = causa_json(exc.value)
    assert mensaje.startswith(f"JSON mal formado en la {donde}: "), mensaje
    assert causa in mensaje, mensaje


# ------------------------------------------------------------------ lo que el manual necesita


def test_metodo_escribe_el_incorporado_y_riesgos_lo_acepta(tmp_path: Path) -> None:
    from acuerdo_docs.esquemas.metodo_riesgo import ARCHIVO_METODO

    r = cli("metodo", "-o", str(tmp_path / "metodo.json"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "metodo.json").read_bytes() == ARCHIVO_METODO.read_bytes()
    r = cli("metodo", "-o", str(tmp_path / "carpeta") + "/")
    assert r.returncode == 0 and (tmp_path / "carpeta" / "metodo.json").is_file(), r.stderr
    (tmp_path / "acuerdo.json").write_text(ad.ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    r = cli("riesgos", str(tmp_path / "acuerdo.json"), "-o", str(tmp_path / "m.xlsx"),
            "--metodo", str(tmp_path / "metodo.json"))
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("tipo", ["fichas", "acuerdos"])
def test_plantilla_lote_con_ejemplo_se_genera_tal_cual(tmp_path: Path, tipo: str) -> None:
    from openpyxl import load_workbook

    libro = tmp_path / "entrada.xlsx"
    assert cli("plantilla-lote", tipo, "-o", str(libro), "--con-ejemplo").returncode == 0
    assert load_workbook(libro)[tipo].max_row == 2  # encabezados y una fila llena
    r = cli("lote", str(libro), "-o", str(tmp_path / "salida"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 de 1 documento(s) generado(s)" in r.stdout
    # Sin la opción, el libro está en blanco y el lote dice cómo obtener uno lleno.
    assert cli("plantilla-lote", tipo, "-o", str(libro)).returncode == 0
    r = cli("lote", str(libro), "-o", str(tmp_path / "otra"))
    assert r.returncode == 2 and f"plantilla-lote {tipo}" in r.stderr and "--con-ejemplo" in r.stderr


@pytest.mark.parametrize(("tipo", "archivo"), [("ficha", "mi.docx"), ("acuerdo", "mi.docx"),
                                               ("infografia_acuerdo", "mi.typ"), ("infografia_practica", "mi.typ")])
def test_plantilla_copiar_da_la_incorporada(tmp_path: Path, tipo: str, archivo: str) -> None:
    from acuerdo_docs.documentos.tipos_plantilla import PLANTILLAS_INCORPORADAS
    from acuerdo_docs.rutas import plantilla

    destino = tmp_path / archivo
    r = cli("plantilla", "copiar", tipo, "-o", str(destino))
    assert r.returncode == 0, r.stderr
    assert destino.read_bytes() == plantilla(PLANTILLAS_INCORPORADAS[tipo]).read_bytes()
    if tipo in ("ficha", "acuerdo"):
        r = cli("plantilla", "verificar", str(destino), "--tipo", tipo)
        assert r.returncode == 0, r.stdout + r.stderr


def test_la_ficha_de_ejemplo_trae_datos_personales_que_publico_quita(tmp_path: Path) -> None:
    from docx import Document

    practica = ad.ejemplo_ficha()
    personales = [practica.directivo, practica.colaborador, practica.telefono, practica.correo]
    assert all(personales), "el ejemplo debe mostrar qué quita --publico"

    def texto(ruta: Path) -> str:
        documento = Document(str(ruta))
        celdas = (c.text for t in documento.tables for f in t.rows for c in f.cells)
        return "\n".join([*celdas, *(p.text for p in documento.paragraphs)])

    ad.generar_ficha(practica, tmp_path / "interna.docx")
    ad.generar_ficha(practica, tmp_path / "publica.docx", publico=True)
    interna, publica = texto(tmp_path / "interna.docx"), texto(tmp_path / "publica.docx")
    for dato in personales:
        assert str(dato) in interna and str(dato) not in publica
    assert (tmp_path / "interna.docx").read_bytes() != (tmp_path / "publica.docx").read_bytes()
