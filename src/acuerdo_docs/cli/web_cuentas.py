"""Acciones ``acuerdo-docs web usuario …`` y ``acuerdo-docs web equipo …``: las cuentas del servidor de oficina.

La contraseña se lee de la entrada estándar (dos veces, sin eco, en una terminal; una línea si viene de
una tubería), nunca de un argumento: los argumentos se ven en la lista de procesos y en el historial.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ..errores import ErrorEntrada
from .comun import decir

Agregar = Callable[[argparse.ArgumentParser], None]
ROLES = ("administrador", "editor", "lector")
_SALIDA = "Códigos de salida: 0 bien; 2 si un dato no sirve (nombre, rol, contraseña), no existe o la base no responde."


class _SinContrasenaEnArgumentos(argparse.Action):
    """``--contrasena`` no existe a propósito: se dice cómo darla, en vez de «opción desconocida»."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        parser.error("la contraseña no va en la línea de órdenes (quedaría en el historial y en la lista de "
                     "procesos): la orden la pide sin mostrarla, o léala de la entrada estándar, por ejemplo "
                     "printf '%s\\n' \"$CLAVE\" | " + parser.prog + " …")


def _sin_contrasena(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contrasena", "--contraseña", "--clave", "--password", nargs="?", action=_SinContrasenaEnArgumentos,
                   help=argparse.SUPPRESS)


