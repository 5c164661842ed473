"""The programme as data (pydantic): what an xlsx holds, what the rules check, what reports show.

These models are the programme's one contract: the xlsx importer builds them (naming sheet, row
and column of every problem), the store saves and loads them, :mod:`.rules` checks them and
:mod:`.report` words them. Money is in euros (current prices), shares are 0-1.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from groengezond.programme.models import SOURCES, STATUSES

PERIOD = re.compile(r"^(20\d\d)H([12])$")
"""A half-year: ``2026H1`` (January-June) or ``2026H2`` (July-December)."""


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a half-year ``YYYYH1``/``YYYYH2``.

    Raises
    ------
    ValueError
        When ``period`` is not of that form.
    """
    m = PERIOD.match(period)
    if not m:
        raise ValueError(f"period {period!r} is not a half-year such as 2026H2")
    year, half = int(m.group(1)), int(m.group(2))
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else \
        (date(year, 7, 1), date(year, 12, 31))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProjectLink(_Model):
    """A link from a project to a Planner scenario, an evaluation or a field lab."""

    kind: str = Field(pattern=r"^(scenario|evaluation|field_lab)$")
    ref: str = Field(min_length=1)


class ProjectData(_Model):
    """A project (see :class:`groengezond.programme.models.Project`)."""

    code: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=300)
    track: str
    module: str = ""
    lead: str = Field(min_length=1)
    lead_user: str = ""
    partners: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    starts_on: date
    ends_on: date
    status: str
    catalogue: tuple[str, ...] = ()
    links: tuple[ProjectLink, ...] = ()

    @field_validator("status")
    @classmethod
    def _status(cls, v: str) -> str:
        if v not in STATUSES:
            raise ValueError(f"status {v!r} is not one of {', '.join(STATUSES)}")
        return v


class BudgetLineData(_Model):
    """Money for a project from one source in one year (euros)."""

    project: str
    source: str
    year: int = Field(ge=2020, le=2040)
    committed_eur: float = Field(ge=0)
    spent_eur: float = Field(0.0, ge=0)

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        if v not in SOURCES:
            raise ValueError(f"source {v!r} is not one of {', '.join(SOURCES)}")
        return v


class PeriodData(_Model):
    """Target and actual of a KPI in one half-year."""

    period: str = Field(pattern=PERIOD.pattern)
    target: float | None = None
    actual: float | None = None


class KpiData(_Model):
    """A KPI in the IATI structure: result → indicator (baseline) → periods (target, actual)."""

    project: str
    result: str
    indicator: str
    measure: str
    ascending: bool = True
    baseline_year: int | None = None
    baseline: float | None = None
    monitor_indicator: str = ""
    monitor_area: str = ""
    periods: tuple[PeriodData, ...] = ()


class MilestoneData(_Model):
    """A milestone of a project."""

    project: str
    title: str
    due_on: date
    done_on: date | None = None


class RiskData(_Model):
    """A risk of a project (likelihood and impact on 1-5)."""

    project: str
    description: str
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    mitigation: str = ""


class LessonData(_Model):
    """A knowledge-base entry."""

    what: str = Field(min_length=1)
    where: str = Field(min_length=1)
    area_code: str = ""
    result: str = Field(min_length=1)
    source: str = Field(min_length=1)
    catalogue_entry: str = ""
    project: str = ""


class Programme(_Model):
    """The whole programme."""

    projects: tuple[ProjectData, ...] = ()
    budget: tuple[BudgetLineData, ...] = ()
    kpis: tuple[KpiData, ...] = ()
    milestones: tuple[MilestoneData, ...] = ()
    risks: tuple[RiskData, ...] = ()
    lessons: tuple[LessonData, ...] = ()
