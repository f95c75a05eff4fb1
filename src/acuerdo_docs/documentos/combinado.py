"""Un solo .docx con varios documentos, uno tras otro, cada uno en su propia sección.

Cada documento conserva su encabezado (la tabla PROCESO / CÓDIGO / Página X de Y con
sus propios valores) y empieza en página nueva con la numeración reiniciada en 1
(``w:pgNumType w:start="1"``). Como NUMPAGES cuenta las páginas de todo el archivo,
en el combinado los encabezados usan SECTIONPAGES (páginas de la sección, que Word calcula),
con un PAGEREF anidado al marcador del final de cada documento (que LibreOffice calcula),
de modo que cada documento sigue diciendo «Página 1 de 3» como en su archivo suelto.

Se trabaja sobre el XML del paquete: el primer documento es la base; de los demás se
copian el cuerpo, los encabezados y pies (como partes nuevas), las imágenes y las
notas al pie, con identificadores renumerados. Los estilos y la numeración son los
del primer documento: se espera que todos salgan de la misma plantilla.
"""

from __future__ import annotations

import copy
import io
import posixpath
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..paquete.escritor import EscritorZip
from ..paquete.espacios import CT, PR, REL_NOTAS_AL_PIE, WP, R
from ..paquete.partes import PaqueteOffice, es_cabecera, leer_xml, rels_de, resolver, xml_a_bytes
from ..salida.archivos import escribir_atomico_con
from .secciones import a_sectionpages, interior, marcador_fin, marcar_fin, seccion_nueva, w

_DOCUMENTO = "word/document.xml"

