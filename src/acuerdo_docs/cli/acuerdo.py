"""acuerdo-docs acuerdo: genera el acuerdo simbólico (Word) y, en una carpeta, su matriz de riesgos (Excel)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from ..documentos.acuerdo import cargar_acuerdo, renderizar_acuerdo
from ..esquemas.acuerdo import AcuerdoSimbolico
from ..salida.archivos import escribir_atomico
from ..salida.destinos import comprobar_archivo, es_carpeta, resolver_salida
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "acuerdo",
        help="genera el acuerdo simbólico (Word) con su hoja de ruta",
        description=(
            "Genera el acuerdo simbólico de corresponsabilidad de un desafío de innovación: actores, roles, "
            "compromisos, hoja de ruta con su avance, riesgos principales y bloques de firma simbólica. "
            "Los datos vienen en un JSON con las claves del esquema (vea: acuerdo-docs esquema acuerdo).\n\n"
            "Si -o es una carpeta (termina en / o ya existe), escribe en ella NOMBRE.docx, la matriz de "
            "riesgos NOMBRE_riesgos.xlsx y la infografía de una página NOMBRE_infografia.pdf y .png, donde "
            "NOMBRE es el del archivo de entrada. Si -o termina en .pdf, escribe solo el PDF (requiere "
            "LibreOffice)."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs acuerdo entrada.json -o acuerdo.docx\n"
            "  acuerdo-docs acuerdo entrada.json -o salidas/ --referencia 2023-10-24\n"
            "  acuerdo-docs acuerdo entrada.json -o acuerdo_publico.docx --publico"
        ),
    )
    p.add_argument("entrada", type=Path, help="archivo JSON del acuerdo ('-' para la entrada estándar)")
    comun.agregar_salida(p, "archivo .docx (o .pdf) de salida, o carpeta (termina en / o ya existe) para el .docx"
                         " y la matriz .xlsx")
    p.add_argument(
        "--referencia", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
        help="fecha frente a la que se calcula el estado de cada hito (por omisión: fecha_corte del JSON o hoy)",
    )
    p.add_argument("--plantilla", type=Path, metavar="DOCX", help="plantilla Word propia (por omisión, la incorporada)")
    comun.agregar_publico(p)
    comun.agregar_si_editado(p)
    comun.agregar_pdf(p, infografias=True)
    comun.agregar_pdf_completo(p)
    p.set_defaults(ejecutar=ejecutar)


def _infografias(acuerdo: AcuerdoSimbolico, args: argparse.Namespace) -> dict[str, bytes]:
    from ..documentos.infografia import renderizar_infografia

    corte = acuerdo.fecha_referencia(args.referencia)
    return {f: renderizar_infografia(acuerdo, f, corte=corte, publico=args.publico, pdfa=not args.pdf_simple)
            for f in ("pdf", "png")}


def ejecutar(args: argparse.Namespace) -> int:
    entradas = [args.entrada, args.plantilla]
    nombre = comun.nombre_de(args.entrada, "acuerdo")
    salida = resolver_salida(args.salida, nombre=nombre, extensiones=(".docx", ".pdf"), entradas=entradas,
                             que="el acuerdo")
    en_carpeta = es_carpeta(args.salida)
    ruta_xlsx = salida.ruta.with_name(f"{salida.ruta.stem}_riesgos.xlsx") if en_carpeta else None
    rutas_infografia: dict[str, Path] = {}
    if ruta_xlsx is not None:
        comprobar_archivo(ruta_xlsx, str(ruta_xlsx), entradas)
        for formato in ("pdf", "png"):
            rutas_infografia[formato] = salida.ruta.with_name(f"{salida.ruta.stem}_infografia.{formato}")
            comprobar_archivo(rutas_infografia[formato], str(rutas_infografia[formato]), entradas)
    ruta_pdf = comun.destino_pdf(salida, args.pdf, entradas)
    acuerdo = cargar_acuerdo(comun.leer_json(args.entrada))
    # Todo se arma en memoria antes de escribir: si algo falla, no queda ningún archivo a medias.
    documento = renderizar_acuerdo(
        acuerdo, referencia=args.referencia, plantilla=args.plantilla, publico=args.publico
    )
    libro = None
    infografias: dict[str, bytes] = {}
    if ruta_xlsx is not None:
        from ..documentos.matriz import generar_matriz_riesgos

        libro = io.BytesIO()
        generar_matriz_riesgos(acuerdo, libro, referencia=acuerdo.fecha_referencia(args.referencia))
        infografias = _infografias(acuerdo, args)
    comun.escribir_documento(salida, documento, "Acuerdo escrito", args, ruta_pdf)
    if ruta_xlsx is not None and libro is not None:
        escrita = escribir_atomico(ruta_xlsx, libro.getvalue())
        comun.decir(f"Matriz de riesgos escrita: {escrita}")
        if args.pdf and escrita is not None:  # con --pdf, también el libro (issue 17)
            comun.pdf_del_libro(escrita, args)
        for formato, datos in infografias.items():
            comun.decir(f"Infografía escrita: {escribir_atomico(rutas_infografia[formato], datos)}")
    return 0
