"""Lo lento no detiene al servidor: generar y convertir documentos, leer una ficha .docx o un libro de
seguimiento, registrar un corte y comprobar una contraseña van en un hilo; mientras tanto el servidor
atiende a los demás.

Con uvicorn de verdad (un solo bucle de eventos, como en producción). La parte lenta se reemplaza por
una que espera una señal de la prueba: la prueba no depende de cuánto tarda LibreOffice en esta máquina,
y con el trabajo en el bucle (lo de antes) el pedido de los demás no llega y la prueba falla.
Más el LibreOffice de los PDF: uno caliente para toda la vida de la app, cerrado con ella.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from apoyo_web import CLAVE, TOKEN, exigir_extra_web, servir

exigir_extra_web()

import httpx  # noqa: E402

import acuerdo_docs as ad  # noqa: E402
from acuerdo_docs.web import cortes  # noqa: E402
from acuerdo_docs.web import documentos as docs  # noqa: E402
from acuerdo_docs.web.app import crear_app  # noqa: E402
from acuerdo_docs.web.cuentas import Cuentas  # noqa: E402


class Freno:
    """Envuelve una función lenta: avisa al entrar y espera la señal de la prueba antes de seguir."""

    def __init__(self) -> None:
        self.entro = threading.Event()
        self.soltar = threading.Event()

    def envolver(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def lento(*args: Any, **kwargs: Any) -> Any:
            self.entro.set()
            assert self.soltar.wait(60), "la prueba no soltó el freno"
            return real(*args, **kwargs)

        return lento


def _csrf(cliente: httpx.Client, ruta: str = "/nueva/ficha") -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', cliente.get(ruta).text).group(1)  # type: ignore[union-attr]


def _mientras_frena(freno: Freno, pedido: Callable[[], httpx.Response], otro: Callable[[], httpx.Response]) -> httpx.Response:
    """Lanza ``pedido`` (que entra en el freno); mientras espera, ``otro`` debe responder. Da la respuesta de ``pedido``."""
    respuesta: dict[str, Any] = {}

    def lanzar() -> None:
        try:
            respuesta["r"] = pedido()
        except BaseException as error:  # noqa: BLE001 - se informa en el hilo principal
            respuesta["error"] = error

    hilo = threading.Thread(target=lanzar, daemon=True)
    hilo.start()
    try:
        assert freno.entro.wait(30), f"el pedido no llegó a la parte lenta: {respuesta}"
        mientras = otro()  # con el trabajo en el bucle de eventos, esto no llega (tiempo agotado)
        assert mientras.status_code == 200, mientras.text[:300]
        assert hilo.is_alive() and "r" not in respuesta, "la parte lenta no esperó: la prueba no prueba nada"
    finally:
        freno.soltar.set()
        hilo.join(60)
    assert "error" not in respuesta, respuesta.get("error")
    return respuesta["r"]  # type: ignore[no-any-return]


@pytest.fixture
def local(tmp_path: Path) -> Iterator[tuple[str, httpx.Client, str]]:
    """Un servidor de una persona con el acuerdo de ejemplo importado: (dirección, cliente, borrador)."""
    with servir(crear_app(tmp_path / "datos", None, TOKEN)) as direccion:
        with httpx.Client(base_url=direccion, cookies={"acuerdo_docs_sesion": TOKEN}, timeout=10) as cliente:
            datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
            r = cliente.post("/importar/json", data={"_csrf": _csrf(cliente)},
                             files={"archivo": ("acuerdo.json", json.dumps(datos).encode(), "application/json")})
            assert r.status_code == 303
            yield direccion, cliente, r.headers["location"].split("?")[0]


@pytest.mark.parametrize("documento", ["pdf", "zip"])
def test_un_pdf_que_tarda_no_detiene_a_los_demas(local: tuple[str, httpx.Client, str], documento: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    direccion, cliente, borrador = local
    freno = Freno()
    monkeypatch.setattr(docs.PdfCaliente, "convertir", freno.envolver(lambda self, word: b"%PDF-1.7 prueba"))
    monkeypatch.setattr(docs, "libreoffice_disponible", lambda: True)
    r = _mientras_frena(freno, lambda: cliente.get(f"{borrador}/descargar/{documento}", timeout=60),
                        lambda: cliente.get("/", timeout=10))
    assert r.status_code == 200
    if documento == "pdf":
        assert r.content == b"%PDF-1.7 prueba"
    else:
        import zipfile

        assert zipfile.ZipFile(io.BytesIO(r.content)).read("acuerdo.pdf") == b"%PDF-1.7 prueba"


def test_leer_una_ficha_docx_no_detiene_a_los_demas(local: tuple[str, httpx.Client, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from acuerdo_docs.lectores import ficha_docx

    _direccion, cliente, _borrador = local
    freno = Freno()
    monkeypatch.setattr(ficha_docx, "extraer_campos", freno.envolver(ficha_docx.extraer_campos))
    ficha = ad.renderizar_ficha(ad.ejemplo_ficha())
    r = _mientras_frena(freno, lambda: cliente.post(
        "/importar/ficha", data={"_csrf": _csrf(cliente)}, timeout=60,
        files={"archivo": ("ficha.docx", ficha, "application/octet-stream")}), lambda: cliente.get("/", timeout=10))
    assert r.status_code == 200 and "Ficha importada" in r.text


def test_leer_el_libro_de_un_corte_no_detiene_a_los_demas(local: tuple[str, httpx.Client, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    _direccion, cliente, borrador = local
    freno = Freno()
    monkeypatch.setattr(cortes, "actualizar_acuerdo", freno.envolver(cortes.actualizar_acuerdo))
    libro = cliente.get(f"{borrador}/descargar/matriz").content
    r = _mientras_frena(freno, lambda: cliente.post(
        f"{borrador}/seguimiento", data={"_csrf": _csrf(cliente), "fecha": "01/03/2024"}, timeout=60,
        files={"archivo": ("matriz.xlsx", libro, "application/octet-stream")}), lambda: cliente.get("/", timeout=10))
    assert r.status_code == 200 and "Cambios que trae el libro" in r.text


def test_comprobar_una_contrasena_no_detiene_a_los_demas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = crear_app(tmp_path / "datos", None, cuentas=True, hosts=None)
    app.acuerdo.cuentas.crear_usuario("ana", "editor", CLAVE)
    freno = Freno()
    monkeypatch.setattr(Cuentas, "autenticar", freno.envolver(Cuentas.autenticar))
    with servir(app) as direccion, httpx.Client(base_url=direccion, timeout=10) as ana, \
            httpx.Client(base_url=direccion, timeout=10) as otro:
        r = _mientras_frena(freno, lambda: ana.post("/entrar", timeout=60, data={
            "_csrf": _csrf(ana, "/entrar"), "usuario": "ana", "contrasena": CLAVE}), lambda: otro.get("/entrar"))
        assert r.status_code == 303 and ana.get("/").status_code == 200


@pytest.mark.parametrize("lenta", ["autenticar", "cambiar_contrasena"])
def test_cambiar_mi_contrasena_no_detiene_a_los_demas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      lenta: str) -> None:
    """«Cambiar mi contraseña»: comprobar la actual y cifrar la nueva (argon2, las dos) van en hilos."""
    app = crear_app(tmp_path / "datos", None, cuentas=True, hosts=None)
    app.acuerdo.cuentas.crear_usuario("ana", "editor", CLAVE)
    with servir(app) as direccion, httpx.Client(base_url=direccion, timeout=10) as ana, \
            httpx.Client(base_url=direccion, timeout=10) as otro:
        assert ana.post("/entrar", data={"_csrf": _csrf(ana, "/entrar"), "usuario": "ana",
                                         "contrasena": CLAVE}).status_code == 303
        token = _csrf(ana, "/cuenta/contrasena")
        freno = Freno()
        monkeypatch.setattr(Cuentas, lenta, freno.envolver(getattr(Cuentas, lenta)))
        r = _mientras_frena(freno, lambda: ana.post("/cuenta/contrasena", timeout=60, data={
            "_csrf": token, "actual": CLAVE, "nueva": "otra-clave-larga", "repetida": "otra-clave-larga"}),
            lambda: otro.get("/entrar"))
        assert r.status_code == 303 and "Se cambió su contraseña" in ana.get("/cuenta/contrasena?aviso=cambiada").text


@pytest.mark.libreoffice
def test_un_solo_libreoffice_caliente_para_los_pdf_y_se_cierra_con_la_app(tmp_path: Path) -> None:
    from conftest import exigir_libreoffice
    from pypdf import PdfReader
    from starlette.testclient import TestClient

    exigir_libreoffice()
    app = crear_app(tmp_path / "datos", None, TOKEN)
    pdf: docs.PdfCaliente = app.acuerdo.pdf
    abiertos: list[Any] = []
    with TestClient(app, base_url="http://127.0.0.1:8765") as c:  # con la vida de la app (lifespan)
        c.cookies.set("acuerdo_docs_sesion", TOKEN)
        datos = ad.ejemplo_ficha().model_dump(mode="json", exclude_none=True)
        r = c.post("/importar/json", data={"_csrf": _csrf(c)}, follow_redirects=False,  # type: ignore[arg-type]
                   files={"archivo": ("ficha.json", json.dumps(datos).encode(), "application/json")})
        borrador = r.headers["location"].split("?")[0]
        assert not pdf.abierto, "LibreOffice arranca con el primer PDF, no con la app"
        for _ in range(2):
            r = c.get(f"{borrador}/descargar/pdf")
            assert r.status_code == 200 and r.content.startswith(b"%PDF"), r.text[:300]
            lector = PdfReader(io.BytesIO(r.content))
            assert "pdfaid" in lector.xmp_metadata.rdf_root.toxml()  # type: ignore[union-attr]
            assert "Página 1 de" in lector.pages[0].extract_text()
            abiertos.append(pdf._convertidor)
        assert abiertos[0] is not None and abiertos[0] is abiertos[1], "el segundo PDF usa el mismo LibreOffice"
        procesos = [p.instancia.proceso for p in abiertos[0]._puestos if p.instancia is not None]
        assert procesos and all(p.poll() is None for p in procesos)
    assert not pdf.abierto  # la app se cerró: su LibreOffice también
    for proceso in procesos:
        assert proceso.wait(10) is not None
