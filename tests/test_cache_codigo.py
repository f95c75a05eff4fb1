"""Caché en disco de las plantillas compiladas: mismos bytes, y nunca código en el que no se confía."""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest

from acuerdo_docs.documentos.ficha import PLANTILLA_FICHA, contexto_ficha, ejemplo_ficha
from acuerdo_docs.errores import ErrorPlantilla
from acuerdo_docs.rutas import plantilla
from acuerdo_docs.salida import cache_codigo
from acuerdo_docs.salida.motor_docx import PlantillaCompilada

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Una caché vacía para esta prueba; devuelve la carpeta de las plantillas compiladas."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ACUERDO_DOCS_SIN_CACHE", raising=False)
    return tmp_path / "xdg" / "acuerdo_docs" / "plantillas"


def _sin_compilar(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Anota cada compilación (la caché la evita); devuelve la lista donde quedan."""
    compilaciones: list[str] = []
    original = PlantillaCompilada._compilar

    def anotada(self: PlantillaCompilada) -> object:
        compilaciones.append(self.ruta.name)
        return original(self)

    monkeypatch.setattr(PlantillaCompilada, "_compilar", anotada)
    return compilaciones


def _plantilla(ruta: Path, *parrafos: str) -> Path:
    documento = docx.Document()
    for texto in parrafos:
        documento.add_paragraph(texto)
    documento.save(str(ruta))
    return ruta


def _texto(contenido: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(contenido)).paragraphs]


def test_la_segunda_vez_no_compila_y_da_los_mismos_bytes(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    compilaciones = _sin_compilar(monkeypatch)
    contexto = contexto_ficha(ejemplo_ficha())
    primero = PlantillaCompilada(plantilla(PLANTILLA_FICHA)).renderizar(contexto, titulo="t")
    assert compilaciones == [PLANTILLA_FICHA]
    assert len(list(cache.iterdir())) == 1
    segundo = PlantillaCompilada(plantilla(PLANTILLA_FICHA)).renderizar(contexto, titulo="t")
    assert compilaciones == [PLANTILLA_FICHA]  # leída de la caché
    assert segundo == primero


def test_carpeta_y_entradas_privadas(cache: Path, tmp_path: Path) -> None:
    PlantillaCompilada(_plantilla(tmp_path / "a.docx", "Hola {{ nombre }}"))
    assert cache.stat().st_mode & 0o077 == 0
    (entrada,) = cache.iterdir()
    assert entrada.stat().st_mode & 0o077 == 0


def test_cli_en_procesos_nuevos_mismos_bytes_con_y_sin_cache(tmp_path: Path) -> None:
    """Como lo corre una persona: la primera ejecución guarda, la segunda lee; sin caché, igual."""
    entorno = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "xdg"))
    entorno.pop("ACUERDO_DOCS_SIN_CACHE", None)
    salidas = []
    for i, extra in enumerate(({}, {}, {"ACUERDO_DOCS_SIN_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path / "otra")})):
        destino = tmp_path / f"f{i}.docx"
        subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o", str(destino)],
                       check=True, env={**entorno, **extra}, capture_output=True)
        salidas.append(destino.read_bytes())
    assert salidas[0] == salidas[1] == salidas[2]
    assert len(list((tmp_path / "xdg" / "acuerdo_docs" / "plantillas").iterdir())) == 1
    assert not (tmp_path / "otra").exists()  # desactivada: ni siquiera crea la carpeta


def _alterar(entrada: Path, como: str) -> None:
    datos = entrada.read_bytes()
    if como == "truncada":
        entrada.write_bytes(datos[: len(datos) // 2])
    elif como == "un_byte":
        entrada.write_bytes(datos[:-10] + bytes([datos[-10] ^ 1]) + datos[-9:])
    elif como == "otra_forma":  # digesto correcto, contenido que no es una plantilla compilada
        contenido = marshal.dumps(("no", 1))
        entrada.write_bytes(datos[: len(cache_codigo._MAGIA)] + hashlib.sha256(contenido).digest() + contenido)
    elif como == "vacia":
        entrada.write_bytes(b"")
    elif como == "otra_marca":
        entrada.write_bytes(b"x" + datos[1:])


@pytest.mark.parametrize("como", ["truncada", "un_byte", "otra_forma", "vacia", "otra_marca"])
def test_entrada_danada_se_ignora_y_se_rehace(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              como: str) -> None:
    ruta = _plantilla(tmp_path / "a.docx", "Hola {{ nombre }}")
    esperado = PlantillaCompilada(ruta).renderizar({"nombre": "Ana"})
    (entrada,) = cache.iterdir()
    _alterar(entrada, como)
    compilaciones = _sin_compilar(monkeypatch)
    assert PlantillaCompilada(ruta).renderizar({"nombre": "Ana"}) == esperado
    assert compilaciones == ["a.docx"]
    compilaciones.clear()
    PlantillaCompilada(ruta)  # rehecha: la siguiente vez ya no compila
    assert compilaciones == []


@pytest.mark.parametrize("modo", [0o777, 0o770, 0o722])
def test_carpeta_que_otros_pueden_escribir_no_se_usa(cache: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, modo: int) -> None:
    ruta = _plantilla(tmp_path / "a.docx", "Hola {{ nombre }}")
    PlantillaCompilada(ruta)
    cache.chmod(modo)
    compilaciones = _sin_compilar(monkeypatch)
    PlantillaCompilada(ruta)
    PlantillaCompilada(_plantilla(tmp_path / "b.docx", "Otra {{ nombre }}"))
    assert compilaciones == ["a.docx", "b.docx"]  # ni se lee ni se escribe
    assert len(list(cache.iterdir())) == 1


def test_entrada_que_otros_pueden_escribir_o_enlace_no_se_usa(cache: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    ruta = _plantilla(tmp_path / "a.docx", "Hola {{ nombre }}")
    PlantillaCompilada(ruta)
    (entrada,) = cache.iterdir()
    entrada.chmod(0o666)
    compilaciones = _sin_compilar(monkeypatch)
    PlantillaCompilada(ruta)
    assert compilaciones == ["a.docx"]
    real = tmp_path / "fuera"
    entrada.replace(real)
    entrada.symlink_to(real)  # un enlace nunca se sigue
    compilaciones.clear()
    PlantillaCompilada(ruta)
    assert compilaciones == ["a.docx"]


def test_plantilla_editada_u_otro_entorno_dan_otra_clave(cache: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    ruta = _plantilla(tmp_path / "a.docx", "Hola {{ nombre }}")
    assert _texto(PlantillaCompilada(ruta).renderizar({"nombre": "Ana"}))[0] == "Hola Ana"
    _plantilla(ruta, "Adiós {{ nombre }}")  # el mismo archivo, editado
    assert _texto(PlantillaCompilada(ruta).renderizar({"nombre": "Ana"}))[0] == "Adiós Ana"
    assert len(list(cache.iterdir())) == 2
    monkeypatch.setattr(cache_codigo, "_huella_entorno", b"otra version de Jinja o del programa")
    compilaciones = _sin_compilar(monkeypatch)
    PlantillaCompilada(ruta)
    assert compilaciones == ["a.docx"]


def test_la_huella_cubre_los_modulos_del_motor() -> None:
    carpeta = Path(cache_codigo.__file__).parent
    for nombre in cache_codigo._MODULOS_DEL_CODIGO:
        assert (carpeta / nombre).is_file(), nombre


def test_a_lo_sumo_entradas_maximas(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_codigo, "ENTRADAS_MAXIMAS", 2)
    for i in range(4):
        PlantillaCompilada(_plantilla(tmp_path / f"p{i}.docx", f"Plantilla {i}: {{{{ nombre }}}}"))
    assert len(list(cache.iterdir())) == 2


def test_desde_la_cache_sigue_en_la_sandbox_y_dice_la_linea(cache: Path, tmp_path: Path) -> None:
    """El código leído de la caché corre en el mismo entorno: mismos rechazos, mismos mensajes."""
    ruta = _plantilla(tmp_path / "hostil.docx", "Primero", "Segundo {{ nombre.__class__ if hostil }}",
                      "Tercero {{ 10 // cero }}")
    mensajes = []
    for _ in range(2):  # la primera compila y guarda; la segunda lee la caché
        compilada = PlantillaCompilada(ruta)
        for contexto in ({"nombre": "x", "hostil": True, "cero": 1}, {"nombre": "x", "hostil": False, "cero": 0}):
            with pytest.raises(ErrorPlantilla) as error:
                compilada.renderizar(contexto)
            mensajes.append(str(error.value))
    assert len(list(cache.iterdir())) == 1
    assert mensajes[:2] == mensajes[2:]
    assert "__class__" in mensajes[0] and "Segundo" in mensajes[0]
    assert "Tercero" in mensajes[1]


def test_error_de_sintaxis_dice_la_linea_y_no_se_guarda(cache: Path, tmp_path: Path) -> None:
    ruta = _plantilla(tmp_path / "mala.docx", "Uno", "Dos {{ nombre ", "Tres")
    with pytest.raises(ErrorPlantilla, match="Dos"):
        PlantillaCompilada(ruta)
    assert not cache.exists() or not list(cache.iterdir())


@pytest.mark.parametrize("caso", ["archivo", "solo_lectura"])
def test_cache_inutilizable_no_impide_generar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caso: str) -> None:
    """Una caché que no se puede crear ni escribir solo cuesta la compilación: el documento sale igual."""
    monkeypatch.delenv("ACUERDO_DOCS_SIN_CACHE", raising=False)
    ruta = _plantilla(tmp_path / "a.docx", "Hola {{ nombre }}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "limpia"))
    esperado = PlantillaCompilada(ruta).renderizar({"nombre": "Ana"})
    base = tmp_path / "xdg"
    if caso == "archivo":
        base.write_text("no soy una carpeta")
    else:
        (base / "acuerdo_docs" / "plantillas").mkdir(parents=True, mode=0o700)
        (base / "acuerdo_docs" / "plantillas").chmod(0o500)
    monkeypatch.setenv("XDG_CACHE_HOME", str(base))
    try:
        assert PlantillaCompilada(ruta).renderizar({"nombre": "Ana"}) == esperado
        assert PlantillaCompilada(ruta).renderizar({"nombre": "Ana"}) == esperado
    finally:
        if caso != "archivo":
            (base / "acuerdo_docs" / "plantillas").chmod(0o700)


def test_la_cache_no_guarda_datos_del_documento(cache: Path) -> None:
    """Solo el código de la plantilla: ni nombres ni correos de quien diligencia (Ley 1581 de 2012)."""
    from acuerdo_docs.documentos.ficha import renderizar_ficha

    practica = ejemplo_ficha().model_copy(update={"colaborador": "Zoraida Secreta Quintero",
                                                  "correo": "zoraida.secreta@entidad.gov.co"})
    renderizar_ficha(practica)
    PlantillaCompilada(plantilla(PLANTILLA_FICHA))  # por si la de este proceso ya estaba en memoria
    (entrada,) = cache.iterdir()
    datos = entrada.read_bytes()
    assert b"Zoraida" not in datos and b"zoraida" not in datos and "Zoraida".encode("utf-16-le") not in datos
