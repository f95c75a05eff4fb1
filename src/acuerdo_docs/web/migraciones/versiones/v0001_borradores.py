"""Tabla de borradores (fichas y acuerdos).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "borradores",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tipo", sa.String(16), nullable=False),
        sa.Column("titulo", sa.String(300), nullable=False),
        sa.Column("datos", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.Column("version_esquema", sa.Integer(), nullable=False),
        sa.Column("errores", sa.Integer(), nullable=False),
        sa.Column("creado", sa.DateTime(), nullable=False),
        sa.Column("modificado", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_borradores_modificado", "borradores", ["modificado"])


def downgrade() -> None:
    op.drop_index("ix_borradores_modificado", "borradores")
    op.drop_table("borradores")
