"""Plantillas Word propias: verificación contra el esquema, sandbox y la orden ``plantilla verificar``.

Las plantillas de prueba se construyen aquí desde la oficial (python-docx): así siguen
siendo válidas cuando la oficial cambia y el repositorio no guarda binarios de prueba.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from apoyo_seguridad import (
    PLANTILLA_ACUERDO,
    PLANTILLA_FICHA,
    abrir_docx,
    cli,
    esperado_ficha,
    plantilla_modificada,
    plantilla_restilizada,
    valores_ficha,
)
from docx.shared import RGBColor

from acuerdo_docs.documentos.ficha import contexto_ficha, ejemplo_ficha, generar_ficha, renderizar_ficha
from acuerdo_docs.documentos.tipos_plantilla import exigir_plantilla_valida, verificar_plantilla
from acuerdo_docs.errores import ErrorPlantilla
from acuerdo_docs.salida import plantilla_word
from acuerdo_docs.salida.motor_docx import renderizar

NOMBRE = "{{ practica.nombre }}"






# ------------------------------------------------------------ plantillas válidas


@pytest.mark.parametrize("ruta, tipo", [(PLANTILLA_FICHA, "ficha"), (PLANTILLA_ACUERDO, "acuerdo")])
def test_plantillas_oficiales_son_validas(ruta: Path, tipo: str) -> None:
    informe = verificar_plantilla(ruta, tipo)
    assert informe.valida, str(informe)
    assert informe.mensajes() == []


def test_la_verificacion_ve_campos_dentro_de_bucles() -> None:
    usadas = verificar_plantilla(PLANTILLA_FICHA).usadas
    assert {"practica.nombre", "practica.retos[]", "practica.anexos[].nombre", "practica.anexos[].archivo",
            "practica.encabezado.codigo"} <= set(usadas)


def test_plantilla_restilizada_pasa_y_conserva_todo(tmp_path: Path) -> None:
    plantilla = plantilla_restilizada(tmp_path / "mi_ficha.docx")
    assert verificar_plantilla(plantilla).valida
    practica = ejemplo_ficha()
    salida = generar_ficha(practica, tmp_path / "ficha.docx", plantilla=plantilla)
    documento = abrir_docx(salida)
    assert documento.styles["Normal"].font.name == "Georgia"
    assert documento.styles["Etiqueta"].font.color.rgb == RGBColor(0x8B, 0x00, 0x00)
    assert documento.paragraphs[0].text == "Buenas prácticas (versión de la casa)"
    assert valores_ficha(salida) == esperado_ficha(practica)  # nada se perdió, aunque el campo se movió
    textos = [p.text for p in documento.paragraphs]
    assert textos.index("Tipo de vinculación:") > textos.index("Correo institucional de contacto:")


def test_cli_ficha_con_plantilla_plantilla_restilizada(tmp_path: Path) -> None:
    plantilla = plantilla_restilizada(tmp_path / "mi_ficha.docx")
    datos = tmp_path / "p.json"
    datos.write_text(ejemplo_ficha().model_dump_json(), encoding="utf-8")
    r = cli("ficha", str(datos), "-o", str(tmp_path / "f.docx"), "--plantilla", str(plantilla))
    assert r.returncode == 0, r.stderr
    assert valores_ficha(tmp_path / "f.docx") == esperado_ficha(ejemplo_ficha())


# ---------------------------------------------------------- plantillas inválidas


def test_variable_desconocida_se_rechaza_con_el_motivo(tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "mala.docx", {NOMBRE: "{{ practica.nombre_practica }}"})
    informe = verificar_plantilla(plantilla)
    assert not informe.valida
    assert informe.desconocidas == (
        "«practica.nombre_practica»: el esquema no tiene el campo «nombre_practica» (cuerpo del documento, "
        "cerca de «{{ practica.nombre_practica }}»)",
    )
    # Y como ya no muestra el nombre, también lo dice: los dos motivos a la vez.
    assert len(informe.faltantes) == 1 and "«practica.nombre»" in informe.faltantes[0]
    destino = tmp_path / "salida.docx"
    with pytest.raises(ErrorPlantilla) as exc:
        generar_ficha(ejemplo_ficha(), destino, plantilla=plantilla)
    assert "nombre_practica" in str(exc.value) and "no aparece en la plantilla" in str(exc.value)
    assert not destino.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["mala.docx"]


def test_variables_desconocidas_en_bucles_y_vistas(tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "mala.docx", {
        "{{ loop.index }}. {{ anexo.nombre }}": "{{ loop.index }}. {{ anexo.nombre }}{{ anexo.titulo }}",
        "{{ practica.equipo }}": "{{ practica.equipo }}{{ encabezado.codigo_formato }}{{ usuario }}",
    })
    informe = verificar_plantilla(plantilla)
    texto = "\n".join(informe.desconocidas)
    assert "«practica.anexos[].titulo»: el esquema no tiene el campo «titulo»" in texto
    assert "«practica.encabezado.codigo_formato»" in texto
    assert "«usuario»: no es un dato de este documento (use «practica», «encabezado»)" in texto
    assert "(¿quiso decir «nombre»?)" not in texto  # «titulo» no se parece a ningún campo


def test_sugiere_el_campo_parecido(tmp_path: Path) -> None:
    cambio = {"{{ practica.dependencia }}": "{{ practica.dependecia }}"}
    plantilla = plantilla_modificada(tmp_path / "mala.docx", cambio)
    assert "(¿quiso decir «dependencia»?)" in verificar_plantilla(plantilla).desconocidas[0]


def test_campo_obligatorio_ausente_se_rechaza(tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "sin.docx", {"{{ practica.dependencia }}": "(sin dependencia)"})
    informe = verificar_plantilla(plantilla)
    assert informe.faltantes == (
        "El campo obligatorio «practica.dependencia» (Dependencia responsable de la buena práctica) no aparece "
        "en la plantilla: sus datos se perderían",
    )
    assert not informe.desconocidas and not informe.prohibidas


def test_campo_opcional_ausente_se_admite(tmp_path: Path) -> None:
    """Una plantilla pública propia puede omitir al colaborador (no es obligatorio)."""
    plantilla = plantilla_modificada(tmp_path / "sin.docx", {"{{ practica.colaborador }}": "—"})
    assert verificar_plantilla(plantilla).valida


def test_error_de_sintaxis_con_ubicacion(tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "rota.docx", {NOMBRE: "{% if practica.nombre %}{{ practica.nombre }}"})
    informe = verificar_plantilla(plantilla)
    assert informe.errores and "Error de sintaxis en cuerpo del documento" in informe.errores[0]
    assert "la plantilla termina sin cerrar el bloque «{% if %}»" in informe.errores[0]


def test_filtro_inexistente(tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "f.docx", {NOMBRE: "{{ practica.nombre|mayusculas }}"})
    assert "no existe el filtro «mayusculas»" in str(verificar_plantilla(plantilla))


# ------------------------------------------------------------------- sandbox

ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ practica.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ practica|attr('__class__') }}",
    "{{ '{0.__class__}'.format(practica) }}",
    "{{ practica.model_dump.__globals__ }}",
    "{{ practica.__dict__ }}",
    "{{ ().__class__.__base__.__subclasses__() }}",
    "{{ self.__init__.__globals__ }}",
    "{% set x = practica.__class__ %}{{ x }}",
    "{{ imagen.__globals__ }}",
    "{{ practica.retos.pop() }}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_sandbox_rechaza_el_acceso_al_interior_de_python(escape: str, tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "escape.docx", {NOMBRE: NOMBRE + escape})
    # 1. La verificación la rechaza antes de renderizar, con el motivo en español.
    informe = verificar_plantilla(plantilla)
    assert informe.prohibidas, str(informe)
    assert "interior de Python" in informe.prohibidas[0] or "modificaría los datos" in informe.prohibidas[0]
    with pytest.raises(ErrorPlantilla, match="se rechaza"):
        renderizar_ficha(ejemplo_ficha(), plantilla=plantilla)
    # 2. Aun sin verificar (motor directo), el sandbox la detiene en los dos caminos.
    practica = ejemplo_ficha()
    retos = list(practica.retos)
    for motor in ("compilado", "docxtpl"):
        with pytest.raises(ErrorPlantilla) as exc:
            renderizar(plantilla, contexto_ficha(practica), motor=motor)
        assert "escape.docx" in str(exc.value)
        assert "intenta acceder al interior de Python y se rechaza" in str(exc.value) \
            or "que no existe en los datos" in str(exc.value)
    assert practica.retos == retos  # los datos no cambiaron


PROHIBIDAS = [
    ("{{ practica.nombre|safe }}", "El filtro «safe» desactiva el escape"),
    ("{{ practica.nombre|urlize }}", "El filtro «urlize» inserta etiquetas HTML"),
    ("{{ practica.retos|random }}{{ practica.nombre }}", "El filtro «random» da un resultado distinto"),
    ("{{ practica.nombre }}{{ lipsum(2) }}", "«lipsum» inserta etiquetas HTML"),
    ("{{ practica.nombre }}{% include 'otra.docx' %}", "no se admiten: una plantilla Word no puede cargar"),
    ("{{ practica.nombre }}{{ 'a' * 10**9 }}", "La potencia «**» no se admite"),
    ("{{ practica.nombre }}{{ 'a' * 99999 * 99999 }}", "La multiplicación por un número tan grande"),
    ("{{ practica.nombre }}{{ imagen('/etc/passwd', 3) }}", "solo admite archivos que vienen en los datos"),
    ("{% autoescape false %}{{ practica.nombre }}{% endautoescape %}", "«{% autoescape %}» cambia el escape"),
    ("{{ practica.nombre|attr(practica.dependencia) }}", "El filtro «attr» con un nombre calculado"),
    ("{{r practica.nombre }}", "«{{r …}}» es para texto enriquecido o subdocumentos de docxtpl"),
    ("{{p practica.nombre }}", "«{{p …}}» es para texto enriquecido o subdocumentos de docxtpl"),
    ("{{ practica.nombre }}{% for i in range(3) %}{% set _ = practica.retos.append('x') %}{% endfor %}",
     "modificaría los datos"),
]


@pytest.mark.parametrize("marca, motivo", PROHIBIDAS)
def test_construcciones_prohibidas(marca: str, motivo: str, tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "p.docx", {NOMBRE: marca})
    inicio = time.perf_counter()
    informe = verificar_plantilla(plantilla)
    assert time.perf_counter() - inicio < 5  # nada se evalúa: ni 'a' * 10**9
    assert any(motivo in m for m in informe.prohibidas), str(informe)
    with pytest.raises(ErrorPlantilla, match="no se puede usar"):
        renderizar_ficha(ejemplo_ficha(), plantilla=plantilla)


# --------------------------------------------------------- archivos que no son plantillas


def test_archivo_que_no_es_docx(tmp_path: Path) -> None:
    falso = tmp_path / "falso.docx"
    falso.write_text("no soy un zip", encoding="utf-8")
    informe = verificar_plantilla(falso)
    assert not informe.legible and "no es un .docx válido" in informe.errores[0]
    with pytest.raises(ErrorPlantilla, match="no es un .docx válido"):
        generar_ficha(ejemplo_ficha(), tmp_path / "x.docx", plantilla=falso)
    assert not (tmp_path / "x.docx").exists()


def test_plantilla_bomba_zip_se_rechaza_sin_descomprimir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plantilla_word, "TAMANO_MAXIMO_PLANTILLA", 1024 * 1024)
    bomba = tmp_path / "bomba.docx"
    with zipfile.ZipFile(bomba, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"<w:document>" + b" " * (4 * 1024 * 1024) + b"</w:document>")
    assert bomba.stat().st_size < 20_000
    informe = verificar_plantilla(bomba)
    assert not informe.valida and "descomprimida: no parece una plantilla de Word" in informe.errores[0]


def test_plantilla_sin_campos(tmp_path: Path) -> None:
    import docx

    vacia = tmp_path / "vacia.docx"
    documento = docx.Document()
    documento.add_paragraph("Sin campos")
    documento.save(str(vacia))
    assert "no tiene ningún campo" in str(verificar_plantilla(vacia))


def test_tipo_desconocido(tmp_path: Path) -> None:
    with pytest.raises(ErrorPlantilla, match="Tipo de plantilla desconocido"):
        verificar_plantilla(PLANTILLA_FICHA, "contrato")


def test_cache_se_invalida_al_cambiar_el_archivo(tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "p.docx", {NOMBRE: "{{ practica.nombre_practica }}"})
    assert not verificar_plantilla(plantilla).valida
    assert verificar_plantilla(plantilla) is verificar_plantilla(plantilla)  # misma fecha: misma respuesta
    corregida = plantilla_modificada(tmp_path / "q.docx", {NOMBRE: "{{ practica.nombre }} (corregida)"})
    os.replace(corregida, plantilla)
    os.utime(plantilla, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    assert exigir_plantilla_valida(plantilla).valida
    salida = renderizar_ficha(ejemplo_ficha(), plantilla=plantilla)  # el motor tampoco usa la versión vieja
    assert valores_ficha(salida)["nombre"] == [ejemplo_ficha().nombre + " (corregida)"]


# ------------------------------------------------------------------- acuerdo


def test_acuerdo_restilizado_y_con_variable_desconocida(tmp_path: Path) -> None:
    def cambiar(doc: Any) -> None:
        doc.styles["Normal"].font.name = "Verdana"

    buena = plantilla_modificada(tmp_path / "acuerdo.docx", {}, origen=PLANTILLA_ACUERDO, cambio=cambiar)
    assert verificar_plantilla(buena, "acuerdo").valida
    mala = plantilla_modificada(tmp_path / "mal.docx", {"{{ acuerdo.lugar }}": "{{ acuerdo.sitio }}",
                                                         "{{ actor.rol }}": "{{ actor.papel }}"},
                                origen=PLANTILLA_ACUERDO)
    informe = verificar_plantilla(mala, "acuerdo")
    texto = str(informe)
    assert "«acuerdo.sitio»: el esquema no tiene el campo «sitio»" in texto
    assert "«actores[].papel»: los datos no tienen «papel»" in texto
    assert "El campo obligatorio «acuerdo.lugar» (Lugar de la reunión de inicio) no aparece" in texto
    assert "El campo obligatorio «acuerdo.actores[].rol» (Rol en el desafío) no aparece" in texto
    escape = {"{{ acuerdo.lugar }}": "{{ acuerdo.lugar }}{{ ''.__class__ }}"}
    clase = plantilla_modificada(tmp_path / "clase.docx", escape, origen=PLANTILLA_ACUERDO)
    assert "interior de Python" in verificar_plantilla(clase, "acuerdo").prohibidas[0]

    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo, generar_acuerdo

    for rechazada in (mala, clase):
        with pytest.raises(ErrorPlantilla, match="no se puede usar para el tipo «acuerdo»"):
            generar_acuerdo(ejemplo_acuerdo(), tmp_path / "salida.docx", plantilla=rechazada)
    assert not (tmp_path / "salida.docx").exists()
    salida = generar_acuerdo(ejemplo_acuerdo(), tmp_path / "salida.docx", plantilla=buena)
    assert abrir_docx(salida).styles["Normal"].font.name == "Verdana"
    # Una plantilla de ficha no sirve para un acuerdo (y lo dice).
    assert "«practica»: no es un dato de este documento" in str(verificar_plantilla(PLANTILLA_FICHA, "acuerdo"))


# ----------------------------------------------------------------------- CLI


def test_cli_plantilla_verificar(tmp_path: Path) -> None:
    r = cli("plantilla", "verificar", str(PLANTILLA_FICHA))
    assert r.returncode == 0 and "es válida para el tipo «ficha»" in r.stdout
    r = cli("plantilla", "verificar", str(PLANTILLA_ACUERDO), "--tipo", "acuerdo")
    assert r.returncode == 0, r.stderr

    mala = plantilla_modificada(tmp_path / "mala.docx", {NOMBRE: "{{ practica.nombre_practica }}{{ ''.__class__ }}"})
    # Una vez en un proceso aparte, como la usa la gente (código de salida y flujos reales).
    r = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "plantilla", "verificar", str(mala)],
                       capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=False)
    assert r.returncode == 1
    assert "La plantilla mala.docx no se puede usar para el tipo «ficha»" in r.stderr
    assert "«practica.nombre_practica»" in r.stderr and "interior de Python" in r.stderr
    assert "Traceback" not in r.stderr

    r = cli("plantilla", "verificar", str(tmp_path / "no_existe.docx"))
    assert r.returncode == 2 and "No existe la plantilla" in r.stderr

    r = cli("plantilla", "verificar", str(PLANTILLA_FICHA), "--tipo", "contrato")
    assert r.returncode == 2 and "opción no válida" in r.stderr


def test_cli_ficha_rechaza_plantilla_propia_invalida(tmp_path: Path) -> None:
    mala = plantilla_modificada(tmp_path / "mala.docx", {NOMBRE: NOMBRE + "{{ cycler.__init__.__globals__ }}"})
    datos = tmp_path / "p.json"
    datos.write_text(ejemplo_ficha().model_dump_json(), encoding="utf-8")
    r = cli("ficha", str(datos), "-o", str(tmp_path / "f.docx"), "--plantilla", str(mala))
    assert r.returncode == 2
    assert "«cycler.__init__» intenta acceder al interior de Python y se rechaza" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "f.docx").exists()
