"""Convertidor caliente: LibreOffice vivo entre documentos, para quien convierte de uno en uno.

    with ConvertidorPdf() as convertidor:
        convertidor.convertir("ficha.docx")              # ficha.pdf, junto al documento
        convertidor.convertir("acta.docx", "salidas/acta.pdf")

Arranca LibreOffice al entrar (sin esperarlo: arranca mientras el programa prepara el primer
documento) y le pide cada conversión por su tubería de instancia única (:mod:`.ipc`), sin
arrancar un proceso por documento. Un LibreOffice que se cae se reinicia (y el documento se
intenta una vez más); uno colgado se mata y es una avería (:class:`ErrorConversion`). Al salir
del ``with`` no queda ningún proceso.
"""

from __future__ import annotations

import itertools
import logging
import os
import queue
import shutil
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from ...errores import ErrorConversion
from ...rutas import carpeta_temporal
from ..archivos import enlazar_o_copiar, mover_atomico
from . import compartido, ipc
from .anticipado import Arranque
from .cache import PerfilCache, tomar_perfil_cache
from .comprobaciones import error_pdf, revisar_entrada
from .conversion import mensaje_colgado
from .entrada import TIEMPO_LIMITE, a_pdf
from .glifos import RevisionGlifos
from .instancia import Caido, Colgado, InstanciaPrestada, InstanciaViva, SinTuberia
from .perfiles import RESERVA
from .soffice import asignador_memoria, buscar_soffice, version_libreoffice
from .tanda import MOTIVO_CARGA, MOTIVO_GUARDADO

log = logging.getLogger("acuerdo_docs.pdf")

MENSAJE_CAIDA = "LibreOffice terminó inesperadamente al convertir este documento (dos veces)."


CANCELADA = "La conversión se canceló."


class ErrorPdf(ErrorConversion):
    """Un documento que no se convirtió: ``motivo`` en español y si fue ``averia`` de LibreOffice.

    Con avería (LibreOffice colgado o que no arranca), el documento no tiene la culpa y el
    mensaje no lo nombra.
    """

    def __init__(self, motivo: str, documento: Path | str | None = None, *, averia: bool = False) -> None:
        super().__init__(motivo if averia or documento is None else f"{documento}: {motivo}")
        self.motivo = motivo
        self.averia = averia


