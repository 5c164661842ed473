"""The scenario report: a Planner scenario and its effects, as a council committee reads it.

:func:`scenario_report` is pure: it takes the scenario, its
:class:`~groengezond.scenario.result.ScenarioResult`, the region's meta and what residents
said where the scenario was published in a field lab (:func:`published_feedback`), and returns
a :class:`ScenarioReport` whose JSON is the report's data. :func:`render_scenario_report` draws
the plan on a server-rendered map and renders HTML or a tagged PDF.

Every effect is printed with its 95 % interval; a figure that is not computable is printed as
"niet te berekenen: <reason>", and a figure that rests on a placeholder layer is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import geopandas as gpd
from pydantic import BaseModel, Field

from groengezond.catalogue.model import load_catalogue
from groengezond.health.valuation import load_valuation
from groengezond.messages import worded, words
from groengezond.region.model import RegionMeta
from groengezond.reports.area import LessonRow, QualityRow
from groengezond.reports.charts import data_uri, scenario_map_svg
from groengezond.reports.messages import MESSAGES, Lang, message
from groengezond.reports.render import Format, render
from groengezond.scenario.model import Scenario, parse_geometry
from groengezond.scenario.result import IntervalOut, ScenarioResult

MAX_BUURTEN = 15
"""Buurten listed (those with the largest value per year first); the JSON keeps all."""
MAX_COMMENTS = 30
"""Residents' comments quoted per published scenario (newest first)."""


class Iv(BaseModel):
    """A median with its 95 % interval (None: not computable, see ``reason``)."""

    median: float | None
    lower: float | None = None
    upper: float | None = None
    reason: str = ""


def _iv(x: IntervalOut | None, reason: str = "") -> Iv:
    if x is None:
        return Iv(median=None, reason=reason or "not computable")
    return Iv(median=x.median, lower=x.lower, upper=x.upper)


class InterventionRow(BaseModel):
    """One intervention of the plan with its size."""

    name: str
    kind: str
    size: float
    size_unit: str
    catalogue_id: str | None = None
    catalogue_nl: str = ""
    """The catalogue entry's name in Dutch (empty without an entry)."""
    catalogue_en: str = ""


class TotalRow(BaseModel):
    """A health outcome over the whole plan."""

    outcome: str
    unit: str
    value: Iv


class BuurtRow(BaseModel):
    """Effects in one buurt."""

    code: str
    name: str
    residents: float
    deaths: Iv
    depression: Iv
    value_eur: Iv


class CostSummary(BaseModel):
    """Costs, benefits and the benefit-cost ratio."""

    total_low_eur: float
    total_high_eur: float
    maintenance_low_eur_per_year: float
    maintenance_high_eur_per_year: float
    any_assumption: bool
    appraisal_years: int
    discount_rate: float
    benefits_pv: Iv
    costs_pv: Iv
    bcr: Iv
    reason: str


class GapSummary(BaseModel):
    """The health gap: slope index of inequality before and after, and the verdict."""

    indicator_nl: str
    indicator_en: str
    unit: str
    year: int | None
    verdict: str
    sii_before: float
    sii_after: float
    sii_change: Iv
    quintile_gap_before: float
    quintile_gap_after: float
    access_verdict: str | None = None
    statement: str


class Assumption(BaseModel):
    """A money value or a pathway the result rests on, with its source.

    A money value has ``amount`` in ``currency`` at ``price_year`` prices ``per`` unit (a key
    of the report's words, ``per_<per>``); a pathway has no amount, and ``beside_total`` when
    its effect is reported beside the default total rather than in it.
    """

    what: str
    what_nl: str
    source: str
    assumption: bool
    amount: float | None = None
    currency: str = ""
    price_year: int | None = None
    per: str = ""
    beside_total: bool = False


class Note(BaseModel):
    """A note of the model (a message key with parameters), worded in both languages."""

    key: str
    nl: str
    en: str


class Comment(BaseModel):
    """An approved resident comment."""

    category: str
    text: str


class Feedback(BaseModel):
    """What residents said where the scenario was published."""

    field_lab: str
    published_as: str
    comments: list[Comment]
    n_comments: int


class ScenarioReport(BaseModel):
    """The data of a scenario report (its JSON is what the PDF prints)."""

    name: str
    description: str
    region: str
    synthetic: bool
    sources: list[dict[str, str]]
    quality: list[QualityRow]
    flags: list[dict[str, Any]] = Field(description="Result figures resting on a placeholder")
    n_draws: int
    seed: int | None
    input_hash: str
    interventions: list[InterventionRow]
    residents_300m_before: float
    """Share (0-1) of residents within 300 m walking of public green, before the plan."""
    residents_300m_after: float
    totals: list[TotalRow]
    money: Iv
    money_price_years: list[int]
    costs: CostSummary | None
    cost_reason: str = ""
    buurten: list[BuurtRow]
    gap: GapSummary
    assumptions: list[Assumption]
    notes: list[Note]
    feedback: list[Feedback] = Field(default_factory=list)
    lessons: list[LessonRow] = Field(default_factory=list)


