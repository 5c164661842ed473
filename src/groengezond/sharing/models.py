"""ORM models of shared scenarios (SQLAlchemy 2, typed with ``Mapped[...]``).

Tables have the prefix ``sharing_`` so they live next to the participation and programme tables
in one database (``GG_DATABASE_URL``) with their own Alembic chain and version table
(``sharing_alembic_version``, see :mod:`groengezond.sharing.db`).

A *shared scenario* has a stable id (the ``/s/<id>`` of its link), an owner and a visibility;
each save adds a *version* holding the whole scenario (EPSG:28992, as in scenario YAML files).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

VISIBILITIES = ("public", "unlisted", "private")
"""public: listed and readable by all; unlisted: readable by whoever has the link;
private: readable by programme staff (and the owner) only."""

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of the sharing tables (own metadata, own migrations)."""

    metadata = MetaData(naming_convention=NAMING)


class SharedScenario(Base):
    """One shared scenario: its id, owner, visibility and newest version number."""

    __tablename__ = "sharing_scenarios"
    __table_args__ = (
        CheckConstraint("visibility in ('public', 'unlisted', 'private')", name="visibility"),
    )

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    owner_key_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    """SHA-256 of the anonymous owner's key (None when a staff member owns it)."""
    owner_staff: Mapped[str | None] = mapped_column(String(100))
    """Username of the staff member who owns it (None for an anonymous owner)."""
    visibility: Mapped[str] = mapped_column(String(10))
    latest_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SharedScenarioVersion(Base):
    """One saved version of a shared scenario (versions are never changed, only added)."""

    __tablename__ = "sharing_versions"

    scenario_id: Mapped[str] = mapped_column(
        ForeignKey("sharing_scenarios.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    scenario: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The scenario as :meth:`Scenario.model_dump` (geometries in EPSG:28992)."""
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
