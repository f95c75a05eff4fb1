"""La API pública no cambia por accidente: nombres de ``acuerdo_docs.__all__`` y sus firmas.

Se comparan con la foto guardada en ``tests/datos/api_publica.json``. Un cambio a propósito
(un nombre nuevo, un parámetro nuevo, un campo nuevo de un modelo) se registra así, y el diff
del JSON entra en el mismo commit, con su línea en CHANGELOG.md::

    python tests/test_api_publica.py

Política (qué es público, cómo se depreca un nombre): docs/desarrollo.md.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import tomllib
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from pymdownx.slugs import slugify as fabrica_de_anclas
from pydantic import BaseModel

import acuerdo_docs

RAIZ = Path(__file__).resolve().parents[1]
FOTO = RAIZ / "tests" / "datos" / "api_publica.json"
ORDEN_ACTUALIZAR = "python tests/test_api_publica.py"


def _firma(objeto: Any) -> str:
    try:
        texto = str(inspect.signature(objeto))
    except (TypeError, ValueError):  # clases de excepción que heredan el __init__ de C
        texto = "(*args)"
    # Los validadores de pydantic se imprimen con su dirección en memoria: no es parte de la firma.
    return re.sub(r" at 0x[0-9a-f]+", "", texto)


def _miembros(clase: type) -> dict[str, str]:
    """Métodos y propiedades públicos definidos en el paquete (no los heredados de pydantic o de Exception)."""
    miembros: dict[str, str] = {}
    for nombre, valor in vars(clase).items():
        if nombre.startswith(("_", "model_")):  # model_post_init y demás: de pydantic
            continue
        if isinstance(valor, property):
            miembros[nombre] = "propiedad"
        elif isinstance(valor, (staticmethod, classmethod)):
            miembros[nombre] = _firma(valor.__func__)
        elif inspect.isfunction(valor):
            miembros[nombre] = _firma(valor)
    return dict(sorted(miembros.items()))


def _tipo(anotacion: Any) -> str:
    """El tipo como lo escribe un usuario (sin la metadata de Annotated: validadores internos)."""
    origen, argumentos = get_origin(anotacion), get_args(anotacion)
    if origen is Annotated:
        return _tipo(argumentos[0])
    if origen in (Union, UnionType):
        return " | ".join(_tipo(a) for a in argumentos)
    if origen is Literal:
        return f"Literal[{', '.join(repr(a) for a in argumentos)}]"
    if origen is not None:
        return f"{getattr(origen, '__name__', repr(origen))}[{', '.join(_tipo(a) for a in argumentos)}]"
    if anotacion is type(None):
        return "None"
    if anotacion is Ellipsis:
        return "..."
    return anotacion.__name__ if isinstance(anotacion, type) else repr(anotacion)


def _campos(modelo: type[BaseModel]) -> dict[str, str]:
    """Los campos de un modelo: nombre, tipo y si es obligatorio (los validadores internos no son API)."""
    return {
        nombre: _tipo(campo.annotation) + ("" if campo.is_required() else " (opcional)")
        for nombre, campo in modelo.model_fields.items()
    }


def _describir(nombre: str) -> dict[str, Any]:
    objeto = getattr(acuerdo_docs, nombre)
    if inspect.isclass(objeto) and issubclass(objeto, BaseModel):
        bases = [b.__name__ for b in objeto.__bases__]
        return {"tipo": "modelo", "bases": bases, "campos": _campos(objeto), "miembros": _miembros(objeto)}
    if inspect.isclass(objeto):
        bases = [b.__name__ for b in objeto.__bases__]
        return {"tipo": "clase", "bases": bases, "firma": _firma(objeto), "miembros": _miembros(objeto)}
    if callable(objeto):
        return {"tipo": "función", "firma": _firma(objeto)}
    return {"tipo": f"valor ({type(objeto).__name__})"}


def api_actual() -> dict[str, Any]:
    """La foto de la API de hoy (lo que se guarda en ``tests/datos/api_publica.json``)."""
    return {
        "version": acuerdo_docs.__version__,
        "nombres": {nombre: _describir(nombre) for nombre in sorted(acuerdo_docs.__all__)},
    }


def test_la_api_publica_es_la_de_la_foto() -> None:
    guardada = json.loads(FOTO.read_text(encoding="utf-8"))
    actual = api_actual()
    nuevos = sorted(set(actual["nombres"]) - set(guardada["nombres"]))
    quitados = sorted(set(guardada["nombres"]) - set(actual["nombres"]))
    cambiados = sorted(n for n in set(actual["nombres"]) & set(guardada["nombres"])
                       if actual["nombres"][n] != guardada["nombres"][n])
    assert not (nuevos or quitados or cambiados), (
        f"La API pública cambió: nuevos {nuevos}, quitados {quitados}, cambiados {cambiados}. "
        f"Si es a propósito: {ORDEN_ACTUALIZAR}, anótelo en CHANGELOG.md y, si quita o cambia algo, "
        "siga la política de deprecación de docs/desarrollo.md."
    )
    assert actual == guardada, f"La versión cambió: {ORDEN_ACTUALIZAR}"


def test_version_igual_a_pyproject() -> None:
    proyecto = tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert acuerdo_docs.__version__ == proyecto["version"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", acuerdo_docs.__version__)


def test_el_changelog_tiene_la_version_actual() -> None:
    texto = (RAIZ / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[{re.escape(acuerdo_docs.__version__)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", texto, re.M), (
        f"CHANGELOG.md no tiene la sección «## [{acuerdo_docs.__version__}] - AAAA-MM-DD»"
    )
    assert "## [Sin publicar]" in texto


def test_fachada_origen_all_y_type_checking_coinciden() -> None:
    # Tres listas a mano en __init__.py: _ORIGEN (perezoso), __all__ y el bloque TYPE_CHECKING (editores, mypy).
    arbol = ast.parse((RAIZ / "src" / "acuerdo_docs" / "__init__.py").read_text(encoding="utf-8"))
    tipado: dict[str, str] = {}
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.If) and isinstance(nodo.test, ast.Name) and nodo.test.id == "TYPE_CHECKING":
            for imp in nodo.body:
                assert isinstance(imp, ast.ImportFrom)
                for alias in imp.names:
                    tipado[alias.asname or alias.name] = "." * imp.level + (imp.module or "")
    origen = acuerdo_docs._ORIGEN
    assert len(acuerdo_docs.__all__) == len(set(acuerdo_docs.__all__)), "nombre repetido en __all__"
    assert set(acuerdo_docs.__all__) == set(origen), "cada nombre de __all__ tiene su línea en _ORIGEN y al revés"
    assert tipado == origen, "el bloque TYPE_CHECKING de __init__.py importa cada nombre de _ORIGEN, del mismo módulo"


slugify = fabrica_de_anclas(case="lower")  # la misma que mkdocs.yml: anclas como las de GitHub, con tildes


def _anclas(pagina: Path) -> set[str]:
    """Los id de los títulos de una página, como los escribe mkdocs (extensión toc)."""
    return {slugify(re.sub(r"[`*]", "", m), "-")
            for m in re.findall(r"^#{1,6} (.+)$", pagina.read_text(encoding="utf-8"), re.M)}


@pytest.mark.parametrize("nombre", sorted(acuerdo_docs.__all__))
def test_cada_nombre_publico_tiene_docstring_con_ejemplo(nombre: str) -> None:
    objeto = getattr(acuerdo_docs, nombre)
    if not (inspect.isclass(objeto) or callable(objeto)):
        objeto = type(objeto)  # un valor (METODO_DAFP): la documentación es la de su clase
    doc = inspect.getdoc(objeto) or ""
    assert len(doc) >= 20, f"{nombre} no tiene docstring"
    enlaces = re.findall(r"\]\((\.\./[\w/]+\.md)(?:#([\w-]+))?\)", doc)
    assert ">>> " in doc or enlaces, (
        f"el docstring de {nombre} no trae un ejemplo (>>>) ni el enlace a uno ([…](../pagina.md#ancla))"
    )
    for enlace, ancla in enlaces:
        # Los enlaces se escriben como desde docs/referencia/, donde los muestra mkdocstrings.
        pagina = (RAIZ / "docs" / "referencia" / enlace).resolve()
        assert pagina.is_file(), f"{nombre}: el enlace {enlace} no lleva a una página de docs/"
        assert "```python" in pagina.read_text(encoding="utf-8"), f"{nombre}: {enlace} no tiene un ejemplo de Python"
        assert not ancla or ancla in _anclas(pagina), f"{nombre}: {enlace} no tiene la sección #{ancla}"


def test_cada_nombre_publico_esta_en_la_referencia() -> None:
    directivas = set()
    for pagina in (RAIZ / "docs" / "referencia").glob("*.md"):
        directivas |= set(re.findall(r"^::: ([\w.]+)$", pagina.read_text(encoding="utf-8"), re.M))
    faltan = []
    for nombre in acuerdo_docs.__all__:
        objeto = getattr(acuerdo_docs, nombre)
        modulo = objeto.__module__ if hasattr(objeto, "__qualname__") else acuerdo_docs._ORIGEN[nombre]
        if hasattr(objeto, "__qualname__"):
            ruta = f"{modulo}.{objeto.__qualname__}"
        else:  # un valor: se documenta en el módulo que lo define
            ruta = f"acuerdo_docs{modulo}.{nombre}" if modulo.startswith(".") else f"{modulo}.{nombre}"
        if ruta not in directivas:
            faltan.append(f"{nombre} (::: {ruta})")
    assert not faltan, f"agregue a una página de docs/referencia/: {faltan}"


def _escribir_foto() -> None:
    FOTO.write_text(json.dumps(api_actual(), ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"escrito {FOTO.relative_to(RAIZ)}")


if __name__ == "__main__":
    _escribir_foto()
