"""Lotes en almacenamiento de objetos contra un servidor S3 local (moto en 127.0.0.1) y un clúster dask local.

Se comprueba lo que ve quien lee el prefijo: cada documento entero, el informe, el manifiesto que
coincide (nombres, tamaños, SHA-256) y, si el lote falla, ningún manifiesto. Las credenciales son
de prueba y nunca deben aparecer en la salida, el informe, el manifiesto ni los documentos.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import pickle
import signal
import sys
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from docx import Document
from test_lote import CLAVES, _libro_acuerdos, fila_base, libro_fichas

from acuerdo_docs.cli import main
from acuerdo_docs.documentos.ficha import ejemplo_ficha, renderizar_ficha
from acuerdo_docs.lectores.remoto import ObjetoGrande, leer_limitado, verificar_lote
from acuerdo_docs.lote import generar_lote
from acuerdo_docs.remoto import ErrorAlmacen

CLAVE = "AKIAPRUEBA7Q2X9CLAVE"
SECRETO = "secreto-de-prueba-3f9a1c-no-debe-salir"
CUBO = "lotes"


class Servidor:
    """moto en un hilo, en un puerto fijo (para detenerlo a mitad de un lote y volver a arrancarlo)."""

    def __init__(self) -> None:
        from moto.server import ThreadedMotoServer

        self._clase = ThreadedMotoServer
        self.servidor = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.servidor.start()
        self.puerto = self.servidor.get_host_and_port()[1]
        self.activo = True

    def detener(self) -> None:
        if self.activo:
            self.servidor.stop()
            self.activo = False

    def arrancar(self) -> None:
        if not self.activo:
            self.servidor = self._clase(ip_address="127.0.0.1", port=self.puerto, verbose=False)
            self.servidor.start()
            self.activo = True


@pytest.fixture(scope="module")
def s3() -> Iterator[Servidor]:
    with pytest.MonkeyPatch.context() as mp:
        for variable in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "FSSPEC_S3_ENDPOINT_URL"):
            mp.delenv(variable, raising=False)
        mp.setenv("AWS_ACCESS_KEY_ID", CLAVE)
        mp.setenv("AWS_SECRET_ACCESS_KEY", SECRETO)
        mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
        mp.setenv("AWS_MAX_ATTEMPTS", "1")  # un servidor caído se nota enseguida (sin reintentos)
        servidor = Servidor()
        mp.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{servidor.puerto}")
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        sistema().mkdir(CUBO)
        try:
            yield servidor
        finally:
            servidor.detener()


def sistema() -> Any:
    import s3fs

    return s3fs.S3FileSystem(skip_instance_cache=True)


@pytest.fixture(scope="module")
def cluster(s3: Servidor) -> Iterator[Any]:
    """Dos procesos trabajadores (heredan del entorno las credenciales y el punto de acceso)."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
                      silence_logs=logging.ERROR) as local, Client(local) as cliente:
        yield cliente


def objetos(prefijo: str) -> dict[str, bytes]:
    fs = sistema()
    return {ruta.rsplit("/", 1)[1]: fs.cat_file(ruta) for ruta in fs.find(f"{CUBO}/{prefijo}")}


def sin_credenciales(*textos: str | bytes) -> None:
    """Ninguna credencial en el texto, ni dentro de un zip de Office (se descomprime cada parte)."""
    for texto in textos:
        datos = texto.encode() if isinstance(texto, str) else texto
        partes = [datos]
        if datos.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(datos)) as zf:
                partes += [zf.read(n) for n in zf.namelist()]
        for parte in partes:
            assert CLAVE.encode() not in parte and SECRETO.encode() not in parte


def comprobar_manifiesto(prefijo: str) -> dict[str, Any]:
    """El manifiesto existe y coincide con los objetos, uno por uno, y no hay objetos de más."""
    lote = verificar_lote(f"s3://{CUBO}/{prefijo}/")
    assert lote.confiable, lote.problemas
    nombres = {o["nombre"] for o in lote.manifiesto["objetos"]}
    assert set(objetos(prefijo)) == nombres | {"manifiesto_lote.json"}
    return lote.manifiesto


def texto_docx(datos: bytes) -> str:
    doc = Document(io.BytesIO(datos))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for f in t.rows for c in f.cells])


def csv_fichas(ruta: Path, n: int) -> Path:
    with ruta.open("w", newline="", encoding="utf-8") as archivo:
        escritor = csv.writer(archivo)
        escritor.writerow(CLAVES)
        for i in range(n):
            fila = fila_base(i)
            fila["nombre"] = f"Práctica {i:04d}"
            escritor.writerow(["" if fila.get(c) is None else fila.get(c) for c in CLAVES])
    return ruta


