"""acuerdo-docs extraer: lee una ficha 4202000-FT-1311 (.docx) diligenciada y la escribe como JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ..lectores.ficha_docx import campos_a_json, extraer_campos, practica_a_json
from ..salida.archivos import escribir_atomico
from ..salida.destinos import resolver_salida
from . import comun


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "extraer",
        help="lee una ficha 4202000-FT-1311 (.docx) diligenciada y la convierte en JSON",
        description=(
            "Lee una ficha 4202000-FT-1311 diligenciada en Word o LibreOffice (hecha con esta herramienta o "
            "llenada a mano sobre el formato oficial), encuentra cada campo por su etiqueta, la valida y "
            "escribe el JSON de la práctica (el mismo que acepta: acuerdo-docs ficha)."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs extraer ficha.docx -o ficha.json\n"
            "  acuerdo-docs extraer ficha.docx              (escribe el JSON en la salida estándar)\n"
            "  acuerdo-docs extraer ficha.docx --parcial -o revisar.json\n\n"
            "Códigos de salida: 0 bien; 1 la ficha tiene campos vacíos o inválidos; 2 el archivo no se puede leer."
        ),
    )
    p.add_argument("entrada", type=Path, help="ficha .docx diligenciada")
    comun.agregar_salida(p, "archivo .json de salida, o una carpeta (termina en / o ya existe) para escribir "
                         "NOMBRE.json en ella (por omisión, la salida estándar)", obligatoria=False)
    p.add_argument(
        "--parcial", action="store_true",
        help="escribe lo leído aunque falten campos o haya inválidos, con la lista de errores y avisos "
        "(para revisar la ficha); termina con código 1 si hay errores",
    )
    p.set_defaults(ejecutar=ejecutar)


def _escribir(datos: dict[str, Any], salida: Path | None) -> None:
    texto = json.dumps(datos, ensure_ascii=False, indent=2) + "\n"
    if salida is None:
        sys.stdout.write(texto)
        return
    ruta = escribir_atomico(salida, texto.encode("utf-8"))
    comun.decir(f"JSON escrito: {ruta}", error=True)


def ejecutar(args: argparse.Namespace) -> int:
    if args.salida is not None:
        args.salida = resolver_salida(args.salida, nombre=comun.nombre_de(args.entrada, "ficha"),
                                      extensiones=(".json",), entradas=[args.entrada], que="el JSON").ruta
    extraida = extraer_campos(args.entrada)
    for aviso in extraida.avisos:
        comun.decir(f"Aviso: {aviso}", error=True)
    if args.parcial:
        errores = extraida.errores()
        _escribir({
            "campos": campos_a_json(extraida.campos),
            "avisos": extraida.avisos,
            "errores": [{"ruta": e.ruta, "etiqueta": e.etiqueta, "mensaje": e.mensaje} for e in errores],
        }, args.salida)
        for error in errores:
            comun.decir(f"Error: {error}", error=True)
        return 1 if errores else 0
    practica = extraida.validar()  # ErrorValidacion: la CLI la informa y no escribe nada
    _escribir(practica_a_json(practica), args.salida)
    return 0
