"""Una tanda: los documentos que convierte un arranque de LibreOffice, y la lectura de su salida.

``soffice --convert-to`` escribe una línea por documento («convert X -> Y …») al empezar a
guardarlo y otra si no lo puede abrir o exportar. :class:`LecturaTanda` lee esas líneas una a
una y devuelve decisiones (entregar el PDF de un documento o darlo por fallido), sin tocar
procesos ni archivos.
"""

from __future__ import annotations

import os
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Doc:
    indice: int
    original: Path  # tal como la dio el llamador (se devuelve así)
    entrada: Path
    destino: Path
    nombre: str  # nombre privado dentro de la tanda: evita choques y nombres raros para soffice
    reintento: bool = False

    @property
    def nombre_pdf(self) -> str:
        return Path(self.nombre).stem + ".pdf"


@dataclass
class Tanda:
    docs: list[Doc]


Decision = tuple[Doc, str | None]
"""``(doc, None)``: su PDF está listo para entregar; ``(doc, motivo)``: falló por ``motivo``."""

_RE_CONVERT = re.compile(r"^convert (.+?) (?:as a .*? document )?-> ")
_ERROR_CARGA = "Error: source file could not be loaded"
_ERROR_GUARDADO = "Error: Please verify input parameters"
MOTIVO_CARGA = "LibreOffice no pudo abrir el documento: está dañado o no es un documento válido."
MOTIVO_GUARDADO = "LibreOffice abrió el documento pero no pudo exportarlo a PDF."


class LecturaTanda:
    """Sigue la salida de un proceso de LibreOffice línea a línea."""

    def __init__(self, docs: list[Doc]) -> None:
        self.docs = docs
        self._posicion = {d.nombre: i for i, d in enumerate(docs)}
        self.ultimas: deque[str] = deque(maxlen=3)  # para explicar una avería, no se guarda más
        self.ultimo = -1  # posición del último documento del que LibreOffice dijo algo
        self.abierto = False  # ese documento se abrió y se está guardando como PDF
        self.hubo_salida = False

    @property
    def en_curso(self) -> Doc | None:
        """El documento que LibreOffice estaba guardando, si lo hay."""
        return self.docs[self.ultimo] if self.abierto else None

    def leer(self, linea: str) -> list[Decision] | None:
        """Las decisiones que trae ``linea``; ``None`` si no dice nada de un documento."""
        self.ultimas.append(linea)
        convertido = _RE_CONVERT.match(linea)
        if convertido:
            decisiones = self._empieza(convertido.group(1))
        elif linea.startswith(_ERROR_CARGA):
            decisiones = self._no_abre()
        elif linea.startswith(_ERROR_GUARDADO) and self.abierto:
            self.abierto = False
            decisiones = [(self.docs[self.ultimo], MOTIVO_GUARDADO)]
        else:
            decisiones = None
        if decisiones is not None:
            self.hubo_salida = True
        return decisiones

    def _cerrar_abierto(self) -> list[Decision]:
        return [(self.docs[self.ultimo], None)] if self.abierto else []

    def _empieza(self, ruta: str) -> list[Decision] | None:
        # Por el nombre privado (único en la tanda), sin depender de cómo escriba la carpeta.
        pos = self._posicion.get(os.path.basename(ruta))
        if pos is None or pos <= self.ultimo:
            return None
        decisiones = self._cerrar_abierto()
        self.ultimo, self.abierto = pos, True
        return decisiones

    def _no_abre(self) -> list[Decision]:
        decisiones = self._cerrar_abierto()
        self.ultimo, self.abierto = self.ultimo + 1, False
        if self.ultimo < len(self.docs):
            decisiones.append((self.docs[self.ultimo], MOTIVO_CARGA))
        return decisiones
