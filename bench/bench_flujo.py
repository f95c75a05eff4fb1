"""LibreOffice vivo: convertidor caliente y ``lote --pdf`` en flujo frente a ``a_pdf``.

    python bench/bench_flujo.py --docs 20 --lote 100 --rondas 2

1. Convertidor caliente (:class:`ConvertidorPdf`): ms por documento tras el arranque, por la
   tubería de instancia única; y, para comparar, el cliente ``soffice --convert-to`` contra la
   misma instancia viva (un proceso por documento que le pasa la orden). Además, el CPU de
   LibreOffice por documento (leído de /proc, no depende de la carga).
2. ``generar_lote(pdf=True)`` (genera y convierte en flujo) frente a ``a_pdf`` sobre los mismos
   .docx ya escritos, en rondas intercaladas. La meta: el lote completo a 1,1x o menos de ``a_pdf``.

Anota la carga media (``os.getloadavg``) al empezar y al terminar cada parte.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import fichas, libro_fichas  # noqa: E402
import maquina  # noqa: E402


def _resumen(valores: list[float]) -> dict[str, float]:
    return {"mediana": round(statistics.median(valores), 1), "min": round(min(valores), 1),
            "max": round(max(valores), 1)}


def medir_caliente(docs: int, carpeta: Path) -> dict[str, Any]:
    from acuerdo_docs.documentos.ficha import generar_ficha
    from acuerdo_docs.esquemas import BuenaPractica
    from acuerdo_docs.salida.pdf import ConvertidorPdf
    from acuerdo_docs.salida.pdf.soffice import FILTRO_PDFA, buscar_soffice

    entradas = [generar_ficha(BuenaPractica.model_validate(d), carpeta / f"f{i:03d}.docx")
                for i, d in enumerate(fichas(docs))]
    carga = [maquina.carga()]
    tuberia: list[float] = []
    cliente: list[float] = []
    cpu: list[float] = []
    soffice = buscar_soffice()
    with ConvertidorPdf() as convertidor:
        inicio = time.perf_counter()
        convertidor.convertir(entradas[0], carpeta / "primero.pdf")  # arranque + el primero
        primero = (time.perf_counter() - inicio) * 1000
        puesto = convertidor._puestos[0]
        grupo = puesto.instancia.proceso.pid  # type: ignore[union-attr]
        for i, entrada in enumerate(entradas):  # intercalado: tubería y cliente, documento a documento
            antes = maquina.cpu_grupo(grupo)
            inicio = time.perf_counter()
            convertidor.convertir(entrada, carpeta / "pdf" / f"{i:03d}.pdf")
            tuberia.append((time.perf_counter() - inicio) * 1000)
            cpu.append((maquina.cpu_grupo(grupo) - antes) * 1000)
            orden = [soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
                     f"-env:UserInstallation={puesto.perfil.as_uri()}", "--convert-to", FILTRO_PDFA,
                     "--outdir", str(carpeta / "cliente"), str(entrada)]
            inicio = time.perf_counter()
            subprocess.run(orden, check=True, capture_output=True, timeout=120)
            cliente.append((time.perf_counter() - inicio) * 1000)
    carga.append(maquina.carga())
    return {"documentos": docs, "primero_ms": round(primero), "tuberia_ms": _resumen(tuberia),
            "cliente_ms": _resumen(cliente), "cpu_libreoffice_ms": _resumen(cpu), "carga": carga}


def _cpu_total() -> float:
    """CPU de este proceso y de sus hijos ya recogidos (LibreOffice incluido: ver _recoger)."""
    import resource

    return sum(resource.getrusage(quien).ru_utime + resource.getrusage(quien).ru_stime
               for quien in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def _medida(funcion: Any) -> tuple[float, float]:
    """(segundos de reloj, segundos de CPU de Python y de LibreOffice) de ``funcion()``."""
    from bench_pdf_frio import _recoger

    cpu = _cpu_total()
    inicio = time.perf_counter()
    funcion()
    segundos = time.perf_counter() - inicio
    _recoger(time.monotonic() + 5)  # el LibreOffice matado pasa a este proceso (subreaper): su CPU cuenta
    return segundos, _cpu_total() - cpu


def _lote_una(libro: Path, carpeta: Path) -> tuple[float, float]:
    from acuerdo_docs.lote import generar_lote

    def lote() -> None:
        informe = generar_lote(libro, carpeta, pdf=True)
        assert informe.codigo_salida == 0 and len(informe.pdf) == informe.generadas, informe.errores

    return _medida(lote)


def _a_pdf_una(documentos: list[Path], carpeta: Path) -> tuple[float, float]:
    from acuerdo_docs.salida.pdf import a_pdf

    def convertir() -> None:
        resultado = a_pdf(documentos, carpeta)
        assert resultado.ok, resultado.fallidos

    return _medida(convertir)


def medir_lote(n: int, rondas: int, carpeta: Path) -> dict[str, Any]:
    from acuerdo_docs.lote import generar_lote

    libro = carpeta / "lote.xlsx"
    libro_fichas(libro, n)
    docx = carpeta / "docx"
    generar_lote(libro, docx)
    documentos = sorted(docx.glob("*.docx"))
    from bench_pdf_frio import _subreaper

    _subreaper()
    carga = [maquina.carga()]
    _a_pdf_una(documentos[:4], carpeta / "calentar_a_pdf")  # perfiles y caché de disco
    _lote_una(libro, carpeta / "calentar_lote")
    lote: list[float] = []
    solo: list[float] = []
    cpu_lote: list[float] = []
    cpu_solo: list[float] = []
    for ronda in range(rondas):  # intercaladas; el orden se alterna para que ninguno vaya siempre primero
        pasos = [("a", carpeta / f"a_pdf{ronda}"), ("l", carpeta / f"lote{ronda}")]
        for quien, destino in pasos if ronda % 2 == 0 else pasos[::-1]:
            if quien == "a":
                reloj, cpu = _a_pdf_una(documentos, destino)
                solo.append(reloj)
                cpu_solo.append(cpu)
            else:
                reloj, cpu = _lote_una(libro, destino)
                lote.append(reloj)
                cpu_lote.append(cpu)
    carga.append(maquina.carga())
    razones = [a / b for a, b in zip(lote, solo)]
    return {"documentos": len(documentos), "rondas": rondas, "lote_pdf_s": _resumen(lote), "a_pdf_s": _resumen(solo),
            "razon": {"mediana": round(statistics.median(razones), 2), "min": round(min(razones), 2),
                      "max": round(max(razones), 2)},
            "lote_ms_pdf": round(statistics.median(lote) / len(documentos) * 1000, 1),
            "cpu_lote_ms_pdf": round(statistics.median(cpu_lote) / len(documentos) * 1000, 1),
            "cpu_a_pdf_ms_pdf": round(statistics.median(cpu_solo) / len(documentos) * 1000, 1), "carga": carga}


def imprimir(caliente: dict[str, Any] | None, lote: dict[str, Any] | None) -> None:
    if caliente:
        t, c, cpu = caliente["tuberia_ms"], caliente["cliente_ms"], caliente["cpu_libreoffice_ms"]
        print(f"\nConvertidor caliente ({caliente['documentos']} fichas, PDF/A; carga "
              f"{caliente['carga'][0]} → {caliente['carga'][1]})")
        print(f"  arranque + primer documento          {caliente['primero_ms']:7d} ms")
        print(f"  por la tubería (ConvertidorPdf)      {t['mediana']:7.0f} ms/doc  rango {t['min']:.0f}-{t['max']:.0f}")
        print(f"  cliente soffice --convert-to (vivo)  {c['mediana']:7.0f} ms/doc  rango {c['min']:.0f}-{c['max']:.0f}")
        print(f"  CPU de LibreOffice por documento     {cpu['mediana']:7.0f} ms/doc  rango "
              f"{cpu['min']:.0f}-{cpu['max']:.0f}")
    if lote:
        a, b, r = lote["lote_pdf_s"], lote["a_pdf_s"], lote["razon"]
        print(f"\nlote --pdf en flujo frente a a_pdf ({lote['documentos']} fichas, {lote['rondas']} rondas "
              f"intercaladas; carga {lote['carga'][0]} → {lote['carga'][1]})")
        print(f"  generar_lote(pdf=True), todo         {a['mediana']:7.1f} s   rango {a['min']:.1f}-{a['max']:.1f}"
              f"   ({lote['lote_ms_pdf']} ms/PDF)")
        print(f"  a_pdf sobre los mismos .docx         {b['mediana']:7.1f} s   rango {b['min']:.1f}-{b['max']:.1f}")
        print(f"  razón lote/a_pdf                     {r['mediana']:7.2f}     "
              f"rango {r['min']}-{r['max']}   (meta <= 1,05)")
        print(f"  CPU por PDF (Python + LibreOffice)   lote {lote['cpu_lote_ms_pdf']} ms, "
              f"a_pdf {lote['cpu_a_pdf_ms_pdf']} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20, help="fichas para el convertidor caliente (0 lo omite)")
    parser.add_argument("--lote", type=int, default=100, help="fichas del lote (0 lo omite)")
    parser.add_argument("--rondas", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_flujo_") as temporal:
        carpeta = Path(temporal)
        (carpeta / "c").mkdir()
        (carpeta / "l").mkdir()
        caliente = medir_caliente(args.docs, carpeta / "c") if args.docs else None
        lote = medir_lote(args.lote, args.rondas, carpeta / "l") if args.lote else None
    imprimir(caliente, lote)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
