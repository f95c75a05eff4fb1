"""De la versión anterior a la de hoy: la base que dejó acuerdo-docs 0.2.0 (migración 0001, borradores con
la forma 1 de sus datos), migrada por «acuerdo-docs web migrar» y al iniciar la app, en SQLite y PostgreSQL.

La base vieja es un volcado hecho por el código de 0.2.0 (tests/datos/web_0_2_0/, nunca regenerado con el de
hoy): así cada migración Alembic nueva (cuentas, revisiones…) se prueba también desde ella. Las imágenes de
los anexos estaban guardadas con la ruta absoluta del servidor viejo (/var/lib/acuerdo-docs/…); la forma 2
las guarda relativas a la carpeta de datos, y una base restaurada en otra carpeta las encuentra.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from apoyo_web import cliente, exigir_extra_web

exigir_extra_web()

from acuerdo_docs.cli import main  # noqa: E402
from acuerdo_docs.errores import ErrorEntrada  # noqa: E402
from acuerdo_docs.esquemas import versiones  # noqa: E402
from acuerdo_docs.web.app import validar_borrador  # noqa: E402
from acuerdo_docs.web.bd import VERSION_ESQUEMA, Almacen, crear_motor, revisiones, url_sqlite  # noqa: E402

VIEJA = Path(__file__).parent / "datos" / "web_0_2_0"
ANEXO = "anexos/3/KP7a5f88LEmgO7SQ.png"
ANEXO_VIEJO = "/var/lib/acuerdo-docs/" + ANEXO


def _cargar_base_vieja(url_bd: str | None, carpeta: Path) -> str:
    """La base de 0.2.0 en una base nueva (SQLite en ``carpeta`` o la PostgreSQL dada), con su carpeta de anexos."""
    carpeta.mkdir(parents=True)
    shutil.copytree(VIEJA / "anexos", carpeta / "anexos")
    if url_bd is None:
        with sqlite3.connect(carpeta / "acuerdo_docs.sqlite3") as conexion:
            conexion.executescript((VIEJA / "sqlite.sql").read_text(encoding="utf-8"))
        return url_sqlite(carpeta)
    import psycopg

    with psycopg.connect(url_bd.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conexion:
        conexion.execute((VIEJA / "postgresql.sql").read_text(encoding="utf-8"))  # type: ignore[arg-type]
    return url_bd


def _filas(url: str) -> dict[int, dict[str, Any]]:
    from sqlalchemy import text

    motor = crear_motor(url)
    try:
        with motor.connect() as conexion:
            filas = conexion.execute(text("SELECT id, tipo, version_esquema, version, datos FROM borradores ORDER BY id"))
            return {f.id: {"tipo": f.tipo, "version_esquema": f.version_esquema, "version": f.version,
                           "datos": f.datos if isinstance(f.datos, dict) else json.loads(f.datos)} for f in filas}
    finally:
        motor.dispose()


def _revision(url: str) -> tuple[str | None, str | None]:
    motor = crear_motor(url)
    try:
        return revisiones(motor)
    finally:
        motor.dispose()


def _comprobar_migrada(url: str, antes: dict[int, dict[str, Any]], carpeta: Path) -> None:
    actual, cabeza = _revision(url)
    assert actual == cabeza, "la base quedó en la última migración"
    despues = _filas(url)
    assert set(despues) == {1, 2, 3}
    assert all(f["version_esquema"] == VERSION_ESQUEMA for f in despues.values())
    assert all(despues[i]["version"] == antes[i]["version"] + 1 for i in despues), "un formulario abierto de antes no pisa"
    assert despues[1]["datos"] == antes[1]["datos"] and despues[2]["datos"] == antes[2]["datos"]
    assert despues[3]["datos"]["anexos"] == [{"nombre": "Foto del taller", "archivo": ANEXO}]
    assert despues[3]["datos"]["nombre"] == "Ñandú «a medias»"
    # La app, sobre la carpeta nueva, encuentra la imagen (ningún error del anexo) y genera lo válido.
    almacen = Almacen(url, migrar_al_iniciar=False, carpeta=carpeta)
    borrador = almacen.obtener(3)
    assert borrador is not None and borrador.datos["anexos"][0]["archivo"] == str((carpeta / ANEXO).resolve())
    _modelo, errores = validar_borrador("ficha", borrador.datos)
    assert errores and not [e for e in errores if e.ruta.startswith("anexos")], errores
    almacen.motor.dispose()


@pytest.mark.parametrize("orden", ["migrar", "inicio"])
def test_la_base_de_0_2_0_se_migra(tmp_path: Path, url_bd: str | None, orden: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    carpeta = tmp_path / "datos"
    url = _cargar_base_vieja(url_bd, carpeta)
    antes = _filas(url)
    assert _revision(url)[0] == "0001"
    assert {f["version_esquema"] for f in antes.values()} == {1}
    assert antes[3]["datos"]["anexos"][0]["archivo"] == ANEXO_VIEJO
    cabeza = _revision(url)[1]

    if orden == "migrar":
        assert main(["web", "migrar", "--bd", url]) == 0
        salida = capsys.readouterr().out
        assert (f"Base migrada: de 0001 a {cabeza}." if cabeza != "0001" else "Las tablas ya estaban al día") in salida
        assert f"3 borrador(es) pasaron a la versión {VERSION_ESQUEMA} de sus datos." in salida
        _comprobar_migrada(url, antes, carpeta)
        assert main(["web", "migrar", "--bd", url]) == 0
        salida = capsys.readouterr().out
        assert "ya estaba al día" in salida and "pasaron" not in salida
    else:  # la app al iniciar: migra antes de servir la primera página
        c = cliente(carpeta, bd=url_bd)
        inicio = c.get("/").text
        assert "Ñandú «a medias»" in inicio and "Movilidad segura en los entornos escolares" in inicio
        _comprobar_migrada(url, antes, carpeta)
        r = c.get("/borradores/1/descargar/word")
        assert r.status_code == 200 and r.content[:2] == b"PK", "la ficha válida de 0.2.0 se genera"
        assert c.get("/borradores/2/exportar").json()["desafio"] == antes[2]["datos"]["desafio"]


def test_leer_sin_migrar_da_la_forma_de_hoy(tmp_path: Path) -> None:
    """Al leer un borrador viejo (una base aún sin migrar) la app ve la forma de hoy; la base no cambia."""
    carpeta = tmp_path / "datos"
    url = _cargar_base_vieja(None, carpeta)
    almacen = Almacen(url, migrar_al_iniciar=False, carpeta=carpeta)
    # Las tablas sí al día (Alembic: la 0003 añade el equipo de cada borrador); los datos, en su forma vieja.
    from alembic import command

    from acuerdo_docs.web.bd import _config

    config = _config()
    with almacen.motor.begin() as conexion:
        config.attributes["connection"] = conexion
        command.upgrade(config, "head")
    borrador = almacen.obtener(3)
    assert borrador is not None and borrador.datos["anexos"][0]["archivo"] == str((carpeta / ANEXO).resolve())
    assert _filas(url)[3]["datos"]["anexos"][0]["archivo"] == ANEXO_VIEJO
    almacen.motor.dispose()


def test_respaldo_de_0_2_0_se_restaura_con_la_forma_de_hoy(tmp_path: Path, url_bd: str | None,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    carpeta = tmp_path / "nuevo"
    carpeta.mkdir()
    url = url_bd or url_sqlite(carpeta)
    assert main(["web", "restaurar", str(VIEJA / "respaldo.json"), "--bd", url]) == 0, capsys.readouterr().err
    filas = _filas(url)
    assert {f["version_esquema"] for f in filas.values()} == {VERSION_ESQUEMA}
    assert filas[3]["datos"]["anexos"][0]["archivo"] == ANEXO
    shutil.copytree(VIEJA / "anexos", carpeta / "anexos")  # el respaldo es la base; las imágenes se copian aparte
    c = cliente(carpeta, bd=url_bd)
    assert c.get("/borradores/1/descargar/word").status_code == 200


def test_respaldo_de_una_version_mas_nueva_se_rechaza(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    respaldo = json.loads((VIEJA / "respaldo.json").read_text(encoding="utf-8"))
    respaldo["borradores"][1]["version_esquema"] = VERSION_ESQUEMA + 1
    archivo = tmp_path / "futuro.json"
    archivo.write_text(json.dumps(respaldo), encoding="utf-8")
    assert main(["web", "restaurar", str(archivo), "--bd", url_sqlite(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "borradores[2].version_esquema" in err and "más nuevo" in err and "Traceback" not in err


@pytest.mark.parametrize("futuro", ["migracion", "datos"])
def test_una_base_de_una_version_mas_nueva_da_un_error_claro_y_no_se_toca(
        tmp_path: Path, url_bd: str | None, futuro: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Volver a una versión anterior del programa (p. ej. al deshacer una actualización) con la base ya migrada."""
    import subprocess
    import sys

    from sqlalchemy import text

    from apoyo_servidor import puerto_libre

    carpeta = tmp_path / "datos"
    url = _cargar_base_vieja(url_bd, carpeta)
    assert main(["web", "migrar", "--bd", url]) == 0
    motor = crear_motor(url)
    with motor.begin() as conexion:
        if futuro == "migracion":
            conexion.execute(text("UPDATE alembic_version SET version_num = '0099_de_una_version_futura'"))
        else:
            conexion.execute(text("UPDATE borradores SET version_esquema = :v WHERE id = 2"),
                             {"v": VERSION_ESQUEMA + 1})
    motor.dispose()
    antes = (_revision(url), _filas(url))
    capsys.readouterr()
    assert main(["web", "migrar", "--bd", url]) == 2
    err = capsys.readouterr().err
    esperado = "no conoce" if futuro == "migracion" else "forma más nueva"
    assert esperado in err and "versión más nueva" in err and "Traceback" not in err, err
    # La orden que sirve: el mismo error, antes de servir nada.
    orden = ["web", "--no-abrir", "--puerto", str(puerto_libre()), "--datos", str(carpeta), "--bd", url]
    hecho = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", *orden], capture_output=True, text=True,
                           timeout=120)
    assert hecho.returncode == 2 and esperado in hecho.stderr and "Traceback" not in hecho.stderr, hecho.stderr
    assert (_revision(url), _filas(url)) == antes, "la base no se tocó"


