"""The half-year progress report of the Regio Deal (HTML or tagged PDF, Dutch or English).

:func:`progress_report` (pure) gathers each allocation category's (track's) projects, money
and milestones, the budget against the rules (:mod:`.rules`) and the KPIs against their
targets (:mod:`.kpis`) for one half-year; :func:`render_progress_report` words and draws it
with the report infrastructure of :mod:`groengezond.reports`.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
from pydantic import BaseModel

from groengezond.programme.kpis import KpiStatus, kpi_statuses
from groengezond.programme.rules import (
    RuleCheck,
    RulesConfig,
    category,
    category_totals,
    check_rules,
    load_rules,
    totals,
)
from groengezond.programme.schemas import Programme, period_bounds
from groengezond.reports.charts import Bar, data_uri, range_bars_svg
from groengezond.reports.messages import Lang, message
from groengezond.reports.render import Format, euros, number, render

HIGH_RISK = 12
"""Risks with likelihood × impact at or above this (of 25) are listed in the report."""


class TrackProgress(BaseModel):
    """One allocation category (track or module) in the half-year."""

    name: str
    projects: int
    by_status: dict[str, int]
    committed_eur: float
    spent_eur: float
    share: float
    low: float
    high: float
    milestones_due: int
    milestones_done: int


class ProjectRow(BaseModel):
    """One project in the half-year: its category, status, money and KPIs on track."""

    code: str
    name: str
    category: str
    lead: str
    status: str
    committed_eur: float
    spent_eur: float
    kpis: int
    kpis_on_track: int


class MilestoneRow(BaseModel):
    """A milestone due in the half-year."""

    project: str
    title: str
    due_on: date
    done_on: date | None


class RiskRow(BaseModel):
    """A high risk."""

    project: str
    description: str
    likelihood: int
    impact: int
    mitigation: str


class ProgressReport(BaseModel):
    """The data of a half-year progress report (its JSON is what the PDF prints)."""

    period: str
    starts_on: date
    ends_on: date
    projects: int
    totals: dict[str, float]
    tracks: list[TrackProgress]
    project_rows: list[ProjectRow]
    rules: list[RuleCheck]
    rules_ok: bool
    kpis: list[KpiStatus]
    kpis_on_track: int
    milestones: list[MilestoneRow]
    risks: list[RiskRow]


def progress_report(programme: Programme, period: str, rules: RulesConfig | None = None,
                    monitor_values: pd.DataFrame | None = None) -> ProgressReport:
    """Assemble the half-year report of ``period`` (``YYYYH1``/``YYYYH2``)."""
    cfg = rules or load_rules()
    start, end = period_bounds(period)
    cats = category_totals(programme, cfg)
    cat_of = {p.code: category(p, cfg) for p in programme.projects}
    due = [m for m in programme.milestones if start <= m.due_on <= end]
    tracks = []
    for name, v in cats.items():
        mine = [p for p in programme.projects if cat_of[p.code] == name]
        ms = [m for m in due if cat_of.get(m.project) == name]
        tracks.append(TrackProgress(
            name=name, projects=len(mine), by_status=dict(Counter(p.status for p in mine)),
            committed_eur=v["committed_eur"], spent_eur=v["spent_eur"], share=v["share"],
            low=v["low"], high=v["high"], milestones_due=len(ms),
            milestones_done=sum(1 for m in ms if m.done_on is not None and m.done_on <= end)))
    checks = check_rules(programme, cfg)
    kpis = kpi_statuses(programme, period, monitor_values)
    order = list(cats)
    rows = [ProjectRow(
        code=p.code, name=p.name, category=cat_of[p.code], lead=p.lead, status=p.status,
        committed_eur=sum(b.committed_eur for b in programme.budget if b.project == p.code),
        spent_eur=sum(b.spent_eur for b in programme.budget if b.project == p.code),
        kpis=sum(1 for k in kpis if k.project == p.code),
        kpis_on_track=sum(1 for k in kpis if k.project == p.code and k.status == "on_track"))
        for p in sorted(programme.projects, key=lambda p: (order.index(cat_of[p.code]),
                                                             p.code))]
    return ProgressReport(
        period=period, starts_on=start, ends_on=end, projects=len(programme.projects),
        totals=totals(programme), tracks=tracks, project_rows=rows, rules=checks,
        rules_ok=all(c.ok for c in checks), kpis=kpis,
        kpis_on_track=sum(1 for k in kpis if k.status == "on_track"),
        milestones=[MilestoneRow(project=m.project, title=m.title, due_on=m.due_on,
                                 done_on=m.done_on)
                    for m in sorted(due, key=lambda m: (m.due_on, m.project))],
        risks=[RiskRow(**r.model_dump()) for r in sorted(
            programme.risks, key=lambda r: -r.likelihood * r.impact)
            if r.likelihood * r.impact >= HIGH_RISK])


def rule_text(check: RuleCheck, lang: Lang) -> str:
    """One rule's outcome in words of the message table, with its figures."""
    f = check.figures
    if check.key == "rijk_max":
        values = {"rijk": euros(f["rijk_eur"], lang), "max": euros(f["max_eur"], lang)}
    elif check.key == "cofinancing":
        values = {"cofin": euros(f["cofinancing_eur"], lang),
                  "required": euros(f["required_eur"], lang)}
    elif check.key == "allocation":
        values = {"subject": check.subject, "share": number(f["share"] * 100, 1, lang) + "%",
                  "low": number(f["low"] * 100, 0, lang) + "%",
                  "high": number(f["high"] * 100, 0, lang) + "%"}
    else:
        values = {"n": number(f.get("lines_over", 0), 0, lang)}
    return message(f"rule_{check.key}", lang, **values)


def render_progress_report(report: ProgressReport, lang: Lang, fmt: Format,
                           synthetic: bool = False, sources: list[dict[str, str]] | None = None,
                           today: date | None = None) -> bytes:
    """The progress report as HTML or tagged PDF bytes."""
    chart = range_bars_svg([Bar(t.name, t.share, t.low, t.high) for t in report.tracks])
    data = report.model_dump()
    for check, row in zip(report.rules, data["rules"], strict=True):
        row["text"] = rule_text(check, lang)
    context = {"r": data, "synthetic": synthetic,
               "sources": sources or [], "chart_uri": data_uri(chart)}
    return render("programme.html", context, lang, fmt, today)
