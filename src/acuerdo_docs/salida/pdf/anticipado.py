"""``--pdf`` en una orden de pocos documentos: LibreOffice arranca antes que todo lo demás.

La CLI llama a :func:`arrancar` antes de importar pydantic, el esquema y el motor (unos 150 ms
en frío): LibreOffice arranca mientras tanto, y cuando el .docx está escrito ya está listo. Este
módulo y lo que importa son solo biblioteca estándar y piezas ligeras del paquete.

Orden de preferencia:

1. un LibreOffice caliente compartido por otro proceso del usuario (:mod:`.compartido`): nada
   que arrancar;
2. un perfil de la caché ya completo y privado (:func:`.cache.tomar_perfil_listo`): se lanza
   LibreOffice con él;
3. nada (``None``): sin perfil listo (la primera vez, o uno que hay que rehacer), sin
   LibreOffice o fuera de Linux, la orden sigue por el camino de siempre, que crea o rehace el
   perfil y da los avisos y errores en su turno (después de los de los datos).

Lo que se lanza aquí lo adopta ``ConvertidorPdf`` (y lo mata al salir); :meth:`Arranque.cerrar`
lo mata si la orden termina antes de adoptarlo.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ...errores import ErrorConversion
from . import ipc
from .cache import PerfilCache, tomar_perfil_listo
from .compartido import buscar_compartido
from .instancia import InstanciaPrestada, InstanciaViva
from .pedido import anticipa_pdf
from .perfiles import RESERVA
from .soffice import asignador_memoria, buscar_soffice, version_libreoffice

UN_DOCUMENTO = frozenset({"ficha", "riesgos"})
"""Las órdenes que convierten un solo documento."""


@dataclass
class Arranque:
    """Un LibreOffice lanzado con un perfil de la caché (``perfil``), o prestado por otro proceso."""

    soffice: str
    asignador: str | None
    instancia: InstanciaViva | InstanciaPrestada
    perfil: PerfilCache | None = None

    def cerrar(self) -> None:
        """Mata el LibreOffice propio y suelta el perfil (se puede llamar de más: no hace nada)."""
        if isinstance(self.instancia, InstanciaViva):
            self.instancia.cerrar()
            RESERVA.olvidar(self.instancia.proceso)
        if self.perfil is not None:
            self.perfil.soltar()


def arrancar(argv: Sequence[str]) -> Arranque | None:
    """Con ``--pdf`` en ficha, acuerdo o riesgos: un LibreOffice compartido, o uno propio ya lanzado; si no, ``None``."""
    if not anticipa_pdf(argv) or not ipc.DISPONIBLE:
        return None
    try:
        soffice = buscar_soffice()
        asignador = asignador_memoria()
    except ErrorConversion:  # el error se da en su turno, después de los de los datos
        return None
    if version_libreoffice(soffice) is None:
        return None
    try:
        prestada = buscar_compartido(soffice)
        if prestada is not None:
            return Arranque(soffice, asignador, prestada)
        perfil = tomar_perfil_listo(soffice)
    except OSError:
        return None
    if perfil is None:
        return None
    try:
        # Un solo documento (ficha, la matriz de riesgos): sin el Writer vacío de reserva, que solo
        # sirve para que LibreOffice siga vivo tras la primera orden (acuerdo convierte dos).
        # Si al final fueran más, el segundo arrancaría otro LibreOffice (ese, con reserva).
        orden = next((a for a in argv if not a.startswith("-")), None)
        instancia = InstanciaViva(soffice, perfil.ruta, asignador, reserva=orden not in UN_DOCUMENTO)
    except BaseException as exc:
        perfil.soltar()
        if isinstance(exc, OSError):  # no se pudo lanzar: el camino de siempre lo dirá
            return None
        raise
    RESERVA.registrar(instancia.proceso)
    return Arranque(soffice, asignador, instancia, perfil)
