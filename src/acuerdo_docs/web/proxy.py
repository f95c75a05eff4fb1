"""Detrás de un proxy inverso (nginx, Caddy) con TLS: sus cabeceras X-Forwarded-For y X-Forwarded-Proto
se creen solo si la conexión viene de una dirección confiable (``--proxy-confiable``).

De ellas dependen la dirección del cliente (la que ve el límite de intentos de entrada) y el esquema
(``https``: la cookie lleva ``Secure``). De cualquier otro cliente se ignoran: si no, cualquiera diría
venir de otra dirección o por https. uvicorn, por omisión, las cree de 127.0.0.1; aquí nunca sin que se
pida.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from ..errores import ErrorEntrada


def direcciones_confiables(texto: str) -> tuple[str, ...]:
    """``"127.0.0.1, 10.0.0.0/24"`` → las direcciones o redes validadas; si no lo son, un error en español."""
    direcciones = []
    for parte in (p.strip() for p in texto.split(",")):
        if not parte:
            continue
        if parte == "*":
            raise ErrorEntrada("--proxy-confiable: «*» confiaría en cualquiera; escriba la dirección del proxy "
                               "(p. ej. 127.0.0.1 si está en el mismo equipo)")
        try:
            red = ipaddress.ip_network(parte, strict=False)
        except ValueError:
            raise ErrorEntrada(f"--proxy-confiable: «{parte}» no es una dirección IP ni una red "
                               "(ejemplos: 127.0.0.1, ::1, 10.0.0.0/24)") from None
        direcciones.append(str(red.network_address) if red.num_addresses == 1 else str(red))
    if not direcciones:
        raise ErrorEntrada("--proxy-confiable: escriba al menos una dirección (p. ej. 127.0.0.1)")
    return tuple(direcciones)


def envolver(app: Any, confiables: tuple[str, ...]) -> Any:
    """La app con las cabeceras del proxy creídas solo de ``confiables`` (sin ellas, la app tal cual)."""
    if not confiables:
        return app
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    return ProxyHeadersMiddleware(app, trusted_hosts=list(confiables))


def configuracion(app: Any, confiables: tuple[str, ...] = ()) -> Any:
    """La configuración de uvicorn: sin registro de accesos y sin creerle cabeceras a nadie no nombrado."""
    import uvicorn

    # Sin registro de accesos: la primera URL lleva el token, y ninguna ruta (ni dirección) debe quedar en un
    # registro. proxy_headers=False: uvicorn no añade su propio ProxyHeadersMiddleware (que cree a 127.0.0.1).
    return uvicorn.Config(envolver(app, confiables), access_log=False, log_level="warning", server_header=False,
                          date_header=False, proxy_headers=False)
