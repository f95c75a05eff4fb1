"""Render de un documento frente a su suelo: llenar + zip + escribir, con los mismos bytes.

    python bench/bench_render.py --docs 200 --rondas 5

- **camino**: ``PlantillaCompilada.renderizar`` (lo que hace ``generar_ficha``: datos planos,
  Jinja en el sandbox, pasadas sobre el XML, título, zip determinista) y escribir el archivo.
- **suelo**: lo mínimo para producir exactamente esos bytes: la plantilla Jinja ya sin marcas de
  línea (llenar), comprimir las partes que cambian y empaquetar con las demás ya comprimidas
  (zip) y escribir. Se comprueba, documento a documento, que los bytes son idénticos.

Mide tiempo de CPU del proceso (``time.process_time``: la carga de otros procesos le afecta
poco), en rondas intercaladas; da la mediana por documento, el rango entre rondas y la razón.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import fichas  # noqa: E402


class Suelo:
    """Los bytes de ``renderizar`` por el camino más corto posible (para medir, no para usar)."""

    def __init__(self, compilada: Any) -> None:
        from acuerdo_docs.salida import motor_docx

        self.motor = motor_docx
        self.c = compilada
        self.plantillas = {
            nombre: compilada.entorno.from_string(re.sub(r"\n<w:p([ >])", r"<w:p\1", fuente))
            for nombre, fuente in compilada._fuentes.items()
        }
        self.fijos = {nombre: motor_docx.comprimir(nombre, datos) for nombre, datos in compilada._miembros
                      if nombre not in self.plantillas and nombre != motor_docx._NUCLEO}

    def bytes(self, planos: dict[str, Any], titulo: str) -> bytes:
        m = self.motor
        partes = []
        for nombre, datos in self.c._miembros:
            plantilla = self.plantillas.get(nombre)
            if plantilla is not None:
                partes.append(m.comprimir(nombre, plantilla.render(planos).encode("utf-8")))
            elif nombre == m._NUCLEO:
                partes.append(m.comprimir(nombre, m.con_titulo(datos, titulo)))
            else:
                partes.append(self.fijos[nombre])
        return m.empaquetar(partes)


def medir_render(docs: int, rondas: int) -> dict[str, Any]:
    from acuerdo_docs.documentos.ficha import PLANTILLA_FICHA, contexto_ficha
    from acuerdo_docs.esquemas import BuenaPractica
    from acuerdo_docs.rutas import plantilla
    from acuerdo_docs.salida.datos_planos import datos_planos
    from acuerdo_docs.salida.motor_docx import _Imagenes, compilada

    c = compilada(plantilla(PLANTILLA_FICHA))
    suelo = Suelo(c)
    practicas = [BuenaPractica.model_validate(d) for d in fichas(docs)]
    contextos = [contexto_ficha(p) for p in practicas]
    planos = [{**datos_planos(ctx), "imagen": _Imagenes()} for ctx in contextos]
    for p, ctx, plano in zip(practicas, contextos, planos):  # los mismos bytes, o no vale la comparación
        assert c.renderizar(ctx, titulo=p.nombre) == suelo.bytes(plano, p.nombre)
    carga = [round(os.getloadavg()[0], 2)]
    camino: list[float] = []
    piso: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench_render_") as temporal:
        destino = Path(temporal) / "x.docx"
        for _ in range(rondas):
            inicio = time.process_time()
            for p, ctx in zip(practicas, contextos):
                destino.write_bytes(c.renderizar(ctx, titulo=p.nombre))
            camino.append((time.process_time() - inicio) / docs * 1000)
            inicio = time.process_time()
            for p, plano in zip(practicas, planos):
                destino.write_bytes(suelo.bytes(plano, p.nombre))
            piso.append((time.process_time() - inicio) / docs * 1000)
    carga.append(round(os.getloadavg()[0], 2))
    razones = [a / b for a, b in zip(camino, piso)]
    return {"documentos": docs, "rondas": rondas, "carga": carga,
            "camino_ms": [round(statistics.median(camino), 3), round(min(camino), 3), round(max(camino), 3)],
            "suelo_ms": [round(statistics.median(piso), 3), round(min(piso), 3), round(max(piso), 3)],
            "razon": [round(statistics.median(razones), 2), round(min(razones), 2), round(max(razones), 2)]}


def imprimir(r: dict[str, Any]) -> None:
    print(f"\nRender de la ficha frente al suelo ({r['documentos']} fichas variadas, {r['rondas']} rondas "
          f"intercaladas, CPU del proceso; carga {r['carga'][0]} → {r['carga'][1]})")
    for titulo, clave in (("camino (renderizar + escribir)", "camino_ms"), ("suelo (llenar + zip + escribir)",
                                                                              "suelo_ms")):
        mediana, minimo, maximo = r[clave]
        print(f"  {titulo:<34} {mediana:7.3f} ms/doc  rango {minimo:.3f}-{maximo:.3f}")
    print(f"  razón camino/suelo                 {r['razon'][0]:7.2f}         rango {r['razon'][1]}-{r['razon'][2]}"
          "   (meta <= 1,5)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--rondas", type=int, default=5)
    args = parser.parse_args(argv)
    imprimir(medir_render(args.docs, args.rondas))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
