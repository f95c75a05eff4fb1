"""El registro sin importar logging hasta que un mensaje pueda salir (``acuerdo_docs/registro.py``).

Y la CLI, que configura el suyo (en español, con los caracteres de control escapados) en cuanto algo
importa logging. Cada caso corre en un proceso nuevo: lo que se mira es qué se importa y cuándo.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _python(codigo: str, *args: str, entorno: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", codigo, *args], capture_output=True, text=True, timeout=120,
                          cwd=RAIZ, env={**os.environ, **(entorno or {})})


def test_depuracion_e_informacion_sin_logging_importado_no_lo_importan() -> None:
    codigo = (
        "import sys\n"
        "from acuerdo_docs.registro import registro\n"
        "r = registro('acuerdo_docs.prueba')\n"
        "r.debug('nada %s', 1)\n"
        "r.info('nada')\n"
        "print('antes', 'logging' in sys.modules)\n"
        "r.warning('aviso %s', 'suelto')\n"
        "print('después', 'logging' in sys.modules)\n"
    )
    r = _python(codigo)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["antes", "False", "después", "True"]
    assert r.stderr == "aviso suelto\n"  # logging sin configurar: su manejador de último recurso, como siempre


def test_con_logging_configurado_cada_nivel_sale_con_la_linea_de_quien_llama() -> None:
    codigo = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.DEBUG, format='%(levelname)s %(name)s %(funcName)s %(message)s',"
        " stream=sys.stdout)\n"
        "from acuerdo_docs.registro import registro\n"
        "def llamador():\n"
        "    r = registro('acuerdo_docs.prueba')\n"
        "    r.debug('d')\n"
        "    r.info('i')\n"
        "    r.warning('w')\n"
        "    print(r.isEnabledFor(logging.DEBUG), r.getEffectiveLevel())\n"
        "llamador()\n"
    )
    r = _python(codigo)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["DEBUG acuerdo_docs.prueba llamador d", "INFO acuerdo_docs.prueba llamador i",
                                     "WARNING acuerdo_docs.prueba llamador w", "True 10"]


_PUERTA = ("import sys, atexit\n"
           "atexit.register(lambda: print('logging', 'logging' in sys.modules))\n"
           "from acuerdo_docs.cli import principal\n"
           "principal()\n")


def test_una_ficha_sin_avisos_no_importa_logging(tmp_path: Path) -> None:
    r = _python(_PUERTA, "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "logging False"
    assert r.stderr == ""


def test_un_aviso_de_la_orden_sale_con_el_formato_de_la_cli(tmp_path: Path) -> None:
    """La caché de plantillas con permisos de escritura para otros: el aviso importa logging y ya está configurado."""
    publica = tmp_path / "cache" / "acuerdo_docs" / "plantillas"
    publica.mkdir(parents=True)
    publica.chmod(0o777)
    publica.parent.chmod(0o777)
    r = _python(_PUERTA, "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"),
                entorno={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "logging True"
    assert r.stderr.startswith("Aviso: La caché de plantillas compiladas no es privada del usuario"), r.stderr


def test_con_detallado_salen_los_mensajes_de_diagnostico(tmp_path: Path) -> None:
    r = _python(_PUERTA, "-v", "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert "Detalle (acuerdo_docs.motor): plantilla compilada: ficha_4202000-FT-1311.docx" in r.stderr


def test_main_desde_python_no_deja_nada_esperando(tmp_path: Path) -> None:
    """Llamada desde Python, la orden no configura el registro de quien llama si no lo usó."""
    codigo = (
        "import sys\n"
        "from acuerdo_docs.cli import main\n"
        f"codigo = main(['ficha', {str(EJEMPLO)!r}, '-o', {str(tmp_path / 'f.docx')!r}])\n"
        "esperas = [b for b in sys.meta_path if type(b).__name__ == '_AlImportarLogging']\n"
        "import logging\n"
        "print(codigo, esperas, logging.getLogger().handlers)\n"
    )
    r = _python(codigo)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "0 [] []"


def test_logging_queda_con_su_cargador_de_siempre(tmp_path: Path) -> None:
    publica = tmp_path / "cache" / "acuerdo_docs"
    publica.mkdir(parents=True)
    publica.chmod(0o777)
    codigo = _PUERTA.replace(
        "atexit.register(lambda: print('logging', 'logging' in sys.modules))\n",
        "atexit.register(lambda: print(type(sys.modules['logging'].__loader__).__name__,"
        " type(sys.modules['logging'].__spec__.loader).__name__))\n")
    r = _python(codigo, "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"),
                entorno={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == "SourceFileLoader SourceFileLoader"
