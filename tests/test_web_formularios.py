"""Formularios de la app web derivados de los modelos (TestClient, sin navegador): etiquetas, grupos, errores."""

from __future__ import annotations

import re
import sys

import pytest

from apoyo_web import cliente, csrf, exigir_extra_web, nuevo

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.esquemas.acuerdo import AcuerdoSimbolico, Actor  # noqa: E402
from acuerdo_docs.web import formulario, nombres  # noqa: E402


@pytest.fixture
def c(tmp_path):
    return cliente(tmp_path)


@pytest.fixture
def c_bd(tmp_path, url_bd):
    """Un cliente en SQLite y en PostgreSQL: las pruebas de guardado corren en las dos bases."""
    return cliente(tmp_path, bd=url_bd)


def _etiquetas(html: str) -> dict[str, str]:
    return {m.group(1): re.sub(r"<[^>]+>", "", m.group(2)).strip()
            for m in re.finditer(r'<label for="([^"]+)">(.*?)</label>', html, re.S)}


def test_cada_campo_con_la_etiqueta_del_esquema(c):
    direccion = nuevo(c, "acuerdo")
    c.post(f"{direccion}/seccion/actores", data={"_csrf": csrf(c), "_accion": "anadir:actores"})
    html = c.get(f"{direccion}/seccion/actores").text
    etiquetas = _etiquetas(html)
    for nombre, info in Actor.model_fields.items():
        if nombre in ("compromisos", "responsabilidades"):
            continue  # grupos: su título es la leyenda del fieldset
        if nombre == "validacion":
            assert f'id="c-actores-0-{nombre}"' not in html  # la escribe el enlace del actor: sin campo
            continue
        titulo = info.title.rstrip(":")
        assert etiquetas[f"c-actores-0-{nombre}"].startswith(titulo), nombre
    minimo = nombres.campo_en(AcuerdoSimbolico, ("actores",)).minimo
    assert "<legend>Actor 1</legend>" in html and "Añadir actor" in html
    assert html.count("<legend>Actor ") == max(minimo, 1), "se ven de entrada las filas que pide el modelo"
    assert ("Quitar actor 1" in html) == (max(minimo, 1) > minimo)
    ids = re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', html)
    assert set(ids) <= set(etiquetas), "todo control tiene su etiqueta"


def test_ficha_etiquetas_sin_dos_puntos_y_ayudas(c):
    direccion = nuevo(c, "ficha")
    html = c.get(f"{direccion}/seccion/s2").text
    etiquetas = _etiquetas(html)
    assert etiquetas["c-linea_base"] == "Línea base"
    assert "Enuncie cuál es la línea base" in html
    assert 'aria-describedby="c-linea_base-ayuda"' in html


def test_grupos_sin_javascript_anadir_quitar_y_foco(c_bd):
    c = c_bd
    direccion = nuevo(c, "acuerdo")
    token = csrf(c)
    filas = {f"actores.{i}.id": f"a{i}" for i in range(3)}
    r = c.post(f"{direccion}/seccion/actores", data={
        "_csrf": token, "_accion": "anadir:actores", **filas, "actores.0.entidad": "Movilidad"})
    assert "<legend>Actor 4</legend>" in r.text
    assert re.search(r'id="c-actores-3-id"[^>]*autofocus', r.text), "el foco va a la fila nueva"
    assert 'value="Movilidad"' in r.text, "lo escrito no se pierde al añadir"
    r = c.post(f"{direccion}/seccion/actores", data={"_csrf": token, "_accion": "quitar:actores.0", **filas})
    assert "<legend>Actor 3</legend>" not in r.text and 'value="a0"' not in r.text and 'value="a2"' in r.text
    assert re.search(r'id="anadir-c-actores"[^>]*autofocus', r.text), "tras quitar, el foco va a «Añadir actor»"
    minimo = nombres.campo_en(AcuerdoSimbolico, ("actores",)).minimo
    if minimo >= 2:  # en el mínimo del modelo no se ofrece quitar
        assert "Quitar actor" not in r.text
        r = c.post(f"{direccion}/seccion/actores", data={"_csrf": token, "_accion": "quitar:actores.0",
                                                        "actores.0.id": "a1", "actores.1.id": "a2"})
        assert 'value="a1"' in r.text
    # Subgrupo dentro de la fila: compromisos del actor 1, con nombres que dicen de quién son.
    r = c.post(f"{direccion}/seccion/actores", data={"_csrf": token, "_accion": "anadir:actores.0.compromisos",
                                                    "actores.0.id": "idu"})
    assert "<legend>Compromiso 1</legend>" in r.text and "Quitar compromiso 1" in r.text


