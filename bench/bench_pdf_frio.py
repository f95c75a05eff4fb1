"""``ficha --pdf`` en frío frente a un ``soffice --convert-to pdf`` pelado (issue 29, meta 5).

    python bench/bench_pdf_frio.py --veces 5

Cada medida es un proceso nuevo, en rondas intercaladas (la carga de la máquina afecta a todas
por igual):

- ``soffice --headless --convert-to pdf`` del mismo .docx con un perfil ya creado (el piso: lo
  que escribiría alguien a mano; y con el filtro PDF/A-2b de la orden, para comparar lo mismo);
- ``acuerdo-docs ficha x.json -o y.docx --pdf`` (lee, valida, genera el .docx y lo convierte a
  PDF/A-2b) con su perfil en la caché del usuario, como la corre una persona;
- la misma orden con un ``ConvertidorPdf(compartir=True)`` caliente en otro proceso (con su
  propia caché de perfiles, para que las demás órdenes no lo vean), que la orden reutiliza.

Da la mediana y el rango del tiempo de reloj, el CPU de todo el árbol de procesos (Python y
LibreOffice: este proceso se declara *subreaper* y recoge a los nietos huérfanos) y la carga
media al empezar y al terminar. Comprueba además que ninguna orden deja procesos vivos.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import maquina  # noqa: E402

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"
_PR_SET_CHILD_SUBREAPER = 36


def _subreaper() -> None:
    """Los nietos huérfanos (LibreOffice matado por la orden) pasan a este proceso: su CPU cuenta."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _recoger(hasta: float, excepto: frozenset[int] = frozenset()) -> int:
    """Recoge a los descendientes que terminaron; devuelve cuántos seguían vivos pasado ``hasta``."""
    vacias = 0
    while True:
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            pass
        vivos = maquina.hijos(os.getpid(), set(excepto))
        # Dos miradas vacías seguidas: un soffice.bin matado tarda en quedar huérfano (y ser de este proceso).
        vacias = 0 if vivos else vacias + 1
        if vacias >= 2:
            return 0
        if time.monotonic() > hasta:
            return len(vivos)
        time.sleep(0.05)


def _cpu_hijos() -> float:
    uso = resource.getrusage(resource.RUSAGE_CHILDREN)
    return uso.ru_utime + uso.ru_stime


def _correr(orden: list[str], entorno: dict[str, str], excepto: frozenset[int] = frozenset(),
            prestado: int | None = None) -> tuple[float, float, int]:
    """(ms de reloj, ms de CPU del árbol, procesos que quedaron vivos más de 2 s).

    ``prestado``: el pid del convertidor caliente; el CPU que gasta su LibreOffice mientras tanto
    (la conversión de esta orden) se suma.
    """
    cpu = _cpu_hijos() + (maquina.cpu_arbol(prestado) if prestado else 0.0)
    inicio = time.perf_counter()
    subprocess.run(orden, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=entorno)
    reloj = (time.perf_counter() - inicio) * 1000
    restos = _recoger(time.monotonic() + 2, excepto)
    return reloj, (_cpu_hijos() + (maquina.cpu_arbol(prestado) if prestado else 0.0) - cpu) * 1000, restos


def _resumen(valores: list[float]) -> dict[str, float]:
    return {"mediana": round(statistics.median(valores)), "min": round(min(valores)), "max": round(max(valores))}


def _caliente(listo: Path, entorno: dict[str, str]) -> subprocess.Popen[bytes]:
    """Otro proceso con un ConvertidorPdf caliente y compartido (como un servidor), hasta que se le cierre la entrada."""
    codigo = ("import sys; from acuerdo_docs.salida.pdf import ConvertidorPdf\n"
              "with ConvertidorPdf(compartir=True) as c:\n"
              f"    c.convertir({str(listo)!r}); sys.stdin.read()\n")
    return subprocess.Popen([sys.executable, "-c", codigo], stdin=subprocess.PIPE, env=entorno)


def _esperar_caliente(listo: Path, servidor: subprocess.Popen[bytes]) -> None:
    for _ in range(1200):  # hasta que convirtió su primer documento
        if listo.with_suffix(".pdf").is_file() or servidor.poll() is not None:
            break
        time.sleep(0.05)
    if not listo.with_suffix(".pdf").is_file():
        raise RuntimeError("el ConvertidorPdf caliente no arrancó")


