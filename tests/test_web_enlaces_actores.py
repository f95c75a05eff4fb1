"""Enlaces de validación de los actores: cada actor valida su propia parte desde un enlace firmado.

En SQLite y en PostgreSQL: crear, listar con su estado, la página del actor limitada a ese actor, la
respuesta registrada en el acuerdo (reunión, Word reabierto con python-docx, infografía), revocar,
vencer (el reloj se inyecta) y firmas alteradas.
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from apoyo_web import cliente, csrf, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.web import enlaces_actores  # noqa: E402

MODELO = ad.ejemplo_acuerdo()
SDM = next(a for a in MODELO.actores if a.id == "sdm")
PENDIENTE = next(a for a in MODELO.actores if not a.validado)


def _acuerdo(tmp_path: Any, url_bd: str | None, **cambios: Any) -> tuple[Any, str]:
    c = cliente(tmp_path / "web", bd=url_bd)
    datos = MODELO.model_dump(mode="json", exclude_none=True) | cambios
    r = c.post("/importar/json", data={"_csrf": csrf(c)}, follow_redirects=False,
               files={"archivo": ("a.json", json.dumps(datos), "application/json")})
    assert r.status_code == 303
    return c, r.headers["location"].split("?")[0]


def _crear(c: Any, direccion: str, actor: str, dias: str = "14") -> str:
    """Crea el enlace de ``actor``; devuelve su dirección relativa (/actor/…), leída de la lista."""
    r = c.post(f"{direccion}/enlaces", data={"_csrf": csrf(c), "actor": actor, "dias": dias}, follow_redirects=False)
    assert r.status_code == 303, r.text
    ancla = r.headers["location"].rpartition("#")[2]
    lista = c.get(f"{direccion}/enlaces").text
    fila = re.search(rf'<tr id="{ancla}">(.*?)</tr>', lista, re.S).group(1)
    return re.search(r'value="http://127\.0\.0\.1:8765(/actor/[^"]+)"', fila).group(1)


def _actor(c: Any, direccion: str, id_actor: str) -> dict[str, Any]:
    datos = json.loads(c.get(f"{direccion}/exportar").content)
    return next(a for a in datos["actores"] if a["id"] == id_actor)


def _anonimo(tmp_path: Any, url_bd: str | None) -> Any:
    """Otro navegador: sin la cookie del token de la app (como el actor en su equipo)."""
    return cliente(tmp_path / "web", con_token=False, bd=url_bd)


def _texto_pdf(pdf: bytes) -> str:
    """El texto de la infografía en PDF, sin espacios (como lo compara tests/test_infografia.py)."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as documento:
        return re.sub(r"[\s\u200b]+", "", documento.pages[0].extract_text(use_text_flow=True) or "")


def _estado_en_lista(c: Any, direccion: str) -> list[str]:
    return re.findall(r'class="estado-enlace (\w+)"', c.get(f"{direccion}/enlaces").text)


def test_crear_enlace_lo_lista_vigente_con_su_direccion(tmp_path, url_bd):
    c, direccion = _acuerdo(tmp_path, url_bd)
    assert "Enlaces para que cada actor valide su parte" in c.get(direccion).text
    pagina = c.get(f"{direccion}/enlaces").text
    assert "Aún no hay enlaces" in pagina and "no una firma electrónica" in pagina
    ruta = _crear(c, direccion, "sdm")
    assert re.fullmatch(r"/actor/[\w-]{16}\.[\w-]{43}", ruta)
    assert _estado_en_lista(c, direccion) == ["vigente"]
    # Uno por actor: uno nuevo revoca el anterior (el anterior ya no abre).
    nueva = _crear(c, direccion, "sdm", "3")
    assert _estado_en_lista(c, direccion) == ["vigente", "revocado"]
    otro = _anonimo(tmp_path, url_bd)
    assert otro.get(ruta).status_code == 410 and otro.get(nueva).status_code == 200
    # Días fuera de rango: error que nombra el campo; actor inexistente: 404.
    r = c.post(f"{direccion}/enlaces", data={"_csrf": csrf(c), "actor": "sdm", "dias": "400"})
    assert r.status_code == 422 and "Días de vigencia: escriba un número de 1 a 90" in r.text
    assert c.post(f"{direccion}/enlaces", data={"_csrf": csrf(c), "actor": "nadie", "dias": "5"}).status_code == 404
    # Sin el token CSRF no se crea nada; sin la cookie de la app, la lista no se ve.
    assert c.post(f"{direccion}/enlaces", data={"actor": "sdm", "dias": "5"}).status_code == 403
    assert otro.get(f"{direccion}/enlaces").status_code == 403


