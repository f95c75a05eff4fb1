"""Render de un documento frente a su suelo: llenar + zip + escribir, con los mismos bytes.

    python bench/bench_render.py --docs 200 --rondas 5

- **camino**: ``PlantillaCompilada.renderizar`` (lo que hace ``generar_ficha``: datos planos,
  Jinja en el sandbox con sus límites, título, zip determinista) y escribir el archivo.
- **suelo a mano**: lo mínimo para producir exactamente esos bytes, como lo escribiría una
  persona para esta plantilla y sin Jinja ni sandbox: el XML fijo en constantes, cada valor
  escapado como lo imprime el motor y los bucles de la plantilla como bucles de Python (llenar),
  comprimir las partes que cambian y empaquetar con las demás ya comprimidas (zip) y escribir.
  Es el suelo que midió el issue 29 (0,49 ms frente a 0,83 ms del camino: 1,67x).
- **mismo Jinja sin pasadas**: el Jinja del camino (sandbox, escape, límites de los filtros) sin
  las pasadas por documento. No es un suelo (comparte todo el costo de Jinja y del sandbox):
  hasta el issue 29 docs/ lo llamaba «el suelo»; aquí dice cuánto del camino es Jinja.

Se comprueba, documento a documento, que los tres dan bytes idénticos. Mide tiempo de CPU del
proceso (``time.process_time``: la carga de otros procesos le afecta poco), en rondas
intercaladas; da la mediana por documento, el rango entre rondas y las razones.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from datos import fichas  # noqa: E402
import maquina  # noqa: E402


class JinjaSinPasadas:
    """Los mismos bytes con el mismo Jinja (sandbox, escape, límites de filtros) pero sin las pasadas
    por documento del camino (presupuesto, marcas, título con expresión regular, zip de todos los
    miembros). NO es un suelo: comparte con el camino todo el costo de Jinja y del sandbox (docs/ lo
    llamó «el suelo» hasta el issue 29)."""

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

    def llenar(self, nombre: str, planos: dict[str, Any]) -> str:
        return str(self.plantillas[nombre].render(planos))

    def bytes(self, planos: dict[str, Any], titulo: str) -> bytes:
        m = self.motor
        partes = []
        for nombre, datos in self.c._miembros:
            if nombre in self.plantillas:
                partes.append(m.comprimir(nombre, self.llenar(nombre, planos).encode("utf-8")))
            elif nombre == m._NUCLEO:
                partes.append(m.comprimir(nombre, m.con_titulo(datos, titulo)))
            else:
                partes.append(self.fijos[nombre])
        return m.empaquetar(partes)


_ETIQUETA = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
_EXPRESION = re.compile(r"^(\w+)((?:\.\w+)*)(?:\|(\w+))?$")


def _expresion(texto: str) -> str:
    """``practica.nombre|filtro`` → ``_filtro(practica["nombre"])`` (lo que escribiría una persona)."""
    texto = texto.strip()
    if texto == "loop.index":
        return "_indice"
    m = _EXPRESION.match(texto)
    if m is None:
        raise NotImplementedError(f"el suelo a mano no sabe escribir {texto!r}")
    codigo = m[1] + "".join(f"[{parte!r}]" for parte in m[2].split(".")[1:])
    return f"_f_{m[3]}({codigo})" if m[3] else codigo


def escrito_a_mano(fuente: str) -> Callable[[dict[str, Any]], str]:
    """Un escritor de Python plano para una parte de la plantilla (sin Jinja, sin sandbox, sin límites).

    Es lo que escribiría una persona para esta plantilla: el XML fijo en constantes, cada valor
    escapado como lo imprime el motor (``entorno_word._finalizar``: &, <, >, comillas, «_» de las
    marcas de docxtpl, saltos y tabuladores de Word) y los ``for``/``if`` de la plantilla como
    ``for``/``if`` de Python. Solo sabe lo que usa la ficha; lo demás es ``NotImplementedError``.
    """
    lineas = ["def llenar(_ctx):", "    _p = []", "    _a = _p.append"]
    lineas += [f"    {n} = _ctx[{n!r}]" for n in ("practica", "encabezado")]
    sangria = 1
    constantes: dict[str, Any] = {}
    posicion = 0
    for m in _ETIQUETA.finditer(fuente):
        if m.start() > posicion:
            nombre = f"_T{len(constantes)}"
            constantes[nombre] = fuente[posicion:m.start()]
            lineas.append("    " * sangria + f"_a({nombre})")
        posicion = m.end()
        if m[1] is not None:
            if m[1].strip().startswith("imagen("):
                lineas.append("    " * sangria + "raise NotImplementedError('imagen')")
            else:
                lineas.append("    " * sangria + f"_a(_valor({_expresion(m[1])}))")
            continue
        orden = m[2].strip()
        if orden.startswith("for "):
            variable, _, iterable = orden[4:].partition(" in ")
            lineas.append("    " * sangria + f"for _indice, {variable.strip()} in enumerate({_expresion(iterable)}, 1):")
            sangria += 1
        elif orden.startswith("if "):
            lineas.append("    " * sangria + f"if {_expresion(orden[3:])}:")
            sangria += 1
        elif orden in ("endfor", "endif"):
            lineas.append("    " * sangria + "pass")
            sangria -= 1
        else:
            raise NotImplementedError(f"el suelo a mano no sabe escribir {{% {orden} %}}")
    constantes[f"_T{len(constantes)}"] = fuente[posicion:]
    lineas.append("    " * sangria + f"_a(_T{len(constantes) - 1})")
    lineas.append("    return ''.join(_p)")
    espacio = {**constantes, **_FUNCIONES}
    exec(compile("\n".join(lineas), "<suelo a mano>", "exec"), espacio)  # noqa: S102 - código del benchmark
    return espacio["llenar"]  # type: ignore[no-any-return]


def _valor(valor: Any) -> str:
    """Como ``entorno_word._finalizar`` para lo que trae una ficha (texto, número, fecha, vacío)."""
    from acuerdo_docs.salida.entorno_word import _SALTO, _TABULADOR

    if valor is None:
        return ""
    if isinstance(valor, date):
        valor = valor.strftime("%d/%m/%Y")
    texto = str(valor).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    texto = texto.replace('"', "&#34;").replace("'", "&#39;")
    if "_" in texto:
        texto = texto.replace("{_", "{&#95;").replace("_}", "&#95;}").replace("%_", "%&#95;")
    if "\n" in texto:
        texto = texto.replace("\n", _SALTO)
    if "\t" in texto:
        texto = texto.replace("\t", _TABULADOR)
    return texto


def _funciones() -> dict[str, Any]:
    from acuerdo_docs.salida.entorno_word import _anio, _dia, _mes, parrafos

    return {"_valor": _valor, "_f_dia": _dia, "_f_mes": _mes, "_f_anio": _anio, "_f_parrafos": parrafos}


_FUNCIONES: dict[str, Any] = {}


class SueloAMano(JinjaSinPasadas):
    """El suelo: los mismos bytes escritos a mano (llenar + zip + escribir), sin Jinja ni sandbox.

    Llenar: :func:`escrito_a_mano`; zip: las partes que cambian comprimidas y empaquetadas con las
    demás ya comprimidas (el escritor de zip del proyecto); el núcleo con el título. Es lo mínimo
    que da exactamente esos bytes (se comprueba documento a documento).
    """

    def __init__(self, compilada: Any) -> None:
        super().__init__(compilada)
        _FUNCIONES.update(_funciones())
        self.escritores = {nombre: escrito_a_mano(re.sub(r"\n<w:p([ >])", r"<w:p\1", fuente))
                           for nombre, fuente in compilada._fuentes.items()}

    def llenar(self, nombre: str, planos: dict[str, Any]) -> str:
        return self.escritores[nombre](planos)


def _cifras(valores: list[float]) -> list[float]:
    return [round(statistics.median(valores), 3), round(min(valores), 3), round(max(valores), 3)]


def medir_render(docs: int, rondas: int) -> dict[str, Any]:
    """ms de CPU por documento del camino, del suelo escrito a mano y del mismo Jinja sin pasadas."""
    from acuerdo_docs.documentos.ficha import PLANTILLA_FICHA, contexto_ficha
    from acuerdo_docs.esquemas import BuenaPractica
    from acuerdo_docs.rutas import plantilla
    from acuerdo_docs.salida.datos_planos import datos_planos
    from acuerdo_docs.salida.motor_docx import _Imagenes, compilada

    c = compilada(plantilla(PLANTILLA_FICHA))
    suelo, jinja = SueloAMano(c), JinjaSinPasadas(c)
    practicas = [BuenaPractica.model_validate(d) for d in fichas(docs)]
    contextos = [contexto_ficha(p) for p in practicas]
    planos = [{**datos_planos(ctx), "imagen": _Imagenes()} for ctx in contextos]
    for p, ctx, plano in zip(practicas, contextos, planos):  # los mismos bytes, o no vale la comparación
        esperado = c.renderizar(ctx, titulo=p.nombre)
        assert suelo.bytes(plano, p.nombre) == esperado, "el suelo a mano no da los mismos bytes"
        assert jinja.bytes(plano, p.nombre) == esperado, "el Jinja sin pasadas no da los mismos bytes"
    carga = [maquina.carga()]
    tiempos: dict[str, list[float]] = {"camino": [], "suelo": [], "jinja": []}
    with tempfile.TemporaryDirectory(prefix="bench_render_") as temporal:
        destino = Path(temporal) / "x.docx"
        for _ in range(rondas):
            inicio = time.process_time()
            for p, ctx in zip(practicas, contextos):
                destino.write_bytes(c.renderizar(ctx, titulo=p.nombre))
            tiempos["camino"].append((time.process_time() - inicio) / docs * 1000)
            for nombre, forma in (("suelo", suelo), ("jinja", jinja)):
                inicio = time.process_time()
                for p, plano in zip(practicas, planos):
                    destino.write_bytes(forma.bytes(plano, p.nombre))
                tiempos[nombre].append((time.process_time() - inicio) / docs * 1000)
    carga.append(maquina.carga())
    razones = [a / b for a, b in zip(tiempos["camino"], tiempos["suelo"])]
    razones_jinja = [a / b for a, b in zip(tiempos["camino"], tiempos["jinja"])]
    return {"documentos": docs, "rondas": rondas, "carga": carga,
            "camino_ms": _cifras(tiempos["camino"]), "suelo_ms": _cifras(tiempos["suelo"]),
            "jinja_ms": _cifras(tiempos["jinja"]),
            "razon": [round(x, 2) for x in _cifras(razones)],
            "razon_jinja": [round(x, 2) for x in _cifras(razones_jinja)]}


def imprimir(r: dict[str, Any]) -> None:
    print(f"\nRender de la ficha frente al suelo escrito a mano ({r['documentos']} fichas variadas, {r['rondas']} "
          f"rondas intercaladas, CPU del proceso; carga {r['carga'][0]} → {r['carga'][1]})")
    for titulo, clave in (("camino (renderizar + escribir)", "camino_ms"),
                          ("suelo a mano (llenar + zip + escribir)", "suelo_ms"),
                          ("mismo Jinja con sandbox, sin pasadas", "jinja_ms")):
        mediana, minimo, maximo = r[clave]
        print(f"  {titulo:<40} {mediana:7.3f} ms/doc  rango {minimo:.3f}-{maximo:.3f}")
    print(f"  {'razón camino/suelo a mano':<40} {r['razon'][0]:7.2f}x        rango {r['razon'][1]}-{r['razon'][2]}"
          "   (meta <= 1,3)")
    print(f"  {'razón camino/mismo Jinja sin pasadas':<40} {r['razon_jinja'][0]:7.2f}x        "
          f"rango {r['razon_jinja'][1]}-{r['razon_jinja'][2]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--rondas", type=int, default=5)
    args = parser.parse_args(argv)
    imprimir(medir_render(args.docs, args.rondas))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
