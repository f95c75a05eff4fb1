"""La orden ``acuerdo-docs web`` de verdad: un proceso que imprime la URL con su token y sirve en 127.0.0.1."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from apoyo_servidor import detener_orden, esperar_pagina, puerto_libre
from apoyo_web import exigir_extra_web


def test_orden_web_imprime_la_url_con_token_y_sirve(tmp_path, url_bd):
    """En SQLite (--datos) y en PostgreSQL (--bd postgresql+psycopg://…, migrada al iniciar)."""
    exigir_extra_web()
    puerto = puerto_libre()
    proceso = subprocess.Popen(
        [sys.executable, "-m", "acuerdo_docs.cli", "web", "--no-abrir", "--puerto", str(puerto),
         "--datos", str(tmp_path), *(["--bd", url_bd] if url_bd else [])],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = None
        limite = time.monotonic() + 60
        while url is None and time.monotonic() < limite:
            linea = proceso.stderr.readline()
            m = re.search(r"(http://127\.0\.0\.1:\d+/\?token=[\w-]+)", linea)
            url = m.group(1) if m else None
        assert url is not None, "la orden no mostró la dirección"
        esperar_pagina(puerto)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{puerto}/", timeout=5)
            raise AssertionError("sin token no debía servir la página")
        except urllib.error.HTTPError as exc:
            assert exc.code == 403
        pagina = urllib.request.build_opener(urllib.request.HTTPCookieProcessor()).open(url, timeout=10)
        assert "token" not in pagina.geturl() and "Nueva ficha" in pagina.read().decode("utf-8")
    finally:
        _salida, errores = detener_orden(proceso)
    assert "Traceback" not in errores
    assert "token=" not in (errores or "").split(url)[-1], "la dirección con el token no se repite en registros"


def test_puerto_ocupado_se_dice_en_espanol(tmp_path, capsys):
    exigir_extra_web()
    from acuerdo_docs.cli import main

    ocupado = socket.socket()
    ocupado.bind(("127.0.0.1", 0))
    ocupado.listen()
    puerto = ocupado.getsockname()[1]
    try:
        assert main(["web", "--no-abrir", "--puerto", str(puerto), "--datos", str(tmp_path)]) == 2
    finally:
        ocupado.close()
    err = capsys.readouterr().err
    assert f"puerto {puerto}" in err and "--puerto" in err and "Traceback" not in err
