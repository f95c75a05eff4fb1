"""Reglas de la guía DAFP v7 en tabla (tecleadas de la guía, no leídas del archivo del método) y exportación CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import cli

from acuerdo_docs.documentos.matriz.plano import COLUMNAS_CSV, exportar_riesgos_csv, riesgos_a_csv
from acuerdo_docs.errores import ErrorValidacion, validar
from acuerdo_docs.esquemas import Riesgo
from acuerdo_docs.esquemas import metodo_riesgo as metodo

EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "riesgos_ejemplo.json"

# Tabla 4 (criterios de impacto), tecleada de la guía: banda económica y redacción reputacional por nivel.
TABLA_IMPACTO = [
    (1, "Leve", "Afectación menor a 10 SMLMV", "El riesgo afecta la imagen de alguna área de la organización."),
    (2, "Menor", "Entre 10 y 50 SMLMV", "El riesgo afecta la imagen de la entidad internamente, de conocimiento"
     " general nivel interno, de junta directiva y accionistas y/o de proveedores."),
    (3, "Moderado", "Entre 50 y 100 SMLMV", "El riesgo afecta la imagen de la entidad con algunos usuarios de"
     " relevancia frente al logro de los objetivos."),
    (4, "Mayor", "Entre 100 y 500 SMLMV", "El riesgo afecta la imagen de la entidad con efecto publicitario"
     " sostenido a nivel de sector administrativo, nivel departamental o municipal."),
    (5, "Catastrófico", "Mayor a 500 SMLMV", "El riesgo afecta la imagen de la entidad a nivel nacional, con efecto"
     " publicitario sostenido a nivel país."),
]
# Tabla 6 (atributos de los controles): eficiencia con peso, informativos sin peso.
PESOS = {("preventivo", "automatico"): 0.50, ("preventivo", "manual"): 0.40, ("detectivo", "automatico"): 0.40,
         ("detectivo", "manual"): 0.30, ("correctivo", "automatico"): 0.35, ("correctivo", "manual"): 0.25}
INFORMATIVOS = {"documentacion": ("documentado", "sin_documentar"), "frecuencia": ("continua", "aleatoria"),
                "evidencia": ("con_registro", "sin_registro")}
TIPOS_V7 = ["gestion", "fiscal", "seguridad_informacion", "integridad_publica", "ambiental"]


def _riesgo(**cambios: object) -> dict[str, object]:
    datos: dict[str, object] = {"id": "R1", "descripcion": "Posibilidad de pérdida reputacional por X debido a Y",
                                "clasificacion": "Fraude interno", "probabilidad": 3, "impacto": 3}
    datos.update(cambios)
    return datos


@pytest.mark.parametrize(("nivel", "nombre", "economico", "reputacional"), TABLA_IMPACTO)
def test_redaccion_oficial_de_impacto(nivel: int, nombre: str, economico: str, reputacional: str) -> None:
    i = metodo.METODO_DAFP.impacto[nivel - 1]
    assert (i.nombre, i.economico, i.reputacional) == (nombre, economico, reputacional)
    r = validar(Riesgo, _riesgo(impacto=None, impacto_economico=economico, impacto_reputacional=reputacional))
    assert r.impacto == nivel


@pytest.mark.parametrize("economico", range(1, 6))
@pytest.mark.parametrize("reputacional", [None, *range(1, 6)])
def test_con_ambos_criterios_cuenta_el_mayor(economico: int, reputacional: int | None) -> None:
    r = validar(Riesgo, _riesgo(impacto=None, impacto_economico=economico, impacto_reputacional=reputacional))
    assert r.impacto == max(economico, reputacional or 0)


def test_impacto_incoherente_con_los_criterios() -> None:
    with pytest.raises(ErrorValidacion, match="el mayor de económico y reputacional"):
        validar(Riesgo, _riesgo(impacto=1, impacto_economico=2, impacto_reputacional=4))


@pytest.mark.parametrize(("tipo", "implementacion"), list(PESOS))
@pytest.mark.parametrize("atributos", [{}, {k: v[0] for k, v in INFORMATIVOS.items()},
                                       {k: v[1] for k, v in INFORMATIVOS.items()}])
def test_atributos_informativos_no_puntuan(tipo: str, implementacion: str, atributos: dict[str, str]) -> None:
    control = {"descripcion": "c", "tipo": tipo, "implementacion": implementacion, **atributos}
    r = validar(Riesgo, _riesgo(controles=[control]))
    assert r.controles[0].calificacion == pytest.approx(PESOS[(tipo, implementacion)])
    sin = validar(Riesgo, _riesgo(controles=[{"descripcion": "c", "tipo": tipo, "implementacion": implementacion}]))
    assert r.valoracion == sin.valoracion


@pytest.mark.parametrize("tipo", TIPOS_V7)
@pytest.mark.parametrize("tratamiento", ["aceptar", "reducir", "evitar", "compartir"])
def test_integridad_publica_no_se_acepta(tipo: str, tratamiento: str) -> None:
    datos = _riesgo(tipo=tipo, tratamiento=tratamiento)
    if tipo == "integridad_publica" and tratamiento == "aceptar":
        with pytest.raises(ErrorValidacion) as exc:
            validar(Riesgo, datos)
        (error,) = exc.value.errores
        assert error.ruta == "tratamiento" and "Integridad pública" in error.mensaje
    else:
        assert validar(Riesgo, datos).tratamiento == tratamiento


@pytest.mark.parametrize("impacto", range(1, 6))
def test_integridad_publica_impacto_minimo_moderado(impacto: int) -> None:
    datos = _riesgo(tipo="Integridad pública", impacto=impacto)
    if impacto < 3:
        with pytest.raises(ErrorValidacion, match="al menos «Moderado»"):
            validar(Riesgo, datos)
    else:
        assert validar(Riesgo, datos).tipo == "integridad_publica"


def test_tipos_y_compatibilidad() -> None:
    assert list(metodo.TIPOS_RIESGO) == TIPOS_V7
    assert validar(Riesgo, _riesgo()).tipo == "gestion"  # JSON anterior: tipo por omisión
    assert validar(Riesgo, _riesgo(tipo="corrupción")).tipo == "integridad_publica"
    with pytest.raises(ErrorValidacion, match="tipos de riesgo"):
        validar(Riesgo, _riesgo(tipo="político"))


# ---------------------------------------------------------------- CSV


def test_csv_una_fila_por_riesgo_y_control(tmp_path: Path) -> None:
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    datos["riesgos"][0]["descripcion"] = "=HYPERLINK(\"http://x\")"
    datos["riesgos"][0]["controles"][0]["responsable"] = "-1"
    ruta = exportar_riesgos_csv(datos, tmp_path / "r.csv")
    assert ruta is not None
    crudo = ruta.read_bytes()
    assert crudo.startswith(b"\xef\xbb\xbf")
    filas = list(csv.DictReader(io.StringIO(crudo.decode("utf-8-sig"))))
    assert list(filas[0]) == list(COLUMNAS_CSV)
    esperadas = sum(max(1, len(r.get("controles", []))) for r in datos["riesgos"])
    assert len(filas) == esperadas
    assert filas[0]["descripcion"] == "'=HYPERLINK(\"http://x\")" and filas[0]["control_responsable"] == "'-1"
    riesgo = validar(Riesgo, datos["riesgos"][1])
    fila = next(f for f in filas if f["riesgo_id"] == riesgo.id)
    assert fila["zona_residual"] == riesgo.zona_residual and fila["control_numero"] == "1"
    assert riesgos_a_csv(datos) == riesgos_a_csv(datos)  # determinista


def test_cli_csv_y_errores(tmp_path: Path) -> None:
    salida = tmp_path / "riesgos.csv"
    r = cli("riesgos", str(EJEMPLO), "-o", str(salida))
    assert r.returncode == 0, r.stderr
    assert salida.read_text(encoding="utf-8-sig").splitlines()[0] == ",".join(COLUMNAS_CSV)
    malo = tmp_path / "malo.json"
    datos = json.loads(EJEMPLO.read_text(encoding="utf-8"))
    datos["riesgos"][0].update({"tipo": "integridad_publica", "tratamiento": "aceptar"})
    malo.write_text(json.dumps(datos), encoding="utf-8")
    r = cli("riesgos", str(malo), "-o", str(tmp_path / "x.xlsx"))
    assert r.returncode == 1 and "Integridad pública" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.xlsx").exists()
    r = cli("riesgos", str(EJEMPLO), "-o", str(tmp_path / "y.xlsx"), "--metodo", str(tmp_path / "no.json"))
    assert r.returncode == 2 and "no.json" in r.stderr
