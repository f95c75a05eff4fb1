"""Hoja Instrucciones: cómo usar el libro, el método (desde su archivo) y la tabla de columnas."""

from __future__ import annotations

from openpyxl.worksheet.worksheet import Worksheet

from ...esquemas.metodo_riesgo import MetodoRiesgo
from ...salida.excel import alto_fila, escribir_celda, escribir_encabezados, fijar_anchos
from .hoja_matriz import columnas_matriz

HOJA_INSTRUCCIONES = "Instrucciones"
ANCHOS = (34, 12, 90)


def _pct(valor: float) -> str:
    return f"{valor * 100:.0f} %"


def lineas_metodo(m: MetodoRiesgo) -> list[str]:
    prob = ", ".join(f"{n.nombre} {_pct(n.porcentaje)}" for n in m.probabilidad)
    imp = ", ".join(f"{n.nombre} {_pct(n.porcentaje)}" for n in m.impacto)
    tipos = ", ".join(f"{t.nombre.lower()} {_pct(t.peso)}" for t in m.tipos_control)
    impl = ", ".join(f"{i.nombre.lower()} {_pct(i.peso)}" for i in m.implementaciones)
    baja_p = " y ".join(t.nombre.lower() for t in m.tipos_control if t.disminuye == "probabilidad")
    baja_i = " y ".join(t.nombre.lower() for t in m.tipos_control if t.disminuye == "impacto")
    reglas = [f"{t.nombre}: " + "; ".join(
        ([f"no se puede {', '.join(m.etiquetas[x].lower() for x in t.tratamientos_no_admitidos)}"]
         if t.tratamientos_no_admitidos else [])
        + ([f"impacto al menos {m.nombres_impacto[t.impacto_minimo - 1]}"] if t.impacto_minimo else []))
        for t in m.tipos_riesgo if t.tratamientos_no_admitidos or t.impacto_minimo]
    return [
        f"Probabilidad (según las veces al año que se ejecuta la actividad): {prob}.",
        f"Impacto: {imp}. Se valora por dos criterios, económico (SMLMV) y reputacional; con ambos cuenta el mayor"
        " (tabla 4 de la guía; la redacción oficial está en Catálogos).",
        "La zona inherente se lee en el mapa de calor (hoja Catálogos) con la probabilidad y el impacto.",
        f"Calificación del control = peso del tipo ({tipos}) + peso de la implementación ({impl}). Documentación,"
        " frecuencia y evidencia son atributos informativos: se registran pero no cambian la calificación.",
        f"Los controles {baja_p} bajan la probabilidad; los {baja_i}, el impacto. Cada control actúa sobre lo que"
        " dejó el anterior: valor = valor × (1 − calificación).",
        "El % residual vuelve a un nivel: el primero cuyo porcentaje no supera (hasta 20 % nivel 1, hasta 40 % nivel"
        " 2, …). La zona residual se lee en el mismo mapa de calor.",
        "Tipos de riesgo: " + ", ".join(t.nombre for t in m.tipos_riesgo) + ". Reglas: " + " ".join(reglas),
        "Colores: " + ", ".join(f"{z.nombre} {z.nombre_color.lower()}" for z in m.zonas) + ".",
    ]


def hoja_instrucciones(ws: Worksheet, controles: int, con_ruta: bool, m: MetodoRiesgo) -> None:
    lineas: list[tuple[str, bool]] = [
        ("Matriz de riesgos — instrucciones", True),
        ("", False),
        ("Cómo usar el libro", True),
        ("1. En la hoja Matriz, cada fila es un riesgo. Escriba en las columnas blancas; las grises son"
         " fórmulas.", False),
        ("2. Tipo, clasificación, probabilidad, impacto (y sus criterios), tipo, implementación y atributos de los"
         " controles y tratamiento se eligen de listas desplegables (hoja Catálogos).", False),
        (f"3. Cada riesgo admite {controles} controles en la misma fila (grupos «Control 1», «Control 2», …). Un"
         " control cuenta cuando tiene tipo e implementación. Los grupos que ningún riesgo usa aún están plegados"
         " (no se imprimen): ábralos con el botón «+» sobre las columnas.", False),
        ("4. Hay filas vacías preparadas al final de la tabla para añadir riesgos: las fórmulas ya están.", False),
        ("5. El Mapa de calor se calcula con fórmulas desde la Matriz (referencias y número de riesgos por celda):"
         " sigue a los cambios. Si cambia los criterios económico o reputacional, escriba el impacto que"
         " corresponde (el mayor).", False),
        ("", False),
        (f"Método: {m.nombre}, versión {m.version}", True),
        *((texto, False) for texto in lineas_metodo(m)),
    ]
    if con_ruta:
        lineas += [
            ("", False),
            ("Hoja de ruta y avance por actor", True),
            ("Hitos del acuerdo con responsable, fechas, avance y estado a la fecha de corte (celda C2). El estado,"
             " el avance global, el avance por actor y el diagrama semanal son fórmulas y formato condicional: si"
             " cambia fechas, avance o la fecha de corte, todo se actualiza.", False),
        ]
    for i, (texto, negrita) in enumerate(lineas, start=1):
        tamano = 13.0 if i == 1 else (10.0 if negrita else 9.0)
        escribir_celda(ws, i, 1, texto or None, estilo={"negrita": negrita, "ajustar": True, "tamano": tamano})
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=3)
        # Alto explícito para todo texto (también los títulos): LibreOffice no ajusta filas combinadas.
        ws.row_dimensions[i].height = alto_fila([(texto, sum(ANCHOS))], tamano=tamano)
    fila = len(lineas) + 2
    escribir_celda(ws, fila, 1, "Columnas de la hoja Matriz", estilo={"negrita": True, "tamano": 10})
    ws.row_dimensions[fila].height = alto_fila([("x", 10)], tamano=10)
    escribir_encabezados(ws, fila + 1, ["Columna", "Tipo", "Descripción"])
    vistas: set[str] = set()
    n = fila + 2
    for c in columnas_matriz(controles):
        titulo = c.etiqueta.removesuffix(" 1") if c.clave.startswith("control1_") else c.etiqueta
        if c.clave.startswith("control") and not c.clave.startswith("control1_"):
            continue
        if titulo in vistas:
            continue
        vistas.add(titulo)
        nombre = titulo + (" (por control)" if c.clave.startswith("control1_") else "")
        escribir_celda(ws, n, 1, nombre, estilo={"borde": True, "ajustar": True})
        escribir_celda(ws, n, 2, "Calculada" if c.calculada else "Dato", estilo={"borde": True})
        escribir_celda(ws, n, 3, c.ayuda, estilo={"borde": True, "ajustar": True})
        ws.row_dimensions[n].height = alto_fila([(c.ayuda, ANCHOS[2]), (nombre, ANCHOS[0])])
        n += 1
    fijar_anchos(ws, ANCHOS)
