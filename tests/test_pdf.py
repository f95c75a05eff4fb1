"""Conversión a PDF con LibreOffice: campos de página, lotes con pocos arranques, bloqueos y daños.

Las pruebas marcadas ``libreoffice`` usan el LibreOffice real (en CI es obligatorio); las demás
usan un soffice falso (un guion de Python) para simular bloqueos y fallos sin depender de él.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import texto_pdf
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from openpyxl import Workbook

from acuerdo_docs.errores import ErrorAcuerdoDocs, ErrorConversion
from acuerdo_docs.salida.pdf import (
    VARIABLE_ASIGNADOR,
    VARIABLE_SOFFICE,
    ResultadoPdf,
    a_pdf,
    asignador_memoria,
    buscar_soffice,
)
from acuerdo_docs.salida.pdf import conversion as modulo_conversion

# ------------------------------------------------------------------ documentos de prueba


def _campo_complejo(parrafo, instruccion: str) -> None:
    """PAGE/NUMPAGES como campo complejo (w:fldChar begin/separate/end), como los pone Word."""
    run = parrafo.add_run()
    for tipo, texto in (("begin", None), (None, f" {instruccion} "), ("separate", None), ("texto", "1"), ("end", None)):
        if tipo == "texto":
            t = OxmlElement("w:t")
            t.text = texto
            run._r.append(t)
        elif tipo is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = texto
            run._r.append(instr)
        else:
            marca = OxmlElement("w:fldChar")
            marca.set(qn("w:fldCharType"), tipo)
            run._r.append(marca)


def _campo_simple(parrafo, instruccion: str) -> None:
    """PAGE/NUMPAGES como w:fldSimple."""
    campo = OxmlElement("w:fldSimple")
    campo.set(qn("w:instr"), f" {instruccion} ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    campo.append(r)
    parrafo._p.append(campo)


def documento(ruta: Path, paginas: int = 3, *, campos: str = "complejo") -> Path:
    """Un .docx de ``paginas`` páginas exactas con «Página X de Y» en el encabezado."""
    doc = docx.Document()
    parrafo = doc.sections[0].header.paragraphs[0]
    poner = _campo_complejo if campos == "complejo" else _campo_simple
    parrafo.add_run("Página ")
    poner(parrafo, "PAGE")
    parrafo.add_run(" de ")
    poner(parrafo, "NUMPAGES")
    for numero in range(1, paginas + 1):
        doc.add_heading(f"Sección {numero}", level=1)
        doc.add_paragraph("Texto de relleno para la prueba de conversión. " * 12)
        if numero < paginas:
            doc.add_page_break()
    ruta.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(ruta))
    return ruta


def hoja(ruta: Path) -> Path:
    libro = Workbook()
    libro.active.append(["Riesgo", "Probabilidad", "Impacto"])
    libro.active.append(["Pérdida de información", 3, 4])
    libro.active.column_dimensions["A"].width = 30  # que el texto quepa en la celda impresa
    libro.active.column_dimensions["B"].width = 15
    libro.save(str(ruta))
    return ruta


def plano(texto: str) -> str:
    return re.sub(r"\s+", " ", texto)


def archivos(carpeta: Path) -> set[str]:
    return {p.name for p in carpeta.iterdir()}


# ------------------------------------------------------------------ soffice falso

_FALSO = '''#!{python}
"""soffice falso: se comporta como ``soffice --convert-to pdf`` y se cuelga con «cuelga*»."""
import os, subprocess, sys, time
args = sys.argv[1:]
with open({registro!r}, "a") as f:
    f.write(f"{{os.getpid()}}\\n")
with open({registro!r} + ".entorno", "a") as f:
    f.write(os.environ.get("LD_PRELOAD", "-") + "\\n")
modo = {modo!r}
if modo == "rompe_asignador" and "rompe" in os.environ.get("LD_PRELOAD", ""):
    sys.exit(134)  # como un LibreOffice que no arranca con esa biblioteca precargada
if modo == "averiado":
    print("soffice falso: no arranca", flush=True)
    sys.exit(1)
# Un hijo como soffice.bin: debe morir con el grupo si hay que matar la conversión.
hijo = subprocess.Popen(["sleep", "120"])
with open({registro!r} + ".hijos", "a") as f:
    f.write(f"{{hijo.pid}}\\n")
if modo == "colgado":
    time.sleep(120)  # LibreOffice colgado desde el arranque, sin decir nada
salida = args[args.index("--outdir") + 1]
for entrada in args[args.index("--outdir") + 2:]:
    nombre = os.path.basename(os.path.realpath(entrada))
    if nombre.startswith("cuelga"):
        time.sleep(120)
    if nombre.startswith("cae"):
        os._exit(134)  # como un soffice.bin que se cae con este documento
    pdf = os.path.join(salida, os.path.splitext(os.path.basename(entrada))[0] + ".pdf")
    print(f"convert {{entrada}} -> {{pdf}} using filter : writer_pdf_Export", flush=True)
    with open(pdf, "wb") as f:
        f.write(b"%PDF-1.4\\n%falso\\n" if nombre.startswith("incompleto") else b"%PDF-1.4\\n%falso\\n%%EOF\\n")
hijo.kill()
'''


def soffice_falso(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, modo: str = "normal") -> Path:
    """Instala un soffice falso vía ACUERDO_DOCS_SOFFICE; devuelve el registro de arranques."""
    registro = tmp_path / "arranques.log"
    guion = tmp_path / "soffice_falso"
    guion.write_text(_FALSO.format(python=sys.executable, registro=str(registro), modo=modo), encoding="utf-8")
    guion.chmod(0o755)
    monkeypatch.setenv(VARIABLE_SOFFICE, str(guion))
    monkeypatch.setenv(VARIABLE_ASIGNADOR, "ninguno")  # cada prueba de asignador lo pone ella misma
    return registro


def arranques(registro: Path) -> int:
    return len(registro.read_text().split()) if registro.exists() else 0


def vivo(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # Un zombi (ya muerto, sin recoger por su padre muerto) no cuenta como vivo.
    try:
        estado = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return estado != "Z"


@pytest.fixture()
def docs_validos(tmp_path: Path) -> list[Path]:
    """Seis .docx válidos (mínimos): el soffice falso no los lee, pero a_pdf revisa que sean .docx."""
    base = tmp_path / "base.docx"
    docx.Document().save(str(base))
    nombres = ["a", "b", "cuelga", "d", "e", "f"]
    carpeta = tmp_path / "docs"
    carpeta.mkdir()
    rutas = []
    for nombre in nombres:
        shutil.copy(base, carpeta / f"{nombre}.docx")
        rutas.append(carpeta / f"{nombre}.docx")
    return rutas


# ------------------------------------------------------------------ LibreOffice real


@pytest.mark.libreoffice
def test_paginas_y_campos_de_pagina(libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    complejo = documento(tmp_path / "complejo.docx", 4, campos="complejo")
    simple = documento(tmp_path / "simple.docx", 3, campos="simple")
    resultado = a_pdf([complejo, simple], tmp_path / "pdf", trabajadores=2)
    assert resultado.ok, resultado.fallidos
    for entrada, total in ((complejo, 4), (simple, 3)):
        pdf = tmp_path / "pdf" / f"{entrada.stem}.pdf"
        paginas = texto_pdf(pdf)
        assert len(paginas) == total, entrada.name
        for numero, texto in enumerate(paginas, 1):
            assert f"Página {numero} de {total}" in plano(texto), (entrada.name, numero)
            assert f"Sección {numero}" in plano(texto)
    assert resultado.pdfs == [tmp_path / "pdf" / "complejo.pdf", tmp_path / "pdf" / "simple.pdf"]


@pytest.mark.libreoffice
@pytest.mark.parametrize("guardados", [False, True])
def test_combinado_docx_abierto_en_libreoffice_dice_el_total_de_cada_documento(
    libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guardados: bool
) -> None:
    """Campos complejos y simples: LibreOffice calcula el PAGEREF anidado (sin totales guardados, o con ellos)."""
    from acuerdo_docs.documentos.combinado import combinar

    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    totales = [2, 4, 3]
    docs = [documento(tmp_path / f"d{i}.docx", n, campos="simple" if i == 1 else "complejo")
            for i, n in enumerate(totales)]
    combinado = tmp_path / "combinado.docx"
    combinado.write_bytes(combinar(docs, totales if guardados else None))
    resultado = a_pdf([combinado], tmp_path / "pdf")
    assert resultado.ok, resultado.fallidos
    paginas = texto_pdf(tmp_path / "pdf" / "combinado.pdf")
    leidos = [re.search(r"Página (\d+) de (\d+)", plano(t)).groups() for t in paginas]
    assert [(int(a), int(b)) for a, b in leidos] == [(n, total) for total in totales for n in range(1, total + 1)]


@pytest.mark.libreoffice
def test_lote_con_pocos_arranques(libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Envoltorio que anota cada arranque y ejecuta el soffice real.
    registro = tmp_path / "arranques.log"
    envoltorio = tmp_path / "soffice_contado"
    envoltorio.write_text(f'#!/bin/sh\necho "$$" >> "{registro}"\nexec "{libreoffice}" "$@"\n', encoding="utf-8")
    envoltorio.chmod(0o755)
    monkeypatch.setenv(VARIABLE_SOFFICE, str(envoltorio))

    carpeta = tmp_path / "lote"
    entradas = [documento(carpeta / f"doc_{i}.docx", 2 + i % 2) for i in range(5)] + [hoja(carpeta / "matriz.xlsx")]
    vistos: list[tuple[Path, Path | None, str | None]] = []
    resultado = a_pdf(entradas, trabajadores=2, progreso=lambda e, p, err: vistos.append((e, p, err)))

    assert resultado.ok, resultado.fallidos
    assert arranques(registro) <= 2 and resultado.arranques <= 2
    # Junto a cada documento, con su nombre; nada de temporales a medias en la carpeta.
    assert [d.pdf for d in resultado] == [e.with_suffix(".pdf") for e in entradas]
    assert archivos(carpeta) == {e.name for e in entradas} | {e.with_suffix(".pdf").name for e in entradas}
    assert sorted(str(e) for e, _, _ in vistos) == sorted(str(e) for e in entradas)
    assert "Pérdida de información" in plano(" ".join(texto_pdf(carpeta / "matriz.pdf")))
    assert len(texto_pdf(carpeta / "doc_1.pdf")) == 3


@pytest.mark.libreoffice
def test_documento_danado_solo_en_su_fila(libreoffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, libreoffice)
    bueno = documento(tmp_path / "bueno.docx", 2)
    basura = tmp_path / "basura.docx"
    basura.write_bytes(os.urandom(4000))  # LibreOffice lo abriría como texto: se detecta antes
    xml_roto = tmp_path / "xml_roto.docx"
    with zipfile.ZipFile(bueno) as origen, zipfile.ZipFile(xml_roto, "w") as roto:
        for info in origen.infolist():
            datos = origen.read(info)
            roto.writestr(info, datos[: len(datos) // 2] if info.filename == "word/document.xml" else datos)
    otro = documento(tmp_path / "otro.docx", 2)

    resultado = a_pdf([bueno, basura, xml_roto, otro], tmp_path / "pdf", trabajadores=1)
    assert [d.ok for d in resultado] == [True, False, False, True]
    assert "dañado" in resultado[1].error and "Word" in resultado[1].error
    assert "LibreOffice no pudo abrir" in resultado[2].error
    assert archivos(tmp_path / "pdf") == {"bueno.pdf", "otro.pdf"}
    assert resultado.arranques == 1
    with pytest.raises(ErrorConversion, match="2 de 4"):
        resultado.exigir()


# ------------------------------------------------------------------ soffice falso


def test_conversion_colgada_se_detiene(docs_validos: list[Path], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch)
    inicio = time.monotonic()
    resultado = a_pdf(docs_validos, tmp_path / "pdf", trabajadores=2, tiempo_limite=1.5)
    duracion = time.monotonic() - inicio

    # Un cuelgue es de LibreOffice: se para todo, se informa como causa y no se culpa al documento.
    assert resultado.averia is not None and "LibreOffice dejó de responder" in resultado.averia
    fallidos = [d for d in resultado if not d.ok]
    assert "cuelga.docx" in [d.entrada.name for d in fallidos]
    assert all(d.error == resultado.averia for d in fallidos)
    assert all("bloquea" not in d.error and "documento dañado" not in d.error for d in fallidos)
    # Lo convertido antes del cuelgue se entrega entero.
    convertidos = {d.pdf.name for d in resultado if d.ok}
    assert archivos(tmp_path / "pdf") == convertidos and "a.pdf" in convertidos
    # Un solo tiempo límite (el primero incluye el arranque), sin reintentar el documento.
    assert duracion < 3 * 1.5 + 3
    assert arranques(registro) == 2
    with pytest.raises(ErrorConversion, match="LibreOffice dejó de responder") as error:
        resultado.exigir()
    assert "\n" not in str(error.value)
    # Se mató el grupo entero, incluido el «soffice.bin» hijo.
    time.sleep(0.2)
    hijos = [int(p) for p in Path(str(registro) + ".hijos").read_text().split()]
    assert not [p for p in hijos if vivo(p)]


def test_libreoffice_colgado_un_tiempo_limite_por_llamada(docs_validos: list[Path], tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # Antes: dos tiempos límite por documento y un arranque por documento (300 filas: horas).
    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    entradas = docs_validos * 1
    inicio = time.monotonic()
    resultado = a_pdf(entradas, tmp_path / "pdf", trabajadores=1, tiempo_limite=0.5)
    duracion = time.monotonic() - inicio
    assert not any(d.ok for d in resultado)
    assert all(d.error == resultado.averia for d in resultado)
    assert arranques(registro) == 1
    assert duracion < 2 * 0.5 + 2.5


def test_cli_tiempo_limite_y_salida_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    ejemplo = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"
    inicio = time.monotonic()
    proceso = subprocess.run(
        [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(ejemplo), "-o", str(tmp_path / "f.docx"),
         "--pdf", "--tiempo-limite", "0.5"],
        capture_output=True, text=True, timeout=60, env=os.environ,
    )
    assert proceso.returncode == 3, proceso.stderr
    assert time.monotonic() - inicio < 15
    errores = proceso.stderr.strip().splitlines()
    assert len(errores) == 1 and errores[0].startswith("Error: LibreOffice dejó de responder"), proceso.stderr
    assert "0.5 s" in errores[0]
    assert arranques(registro) == 1
    assert (tmp_path / "f.docx").is_file() and not (tmp_path / "f.pdf").exists()
    mal = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(ejemplo), "-o", "x.docx",
                          "--tiempo-limite", "0"], capture_output=True, text=True, timeout=60)
    assert mal.returncode == 2 and "mayor que 0" in mal.stderr


def test_caida_de_libreoffice_solo_en_su_fila(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch)
    # El hijo del soffice falso sigue con la salida abierta tras la caída: no esperar 2 s por proceso.
    monkeypatch.setattr(modulo_conversion, "_GRACIA_SALIDA", 0.3)
    base = tmp_path / "base.docx"
    docx.Document().save(str(base))
    entradas = [Path(shutil.copy(base, tmp_path / n)) for n in ("antes.docx", "cae.docx", "despues.docx")]
    resultado = a_pdf(entradas, tmp_path / "pdf", trabajadores=1)
    assert [d.ok for d in resultado] == [True, False, True]
    assert "terminó inesperadamente" in resultado[1].error
    # La tanda, el documento que se cae (reintentado solo) y lo que quedaba: tres arranques.
    assert arranques(registro) == 3
    assert archivos(tmp_path / "pdf") == {"antes.pdf", "despues.pdf"}


def test_pdf_incompleto_no_llega_al_destino(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    soffice_falso(tmp_path, monkeypatch)
    base = tmp_path / "base.docx"
    docx.Document().save(str(base))
    entradas = [shutil.copy(base, tmp_path / n) for n in ("incompleto.docx", "bien.docx")]
    resultado = a_pdf([Path(e) for e in entradas], tmp_path / "pdf", trabajadores=1)
    assert [d.ok for d in resultado] == [False, True]
    assert "incompleto" in resultado[0].error
    assert archivos(tmp_path / "pdf") == {"bien.pdf"}


def test_libreoffice_averiado_no_insiste(docs_validos: list[Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch, modo="averiado")
    resultado = a_pdf(docs_validos, tmp_path / "pdf", trabajadores=2, tiempo_limite=5)
    assert not any(d.ok for d in resultado)
    # Según quién termine antes, el primero en morir solo puede decir «terminó inesperadamente».
    assert all(d.error.startswith("LibreOffice") for d in resultado)
    assert sum("LibreOffice no arranca" in d.error for d in resultado) >= 4
    assert arranques(registro) <= 4


def test_entradas_invalidas_en_su_fila(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    soffice_falso(tmp_path, monkeypatch)
    (tmp_path / "uno").mkdir()
    (tmp_path / "dos").mkdir()
    docx.Document().save(str(tmp_path / "uno" / "acta.docx"))
    docx.Document().save(str(tmp_path / "dos" / "acta.docx"))
    entradas = [tmp_path / "uno" / "acta.docx", tmp_path / "no_existe.docx", tmp_path / "dos" / "acta.docx"]
    resultado = a_pdf(entradas, tmp_path / "pdf")
    assert [d.entrada for d in resultado] == entradas
    assert resultado[0].ok and resultado[0].pdf == tmp_path / "pdf" / "acta.pdf"
    assert resultado[1].error == "No existe el archivo."
    assert "mismo PDF" in resultado[2].error


def test_varios_hilos_a_la_vez(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch)
    base = tmp_path / "base.docx"
    docx.Document().save(str(base))
    resultados: dict[int, ResultadoPdf] = {}

    def convertir(k: int) -> None:
        carpeta = tmp_path / f"h{k}"
        carpeta.mkdir()
        entradas = [Path(shutil.copy(base, carpeta / f"d{i}.docx")) for i in range(4)]
        resultados[k] = a_pdf(entradas, trabajadores=2)

    hilos = [threading.Thread(target=convertir, args=(k,)) for k in range(3)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    assert all(r.ok and len(r) == 4 for r in resultados.values())
    assert arranques(registro) == 6


def test_sin_libreoffice_error_en_espanol(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VARIABLE_SOFFICE, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "vacio"))
    with pytest.raises(ErrorConversion) as error:
        buscar_soffice()
    assert "No se encontró LibreOffice" in str(error.value)
    assert "apt-get install libreoffice-writer-nogui" in str(error.value)
    assert isinstance(error.value, ErrorAcuerdoDocs)
    doc = tmp_path / "a.docx"
    docx.Document().save(str(doc))
    with pytest.raises(ErrorConversion, match="No se encontró LibreOffice"):
        a_pdf(doc)
    assert not doc.with_suffix(".pdf").exists()


def test_variable_de_entorno_invalida(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, str(tmp_path / "no_hay_soffice"))
    with pytest.raises(ErrorConversion, match=VARIABLE_SOFFICE):
        buscar_soffice()


def test_lista_vacia_no_arranca_nada(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_SOFFICE, "/no/existe")
    resultado = a_pdf([])
    assert len(resultado) == 0 and resultado.ok and resultado.arranques == 0


def test_parametros_invalidos(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        a_pdf(tmp_path / "a.docx", trabajadores=0)
    with pytest.raises(ValueError):
        a_pdf(tmp_path / "a.docx", tiempo_limite=0)


# ------------------------------------------------------------------ asignador de memoria


def precargas(registro: Path) -> list[str]:
    return Path(str(registro) + ".entorno").read_text().split()


def test_asignador_indicado_se_precarga(docs_validos: list[Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch)
    biblioteca = tmp_path / "libasignador.so"
    biblioteca.write_bytes(b"")  # ld.so no la puede cargar y la ignora: basta para ver LD_PRELOAD
    monkeypatch.setenv(VARIABLE_ASIGNADOR, str(biblioteca))
    monkeypatch.setenv("LD_PRELOAD", "libprevia.so")
    resultado = a_pdf(docs_validos[:2], tmp_path / "pdf", trabajadores=1)
    assert resultado.ok
    assert precargas(registro) == [f"{biblioteca}:libprevia.so"]  # delante, sin perder la del usuario


def test_asignador_ninguno_no_toca_el_entorno(docs_validos: list[Path], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    registro = soffice_falso(tmp_path, monkeypatch)
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    assert asignador_memoria() is None
    assert a_pdf(docs_validos[:2], tmp_path / "pdf", trabajadores=1).ok
    assert precargas(registro) == ["-"]


def test_asignador_mal_indicado_error_claro(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VARIABLE_ASIGNADOR, str(tmp_path / "no_hay.so"))
    with pytest.raises(ErrorConversion, match=f"{VARIABLE_ASIGNADOR}.*no existe"):
        asignador_memoria()
    monkeypatch.setenv(VARIABLE_ASIGNADOR, "libuno.so:libotro.so")
    with pytest.raises(ErrorConversion, match="separadores"):
        asignador_memoria()
    # Vacía es como no puesta: se usa la de omisión (jemalloc si está instalada).
    monkeypatch.setenv(VARIABLE_ASIGNADOR, " ")
    vacia = asignador_memoria()
    monkeypatch.delenv(VARIABLE_ASIGNADOR)
    assert vacia == asignador_memoria()


def test_si_libreoffice_no_arranca_con_el_asignador_sigue_sin_el(
        docs_validos: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    registro = soffice_falso(tmp_path, monkeypatch, modo="rompe_asignador")
    monkeypatch.setattr(modulo_conversion, "_GRACIA_SALIDA", 0.3)
    biblioteca = tmp_path / "librompe.so"
    biblioteca.write_bytes(b"")
    monkeypatch.setenv(VARIABLE_ASIGNADOR, str(biblioteca))
    monkeypatch.delenv("LD_PRELOAD", raising=False)
    entradas = [d for d in docs_validos if d.stem != "cuelga"]
    with caplog.at_level("WARNING", logger="acuerdo_docs.pdf"):
        resultado = a_pdf(entradas, tmp_path / "pdf", trabajadores=1)
    assert resultado.ok, resultado.fallidos
    assert precargas(registro) == [str(biblioteca), "-"]  # un intento con ella, la tanda entera sin ella
    assert "se sigue sin él" in caplog.text


@pytest.mark.libreoffice
def test_ci_convierte_con_jemalloc(libreoffice: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # .ci/run instala libjemalloc2: en CI las pruebas con LibreOffice real usan el asignador.
    monkeypatch.delenv(VARIABLE_ASIGNADOR, raising=False)
    if not os.environ.get("CI"):
        pytest.skip("solo en CI, donde libjemalloc2 se instala siempre")
    hallado = asignador_memoria()
    assert hallado is not None and "jemalloc" in hallado


def test_lote_pdf_con_libreoffice_colgado_sale_con_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from test_lote import fila_base, libro_fichas

    registro = soffice_falso(tmp_path, monkeypatch, modo="colgado")
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(4)])
    salida = tmp_path / "salida"
    inicio = time.monotonic()
    proceso = subprocess.run(
        [sys.executable, "-m", "acuerdo_docs.cli", "lote", str(entrada), "-o", str(salida), "--pdf",
         "--tiempo-limite", "0.5", "--silencioso"], capture_output=True, text=True, timeout=120,
    )
    assert proceso.returncode == 3, proceso.stdout + proceso.stderr
    assert time.monotonic() - inicio < 20
    assert arranques(registro) <= 2  # un proceso por trabajador, ninguno repetido
    assert "Aviso: Conversión a PDF detenida: LibreOffice dejó de responder" in proceso.stdout
    assert len(list(salida.glob("*.docx"))) == 4 and not list(salida.glob("*.pdf"))
    assert (salida / "informe_lote.xlsx").is_file()