# --------------------------------------------------------------------------- el registro de migraciones


def test_cada_version_vieja_tiene_su_paso() -> None:
    assert sorted(versiones._MIGRACIONES) == list(range(1, versiones.VERSION_DATOS))
    assert VERSION_ESQUEMA == versiones.VERSION_DATOS


def test_migrar_datos_no_toca_la_entrada_y_es_determinista() -> None:
    viejos = {"nombre": "x", "anexos": [
        {"nombre": "a", "archivo": "/srv/otra/anexos/12/a.png"},
        {"nombre": "b", "archivo": "C:\\Datos\\acuerdo-docs\\anexos\\4\\b.jpg"},
        {"nombre": "c", "archivo": "/home/ana/fotos/c.png"},  # no es de la carpeta de la app: queda igual
        {"nombre": "d", "archivo": "relativa/d.png"},
        {"nombre": "e"},
    ]}
    copia = json.loads(json.dumps(viejos))
    nuevos = versiones.migrar_datos("ficha", viejos, 1)
    assert viejos == copia
    assert [a.get("archivo") for a in nuevos["anexos"]] == [
        "anexos/12/a.png", "anexos/4/b.jpg", "/home/ana/fotos/c.png", "relativa/d.png", None]
    assert versiones.migrar_datos("ficha", viejos, 1) == nuevos
    assert versiones.migrar_datos("ficha", nuevos, versiones.VERSION_DATOS) == nuevos
    acuerdo = {"anexos": [{"archivo": "/x/anexos/1/a.png"}]}  # el acuerdo no tiene anexos: no se toca
    assert versiones.migrar_datos("acuerdo", acuerdo, 1) == acuerdo


