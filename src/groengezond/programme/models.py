"""ORM models of the Regio Deal programme (SQLAlchemy 2, typed with ``Mapped[...]``).

Every table has the prefix ``programme_`` so the programme shares a database with the
participation module (same ``GG_DATABASE_URL``) but keeps its own Alembic chain and version
table (``programme_alembic_version``, see :mod:`groengezond.programme.db`). The schema is created
and changed only by the migrations in ``migrations/``; a test checks that the migrated schema
matches these models.

KPIs follow the IATI results structure: a project has *results*, a result has *indicators*
(each with a baseline), and an indicator has *periods* with a target and an actual
(https://iatistandard.org/en/iati-standard/203/activity-standard/iati-activities/iati-activity/result/).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

TRACKS = ("Gezonde mensen", "Groene en gezonde leefomgeving")
"""The two tracks of the Regio Deal."""
STATUSES = ("planned", "running", "completed", "paused", "cancelled")
"""Project states."""
SOURCES = ("rijk", "region", "partners")
"""Where a budget line's money comes from."""
ROLES = ("staff", "lead")
"""Programme staff (read and write everything) and project lead (write their own project)."""

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of the programme tables (own metadata, own naming convention)."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON(), list[str]: JSON(), list[dict[str, str]]: JSON()}


class Project(Base):
    """A Regio Deal project."""

    __tablename__ = "programme_projects"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    track: Mapped[str] = mapped_column(String(100))
    module: Mapped[str] = mapped_column(String(100), default="")
    lead: Mapped[str] = mapped_column(String(200))
    lead_user: Mapped[str] = mapped_column(String(100), default="")
    partners: Mapped[list[str]]
    areas: Mapped[list[str]]
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    catalogue: Mapped[list[str]]
    links: Mapped[list[dict[str, str]]]
    budget: Mapped[list[BudgetLine]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="BudgetLine.id")
    results: Mapped[list[Result]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Result.id")
    milestones: Mapped[list[Milestone]] = relationship(
        cascade="all, delete-orphan", order_by="Milestone.due_on")
    risks: Mapped[list[Risk]] = relationship(cascade="all, delete-orphan", order_by="Risk.id")


class BudgetLine(Base):
    """Money for a project from one source in one year (euros, current prices)."""

    __tablename__ = "programme_budget_lines"
    __table_args__ = (CheckConstraint("committed_eur >= 0 AND spent_eur >= 0",
                                      name="non_negative"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("programme_projects.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(Integer)
    committed_eur: Mapped[float] = mapped_column(Float)
    spent_eur: Mapped[float] = mapped_column(Float, default=0.0)
    project: Mapped[Project] = relationship(back_populates="budget")


class Result(Base):
    """An IATI result of a project (e.g. 'more residents move daily')."""

    __tablename__ = "programme_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("programme_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    project: Mapped[Project] = relationship(back_populates="results")
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="result", cascade="all, delete-orphan", order_by="Indicator.id")


class Indicator(Base):
    """An IATI indicator (a KPI) with its baseline; optionally a Monitor indicator of an area."""

    __tablename__ = "programme_indicators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("programme_results.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    measure: Mapped[str] = mapped_column(String(100))
    ascending: Mapped[bool] = mapped_column(Boolean, default=True)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline: Mapped[float | None] = mapped_column(Float)
    monitor_indicator: Mapped[str] = mapped_column(String(100), default="")
    monitor_area: Mapped[str] = mapped_column(String(32), default="")
    result: Mapped[Result] = relationship(back_populates="indicators")
    periods: Mapped[list[Period]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Period.period")


class Period(Base):
    """Target and actual of an indicator in one half-year (``2026H2``)."""

    __tablename__ = "programme_periods"
    __table_args__ = (UniqueConstraint("indicator_id", "period", name="one_per_period"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("programme_indicators.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(8))
    target: Mapped[float | None] = mapped_column(Float)
    actual: Mapped[float | None] = mapped_column(Float)
    indicator: Mapped[Indicator] = relationship(back_populates="periods")


class Milestone(Base):
    """A milestone of a project: due date and, once reached, the date it was done."""

    __tablename__ = "programme_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("programme_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class Risk(Base):
    """A risk of a project: likelihood and impact 1-5 and the mitigation."""

    __tablename__ = "programme_risks"
    __table_args__ = (CheckConstraint("likelihood BETWEEN 1 AND 5 AND impact BETWEEN 1 AND 5",
                                      name="scale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("programme_projects.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    mitigation: Mapped[str] = mapped_column(Text, default="")


class Lesson(Base):
    """A knowledge-base entry: what was done, where, the result and its source."""

    __tablename__ = "programme_lessons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    what: Mapped[str] = mapped_column(Text)
    where: Mapped[str] = mapped_column("place", String(300))
    area_code: Mapped[str] = mapped_column(String(32), default="", index=True)
    result: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    catalogue_entry: Mapped[str] = mapped_column(String(100), default="", index=True)
    project_code: Mapped[str] = mapped_column(String(32), default="")


class Member(Base):
    """A programme role of a user (staff, or lead of one project)."""

    __tablename__ = "programme_members"
    __table_args__ = (UniqueConstraint("username", "role", "project_code", name="one_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    project_code: Mapped[str] = mapped_column(String(32), default="")


class Change(Base):
    """One entry of the audit trail: who changed what, when, from which value to which."""

    __tablename__ = "programme_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(50))
    entity_key: Mapped[str] = mapped_column(String(100))
    detail: Mapped[dict[str, Any]]