def _size(item: Any) -> tuple[float, str]:
    geom = parse_geometry(item.geometry)
    kind = item.kind
    if kind == "add_dwellings":
        return float(item.dwellings), "dwellings"
    if geom.geom_type in ("LineString", "MultiLineString") or kind == "add_connection":
        return float(geom.length), "m"
    if geom.geom_type in ("Point", "MultiPoint"):
        return float(len(getattr(geom, "geoms", [geom]))), "trees"
    return float(geom.area / 10_000), "ha"


def _entry_name(catalogue_id: str | None, lang: Lang) -> str:
    """The catalogue entry's name in ``lang``, or its id when the catalogue lacks it."""
    if not catalogue_id:
        return ""
    cat = load_catalogue()
    return cat[catalogue_id].name(lang) if catalogue_id in cat else catalogue_id


def scenario_report(scenario: Scenario, result: ScenarioResult, meta: RegionMeta, *,
                    feedback: Sequence[dict[str, Any]] = (),
                    lessons: Sequence[dict[str, Any]] = ()) -> ScenarioReport:
    """Assemble the data of a scenario report.

    Parameters
    ----------
    scenario : Scenario
        The plan (geometries in EPSG:28992).
    result : ScenarioResult
        Its result (:meth:`groengezond.services.plan.Planner.run`).
    meta : RegionMeta
        The region's meta (name, synthetic, sources, quality per layer).
    feedback : sequence of dict
        From :func:`published_feedback`: field lab, published name, approved comments.
    lessons : sequence of dict
        Lessons (``what``, ``where``, ``result``, ``source``) to quote.
    """
    exp = result.exposures
    eq = result.equity
    costs = result.costs
    buurten = sorted(result.buurten, key=lambda b: -(b.value_eur_per_year.median
                                                     if b.value_eur_per_year else 0.0))
    labels = {v.id: v for v in load_valuation().values}
    assumptions = [Assumption(what=labels[v.id].label_en if v.id in labels else v.id,
                              what_nl=labels[v.id].label_nl if v.id in labels else v.id,
                              amount=v.amount, currency=v.currency, price_year=v.price_year,
                              per=v.per, source=v.source, assumption=v.assumption)
                   for v in result.money.values]
    assumptions += [Assumption(what=p.label, what_nl=p.label_nl or p.label,
                               beside_total=not p.in_default_total,
                               source=p.citation, assumption=False) for p in result.pathways]
    names = {"nl": {p.erf_id: p.label_nl or p.label for p in result.pathways},
             "en": {p.erf_id: p.label for p in result.pathways}}
    notes = [Note(key=m.key, **{lang: worded(m.key, m.params, lang, labels=names[lang])
                                or (m.text if lang == "en" else words("nl")["msgUnknown"])
                                for lang in ("nl", "en")})
             for m in result.messages]
    return ScenarioReport(
        name=scenario.name, description=scenario.description, region=meta.name,
        synthetic=meta.synthetic,
        sources=[{"name": s.name, "licence": s.licence, "attribution": s.attribution}
                 for s in meta.sources],
        quality=[QualityRow(layer=k, status=q.status, reason=q.reason)
                 for k, q in sorted(meta.quality.items()) if q.status != "real"],
        flags=[q.model_dump() for q in result.quality],
        n_draws=result.n_draws, seed=result.seed, input_hash=result.input_hash,
        interventions=[InterventionRow(name=i.name or i.kind, kind=i.kind,
                                       size=_size(i)[0], size_unit=_size(i)[1],
                                       catalogue_id=i.catalogue_id,
                                       catalogue_nl=_entry_name(i.catalogue_id, "nl"),
                                       catalogue_en=_entry_name(i.catalogue_id, "en"))
                       for i in scenario.interventions],
        residents_300m_before=exp.within_300m_before, residents_300m_after=exp.within_300m_after,
        totals=[TotalRow(outcome=t.outcome, unit=t.unit, value=_iv(
            t.total, t.not_computable.reason if t.not_computable else t.reason))
                for t in result.totals],
        money=_iv(result.money.total, result.money.not_computable.reason
                  if result.money.not_computable else ""),
        money_price_years=list(result.money.price_years),
        costs=None if costs is None else CostSummary(
            total_low_eur=costs.total_low_eur, total_high_eur=costs.total_high_eur,
            maintenance_low_eur_per_year=costs.maintenance_low_eur_per_year,
            maintenance_high_eur_per_year=costs.maintenance_high_eur_per_year,
            any_assumption=costs.any_assumption, appraisal_years=costs.appraisal_years,
            discount_rate=costs.discount_rate,
            benefits_pv=_iv(costs.benefits_present_value_eur, costs.reason),
            costs_pv=_iv(costs.costs_present_value_eur, costs.reason),
            bcr=_iv(costs.benefit_cost_ratio, costs.reason), reason=costs.reason),
        cost_reason="" if costs is not None else "no_costs",
        buurten=[BuurtRow(code=b.code, name=b.name, residents=b.residents,
                          deaths=_iv(b.deaths_prevented), depression=_iv(
                              b.depression_cases_prevented),
                          value_eur=_iv(b.value_eur_per_year)) for b in buurten],
        gap=GapSummary(indicator_nl=eq.indicator_name_nl or eq.indicator,
                       indicator_en=eq.indicator_name_en or eq.indicator,
                       unit=eq.indicator_unit, year=eq.year, verdict=eq.verdict,
                       sii_before=eq.sii_before, sii_after=eq.sii_after,
                       sii_change=_iv(eq.sii_change_interval) if eq.sii_change_interval
                       else Iv(median=eq.sii_change),
                       quintile_gap_before=eq.quintile_gap_before,
                       quintile_gap_after=eq.quintile_gap_after,
                       access_verdict=eq.access.verdict if eq.access else None,
                       statement=eq.statement),
        assumptions=assumptions, notes=notes,
        feedback=[Feedback(**f) for f in feedback],
        lessons=[LessonRow(**{k: str(le.get(k, "")) for k in ("what", "where", "result",
                                                               "source")}) for le in lessons])


