"""Historial y guardados sin pérdidas, en SQLite y PostgreSQL: dos personas que guardan desde la misma revisión,
el autoguardado, el historial con lo que cambió, comparar, restaurar y guardados de verdad simultáneos (hilos).

Dos personas son dos TestClient sobre la misma base; quién es cada una lo pone una envoltura que llena
``request.state.usuario`` como lo hace el modo con cuentas.
"""

from __future__ import annotations

import json
import re
import threading
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from apoyo_web import TOKEN, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.web import revisiones  # noqa: E402
from acuerdo_docs.web.app import crear_app, validar_borrador  # noqa: E402
from acuerdo_docs.web.bd import Almacen, url_sqlite  # noqa: E402


def _persona(app: Any, nombre: str | None) -> Any:
    """La app vista por ``nombre`` (como si hubiera entrado con su cuenta); None: sin cuentas («local»)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    async def con_usuario(scope: Any, receive: Any, send: Any) -> None:
        if nombre is not None and scope["type"] == "http":
            scope.setdefault("state", {})["usuario"] = SimpleNamespace(nombre=nombre, rol="editor")
        await app(scope, receive, send)

    c = TestClient(con_usuario, base_url="http://127.0.0.1:8765")
    c.cookies.set("acuerdo_docs_sesion", TOKEN)
    return c


@pytest.fixture
def dos(tmp_path: Path, url_bd: str | None) -> tuple[Any, Any, Any]:
    """Ana y Beto en dos clientes (dos «navegadores») sobre la misma base y la misma app."""
    app = crear_app(tmp_path / "datos", url_bd, TOKEN)
    return _persona(app, "ana"), _persona(app, "beto"), app


def _csrf(c: Any) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', c.get("/nueva/ficha").text).group(1)


def _importar(c: Any, modelo: Any) -> str:
    datos = json.dumps(modelo.model_dump(mode="json", exclude_none=True)).encode()
    r = c.post("/importar/json", data={"_csrf": _csrf(c)}, files={"archivo": ("x.json", datos, "application/json")},
               follow_redirects=False)
    assert r.status_code == 303
    return r.headers["location"].split("?")[0]


def _formulario(c: Any, url: str) -> dict[str, str]:
    """Lo que enviaría el formulario tal como se cargó (campos de texto, áreas y listas elegidas)."""
    html = c.get(url).text
    campos: dict[str, str] = {}
    for nombre, valor in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        campos[nombre] = unescape(valor)
    for etiqueta in re.findall(r"<input[^>]*>", html):
        nombre, valor = re.search(r'name="([^"]+)"', etiqueta), re.search(r'value="([^"]*)"', etiqueta)
        if nombre and 'type="hidden"' not in etiqueta and 'type="file"' not in etiqueta:
            if 'type="checkbox"' in etiqueta:
                if " checked" in etiqueta:
                    campos[nombre.group(1)] = "si"
            else:
                campos[nombre.group(1)] = unescape(valor.group(1)) if valor else ""
    for nombre, valor in re.findall(r'<textarea[^>]* name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        campos[nombre] = unescape(valor)
    for nombre, opciones in re.findall(r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        elegida = re.search(r'<option value="([^"]*)" selected', opciones)
        campos[nombre] = unescape(elegida.group(1)) if elegida else ""
    return campos


def _texto(html: str) -> str:
    """Lo que lee una persona: sin etiquetas, con los espacios juntos."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def _datos(app: Any, direccion: str) -> dict[str, Any]:
    return dict(app.app.state.acuerdo.almacen.obtener(int(direccion.rsplit("/", 1)[1])).datos)


