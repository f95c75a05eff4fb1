"""Dónde y cómo se escriben los archivos: la misma regla de -o en todas las órdenes, nunca una traza.

La tabla de rutas malas ejecuta cada orden que escribe contra cada ruta y afirma lo que ve el
usuario: una línea en español, código de salida 2, y ningún archivo nuevo ni modificado.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import cli
from test_lote import fila_base, libro_fichas

from acuerdo_docs.cli import main
from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo
from acuerdo_docs.documentos.ficha import ejemplo_ficha, generar_ficha
from acuerdo_docs.errores import ErrorSalida
from acuerdo_docs.salida import archivos
from acuerdo_docs.salida.archivos import escribir_atomico, escribir_atomico_con

# ------------------------------------------------------------------ el escenario


@pytest.fixture
def escenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Entradas de cada orden y las trampas: archivo, FIFO, enlaces, carpeta sin permiso."""
    monkeypatch.chdir(tmp_path)
    Path("p.json").write_text(ejemplo_ficha().model_dump_json(), encoding="utf-8")
    Path("a.json").write_text(ejemplo_acuerdo().model_dump_json(), encoding="utf-8")
    Path("fichas").mkdir()
    generar_ficha(ejemplo_ficha(), "fichas/f.docx")
    libro_fichas(Path("."), [fila_base(1)], "e.xlsx")
    # Entradas con la extensión de la salida (el contenido es el que la orden lee): -o igual a la entrada.
    Path("q.docx").write_text(Path("p.json").read_text(encoding="utf-8"), encoding="utf-8")
    Path("b.xlsx").write_text(Path("a.json").read_text(encoding="utf-8"), encoding="utf-8")
    Path("x.json").write_bytes(Path("fichas/f.docx").read_bytes())
    Path("archivo.txt").write_text("no soy una carpeta", encoding="utf-8")
    Path("d").mkdir()
    Path("fuera").mkdir()
    for ext in (".docx", ".xlsx", ".json", ".pdf"):
        os.mkfifo(f"fifo{ext}")
        (Path("fuera") / f"secreto{ext}").write_text("secreto", encoding="utf-8")
        os.symlink(Path("fuera").resolve() / f"secreto{ext}", f"enlace{ext}")
    os.mkfifo("tuberia")
    Path("con_enlace").mkdir()
    os.symlink(Path("fuera").resolve() / "secreto.xlsx", "con_enlace/informe_lote.xlsx")
    Path("cerrada").mkdir()
    os.chmod("cerrada", 0o555)
    yield tmp_path
    os.chmod(tmp_path / "cerrada", 0o755)


def _foto(raiz: Path) -> dict[str, tuple[str, int, int]]:
    """Todo lo que hay bajo ``raiz`` (sin seguir enlaces): tipo, tamaño y fecha de modificación de cada archivo."""
    foto: dict[str, tuple[str, int, int]] = {}
    for ruta in sorted(raiz.rglob("*")):
        estado = os.lstat(ruta)
        tipo = stat.S_IFMT(estado.st_mode)
        if stat.S_ISDIR(estado.st_mode):  # su fecha cambia con un temporal creado y quitado
            foto[str(ruta.relative_to(raiz))] = (oct(tipo), 0, 0)
            continue
        foto[str(ruta.relative_to(raiz))] = (oct(tipo), estado.st_size, estado.st_mtime_ns)
    return foto


# ------------------------------------------------------------------ la tabla


@dataclass(frozen=True)
class Orden:
    nombre: str
    argv: Callable[[str], list[str]]
    ext: str
    """Extensión de su salida ("" para las órdenes que escriben en una carpeta)."""
    igual_a_la_entrada: str | None
    """Un -o que es su propio archivo de entrada (None si la orden no lee un archivo de ese tipo)."""


