#!/usr/bin/env bash
# Instala acuerdo_docs en un entorno virtual propio (.venv/) y escribe los ejemplos en salidas_ejemplo/.
# No toca el Python del sistema: funciona donde «pip install» se rechaza (PEP 668, Debian/Ubuntu).
#   bash instalar.sh            biblioteca y órdenes, y los ejemplos
#   bash instalar.sh --pruebas  además las dependencias de prueba (lo usa .ci/run); sin ejemplos
#   bash instalar.sh --docs     además MkDocs, para ver docs/ como sitio (.venv/bin/mkdocs serve)
#   PYTHON=python3.12 bash instalar.sh   con otro Python (por omisión, el python3 del PATH; 3.11 o más)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
ENTORNO=".venv"
PRUEBAS=0
EXTRA=""
case "${1:-}" in
  --pruebas) PRUEBAS=1 ;;
  --docs) EXTRA="[docs]" ;;
  "") ;;
  *) echo "Error: opción desconocida ${1}; use: bash instalar.sh [--pruebas | --docs]" >&2; exit 2 ;;
esac

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "Error: no se encontró $PYTHON; instale Python 3.11 o superior" >&2
  exit 2
fi
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "Error: acuerdo_docs necesita Python 3.11 o superior ($("$PYTHON" --version 2>&1))" >&2
  exit 2
fi

crear_entorno() {
  rm -rf "$ENTORNO"
  "$PYTHON" -m venv "$ENTORNO" >/dev/null 2>&1
}

# Un entorno que ya funciona se reutiliza; si no, se crea (Debian separa venv/ensurepip en python3-venv).
if ! "$ENTORNO/bin/python" -m pip --version >/dev/null 2>&1; then
  if ! crear_entorno; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Instalando python3-venv con apt-get…"
      VERSION="$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq python3-venv >/dev/null
      apt-get install -y -qq "python${VERSION}-venv" >/dev/null 2>&1 || true
      crear_entorno || { echo "Error: no se pudo crear el entorno virtual $ENTORNO" >&2; exit 2; }
    else
      echo "Error: falta el módulo venv de Python; instálelo con: sudo apt-get install python3-venv" >&2
      exit 2
    fi
  fi
fi

PIP=("$ENTORNO/bin/python" -m pip install --quiet --disable-pip-version-check)
if [ "$PRUEBAS" -eq 1 ]; then
  "${PIP[@]}" -e '.[test,web]'
  exit 0
fi
"${PIP[@]}" -e ".$EXTRA"
"$ENTORNO/bin/acuerdo-docs" ejemplo -o salidas_ejemplo/
echo
echo "Listo. Para usar las órdenes: source $ENTORNO/bin/activate && acuerdo-docs --help"
if [ -n "$EXTRA" ]; then
  echo "El manual como sitio: $ENTORNO/bin/mkdocs serve   (o $ENTORNO/bin/mkdocs build --strict)"
fi
