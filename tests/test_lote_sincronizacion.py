"""Un lote sincroniza el disco una vez al final (no un fsync por archivo) y nunca deja archivos a medias."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from test_lote import fila_base, libro_fichas

from acuerdo_docs.lote import generar_lote
from acuerdo_docs.salida import archivos


def _contar_fsync(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Anota cada fsync: de una carpeta o de un archivo."""
    llamadas: list[str] = []
    fsync = os.fsync

    def contar(fd: int) -> None:
        llamadas.append("carpeta" if os.path.isdir(f"/proc/self/fd/{fd}") else "archivo")
        fsync(fd)

    monkeypatch.setattr(os, "fsync", contar)
    return llamadas


def test_lote_un_solo_fsync_de_carpeta_al_final(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(25)])
    llamadas = _contar_fsync(monkeypatch)
    sincronizadas: list[Path] = []
    original = archivos.sincronizar_carpeta
    monkeypatch.setattr("acuerdo_docs.lote.sincronizar_carpeta",
                        lambda carpeta, lista=(): (sincronizadas.append(Path(carpeta)), original(carpeta, lista))[1])
    salida = tmp_path / "salida"
    informe = generar_lote(entrada, salida, procesos=1)
    assert informe.generadas == 25 and informe.codigo_salida == 0
    assert sincronizadas == [salida]
    # 25 documentos: ningún fsync por documento; la carpeta una vez (y el informe, que se escribe después).
    assert llamadas.count("archivo") <= 1 and llamadas.count("carpeta") == 1, llamadas
    assert sorted(p.name for p in salida.iterdir() if p.name.startswith(".")) == []  # ningún temporal


def test_el_informe_se_arma_mientras_sincroniza_pero_se_escribe_despues(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Si el informe existe, lo que lista está en el disco: se escribe solo cuando la sincronización terminó."""
    import time

    from acuerdo_docs.documentos import informe as modulo_informe
    from acuerdo_docs.documentos.informe import NOMBRE_INFORME

    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(3)])
    salida = tmp_path / "salida"
    orden: list[str] = []
    original = archivos.sincronizar_carpeta
    armar = modulo_informe.bytes_informe

    def lenta(carpeta: Path, lista: Any = ()) -> None:
        time.sleep(0.3)  # un disco lento: el informe se arma mientras tanto
        orden.append("sincronizada" + (" con informe" if (salida / NOMBRE_INFORME).exists() else ""))
        original(carpeta, lista)

    monkeypatch.setattr("acuerdo_docs.lote.sincronizar_carpeta", lenta)
    monkeypatch.setattr("acuerdo_docs.lote.bytes_informe", lambda i: (orden.append("armado"), armar(i))[1])
    informe = generar_lote(entrada, salida, procesos=1)
    assert orden == ["armado", "sincronizada"]
    assert informe.informe == salida / NOMBRE_INFORME and informe.informe.is_file()


def test_sincronizar_carpeta_sin_syncfs_sincroniza_cada_archivo(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for nombre in ("a.docx", "b.docx"):
        archivos.escribir_atomico(tmp_path / nombre, b"x", sincronizar=False)
    monkeypatch.setattr(archivos, "_syncfs", None)  # como en macOS o Windows
    vistos: list[int] = []
    fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (vistos.append(fd), fsync(fd))[1])
    archivos.sincronizar_carpeta(tmp_path, [tmp_path / "a.docx", tmp_path / "b.docx"])
    assert len(vistos) == 3  # dos archivos y la carpeta
    assert (tmp_path / "a.docx").read_bytes() == b"x"


def test_si_el_disco_falla_al_sincronizar_no_queda_ningun_archivo_a_medias(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from acuerdo_docs.errores import ErrorSalida

    entrada = libro_fichas(tmp_path, [fila_base(i) for i in range(3)])
    malos = {"2023_Práctica 01.docx"}  # solo este no cabe en el disco
    fsync = os.fsync

    def falla(fd: int) -> None:
        nombre = os.path.basename(os.readlink(f"/proc/self/fd/{fd}"))
        if nombre in malos or os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        fsync(fd)

    monkeypatch.setattr(os, "fsync", falla)
    salida = tmp_path / "salida"
    with pytest.raises(ErrorSalida, match="no queda espacio"):
        generar_lote(entrada, salida, procesos=1)
    quedan = sorted(p.name for p in salida.iterdir())
    assert "2023_Práctica 01.docx" not in quedan and "informe_lote.xlsx" not in quedan
    assert quedan == ["2023_Práctica 00.docx", "2023_Práctica 02.docx"], quedan


# ------------------------------------------------ tanda_durable: la misma regla para la API


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="usa /proc")
def test_tanda_durable_una_sincronizacion_al_salir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import acuerdo_docs as ad

    practica = ad.ejemplo_ficha()
    llamadas = _contar_fsync(monkeypatch)
    ad.generar_ficha(practica, tmp_path / "suelta.docx")
    assert llamadas == ["archivo"]  # fuera de una tanda: al volver, el documento ya está en el disco
    llamadas.clear()
    syncfs: list[int] = []
    original = archivos._libc("_syncfs")
    monkeypatch.setattr(archivos, "_syncfs", lambda fd: (syncfs.append(fd), original(fd) if original else -1)[1])
    with ad.tanda_durable():
        for i in range(5):
            assert ad.generar_ficha(practica, tmp_path / "tanda" / f"f{i}.docx") == tmp_path / "tanda" / f"f{i}.docx"
        with ad.tanda_durable():  # anidada: la de fuera sincroniza
            ad.generar_ficha(practica, tmp_path / "tanda" / "f5.docx")
        assert llamadas == [] and syncfs == []  # nada uno a uno
    assert len(syncfs) == 1 and llamadas == ["carpeta"]  # al salir: syncfs y el fsync de la carpeta
    assert (tmp_path / "tanda" / "f0.docx").read_bytes() == (tmp_path / "suelta.docx").read_bytes()
    assert not [p for p in (tmp_path / "tanda").iterdir() if p.name.startswith(".")]  # ningún temporal


def test_tanda_durable_sincroniza_tambien_si_el_bloque_falla(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import acuerdo_docs as ad

    sincronizadas: list[tuple[Path, list[Path]]] = []
    monkeypatch.setattr(archivos, "sincronizar_carpeta", lambda c, a=(): sincronizadas.append((Path(c), list(a))))
    with pytest.raises(ValueError, match="a mitad"), ad.tanda_durable():
        ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "a" / "uno.docx")
        ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "b" / "dos.docx")
        raise ValueError("a mitad")
    assert sincronizadas == [(tmp_path / "a", [tmp_path / "a" / "uno.docx"]),
                             (tmp_path / "b", [tmp_path / "b" / "dos.docx"])]


def test_tanda_durable_si_el_disco_falla_lo_dice_en_espanol(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    import acuerdo_docs as ad

    def falla(carpeta: Path, lista: list[Path]) -> None:
        for archivo in lista:  # como sincronizar_carpeta: lo que no llegó al disco se borra
            Path(archivo).unlink()
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archivos, "sincronizar_carpeta", falla)
    with pytest.raises(ad.ErrorSalida, match="no queda espacio"), ad.tanda_durable():
        ad.generar_ficha(ad.ejemplo_ficha(), tmp_path / "uno.docx")
    assert not (tmp_path / "uno.docx").exists()
