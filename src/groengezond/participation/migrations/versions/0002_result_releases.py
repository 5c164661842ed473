"""Frozen releases of a field lab's residents' figures (published once the lab has closed).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

T = "participation_result_releases"


def upgrade() -> None:
    """Create the releases table."""
    op.create_table(
        T,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("field_lab_id", sa.Integer(), nullable=False),
        sa.Column("released_at", sa.DateTime(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["field_lab_id"], ["participation_field_labs.id"],
                                name=f"fk_{T}_field_lab_id", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{T}"),
        sa.UniqueConstraint("field_lab_id", name=f"uq_{T}_field_lab_id"),
    )


def downgrade() -> None:
    """Drop the releases table (published copies are lost; they are made again on demand)."""
    op.drop_table(T)
