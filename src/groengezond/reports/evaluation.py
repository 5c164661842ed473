"""The evaluation report: the Evaluator's estimate of what registered interventions did to an
indicator, with its 95 % interval, identification verdict, event study and raw series.

:func:`evaluation_report` is pure: it takes the estimate document (the JSON of
``GET /api/evaluations/estimate`` and of ``groengezond evaluate estimate``), the interventions
it covers, the indicator registry and the region's meta, and returns an
:class:`EvaluationReport`; :func:`render_evaluation_report` renders HTML or a tagged PDF.
An estimate the data cannot support prints "niet geïdentificeerd: <reason>", never a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from groengezond.indicators.registry import Registry
from groengezond.region.model import RegionMeta
from groengezond.reports.area import QualityRow
from groengezond.reports.charts import Point, data_uri, trend_svg
from groengezond.reports.messages import Lang
from groengezond.reports.render import Format, render


class EstimateRow(BaseModel):
    """One estimate (a target of one estimator)."""

    estimator: str
    target: str
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    identified: bool
    reason: str
    n_treated: int
    n_control: int


class EventRow(BaseModel):
    """The effect at ``e`` periods from the start (negative: before; a pre-trend check)."""

    e: int
    coef: float | None
    ci_low: float | None
    ci_high: float | None


class SeriesRow(BaseModel):
    """Mean of the treated and the comparison areas in one year."""

    time: int
    treated: float | None
    comparison: float | None


class EvaluatedIntervention(BaseModel):
    """A registered intervention the estimate covers."""

    name: str
    areas: int
    start: str


class EvaluationReport(BaseModel):
    """The data of an evaluation report (its JSON is what the PDF prints)."""

    indicator: str
    name_nl: str
    name_en: str
    unit: str
    estimator: str
    level: str
    years: list[int]
    n_areas: int
    dropped_areas: list[Any] = Field(default_factory=list)
    interventions: list[EvaluatedIntervention]
    estimates: list[EstimateRow]
    event_study: list[EventRow]
    series: list[SeriesRow]
    region: str
    synthetic: bool
    sources: list[dict[str, str]]
    quality: list[QualityRow]


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def evaluation_report(doc: dict[str, Any], registry: Registry, meta: RegionMeta, *,
                      level: str = "buurt",
                      interventions: Sequence[dict[str, Any]] = ()) -> EvaluationReport:
    """Assemble the data of an evaluation report.

    Parameters
    ----------
    doc : dict
        The estimate document: ``indicator``, ``estimator``, ``years``, ``n_areas``,
        ``dropped_areas``, ``estimates``, ``event_study`` (``e``, ``coef``, ``ci_low``,
        ``ci_high``) and ``series`` (``time``, ``treated``, ``comparison``).
    registry : Registry
        For the indicator's names and unit.
    meta : RegionMeta
        The region's meta (name, synthetic, sources, quality).
    level : str
        Level of the areas compared.
    interventions : sequence of dict
        Registered interventions (``name``, ``areas``, ``start_date``) the estimate covers.
    """
    ind = next((i for i in registry.indicators if i.id == doc["indicator"]), None)
    return EvaluationReport(
        indicator=doc["indicator"], name_nl=ind.name_nl if ind else doc["indicator"],
        name_en=ind.name_en if ind else doc["indicator"], unit=ind.unit if ind else "",
        estimator=doc["estimator"], level=level, years=[int(y) for y in doc.get("years", [])],
        n_areas=int(doc.get("n_areas", 0)), dropped_areas=list(doc.get("dropped_areas", [])),
        interventions=[EvaluatedIntervention(name=str(x.get("name", "")),
                                       areas=len(x.get("areas", []) or []),
                                       start=str(x.get("start_date", "") or ""))
                       for x in interventions],
        estimates=[EstimateRow(estimator=e["estimator"], target=e["target"],
                               estimate=_f(e.get("estimate")), ci_low=_f(e.get("ci_low")),
                               ci_high=_f(e.get("ci_high")), p_value=_f(e.get("p_value")),
                               identified=bool(e.get("identified", True)),
                               reason=str(e.get("reason") or ""),
                               n_treated=int(e.get("n_treated", 0)),
                               n_control=int(e.get("n_control", 0)))
                   for e in doc.get("estimates", [])],
        event_study=[EventRow(e=int(r["e"]), coef=_f(r.get("coef")), ci_low=_f(r.get("ci_low")),
                              ci_high=_f(r.get("ci_high"))) for r in doc.get("event_study", [])],
        series=[SeriesRow(time=int(r["time"]), treated=_f(r.get("treated")),
                          comparison=_f(r.get("comparison"))) for r in doc.get("series", [])],
        region=meta.name, synthetic=meta.synthetic,
        sources=[{"name": s.name, "licence": s.licence, "attribution": s.attribution}
                 for s in meta.sources],
        quality=[QualityRow(layer=k, status=q.status, reason=q.reason)
                 for k, q in sorted(meta.quality.items()) if q.status != "real"])


def render_evaluation_report(report: EvaluationReport, lang: Lang, fmt: Format,
                             today: date | None = None) -> bytes:
    """The evaluation report as HTML or tagged PDF bytes (event-study chart as SVG)."""
    pts = [Point(r.e, r.coef, r.ci_low if r.ci_low is not None else math.nan,
                 r.ci_high if r.ci_high is not None else math.nan)
           for r in report.event_study if r.coef is not None]
    data = report.model_dump()
    context = {"r": data, "synthetic": report.synthetic, "sources": data["sources"],
               "chart_uri": data_uri(trend_svg(pts, width=420, height=140)) if len(pts) > 1
               else None}
    return render("evaluation.html", context, lang, fmt, today)
