"""El paquete está tipado para quien lo importa: py.typed en el wheel y mypy estricto sin errores.

La configuración de mypy está en pyproject.toml ([tool.mypy]): strict, el plugin de pydantic y
las bibliotecas sin tipos nombradas una por una (nunca ignore_missing_imports para todo).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]


def test_mypy_estricto_sin_errores_en_el_paquete(tmp_path: Path) -> None:
    orden = [sys.executable, "-m", "mypy", "--config-file", str(RAIZ / "pyproject.toml"),
             "--cache-dir", str(tmp_path / "cache"), str(RAIZ / "src" / "acuerdo_docs")]
    r = subprocess.run(orden, capture_output=True, text=True, cwd=RAIZ, timeout=600)
    assert r.returncode == 0, f"mypy encontró errores (ejecute: python -m mypy):\n{r.stdout}{r.stderr}"
    assert "Success: no issues found" in r.stdout


def test_la_configuracion_de_mypy_es_estricta_y_sin_ignorar_todo() -> None:
    config = tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))
    mypy = config["tool"]["mypy"]
    assert mypy["strict"] is True
    assert "pydantic.mypy" in mypy["plugins"]
    assert "ignore_missing_imports" not in mypy, "nombre cada biblioteca sin tipos en [[tool.mypy.overrides]]"
    for regla in mypy.get("overrides", []):
        if regla.get("ignore_missing_imports"):
            modulos = regla["module"] if isinstance(regla["module"], list) else [regla["module"]]
            assert all(m != "*" and not m.startswith("acuerdo_docs") for m in modulos), modulos
    extra = " ".join(config["project"]["optional-dependencies"]["test"])
    assert "mypy==" in extra, "mypy va fijado en el extra «test» (cada versión encuentra errores nuevos)"


def test_el_wheel_lleva_py_typed(tmp_path: Path) -> None:
    # El wheel real (el que se publica), no la copia de trabajo: lo que ve quien hace pip install.
    orden = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
             "-w", str(tmp_path), str(RAIZ)]
    r = subprocess.run(orden, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    (wheel,) = tmp_path.glob("acuerdo_docs-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        nombres = set(zf.namelist())
    assert "acuerdo_docs/py.typed" in nombres
    assert "acuerdo_docs/__init__.py" in nombres
