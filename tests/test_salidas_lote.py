"""La carpeta de salida de un lote: enlaces y FIFOs ya presentes, el libro de entrada dentro, informe tipado."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import cli

from acuerdo_docs.cli import main
from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo
from acuerdo_docs.documentos.ficha import ejemplo_ficha
from acuerdo_docs.documentos.informe import NOMBRE_INFORME
from acuerdo_docs.errores import ErrorSalida
from acuerdo_docs.lectores.columnas import valores_de
from acuerdo_docs.lectores.fichas import COLUMNAS
from acuerdo_docs.lote import generar_lote

VISIBLES = [c for c in COLUMNAS if c.en_plantilla]


def _libro_fichas(ruta: Path, nombres: list[str], sin_conclusiones: int | None = None) -> Path:
    assert main(["plantilla-lote", "fichas", "-o", str(ruta)]) == 0
    wb = openpyxl.load_workbook(ruta)
    ws = wb["fichas"]
    for i, nombre in enumerate(nombres):
        fila = valores_de(ejemplo_ficha(), VISIBLES)
        fila["nombre"] = nombre
        if i == sin_conclusiones:
            fila["conclusiones"] = None
        ws.append([fila.get(c.clave) for c in VISIBLES])
    wb.save(ruta)
    return ruta


def _libro_acuerdos(ruta: Path) -> Path:
    from acuerdo_docs.lectores.acuerdos import HOJAS, filas_de_acuerdo

    assert main(["plantilla-lote", "acuerdos", "-o", str(ruta)]) == 0
    wb = openpyxl.load_workbook(ruta)
    for id_acuerdo in ("A1", "A2"):
        for hoja_nombre, filas in filas_de_acuerdo(ejemplo_acuerdo(), id_acuerdo).items():
            claves = [c.clave for c in HOJAS[hoja_nombre] if c.en_plantilla]
            for fila in filas:
                wb[hoja_nombre].append([fila.get(c) for c in claves])
    wb.save(ruta)
    return ruta


# ------------------------------------------------------------------ enlaces y FIFOs en la carpeta


def test_un_enlace_en_la_carpeta_no_tumba_el_lote(tmp_path: Path) -> None:
    entrada = _libro_fichas(tmp_path / "e.xlsx", ["Uno", "Dos", "Tres"])
    salida = tmp_path / "salida"
    salida.mkdir()
    fuera = tmp_path / "fuera.docx"
    fuera.write_bytes(b"no me toques")
    (salida / "2023_Dos.docx").symlink_to(fuera)
    (salida / "2023_Tres.docx").symlink_to(salida / "2023_Tres.docx")  # un bucle de enlaces tampoco
    informe = generar_lote(entrada, salida, procesos=1)
    assert informe.codigo_salida == 1
    por_nombre = {f.documento: f for f in informe.filas}
    assert por_nombre["Uno"].correcta and por_nombre["Uno"].archivos == ["2023_Uno.docx"]
    for nombre in ("Dos", "Tres"):
        fila = por_nombre[nombre]
        assert fila.estado == "fallo al generar" and not fila.archivos
        assert "es un enlace simbólico: no se escribe a través de enlaces" in str(fila.errores[0])
    assert fuera.read_bytes() == b"no me toques"
    assert (salida / "2023_Dos.docx").is_symlink() and (salida / "2023_Tres.docx").is_symlink()
    errores = [f for f in openpyxl.load_workbook(salida / NOMBRE_INFORME)["Filas"].iter_rows(values_only=True)]
    assert [e[2] for e in errores[1:]] == ["Uno", "Dos", "Tres"]


def test_un_enlace_en_la_carpeta_cuando_escribe_el_trabajador(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Con trabajadores, cada uno escribe lo que renderiza (vuelven los nombres): mismas revisiones, mismo informe."""
    from concurrent.futures import ThreadPoolExecutor

    import acuerdo_docs.lote as lote
    import acuerdo_docs.lote.canal as canal

    fuera: list[str] = []
    original = canal.renderizar_y_escribir

    def anotado(*args: Any) -> list[str]:
        fuera.append(args[1])
        return original(*args)

    monkeypatch.setattr(canal, "renderizar_y_escribir", anotado)
    monkeypatch.setattr(lote, "FILAS_EN_LINEA", 1)
    monkeypatch.setattr(lote, "grupo_procesos", lambda n: ThreadPoolExecutor(n))  # un «trabajador» observable
    entrada = _libro_fichas(tmp_path / "e.xlsx", ["Uno", "Dos", "Tres"])
    salida = tmp_path / "salida"
    salida.mkdir()
    fuera_de_la_carpeta = tmp_path / "fuera.docx"
    fuera_de_la_carpeta.write_bytes(b"no me toques")
    (salida / "2023_Dos.docx").symlink_to(fuera_de_la_carpeta)
    informe = generar_lote(entrada, salida, procesos=2)
    assert fuera == ["2023_Uno", "2023_Dos", "2023_Tres"]
    assert informe.codigo_salida == 1
    por_nombre = {f.documento: f for f in informe.filas}
    assert por_nombre["Uno"].correcta and por_nombre["Uno"].archivos == ["2023_Uno.docx"]
    assert por_nombre["Tres"].correcta and (salida / "2023_Tres.docx").is_file()
    dos = por_nombre["Dos"]
    assert dos.estado == "fallo al generar" and not dos.archivos
    assert "no se escribió" in str(dos.errores[0]) and "es un enlace simbólico" in str(dos.errores[0])
    assert fuera_de_la_carpeta.read_bytes() == b"no me toques" and (salida / "2023_Dos.docx").is_symlink()


