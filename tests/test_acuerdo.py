"""Acuerdo simbólico: esquema, validación, documento Word, CLI y cliente real (LibreOffice)."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest
from conftest import cli, convertir_con_libreoffice, texto_pdf
from docx.oxml.ns import qn
from docx.table import Table

from acuerdo_docs import AcuerdoSimbolico, ErrorValidacion, ejemplo_acuerdo, generar_acuerdo
from acuerdo_docs.documentos.acuerdo import barra_avance, contexto_acuerdo, renderizar_acuerdo
from acuerdo_docs.esquemas.acuerdo import ESTADOS, SECTORES, TIPOS_COMPROMISO, estado_hito
from acuerdo_docs.esquemas.comun import RESERVADO

EJEMPLOS = Path(__file__).parents[1] / "src" / "acuerdo_docs" / "ejemplos"
HOSTIL = "A & B < C > D \" E ' F {{ 7*7 }} {% if x %} {_{ ñandú Ñ ü 😀 𝔘 עברית\r\nlínea\x0bsalto\x07\x1b fin"
HOSTIL_LIMPIO = "A & B < C > D \" E ' F {{ 7*7 }} {% if x %} {_{ ñandú Ñ ü 😀 𝔘 עברית\nlínea\nsalto fin"
ROTULOS_TIPO = list(TIPOS_COMPROMISO.values())


def datos_base() -> dict:
    """Un acuerdo pequeño y válido, con compromisos variados y una hoja de ruta desordenada."""
    return {
        "desafio": {"nombre": "Parques que cuidan", "descripcion": "Uso seguro de parques de bolsillo."},
        "fecha": "2024-02-01",
        "lugar": "Bogotá D.C., salón comunal",
        "alcance": "Tres parques de Suba.",
        "objetivo": "Un prototipo de mantenimiento comunitario.",
        "actores": [
            {"id": "idrd", "entidad": "Instituto Distrital de Recreación y Deporte", "sector": "publico",
             "representante": "Ana Pérez Núñez", "cargo": "Subdirectora técnica", "correo": "ana.perez@idrd.gov.co",
             "rol": "Dueño del reto", "responsabilidades": ["Priorizar los parques", "Financiar el piloto"],
             "compromisos": [{"tipo": "talento_humano", "descripcion": "Dos profesionales"},
                             {"tipo": "recursos", "descripcion": "Presupuesto del piloto"},
                             {"tipo": "recursos", "descripcion": "Mobiliario urbano"}],
             "validado": True},
            {"id": "uni", "entidad": "Universidad del Parque", "sector": "Académico", "rol": "Evaluador",
             "responsabilidades": "- Medir el uso\n- Publicar resultados",
             "compromisos": [{"tipo": "Equipo", "descripcion": "Sensores de conteo"}]},
            {"id": "jac", "entidad": "JAC Barrio Verde", "sector": "sociedad civil", "rol": "Comunidad",
             "responsabilidades": ["Convocar vecinos"], "compromisos": []},
            {"id": "emp", "entidad": "Empresa Verde S.A.S.", "sector": "privado", "rol": "Aliado",
             "responsabilidades": ["Donar plantas"],
             "compromisos": [{"tipo": "otros", "descripcion": "Asesoría en jardinería"},
                             {"tipo": "talento humano", "descripcion": "Voluntariado corporativo"}]},
        ],
        "hoja_de_ruta": [
            {"actividad": "Piloto en campo", "fase": "Probar", "responsable": "idrd",
             "inicio": "2024-06-01", "fin": "2024-07-31", "avance": 0},
            {"actividad": "Diagnóstico", "fase": "Entender", "responsable": "uni",
             "inicio": "2024-02-05", "fin": "2024-03-01", "avance": 100},
            {"actividad": "Talleres", "fase": "Idear", "responsable": "jac",
             "inicio": "2024-03-04", "fin": "2024-04-12", "avance": 70},
            {"actividad": "Prototipo", "fase": "Prototipar", "responsable": "emp",
             "inicio": "2024-04-15", "fin": "2024-05-31", "avance": 40},
        ],
    }


# ------------------------------------------------------------- lectura del .docx


def documento(fuente: Path | bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(fuente) if isinstance(fuente, bytes) else str(fuente))


def lineas(fuente: Path | bytes) -> list[str]:
    """Párrafos del cuerpo y de cada celda, en orden de lectura (una entrada por párrafo)."""
    doc = documento(fuente)
    salida: list[str] = []
    for elemento in doc.element.body.iterchildren():
        if elemento.tag == qn("w:p"):
            salida.append(docx.text.paragraph.Paragraph(elemento, doc).text)
        elif elemento.tag == qn("w:tbl"):
            for fila in Table(elemento, doc).rows:
                for celda in fila.cells:
                    salida.extend(p.text for p in celda.paragraphs)
    return salida


def tabla_con_titulo(doc: docx.document.Document, primera: str) -> Table:
    encontradas = [t for t in doc.tables if t.rows[0].cells[0].text == primera]
    assert len(encontradas) == 1, primera
    return encontradas[0]


def tabla_aportes(doc: docx.document.Document) -> Table:
    return tabla_con_titulo(doc, "Actor")


def tabla_ruta(doc: docx.document.Document) -> Table:
    return tabla_con_titulo(doc, "#")


def tabla_firmas(doc: docx.document.Document) -> Table:
    return doc.tables[-1]


def bloques_firma(doc: docx.document.Document) -> list[list[str]]:
    """Cada bloque de firma: los párrafos no vacíos de su columna en un par de filas (datos arriba, líneas abajo)."""
    bloques = []
    filas = tabla_firmas(doc).rows
    for datos, lineas in zip(filas[::2], filas[1::2], strict=True):
        for arriba, abajo in zip(datos.cells, lineas.cells, strict=True):
            textos = [p.text for c in (arriba, abajo) for p in c.paragraphs if p.text.strip()]
            if textos:
                bloques.append(textos)
    return bloques


def fondo(celda) -> str | None:
    shd = celda._tc.tcPr.find(qn("w:shd"))
    return None if shd is None else shd.get(qn("w:fill"))


@pytest.fixture(scope="module")
def ejemplo_bytes() -> bytes:
    return renderizar_acuerdo(ejemplo_acuerdo())


# ------------------------------------------------------------------ esquema


def test_ejemplo_cumple_lo_pedido() -> None:
    acuerdo = ejemplo_acuerdo()
    assert len(acuerdo.actores) >= 5
    assert len({a.sector for a in acuerdo.actores}) >= 3
    assert len(acuerdo.hoja_de_ruta) == 8
    assert len({h.fase for h in acuerdo.hoja_de_ruta}) >= 3
    estados = [acuerdo.estado_hito(h) for h in acuerdo.hoja_de_ruta]
    assert acuerdo.fecha_corte == date(2023, 10, 24)
    assert estados.count("completado") >= 2 and estados.count("vencido") >= 2
    assert {"en curso", "sin iniciar"} <= set(estados)
    assert {a.id for a in acuerdo.actores} == {"act", "sdm", "idu", "univ", "empresa", "jac"}


def test_ejemplo_lleva_los_riesgos_del_ejemplo_de_la_matriz() -> None:
    riesgos = json.loads((EJEMPLOS / "riesgos_ejemplo.json").read_text(encoding="utf-8"))["riesgos"]
    propio = json.loads((EJEMPLOS / "acuerdo_ejemplo.json").read_text(encoding="utf-8"))["riesgos"]
    assert propio == riesgos, "copie los riesgos de riesgos_ejemplo.json en acuerdo_ejemplo.json"
    assert ejemplo_acuerdo().riesgos


def test_valores_legibles_se_normalizan() -> None:
    acuerdo = AcuerdoSimbolico.model_validate(datos_base())
    assert [a.sector for a in acuerdo.actores] == ["publico", "academico", "sociedad_civil", "privado"]
    assert [c.tipo for c in acuerdo.actores[3].compromisos] == ["otro", "talento_humano"]
    assert acuerdo.actores[1].responsabilidades == ["Medir el uso", "Publicar resultados"]
    assert acuerdo.encabezado.codigo == "POR ASIGNAR"
    assert acuerdo.encabezado.formato == "Acuerdo simbólico de corresponsabilidad"
    assert acuerdo.facilitador.entidad == "Alta Consejería TIC"


def test_json_schema_y_campos_personales() -> None:
    esquema = AcuerdoSimbolico.model_json_schema()
    assert {"desafio", "fecha", "lugar", "facilitador", "alcance", "objetivo", "actores", "hoja_de_ruta",
            "riesgos", "fecha_corte", "encabezado"} <= set(esquema["properties"])
    actor = esquema["$defs"]["Actor"]["properties"]
    assert actor["representante"]["personal"] is True and actor["correo"]["personal"] is True
    assert "personal" not in actor["cargo"]
    # anyOf: las claves canónicas (enum, para formularios) o cualquier grafía que el modelo acepta (pattern)
    assert set(actor["sector"]["anyOf"][0]["enum"]) == set(SECTORES)
    assert set(esquema["$defs"]["Compromiso"]["properties"]["tipo"]["anyOf"][0]["enum"]) == set(TIPOS_COMPROMISO)


@pytest.mark.parametrize(
    ("inicio", "fin", "avance", "esperado"),
    [
        ("2024-03-01", "2024-03-31", 100, "completado"),
        ("2024-01-01", "2024-02-29", 100, "completado"),  # terminado después de su fecha: completado igual
        ("2024-01-01", "2024-02-29", 99, "vencido"),
        ("2024-02-01", "2024-03-14", 0, "vencido"),  # ni empezó y ya venció
        ("2024-03-15", "2024-03-20", 0, "en curso"),  # empieza hoy
        ("2024-03-01", "2024-03-15", 50, "en curso"),  # termina hoy: aún no vence
        ("2024-03-16", "2024-04-30", 0, "sin iniciar"),
        ("2024-03-16", "2024-04-30", 10, "en curso"),  # se adelantó
    ],
)
def test_estado_frente_a_fecha_fija(inicio: str, fin: str, avance: int, esperado: str) -> None:
    referencia = date(2024, 3, 15)
    assert estado_hito(date.fromisoformat(inicio), date.fromisoformat(fin), avance, referencia) == esperado


def test_referencia_explicita_luego_fecha_corte_luego_hoy() -> None:
    datos = datos_base()
    # Fechas a menos de 10 años de la del acuerdo (límite de la hoja de ruta, docs/limites.md).
    datos["hoja_de_ruta"] = [{"actividad": "Vieja", "responsable": "uni", "inicio": "2015-01-01",
                              "fin": "2015-01-31", "avance": 0}]
    sin_corte = AcuerdoSimbolico.model_validate(datos)
    assert sin_corte.fecha_referencia() == date.today()
    assert contexto_acuerdo(sin_corte)["hitos"][0]["estado"] == "Vencido"
    con_corte = AcuerdoSimbolico.model_validate({**datos, "fecha_corte": "15/01/2015"})
    assert contexto_acuerdo(con_corte)["hitos"][0]["estado"] == "En curso"
    assert contexto_acuerdo(con_corte, referencia=date(2014, 12, 1))["hitos"][0]["estado"] == "Sin iniciar"


def test_barra_de_avance() -> None:
    assert barra_avance(0) == "░" * 10
    assert barra_avance(100) == "█" * 10
    assert barra_avance(3) == "█" + "░" * 9  # con avance nunca se ve vacía
    assert barra_avance(99) == "█" * 9 + "░"  # y nunca se ve llena antes del 100 %
    assert barra_avance(55) == "█" * 6 + "░" * 4
    assert barra_avance(40) == "█" * 4 + "░" * 6
    assert all(len(barra_avance(n)) == 10 for n in range(101))


# ---------------------------------------------------------------- validación


def _falla(datos: dict, tmp_path: Path) -> str:
    destino = tmp_path / "salida" / "acuerdo.docx"
    with pytest.raises(ErrorValidacion) as info:
        generar_acuerdo(datos, destino)
    assert not destino.parent.exists() or not any(destino.parent.iterdir()), "no debe quedar ningún archivo"
    return str(info.value)


def test_responsable_inexistente_lista_los_ids_validos(tmp_path: Path) -> None:
    datos = datos_base()
    datos["hoja_de_ruta"][2]["responsable"] = "sdm"
    datos["hoja_de_ruta"][3]["responsable"] = "Emp"
    mensaje = _falla(datos, tmp_path)
    assert ("hoja_de_ruta[3].responsable (Responsable): no es el id de ningún actor del acuerdo; "
            "ids válidos: idrd, uni, jac, emp") in mensaje
    assert "hoja_de_ruta[4].responsable" in mensaje and "2 error(es)" in mensaje


def test_responsable_de_riesgo_debe_ser_actor(tmp_path: Path) -> None:
    datos = datos_base()
    riesgo = {"id": "R1", "descripcion": "Posibilidad de pérdida reputacional por x debido a y",
              "clasificacion": "Fraude externo", "probabilidad": "Alta", "impacto": "Mayor", "responsable": "otro"}
    datos["riesgos"] = [riesgo, {**riesgo, "id": "R2", "responsable": "jac"}, {**riesgo, "id": "R3", "responsable": ""}]
    mensaje = _falla(datos, tmp_path)
    assert (
        "riesgos[1].responsable (Responsable): no es el id de ningún actor del acuerdo;"
        " ids válidos: idrd, uni, jac, emp"
    ) in mensaje
    assert "riesgos[2]" not in mensaje and "riesgos[3]" not in mensaje and "1 error(es)" in mensaje


@pytest.mark.parametrize(
    ("cambio", "fragmento"),
    [
        (lambda d: d["hoja_de_ruta"][1].update(fin="2024-02-04"),
         "hoja_de_ruta[2].fin (Fecha de fin): la fecha de fin es anterior a la fecha de inicio"),
        (lambda d: d["actores"][2].update(id=" IDRD "),
         "actores[3].id (Id del actor): el id de cada actor debe ser único; este repite el de actores[1]"),
        (lambda d: d.update(actores=d["actores"][:1]), "actores (Actores): el acuerdo necesita al menos dos actores"),
        (lambda d: d["actores"][1].update(responsabilidades=[]),
         "actores[2].responsabilidades (Responsabilidades): cada actor debe tener al menos una responsabilidad"),
        (lambda d: d["actores"][1].update(responsabilidades="  \n "),
         "actores[2].responsabilidades (Responsabilidades): cada actor debe tener al menos una responsabilidad"),
        (lambda d: d["hoja_de_ruta"][0].update(avance=101),
         "hoja_de_ruta[1].avance (Avance (%)): debe ser menor o igual que 100"),
        (lambda d: d["hoja_de_ruta"][0].update(avance=-5),
         "hoja_de_ruta[1].avance (Avance (%)): debe ser mayor o igual que 0"),
        (lambda d: d["actores"][0].update(sector="gremio"), "actores[1].sector (Sector): debe ser uno de:"),
        (lambda d: d["actores"][0]["compromisos"][0].update(tipo="dinero"),
         "actores[1].compromisos[1].tipo (Tipo de compromiso): debe ser uno de:"),
        (lambda d: d["hoja_de_ruta"][0].update(inicio="31/02/2024"),
         "hoja_de_ruta[1].inicio (Fecha de inicio): no es una fecha válida"),
        (lambda d: d.update(clausulas="x"), "clausulas: no es un campo conocido"),
    ],
)
def test_datos_invalidos_mensaje_claro_y_sin_archivo(tmp_path: Path, cambio, fragmento: str) -> None:
    datos = datos_base()
    cambio(datos)
    assert fragmento in _falla(datos, tmp_path)


def test_mensajes_no_repiten_datos_personales(tmp_path: Path) -> None:
    datos = datos_base()
    datos["actores"][0]["correo"] = "ana.perez@"
    datos["hoja_de_ruta"][0]["responsable"] = "Ana Pérez Núñez"
    mensaje = _falla(datos, tmp_path)
    assert "actores[1].correo (Correo de contacto): no es un correo electrónico válido" in mensaje
    assert "ana.perez@" not in mensaje
    datos["actores"][0]["correo"] = None
    assert "Ana Pérez" not in _falla(datos, tmp_path)


# ----------------------------------------------------------------- documento


def test_documento_muestra_cada_elemento(ejemplo_bytes: bytes) -> None:
    acuerdo = ejemplo_acuerdo()
    texto = "\n".join(lineas(ejemplo_bytes))
    assert "ACUERDO SIMBÓLICO DE CORRESPONSABILIDAD" in texto
    assert acuerdo.desafio.nombre in texto and "14 de marzo de 2023" in texto and acuerdo.lugar in texto
    assert "no contractual" in texto and "no crea ninguna obligación contractual" in texto
    assert acuerdo.facilitador.aporte in texto and acuerdo.objetivo in texto
    for parrafo in acuerdo.alcance.split("\n\n"):
        assert parrafo in lineas(ejemplo_bytes)
    todas = lineas(ejemplo_bytes)
    for numero, actor in enumerate(acuerdo.actores, start=1):
        assert f"{numero}. {actor.entidad}" in todas
        assert actor.rol in todas and SECTORES[actor.sector] in todas
        for responsabilidad in actor.responsabilidades:
            assert f"•\t{responsabilidad}" in todas
        for compromiso in actor.compromisos:
            assert f"•\t{compromiso.descripcion}" in todas
    ruta = tabla_ruta(documento(ejemplo_bytes))
    actividades = [f.cells[1].text for f in ruta.rows[1:]]
    assert sorted(actividades) == sorted(h.actividad for h in acuerdo.hoja_de_ruta)
    assert "24 de octubre de 2023" in texto


def test_compromisos_agrupados_por_tipo() -> None:
    doc = documento(renderizar_acuerdo(datos_base()))
    fichas = [t for t in doc.tables if t.rows[0].cells[0].text == "Sector"]  # una tabla por actor
    assert len(fichas) == 4
    compromisos = [[p.text for p in t.rows[6].cells[1].paragraphs] for t in fichas]
    assert compromisos[0] == [
        "Talento humano", "•\tDos profesionales", "Recursos", "•\tPresupuesto del piloto", "•\tMobiliario urbano",
    ]
    assert compromisos[1] == ["Equipo", "•\tSensores de conteo"]
    assert compromisos[2] == ["Sin compromisos registrados."]
    assert compromisos[3] == [
        "Talento humano", "•\tVoluntariado corporativo", "Otros", "•\tAsesoría en jardinería",
    ]  # en el orden de los tipos, no en el del JSON
    assert [t.rows[7].cells[1].text for t in fichas] == ["Sí", "Pendiente", "Pendiente", "Pendiente"]


def test_tabla_cruzada_marca_exactamente_los_tipos_de_cada_actor() -> None:
    datos = datos_base()
    acuerdo = AcuerdoSimbolico.model_validate(datos)
    tabla = tabla_aportes(documento(renderizar_acuerdo(acuerdo)))
    assert [c.text for c in tabla.rows[0].cells] == ["Actor", "Sector", *ROTULOS_TIPO]
    filas = tabla.rows[1:-1]
    assert len(filas) == len(acuerdo.actores)
    for fila, actor in zip(filas, acuerdo.actores):
        assert fila.cells[0].text == actor.entidad and fila.cells[1].text == SECTORES[actor.sector]
        tiene = {c.tipo for c in actor.compromisos}
        for celda, tipo in zip(fila.cells[2:], TIPOS_COMPROMISO):
            assert celda.text == ("X" if tipo in tiene else ""), (actor.id, tipo)
            assert (fondo(celda) != "FFFFFF") == (tipo in tiene)
    marcas = [[c.text for c in f.cells[2:]] for f in filas]
    assert marcas == [["X", "", "X", ""], ["", "X", "", ""], ["", "", "", ""], ["X", "", "", "X"]]
    assert [c.text for c in tabla.rows[-1].cells[2:]] == ["2", "1", "1", "1"]


def test_hoja_de_ruta_ordenada_con_estado_y_barra() -> None:
    datos = {**datos_base(), "fecha_corte": "2024-04-20"}
    tabla = tabla_ruta(documento(renderizar_acuerdo(datos)))
    assert [c.text for c in tabla.rows[0].cells] == [
        "#", "Actividad", "Fase", "Responsable", "Inicio / fin", "Estado", "Avance"]
    filas = [[c.text for c in f.cells] for f in tabla.rows[1:]]
    assert [f[1] for f in filas] == ["Diagnóstico", "Talleres", "Prototipo", "Piloto en campo"]
    assert [f[0] for f in filas] == ["1", "2", "3", "4"]
    assert [f[3] for f in filas] == ["Universidad del Parque", "JAC Barrio Verde", "Empresa Verde S.A.S.",
                                     "Instituto Distrital de Recreación y Deporte"]
    assert filas[0][4] == "05/02/2024\n01/03/2024"
    assert [f[5] for f in filas] == ["Completado", "Vencido", "En curso", "Sin iniciar"]
    assert [f[6] for f in filas] == ["██████████\n100 %", "███████░░░\n70 %", "████░░░░░░\n40 %", "░░░░░░░░░░\n0 %"]
    fondos = [fondo(f.cells[5]) for f in tabla.rows[1:]]
    assert len(set(fondos)) == 4  # un color por estado
    assert tabla.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # títulos en cada página
    # otra fecha de referencia, otros estados: el documento no depende del reloj si se fija
    tabla = tabla_ruta(documento(renderizar_acuerdo(datos, referencia=date(2024, 8, 1))))
    assert [f.cells[5].text for f in tabla.rows[1:]] == ["Completado", "Vencido", "Vencido", "Vencido"]
    texto = "\n".join(lineas(renderizar_acuerdo(datos)))
    assert ("Avance con corte al 20 de abril de 2024: 4 actividades, 1 completada, 1 en curso, 1 vencida y "
            "1 sin iniciar. Avance promedio: 52 %.") in texto


def test_sin_hoja_de_ruta_ni_riesgos() -> None:
    datos = {**datos_base(), "hoja_de_ruta": []}
    todas = lineas(renderizar_acuerdo(datos))
    assert "Aún no se ha definido la hoja de ruta del desafío." in todas
    assert not any("RIESGOS" in linea for linea in todas)
    assert "7. FIRMA SIMBÓLICA" in todas
    assert not any(t.rows[0].cells[0].text == "#" for t in documento(renderizar_acuerdo(datos)).tables)


def test_riesgos_altos_y_extremos_con_responsable_y_tratamiento(ejemplo_bytes: bytes) -> None:
    acuerdo = ejemplo_acuerdo()
    doc = documento(ejemplo_bytes)
    todas = lineas(ejemplo_bytes)
    assert "7. RIESGOS EN ZONA ALTA Y EXTREMA" in todas and "8. FIRMA SIMBÓLICA" in todas
    tabla = tabla_con_titulo(doc, "Ref.")
    esperados = [r for r in acuerdo.riesgos if r.zona_inherente in ("Alto", "Extremo")]
    esperados.sort(key=lambda r: r.zona_inherente != "Extremo")
    assert [f.cells[0].text for f in tabla.rows[1:]] == [r.id for r in esperados]
    assert 0 < len(esperados) < len(acuerdo.riesgos)
    entidades = {a.id: a.entidad for a in acuerdo.actores}
    for fila, riesgo in zip(tabla.rows[1:], esperados):
        assert fila.cells[1].text == riesgo.descripcion
        assert fila.cells[2].text == riesgo.zona_inherente and fila.cells[3].text == riesgo.zona_residual
        assert fila.cells[4].text == entidades[riesgo.responsable]
        assert fila.cells[5].paragraphs[0].text == riesgo.tratamiento.capitalize()
        assert fila.cells[5].paragraphs[1].text == riesgo.plan_accion
    resumen = next(linea for linea in todas if linea.startswith("Se identificaron"))
    assert f"Se identificaron {len(acuerdo.riesgos)} riesgos" in resumen and f"; {len(esperados)} están" in resumen


def test_un_bloque_de_firma_por_actor_dos_por_fila(ejemplo_bytes: bytes) -> None:
    for datos in (ejemplo_acuerdo().model_dump(mode="json"), datos_base()):
        acuerdo = AcuerdoSimbolico.model_validate(datos)
        doc = documento(renderizar_acuerdo(acuerdo))
        bloques = bloques_firma(doc)
        assert len(bloques) == len(acuerdo.actores)
        for bloque, actor in zip(bloques, acuerdo.actores):
            assert bloque[0] == actor.entidad
            assert bloque[1] == "Representante: " + (actor.representante or "_" * 28)
            assert bloque[2] == "Cargo: " + (actor.cargo or "_" * 28)
            assert bloque[3] == "_" * 34 and bloque[4] == "Firma simbólica"
            assert bloque[5] == "Fecha: ____ / ____ / ________"
        tabla = tabla_firmas(doc)
        assert len(tabla.rows) == 2 * ((len(acuerdo.actores) + 1) // 2)  # datos y líneas de firma en filas aparte
        for i, fila in enumerate(tabla.rows):
            assert len(fila.cells) == 2
            assert fila._tr.trPr.find(qn("w:cantSplit")) is not None  # la fila no se parte entre páginas
            if i % 2 == 0:  # la fila de datos va con la de sus líneas de firma
                assert all(p.paragraph_format.keep_with_next for c in fila.cells for p in c.paragraphs)


def test_version_publica_sin_datos_personales(tmp_path: Path) -> None:
    datos = datos_base()
    destino = generar_acuerdo(datos, tmp_path / "publico.docx", publico=True)
    with zipfile.ZipFile(destino) as zf:
        todo = "".join(zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith((".xml", ".rels")))
    assert "Ana Pérez Núñez" not in todo and "ana.perez@idrd.gov.co" not in todo
    todas = lineas(destino)
    assert todas.count(RESERVADO) == 2  # representante y correo en la ficha del actor
    assert bloques_firma(documento(destino))[0][1] == f"Representante: {RESERVADO}"
    assert "Subdirectora técnica" in todas  # el cargo no es dato personal
    privado = "\n".join(lineas(renderizar_acuerdo(datos)))
    assert "Ana Pérez Núñez" in privado and "ana.perez@idrd.gov.co" in privado


def test_texto_hostil_sale_tal_como_se_escribio(tmp_path: Path) -> None:
    datos = datos_base()
    datos["desafio"]["nombre"] = HOSTIL
    datos["actores"][0].update(entidad=HOSTIL, representante=HOSTIL, cargo=HOSTIL, rol=HOSTIL)
    datos["actores"][0]["responsabilidades"] = [HOSTIL, "=1+1"]
    datos["actores"][0]["compromisos"][0]["descripcion"] = HOSTIL
    datos["hoja_de_ruta"][0].update(actividad=HOSTIL, fase="<w:p>fase</w:p>&amp;")
    datos["alcance"] = f"{HOSTIL}\n\nsegundo & último"
    for motor in ("compilado", "docxtpl"):
        contenido = renderizar_acuerdo(datos, motor=motor)
        todas = lineas(contenido)
        assert todas.count(HOSTIL_LIMPIO) >= 6, motor  # subtítulo, tabla, título del actor, rol, cargo, alcance…
        assert f"•\t{HOSTIL_LIMPIO}" in todas and "•\t=1+1" in todas
        assert "{{ 7*7 }}" in "\n".join(todas) and "49" not in "\n".join(todas)
        assert "<w:p>fase</w:p>&amp;" in todas and "segundo & último" in todas
        assert bloques_firma(documento(contenido))[0][0] == HOSTIL_LIMPIO
        assert tabla_aportes(documento(contenido)).rows[1].cells[0].text == HOSTIL_LIMPIO
        from lxml import etree

        with zipfile.ZipFile(io.BytesIO(contenido)) as zf:
            for nombre in zf.namelist():
                if nombre.endswith(".xml"):
                    etree.fromstring(zf.read(nombre))


def test_compilado_igual_a_docxtpl_y_determinista(ejemplo_bytes: bytes) -> None:
    assert renderizar_acuerdo(ejemplo_acuerdo()) == ejemplo_bytes
    assert lineas(renderizar_acuerdo(ejemplo_acuerdo(), motor="docxtpl")) == lineas(ejemplo_bytes)
    with zipfile.ZipFile(io.BytesIO(ejemplo_bytes)) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = zf.read("docProps/core.xml").decode()
    assert "Laura" not in core and "acuerdo_docs" in core


def test_encabezado_configurable() -> None:
    datos = {**datos_base(), "encabezado": {"codigo": "IBO-FT-007", "version": "03", "proceso": "INNOVACIÓN"}}
    cabecera = documento(renderizar_acuerdo(datos)).sections[0].header.tables[0]
    celdas = [c.text for f in cabecera.rows for c in f.cells]
    assert "IBO-FT-007" in celdas and "03" in celdas and "INNOVACIÓN" in celdas
    assert "Acuerdo simbólico de corresponsabilidad" in celdas
    por_omision = documento(renderizar_acuerdo(datos_base())).sections[0].header.tables[0]
    assert "POR ASIGNAR" in [c.text for f in por_omision.rows for c in f.cells]


def test_destino_archivo_abierto_y_plantilla_propia(tmp_path: Path) -> None:
    from acuerdo_docs.rutas import plantilla

    buffer = io.BytesIO()
    assert generar_acuerdo(datos_base(), buffer) is None
    assert "ACUERDO SIMBÓLICO DE CORRESPONSABILIDAD" in lineas(buffer.getvalue())
    propia = documento(plantilla("acuerdo_simbolico.docx").read_bytes())
    propia.add_paragraph("Plantilla propia: {{ acuerdo.lugar }}")
    ruta = tmp_path / "propia.docx"
    propia.save(str(ruta))
    assert "Plantilla propia: Bogotá D.C., salón comunal" in lineas(renderizar_acuerdo(datos_base(), plantilla=ruta))


# ---------------------------------------------------------------------- CLI


def test_cli_acuerdo_archivo_y_carpeta(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    entrada = tmp_path / "parques.json"
    entrada.write_text(json.dumps(ejemplo_acuerdo().model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
    r = cli("acuerdo", str(entrada), "-o", str(tmp_path / "a.docx"))
    assert r.returncode == 0, r.stderr
    assert renderizar_acuerdo(ejemplo_acuerdo()) == (tmp_path / "a.docx").read_bytes()

    r = cli("acuerdo", str(entrada), "-o", str(tmp_path / "salidas") + "/", "--referencia", "2024-01-10", "--publico")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "salidas").iterdir()) == [
        "parques.docx", "parques_infografia.pdf", "parques_infografia.png", "parques_riesgos.xlsx"]
    ruta = tabla_ruta(documento(tmp_path / "salidas" / "parques.docx"))
    assert [f.cells[5].text for f in ruta.rows[1:]][-2:] == ["En curso", "Sin iniciar"]
    assert "Laura Camila Rincón" not in "\n".join(lineas(tmp_path / "salidas" / "parques.docx"))
    libro = load_workbook(tmp_path / "salidas" / "parques_riesgos.xlsx")
    assert len(libro.sheetnames) >= 2

    # una carpeta que ya existe, aunque no termine en /
    r = cli("acuerdo", "-", "-o", str(tmp_path / "salidas"), entrada=entrada.read_text(encoding="utf-8"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "salidas" / "acuerdo.docx").is_file()


def test_cli_errores(tmp_path: Path) -> None:
    datos = datos_base()
    datos["hoja_de_ruta"][0]["responsable"] = "nadie"
    malo = tmp_path / "malo.json"
    malo.write_text(json.dumps(datos), encoding="utf-8")
    r = cli("acuerdo", str(malo), "-o", str(tmp_path / "sal") + "/")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "ids válidos: idrd, uni, jac, emp" in r.stderr and "No se escribió ningún archivo" in r.stderr
    assert not (tmp_path / "sal").exists()
    bueno = tmp_path / "bueno.json"
    bueno.write_text(json.dumps(datos_base()), encoding="utf-8")
    r = cli("acuerdo", str(bueno), "-o", str(tmp_path / "x.docx"), "--referencia", "2024-02-30")
    assert r.returncode == 2 and "ese día no existe" in r.stderr and not (tmp_path / "x.docx").exists()
    r = cli("acuerdo", str(tmp_path / "no_existe.json"), "-o", str(tmp_path / "x.docx"))
    assert r.returncode == 2 and "No existe el archivo de entrada" in r.stderr


def test_cli_esquema_acuerdo() -> None:
    r = cli("esquema", "acuerdo")
    assert r.returncode == 0, r.stderr
    esquema = json.loads(r.stdout)
    assert esquema["title"] == "AcuerdoSimbolico"
    assert esquema["properties"]["hoja_de_ruta"]["title"] == "Hoja de ruta"
    ayuda = cli("acuerdo", "--help")
    assert ayuda.returncode == 0 and "--referencia" in ayuda.stdout and "--publico" in ayuda.stdout


def test_ejemplo_incorporado(tmp_path: Path) -> None:
    from acuerdo_docs.ejemplos import GENERADORES

    rutas = GENERADORES["acuerdo"](tmp_path)
    assert [p.name for p in rutas] == ["acuerdo_simbolico.docx", "acuerdo_simbolico_publico.docx"]
    assert rutas[0].read_bytes() == renderizar_acuerdo(ejemplo_acuerdo())
    assert RESERVADO in lineas(rutas[1])


def test_plantilla_guardada_es_la_que_construye_el_codigo() -> None:
    from acuerdo_docs.construccion import acuerdo
    from acuerdo_docs.rutas import plantilla

    assert plantilla(acuerdo.NOMBRE_ARCHIVO).read_bytes() == acuerdo.construir(), (
        "ejecute: python -m acuerdo_docs.construccion"
    )


def test_documentacion_al_dia() -> None:
    from acuerdo_docs.documentacion import actualizar

    ruta = Path(__file__).parents[1] / "docs" / "acuerdo.md"
    texto = ruta.read_text(encoding="utf-8")
    assert "<!-- campos:acuerdo.actores -->" in texto
    assert actualizar(texto) == texto, "ejecute: python -m acuerdo_docs.documentacion"


# ------------------------------------------------------- LibreOffice (cliente real)


def acuerdo_con_muchos_actores(hitos_extra: int) -> dict:
    """Nueve actores con marcas únicas; ``hitos_extra`` desplaza los bloques de firma en la página."""
    datos = datos_base()
    datos["actores"] = [
        {"id": f"a{n}", "entidad": f"Entidad firmante {n:02d}", "sector": ["publico", "privado", "academico"][n % 3],
         "representante": f"Persona Firmante {n:02d}", "cargo": f"Cargo firmante {n:02d}",
         "rol": "Aliado", "responsabilidades": ["Participar en las sesiones"],
         "compromisos": [{"tipo": "talento_humano", "descripcion": "Una persona"}]}
        for n in range(1, 10)
    ]
    inicio = date(2024, 1, 1)
    datos["hoja_de_ruta"] = [
        {"actividad": f"Actividad {n}", "fase": "Idear", "responsable": f"a{n % 9 + 1}",
         "inicio": (inicio + timedelta(days=7 * n)).isoformat(),
         "fin": (inicio + timedelta(days=7 * n + 5)).isoformat(),
         "avance": 50}
        for n in range(3 + hitos_extra)
    ]
    return datos


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Un solo arranque de LibreOffice para todos los PDF de este módulo."""
    carpeta = tmp_path_factory.mktemp("acuerdo_pdf")
    entradas = {"ejemplo": generar_acuerdo(ejemplo_acuerdo(), carpeta / "ejemplo.docx")}
    for extra in (0, 2, 4, 7):
        entradas[f"nueve_{extra}"] = generar_acuerdo(acuerdo_con_muchos_actores(extra), carpeta / f"nueve_{extra}.docx")
    convertir_con_libreoffice(entradas.values(), "pdf", carpeta / "pdf")
    return {nombre: texto_pdf(carpeta / "pdf" / f"{nombre}.pdf") for nombre in entradas}


