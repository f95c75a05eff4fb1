"""Lo que lanza ``acuerdo-docs web``: el token de este lanzamiento, la URL, el navegador y uvicorn."""

from __future__ import annotations

import secrets
import socket
import sys
import threading
import webbrowser
from pathlib import Path

from . import proxy
from .app import crear_app
from .bd import url_visible
from .seguridad import HOSTS_LOCALES


def carpeta_por_omision() -> Path:
    """La carpeta de datos del usuario (``~/.local/share/acuerdo-docs`` en Linux, AppData en Windows)."""
    from platformdirs import user_data_path

    return user_data_path("acuerdo-docs", appauthor=False)


def modo_cuentas(anfitrion: str, cuentas: bool, proxies: tuple[str, ...] = ()) -> bool:
    """Con cuentas si se pide (--cuentas), si la app escucha más allá de este equipo (no 127.0.0.1) o si
    hay un proxy delante (--proxy-confiable): en los tres casos la usan otras personas."""
    return cuentas or bool(proxies) or anfitrion.strip("[]").lower() not in HOSTS_LOCALES


def lanzar(datos: Path | None, bd: str | None, anfitrion: str, puerto: int, abrir: bool,
           proxies: tuple[str, ...] = (), cuentas: bool = False) -> int:
    import uvicorn

    # El puerto se toma antes de nada: si está ocupado, la orden lo dice en español (sin el registro de uvicorn).
    enchufe = socket.socket(socket.AF_INET6 if ":" in anfitrion else socket.AF_INET)
    enchufe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        enchufe.bind((anfitrion, puerto))
    except OSError:
        enchufe.close()
        raise
    token = secrets.token_urlsafe(32)
    carpeta = datos or carpeta_por_omision()
    con_cuentas = modo_cuentas(anfitrion, cuentas, proxies)
    # Con cuentas la app se abre con el nombre del servidor (el que el proxy pasa en Host): el Host no se
    # restringe; sin sesión no hay página, y la cookie es del nombre con que se entró (el rebinding de DNS
    # no la lleva). Sin cuentas, solo nombres locales: protegen el token.
    hosts = None if con_cuentas else (*HOSTS_LOCALES, anfitrion)
    app = crear_app(carpeta, bd, token, hosts=hosts, cuentas=con_cuentas)
    nombre = f"[{anfitrion}]" if ":" in anfitrion else anfitrion
    url = f"http://{nombre}:{puerto}/" + ("" if con_cuentas else f"?token={token}")
    print(f"acuerdo-docs web: los borradores se guardan en {carpeta}" if bd is None else
          f"acuerdo-docs web: los borradores se guardan en {url_visible(bd)}", file=sys.stderr)
    if con_cuentas:
        print("Con cuentas: cada persona entra con su usuario y contraseña, en esta dirección:", file=sys.stderr)
        if not app.acuerdo.cuentas.hay_administrador():
            print("Aún no hay ningún administrador; cree el primero con:\n"
                  "    acuerdo-docs web usuario crear NOMBRE --rol administrador", file=sys.stderr)
    else:
        print("Abra esta dirección en el navegador (el token cambia cada vez que se inicia):", file=sys.stderr)
    print(f"    {url}", file=sys.stderr, flush=True)
    avisar_red(anfitrion, puerto, proxies)
    print("Para terminar, pulse Ctrl+C.", file=sys.stderr, flush=True)
    if abrir:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.Server(proxy.configuracion(app, proxies)).run(sockets=[enchufe])
    return 0


def avisar_red(anfitrion: str, puerto: int, proxies: tuple[str, ...]) -> None:
    """Lo que IT debe saber al arrancar: si se escucha más allá de este equipo y a qué proxy se le cree."""
    if proxies:
        print(f"Cabeceras X-Forwarded-For/Proto del proxy: se creen solo de {', '.join(proxies)}.", file=sys.stderr)
    if anfitrion.strip("[]").lower() not in HOSTS_LOCALES:
        todas = anfitrion in ("0.0.0.0", "::", "[::]")
        print(f"Escucha en {'todas las interfaces de red' if todas else anfitrion}, puerto {puerto}: "
              "otros equipos pueden conectarse.", file=sys.stderr)
        if not proxies:
            print("Aviso: sin un proxy con TLS delante, las contraseñas y los datos viajan sin cifrar. "
                  "Vea docs/servidor.md (nginx o Caddy con --proxy-confiable).", file=sys.stderr, flush=True)
