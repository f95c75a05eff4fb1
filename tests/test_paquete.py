"""La capa del paquete zip de Office: el único escritor y la única comprobación de zips de fuera."""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

import pytest

from acuerdo_docs.paquete import escritor
from acuerdo_docs.paquete.escritor import (
    FECHA_ZIP,
    EscritorZip,
    comprimir,
    empaquetar,
    leer_miembros,
    normalizar_zip,
    zip_determinista,
)
from acuerdo_docs.paquete.seguridad import LimitesZip, Motivo, ZipRechazado, declara_dtd, revisar_zip

MIEMBROS = [
    ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
    ("word/document.xml", b"<w:document>" + "año ñandú ".encode() * 500 + b"</w:document>"),
    ("word/media/logo_ñ.png", os.urandom(3000)),
    ("docProps/núcleo.xml", "<x>é</x>".encode()),
]
LIMITES = LimitesZip(descomprimido=10 * 1024 * 1024, partes=50, grande=1024, parte_xml=1024 * 1024)


def _leer(datos: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(datos))


# ------------------------------------------------------------------ escritor


def test_zip_valido_con_nombres_no_ascii_fecha_y_permisos_fijos() -> None:
    with _leer(zip_determinista(MIEMBROS)) as zf:
        assert zf.testzip() is None
        assert [i.filename for i in zf.infolist()] == [n for n, _ in MIEMBROS]
        assert [zf.read(n) for n, _ in MIEMBROS] == [d for _, d in MIEMBROS]
        for info in zf.infolist():
            assert info.date_time == FECHA_ZIP
            assert info.external_attr >> 16 == 0o100644
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.extra == b""
            assert bool(info.flag_bits & 0x800) == (not info.filename.isascii())


def test_mismos_miembros_mismos_bytes() -> None:
    primero = zip_determinista(MIEMBROS)
    assert zip_determinista(list(MIEMBROS)) == primero
    assert normalizar_zip(primero) == primero
    cambiado = [(n, d + b" ") if n == "word/document.xml" else (n, d) for n, d in MIEMBROS]
    assert zip_determinista(cambiado) != primero


def test_normalizar_quita_fechas_y_permisos_de_otro_escritor() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for nombre, datos in MIEMBROS:
            info = zipfile.ZipInfo(nombre, date_time=(2024, 5, 6, 7, 8, 10))
            info.external_attr = 0o600 << 16
            zf.writestr(info, datos)
    assert normalizar_zip(buffer.getvalue()) == zip_determinista(MIEMBROS)
    assert leer_miembros(buffer.getvalue()) == MIEMBROS


def test_plantilla_pesada_reutiliza_el_miembro_ya_comprimido(monkeypatch: pytest.MonkeyPatch) -> None:
    """Un logo de ~2 MB se comprime una vez: los documentos siguientes solo copian sus bytes."""
    logo = comprimir("word/media/logo.png", os.urandom(2 * 1024 * 1024))
    llamadas: list[int] = []
    original = escritor._compresor

    def contar(nivel: int = escritor.NIVEL) -> object:
        llamadas.append(nivel)
        return original(nivel)

    monkeypatch.setattr(escritor, "_compresor", contar)
    documentos = [
        empaquetar([comprimir("word/document.xml", f"<d>{i}</d>".encode()), logo]) for i in range(3)
    ]
    assert len(llamadas) == 3  # solo el documento.xml de cada uno; el logo nunca
    for i, datos in enumerate(documentos):
        with _leer(datos) as zf:
            assert zf.testzip() is None
            assert zf.read("word/document.xml") == f"<d>{i}</d>".encode()
            assert zf.getinfo("word/media/logo.png").compress_size == len(logo.datos_comprimidos)
        assert logo.datos_comprimidos in datos


def test_miembro_por_trozos_igual_que_de_una_vez() -> None:
    cuerpo = b"<w:p>texto</w:p>" * 100_000
    salida = io.BytesIO()
    paquete = EscritorZip(salida)
    paquete.agregar_trozos("word/document.xml", (b"<w:body>", io.BytesIO(cuerpo), b"</w:body>"))
    paquete.agregar_datos("otra.xml", b"<x/>")
    paquete.cerrar()
    assert salida.getvalue() == zip_determinista(
        [("word/document.xml", b"<w:body>" + cuerpo + b"</w:body>"), ("otra.xml", b"<x/>")]
    )