def correr(*args: str) -> tuple[int, str, str]:
    """La orden en este proceso; devuelve (código, salida, errores)."""
    salida, errores = io.StringIO(), io.StringIO()
    originales = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = salida, errores
    try:
        codigo = main(list(args))
    finally:
        sys.stdout, sys.stderr = originales
    return codigo, salida.getvalue(), errores.getvalue()


# ------------------------------------------------------------------ lotes que terminan


def test_filas_malas_y_combinado_a_s3(s3: Servidor, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    filas = [fila_base(i) for i in range(6)]
    filas[1]["fecha_inicio"] = "31/02/2023"  # fila 3 de Excel
    filas[4]["correo"] = "juana.perez@@correo"  # fila 6: dato personal inválido
    entrada = libro_fichas(tmp_path, filas)
    codigo, salida, errores = correr("lote", str(entrada), "-o", f"s3://{CUBO}/malas/", "--combinado", "--silencioso")
    assert codigo == 1, errores
    assert f"Destino: s3://{CUBO}/malas/" in salida and "4 de 6 documento(s)" in salida
    assert not (tmp_path / "s3:").exists() and not Path("s3:").exists()
    manifiesto = comprobar_manifiesto("malas")
    todo = objetos("malas")
    assert set(todo) == {f"2023_Práctica 0{i}.docx" for i in (0, 2, 3, 5)} | {
        "lote_combinado.docx", "informe_lote.xlsx", "manifiesto_lote.json"}
    assert "Práctica 03" in texto_docx(todo["2023_Práctica 03.docx"])
    combinado = texto_docx(todo["lote_combinado.docx"])
    assert combinado.index("Práctica 00") < combinado.index("Práctica 02") < combinado.index("Práctica 05")
    assert "Práctica 01" not in combinado
    # El informe (leído del cubo) y el manifiesto ubican cada error por hoja, fila y columna, sin el valor.
    wb = openpyxl.load_workbook(io.BytesIO(todo["informe_lote.xlsx"]))
    errores_informe = [(f[1], f[2]) for f in wb["Errores"].iter_rows(min_row=2, values_only=True)]
    assert [e[0] for e in errores_informe] == [3, 6]
    malas = [f for f in manifiesto["filas"] if f["estado"] != "generado"]
    assert [(f["fila"], f["errores"][0]["campo"]) for f in malas] == [(3, "fecha_inicio"), (6, "correo")]
    assert manifiesto["generadas"] == 4 and manifiesto["total"] == 6 and manifiesto["codigo_salida"] == 1
    assert "juana.perez" not in todo["manifiesto_lote.json"].decode()
    sin_credenciales(salida, errores, caplog.text, *todo.values())


def test_mil_filas_desde_un_csv_en_s3(s3: Servidor, tmp_path: Path) -> None:
    fuente = csv_fichas(tmp_path / "mil.csv", 1000)
    sistema().put_file(str(fuente), f"{CUBO}/entradas/mil.csv")
    informe = generar_lote(f"s3://{CUBO}/entradas/mil.csv", f"s3://{CUBO}/mil/", procesos=1)
    assert informe.generadas == 1000 and informe.codigo_salida == 0
    assert informe.destino == f"s3://{CUBO}/mil/"
    lote = verificar_lote(f"s3://{CUBO}/mil/", leer_contenido=False)
    assert lote.confiable and len(lote.manifiesto["objetos"]) == 1001  # 1.000 fichas y el informe
    assert "Práctica 0999" in texto_docx(objetos("mil")["2023_Práctica 0999.docx"])


def test_el_manifiesto_es_determinista(s3: Servidor, tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(3)])
    for prefijo in ("det1", "det2"):
        generar_lote(entrada, f"s3://{CUBO}/{prefijo}/")
    assert objetos("det1") == objetos("det2")


@pytest.mark.libreoffice
def test_pdf_y_combinado_a_s3(s3: Servidor, tmp_path: Path, libreoffice: str) -> None:
    from pypdf import PdfReader

    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(2)])
    codigo, _, errores = correr("lote", str(entrada), "-o", f"s3://{CUBO}/pdf/", "--pdf", "--combinado",
                                "--silencioso")
    assert codigo == 0, errores
    comprobar_manifiesto("pdf")
    todo = objetos("pdf")
    assert {"2023_Práctica 00.pdf", "2023_Práctica 01.pdf", "lote_combinado.pdf"} <= set(todo)
    texto = "".join(p.extract_text() for p in PdfReader(io.BytesIO(todo["2023_Práctica 01.pdf"])).pages)
    assert "Práctica 01" in texto
    assert len(PdfReader(io.BytesIO(todo["lote_combinado.pdf"])).pages) > len(
        PdfReader(io.BytesIO(todo["2023_Práctica 01.pdf"])).pages)


