"""Seguimiento desde la web: matriz editada → vista previa → corte, con la línea de tiempo y sus documentos."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest

from apoyo_web import cliente, csrf, exigir_extra_web

exigir_extra_web()

import acuerdo_docs as ad  # noqa: E402
from test_seguimiento import CORTE_1, _fila_hito, _poner  # noqa: E402


@pytest.fixture
def con_acuerdo(tmp_path):
    c = cliente(tmp_path)
    datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    r = c.post("/importar/json", data={"_csrf": csrf(c)}, follow_redirects=False,
               files={"archivo": ("acuerdo.json", json.dumps(datos).encode(), "application/json")})
    return c, r.headers["location"].split("?")[0]


def _libro_editado(c, direccion: str, avance: object) -> tuple[bytes, str]:
    acuerdo = ad.ejemplo_acuerdo()
    wb = openpyxl.load_workbook(io.BytesIO(c.get(f"{direccion}/descargar/matriz").content))
    hoja = wb["Hoja de ruta"]
    hito = next(h for h in acuerdo.hoja_de_ruta if 0 < h.avance < 100)
    celda = _poner(hoja, _fila_hito(hoja, hito.actividad), "Avance", avance, "Actividad")
    salida = io.BytesIO()
    wb.save(salida)
    return salida.getvalue(), celda


def _subir(c, direccion: str, libro: bytes, fecha: str):
    return c.post(f"{direccion}/seguimiento", data={"_csrf": csrf(c), "fecha": fecha},
                  files={"archivo": ("matriz.xlsx", libro, "application/octet-stream")})


def test_vista_previa_aplicar_y_linea_de_tiempo(con_acuerdo, tmp_path):
    c, direccion = con_acuerdo
    libro, _celda = _libro_editado(c, direccion, 1)
    fecha = CORTE_1.strftime("%d/%m/%Y")
    previa = _subir(c, direccion, libro, fecha)
    assert "Cambios que trae el libro" in previa.text and "Aún no se aplicó nada" in previa.text
    assert "Avance" in previa.text
    assert not (tmp_path / "cortes").exists(), "la vista previa no escribe ningún corte"
    subida = re.search(r'name="subida" value="([^"]+)"', previa.text).group(1)
    r = c.post(f"{direccion}/seguimiento/aplicar", data={"_csrf": csrf(c), "subida": subida,
                                                        "fecha": CORTE_1.isoformat()})
    assert "Se registró el corte" in r.text and f"Corte del {fecha}" in r.text
    assert not list((tmp_path / "subidas").iterdir()), "el libro subido no se queda"
    enlace = re.search(rf'href="({direccion}/seguimiento/{CORTE_1.isoformat()}/acuerdo.docx)"', r.text).group(1)
    carpeta = tmp_path / "cortes" / direccion.rsplit("/", 1)[1] / f"corte_{CORTE_1.isoformat()}"
    assert c.get(enlace).content == (carpeta / "acuerdo.docx").read_bytes()
    exportado = ad.AcuerdoSimbolico.model_validate(c.get(f"{direccion}/exportar").json())
    assert CORTE_1 in [corte.fecha for corte in exportado.seguimiento]
    assert c.get(f"{direccion}/seguimiento/{CORTE_1.isoformat()}/..%2Facuerdo.json").status_code == 404


def test_error_de_celda_con_su_hoja_y_fila(con_acuerdo, tmp_path):
    c, direccion = con_acuerdo
    libro, celda = _libro_editado(c, direccion, "mucho")
    r = _subir(c, direccion, libro, CORTE_1.strftime("%d/%m/%Y"))
    alerta = re.search(r'<div class="resumen-errores" role="alert".*?</div>', r.text, re.S).group(0)
    assert f"Hoja de ruta!{celda}" in alerta
    assert not (tmp_path / "cortes").exists() and not list((tmp_path / "subidas").iterdir())


def test_sin_libro_ni_fecha(con_acuerdo):
    c, direccion = con_acuerdo
    r = c.post(f"{direccion}/seguimiento", data={"_csrf": csrf(c), "fecha": "31/02/2024"})
    assert "Elija el libro" in r.text and "Escriba «Fecha de corte»" in r.text and r.text.count('role="alert"') == 1
