"""Convertidor caliente por UNO (conexión persistente) frente al nuestro por la tubería de instancia única.

    python bench/bench_uno.py --docs 30 --rondas 3

Responde a la pregunta del issue 17: ¿una conexión UNO persistente convierte más rápido que
``soffice --convert-to`` pasado por la tubería a una instancia viva (:class:`ConvertidorPdf`)? UNO
solo existe para el Python del sistema (paquete ``python3-uno`` de Debian/Ubuntu), así que la parte
UNO corre en ``/usr/bin/python3`` (este mismo archivo con ``--uno``) y la nuestra en este Python;
las dos sobre los mismos .docx, con el mismo filtro PDF/A-2b, en rondas intercaladas, cada una con
su LibreOffice ya arrancado (se mide solo la conversión: reloj, y CPU de LibreOffice leído de /proc,
que no depende de la carga). Sin ``python3-uno`` dice cómo instalarlo.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import maquina  # noqa: E402

PYTHON_SISTEMA = "/usr/bin/python3"


# ------------------------------------------------------------ lado UNO (Python del sistema)


def _uno(docs: list[str], salida: str, rondas: int, soffice: str) -> dict[str, Any]:
    import uno  # noqa: PLC0415 - solo existe en el Python del sistema
    from com.sun.star.beans import PropertyValue  # noqa: PLC0415

    def prop(nombre: str, valor: Any) -> Any:
        p = PropertyValue()
        p.Name, p.Value = nombre, valor
        return p

    perfil = tempfile.mkdtemp(prefix="bench_uno_perfil_")
    puerto = 20000 + os.getpid() % 20000
    proceso = subprocess.Popen(
        [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
         f"-env:UserInstallation=file://{perfil}", f"--accept=socket,host=127.0.0.1,port={puerto};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        local = uno.getComponentContext()
        resolvedor = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(600):
            try:
                contexto = resolvedor.resolve(f"uno:socket,host=127.0.0.1,port={puerto};urp;"
                                              "StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 - aún arrancando
                time.sleep(0.05)
        escritorio = contexto.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", contexto)
        datos_filtro = uno.Any("[]com.sun.star.beans.PropertyValue", tuple(
            prop(n, v) for n, v in (("SelectPdfVersion", 2), ("UseTaggedPDF", True), ("PDFUACompliance", True))))

        def convertir(doc: str, destino: str) -> None:
            documento = escritorio.loadComponentFromURL(uno.systemPathToFileUrl(doc), "_blank", 0,
                                                        (prop("Hidden", True),))
            try:
                uno.invoke(documento, "storeToURL", (uno.systemPathToFileUrl(destino), (
                    prop("FilterName", "writer_pdf_Export"), prop("FilterData", datos_filtro))))
            finally:
                documento.close(True)

        # Un documento de Writer vacío abierto de reserva, como el de ConvertidorPdf (mismas condiciones).
        escritorio.loadComponentFromURL("private:factory/swriter", "_blank", 0, (prop("Hidden", True),))
        convertir(docs[0], os.path.join(salida, "calentar.pdf"))
        tiempos = []
        cpu = []
        for ronda in range(rondas):
            antes = maquina.cpu_grupo(proceso.pid)
            inicio = time.perf_counter()
            for i, doc in enumerate(docs):
                convertir(doc, os.path.join(salida, f"uno_{ronda}_{i}.pdf"))
            tiempos.append((time.perf_counter() - inicio) / len(docs) * 1000)
            cpu.append((maquina.cpu_grupo(proceso.pid) - antes) / len(docs) * 1000)
        return {"ms_por_doc": tiempos, "cpu_ms_por_doc": cpu}
    finally:
        os.killpg(proceso.pid, signal.SIGKILL)  # el grupo entero: el lanzador y soffice.bin
        proceso.wait()
        shutil.rmtree(perfil, ignore_errors=True)


# ------------------------------------------------------------ lado propio


def _propio(docs: list[Path], salida: Path, rondas: int) -> dict[str, Any]:
    from acuerdo_docs.salida.pdf import ConvertidorPdf

    with ConvertidorPdf() as convertidor:
        convertidor.convertir(docs[0], salida / "calentar.pdf")
        grupo = convertidor._puestos[0].instancia.proceso.pid  # type: ignore[union-attr]
        tiempos = []
        cpu = []
        for ronda in range(rondas):
            antes = maquina.cpu_grupo(grupo)
            inicio = time.perf_counter()
            for i, doc in enumerate(docs):
                convertidor.convertir(doc, salida / f"propio_{ronda}_{i}.pdf")
            tiempos.append((time.perf_counter() - inicio) / len(docs) * 1000)
            cpu.append((maquina.cpu_grupo(grupo) - antes) / len(docs) * 1000)
    return {"ms_por_doc": tiempos, "cpu_ms_por_doc": cpu}


def _documentos(carpeta: Path, n: int) -> list[Path]:
    from datos import fichas

    from acuerdo_docs.documentos.ficha import generar_ficha

    return [generar_ficha(datos, carpeta / f"ficha_{i:03d}.docx") for i, datos in enumerate(fichas(n))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=30)
    parser.add_argument("--rondas", type=int, default=3, help="rondas intercaladas (una de cada lado por ronda)")
    parser.add_argument("--uno", nargs=4, metavar=("JSON_DOCS", "SALIDA", "RONDAS", "SOFFICE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.uno:  # el lado UNO, en el Python del sistema
        docs, salida, rondas, soffice = args.uno
        print(json.dumps(_uno(json.loads(docs), salida, int(rondas), soffice)))
        return 0
    prueba = subprocess.run([PYTHON_SISTEMA, "-c", "import uno"], capture_output=True)
    if prueba.returncode != 0:
        print("Falta UNO para el Python del sistema: sudo apt-get install python3-uno")
        return 2
    from acuerdo_docs.salida.pdf.soffice import buscar_soffice

    soffice = buscar_soffice()
    carga = [round(os.getloadavg()[0], 2)]
    with tempfile.TemporaryDirectory(prefix="bench_uno_") as temporal:
        carpeta = Path(temporal)
        docs = _documentos(carpeta, args.docs)
        uno_ms: list[float] = []
        propio_ms: list[float] = []
        uno_cpu: list[float] = []
        propio_cpu: list[float] = []
        for ronda in range(args.rondas):
            salida = carpeta / f"r{ronda}"
            salida.mkdir()
            orden = [PYTHON_SISTEMA, __file__, "--uno", json.dumps([str(d) for d in docs]), str(salida), "1", soffice]
            hecho = subprocess.run(orden, capture_output=True, text=True, check=True)
            uno = json.loads(hecho.stdout.strip().splitlines()[-1])
            propio = _propio(docs, salida, 1)
            uno_ms += uno["ms_por_doc"]
            uno_cpu += uno["cpu_ms_por_doc"]
            propio_ms += propio["ms_por_doc"]
            propio_cpu += propio["cpu_ms_por_doc"]
    carga.append(round(os.getloadavg()[0], 2))
    print(f"\nConversión caliente a PDF/A ({args.docs} fichas, {args.rondas} rondas intercaladas; carga {carga[0]} → "
          f"{carga[1]} en {os.cpu_count()} núcleos), ms por documento:")
    for nombre, valores, cpu in (("UNO persistente (loadComponentFromURL + storeToURL)", uno_ms, uno_cpu),
                                 ("ConvertidorPdf (tubería de instancia única)", propio_ms, propio_cpu)):
        print(f"  {nombre:<52} mediana {statistics.median(valores):5.1f}   rango "
              f"{min(valores):.1f}-{max(valores):.1f}   CPU de LibreOffice {statistics.median(cpu):5.1f} "
              f"({min(cpu):.1f}-{max(cpu):.1f})")
    razones = [a / b for a, b in zip(uno_ms, propio_ms)]
    print(f"  UNO / tubería, cada ronda: {statistics.median(razones):.2f}x ({min(razones):.2f}-{max(razones):.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