ORDENES = [
    Orden("ficha", lambda o: ["ficha", "q.docx" if o == "q.docx" else "p.json", "-o", o], ".docx", "q.docx"),
    Orden("acuerdo", lambda o: ["acuerdo", "q.docx" if o == "q.docx" else "a.json", "-o", o], ".docx", "q.docx"),
    Orden("riesgos", lambda o: ["riesgos", "b.xlsx" if o == "b.xlsx" else "a.json", "-o", o], ".xlsx", "b.xlsx"),
    Orden("extraer", lambda o: ["extraer", "x.json" if o == "x.json" else "fichas/f.docx", "-o", o], ".json",
          "x.json"),
    Orden("catalogo", lambda o: ["catalogo", "fichas", "-o", o], ".xlsx", None),
    Orden("plantilla-lote", lambda o: ["plantilla-lote", "fichas", "-o", o], ".xlsx", None),
    Orden("lote", lambda o: ["lote", "e.xlsx", "-o", o, "--silencioso", "--procesos", "1"], "", "e.xlsx"),
    Orden("ejemplo", lambda o: ["ejemplo", "-o", o], "", None),
    Orden("metodo", lambda o: ["metodo", "-o", o], ".json", None),
    Orden("plantilla-copiar", lambda o: ["plantilla", "copiar", "ficha", "-o", o], ".docx", None),
]

CASOS = ["bajo_un_archivo", "proc", "fifo", "extension", "igual_a_la_entrada", "enlace", "sin_permiso",
         "disco_lleno"]
PARES = [
    pytest.param(orden, caso, id=f"{orden.nombre}-{caso}") for orden in ORDENES for caso in CASOS
    if caso != "igual_a_la_entrada" or orden.igual_a_la_entrada is not None  # catalogo, plantilla-lote, ejemplo
]


def _ruta_mala(orden: Orden, caso: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str] | None:
    """(-o, texto que el mensaje debe contener) del caso para la orden; None si no aplica."""
    carpeta = orden.ext == ""
    if caso == "bajo_un_archivo":
        return ("archivo.txt/sub/" if carpeta else f"archivo.txt/x{orden.ext}"), "«archivo.txt» es un archivo"
    if caso == "proc":
        return ("/proc/nope/" if carpeta else f"/proc/nope/x{orden.ext}"), "/proc/nope"
    if caso == "fifo":
        if carpeta:
            return "tuberia", "«tuberia» no es una carpeta"
        return f"fifo{orden.ext}", "no es un archivo regular"
    if caso == "extension":
        return ("archivo.txt", "«archivo.txt» no es una carpeta") if carpeta else ("salida.odt", "«salida.odt»")
    if caso == "igual_a_la_entrada":
        if orden.igual_a_la_entrada is None:
            return None
        esperado = "no es una carpeta" if carpeta else "mismo archivo que la entrada"
        return orden.igual_a_la_entrada, esperado
    if caso == "enlace":
        if orden.nombre == "lote":
            return "con_enlace", "«con_enlace/informe_lote.xlsx» es un enlace simbólico"
        if carpeta:  # un enlace a un archivo dado como carpeta
            return f"enlace{'.docx'}", "no es una carpeta"
        return f"enlace{orden.ext}", f"«enlace{orden.ext}» es un enlace simbólico"
    if caso == "sin_permiso":
        if os.geteuid() == 0:  # root escribe en cualquier carpeta: se simula lo que vería un usuario
            real = os.access
            monkeypatch.setattr(os, "access", lambda r, m, **k: "cerrada" not in str(r) and real(r, m, **k))
            real_mkdir, real_open = os.mkdir, os.open

            def negar(funcion: Callable[..., object]) -> Callable[..., object]:
                def envoltura(ruta: object, *a: object, **k: object) -> object:
                    if "cerrada" in str(ruta):
                        raise PermissionError(errno.EACCES, "Permission denied", str(ruta))
                    return funcion(ruta, *a, **k)
                return envoltura

            monkeypatch.setattr(os, "mkdir", negar(real_mkdir))
            monkeypatch.setattr(os, "open", negar(real_open))
        return ("cerrada/sub/" if carpeta else f"cerrada/x{orden.ext}"), "permiso"
    if caso == "disco_lleno":
        def lleno(_fd: int) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(archivos.os, "fsync", lleno)
        return "d/", "no queda espacio en el disco"
    raise AssertionError(caso)


