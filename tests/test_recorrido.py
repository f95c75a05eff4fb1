"""Una sola manera de recorrer una carpeta (lectores/recorrido.py): la clase «una carpeta con nodos raros».

FIFO (no bloquea), enlace a /dev/zero con nombre .docx (no lee sin fin), enlaces en bucle (sin
traza), enlace roto, socket, dispositivo, carpeta con nombre de ficha, enlace a una carpeta (no se
sigue: un bucle de carpetas no puede colgar), un archivo que pasa del límite (se mira antes de
leer). Cada uno queda en su fila con un motivo en español; las fichas buenas se leen igual.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import acuerdo_docs as ad
from acuerdo_docs.documentos.catalogo import lectura
from acuerdo_docs.lectores import recorrido
from acuerdo_docs.lectores.recorrido import ArchivoNoLegible, leer_archivo, recorrer

ESPERADOS = {
    "tuberia.docx": "tubería (FIFO)",
    "cero.docx": "dispositivo",
    "bucle.docx": "en bucle",
    "ida.json": "en bucle",
    "roto.docx": "enlace simbólico roto",
    "carpeta.docx": "es una carpeta",
    "enchufe.docx": "socket",
}


@pytest.fixture
def carpeta_hostil(tmp_path: Path) -> Path:
    raiz = tmp_path / "fichas"
    (raiz / "sub").mkdir(parents=True)
    ad.generar_ficha(ad.ejemplo_ficha(), raiz / "buena.docx")
    ad.generar_ficha(ad.ejemplo_ficha(), raiz / "sub" / "otra.docx")
    os.mkfifo(raiz / "tuberia.docx")
    (raiz / "cero.docx").symlink_to("/dev/zero")
    (raiz / "bucle.docx").symlink_to("bucle.docx")
    (raiz / "ida.json").symlink_to("vuelta.json")
    (raiz / "vuelta.json").symlink_to("ida.json")
    (raiz / "roto.docx").symlink_to(tmp_path / "no_existe.docx")
    (raiz / "carpeta.docx").symlink_to(raiz / "sub")  # enlace a una carpeta con nombre de ficha
    (raiz / "sub" / "arriba").symlink_to(raiz)  # bucle de carpetas
    (raiz / "sub" / "fuera").symlink_to("/")
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(raiz / "enchufe.docx"))
    s.close()  # el nodo queda
    return raiz


def test_recorrer_lista_sin_abrir_y_no_sigue_carpetas(carpeta_hostil: Path) -> None:
    hallado = recorrer(carpeta_hostil, (".docx", ".json"))
    nombres = [p.relative_to(carpeta_hostil).as_posix() for p in hallado.archivos]
    assert nombres == sorted(nombres)
    assert "buena.docx" in nombres and "sub/otra.docx" in nombres
    assert not any(n.startswith("sub/arriba") or n.startswith("sub/fuera") for n in nombres)
    assert any("sub/arriba" in a and "no se sigue" in a for a in hallado.avisos)


@pytest.mark.parametrize("nombre, motivo", sorted(ESPERADOS.items()))
def test_leer_archivo_rechaza_cada_nodo(nombre: str, motivo: str, carpeta_hostil: Path) -> None:
    with pytest.raises(ArchivoNoLegible, match=re.escape(motivo)):
        leer_archivo(carpeta_hostil / nombre, 50 * 2**20)


def test_tamano_se_mira_antes_de_leer(tmp_path: Path) -> None:
    grande = tmp_path / "grande.docx"
    with open(grande, "wb") as f:  # disperso: 200 MB sin ocupar disco
        f.truncate(200 * 2**20)
    with pytest.raises(ArchivoNoLegible, match="pesa más de 50 MB"):
        leer_archivo(grande, 50 * 2**20)


def test_dispositivo_de_verdad(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        os.mknod(tmp_path / "disp.docx", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # como /dev/zero
        ruta = tmp_path / "disp.docx"
    else:
        ruta = Path("/dev/zero")
    with pytest.raises(ArchivoNoLegible, match="dispositivo"):
        leer_archivo(ruta, 50 * 2**20)


def test_profundidad_limitada(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(recorrido, "PROFUNDIDAD_MAXIMA", 3)
    honda = tmp_path / "a" / "b" / "c" / "d"
    honda.mkdir(parents=True)
    (honda / "x.json").write_text("{}")
    hallado = recorrer(tmp_path, (".json",))
    assert hallado.archivos == [] and any("niveles" in a for a in hallado.avisos)


@pytest.mark.parametrize("procesos", ["1", "2"])
def test_catalogo_cli_informa_cada_nodo_sin_colgarse_ni_traza(procesos: str, carpeta_hostil: Path,
                                                              tmp_path: Path) -> None:
    if procesos == "2":  # con el grupo de procesos: más fichas que FICHAS_EN_LINEA
        for i in range(lectura.FICHAS_EN_LINEA):
            os.link(carpeta_hostil / "buena.docx", carpeta_hostil / "sub" / f"copia_{i:02d}.docx")
    destino = tmp_path / "catalogo.xlsx"
    r = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "catalogo", str(carpeta_hostil),
                        "-o", str(destino), "--procesos", procesos],
                       capture_output=True, text=True, timeout=120)
    assert "Traceback" not in r.stderr, r.stderr
    assert r.returncode in (0, 1), (r.returncode, r.stderr)
    assert "sub/arriba" in r.stderr and "no se sigue" in r.stderr
    hoja = openpyxl.load_workbook(destino).worksheets[0]
    filas = {str(f[0]): " ".join(str(c) for c in f if c) for f in hoja.iter_rows(values_only=True) if f[0]}
    for nombre, motivo in ESPERADOS.items():
        fila = next((texto for clave, texto in filas.items() if clave.endswith(nombre)), None)
        assert fila is not None and motivo in fila, (nombre, fila)
    assert any(c.endswith("buena.docx") for c in filas)
