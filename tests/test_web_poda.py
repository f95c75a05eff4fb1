"""Podar el historial (``acuerdo-docs web podar``), en SQLite y PostgreSQL: solo autoguardados viejos que no son el
último de su persona ese día; el historial, comparar y el bloqueo optimista siguen sirviendo con los huecos."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import apoyo_web
from apoyo_web import TOKEN, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.cli import main  # noqa: E402
from acuerdo_docs.web import revisiones  # noqa: E402
from acuerdo_docs.web.app import crear_app  # noqa: E402
from acuerdo_docs.web.bd import Revision  # noqa: E402
from acuerdo_docs.web.poda import podar_historial  # noqa: E402

HOY = datetime.now(UTC).date()
DIA_1 = HOY - timedelta(days=40)
DIA_2 = HOY - timedelta(days=39)

# (autor, origen, día) de cada revisión desde la 2 (la 1 es la creación, el DIA_1)
GUARDADOS = [
    ("ana", "autoguardado", DIA_1),  # 2: se poda (ana guardó otro autoguardado ese día)
    ("ana", "autoguardado", DIA_1),  # 3: se poda
    ("beto", "autoguardado", DIA_1),  # 4: queda (el único de beto ese día)
    ("ana", "autoguardado", DIA_1),  # 5: queda (el último de ana ese día)
    ("ana", "formulario", DIA_1),  # 6: queda («Guardar» no se poda)
    ("ana", "autoguardado", DIA_2),  # 7: se poda
    ("ana", "autoguardado", DIA_2),  # 8: queda
    ("ana", "autoguardado", HOY),  # 9: queda (después de la fecha)
    ("ana", "autoguardado", HOY),  # 10: queda (la vigente)
]
QUEDAN = [1, 4, 5, 6, 8, 9, 10]


def _resumir(_tipo: str, datos: dict[str, Any]) -> tuple[str, list[Any]]:
    return str(datos.get("nombre", "")), []


@pytest.fixture
def oficina(tmp_path: Path, url_bd: str | None) -> dict[str, Any]:
    """Una ficha con el historial de :data:`GUARDADOS`, cada revisión con su día."""
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    datos_app = tmp_path / "datos"
    app = crear_app(datos_app, url_bd, TOKEN)
    almacen = app.acuerdo.almacen
    datos = ad.ejemplo_ficha().model_dump(mode="json", exclude_none=True)
    id_borrador = almacen.crear("ficha", datos, "v1")
    dias = {1: DIA_1}
    for numero, (autor, origen, dia) in enumerate(GUARDADOS, start=2):
        datos = {**datos, "nombre": f"Práctica versión {numero}"}
        assert almacen.guardar(id_borrador, datos, f"v{numero}", 0, autor=autor, origen=origen) == numero
        dias[numero] = dia
    with Session(almacen.motor) as sesion, sesion.begin():
        for numero, dia in dias.items():
            sesion.execute(update(Revision).where(Revision.borrador_id == id_borrador, Revision.numero == numero)
                           .values(momento=datetime(dia.year, dia.month, dia.day, 10, numero)))
    otro = almacen.crear("ficha", datos, "otro")  # un borrador sin autoguardados: no se toca
    cliente = apoyo_web.cliente(datos_app, bd=url_bd)  # otra app sobre la misma base
    return {"app": app, "almacen": almacen, "id": id_borrador, "otro": otro, "datos": datos_app, "bd": url_bd,
            "cliente": cliente}


def test_solo_los_autoguardados_viejos_que_no_son_el_ultimo_del_dia(oficina: dict[str, Any]) -> None:
    almacen, id_borrador = oficina["almacen"], oficina["id"]
    simulada = podar_historial(almacen, HOY - timedelta(days=1), simular=True)
    assert (simulada.revisiones, simulada.por_borrador, simulada.simulada) == (3, {id_borrador: 3}, True)
    assert almacen.numeros(id_borrador) == list(range(1, 11))  # simular no borra nada

    poda = podar_historial(almacen, HOY - timedelta(days=1))
    assert (poda.revisiones, poda.borradores) == (3, 1)
    assert almacen.numeros(id_borrador) == QUEDAN
    assert almacen.numeros(oficina["otro"]) == [1]
    assert almacen.obtener(id_borrador).version == 10  # el borrador no cambia
    assert podar_historial(almacen, HOY - timedelta(days=1)).revisiones == 0  # otra vez: nada que podar

    # Hoy: los de hoy también se ven, pero el 10 es la vigente y el 9 no es el último de ana ese día
    assert podar_historial(almacen, HOY + timedelta(days=1)).revisiones == 1
    assert almacen.numeros(id_borrador) == [1, 4, 5, 6, 8, 10]


def test_historial_comparar_y_restaurar_con_huecos(oficina: dict[str, Any]) -> None:
    podar_historial(oficina["almacen"], HOY - timedelta(days=1))
    c, id_borrador = oficina["cliente"], oficina["id"]
    r = c.get(f"/borradores/{id_borrador}/historial")
    assert r.status_code == 200 and "Práctica versión 8" in r.text and "Traceback" not in r.text
    # Comparar la 8 con la anterior que quede (la 7 se podó): la 6
    r = c.get(f"/borradores/{id_borrador}/historial/comparar?hasta=8")
    assert r.status_code == 200 and "Revisión 6 frente a revisión 8" in r.text
    assert c.get(f"/borradores/{id_borrador}/historial/comparar?desde=7&hasta=8").status_code == 404


def test_un_formulario_que_partio_de_una_revision_podada_no_pisa_nada(oficina: dict[str, Any]) -> None:
    """Sin la revisión de partida, cada dato que cambiaron los dos es un choque: nada se guarda a ciegas."""
    almacen, id_borrador = oficina["almacen"], oficina["id"]
    podar_historial(almacen, HOY - timedelta(days=1))
    assert almacen.revision(id_borrador, 7) is None
    mio = {**almacen.obtener(id_borrador).datos, "nombre": "Lo que escribí partiendo de la 7"}
    with pytest.raises(revisiones.Choque):
        revisiones.guardar(almacen, id_borrador, "ficha", mio, base=7, campos=["nombre"], autor="carla",
                           origen="formulario", detalle="", resumir=_resumir)
    assert almacen.obtener(id_borrador).version == 10


def _orden(oficina: dict[str, Any], *argumentos: str) -> int:
    base = ["--bd", oficina["bd"]] if oficina["bd"] else ["--datos", str(oficina["datos"])]
    return main(["web", "podar", *argumentos, *base])


def test_la_orden_podar(oficina: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    antes = (HOY - timedelta(days=1)).isoformat()
    assert _orden(oficina, "--antes-de", antes, "--simular") == 0
    salida = capsys.readouterr().out
    assert "Se podarían 3 autoguardado(s) de 1 borrador(es)" in salida and "No se borró nada" in salida
    assert oficina["almacen"].numeros(oficina["id"]) == list(range(1, 11))
    assert _orden(oficina, "--antes-de", antes) == 0
    assert "Historial podado: 3 autoguardado(s) de 1 borrador(es)" in capsys.readouterr().out
    assert oficina["almacen"].numeros(oficina["id"]) == QUEDAN
    assert _orden(oficina, "--antes-de", antes) == 0
    assert "No hay autoguardados que podar" in capsys.readouterr().out
    for mala, mensaje in ((str(HOY + timedelta(days=1)), "está en el futuro"),
                          ("01/06/2026", "no es una fecha AAAA-MM-DD")):
        assert _orden(oficina, "--antes-de", mala) == 2
        err = capsys.readouterr().err
        assert mensaje in err and "Traceback" not in err, err
    assert oficina["almacen"].numeros(oficina["id"]) == QUEDAN


def test_fecha_de_hoy_es_valida() -> None:
    from acuerdo_docs.cli.web import _fecha_poda

    assert _fecha_poda(f" {HOY.isoformat()} ") == HOY
    assert isinstance(_fecha_poda("2020-02-29"), date)


def test_un_historial_podado_se_respalda_y_se_restaura(oficina: dict[str, Any], tmp_path: Path) -> None:
    """Los huecos en los números pasan por el respaldo y vuelven iguales (en SQLite, venga de donde venga)."""
    from acuerdo_docs.web.bd import Almacen, url_sqlite

    podar_historial(oficina["almacen"], HOY - timedelta(days=1))
    respaldo = tmp_path / "respaldo.json"
    base = ["--bd", oficina["bd"]] if oficina["bd"] else ["--datos", str(oficina["datos"])]
    assert main(["web", "respaldo", "-o", str(respaldo), *base]) == 0
    otra = tmp_path / "otra"
    assert main(["web", "restaurar", str(respaldo), "--datos", str(otra)]) == 0
    restaurada = Almacen(url_sqlite(otra))
    try:
        ids = {r.titulo: r.id for r in restaurada.listar()}
        assert restaurada.numeros(ids["v10"]) == QUEDAN
    finally:
        restaurada.motor.dispose()
