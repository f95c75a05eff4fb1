"""Una sola manera de escribir un archivo: ``salida/archivos.py``.

1. Una revisión del código del paquete: fuera de ``salida/archivos.py`` nadie abre para escribir,
   copia, renombra ni crea temporales por su cuenta (``open(…, "w")``, ``shutil.copy*``,
   ``os.replace``, ``.write_text``…). Falla nombrando el archivo y la línea.
2. La clase que reabrió el respaldo del catálogo: un enlace, un FIFO, un dispositivo, un socket o
   una carpeta con el nombre de una salida auxiliar (``catalogo.xlsx.bak``) se rechaza, no se
   sigue, no bloquea y no deja temporal.
"""

from __future__ import annotations

import ast
import os
import socket
import stat
import threading
from pathlib import Path

import pytest

import acuerdo_docs as ad
from acuerdo_docs.documentos.catalogo import generar_catalogo, ruta_respaldo
from acuerdo_docs.errores import ErrorSalida
from acuerdo_docs.salida.archivos import copiar_atomico, mover_atomico

PAQUETE = Path(ad.__file__).resolve().parent
ESCRITOR = PAQUETE / "salida" / "archivos.py"

PERMITIDOS: dict[str, str] = {}
"""``ruta relativa: qué`` → por qué se permite (sin número de línea: sobrevive a ediciones de arriba)."""

_COPIAS = {"copy", "copy2", "copyfile", "copytree", "move"}
_RENOMBRAR = {"replace", "rename", "renames"}
_TEMPORALES = {"mkstemp", "NamedTemporaryFile", "TemporaryFile"}
_BANDERAS_ESCRITURA = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND"}


def _modo_escritura(nodo: ast.AST) -> bool:
    return (isinstance(nodo, ast.Constant) and isinstance(nodo.value, str) and 0 < len(nodo.value) <= 4
            and set(nodo.value) <= set("rwxabt+") and bool(set(nodo.value) & set("wxa+")))


def _buffers(arbol: ast.AST) -> set[str]:
    """Nombres a los que se asigna un ``io.BytesIO()`` (guardar en memoria no es escribir un archivo)."""
    nombres = set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Assign) and isinstance(nodo.value, ast.Call):
            funcion = nodo.value.func
            nombre = funcion.attr if isinstance(funcion, ast.Attribute) else getattr(funcion, "id", "")
            if nombre == "BytesIO":
                nombres |= {t.id for t in nodo.targets if isinstance(t, ast.Name)}
    return nombres


def escrituras_directas(codigo: str) -> list[tuple[int, str]]:
    """(línea, qué) de cada escritura que no pasa por salida/archivos.py."""
    arbol = ast.parse(codigo)
    buffers = _buffers(arbol)
    hallados: list[tuple[int, str]] = []
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.ImportFrom) and nodo.module in ("shutil", "os", "tempfile"):
            for alias in nodo.names:
                if alias.name in _COPIAS | _RENOMBRAR | _TEMPORALES:
                    hallados.append((nodo.lineno, f"from {nodo.module} import {alias.name}"))
        if not isinstance(nodo, ast.Call):
            continue
        funcion = nodo.func
        base = funcion.value.id if isinstance(funcion, ast.Attribute) and isinstance(funcion.value, ast.Name) else ""
        nombre = funcion.attr if isinstance(funcion, ast.Attribute) else getattr(funcion, "id", "")
        argumentos = [*nodo.args, *(k.value for k in nodo.keywords if k.arg == "mode")]
        if nombre in ("open", "fdopen") and not (base == "os" and nombre == "open"):
            if any(_modo_escritura(a) for a in argumentos):
                hallados.append((nodo.lineno, f"{nombre}(…) para escribir"))
        elif base == "os" and nombre == "open":
            usadas = {n.attr for a in nodo.args[1:2] for n in ast.walk(a) if isinstance(n, ast.Attribute)}
            if usadas & _BANDERAS_ESCRITURA:
                hallados.append((nodo.lineno, "os.open(…) para escribir"))
        elif base == "shutil" and nombre in _COPIAS:
            hallados.append((nodo.lineno, f"shutil.{nombre}"))
        elif base == "os" and nombre in _RENOMBRAR | {"link"}:
            hallados.append((nodo.lineno, f"os.{nombre}"))
        elif base == "tempfile" and nombre in _TEMPORALES:
            hallados.append((nodo.lineno, f"tempfile.{nombre}"))
        elif isinstance(funcion, ast.Attribute) and nombre in ("write_text", "write_bytes", "touch", "rename"):
            hallados.append((nodo.lineno, f".{nombre}(…)"))
        elif (isinstance(funcion, ast.Attribute) and nombre == "replace" and base != "os"
              and len(nodo.args) == 1 and not nodo.keywords):
            hallados.append((nodo.lineno, ".replace(destino) (Path.replace)"))  # str.replace lleva dos
        elif isinstance(funcion, ast.Attribute) and nombre == "save" and nodo.args:
            primero = nodo.args[0]
            if not (isinstance(primero, ast.Name) and primero.id in buffers):
                hallados.append((nodo.lineno, ".save(ruta) de una biblioteca (guarde en un io.BytesIO)"))
    return hallados


