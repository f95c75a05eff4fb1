"""Construye el corpus de fichas FT-1311 «diligenciadas a mano» de tests/corpus_fichas/.

Cada ficha parte del FORMULARIO EN BLANCO, tal como lo recibe una persona: la
plantilla oficial sin las marcas de plantilla (etiquetas, guías, cajas de fecha
vacías y un párrafo vacío bajo cada etiqueta para escribir). Sobre él se "teclea"
como lo hace la gente: debajo de la etiqueta o en la misma línea, con la guía en
su sitio o borrada, con párrafos vacíos de más, viñetas o guiones, textos pegados
en varios párrafos, fechas en las cajas o escritas. Junto a cada .docx se guarda
el .json con lo que la persona quiso escribir (no con lo que lee la biblioteca).

Uso (desde la raíz del repositorio)::

    python tests/corpus_fichas/construir_corpus.py

El caso de LibreOffice pasa el .docx por ``soffice --convert-to docx`` para tener
el XML que escribe LibreOffice; si soffice no está, ese caso no se reescribe.
Los .docx resultantes se guardan en el repositorio.
"""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentoDocx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from acuerdo_docs.documentos.ficha import PLANTILLA_FICHA
from acuerdo_docs.esquemas.ficha import S5, BuenaPractica, Encabezado
from acuerdo_docs.paquete.escritor import normalizar_zip
from acuerdo_docs.rutas import plantilla

CARPETA = Path(__file__).resolve().parent


# --------------------------------------------------------------- formulario en blanco


def _parrafos_cuerpo(doc: DocumentoDocx) -> list[Paragraph]:
    return [Paragraph(p, doc._body) for p in doc.element.body.iter(qn("w:p"))]


def _poner_texto(parrafo: Paragraph, texto: str) -> None:
    """Deja el párrafo con un solo run que dice ``texto`` (conserva el formato del primero)."""
    runs = parrafo.runs
    for run in runs[1:]:
        run._r.getparent().remove(run._r)
    if runs:
        runs[0].text = texto
    elif texto:
        parrafo.add_run(texto)


def formulario_en_blanco() -> bytes:
    """La plantilla oficial sin marcas: lo que recibe quien diligencia la ficha a mano."""
    doc = Document(str(plantilla(PLANTILLA_FICHA)))
    valores = Encabezado().model_dump()
    for tabla in doc.sections[0].header.tables:
        for fila in tabla.rows:
            for celda in fila.cells:
                for parrafo in celda.paragraphs:
                    marca = re.fullmatch(r"\{\{ encabezado\.(\w+) \}\}", parrafo.text)
                    if marca:
                        _poner_texto(parrafo, valores[marca.group(1)])
    en_anexos = False
    for parrafo in _parrafos_cuerpo(doc):
        texto = parrafo.text
        if texto.startswith("{%p for anexo"):
            en_anexos = True
            _poner_texto(parrafo, "")  # queda un párrafo vacío para escribir los anexos
            continue
        if en_anexos:
            parrafo._p.getparent().remove(parrafo._p)
            continue
        if texto.startswith("{%p"):
            parrafo._p.getparent().remove(parrafo._p)
        elif "{{" in texto:
            _poner_texto(parrafo, "")
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalizar_zip(buffer.getvalue())


# --------------------------------------------------------------- mecanógrafo


def etiqueta(campo: str) -> str:
    return BuenaPractica.model_fields[campo].title or campo


def guia(campo: str) -> str:
    return BuenaPractica.model_fields[campo].description or ""