@pytest.mark.libreoffice
def test_pdf_ningun_bloque_de_firma_partido(pdfs: dict[str, list[str]]) -> None:
    paginas_con_firmas = set()
    for extra in (0, 2, 4, 7):
        paginas = pdfs[f"nueve_{extra}"]
        inicio = max(i for i, p in enumerate(paginas) if "FIRMA SIMBÓLICA" in p)
        # Solo lo que sigue al título de la sección de firmas.
        trozos = [paginas[inicio].split("FIRMA SIMBÓLICA", 1)[1], *paginas[inicio + 1:]]
        for n in range(1, 10):
            donde = {
                marca: [i for i, t in enumerate(trozos) if marca in t]
                for marca in (f"Entidad firmante {n:02d}", f"Persona Firmante {n:02d}", f"Cargo firmante {n:02d}")
            }
            assert all(len(v) == 1 for v in donde.values()), (extra, n, donde)
            assert len({v[0] for v in donde.values()}) == 1, (extra, n, donde)  # todo el bloque en una página
        for i, trozo in enumerate(trozos):
            bloques = len(re.findall(r"Entidad firmante \d\d", trozo))
            # cada bloque que empieza en una página termina en ella: firma y fecha incluidas
            assert trozo.count("Firma simbólica") == bloques, (extra, i)
            assert len(re.findall(r"Fecha: _+ / _+ / _+", trozo)) == bloques, (extra, i)
            if bloques:
                paginas_con_firmas.add((extra, i))
    # las firmas ocupan más de una página en algún caso: el salto de página sí se probó
    assert any(i > 0 for _, i in paginas_con_firmas)


@pytest.mark.libreoffice
def test_pdf_del_ejemplo(pdfs: dict[str, list[str]]) -> None:
    paginas = pdfs["ejemplo"]
    total = len(paginas)
    assert total >= 3
    for numero, texto in enumerate(paginas, 1):
        plano = re.sub(r"\s+", " ", texto)
        assert f"Página {numero} de {total}" in plano and "POR ASIGNAR" in plano
    completo = " ".join(paginas)
    assert "██████████" in completo and "░░░░░░░░░░" in completo  # la barra de avance sobrevive al PDF
    for estado in ESTADOS.values():
        assert estado in completo
    plano = re.sub(r"\s+", " ", completo)
    for actor in ejemplo_acuerdo().actores:
        assert plano.count(actor.entidad) >= 2