def test_maximo_de_filas_del_modelo(c):
    controles = nombres.campo_en(AcuerdoSimbolico, ("riesgos", 0, "controles"))
    assert controles is not None and controles.maximo == 10  # maxItems del esquema
    direccion = nuevo(c, "acuerdo")
    datos = {"_csrf": csrf(c), "riesgos.0.id": "R1"}
    datos.update({f"riesgos.0.controles.{i}.descripcion": f"c{i}" for i in range(10)})
    r = c.post(f"{direccion}/seccion/riesgos", data={**datos, "_accion": "anadir:riesgos.0.controles"})
    assert "Control 10" in r.text and "Control 11" not in r.text
    assert 'value="anadir:riesgos.0.controles"' not in r.text


def test_error_resumen_enlaza_al_campo_de_la_fila(c_bd):
    c = c_bd
    direccion = nuevo(c, "acuerdo")
    r = c.post(f"{direccion}/seccion/actores", data={
        "_csrf": csrf(c), "_accion": "guardar", "actores.0.id": "sdm", "actores.1.id": "idu",
        "actores.1.entidad": "IDU", "actores.1.sector": "publico", "actores.1.rol": "Obra",
        "actores.1.responsabilidades.0": "Construir"})
    assert r.status_code == 200
    assert "<title>Error: " in r.text
    resumen = re.search(r'<div class="resumen-errores" role="alert".*?</div>', r.text, re.S).group(0)
    assert 'href="#c-actores-0-entidad"' in resumen and "Entidad u organización" in resumen
    assert "Actor 1" in resumen and "#c-actores-1-" not in resumen
    campo = re.search(r'<input[^>]*id="c-actores-0-entidad"[^>]*>', r.text).group(0)
    assert 'aria-invalid="true"' in campo and "c-actores-0-entidad-error" in campo
    assert 'id="c-actores-0-entidad-error"' in r.text


def test_rutas_de_error_a_ids_en_un_lugar():
    assert nombres.id_de_error("actores[2].entidad") == "c-actores-1-entidad"
    assert nombres.id_de_error("riesgos[1].controles[3].tipo") == "c-riesgos-0-controles-2-tipo"
    assert nombres.anidar([("actores.1.entidad", "B"), ("actores.0.entidad", "A"), ("retos.0", "r")]) == {
        "actores": [{"entidad": "A"}, {"entidad": "B"}], "retos": ["r"]}


def test_fechas_dd_mm_aaaa_y_actores_de_una_lista(c_bd):
    c = c_bd
    direccion = nuevo(c, "acuerdo")
    token = csrf(c)
    c.post(f"{direccion}/seccion/actores", data={"_csrf": token, "_accion": "guardar", "actores.0.id": "sdm",
                                                "actores.0.entidad": "Movilidad"})
    r = c.post(f"{direccion}/seccion/ruta", data={"_csrf": token, "_accion": "anadir:hoja_de_ruta"})
    assert re.search(r'<select id="c-hoja_de_ruta-0-responsable".*?<option value="sdm"', r.text, re.S)
    c.post(f"{direccion}/seccion/desafio", data={"_csrf": token, "_accion": "guardar", "fecha": "2025-03-04"})
    assert 'value="04/03/2025"' in c.get(f"{direccion}/seccion/desafio").text


def test_reinicio_en_los_mismos_datos_lista_los_borradores(tmp_path, url_bd):
    c = cliente(tmp_path, bd=url_bd)
    direccion = nuevo(c, "ficha")
    c.post(f"{direccion}/seccion/s1", data={"_csrf": csrf(c), "_accion": "guardar", "nombre": "Laboratorio abierto"})
    otra = cliente(tmp_path, bd=url_bd)  # otro lanzamiento: otro token CSRF, la misma base
    inicio = otra.get("/").text
    assert "Laboratorio abierto" in inicio and "Incompleto" in inicio


def test_cli_sin_el_extra_web_dice_como_instalarlo(monkeypatch, capsys):
    from acuerdo_docs.cli import main

    for nombre in [m for m in sys.modules if m.startswith(("acuerdo_docs.web", "starlette", "uvicorn"))]:
        monkeypatch.delitem(sys.modules, nombre)
    monkeypatch.setitem(sys.modules, "starlette", None)  # como si faltara el extra
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert main(["web", "--no-abrir"]) == 2
    err = capsys.readouterr().err
    assert 'pip install "acuerdo-docs[web]"' in err and "Traceback" not in err


def test_formulario_desde_el_modelo():
    actores = nombres.campo_en(AcuerdoSimbolico, ("actores",))
    assert actores.tipo == "grupo" and actores.singular == "Actor"
    sector = nombres.campo_en(AcuerdoSimbolico, ("actores", 0, "sector"))
    assert sector.tipo == "opcion" and ("sociedad_civil", "Sociedad civil") in sector.opciones
    assert nombres.campo_en(AcuerdoSimbolico, ("hoja_de_ruta", 0, "responsable")).tipo == "actor"
    assert [s.clave for s in formulario.SECCIONES["ficha"]][:2] == ["s0", "s1"]