def registrar(acciones: argparse._SubParsersAction[argparse.ArgumentParser], agregar_base: Agregar,
              ejecutar: Callable[[argparse.Namespace, Callable[[Any], str]], int]) -> None:
    """Registra «usuario» y «equipo» en las acciones de «web»."""
    u = acciones.add_parser(
        "usuario", help="cuentas del servidor de oficina: crear, lista, rol, activar, desactivar, contrasena",
        description=("Las cuentas con que se entra a «acuerdo-docs web» cuando escucha más allá de este equipo "
                     "(--anfitrion 0.0.0.0) o con --cuentas. Roles: administrador (gestiona cuentas y "
                     "equipos; ve y edita todo), editor (edita los borradores de sus equipos), lector (los lee)."),
        epilog=("Ejemplos:\n"
                "  acuerdo-docs web usuario crear ana --rol administrador\n"
                "  printf '%s\\n' \"$CLAVE\" | acuerdo-docs web usuario crear luis --rol editor --equipo iBO\n"
                "  acuerdo-docs web usuario lista\n"
                "  acuerdo-docs web usuario rol luis --rol lector\n"
                "  acuerdo-docs web usuario desactivar luis\n"
                "  acuerdo-docs web usuario contrasena luis\n\n" + _SALIDA))
    su = u.add_subparsers(dest="accion_usuario", metavar="ACCIÓN", title="acciones", parser_class=type(u))
    su.required = True

    def sub(padre: Any, nombre: str, ayuda: str, descripcion: str, ejemplo: str,
            hacer: Callable[[Any, argparse.Namespace], str], pide_contrasena: bool = False) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = padre.add_parser(nombre, help=ayuda, description=descripcion,
                                                      epilog=f"Ejemplo:\n  {ejemplo}\n\n{_SALIDA}")
        agregar_base(p)

        def correr(args: argparse.Namespace) -> int:
            if pide_contrasena:  # antes de abrir la base: sin contraseña no se crea ni se toca nada
                from ..web.cuentas import validar_contrasena, validar_nombre

                validar_nombre(args.nombre)
                args.contrasena_leida = validar_contrasena(leer_contrasena())
            return ejecutar(args, lambda cuentas: hacer(cuentas, args))

        p.set_defaults(ejecutar=correr)
        return p

    p = sub(su, "crear", "crea una cuenta (la contraseña, por la entrada estándar)",
            "Crea una cuenta con su rol. La contraseña (al menos 10 caracteres) se pide en la terminal sin "
            "mostrarla, o se lee de la entrada estándar (una línea); nunca va en la línea de órdenes.",
            "acuerdo-docs web usuario crear ana --rol editor --equipo iBO", _crear, pide_contrasena=True)
    p.add_argument("nombre", metavar="NOMBRE", help="nombre de usuario (letras sin tilde, números, . - _ @)")
    p.add_argument("--rol", required=True, choices=ROLES, help="administrador, editor o lector")
    p.add_argument("--equipo", action="append", default=[], metavar="EQUIPO",
                   help="equipo del que será miembro (se puede repetir; el equipo debe existir)")
    _sin_contrasena(p)
    sub(su, "lista", "muestra las cuentas con su rol, sus equipos y si están activas",
        "Muestra cada cuenta: nombre, rol, estado y equipos (nunca la contraseña).",
        "acuerdo-docs web usuario lista", _lista_usuarios)
    p = sub(su, "rol", "cambia el rol de una cuenta (sus sesiones abiertas terminan)",
            "Cambia el rol de una cuenta. Sus sesiones abiertas terminan, para que el rol nuevo rija ya. "
            "No deja sin administrador activo al servidor.",
            "acuerdo-docs web usuario rol luis --rol lector", _rol)
    p.add_argument("nombre", metavar="NOMBRE", help="nombre de usuario")
    p.add_argument("--rol", required=True, choices=ROLES, help="administrador, editor o lector")
    for nombre, activo in (("activar", True), ("desactivar", False)):
        p = sub(su, nombre, f"{nombre} una cuenta" + ("" if activo else " (no puede entrar; sus sesiones terminan)"),
                ("Vuelve a dejar entrar a una cuenta desactivada." if activo else
                 "Una cuenta desactivada no puede entrar y sus sesiones abiertas terminan; sus cambios quedan "
                 "en la historia con su nombre. No deja sin administrador activo al servidor."),
                f"acuerdo-docs web usuario {nombre} luis",
                (lambda a: lambda cuentas, args: _activar(cuentas, args, a))(activo))
        p.add_argument("nombre", metavar="NOMBRE", help="nombre de usuario")
    p = sub(su, "contrasena", "pone una contraseña nueva (por la entrada estándar); las sesiones terminan",
            "Pone una contraseña nueva a una cuenta (la olvidó, o se filtró). Se lee como en «crear». Las "
            "sesiones abiertas de esa cuenta terminan.",
            "acuerdo-docs web usuario contrasena luis", _contrasena, pide_contrasena=True)
    p.add_argument("nombre", metavar="NOMBRE", help="nombre de usuario")
    _sin_contrasena(p)

    e = acciones.add_parser(
        "equipo", help="equipos del servidor de oficina: crear, lista, agregar, quitar, renombrar, eliminar, borrador",
        description=("Cada borrador es de un equipo; un editor edita los borradores de sus equipos y un lector "
                     "los lee. Los borradores de antes de las cuentas están en el equipo «General»."),
        epilog=("Ejemplos:\n"
                "  acuerdo-docs web equipo crear iBO\n"
                "  acuerdo-docs web equipo agregar iBO luis\n"
                "  acuerdo-docs web equipo quitar iBO luis\n"
                "  acuerdo-docs web equipo lista\n"
                "  acuerdo-docs web equipo renombrar iBO \"Laboratorio iBO\"\n"
                "  acuerdo-docs web equipo eliminar Pruebas\n"
                "  acuerdo-docs web equipo borrador 12 iBO\n\n" + _SALIDA))
    se = e.add_subparsers(dest="accion_equipo", metavar="ACCIÓN", title="acciones", parser_class=type(e))
    se.required = True
    p = sub(se, "crear", "crea un equipo", "Crea un equipo vacío; luego agregue sus miembros.",
            "acuerdo-docs web equipo crear iBO", _crear_equipo)
    p.add_argument("equipo", metavar="EQUIPO", help="nombre del equipo")
    sub(se, "lista", "muestra los equipos y sus miembros", "Muestra cada equipo con sus miembros.",
        "acuerdo-docs web equipo lista", _lista_equipos)
    for nombre, ayuda in (("agregar", "hace a una cuenta miembro de un equipo"),
                          ("quitar", "quita a una cuenta de un equipo")):
        p = sub(se, nombre, ayuda, ayuda[0].upper() + ayuda[1:] + ".", f"acuerdo-docs web equipo {nombre} iBO luis",
                _agregar if nombre == "agregar" else _quitar)
        p.add_argument("equipo", metavar="EQUIPO", help="nombre del equipo")
        p.add_argument("nombre", metavar="USUARIO", help="nombre de usuario")
    p = sub(se, "renombrar", "cambia el nombre de un equipo",
            "Cambia el nombre de un equipo; sus miembros y borradores siguen con él. «General» no se renombra.",
            "acuerdo-docs web equipo renombrar iBO \"Laboratorio iBO\"", _renombrar_equipo)
    p.add_argument("equipo", metavar="EQUIPO", help="nombre actual del equipo")
    p.add_argument("nuevo", metavar="NUEVO", help="nombre nuevo")
    p = sub(se, "eliminar", "elimina un equipo sin borradores",
            "Elimina un equipo que no tiene borradores (páselos antes a otro con «borrador»); sus miembros dejan "
            "de serlo y las cuentas siguen. «General» no se elimina.",
            "acuerdo-docs web equipo eliminar Pruebas", _eliminar_equipo)
    p.add_argument("equipo", metavar="EQUIPO", help="nombre del equipo")
    p = sub(se, "borrador", "pasa un borrador a otro equipo",
            "Pasa el borrador número ID (el de su dirección, /borradores/ID) a otro equipo.",
            "acuerdo-docs web equipo borrador 12 iBO", _mover)
    p.add_argument("id", type=int, metavar="ID", help="número del borrador")
    p.add_argument("equipo", metavar="EQUIPO", help="nombre del equipo")


