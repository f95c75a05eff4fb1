"""La última defensa de la CLI: cada orden de ``ORDENES``, con entradas no finitas y con fallos inesperados.

* Números no finitos (``Infinity``, ``-Infinity``, ``NaN``, ``1e999`` en un JSON; ``1e999``,
  ``inf``, ``NaN`` en celdas de un libro, también en una celda de fecha): cada orden termina con un
  código documentado de los datos (0, 1 o 2), nunca con una traza ni con un error interno.
* Un fallo inesperado dentro de cualquier orden: una línea «Error interno: …» con código 4, sin
  traza y sin el texto de la excepción (podría citar un dato personal); con ``-v``, la traza.
* Ctrl-C dentro de cualquier orden: 130.

Las órdenes salen de ``ORDENES``: una orden nueva sin entrada aquí hace fallar la prueba.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl
import pytest

import acuerdo_docs as ad
from acuerdo_docs.cli import ORDENES, main

NO_FINITOS_JSON = ["Infinity", "-Infinity", "NaN", "1e999"]
NO_FINITOS_CELDA = ["1e999", "-1e999", "inf", "NaN"]
MARCA = 0.123456789  # un número que se reemplaza en el XML del libro por el valor no finito
CODIGOS_DE_DATOS = {0, 1, 2}
PERSONAL = "Juana Pérez 3001234567"


def _json_con(datos: dict, ruta: Path, camino: list[object], valor: str) -> Path:
    objetivo = datos
    for paso in camino[:-1]:
        objetivo = objetivo[paso]  # type: ignore[index]
    objetivo[camino[-1]] = "__NO_FINITO__"  # type: ignore[index]
    ruta.write_text(json.dumps(datos, ensure_ascii=False).replace('"__NO_FINITO__"', valor), encoding="utf-8")
    return ruta


def _acuerdo_json(tmp: Path, valor: str) -> Path:
    datos = ad.ejemplo_acuerdo().model_dump(mode="json")
    return _json_con(datos, tmp / "acuerdo.json", ["hoja_de_ruta", 0, "avance"], valor)


def _ficha_json(tmp: Path, valor: str) -> Path:
    datos = ad.ejemplo_ficha().model_dump(mode="json")
    return _json_con(datos, tmp / "practica.json", ["nombre"], valor)


def _en_xml(libro: Path, buscado: str, valor: str) -> Path:
    """Reemplaza ``<v>buscado</v>`` por ``<v>valor</v>`` en las hojas del libro (lo que openpyxl no escribe)."""
    entrada = zipfile.ZipFile(io.BytesIO(libro.read_bytes()))
    salida = io.BytesIO()
    cambios = 0
    with zipfile.ZipFile(salida, "w", zipfile.ZIP_DEFLATED) as z:
        for info in entrada.infolist():
            datos = entrada.read(info)
            if info.filename.startswith("xl/worksheets/"):
                nuevo = datos.replace(f"<v>{buscado}</v>".encode(), f"<v>{valor}</v>".encode())
                cambios += nuevo != datos
                datos = nuevo
            z.writestr(info, datos)
    assert cambios, f"no se encontró {buscado} en el libro"
    libro.write_bytes(salida.getvalue())
    return libro


def _libro_lote(tmp: Path, valor: str) -> Path:
    from test_lote import fila_base, libro_fichas

    filas = [fila_base(0), fila_base(1)]
    filas[0]["nombre"] = MARCA
    filas[1]["fecha_inicio"] = date(2023, 2, 3)  # una celda de fecha con un número no finito
    libro = libro_fichas(tmp, filas)
    _en_xml(libro, repr(MARCA), valor)
    return _en_xml(libro, "44960", valor)  # 2023-02-03 como número de serie de Excel


def _libro_seguimiento(tmp: Path, valor: str) -> Path:
    from test_seguimiento import _fila_hito, _poner

    acuerdo = ad.ejemplo_acuerdo()
    libro = tmp / "matriz.xlsx"
    ad.generar_matriz_riesgos(acuerdo, libro)
    wb = openpyxl.load_workbook(libro)
    hoja = wb["Hoja de ruta"]
    _poner(hoja, _fila_hito(hoja, acuerdo.hoja_de_ruta[0].actividad), "Avance", MARCA, "Actividad")
    wb.save(libro)
    return _en_xml(libro, repr(MARCA), valor)


def _carpeta_catalogo(tmp: Path, valor: str) -> Path:
    carpeta = tmp / "fichas"
    carpeta.mkdir()
    _ficha_json(carpeta, valor)
    datos = ad.ejemplo_ficha().model_dump(mode="json") | {"valoracion": {"sencilla": "__NO_FINITO__"}}
    (carpeta / "otra.json").write_text(
        json.dumps(datos, ensure_ascii=False).replace('"__NO_FINITO__"', valor), encoding="utf-8")
    ad.generar_ficha(ad.ejemplo_ficha(), carpeta / "buena.docx")
    return carpeta


def _metodo(tmp: Path, valor: str) -> Path:
    ruta = tmp / "metodo.json"
    ruta.write_text(json.dumps({"nombre": "x", "probabilidad": [{"nivel": 1, "peso": "__N__"}]})
                    .replace('"__N__"', valor), encoding="utf-8")
    return ruta


# orden → (tmp, valor no finito o None para una entrada normal) → lista de invocaciones
Invocaciones = Callable[[Path, "str | None"], list[list[str]]]


def _ficha(t: Path, v: str | None) -> list[list[str]]:
    ruta = _ficha_json(t, v or '"Práctica"')
    return [["ficha", str(ruta), "-o", str(t / "s" / "f.docx")]]


def _acuerdo(t: Path, v: str | None) -> list[list[str]]:
    return [["acuerdo", str(_acuerdo_json(t, v or "50")), "-o", str(t / "s") + "/"]]


def _riesgos(t: Path, v: str | None) -> list[list[str]]:
    ruta = _acuerdo_json(t, v or "50")
    casos = [["riesgos", str(ruta), "-o", str(t / "s" / "m.xlsx")]]
    if v:
        casos.append(["riesgos", str(_acuerdo_json(t, "50")), "-o", str(t / "s" / "n.xlsx"),
                      "--metodo", str(_metodo(t, v))])
        casos.append(["riesgos", str(_acuerdo_json(t, "50")), "-o", str(t / "s" / "e.xlsx"),
                      "--encabezado", str(_json_con({"codigo": "x"}, t / "enc.json", ["version"], v))])
    return casos


def _lote(t: Path, v: str | None) -> list[list[str]]:
    from test_lote import fila_base, libro_fichas

    libro = _libro_lote(t, v) if v else libro_fichas(t, [fila_base(0)])
    return [["lote", str(libro), "-o", str(t / "s"), "--silencioso", "--procesos", "1"]]


def _extraer(t: Path, v: str | None) -> list[list[str]]:
    ficha = ad.ejemplo_ficha().model_copy(update={"nombre": v or "Práctica"})
    return [["extraer", str(ad.generar_ficha(ficha, t / "f.docx")), "-o", str(t / "f.json")]]


def _catalogo(t: Path, v: str | None) -> list[list[str]]:
    return [["catalogo", str(_carpeta_catalogo(t, v or "0")), "-o", str(t / "c.xlsx"), "--procesos", "1"]]


def _infografia(t: Path, v: str | None) -> list[list[str]]:
    return [["infografia", str(_acuerdo_json(t, v or "50")), "-o", str(t / "i.png")]]


def _seguimiento(t: Path, v: str | None) -> list[list[str]]:
    acuerdo = _acuerdo_json(t, "50")
    libro = _libro_seguimiento(t, v) if v else t / "matriz.xlsx"
    if not v:
        ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), libro)
    return [["seguimiento", str(acuerdo), str(libro), "--corte", "2024-03-01", "-o", str(t / "seg")]]


def _plantilla(t: Path, v: str | None) -> list[list[str]]:
    from acuerdo_docs.rutas import plantilla

    return [["plantilla", "verificar", str(plantilla("ficha_4202000-FT-1311.docx")), "--tipo", "ficha"]]


ENTRADAS: dict[str, Invocaciones] = {
    "ficha": _ficha,
    "acuerdo": _acuerdo,
    "riesgos": _riesgos,
    "esquema": lambda t, v: [["esquema", "acuerdo"]],
    "ejemplo": lambda t, v: [["ejemplo", "-o", str(t / "ej")]],
    "plantilla": _plantilla,
    "lote": _lote,
    "plantilla-lote": lambda t, v: [["plantilla-lote", "fichas", "-o", str(t / "p.xlsx")]],
    "extraer": _extraer,
    "catalogo": _catalogo,
    "infografia": _infografia,
    "seguimiento": _seguimiento,
    "metodo": lambda t, v: [["metodo", "-o", str(t / "metodo.json")]],
    # El servidor web: su entrada son formularios (tests/test_web_*.py); aquí, el fallo inesperado y Ctrl-C.
    "web": lambda t, v: [["web", "--no-abrir", "--datos", str(t / "datos"), "--puerto", "0"]],
}

def _respaldo_vacio(t: Path) -> Path:
    ruta = t / "respaldo.json"
    ruta.write_text('{"formato": "acuerdo-docs-respaldo", "version_formato": 1, "borradores": []}', encoding="utf-8")
    return ruta


# Las acciones de una orden («orden acción»): también cada una con sus entradas.
ACCIONES: dict[str, Invocaciones] = {
    "plantilla verificar": _plantilla,
    "plantilla copiar": lambda t, v: [["plantilla", "copiar", "ficha", "-o", str(t / "p.docx")]],
    "web migrar": lambda t, v: [["web", "migrar", "--datos", str(t / "datos")]],
    "web respaldo": lambda t, v: [["web", "respaldo", "--datos", str(t / "datos"), "-o", str(t / "r.json")]],
    "web restaurar": lambda t, v: [["web", "restaurar", str(_respaldo_vacio(t)), "--datos", str(t / "datos")]],
    "web podar": lambda t, v: [["web", "podar", "--antes-de", "2026-01-01", "--datos", str(t / "datos")]],
    # Cuentas del servidor de oficina (la contraseña, por la entrada estándar; aquí no se llega a leer).
    "web usuario": lambda t, v: [["web", "usuario", "lista", "--datos", str(t / "datos")]],
    "web usuario crear": lambda t, v: [["web", "usuario", "crear", "ana", "--rol", "editor", "--datos", str(t / "datos")]],
    "web usuario lista": lambda t, v: [["web", "usuario", "lista", "--datos", str(t / "datos")]],
    "web usuario rol": lambda t, v: [["web", "usuario", "rol", "ana", "--rol", "lector", "--datos", str(t / "datos")]],
    "web usuario activar": lambda t, v: [["web", "usuario", "activar", "ana", "--datos", str(t / "datos")]],
    "web usuario desactivar": lambda t, v: [["web", "usuario", "desactivar", "ana", "--datos", str(t / "datos")]],
    "web usuario contrasena": lambda t, v: [["web", "usuario", "contrasena", "ana", "--datos", str(t / "datos")]],
    "web equipo": lambda t, v: [["web", "equipo", "lista", "--datos", str(t / "datos")]],
    "web equipo crear": lambda t, v: [["web", "equipo", "crear", "iBO", "--datos", str(t / "datos")]],
    "web equipo lista": lambda t, v: [["web", "equipo", "lista", "--datos", str(t / "datos")]],
    "web equipo agregar": lambda t, v: [["web", "equipo", "agregar", "iBO", "ana", "--datos", str(t / "datos")]],
    "web equipo quitar": lambda t, v: [["web", "equipo", "quitar", "iBO", "ana", "--datos", str(t / "datos")]],
    "web equipo borrador": lambda t, v: [["web", "equipo", "borrador", "1", "iBO", "--datos", str(t / "datos")]],
    "web equipo renombrar": lambda t, v: [["web", "equipo", "renombrar", "iBO", "Lab", "--datos", str(t / "datos")]],
    "web equipo eliminar": lambda t, v: [["web", "equipo", "eliminar", "iBO", "--datos", str(t / "datos")]],
}
CON_NUMEROS = ["ficha", "acuerdo", "riesgos", "lote", "extraer", "catalogo", "infografia", "seguimiento"]


def test_cada_orden_tiene_sus_entradas() -> None:
    faltan = sorted(set(ORDENES) - set(ENTRADAS))
    assert not faltan, f"órdenes nuevas sin entradas en tests/test_ultima_defensa.py: {faltan}"


def test_cada_accion_tiene_sus_entradas() -> None:
    import argparse

    from acuerdo_docs.cli import construir_parser

    def acciones_de(prefijo: str, parser: argparse.ArgumentParser) -> set[str]:
        """Las acciones de cada nivel («web usuario» y también «web usuario crear»)."""
        salida: set[str] = set()
        for a in parser._actions:
            if isinstance(a, argparse._SubParsersAction):
                for accion, sub in a.choices.items():
                    salida |= {f"{prefijo} {accion}", *acciones_de(f"{prefijo} {accion}", sub)}
        return salida

    parser = construir_parser()
    ordenes = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    acciones = {accion for orden, sub in ordenes.choices.items() for accion in acciones_de(orden, sub)}
    assert acciones, "no se encontró ninguna acción: ¿cambió la forma de registrarlas?"
    faltan = sorted(acciones - set(ACCIONES))
    assert not faltan, f"acciones nuevas sin entradas en tests/test_ultima_defensa.py: {faltan}"


def _correr(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    codigo = main(argv)
    capturado = capsys.readouterr()
    return codigo, capturado.err


@pytest.mark.parametrize("orden", CON_NUMEROS)
@pytest.mark.parametrize("valor", NO_FINITOS_JSON)
def test_no_finitos_en_cada_orden(orden: str, valor: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    if orden in ("lote", "seguimiento"):  # un libro: los valores de una celda
        valor = {"Infinity": "inf", "-Infinity": "-1e999", "NaN": "NaN", "1e999": "1e999"}[valor]
    for argv in ENTRADAS[orden](tmp_path, valor):
        codigo, err = _correr(argv, capsys)
        assert "Traceback" not in err and "Error interno" not in err, (argv, err)
        assert codigo in CODIGOS_DE_DATOS, (argv, codigo, err)


@pytest.mark.parametrize("orden", sorted(ORDENES) + sorted(ACCIONES))
def test_fallo_inesperado_una_linea_codigo_4(orden: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from acuerdo_docs.cli import comun

    falla_con: list[BaseException] = [RuntimeError(f"fallo interno con un dato: {PERSONAL}")]
    analizar = comun.Parser.parse_args

    def analizar_y_romper(self: comun.Parser, *a: object, **k: object) -> object:
        args = analizar(self, *a, **k)  # los argumentos reales de la orden; su ejecución falla

        def fallo(_args: object) -> int:
            raise falla_con[0]

        args.ejecutar = fallo
        return args

    argv = {**ENTRADAS, **ACCIONES}[orden](tmp_path, None)[0]  # las entradas, antes de romper nada
    monkeypatch.setattr(comun.Parser, "parse_args", analizar_y_romper)
    codigo, err = _correr(argv, capsys)
    assert codigo == 4, err
    lineas = err.strip().splitlines()
    assert len(lineas) == 1 and lineas[0].startswith("Error interno: RuntimeError"), err
    assert "informe el caso" in lineas[0].lower() and PERSONAL not in err and "Traceback" not in err

    falla_con[0] = KeyboardInterrupt()
    codigo, err = _correr(argv, capsys)
    assert codigo == 130 and "Traceback" not in err


def test_fallo_inesperado_fuera_de_la_orden_tambien(monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Al construir la línea de órdenes o al cerrar LibreOffice: fuera del try de la orden."""
    import acuerdo_docs.cli as cli

    def roto(argv: object) -> object:
        raise ValueError(PERSONAL)

    monkeypatch.setattr(cli, "construir_parser", roto)
    codigo, err = _correr(["esquema", "ficha"], capsys)
    assert codigo == 4 and PERSONAL not in err and err.startswith("Error interno: ValueError en «esquema»")


