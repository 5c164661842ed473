"""Intervention register: what was done, where, when, at what cost.

Revision ID: e0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "e0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

TABLE = "evaluation_interventions"


def upgrade() -> None:
    """Create the interventions table."""
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("catalogue_id", sa.String(64), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("completion_date", sa.Date(), nullable=True),
        sa.Column("cost_eur", sa.Float(), nullable=True),
        sa.Column("areas", sa.Text(), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("cost_eur IS NULL OR cost_eur >= 0", name=f"ck_{TABLE}_cost"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
    )


def downgrade() -> None:
    """Drop the interventions table."""
    op.drop_table(TABLE)