class Combinador:
    """Acumula documentos y produce el .docx combinado (determinista).

    Trabaja en flujo: solo guarda en memoria el último documento agregado; el cuerpo de los
    anteriores va a un temporal (en disco pasados 32 MB) y sus partes nuevas (encabezados,
    imágenes) a un zip temporal. Así un combinado de miles de documentos no llena la memoria.
    """

    def __init__(self) -> None:
        self._base: PaqueteOffice | None = None
        self._doc: etree._Element | None = None
        self._nsmap: dict[str | None, str] = {}
        self._rels: etree._Element | None = None
        self._notas: etree._Element | None = None
        self._ruta_notas: str | None = None
        self._anterior: tuple[etree._Element, etree._Element] | None = None
        # Temporales propios del objeto: viven tanto como él y se cierran en cerrar().
        self._cuerpos = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (ver cerrar())
        self._partes_archivo = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (ver cerrar())
        self._partes = zipfile.ZipFile(self._partes_archivo, "w", zipfile.ZIP_STORED)
        self._n = 0
        self._id_dibujo = 0
        self._id_nota = 0
        self._id_rel = 0
        self._ids_rel: set[str | None] | None = None
        self._copiadas: dict[str, str] = {}
        self._paginas: int | None = None
        self._paginas_base: int | None = None
        self._cerrado = False

    @property
    def cantidad(self) -> int:
        return self._n

    def cerrar(self) -> None:
        """Libera los temporales (se llama solo al salir de ``with`` o al recolectar el objeto)."""
        if self._partes.fp is not None:
            self._partes.close()
        self._partes_archivo.close()
        self._cuerpos.close()

    def __enter__(self) -> Combinador:
        return self

    def __exit__(self, *_: object) -> None:
        self.cerrar()

    def __del__(self) -> None:
        try:
            self.cerrar()
        except Exception:
            pass

    # -------------------------------------------------------------- API

    def agregar(self, fuente: bytes | str | Path, paginas: int | None = None) -> None:
        """Agrega un documento al final; ``paginas`` (si se conoce) queda como total guardado en su encabezado."""
        if self._cerrado:
            raise ValueError("el combinado ya se escribió; cree otro Combinador")
        datos = Path(fuente).read_bytes() if isinstance(fuente, (str, Path)) else fuente
        paquete = PaqueteOffice(datos)
        doc = leer_xml(paquete.miembros[_DOCUMENTO])
        cuerpo = doc.find(w("body"))
        if cuerpo is None:
            raise ValueError("el documento no tiene cuerpo (w:body)")
        seccion = cuerpo[-1] if len(cuerpo) and cuerpo[-1].tag == w("sectPr") else etree.Element(w("sectPr"))
        if seccion.getparent() is not None:
            cuerpo.remove(seccion)
        if not len(cuerpo) or cuerpo[-1].tag != w("p"):  # el marcador del final va en un párrafo
            etree.SubElement(cuerpo, w("p"))
        marcar_fin(cuerpo[-1], self._n)
        contenido = list(cuerpo)
        self._paginas = paginas
        if self._base is None:
            self._iniciar(paquete, doc)
            self._paginas_base = paginas
        else:
            if any(self._nsmap.get(prefijo, uri) != uri for prefijo, uri in doc.nsmap.items()):
                raise ValueError("los documentos no salen de la misma plantilla (espacios de nombres distintos)")
            self._volcar_anterior(ultimo=False)
            self._importar(paquete, contenido, seccion)
        self._renumerar_dibujos(contenido)
        if self._n > 0:
            for sect in [s for el in contenido for s in el.iter(w("sectPr"))] + [seccion]:
                self._copiar_cabeceras(paquete, sect)
        seccion_nueva(seccion)
        for el in contenido:
            a_sectionpages(el, paginas, marcador_fin(self._n))
        self._anterior = (cuerpo, seccion)
        self._n += 1

    def escribir(self, salida: BinaryIO) -> None:
        """Escribe el .docx combinado en ``salida`` (un archivo binario abierto)."""
        if self._base is None:
            raise ValueError("no hay documentos para combinar")
        if not self._cerrado:
            self._volcar_anterior(ultimo=True)
            self._partes.close()
            self._cerrado = True
        previo, resto = self._documento_partido()
        paquete = EscritorZip(salida)
        for nombre in self._base.nombres:
            if nombre == _DOCUMENTO:
                self._cuerpos.seek(0)
                paquete.agregar_trozos(nombre, (previo, self._cuerpos, resto))
            else:
                paquete.agregar_datos(nombre, self._miembro_base(nombre))
        self._partes_archivo.seek(0)
        with zipfile.ZipFile(self._partes_archivo) as partes:
            for info in partes.infolist():
                paquete.agregar_datos(info.filename, partes.read(info))
        paquete.cerrar()

    def resultado(self) -> bytes:
        """Los bytes del .docx combinado (para combinados pequeños; use :meth:`guardar` para grandes)."""
        buffer = io.BytesIO()
        self.escribir(buffer)
        return buffer.getvalue()

    def guardar(self, ruta: str | Path) -> Path:
        """Escribe el combinado en ``ruta`` sin dejarlo nunca a medias (temporal + renombrado)."""
        return escribir_atomico_con(ruta, self.escribir)

    # -------------------------------------------------------------- interno

    def _es_cabecera(self, nombre: str) -> bool:
        return es_cabecera(self._base.tipo_de(nombre) if self._base else None)

    def _iniciar(self, paquete: PaqueteOffice, doc: etree._Element) -> None:
        self._base = paquete
        self._doc = doc
        self._nsmap = dict(doc.nsmap)
        self._rels = leer_xml(paquete.miembros[rels_de(_DOCUMENTO)])
        for rel in self._rels.iter(f"{{{PR}}}Relationship"):
            if rel.get("Type") == REL_NOTAS_AL_PIE:
                self._ruta_notas = resolver(_DOCUMENTO, rel.get("Target", ""))
                self._notas = leer_xml(paquete.miembros[self._ruta_notas])
                ids = [int(n.get(w("id"), "0")) for n in self._notas.iter(w("footnote"))]
                self._id_nota = max([0, *ids])
        for dibujo in doc.iter(f"{{{WP}}}docPr"):
            self._id_dibujo = max(self._id_dibujo, int(dibujo.get("id", "0") or 0))

    def _volcar_anterior(self, *, ultimo: bool) -> None:
        """Cierra la sección del documento anterior y pasa su cuerpo al temporal.

        Si vienen más documentos, la sección va en el último párrafo (salto de sección);
        si es el último, queda como sección final del cuerpo.
        """
        assert self._anterior is not None
        cuerpo, seccion = self._anterior
        if ultimo:
            cuerpo.append(seccion)
        else:
            final = cuerpo[-1] if len(cuerpo) else None
            if final is None or final.tag != w("p") or final.find(f"{w('pPr')}/{w('sectPr')}") is not None:
                final = etree.SubElement(cuerpo, w("p"))
            ppr = final.find(w("pPr"))
            if ppr is None:
                ppr = etree.Element(w("pPr"))
                final.insert(0, ppr)
            cambio = ppr.find(w("pPrChange"))
            if cambio is not None:
                cambio.addprevious(seccion)
            else:
                ppr.append(seccion)
        self._cuerpos.write(interior(cuerpo))
        cuerpo.clear()
        self._anterior = None

    def _documento_partido(self) -> tuple[bytes, bytes]:
        """document.xml de la base partido donde va el cuerpo: (hasta <w:body>, desde </w:body>)."""
        assert self._doc is not None
        cuerpo = self._doc.find(w("body"))
        assert cuerpo is not None
        cuerpo.clear()
        marca = etree.Comment("CUERPO_LOTE")
        cuerpo.append(marca)
        previo, resto = xml_a_bytes(self._doc).split(b"<!--CUERPO_LOTE-->")
        cuerpo.remove(marca)
        return previo, resto

    def _miembro_base(self, nombre: str) -> bytes:
        assert self._base is not None
        if nombre == rels_de(_DOCUMENTO):
            assert self._rels is not None  # se leen junto con la base
            return xml_a_bytes(self._rels)
        if nombre == "[Content_Types].xml":
            return xml_a_bytes(self._base.tipos)
        if nombre == self._ruta_notas and self._notas is not None:
            return xml_a_bytes(self._notas)
        if self._es_cabecera(nombre):
            raiz = leer_xml(self._base.miembros[nombre])
            a_sectionpages(raiz, self._paginas_base, marcador_fin(0))
            return xml_a_bytes(raiz)
        return self._base.miembros[nombre]

    def _nuevo_id_rel(self) -> str:
        assert self._rels is not None
        if self._ids_rel is None:
            self._ids_rel = {r.get("Id") for r in self._rels}
        while True:
            self._id_rel += 1
            rid = f"rIdLote{self._id_rel}"
            if rid not in self._ids_rel:
                self._ids_rel.add(rid)
                return rid

    def _agregar_rel(self, tipo: str, destino: str, externo: bool) -> str:
        assert self._rels is not None
        rid = self._nuevo_id_rel()
        rel = etree.SubElement(self._rels, f"{{{PR}}}Relationship")
        rel.set("Id", rid)
        rel.set("Type", tipo)
        rel.set("Target", destino)
        if externo:
            rel.set("TargetMode", "External")
        return rid

    def _registrar_tipo(self, fuente: PaqueteOffice, parte_fuente: str, parte_nueva: str) -> None:
        assert self._base is not None
        tipo = fuente.tipo_de(parte_fuente)
        if tipo is None:
            return
        clase, contenido = tipo
        if clase == "Override":
            o = etree.SubElement(self._base.tipos, f"{{{CT}}}Override")
            o.set("PartName", "/" + parte_nueva)
            o.set("ContentType", contenido)
        elif self._base.tipo_de(parte_nueva) is None:
            d = etree.Element(f"{{{CT}}}Default")
            d.set("Extension", posixpath.splitext(parte_nueva)[1].lstrip("."))
            d.set("ContentType", contenido)
            self._base.tipos.insert(0, d)

    def _copiar_parte(self, fuente: PaqueteOffice, parte: str, copiadas: dict[str, str]) -> str:
        """Copia una parte (y lo que ella relaciona) con nombre nuevo; devuelve el nombre nuevo."""
        if parte in copiadas:
            return copiadas[parte]
        carpeta, nombre = posixpath.split(parte)
        nueva = posixpath.join(carpeta, f"lote{self._n + 1}_{nombre}")
        copiadas[parte] = nueva
        datos = fuente.miembros[parte]
        rels = rels_de(parte)
        if rels in fuente.miembros:
            raiz = leer_xml(fuente.miembros[rels])
            for rel in raiz.iter(f"{{{PR}}}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                destino = resolver(parte, rel.get("Target", ""))
                if destino in fuente.miembros:
                    copia = self._copiar_parte(fuente, destino, copiadas)
                    rel.set("Target", posixpath.relpath(copia, carpeta))
            self._guardar_nueva(rels_de(nueva), xml_a_bytes(raiz))
        if es_cabecera(fuente.tipo_de(parte)):
            raiz = leer_xml(datos)
            a_sectionpages(raiz, self._paginas, marcador_fin(self._n))
            datos = xml_a_bytes(raiz)
        self._guardar_nueva(nueva, datos)
        self._registrar_tipo(fuente, parte, nueva)
        return nueva

    def _guardar_nueva(self, nombre: str, datos: bytes) -> None:
        self._partes.writestr(nombre, datos)  # almacén temporal: solo importan nombre y datos

    def _importar(self, paquete: PaqueteOffice, contenido: list[etree._Element], seccion: etree._Element) -> None:
        """Reasigna las relaciones (imágenes, vínculos) y las notas al pie del contenido importado."""
        rels = paquete.relaciones(_DOCUMENTO)
        self._copiadas = {}
        nuevos: dict[str, str] = {}
        for el in contenido:
            for nodo in el.iter():
                for atributo, valor in list(nodo.attrib.items()):
                    if not (isinstance(atributo, str) and atributo.startswith(f"{{{R}}}")) or valor not in rels:
                        continue
                    if valor not in nuevos:
                        rel = rels[valor]
                        externo = rel.get("TargetMode") == "External"
                        destino = rel.get("Target", "")
                        if not externo:
                            parte = self._copiar_parte(paquete, resolver(_DOCUMENTO, destino), self._copiadas)
                            destino = posixpath.relpath(parte, "word")
                        nuevos[valor] = self._agregar_rel(rel.get("Type", ""), destino, externo)
                    nodo.set(atributo, nuevos[valor])
        self._importar_notas(paquete, rels, contenido)

    def _importar_notas(
        self, paquete: PaqueteOffice, rels: dict[str, etree._Element], contenido: list[etree._Element]
    ) -> None:
        referencias = [r for el in contenido for r in el.iter(w("footnoteReference"))]
        if not referencias:
            return
        ruta = next(
            (resolver(_DOCUMENTO, r.get("Target", "")) for r in rels.values() if r.get("Type") == REL_NOTAS_AL_PIE),
            None,
        )
        if ruta is None or self._notas is None:
            return
        fuente = {n.get(w("id")): n for n in leer_xml(paquete.miembros[ruta]).iter(w("footnote"))}
        nuevos: dict[str, str] = {}
        for ref in referencias:
            viejo = ref.get(w("id"))
            if viejo is None or viejo not in fuente:
                continue
            if viejo not in nuevos:
                self._id_nota += 1
                nuevos[viejo] = str(self._id_nota)
                nota = copy.deepcopy(fuente[viejo])
                nota.set(w("id"), nuevos[viejo])
                self._notas.append(nota)
            ref.set(w("id"), nuevos[viejo])

    def _copiar_cabeceras(self, paquete: PaqueteOffice, sect: etree._Element) -> None:
        """Los encabezados y pies de la sección pasan a ser partes propias del combinado."""
        rels = paquete.relaciones(_DOCUMENTO)
        copiadas = self._copiadas
        for ref in [*sect.findall(w("headerReference")), *sect.findall(w("footerReference"))]:
            viejo = ref.get(f"{{{R}}}id")
            if viejo not in rels:
                continue
            rel = rels[viejo]
            parte = self._copiar_parte(paquete, resolver(_DOCUMENTO, rel.get("Target", "")), copiadas)
            ref.set(f"{{{R}}}id", self._agregar_rel(rel.get("Type", ""), posixpath.relpath(parte, "word"), False))

    def _renumerar_dibujos(self, contenido: list[etree._Element]) -> None:
        if self._n == 0:
            return
        for el in contenido:
            for dibujo in el.iter(f"{{{WP}}}docPr"):
                self._id_dibujo += 1
                dibujo.set("id", str(self._id_dibujo))


def combinar(documentos: Iterable[bytes | str | Path], paginas: Iterable[int | None] | None = None) -> bytes:
    """Un .docx con todos los ``documentos`` en orden; cada uno en su sección, con su encabezado.

    ``paginas``: el número de páginas de cada documento, si se conoce (p. ej. de su PDF); queda
    como total guardado en «Página X de Y» para los lectores que no calculan SECTIONPAGES.
    """
    with Combinador() as combinador:
        totales = iter(paginas) if paginas is not None else None
        for doc in documentos:
            combinador.agregar(doc, next(totales, None) if totales is not None else None)
        return combinador.resultado()


def paginas_pdf(ruta: str | Path) -> int | None:
    """Páginas de un PDF escrito por LibreOffice (cuenta los objetos /Type /Page; None si no se puede)."""
    import re

    try:
        datos = Path(ruta).read_bytes()
    except OSError:
        return None
    n = len(re.findall(rb"/Type\s*/Page(?![s\w])", datos))
    return n or None


__all__ = ["Combinador", "combinar", "paginas_pdf"]