def medir_pdf_frio(veces: int = 5, caliente: bool = True, otra: Path | None = None) -> dict[str, Any]:
    from acuerdo_docs.salida.pdf.perfiles import sembrar_perfil
    from acuerdo_docs.salida.pdf.soffice import FILTRO_PDFA, buscar_soffice, version_libreoffice

    _subreaper()
    soffice = buscar_soffice()
    entorno = dict(os.environ, PYTHONPATH=str(RAIZ / "src"))
    entorno.pop("PYTHONDONTWRITEBYTECODE", None)  # con .pyc, como instala pip (la primera corrida los escribe)
    cli = [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o"]
    carga = [maquina.carga()]
    with tempfile.TemporaryDirectory(prefix="bench_pdf_frio_") as temporal:
        carpeta = Path(temporal)
        entorno["XDG_CACHE_HOME"] = str(carpeta / "cache")  # la caché de perfiles de la orden, propia
        (carpeta / "cache").mkdir(0o700)
        docx = carpeta / "ficha.docx"
        subprocess.run([*cli, str(docx)], check=True, stdout=subprocess.DEVNULL, env=entorno)
        perfil = carpeta / "perfil"
        sembrar_perfil(perfil, version_libreoffice(soffice))

        def pelado(filtro: str, nombre: str) -> list[str]:
            return [soffice, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                    f"-env:UserInstallation={perfil.as_uri()}", "--convert-to", filtro,
                    "--outdir", str(carpeta / nombre), str(docx)]

        ordenes = {
            "soffice_pdf": pelado("pdf", "s"),
            "soffice_pdfa": pelado(FILTRO_PDFA, "sa"),
            "ficha_pdf": [*cli, str(carpeta / "o" / "y.docx"), "--pdf"],
        }
        if otra is not None:  # la misma orden con el código de otra copia del proyecto (p. ej. main)
            ordenes["ficha_pdf_otra"] = ["env", f"PYTHONPATH={otra / 'src'}", *cli, str(carpeta / "o" / "z.docx"),
                                         "--pdf"]
        (carpeta / "o").mkdir()
        entornos = {nombre: entorno for nombre in ordenes}
        servidor = None
        if caliente:  # con su propia caché: las demás órdenes no lo ven
            entornos["ficha_pdf_caliente"] = dict(entorno, XDG_CACHE_HOME=str(carpeta / "cache_caliente"))
            (carpeta / "cache_caliente").mkdir(0o700)
            ordenes["ficha_pdf_caliente"] = [*cli, str(carpeta / "o" / "c.docx"), "--pdf"]
            listo = carpeta / "listo.docx"
            shutil.copy(docx, listo)
            servidor = _caliente(listo, entornos["ficha_pdf_caliente"])
        try:
            if servidor is not None:
                _esperar_caliente(carpeta / "listo.docx", servidor)
            excepto = frozenset({servidor.pid}) if servidor is not None else frozenset()
            for nombre, orden in ordenes.items():  # crea el perfil de cada lado y calienta la caché de disco
                _correr(orden, entornos[nombre], excepto)
            medidas: dict[str, dict[str, list[float]]] = {n: {"reloj": [], "cpu": []} for n in ordenes}
            restos = 0
            for _ in range(veces):
                for nombre, orden in ordenes.items():
                    prestado = servidor.pid if servidor is not None and nombre == "ficha_pdf_caliente" else None
                    reloj, cpu, quedan = _correr(orden, entornos[nombre], excepto, prestado)
                    medidas[nombre]["reloj"].append(reloj)
                    medidas[nombre]["cpu"].append(cpu)
                    restos += quedan
        finally:
            if servidor is not None:
                assert servidor.stdin is not None
                servidor.stdin.close()
                servidor.wait(timeout=30)
                _recoger(time.monotonic() + 2)
        resultado: dict[str, Any] = {n: {k: _resumen(v) for k, v in m.items()} for n, m in medidas.items()}
        for nombre in ("ficha_pdf", "ficha_pdf_caliente", "ficha_pdf_otra"):
            if nombre in medidas:
                razones = [a / b for a, b in zip(medidas[nombre]["reloj"], medidas["soffice_pdf"]["reloj"])]
                resultado[nombre]["razon"] = {"mediana": round(statistics.median(razones), 2),
                                              "min": round(min(razones), 2), "max": round(max(razones), 2)}
        resultado["procesos_restantes"] = restos
    carga.append(maquina.carga())
    resultado["veces"] = veces
    resultado["carga"] = carga
    return resultado


def imprimir(r: dict[str, Any]) -> None:
    print(f"\nficha --pdf en frío frente a soffice pelado ({r['veces']} rondas intercaladas; carga "
          f"{r['carga'][0]} → {r['carga'][1]} en {os.cpu_count()} núcleos); reloj y CPU de todo el árbol, ms")
    nombres = {"soffice_pdf": "soffice --convert-to pdf (perfil existente)",
               "soffice_pdfa": "soffice --convert-to PDF/A-2b (perfil existente)",
               "ficha_pdf": "acuerdo-docs ficha x.json -o y.docx --pdf",
               "ficha_pdf_otra": "  la misma orden, con el código de --otra",
               "ficha_pdf_caliente": "  … con un ConvertidorPdf caliente en otro proceso"}
    for clave, nombre in nombres.items():
        if clave in r:
            m, c = r[clave]["reloj"], r[clave]["cpu"]
            z = r[clave].get("razon")
            razon = f"   {z['mediana']:.2f}x ({z['min']}-{z['max']})" if z else ""
            print(f"  {nombre:<52} {m['mediana']:5d} ({m['min']}-{m['max']})   CPU {c['mediana']:5d} "
                  f"({c['min']}-{c['max']}){razon}")
    print("  (razón: reloj frente a soffice --convert-to pdf en la misma ronda; meta <= 1,0)")
    print(f"  procesos que quedaron vivos tras una orden: {r['procesos_restantes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--veces", type=int, default=5)
    parser.add_argument("--sin-caliente", action="store_true", help="sin la medida con un convertidor caliente")
    parser.add_argument("--json", action="store_true", help="imprime además el resultado en JSON")
    parser.add_argument("--otra", type=Path, help="otra copia del proyecto (p. ej. /work/main) para comparar")
    args = parser.parse_args(argv)
    resultado = medir_pdf_frio(args.veces, caliente=not args.sin_caliente, otra=args.otra)
    imprimir(resultado)
    if args.json:
        print(json.dumps(resultado))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