def test_lote_de_acuerdos_a_s3_con_sus_tres_archivos(s3: Servidor, tmp_path: Path) -> None:
    informe = generar_lote(_libro_acuerdos(tmp_path), f"s3://{CUBO}/acuerdos/", publico=True)
    assert informe.generadas == 1 and informe.codigo_salida == 1  # A1 bien; A2 con errores en hojas hijas
    manifiesto = comprobar_manifiesto("acuerdos")
    (a1,) = [f for f in manifiesto["filas"] if f["estado"] == "generado"]
    assert sorted(n.rsplit(".", 1)[1] for n in a1["archivos"]) == ["docx", "json", "xlsx"]
    todo = objetos("acuerdos")
    from acuerdo_docs.documentos.acuerdo import ejemplo_acuerdo

    json_a1 = json.loads(next(todo[n] for n in a1["archivos"] if n.endswith(".json")))
    assert json_a1["desafio"]["nombre"] == ejemplo_acuerdo().desafio.nombre and json_a1["actores"]
    matriz = openpyxl.load_workbook(io.BytesIO(next(todo[n] for n in a1["archivos"] if n.endswith(".xlsx"))))
    assert matriz.sheetnames


# ------------------------------------------------------------------ en un clúster dask


class Registro(Executor):
    """Envía al ejecutor del clúster y guarda los argumentos serializados de cada tarea."""

    def __init__(self, ejecutor: Executor) -> None:
        self.ejecutor = ejecutor
        self.argumentos: list[bytes] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.argumentos.append(pickle.dumps((fn, args, kwargs)))
        return self.ejecutor.submit(fn, *args, **kwargs)


@pytest.mark.parametrize("en_trabajadores", [False, True], ids=["escribe-el-cliente", "escriben-los-trabajadores"])
def test_dask_con_dos_trabajadores(s3: Servidor, cluster: Any, tmp_path: Path, en_trabajadores: bool) -> None:
    filas = [fila_base(i) for i in range(24)]
    filas[7]["retos"] = None
    entrada = libro_fichas(tmp_path, filas)
    registro = Registro(cluster.get_executor(pure=False))
    prefijo = f"dask-{en_trabajadores}"
    informe = generar_lote(entrada, f"s3://{CUBO}/{prefijo}/", executor=registro, combinado=True,
                           escribir_en_trabajadores=en_trabajadores)
    assert informe.generadas == 23 and informe.codigo_salida == 1
    manifiesto = comprobar_manifiesto(prefijo)
    assert len(manifiesto["objetos"]) == 23 + 2
    assert len(registro.argumentos) == 23
    sin_credenciales(*registro.argumentos)  # lo que ve el planificador no trae credenciales
    trabajadores = set(cluster.run(os.getpid).values())
    assert len(trabajadores) == 2 and os.getpid() not in trabajadores


def test_cli_con_planificador_y_escritura_en_trabajadores(s3: Servidor, cluster: Any, tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(5)])
    direccion = cluster.scheduler.address
    codigo, salida, errores = correr("lote", str(entrada), "-o", f"s3://{CUBO}/cli-dask/", "--planificador", direccion,
                                     "--escribir-en-trabajadores", "--silencioso")
    assert codigo == 0, errores
    comprobar_manifiesto("cli-dask")
    sin_credenciales(salida, errores)
    # Sin destino remoto, escribir en los trabajadores no tiene sentido: error claro, nada escrito.
    codigo, _, errores = correr("lote", str(entrada), "-o", str(tmp_path / "local"), "--planificador", direccion,
                                "--escribir-en-trabajadores")
    assert codigo == 2 and "almacenamiento de objetos" in errores
    assert not (tmp_path / "local").exists()


