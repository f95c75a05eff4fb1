"""Cuentas: usuarios, equipos, miembros, sesiones y ajustes; cada borrador pasa a ser de un equipo.

Los borradores que ya había quedan en el equipo «General» (el de siempre en el modo local de una persona).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "equipos",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nombre", sa.String(80), nullable=False, unique=True),
    )
    op.create_table(
        "usuarios",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nombre", sa.String(80), nullable=False, unique=True),
        sa.Column("clave", sa.String(255), nullable=False),
        sa.Column("rol", sa.String(16), nullable=False),
        sa.Column("activo", sa.Boolean(), nullable=False),
        sa.Column("creado", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "miembros",
        sa.Column("usuario_id", sa.Integer(), sa.ForeignKey("usuarios.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("equipo_id", sa.Integer(), sa.ForeignKey("equipos.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "sesiones",
        sa.Column("huella", sa.String(64), primary_key=True),
        sa.Column("usuario_id", sa.Integer(), sa.ForeignKey("usuarios.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("creada", sa.DateTime(), nullable=False),
        sa.Column("vence", sa.DateTime(), nullable=False),
        sa.Column("ultima", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_sesiones_usuario_id", "sesiones", ["usuario_id"])
    op.create_table(
        "ajustes",
        sa.Column("clave", sa.String(64), primary_key=True),
        sa.Column("valor", sa.String(255), nullable=False),
    )
    op.execute("INSERT INTO equipos (nombre) VALUES ('General')")
    with op.batch_alter_table("borradores") as tabla:
        tabla.add_column(sa.Column("equipo_id", sa.Integer(), nullable=True))
    op.execute("UPDATE borradores SET equipo_id = (SELECT id FROM equipos WHERE nombre = 'General')")
    with op.batch_alter_table("borradores") as tabla:
        tabla.alter_column("equipo_id", existing_type=sa.Integer(), nullable=False)
        tabla.create_foreign_key("fk_borradores_equipo_id", "equipos", ["equipo_id"], ["id"])
        tabla.create_index("ix_borradores_equipo_id", ["equipo_id"])


def downgrade() -> None:
    with op.batch_alter_table("borradores") as tabla:
        tabla.drop_index("ix_borradores_equipo_id")
        tabla.drop_constraint("fk_borradores_equipo_id", type_="foreignkey")
        tabla.drop_column("equipo_id")
    op.drop_table("ajustes")
    op.drop_index("ix_sesiones_usuario_id", "sesiones")
    op.drop_table("sesiones")
    op.drop_table("miembros")
    op.drop_table("usuarios")
    op.drop_table("equipos")
