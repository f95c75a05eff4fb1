"""bench/bench_servidor.py corre y cuenta bien (sin medir tiempos: eso vive en bench/).

- En modo --rapido contra PostgreSQL, con cuentas (cada persona entra por «Entrar»): corre, no da errores y una pérdida puesta a propósito (--sabotear 1,
  un campo pisado a espaldas del servidor) se cuenta, exactamente una.
- El formulario que envía es el del navegador: leerlo y enviarlo sin cambios deja el borrador igual.
- Una pérdida se cuenta una vez; un 409 es un conflicto avisado, no una pérdida (si conserva lo escrito).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from apoyo_web import cliente, csrf, exigir_extra_web

exigir_extra_web()

RAIZ = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(RAIZ / "bench"))

import bench_servidor  # noqa: E402


def test_rapido_corre_y_cuenta_la_perdida_puesta_a_proposito(tmp_path):
    from apoyo_postgres import exigir_postgres

    exigir_postgres()
    salida = tmp_path / "cifras.json"
    hecho = subprocess.run([sys.executable, str(RAIZ / "bench" / "bench_servidor.py"), "--rapido", "--segundos", "3",
                            "--cuentas", "--sabotear", "1", "--pdf", "0.3", "--json", str(salida)],
                           capture_output=True, text=True, timeout=300)
    assert hecho.returncode == 0, hecho.stderr[-3000:]
    r = json.loads(salida.read_text(encoding="utf-8"))
    assert r["base"].startswith("postgresql") and r["cuentas"]  # cada persona entró con su cuenta
    assert r["errores"] == 0, r["ejemplos_error"]
    assert r["confirmados"] > 0 and r["tipos"]["guardado"]["n"] >= r["confirmados"]
    assert all(r["tipos"][t]["n"] > 0 for t in ("lectura", "sondeo")), r["tipos"]
    assert r["pdf"] == 0.3 and r["tipos"]["pdf"]["n"] + r["tipos"]["descarga"]["n"] > 0  # con --pdf, PDF de verdad
    # Con una persona por acuerdo no hay guardados cruzados: la única pérdida es la del sabotaje.
    assert r["perdidas"] == 1, r["detalle_perdidas"]
    assert "Valor puesto a espaldas del servidor" in r["detalle_perdidas"][0]
    assert r["pedidos"] == sum(t["n"] for t in r["tipos"].values())
    assert not r["traza_en_registro"]
    assert "| ediciones perdidas en silencio | 1 " in hecho.stdout and "¿cumple?" in hecho.stdout


def test_el_formulario_enviado_es_el_del_navegador(tmp_path):
    """Leer «Actores» y enviarlo tal cual no cambia nada: el bench escribe solo su campo."""
    import acuerdo_docs as ad

    c = cliente(tmp_path)
    almacen = c.app.app.state.acuerdo.almacen
    datos = ad.ejemplo_acuerdo().model_dump(mode="json", exclude_none=True)
    id_borrador = almacen.crear("acuerdo", datos, "x", 0)
    seccion = f"/borradores/{id_borrador}/seccion/actores"
    antes = c.get(f"/borradores/{id_borrador}/exportar").json()
    pares = bench_servidor.pares_del_formulario(c.get(seccion).text, seccion)
    assert dict(pares)["_csrf"] == csrf(c) and "actores.5.entidad" in dict(pares)
    r = c.post(seccion, data=dict([*pares, ("_accion", "guardar")]), follow_redirects=False)
    assert r.status_code == 303
    assert c.get(f"/borradores/{id_borrador}/exportar").json() == antes


class _Respuesta:
    def __init__(self, estado: int, texto: str = "") -> None:
        self.status_code = estado
        self.text = texto


def test_perdida_contada_una_vez_y_conflicto_no_es_perdida():
    cuentas = bench_servidor.Cuentas()
    editor = bench_servidor.Editor(7, "http://127.0.0.1:1", {}, 1, 2, cuentas, 0)
    campo = "actores.2.rol"
    editor.verificar([(campo, "cualquiera")], "antes de escribir")  # aún no escribió: nada que exigir
    assert cuentas.perdidas == 0
    formulario = f'<form method="post" action="{editor.seccion}"><input name="{campo}" value="viejo"></form>'
    respuestas = iter([_Respuesta(200, formulario), _Respuesta(303)])
    editor._pedir = lambda *_a, **_k: next(respuestas)  # type: ignore[method-assign]
    editor.guardar()
    assert cuentas.confirmados == 1 and editor.esperados == {"Rol de la persona 7, cambio 1"}
    editor.verificar([(campo, "Rol de la persona 7, cambio 1")], "al leer")
    assert cuentas.perdidas == 0
    editor.verificar([(campo, "otro")], "al leer")
    editor.verificar([(campo, "otro")], "al leer")
    assert cuentas.perdidas == 1  # la misma pérdida no se cuenta dos veces
    escrito = formulario.replace("viejo", "Rol de la persona 7, cambio 2")  # el 409 conserva lo escrito
    respuestas = iter([_Respuesta(200, formulario.replace("viejo", "otro")), _Respuesta(409, escrito)])
    editor.guardar()
    assert cuentas.conflictos == 1 and cuentas.perdidas == 1 and editor.esperados == {"otro"}
    assert sum(cuentas.errores.values()) == 0
    respuestas = iter([_Respuesta(200, formulario.replace("viejo", "otro")), _Respuesta(409, formulario)])
    editor.guardar()  # un 409 que no conserva lo escrito es un error
    assert cuentas.conflictos == 2 and cuentas.errores["guardado"] == 1
    respuestas = iter([_Respuesta(200, formulario.replace("viejo", "otro")), None])  # sin respuesta
    editor.guardar()
    assert editor.esperados == {"otro", "Rol de la persona 7, cambio 4"}  # pudo quedar o no: ambas valen
    editor.cliente.close()