def test_los_permitidos_siguen_existiendo() -> None:
    """Un permiso que ya no hace falta se quita (la lista no crece sola)."""
    for clave in PERMITIDOS:
        relativa, que = clave.split(": ", 1)
        assert que in [q for _, q in escrituras_directas((PAQUETE / relativa).read_text(encoding="utf-8"))], clave


def test_nadie_escribe_fuera_de_salida_archivos() -> None:
    problemas = []
    for ruta in sorted(PAQUETE.rglob("*.py")):
        if ruta == ESCRITOR:
            continue
        relativa = ruta.relative_to(PAQUETE).as_posix()
        for linea, que in escrituras_directas(ruta.read_text(encoding="utf-8")):
            if f"{relativa}: {que}" not in PERMITIDOS:
                problemas.append(f"{relativa}:{linea}: {que}")
    assert not problemas, (
        "Escrituras que no pasan por acuerdo_docs.salida.archivos (escribir_atomico, copiar_atomico, "
        "mover_atomico, publicar_carpeta, abrir_candado…):\n" + "\n".join(problemas)
    )


@pytest.mark.parametrize("codigo", [
    'open(r, "w")', 'open(r, "ab")', 'open(r, mode="x")', 'ruta.open("w", encoding="utf-8")',
    'io.open(r, "r+b")', 'os.fdopen(fd, "wb")', "os.open(r, os.O_WRONLY | os.O_CREAT)",
    "shutil.copy(a, b)", "shutil.copy2(a, b)", "shutil.copyfile(a, b)", "shutil.copytree(a, b)",
    "shutil.move(a, b)", "os.replace(a, b)", "os.rename(a, b)", "ruta.rename(b)", "ruta.replace(b)",
    'ruta.write_text("x")', 'ruta.write_bytes(b"x")', "ruta.touch()", "tempfile.mkstemp()",
    "tempfile.NamedTemporaryFile()", "from shutil import copy2", "libro.save(destino)",
])
def test_la_revision_encuentra_cada_forma(codigo: str) -> None:
    assert escrituras_directas(codigo), codigo


@pytest.mark.parametrize("codigo", [
    'open(r, "rb")', 'ruta.open("rb")', 'texto.replace("a", "b")', "fecha.replace(year=2020)",
    "os.open(r, os.O_RDONLY)", "b = io.BytesIO()\nlibro.save(b)", "shutil.copyfileobj(a, b)",
])
def test_la_revision_no_marca_lecturas(codigo: str) -> None:
    assert not escrituras_directas(codigo), codigo


# ------------------------------------------------------------------ el respaldo del catálogo


@pytest.fixture()
def catalogo(tmp_path: Path) -> Path:
    fichas = tmp_path / "fichas"
    fichas.mkdir()
    ad.generar_ficha(ad.ejemplo_ficha(), fichas / "A.docx")
    destino = tmp_path / "salida" / "catalogo.xlsx"
    generar_catalogo(fichas, destino)
    return destino


def _restos(carpeta: Path) -> list[str]:
    return sorted(p.name for p in carpeta.iterdir() if p.name.startswith(".~") or p.suffix == ".tmp")


