"""Intervention register: what was done, where, when, the cost and the catalogue entry.

Stored in the application database (``GG_DATABASE_URL``: SQLite or PostgreSQL) in the table
``evaluation_interventions``, created by the Alembic migrations in ``register_migrations/``
(own version table ``evaluation_alembic_version``).

Interventions come in four ways, all checked by :func:`check_records` (every row first; a bad
input writes nothing):

- a CSV (:func:`import_csv`: ``name, areas, start_date[, completion_date, cost_eur,
  catalogue_id, geometry]``; ``areas`` a ``;``-separated list of area codes);
- a YAML file (:func:`import_yaml`: a list of mappings with the same keys, or a mapping with
  ``interventions:``; ``areas`` may be a list, ``geometry`` WKT or GeoJSON);
- a built Planner scenario (:func:`register_scenario`: one entry per intervention, its
  geometry and catalogue entry, the scenario's cost and the date it was completed);
- one at a time over the API (:func:`add_intervention`, :func:`update_intervention`,
  :func:`delete_intervention`; staff only).

Where only a geometry is given (EPSG:28992), the treated buurten are derived from it with the
rule of :mod:`groengezond.evaluation.treated` (at least 50 % of residents within 300 m
straight-line), through the ``derive`` callable the adapter passes; the geometry is stored
beside the codes.

:func:`treatment` turns registered interventions into the ``area code → year`` mapping the
panels take: the year of completion (or of the start when no completion is recorded); an area
with several interventions takes the earliest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import Date, DateTime, Float, Integer, String, Text, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from groengezond.errors import InputError, Problem
from groengezond.participation.db import Database

VERSION_TABLE = "evaluation_alembic_version"
CODE = re.compile(r"^(BU|WK|GM)\d{4,10}$")
FIRST_YEAR, LAST_YEAR = 1950, 2100
"""Dates outside these years cannot be a registered intervention's and are refused."""
MAX_COST_EUR = 1e10
MAX_AREAS = 5000
MAX_ROWS = 10_000

Derive = Callable[[BaseGeometry], list[str]]
"""Treated area codes of a geometry (see :func:`groengezond.evaluation.treated.treated_buurten`)."""


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
                "cost_eur": self.cost_eur, "areas": self.areas.split(";"),
                "geometry_wkt": self.geometry_wkt}


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


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or \
        (isinstance(value, str) and value.strip() == "")


def _date(value: Any, where: str, fld: str, problems: list[Problem], file: str,
          required: bool) -> dt.date | None:
    if _blank(value):
        if required:
            problems.append(Problem(file, where, fld, "missing", "give a date as YYYY-MM-DD"))
        return None
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
    except ValueError:
        problems.append(Problem(file, where, fld, f"{str(value)[:40]!r} is not a date",
                                "give a date as YYYY-MM-DD"))
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        problems.append(Problem(file, where, fld, f"year {day.year} cannot be real",
                                f"give a date between {FIRST_YEAR} and {LAST_YEAR}"))
        return None
    return day


def _geometry(value: Any, where: str, problems: list[Problem], file: str) -> BaseGeometry | None:
    if _blank(value):
        return None
    try:
        geom = (shapely.from_wkt(value) if isinstance(value, str)
                else shapely.geometry.shape(value))
    except Exception:  # shapely raises several types for bad input
        geom = None
    if geom is None or geom.is_empty or not geom.is_valid:
        problems.append(Problem(file, where, "geometry", "is not a valid geometry",
                                "give WKT or GeoJSON in EPSG:28992 (RD New, metres)"))
        return None
    return geom


def _codes(value: Any) -> list[str]:
    if _blank(value):
        return []
    items = value if isinstance(value, list | tuple) else str(value).split(";")
    return [str(c).strip() for c in items if str(c).strip()]


