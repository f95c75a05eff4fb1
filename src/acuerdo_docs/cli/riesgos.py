"""acuerdo-docs riesgos: genera la matriz de riesgos (Excel, o CSV plano) con el método del DAFP (guía v7)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..documentos.matriz import generar_matriz_riesgos
from ..documentos.matriz.plano import exportar_riesgos_csv
from ..errores import ErrorEntrada
from ..esquemas.metodo_riesgo import cargar_metodo
from ..esquemas.riesgo import LIMITE_CONTROLES
from ..salida.destinos import resolver_salida
from . import comun


def _controles(texto: str) -> int:
    try:
        valor = int(texto)
    except ValueError:
        raise argparse.ArgumentTypeError("debe ser un número entero") from None
    if not 1 <= valor <= LIMITE_CONTROLES:
        raise argparse.ArgumentTypeError(f"debe estar entre 1 y {LIMITE_CONTROLES}")
    return valor


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "riesgos",
        help="genera la matriz de riesgos (Excel con mapa de calor, o CSV plano)",
        description=(
            "Genera la matriz de riesgos (método DAFP, Guía para la Gestión Integral del Riesgo v7: probabilidad x "
            "impacto, controles, riesgo residual, tratamiento) con listas desplegables, fórmulas que Excel y "
            "LibreOffice recalculan, mapa de calor por fórmulas e instrucciones. La entrada es un JSON con la clave "
            "«riesgos» (y «encabezado»; vea: acuerdo-docs esquema riesgos), una lista de riesgos o un acuerdo "
            "simbólico completo (agrega «Hoja de ruta» y «Avance por actor»). Con -o archivo.csv escribe una fila "
            "por riesgo y control para el mapa de riesgos institucional."
        ),
        epilog="Ejemplos:\n  acuerdo-docs riesgos riesgos.json -o matriz.xlsx --pdf\n"
               "  acuerdo-docs riesgos acuerdo.json -o matriz.xlsx --referencia 2024-03-31\n"
               "  acuerdo-docs riesgos riesgos.json -o riesgos.csv\n"
               "  acuerdo-docs metodo -o metodo.json      # el método incorporado, para adaptarlo\n"
               "  acuerdo-docs riesgos riesgos.json -o matriz.xlsx --metodo metodo.json",
    )
    p.add_argument("entrada", type=Path,
                   help="archivo JSON de los riesgos o del acuerdo ('-' para la entrada estándar)")
    comun.agregar_salida(p, "archivo .xlsx (libro) o .csv (exportación plana), o una carpeta (termina en / o ya"
                         " existe) para escribir en ella NOMBRE.xlsx")
    p.add_argument("--referencia", type=comun.fecha_argumento, metavar="AAAA-MM-DD",
                   help="fecha de corte para el estado de los hitos (por omisión: fecha_corte del acuerdo o su fecha)")
    p.add_argument("--controles", type=_controles, default=3, metavar="N",
                   help="grupos de columnas de control por riesgo, de 1 a"
                   f" {LIMITE_CONTROLES} (por omisión 3; crece si algún riesgo trae más)")
    comun.agregar_pdf(p, "el libro (matriz, mapa de calor, hoja de ruta y avance)")
    comun.agregar_pdf_completo(p)
    p.add_argument("--metodo", type=Path, metavar="JSON",
                   help="método propio de la entidad (escalas, mapa, pesos, clases, tipos, tratamientos); por "
                        "omisión el de la guía DAFP v7 incorporado, que escribe «acuerdo-docs metodo -o metodo.json»")
    p.add_argument("--encabezado", type=Path, metavar="JSON",
                   help="encabezado del formato (proceso, procedimiento, formato, codigo, version) que reemplaza "
                        "el del archivo de entrada")
    comun.agregar_si_editado(p)
    p.set_defaults(ejecutar=ejecutar)


def ejecutar(args: argparse.Namespace) -> int:
    salida = resolver_salida(args.salida, nombre=comun.nombre_de(args.entrada, "riesgos"),
                             extensiones=(".xlsx", ".csv"), entradas=[args.entrada, args.metodo, args.encabezado],
                             que="la matriz de riesgos", pdf_aparte=True)
    datos = comun.leer_json(args.entrada)
    metodo = cargar_metodo(args.metodo) if args.metodo else None
    encabezado = comun.leer_json(args.encabezado) if args.encabezado else None
    if encabezado is not None:
        from ..errores import validar
        from ..esquemas.riesgo import EncabezadoMatriz

        encabezado = validar(EncabezadoMatriz, encabezado)
    if salida.formato == ".csv":
        if args.pdf:
            raise ErrorEntrada("--pdf (o --pdf-simple) solo se usa con un libro .xlsx, no con un .csv")
        ruta = exportar_riesgos_csv(datos, salida.ruta, metodo=metodo)
        comun.decir(f"Riesgos exportados (CSV): {ruta}")
        return 0
    ruta = generar_matriz_riesgos(
        datos, salida.ruta, referencia=args.referencia, columnas_control=max(1, args.controles), metodo=metodo,
        encabezado=encabezado,
    )
    comun.decir(f"Matriz de riesgos escrita: {ruta}")
    if args.pdf and ruta is not None:
        comun.pdf_del_libro(Path(ruta), args)
    return 0
