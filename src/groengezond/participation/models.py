"""ORM models of the participation data (SQLAlchemy 2, typed with ``Mapped[...]``).

Every table has the prefix ``participation_`` so the module can share a database with other
parts of groengezond. The schema is created and changed only by the Alembic migrations in
``migrations/``; a test checks that the migrated schema matches these models.

Privacy by design: a resident is a row with a hashed random token and nothing else (no name,
e-mail or IP address). Deleting the resident deletes all of their input (``ON DELETE CASCADE``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("admin", "planner", "moderator")
"""Staff roles. Residents have no account and no role."""

COMMENT_STATUSES = ("pending", "approved", "rejected", "hidden")
"""Moderation states of a comment; the public sees ``approved`` only."""

COMMENT_CATEGORIES = ("idea", "concern", "question", "praise", "other")
"""Categories a resident can give a comment."""

REPORT_REASONS = ("abusive", "spam", "personal_data", "off_topic", "other")
"""Reasons anyone can give when reporting a comment."""

GREEN_VISITS = ("daily", "weekly", "monthly", "rarely", "never")
"""Answers to the survey question how often the resident visits green space."""

RATING_CRITERIA = ("green", "health", "safety", "would_use")
"""Criteria a scenario is rated on, each 1 (very bad) to 5 (very good)."""

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and returned as an aware UTC ``datetime``.

    SQLite has no time zones; PostgreSQL would convert to the session's zone. Storing naive
    UTC everywhere gives the same values on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC (naive input must not occur)."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Mark a stored naive UTC timestamp as UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(), dict[str, Any]: JSON(), list[dict[str, str]]: JSON()}


class User(Base):
    """A staff member (admin, planner or moderator) with an Argon2 password hash."""

    __tablename__ = "participation_users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class StaffSession(Base):
    """A login session: the SHA-256 of its token and of its CSRF token, and when it ends."""

    __tablename__ = "participation_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("participation_users.id", ondelete="CASCADE"),
                                         index=True)
    csrf_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="joined")


class FieldLab(Base):
    """A field lab: an area (polygon in EPSG:28992), its buurten and its open period."""

    __tablename__ = "participation_field_labs"
    __table_args__ = (CheckConstraint("closes_on >= opens_on", name="period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    area_code: Mapped[str] = mapped_column(String(16))
    geometry_wkt: Mapped[str] = mapped_column(Text)
    min_x: Mapped[float] = mapped_column(Float)
    min_y: Mapped[float] = mapped_column(Float)
    max_x: Mapped[float] = mapped_column(Float)
    max_y: Mapped[float] = mapped_column(Float)
    buurten: Mapped[list[dict[str, str]]]
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("participation_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PublishedScenario(Base):
    """A Planner scenario published into a field lab, kept as a snapshot.

    ``scenario_ref`` is the Planner's id; ``snapshot`` its definition and results as JSON, so
    participation never needs the Planner's code. A withdrawn scenario keeps its ratings but
    is no longer shown or rateable.
    """

    __tablename__ = "participation_scenarios"
    __table_args__ = (UniqueConstraint("field_lab_id", "scenario_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_lab_id: Mapped[int] = mapped_column(
        ForeignKey("participation_field_labs.id", ondelete="CASCADE"), index=True)
    scenario_ref: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]]
    published_at: Mapped[datetime]
    published_by: Mapped[int | None] = mapped_column(
        ForeignKey("participation_users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None]


class Resident(Base):
    """An anonymous resident of one field lab: only the SHA-256 of their random token."""

    __tablename__ = "participation_residents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_lab_id: Mapped[int] = mapped_column(
        ForeignKey("participation_field_labs.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]


def _score(column: str, high: int) -> CheckConstraint:
    return CheckConstraint(f"{column} BETWEEN 1 AND {high}", name=column)


class Rating(Base):
    """One resident's rating of one scenario on each criterion (1-5); one per resident."""

    __tablename__ = "participation_ratings"
    __table_args__ = (
        UniqueConstraint("scenario_id", "resident_id", name="uq_participation_ratings_once"),
        UniqueConstraint("resident_id", "client_key",
                         name="uq_participation_ratings_client_key"),
        *(_score(c, 5) for c in RATING_CRITERIA),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("participation_scenarios.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("participation_residents.id", ondelete="CASCADE"))
    green: Mapped[int] = mapped_column(SmallInteger)
    health: Mapped[int] = mapped_column(SmallInteger)
    safety: Mapped[int] = mapped_column(SmallInteger)
    would_use: Mapped[int] = mapped_column(SmallInteger)
    client_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Comment(Base):
    """A comment pinned on the map (point in EPSG:28992), moderated before it is public."""

    __tablename__ = "participation_comments"
    __table_args__ = (
        UniqueConstraint("resident_id", "client_key",
                         name="uq_participation_comments_client_key"),
        CheckConstraint(_in("status", COMMENT_STATUSES), name="status"),
        CheckConstraint(_in("category", COMMENT_CATEGORIES), name="category"),
        Index("ix_participation_comments_lab_status", "field_lab_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_lab_id: Mapped[int] = mapped_column(
        ForeignKey("participation_field_labs.id", ondelete="CASCADE"))
    scenario_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation_scenarios.id", ondelete="SET NULL"))
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("participation_residents.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    x_rd: Mapped[float] = mapped_column(Float)
    y_rd: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=True)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by: Mapped[int | None] = mapped_column(
        ForeignKey("participation_users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None]
    report_count: Mapped[int] = mapped_column(Integer, default=0)
    client_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    reply: Mapped[CommentReply | None] = relationship(
        lazy="selectin", cascade="all, delete-orphan", passive_deletes=True)


class CommentReport(Base):
    """A report of an abusive comment; one per reporter (pseudonym) per comment."""

    __tablename__ = "participation_comment_reports"
    __table_args__ = (
        UniqueConstraint("comment_id", "reporter_hash",
                         name="uq_participation_comment_reports_once"),
        CheckConstraint(_in("reason", REPORT_REASONS), name="reason"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("participation_comments.id", ondelete="CASCADE"))
    reporter_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class SurveyResponse(Base):
    """A resident's 'belevingswaarde' survey answers; one per resident (so per field lab)."""

    __tablename__ = "participation_survey_responses"
    __table_args__ = (
        _score("satisfaction", 10),
        _score("green_rating", 10),
        _score("feels_safe", 5),
        _score("neighbour_contact", 5),
        CheckConstraint(_in("green_visits", GREEN_VISITS), name="green_visits"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_lab_id: Mapped[int] = mapped_column(
        ForeignKey("participation_field_labs.id", ondelete="CASCADE"), index=True)
    resident_id: Mapped[int] = mapped_column(
        ForeignKey("participation_residents.id", ondelete="CASCADE"), unique=True)
    buurt_code: Mapped[str] = mapped_column(String(16))
    satisfaction: Mapped[int] = mapped_column(SmallInteger)
    green_rating: Mapped[int] = mapped_column(SmallInteger)
    feels_safe: Mapped[int] = mapped_column(SmallInteger)
    neighbour_contact: Mapped[int] = mapped_column(SmallInteger)
    green_visits: Mapped[str] = mapped_column(String(16))
    client_key: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ResultRelease(Base):
    """The residents' figures of a field lab as published, frozen when the lab closed.

    While a lab is open its residents' figures are not public (reading them before and after
    one submission would give that person's answers away); the first time they are asked for
    after the lab has closed they are computed once and stored here, and every later answer
    (and the Monitor) serves this copy, so an erasure after closing does not move a published
    figure either.
    """

    __tablename__ = "participation_result_releases"
    __table_args__ = (UniqueConstraint("field_lab_id", name="uq_participation_result_releases_"
                                                            "field_lab_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    field_lab_id: Mapped[int] = mapped_column(
        ForeignKey("participation_field_labs.id", ondelete="CASCADE"))
    released_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]]


class CommentReply(Base):
    """The municipality's official reply to a comment (one per comment), by a staff member.

    Shown under the comment wherever the comment is shown: publicly once the comment is
    approved, and to its author in "Mijn inbreng" at once.
    """

    __tablename__ = "participation_comment_replies"
    __table_args__ = (UniqueConstraint("comment_id", name="uq_participation_comment_replies_"
                                                          "comment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("participation_comments.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("participation_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
