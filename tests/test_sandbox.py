"""Sandbox de plantillas propias: una prueba por clase de ataque, en los dos caminos y en «plantilla verificar».

Clases: archivos vía atributos (read_text, write_text, unlink, iterdir, with_name, open),
interior de Python fuera de la lista blanca, imagen() con algo que no es un anexo, agotamiento
de recursos (format/center/*/range/bucles/doblar/replace), anidamiento profundo, plantillas que
pasan con el ejemplo pero fallan con datos reales, y DTD en cualquier parte XML.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from apoyo_seguridad import PLANTILLA_ACUERDO, abrir_docx, cli, plantilla_modificada, png_minimo, textos_docx

from acuerdo_docs.documentos.acuerdo import contexto_acuerdo, ejemplo_acuerdo
from acuerdo_docs.documentos.ficha import cargar_practica, contexto_ficha, ejemplo_ficha, renderizar_ficha
from acuerdo_docs.documentos.tipos_plantilla import verificar_plantilla
from acuerdo_docs.errores import ErrorPlantilla
from acuerdo_docs.salida.datos_planos import ArchivoAnexo
from acuerdo_docs.salida.motor_docx import renderizar

N = "{{ practica.nombre }}"
A = "{{ anexo.nombre }}"
MOTORES = ("compilado", "docxtpl")


@pytest.fixture
def carpeta(tmp_path: Path) -> Path:
    """Una imagen de anexo y, a su lado, un archivo que ninguna plantilla debe leer ni tocar."""
    (tmp_path / "foto.png").write_bytes(png_minimo())
    (tmp_path / "secreto.txt").write_text("SECRETO-123", encoding="utf-8")
    return tmp_path


def practica_con_anexo(carpeta: Path, **cambios: Any) -> Any:
    datos = ejemplo_ficha().model_dump()
    datos["anexos"] = [{"nombre": "Foto del taller", "archivo": str(carpeta / "foto.png")}]
    datos.update(cambios)
    return cargar_practica(datos)


def rechazos(plantilla: Path, practica: Any) -> list[str]:
    """El mensaje de cada camino del motor (renderizar directo, sin verificar)."""
    mensajes = []
    for motor in MOTORES:
        with pytest.raises(ErrorPlantilla) as exc:
            renderizar(plantilla, contexto_ficha(practica), motor=motor)
        mensajes.append(str(exc.value))
    return mensajes


def verificar_cli(plantilla: Path, codigo: int = 1) -> str:
    """«plantilla verificar»: código documentado, motivos de una línea en español, sin traza."""
    r = cli("plantilla", "verificar", str(plantilla))
    assert r.returncode == codigo, r.stderr
    lineas = r.stderr.splitlines()
    assert lineas[0].startswith(f"La plantilla {plantilla.name} no se puede usar") or codigo == 2
    assert all(linea.startswith("  - ") for linea in lineas[1:]), lineas
    assert "Traceback" not in r.stderr and "Error:" not in r.stderr
    return r.stderr


# ------------------------------------------------------------ lo que ve una plantilla


def _tipos(valor: Any) -> set[type]:
    if isinstance(valor, dict):
        return {dict}.union(*(_tipos(v) for v in valor.values()))
    if isinstance(valor, list):
        return {list}.union(*(_tipos(v) for v in valor))
    return {type(valor)}


def test_la_plantilla_solo_ve_datos_planos(carpeta: Path) -> None:
    permitidos = {dict, list, str, int, float, bool, type(None), date, ArchivoAnexo}
    contexto = contexto_ficha(practica_con_anexo(carpeta))
    assert _tipos(dict(contexto)) <= permitidos
    assert _tipos(dict(contexto_acuerdo(ejemplo_acuerdo()))) <= permitidos
    archivo = contexto["practica"]["anexos"][0]["archivo"]
    assert isinstance(archivo, str) and archivo == "foto.png"  # el nombre, no la ruta


@pytest.mark.parametrize("motor", MOTORES)
def test_imagen_del_anexo_se_sigue_incrustando(carpeta: Path, motor: str) -> None:
    datos = renderizar_ficha(practica_con_anexo(carpeta), motor=motor)
    with zipfile.ZipFile(io.BytesIO(datos)) as zf:
        imagenes = [n for n in zf.namelist() if n.startswith("word/media/")]
        assert len(imagenes) == 1 and zf.read(imagenes[0]) == png_minimo()
    assert abrir_docx(datos).inline_shapes[0].width > 0


# ---------------------------------------------------- archivos a través de atributos

ARCHIVOS = [
    "{{ anexo.archivo.with_name('secreto.txt').read_text() }}",
    "{{ anexo.archivo.write_text('x') }}",
    "{{ anexo.archivo.unlink() }}",
    "{% for x in anexo.archivo.parent.iterdir() %}{{ x }}{% endfor %}",
    "{{ anexo.archivo.open().read() }}",
    "{{ anexo.archivo.read_bytes() }}",
]


@pytest.mark.parametrize("ataque", ARCHIVOS)
def test_archivos_via_atributos(ataque: str, carpeta: Path) -> None:
    plantilla = plantilla_modificada(carpeta / "p.docx", {A: A + ataque})
    antes = sorted(p.name for p in carpeta.iterdir())
    for mensaje in rechazos(plantilla, practica_con_anexo(carpeta)):
        assert "SECRETO" not in mensaje and "se rechaza" in mensaje or "no existe en los datos" in mensaje
    assert sorted(p.name for p in carpeta.iterdir()) == antes  # nada creado ni borrado
    assert (carpeta / "secreto.txt").read_text(encoding="utf-8") == "SECRETO-123"
    assert (carpeta / "foto.png").read_bytes() == png_minimo()
    verificar_cli(plantilla)


# ------------------------------------------------------- interior de Python

INTERIOR = [
    "{{ practica.items.__self__ }}",
    "{{ practica.nombre.encode() }}",
    "{{ practica.nombre.format(practica) }}",
    "{{ practica.retos.copy() }}",
    "{{ loop }}{{ cycler.__init__ }}",
    "{% set ns = namespace() %}{{ ns.__class__ }}",
    "{{ practica.fecha_inicio.replace(year=1) }}",
    "{{ dict.fromkeys }}",
    "{{ (practica|attr('items')).__self__ }}",
    "{{ practica.nombre.center(9) }}",
]


@pytest.mark.parametrize("ataque", INTERIOR)
def test_fuera_de_la_lista_blanca(ataque: str, tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "p.docx", {N: N + ataque})
    for mensaje in rechazos(plantilla, ejemplo_ficha()):
        assert "se rechaza" in mensaje or "no existe" in mensaje, mensaje
    verificar_cli(plantilla)


def test_lo_permitido_funciona(tmp_path: Path) -> None:
    """La lista blanca no es una lista vacía: métodos de texto, dict.items, filtros y fechas."""
    marca = ("{{ practica.nombre.upper() }}|{{ practica.encabezado.items()|list|length }}|"
             "{{ practica.retos|join(', ')|length }}|{{ practica.fecha_inicio.year }}|"
             "{% set ns = namespace(n=0) %}{% for r in practica.retos %}{% set ns.n = ns.n + 1 %}{% endfor %}"
             "{{ ns.n }}|{{ '%05.1f'|format(3.14159) }}|{{ 'x' * 3 }}")
    plantilla = plantilla_modificada(tmp_path / "p.docx", {N: N + marca})
    practica = ejemplo_ficha()
    esperado = (f"{practica.nombre}{practica.nombre.upper()}|6|{len(', '.join(practica.retos))}|"
                f"{practica.fecha_inicio.year}|{len(practica.retos)}|003.1|xxx")
    for motor in MOTORES:
        textos = textos_docx(renderizar(plantilla, contexto_ficha(practica), motor=motor))
        assert esperado in textos, [t for t in textos if "|" in t]
    assert verificar_plantilla(plantilla).valida


# ---------------------------------------------------------------- imagen()

IMAGENES = [
    "{{ imagen('/etc/passwd', 3) }}",
    "{{ imagen(practica.nombre, 3) }}",
    "{{ imagen(anexo.archivo ~ '', 3) }}",
    "{{ imagen(anexo.archivo.replace('foto', '../secreto'), 3) }}",
    "{{ imagen(anexo.archivo, 10**5) }}",
]


@pytest.mark.parametrize("ataque", IMAGENES)
def test_imagen_solo_de_los_anexos(ataque: str, carpeta: Path) -> None:
    plantilla = plantilla_modificada(carpeta / "p.docx", {A: A + ataque})
    for mensaje in rechazos(plantilla, practica_con_anexo(carpeta)):
        assert "imagen()" in mensaje or "Python" in mensaje, mensaje
    verificar_cli(plantilla)


# --------------------------------------------------------- agotamiento de recursos

RECURSOS = [
    "{{ '%900000000d'|format(1) }}",
    "{{ 'x'|center(999999999) }}",
    "{% set n = 99999 %}{{ 'x' * n * n }}",
    "{{ [practica.nombre] * 999999999 }}",
    "{{ range(999999999)|list|length }}",
    "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(s='xx') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(l=[1]) %}{% for i in range(60) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
    "{% set ns = namespace(n=7) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
    "{{ practica.nombre.replace('', practica.nombre|string|center(999)) * 50 }}",
    "{{ practica.retos|join(' '|indent(999999)) }}",
    "{{ practica.retos|batch(999999999, 'x')|list }}",
    "{% set l = [practica.nombre * 20000] * 100 %}{{ l }}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
]


@pytest.mark.parametrize("ataque", RECURSOS)
def test_agotamiento_de_recursos(ataque: str, tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "p.docx", {N: N + ataque})
    for mensaje in rechazos(plantilla, ejemplo_ficha()):
        assert "supera un límite" in mensaje, mensaje
    verificar_cli(plantilla)


# --------------------------------------------------------------- anidamiento

ANIDAMIENTOS = [
    ("{% if true %}" * 3000) + N + ("{% endif %}" * 3000),
    ("{% for i in [1] %}" * 30) + N + ("{% endfor %}" * 30),
    N + "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
    N + "{{ " + "not " * 3000 + "1 }}",
    N + "{{ practica.nombre" + "|upper" * 3000 + " }}",
    N + "{{ 1" + " + 1" * 3000 + " }}",
    N + "{{ practica" + ".nombre" * 3000 + " }}",
]


@pytest.mark.parametrize("ataque", ANIDAMIENTOS, ids=range(len(ANIDAMIENTOS)))
def test_anidamiento_profundo(ataque: str, tmp_path: Path) -> None:
    plantilla = plantilla_modificada(tmp_path / "p.docx", {N: ataque})
    for mensaje in rechazos(plantilla, ejemplo_ficha()):
        assert "supera un límite" in mensaje and "anida" in mensaje, mensaje
    assert "anida" in verificar_cli(plantilla)


# ------------------------------------------------ pasa con el ejemplo, falla con datos reales

FRAGILES = [
    ("{% if practica.telefono %}{{ practica.telefono|filesizeformat }}{% endif %}",
     {"telefono": "601 381 3000 ext. 12"}),
    ("{{ practica.anexos[0].nombre if practica.anexos|length < 2 else practica.anexos[1].nombre }}",
     {"anexos": []}),
    ("{% if practica.correo is not none %}{{ practica.correo.split('@')[1] }}{% endif %}{{ practica.retos[1] }}",
     {"retos": ["Uno solo"]}),
]


@pytest.mark.parametrize("fragil, datos_reales", FRAGILES)
def test_falla_con_datos_reales_se_rechaza_al_verificar(fragil: str, datos_reales: dict[str, Any],
                                                       carpeta: Path) -> None:
    plantilla = plantilla_modificada(carpeta / "p.docx", {N: N + fragil})
    reales = cargar_practica({**practica_con_anexo(carpeta).model_dump(), **datos_reales})
    for mensaje in rechazos(plantilla, reales):  # el motor no lanza una traza: un motivo en español
        assert mensaje.startswith("La plantilla p.docx ") and "\n" not in mensaje
    assert "falla con datos válidos de prueba" in verificar_cli(plantilla)
    with pytest.raises(ErrorPlantilla, match="no se puede usar"):
        renderizar_ficha(reales, plantilla=plantilla)


# ------------------------------------------------------------------------ DTD


def _con_doctype(origen: Path, destino: Path, miembro: str) -> Path:
    with zipfile.ZipFile(origen) as zin, zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            datos = zin.read(info)
            if info.filename == miembro:
                texto = datos.decode("utf-8")
                fin = texto.index("?>") + 2 if texto.startswith("<?xml") else 0
                datos = (texto[:fin] + '<!DOCTYPE x SYSTEM "http://ejemplo.invalid/x.dtd">' + texto[fin:]).encode()
            zout.writestr(info, datos)
    return destino


@pytest.mark.parametrize("miembro", ["word/document.xml", "word/styles.xml", "[Content_Types].xml"])
def test_doctype_se_rechaza(miembro: str, tmp_path: Path) -> None:
    plantilla = _con_doctype(PLANTILLA_ACUERDO, tmp_path / "dtd.docx", miembro)
    for motor in MOTORES:
        with pytest.raises(ErrorPlantilla, match=r"declara un DTD o entidades XML"):
            renderizar(plantilla, contexto_acuerdo(ejemplo_acuerdo()), motor=motor)
    informe = verificar_plantilla(plantilla, "acuerdo")
    assert not informe.legible and "declara un DTD" in informe.errores[0] and miembro in informe.errores[0]
    r = cli("plantilla", "verificar", str(plantilla), "--tipo", "acuerdo")
    assert r.returncode == 2 and "declara un DTD" in r.stderr and "Traceback" not in r.stderr
