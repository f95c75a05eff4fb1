"""``ficha --pdf`` en frío frente a un ``soffice --convert-to pdf`` pelado (issue 29, meta 5).

    python bench/bench_pdf_frio.py --veces 5

Cada medida es un proceso nuevo, en rondas intercaladas (la carga de la máquina afecta a todas
por igual):

- ``soffice --headless --convert-to pdf`` del mismo .docx con un perfil ya creado (el piso: lo
  que escribiría alguien a mano; y con el filtro PDF/A-2b de la orden, para comparar lo mismo);
- ``acuerdo-docs ficha x.json -o y.docx --pdf`` (lee, valida, genera el .docx y lo convierte a
  PDF/A-2b) con su perfil en la caché del usuario, como la corre una persona;
- la misma orden con un ``ConvertidorPdf`` caliente en otro proceso (la reutiliza, ver
  docs/pdf.md#un-libreoffice-caliente-compartido).

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

RAIZ = Path(__file__).resolve().parents[1]
EJEMPLO = RAIZ / "src" / "acuerdo_docs" / "ejemplos" / "ficha_acuerdo_simbolico.json"
_PR_SET_CHILD_SUBREAPER = 36


def _subreaper() -> None:
    """Los nietos huérfanos (LibreOffice matado por la orden) pasan a este proceso: su CPU cuenta."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _recoger(hasta: float) -> int:
    """Recoge a todos los descendientes que queden; devuelve cuántos seguían vivos pasado ``hasta``."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid == 0:
            if time.monotonic() > hasta:
                return 1
            time.sleep(0.005)


def _cpu_hijos() -> float:
    uso = resource.getrusage(resource.RUSAGE_CHILDREN)
    return uso.ru_utime + uso.ru_stime


def _correr(orden: list[str], entorno: dict[str, str]) -> tuple[float, float, int]:
    """(ms de reloj, ms de CPU del árbol, procesos que quedaron vivos más de 2 s)."""
    cpu = _cpu_hijos()
    inicio = time.perf_counter()
    subprocess.run(orden, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=entorno)
    reloj = (time.perf_counter() - inicio) * 1000
    restos = _recoger(time.monotonic() + 2)
    return reloj, (_cpu_hijos() - cpu) * 1000, restos


def _resumen(valores: list[float]) -> dict[str, float]:
    return {"mediana": round(statistics.median(valores)), "min": round(min(valores)), "max": round(max(valores))}


def _caliente(listo: Path, entorno: dict[str, str]) -> subprocess.Popen[bytes]:
    """Otro proceso con un ConvertidorPdf caliente (como el servidor web), hasta que se le cierre la entrada."""
    codigo = ("import sys, pathlib; from acuerdo_docs.salida.pdf import ConvertidorPdf\n"
              "with ConvertidorPdf(compartir=True) as c:\n"
              f"    c.convertir({str(listo)!r}); sys.stdin.read()\n")
    return subprocess.Popen([sys.executable, "-c", codigo], stdin=subprocess.PIPE, env=entorno)


def medir_pdf_frio(veces: int = 5, caliente: bool = True, otra: Path | None = None) -> dict[str, Any]:
    from acuerdo_docs.salida.pdf.perfiles import sembrar_perfil
    from acuerdo_docs.salida.pdf.soffice import FILTRO_PDFA, buscar_soffice, version_libreoffice

    _subreaper()
    soffice = buscar_soffice()
    entorno = dict(os.environ, PYTHONPATH=str(RAIZ / "src"))
    entorno.pop("PYTHONDONTWRITEBYTECODE", None)  # con .pyc, como instala pip (la primera corrida los escribe)
    cli = [sys.executable, "-m", "acuerdo_docs.cli", "ficha", str(EJEMPLO), "-o"]
    carga = [round(os.getloadavg()[0], 2)]
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
        for orden in ordenes.values():  # crea el perfil de cada lado y calienta la caché de disco
            _correr(orden, entorno)
        medidas: dict[str, dict[str, list[float]]] = {n: {"reloj": [], "cpu": []} for n in ordenes}
        restos = 0
        for _ in range(veces):
            for nombre, orden in ordenes.items():
                reloj, cpu, quedan = _correr(orden, entorno)
                medidas[nombre]["reloj"].append(reloj)
                medidas[nombre]["cpu"].append(cpu)
                restos += quedan
        resultado: dict[str, Any] = {n: {k: _resumen(v) for k, v in m.items()} for n, m in medidas.items()}
        razones = [a / b for a, b in zip(medidas["ficha_pdf"]["reloj"], medidas["soffice_pdf"]["reloj"])]
        resultado["razon"] = {"mediana": round(statistics.median(razones), 2), "min": round(min(razones), 2),
                              "max": round(max(razones), 2)}
        if caliente:
            resultado["ficha_pdf_caliente"] = _medir_caliente(veces, cli, carpeta, docx, entorno)
        resultado["procesos_restantes"] = restos
    carga.append(round(os.getloadavg()[0], 2))
    resultado["veces"] = veces
    resultado["carga"] = carga
    return resultado


def _medir_caliente(veces: int, cli: list[str], carpeta: Path, docx: Path, entorno: dict[str, str]) -> Any:
    listo = carpeta / "listo.docx"
    shutil.copy(docx, listo)
    servidor = _caliente(listo, entorno)
    try:
        for _ in range(600):  # espera a que el convertidor caliente haya convertido su primer documento
            if listo.with_suffix(".pdf").is_file():
                break
            time.sleep(0.05)
        reloj: list[float] = []
        cpu: list[float] = []
        for i in range(veces):
            r, c, _ = _correr([*cli, str(carpeta / "o" / f"c{i}.docx"), "--pdf"], entorno)
            reloj.append(r)
            cpu.append(c)
    finally:
        assert servidor.stdin is not None
        servidor.stdin.close()
        servidor.wait(timeout=30)
        _recoger(time.monotonic() + 2)
    return {"reloj": _resumen(reloj), "cpu": _resumen(cpu)}


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
            print(f"  {nombre:<52} {m['mediana']:5d} ({m['min']}-{m['max']})   CPU {c['mediana']:5d} "
                  f"({c['min']}-{c['max']})")
    z = r["razon"]
    print(f"  razón ficha --pdf / soffice pdf: {z['mediana']:.2f}x ({z['min']}-{z['max']}); meta <= 1,0")
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