def test_un_trabajador_muere_a_mitad_del_lote(s3: Servidor, cluster: Any, tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(30)])
    pid = next(iter(cluster.run(os.getpid).values()))

    def matar(hechas: int, _total: int) -> None:
        if hechas == 6:
            os.kill(pid, signal.SIGKILL)

    informe = generar_lote(entrada, f"s3://{CUBO}/muerte/", executor=cluster.get_executor(pure=False),
                           escribir_en_trabajadores=True, progreso=matar)
    # dask vuelve a encargar las tareas del trabajador muerto; cada objeto es un PUT entero.
    assert informe.generadas == 30, [str(e) for e in informe.errores]
    comprobar_manifiesto("muerte")
    cluster.wait_for_workers(2, timeout=60)  # el nanny lo reemplaza
    assert pid not in cluster.run(os.getpid).values()


# ------------------------------------------------------------------ lo que se rechaza o falla


def test_prefijo_con_objetos_se_rechaza_salvo_reemplazar(s3: Servidor, tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(4)])
    assert correr("lote", str(entrada), "-o", f"s3://{CUBO}/repetido/", "--silencioso")[0] == 0
    antes = objetos("repetido")
    codigo, _, errores = correr("lote", str(entrada), "-o", f"s3://{CUBO}/repetido/", "--silencioso")
    assert codigo == 2 and "ya tiene 6 objeto(s)" in errores and "--reemplazar" in errores
    assert objetos("repetido") == antes
    menos = libro_fichas(tmp_path, [fila_base(i) for i in range(10, 12)], nombre="menos.xlsx")
    codigo, _, errores = correr("lote", str(menos), "-o", f"s3://{CUBO}/repetido/", "--reemplazar", "--silencioso")
    assert codigo == 0, errores
    manifiesto = comprobar_manifiesto("repetido")  # nada de la ejecución anterior queda
    assert manifiesto["entrada"] == "menos.xlsx" and len(manifiesto["objetos"]) == 3


def test_entrada_en_s3_con_limite_y_dentro_del_prefijo(s3: Servidor, tmp_path: Path) -> None:
    sistema().pipe_file(f"{CUBO}/grande/entrada.xlsx", b"PK" + b"\0" * (2 * 1024 * 1024))
    codigo, _, errores = correr("lote", f"s3://{CUBO}/grande/entrada.xlsx", "-o", f"s3://{CUBO}/grande-salida/",
                                "--limite-mb", "1")
    assert codigo == 2 and "entrada.xlsx: pesa 2,0 MB" in errores and "--limite-mb" in errores
    assert not objetos("grande-salida")
    with pytest.raises(ObjetoGrande):
        leer_limitado(f"s3://{CUBO}/grande/entrada.xlsx", 1000)
    codigo, _, errores = correr("lote", f"s3://{CUBO}/grande/entrada.xlsx", "-o", f"s3://{CUBO}/grande/",
                                "--reemplazar")
    assert codigo == 2 and "dentro del prefijo de salida" in errores
    assert set(objetos("grande")) == {"entrada.xlsx"}
    codigo, _, errores = correr("lote", f"s3://{CUBO}/no-existe.xlsx", "-o", f"s3://{CUBO}/x/")
    assert codigo == 2 and "No existe el archivo de entrada" in errores


def test_sin_el_extra_s3_un_error_claro_y_ninguna_carpeta_s3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(0)])
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "fsspec", None)  # como si no estuviera instalado
    codigo, _, errores = correr("lote", str(entrada), "-o", "s3://cubo/lotes/")
    assert codigo == 2 and 'pip install "acuerdo-docs[s3]"' in errores
    codigo, _, errores = correr("lote", str(entrada), "-o", "s3:/cubo/lotes/")  # p. ej. tras pasar por pathlib
    assert codigo == 2 and "URL incompleta" in errores
    codigo, _, errores = correr("lote", str(entrada), "-o", f"s3://{CLAVE}:{SECRETO}@cubo/lotes/")
    assert codigo == 2 and "nunca en la URL" in errores
    sin_credenciales(errores)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["entrada.xlsx"]


def test_catalogo_desde_s3(s3: Servidor, tmp_path: Path) -> None:
    fs = sistema()
    ficha = ejemplo_ficha()
    fs.pipe_file(f"{CUBO}/fichas/a/ficha1.docx", renderizar_ficha(ficha))
    fs.pipe_file(f"{CUBO}/fichas/ficha2.json", ficha.model_copy(update={"nombre": "Otra"}).model_dump_json().encode())
    fs.pipe_file(f"{CUBO}/fichas/rota.docx", b"no es un docx")
    fs.pipe_file(f"{CUBO}/fichas/.oculta/x.docx", b"se omite")
    salida = tmp_path / "catalogo.xlsx"
    codigo, texto, errores = correr("catalogo", f"s3://{CUBO}/fichas/", "-o", str(salida))
    assert codigo == 1 and "3 archivo(s)" in texto and "rota.docx" in errores
    wb = openpyxl.load_workbook(salida)
    valores = [str(c) for f in wb.worksheets[0].iter_rows(values_only=True) for c in f if c is not None]
    assert "a/ficha1.docx" in valores and "ficha2.json" in valores
    assert any(ficha.nombre in v for v in valores) and any(v == "Otra" for v in valores)


