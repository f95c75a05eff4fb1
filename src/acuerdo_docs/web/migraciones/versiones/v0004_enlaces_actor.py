"""Enlaces de validación de los actores y el secreto que los firma.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enlaces_actor",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("clave", sa.String(32), nullable=False, unique=True),
        sa.Column("borrador_id", sa.Integer(), sa.ForeignKey("borradores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=False),
        sa.Column("creado", sa.DateTime(), nullable=False),
        sa.Column("vence", sa.DateTime(), nullable=False),
        sa.Column("revocado", sa.DateTime(), nullable=True),
        sa.Column("usado", sa.DateTime(), nullable=True),
        sa.Column("creado_por", sa.String(120), nullable=False),
    )
    op.create_index("ix_enlaces_actor_borrador_id", "enlaces_actor", ["borrador_id"])
    op.create_table(
        "secretos",
        sa.Column("nombre", sa.String(40), primary_key=True),
        sa.Column("valor", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("secretos")
    op.drop_index("ix_enlaces_actor_borrador_id", "enlaces_actor")
    op.drop_table("enlaces_actor")
