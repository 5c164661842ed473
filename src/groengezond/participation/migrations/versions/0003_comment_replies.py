"""Official replies of the municipality to residents' comments (one per comment).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

T = "participation_comment_replies"


def upgrade() -> None:
    """Create the replies table."""
    op.create_table(
        T,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["participation_comments.id"],
                                name=f"fk_{T}_comment_id", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["author_id"], ["participation_users.id"],
                                name=f"fk_{T}_author_id", ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{T}"),
        sa.UniqueConstraint("comment_id", name=f"uq_{T}_comment_id"),
    )


def downgrade() -> None:
    """Drop the replies table (the replies are lost)."""
    op.drop_table(T)