class _Puesto:
    """Un LibreOffice vivo con su perfil (de la caché o temporal) y su carpeta de trabajo.

    Dos hilos pueden querer tirar la misma instancia a la vez (el que convierte, porque se cayó;
    el principal, porque se cierra todo tras un Ctrl-C). Un candado hace de cada arranque y de
    cada cierre un solo paso, :meth:`cerrar` es idempotente y, una vez cerrado, el puesto no
    arranca nada más (:meth:`arrancar` lanza la cancelación) ni toca el perfil que ya soltó.

    ``arranque``: un LibreOffice ya lanzado (o prestado por otro proceso) por
    :mod:`.anticipado`, que el puesto adopta. Uno prestado nunca se mata: si falla, se deja y el
    puesto arranca el suyo.
    """

    def __init__(self, soffice: str, asignador: str | None, cache: bool, trabajo: Path, *,
                 arranque: Arranque | None = None, compartir: bool = False) -> None:
        self.soffice = soffice
        self.asignador = asignador
        self.trabajo = trabajo
        self._usar_cache = cache
        self._compartir = compartir
        self._publicado = False
        self.cache: PerfilCache | None = None
        self.perfil: Path | None = None
        self.instancia: InstanciaViva | None = None
        self.prestada: InstanciaPrestada | None = None
        if arranque is not None and isinstance(arranque.instancia, InstanciaPrestada):
            self.prestada = arranque.instancia
        elif arranque is not None and arranque.perfil is not None and isinstance(arranque.instancia, InstanciaViva):
            self.cache, self.instancia = arranque.perfil, arranque.instancia
            self.perfil = self.cache.ruta
        else:
            self._tomar_perfil()
        self._candado = threading.Lock()
        self._cerrado = False

    def _tomar_perfil(self) -> None:
        self.cache = tomar_perfil_cache(self.soffice) if self._usar_cache else None
        self.perfil = self.cache.ruta if self.cache is not None else RESERVA.tomar_perfil(self.soffice)

    def arrancar(self) -> InstanciaViva | InstanciaPrestada:
        with self._candado:
            if self._cerrado:
                raise ErrorPdf(CANCELADA, averia=True)
            if self.prestada is not None:
                return self.prestada
            if self.instancia is None or not self.instancia.vivo():
                self._quitar_instancia()
                if self.perfil is None:
                    self._tomar_perfil()
                assert self.perfil is not None
                self.instancia = InstanciaViva(self.soffice, self.perfil, self.asignador)
                RESERVA.registrar(self.instancia.proceso)
            if self._compartir and self.cache is not None and not self._publicado:
                compartido.publicar(self.cache.ruta)
                self._publicado = True
            return self.instancia

    def _quitar_instancia(self) -> None:
        """Con el candado tomado: la instancia sale del puesto antes de matarla (nadie la ve a medias)."""
        instancia, self.instancia = self.instancia, None
        if instancia is not None:
            instancia.cerrar()
            RESERVA.olvidar(instancia.proceso)

    def matar(self, *, rehacer_perfil: bool) -> None:
        with self._candado:
            if self.prestada is not None:  # no es nuestra: se deja (su dueño decide) y la próxima es propia
                self.prestada = None
                return
            self._quitar_instancia()
            if not rehacer_perfil or self._cerrado or self.perfil is None:  # cerrado: el perfil ya se soltó
                return
            if self.cache is not None:
                self.cache.rehacer()
            else:  # un perfil temporal dañado se cambia por otro
                RESERVA.devolver_perfil(self.soffice, self.perfil, False)
                self.perfil = RESERVA.tomar_perfil(self.soffice)

    @property
    def cerrado(self) -> bool:
        return self._cerrado

    def cerrar(self) -> None:
        with self._candado:
            if self._cerrado:
                return
            self._cerrado = True
            self.prestada = None
            if self._publicado and self.cache is not None:  # antes de matar: que nadie más le mande órdenes
                compartido.retirar(self.cache.ruta)
            self._quitar_instancia()
            if self.cache is not None:
                self.cache.soltar()
            elif self.perfil is not None:
                RESERVA.devolver_perfil(self.soffice, self.perfil, True)


