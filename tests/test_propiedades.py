"""Pruebas basadas en propiedades (hypothesis): texto arbitrario en cada campo de cada documento.

Para cualquier texto Unicode (marcas XML, sintaxis Jinja, caracteres de control que XML
prohíbe, emoji y caracteres astrales, texto de derecha a izquierda, cadenas vacías) cada
documento se vuelve a abrir (python-docx, openpyxl), cada valor se lee tal como se
escribió (con la correspondencia documentada de ``limpiar_texto``) y nada se evalúa.
El tiempo está acotado: pocos ejemplos por prueba, sin plazo por ejemplo (``deadline=None``).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from ajustes_hypothesis import ajustes
from apoyo_seguridad import FRAGMENTOS_HOSTILES, esperado_ficha, png_minimo, practica_base, valores_ficha
from hypothesis import given
from hypothesis import strategies as st

from acuerdo_docs.documentos.ficha import cargar_practica, generar_ficha, renderizar_ficha
from acuerdo_docs.errores import ErrorValidacion
from acuerdo_docs.esquemas.comun import RESERVADO, limpiar_texto
from acuerdo_docs.esquemas.ficha import CAMPOS_TEXTO_LARGO

AJUSTES = ajustes(40)
AJUSTES_POCOS = ajustes(15)

# ----------------------------------------------------------- estrategias

fragmento = st.sampled_from(FRAGMENTOS_HOSTILES)
texto = st.lists(st.one_of(st.text(max_size=12), fragmento), max_size=6).map("".join)
"""Texto arbitrario (incluido el vacío), con pedazos hostiles mezclados."""
visible = st.characters(categories=("L", "N", "P", "S"))
texto_obligatorio = st.tuples(texto, visible, texto).map(lambda t: t[0] + t[1] + t[2])
"""Texto arbitrario que no queda en blanco al limpiarlo."""
texto_largo = st.lists(st.one_of(texto_obligatorio, st.sampled_from(["\n\n", "\n \n", "\r\n\r\n", "\u2029"])),
                       max_size=5).map("".join)

CORTOS_OBLIGATORIOS = ("nombre", "dependencia", "proceso", "equipo", "tipo_vinculacion")
CORTOS_OPCIONALES = ("directivo", "colaborador")
LARGOS_OBLIGATORIOS = tuple(c for c in CAMPOS_TEXTO_LARGO if c != "otros_aspectos")


@st.composite
def practicas(draw: st.DrawFn, imagen: Path | None = None) -> dict[str, Any]:
    datos = practica_base()
    for campo in CORTOS_OBLIGATORIOS:
        datos[campo] = draw(texto_obligatorio)
    for campo in CORTOS_OPCIONALES:
        datos[campo] = draw(texto)
    for campo in LARGOS_OBLIGATORIOS:
        datos[campo] = draw(st.tuples(texto_obligatorio, texto_largo).map("".join))
    datos["otros_aspectos"] = draw(texto_largo)
    datos["retos"] = draw(st.lists(texto_obligatorio, min_size=1, max_size=3))
    inicio, diligenciamiento = sorted([draw(st.dates()), draw(st.dates())])  # no se documenta antes de empezar
    datos["fecha_diligenciamiento"] = diligenciamiento.isoformat()
    datos["fecha_inicio"] = inicio.isoformat()
    datos["encabezado"] = {
        "entidad": draw(texto), "proceso": draw(texto_obligatorio), "codigo": draw(texto_obligatorio),
        "version": draw(texto_obligatorio),
    }
    archivos = [None] if imagen is None else [None, str(imagen)]
    datos["anexos"] = draw(st.lists(
        st.fixed_dictionaries({"nombre": texto_obligatorio, "descripcion": texto,
                               "archivo": st.sampled_from(archivos)}),
        max_size=2,
    ))
    return datos


@pytest.fixture(scope="module")
def imagen(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ruta = tmp_path_factory.mktemp("imagenes") / "anexo.png"
    ruta.write_bytes(png_minimo())
    return ruta


def _comprobar_modelo(datos: dict[str, Any], practica: Any) -> None:
    """Lo validado es el texto original con la correspondencia documentada, nada más."""
    for campo in (*CORTOS_OBLIGATORIOS, *CORTOS_OPCIONALES, *CAMPOS_TEXTO_LARGO):
        assert getattr(practica, campo) == limpiar_texto(datos[campo]), campo
    assert practica.retos == [limpiar_texto(r) for r in datos["retos"]]
    for anexo, original in zip(practica.anexos, datos["anexos"]):
        assert anexo.nombre == limpiar_texto(original["nombre"])
        assert anexo.descripcion == limpiar_texto(original["descripcion"])
    assert practica.encabezado.codigo == limpiar_texto(datos["encabezado"]["codigo"])


# ------------------------------------------------------------------ ficha


@AJUSTES
@given(datos=st.data())
def test_ficha_cualquier_texto_se_lee_tal_cual(datos: st.DataObject, imagen: Path) -> None:
    entrada = datos.draw(practicas(imagen))
    practica = cargar_practica(entrada)
    _comprobar_modelo(entrada, practica)
    salida = renderizar_ficha(practica)
    assert valores_ficha(salida) == esperado_ficha(practica)
    assert renderizar_ficha(practica) == salida  # determinista, byte a byte


@AJUSTES_POCOS
@given(entrada=practicas())
def test_ficha_motor_docxtpl_igual_de_fiel(entrada: dict[str, Any]) -> None:
    """El camino de respaldo (docxtpl tal cual) también deja el texto intacto y sin evaluar."""
    practica = cargar_practica(entrada)
    assert valores_ficha(renderizar_ficha(practica, motor="docxtpl")) == esperado_ficha(practica)


@AJUSTES_POCOS
@given(entrada=practicas())
def test_ficha_publica_con_texto_arbitrario(entrada: dict[str, Any]) -> None:
    practica = cargar_practica(entrada)
    vistos = valores_ficha(renderizar_ficha(practica, publico=True))
    for campo in CORTOS_OPCIONALES:
        esperado = RESERVADO if getattr(practica, campo) else ""
        assert vistos[campo] == [esperado]
    assert vistos["nombre"] == [practica.nombre]  # el nombre de la práctica no es un dato personal


solo_blancos = st.lists(st.sampled_from([" ", "\t", "\n", "\r\n", "\x00", "\x01", "\x7f", "\u2028", "\ufeff"[:0],
                                         "\x0b", "\x0c", "\ud800"]), max_size=6).map("".join)


@AJUSTES_POCOS
@given(campo=st.sampled_from(CORTOS_OBLIGATORIOS + LARGOS_OBLIGATORIOS), valor=solo_blancos)
def test_ficha_obligatorio_en_blanco_se_rechaza_sin_escribir(campo: str, valor: str, tmp_path_factory:
                                                              pytest.TempPathFactory) -> None:
    destino = tmp_path_factory.mktemp("blanco") / "ficha.docx"
    with pytest.raises(ErrorValidacion) as exc:
        generar_ficha(practica_base(**{campo: valor}), destino)
    assert [e.ruta for e in exc.value.errores] == [campo]
    assert "no puede estar vacío" in str(exc.value)
    assert not destino.exists() and list(destino.parent.iterdir()) == []


def test_ficha_campo_de_cien_mil_caracteres() -> None:
    """Un campo de 100.000 caracteres (hostiles incluidos) sale completo y en poco tiempo."""
    base = "".join(FRAGMENTOS_HOSTILES) + "Texto normal con tildes: ñandú, acción. "
    largo = (base * (100_000 // len(base) + 1))[:100_000]
    parrafos_largos = ("párrafo " + base + "\n\n") * 200
    inicio = time.perf_counter()
    practica = cargar_practica(practica_base(nombre=largo, descripcion=parrafos_largos, retos=[largo]))
    salida = renderizar_ficha(practica)
    vistos = valores_ficha(salida)
    assert time.perf_counter() - inicio < 20
    assert len(largo) == 100_000
    assert vistos["nombre"] == [limpiar_texto(largo)] and len(vistos["nombre"][0]) > 90_000
    assert vistos["retos"] == [limpiar_texto(largo)]
    assert len(vistos["descripcion"]) >= 200  # los pedazos hostiles traen sus propias líneas en blanco
    assert vistos == esperado_ficha(practica)


def test_marcas_de_docxtpl_en_el_texto_no_se_reescriben() -> None:
    """docxtpl reescribe «{_{» como «{{» en su salida; en el texto del usuario no debe pasar."""
    marcas = "{_{ x }_} {_% if %_} {{ 7*7 }} {% raw %}"
    practica = cargar_practica(practica_base(nombre=marcas, retos=[marcas]))
    for motor in ("compilado", "docxtpl"):
        vistos = valores_ficha(renderizar_ficha(practica, motor=motor))
        assert vistos["nombre"] == [marcas] and vistos["retos"] == [marcas], motor
        assert "49" not in "".join(vistos["nombre"])


def test_ninguna_salida_tiene_caracteres_que_xml_prohibe() -> None:
    import re
    import zipfile

    todos = "".join(chr(c) for c in range(0x100)) + "\ud800\udfff\ufffe\uffff\u2028\u2029"
    practica = cargar_practica(practica_base(nombre="a" + todos, otros_aspectos=todos))
    with zipfile.ZipFile(io.BytesIO(renderizar_ficha(practica))) as zf:
        xml = zf.read("word/document.xml").decode("utf-8")
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", xml)
    assert valores_ficha(renderizar_ficha(practica))["nombre"] == [limpiar_texto("a" + todos)]


def test_los_atajos_de_limpieza_no_dejan_pasar_ningun_caracter() -> None:
    """Los atajos que devuelven el texto tal cual (``limpiar_texto`` y los nombres de archivo) solo
    se toman si el camino largo no cambiaría nada: se comprueba en cada punto de código de Unicode."""
    import re
    import unicodedata

    from acuerdo_docs.esquemas import comun
    from acuerdo_docs.salida import nombres

    cambia = re.compile("[\r" + "".join(comun._A_SALTO) + "]|" + comun._PROHIBIDOS.pattern)
    for codigo in range(0x110000):
        c = chr(codigo)
        assert (comun._A_LIMPIAR.match(c) is None) == (cambia.match(c) is None), hex(codigo)
        if c.isprintable():  # el atajo de limpiar_texto y el de _quitar_invisibles
            assert cambia.match(c) is None, hex(codigo)
            assert unicodedata.category(c) not in nombres._INVISIBLES, hex(codigo)
    assert limpiar_texto("ya limpio «ñ»\n\tfin") == "ya limpio «ñ»\n\tfin"
    assert limpiar_texto("a\r\nb\x0bc\x00d\u2029") == "a\nb\ncd\n\n"
    assert nombres._quitar_invisibles("x\u202ecod.exe «ñ»") == "xcod.exe «ñ»"


# ---------------------------------------------------------------- acuerdo

CAMPOS_ACUERDO_CORTOS = (("desafio", "nombre"), ("lugar",), ("actores", 0, "entidad"), ("actores", 0, "rol"),
                         ("actores", 0, "cargo"), ("hoja_de_ruta", 0, "actividad"), ("hoja_de_ruta", 0, "fase"))
CAMPOS_ACUERDO_LARGOS = (("alcance",), ("objetivo",), ("facilitador", "aporte"))


def _poner(datos: Any, ruta: tuple[Any, ...], valor: Any) -> None:
    for parte in ruta[:-1]:
        datos = datos[parte]
    datos[ruta[-1]] = valor


def _tomar(datos: Any, ruta: tuple[Any, ...]) -> Any:
    for parte in ruta:
        datos = datos[parte] if isinstance(parte, int) or isinstance(datos, dict) else getattr(datos, parte)
    return datos


@st.composite
def acuerdos(draw: st.DrawFn) -> dict[str, Any]:
    import json

    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo

    datos = json.loads(ejemplo_acuerdo().model_dump_json())
    for ruta in CAMPOS_ACUERDO_CORTOS:
        opcional = ruta[-1] in ("fase", "cargo")
        _poner(datos, ruta, draw(texto if opcional else texto_obligatorio))
    for ruta in CAMPOS_ACUERDO_LARGOS:
        _poner(datos, ruta, draw(st.tuples(texto_obligatorio, texto_largo).map("".join)))
    datos["desafio"]["descripcion"] = draw(texto)
    datos["actores"][0]["representante"] = draw(texto)
    datos["actores"][0]["responsabilidades"] = draw(st.lists(texto_obligatorio, min_size=1, max_size=3))
    datos["actores"][0]["compromisos"] = [{"tipo": "recursos", "descripcion": draw(texto_obligatorio)}]
    return datos


@AJUSTES_POCOS
@given(datos=acuerdos())
def test_acuerdo_cualquier_texto_se_lee_tal_cual(datos: dict[str, Any]) -> None:
    from apoyo_seguridad import textos_docx

    from acuerdo_docs.documentos.acuerdo import cargar_acuerdo, renderizar_acuerdo
    from acuerdo_docs.salida.entorno_word import parrafos

    acuerdo = cargar_acuerdo(datos)
    for ruta in (*CAMPOS_ACUERDO_CORTOS, *CAMPOS_ACUERDO_LARGOS):
        assert _tomar(acuerdo, ruta) == limpiar_texto(_tomar(datos, ruta)), ruta
    salida = renderizar_acuerdo(acuerdo)
    assert renderizar_acuerdo(acuerdo) == salida
    lineas = textos_docx(salida)
    assert textos_docx(renderizar_acuerdo(acuerdo, motor="docxtpl")) == lineas  # los dos caminos leen igual
    texto_completo = "\n".join(lineas)
    actor = acuerdo.actores[0]
    for valor in (acuerdo.desafio.nombre, acuerdo.lugar, actor.entidad, actor.rol, *actor.responsabilidades,
                  actor.compromisos[0].descripcion, acuerdo.hoja_de_ruta[0].actividad, acuerdo.hoja_de_ruta[0].fase,
                  actor.representante, actor.cargo):
        assert valor in texto_completo
    for valor in (acuerdo.alcance, acuerdo.objetivo, acuerdo.facilitador.aporte):
        for bloque in parrafos(valor):
            assert bloque in lineas  # cada párrafo del campo es un párrafo del documento
    publico = "\n".join(textos_docx(renderizar_acuerdo(acuerdo, publico=True)))
    if actor.representante.strip() and actor.representante not in RESERVADO:
        assert RESERVADO in publico


# ------------------------------------------------------------------- lote

CAMPOS_LOTE = ("nombre", "dependencia", "equipo", "colaborador", "descripcion", "conclusiones")


@st.composite
def filas_lote(draw: st.DrawFn) -> dict[str, str]:
    fila = {campo: draw(texto_obligatorio) for campo in CAMPOS_LOTE if campo != "colaborador"}
    fila["colaborador"] = draw(texto)
    return fila


def _lote(formato: str, cambios: dict[str, str], carpeta: Path) -> Any:
    import csv

    import openpyxl

    from acuerdo_docs.documentos.ficha import ejemplo_ficha
    from acuerdo_docs.documentos.plantilla_lote import generar_plantilla_lote
    from acuerdo_docs.lectores.columnas import valores_de
    from acuerdo_docs.lectores.fichas import COLUMNAS
    from acuerdo_docs.lote import generar_lote

    visibles = [c for c in COLUMNAS if c.en_plantilla]
    fila = {**valores_de(ejemplo_ficha(), visibles), **cambios}
    if formato == "csv":
        entrada = carpeta / "entrada.csv"
        with entrada.open("w", newline="", encoding="utf-8", errors="surrogatepass") as f:
            escritor = csv.writer(f)
            escritor.writerow([c.encabezado for c in visibles])
            escritor.writerow([fila.get(c.clave) for c in visibles])
    else:
        entrada = generar_plantilla_lote("fichas", carpeta / "entrada.xlsx")
        wb = openpyxl.load_workbook(entrada)
        wb["fichas"].append([fila.get(c.clave) for c in visibles])
        for celda in wb["fichas"][2]:
            celda.data_type = "s" if isinstance(celda.value, str) else celda.data_type
        wb.save(entrada)
    # Patrón por omisión ({fecha_inicio:%Y}_{nombre}): el nombre hostil también pasa por el nombre del archivo.
    return generar_lote(entrada, carpeta / "salida", procesos=1)


@pytest.mark.parametrize("formato", ["xlsx", "csv"])
@ajustes(8)
@given(cambios=filas_lote())
def test_lote_cualquier_texto_de_la_hoja_llega_al_documento(formato: str, cambios: dict[str, str],
                                                            tmp_path_factory: pytest.TempPathFactory) -> None:
    """Del libro (o CSV) al documento: el texto de cada celda llega como se escribió."""
    from acuerdo_docs.esquemas.comun import limpiar_texto

    cambios = {k: v.encode("utf-8", "ignore").decode("utf-8") for k, v in cambios.items()}  # sin sustitutos
    if formato == "xlsx":  # una celda de Excel no puede guardar esos caracteres: el usuario nunca los trae
        cambios = {k: limpiar_texto(v) for k, v in cambios.items()}
    if any(not limpiar_texto(cambios[c]).strip() for c in CAMPOS_LOTE if c != "colaborador"):
        return  # un obligatorio quedó en blanco al quitarle lo ilegible: lo cubre otra prueba
    informe = _lote(formato, cambios, tmp_path_factory.mktemp("lote"))
    assert informe.codigo_salida == 0, [str(e) for e in informe.errores]
    (archivo,) = informe.archivos
    assert archivo.parent == informe.carpeta and archivo.suffix == ".docx" and len(archivo.name.encode()) <= 255
    vistos = valores_ficha(archivo)
    for campo in ("nombre", "dependencia", "equipo", "colaborador"):
        esperado = limpiar_texto(cambios[campo])
        # Un opcional solo de espacios (p. ej. NEL → salto) queda vacío: no hay texto que mostrar.
        assert vistos[campo] == [esperado if esperado.strip() else ""], campo
    from acuerdo_docs.salida.entorno_word import parrafos

    for campo in ("descripcion", "conclusiones"):
        assert vistos[campo] == parrafos(limpiar_texto(cambios[campo])), campo