def test_zip64_cuando_un_tamano_no_cabe_en_32_bits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Con el umbral bajado, todo va en ZIP64: zipfile lo lee y verifica igual."""
    monkeypatch.setattr(escritor, "_MAX32", 100)
    monkeypatch.setattr(escritor, "_MAX16", 2)
    datos = zip_determinista(MIEMBROS)
    with _leer(datos) as zf:
        assert zf.testzip() is None
        assert [(i.filename, zf.read(i)) for i in zf.infolist()] == MIEMBROS
    assert b"PK\x06\x06" in datos and b"PK\x06\x07" in datos


def test_la_compresion_es_la_de_zipfile() -> None:
    """Los bytes comprimidos son los que produciría zipfile con el mismo nivel (deflate crudo)."""
    datos = MIEMBROS[1][1]
    compresor = zlib.compressobj(6, zlib.DEFLATED, -15)
    assert comprimir("x", datos).datos_comprimidos == compresor.compress(datos) + compresor.flush()


# ------------------------------------------------------------------ comprobación


def _zip_con(miembros: list[tuple[str, bytes]], *, almacenado: bool = False) -> bytes:
    buffer = io.BytesIO()
    metodo = zipfile.ZIP_STORED if almacenado else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "w", metodo) as zf:
        for nombre, datos in miembros:
            zf.writestr(nombre, datos)
    return buffer.getvalue()


def _motivo(datos: bytes | Path, limites: LimitesZip = LIMITES, **kwargs: tuple[str, ...]) -> Motivo:
    with pytest.raises(ZipRechazado) as exc:
        revisar_zip(datos, limites, **kwargs)
    return exc.value.motivo


def test_acepta_un_zip_sano_desde_bytes_o_ruta(tmp_path: Path) -> None:
    datos = zip_determinista(MIEMBROS)
    assert [i.filename for i in revisar_zip(datos, LIMITES)] == [n for n, _ in MIEMBROS]
    ruta = tmp_path / "sano.docx"
    ruta.write_bytes(datos)
    assert len(revisar_zip(ruta, LIMITES, requeridas=("word/document.xml",))) == len(MIEMBROS)


def test_rechaza_lo_que_no_es_zip_o_esta_danado(tmp_path: Path) -> None:
    assert _motivo(b"esto no es un zip") is Motivo.DANADO
    assert _motivo(tmp_path / "no_existe.docx") is Motivo.DANADO
    assert _motivo(zip_determinista(MIEMBROS)[:200]) is Motivo.DANADO
    assert _motivo(zip_determinista(MIEMBROS), requeridas=("xl/workbook.xml",)) is Motivo.DANADO


def test_rechaza_una_parte_con_crc_erronea() -> None:
    datos = bytearray(_zip_con([("a.xml", b"<a>" + b"x" * 200 + b"</a>")], almacenado=True))
    datos[datos.index(b"xxxx")] = ord("y")  # el contenido ya no cuadra con su CRC
    assert _motivo(bytes(datos)) is Motivo.DANADO


def test_rechaza_demasiadas_partes() -> None:
    datos = _zip_con([(f"p{i}.bin", b"") for i in range(51)])
    with pytest.raises(ZipRechazado) as exc:
        revisar_zip(datos, LIMITES)
    assert exc.value.motivo is Motivo.MIEMBROS and exc.value.partes == 51


def test_rechaza_un_zip_cifrado() -> None:
    datos = bytearray(zip_determinista([("a.xml", b"<a/>")]))
    # Bandera 0x1 (cifrado) en la entrada del directorio central, que es la que lee zipfile.
    central = datos.index(b"PK\x01\x02")
    datos[central + 8] |= 0x1
    assert _motivo(bytes(datos)) is Motivo.CIFRADO


def test_rechaza_una_bomba_por_proporcion_y_por_total() -> None:
    assert _motivo(zip_determinista([("relleno.bin", b"\0" * 300_000)])) is Motivo.PROPORCION
    pequeno = LimitesZip(descomprimido=1000, grande=10**9)
    with pytest.raises(ZipRechazado) as exc:
        revisar_zip(zip_determinista([("a.bin", os.urandom(600)), ("b.bin", os.urandom(600))]), pequeno)
    assert exc.value.motivo is Motivo.DESCOMPRIMIDO and exc.value.total == 1200


def test_rechaza_una_parte_xml_demasiado_grande() -> None:
    limites = LimitesZip(descomprimido=10**9, grande=10**9, parte_xml=1000)
    assert _motivo(zip_determinista([("word/document.xml", b"<a>" + b"x" * 2000 + b"</a>")]), limites) \
        is Motivo.PARTE_XML
    revisar_zip(zip_determinista([("word/media/foto.bin", os.urandom(2000))]), limites)  # no es XML: pasa


@pytest.mark.parametrize(
    ("nombre", "xml"),
    [
        ("word/document.xml", b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]><d>&a;</d>'),
        ("_rels/.rels", b"<!doctype r><r/>"),
        ("xl/drawings/vml1.vml", b"<! ENTITY x SYSTEM 'file:///etc/passwd'>"),
        ("word/document.xml", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d><d/>'.encode("utf-16")),
        ("customXml/item1.dat", b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://x/">\n<x/>'),
        ("word/document.xml", b"<d>" + b" " * (2 * 1024 * 1024 - 5) + b"<!DOCTYPE d></d>"),
    ],
    ids=["entidad", "rels-minusculas", "vml-con-espacio", "utf16", "parte-xml-sin-extension", "tras-trozo"],
)
def test_rechaza_dtd_y_entidades(nombre: str, xml: bytes) -> None:
    with pytest.raises(ZipRechazado) as exc:
        revisar_zip(zip_determinista([("[Content_Types].xml", b"<Types/>"), (nombre, xml)]),
                    LimitesZip(descomprimido=10**9, grande=10**9))
    assert exc.value.motivo is Motivo.DTD and exc.value.miembro == nombre


def test_una_imagen_con_bytes_parecidos_a_dtd_no_se_rechaza() -> None:
    imagen = b"\x89PNG\r\n\x1a\n" + b"<!DOCTYPE" + os.urandom(100)
    revisar_zip(zip_determinista([("word/media/image1.png", imagen)]), LIMITES)


def test_declara_dtd() -> None:
    assert declara_dtd(b"<!DOCTYPE x>") and declara_dtd(b"<!  entity x>")
    assert not declara_dtd(b"<x>DOCTYPE ENTITY</x>")
    assert declara_dtd(b"\xff\xfe\x00")  # UTF-16 roto: se rechaza por prudencia
