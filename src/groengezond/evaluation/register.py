"""Intervention register: what was done, where (area codes), when, the cost and catalogue entry.

Stored in the application database (``GG_DATABASE_URL``: SQLite or PostgreSQL) in the table
``evaluation_interventions``, created by the Alembic migrations in ``register_migrations/``
(own version table ``evaluation_alembic_version``). Interventions are imported from CSV
(``name, areas, start_date[, completion_date, cost_eur, catalogue_id]``; ``areas`` is a
``;``-separated list of area codes): every row is checked first and the import is one
transaction, so a bad file writes nothing.

:func:`treatment` turns registered interventions into the ``area code → year`` mapping the
panels take: the year of completion (or of the start when no completion is recorded); an area
with several interventions takes the earliest.

Not yet: deriving treated areas from a geometry (the rule, e.g. buurten with at least X % of
residents within 300 m, is to be documented with it), YAML import and registering a built
Planner scenario.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
from sqlalchemy import Date, DateTime, Float, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from groengezond.errors import InputError, Problem
from groengezond.participation.db import Database

VERSION_TABLE = "evaluation_alembic_version"
CODE = re.compile(r"^(BU|WK|GM)\d{4,10}$")


class Base(DeclarativeBase):
    """Declarative base of the register's tables."""


class Intervention(Base):
    """One registered intervention."""

    __tablename__ = "evaluation_interventions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    catalogue_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    start_date: Mapped[dt.date] = mapped_column(Date)
    completion_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    cost_eur: Mapped[float | None] = mapped_column(Float, nullable=True)
    areas: Mapped[str] = mapped_column(Text)
    geometry_wkt: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"id": self.id, "name": self.name, "catalogue_id": self.catalogue_id,
                "start_date": self.start_date.isoformat(),
                "completion_date": (self.completion_date.isoformat()
                                    if self.completion_date else None),
                "cost_eur": self.cost_eur, "areas": self.areas.split(";")}


class RegisterDatabase(Database):
    """The participation :class:`Database` plumbing with the register's own migrations."""

    migrations: ClassVar[tuple[str, str]] = ("groengezond.evaluation", "register_migrations")
    version_table: ClassVar[str] = VERSION_TABLE


def open_register(url: str) -> RegisterDatabase:
    """Connect to ``url`` and migrate the register tables to the newest schema."""
    base = Database.from_url(url, migrate=False)
    db = RegisterDatabase(engine=base.engine, backend=base.backend, schema=base.schema)
    db.migrate()
    return db


def _date(value: Any, row: int, field: str, problems: list[Problem], file: str,
          required: bool) -> dt.date | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        if required:
            problems.append(Problem(file, f"row {row}", field, "missing",
                                    "give a date as YYYY-MM-DD"))
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(Problem(file, f"row {row}", field, f"{value!r} is not a date",
                                "give a date as YYYY-MM-DD"))
        return None


def import_csv(db: RegisterDatabase, path: Path) -> list[int]:
    """Import interventions from a CSV; all rows are checked before anything is written.

    Returns
    -------
    list of int
        The new ids, in file order.

    Raises
    ------
    InputError
        Every problem of the file (row, field, what is wrong, the fix).
    """
    if not path.exists():
        raise InputError.single(str(path), "", "", "file not found", "give an existing CSV")
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    file = path.name
    missing = [c for c in ("name", "areas", "start_date") if c not in df.columns]
    if missing:
        raise InputError([Problem(file, "", c, "column is missing",
                                  "give columns name, areas, start_date") for c in missing])
    problems: list[Problem] = []
    rows: list[Intervention] = []
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for i, r in enumerate(df.to_dict(orient="records"), start=2):
        name = str(r["name"]).strip()
        if not name or len(name) > 200:
            problems.append(Problem(file, f"row {i}", "name", "empty or longer than 200",
                                    "give a short name"))
        codes = [c.strip() for c in str(r["areas"]).split(";") if c.strip()]
        bad = [c for c in codes if not CODE.match(c)]
        if not codes or bad:
            problems.append(Problem(file, f"row {i}", "areas",
                                    f"no area codes or bad codes {bad[:3]}",
                                    "give ';'-separated codes like BU03440101"))
        start = _date(r["start_date"], i, "start_date", problems, file, True)
        done = _date(r.get("completion_date"), i, "completion_date", problems, file, False)
        if start and done and done < start:
            problems.append(Problem(file, f"row {i}", "completion_date",
                                    "before the start date", "give a completion after the start"))
        cost: float | None = None
        if str(r.get("cost_eur", "")).strip():
            try:
                cost = float(str(r["cost_eur"]))
                if cost < 0 or cost != cost:
                    raise ValueError
            except ValueError:
                problems.append(Problem(file, f"row {i}", "cost_eur",
                                        f"{r['cost_eur']!r} is not a non-negative amount",
                                        "give euros as a number"))
        if start is not None:
            rows.append(Intervention(name=name, catalogue_id=(r.get("catalogue_id") or None),
                                     start_date=start, completion_date=done, cost_eur=cost,
                                     areas=";".join(codes), created_at=now))
    if problems:
        raise InputError(problems)
    with db.write() as session:
        session.add_all(rows)
        session.flush()
        return [int(x.id) for x in rows]


def list_interventions(db: RegisterDatabase) -> list[dict[str, Any]]:
    """Every registered intervention, oldest id first."""
    with db.read() as session:
        return [x.to_dict() for x in session.scalars(select(Intervention).order_by(
            Intervention.id))]


def treatment(db: RegisterDatabase, ids: list[int]) -> dict[str, int]:
    """Area code → treatment year (completion, else start; earliest per area) for ``ids``."""
    with db.read() as session:
        found = {x.id: x for x in session.scalars(
            select(Intervention).where(Intervention.id.in_(ids)))}
    absent = [i for i in ids if i not in found]
    if absent:
        raise InputError.single("register", f"ids {absent}", "id", "no such intervention",
                                "list the register with `groengezond evaluate register`")
    out: dict[str, int] = {}
    for x in found.values():
        year = (x.completion_date or x.start_date).year
        for code in x.areas.split(";"):
            out[code] = min(year, out.get(code, year))
    return out