def published_feedback(db: Any, name: str, ref: str | None = None,
                       limit: int = MAX_COMMENTS) -> list[dict[str, Any]]:
    """Approved comments on the field-lab publications of a scenario.

    A publication matches when its ``scenario_ref`` is ``ref`` (e.g. the shared scenario id)
    or, without ``ref``, when its name is ``name``. Withdrawn publications keep their comments.
    """
    from sqlalchemy import func, select

    from groengezond.participation.models import Comment as CommentRow
    from groengezond.participation.models import FieldLab, PublishedScenario

    out = []
    with db.read() as s:
        cond = (PublishedScenario.scenario_ref == ref) if ref else (
            PublishedScenario.name == name)
        for pub in s.scalars(select(PublishedScenario).where(cond)).all():
            lab = s.get(FieldLab, pub.field_lab_id)
            approved = (CommentRow.scenario_id == pub.id) & (CommentRow.status == "approved")
            n = s.scalar(select(func.count()).select_from(CommentRow).where(approved)) or 0
            rows = s.scalars(select(CommentRow).where(approved)
                             .order_by(CommentRow.created_at.desc()).limit(limit)).all()
            out.append({"field_lab": lab.name if lab else str(pub.field_lab_id),
                        "published_as": pub.name, "n_comments": int(n),
                        "comments": [{"category": c.category, "text": c.text} for c in rows]})
    return out


def _has_effect(row: dict[str, Any]) -> bool:
    """True when a buurt row has a figure that is not exactly 0 (or is not computable)."""
    for key in ("deaths", "depression", "value_eur"):
        iv = row[key]
        if iv["median"] is None:
            return True
        if any(v not in (None, 0.0) for v in (iv["median"], iv["lower"], iv["upper"])):
            return True
    return False


def render_scenario_report(report: ScenarioReport, scenario: Scenario,
                           areas: gpd.GeoDataFrame, lang: Lang, fmt: Format,
                           today: date | None = None) -> bytes:
    """The scenario report as HTML or tagged PDF bytes (with the plan on a map)."""
    geoms = [parse_geometry(i.geometry) for i in scenario.interventions]
    touched = {b.code for b in report.buurten}
    data = report.model_dump()
    # buurten the plan does not reach (every figure exactly 0) are counted, not listed
    affected = [b for b in data["buurten"] if _has_effect(b)]
    data["buurten"] = affected[:MAX_BUURTEN]
    for row in data["totals"]:
        key = f"outcome_{row['outcome']}"
        row["label"] = message(key, lang) if key in MESSAGES else row["outcome"]
    context = {"r": data, "synthetic": report.synthetic, "sources": data["sources"],
               "n_buurten": len(report.buurten), "n_affected": len(affected),
               "map_uri": data_uri(scenario_map_svg(areas, geoms, touched))}
    return render("scenario.html", context, lang, fmt, today)
