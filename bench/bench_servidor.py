"""Carga del servidor de oficina: 50 personas a la vez durante 60 s contra ``acuerdo-docs web`` en PostgreSQL.

    python bench/bench_servidor.py                 # 50 usuarios, 10 acuerdos, 60 s (PostgreSQL desechable)
    python bench/bench_servidor.py --rapido        # 6 usuarios, 3 acuerdos, 5 s: comprobar que corre

El servidor es la orden de verdad (``acuerdo-docs web --bd postgresql+psycopg://…``, un proceso aparte) y
PostgreSQL un clúster desechable como el de las pruebas (tests/apoyo_postgres.py); ``--bd URL`` usa otra
base (p. ej. ``sqlite:///…`` para comparar). Cada acuerdo tiene una vista de la reunión de inicio abierta
que pregunta cada segundo (``reunion/estado``, 204 si nada cambió) y varias personas que lo editan a la vez:
cada una, con una pausa de ``--pausa`` s (de 0,5 a 1,5 veces), lee una página, guarda o descarga el Word
(con ``--pdf PARTE``, esa parte de las descargas pide el PDF/A al LibreOffice del servidor).

Ediciones perdidas: cada persona es dueña de un campo (el rol de «su» actor) y escribe en él un valor
conocido con el formulario entero de «Actores», como el navegador. Cada vez que vuelve a abrir el
formulario, y al final, comprueba que su campo tiene lo último que el servidor le confirmó (303); un 409
es un conflicto explícito (se le dijo) y no es una pérdida, si la página del conflicto conserva lo escrito
(si no, cuenta como error). Lo que no coincide sin que nadie se lo
dijera es una pérdida silenciosa. ``--sabotear N`` pisa N de esos campos directo en la base al terminar
(a espaldas del servidor), para comprobar que el conteo las ve.

Informa p95 y mediana por tipo de pedido, errores, conflictos, pérdidas, pedidos por segundo y el RSS pico
del árbol de procesos del servidor, con la carga media de la máquina; al final, la tabla en Markdown con
las metas y «¿cumple?» (la de docs/rendimiento.md). ``--json ARCHIVO`` guarda las cifras.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

RAIZ = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(RAIZ / "tests"))  # el clúster desechable y el servidor de las pruebas

from bench_web import poblar  # noqa: E402
from memoria import PicoRss  # noqa: E402

TIPOS = ("lectura", "guardado", "descarga", "pdf", "sondeo")
METAS_MS = {"lectura": 1000.0, "guardado": 1000.0, "descarga": 3000.0, "pdf": 10000.0, "sondeo": 1000.0}
"""p95 aceptable con la oficina entera conectada: una página o un guardado en menos de 1 s, el Word en 3 s."""
META_RSS_MB = 300.0
PESOS = {"lectura": 0.45, "guardado": 0.35, "descarga": 0.20}
"""Lo que hace cada persona que edita, en cada vuelta (la vista de la reunión va aparte)."""
CLAVE = "clave-del-bench-de-carga"
"""La contraseña de las cuentas que crea ``--cuentas`` (base desechable)."""
INTERVALO_SONDEO = 1.0
"""Como la vista de la reunión (web/reunion.py: INTERVALO = «1s»)."""


# ------------------------------------------------------------------ formulario, como el navegador


class _Formulario(HTMLParser):
    """Los pares (nombre, valor) que enviaría el navegador con el formulario ``accion`` (sin botones)."""

    def __init__(self, accion: str) -> None:
        super().__init__(convert_charrefs=True)
        self.accion = accion
        self.dentro = False
        self.pares: list[tuple[str, str]] = []
        self._texto: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[tuple[str, bool]]] | None = None
        self._opcion: tuple[str | None, bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("action") == self.accion:
            self.dentro = True
        if not self.dentro or "disabled" in a:
            return
        nombre = a.get("name", "")
        if tag == "input" and nombre:
            tipo = a.get("type", "text").lower()
            if tipo in ("submit", "button", "reset", "image", "file"):
                return
            if tipo in ("checkbox", "radio"):
                if "checked" in a:
                    self.pares.append((nombre, a.get("value") or "on"))
                return
            self.pares.append((nombre, a.get("value", "")))
        elif tag == "textarea" and nombre:
            self._texto = (nombre, [])
        elif tag == "select" and nombre:
            self._select = (nombre, [])
        elif tag == "option" and self._select is not None:
            self._opcion = (a.get("value") if "value" in a else None, "selected" in a, [])

    def handle_data(self, data: str) -> None:
        if self._texto is not None:
            self._texto[1].append(data)
        if self._opcion is not None:
            self._opcion[2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.dentro:
            self.dentro = False
        elif tag == "textarea" and self._texto is not None:
            texto = "".join(self._texto[1])
            self.pares.append((self._texto[0], texto[1:] if texto.startswith("\n") else texto))
            self._texto = None
        elif tag == "option" and self._opcion is not None and self._select is not None:
            valor, elegida, texto = self._opcion
            self._select[1].append((valor if valor is not None else "".join(texto).strip(), elegida))
            self._opcion = None
        elif tag == "select" and self._select is not None:
            nombre, opciones = self._select
            elegidas = [v for v, e in opciones if e] or [v for v, _ in opciones[:1]]
            self.pares.extend((nombre, v) for v in elegidas[:1])
            self._select = None


def pares_del_formulario(html: str, accion: str) -> list[tuple[str, str]]:
    lector = _Formulario(accion)
    lector.feed(html)
    return lector.pares


# ------------------------------------------------------------------ cuentas


def p95(valores: list[float]) -> float:
    if not valores:
        return 0.0
    return statistics.quantiles(valores, n=20, method="inclusive")[-1] if len(valores) >= 2 else valores[0]


@dataclass
class Cuentas:
    """Lo que pasó en la corrida, sumado por todos los hilos (con candado)."""

    tiempos: dict[str, list[float]] = field(default_factory=lambda: {t: [] for t in TIPOS})
    errores: dict[str, int] = field(default_factory=lambda: {t: 0 for t in TIPOS})
    ejemplos_error: list[str] = field(default_factory=list)
    confirmados: int = 0
    conflictos: int = 0
    perdidas: int = 0
    detalle_perdidas: list[str] = field(default_factory=list)
    candado: threading.Lock = field(default_factory=threading.Lock)

    def tiempo(self, tipo: str, ms: float) -> None:
        with self.candado:
            self.tiempos[tipo].append(ms)

    def error(self, tipo: str, texto: str) -> None:
        with self.candado:
            self.errores[tipo] += 1
            if len(self.ejemplos_error) < 10:
                self.ejemplos_error.append(f"{tipo}: {texto}")

    def perdida(self, texto: str) -> None:
        with self.candado:
            self.perdidas += 1
            if len(self.detalle_perdidas) < 10:
                self.detalle_perdidas.append(texto)


# ------------------------------------------------------------------ personas simuladas


class Editor:
    """Una persona que edita un acuerdo: dueña del rol del actor ``actor`` en el borrador ``borrador``."""

    def __init__(self, numero: int, base: str, cookies: dict[str, str], borrador: int, actor: int,
                 cuentas: Cuentas, pausa: float, pdf: float = 0.0) -> None:
        import httpx

        self.numero = numero
        self.cliente = httpx.Client(base_url=base, cookies=cookies, timeout=60)
        self.borrador = borrador
        self.actor = actor
        self.campo = f"actores.{actor}.rol"
        self.cuentas = cuentas
        self.pausa = pausa
        self.pdf = pdf  # la parte de las descargas que piden el PDF (LibreOffice del servidor)
        self.azar = random.Random(numero)
        self.escritos = 0
        self.esperados: set[str] | None = None  # None: aún no escribió; si no, lo que puede haber (confirmado)

    @property
    def seccion(self) -> str:
        return f"/borradores/{self.borrador}/seccion/actores"

    def _pedir(self, tipo: str, metodo: str, ruta: str, **kwargs: Any) -> Any:
        inicio = time.perf_counter()
        try:
            respuesta = self.cliente.request(metodo, ruta, **kwargs)
        except Exception as exc:  # noqa: BLE001 - todo fallo de red cuenta como error
            self.cuentas.error(tipo, f"{metodo} {ruta}: {type(exc).__name__}")
            return None
        self.cuentas.tiempo(tipo, (time.perf_counter() - inicio) * 1000)
        return respuesta

    def verificar(self, pares: list[tuple[str, str]], cuando: str) -> None:
        """Lo que el formulario muestra en mi campo debe ser lo último que me confirmaron."""
        if self.esperados is None:
            return
        valor = dict(pares).get(self.campo)
        if valor not in self.esperados:
            self.cuentas.perdida(f"usuario {self.numero} ({cuando}): esperaba {sorted(self.esperados)}, "
                                 f"hay {valor!r}")
            self.esperados = {str(valor)}  # la pérdida se cuenta una vez

    def leer_formulario(self, tipo: str, cuando: str) -> list[tuple[str, str]] | None:
        r = self._pedir(tipo, "GET", self.seccion)
        if r is None:
            return None
        if r.status_code != 200:
            self.cuentas.error(tipo, f"GET {self.seccion}: {r.status_code}")
            return None
        pares = pares_del_formulario(r.text, self.seccion)
        self.verificar(pares, cuando)
        return pares

    def guardar(self) -> None:
        pares = self.leer_formulario("lectura", "al abrir el formulario")
        if pares is None:
            return
        self.escritos += 1
        valor = f"Rol de la persona {self.numero}, cambio {self.escritos}"
        enviados = [(k, valor if k == self.campo else v) for k, v in pares if k != "_accion"]
        cuerpo = urlencode([*enviados, ("_accion", "guardar")]).encode()
        r = self._pedir("guardado", "POST", self.seccion, content=cuerpo,
                        headers={"content-type": "application/x-www-form-urlencoded"})
        if r is None:  # sin respuesta: pudo quedar guardado o no
            self.esperados = (self.esperados or set()) | {valor}
        elif r.status_code == 303:
            with self.cuentas.candado:
                self.cuentas.confirmados += 1
            self.esperados = {valor}
        elif r.status_code == 409:  # conflicto explícito: se le dijo, no es una pérdida
            with self.cuentas.candado:
                self.cuentas.conflictos += 1
            if dict(pares_del_formulario(r.text, self.seccion)).get(self.campo) != valor:
                self.cuentas.error("guardado", f"409 sin lo escrito en {self.campo}")  # debía conservarlo
        else:
            self.cuentas.error("guardado", f"POST {self.seccion}: {r.status_code}")

    def leer(self) -> None:
        opcion = self.azar.random()
        if opcion < 0.4:
            self.leer_formulario("lectura", "al leer")
            return
        ruta = f"/borradores/{self.borrador}" if opcion < 0.8 else "/"
        r = self._pedir("lectura", "GET", ruta)
        if r is not None and r.status_code != 200:
            self.cuentas.error("lectura", f"GET {ruta}: {r.status_code}")

    def descargar(self) -> None:
        tipo, documento, firma = ("pdf", "pdf", b"%PDF") if self.azar.random() < self.pdf else ("descarga", "word", b"PK")
        ruta = f"/borradores/{self.borrador}/descargar/{documento}"
        r = self._pedir(tipo, "GET", ruta)
        if r is not None and (r.status_code != 200 or not r.content.startswith(firma)):
            self.cuentas.error(tipo, f"GET {ruta}: {r.status_code}")

    def correr(self, hasta: float) -> None:
        acciones = list(PESOS)
        pesos = list(PESOS.values())
        while time.monotonic() < hasta:
            time.sleep(self.pausa * self.azar.uniform(0.5, 1.5))
            if time.monotonic() >= hasta:
                break
            accion = self.azar.choices(acciones, pesos)[0]
            {"lectura": self.leer, "guardado": self.guardar, "descarga": self.descargar}[accion]()


class Proyector:
    """La vista de la reunión de inicio abierta en un proyector: pregunta cada segundo si algo cambió."""

    def __init__(self, base: str, cookies: dict[str, str], borrador: int, cuentas: Cuentas) -> None:
        import httpx

        self.cliente = httpx.Client(base_url=base, cookies=cookies, timeout=60)
        self.borrador = borrador
        self.cuentas = cuentas
        self.version = "0"

    def correr(self, hasta: float) -> None:
        while time.monotonic() < hasta:
            ruta = f"/borradores/{self.borrador}/reunion/estado?version={self.version}"
            inicio = time.perf_counter()
            try:
                r = self.cliente.get(ruta, headers={"HX-Request": "true"})
            except Exception as exc:  # noqa: BLE001
                self.cuentas.error("sondeo", f"GET {ruta}: {type(exc).__name__}")
            else:
                self.cuentas.tiempo("sondeo", (time.perf_counter() - inicio) * 1000)
                if r.status_code == 200:
                    m = re.search(r"version=(\d+)", r.text)
                    self.version = m.group(1) if m else self.version
                elif r.status_code != 204:
                    self.cuentas.error("sondeo", f"GET {ruta}: {r.status_code}")
            time.sleep(max(0.0, INTERVALO_SONDEO - (time.perf_counter() - inicio)))


# ------------------------------------------------------------------ preparación y corrida


def sabotear(url: str, editores: list[Editor], cuantos: int) -> None:
    """Pisa el campo de ``cuantos`` personas directo en la base: pérdidas que el servidor nunca vio."""
    from acuerdo_docs.web.bd import Almacen

    almacen = Almacen(url, migrar_al_iniciar=False)
    for editor in [e for e in editores if e.esperados is not None][:cuantos]:
        borrador = almacen.obtener(editor.borrador)
        assert borrador is not None
        datos = json.loads(json.dumps(borrador.datos))
        datos["actores"][editor.actor]["rol"] = "Valor puesto a espaldas del servidor"
        almacen.guardar(editor.borrador, datos, borrador.titulo, borrador.errores)
    almacen.motor.dispose()


def _sin_perder_fallos(correr: Any, hasta: float, cuentas: Cuentas) -> None:
    """Una persona simulada que falla por un error del bench cuenta como error (no muere callada en su hilo)."""
    try:
        correr(hasta)
    except Exception as exc:  # noqa: BLE001 - se informa en la tabla
        cuentas.error("lectura", f"una persona simulada se detuvo: {type(exc).__name__}: {exc}")


def crear_cuentas(url: str, editores: int, proyectores: int) -> None:
    """Una cuenta por persona (editoras y, de lectura, las vistas de la reunión), en el equipo «General»."""
    from acuerdo_docs.web.bd import crear_motor
    from acuerdo_docs.web.cuentas import Cuentas

    motor = crear_motor(url)
    registro = Cuentas(motor)
    for j in range(editores):
        registro.crear_usuario(f"persona{j}", "editor", CLAVE, ("General",))
    for i in range(proyectores):
        registro.crear_usuario(f"proyector{i}", "lector", CLAVE, ("General",))
    motor.dispose()


def entrar(servidor: Any, cliente: Any, nombre: str, cuentas: Cuentas) -> None:
    """Con cuentas, la persona entra por «Entrar» antes de empezar (no se mide: no es lo que se repite)."""
    if not servidor.cuentas:
        return
    try:
        servidor.entrar(cliente, nombre, CLAVE)
    except Exception as exc:  # noqa: BLE001 - una entrada fallida es un error de la corrida
        cuentas.error("lectura", f"entrar como {nombre}: {type(exc).__name__}")


def correr(usuarios: int, borradores: int, segundos: float, pausa: float, url: str, datos: Path,
           sabotaje: int = 0, con_cuentas: bool = False, pdf: float = 0.0) -> dict[str, Any]:
    from apoyo_servidor import ServidorWeb

    editores_por_acuerdo = (usuarios - borradores + borradores - 1) // borradores
    if usuarios <= borradores or editores_por_acuerdo > 6:
        raise SystemExit(f"con {borradores} acuerdos hacen falta entre {borradores + 1} y {borradores * 7} "
                         "usuarios (una vista de la reunión por acuerdo y hasta 6 personas, una por actor)")
    ids = poblar(url, borradores)[:-1]  # sin la ficha que añade bench_web
    if con_cuentas:
        crear_cuentas(url, usuarios - borradores, borradores)
    servidor = ServidorWeb(datos, url, cuentas=con_cuentas).iniciar()
    cuentas = Cuentas()
    try:
        cookies = servidor.cookies()
        proyectores = [Proyector(servidor.base, cookies, ids[i], cuentas) for i in range(borradores)]
        editores = [Editor(j, servidor.base, cookies, ids[j % borradores], j // borradores, cuentas, pausa, pdf)
                    for j in range(usuarios - borradores)]
        for i, proyector in enumerate(proyectores):
            entrar(servidor, proyector.cliente, f"proyector{i}", cuentas)
        for editor in editores:
            entrar(servidor, editor.cliente, f"persona{editor.numero}", cuentas)
        carga = [os.getloadavg()[0]]
        with PicoRss(servidor.pid) as memoria:
            inicio = time.monotonic()
            hasta = inicio + segundos
            hilos = [threading.Thread(target=_sin_perder_fallos, args=(p.correr, hasta, cuentas))
                     for p in [*proyectores, *editores]]
            for hilo in hilos:
                hilo.start()
            for hilo in hilos:
                hilo.join()
            duracion = time.monotonic() - inicio
        carga.append(os.getloadavg()[0])
        if sabotaje:
            sabotear(url, editores, sabotaje)
        for editor in editores:  # la comprobación final: lo confirmado sigue ahí
            editor.leer_formulario("lectura", "al final")
        for persona in [*proyectores, *editores]:
            persona.cliente.close()
    finally:
        servidor.detener()
    registro = servidor.salida()
    pedidos = sum(len(v) for v in cuentas.tiempos.values())
    return {
        "usuarios": usuarios, "borradores": borradores, "editores": len(editores), "proyectores": borradores,
        "segundos": round(duracion, 1), "pausa": pausa, "base": url.split(":", 1)[0], "cuentas": con_cuentas,
        "pdf": pdf,
        "maquina": f"{platform.node()}, {os.cpu_count()} núcleos, {platform.platform()}",
        "carga": [round(c, 2) for c in carga],
        "pedidos": pedidos, "por_segundo": round(pedidos / duracion, 1),
        "confirmados": cuentas.confirmados, "conflictos": cuentas.conflictos,
        "perdidas": cuentas.perdidas, "detalle_perdidas": cuentas.detalle_perdidas,
        "errores": sum(cuentas.errores.values()), "errores_por_tipo": cuentas.errores,
        "ejemplos_error": cuentas.ejemplos_error,
        "tipos": {t: {"n": len(v), "p95_ms": round(p95(v), 1),
                      "mediana_ms": round(statistics.median(v), 1) if v else 0.0,
                      "max_ms": round(max(v), 1) if v else 0.0} for t, v in cuentas.tiempos.items()},
        "rss_pico_mb": round(memoria.mb, 1),
        "traza_en_registro": "Traceback" in registro,
    }


def tabla(r: dict[str, Any]) -> str:
    def si(cumple: bool) -> str:
        return "sí" if cumple else "**no**"

    nombres = {"lectura": "lectura (lista de tareas, formulario, inicio)", "guardado": "guardado (formulario «Actores»)",
               "descarga": "descarga del acuerdo en Word", "pdf": "descarga del acuerdo en PDF/A (LibreOffice)",
               "sondeo": "sondeo de la vista de la reunión"}
    filas = ["| medida | resultado | meta | ¿cumple? |", "|---|---|---|---|"]
    for tipo, datos in r["tipos"].items():
        if tipo == "pdf" and not r["pdf"]:
            continue  # sin --pdf nadie pide el PDF
        filas.append(f"| {nombres[tipo]}: p95 | {datos['p95_ms']:.0f} ms (mediana {datos['mediana_ms']:.0f}, "
                     f"máx. {datos['max_ms']:.0f}; {datos['n']} pedidos) | ≤ {METAS_MS[tipo]:.0f} ms | "
                     f"{si(datos['n'] > 0 and datos['p95_ms'] <= METAS_MS[tipo])} |")
    filas += [
        f"| errores | {r['errores']} | 0 | {si(r['errores'] == 0)} |",
        f"| ediciones perdidas en silencio | {r['perdidas']} ({r['confirmados']} guardados confirmados, "
        f"{r['conflictos']} conflictos avisados) | 0 | {si(r['perdidas'] == 0)} |",
        f"| pedidos por segundo | {r['por_segundo']:.1f} ({r['pedidos']} en {r['segundos']:.0f} s) | | |",
        f"| RSS pico del servidor (árbol de procesos) | {r['rss_pico_mb']:.0f} MB | < {META_RSS_MB:.0f} MB | "
        f"{si(r['rss_pico_mb'] < META_RSS_MB)} |",
        f"| traza en el registro del servidor | {'sí' if r['traza_en_registro'] else 'no'} | no | "
        f"{si(not r['traza_en_registro'])} |",
    ]
    return "\n".join(filas)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--usuarios", type=int, default=50, help="personas a la vez (una vista de la reunión por "
                        "acuerdo y el resto editando); por omisión 50")
    parser.add_argument("--borradores", type=int, default=10, help="acuerdos que se editan a la vez (10)")
    parser.add_argument("--segundos", type=float, help="duración de la carga (60; con --rapido, 5)")
    parser.add_argument("--pausa", type=float, default=1.0, help="pausa media de cada persona entre acciones, en s (1)")
    parser.add_argument("--rapido", action="store_true", help="6 usuarios, 3 acuerdos, 5 s: solo comprobar que corre")
    parser.add_argument("--bd", metavar="URL", help="una base ya creada (p. ej. sqlite:///x.sqlite3) en vez del "
                        "PostgreSQL desechable")
    parser.add_argument("--sabotear", type=int, default=0, metavar="N",
                        help="pisa N campos directo en la base al terminar (comprueba que se cuentan las pérdidas)")
    parser.add_argument("--cuentas", action="store_true", help="el servidor con cuentas (--cuentas): cada persona "
                        "entra con su usuario y contraseña (editoras; las vistas de la reunión, de lectura)")
    parser.add_argument("--pdf", type=float, default=0.0, metavar="PARTE",
                        help="parte de las descargas que piden el PDF, de 0 a 1 (0): el LibreOffice del servidor "
                        "trabaja mientras los demás leen y guardan")
    parser.add_argument("--json", type=Path, metavar="ARCHIVO", help="guarda las cifras en JSON")
    args = parser.parse_args(argv)
    if not 0 <= args.pdf <= 1:
        parser.error("--pdf va de 0 a 1 (la parte de las descargas que piden el PDF)")
    if args.rapido:
        args.usuarios, args.borradores, args.pausa = 6, 3, 0.2
    if args.segundos is None:
        args.segundos = 5.0 if args.rapido else 60.0
    with tempfile.TemporaryDirectory(prefix="bench_servidor_") as temporal:
        cluster = None
        url = args.bd
        if url is None:
            from apoyo_postgres import ClusterPostgres, binarios_postgres

            binarios = binarios_postgres()
            if binarios is None:
                print("bench_servidor: no se encontró PostgreSQL (apt-get install postgresql)", file=sys.stderr)
                return 2
            cluster = ClusterPostgres(binarios)
            cluster.iniciar()
            url = cluster.base_nueva()
        try:
            resultado = correr(args.usuarios, args.borradores, args.segundos, args.pausa, url,
                               Path(temporal) / "datos", args.sabotear, args.cuentas, args.pdf)
        finally:
            if cluster is not None:
                cluster.detener()
    orden = "python bench/bench_servidor.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"bench_servidor: {resultado['usuarios']} usuarios ({resultado['editores']} editando, "
          f"{resultado['proyectores']} vistas de la reunión) sobre {resultado['borradores']} acuerdos, "
          f"{resultado['segundos']:.0f} s, pausa media {resultado['pausa']} s, base {resultado['base']}, "
          f"{'con cuentas' if resultado['cuentas'] else 'con token (una persona, sin cuentas)'}")
    print(f"máquina: {resultado['maquina']}; carga media {resultado['carga'][0]:.2f} → {resultado['carga'][1]:.2f}")
    print(f"orden: {orden.strip()}\n")
    print(tabla(resultado))
    for texto in resultado["ejemplos_error"]:
        print(f"  error: {texto}")
    for texto in resultado["detalle_perdidas"]:
        print(f"  pérdida: {texto}")
    if args.json:
        args.json.write_text(json.dumps(resultado, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