def test_autoguardado_guarda_y_solo_senala_lo_mal_escrito(c_bd):
    c = c_bd
    direccion = nuevo(c, "ficha")
    r = c.post(f"{direccion}/seccion/s1", data={"_csrf": csrf(c), "_accion": "autoguardar",
                                               "nombre": "Práctica a medias", "correo": "no-es-correo"})
    assert r.status_code == 200 and "Guardado automáticamente" in r.text
    assert "Correo institucional de contacto" in r.text, "lo escrito mal se señala"
    assert "Escriba «" not in r.text, "lo que aún falta no se reclama mientras se llena"
    assert "Práctica a medias" in c.get("/").text


def test_anexo_con_imagen_subida(c, tmp_path):
    import io

    from PIL import Image

    direccion = nuevo(c, "ficha")
    html = c.get(f"{direccion}/seccion/s6").text
    assert 'enctype="multipart/form-data"' in html
    imagen = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(imagen, "PNG")
    r = c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto",
                                               "anexos.1.nombre": "Roto"},
               files=[("anexos.0.archivo", ("cédula de Pedro.png", imagen.getvalue(), "image/png")),
                      ("anexos.1.archivo", ("x.png", b"no es imagen", "image/png"))])
    guardadas = list((tmp_path / "anexos").rglob("*"))
    assert len([p for p in guardadas if p.is_file()]) == 2
    assert not any("Pedro" in p.name for p in guardadas), "el nombre del archivo del usuario no se usa"
    resumen = re.search(r'<div class="resumen-errores" role="alert".*?</div>', r.text, re.S).group(0)
    assert 'href="#c-anexos-1-archivo"' in resumen and "#c-anexos-0-archivo" not in resumen
    assert re.search(r'<input type="hidden" name="anexos.0.archivo" value="[^"]+\.png">', r.text)


def _png(ruta):
    from PIL import Image

    Image.new("RGB", (40, 30), "red").save(ruta, "PNG")
    return ruta


@pytest.mark.parametrize("forma", ["absoluta", "subir", "subir_desde_anexos", "enlace"])
def test_anexo_solo_de_la_carpeta_de_anexos(c, tmp_path, forma):
    """El campo oculto de la imagen llega del navegador: no puede nombrar otro archivo del servidor."""
    fuera = _png(tmp_path.parent / f"secreto_{forma}.png")
    direccion = nuevo(c, "ficha")
    id_borrador = direccion.rsplit("/", 1)[-1]
    if forma == "enlace":
        (tmp_path / "anexos" / id_borrador).mkdir(parents=True)
        (tmp_path / "anexos" / id_borrador / "x.png").symlink_to(fuera)
    ruta = {"absoluta": str(fuera), "subir": f"../{fuera.name}",
            "subir_desde_anexos": f"anexos/{id_borrador}/../../../{fuera.name}",
            "enlace": f"anexos/{id_borrador}/x.png"}[forma]
    r = c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto",
                                               "anexos.0.archivo": ruta})
    assert r.status_code == 200 and str(fuera) not in r.text and fuera.name not in r.text
    exportado = c.get(f"{direccion}/exportar").json()
    assert exportado["anexos"][0].get("archivo", "") == "", exportado["anexos"]


def test_anexo_subido_sigue_valiendo_al_volver_a_guardar(c, tmp_path):
    import io

    from PIL import Image

    direccion = nuevo(c, "ficha")
    imagen = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(imagen, "PNG")
    c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto"},
           files=[("anexos.0.archivo", ("foto.png", imagen.getvalue(), "image/png"))])
    html = c.get(f"{direccion}/seccion/s6").text
    oculto = re.search(r'<input type="hidden" name="anexos.0.archivo" value="([^"]+)">', html).group(1)
    extra = {"_revision": m.group(1)} if (m := re.search(r'name="_revision" value="(\d+)"', html)) else {}
    c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto 2",
                                           "anexos.0.archivo": oculto, **extra})
    exportado = c.get(f"{direccion}/exportar").json()
    assert exportado["anexos"][0]["nombre"] == "Foto 2" and exportado["anexos"][0]["archivo"].endswith(".png")


def test_json_importado_no_trae_imagenes_del_servidor(c, tmp_path):
    import json

    fuera = _png(tmp_path.parent / "secreto_importado.png")
    datos = ad.ejemplo_ficha().model_dump(mode="json", exclude_none=True)
    datos["anexos"] = [{"nombre": "Foto", "archivo": str(fuera)}]
    r = c.post("/importar/json", data={"_csrf": csrf(c)},
               files={"archivo": ("x.json", json.dumps(datos).encode(), "application/json")})
    direccion = r.url.path
    exportado = c.get(f"{direccion}/exportar").json()
    assert exportado["anexos"][0].get("archivo", "") == ""
