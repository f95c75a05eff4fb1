"""Un corte de seguimiento: del acuerdo y el libro editado a la carpeta del corte.

``registrar_corte`` lee el libro (avances, fechas, riesgos), lo lleva al acuerdo, guarda la
foto del corte en la historia del acuerdo y escribe, en ``carpeta/corte_AAAA-MM-DD/``:
el acuerdo actualizado (JSON con fechas ISO), el acuerdo en Word, la matriz regenerada, la
infografía del corte (PDF y PNG) y el informe de seguimiento que compara este corte con el
anterior (o con ``desde``). Todo se arma en memoria y la carpeta del corte aparece entera o no
aparece: nunca queda a medias.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .documentos.acuerdo import json_acuerdo, renderizar_acuerdo
from .documentos.infografia import renderizar_infografia
from .documentos.matriz import generar_matriz_riesgos
from .documentos.seguimiento import agregar_corte, linea_base, renderizar_informe_seguimiento
from .errores import ErrorEntrada, validar
from .esquemas.acuerdo import AcuerdoSimbolico, EncabezadoAcuerdo
from .lectores.actualizacion import Cambio, actualizar_acuerdo, cambios_validacion
from .lectores.matriz_xlsx import AvisoCelda
from .salida.archivos import publicar_carpeta, respaldar_si_editado
from .salida.destinos import resolver_carpeta

NOMBRE_JSON = "acuerdo.json"
NOMBRE_ACUERDO = "acuerdo.docx"
NOMBRE_MATRIZ = "matriz_riesgos.xlsx"
NOMBRE_INFORME = "informe_seguimiento.docx"
NOMBRE_INFOGRAFIA = "infografia"


@dataclass
class ResultadoCorte:
    """Lo que dejó un corte: la carpeta, los archivos, el acuerdo actualizado, los cambios y los avisos.

    Ejemplo: [Desde Python](../seguimiento.md#desde-python).
    """

    carpeta: Path
    archivos: list[Path]
    acuerdo: AcuerdoSimbolico
    cambios: list[Cambio] = field(default_factory=list)
    avisos: list[AvisoCelda] = field(default_factory=list)


def nombre_carpeta(corte: date) -> str:
    return f"corte_{corte.isoformat()}"


def _archivos_del_corte(acuerdo: AcuerdoSimbolico, corte: date, desde: date | None,
                        publico: bool) -> dict[str, bytes]:
    libro = io.BytesIO()
    generar_matriz_riesgos(acuerdo, libro, referencia=corte)
    return {
        NOMBRE_JSON: json_acuerdo(acuerdo),
        NOMBRE_ACUERDO: renderizar_acuerdo(acuerdo, referencia=corte, publico=publico),
        NOMBRE_MATRIZ: libro.getvalue(),
        NOMBRE_INFORME: renderizar_informe_seguimiento(acuerdo, desde=desde, hasta=corte),
        **{f"{NOMBRE_INFOGRAFIA}.{formato}": renderizar_infografia(acuerdo, formato, corte=corte, publico=publico)
           for formato in ("pdf", "png")},
    }


def _dentro(ruta: Path, carpeta: Path) -> bool:
    try:
        ruta.resolve().relative_to(carpeta.resolve())
    except ValueError:
        return False
    return True


def cortes_en_carpeta(carpeta: Path) -> dict[date, Path]:
    """Los cortes que ya hay en ``carpeta`` (``corte_AAAA-MM-DD/`` con su acuerdo.json), por fecha."""
    cortes: dict[date, Path] = {}
    if not carpeta.is_dir():
        return cortes
    for hija in carpeta.iterdir():
        if not hija.name.startswith("corte_") or not (hija / NOMBRE_JSON).is_file():
            continue
        try:
            cortes[date.fromisoformat(hija.name.removeprefix("corte_"))] = hija
        except ValueError:
            continue
    return dict(sorted(cortes.items()))


def revisar_historia(acuerdo: AcuerdoSimbolico, corte: date, carpeta: Path) -> None:
    """La historia nunca se pierde: un acuerdo que no conoce cortes que ya están en la carpeta se rechaza.

    Pasa cuando se parte de un JSON más viejo (el original, o el de un corte anterior) que los cortes
    guardados: su historia no los tiene y el nuevo corte los borraría de ella. Rehacer el mismo corte
    (misma fecha) sí se puede. El mensaje nombra el último corte, del que hay que partir.
    """
    conocidos = {c.fecha for c in acuerdo.seguimiento}
    guardados = cortes_en_carpeta(carpeta)
    faltan = [f for f in guardados if f not in conocidos and f != corte]
    if not faltan:
        return
    ultimo = max(guardados)
    raise ErrorEntrada(
        f"la carpeta {carpeta} ya tiene cortes que este acuerdo no conoce ({', '.join(f.isoformat() for f in faltan)}):"
        f" el nuevo corte los quitaría de la historia. Parta del acuerdo del último corte:"
        f" {guardados[ultimo] / NOMBRE_JSON}"
    )


def registrar_corte(
    acuerdo: AcuerdoSimbolico,
    libro: str | Path,
    corte: date,
    carpeta: str | Path,
    *,
    desde: date | None = None,
    publico: bool = False,
    extras: Callable[[AcuerdoSimbolico, date], dict[str, bytes]] | None = None,
    entradas: Iterable[str | Path] = (),
    encabezado: Mapping[str, Any] | None = None,
) -> ResultadoCorte:
    """Registra el corte ``corte`` con lo que dice ``libro`` y escribe su carpeta dentro de ``carpeta``.

    ``desde`` elige el corte guardado con que compara el informe (por omisión, el anterior).
    ``publico`` escribe el acuerdo en Word sin datos personales (el JSON los conserva: es el
    dato de trabajo). ``extras`` puede añadir archivos a la carpeta del corte (p. ej. la
    infografía). ``entradas``: otros archivos que se leyeron (el JSON del acuerdo). Nunca escribe sobre
    ellos ni sobre el libro: si están dentro de la carpeta del corte que se reemplazaría, no escribe nada.

    Ejemplo: [Desde Python](../seguimiento.md#desde-python).
    """
    # La carpeta del corte es una carpeta (o nueva) en la que se puede escribir, como toda salida de carpeta.
    leidas = [Path(libro), *(Path(e) for e in entradas if str(e) != "-")]
    destino = resolver_carpeta(Path(carpeta) / nombre_carpeta(corte), entradas=leidas)
    for leida in leidas:
        if _dentro(leida, destino):
            raise ErrorEntrada(
                f"la entrada {leida.name} está dentro de {destino}, que este corte reemplazaría: "
                "cópiela a otra carpeta o elija otra salida con -o"
            )
    revisar_historia(acuerdo, corte, Path(carpeta))
    if encabezado is not None:  # un encabezado nuevo manda sobre el del JSON y el del libro
        nuevo_encabezado = validar(EncabezadoAcuerdo, {**acuerdo.encabezado.model_dump(), **encabezado})
    cambios: list[Cambio] = []
    avisos: list[AvisoCelda] = []
    base = linea_base(acuerdo, corte)
    actualizado = actualizar_acuerdo(base, libro, cambios=cambios, avisos=avisos)
    if encabezado is not None:
        actualizado = actualizado.model_copy(update={"encabezado": nuevo_encabezado})
    previos = [c for c in base.seguimiento if c.fecha < corte]
    if previos:  # una validación que cambió en el JSON desde el corte anterior también es un cambio
        cambios += cambios_validacion(previos[-1].validados, actualizado)
    actualizado = agregar_corte(actualizado, corte).model_copy(update={"id": acuerdo.identificador()})
    archivos = _archivos_del_corte(actualizado, corte, desde, publico)
    if extras is not None:
        archivos.update(extras(actualizado, corte))
    # El libro de un corte que se rehace y que el equipo editó donde estaba queda en una copia al lado.
    respaldar_si_editado(destino / NOMBRE_MATRIZ, destino.with_name(f"{destino.name}_{NOMBRE_MATRIZ}.bak"))
    escritos = publicar_carpeta(archivos, destino)
    return ResultadoCorte(destino, escritos, actualizado, cambios, avisos)


__all__ = ["ResultadoCorte", "cortes_en_carpeta", "nombre_carpeta", "registrar_corte", "revisar_historia"]
