"""Lo que escribiría una persona en vez de usar acuerdo_docs: docxtpl sobre una plantilla ya hecha.

    python bench/docxtpl_minimo.py practica.json plantilla.docx salida.docx

La vara del arranque en frío (``bench/bench_arranque.py``): lee el mismo JSON, renderiza la
plantilla oficial de la ficha (la misma que usa ``acuerdo-docs ficha``) con el escape de docxtpl y
guarda. Sin validar, sin sandbox ni límites, sin escritura atómica ni fsync: lo mínimo que da el
mismo documento. Los filtros de fecha y de párrafos de la plantilla van en una línea cada uno.
"""

import json
import sys

from docxtpl import DocxTemplate
from jinja2 import Environment

entrada, plantilla, salida = sys.argv[1:4]
with open(entrada, encoding="utf-8") as archivo:
    practica = json.load(archivo)
entorno = Environment(autoescape=True)
entorno.filters.update(
    dia=lambda f: f[8:10], mes=lambda f: f[5:7], anio=lambda f: f[:4],
    parrafos=lambda t: [p.strip("\n") for p in (t or "").split("\n\n") if p.strip()],
)
encabezado = {"entidad": "ALCALDÍA MAYOR DE BOGOTÁ D.C.", "proceso": "GESTIÓN DEL CONOCIMIENTO",
              "procedimiento": "Buenas prácticas y lecciones aprendidas de gestión pública",
              "formato": "Documentación de buenas prácticas de gestión pública", "codigo": "4202000-FT-1311",
              "version": "01"}
documento = DocxTemplate(plantilla)
documento.render({"practica": practica, "encabezado": encabezado}, jinja_env=entorno, autoescape=True)
documento.save(salida)
