"""La búsqueda perezosa de complementos de pydantic (``esquemas/complementos_pydantic.py``).

Sin complementos, pydantic no importa ``importlib.metadata`` y ve los mismos (ninguno); con un
complemento instalado (una distribución que declara el grupo ``pydantic``), pydantic lo carga y lo
usa igual que sin el atajo. Cada caso corre en un proceso nuevo: el atajo actúa al importar.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from acuerdo_docs.esquemas.complementos_pydantic import grupo_declarado

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"

_VALIDAR = (
    "import json, sys\n"
    "from acuerdo_docs.esquemas.ficha import BuenaPractica\n"
    f"BuenaPractica.model_validate(json.load(open({str(EJEMPLO)!r}, encoding='utf-8')))\n"
)


def _correr(codigo: str, rutas: list[Path] | None = None) -> subprocess.CompletedProcess[str]:
    entorno = dict(os.environ)
    entorno.pop("PYDANTIC_DISABLE_PLUGINS", None)
    if rutas:
        entorno["PYTHONPATH"] = os.pathsep.join([*map(str, rutas), entorno.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, "-c", codigo], capture_output=True, text=True, timeout=120, env=entorno,
                          cwd=RAIZ)


def _distribucion(carpeta: Path, nombre: str, entry_points: str | None) -> None:
    info = carpeta / f"{nombre}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {nombre}\nVersion: 1.0\n", encoding="utf-8")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_sin_complementos_no_importa_metadatos_y_ve_los_mismos() -> None:
    codigo = _VALIDAR + (
        "cargado = 'importlib.metadata' in sys.modules\n"
        "from pydantic.plugin._loader import get_plugins\n"
        "vistos = sorted(map(repr, get_plugins()))\n"
        "from importlib.metadata import entry_points\n"
        "reales = sorted(e.value for e in entry_points(group='pydantic'))\n"
        "print(json.dumps([cargado, vistos, reales]))\n"
    )
    r = _correr(codigo)
    assert r.returncode == 0, r.stderr
    cargado, vistos, reales = json.loads(r.stdout)
    assert cargado is False
    assert vistos == reales == []


def test_un_complemento_instalado_se_carga_y_se_usa(tmp_path: Path) -> None:
    """Una distribución con entry point ``pydantic`` (como logfire): pydantic la llama al validar."""
    _distribucion(tmp_path, "complemento_prueba", "[pydantic]\nprueba = complemento_prueba:complemento\n")
    (tmp_path / "complemento_prueba.py").write_text(
        "VISTOS = []\n"
        "class _Complemento:\n"
        "    def new_schema_validator(self, schema, schema_type, schema_type_path, schema_kind, config, ajustes):\n"
        "        def al_validar(entrada, **kw):\n"
        "            VISTOS.append(schema_type_path.name)\n"
        "        class Eventos:\n"
        "            on_enter = staticmethod(al_validar)\n"
        "        return Eventos(), None, None\n"
        "complemento = _Complemento()\n", encoding="utf-8")
    codigo = _VALIDAR + "import complemento_prueba\nprint(json.dumps(complemento_prueba.VISTOS))\n"
    r = _correr(codigo, [tmp_path])
    assert r.returncode == 0, r.stderr
    assert "BuenaPractica" in json.loads(r.stdout)


def test_grupo_declarado_solo_dice_que_no_cuando_es_seguro(tmp_path: Path) -> None:
    sin = tmp_path / "sin"
    _distribucion(sin, "uno", "[console_scripts]\nuno = uno:main\n")
    _distribucion(sin, "dos", None)
    (sin / "suelto.py").write_text("", encoding="utf-8")
    assert grupo_declarado("pydantic", [str(sin), str(tmp_path / "no_existe")]) is False

    con = tmp_path / "con"
    _distribucion(con, "tres", "[pydantic]\np = tres:p\n")
    assert grupo_declarado("pydantic", [str(sin), str(con)]) is True

    egg_info = tmp_path / "egg_info"
    (egg_info / "cuatro.egg-info").mkdir(parents=True)
    (egg_info / "cuatro.egg-info" / "entry_points.txt").write_text("[ pydantic ]\nx = y\n", encoding="utf-8")
    assert grupo_declarado("pydantic", [str(egg_info)]) is True

    # Donde importlib.metadata buscaría de otra forma: la respuesta es «puede que sí».
    huevo = tmp_path / "huevo"
    (huevo / "cinco-1.0-py3.11.egg").mkdir(parents=True)
    assert grupo_declarado("pydantic", [str(huevo)]) is True
    assert grupo_declarado("pydantic", [os.fsencode(sin)]) is True
    comprimido = tmp_path / "paquetes.zip"
    with zipfile.ZipFile(comprimido, "w") as z:
        z.writestr("seis-1.0.dist-info/entry_points.txt", "[pydantic]\np = seis:p\n")
    assert grupo_declarado("pydantic", [str(comprimido)]) is True


def test_otro_buscador_de_distribuciones_hace_preguntar_a_importlib_metadata(tmp_path: Path) -> None:
    class Buscador:
        @staticmethod
        def find_distributions(*args: object, **kwargs: object) -> list[object]:
            return []

    sys.meta_path.append(Buscador)  # type: ignore[arg-type]
    try:
        assert grupo_declarado("pydantic", [str(tmp_path)]) is True
    finally:
        sys.meta_path.remove(Buscador)  # type: ignore[arg-type]
    assert grupo_declarado("pydantic", [str(tmp_path)]) is False