class Formulario:
    """Un formulario en blanco abierto en el procesador de texto, con las acciones de quien lo llena."""

    def __init__(self, datos: bytes | None = None) -> None:
        self.doc = Document(io.BytesIO(datos or formulario_en_blanco()))

    # -- localizar
    def parrafos(self) -> list[Paragraph]:
        return _parrafos_cuerpo(self.doc)

    def parrafo(self, texto: str) -> Paragraph:
        for p in self.parrafos():
            if p.text == texto:
                return p
        raise KeyError(texto)

    def etiqueta(self, campo: str) -> Paragraph:
        # La sección 5 no tiene etiqueta propia: su título hace de etiqueta.
        return self.parrafo(S5 if campo == "conclusiones" else etiqueta(campo))

    def guia(self, campo: str) -> Paragraph:
        return self.parrafo(guia(campo))

    def hueco(self, campo: str) -> Paragraph:
        """El primer párrafo vacío después de la etiqueta (y de su guía)."""
        actual = self.etiqueta(campo)._p
        while True:
            actual = actual.getnext()
            if actual is None or actual.tag != qn("w:p"):
                raise KeyError(f"sin hueco para {campo}")
            p = Paragraph(actual, self.doc._body)
            if not p.text.strip():
                return p

    def tabla_fecha(self, campo: str) -> Table:
        siguiente = self.etiqueta(campo)._p.getnext()
        assert siguiente is not None and siguiente.tag == qn("w:tbl")
        return Table(siguiente, self.doc._body)

    # -- escribir
    @staticmethod
    def despues(parrafo: Paragraph, texto: str = "", estilo: str | None = None) -> Paragraph:
        """Enter al final de ``parrafo``: uno nuevo con su mismo formato de párrafo."""
        nuevo = OxmlElement("w:p")
        ppr = parrafo._p.pPr
        if ppr is not None:
            nuevo.append(copy.deepcopy(ppr))
        parrafo._p.addnext(nuevo)
        p = Paragraph(nuevo, parrafo._parent)
        if estilo:
            p.style = estilo
        if texto:
            p.add_run(texto)  # "\n" es Mayús+Enter (salto de línea) y "\t" tabulador
        return p

    def escribir(self, campo: str, *textos: str, estilo: str | None = None) -> Paragraph:
        """Escribe en el hueco bajo la etiqueta; cada texto más es un Enter y otro párrafo."""
        p = self.hueco(campo)
        if estilo:
            p.style = estilo
        if textos:
            _poner_texto(p, textos[0])
        for texto in textos[1:]:
            p = self.despues(p, texto)
        return p

    def en_linea(self, campo: str, texto: str) -> None:
        """Escribe el valor en la misma línea de la etiqueta, tras los dos puntos."""
        p = self.etiqueta(campo)
        if not p.text.rstrip().endswith(":"):
            p.add_run(":")
        p.add_run(" " + texto).bold = False

    def borrar(self, parrafo: Paragraph) -> None:
        parrafo._p.getparent().remove(parrafo._p)

    def borrar_guia(self, campo: str) -> None:
        self.borrar(self.guia(campo))

    def fecha_en_cajas(self, campo: str, dia: str, mes: str, anio: str) -> None:
        celdas = self.tabla_fecha(campo).rows[1].cells
        for celda, valor in zip(celdas, (dia, mes, anio)):
            _poner_texto(celda.paragraphs[0], valor)

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalizar_zip(buffer.getvalue())


# --------------------------------------------------------------- casos

Caso = tuple[dict[str, Any], Callable[[], bytes]]
CASOS: dict[str, Caso] = {}


def caso(nombre: str, esperado: dict[str, Any]) -> Callable[[Callable[[], bytes]], Callable[[], bytes]]:
    def registrar(funcion: Callable[[], bytes]) -> Callable[[], bytes]:
        CASOS[nombre] = (esperado, funcion)
        return funcion

    return registrar


ESPERADO_01 = {
    "fecha_diligenciamiento": "2024-03-14",
    "nombre": "Laboratorio de datos abiertos para la gestión de trámites",
    "dependencia": "Oficina de Tecnologías de la Información",
    "proceso": "Gestión de tecnologías de la información",
    "equipo": "Equipo de analítica de datos",
    "tipo_vinculacion": "Servidor(a) público(a) de carrera",
    "fecha_inicio": "2023-02-01",
    "descripcion": (
        "Los trámites de la entidad se atendían sin datos sobre tiempos ni causas de rechazo. "
        "El laboratorio publica cada mes un tablero con esos datos.\n\n"
        "La práctica nació de una mesa de trabajo con las áreas misionales & la ciudadanía."
    ),
    "linea_base": "En 2022 el 38 % de las solicitudes se devolvía por documentos incompletos.",
    "poblacion_objetivo": "Ciudadanía que adelanta trámites y servidores de las ventanillas.",
    "alcance": "Doce meses de operación (2023) en tres trámites piloto.",
    "aporte": "Redujo las devoluciones a la mitad y permitió priorizar mejoras «con datos».",
    "difusion": "Boletín interno, dos webinarios y una pieza en redes sociales.",
    "retos": [
        "Mantener la calidad de los datos cuando cambie el sistema de radicación.",
        "Conseguir que otras dependencias publiquen sus propios tableros.",
    ],
    "estabilidad": "El tablero quedó incluido en el procedimiento de seguimiento mensual.",
    "conclusiones": "Medir los trámites cambió la conversación: de opiniones a evidencias.",
}