def test_version_desconocida_error_en_espanol() -> None:
    with pytest.raises(ErrorEntrada, match="actualice acuerdo-docs"):
        versiones.migrar_datos("ficha", {}, versiones.VERSION_DATOS + 1)
    with pytest.raises(ErrorEntrada, match="versión de los datos inválida"):
        versiones.migrar_datos("ficha", {}, 0)


def test_un_anexo_nuevo_se_guarda_relativo_a_la_carpeta(tmp_path: Path) -> None:
    import io

    from PIL import Image

    from apoyo_web import csrf, nuevo

    c = cliente(tmp_path / "datos")
    direccion = nuevo(c, "ficha")
    c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "anadir:anexos"})
    imagen = io.BytesIO()
    Image.new("RGB", (8, 8)).save(imagen, "PNG")
    c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto"},
           files={"anexos.0.archivo": ("foto.png", imagen.getvalue(), "image/png")})
    guardada = _filas(url_sqlite(tmp_path / "datos"))[1]["datos"]["anexos"][0]["archivo"]
    assert guardada.startswith("anexos/1/") and guardada.endswith(".png") and (tmp_path / "datos" / guardada).is_file()
    # Guardar otra vez la sección (el campo oculto trae la ruta absoluta) no la vuelve absoluta.
    c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto 2",
                                             "anexos.0.archivo": str((tmp_path / "datos" / guardada).resolve())})
    assert _filas(url_sqlite(tmp_path / "datos"))[1]["datos"]["anexos"][0] == {"nombre": "Foto 2", "archivo": guardada}
