"""Método DAFP: mapa de calor, pesos de los controles, valores residuales y esquema del riesgo."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from acuerdo_docs.errores import ErrorValidacion, validar
from acuerdo_docs.esquemas import Control, Riesgo
from acuerdo_docs.esquemas import metodo_riesgo as metodo
from acuerdo_docs.esquemas.riesgo import MatrizRiesgos

# Mapa de calor copiado a mano de dominio.md (no del código): filas probabilidad, columnas impacto.
MAPA_DOMINIO = """
Muy alta | Alto | Alto | Alto | Alto | Extremo
Alta | Moderado | Moderado | Alto | Alto | Extremo
Media | Moderado | Moderado | Moderado | Alto | Extremo
Baja | Bajo | Moderado | Moderado | Alto | Extremo
Muy baja | Bajo | Bajo | Moderado | Alto | Extremo
"""
NIVEL_PROB = {"Muy baja": 1, "Baja": 2, "Media": 3, "Alta": 4, "Muy alta": 5}
IMPACTOS = ["Leve", "Menor", "Moderado", "Mayor", "Catastrófico"]


def _celdas_dominio() -> list[tuple[str, str, str]]:
    celdas = []
    for linea in MAPA_DOMINIO.strip().splitlines():
        prob, *zonas = [p.strip() for p in linea.split("|")]
        celdas += [(prob, imp, z) for imp, z in zip(IMPACTOS, zonas, strict=True)]
    return celdas


CELDAS = _celdas_dominio()
EJEMPLO = Path(__file__).resolve().parents[1] / "src" / "acuerdo_docs" / "ejemplos" / "riesgos_ejemplo.json"


def _riesgo(**cambios: object) -> dict[str, object]:
    datos: dict[str, object] = {
        "id": "R1",
        "descripcion": "Posibilidad de pérdida reputacional por X debido a Y",
        "clasificacion": "Fraude interno",
        "probabilidad": 3,
        "impacto": 3,
    }
    datos.update(cambios)
    return datos


def test_la_tabla_del_dominio_tiene_25_celdas() -> None:
    assert len(CELDAS) == 25
    assert len({(p, i) for p, i, _ in CELDAS}) == 25


@pytest.mark.parametrize(("prob", "imp", "esperada"), CELDAS)
def test_cada_par_cae_en_su_zona(prob: str, imp: str, esperada: str) -> None:
    nivel_p, nivel_i = NIVEL_PROB[prob], IMPACTOS.index(imp) + 1
    assert metodo.zona(nivel_p, nivel_i) == esperada
    riesgo = validar(Riesgo, _riesgo(probabilidad=prob, impacto=imp))
    assert (riesgo.probabilidad, riesgo.impacto) == (nivel_p, nivel_i)
    assert riesgo.zona_inherente == esperada
    assert riesgo.zona_residual == esperada  # sin controles, residual = inherente


def test_nombres_y_porcentajes_de_nivel() -> None:
    assert [metodo.nombre_probabilidad(n) for n in range(1, 6)] == list(NIVEL_PROB)
    assert [metodo.nombre_impacto(n) for n in range(1, 6)] == IMPACTOS
    assert [metodo.porcentaje(n) for n in range(1, 6)] == [0.2, 0.4, 0.6, 0.8, 1.0]
    for malo in (0, 6, True):
        with pytest.raises(ValueError):
            metodo.porcentaje(malo)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("tipo", "implementacion", "peso"),
    [
        ("preventivo", "automatico", 0.50),
        ("preventivo", "manual", 0.40),
        ("detectivo", "automatico", 0.40),
        ("detectivo", "manual", 0.30),
        ("correctivo", "automatico", 0.35),
        ("correctivo", "manual", 0.25),
    ],
)
def test_calificacion_del_control(tipo: str, implementacion: str, peso: float) -> None:
    assert metodo.calificacion(tipo, implementacion) == pytest.approx(peso)


def test_un_preventivo_automatico_lleva_60_a_30() -> None:
    v = metodo.valorar(3, 3, [("preventivo", "automatico")])
    assert v.porcentaje_probabilidad_residual == pytest.approx(0.30)
    assert v.probabilidad_residual == 2
    assert v.porcentaje_impacto_residual == pytest.approx(0.60)
    assert v.impacto_residual == 3


def test_controles_apilados_multiplican() -> None:
    uno = metodo.valorar(3, 3, [("preventivo", "manual")])
    assert uno.porcentaje_probabilidad_residual == pytest.approx(0.36)
    dos = metodo.valorar(3, 3, [("preventivo", "manual"), ("detectivo", "manual")])
    assert dos.porcentaje_probabilidad_residual == pytest.approx(0.252)
    assert dos.probabilidad_residual == 2
    assert dos.zona_residual == "Moderado"  # Baja x Moderado


def test_un_correctivo_baja_el_impacto_no_la_probabilidad() -> None:
    v = metodo.valorar(4, 4, [{"tipo": "correctivo", "implementacion": "automatico"}])
    assert v.porcentaje_probabilidad_residual == pytest.approx(0.8)
    assert v.probabilidad_residual == 4
    assert v.porcentaje_impacto_residual == pytest.approx(0.52)  # 80 % x (1 - 35 %)
    assert v.impacto_residual == 3
    assert (v.zona_inherente, v.zona_residual) == ("Alto", "Alto")
    # Catastrófico con un correctivo manual: 100 % -> 75 % (Mayor), sale de Extremo.
    w = metodo.valorar(1, 5, [("correctivo", "manual")])
    assert (w.impacto_residual, w.zona_inherente, w.zona_residual) == (4, "Extremo", "Alto")


@pytest.mark.parametrize(
    ("porcentaje", "nivel"),
    [
        (0.0, 1), (0.05, 1), (0.2, 1), (0.2000004, 1), (0.200001, 2), (0.25, 2), (0.4, 2),
        (0.41, 3), (0.6, 3), (0.61, 4), (0.8, 4), (0.81, 5), (1.0, 5),
        (0.2 * 3, 3),  # 0.6000000000000001: el error de coma flotante no sube de nivel
        (0.1 + 0.2 + 0.1, 2),  # 0.4000000000000001
        (0.8 * 0.5, 2),
    ],
)
def test_nivel_del_porcentaje_residual(porcentaje: float, nivel: int) -> None:
    assert metodo.nivel_de_porcentaje(porcentaje) == nivel


def test_redondeo_como_excel() -> None:
    # ROUND de Excel/LibreOffice redondea las mitades hacia arriba; round() de Python, al par.
    assert metodo.redondear(0.0015625) == 0.001563
    assert metodo.redondear(0.6 * 0.6 * 0.7) == 0.252


def test_el_orden_de_los_controles_no_cambia_el_resultado() -> None:
    a = metodo.valorar(5, 5, [("preventivo", "manual"), ("detectivo", "automatico"), ("correctivo", "manual")])
    b = metodo.valorar(5, 5, [("correctivo", "manual"), ("detectivo", "automatico"), ("preventivo", "manual")])
    assert a == b
    assert a.porcentaje_probabilidad_residual == pytest.approx(0.36)
    assert a.porcentaje_impacto_residual == pytest.approx(0.75)


# ---------------------------------------------------------------- esquema


@pytest.mark.parametrize(
    ("valor", "nivel"),
    [(3, 3), ("3", 3), (3.0, 3), ("Media", 3), ("media", 3), ("  MUY ALTA ", 5), ("muy_baja", 1)],
)
def test_probabilidad_por_numero_o_nombre(valor: object, nivel: int) -> None:
    assert validar(Riesgo, _riesgo(probabilidad=valor)).probabilidad == nivel


@pytest.mark.parametrize(("valor", "nivel"), [("Mayor", 4), ("catastrofico", 5), ("CATASTRÓFICO", 5), (1, 1)])
def test_impacto_por_numero_o_nombre(valor: object, nivel: int) -> None:
    assert validar(Riesgo, _riesgo(impacto=valor)).impacto == nivel


@pytest.mark.parametrize("malo", [0, 6, "Moderado", "alto", True, 2.5, None])
def test_probabilidad_invalida_da_error_en_espanol(malo: object) -> None:
    with pytest.raises(ErrorValidacion) as exc:
        validar(Riesgo, _riesgo(probabilidad=malo))
    (error,) = exc.value.errores
    assert error.ruta == "probabilidad"
    assert error.etiqueta == "Probabilidad inherente"
    if malo is None:  # null en un campo obligatorio: falta el dato
        assert error.mensaje == "es obligatorio y viene vacío (null)"
    else:
        assert "1 a 5" in error.mensaje and "Muy alta" in error.mensaje


def test_clasificacion_se_normaliza() -> None:
    r = validar(Riesgo, _riesgo(clasificacion="  EJECUCION Y ADMINISTRACION DE PROCESOS "))
    assert r.clasificacion == "Ejecución y administración de procesos"
    r = validar(Riesgo, _riesgo(clasificacion="daños a activos fijos / eventos externos"))
    assert r.clasificacion == "Daños a activos fijos/eventos externos"
    r = validar(Riesgo, _riesgo(clasificacion="usuarios productos y practicas"))
    assert r.clasificacion == "Usuarios, productos y prácticas"
    with pytest.raises(ErrorValidacion) as exc:
        validar(Riesgo, _riesgo(clasificacion="Riesgo político"))
    assert "clases del DAFP" in str(exc.value)


def test_control_y_tratamiento_sin_tildes_ni_mayusculas() -> None:
    r = validar(Riesgo, _riesgo(
        controles=[{"descripcion": "Revisión", "tipo": "Preventivo", "implementacion": "Automático"}],
        tratamiento="Mitigar",
    ))
    assert r.controles[0].tipo == "preventivo"
    assert r.controles[0].implementacion == "automatico"
    assert r.controles[0].calificacion == pytest.approx(0.5)
    assert r.tratamiento == "reducir"
    assert validar(Riesgo, _riesgo(tratamiento="transferir")).tratamiento == "compartir"


def test_errores_de_listas_en_espanol() -> None:
    with pytest.raises(ErrorValidacion) as exc:
        validar(Riesgo, _riesgo(
            controles=[{"descripcion": "x", "tipo": "reactivo", "implementacion": "semiautomatico"}],
            tratamiento="ignorar", otra="x",
        ))
    mensajes = {e.ruta: e.mensaje for e in exc.value.errores}
    assert mensajes["controles[1].tipo"].startswith("debe ser uno de:")
    assert "'correctivo'" in mensajes["controles[1].tipo"]
    assert "'manual'" in mensajes["controles[1].implementacion"]
    assert "'compartir'" in mensajes["tratamiento"]
    assert "no es un campo conocido" in mensajes["otra"]
    assert "semiautomatico" not in str(exc.value)  # los mensajes no repiten el valor


def test_los_calculados_no_se_escriben_y_el_volcado_se_relee() -> None:
    r = validar(Riesgo, _riesgo(fecha_seguimiento="24/10/2023",
                                controles=[{"descripcion": "c", "tipo": "detectivo", "implementacion": "manual"}]))
    volcado = r.model_dump(mode="json")
    assert "zona_inherente" not in volcado and "zona_residual" not in volcado
    assert volcado["fecha_seguimiento"] == "2023-10-24"
    assert validar(Riesgo, volcado) == r
    assert validar(Riesgo, json.loads(r.model_dump_json())) == r
    with pytest.raises(ErrorValidacion):
        validar(Riesgo, {**volcado, "zona_inherente": "Bajo"})


def test_campos_con_etiqueta_y_ayuda() -> None:
    for modelo in (Riesgo, Control):
        for nombre, info in modelo.model_fields.items():
            assert info.title, nombre
            assert info.description, nombre


def test_referencias_repetidas() -> None:
    with pytest.raises(ErrorValidacion) as exc:
        validar(MatrizRiesgos, {"riesgos": [_riesgo(id="R1"), _riesgo(id="r1")]})
    assert "se repite" in str(exc.value)


def test_ejemplo_de_riesgos() -> None:
    matriz = validar(MatrizRiesgos, json.loads(EJEMPLO.read_text(encoding="utf-8")))
    riesgos = matriz.riesgos
    assert len(riesgos) >= 6
    assert len({r.zona_inherente for r in riesgos}) >= 3
    assert len({r.zona_residual for r in riesgos}) >= 3
    assert all(r.descripcion.startswith("Posibilidad de pérdida ") and " debido a " in r.descripcion for r in riesgos)
    actores = {"act", "sdm", "idu", "univ", "empresa", "jac"}
    assert {r.responsable for r in riesgos} <= actores
    assert {c.responsable for r in riesgos for c in r.controles} <= actores
    textos = " ".join(r.descripcion.lower() for r in riesgos)
    assert "alcance" in textos and "involucramiento" in textos  # el alcance cambia con cada actor
    assert "nueva administración" in textos and "no es contractual" in textos
    assert matriz.fecha == date(2023, 10, 24)