def test_la_pagina_del_actor_muestra_solo_lo_suyo(tmp_path, url_bd):
    c, direccion = _acuerdo(tmp_path, url_bd)
    ruta = _crear(c, direccion, "sdm")
    r = _anonimo(tmp_path, url_bd).get(ruta)
    assert r.status_code == 200
    html = r.text
    assert r.headers["x-robots-tag"] == "noindex" and r.headers["cache-control"] == "no-store"
    assert "Esto no es una firma electrónica" in html and "Valido mi participación" in html
    assert SDM.entidad in html and SDM.rol in html
    assert all(texto in html for texto in SDM.responsabilidades)
    assert all(comp.descripcion in html for comp in SDM.compromisos)
    assert all(rotulo in html for rotulo in ("talento humano", "equipo", "recursos", "otros"))
    assert MODELO.desafio.nombre in html and MODELO.objetivo in html and "Avance" in html
    # Nada de otros actores: ni sus datos personales, ni su entidad, ni su rol; ni los datos
    # personales del propio actor (la página no los necesita).
    for otro in MODELO.actores:
        personales = [otro.representante, otro.correo or "\x00"]
        assert not [p for p in personales if p and p in html], otro.id
        if otro.id != "sdm":
            assert otro.entidad not in html and otro.rol not in html, otro.id
    # Ni enlaces a la app del facilitador.
    assert "/borradores/" not in html and 'name="_csrf"' not in html