def test_interrupcion_borra_lo_escrito(s3: Servidor, tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(12)])

    def interrumpir(hechas: int, _total: int) -> None:
        if hechas == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        generar_lote(entrada, f"s3://{CUBO}/interrumpido/", procesos=1, progreso=interrumpir)
    assert objetos("interrumpido") == {}


def test_file_url_es_una_carpeta_local_con_sus_garantias(tmp_path: Path) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(2)])
    salida = tmp_path / "salida con espacio"
    informe = generar_lote(f"file://{entrada}", "file://" + str(salida).replace(" ", "%20") + "/")
    assert informe.codigo_salida == 0 and informe.destino is None
    assert sorted(p.name for p in salida.iterdir()) == ["2023_Práctica 00.docx", "2023_Práctica 01.docx",
                                                          "informe_lote.xlsx"]
    codigo, _, errores = correr("catalogo", f"file://{salida}/", "-o", str(tmp_path / "catalogo.xlsx"))
    assert codigo == 0, errores
    codigo, _, errores = correr("lote", str(entrada), "-o", "file://otra-maquina/lotes/")
    assert codigo == 2 and "solo nombra rutas de esta máquina" in errores


def test_ni_el_registro_de_diagnostico_muestra_credenciales(s3: Servidor, tmp_path: Path,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(0)])
    caplog.set_level(logging.DEBUG)  # como con -v: botocore firmaría a la vista con la clave
    generar_lote(entrada, f"s3://{CUBO}/diagnostico/")
    comprobar_manifiesto("diagnostico")
    sin_credenciales(caplog.text)


def test_otra_ejecucion_publica_en_el_mismo_prefijo(s3: Servidor, tmp_path: Path) -> None:
    """El manifiesto se escribe en exclusiva: si otra ejecución publicó el suyo entretanto, no se
    reemplaza y no se borra nada de lo que hay (su manifiesto dice si coincide)."""
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(8)])
    ajeno = b'{"formato": "otra ejecucion"}'

    def otra(hechas: int, _total: int) -> None:
        if hechas == 3:
            sistema().pipe_file(f"{CUBO}/carrera/manifiesto_lote.json", ajeno)

    with pytest.raises(ErrorAlmacen, match="apareció durante el lote"):
        generar_lote(entrada, f"s3://{CUBO}/carrera/", procesos=1, progreso=otra)
    todo = objetos("carrera")
    assert todo["manifiesto_lote.json"] == ajeno and len(todo) == 8 + 2  # 8 fichas, el informe y el ajeno


@pytest.mark.parametrize("en_trabajadores", [True, False], ids=["escriben-los-trabajadores", "escribe-el-cliente"])
def test_servidor_caido_a_mitad_del_lote(s3: Servidor, cluster: Any, tmp_path: Path, en_trabajadores: bool,
                                         caplog: pytest.LogCaptureFixture) -> None:
    """Va al final del módulo: detiene el servidor (y lo vuelve a arrancar para mirar el prefijo)."""
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(40)])
    prefijo = f"caido-{en_trabajadores}"
    ejecutor = cluster.get_executor(pure=False) if en_trabajadores else None

    def caer(hechas: int, _total: int) -> None:
        if hechas == 4:
            s3.detener()

    try:
        with pytest.raises(ErrorAlmacen) as error:
            generar_lote(entrada, f"s3://{CUBO}/{prefijo}/", procesos=1, progreso=caer, executor=ejecutor,
                         escribir_en_trabajadores=en_trabajadores)
    finally:
        s3.arrancar()
    mensaje = str(error.value)
    assert error.value.codigo_salida == 2
    assert mensaje.startswith(f"No se pudo escribir «s3://lotes/{prefijo}/") and "no responde" in mensaje
    assert "127.0.0.1" not in mensaje
    sin_credenciales(mensaje, caplog.text)
    lote = verificar_lote(f"s3://{CUBO}/{prefijo}/")
    assert not lote.confiable and "manifiesto_lote.json" not in objetos(prefijo)
    assert lote.problemas == ["no hay manifiesto_lote.json: el lote no terminó"]
