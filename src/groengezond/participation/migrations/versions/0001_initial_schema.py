"""Initial participation schema: staff, sessions, field labs, scenarios and resident input.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

USERS = "participation_users"
LABS = "participation_field_labs"
SCENARIOS = "participation_scenarios"
RESIDENTS = "participation_residents"


def _ts(name: str, nullable: bool = False) -> sa.Column[Any]:
    """A naive-UTC timestamp column (see ``models.UTCDateTime``)."""
    return sa.Column(name, sa.DateTime(), nullable=nullable)


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}",
                                   ondelete=ondelete)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _score(table: str, column: str, high: int) -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} BETWEEN 1 AND {high}", name=f"ck_{table}_{column}")


def upgrade() -> None:
    """Create every participation table."""
    op.create_table(
        USERS, _id(),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _ts("created_at"),
        sa.CheckConstraint(_in("role", ("admin", "planner", "moderator")),
                           name=f"ck_{USERS}_role"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{USERS}"),
        sa.UniqueConstraint("username", name=f"uq_{USERS}_username"),
    )
    t = "participation_sessions"
    op.create_table(
        t,
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_hash", sa.String(64), nullable=False),
        _ts("created_at"), _ts("expires_at"),
        _fk(t, "user_id", USERS, "CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_user_id", t, ["user_id"])
    op.create_table(
        LABS, _id(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("area_code", sa.String(16), nullable=False),
        sa.Column("geometry_wkt", sa.Text(), nullable=False),
        *(sa.Column(c, sa.Float(), nullable=False) for c in ("min_x", "min_y", "max_x", "max_y")),
        sa.Column("buurten", sa.JSON(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        _ts("created_at"), _ts("updated_at"),
        sa.CheckConstraint("closes_on >= opens_on", name=f"ck_{LABS}_period"),
        _fk(LABS, "created_by", USERS, "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{LABS}"),
    )
    op.create_table(
        SCENARIOS, _id(),
        sa.Column("field_lab_id", sa.Integer(), nullable=False),
        sa.Column("scenario_ref", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        _ts("published_at"),
        sa.Column("published_by", sa.Integer(), nullable=True),
        _ts("withdrawn_at", nullable=True),
        _fk(SCENARIOS, "field_lab_id", LABS, "CASCADE"),
        _fk(SCENARIOS, "published_by", USERS, "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{SCENARIOS}"),
        sa.UniqueConstraint("field_lab_id", "scenario_ref", name=f"uq_{SCENARIOS}_field_lab_id"),
    )
    op.create_index(f"ix_{SCENARIOS}_field_lab_id", SCENARIOS, ["field_lab_id"])
    op.create_table(
        RESIDENTS, _id(),
        sa.Column("field_lab_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _ts("created_at"),
        _fk(RESIDENTS, "field_lab_id", LABS, "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{RESIDENTS}"),
        sa.UniqueConstraint("token_hash", name=f"uq_{RESIDENTS}_token_hash"),
    )
    op.create_index(f"ix_{RESIDENTS}_field_lab_id", RESIDENTS, ["field_lab_id"])
    _create_input_tables()


def _create_input_tables() -> None:
    t = "participation_ratings"
    op.create_table(
        t, _id(),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        *(sa.Column(c, sa.SmallInteger(), nullable=False)
          for c in ("green", "health", "safety", "would_use")),
        sa.Column("client_key", sa.String(64), nullable=True),
        _ts("created_at"), _ts("updated_at"),
        *(_score(t, c, 5) for c in ("green", "health", "safety", "would_use")),
        _fk(t, "resident_id", RESIDENTS, "CASCADE"),
        _fk(t, "scenario_id", SCENARIOS, "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("resident_id", "client_key", name=f"uq_{t}_client_key"),
        sa.UniqueConstraint("scenario_id", "resident_id", name=f"uq_{t}_once"),
    )
    op.create_index(f"ix_{t}_scenario_id", t, ["scenario_id"])
    t = "participation_comments"
    op.create_table(
        t, _id(),
        sa.Column("field_lab_id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=True),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("x_rd", sa.Float(), nullable=False),
        sa.Column("y_rd", sa.Float(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("moderation_reason", sa.Text(), nullable=True),
        sa.Column("moderated_by", sa.Integer(), nullable=True),
        _ts("moderated_at", nullable=True),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=True),
        _ts("created_at"), _ts("updated_at"),
        sa.CheckConstraint(_in("category", ("idea", "concern", "question", "praise", "other")),
                           name=f"ck_{t}_category"),
        sa.CheckConstraint(_in("status", ("pending", "approved", "rejected", "hidden")),
                           name=f"ck_{t}_status"),
        _fk(t, "field_lab_id", LABS, "CASCADE"),
        _fk(t, "moderated_by", USERS, "SET NULL"),
        _fk(t, "resident_id", RESIDENTS, "CASCADE"),
        _fk(t, "scenario_id", SCENARIOS, "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("resident_id", "client_key", name=f"uq_{t}_client_key"),
    )
    op.create_index(f"ix_{t}_lab_status", t, ["field_lab_id", "status"])
    op.create_index(f"ix_{t}_resident_id", t, ["resident_id"])
    t = "participation_survey_responses"
    op.create_table(
        t, _id(),
        sa.Column("field_lab_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("buurt_code", sa.String(16), nullable=False),
        *(sa.Column(c, sa.SmallInteger(), nullable=False)
          for c in ("satisfaction", "green_rating", "feels_safe", "neighbour_contact")),
        sa.Column("green_visits", sa.String(16), nullable=False),
        sa.Column("client_key", sa.String(64), nullable=True),
        _ts("created_at"), _ts("updated_at"),
        sa.CheckConstraint(_in("green_visits", ("daily", "weekly", "monthly", "rarely", "never")),
                           name=f"ck_{t}_green_visits"),
        _score(t, "feels_safe", 5), _score(t, "green_rating", 10),
        _score(t, "neighbour_contact", 5), _score(t, "satisfaction", 10),
        _fk(t, "field_lab_id", LABS, "CASCADE"),
        _fk(t, "resident_id", RESIDENTS, "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("resident_id", name=f"uq_{t}_resident_id"),
    )
    op.create_index(f"ix_{t}_field_lab_id", t, ["field_lab_id"])
    t = "participation_comment_reports"
    op.create_table(
        t, _id(),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("reporter_hash", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(16), nullable=False),
        _ts("created_at"),
        sa.CheckConstraint(
            _in("reason", ("abusive", "spam", "personal_data", "off_topic", "other")),
            name=f"ck_{t}_reason"),
        _fk(t, "comment_id", "participation_comments", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("comment_id", "reporter_hash", name=f"uq_{t}_once"),
    )


def downgrade() -> None:
    """Drop every participation table (their data is lost)."""
    for table in ("participation_comment_reports", "participation_survey_responses",
                  "participation_comments", "participation_ratings", RESIDENTS, SCENARIOS,
                  LABS, "participation_sessions", USERS):
        op.drop_table(table)