@caso("01_word_guia_en_su_sitio", ESPERADO_01)
def _caso_01() -> bytes:
    """Lo más común: todo escrito debajo de cada etiqueta, la guía sin tocar, opcionales vacíos."""
    f = Formulario()
    e = ESPERADO_01
    f.fecha_en_cajas("fecha_diligenciamiento", "14", "03", "2024")
    for campo in ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion"):
        f.escribir(campo, e[campo])
    f.fecha_en_cajas("fecha_inicio", "01", "02", "2023")
    f.escribir("descripcion", *e["descripcion"].split("\n\n"))
    for campo in ("linea_base", "poblacion_objetivo", "alcance", "aporte", "difusion", "estabilidad",
                  "conclusiones"):
        f.escribir(campo, e[campo])
    f.escribir("retos", *e["retos"])  # Enter en la viñeta: otra viñeta
    return f.bytes()


ESPERADO_02 = {
    "fecha_diligenciamiento": "2024-02-15",
    "nombre": "Mesas de co-creación con juntas de acción comunal",
    "dependencia": "Subdirección de Participación",
    "directivo": "Directora (e) de Participación",
    "proceso": "Participación ciudadana",
    "equipo": "Grupo de innovación social",
    "colaborador": "Persona Ejemplo Uno",
    "tipo_vinculacion": "Contratista",
    "telefono": "601 3813000 ext. 1234",
    "correo": "persona.ejemplo@alcaldiabogota.gov.co",
    "fecha_inicio": "2022-03-03",
    "descripcion": "Se convocan mesas mensuales con las juntas para definir prioridades del barrio.",
    "linea_base": "Las juntas no participaban en la priorización de obras menores.",
    "poblacion_objetivo": "Juntas de acción comunal de cuatro localidades.",
    "alcance": "Piloto de seis meses; se extendió a un año.",
    "aporte": "Las obras priorizadas con las juntas tuvieron menos quejas.",
    "difusion": "Carteles en los salones comunales y un video corto.",
    "otros_aspectos": "Se requiere apoyo logístico para las sesiones nocturnas.",
    "retos": [
        "Rotación de los dignatarios de las juntas.",
        "Falta de presupuesto para refrigerios.",
        "Conectividad limitada en algunas sedes.",
    ],
    "estabilidad": "Las mesas quedaron en el plan de acción de la subdirección.",
    "conclusiones": "Abrir la priorización a las juntas mejora la confianza.",
}


@caso("02_misma_linea_y_guias_borradas", ESPERADO_02)
def _caso_02() -> bytes:
    """Valores en la línea de la etiqueta, guías borradas, fechas escritas, guiones y párrafos de sobra."""
    f = Formulario()
    e = ESPERADO_02
    # Fechas escritas debajo de la etiqueta; las cajas quedan vacías.
    f.despues(f.etiqueta("fecha_diligenciamiento"), "15/02/2024", "Valor")
    for campo in ("nombre", "dependencia", "directivo", "proceso", "equipo", "colaborador",
                  "tipo_vinculacion", "telefono", "correo"):
        f.en_linea(campo, e[campo])
    f.despues(f.etiqueta("fecha_inicio"), "3 de marzo de 2022", "Valor")
    for campo in ("descripcion", "linea_base", "poblacion_objetivo", "alcance", "aporte", "difusion",
                  "otros_aspectos", "estabilidad"):
        f.borrar_guia(campo)
        p = f.escribir(campo, "", e[campo], "")  # Enter antes y después: párrafos vacíos de más
        f.despues(p, " ")
    f.borrar_guia("retos")
    # Guiones escritos a mano en párrafos normales (sin viñeta de Word).
    f.escribir("retos", *(f"- {r}" for r in e["retos"][:2]), f"-{e['retos'][2]}", estilo="Normal")
    f.escribir("conclusiones", e["conclusiones"])
    return f.bytes()


