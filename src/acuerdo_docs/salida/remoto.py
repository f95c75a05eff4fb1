"""Escritura en almacenamiento de objetos: cada objeto de un solo PUT, el manifiesto al final y en exclusiva.

El almacenamiento de objetos no renombra ni tiene carpetas atómicas (un ``open(..., "wb")`` que falla
publica igual el objeto a medias). Por eso un lote remoto:

1. escribe en un prefijo propio, vacío al empezar (si ya tiene objetos, solo con ``reemplazar``:
   primero se borra el manifiesto anterior, luego lo demás);
2. escribe cada objeto con un solo ``pipe_file`` (un PUT: o está entero o no está);
3. escribe el manifiesto (nombres, tamaños, SHA-256) el último y en exclusiva
   (``mode="create"``, If-None-Match, donde el proveedor lo admite);
4. si algo falla, borra lo que haya en el prefijo (en lo posible) y no escribe el manifiesto.

Quien lee solo confía en un prefijo cuyo manifiesto existe y coincide con los objetos.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from ..remoto import MANIFIESTO, ErrorAlmacen, error_almacen, sistema, unir


@dataclass(frozen=True)
class Objeto:
    """Un objeto escrito: nombre relativo al prefijo, tamaño en bytes y SHA-256."""

    nombre: str
    tamano: int
    sha256: str

    def como_dict(self) -> dict[str, Any]:
        return {"nombre": self.nombre, "bytes": self.tamano, "sha256": self.sha256}


def publicar(url: str, nombre: str, datos: bytes) -> Objeto:
    """Escribe ``datos`` en ``url/nombre`` con un solo PUT y devuelve su :class:`Objeto`.

    Función de módulo con argumentos simples (la URL, sin credenciales): la llaman también los
    trabajadores de un lote distribuido, que toman las credenciales de su propio entorno.
    """
    if "/" in nombre or "\\" in nombre or nombre in ("", ".", ".."):
        raise ErrorAlmacen(f"«{nombre}» saldría del prefijo de salida.")  # los nombres ya vienen saneados
    fs, base = sistema(url)
    destino = unir(url, nombre)
    try:
        fs.pipe_file(f"{base}/{nombre}", datos)
    except Exception as exc:
        raise error_almacen(exc, destino) from None
    return Objeto(nombre, len(datos), hashlib.sha256(datos).hexdigest())


@dataclass
class DestinoRemoto:
    """El prefijo de un lote en almacenamiento de objetos y lo que se escribió en él."""

    url: str
    reemplazar: bool = False
    objetos: dict[str, Objeto] = field(default_factory=dict)
    _candado: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.url.endswith("/"):
            self.url += "/"
        self.fs, self.base = sistema(self.url)
        if not self.base or (self._con_cubo and "/" not in self.base):
            raise ErrorAlmacen(
                f"«{self.url}»: indique un prefijo dentro del cubo (s3://cubo/lotes/2026-12/), no el cubo entero."
            )

    @property
    def _con_cubo(self) -> bool:
        return self.url.split("://", 1)[0].lower() not in ("file", "memory")

    def _existentes(self) -> list[str]:
        self.fs.invalidate_cache()
        try:
            return list(self.fs.find(self.base))
        except FileNotFoundError:
            return []

    def preparar(self) -> None:
        """Antes de escribir: el cubo existe y el prefijo está vacío (o se vacía, con ``reemplazar``)."""
        try:
            if self._con_cubo:
                cubo = self.base.split("/")[0]
                if not self.fs.exists(cubo):
                    raise ErrorAlmacen(f"No se puede escribir en «{self.url}»: el cubo «{cubo}» no existe.")
            else:
                self.fs.makedirs(self.base, exist_ok=True)
            existentes = self._existentes()
            if existentes and not self.reemplazar:
                raise ErrorAlmacen(
                    f"«{self.url}» ya tiene {len(existentes)} objeto(s): un lote escribe en un prefijo nuevo, para"
                    " que nunca se mezclen dos ejecuciones. Use otro prefijo, o --reemplazar para borrar lo que hay."
                )
            if existentes:
                manifiesto = f"{self.base}/{MANIFIESTO}"
                if manifiesto in existentes:  # primero el manifiesto: desde ya nadie confía en el prefijo
                    self.fs.rm_file(manifiesto)
                self.fs.rm([e for e in existentes if e != manifiesto])
        except ErrorAlmacen:
            raise
        except Exception as exc:
            raise error_almacen(exc, self.url, "preparar") from None

    def escribir(self, nombre: str, datos: bytes) -> Objeto:
        return self.registrar(publicar(self.url, nombre, datos))

    def registrar(self, objeto: Objeto) -> Objeto:
        """Anota un objeto (escrito aquí o por un trabajador) para el manifiesto."""
        with self._candado:
            self.objetos[objeto.nombre] = objeto
        return objeto

    def leer(self, nombre: str) -> bytes:
        try:
            return bytes(self.fs.cat_file(f"{self.base}/{nombre}"))
        except Exception as exc:
            raise error_almacen(exc, unir(self.url, nombre), "leer") from None

    def escribir_manifiesto(self, datos: bytes) -> Objeto:
        """El manifiesto, el último y en exclusiva: si ya hay uno (otra ejecución), no se reemplaza."""
        ruta = f"{self.base}/{MANIFIESTO}"
        try:
            try:
                self.fs.pipe_file(ruta, datos, mode="create")
            except (TypeError, NotImplementedError, ValueError):  # proveedor sin escritura exclusiva
                if self.fs.exists(ruta):
                    raise FileExistsError(ruta) from None
                self.fs.pipe_file(ruta, datos)
        except FileExistsError:
            raise ErrorAlmacen(
                f"«{unir(self.url, MANIFIESTO)}» apareció durante el lote (otra ejecución en el mismo prefijo):"
                " no se reemplaza; este lote no queda publicado."
            ) from None
        except Exception as exc:
            raise error_almacen(exc, unir(self.url, MANIFIESTO)) from None
        return Objeto(MANIFIESTO, len(datos), hashlib.sha256(datos).hexdigest())

    def deshacer(self) -> bool:
        """Tras un fallo: borra lo que haya en el prefijo (estaba vacío al empezar). ``False`` si no se pudo.

        Si entretanto otra ejecución publicó su manifiesto en el mismo prefijo, no se borra nada: lo
        que hay es suyo y su manifiesto dice si coincide.
        """
        try:
            restos = self._existentes()
            if f"{self.base}/{MANIFIESTO}" in restos:
                return False
            if restos:
                self.fs.rm(restos)
            return True
        except Exception:  # el servidor puede no estar: sin manifiesto, nadie confía en lo que quede
            return False


__all__ = ["MANIFIESTO", "DestinoRemoto", "Objeto", "publicar"]