def test_con_pdf_y_trabajadores_que_escriben_cada_docx_va_a_la_conversion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lo que escribe un trabajador pasa a la conversión en flujo igual que lo que escribe un hilo de aquí."""
    from concurrent.futures import ThreadPoolExecutor
    from types import SimpleNamespace

    import acuerdo_docs.lote as lote

    enviados: list[Path] = []

    class FlujoFalso:
        averia = None

        def enviar(self, ruta: Path) -> None:
            assert ruta.is_file()  # se avisa cuando el .docx ya está escrito
            enviados.append(ruta)

        def resultado(self, ruta: Path) -> Any:
            return SimpleNamespace(pdf=None, error="sin LibreOffice en esta prueba")

        def cerrar(self) -> None:
            pass

    monkeypatch.setattr(lote, "verificar_pdf", lambda *_: None)
    monkeypatch.setattr(lote, "abrir_flujo", lambda *_: FlujoFalso())
    monkeypatch.setattr(lote, "FILAS_EN_LINEA", 1)
    monkeypatch.setattr(lote, "grupo_procesos", lambda n: ThreadPoolExecutor(n))
    entrada = _libro_fichas(tmp_path / "e.xlsx", ["Uno", "Dos", "Tres"])
    informe = generar_lote(entrada, tmp_path / "salida", pdf=True, procesos=2)
    assert sorted(p.name for p in enviados) == ["2023_Dos.docx", "2023_Tres.docx", "2023_Uno.docx"]
    assert all("no se pudo convertir a PDF: sin LibreOffice" in str(f.errores[0]) for f in informe.filas)


def test_un_fifo_en_la_carpeta_no_cuelga_el_lote(tmp_path: Path) -> None:
    entrada = _libro_fichas(tmp_path / "e.xlsx", ["Uno", "Dos"])
    salida = tmp_path / "salida"
    salida.mkdir()
    os.mkfifo(salida / "2023_Dos.docx")
    r = cli("lote", str(entrada), "-o", str(salida), "--silencioso", "--procesos", "1")  # timeout: 120 s
    assert r.returncode == 1, r.stderr
    assert "no es un archivo regular" in r.stdout + r.stderr and "Traceback" not in r.stderr
    assert stat.S_ISFIFO(os.lstat(salida / "2023_Dos.docx").st_mode)
    assert (salida / "2023_Uno.docx").is_file() and (salida / NOMBRE_INFORME).is_file()


def test_un_enlace_en_lugar_del_informe_se_rechaza_antes_de_empezar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    entrada = _libro_fichas(tmp_path / "e.xlsx", ["Uno"])
    salida = tmp_path / "salida"
    salida.mkdir()
    (salida / NOMBRE_INFORME).symlink_to(tmp_path / "e.xlsx")
    capsys.readouterr()
    assert main(["lote", str(entrada), "-o", str(salida), "--silencioso"]) == 2
    assert "informe_lote.xlsx» es un enlace simbólico" in capsys.readouterr().err
    assert sorted(p.name for p in salida.iterdir()) == [NOMBRE_INFORME]


# ------------------------------------------------------------------ el libro de entrada


def test_patron_que_cae_sobre_el_libro_de_entrada_se_rechaza_sin_escribir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    salida = tmp_path / "salida"
    salida.mkdir()
    entrada = _libro_acuerdos(salida / "A2.xlsx")  # el lote escribe A1.docx, A1.xlsx, A2.docx, A2.xlsx
    original = entrada.read_bytes()
    capsys.readouterr()
    codigo = main(["lote", str(entrada), "-o", str(salida), "--nombre", "{acuerdo_id}", "--silencioso"])
    err = capsys.readouterr().err
    assert codigo == 2, err
    assert "«A2.xlsx», que es el libro de entrada" in err and "fila 3" in err
    assert entrada.read_bytes() == original
    assert sorted(p.name for p in salida.iterdir()) == ["A2.xlsx"]  # ni A1: nada escrito


def test_patron_que_no_cae_sobre_la_entrada_escribe_junto_a_ella(tmp_path: Path) -> None:
    salida = tmp_path / "salida"
    salida.mkdir()
    entrada = _libro_acuerdos(salida / "acuerdos.xlsx")
    original = entrada.read_bytes()
    informe = generar_lote(entrada, salida, nombre="{acuerdo_id}", procesos=1)
    assert informe.codigo_salida == 0
    assert sorted(p.name for p in salida.iterdir()) == [
        "A1.docx", "A1.json", "A1.xlsx", "A2.docx", "A2.json", "A2.xlsx", "acuerdos.xlsx", NOMBRE_INFORME,
    ]
    assert entrada.read_bytes() == original


def test_el_libro_de_entrada_no_puede_ser_el_informe(tmp_path: Path) -> None:
    salida = tmp_path / "salida"
    salida.mkdir()
    entrada = _libro_fichas(salida / NOMBRE_INFORME, ["Uno"])
    original = entrada.read_bytes()
    with pytest.raises(ErrorSalida, match="mismo archivo que la entrada"):
        generar_lote(entrada, salida)
    assert entrada.read_bytes() == original and sorted(p.name for p in salida.iterdir()) == [NOMBRE_INFORME]


# ------------------------------------------------------------------ el informe


def test_informe_con_numeros_y_nombre_del_documento(tmp_path: Path) -> None:
    entrada = _libro_fichas(tmp_path / "e.xlsx", ["Acta de vecinos", "Huerta escolar"], sin_conclusiones=1)
    informe = generar_lote(entrada, tmp_path / "salida", procesos=1)
    libro = openpyxl.load_workbook(tmp_path / "salida" / NOMBRE_INFORME)
    filas = list(libro["Filas"].iter_rows(min_row=2))
    assert [f[1].value for f in filas] == [2, 3] and all(f[1].data_type == "n" for f in filas)
    assert [f[2].value for f in filas] == ["Acta de vecinos", "Huerta escolar"]  # también la fila con errores
    (error,) = list(libro["Errores"].iter_rows(min_row=2))
    assert error[1].value == 3 and error[1].data_type == "n"
    assert error[3].value == "Conclusiones"  # la etiqueta, sin la estrella de obligatorio
    assert str(informe.errores[0]).endswith("«Conclusiones»: es obligatorio y no viene")


def test_informe_de_acuerdos_identifica_id_y_desafio(tmp_path: Path) -> None:
    entrada = _libro_acuerdos(tmp_path / "acuerdos.xlsx")
    generar_lote(entrada, tmp_path / "salida", procesos=1)
    filas = list(openpyxl.load_workbook(tmp_path / "salida" / NOMBRE_INFORME)["Filas"].iter_rows(
        min_row=2, values_only=True))
    desafio = ejemplo_acuerdo().desafio.nombre
    assert [f[2] for f in filas] == [f"A1: {desafio}", f"A2: {desafio}"]
    assert all(isinstance(f[1], int) for f in filas)
