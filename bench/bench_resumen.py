"""La tabla de rendimiento del PDF y del arranque (issue 17), en una sola corrida.

    python bench/bench.py --resumen              # o: python bench/bench_resumen.py --veces 5

Cada parte intercala sus medidas, da mediana y rango y anota la carga media de la máquina
(``os.getloadavg``) al empezar y al terminar; al final imprime la tabla en Markdown (la de
docs/pdf.md) con las metas y si se cumplen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_arranque import imprimir as imprimir_arranque  # noqa: E402
from bench_arranque import CARBONE_FRENTE_A_97885FB, medir_arranque, razon_carbone_estimada  # noqa: E402
from bench_flujo import imprimir as imprimir_flujo  # noqa: E402
from bench_flujo import medir_caliente, medir_lote  # noqa: E402
from bench_paralelo import imprimir as imprimir_paralelo  # noqa: E402
from bench_pdf_frio import imprimir as imprimir_pdf_frio  # noqa: E402
from bench_pdf_frio import medir_pdf_frio  # noqa: E402
from bench_paralelo import medir as medir_paralelo  # noqa: E402
from bench_render import imprimir as imprimir_render  # noqa: E402
from bench_render import medir_render  # noqa: E402


def medir(veces: int, docs: int, lote: int, rondas: int, base: str | None = "97885fb",
          veces_pdf: int = 15) -> dict[str, Any]:
    resultados: dict[str, Any] = {"arranque": medir_arranque(veces, pdf=True, base=base)}
    imprimir_arranque(resultados["arranque"])
    resultados["pdf_frio"] = medir_pdf_frio(veces_pdf)
    imprimir_pdf_frio(resultados["pdf_frio"])
    with tempfile.TemporaryDirectory(prefix="bench_resumen_") as temporal:
        carpeta = Path(temporal)
        (carpeta / "c").mkdir()
        (carpeta / "l").mkdir()
        resultados["caliente"] = medir_caliente(docs, carpeta / "c")
        resultados["lote"] = medir_lote(lote, rondas, carpeta / "l")
    imprimir_flujo(resultados["caliente"], resultados["lote"])
    resultados["render"] = medir_render(200, max(rondas, 5))
    imprimir_render(resultados["render"])
    resultados["paralelo"] = _medir_paralelo(rondas)
    return resultados


def _medir_paralelo(rondas: int, filas: int = 1000) -> dict[str, Any]:
    """Lote y generar_ficha en 1 y 2 procesos, y el lote de la CLI contra docxtpl (issue 29, metas 1 y 2)."""
    r = medir_paralelo(filas, max(rondas, 3), muestra=60, api=400)
    imprimir_paralelo(r["lote"], r["cli"], r["api"])
    return r


def filas_paralelo(r: dict[str, Any]) -> list[str]:
    """Las filas de la tabla de ``bench_paralelo.py``."""
    lote, cli, api = r["lote"], r["cli"], r["api"]
    carga_l, carga_c, carga_a = (f"{x['carga'][0]}–{x['carga'][1]}" for x in (lote, cli, api))
    uno, dos = lote["uno"], lote["dos"]
    trabajador = dos["rss_trabajador_mb"]["mediana"]
    filas = [
        _fila(f"`lote` a .docx, 2 procesos / 1 ({lote['filas']} fichas)", f"{lote['razon']['mediana']:.2f}x",
              f"{lote['razon']['min']}–{lote['razon']['max']}", carga_l, ">= 1,8x", lote["razon"]["mediana"] >= 1.8),
        _fila("  (la misma corrida por CPU: 2 núcleos libres)", f"{lote['razon_por_cpu']:.2f}x", "", carga_l, "",
              None),
        *([_fila("  2 procesos (2 núcleos) / 1 proceso fijado a 1 núcleo", f"{lote['razon_un_nucleo']['mediana']:.2f}x",
                 f"{lote['razon_un_nucleo']['min']}–{lote['razon_un_nucleo']['max']}", carga_l, "", None)]
          if lote.get("razon_un_nucleo") else []),
        _fila("  CPU por documento, 1 / 2 procesos (principal sin renderizar)",
              f"{uno['cpu_ms_doc']['mediana']:.2f} / {dos['cpu_ms_doc']['mediana']:.2f} ms",
              f"({dos['cpu_principal_sin_render_ms_doc']['mediana']:.2f} ms)", carga_l, "", None),
        _fila("  memoria del árbol: 2 procesos − 1", f"{lote['memoria_crece_mb']:.0f} MB",
              f"{uno['rss_arbol_mb']['mediana']:.0f} → {dos['rss_arbol_mb']['mediana']:.0f} MB", carga_l,
              f"<= un trabajador ({trabajador:.0f} MB)", lote["memoria_crece_mb"] <= trabajador),
        _fila(f"`acuerdo-docs lote` {cli['filas']} filas / bucle de docxtpl", f"{cli['razon']['mediana']:.1f}x",
              f"{cli['razon']['min']}–{cli['razon']['max']}", carga_c, ">= 25x", cli["razon"]["mediana"] >= 25),
    ]
    for modo, titulo in (("fsync", "fsync por documento"), ("tanda", "en `tanda_durable()`")):
        a = api[modo]
        filas.append(_fila(f"`generar_ficha` 2 procesos / 1, {titulo} ({api['fichas']} fichas)",
                           f"{a['razon']['mediana']:.2f}x", f"{a['razon']['min']}–{a['razon']['max']}", carga_a,
                           ">= 1,8x", a["razon"]["mediana"] >= 1.8))
    filas.append(_fila("  (en `tanda_durable()`, por CPU: 2 núcleos libres)", f"{api['tanda']['razon_por_cpu']:.2f}x",
                       "", carga_a, "", None))
    return filas


def _fila(medida: str, valor: str, rango: str, carga: str, meta: str, cumple: bool | None) -> str:
    marca = "—" if cumple is None else ("sí" if cumple else "no")
    return f"| {medida} | {valor} | {rango} | {carga} | {meta} | {marca} |"


def tabla(r: dict[str, Any]) -> str:
    a, c, lote, render = r["arranque"], r["caliente"], r["lote"], r["render"]
    carga_a = f"{a['carga'][0]}–{a['carga'][1]}"

    def ms(clave: str) -> tuple[str, str]:
        return f"{a[clave]['mediana_ms']} ms", f"{a[clave]['min_ms']}–{a[clave]['max_ms']}"

    filas = [
        "| medida | mediana | rango | carga | meta | ¿cumple? |",
        "| --- | --- | --- | --- | --- | --- |",
        _fila("`python -c pass` (el piso del intérprete)", *ms("python_vacio"), carga_a, "", None),
        _fila("`import acuerdo_docs`", *ms("import"), carga_a, "<= 120 ms", a["import"]["mediana_ms"] <= 120),
        _fila("`ficha x.json -o y.docx` en frío", *ms("ficha_docx"), carga_a, "<= 250 ms",
              a["ficha_docx"]["mediana_ms"] <= 250),
        _fila("(la primera vez: sin la caché de plantillas compiladas)", *ms("ficha_docx_sin_cache"), carga_a,
              "", None),
        *filas_frente_a_docxtpl(a),
        _fila("`ficha x.json -o y.docx --pdf` en frío", *ms("ficha_pdf"), carga_a, "<= 700 ms",
              a["ficha_pdf"]["mediana_ms"] <= 700),
        _fila("`… --pdf --pdf-simple` en frío", *ms("ficha_pdf_simple"), carga_a, "", None),
        *filas_pdf_frio(r["pdf_frio"]),
        _fila("convertidor caliente, por documento", f"{c['tuberia_ms']['mediana']:.0f} ms",
              f"{c['tuberia_ms']['min']:.0f}–{c['tuberia_ms']['max']:.0f}", f"{c['carga'][0]}–{c['carga'][1]}",
              "<= 150 ms", c["tuberia_ms"]["mediana"] <= 150),
        _fila("  (cliente `soffice --convert-to` contra la instancia viva)", f"{c['cliente_ms']['mediana']:.0f} ms",
              f"{c['cliente_ms']['min']:.0f}–{c['cliente_ms']['max']:.0f}", f"{c['carga'][0]}–{c['carga'][1]}", "",
              None),
        _fila("  CPU de LibreOffice por documento", f"{c['cpu_libreoffice_ms']['mediana']:.0f} ms",
              f"{c['cpu_libreoffice_ms']['min']:.0f}–{c['cpu_libreoffice_ms']['max']:.0f}",
              f"{c['carga'][0]}–{c['carga'][1]}", "", None),
        *filas_lote_pdf(lote),
        *filas_render(render),
    ]
    if r.get("paralelo"):
        filas += filas_paralelo(r["paralelo"])
    return "\n".join(filas)


def filas_pdf_frio(p: dict[str, Any]) -> list[str]:
    """Issue 29, meta 5: ``ficha --pdf`` en frío frente a un ``soffice --convert-to pdf`` pelado (bench_pdf_frio.py)."""
    carga = f"{p['carga'][0]}–{p['carga'][1]}"

    def reloj_cpu(clave: str) -> tuple[str, str]:
        m, c = p[clave]["reloj"], p[clave]["cpu"]
        return f"{m['mediana']} / {c['mediana']} ms", f"{m['min']}–{m['max']}"

    filas = [
        _fila("`soffice --headless --convert-to pdf` pelado, perfil existente (reloj / CPU)", *reloj_cpu("soffice_pdf"),
              carga, "", None),
        _fila("`ficha x.json -o y.docx --pdf` en frío (reloj / CPU de todo el árbol)", *reloj_cpu("ficha_pdf"), carga,
              "", None),
    ]
    for clave, nombre in (("ficha_pdf", "`ficha --pdf` en frío / soffice pelado, reloj (cada ronda)"),
                          ("ficha_pdf_caliente", "  con un `ConvertidorPdf(compartir=True)` en otro proceso")):
        if clave in p:
            z = p[clave]["razon"]
            filas.append(_fila(nombre, f"{z['mediana']:.2f}x", f"{z['min']}–{z['max']}", carga, "<= 1,0x",
                               z["mediana"] <= 1.0))
    if "ficha_pdf_caliente" in p:
        filas.append(_fila("  (reloj / CPU, con el de su LibreOffice)", *reloj_cpu("ficha_pdf_caliente"), carga, "",
                           None))
    filas.append(_fila("  procesos vivos tras una orden", str(p["procesos_restantes"]), "", carga, "0",
                       p["procesos_restantes"] == 0))
    return filas


def filas_lote_pdf(lote: dict[str, Any]) -> list[str]:
    """Issue 29, meta 6: ``lote --pdf`` frente a ``a_pdf`` sobre los mismos .docx (bench_flujo.py)."""
    carga = f"{lote['carga'][0]}–{lote['carga'][1]}"
    return [
        _fila(f"`lote --pdf` / `a_pdf` ({lote['documentos']} fichas)", f"{lote['razon']['mediana']:.2f}x",
              f"{lote['razon']['min']}–{lote['razon']['max']}", carga, "<= 1,05x", lote["razon"]["mediana"] <= 1.05),
        _fila("`lote --pdf` de punta a punta, por PDF", f"{lote['lote_ms_pdf']} ms",
              f"{lote['lote_pdf_s']['min']}–{lote['lote_pdf_s']['max']} s en total", carga,
              "<= 40 ms (máquina tranquila)", lote["lote_ms_pdf"] <= 40),
        _fila("  CPU por PDF (Python y LibreOffice): `lote --pdf` / `a_pdf`",
              f"{lote['cpu_lote_ms_pdf']} / {lote['cpu_a_pdf_ms_pdf']} ms", "", carga, "", None),
    ]


def filas_frente_a_docxtpl(a: dict[str, Any]) -> list[str]:
    """Issue 29, meta 3: una ficha en frío frente a un guion mínimo de docxtpl y frente a Carbone."""
    carga = f"{a['carga'][0]}–{a['carga'][1]}"
    d, reloj, cpu = a["docxtpl_minimo"], a["razon_docxtpl"]["reloj"], a["razon_docxtpl"]["cpu"]
    filas = [
        _fila("`bench/docxtpl_minimo.py` en frío (el mismo JSON, la misma plantilla; reloj / CPU)",
              f"{d['mediana_ms']} / {d['cpu']['mediana_ms']} ms", f"{d['min_ms']}–{d['max_ms']}", carga, "", None),
        _fila("`ficha -o y.docx` en frío / docxtpl mínimo, reloj (cada ronda)", f"{reloj[0]:.2f}x",
              f"{reloj[1]}–{reloj[2]}", carga, "<= 1,0x", reloj[0] <= 1.0),
        _fila("`ficha -o y.docx` en frío / docxtpl mínimo, CPU del proceso", f"{cpu[0]:.2f}x",
              f"{cpu[1]}–{cpu[2]}", carga, "<= 1,0x", cpu[0] <= 1.0),
    ]
    carbone = razon_carbone_estimada(a)
    if carbone is not None:
        base = a["razon_base"]["reloj"]
        filas.append(_fila(f"`ficha -o y.docx` en frío / Carbone (no instalado: ficha/97885fb, {base[0]:.2f}x, "
                           f"x {CARBONE_FRENTE_A_97885FB} del issue 29)", f"{carbone:.2f}x",
                           f"{base[1] * CARBONE_FRENTE_A_97885FB:.2f}–{base[2] * CARBONE_FRENTE_A_97885FB:.2f}",
                           carga, "< 1,0x", carbone < 1.0))
    return filas


def filas_render(render: dict[str, Any]) -> list[str]:
    """Issue 29, meta 4: el render frente al suelo escrito a mano (y frente al mismo Jinja, que no es un suelo)."""
    carga = f"{render['carga'][0]}–{render['carga'][1]}"
    razon, jinja = render["razon"], render["razon_jinja"]
    return [
        _fila("render / suelo escrito a mano (llenar + zip + escribir, mismos bytes), CPU", f"{razon[0]:.2f}x",
              f"{razon[1]}–{razon[2]}", carga, "<= 1,3x", razon[0] <= 1.3),
        _fila("  render, CPU por documento", f"{render['camino_ms'][0]:.3f} ms",
              f"{render['camino_ms'][1]}–{render['camino_ms'][2]}", carga, "", None),
        _fila("  suelo escrito a mano, CPU por documento", f"{render['suelo_ms'][0]:.3f} ms",
              f"{render['suelo_ms'][1]}–{render['suelo_ms'][2]}", carga, "", None),
        _fila("  render / el mismo Jinja con sandbox sin pasadas (no es un suelo)", f"{jinja[0]:.2f}x",
              f"{jinja[1]}–{jinja[2]}", carga, "", None),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--veces", type=int, default=5, help="rondas del arranque en frío")
    parser.add_argument("--veces-pdf", type=int, default=15,
                        help="rondas de ficha --pdf frente a soffice pelado (cada una ~1 s; la razón varía ±15 %% por ronda)")
    parser.add_argument("--docs", type=int, default=20, help="documentos del convertidor caliente")
    parser.add_argument("--lote", type=int, default=100, help="fichas del lote --pdf frente a a_pdf")
    parser.add_argument("--rondas", type=int, default=3, help="rondas intercaladas del lote y del render")
    parser.add_argument("--base", default="97885fb", help="revisión medida en las mismas rondas para estimar "
                        "Carbone (issue 29); «ninguna» para no medirla")
    args = parser.parse_args(argv)
    print(f"Máquina: {os.cpu_count()} núcleos; carga media al empezar {os.getloadavg()[0]:.2f}")
    base = None if args.base == "ninguna" else args.base
    print("\n" + tabla(medir(args.veces, args.docs, args.lote, args.rondas, base, args.veces_pdf)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
