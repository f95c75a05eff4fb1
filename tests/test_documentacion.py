"""El manual se ejecuta: cada bloque ```python del README y de docs/*.md corre en las pruebas (mktestdocs).

Las páginas de docs/ se recogen con un glob: una página nueva queda probada sin tocar este archivo.
Los bloques ```bash, ```text y ```json no se ejecutan (órdenes de ejemplo sobre archivos del usuario).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from mktestdocs import check_md_file, grab_code_blocks

from acuerdo_docs.documentacion import actualizar

RAIZ = Path(__file__).resolve().parents[1]
PAGINAS = [RAIZ / "README.md", *sorted((RAIZ / "docs").rglob("*.md"))]


@pytest.mark.parametrize("pagina", PAGINAS, ids=lambda p: str(p.relative_to(RAIZ)))
def test_bloques_python_se_ejecutan(pagina: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Cada página en su carpeta temporal, y sus bloques en orden y con memoria (se leen de arriba abajo).
    monkeypatch.chdir(tmp_path)
    check_md_file(pagina, memory=True)


def test_el_readme_y_las_paginas_tienen_bloques_que_ejecutar() -> None:
    texto = (RAIZ / "README.md").read_text(encoding="utf-8")
    assert len(grab_code_blocks(texto, lang="python")) >= 3, "el README muestra un ejemplo de Python por tarea"
    assert len(PAGINAS) > 5


@pytest.mark.parametrize("pagina", PAGINAS, ids=lambda p: str(p.relative_to(RAIZ)))
def test_tablas_de_campos_al_dia(pagina: Path) -> None:
    texto = pagina.read_text(encoding="utf-8")
    assert actualizar(texto) == texto, "ejecute: python -m acuerdo_docs.documentacion"


def test_el_readme_enlaza_cada_pagina_de_docs() -> None:
    readme = (RAIZ / "README.md").read_text(encoding="utf-8")
    rutas = [p.relative_to(RAIZ).as_posix() for p in PAGINAS[1:]]
    faltan = [r for r in rutas if r != "docs/index.md" and r not in readme]
    assert not faltan, f"el README no enlaza: {faltan}"


def test_sitio_mkdocs_se_construye_estricto(tmp_path: Path) -> None:
    # mkdocs está en el extra «test»: si falta, es un fallo de instalación, no una prueba que se omite.
    assert importlib.util.find_spec("mkdocs") is not None, "mkdocs no está instalado: pip install -e '.[test]'"
    orden = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(RAIZ / "mkdocs.yml"),
             "-d", str(tmp_path / "sitio")]
    r = subprocess.run(orden, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert (tmp_path / "sitio" / "index.html").is_file()
    assert (tmp_path / "sitio" / "contrato_json" / "index.html").is_file()
    # La referencia de la API sale de los docstrings (mkdocstrings): cada página trae sus nombres.
    ficha = (tmp_path / "sitio" / "referencia" / "ficha" / "index.html").read_text(encoding="utf-8")
    assert 'id="acuerdo_docs.documentos.ficha.generar_ficha"' in ficha
    assert "Genera la ficha 4202000-FT-1311 diligenciada" in ficha
