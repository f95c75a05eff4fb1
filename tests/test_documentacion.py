"""El manual se ejecuta: cada bloque ```python y cada bloque ```bash del README y de docs/*.md corre en las
pruebas, tal cual está escrito.

Las páginas de docs/ se recogen con un glob: una página nueva queda probada sin tocar este archivo.
Los bloques ```python van con mktestdocs; los ```bash con bash, en una carpeta temporal por página donde
ya corrió ``acuerdo-docs ejemplo -o salidas_ejemplo/`` (lo que deja ``bash instalar.sh`` en la raíz del
repositorio), con las órdenes del entorno en el PATH. Los bloques ```console, ```text y ```json no se
ejecutan. La convención está en docs/desarrollo.md.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
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


def _bloques_bash(pagina: Path) -> list[str]:
    return grab_code_blocks(pagina.read_text(encoding="utf-8"), lang="bash")


PAGINAS_BASH = [p for p in PAGINAS if _bloques_bash(p)]


@pytest.fixture(scope="session")
def ejemplos_instalados(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Lo que ``bash instalar.sh`` deja en la raíz: ``salidas_ejemplo/`` (se copia a cada página)."""
    carpeta = tmp_path_factory.mktemp("ejemplos_instalados")
    orden = [str(Path(sys.executable).with_name("acuerdo-docs")), "ejemplo", "-o", "salidas_ejemplo/"]
    r = subprocess.run(orden, cwd=carpeta, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return carpeta / "salidas_ejemplo"


@pytest.mark.libreoffice  # varias páginas muestran --pdf
@pytest.mark.parametrize("pagina", PAGINAS_BASH, ids=lambda p: str(p.relative_to(RAIZ)))
def test_bloques_bash_se_ejecutan(pagina: Path, tmp_path: Path, ejemplos_instalados: Path, libreoffice: str) -> None:
    # Cada página en su carpeta, sus bloques en orden (uno puede usar lo que escribió el anterior), cada
    # bloque con «bash -e»: toda línea tiene que terminar bien, como si el usuario la copiara.
    shutil.copytree(ejemplos_instalados, tmp_path / "salidas_ejemplo")
    entorno = os.environ | {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    for numero, bloque in enumerate(_bloques_bash(pagina), start=1):
        r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", bloque], cwd=tmp_path, env=entorno,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, f"{pagina.name}, bloque bash {numero}:\n{bloque}\n{r.stdout}\n{r.stderr}"
        assert "Traceback" not in r.stderr, r.stderr


def test_paginas_con_ordenes_de_shell() -> None:
    # Si un cambio de etiqueta (```bash → ```console) dejara el manual sin probar, esta prueba lo nota.
    assert len(PAGINAS_BASH) >= 10
    assert sum(len(_bloques_bash(p)) for p in PAGINAS_BASH) >= 25


def test_el_extra_docs_instala_lo_que_pide_mkdocs_yml() -> None:
    # bash instalar.sh --docs instala el extra «docs»: debe alcanzar para mkdocs serve.
    import tomllib

    docs = " ".join(tomllib.loads((RAIZ / "pyproject.toml").read_text(encoding="utf-8"))
                    ["project"]["optional-dependencies"]["docs"])
    configuracion = (RAIZ / "mkdocs.yml").read_text(encoding="utf-8")
    necesarios = ["mkdocs", "mkdocs-material"] + (["mkdocstrings"] if "mkdocstrings" in configuracion else [])
    assert all(n in docs for n in necesarios), f"el extra docs necesita {necesarios}: tiene {docs}"
