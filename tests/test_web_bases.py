"""La base de la app web en SQLite y en PostgreSQL: migrar desde vacía, respaldo y restauración de ida y vuelta.

PostgreSQL es un clúster desechable de la sesión (tests/apoyo_postgres.py; en CI nunca se omite).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from apoyo_web import cliente, csrf, exigir_extra_web, nuevo

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.cli import main  # noqa: E402
from acuerdo_docs.esquemas.publicado import esquema_publicado  # noqa: E402
from acuerdo_docs.web.bd import Almacen, cabeza, url_sqlite  # noqa: E402


def _url(url_bd: str | None, carpeta: Path) -> str:
    carpeta.mkdir(parents=True, exist_ok=True)
    return url_bd or url_sqlite(carpeta)


def _correr(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    codigo = main(list(argv))
    capturado = capsys.readouterr()
    return codigo, capturado.out, capturado.err


def _con_borradores(tmp_path: Path, url_bd: str | None) -> str:
    """Una base con una ficha y un acuerdo válidos (importados) y una ficha a medias (inválida)."""
    c = cliente(tmp_path / "app", bd=url_bd)
    for modelo in (ad.ejemplo_ficha(), ad.ejemplo_acuerdo()):
        datos = json.dumps(modelo.model_dump(mode="json", exclude_none=True)).encode()
        r = c.post("/importar/json", data={"_csrf": csrf(c)}, follow_redirects=False,
                   files={"archivo": ("x.json", datos, "application/json")})
        assert r.status_code == 303
    direccion = nuevo(c, "ficha")
    c.post(f"{direccion}/seccion/s1", data={"_csrf": csrf(c), "_accion": "guardar", "nombre": "Ñandú «a medias»"})
    return _url(url_bd, tmp_path / "app")


def test_migrar_desde_una_base_vacia(tmp_path, url_bd, capsys):
    from sqlalchemy import inspect

    url = _url(url_bd, tmp_path / "d")
    if url_bd:  # postgresql:// sin controlador: se usa psycopg 3, el del extra web
        url = url.replace("postgresql+psycopg://", "postgresql://")
    codigo, salida, err = _correr(capsys, "web", "migrar", "--bd", url)
    assert codigo == 0 and f"de vacía a {cabeza()}" in salida, err
    codigo, salida, _ = _correr(capsys, "web", "migrar", "--bd", url)
    assert codigo == 0 and "ya estaba al día" in salida
    almacen = Almacen(url, migrar_al_iniciar=False)
    columnas = {c["name"]: c["type"] for c in inspect(almacen.motor).get_columns("borradores")}
    assert {"tipo", "datos", "version_esquema", "creado", "modificado", "version"} <= set(columnas)
    esperado = "JSONB" if url_bd else "JSON"
    assert type(columnas["datos"]).__name__ == esperado
    assert almacen.crear("ficha", {"nombre": "x"}) == 1
    almacen.motor.dispose()


def test_migrar_con_datos_crea_la_sqlite(tmp_path, capsys):
    codigo, salida, _ = _correr(capsys, "web", "migrar", "--datos", str(tmp_path / "nueva"))
    assert codigo == 0 and (tmp_path / "nueva" / "acuerdo_docs.sqlite3").is_file()


@pytest.mark.parametrize("destino", ["sqlite", "postgresql"])
def test_respaldo_y_restauracion_de_ida_y_vuelta(tmp_path, url_bd, destino, request, capsys):
    import jsonschema

    url = _con_borradores(tmp_path, url_bd)
    respaldo = tmp_path / "respaldo.json"
    codigo, salida, err = _correr(capsys, "web", "respaldo", "--bd", url, "-o", str(respaldo))
    assert codigo == 0 and "3 borrador(es)" in salida, err
    contenido = json.loads(respaldo.read_text(encoding="utf-8"))
    assert contenido["formato"] == "acuerdo-docs-respaldo" and contenido["migracion"] == cabeza()
    assert contenido["equipos"] == ["General"] and {b["equipo"] for b in contenido["borradores"]} == {"General"}
    borradores = contenido["borradores"]
    assert [b["tipo"] for b in borradores] == ["ficha", "acuerdo", "ficha"]
    assert all({"creado", "modificado", "version_esquema", "version"} <= set(b) for b in borradores)
    for b in borradores:
        if b["errores"] == 0:
            jsonschema.validate(b["datos"], esquema_publicado(b["tipo"]))
    validos = [b for b in borradores if b["errores"] == 0]
    assert len(validos) == 2 and borradores[2]["errores"] > 0 and borradores[2]["datos"]["nombre"] == "Ñandú «a medias»"
    assert ad.AcuerdoSimbolico.model_validate(borradores[1]["datos"]) == ad.ejemplo_acuerdo()

    # A otra base vacía (de SQLite a PostgreSQL y al revés también): el mismo respaldo, byte a byte.
    otra = request.getfixturevalue("cluster_postgres").base_nueva() if destino == "postgresql" \
        else url_sqlite(tmp_path)
    codigo, salida, err = _correr(capsys, "web", "restaurar", str(respaldo), "--bd", otra)
    assert codigo == 0 and "Restaurados 3 borrador(es)" in salida, err
    segundo = tmp_path / "segundo.json"
    assert _correr(capsys, "web", "respaldo", "--bd", otra, "-o", str(segundo))[0] == 0
    assert segundo.read_bytes() == respaldo.read_bytes()

    # La app sobre la base restaurada: los lista, los abre y crea uno nuevo después del último número.
    c = cliente(tmp_path / "app2", bd=otra)
    inicio = c.get("/").text
    assert "Ñandú «a medias»" in inicio and inicio.count("/borradores/") >= 3
    assert nuevo(c, "acuerdo").endswith("/4")
    assert c.get("/borradores/2/exportar").json() == borradores[1]["datos"]

    # Encima de una base con borradores: se rechaza y no se toca nada; con --reemplazar, sí.
    codigo, _, err = _correr(capsys, "web", "restaurar", str(respaldo), "--bd", otra)
    assert codigo == 2 and "ya tiene 4 borrador(es)" in err and "--reemplazar" in err and "Traceback" not in err
    assert len(c.get("/").text.split("/borradores/4")) > 1
    codigo, salida, _ = _correr(capsys, "web", "restaurar", str(respaldo), "--bd", otra, "--reemplazar")
    assert codigo == 0
    assert _correr(capsys, "web", "respaldo", "--bd", otra, "-o", str(segundo))[0] == 0
    assert segundo.read_bytes() == respaldo.read_bytes()


def test_restaurar_un_respaldo_malo_no_toca_la_base(tmp_path, url_bd, capsys):
    url = _url(url_bd, tmp_path / "d")
    malo = tmp_path / "malo.json"
    casos = {
        '{"hola": 1}': "no es un respaldo de acuerdo-docs",
        '{"formato": "acuerdo-docs-respaldo", "version_formato": 1, "borradores": [{"id": 1, "tipo": "otro"}]}':
            "borradores[1].tipo",
        '{"formato": "acuerdo-docs-respaldo"': "malo.json:",
        '{"formato": "acuerdo-docs-respaldo", "version_formato": 1, "borradores": [], "x": NaN}': "no finitos",
    }
    for texto, mensaje in casos.items():
        malo.write_text(texto, encoding="utf-8")
        codigo, _, err = _correr(capsys, "web", "restaurar", str(malo), "--bd", url)
        assert codigo == 2 and mensaje in err and "Traceback" not in err, err
    # Dos borradores con el mismo número: nada a medias (una transacción).
    bueno = {"id": 1, "tipo": "ficha", "version_esquema": 1, "creado": "2025-01-02T03:04:05",
             "modificado": "2025-01-02T03:04:05", "datos": {"nombre": "x"}}
    malo.write_text(json.dumps({"formato": "acuerdo-docs-respaldo", "version_formato": 1,
                                "borradores": [bueno, bueno]}), encoding="utf-8")
    codigo, _, err = _correr(capsys, "web", "restaurar", str(malo), "--bd", url)
    assert codigo == 2 and "repite el número de borrador 1" in err
    assert Almacen(url).cuantos() == 0
    codigo, _, err = _correr(capsys, "web", "restaurar", str(tmp_path / "no_existe.json"), "--bd", url)
    assert codigo == 2 and "No existe el archivo de respaldo" in err


def test_base_que_no_responde_error_claro_sin_contrasena(tmp_path, capsys):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        puerto = s.getsockname()[1]
    salida = tmp_path / "r.json"
    codigo, _, err = _correr(capsys, "web", "respaldo", "--bd", f"postgresql://ana:secreta@127.0.0.1:{puerto}/x",
                             "-o", str(salida))
    assert codigo == 2 and "no se pudo usar la base postgresql" in err and "secreta" not in err
    assert "Traceback" not in err and not salida.exists(), "un respaldo fallido no deja archivo"
    codigo, _, err = _correr(capsys, "web", "migrar", "--bd", "mysql://ana@localhost/x")
    assert codigo == 2 and "no hay controlador" in err


def test_sin_postgresql_en_ci_falla_nunca_se_omite(monkeypatch):
    import apoyo_postgres

    monkeypatch.setattr(apoyo_postgres.glob, "glob", lambda _patron: [])
    monkeypatch.setattr(apoyo_postgres.shutil, "which", lambda _nombre: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="En CI las pruebas de PostgreSQL no se omiten"):
        apoyo_postgres.exigir_postgres()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="apt-get install postgresql"):
        apoyo_postgres.exigir_postgres()


def test_falta_un_componente_del_extra_no_se_confunde_con_el_controlador(tmp_path, capsys, monkeypatch):
    """Sin argon2 (un extra web instalado antes de las cuentas) la orden pide reinstalar el extra; no culpa a la base."""
    import io
    import sys

    monkeypatch.setitem(sys.modules, "argon2", None)
    monkeypatch.setattr(sys, "stdin", io.StringIO("Clave-larga-de-prueba-2026\n"))
    codigo, _, err = _correr(capsys, "web", "usuario", "crear", "ana", "--rol", "lector",
                             "--bd", url_sqlite(tmp_path))
    assert codigo == 2 and "(argon2)" in err and 'pip install "acuerdo-docs[web]"' in err, err
    assert "controlador" not in err and "Traceback" not in err