ESPERADO_03 = {
    "fecha_diligenciamiento": "2023-11-30",
    "nombre": "Ventanilla única de permisos para eventos",
    "dependencia": "Dirección de Gestión del Riesgo",
    "proceso": "Gestión del riesgo de desastres",
    "equipo": "Equipo de aglomeraciones",
    "tipo_vinculacion": "Provisional",
    "fecha_inicio": "2021-06-15",
    "descripcion": (
        "Antes de la ventanilla, un organizador de eventos debía radicar su solicitud en cinco "
        "entidades distintas, cada una con formularios, plazos y requisitos propios.\n\n"
        "La ventanilla única concentra la radicación y reparte internamente los conceptos técnicos:\n"
        "– Bomberos\n– Salud\n– Movilidad\n\n"
        "Hoy el trámite se resuelve en un promedio de 9 días hábiles (antes eran 27).\n\n"
        "El equipo documentó el flujo completo en un manual de operación que se actualiza cada año."
    ),
    "linea_base": "27 días hábiles de trámite promedio y un 40 % de solicitudes incompletas.",
    "poblacion_objetivo": "Organizadores de eventos públicos y privados de la ciudad.",
    "alcance": "Todos los eventos de aglomeración de más de 1.000 personas desde 2021.",
    "aporte": "Un solo punto de contacto reduce tiempos y errores.\n\nLas entidades ganan trazabilidad.",
    "difusion": "Guía para organizadores publicada en el portal y talleres con gremios.",
    "otros_aspectos": "El sistema de información aún depende de correos electrónicos.",
    "retos": [
        "Integrar los sistemas de las cinco entidades.",
        "Sostener los tiempos en temporada alta\n(diciembre y vacaciones de mitad de año).",
        "Actualizar la normativa distrital.",
    ],
    "estabilidad": "La ventanilla está adoptada por decreto y tiene equipo de planta.",
    "conclusiones": "Una ventanilla única es posible cuando las entidades acuerdan tiempos internos.",
    "anexos": [
        {"nombre": "Manual de operación de la ventanilla", "descripcion": "Versión 3, actualizada en 2023."},
        {"nombre": "Tablero de tiempos de respuesta", "descripcion": ""},
    ],
}


@caso("03_texto_largo_pegado", ESPERADO_03)
def _caso_03() -> bytes:
    """Texto largo pegado en varios párrafos, guía con respuesta a continuación, retos numerados."""
    f = Formulario()
    e = ESPERADO_03
    f.fecha_en_cajas("fecha_diligenciamiento", "30", "11", "2023")
    for campo in ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion"):
        f.escribir(campo, e[campo])
    f.fecha_en_cajas("fecha_inicio", "15", "6", "21")  # mes sin cero y año de dos cifras
    # Pegado desde otro documento: párrafos con líneas en blanco entre ellos y saltos de línea.
    partes = e["descripcion"].split("\n\n")
    p = f.escribir("descripcion", partes[0])
    for parte in partes[1:]:
        p = f.despues(p, "")
        p = f.despues(p, parte)
    # Guía dejada y la respuesta escrita a continuación, en el mismo párrafo.
    f.guia("linea_base").add_run(" " + e["linea_base"])
    # Guía editada en parte (se borró un trozo) y la respuesta debajo.
    g = f.guia("poblacion_objetivo")
    _poner_texto(g, guia("poblacion_objetivo").replace(" y/o grupos de valor", ""))
    f.escribir("poblacion_objetivo", e["poblacion_objetivo"])
    for campo in ("alcance", "difusion", "otros_aspectos", "estabilidad", "conclusiones"):
        f.escribir(campo, e[campo])
    f.escribir("aporte", *e["aporte"].split("\n\n"))
    # Retos numerados a mano; el segundo sigue en un párrafo sin número.
    r1, r2, r3 = e["retos"]
    primera, segunda = r2.split("\n")
    f.escribir("retos", f"1. {r1}", f"2) {primera}", segunda, f"3. {r3}", estilo="Normal")
    anexos = e["anexos"]
    f.escribir("anexos", f"1. {anexos[0]['nombre']}", anexos[0]["descripcion"], f"2. {anexos[1]['nombre']}")
    return f.bytes()


