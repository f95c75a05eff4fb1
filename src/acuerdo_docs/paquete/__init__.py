"""El paquete Word/Excel (zip de Office) en bruto: la capa más baja del trabajo con archivos.

- :mod:`.escritor`: el único escritor de zip (fechas y permisos fijos; reutiliza miembros ya comprimidos).
- :mod:`.seguridad`: la única comprobación de un zip que llega de fuera (tamaños, proporción, partes, DTD).
- :mod:`.espacios`: espacios de nombres y tipos de relación, tomados de python-docx.

No importa nada del proyecto salvo :mod:`acuerdo_docs.errores`: los lectores y la salida la usan por igual.
"""