def test_con_v_se_ve_la_traza(tmp_path: Path) -> None:
    """En un proceso aparte, como un usuario: la traza solo con -v (para informar el caso)."""
    codigo = ("import sys, acuerdo_docs.cli.esquema as m\n"
              "def f(a): raise RuntimeError('x')\n"
              "m.ejecutar = f\n"
              "from acuerdo_docs.cli import main\n"
              "sys.exit(main(sys.argv[1:]))\n")
    sin = subprocess.run([sys.executable, "-c", codigo, "esquema", "ficha"], capture_output=True, text=True)
    con = subprocess.run([sys.executable, "-c", codigo, "esquema", "ficha", "-v"], capture_output=True, text=True)
    assert sin.returncode == con.returncode == 4
    assert "Traceback" not in sin.stderr and "Traceback" in con.stderr and "Error interno" in con.stderr


def _interrumpir_y_convertir() -> None:
    """Lo que hace una biblioteca que atrapa el Ctrl-C y lanza otra cosa: el manejador ya lo anotó."""
    from acuerdo_docs import terminal

    try:
        terminal.senal_interrupcion(2, None)
    except KeyboardInterrupt:
        raise RuntimeError("una biblioteca convirtió el Ctrl-C") from None


def test_ctrl_c_convertido_en_otra_excepcion_sigue_siendo_130(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """En una fila de un lote (no queda como «fallo al generar» de esa fila) y fuera de la orden."""
    from acuerdo_docs.cli import comun
    from acuerdo_docs.lote import canal

    def renderizar(*_a: object, **_k: object) -> object:
        _interrumpir_y_convertir()
        raise AssertionError

    argv = ENTRADAS["lote"](tmp_path, None)[0]
    monkeypatch.setattr(canal, "renderizar_unidad", renderizar)
    codigo, err = _correr(argv, capsys)
    assert codigo == 130 and "Interrumpido" in err and "Traceback" not in err, err
    assert not (tmp_path / "s" / "informe_lote.xlsx").exists()

    monkeypatch.undo()
    analizar = comun.Parser.parse_args

    def analizar_y_romper(self: comun.Parser, *a: object, **k: object) -> object:
        args = analizar(self, *a, **k)
        args.ejecutar = lambda _args: _interrumpir_y_convertir()
        return args

    monkeypatch.setattr(comun.Parser, "parse_args", analizar_y_romper)
    codigo, err = _correr(["esquema", "ficha"], capsys)
    assert codigo == 130 and "Error interno" not in err, err
