"""Fichas variadas y reproducibles para el benchmark (misma semilla, mismos datos)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

_PALABRAS = [
    "innovación", "pública", "gestión", "conocimiento", "ciudadanía", "entidad", "distrital",
    "laboratorio", "prototipo", "reto", "movilidad", "datos", "abiertos", "participación",
    "territorio", "localidad", "equipo", "aprendizaje", "servicio", "trámite", "articulación",
    "compromiso", "alcance", "hoja", "ruta", "indicador", "resultado", "sostenibilidad", "niñez",
    "mujeres", "jóvenes", "ñandú", "acción", "colaboración", "análisis", "diseño", "evaluación",
    "transformación", "digital", "cuidado", "ambiente",
]
_DEPENDENCIAS = ("Alta Consejería TIC", "Secretaría Distrital de Movilidad", "Secretaría de Hacienda",
                 "Secretaría de Educación", "IDU", "Secretaría General", "Veeduría Distrital")


def _frase(rng: random.Random, minimo: int, maximo: int) -> str:
    palabras = [rng.choice(_PALABRAS) for _ in range(rng.randint(minimo, maximo))]
    return " ".join(palabras).capitalize() + "."


def _texto(rng: random.Random, parrafos: int) -> str:
    return "\n\n".join(" ".join(_frase(rng, 6, 18) for _ in range(rng.randint(2, 6))) for _ in range(parrafos))


def ficha_aleatoria(rng: random.Random, n: int) -> dict[str, Any]:
    inicio = date(2020, 1, 1) + timedelta(days=rng.randint(0, 1500))
    return {
        "fecha_diligenciamiento": (inicio + timedelta(days=rng.randint(30, 400))).strftime("%d/%m/%Y"),
        "nombre": f"Práctica {n}: {_frase(rng, 3, 10)}",
        "dependencia": rng.choice(_DEPENDENCIAS),
        "directivo": rng.choice(["", "Directora de prueba"]),
        "proceso": _frase(rng, 2, 5),
        "equipo": _frase(rng, 2, 5),
        "colaborador": rng.choice(["", "Colaborador de prueba"]),
        "tipo_vinculacion": rng.choice(["Contratista", "Servidor(a) público(a) de carrera", "Provisional"]),
        "telefono": rng.choice([None, "601 3813000", "+57 310 555 0101"]),
        "correo": rng.choice([None, "persona@alcaldiabogota.gov.co"]),
        "fecha_inicio": inicio.isoformat(),
        "descripcion": _texto(rng, rng.randint(1, 3)),
        "linea_base": _texto(rng, 1),
        "poblacion_objetivo": _frase(rng, 8, 20),
        "alcance": _texto(rng, rng.randint(1, 2)),
        "aporte": _texto(rng, rng.randint(1, 3)),
        "difusion": _frase(rng, 8, 20),
        "otros_aspectos": rng.choice(["", _frase(rng, 5, 15)]),
        "retos": [_frase(rng, 8, 25) for _ in range(rng.randint(1, 5))],
        "estabilidad": _texto(rng, rng.randint(1, 2)),
        "conclusiones": _frase(rng, 10, 30),
    }


def fichas(n: int, semilla: int = 1311) -> list[dict[str, Any]]:
    rng = random.Random(semilla)
    return [ficha_aleatoria(rng, i + 1) for i in range(n)]


def libro_fichas(ruta: Path, n: int, semilla: int = 2024) -> Path:
    """Un libro de n fichas con las columnas de plantilla-lote (openpyxl en modo de solo escritura)."""
    from openpyxl import Workbook

    from acuerdo_docs.lectores.fichas import COLUMNAS

    visibles = [c for c in COLUMNAS if c.en_plantilla]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("fichas")
    ws.append([c.encabezado for c in visibles])
    for datos in fichas(n, semilla=semilla):
        ws.append(["\n".join(v) if isinstance(v := datos.get(c.clave), list) else v for c in visibles])
    wb.save(str(ruta))
    return ruta