def check_records(records: Sequence[Mapping[str, Any]], file: str, *,
                  derive: Derive | None = None, first_row: int = 1) -> list[Intervention]:
    """Check interventions given as mappings and build them (not yet stored).

    Parameters
    ----------
    records : sequence of mapping
        Keys ``name``, ``areas`` (``;``-separated string or list), ``start_date`` and
        optionally ``completion_date``, ``cost_eur``, ``catalogue_id``, ``geometry`` (WKT or
        GeoJSON mapping, EPSG:28992).
    file : str
        The file or request, for the problems.
    derive : callable, optional
        Treated area codes of a geometry; needed when a record has a geometry but no areas.
    first_row : int
        Number of the first record in messages (2 for a CSV with a header).

    Raises
    ------
    InputError
        Every problem (row, field, what is wrong, the fix).
    """
    if len(records) > MAX_ROWS:
        raise InputError.single(file, "", "", f"{len(records)} interventions in one import",
                                f"import at most {MAX_ROWS} at a time")
    problems: list[Problem] = []
    rows: list[Intervention] = []
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for i, r in enumerate(records, start=first_row):
        where = f"row {i}"
        if not isinstance(r, Mapping):
            problems.append(Problem(file, where, "", "is not a mapping",
                                    "give name, areas or geometry, start_date"))
            continue
        name = "" if _blank(r.get("name")) else str(r["name"]).strip()
        if not name or len(name) > 200:
            problems.append(Problem(file, where, "name", "empty or longer than 200 characters",
                                    "give a short name"))
        geom = _geometry(r.get("geometry"), where, problems, file)
        codes = _codes(r.get("areas"))
        if not codes and geom is not None:
            if derive is None:
                problems.append(Problem(file, where, "areas", "only a geometry is given",
                                        "give area codes, or a region to derive them from "
                                        "(--region)"))
            else:
                codes = derive(geom)
                if not codes:
                    problems.append(Problem(file, where, "geometry",
                                            "treats no buurt (none has at least 50 % of its "
                                            "residents within 300 m)",
                                            "check the geometry lies in the region, or give "
                                            "area codes"))
        elif not codes:
            problems.append(Problem(file, where, "areas", "no area codes and no geometry",
                                    "give ';'-separated codes like BU03440101 or a geometry"))
        bad = [c for c in codes if not CODE.match(c)]
        if bad or len(codes) > MAX_AREAS:
            problems.append(Problem(file, where, "areas",
                                    f"bad codes {bad[:3]}" if bad else
                                    f"{len(codes)} areas", "give at most "
                                    f"{MAX_AREAS} codes like BU03440101"))
        start = _date(r.get("start_date"), where, "start_date", problems, file, True)
        done = _date(r.get("completion_date"), where, "completion_date", problems, file, False)
        if start and done and done < start:
            problems.append(Problem(file, where, "completion_date", "before the start date",
                                    "give a completion after the start"))
        cost: float | None = None
        if not _blank(r.get("cost_eur")):
            try:
                cost = float(str(r["cost_eur"]))
                if not 0 <= cost <= MAX_COST_EUR:
                    raise ValueError
            except ValueError:
                problems.append(Problem(file, where, "cost_eur",
                                        f"{str(r['cost_eur'])[:40]!r} is not an amount "
                                        f"between 0 and {MAX_COST_EUR:.0e}",
                                        "give euros as a number"))
        cat = None if _blank(r.get("catalogue_id")) else str(r["catalogue_id"]).strip()
        if cat is not None and len(cat) > 64:
            problems.append(Problem(file, where, "catalogue_id", "longer than 64 characters",
                                    "give the catalogue entry's id"))
        if start is not None:
            rows.append(Intervention(name=name, catalogue_id=cat, start_date=start,
                                     completion_date=done, cost_eur=cost,
                                     areas=";".join(dict.fromkeys(codes)),
                                     geometry_wkt=None if geom is None else geom.wkt,
                                     created_at=now))
    if problems:
        raise InputError(problems)
    return rows


def _store(db: RegisterDatabase, rows: list[Intervention]) -> list[int]:
    with db.write() as session:
        session.add_all(rows)
        session.flush()
        return [int(x.id) for x in rows]


def import_csv(db: RegisterDatabase, path: Path, derive: Derive | None = None) -> list[int]:
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
    missing = [c for c in ("name", "start_date") if c not in df.columns]
    if "areas" not in df.columns and "geometry" not in df.columns:
        missing.append("areas")
    if missing:
        raise InputError([Problem(file, "", c, "column is missing",
                                  "give columns name, areas (or geometry), start_date")
                          for c in missing])
    return _store(db, check_records(df.to_dict(orient="records"), file, derive=derive,
                                    first_row=2))


