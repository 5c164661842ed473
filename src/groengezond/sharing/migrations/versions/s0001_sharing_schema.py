"""Sharing schema: shared scenarios and their versions.

Revision ID: s0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "s0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create the sharing tables."""
    op.create_table(
        "sharing_scenarios",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("owner_key_hash", sa.String(length=64), nullable=True),
        sa.Column("owner_staff", sa.String(length=100), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("latest_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("visibility in ('public', 'unlisted', 'private')",
                           name=op.f("ck_sharing_scenarios_visibility")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_scenarios")),
    )
    op.create_index(op.f("ix_sharing_scenarios_owner_key_hash"), "sharing_scenarios",
                    ["owner_key_hash"], unique=False)
    op.create_table(
        "sharing_versions",
        sa.Column("scenario_id", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["scenario_id"], ["sharing_scenarios.id"],
                                name=op.f("fk_sharing_versions_scenario_id_sharing_scenarios"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("scenario_id", "version", name=op.f("pk_sharing_versions")),
    )


def downgrade() -> None:
    """Drop the sharing tables."""
    op.drop_table("sharing_versions")
    op.drop_index(op.f("ix_sharing_scenarios_owner_key_hash"), table_name="sharing_scenarios")
    op.drop_table("sharing_scenarios")
