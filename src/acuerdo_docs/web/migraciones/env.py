"""Entorno de Alembic: la conexión la pone ``bd.migrar`` (nunca un alembic.ini con una URL)."""

from __future__ import annotations

from alembic import context

from acuerdo_docs.web.bd import Base

conexion = context.config.attributes["connection"]
context.configure(
    connection=conexion,
    target_metadata=Base.metadata,
    render_as_batch=conexion.dialect.name == "sqlite",  # SQLite no altera columnas: copia la tabla
)
with context.begin_transaction():
    context.run_migrations()