class ConvertidorPdf:
    """LibreOffice caliente para convertir documentos de uno en uno (seguro entre hilos).

    - ``trabajadores``: LibreOffice vivos a la vez (conversiones simultáneas desde varios hilos).
    - ``pdfa``: PDF/A-2b etiquetado (por omisión) o PDF normal.
    - ``tiempo_limite``: segundos que puede tardar un documento (el primero, además, el arranque);
      si pasa, LibreOffice se da por colgado: se mata y :meth:`convertir` lanza
      :class:`ErrorConversion` con la causa (la siguiente conversión arranca otro).
    - ``cache``: perfiles de LibreOffice en ``$XDG_CACHE_HOME/acuerdo_docs`` (arranque más corto).
    - ``sincronizar``: ``fsync`` de cada PDF antes de darle su nombre; quien convierte muchos y
      sincroniza la carpeta al final (como ``generar_lote``) lo apaga.
    - ``compartir``: anuncia sus LibreOffice (perfiles de la caché) a los demás procesos del mismo
      usuario: ``acuerdo-docs ficha … --pdf`` convierte en ellos en vez de arrancar uno (ver
      :mod:`.compartido`). Para un servidor o un guion que vive mucho.

    Los errores son :class:`ErrorPdf` (una :class:`ErrorConversion`, código de salida 3).

    Ejemplo: [PDF: convertidor caliente](../pdf.md#convertidor-caliente-convertidorpdf).
    """

    def __init__(self, *, trabajadores: int = 1, pdfa: bool = True, tiempo_limite: float = TIEMPO_LIMITE,
                 cache: bool = True, sincronizar: bool = True, compartir: bool = False) -> None:
        if trabajadores < 1:
            raise ValueError("trabajadores debe ser 1 o más")
        if not tiempo_limite > 0:
            raise ValueError("tiempo_limite debe ser mayor que 0")
        self.trabajadores = trabajadores
        self.pdfa = pdfa
        self.tiempo_limite = tiempo_limite
        self.cache = cache
        self.sincronizar = sincronizar
        self.compartir = compartir
        self._libres: queue.Queue[_Puesto] = queue.Queue()
        self._puestos: list[_Puesto] = []
        self._trabajo: Path | None = None
        self._cuenta = itertools.count()
        self._candado = threading.Lock()
        self._abierto = False
        self._cancelado = False  # cancelar(): ninguna conversión más, ni siquiera reabriendo
        self._sin_tuberia = False  # este soffice no abre su tubería: cada documento va por a_pdf
        # En un lote (flujo.py), tras una avería las conversiones que esperan turno fallan con la misma
        # causa sin arrancar otro LibreOffice; un convertidor suelto arranca otro en la siguiente.
        self._parar_en_averia = False
        self._detenido: str | None = None

    # ---- vida

    def __enter__(self) -> ConvertidorPdf:
        self.abrir()
        return self

    def __exit__(self, tipo: type[BaseException] | None, valor: BaseException | None,
                 traza: TracebackType | None) -> None:
        self.cerrar()

    def abrir(self) -> None:
        """Arranca los LibreOffice sin esperarlos. Lanza :class:`ErrorConversion` si no está instalado."""
        with self._candado:
            if self._abierto:
                return
            soffice = buscar_soffice()
            self._abierto = True
            if not ipc.DISPONIBLE or version_libreoffice(soffice) is None:
                log.info("Sin tubería de LibreOffice en este sistema: cada documento va por a_pdf")
                return
            self._abrir_puestos(soffice, asignador_memoria(), None)

    def _abrir_con(self, arranque: Arranque) -> None:
        """Como :meth:`abrir`, con el primer LibreOffice ya lanzado o prestado (:mod:`.anticipado`)."""
        with self._candado:
            if self._abierto:
                return
            self._abierto = True
            self._abrir_puestos(arranque.soffice, arranque.asignador, arranque)

    def _abrir_puestos(self, soffice: str, asignador: str | None, arranque: Arranque | None) -> None:
        self._trabajo = RESERVA.carpeta_trabajo()
        try:
            for numero in range(self.trabajadores):
                puesto = _Puesto(soffice, asignador, self.cache, self._trabajo,
                                 arranque=arranque if numero == 0 else None, compartir=self.compartir)
                self._puestos.append(puesto)
                puesto.arrancar()
                self._libres.put(puesto)
        except BaseException:
            self._cerrar_puestos()
            raise

    def cerrar(self) -> None:
        """Mata los LibreOffice, suelta los perfiles y borra los temporales (se puede llamar varias veces)."""
        with self._candado:
            self._abierto = False
            self._cerrar_puestos()

    def cancelar(self) -> None:
        """Como :meth:`cerrar`, y las conversiones en curso o por venir lanzan la cancelación (un Ctrl-C)."""
        self._cancelado = True
        self.cerrar()

    def _cerrar_puestos(self) -> None:
        for puesto in self._puestos:
            puesto.cerrar()
        self._puestos.clear()
        self._libres = queue.Queue()
        if self._trabajo is not None:
            shutil.rmtree(self._trabajo, ignore_errors=True)
            self._trabajo = None

    # ---- conversión

    def convertir(self, entrada: Path | str, destino: Path | str | None = None) -> Path:
        """Convierte ``entrada`` a PDF en ``destino`` (por omisión, junto a ella con extensión .pdf).

        Devuelve la ruta del PDF. Lanza :class:`ErrorConversion` (en español, con la causa) si el
        documento no se pudo convertir o LibreOffice falló; el PDF nunca queda a medias.
        """
        if self._cancelado:
            raise ErrorPdf(CANCELADA, averia=True)
        if not self._abierto:
            self.abrir()
        absoluta = Path(os.path.abspath(entrada))
        final = Path(os.path.abspath(destino)) if destino is not None else absoluta.with_suffix(".pdf")
        error = revisar_entrada(absoluta)
        if error is None and final == absoluta:
            error = "El documento ya es un PDF."
        if error is not None:
            raise ErrorPdf(error, entrada)
        # Un carácter sin fuente no cabe en PDF/A: PDF normal. Se revisa mientras LibreOffice convierte.
        revision = RevisionGlifos(absoluta) if self.pdfa else None
        try:
            if not self._puestos or self._sin_tuberia:
                return self._por_a_pdf(absoluta, final, revision is not None and revision.admite())
            return self._en_puesto(absoluta, final, entrada, revision)
        finally:
            if revision is not None:
                revision.soltar()  # si la conversión falló antes de mandar la orden, su hilo no espera más

    def _convertir_grupo(self, entradas: Sequence[Path]) -> list[Path | ErrorPdf]:
        """Como :meth:`convertir` (cada PDF junto a su documento) para varios documentos, en una sola
        orden a un LibreOffice, como las tandas de :func:`a_pdf`: LibreOffice pasa de uno al siguiente
        sin esperar a Python. Devuelve, en orden, el PDF o el :class:`ErrorPdf` de cada uno.

        Lo que no sale en grupo sigue de uno en uno por :meth:`convertir`, con sus reintentos: si
        LibreOffice se cae a mitad, lo ya convertido queda y el resto se repite de a uno (el que
        se estaba convirtiendo se culpa solo si vuelve a tumbarlo); un documento sin PDF/A posible se
        rehace como PDF normal. Si se cuelga (el tiempo límite corre por documento), es una avería.
        """
        salida: list[Path | ErrorPdf | None] = [None] * len(entradas)
        grupo: list[tuple[int, Path]] = []
        for i, entrada in enumerate(entradas):
            absoluta = Path(os.path.abspath(entrada))
            if revisar_entrada(absoluta) is None and absoluta.with_suffix(".pdf") != absoluta:
                grupo.append((i, absoluta))  # los demás llevan su error por convertir(), abajo
        if len(grupo) > 1 and not self._cancelado:
            if not self._abierto:
                self.abrir()
            if self._puestos and not self._sin_tuberia:
                self._grupo_en_puesto(grupo, entradas, salida)
        resultados: list[Path | ErrorPdf] = []
        for entrada, hecho in zip(entradas, salida):
            if hecho is None:
                try:
                    hecho = self.convertir(entrada)
                except ErrorPdf as exc:
                    hecho = exc
            resultados.append(hecho)
        return resultados

    def _grupo_en_puesto(self, grupo: list[tuple[int, Path]], entradas: Sequence[Path],
                         salida: list[Path | ErrorPdf | None]) -> None:
        """Una orden con todo ``grupo`` a un LibreOffice vivo; anota en ``salida`` lo que quedó resuelto."""
        trabajo = self._trabajo
        if trabajo is None:
            return
        carpeta = trabajo / f"c{next(self._cuenta):06d}"
        try:
            carpeta.mkdir()
        except OSError:
            return  # de uno en uno, cada cual con su error (o la cancelación)
        revisiones = {i: RevisionGlifos(a) for i, a in grupo} if self.pdfa else {}
        listos: dict[int, Path] = {}
        try:
            try:
                enlaces = [enlazar_o_copiar(a, carpeta / f"d{j:06d}{a.suffix.lower()}") for j, (_, a) in enumerate(grupo)]
            except OSError:
                return  # de uno en uno, cada cual con su error
            try:
                puesto = self._tomar_puesto()
            except ErrorPdf as exc:  # cancelado mientras esperaba turno
                for i, _ in grupo:
                    salida[i] = exc
                return
            try:
                if self._detenido is not None:  # otro hilo vio la avería mientras este esperaba su turno
                    raise ErrorPdf(self._detenido, averia=True)
                listos = self._grupo_una_vez(puesto, grupo, enlaces, carpeta, entradas, salida, revisiones)
            except ErrorPdf as exc:  # la cancelación o una avería vista por otro hilo
                if exc.averia and self._parar_en_averia and self._detenido is None:
                    self._detenido = exc.motivo
                for i, _ in grupo:
                    salida[i] = exc
            finally:
                self._libres.put(puesto)  # el PDF se entrega después: LibreOffice ya puede seguir con otro
            for i, pdf in listos.items():
                revision = revisiones.get(i)
                if revision is not None and not revision.admite():
                    continue  # raro: un carácter sin fuente; convertir() lo rehace como PDF normal
                salida[i] = mover_atomico(pdf, entradas[i].with_suffix(".pdf"), sincronizar=self.sincronizar)
        finally:
            for revision in revisiones.values():
                revision.soltar()
            shutil.rmtree(carpeta, ignore_errors=True)
        if listos and puesto.cache is not None:
            puesto.cache.marcar_listo()

    def _grupo_una_vez(self, puesto: _Puesto, grupo: list[tuple[int, Path]], enlaces: list[Path], carpeta: Path,
                       entradas: Sequence[Path], salida: list[Path | ErrorPdf | None],
                       revisiones: dict[int, RevisionGlifos]) -> dict[int, Path]:
        """La orden del grupo (con el puesto tomado); devuelve los PDF completos por índice y anota en
        ``salida`` los que fallaron sin remedio (el documento o una avería)."""
        instancia = puesto.arrancar()
        if not isinstance(instancia, InstanciaViva):  # la de otro proceso: de uno en uno, como siempre
            return {}

        def al_enviar() -> None:
            for revision in revisiones.values():
                revision.empezar()

        pdfs = {i: carpeta / f"{enlace.stem}.pdf" for (i, _), enlace in zip(grupo, enlaces)}
        try:
            self._convertir_en(puesto, instancia, enlaces, carpeta, bool(revisiones), al_enviar)
        except Colgado:
            puesto.matar(rehacer_perfil=True)
            averia = ErrorPdf(mensaje_colgado(self.tiempo_limite), averia=True)
            if self._parar_en_averia and self._detenido is None:
                self._detenido = averia.motivo
            listos = {i: pdf for i, pdf in pdfs.items() if error_pdf(pdf) is None}  # lo ya convertido se entrega
            for i in pdfs.keys() - listos.keys():
                salida[i] = averia
            return listos
        except SinTuberia:
            puesto.matar(rehacer_perfil=True)  # de uno en uno se reintenta (y si no, el camino de siempre)
            return {}
        except Caido:
            log.warning("LibreOffice terminó con un grupo de %d documentos; el resto sigue de uno en uno", len(grupo))
            puesto.matar(rehacer_perfil=False)
            return {i: pdf for i, pdf in pdfs.items() if error_pdf(pdf) is None}
        listos = {}
        for (i, _), enlace in zip(grupo, enlaces):
            error = error_pdf(pdfs[i])
            if error is None:
                listos[i] = pdfs[i]
            else:  # LibreOffice terminó la orden sin este PDF: el documento no se pudo abrir o exportar
                motivo = instancia.motivo_sin_pdf(enlace.name)
                salida[i] = ErrorPdf(MOTIVO_CARGA if motivo == "carga" else error or MOTIVO_GUARDADO, entradas[i])
        return listos

    def _por_a_pdf(self, absoluta: Path, final: Path, pdfa: bool) -> Path:
        with carpeta_temporal("acuerdo_docs_pdf_") as temporal:
            resultado = a_pdf([absoluta], temporal, pdfa=pdfa, tiempo_limite=self.tiempo_limite)
            (doc,) = resultado
            if doc.pdf is None:
                averia = resultado.averia is not None
                raise ErrorPdf(resultado.averia or doc.error or MOTIVO_GUARDADO, absoluta, averia=averia)
            mover_atomico(doc.pdf, final, sincronizar=self.sincronizar)
        return final

    def _en_puesto(self, absoluta: Path, final: Path, original: Path | str, revision: RevisionGlifos | None) -> Path:
        """El documento se prepara antes de tomar un LibreOffice y se entrega después de soltarlo: el
        LibreOffice solo espera entre documentos lo que tarda la tubería (en un lote, otro hilo ya
        tiene el siguiente listo)."""
        trabajo = self._trabajo
        if trabajo is None:
            raise ErrorPdf(CANCELADA, averia=True)
        numero = next(self._cuenta)
        carpeta = trabajo / f"c{numero:06d}"
        try:
            carpeta.mkdir()
        except OSError:
            if not self._abierto:  # la carpeta de trabajo se borró al cerrar (Ctrl-C)
                raise ErrorPdf(CANCELADA, averia=True) from None
            raise
        try:
            enlace = carpeta / f"d{numero:06d}{absoluta.suffix.lower()}"
            enlazar_o_copiar(absoluta, enlace)
            puesto = self._tomar_puesto()
            try:
                if self._detenido is not None:  # otro hilo vio la avería mientras este esperaba su turno
                    raise ErrorPdf(self._detenido, averia=True)
                pdfa = revision is not None
                pdf = self._con_reintento(puesto, enlace, carpeta, original, pdfa,
                                          revision.empezar if revision is not None else lambda: None)
                if pdf is not None and revision is not None and not revision.admite():
                    pdfa = False  # raro: el PDF/A diría PDF/A con una caja vacía; se rehace como PDF normal
                    pdf.unlink()
                    pdf = self._con_reintento(puesto, enlace, carpeta, original, pdfa)
            except ErrorPdf as exc:
                if exc.averia and self._parar_en_averia and self._detenido is None:
                    self._detenido = exc.motivo  # antes de soltar el puesto: quien espera turno ya lo ve
                raise
            finally:
                self._libres.put(puesto)
            if pdf is None:
                self._sin_tuberia = True
                return self._por_a_pdf(absoluta, final, revision is not None and revision.admite())
            mover_atomico(pdf, final, sincronizar=self.sincronizar)
        finally:
            shutil.rmtree(carpeta, ignore_errors=True)
        if puesto.cache is not None:
            puesto.cache.marcar_listo()
        return final

    def _tomar_puesto(self) -> _Puesto:
        """Espera un LibreOffice libre. Si entretanto se cierra el convertidor (Ctrl-C), la cancelación:
        al cerrar, la cola de puestos libres se cambia por otra y nadie volvería a despertar a quien espera."""
        libres = self._libres
        while True:
            try:
                return libres.get(timeout=0.05)
            except queue.Empty:
                if self._cancelado or not self._abierto or libres is not self._libres:
                    raise ErrorPdf(CANCELADA, averia=True) from None

    def _convertir_en(self, puesto: _Puesto, instancia: InstanciaViva | InstanciaPrestada, enlace: Path | list[Path],
                      carpeta: Path, pdfa: bool, al_enviar: Callable[[], None]) -> None:
        try:
            if isinstance(enlace, list):  # un grupo: solo a una instancia propia (ver _grupo_una_vez)
                assert isinstance(instancia, InstanciaViva)
                instancia.convertir(enlace, carpeta, pdfa=pdfa, tiempo_limite=self.tiempo_limite, al_enviar=al_enviar)
            else:
                instancia.convertir(enlace, carpeta, pdfa=pdfa, tiempo_limite=self.tiempo_limite, al_enviar=al_enviar)
        except (Colgado, SinTuberia, Caido):
            if puesto.cerrado or not self._abierto:  # lo mató el cierre (Ctrl-C), no es una falla
                raise ErrorPdf(CANCELADA, averia=True) from None
            raise

    def _con_reintento(self, puesto: _Puesto, enlace: Path, carpeta: Path, original: Path | str,
                       pdfa: bool, al_enviar: Callable[[], None] = lambda: None) -> Path | None:
        """Convierte en el LibreOffice del puesto; si se cae, otro arranque y una vez más.

        Devuelve ``None`` si la instancia nunca estuvo lista dos veces seguidas (un soffice sin
        tubería utilizable): entonces se usa el camino de siempre.
        """
        for intento in (1, 2):
            if not self._abierto:  # cerrado desde otro hilo (cancelación): no se rearranca nada
                raise ErrorPdf(CANCELADA, averia=True)
            instancia = puesto.arrancar()  # también lanza la cancelación si el puesto ya se cerró
            try:
                self._convertir_en(puesto, instancia, enlace, carpeta, pdfa, al_enviar)
            except Colgado:
                puesto.matar(rehacer_perfil=True)
                raise ErrorPdf(mensaje_colgado(self.tiempo_limite), averia=True) from None
            except SinTuberia:
                # No llegó a estar lista: la sospecha es el perfil (se rehace) o este soffice.
                log.info("LibreOffice no abrió su tubería (intento %d)", intento)
                puesto.matar(rehacer_perfil=True)
                continue
            except Caido:
                log.warning("LibreOffice terminó al convertir %s (intento %d)", original, intento)
                puesto.matar(rehacer_perfil=intento == 2)
                if intento == 2:
                    raise ErrorPdf(MENSAJE_CAIDA, original) from None
                continue
            pdf = carpeta / f"{enlace.stem}.pdf"
            error = error_pdf(pdf)
            if error is None:
                return pdf
            motivo = instancia.motivo_sin_pdf(enlace.name)
            raise ErrorPdf(MOTIVO_CARGA if motivo == "carga" else error or MOTIVO_GUARDADO, original)
        return None