def _nodo(ruta: Path, clase: str, tmp_path: Path) -> object:
    """Pone en ``ruta`` un nodo que no es un archivo regular; devuelve lo que hay que vigilar."""
    if clase == "enlace":
        victima = tmp_path / "victima.txt"
        victima.write_text("no me toques")
        ruta.symlink_to(victima)
        return victima
    if clase == "enlace_roto":
        ruta.symlink_to(tmp_path / "no_existe.xlsx")
        return tmp_path / "no_existe.xlsx"
    if clase == "fifo":
        os.mkfifo(ruta)
    elif clase == "carpeta":
        ruta.mkdir()
    elif clase == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(ruta))
        return s
    elif clase == "dispositivo":
        if os.geteuid() == 0:
            os.mknod(ruta, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null
        else:  # sin root no se crea un dispositivo: un enlace a uno
            ruta.symlink_to("/dev/null")
    return None


CLASES = ["enlace", "enlace_roto", "fifo", "carpeta", "socket", "dispositivo"]


@pytest.mark.parametrize("clase", CLASES)
def test_respaldo_que_no_es_archivo_regular_se_rechaza(clase: str, catalogo: Path, tmp_path: Path) -> None:
    respaldo = ruta_respaldo(catalogo)
    vigilar = _nodo(respaldo, clase, tmp_path)
    antes = catalogo.read_bytes()
    modo_antes = os.lstat(respaldo).st_mode
    resultado: list[BaseException] = []

    def correr() -> None:
        try:
            generar_catalogo(tmp_path / "fichas", catalogo)
        except BaseException as exc:  # noqa: BLE001 - se inspecciona abajo
            resultado.append(exc)

    hilo = threading.Thread(target=correr, daemon=True)
    hilo.start()
    hilo.join(60)
    assert not hilo.is_alive(), "el catálogo se quedó bloqueado en el respaldo"
    assert len(resultado) == 1 and isinstance(resultado[0], ErrorSalida), resultado
    assert "bak" in str(resultado[0])
    assert catalogo.read_bytes() == antes  # nada escrito
    assert os.lstat(respaldo).st_mode == modo_antes  # el nodo sigue ahí, no reemplazado
    assert _restos(catalogo.parent) == []
    if isinstance(vigilar, Path) and clase == "enlace":
        assert vigilar.read_text() == "no me toques"
    if clase == "enlace_roto":
        assert not vigilar.exists()  # type: ignore[union-attr]
    if isinstance(vigilar, socket.socket):
        vigilar.close()


def test_respaldo_normal_conserva_fecha_y_modo(catalogo: Path) -> None:
    os.chmod(catalogo, 0o640)
    os.utime(catalogo, (1_000_000_000, 1_000_000_000))
    antes = catalogo.read_bytes()
    resultado = generar_catalogo(catalogo.parent.parent / "fichas", catalogo)
    respaldo = resultado.informe.respaldo
    assert respaldo is not None and respaldo.read_bytes() == antes
    assert respaldo.stat().st_mtime == 1_000_000_000 and stat.S_IMODE(respaldo.stat().st_mode) == 0o640
    assert _restos(catalogo.parent) == []


@pytest.mark.parametrize("clase", CLASES)
def test_copiar_y_mover_rechazan_lo_mismo(clase: str, tmp_path: Path) -> None:
    """Las otras dos puertas de la escritura única (copiar_atomico, mover_atomico) con la misma clase."""
    origen = tmp_path / "origen.bin"
    origen.write_bytes(b"datos")
    for funcion in (copiar_atomico, mover_atomico):
        destino = tmp_path / f"destino_{funcion.__name__}"
        otra = tmp_path / funcion.__name__
        otra.mkdir()
        vigilar = _nodo(destino, clase, otra)
        with pytest.raises(ErrorSalida):
            funcion(origen, destino)
        assert origen.read_bytes() == b"datos" and _restos(tmp_path) == []
        if isinstance(vigilar, socket.socket):
            vigilar.close()


def test_copiar_no_sigue_un_origen_enlazado_ni_bloquea_en_un_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "enlace").symlink_to("/etc/hostname")
    for origen in ("fifo", "enlace"):
        with pytest.raises(ErrorSalida):
            copiar_atomico(tmp_path / origen, tmp_path / "copia")
    assert not (tmp_path / "copia").exists() and _restos(tmp_path) == []