def import_yaml(db: RegisterDatabase, path: Path, derive: Derive | None = None) -> list[int]:
    """Import interventions from YAML: a list of mappings, or ``interventions:`` with one.

    Same keys and checks as :func:`import_csv`; ``areas`` may be a list.
    """
    import yaml

    if not path.exists():
        raise InputError.single(str(path), "", "", "file not found", "give an existing YAML")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError.single(path.name, "", "", f"cannot be parsed ({str(exc)[:200]})",
                                "write valid YAML") from None
    if isinstance(data, dict) and "interventions" in data:
        data = data["interventions"]
    if not isinstance(data, list) or not data:
        raise InputError.single(path.name, "", "interventions", "is not a non-empty list",
                                "give a list of interventions (name, areas, start_date)")
    return _store(db, check_records(data, path.name, derive=derive))


def scenario_records(scenario: Any, *, start_date: dt.date,
                     completion_date: dt.date) -> list[dict[str, Any]]:
    """Register entries of a built Planner scenario (one per intervention).

    Each entry takes the intervention's geometry (its treated areas are derived from it), its
    catalogue entry, and as cost the middle of its cost range when the scenario gives one
    (``cost.low_eur``..``cost.high_eur``; left empty otherwise: the catalogue's price is a
    planning figure, not what was spent).
    """
    out = []
    for i, item in enumerate(scenario.interventions, start=1):
        label = item.name or f"{item.kind} {i}"
        cost = None if item.cost is None else (item.cost.low_eur + item.cost.high_eur) / 2
        out.append({"name": f"{scenario.name}: {label}"[:200], "geometry": item.geometry,
                    "catalogue_id": item.catalogue_id, "cost_eur": cost,
                    "start_date": start_date, "completion_date": completion_date})
    return out


def register_scenario(db: RegisterDatabase, scenario: Any, *, start_date: dt.date,
                      completion_date: dt.date, derive: Derive,
                      file: str = "scenario") -> list[int]:
    """Register a built Planner scenario; see :func:`scenario_records`."""
    if not scenario.interventions:
        raise InputError.single(file, "", "interventions", "the scenario has none",
                                "register a scenario with interventions")
    recs = scenario_records(scenario, start_date=start_date, completion_date=completion_date)
    return _store(db, check_records(recs, file, derive=derive))


def add_intervention(db: RegisterDatabase, record: Mapping[str, Any],
                     derive: Derive | None = None) -> dict[str, Any]:
    """Check and store one intervention; returns it as stored."""
    row = check_records([record], "request", derive=derive)[0]
    _store(db, [row])
    return get_intervention(db, int(row.id))


def get_intervention(db: RegisterDatabase, id_: int) -> dict[str, Any]:
    """One intervention.

    Raises
    ------
    InputError
        When there is no intervention ``id_``.
    """
    with db.read() as session:
        x = session.get(Intervention, id_)
        if x is None:
            raise _absent([id_])
        return x.to_dict()


def update_intervention(db: RegisterDatabase, id_: int, record: Mapping[str, Any],
                        derive: Derive | None = None) -> dict[str, Any]:
    """Replace intervention ``id_`` with ``record`` (checked like a new one)."""
    new = check_records([record], "request", derive=derive)[0]
    with db.write() as session:
        x = session.get(Intervention, id_)
        if x is None:
            raise _absent([id_])
        for col in ("name", "catalogue_id", "start_date", "completion_date", "cost_eur",
                    "areas", "geometry_wkt"):
            setattr(x, col, getattr(new, col))
    return get_intervention(db, id_)


def delete_intervention(db: RegisterDatabase, id_: int) -> None:
    """Remove intervention ``id_`` from the register."""
    with db.write() as session:
        x = session.get(Intervention, id_)
        if x is None:
            raise _absent([id_])
        session.delete(x)


def _absent(ids: list[int]) -> InputError:
    return InputError.single("register", f"ids {ids}", "id", "no such intervention",
                             "list the register with `groengezond evaluate register` or "
                             "GET /api/evaluations/interventions")


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
        raise _absent(absent)
    out: dict[str, int] = {}
    for x in found.values():
        year = (x.completion_date or x.start_date).year
        for code in x.areas.split(";"):
            out[code] = min(year, out.get(code, year))
    return out