ESPERADO_04 = {
    "campos": {
        "encabezado": Encabezado().model_dump(),
        "fecha_diligenciamiento": "2024-05-02",
        "nombre": "Huertas comunitarias en colegios",
        "dependencia": "Dirección de Ambiente",
        "directivo": "",
        "proceso": "Gestión ambiental",
        "equipo": "Equipo de educación ambiental",
        "colaborador": "",
        "tipo_vinculacion": "Contratista",
        "telefono": "",
        "correo": "",
        "descripcion": "Huertas escolares que cuidan estudiantes, docentes y familias.",
        "linea_base": "",
        "poblacion_objetivo": "Estudiantes de colegios públicos.",
        "alcance": "Diez colegios durante 2023.",
        "aporte": "Los estudiantes aprendieron a compostar.",
        "difusion": "",
        "otros_aspectos": "",
        "retos": [],
        "estabilidad": "Depende de la continuidad de los docentes líderes.",
        "conclusiones": "Las huertas son un aula abierta.",
        "anexos": [],
    },
    "errores": ["fecha_inicio", "linea_base", "difusion", "retos"],
}


@caso("04_incompleta", ESPERADO_04)
def _caso_04() -> bytes:
    """Ficha a medio llenar: campos obligatorios vacíos o con solo la guía; sin fecha de inicio."""
    f = Formulario()
    c = ESPERADO_04["campos"]
    f.fecha_en_cajas("fecha_diligenciamiento", "2", "5", "2024")
    for campo in ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion", "descripcion",
                  "poblacion_objetivo", "alcance", "aporte", "estabilidad", "conclusiones"):
        f.escribir(campo, c[campo])
    return f.bytes()


ESPERADO_05 = {
    "fecha_diligenciamiento": "2024-08-09",
    "nombre": "Tableros de control para la atención a la ciudadanía",
    "dependencia": "Dirección del Sistema Distrital de Servicio a la Ciudadanía",
    "proceso": "Servicio a la ciudadanía",
    "equipo": "Equipo de seguimiento y medición",
    "tipo_vinculacion": "Libre nombramiento y remoción",
    "fecha_inicio": "2022-01-20",
    "descripcion": "Tableros semanales de peticiones, quejas y reclamos por canal de atención.",
    "linea_base": "Los informes se hacían a mano cada trimestre, con dos meses de rezago.",
    "poblacion_objetivo": "Directivos de las entidades distritales.",
    "alcance": "Veinte entidades conectadas al tablero en 2022 y 2023.",
    "aporte": "Decisiones con datos de la semana anterior, no del trimestre anterior.",
    "difusion": "Presentaciones en el comité directivo y un curso virtual.",
    "retos": ["Incorporar las entidades del sector descentralizado.", "Proteger los datos personales."],
    "estabilidad": "El tablero es parte del modelo de seguimiento de la política de servicio.",
    "conclusiones": "Ver los datos cada semana cambió el ritmo de la gestión.",
}


@caso("05_libreoffice", ESPERADO_05)
def _caso_05() -> bytes:
    """Llenada y guardada en LibreOffice Writer: texto escrito sobre la guía, fechas en cajas."""
    f = Formulario()
    e = ESPERADO_05
    f.fecha_en_cajas("fecha_diligenciamiento", "09", "08", "2024")
    for campo in ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion"):
        f.escribir(campo, e[campo])
    f.fecha_en_cajas("fecha_inicio", "20", "01", "2022")
    for campo in ("descripcion", "linea_base", "poblacion_objetivo", "aporte", "estabilidad", "conclusiones"):
        f.escribir(campo, e[campo])
    # Se seleccionó la guía y se escribió encima: el valor queda con el estilo de la guía.
    _poner_texto(f.guia("alcance"), e["alcance"])
    _poner_texto(f.guia("difusion"), e["difusion"])
    f.escribir("retos", *e["retos"])
    return pasar_por_libreoffice(f.bytes())