def leer_contrasena() -> str:
    """La contraseña: sin eco y dos veces en una terminal; una línea de la entrada estándar si no."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        primera = getpass.getpass("Contraseña: ")
        if getpass.getpass("Repita la contraseña: ") != primera:
            raise ErrorEntrada("las dos contraseñas no coinciden; no se cambió nada")
        return primera
    linea = sys.stdin.readline() if sys.stdin is not None else ""
    contrasena = linea.rstrip("\r\n")
    if not contrasena:
        raise ErrorEntrada("falta la contraseña: escríbala en la entrada estándar (una línea), por ejemplo "
                           "printf '%s\\n' \"$CLAVE\" | acuerdo-docs web usuario crear NOMBRE --rol editor")
    return contrasena


def _crear(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.crear_usuario(args.nombre, args.rol, args.contrasena_leida, tuple(args.equipo))
    return f"Cuenta «{args.nombre.strip()}» creada ({args.rol})."


def _lista_usuarios(cuentas: Any, _args: argparse.Namespace) -> str:
    usuarios = cuentas.usuarios()
    if not usuarios:
        return "No hay cuentas. Cree la primera con: acuerdo-docs web usuario crear NOMBRE --rol administrador"
    return "\n".join(f"{u.nombre}\t{u.rol}\t{'activa' if u.activo else 'desactivada'}\t"
                     f"{', '.join(u.equipos) or '(sin equipo)'}" for u in usuarios)


def _rol(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.cambiar_rol(args.nombre, args.rol)
    return f"«{args.nombre}» ahora es {args.rol}."


def _activar(cuentas: Any, args: argparse.Namespace, activo: bool) -> str:
    cuentas.activar(args.nombre, activo)
    return f"Cuenta «{args.nombre}» {'activada' if activo else 'desactivada'}."


def _contrasena(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.cambiar_contrasena(args.nombre, args.contrasena_leida)
    return f"Contraseña de «{args.nombre}» cambiada; sus sesiones abiertas terminaron."


def _crear_equipo(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.crear_equipo(args.equipo)
    return f"Equipo «{' '.join(args.equipo.split())}» creado."


def _renombrar_equipo(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.renombrar_equipo(args.equipo, args.nuevo)
    return f"El equipo «{args.equipo}» ahora se llama «{' '.join(args.nuevo.split())}»."


def _eliminar_equipo(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.eliminar_equipo(args.equipo)
    return f"Equipo «{args.equipo}» eliminado."


def _lista_equipos(cuentas: Any, _args: argparse.Namespace) -> str:
    return "\n".join(f"{nombre}\t{', '.join(miembros) or '(sin miembros)'}" for _i, nombre, miembros in cuentas.equipos())


def _agregar(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.agregar_miembro(args.equipo, args.nombre)
    return f"«{args.nombre}» es miembro de «{args.equipo}»."


def _quitar(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.quitar_miembro(args.equipo, args.nombre)
    return f"«{args.nombre}» ya no es miembro de «{args.equipo}»."


def _mover(cuentas: Any, args: argparse.Namespace) -> str:
    cuentas.mover_borrador(args.id, args.equipo)
    return f"El borrador {args.id} ahora es del equipo «{args.equipo}»."


__all__ = ["decir", "leer_contrasena", "registrar"]