def test_validar_queda_en_el_acuerdo_la_reunion_el_word_y_la_infografia(tmp_path, url_bd):
    import docx

    from acuerdo_docs.documentos.infografia.datos_acuerdo import datos_acuerdo

    c, direccion = _acuerdo(tmp_path, url_bd)
    antes = sum(a.validado for a in MODELO.actores)
    ruta = _crear(c, direccion, PENDIENTE.id)
    actor = _anonimo(tmp_path, url_bd)
    momento = datetime(2026, 12, 6, 13, 15, 42, tzinfo=UTC)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(enlaces_actores, "ahora", lambda: momento)
        r = actor.post(ruta, data={"decision": "valida", "comentario": "De acuerdo <b>con todo</b>"},
                       follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == ruta
    pagina = actor.get(ruta).text
    assert "Su respuesta quedó registrada: Validó su participación por su enlace el 6 de diciembre de 2026, 08:15" \
           in pagina
    assert "&lt;b&gt;con todo&lt;/b&gt;" in pagina and "<b>con todo" not in pagina
    assert 'name="decision"' not in pagina  # usado: sin formulario
    registrado = _actor(c, direccion, PENDIENTE.id)
    assert registrado["validado"] is True
    assert registrado["validacion"] == {"decision": "valida", "momento": "2026-12-06T08:15:42-05:00",
                                        "comentario": "De acuerdo <b>con todo</b>", "medio": "enlace"}
    assert _estado_en_lista(c, direccion) == ["usado"]
    # El historial tiene la revisión del actor (su entidad, nunca el nombre de su representante).
    historial = c.get(f"{direccion}/historial").text
    assert f"actor: {PENDIENTE.entidad}" in historial and "Respuesta por su enlace de validación" in historial
    assert PENDIENTE.representante not in historial
    # Un segundo envío con el mismo enlace no cambia nada.
    assert actor.post(ruta, data={"decision": "pide_cambio", "comentario": "otra"}).status_code == 409
    assert _actor(c, direccion, PENDIENTE.id)["validacion"]["decision"] == "valida"

    # Reunión de inicio: el contador lo cuenta y la respuesta se lee.
    reunion = c.get(f"{direccion}/reunion").text
    assert f"{antes + 1} de {len(MODELO.actores)} actores validaron" in reunion
    assert "Validó su participación por su enlace el 6 de diciembre de 2026, 08:15 (hora de Colombia)" in reunion

    # Word: reabierto, la fila «Validado» del actor dice cuándo y por dónde.
    documento = docx.Document(io.BytesIO(c.get(f"{direccion}/descargar/word").content))
    celdas = [celda.text for tabla in documento.tables for fila in tabla.rows for celda in fila.cells]
    assert any("Validó su participación por su enlace el 6 de diciembre de 2026, 08:15 (hora de Colombia). "
               "Comentario: «De acuerdo <b>con todo</b>»" in t and t.startswith("Sí") for t in celdas)

    # Infografía (el PDF que se descarga, leído): la leyenda cuenta la validación por enlace.
    modelo = ad.AcuerdoSimbolico.model_validate(json.loads(c.get(f"{direccion}/exportar").content))
    assert datos_acuerdo(modelo)["por_enlace"] == {"validaron": 1, "piden_cambio": 0}
    texto = _texto_pdf(c.get(f"{direccion}/descargar/infografia_pdf").content)
    assert f"{antes + 1}validados·{len(MODELO.actores) - antes - 1}pendiente" in texto
    assert "validó(1porenlace)" in texto and "pidiócambio" not in texto


def test_pedir_un_cambio_exige_comentario_y_no_valida(tmp_path, url_bd):
    from acuerdo_docs.documentos.infografia.datos_acuerdo import datos_acuerdo

    c, direccion = _acuerdo(tmp_path, url_bd)
    ruta = _crear(c, direccion, PENDIENTE.id)
    actor = _anonimo(tmp_path, url_bd)
    r = actor.post(ruta, data={"decision": "pide_cambio", "comentario": "  "})
    assert r.status_code == 422 and "Comentario: escriba qué cambio pide" in r.text
    assert r.text.count('aria-invalid="true"') == 1 and "<title>Error:" in r.text
    r = actor.post(ruta, data={"decision": "firmo"})
    assert r.status_code == 422 and "Elija «Valido mi participación» o «Pido un cambio»" in r.text
    assert actor.post(ruta, data={"decision": "valida", "comentario": "x" * 2001}).status_code == 422
    assert _estado_en_lista(c, direccion) == ["vigente"]
    r = actor.post(ruta, data={"decision": "pide_cambio", "comentario": "Son 2 personas, no 3"})
    assert r.status_code == 200  # tras la redirección
    registrado = _actor(c, direccion, PENDIENTE.id)
    assert registrado["validado"] is False and registrado["validacion"]["decision"] == "pide_cambio"
    assert "Pidió un cambio por su enlace" in c.get(f"{direccion}/reunion").text
    modelo = ad.AcuerdoSimbolico.model_validate(json.loads(c.get(f"{direccion}/exportar").content))
    datos = datos_acuerdo(modelo)
    assert datos["por_enlace"] == {"validaron": 0, "piden_cambio": 1}
    assert [a["pide_cambio"] for s in datos["sectores"] for a in s["actores"] if a["entidad"] == PENDIENTE.entidad] \
        == [True]
    texto = _texto_pdf(c.get(f"{direccion}/descargar/infografia_pdf").content)
    assert "pidiócambio" in texto and "porenlace" not in texto


def test_revocar_deja_el_enlace_muerto(tmp_path, url_bd):
    c, direccion = _acuerdo(tmp_path, url_bd)
    ruta = _crear(c, direccion, PENDIENTE.id)
    lista = c.get(f"{direccion}/enlaces").text
    revocar = re.search(r'action="(/borradores/\d+/enlaces/\d+/revocar)"', lista).group(1)
    assert c.post(revocar, data={"_csrf": csrf(c)}, follow_redirects=False).status_code == 303
    assert _estado_en_lista(c, direccion) == ["revocado"]
    actor = _anonimo(tmp_path, url_bd)
    r = actor.get(ruta)
    assert r.status_code == 410 and "Este enlace fue revocado" in r.text and PENDIENTE.rol not in r.text
    assert actor.post(ruta, data={"decision": "valida"}).status_code == 410
    assert _actor(c, direccion, PENDIENTE.id)["validado"] is False
    # El enlace de otro acuerdo no se revoca desde este.
    otro_c, otra = _acuerdo(tmp_path, url_bd)
    assert otro_c.post(revocar.replace(direccion, otra), data={"_csrf": csrf(otro_c)}).status_code == 404


def test_un_enlace_vencido_no_abre(tmp_path, url_bd):
    c, direccion = _acuerdo(tmp_path, url_bd)
    ruta = _crear(c, direccion, PENDIENTE.id, "2")
    actor = _anonimo(tmp_path, url_bd)
    despues = datetime.now(UTC) + timedelta(days=2, minutes=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(enlaces_actores, "ahora", lambda: despues)
        r = actor.get(ruta)
        assert r.status_code == 410 and "Este enlace venció" in r.text and "hora de Colombia" in r.text
        assert actor.post(ruta, data={"decision": "valida"}).status_code == 410
        assert _estado_en_lista(c, direccion) == ["vencido"]
    assert actor.get(ruta).status_code == 200  # un minuto antes de vencer seguía vivo
    assert _actor(c, direccion, PENDIENTE.id)["validado"] is False


def test_firma_alterada_o_enlace_de_otro_actor(tmp_path, url_bd):
    c, direccion = _acuerdo(tmp_path, url_bd)
    de_a = _crear(c, direccion, "sdm")
    de_b = _crear(c, direccion, PENDIENTE.id)
    actor = _anonimo(tmp_path, url_bd)
    clave_a, firma_a = de_a.removeprefix("/actor/").split(".")
    clave_b, firma_b = de_b.removeprefix("/actor/").split(".")
    otra_letra = "A" if firma_a[0] != "A" else "B"
    for alterado in (f"{clave_a}.{otra_letra}{firma_a[1:]}", f"{clave_a}.{firma_b}", f"{clave_b}.{firma_a}",
                     f"{clave_a}.", clave_a, f"{clave_a}x.{firma_a}", "x" * 300):
        r = actor.get(f"/actor/{alterado}")
        assert r.status_code == 404 and "Enlace no válido" in r.text, alterado
        assert actor.post(f"/actor/{alterado}", data={"decision": "valida"}).status_code == 404
    # El enlace de A no escribe en B aunque el formulario lo pida.
    actor.post(de_a, data={"decision": "valida", "actor": PENDIENTE.id, "actores.4.validado": "si"})
    assert _actor(c, direccion, PENDIENTE.id)["validado"] is False
    assert _actor(c, direccion, "sdm")["validacion"]["decision"] == "valida"
    assert PENDIENTE.entidad not in actor.get(de_a).text


def test_acuerdo_incompleto_o_actor_quitado(tmp_path, url_bd):
    c, direccion = _acuerdo(tmp_path, url_bd)
    ruta = _crear(c, direccion, PENDIENTE.id)
    actor = _anonimo(tmp_path, url_bd)
    datos = MODELO.model_dump(mode="json", exclude_none=True)
    app = c.app.app.state.acuerdo  # Guardia → Starlette
    id_borrador = int(direccion.rpartition("/")[2])
    app.guardar(id_borrador, "acuerdo", datos | {"lugar": ""})  # a medio editar
    r = actor.get(ruta)
    assert r.status_code == 409 and "El acuerdo se está editando" in r.text
    assert c.post(f"{direccion}/enlaces", data={"_csrf": csrf(c), "actor": "sdm", "dias": "5"}).status_code == 409
    sin_el = [a for a in datos["actores"] if a["id"] != PENDIENTE.id]
    app.guardar(id_borrador, "acuerdo", datos | {"actores": sin_el})
    r = actor.get(ruta)
    assert r.status_code == 410 and "Su actor ya no está en el acuerdo" in r.text
    # Borrado el acuerdo (y reusado su número en SQLite), el enlace no abre el nuevo.
    c.post(f"{direccion}/eliminar", data={"_csrf": csrf(c)})
    assert actor.get(ruta).status_code in (404, 410)


def test_la_reunion_y_el_formulario_conservan_o_quitan_la_respuesta(tmp_path, url_bd):
    from lxml import html as lhtml

    c, direccion = _acuerdo(tmp_path, url_bd)
    ruta = _crear(c, direccion, PENDIENTE.id)
    comentario = """Dice "sí" y 'no' <b>&amp;</b>"""
    _anonimo(tmp_path, url_bd).post(ruta, data={"decision": "valida", "comentario": comentario})
    # Guardar la sección de actores tal cual (el formulario del facilitador) conserva la respuesta.
    pagina = c.get(f"{direccion}/seccion/actores").text
    assert "Validación por enlace:</strong> Validó su participación por su enlace" in pagina
    formulario = lhtml.fromstring(pagina).forms[0]
    campos = dict(formulario.form_values()) | {"_accion": "guardar"}
    assert c.post(f"{direccion}/seccion/actores", data=campos, follow_redirects=False).status_code == 303
    conservada = _actor(c, direccion, PENDIENTE.id)["validacion"]
    assert conservada["decision"] == "valida" and conservada["comentario"] == comentario
    # Quitar la validación en la reunión quita también la del enlace.
    indice = [a.id for a in MODELO.actores].index(PENDIENTE.id)
    c.post(f"{direccion}/reunion", data={"_csrf": csrf(c), "actor": str(indice), "validado": "no"})
    quitado = _actor(c, direccion, PENDIENTE.id)
    assert quitado["validado"] is False and "validacion" not in quitado


def test_la_guardia_solo_abre_actor_sin_token(tmp_path):
    otro = _anonimo(tmp_path, None)
    assert otro.get("/actor/nada.nada").status_code == 404  # la página del enlace, no «Falta el token»
    assert otro.get("/actorx").status_code == 403 and otro.get("/").status_code == 403


def test_migrar_desde_la_anterior_agrega_los_enlaces_sin_tocar_los_borradores(tmp_path, url_bd):
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from acuerdo_docs.web import bd

    config = bd._config()
    migracion = next(r for r in ScriptDirectory.from_config(config).walk_revisions()
                     if r.path.endswith("_enlaces_actor.py"))
    anterior = str(migracion.down_revision)
    url = url_bd or bd.url_sqlite(tmp_path)
    almacen = bd.Almacen(url, migrar_al_iniciar=False)
    with almacen.motor.begin() as conexion:  # la base como la dejaba la migración anterior
        config.attributes["connection"] = conexion
        command.upgrade(config, anterior)
    assert "enlaces_actor" not in inspect(almacen.motor).get_table_names()
    id_borrador = almacen.crear("acuerdo", MODELO.model_dump(mode="json", exclude_none=True), "A", 0)
    assert bd.migrar(almacen.motor) == (anterior, bd.cabeza())
    tablas = set(inspect(almacen.motor).get_table_names())
    assert {"borradores", "enlaces_actor", "secretos"} <= tablas
    assert almacen.obtener(id_borrador).datos == MODELO.model_dump(mode="json", exclude_none=True)
    enlace = enlaces_actores.crear(almacen, id_borrador, "sdm", 3)
    assert enlaces_actores.buscar(almacen, enlaces_actores.token(almacen, enlace)).id == enlace.id
    almacen.motor.dispose()


def test_con_cuentas_el_actor_entra_sin_sesion_y_un_lector_no_crea_enlaces(tmp_path, url_bd):
    from apoyo_web import CLAVE, cliente_cuentas, csrf_de, cuentas_de, entrar

    c = cliente_cuentas(tmp_path, url_bd)
    cuentas = cuentas_de(c)
    cuentas.crear_equipo("Equipo A")
    cuentas.crear_usuario("ana", "editor", CLAVE, ("Equipo A",))
    cuentas.crear_usuario("beto", "lector", CLAVE, ("Equipo A",))
    assert entrar(c, "ana").status_code == 303
    r = c.post("/importar/json", data={"_csrf": csrf_de(c.get("/").text)}, follow_redirects=False,
               files={"archivo": ("a.json", json.dumps(MODELO.model_dump(mode="json", exclude_none=True)),
                                  "application/json")})
    direccion = r.headers["location"].split("?")[0]
    r = c.post(f"{direccion}/enlaces", data={"_csrf": csrf_de(c.get(direccion).text), "actor": PENDIENTE.id,
                                             "dias": "5"}, follow_redirects=False)
    assert r.status_code == 303
    lista = c.get(f"{direccion}/enlaces").text
    ruta = re.search(r'value="http://[^/"]+(/actor/[^"]+)"', lista).group(1)
    # El lector del mismo equipo ve la lista pero no crea ni revoca.
    beto = cliente_cuentas(tmp_path, url_bd)
    assert entrar(beto, "beto").status_code == 303
    token = csrf_de(beto.get("/").text)
    assert beto.post(f"{direccion}/enlaces", data={"_csrf": token, "actor": "sdm", "dias": "5"}).status_code == 403
    revocar = re.search(r'action="(/borradores/\d+/enlaces/\d+/revocar)"', lista).group(1)
    assert beto.post(revocar, data={"_csrf": token}).status_code == 403
    # El actor, sin sesión: su página y su respuesta, con autor «actor: …» en el historial.
    anonimo = cliente_cuentas(tmp_path, url_bd)
    assert anonimo.get(direccion, follow_redirects=False).status_code == 303  # lo demás pide entrar
    assert anonimo.get(ruta).status_code == 200
    assert anonimo.post(ruta, data={"decision": "valida"}, follow_redirects=False).status_code == 303
    assert f"actor: {PENDIENTE.entidad}" in c.get(f"{direccion}/historial").text
    assert "Usado" in c.get(f"{direccion}/enlaces").text