def test_el_segundo_que_guarda_ve_lo_del_primero_y_conserva_lo_suyo(dos):
    ana, beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    de_ana, de_beto = _formulario(ana, seccion), _formulario(beto, seccion)  # los dos abren la misma revisión
    assert de_ana["_revision"] == de_beto["_revision"]

    de_ana["nombre"] = "Práctica según Ana"
    r = ana.post(seccion, data=de_ana, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?aviso=guardado")

    de_beto["nombre"] = "Práctica según Beto <b>"
    r = beto.post(seccion, data=de_beto, follow_redirects=False)
    assert r.status_code == 409
    assert "No se guardó: ana guardó esta sección mientras usted la editaba" in r.text
    tabla = re.search(r'<div class="choque".*?</table>', r.text, re.S).group(0)
    assert "1. Información general › Nombre de la buena práctica de gestión pública" in tabla
    assert "«Práctica según Ana»" in tabla and "«Práctica según Beto &lt;b&gt;»" in tabla  # texto, nunca marcado
    assert f"«{ad.ejemplo_ficha().nombre}»" in tabla, "el valor de antes (la revisión que abrió Beto)"
    # Lo que escribió Beto sigue en el formulario, ahora sobre la revisión de Ana; nada se escribió.
    assert 'value="Práctica según Beto &lt;b&gt;"' in r.text and "Guardar lo mío encima" in r.text
    assert _datos(app, ficha)["nombre"] == "Práctica según Ana"
    nueva_base = int(re.search(r'name="_revision" value="(\d+)"', r.text).group(1))
    assert nueva_base == int(de_beto["_revision"]) + 1

    # Beto decide guardar encima, a sabiendas: ahora sí, y el historial tiene a los dos.
    r = beto.post(seccion, data={**de_beto, "_revision": str(nueva_base)}, follow_redirects=False)
    assert r.status_code == 303
    assert _datos(app, ficha)["nombre"] == "Práctica según Beto <b>"
    historial = beto.get(f"{ficha}/historial").text
    assert historial.index("<strong>beto</strong>") < historial.index("<strong>ana</strong>"), "la más reciente arriba"
    assert "«Práctica según Ana» → «Práctica según Beto <b>»" in _texto(historial)


def test_campos_distintos_se_guardan_los_dos_y_se_avisa(dos):
    ana, beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    de_ana, de_beto = _formulario(ana, seccion), _formulario(beto, seccion)
    de_ana["dependencia"] = "Dependencia de Ana"
    assert ana.post(seccion, data=de_ana, follow_redirects=False).status_code == 303
    de_beto["nombre"] = "Nombre de Beto"  # otro campo de la misma sección, desde la misma revisión
    r = beto.post(seccion, data=de_beto, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?aviso=guardado-con-otros")
    datos = _datos(app, ficha)
    assert datos["dependencia"] == "Dependencia de Ana" and datos["nombre"] == "Nombre de Beto"
    assert "otra persona guardó otros datos: se conservó lo de los dos" in beto.get(r.headers["location"]).text


def test_autoguardado_no_pisa_y_guardar_parte_de_lo_que_el_dejo(dos):
    ana, beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    de_ana, de_beto = _formulario(ana, seccion), _formulario(beto, seccion)

    # El mismo formulario: autoguardado y luego «Guardar» (la revisión que devuelve el autoguardado).
    de_ana["nombre"] = "Autoguardado de Ana"
    r = ana.post(seccion, data={**de_ana, "_accion": "autoguardar"})
    assert r.status_code == 200 and "Guardado automáticamente" in r.text
    oob = re.search(r'<input type="hidden" name="_revision" value="(\d+)" hx-swap-oob="outerHTML:input\[name=_revision\]">',
                    r.text)
    assert oob and int(oob.group(1)) == int(de_ana["_revision"]) + 1
    de_ana.update({"_revision": oob.group(1), "nombre": "Autoguardado de Ana y algo más"})
    assert ana.post(seccion, data=de_ana, follow_redirects=False).status_code == 303

    # Beto partió de antes: su autoguardado no pisa y no da revisión nueva; lo de Ana sigue.
    de_beto["nombre"] = "Autoguardado de Beto"
    r = beto.post(seccion, data={**de_beto, "_accion": "autoguardar"})
    assert r.status_code == 409 and "No se guardó automáticamente: ana guardó" in _texto(r.text)
    assert "hx-swap-oob" not in r.text and "Nombre de la buena práctica" in r.text
    assert _datos(app, ficha)["nombre"] == "Autoguardado de Ana y algo más"
    assert beto.post(seccion, data=de_beto, follow_redirects=False).status_code == 409  # y «Guardar» muestra el choque


def test_historial_dice_quien_y_que_cambio_y_compara_dos_revisiones(dos):
    ana, beto, _app = dos
    acuerdo = _importar(ana, ad.ejemplo_acuerdo())
    seccion = f"{acuerdo}/seccion/actores"
    campos = _formulario(ana, seccion)
    antes = campos["actores.1.compromisos.0.descripcion"]
    campos["actores.1.compromisos.0.descripcion"] = "2 portátiles"
    assert ana.post(seccion, data=campos, follow_redirects=False).status_code == 303
    campos = _formulario(beto, f"{acuerdo}/seccion/desafio")
    lugar, campos["lugar"] = campos["lugar"], "Sala 3"
    assert beto.post(f"{acuerdo}/seccion/desafio", data=campos, follow_redirects=False).status_code == 303

    tareas = beto.get(acuerdo).text
    assert f'href="{acuerdo}/historial"' in tareas, "la lista de tareas lleva al historial"
    texto = _texto(beto.get(f"{acuerdo}/historial").text)
    assert "Revisión 3 (la actual)" in texto and "beto · Guardó «Desafío»" in texto
    assert f"Desafío › Lugar de la reunión de inicio: «{lugar}» → «Sala 3»" in texto
    assert (f"Actores y compromisos › Actor 2 › Compromiso 1 › Descripción del compromiso: «{antes[:100]}"
            in texto), texto
    assert "→ «2 portátiles»" in texto and "ana · Guardó «Actores y compromisos»" in texto
    assert "ana · Importó un JSON" in texto

    r = ana.get(f"{acuerdo}/historial/comparar?desde=1&hasta=3")
    filas = re.findall(r"<tr><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>", r.text, re.S)
    cambios = {unescape(e): (unescape(re.sub(r"<[^>]+>", "", a)), unescape(re.sub(r"<[^>]+>", "", b)))
               for e, a, b in filas}
    assert cambios["Actores y compromisos › Actor 2 › Compromiso 1 › Descripción del compromiso"] == (
        f"«{antes}»", "«2 portátiles»")
    assert cambios["Desafío › Lugar de la reunión de inicio"][1] == "«Sala 3»"
    assert len(cambios) == 2
    assert ana.get(f"{acuerdo}/historial/comparar?desde=1&hasta=99").status_code == 404


def test_restaurar_es_una_revision_nueva_y_no_reescribe_nada(dos):
    ana, beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    original = _datos(app, ficha)
    campos = _formulario(ana, seccion)
    campos["nombre"] = "Cambiada"
    assert ana.post(seccion, data=campos, follow_redirects=False).status_code == 303
    almacen = app.app.state.acuerdo.almacen
    id_borrador = int(ficha.rsplit("/", 1)[1])
    antes = [(r.numero, r.autor, r.datos) for r in almacen.revisiones(id_borrador)]

    r = beto.post(f"{ficha}/historial/1/restaurar", data={"_csrf": _csrf(beto), "_revision": "2"},
                  follow_redirects=False)
    assert r.status_code == 303
    assert "Se restauró la revisión 1: ahora es la revisión 3" in beto.get(r.headers["location"]).text
    despues = [(r.numero, r.autor, r.datos) for r in almacen.revisiones(id_borrador)]
    assert despues[:2] == antes, "el historial no se reescribe"
    assert despues[2][:2] == (3, "beto") and _datos(app, ficha) == original == despues[2][2]
    ultima = almacen.revisiones(id_borrador)[-1]
    assert (ultima.origen, ultima.detalle) == ("restauracion", "1")

    # Desde una página vieja del historial (otro guardó después): no se restaura encima.
    r = ana.post(f"{ficha}/historial/2/restaurar", data={"_csrf": _csrf(ana), "_revision": "2"})
    assert r.status_code == 409 and "beto guardó cambios (ahora va en la revisión 3)" in r.text
    assert _datos(app, ficha) == original and almacen.version(id_borrador) == 3
    # Restaurar lo mismo que ya está no deja una revisión vacía.
    r = ana.post(f"{ficha}/historial/1/restaurar", data={"_csrf": _csrf(ana), "_revision": "3"})
    assert "La revisión 1 tiene los mismos datos que la actual" in r.text and almacen.version(id_borrador) == 3


def test_guardado_a_la_vez_se_vuelve_a_comparar(dos, monkeypatch):
    """Beto guarda justo entre la lectura y la escritura de Ana: la escritura de Ana falla y se compara de nuevo."""
    ana, _beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    almacen = app.app.state.acuerdo.almacen
    original = almacen.guardar
    llamadas = []

    def con_carrera(id_borrador: int, datos: dict[str, Any], *args: Any, **kwargs: Any) -> int:
        if not llamadas:
            llamadas.append(1)
            otro = {**almacen.obtener(id_borrador).datos, "nombre": "De Beto, al mismo instante"}
            original(id_borrador, otro, "x", 0, autor="beto")
        return original(id_borrador, datos, *args, **kwargs)

    monkeypatch.setattr(almacen, "guardar", con_carrera)
    campos = _formulario(ana, seccion)
    campos["nombre"] = "De Ana"
    r = ana.post(seccion, data=campos, follow_redirects=False)
    assert r.status_code == 409 and "«De Beto, al mismo instante»" in r.text and 'value="De Ana"' in r.text
    assert _datos(app, ficha)["nombre"] == "De Beto, al mismo instante"


def test_reunion_e_importacion_dejan_su_revision(dos):
    ana, beto, app = dos
    acuerdo = _importar(ana, ad.ejemplo_acuerdo())
    pendiente = next(i for i, a in enumerate(ad.ejemplo_acuerdo().actores) if not a.validado)
    r = beto.post(f"{acuerdo}/reunion", data={"_csrf": _csrf(beto), "actor": str(pendiente), "validado": "si"},
                  follow_redirects=False)
    assert r.status_code == 303
    revision = app.app.state.acuerdo.almacen.revisiones(int(acuerdo.rsplit("/", 1)[1]))[-1]
    entidad = ad.ejemplo_acuerdo().actores[pendiente].entidad
    assert (revision.numero, revision.autor, revision.origen) == (2, "beto", "reunion")
    assert revisiones.descripcion(revision) == f"Reunión de inicio: validó {entidad}"
    texto = unescape(beto.get(f"{acuerdo}/historial").text)
    assert f"Actores y compromisos › Actor {pendiente + 1} › Validado en la reunión de inicio: " in texto
    assert "<strong>ana</strong> · Importó un JSON" in texto


def test_sin_cuentas_el_autor_es_local_y_otra_ventana(tmp_path, url_bd):
    app = crear_app(tmp_path / "datos", url_bd, TOKEN)
    una, otra = _persona(app, None), _persona(app, None)
    ficha = _importar(una, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    a, b = _formulario(una, seccion), _formulario(otra, seccion)
    a["nombre"], b["nombre"] = "Una", "Otra"
    assert una.post(seccion, data=a, follow_redirects=False).status_code == 303
    r = otra.post(seccion, data=b, follow_redirects=False)
    assert r.status_code == 409 and "No se guardó: otra ventana guardó esta sección" in r.text
    assert "<strong>local</strong>" in otra.get(f"{ficha}/historial").text


def _resumir(tipo: str, datos: dict[str, Any]) -> tuple[str, list[Any]]:
    return "t", validar_borrador(tipo, datos)[1]


def test_guardados_simultaneos_de_verdad_ninguno_se_pierde(tmp_path, url_bd):
    """Hilos que guardan a la vez desde la misma revisión: el mismo campo, uno gana y los demás ven el choque;
    campos distintos, todos quedan. Cada guardado, una revisión; ninguna a medias."""
    almacen = Almacen(url_bd or url_sqlite(tmp_path))
    base_datos = ad.ejemplo_ficha().model_dump(mode="json", exclude_none=True)
    id_borrador = almacen.crear("ficha", base_datos)
    resultados: list[Any] = []
    barrera = threading.Barrier(6)

    def guardar(campo: str, valor: str) -> None:
        barrera.wait()
        try:
            resultados.append(revisiones.guardar(
                almacen, id_borrador, "ficha", {**base_datos, campo: valor}, base=1, campos=[campo],
                autor=valor, origen="formulario", detalle="", resumir=_resumir))
        except revisiones.Choque as choque:
            resultados.append(choque)

    hilos = [threading.Thread(target=guardar, args=("nombre", f"persona {i}")) for i in range(6)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(60)
    ganadores = [r for r in resultados if isinstance(r, revisiones.Guardado)]
    choques = [r for r in resultados if isinstance(r, revisiones.Choque)]
    assert len(ganadores) == 1 and len(choques) == 5
    ganador = almacen.obtener(id_borrador).datos["nombre"]
    assert all(c.otros[0].despues == ganador for c in choques), "cada uno vio el valor que quedó"
    assert [r.numero for r in almacen.revisiones(id_borrador)] == [1, 2]

    barrera = threading.Barrier(4)
    campos = ["dependencia", "directivo", "proceso", "estabilidad"]
    resultados.clear()
    hilos = [threading.Thread(target=guardar, args=(c, f"nuevo {c}")) for c in campos]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join(60)
    assert all(isinstance(r, revisiones.Guardado) for r in resultados), resultados
    final = almacen.obtener(id_borrador).datos
    assert [final[c] for c in campos] == [f"nuevo {c}" for c in campos] and final["nombre"] == ganador
    historia = almacen.revisiones(id_borrador)
    assert [r.numero for r in historia] == list(range(1, 7))
    assert historia[-1].datos == final
    almacen.motor.dispose()


def test_la_base_de_0_2_0_recibe_su_historial(tmp_path, url_bd):
    from test_web_migracion_vieja import _cargar_base_vieja

    url = _cargar_base_vieja(url_bd, tmp_path / "vieja")
    almacen = Almacen(url, carpeta=tmp_path / "vieja")
    for resumen in almacen.listar():
        borrador = almacen.obtener(resumen.id)
        historia = almacen.revisiones(resumen.id)
        assert historia and historia[-1].numero == borrador.version, "la versión actual tiene su revisión"
        assert historia[-1].datos == borrador.datos
        assert historia[0].autor == "(migración de la base)" and historia[0].origen == "migracion"
    almacen.motor.dispose()


@pytest.mark.parametrize("destino", ["sqlite", "postgresql"])
def test_respaldo_lleva_el_historial_de_ida_y_vuelta(dos, tmp_path, destino, request):
    import jsonschema

    from acuerdo_docs.web.respaldo import Respaldo, leer_respaldo, respaldar, restaurar

    ana, beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    campos = _formulario(ana, seccion)
    campos["nombre"] = "Guardada por Ana"
    assert ana.post(seccion, data=campos, follow_redirects=False).status_code == 303
    assert beto.post(f"{ficha}/historial/1/restaurar", data={"_csrf": _csrf(beto), "_revision": "2"},
                     follow_redirects=False).status_code == 303
    almacen = app.app.state.acuerdo.almacen
    contenido = respaldar(almacen)
    datos = json.loads(contenido)
    assert datos["version_formato"] == 2
    jsonschema.validate(datos, Respaldo.model_json_schema())  # el esquema que publica el modelo del respaldo
    historia = datos["borradores"][0]["revisiones"]
    assert [(r["numero"], r["autor"], r["origen"], r["detalle"]) for r in historia] == [
        (1, "ana", "importacion", "un JSON"), (2, "ana", "formulario", "1. Información general"),
        (3, "beto", "restauracion", "1")]
    assert historia[1]["datos"]["nombre"] == "Guardada por Ana"

    otra = request.getfixturevalue("cluster_postgres").base_nueva() if destino == "postgresql" \
        else url_sqlite(tmp_path)
    destino_almacen = Almacen(otra)
    assert restaurar(destino_almacen, leer_respaldo(contenido, "r.json")) == 1
    assert respaldar(destino_almacen) == contenido, "el mismo respaldo, byte a byte"
    nueva = crear_app(tmp_path / "otra", otra, TOKEN)
    carla = _persona(nueva, "carla")
    texto = _texto(carla.get("/borradores/1/historial").text)
    assert "beto · Restauró la revisión 1" in texto and "ana · Guardó «1. Información general»" in texto
    # Un formulario abierto antes del respaldo (revisión 2) sigue sin pisar a nadie tras restaurar.
    campos["nombre"] = "Desde una pestaña vieja"
    r = carla.post("/borradores/1/seccion/s1", data={**campos, "_revision": "2", "_csrf": _csrf(carla)})
    assert r.status_code == 409 and "beto guardó esta sección" in r.text
    destino_almacen.motor.dispose()
    nueva.app.state.acuerdo.almacen.motor.dispose()


def test_respaldo_sin_historial_de_0_2_0_recibe_su_revision(tmp_path):
    from acuerdo_docs.web.respaldo import leer_respaldo, restaurar

    viejo = Path(__file__).parent / "datos" / "web_0_2_0" / "respaldo.json"
    almacen = Almacen(url_sqlite(tmp_path))
    respaldo = leer_respaldo(viejo.read_bytes(), "respaldo.json")
    assert respaldo.version_formato == 1 and restaurar(almacen, respaldo) == len(respaldo.borradores)
    for borrador in respaldo.borradores:
        historia = almacen.revisiones(borrador.id)
        assert [r.numero for r in historia] == [borrador.version] and historia[0].origen == "migracion"
    almacen.motor.dispose()


def test_respaldo_con_historial_desordenado_se_rechaza(tmp_path):
    from acuerdo_docs.errores import ErrorEntrada
    from acuerdo_docs.web.respaldo import leer_respaldo

    revision = {"numero": 2, "autor": "ana", "momento": "2025-01-02T03:04:05", "origen": "formulario",
                "version_esquema": 2, "datos": {}}
    borrador = {"id": 1, "tipo": "ficha", "version_esquema": 2, "creado": "2025-01-02T03:04:05",
                "modificado": "2025-01-02T03:04:05", "version": 1, "datos": {}, "revisiones": [revision]}
    contenido = json.dumps({"formato": "acuerdo-docs-respaldo", "version_formato": 2, "borradores": [borrador]})
    with pytest.raises(ErrorEntrada, match=r"borradores\[1\]\.revisiones: los números deben ir en aumento"):
        leer_respaldo(contenido.encode(), "r.json")
    borrador["revisiones"] = [{**revision, "origen": "otro"}]
    contenido = json.dumps({"formato": "acuerdo-docs-respaldo", "version_formato": 2, "borradores": [borrador]})
    with pytest.raises(ErrorEntrada, match="origen"):
        leer_respaldo(contenido.encode(), "r.json")


def test_historial_largo_por_paginas(dos):
    ana, _beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    almacen = app.app.state.acuerdo.almacen
    id_borrador = int(ficha.rsplit("/", 1)[1])
    for i in range(2, 41):  # el autoguardado deja muchas revisiones
        datos = {**almacen.obtener(id_borrador).datos, "nombre": f"Versión {i}"}
        assert almacen.guardar(id_borrador, datos, "t", 0, version=i - 1, autor="ana", origen="autoguardado") == i
    pagina = ana.get(f"{ficha}/historial").text
    assert re.findall(r'<h2 id="revision-(\d+)"', pagina) == [str(n) for n in range(40, 10, -1)]
    assert "Nombre de la buena práctica de gestión pública: «Versión 10» → «Versión 11»" in _texto(pagina)
    assert f'href="{ficha}/historial?hasta=10"' in pagina and "Ir a las revisiones más recientes" not in pagina
    anteriores = ana.get(f"{ficha}/historial?hasta=10").text
    assert re.findall(r'<h2 id="revision-(\d+)"', anteriores) == [str(n) for n in range(10, 0, -1)]
    assert "Ir a las revisiones más recientes" in anteriores and "?hasta=" not in anteriores.split("</ol>")[1]
    assert anteriores.count('<option value="1"') == 2, "comparar ofrece todas las revisiones"


def test_en_un_grupo_se_mezcla_fila_a_fila_y_choca_el_mismo_dato(dos):
    ana, beto, app = dos
    acuerdo = _importar(ana, ad.ejemplo_acuerdo())
    seccion = f"{acuerdo}/seccion/actores"
    de_ana, de_beto, de_carla = (_formulario(ana, seccion), _formulario(beto, seccion), _formulario(beto, seccion))
    de_ana["actores.1.compromisos.0.descripcion"] = "2 portátiles"
    assert ana.post(seccion, data=de_ana, follow_redirects=False).status_code == 303
    de_beto["actores.0.rol"] = "Rol según Beto"  # otra fila del mismo grupo: se mezclan
    r = beto.post(seccion, data=de_beto, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("aviso=guardado-con-otros")
    actores = _datos(app, acuerdo)["actores"]
    assert actores[0]["rol"] == "Rol según Beto" and actores[1]["compromisos"][0]["descripcion"] == "2 portátiles"

    # El mismo dato, desde la revisión de antes: choque, con la fila nombrada y enlazada a su campo.
    de_carla["actores.1.compromisos.0.descripcion"] = "3 portátiles"
    de_carla["actores.2.rol"] = "Rol según Carla"
    r = beto.post(seccion, data=de_carla, follow_redirects=False)
    assert r.status_code == 409
    tabla = re.search(r'<div class="choque".*?</table>', r.text, re.S).group(0)
    filas = {_texto(f[0]).strip(): _texto(f[1]) for f in re.findall(
        r'<tr[^>]*><th scope="row">(.*?)</th>(.*?)</tr>', tabla, re.S)}
    compromiso = filas["Actores y compromisos › Actor 2 › Compromiso 1 › Descripción del compromiso"]
    assert "«2 portátiles»" in compromiso and "«3 portátiles» (distinto)" in compromiso
    rol = filas["Actores y compromisos › Actor 1 › Rol en el desafío"]
    assert rol.count("«Rol según Beto»") == 2 and "(distinto)" not in rol, "lo no disputado ya está en el formulario"
    assert 'href="#c-actores-1-compromisos-0-descripcion"' in tabla, "cada dato lleva a su campo"
    assert "Rol según Carla" in r.text and "Rol según Beto" in r.text
    assert _datos(app, acuerdo)["actores"][1]["compromisos"][0]["descripcion"] == "2 portátiles"


def test_mezcla_de_tres_vias():
    fusionar = revisiones._fusionar
    assert fusionar("a", "a", "b") == ("b", False) and fusionar("a", "b", "a") == ("b", False)
    assert fusionar("a", "b", "c") == ("c", True) and fusionar("a", "b", "b") == ("b", False)
    assert fusionar(None, "", "x") == ("x", False), "vacío y ausente valen lo mismo"
    base = [{"a": 1, "b": 1}, {"a": 2}]
    assert fusionar(base, [{"a": 9, "b": 1}, {"a": 2}], [{"a": 1, "b": 8}, {"a": 2}]) == (
        [{"a": 9, "b": 8}, {"a": 2}], False)
    # Una fila quitada y otra añadida (mismo largo) corren los índices: la fila editada por el otro choca.
    assert fusionar(base, [{"a": 2}, {"a": 3}], [{"a": 1, "b": 1}, {"a": 5}])[1] is True
    assert fusionar(base, [*base, {"a": 3}], [{"a": 1, "b": 1}, {"a": 5}])[1] is True, "largos distintos"


def test_con_cuentas_de_verdad_en_dos_servidores(tmp_path, url_bd):
    """Modo oficina: dos cuentas en dos apps sobre la misma base (como dos procesos); una lectora ve el
    historial pero no restaura."""
    from apoyo_web import CLAVE, cliente_cuentas, cuentas_de, entrar

    ana = cliente_cuentas(tmp_path, url_bd)
    cuentas = cuentas_de(ana)
    cuentas.crear_equipo("Laboratorio")
    cuentas.crear_usuario("ana", "editor", CLAVE, ("Laboratorio",))
    cuentas.crear_usuario("beto", "editor", CLAVE, ("Laboratorio",))
    cuentas.crear_usuario("carla", "lector", CLAVE, ("Laboratorio",))
    beto, carla = cliente_cuentas(tmp_path, url_bd), cliente_cuentas(tmp_path, url_bd)
    for c, nombre in ((ana, "ana"), (beto, "beto"), (carla, "carla")):
        assert entrar(c, nombre).status_code == 303
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s1"
    de_ana, de_beto = _formulario(ana, seccion), _formulario(beto, seccion)
    de_ana["nombre"], de_beto["nombre"] = "De Ana", "De Beto"
    assert ana.post(seccion, data=de_ana, follow_redirects=False).status_code == 303
    r = beto.post(seccion, data=de_beto, follow_redirects=False)
    assert r.status_code == 409 and "No se guardó: ana guardó esta sección" in r.text and 'value="De Beto"' in r.text
    texto = _texto(carla.get(f"{ficha}/historial").text)
    assert "ana · Guardó «1. Información general»" in texto and "ana · Importó un JSON" in texto
    r = carla.post(f"{ficha}/historial/1/restaurar", data={"_csrf": _csrf(carla), "_revision": "2"},
                   follow_redirects=False)
    assert r.status_code in (403, 404)
    assert [rv.autor for rv in Almacen(url_bd or url_sqlite(tmp_path), migrar_al_iniciar=False)
            .revisiones(int(ficha.rsplit("/", 1)[1]))] == ["ana", "ana"]


def test_comparar_un_texto_largo_palabra_a_palabra(dos):
    ana, _beto, app = dos
    ficha = _importar(ana, ad.ejemplo_ficha())
    seccion = f"{ficha}/seccion/s2"
    campos = _formulario(ana, seccion)
    original = campos["descripcion"]
    palabras = original.split(" ")
    campos["descripcion"] = " ".join([*palabras[:3], "<nuevo>", *palabras[4:]])
    assert ana.post(seccion, data=campos, follow_redirects=False).status_code in (200, 303)
    r = ana.get(f"{ficha}/historial/comparar?desde=1&hasta=2")
    assert f'<del><span class="oculto">[quitado: </span>{palabras[3]}' in r.text
    assert '<ins><span class="oculto">[puesto: </span>&lt;nuevo&gt;' in r.text, "texto, nunca marcado"
    assert r.text.count("<del>") == 1 and r.text.count("<ins>") == 1
    izquierda, derecha = revisiones.partes("a b c", "a x c")
    assert izquierda == [("igual", "a "), ("quitado", "b"), ("igual", " c")]
    assert derecha == [("igual", "a "), ("puesto", "x"), ("igual", " c")]
    derecha = revisiones.partes("a b", "a  x y b")[1]
    assert "".join(t for _, t in derecha) == "a  x y b" and [t for c, t in derecha if c == "puesto"] == ["x y"]
