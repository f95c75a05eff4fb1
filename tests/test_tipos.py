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


USO = """
import io
from pathlib import Path

import acuerdo_docs as ad

practica: ad.BuenaPractica = ad.ejemplo_ficha()
ruta: Path = ad.generar_ficha(practica, "ficha.docx")          # con una ruta, la ruta escrita
nada: None = ad.generar_ficha(practica, io.BytesIO())          # con un archivo abierto, None
libro: Path = ad.generar_matriz_riesgos(ad.ejemplo_acuerdo(), "matriz.xlsx")
datos: bytes = ad.renderizar_acuerdo(ad.ejemplo_acuerdo())
version: str = ad.__version__
"""


def test_quien_importa_el_paquete_ve_sus_tipos(tmp_path: Path) -> None:
    # Como un proyecto de un usuario: su propio mypy --strict, sin la configuración de este repositorio.
    (tmp_path / "uso.py").write_text(USO, encoding="utf-8")
    (tmp_path / "malo.py").write_text(
        "import acuerdo_docs as ad\nn: int = ad.generar_ficha(ad.ejemplo_ficha(), 'f.docx')\n", encoding="utf-8")
    (tmp_path / "mypy.ini").write_text("[mypy]\nstrict = True\n", encoding="utf-8")
    base = [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")]
    r = subprocess.run([*base, "uso.py"], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    r = subprocess.run([*base, "malo.py"], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert r.returncode == 1 and 'expression has type "Path", variable has type "int"' in r.stdout, r.stdout


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
