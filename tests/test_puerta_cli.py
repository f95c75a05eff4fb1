"""La puerta de la CLI (``acuerdo-docs``, ``python -m acuerdo_docs.cli``) sale sin desmontar el intérprete.

``cli.principal`` apaga el recolector de basura al arrancar y sale con ``os._exit`` (ver su
docstring). Estas pruebas corren procesos nuevos y comprueban que no se pierde nada de lo que la
salida normal de Python haría: el documento escrito y legible, los códigos de salida, lo escrito
en stdout y stderr sin salto final, las funciones de ``atexit`` y los hilos que siguen vivos.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from docx import Document

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"


def _correr(codigo: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", codigo, *args], capture_output=True, text=True, timeout=120,
                          cwd=RAIZ)


_PUERTA = "import sys\nfrom acuerdo_docs.cli import principal\n{antes}\nprincipal()\n"


def test_la_ficha_queda_escrita_y_el_codigo_es_cero(tmp_path: Path) -> None:
    destino = tmp_path / "f.docx"
    r = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o", str(destino)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Ficha escrita" in r.stdout
    textos = [p.text for p in Document(str(destino)).paragraphs]
    assert any("Acuerdo Simbólico se convirtió" in t for t in textos)


def test_datos_invalidos_dan_1_y_el_mensaje_llega(tmp_path: Path) -> None:
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    datos["fecha_inicio"] = "30/02/2023"
    entrada = tmp_path / "mala.json"
    entrada.write_text(json.dumps(datos), encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(entrada), "-o",
                        str(tmp_path / "f.docx")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1
    assert "febrero de 2023 tiene 28 días" in r.stderr
    assert not (tmp_path / "f.docx").exists()


def test_atexit_corre_y_lo_escrito_sin_salto_final_llega(tmp_path: Path) -> None:
    antes = ("import atexit\natexit.register(lambda: print('atexit corrió', end=''))\n"
             "sys.stdout.write('sin salto final')\n")
    r = _correr(_PUERTA.format(antes=antes), "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("sin salto final")
    assert r.stdout.endswith("atexit corrió")


def test_con_otro_hilo_vivo_sale_como_siempre_y_lo_espera(tmp_path: Path) -> None:
    antes = ("import threading, time\n"
             "threading.Thread(target=lambda: (time.sleep(0.5), print('el hilo terminó'))).start()\n")
    r = _correr(_PUERTA.format(antes=antes), "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert "el hilo terminó" in r.stdout


def test_el_recolector_vuelve_a_encenderse_antes_de_la_orden(tmp_path: Path) -> None:
    """Solo el arranque va sin recolector: la orden (un lote largo) recolecta como siempre."""
    antes = ("import gc\nimport acuerdo_docs.cli.ficha as f\n"
             "_registrar, _ejecutar = f.registrar, f.ejecutar\n"
             "def registrar(o):\n    print('al registrar', gc.isenabled())\n    _registrar(o)\n"
             "def ejecutar(args):\n    print('al ejecutar', gc.isenabled())\n    return _ejecutar(args)\n"
             "f.registrar, f.ejecutar = registrar, ejecutar\n")
    r = _correr(_PUERTA.format(antes=antes), "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert "al registrar False" in r.stdout
    assert "al ejecutar True" in r.stdout


def test_main_desde_python_no_sale_ni_toca_el_recolector(tmp_path: Path) -> None:
    codigo = ("import gc\nfrom acuerdo_docs.cli import main\n"
              f"r = main(['ficha', {str(EJEMPLO)!r}, '-o', {str(tmp_path / 'f.docx')!r}])\n"
              "print('siguió', r, gc.isenabled())\n")
    r = _correr(codigo)
    assert r.returncode == 0, r.stderr
    assert "siguió 0 True" in r.stdout


# Lo que «ficha x.json -o y.docx» no necesita: cada uno cuesta milisegundos en cada proceso nuevo.
_NO_AL_ARRANCAR = ("docx", "docxtpl", "lxml", "openpyxl", "email_validator", "difflib", "subprocess", "asyncio",
                   "multiprocessing", "acuerdo_docs.salida.pdf.anticipado", "acuerdo_docs.salida.verificacion",
                   "importlib.metadata",  # ver esquemas/complementos_pydantic.py
                   "logging")  # ver registro.py


def test_una_ficha_docx_no_carga_lo_que_no_usa(tmp_path: Path) -> None:
    """El arranque en frío es casi todo import: nada de PDF, lotes, python-docx ni email-validator
    (el correo del ejemplo es de la forma común) en una ficha .docx con la plantilla oficial."""
    antes = ("import atexit\n"
             f"atexit.register(lambda: print('cargados', sorted(m for m in {_NO_AL_ARRANCAR!r} if m in sys.modules)))\n")
    r = _correr(_PUERTA.format(antes=antes), "ficha", str(EJEMPLO), "-o", str(tmp_path / "f.docx"))
    assert r.returncode == 0, r.stderr
    assert "cargados []" in r.stdout
