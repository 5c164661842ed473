"""Programme schema: projects, budget lines, IATI results/indicators/periods, milestones,
risks, lessons (knowledge base), members (roles) and the audit trail.

Revision ID: p0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "p0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create every programme table."""
    op.create_table(
        "programme_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_key", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_audit")),
    )
    op.create_table(
        "programme_lessons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("area_code", sa.String(length=32), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("catalogue_entry", sa.String(length=100), nullable=False),
        sa.Column("project_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_lessons")),
    )
    op.create_index(
        op.f("ix_programme_lessons_area_code"), "programme_lessons", ["area_code"], unique=False
    )
    op.create_index(
        op.f("ix_programme_lessons_catalogue_entry"),
        "programme_lessons",
        ["catalogue_entry"],
        unique=False,
    )
    op.create_table(
        "programme_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("project_code", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_members")),
        sa.UniqueConstraint("username", "role", "project_code", name="one_role"),
    )
    op.create_index(
        op.f("ix_programme_members_username"), "programme_members", ["username"], unique=False
    )
    op.create_table(
        "programme_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("track", sa.String(length=100), nullable=False),
        sa.Column("module", sa.String(length=100), nullable=False),
        sa.Column("lead", sa.String(length=200), nullable=False),
        sa.Column("lead_user", sa.String(length=100), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("catalogue", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_programme_projects_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_projects")),
        sa.UniqueConstraint("code", name=op.f("uq_programme_projects_code")),
    )
    op.create_table(
        "programme_budget_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("committed_eur", sa.Float(), nullable=False),
        sa.Column("spent_eur", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "committed_eur >= 0 AND spent_eur >= 0",
            name=op.f("ck_programme_budget_lines_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["programme_projects.id"],
            name=op.f("fk_programme_budget_lines_project_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_budget_lines")),
    )
    op.create_index(
        op.f("ix_programme_budget_lines_project_id"),
        "programme_budget_lines",
        ["project_id"],
        unique=False,
    )
    op.create_table(
        "programme_milestones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["programme_projects.id"],
            name=op.f("fk_programme_milestones_project_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_milestones")),
    )
    op.create_index(
        op.f("ix_programme_milestones_project_id"),
        "programme_milestones",
        ["project_id"],
        unique=False,
    )
    op.create_table(
        "programme_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["programme_projects.id"],
            name=op.f("fk_programme_results_project_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_results")),
    )
    op.create_index(
        op.f("ix_programme_results_project_id"), "programme_results", ["project_id"], unique=False
    )
    op.create_table(
        "programme_risks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("likelihood", sa.Integer(), nullable=False),
        sa.Column("impact", sa.Integer(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "likelihood BETWEEN 1 AND 5 AND impact BETWEEN 1 AND 5",
            name=op.f("ck_programme_risks_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["programme_projects.id"],
            name=op.f("fk_programme_risks_project_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_risks")),
    )
    op.create_index(
        op.f("ix_programme_risks_project_id"), "programme_risks", ["project_id"], unique=False
    )
    op.create_table(
        "programme_indicators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("measure", sa.String(length=100), nullable=False),
        sa.Column("ascending", sa.Boolean(), nullable=False),
        sa.Column("baseline_year", sa.Integer(), nullable=True),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("monitor_indicator", sa.String(length=100), nullable=False),
        sa.Column("monitor_area", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["programme_results.id"],
            name=op.f("fk_programme_indicators_result_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_indicators")),
    )
    op.create_index(
        op.f("ix_programme_indicators_result_id"),
        "programme_indicators",
        ["result_id"],
        unique=False,
    )
    op.create_table(
        "programme_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("actual", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["programme_indicators.id"],
            name=op.f("fk_programme_periods_indicator_id"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_periods")),
        sa.UniqueConstraint("indicator_id", "period", name="one_per_period"),
    )
    op.create_index(
        op.f("ix_programme_periods_indicator_id"),
        "programme_periods",
        ["indicator_id"],
        unique=False,
    )


def downgrade() -> None:
    """Drop every programme table."""
    op.drop_index(op.f("ix_programme_periods_indicator_id"), table_name="programme_periods")
    op.drop_table("programme_periods")
    op.drop_index(op.f("ix_programme_indicators_result_id"), table_name="programme_indicators")
    op.drop_table("programme_indicators")
    op.drop_index(op.f("ix_programme_risks_project_id"), table_name="programme_risks")
    op.drop_table("programme_risks")
    op.drop_index(op.f("ix_programme_results_project_id"), table_name="programme_results")
    op.drop_table("programme_results")
    op.drop_index(op.f("ix_programme_milestones_project_id"), table_name="programme_milestones")
    op.drop_table("programme_milestones")
    op.drop_index(op.f("ix_programme_budget_lines_project_id"), table_name="programme_budget_lines")
    op.drop_table("programme_budget_lines")
    op.drop_table("programme_projects")
    op.drop_index(op.f("ix_programme_members_username"), table_name="programme_members")
    op.drop_table("programme_members")
    op.drop_index(op.f("ix_programme_lessons_catalogue_entry"), table_name="programme_lessons")
    op.drop_index(op.f("ix_programme_lessons_area_code"), table_name="programme_lessons")
    op.drop_table("programme_lessons")
    op.drop_table("programme_audit")
