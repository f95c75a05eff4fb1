"""La app web (``acuerdo-docs web``): formularios, borradores y documentos en el navegador.

Una puerta delgada sobre la biblioteca, como ``cli/``: los campos, etiquetas, ayudas, reglas y
documentos salen de ``esquemas/`` y ``documentos/``; aquí solo se presentan. Necesita el extra
``pip install "acuerdo-docs[web]"`` (Starlette, uvicorn, SQLAlchemy, Alembic).

Módulos: ``app`` (rutas), ``seguridad`` (token, Host, CSRF, límites de cuerpo), ``acceso`` (con cuentas:
sesión, rol y equipo en cada pedido), ``cuentas`` (usuarios, equipos, sesiones), ``admin``, ``bd`` (borradores en
SQLite/PostgreSQL con migraciones Alembic), ``formulario`` (campos desde los modelos), ``nombres``
(nombres de campo del formulario ↔ rutas del modelo y de los errores), ``documentos`` (bytes que da la
biblioteca), ``servidor`` (lo que lanza la orden).
"""
