"""Orden ``acuerdo-docs web``: la app en el navegador (formularios, borradores y documentos)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errores import ErrorEntrada
from ..limites_entrada import MB
from ..salida.archivos import escribir_atomico
from ..salida.destinos import comprobar_archivo
from . import web_cuentas
from .comun import decir, leer_archivo

LIMITE_RESPALDO = 512 * MB
"""Un respaldo se lee entero en memoria: más que esto no es una base de borradores de una oficina."""

INSTALAR = 'pip install "acuerdo-docs[web]"'


def registrar(ordenes: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = ordenes.add_parser(
        "web",
        help="abre la aplicación web: formularios, borradores y documentos en el navegador",
        description=(
            "Inicia la aplicación web en este equipo y la abre en el navegador. En 127.0.0.1 (lo de "
            "siempre) es de una persona: solo responde en la dirección local, con un token nuevo en cada "
            "inicio (como Jupyter). Con --anfitrion 0.0.0.0, con --proxy-confiable (el servidor de una "
            "oficina) o con --cuentas, cada persona entra con usuario y contraseña (acuerdo-docs web "
            "usuario crear) y ve solo los borradores de sus equipos. Necesita el "
            f"extra web: {INSTALAR}."
        ),
        epilog=(
            "Ejemplos:\n"
            "  acuerdo-docs web\n"
            "  acuerdo-docs web --puerto 8765 --datos ~/borradores --no-abrir\n"
            "  acuerdo-docs web --bd postgresql://acuerdo@localhost/acuerdo_docs\n"
            "  acuerdo-docs web --bd postgresql://acuerdo@localhost/acuerdo_docs --proxy-confiable 127.0.0.1 --no-abrir\n"
            "  acuerdo-docs web usuario crear ana --rol administrador\n"
            "  acuerdo-docs web migrar --bd postgresql://acuerdo@localhost/acuerdo_docs\n"
            "  acuerdo-docs web respaldo -o respaldo.json\n"
            "  acuerdo-docs web restaurar respaldo.json\n"
            "  acuerdo-docs web podar --antes-de 2026-06-01 --simular\n\n"
            "Códigos de salida: 130 al detenerla con Ctrl+C (como toda orden interrumpida); 2 si falta el extra web,\n"
            "el puerto está ocupado "
            "o la base no responde."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--puerto", type=int, default=8765, help="puerto local (por omisión 8765)")
    p.add_argument("--anfitrion", "--host", default="127.0.0.1",
                   help="dirección en la que escucha (por omisión 127.0.0.1: solo este equipo; 0.0.0.0: toda la red)")
    p.add_argument("--proxy-confiable", default="", metavar="DIRECCIONES",
                   help="direcciones o redes del proxy inverso (p. ej. 127.0.0.1,10.0.0.0/24) de las que se creen "
                        "X-Forwarded-For y X-Forwarded-Proto; de nadie más (docs/servidor.md)")
    _agregar_base(p, argparse.Namespace(datos=None, bd=None))
    p.add_argument("--no-abrir", action="store_true", help="no abre el navegador; solo muestra la dirección")
    p.add_argument("--cuentas", action="store_true",
                   help="pide usuario y contraseña también en 127.0.0.1 sin proxy (fuera de 127.0.0.1 o con "
                        "--proxy-confiable siempre se piden)")
    p.set_defaults(ejecutar=ejecutar)
    acciones = p.add_subparsers(dest="accion", metavar="ACCIÓN", title="acciones (sin acción: inicia la app)",
                                parser_class=type(p))
    m = acciones.add_parser(
        "migrar", help="lleva la base a la última versión de sus tablas (también se hace al iniciar)",
        description=("Aplica las migraciones pendientes (Alembic «upgrade head») a la base de borradores: "
                     "la SQLite de --datos o la de --bd, y lleva los borradores guardados con una forma vieja "
                     "a la de hoy. La app lo hace sola al iniciar; esta orden sirve para hacerlo antes, por "
                     "ejemplo al actualizar el servidor de una oficina (docs/servidor.md)."),
        epilog=("Ejemplos:\n  acuerdo-docs web migrar\n"
                "  acuerdo-docs web migrar --bd postgresql://acuerdo@localhost/acuerdo_docs\n\n"
                "Códigos de salida: 0 bien; 2 si la base no responde o falta el extra web."))
    _agregar_base(m)
    m.set_defaults(ejecutar=ejecutar_migrar)
    r = acciones.add_parser(
        "respaldo", help="escribe toda la base de borradores en un archivo JSON",
        description=("Escribe todos los borradores (tipo, título, fechas, versión del esquema y datos) en un "
                     "JSON que «acuerdo-docs web restaurar» vuelve a cargar, en SQLite o en PostgreSQL. "
                     "Los datos de un borrador válido son válidos contra el esquema publicado "
                     "(acuerdo-docs esquema ficha|acuerdo). El archivo se escribe entero o no se escribe."),
        epilog=("Ejemplos:\n  acuerdo-docs web respaldo -o respaldo.json\n"
                "  acuerdo-docs web respaldo --bd postgresql://acuerdo@localhost/acuerdo_docs -o respaldo.json\n\n"
                "Códigos de salida: 0 bien; 2 si la base no responde o no se puede escribir el archivo."))
    _agregar_base(r)
    r.add_argument("-o", "--salida", type=Path, required=True, metavar="ARCHIVO",
                   help="archivo JSON del respaldo (se reemplaza si existe)")
    r.set_defaults(ejecutar=ejecutar_respaldo)
    t = acciones.add_parser(
        "restaurar", help="carga un respaldo JSON en una base vacía (o la reemplaza con --reemplazar)",
        description=("Carga un respaldo hecho con «acuerdo-docs web respaldo», todo o nada (una sola "
                     "transacción). Si la base ya tiene borradores no toca nada, salvo con --reemplazar, que "
                     "los borra antes de cargar el respaldo."),
        epilog=("Ejemplos:\n  acuerdo-docs web restaurar respaldo.json\n"
                "  acuerdo-docs web restaurar respaldo.json --bd postgresql://acuerdo@localhost/acuerdo_docs\n"
                "  acuerdo-docs web restaurar respaldo.json --reemplazar\n\n"
                "Códigos de salida: 0 bien; 2 si el respaldo no es válido, la base tiene borradores "
                "(sin --reemplazar) o no responde."))
    _agregar_base(t)
    t.add_argument("respaldo", type=Path, help="archivo JSON hecho con «acuerdo-docs web respaldo»")
    t.add_argument("--reemplazar", action="store_true",
                   help="borra los borradores que tenga la base y carga los del respaldo")
    t.set_defaults(ejecutar=ejecutar_restaurar)
    d = acciones.add_parser(
        "podar", help="reduce los autoguardados viejos del historial al último de cada persona por día",
        description=("El autoguardado deja una revisión por cada cambio (con los datos completos): en meses "
                     "de trabajo son decenas de miles. Antes de --antes-de (UTC), de los autoguardados de cada "
                     "borrador, persona y día queda el último; se conserva todo lo demás: cada «Guardar», "
                     "importación, copia, restauración, marca de la reunión, corte de seguimiento y la revisión "
                     "vigente. Todo o nada, en una transacción; se puede correr con la app abierta. Haga antes "
                     "un respaldo (acuerdo-docs web respaldo): lo podado no vuelve."),
        epilog=("Ejemplos:\n  acuerdo-docs web podar --antes-de 2026-06-01 --simular\n"
                "  acuerdo-docs web podar --antes-de 2026-06-01\n"
                "  acuerdo-docs web podar --antes-de 2026-06-01 --bd postgresql://acuerdo@localhost/acuerdo_docs\n\n"
                "Códigos de salida: 0 bien; 2 si la fecha no es válida o está en el futuro, o la base no responde."))
    _agregar_base(d)
    d.add_argument("--antes-de", required=True, metavar="AAAA-MM-DD",
                   help="poda los autoguardados de los días anteriores a esta fecha (UTC; hoy o antes)")
    d.add_argument("--simular", action="store_true", help="solo dice cuántas revisiones se quitarían; no borra nada")
    d.set_defaults(ejecutar=ejecutar_podar)
    web_cuentas.registrar(acciones, _agregar_base, ejecutar_cuentas)


def _agregar_base(p: argparse.ArgumentParser, valores: argparse.Namespace | None = None) -> None:
    """--datos y --bd, antes o después de la acción (en la acción, sin pisar lo dado antes)."""
    omision = argparse.SUPPRESS if valores is None else None
    p.add_argument("--datos", type=Path, default=omision, metavar="CARPETA",
                   help="carpeta de la base SQLite de borradores (por omisión, la carpeta de datos del usuario)")
    p.add_argument("--bd", default=omision, metavar="URL",
                   help="URL de la base (p. ej. postgresql://usuario@servidor/base); por omisión SQLite en --datos")


def _falta_extra(exc: ImportError) -> ErrorEntrada:
    return ErrorEntrada(
        f"la orden web necesita componentes que no están instalados ({exc.name}); instálelos con: {INSTALAR}")


@contextmanager
def _base(args: argparse.Namespace) -> Iterator[Any]:
    """La base de --bd o de --datos; si no responde, un error en español (sin la contraseña de la URL)."""
    try:
        from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

        from ..web.bd import normalizar_url, url_visible
    except ImportError as exc:
        raise _falta_extra(exc) from None
    url = args.bd
    try:
        yield
    except ImportError as exc:
        if url and not normalizar_url(url).startswith(("sqlite", "postgresql+psycopg")):
            # El controlador de otra base (p. ej. mysql): no es del extra web.
            raise ErrorEntrada(f"no hay controlador para la base {url_visible(url)} ({exc.name}); "
                               "use sqlite o postgresql") from None
        raise _falta_extra(exc) from None  # p. ej. argon2 (cuentas) en una instalación vieja del extra
    except (ArgumentError, NoSuchModuleError):
        raise ErrorEntrada(f"--bd no es una URL de base de datos que se entienda: {url_visible(url or '')} "
                           "(ejemplo: postgresql://usuario@servidor/base)") from None
    except (OperationalError, DBAPIError) as exc:
        causa = str(getattr(exc, "orig", exc)).strip().splitlines()[0:1]
        donde = url_visible(url) if url else "la base SQLite de --datos"
        raise ErrorEntrada(f"no se pudo usar la base {donde}: {causa[0] if causa else type(exc).__name__}") from None


def _url(args: argparse.Namespace) -> str:
    from ..web.bd import url_sqlite
    from ..web.servidor import carpeta_por_omision

    if args.bd:
        return str(args.bd)
    carpeta = args.datos or carpeta_por_omision()
    carpeta.mkdir(parents=True, exist_ok=True)
    return url_sqlite(carpeta)


def ejecutar(args: argparse.Namespace) -> int:
    try:
        from ..web.proxy import direcciones_confiables
        from ..web.servidor import lanzar
    except ImportError as exc:
        raise _falta_extra(exc) from None
    proxies = direcciones_confiables(args.proxy_confiable) if args.proxy_confiable else ()
    try:
        with _base(args):
            return lanzar(args.datos, args.bd, args.anfitrion, args.puerto, not args.no_abrir, proxies,
                          args.cuentas)
    except OSError as exc:
        raise ErrorEntrada(
            f"no se pudo usar el puerto {args.puerto} en {args.anfitrion} ({exc.strerror}); "
            "si está ocupado, elija otro con --puerto"
        ) from None


def ejecutar_migrar(args: argparse.Namespace) -> int:
    with _base(args):
        from ..web.bd import VERSION_ESQUEMA, actualizar, crear_motor

        motor = crear_motor(_url(args))
        try:
            hecho = actualizar(motor)
        finally:
            motor.dispose()
    if hecho.antes == hecho.ahora:
        decir(f"Las tablas ya estaban al día (migración {hecho.ahora})." if hecho.documentos else
              f"La base ya estaba al día (migración {hecho.ahora}).")
    else:
        decir(f"Base migrada: de {hecho.antes or 'vacía'} a {hecho.ahora}.")
    if hecho.documentos:
        decir(f"{hecho.documentos} borrador(es) pasaron a la versión {VERSION_ESQUEMA} de sus datos.")
    return 0


def ejecutar_respaldo(args: argparse.Namespace) -> int:
    comprobar_archivo(args.salida, str(args.salida))
    with _base(args):
        from ..web.bd import Almacen
        from ..web.respaldo import respaldar

        almacen = Almacen(_url(args))
        try:
            contenido = respaldar(almacen)
            cuantos = almacen.cuantos()
        finally:
            almacen.motor.dispose()
    escribir_atomico(args.salida, contenido)
    decir(f"Respaldo de {cuantos} borrador(es) escrito en {args.salida}")
    return 0


def ejecutar_restaurar(args: argparse.Namespace) -> int:
    ruta: Path = args.respaldo
    contenido = leer_archivo(ruta, LIMITE_RESPALDO, "un respaldo", entrada="de respaldo")
    with _base(args):
        from ..web.bd import Almacen
        from ..web.respaldo import leer_respaldo, restaurar

        respaldo = leer_respaldo(contenido, str(ruta))
        almacen = Almacen(_url(args))
        try:
            cuantos = restaurar(almacen, respaldo, reemplazar=args.reemplazar)
        finally:
            almacen.motor.dispose()
    decir(f"Restaurados {cuantos} borrador(es) desde {ruta}")
    return 0


def _fecha_poda(texto: str) -> date:
    hoy = datetime.now(UTC).date()
    try:
        fecha = date.fromisoformat(texto.strip())
    except ValueError:
        raise ErrorEntrada(f"--antes-de «{texto}»: no es una fecha AAAA-MM-DD (por ejemplo {hoy.replace(day=1)}).") \
            from None
    if fecha > hoy:
        raise ErrorEntrada(f"--antes-de {fecha}: está en el futuro; la poda solo toca días ya pasados (hoy es {hoy}, "
                           "en UTC).")
    return fecha


def ejecutar_podar(args: argparse.Namespace) -> int:
    antes = _fecha_poda(args.antes_de)
    with _base(args):
        from ..web.bd import Almacen
        from ..web.poda import podar_historial

        almacen = Almacen(_url(args))
        try:
            poda = podar_historial(almacen, antes, simular=args.simular)
        finally:
            almacen.motor.dispose()
    if poda.revisiones == 0:
        decir(f"No hay autoguardados que podar antes del {antes}.")
    elif poda.simulada:
        decir(f"Se podarían {poda.revisiones} autoguardado(s) de {poda.borradores} borrador(es), anteriores al "
              f"{antes}. No se borró nada (sin --simular, se borran).")
    else:
        decir(f"Historial podado: {poda.revisiones} autoguardado(s) de {poda.borradores} borrador(es), anteriores "
              f"al {antes}. Quedó el último autoguardado de cada persona por día y todo lo demás.")
    return 0


def ejecutar_cuentas(args: argparse.Namespace, hacer: Any) -> int:
    """Una acción de «usuario» o «equipo» sobre la base de --datos o --bd (migrada si hace falta)."""
    with _base(args):
        from ..web.bd import Almacen
        from ..web.cuentas import Cuentas

        almacen = Almacen(_url(args))
        try:
            decir(hacer(Cuentas(almacen.motor)))
        finally:
            almacen.motor.dispose()
    return 0
