"""La descripción de una columna de hoja de cálculo: la misma para leer lotes y escribir matriz y catálogo.

Las etiquetas salen siempre de los esquemas (:func:`~acuerdo_docs.esquemas.comun.etiqueta`);
esta clase solo dice cómo se muestra y de dónde sale cada columna.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ..claves import normalizar_clave

MARCA_OBLIGATORIA = " *"
"""Lo que la plantilla de lote agrega a la etiqueta de una columna obligatoria (no es parte de la etiqueta)."""

TipoColumna = Literal["texto", "fecha", "lista", "opcion", "entero", "numero", "booleano"]


@dataclass(frozen=True)
class Columna:
    """Una columna de la hoja: de dónde sale en el modelo y cómo se muestra."""

    clave: str
    """Clave plana (``fecha_inicio``, ``desafio_nombre``): también vale como encabezado."""
    etiqueta: str
    """Lo que ve la persona (título de la columna), sin la marca de obligatoria."""
    ruta: tuple[str, ...] = ()
    """Camino en el modelo: ``("desafio", "nombre")``."""
    ayuda: str | None = None
    obligatoria: bool = False
    tipo: TipoColumna = "texto"
    opciones: tuple[str, ...] = ()
    """Valores admitidos (Literal/Enum) o sugeridos (``examples``, ver ``opciones_abiertas``)."""
    opciones_abiertas: bool = False
    personal: bool = False
    en_plantilla: bool = True
    """False: columna aceptada al leer, pero que la plantilla de lote no trae (p. ej. el encabezado del formato)."""
    subcampo: str | None = None
    """Para listas de modelos escritas como una celda: el campo que recibe cada línea (``anexos`` → ``nombre``)."""
    alias: tuple[str, ...] = field(default=())
    # Presentación en una hoja que escribe acuerdo_docs (matriz, catálogo):
    ancho: float = 0.0
    """Ancho de la columna en caracteres de Excel."""
    grupo: str = ""
    """Título del grupo de columnas (fila de grupos de la matriz)."""
    calculada: bool = False
    """La llena una fórmula, no una persona."""
    rol: str = ""
    """Quién la escribe en el catálogo (``herramienta``, ``humana``, ``respuesta``…)."""
    imprimir: bool = False
    """Va en el papel (catálogo): las columnas impresas van juntas al principio y el área de impresión las cubre."""

    @property
    def encabezado(self) -> str:
        """Texto de la fila 1: la etiqueta, con asterisco si es obligatoria."""
        return f"{self.etiqueta}{MARCA_OBLIGATORIA}" if self.obligatoria else self.etiqueta

    def nombres_aceptados(self) -> set[str]:
        """Encabezados que se reconocen como esta columna (normalizados)."""
        crudos = {self.clave, self.etiqueta, ".".join(self.ruta), *self.alias}
        return {normalizar_clave(n) for n in crudos if n} - {""}


def sin_marca_obligatoria(encabezado: str) -> str:
    """La etiqueta de un encabezado sin la estrella de obligatorio: «Conclusiones *» → «Conclusiones»."""
    texto = encabezado.rstrip()
    return texto[:-1].rstrip() if texto.endswith("*") else texto
