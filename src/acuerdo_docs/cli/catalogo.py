"""acuerdo-docs catalogo: las fichas de una carpeta en un libro de Excel, o como datos abiertos."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.catalogo import CON_AVISOS, CON_ERRORES, CORRECTA, ILEGIBLE, generar_catalogo
from ..esquemas.publicacion import FRECUENCIAS, Metadatos
from ..salida.destinos import resolver_salida
from . import comun
from .comun import fecha_argumento


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "catalogo",
        help="reúne las fichas 4202000-FT-1311 (.docx, .json) de una carpeta en un .xlsx, .csv o .json",
        description=(
            "Lee cada ficha (.docx o .json) de la carpeta y de sus subcarpetas. Con -o catalogo.xlsx escribe el "
            "libro de la oficina: una fila por práctica con su valoración DAFP (criterios Sí/No/Sin valorar y el "
            "nivel calculado). Si el libro ya existe, conserva todo lo que una persona escribió en él, informa de "
            "las fichas nuevas, cambiadas, movidas y desaparecidas, y guarda la versión anterior en "
            "catalogo.xlsx.bak. Con -o catalogo.csv o .json escribe los datos abiertos (versión pública, sin "
            "datos personales) con su diccionario de datos, sus metadatos y su JSON Schema."
        ),
        epilog=(
            "Ejemplos:\n  acuerdo-docs catalogo fichas/ -o catalogo.xlsx\n"
            "  acuerdo-docs catalogo fichas/ -o publicar/catalogo.csv --valoraciones catalogo.xlsx\n\n"
            "Códigos de salida: 0 todas las fichas se leyeron bien; 1 alguna tiene errores o no se pudo leer "
            "(el catálogo se escribe igual), o el catálogo anterior tiene un valor que no se puede conservar "
            "(no se escribe nada); 2 la carpeta no existe o no tiene fichas, o la salida no es un catálogo."
        ),
    )
    p.add_argument("carpeta", help="carpeta con las fichas .docx o .json (se recorre con sus subcarpetas), o un"
                   " prefijo en almacenamiento de objetos (s3://cubo/fichas/)")
    comun.agregar_salida(p, "catalogo.xlsx (libro de la oficina), o .csv / .json (datos abiertos); si es una "
                         "carpeta, catalogo.xlsx dentro")
    p.add_argument("--valoraciones", type=Path, metavar="LIBRO",
                   help="catálogo .xlsx del que tomar las valoraciones (para .csv y .json)")
    p.add_argument("--con-datos-personales", action="store_true",
                   help="incluye directivo, colaborador, teléfono y correo en el .xlsx (Ley 1581 de 2012: úselo "
                   "solo si el catálogo no se va a publicar; nunca en .csv ni .json)")
    p.add_argument("--procesos", type=int, metavar="N", help="procesos que leen fichas (por omisión, uno por núcleo)")
    grupo = p.add_argument_group("metadatos de los datos abiertos")
    grupo.add_argument("--titulo", help="título del conjunto de datos")
    grupo.add_argument("--publicador", help="entidad que publica (por omisión, la de las fichas)")
    grupo.add_argument("--emitido", type=fecha_argumento, metavar="FECHA",
                       help="fecha de la primera publicación (por omisión, la de modificación)")
    grupo.add_argument("--licencia", metavar="URL", help="URL de la licencia (por omisión CC BY-SA 4.0)")
    grupo.add_argument("--frecuencia", choices=sorted(FRECUENCIAS), help="frecuencia de actualización")
    p.set_defaults(ejecutar=ejecutar)


def _metadatos(args: argparse.Namespace) -> Metadatos:
    valores = {"titulo": args.titulo, "publicador": args.publicador, "emitido": args.emitido,
               "licencia": args.licencia, "frecuencia": args.frecuencia}
    return Metadatos(**{k: v for k, v in valores.items() if v is not None})


def ejecutar(args: argparse.Namespace) -> int:
    salida = resolver_salida(args.salida, nombre="catalogo", extensiones=(".xlsx", ".csv", ".json"),
                             entradas=[args.valoraciones], que="el catálogo")
    resultado = generar_catalogo(
        args.carpeta, salida.ruta, datos_personales=args.con_datos_personales,
        valoraciones_de=args.valoraciones, metadatos=_metadatos(args), procesos=args.procesos,
    )
    conteo = resultado.estados
    comun.decir(
        f"Catálogo escrito: {resultado.ruta} ({resultado.total} archivo(s): "
        f"{conteo[CORRECTA] + conteo[CON_AVISOS]} correcta(s), {conteo[CON_ERRORES]} con errores, "
        f"{conteo[ILEGIBLE]} ilegible(s))"
    )
    for ruta in resultado.escritos[1:]:
        comun.decir(f"Escrito: {ruta}")
    if resultado.ruta.suffix.lower() != ".xlsx":
        comun.decir(f"Datos abiertos: {resultado.filas_publicadas} práctica(s) publicada(s), sin datos personales")
    informe = resultado.informe
    if informe.anterior is not None:
        comun.decir(f"Respecto a {informe.anterior.name}: {informe.sin_cambios} sin cambios, "
              f"{len(informe.nuevas)} nueva(s), "
              f"{len(informe.cambiadas)} cambiada(s), {len(informe.movidas)} movida(s), "
              f"{len(informe.desaparecidas)} desaparecida(s); {informe.entradas_conservadas} fila(s) con "
              "valoración o notas conservadas")
        for linea in informe.lineas():
            comun.decir(linea)
    if informe.respaldo is not None:
        comun.decir(f"Versión anterior guardada en: {informe.respaldo}")
    for archivo, estado, motivo in resultado.problemas:
        comun.decir(f"  {archivo}: {estado.lower()}: {motivo}", error=True)
    return 1 if conteo[CON_ERRORES] or conteo[ILEGIBLE] else 0
