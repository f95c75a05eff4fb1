"""Velocidad de la conversión a PDF: un arranque de LibreOffice por documento contra ``a_pdf``.

Uso suelto (genera sus propios .docx de varias páginas con python-docx)::

    python bench/bench_pdf.py --n 40
    python bench/bench_pdf.py --n 40 --barrido      # además prueba trabajadores y tamaños de tanda

Desde otro benchmark: ``medir_pdf(documentos, trabajadores)`` con los documentos que se quieran.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from lxml import etree
from memoria import PicoRss

from acuerdo_docs.salida import pdf as modulo_pdf
from acuerdo_docs.salida.pdf import a_pdf, buscar_soffice, orden_conversion
from acuerdo_docs.salida.pdf import entrada as modulo_entrada
from acuerdo_docs.salida.pdf import perfiles as modulo_perfiles


def _cpu_hijos() -> float:
    """CPU (usuario + sistema) de los procesos hijos ya terminados: no depende de la carga ajena."""
    uso = resource.getrusage(resource.RUSAGE_CHILDREN)
    return uso.ru_utime + uso.ru_stime


def _por_documento(soffice: str, documentos: list[Path], carpeta: Path, perfil: Path, *,
                   calentar: bool = True) -> tuple[float, float]:
    """(a) Lo ingenuo: ``soffice --convert-to pdf`` una vez por documento, uno tras otro.

    Usa un perfil propio ya creado (como el de un usuario): el arranque del primer perfil no cuenta
    (con ``calentar`` se crea antes de medir). Si ``perfil`` ya existe se usa tal cual (así se mide
    también con un perfil preparado por a_pdf).
    """
    if calentar:
        subprocess.run(orden_conversion(soffice, perfil, carpeta, documentos[:1]),
                       check=True, capture_output=True, timeout=300)
    cpu = _cpu_hijos()
    inicio = time.perf_counter()
    for documento in documentos:
        subprocess.run(orden_conversion(soffice, perfil, carpeta, [documento]),
                       check=True, capture_output=True, timeout=300)
    segundos = time.perf_counter() - inicio
    faltan = [d for d in documentos if not (carpeta / f"{d.stem}.pdf").is_file()]
    if faltan:
        raise RuntimeError(f"soffice no convirtió {len(faltan)} documento(s) uno a uno")
    return segundos, _cpu_hijos() - cpu


def _lote(documentos: list[Path], carpeta: Path, trabajadores: int, *,
          sin_asignador: bool = False) -> tuple[float, int, float, float]:
    entorno = {modulo_pdf.VARIABLE_ASIGNADOR: "ninguno"} if sin_asignador else {}
    with patch.dict(os.environ, entorno):
        cpu = _cpu_hijos()
        with PicoRss(os.getpid()) as medidor:
            resultado = a_pdf(documentos, carpeta, trabajadores=trabajadores)
        resultado.exigir()
    return resultado.segundos, resultado.arranques, _cpu_hijos() - cpu, medidor.mb


def medir_pdf(documentos: list[Path], trabajadores: int, *, muestra_por_documento: int | None = None,
              llamadas: int = 3) -> dict[str, Any]:
    """Convierte ``documentos`` (a) arrancando LibreOffice por documento y (b) con ``a_pdf`` en lote.

    En una máquina compartida la velocidad cambia de un minuto a otro (±15 %), así que:

    - (b) se mide ``llamadas`` veces y cuenta la mediana (``lote_*``); ``lote_primera_*`` es la
      primera llamada (incluye crear los perfiles de LibreOffice) y ``lote_min_ms_doc`` /
      ``lote_max_ms_doc`` el rango.
    - (a) se mide en partes intercaladas con las llamadas de (b): un cambio de carga afecta a los
      dos por igual. Con ``muestra_por_documento`` se mide con esos primeros documentos y se
      extrapola.

    ``lote_sin_asignador_*`` repite el lote sin precargar jemalloc (si estaba en uso), para ver
    cuánto aporta. ``por_documento_perfil_preparado_*`` es (a) con el perfil que prepara a_pdf.
    ``*_cpu_ms_doc`` es el tiempo de CPU de LibreOffice por documento, de referencia cuando la
    máquina está ocupada y el tiempo de reloj sube.
    """
    if not documentos:
        raise ValueError("hace falta al menos un documento")
    if llamadas < 1:
        raise ValueError("llamadas debe ser 1 o más")
    soffice = buscar_soffice()
    n = len(documentos)
    asignador = modulo_pdf.asignador_memoria()
    muestra = documentos[: muestra_por_documento] if muestra_por_documento else documentos
    tramos = llamadas + 1 + (asignador is not None)  # uno antes, uno tras cada lote
    partes = [p for p in (muestra[k::tramos] for k in range(tramos)) if p]
    uno_a_uno = cpu_uno = 0.0
    lotes: list[tuple[float, int, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench_pdf_") as temporal:
        base = Path(temporal)

        pendientes = iter(partes)

        def parte_uno_a_uno() -> None:
            nonlocal uno_a_uno, cpu_uno
            parte = next(pendientes, None)
            if parte is not None:
                segundos, cpu = _por_documento(soffice, parte, base / "uno_a_uno", base / "perfil_uno_a_uno",
                                               calentar=parte is partes[0])
                uno_a_uno += segundos
                cpu_uno += cpu

        parte_uno_a_uno()
        for k in range(llamadas):
            lotes.append(_lote(documentos, base / f"lote_{k}", trabajadores))
            parte_uno_a_uno()
        if asignador is not None:
            sin, _, cpu_sin, _ = _lote(documentos, base / "lote_sin_asignador", trabajadores, sin_asignador=True)
            parte_uno_a_uno()
        uno_a_uno *= n / len(muestra)
        # El mismo bucle con el perfil que prepara a_pdf (sin las pruebas de dibujo de cada arranque):
        # muestra cuánto gana el lote por sí solo, no por el perfil.
        preparado = modulo_perfiles.RESERVA.tomar_perfil(soffice)
        try:
            uno_preparado, _ = _por_documento(soffice, muestra, base / "uno_preparado", preparado)
        finally:
            modulo_perfiles.RESERVA.devolver_perfil(soffice, preparado, sano=True)
        uno_preparado *= n / len(muestra)

    def cifras(prefijo: str, segundos: float) -> dict[str, float]:
        return {f"{prefijo}_s": round(segundos, 3), f"{prefijo}_docs_s": round(n / segundos, 2),
                f"{prefijo}_ms_doc": round(1000 * segundos / n, 1)}

    mediana = sorted(lotes)[(len(lotes) - 1) // 2]
    lote, arranques, cpu_lote, _ = mediana
    primera = lotes[0]
    rapido, lento = min(x[0] for x in lotes), max(x[0] for x in lotes)
    sin_asignador: dict[str, Any] = {}
    if asignador is not None:
        sin_asignador = {**cifras("lote_sin_asignador", sin),
                         "lote_sin_asignador_cpu_ms_doc": round(1000 * cpu_sin / n, 1),
                         "razon_sin_asignador": round(uno_a_uno / sin, 1)}
    return {
        "documentos": n,
        "trabajadores": trabajadores,
        "asignador": asignador,
        "llamadas_lote": llamadas,
        **cifras("por_documento", uno_a_uno),
        "por_documento_extrapolado": len(muestra) < n,
        **cifras("por_documento_perfil_preparado", uno_preparado),
        **cifras("lote", lote),
        **cifras("lote_primera", primera[0]),
        "lote_min_ms_doc": round(1000 * rapido / n, 1),
        "lote_max_ms_doc": round(1000 * lento / n, 1),
        "por_documento_cpu_ms_doc": round(1000 * cpu_uno / len(muestra), 1),
        "lote_cpu_ms_doc": round(1000 * cpu_lote / n, 1),
        "arranques_lote": arranques,
        "lote_rss_pico_mb": round(max(x[3] for x in lotes), 1),
        "razon": round(uno_a_uno / lote, 1),
        "razon_primera": round(uno_a_uno / primera[0], 1),
        "razon_min": round(uno_a_uno / lento, 1),
        "razon_max": round(uno_a_uno / rapido, 1),
        "razon_perfil_preparado": round(uno_preparado / lote, 1),
        **sin_asignador,
    }


def barrido(
    documentos: list[Path], opciones_trabajadores: list[int], tandas_por_trabajador: list[int]
) -> list[dict[str, Any]]:
    """Mide ``a_pdf`` con varios números de procesos y de tandas por proceso (perfiles ya creados)."""
    filas = []
    original = modulo_entrada.MAXIMO_POR_PROCESO
    try:
        with tempfile.TemporaryDirectory(prefix="bench_pdf_barrido_") as temporal:
            for trabajadores in opciones_trabajadores:
                _lote(documentos[:trabajadores], Path(temporal) / "calentar", trabajadores)  # perfiles listos
                for por_trabajador in tandas_por_trabajador:
                    por_proceso = math.ceil(len(documentos) / (trabajadores * por_trabajador))
                    modulo_entrada.MAXIMO_POR_PROCESO = max(1, por_proceso)
                    carpeta = Path(temporal) / f"w{trabajadores}_t{por_trabajador}"
                    segundos, arranques, _, _ = _lote(documentos, carpeta, trabajadores)
                    filas.append({"trabajadores": trabajadores, "tandas": arranques, "segundos": round(segundos, 3),
                                  "ms_doc": round(1000 * segundos / len(documentos), 1)})
    finally:
        modulo_entrada.MAXIMO_POR_PROCESO = original
    return filas


# --------------------------------------------------------------------------- documentos de prueba


def _campo(parrafo: Any, instruccion: str) -> None:
    run = parrafo.add_run()
    for tipo, texto in (("begin", ""), ("", f" {instruccion} "), ("separate", ""), ("t", "1"), ("end", "")):
        if tipo == "t":
            elemento = OxmlElement("w:t")
            elemento.text = texto
        elif tipo:
            elemento = OxmlElement("w:fldChar")
            elemento.set(qn("w:fldCharType"), tipo)
        else:
            elemento = OxmlElement("w:instrText")
            elemento.set(qn("xml:space"), "preserve")
            elemento.text = texto
        run._r.append(elemento)


def generar_documentos(carpeta: Path, n: int, paginas: int = 5, *, podados: bool = False) -> list[Path]:
    """``n`` .docx sencillos de ``paginas`` páginas con «Página X de Y» en el encabezado."""
    carpeta.mkdir(parents=True, exist_ok=True)
    modelo = docx.Document()
    parrafo = modelo.sections[0].header.paragraphs[0]
    parrafo.add_run("Página ")
    _campo(parrafo, "PAGE")
    parrafo.add_run(" de ")
    _campo(parrafo, "NUMPAGES")
    for numero in range(1, paginas + 1):
        modelo.add_heading(f"Sección {numero}", level=1)
        for _ in range(3):
            modelo.add_paragraph("Texto de la buena práctica de gestión pública, con tildes y eñes. " * 8)
        if numero < paginas:
            modelo.add_page_break()
    primero = carpeta / "documento_000.docx"
    modelo.save(str(primero))
    if podados:
        podar_estilos(primero)
    rutas = [primero]
    for i in range(1, n):
        rutas.append(carpeta / f"documento_{i:03d}.docx")
        shutil.copyfile(primero, rutas[-1])
    return rutas


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def podar_estilos(ruta: Path) -> None:
    """Deja en styles.xml solo los estilos usados (y sus cadenas) y quita stylesWithEffects.xml.

    Solo para medir: la plantilla por omisión de python-docx trae ~350 KB de estilos que
    LibreOffice lee en cada documento; esto muestra cuánto cuesta.
    """
    with zipfile.ZipFile(ruta) as paquete:
        partes = {i.filename: paquete.read(i) for i in paquete.infolist()}
    usados: set[str] = set()
    for nombre, datos in partes.items():
        if nombre.startswith("word/") and nombre.endswith(".xml") and "styles" not in nombre.lower():
            usados |= {m.decode() for m in re.findall(rb'w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', datos)}
    raiz = etree.fromstring(partes["word/styles.xml"])
    estilos = {e.get(f"{_W}styleId"): e for e in raiz.iter(f"{_W}style")}
    guardar = {i for i in usados if i in estilos} | {
        i for i, e in estilos.items() if e.get(f"{_W}default") in ("1", "true")}
    pendientes = list(guardar)
    while pendientes:
        estilo = estilos[pendientes.pop()]
        for etiqueta in ("basedOn", "link", "next"):
            ref = estilo.find(f"{_W}{etiqueta}")
            valor = ref.get(f"{_W}val") if ref is not None else None
            if valor in estilos and valor not in guardar:
                guardar.add(valor)
                pendientes.append(valor)
    for identificador, estilo in estilos.items():
        if identificador not in guardar:
            raiz.remove(estilo)
    for latentes in raiz.findall(f"{_W}latentStyles"):
        raiz.remove(latentes)
    partes["word/styles.xml"] = etree.tostring(raiz, xml_declaration=True, encoding="UTF-8", standalone=True)
    if partes.pop("word/stylesWithEffects.xml", None) is not None:
        for nombre, patron in (("word/_rels/document.xml.rels", rb"<Relationship [^>]*stylesWithEffects[^>]*/>"),
                               ("[Content_Types].xml", rb"<Override [^>]*stylesWithEffects[^>]*/>")):
            partes[nombre] = re.sub(patron, b"", partes[nombre])
    with zipfile.ZipFile(ruta, "w", zipfile.ZIP_DEFLATED) as paquete:
        for nombre, datos in partes.items():
            paquete.writestr(nombre, datos)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="documentos a convertir (40)")
    parser.add_argument("--paginas", type=int, default=5, help="páginas por documento (5)")
    parser.add_argument("--trabajadores", type=int, default=os.cpu_count() or 1, help="procesos de LibreOffice")
    parser.add_argument("--muestra", type=int, default=None, help="documentos para medir (a) y extrapolar")
    parser.add_argument("--barrido", action="store_true", help="probar también 1-4 procesos y 1-4 tandas por proceso")
    parser.add_argument("--estilos-podados", action="store_true",
                        help="quitar de los .docx los ~350 KB de estilos sin usar de la plantilla de python-docx")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_pdf_docs_") as temporal:
        documentos = generar_documentos(Path(temporal), args.n, args.paginas, podados=args.estilos_podados)
        cifras = medir_pdf(documentos, args.trabajadores, muestra_por_documento=args.muestra)
        print(json.dumps(cifras, ensure_ascii=False, indent=2))
        print(f"\nUn arranque por documento: {cifras['por_documento_ms_doc']} ms/doc; "
              f"a_pdf en lote (mediana de {cifras['llamadas_lote']}): {cifras['lote_ms_doc']} ms/doc, "
              f"{cifras['razon']}x más rápido (entre {cifras['razon_min']}x y {cifras['razon_max']}x); "
              f"{cifras['arranques_lote']} arranque(s) de LibreOffice para {cifras['documentos']} documentos.\n"
              f"Un arranque por documento con el perfil preparado: {cifras['por_documento_perfil_preparado_ms_doc']} "
              f"ms/doc ({cifras['razon_perfil_preparado']}x más lento que el lote).")
        if args.barrido:
            print("\ntrabajadores  tandas  segundos  ms/doc")
            for fila in barrido(documentos, [1, 2, 3, 4], [1, 2, 4]):
                print(f"{fila['trabajadores']:>12}  {fila['tandas']:>6}  {fila['segundos']:>8}  {fila['ms_doc']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
