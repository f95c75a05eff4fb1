"""Comprobaciones de archivos: la entrada antes de enviarla y el PDF antes de entregarlo."""

from __future__ import annotations

from pathlib import Path

from ...paquete.seguridad import ZipRechazado, abrir_zip

# Extensiones que son paquetes zip de Office: se revisan antes de enviarlas, porque LibreOffice
# abre como texto plano cualquier .docx que no sea zip y «convierte» basura sin quejarse.
_PAQUETES_OFFICE = {
    ".docx": "de Word", ".docm": "de Word", ".dotx": "de Word", ".dotm": "de Word",
    ".xlsx": "de Excel", ".xlsm": "de Excel", ".xltx": "de Excel", ".xltm": "de Excel",
}


def revisar_entrada(ruta: Path) -> str | None:
    """Un error en español si el archivo no se puede enviar a LibreOffice; ``None`` si sirve."""
    if not ruta.exists():
        return "No existe el archivo."
    if not ruta.is_file():
        return "No es un archivo."
    tipo = _PAQUETES_OFFICE.get(ruta.suffix.lower())
    if tipo is None:
        return None
    try:
        with abrir_zip(ruta) as paquete:
            nombres = set(paquete.namelist())
    except ZipRechazado:
        return f"El archivo está dañado o no es un documento {tipo} ({ruta.suffix.lower()} válido)."
    if "[Content_Types].xml" not in nombres:
        return f"El archivo está dañado o no es un documento {tipo} (le falta [Content_Types].xml)."
    return None


def error_pdf(ruta: Path) -> str | None:
    """Comprueba que el PDF está completo (cabecera y marca final %%EOF)."""
    try:
        tamano = ruta.stat().st_size
        with ruta.open("rb") as f:
            cabeza = f.read(5)
            f.seek(max(0, tamano - 1024))
            cola = f.read()
    except OSError:
        return "LibreOffice no produjo el PDF."
    if cabeza != b"%PDF-" or b"%%EOF" not in cola:
        return "LibreOffice produjo un PDF incompleto o inválido."
    return None
