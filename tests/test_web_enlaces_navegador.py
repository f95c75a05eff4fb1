"""Un actor valida su parte con su enlace en un navegador real (Chromium de Debian + axe).

El facilitador crea el enlace en su ventana; el actor lo abre en otro contexto (sin la cookie de la
app, como en su propio equipo), valida, y la vista de la reunión de inicio del facilitador lo cuenta.
La captura de la página del actor va a docs/img/web/actor.png con ACUERDO_DOCS_CAPTURAS=1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_web_navegador import Revisor, _pagina, navegador, revisor, servidor  # noqa: F401 (fixtures)

import acuerdo_docs as ad


def test_el_actor_valida_con_su_enlace_y_la_reunion_lo_cuenta(navegador: Any, servidor: str,  # noqa: F811
                                                              revisor: Revisor, tmp_path: Path) -> None:  # noqa: F811
    modelo = ad.ejemplo_acuerdo()
    pendiente = next(a for a in modelo.actores if not a.validado)
    otro = next(a for a in modelo.actores if a.id != pendiente.id)
    archivo = tmp_path / "acuerdo.json"
    archivo.write_text(json.dumps(modelo.model_dump(mode="json", exclude_none=True)), encoding="utf-8")
    page = _pagina(navegador, servidor, js=True)
    page.get_by_label("Archivo JSON de una ficha o un acuerdo").set_input_files(str(archivo))
    page.get_by_role("button", name="Importar JSON").click()
    page.get_by_role("heading", name="Lista de tareas").wait_for()
    direccion = page.url.split("?")[0]

    # El facilitador crea el enlace del actor pendiente.
    page.get_by_role("link", name="Enlaces para que cada actor valide su parte").click()
    page.get_by_role("heading", level=1, name="Enlaces de validación para los actores").wait_for()
    page.get_by_label("Actor", exact=True).select_option(pendiente.id)
    page.get_by_role("button", name="Crear enlace").click()
    page.get_by_role("status").filter(has_text="Se creó el enlace").wait_for()
    enlace = page.get_by_label(f"Enlace de {pendiente.entidad}").input_value()
    assert "/actor/" in enlace and "token" not in enlace
    revisor.revisar(page, "enlaces", captura=True)

    # El actor, en otro contexto (sin la cookie de la app), abre su enlace.
    contexto = navegador.new_context(locale="es-CO", viewport={"width": 1100, "height": 900})
    actor = contexto.new_page()
    actor.set_default_timeout(15000)
    respuesta = actor.goto(enlace)
    assert respuesta is not None and respuesta.status == 200
    actor.get_by_role("heading", level=1, name=f"{pendiente.entidad}: su participación").wait_for()
    texto = actor.locator("main").inner_text()
    assert "Esto no es una firma electrónica" in texto and pendiente.rol in texto
    assert otro.entidad not in texto and pendiente.representante not in texto
    revisor.revisar(actor, "actor_antes")
    actor.get_by_label("Comentario").fill("Contamos con dos personas del equipo de innovación.")
    actor.get_by_role("button", name="Valido mi participación").click()
    actor.get_by_role("status").filter(has_text="Su respuesta quedó registrada").wait_for()
    assert actor.get_by_role("button", name="Valido mi participación").count() == 0
    revisor.revisar(actor, "actor", captura=True)

    # La reunión de inicio del facilitador lo cuenta.
    page.goto(f"{direccion}/reunion")
    total, antes = len(modelo.actores), sum(a.validado for a in modelo.actores)
    assert page.locator("#contador").inner_text() == f"{antes + 1} de {total} actores validaron"
    assert "Validó su participación por su enlace" in page.locator(f"#actor-{modelo.actores.index(pendiente)}").inner_text()
    # Y la lista de enlaces lo dice «Usado».
    page.goto(f"{direccion}/enlaces")
    assert page.locator(".estado-enlace").first.inner_text().startswith("Usado")
    contexto.close()
    page.context.close()