ESPERADO_06 = {
    "encabezado": {
        "entidad": "SECRETARÍA GENERAL",
        "proceso": "GESTIÓN DEL CONOCIMIENTO",
        "procedimiento": "Buenas prácticas y lecciones aprendidas de gestión pública",
        "formato": "Documentación de buenas prácticas de gestión pública",
        "codigo": "4202000-FT-1311",
        "version": "01",
    },
    "fecha_diligenciamiento": "2023-10-24",
    "nombre": "Gestión documental sin papel en la Oficina Jurídica",
    "dependencia": "Oficina Asesora Jurídica",
    "proceso": "Gestión jurídica",
    "equipo": "Grupo de conceptos",
    "tipo_vinculacion": "Contratista",
    "fecha_inicio": "2023-07-01",
    "descripcion": "Los conceptos jurídicos se tramitan y firman en el sistema, sin papel.",
    "linea_base": "Cada concepto generaba 40 hojas impresas en promedio.",
    "poblacion_objetivo": "Abogados de la oficina y dependencias que piden conceptos.",
    "alcance": "Todos los conceptos desde julio de 2023.",
    "aporte": "Ahorro de papel y trazabilidad de cada versión.",
    "difusion": "Correo masivo y una sesión de capacitación.",
    "retos": ["Firmas de entidades externas.", "Archivo de documentos históricos."],
    "estabilidad": "Adoptado en el procedimiento de conceptos.",
    "conclusiones": "El cambio fue posible con apoyo de la alta dirección.",
}


@caso("06_tabla_dos_columnas", ESPERADO_06)
def _caso_06() -> bytes:
    """Versión casera del formato: una tabla etiqueta | valor y el encabezado dentro del cuerpo."""
    e = ESPERADO_06
    doc = Document()
    enc = doc.add_table(rows=3, cols=5)
    filas = (("PROCESO", "proceso", "CÓDIGO", "codigo"), ("PROCEDIMIENTO", "procedimiento", "VERSIÓN", "version"),
             ("FORMATO", "formato", "Página", None))
    enc.cell(0, 0).merge(enc.cell(2, 0)).text = e["encabezado"]["entidad"]
    for i, (izq, clave_izq, der, clave_der) in enumerate(filas):
        enc.cell(i, 1).text = izq
        enc.cell(i, 2).text = e["encabezado"][clave_izq]
        enc.cell(i, 3).text = der
        enc.cell(i, 4).text = e["encabezado"][clave_der] if clave_der else "1 de 1"
    doc.add_paragraph("BUENAS PRÁCTICAS DE GESTIÓN PÚBLICA")
    campos = [c for c in BuenaPractica.model_fields if c not in ("encabezado", "anexos", "valoracion")]
    tabla = doc.add_table(rows=len(campos), cols=2)
    for fila, campo in zip(tabla.rows, campos):
        fila.cells[0].text = etiqueta(campo) if campo != "conclusiones" else "Conclusiones:"
        valor = e.get(campo, "")
        if campo == "retos":
            valor = "\n".join(f"• {r}" for r in valor)  # Mayús+Enter entre viñetas escritas
        fila.cells[1].text = valor
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalizar_zip(buffer.getvalue())


# --------------------------------------------------------------- la semilla


def _clave_linea(texto: str) -> str:
    from acuerdo_docs.esquemas.comun import normalizar_clave

    # En el texto de la semilla la definición va entre asteriscos y con la llamada de nota (¹).
    return normalizar_clave(texto.replace("*", "").replace("¹", ""))


