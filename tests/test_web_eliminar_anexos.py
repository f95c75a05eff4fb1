"""Eliminar un borrador borra del disco sus imágenes (pueden ser fotos de personas), salvo las que una copia
aún nombra; en SQLite y en PostgreSQL."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from apoyo_web import cliente, csrf, exigir_extra_web, nuevo

exigir_extra_web()


@pytest.fixture
def c_bd(tmp_path: Path, url_bd: str | None) -> Any:
    return cliente(tmp_path, bd=url_bd)


def _png() -> bytes:
    from PIL import Image

    imagen = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(imagen, "PNG")
    return imagen.getvalue()


def _con_imagen(c: Any) -> tuple[str, Path]:
    """Un borrador de ficha con una imagen subida; su dirección y la imagen en el disco."""
    direccion = nuevo(c, "ficha")
    c.post(f"{direccion}/seccion/s6", data={"_csrf": csrf(c), "_accion": "guardar", "anexos.0.nombre": "Foto"},
           files=[("anexos.0.archivo", ("foto de Pedro.png", _png(), "image/png"))])
    relativa = c.get(f"{direccion}/exportar").json()["anexos"][0]["archivo"]
    imagen = Path(relativa)
    assert imagen.is_file(), relativa
    return direccion, imagen


def _eliminar(c: Any, direccion: str) -> None:
    r = c.post(f"{direccion}/eliminar", data={"_csrf": csrf(c)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/?aviso=eliminado"


def test_eliminar_borra_sus_imagenes(c_bd: Any, tmp_path: Path) -> None:
    direccion, imagen = _con_imagen(c_bd)
    otra_direccion, otra = _con_imagen(c_bd)  # la de otro borrador no se toca
    _eliminar(c_bd, direccion)
    assert not imagen.exists() and not imagen.parent.exists()
    assert otra.is_file()
    assert c_bd.get(f"{otra_direccion}/exportar").json()["anexos"][0]["archivo"] == str(otra)


def test_la_copia_conserva_las_imagenes_del_original(c_bd: Any, tmp_path: Path) -> None:
    """«Duplicar» copia los datos, con las rutas de las imágenes del original: eliminar el original no deja la
    copia sin imágenes; eliminar también la copia, sí las borra."""
    direccion, imagen = _con_imagen(c_bd)
    r = c_bd.post(f"{direccion}/duplicar", data={"_csrf": csrf(c_bd)}, follow_redirects=False)
    copia = re.sub(r"\?.*$", "", r.headers["location"])
    assert c_bd.get(f"{copia}/exportar").json()["anexos"][0]["archivo"] == str(imagen)
    _eliminar(c_bd, direccion)
    assert imagen.is_file()
    assert c_bd.get(f"{copia}/exportar").json()["anexos"][0]["archivo"] == str(imagen)  # la copia la sigue viendo
    _eliminar(c_bd, copia)
    assert not imagen.exists()


def test_una_pasada_y_el_texto_exacto(c_bd: Any) -> None:
    """Varias imágenes en una consulta; lo que LIKE deja pasar de más (``_`` es un comodín) se descarta con el
    texto exacto: una imagen que solo se parece a una nombrada se borra."""
    from sqlalchemy.orm import Session

    from acuerdo_docs.web.anexos import _nombradas

    _direccion, imagen = _con_imagen(c_bd)
    nombrada = "/".join(imagen.parts[-3:])  # anexos/<número>/<archivo>
    parecida = nombrada[:-5] + "_" + nombrada[-4:]  # cambia el último carácter del nombre por «_»
    almacen = c_bd.app.acuerdo.almacen
    with Session(almacen.motor) as sesion:
        assert _nombradas(sesion, [nombrada, parecida, "anexos/999/nadie.png"]) == {nombrada}
