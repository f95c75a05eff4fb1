"""La orden ``acuerdo-docs web`` como proceso de verdad (pruebas de fallos y bench/bench_servidor.py).

Su salida de errores va a un archivo (nunca a una tubería que nadie vacía y que bloquearía al servidor);
de ahí se leen la dirección con el token y, al final, lo que el servidor registró.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any


def puerto_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def esperar_pagina(puerto: int) -> None:
    """Espera (hasta ~10 s) a que el servidor de ``puerto`` sirva su hoja de estilo: uvicorn arranca justo
    después de que la orden imprime su aviso. Si no llega, las pruebas lo dirán con su propio pedido."""
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{puerto}/static/estilo.css", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)


def detener_orden(proceso: subprocess.Popen[str]) -> tuple[str, str]:
    """Ctrl+C (SIGINT) a una orden lanzada con tuberías de texto; si no termina en 15 s, SIGKILL.
    Devuelve lo que quedaba en su salida y en su salida de errores."""
    proceso.send_signal(signal.SIGINT)
    try:
        return proceso.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proceso.kill()
        return proceso.communicate()


class ServidorWeb:
    """``acuerdo-docs web --no-abrir`` en 127.0.0.1; ``iniciar()`` espera a que sirva y lee su token.

    ``cuentas=True``: con ``--cuentas`` (usuario y contraseña, sin token): ``crear_usuario`` y ``entrar``.
    """

    def __init__(self, datos: Path, bd: str | None = None, puerto: int | None = None, cuentas: bool = False) -> None:
        self.datos = Path(datos)
        self.bd = bd
        self.cuentas = cuentas
        self.puerto = puerto or puerto_libre()
        self.proceso: subprocess.Popen[bytes] | None = None
        self.token = ""
        self.registros: list[Path] = []  # la salida de errores de cada arranque

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.puerto}"

    @property
    def pid(self) -> int:
        assert self.proceso is not None
        return self.proceso.pid

    def iniciar(self, espera: float = 90) -> ServidorWeb:
        registro = self.datos.parent / f"{self.datos.name}_servidor_{len(self.registros) + 1}.txt"
        self.registros.append(registro)
        orden = [sys.executable, "-m", "acuerdo_docs.cli", "web", "--no-abrir", "--puerto", str(self.puerto),
                 *self._base(), *(["--cuentas"] if self.cuentas else [])]
        with registro.open("wb") as salida:
            self.proceso = subprocess.Popen(orden, stdout=salida, stderr=subprocess.STDOUT,
                                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        limite = time.monotonic() + espera
        while time.monotonic() < limite:
            if self.proceso.poll() is not None:
                raise RuntimeError(f"acuerdo-docs web terminó al iniciar ({self.proceso.returncode}): {self.salida()}")
            texto = registro.read_text(encoding="utf-8", errors="replace")
            m = re.search(r"/\?token=([\w-]+)", texto)
            if m or (self.cuentas and f"{self.base}/" in texto):
                self.token = m.group(1) if m else ""
                try:
                    urllib.request.urlopen(f"{self.base}/static/estilo.css", timeout=2)
                    return self
                except (urllib.error.URLError, ConnectionError):
                    pass
            time.sleep(0.1)
        raise RuntimeError(f"acuerdo-docs web no respondió en {espera} s: {self.salida()}")

    def _base(self) -> list[str]:
        return ["--datos", str(self.datos), *(["--bd", self.bd] if self.bd else [])]

    def crear_usuario(self, nombre: str, clave: str, rol: str = "editor", equipo: str = "General") -> None:
        """``acuerdo-docs web usuario crear`` (la contraseña por la entrada estándar), en la misma base."""
        hecho = subprocess.run([sys.executable, "-m", "acuerdo_docs.cli", "web", "usuario", "crear", nombre,
                                "--rol", rol, "--equipo", equipo, *self._base()],
                               input=clave + "\n", capture_output=True, text=True, timeout=120)
        if hecho.returncode != 0:
            raise RuntimeError(f"no se creó el usuario: {hecho.stderr}")

    def entrar(self, cliente: Any, nombre: str, clave: str) -> None:
        """Entra por la página «Entrar» con un cliente httpx (la cookie de la sesión queda en él)."""
        pagina = cliente.get("/entrar")
        csrf = re.search(r'name="_csrf" value="([^"]+)"', pagina.text)
        assert csrf is not None, pagina.text[:500]
        r = cliente.post("/entrar", data={"_csrf": csrf.group(1), "usuario": nombre, "contrasena": clave,
                                          "siguiente": "/"})
        assert r.status_code == 303 and r.headers["location"] == "/", (r.status_code, r.text[:500])

    def salida(self) -> str:
        """Lo que el servidor escribió en todos sus arranques (stderr y stdout)."""
        return "".join(r.read_text(encoding="utf-8", errors="replace") for r in self.registros if r.exists())

    def cookies(self) -> dict[str, str]:
        return {} if self.cuentas else {"acuerdo_docs_sesion": self.token}

    def matar(self) -> None:
        """SIGKILL: sin cierre ordenado, como un corte de luz o el OOM killer."""
        if self.proceso is not None and self.proceso.poll() is None:
            self.proceso.send_signal(signal.SIGKILL)
            self.proceso.wait(timeout=30)

    def detener(self) -> int | None:
        """Ctrl+C (SIGINT), como lo haría quien lo inició; si no termina en 20 s, SIGKILL."""
        if self.proceso is None:
            return None
        if self.proceso.poll() is None:
            self.proceso.send_signal(signal.SIGINT)
            try:
                self.proceso.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.matar()
        return self.proceso.returncode