def teclear_semilla(texto: str) -> bytes:
    """Pasa el texto de la semilla a un formulario en blanco como lo haría una persona.

    El texto es el volcado de una ficha impresa: los tabuladores separan celdas, el
    encabezado se repite en cada página y un salto de página parte un párrafo. Quien la
    transcribe recorre el formulario en blanco: las líneas que ya están en él (título,
    etiquetas, guías, secciones) solo mueven el cursor; las demás son lo que escribe, en
    el hueco bajo la etiqueta o con Enter al final de lo anterior. «- » al empezar un
    párrafo se vuelve viñeta (autoformato de Word), y la línea de día/mes/año llena las cajas.
    """
    f = Formulario()
    cuerpo = f.doc.element.body
    encabezado = f.doc.sections[0].header.tables[0]
    anclas = list(cuerpo)  # párrafos y tablas del formulario en blanco, en orden
    siguiente = 0  # la próxima ancla por encontrar
    cursor: Paragraph | None = None
    ultimo_valor: Paragraph | None = None
    cajas: Table | None = None
    tras_salto_de_pagina = False
    for linea in texto.split("\n"):
        if linea.startswith("\t"):  # encabezado de página: sus valores van en el encabezado del formulario
            celdas = linea.split("\t")[1:]
            for rotulo, valor in zip(celdas[0::2], celdas[1::2]):
                for fila in encabezado.rows:
                    for izq, der in zip(fila.cells, fila.cells[1:]):
                        if izq.text == rotulo and rotulo != "Página":
                            _poner_texto(der.paragraphs[0], valor)
            tras_salto_de_pagina = True
            continue
        if linea.startswith("¹"):  # la nota al pie ya está en el formulario
            continue
        if "\t" in linea:  # fila de una tabla: las cajas de fecha
            celdas = linea.split("\t")
            if [_clave_linea(c) for c in celdas] == ["dia", "mes", "ano"]:
                indice = next(i for i in range(siguiente, len(anclas)) if anclas[i].tag == qn("w:tbl"))
                cajas = Table(anclas[indice], f.doc._body)
                siguiente = indice + 1
            else:
                assert cajas is not None, linea
                for celda, valor in zip(cajas.rows[1].cells, celdas):
                    _poner_texto(celda.paragraphs[0], valor)
                cajas = None
            continue
        if not linea:
            continue
        if not linea.strip():  # un párrafo con solo un espacio, como en la ficha original
            assert cursor is not None
            cursor = f.despues(cursor, linea, "Valor")
            continue
        clave = _clave_linea(linea)
        indice = next(
            (i for i in range(siguiente, len(anclas))
             if anclas[i].tag == qn("w:p") and _clave_linea(Paragraph(anclas[i], f.doc._body).text) == clave),
            None,
        )
        if indice is not None:  # ya está en el formulario: el cursor pasa a ese párrafo
            cursor = Paragraph(anclas[indice], f.doc._body)
            siguiente = indice + 1
            continue
        assert cursor is not None, linea
        if (tras_salto_de_pagina and ultimo_valor is not None and linea[0].islower()
                and not ultimo_valor.text.rstrip().endswith((".", ":", "!", "?", '"', "”", ")"))):
            ultimo_valor.add_run(" " + linea)  # el salto de página había partido el párrafo
            tras_salto_de_pagina = False
            continue
        tras_salto_de_pagina = False
        vineta = linea.startswith("- ")
        valor = linea[2:] if vineta else linea
        hueco = cursor._p.getnext()
        if hueco is not None and hueco.tag == qn("w:p") and not Paragraph(hueco, f.doc._body).text:
            cursor = Paragraph(hueco, f.doc._body)
            _poner_texto(cursor, valor)
        else:
            cursor = f.despues(cursor, valor)
        if vineta:
            cursor.style = "List Bullet"
        ultimo_valor = cursor
    return f.bytes()


# --------------------------------------------------------------- LibreOffice


def pasar_por_libreoffice(datos: bytes) -> bytes:
    """Abre y guarda el .docx con LibreOffice (docx → docx), como quien lo llena en Writer."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("soffice no está instalado")
    with tempfile.TemporaryDirectory() as tmp:
        entrada = Path(tmp) / "entrada" / "ficha.docx"
        entrada.parent.mkdir()
        entrada.write_bytes(datos)
        salida = Path(tmp) / "salida"
        perfil = Path(tmp) / "perfil"
        subprocess.run(
            [soffice, "--headless", "--norestore", "--nologo", f"-env:UserInstallation=file://{perfil}",
             "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(salida), str(entrada)],
            check=True, capture_output=True, timeout=240,
        )
        return (salida / "ficha.docx").read_bytes()


def main() -> int:
    for nombre, (esperado, construir) in CASOS.items():
        try:
            datos = construir()
        except RuntimeError as exc:
            print(f"omitido {nombre}: {exc}", file=sys.stderr)
            continue
        (CARPETA / f"{nombre}.docx").write_bytes(datos)
        texto = json.dumps(esperado, ensure_ascii=False, indent=2) + "\n"
        (CARPETA / f"{nombre}.json").write_text(texto, encoding="utf-8")
        print(f"escrito: {nombre}.docx / .json")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
