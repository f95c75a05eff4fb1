"""Los tipos de resultado de la conversión a PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ...errores import ErrorConversion

Progreso = Callable[[Path, Path | None, str | None], None]
"""Se llama una vez por documento al terminar: ``(entrada, pdf, None)`` o ``(entrada, None, error)``."""


@dataclass(frozen=True)
class ResultadoDocumento:
    """El resultado de un documento: ``pdf`` si se convirtió, ``error`` (en español) si no."""

    entrada: Path
    pdf: Path | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.pdf is not None


@dataclass(frozen=True)
class ResultadoPdf:
    """Resultados en el mismo orden de las entradas, más datos de la ejecución."""

    documentos: tuple[ResultadoDocumento, ...]
    arranques: int = 0
    """Veces que se arrancó LibreOffice (sirve para vigilar que un lote no arranque uno por documento)."""
    segundos: float = 0.0
    averia: str | None = None
    """Si LibreOffice mismo falló (colgado, no arranca): la causa, en español; los documentos no tienen la culpa."""

    def __iter__(self) -> Iterator[ResultadoDocumento]:
        return iter(self.documentos)

    def __len__(self) -> int:
        return len(self.documentos)

    def __getitem__(self, indice: int) -> ResultadoDocumento:
        return self.documentos[indice]

    @property
    def ok(self) -> bool:
        return all(d.ok for d in self.documentos)

    @property
    def pdfs(self) -> list[Path]:
        return [d.pdf for d in self.documentos if d.pdf is not None]

    @property
    def fallidos(self) -> list[ResultadoDocumento]:
        return [d for d in self.documentos if not d.ok]

    def exigir(self) -> list[Path]:
        """Devuelve los PDF; si alguno falló, lanza :class:`ErrorConversion` con la lista."""
        fallidos = self.fallidos
        if self.averia is not None and fallidos:
            hechos = len(self.documentos) - len(fallidos)
            raise ErrorConversion(f"{self.averia} Se convirtieron {hechos} de {len(self.documentos)} documento(s).")
        if fallidos:
            detalle = "\n".join(f"  - {d.entrada}: {d.error}" for d in fallidos)
            raise ErrorConversion(
                f"No se pudieron convertir a PDF {len(fallidos)} de {len(self.documentos)} documento(s):\n{detalle}"
            )
        return self.pdfs