@pytest.mark.parametrize("orden,caso", PARES)
def test_cada_orden_contra_cada_ruta_mala(
    escenario: Path, orden: Orden, caso: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    antes = _foto(escenario)
    mala = _ruta_mala(orden, caso, monkeypatch)
    assert mala is not None
    salida, esperado = mala
    codigo = main(orden.argv(salida))  # una excepción sin atrapar haría fallar la prueba: sería una traza
    monkeypatch.undo()
    err = capsys.readouterr().err
    lineas = [linea for linea in err.splitlines() if linea.strip()]
    assert codigo == 2, err
    assert len(lineas) == 1 and lineas[0].startswith("Error: "), err
    assert esperado in lineas[0], lineas[0]
    assert "Errno" not in err and "Traceback" not in err and "No such file" not in err
    assert _foto(escenario) == antes  # nada nuevo, nada reemplazado; el FIFO y los enlaces siguen ahí
    for secreto in (escenario / "fuera").iterdir():
        assert secreto.read_text(encoding="utf-8") == "secreto"


def test_la_tabla_no_deja_casos_sin_probar() -> None:
    """Cada orden prueba al menos 7 de los 8 casos (solo «igual a la entrada» puede no aplicar) y son más de 50."""
    for orden in ORDENES:
        assert sum(1 for p in PARES if p.values[0] is orden) >= 7
    assert len(PARES) >= 50


@pytest.mark.parametrize("argv,esperado", [
    (["ficha", "p.json", "-o", "fifo.docx"], "no es un archivo regular"),
    (["ficha", "p.json", "-o", "archivo.txt/x.docx"], "«archivo.txt» es un archivo, no una carpeta"),
    (["riesgos", "a.json", "-o", "m.docx"], "«m.docx» tiene la extensión «.docx»"),
    (["extraer", "x.json", "-o", "x.json"], "mismo archivo que la entrada"),
])
def test_en_un_proceso_aparte_sin_traza(escenario: Path, argv: list[str], esperado: str) -> None:
    antes = _foto(escenario)
    r = cli(*argv)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().count("\n") == 0 and r.stderr.startswith("Error: ") and esperado in r.stderr
    assert "Traceback" not in r.stderr
    assert _foto(escenario) == antes


# ------------------------------------------------------------------ -o carpeta y extensión


@pytest.mark.parametrize("argv,esperado", [
    (["ficha", "p.json", "-o", "d"], "d/p.docx"),
    (["acuerdo", "a.json", "-o", "d"], "d/a.docx"),
    (["riesgos", "a.json", "-o", "d"], "d/a.xlsx"),
    (["extraer", "fichas/f.docx", "-o", "d"], "d/f.json"),
    (["catalogo", "fichas", "-o", "d"], "d/catalogo.xlsx"),
    (["plantilla-lote", "acuerdos", "-o", "d"], "d/plantilla_acuerdos.xlsx"),
    (["ficha", "p.json", "-o", "nueva/sub/"], "nueva/sub/p.docx"),
    (["riesgos", "a.json", "-o", "nueva/"], "nueva/a.xlsx"),
    (["catalogo", "fichas", "-o", "nueva/"], "nueva/catalogo.xlsx"),
])
def test_o_carpeta_escribe_nombre_dentro(
    escenario: Path, argv: list[str], esperado: str, capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(argv) in (0, 1)  # catalogo: 1 si alguna ficha tiene avisos de error; escribe igual
    salida = capsys.readouterr()
    assert (escenario / esperado).is_file()
    assert esperado in salida.out + salida.err  # el aviso muestra la ruta como la escribió el usuario
    if esperado.endswith(".xlsx"):
        openpyxl.load_workbook(escenario / esperado)  # se reabre
    if esperado.endswith(".json"):
        json.loads((escenario / esperado).read_text(encoding="utf-8"))


def test_acuerdo_en_carpeta_no_escribe_nada_si_la_matriz_no_cabe(escenario: Path) -> None:
    os.mkfifo(escenario / "d" / "a_riesgos.xlsx")
    antes = _foto(escenario)
    assert main(["acuerdo", "a.json", "-o", "d/"]) == 2
    assert _foto(escenario) == antes  # ni siquiera el .docx, que sí cabía


def test_pdf_junto_al_docx_se_revisa_antes_de_escribir(escenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(escenario / "d" / "p.pdf")
    antes = _foto(escenario)
    assert main(["ficha", "p.json", "-o", "d/p.docx", "--pdf"]) == 2
    assert "«d/p.pdf» no es un archivo regular" in capsys.readouterr().err
    assert _foto(escenario) == antes


@pytest.mark.libreoffice
@pytest.mark.parametrize("orden,entrada,texto", [
    ("ficha", "p.json", "Acuerdo simbólico"),
    ("acuerdo", "a.json", "Movilidad segura"),
])
def test_o_pdf_produce_el_pdf(escenario: Path, libreoffice: str, orden: str, entrada: str, texto: str) -> None:
    from conftest import texto_pdf

    anterior = os.umask(0o027)
    try:
        assert main([orden, entrada, "-o", "d/doc.pdf"]) == 0
    finally:
        os.umask(anterior)
    pdf = escenario / "d" / "doc.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert texto in " ".join(" ".join(texto_pdf(pdf)).split())
    assert sorted(p.name for p in (escenario / "d").iterdir()) == ["doc.pdf"]  # sin .docx ni temporales
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o640  # también el PDF respeta la umask


# ------------------------------------------------------------------ permisos


@pytest.fixture
def umask() -> Callable[[int], None]:
    anterior = os.umask(0o022)
    os.umask(anterior)

    def fijar(valor: int) -> None:
        os.umask(valor)

    yield fijar
    os.umask(anterior)


@pytest.mark.parametrize("mascara,modo", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_archivo_nuevo_respeta_la_umask(tmp_path: Path, umask: Callable[[int], None], mascara: int,
                                        modo: int) -> None:
    umask(mascara)
    ruta = generar_ficha(ejemplo_ficha(), tmp_path / "nueva" / "f.docx")
    assert ruta is not None and stat.S_IMODE(ruta.stat().st_mode) == modo
    assert stat.S_IMODE((tmp_path / "nueva").stat().st_mode) == 0o777 & ~mascara


@pytest.mark.parametrize("modo", [0o600, 0o640, 0o644])  # uno de solo lectura (0o444) no se reemplaza: test_archivos_del_equipo
def test_archivo_reemplazado_conserva_su_modo(tmp_path: Path, umask: Callable[[int], None], modo: int) -> None:
    umask(0o000)  # la umask más floja: aun así el 0600 no se afloja
    ruta = tmp_path / "f.docx"
    ruta.write_bytes(b"viejo")
    os.chmod(ruta, modo)
    generar_ficha(ejemplo_ficha(), ruta)
    assert stat.S_IMODE(ruta.stat().st_mode) == modo
    assert ruta.read_bytes() != b"viejo"


def test_el_temporal_nunca_es_mas_flojo_que_el_archivo_que_reemplaza(tmp_path: Path) -> None:
    ruta = tmp_path / "secreto.xlsx"
    ruta.write_bytes(b"viejo")
    os.chmod(ruta, 0o600)
    vistos: list[int] = []

    def escribir(f: object) -> None:
        vistos.append(stat.S_IMODE(os.fstat(f.fileno()).st_mode))  # type: ignore[attr-defined]
        f.write(b"nuevo")  # type: ignore[attr-defined]

    escribir_atomico_con(ruta, escribir)
    assert vistos == [0o600] and ruta.read_bytes() == b"nuevo"


def test_la_cli_respeta_la_umask_y_el_modo(escenario: Path, umask: Callable[[int], None]) -> None:
    umask(0o077)
    assert main(["riesgos", "a.json", "-o", "d/m.xlsx"]) == 0
    assert stat.S_IMODE((escenario / "d" / "m.xlsx").stat().st_mode) == 0o600
    os.chmod(escenario / "d" / "m.xlsx", 0o640)
    umask(0o022)
    assert main(["riesgos", "a.json", "-o", "d/m.xlsx"]) == 0
    assert stat.S_IMODE((escenario / "d" / "m.xlsx").stat().st_mode) == 0o640


# ------------------------------------------------------------------ la biblioteca


def test_la_biblioteca_tampoco_escribe_en_un_fifo_ni_en_un_enlace(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.docx"
    os.mkfifo(fifo)
    fuera = tmp_path / "fuera.docx"
    fuera.write_bytes(b"intacto")
    enlace = tmp_path / "enlace.docx"
    enlace.symlink_to(fuera)
    for destino in (fifo, enlace, tmp_path):
        with pytest.raises(ErrorSalida) as info:
            generar_ficha(ejemplo_ficha(), destino)
        assert isinstance(info.value, OSError)  # quien atrapaba OSError lo sigue atrapando
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and enlace.is_symlink() and fuera.read_bytes() == b"intacto"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["enlace.docx", "fifo.docx", "fuera.docx"]


def test_disco_lleno_no_deja_temporal_ni_carpetas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def lleno(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archivos.os, "fsync", lleno)
    with pytest.raises(ErrorSalida, match="no queda espacio en el disco") as info:
        escribir_atomico(tmp_path / "a" / "b" / "x.docx", b"datos")
    assert info.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []  # las carpetas creadas para escribir también se quitan


def test_un_error_del_sistema_en_cualquier_orden_es_una_linea(
    escenario: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    """Último recurso de la CLI: un OSError que nadie tradujo no llega como traza."""
    from acuerdo_docs.cli import ficha

    def falla(*_a: object, **_k: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "p.json")

    monkeypatch.setattr(ficha.comun, "leer_json", falla)
    assert main(["ficha", "p.json", "-o", "d/"]) == 2
    err = capsys.readouterr().err
    assert err == "Error: No se pudo usar «p.json»: no hay permiso.\n"


@pytest.mark.skipif(sys.platform == "win32", reason="FIFO y enlaces de POSIX")
def test_mensajes_con_la_ruta_como_la_escribio_el_usuario(escenario: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ficha", "p.json", "-o", "./d/../fifo.docx"]) == 2
    assert "«./d/../fifo.docx»" in capsys.readouterr().err


def test_un_dispositivo_se_rechaza_sin_abrirlo() -> None:
    """Solo se mira con lstat (nada se abre ni se escribe): /dev/null no se toca."""
    from acuerdo_docs.salida.archivos import DestinoNoValido, revisar_destino

    with pytest.raises(DestinoNoValido, match="no es un archivo regular"):
        revisar_destino("/dev/null")


def test_dos_procesos_crean_la_misma_carpeta_a_la_vez(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entre mirar si la carpeta existe y crearla, otro proceso la crea: se usa la suya, sin error."""
    destino = tmp_path / "nueva" / "dos" / "ficha.docx"
    real = os.mkdir

    def otro_llega_antes(ruta: Any, *args: Any) -> None:
        real(ruta, *args)  # la crea «el otro proceso»…
        raise FileExistsError(errno.EEXIST, "File exists", os.fspath(ruta))  # …y este mkdir llega tarde

    monkeypatch.setattr(archivos.os, "mkdir", otro_llega_antes)
    generar_ficha(ejemplo_ficha(), destino)
    monkeypatch.undo()
    assert destino.is_file() and destino.read_bytes()[:2] == b"PK"


def test_una_carpeta_que_aparece_como_archivo_sigue_siendo_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_mkdir = os.mkdir

    def aparece_un_archivo(ruta: Any, *args: Any) -> None:
        Path(ruta).write_bytes(b"")  # otro puso un archivo con ese nombre
        raise FileExistsError(errno.EEXIST, "File exists", os.fspath(ruta))

    monkeypatch.setattr(archivos.os, "mkdir", aparece_un_archivo)
    with pytest.raises(ErrorSalida):
        generar_ficha(ejemplo_ficha(), tmp_path / "nueva" / "ficha.docx")
    monkeypatch.setattr(archivos.os, "mkdir", real_mkdir)
