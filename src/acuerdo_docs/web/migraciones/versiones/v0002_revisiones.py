"""Historial: una revisión inmutable por guardado (quién, cuándo, de dónde, los datos completos).

Cada borrador que ya existía recibe una revisión con su estado actual (origen «migracion»), para que
el historial y el bloqueo optimista partan de algo.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revisiones",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("borrador_id", sa.Integer(), sa.ForeignKey("borradores.id", ondelete="CASCADE"), nullable=False),
        sa.Column("numero", sa.Integer(), nullable=False),
        sa.Column("autor", sa.String(120), nullable=False),
        sa.Column("momento", sa.DateTime(), nullable=False),
        sa.Column("origen", sa.String(40), nullable=False),
        sa.Column("detalle", sa.String(300), nullable=False),
        sa.Column("version_esquema", sa.Integer(), nullable=False),
        sa.Column("datos", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=False),
        sa.UniqueConstraint("borrador_id", "numero", name="uq_revisiones_borrador_numero"),
    )
    op.create_index("ix_revisiones_borrador_id", "revisiones", ["borrador_id"])
    op.execute(
        "INSERT INTO revisiones (borrador_id, numero, autor, momento, origen, detalle, version_esquema, datos) "
        "SELECT id, version, '(migración de la base)', modificado, 'migracion', 'historial activado', version_esquema, datos "
        "FROM borradores"
    )


def downgrade() -> None:
    op.drop_index("ix_revisiones_borrador_id", "revisiones")
    op.drop_table("revisiones")
