"""Reglas de importación: los datos van en un solo sentido (como ``tests/test_imports.py`` de click).

esquemas | paquete → lectores | salida | construccion → documentos → lote, seguimiento, ejemplos → cli.
Se leen todas las importaciones (también las de dentro de funciones) con ``ast``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PAQUETE = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs"

CAPAS: dict[str, int] = {
    "errores": 0, "rutas": 0, "terminal": 0, "registro": 0, "claves": 0, "limites_entrada": 0, "remoto": 0, "formulas": 0,
    "esquemas": 1, "paquete": 1,  # paquete: zip de Office en bruto, lo usan lectores y salida
    "lectores": 2, "salida": 2, "construccion": 2,
    "documentos": 3,
    "lote": 4, "seguimiento": 4, "ejemplos": 4, "documentacion": 4,
    "cli": 5, "web": 5,  # puertas: la CLI importa la web solo dentro de la orden «web»
}
"""Capa de cada parte del paquete: una parte solo importa de su capa o de capas más bajas."""

PROHIBIDAS: dict[str, set[str]] = {
    "lectores": {"salida.archivos", "salida.pdf", "salida.excel", "construccion", "documentos"},
    "salida": {"lectores", "construccion", "documentos"},
    "construccion": {"lectores", "documentos"},
    "paquete": {"esquemas"},
}
"""Entre partes de la misma capa: un lector nunca escribe ni construye; la salida nunca lee entradas."""


def _modulos() -> dict[str, Path]:
    modulos = {}
    for ruta in sorted(PAQUETE.rglob("*.py")):
        partes = list(ruta.relative_to(PAQUETE.parent).with_suffix("").parts)
        if partes[-1] == "__init__":
            partes.pop()
        modulos[".".join(partes)] = ruta
    return modulos


MODULOS = _modulos()


def _importaciones(nombre: str, ruta: Path) -> list[tuple[str, list[str], int]]:
    """(módulo importado, nombres importados, línea) de cada importación interna del módulo."""
    paquete = nombre if ruta.name == "__init__.py" else nombre.rpartition(".")[0]
    salida = []
    for nodo in ast.walk(ast.parse(ruta.read_text(encoding="utf-8"))):
        if isinstance(nodo, ast.ImportFrom):
            if nodo.level:
                base = paquete.split(".")
                base = base[: len(base) - nodo.level + 1]
                origen = ".".join(base + ([nodo.module] if nodo.module else []))
            else:
                origen = nodo.module or ""
            if origen.split(".")[0] == "acuerdo_docs":
                salida.append((origen, [a.name for a in nodo.names], nodo.lineno))
        elif isinstance(nodo, ast.Import):
            for alias in nodo.names:
                if alias.name.split(".")[0] == "acuerdo_docs":
                    salida.append((alias.name, [], nodo.lineno))
    return salida


def _origenes_perezosos(nombre: str, ruta: Path) -> list[str]:
    """Los módulos de la tabla ``_ORIGEN`` de una fachada perezosa (PEP 562): también son importaciones."""
    arbol = ast.parse(ruta.read_text(encoding="utf-8"))
    for nodo in arbol.body:
        destino = nodo.target if isinstance(nodo, ast.AnnAssign) else None
        if isinstance(nodo, ast.Assign):
            destino = nodo.targets[0]
        tablas = {"_ORIGEN": "", "ORDENES": "."}  # ORDENES de la CLI: orden → submódulo
        if isinstance(destino, ast.Name) and destino.id in tablas and isinstance(nodo.value, ast.Dict):
            prefijo = nombre + tablas[destino.id]
            return sorted({prefijo + v.value for v in nodo.value.values if isinstance(v, ast.Constant)})
    return []


def _destinos(origen: str, nombres: list[str]) -> list[str]:
    """Los módulos a los que apunta una importación (``from paquete import modulo`` apunta al módulo)."""
    destinos = [f"{origen}.{n}" for n in nombres if f"{origen}.{n}" in MODULOS]
    if len(destinos) < len(nombres) or not nombres:
        destinos.append(origen)
    return destinos


def _parte(modulo: str) -> str:
    partes = modulo.split(".")
    return partes[1] if len(partes) > 1 else ""


GRAFO: dict[str, set[str]] = {
    nombre: {d for origen, nombres, _ in _importaciones(nombre, ruta) for d in _destinos(origen, nombres)}
    | set(_origenes_perezosos(nombre, ruta))
    for nombre, ruta in MODULOS.items()
}


@pytest.mark.parametrize("nombre", [m for m in MODULOS if m != "acuerdo_docs"])
def test_ninguna_capa_importa_una_mas_alta(nombre: str) -> None:
    parte = _parte(nombre)
    assert parte in CAPAS, f"{nombre}: agregue su parte «{parte}» a CAPAS"
    for destino in GRAFO[nombre]:
        otra = _parte(destino)
        if destino == "acuerdo_docs" or otra == parte:
            continue
        assert CAPAS[otra] <= CAPAS[parte], f"{nombre} (capa {CAPAS[parte]}) importa {destino} (capa {CAPAS[otra]})"
        resto = destino.split(".", 1)[1]
        for prohibida in PROHIBIDAS.get(parte, ()):
            assert not (resto == prohibida or resto.startswith(prohibida + ".")), f"{nombre} importa {destino}"


@pytest.mark.parametrize("nombre", list(MODULOS))
def test_nadie_importa_nombres_privados_de_otro_modulo(nombre: str) -> None:
    for origen, nombres, linea in _importaciones(nombre, MODULOS[nombre]):
        privados = [n for n in nombres if n.startswith("_") and f"{origen}.{n}" not in MODULOS]
        assert not privados, f"{nombre}:{linea} importa nombres privados de {origen}: {privados}"


def test_sin_ciclos_de_importacion() -> None:
    # La fachada acuerdo_docs (__init__ raíz) reexporta todo: no cuenta como parte de un ciclo.
    grafo = {m: {d for d in destinos if d != "acuerdo_docs" and d != m} for m, destinos in GRAFO.items()}
    estado: dict[str, int] = {}
    camino: list[str] = []

    def visitar(m: str) -> None:
        estado[m] = 1
        camino.append(m)
        for d in sorted(grafo.get(m, ())):
            if estado.get(d) == 1:
                raise AssertionError("ciclo de importación: " + " → ".join(camino[camino.index(d):] + [d]))
            elif d in grafo and not estado.get(d):
                visitar(d)
        camino.pop()
        estado[m] = 2

    for modulo in sorted(grafo):
        if not estado.get(modulo):
            visitar(modulo)


def test_sin_importaciones_escondidas_en_cadenas() -> None:
    # Solo las fachadas perezosas importan por nombre, y lo hacen desde su tabla _ORIGEN, que esta prueba lee.
    for nombre, ruta in MODULOS.items():
        texto = ruta.read_text(encoding="utf-8")
        if ruta.name == "__init__.py" and _origenes_perezosos(nombre, ruta):
            assert texto.count("import_module(") <= 1, nombre
            continue
        if nombre == "acuerdo_docs.esquemas.complementos_pydantic":  # envuelve el __import__ de un módulo de pydantic
            texto = texto.replace("builtins.__import__(nombre, globales, locales, desde, nivel)", "")
        assert "import_module(" not in texto and "__import__(" not in texto, nombre
