"""The Monitor over HTTP: indicators per area and year, trends and the health gap.

Thin over :mod:`groengezond.services.monitor`: the Monitor's tables are computed once (on the
first request, or in the background at start-up) and only their published, disclosure-
controlled form (:func:`~groengezond.services.monitor.publish_all`) is ever served: a
suppressed value is ``null`` with ``suppressed: true`` and the reason.

- ``/api/indicators``: the indicators the region has, with names (nl, en), unit, direction,
  years and levels.
- ``/api/indicators/{id}/values?level=&year=``: one value per area (with its interval, rank,
  quartile) for the map.
- ``/api/indicators/{id}/areas/{code}``: one area over the years, its trend and its rank.
- ``/api/indicators/{id}/inequality?level=``: SII and RII with intervals, the gap between the
  most and least deprived fifth, the gap between the best and worst area, each per year, and
  the trend of the gap; when no SII can be computed, ``not_computable`` gives the key and the
  reason ("not computable: ...").

Every value, series point and gap row carries ``quality`` (real / derived / placeholder): the
worst of the area's geometry and the layers the indicator rests on
(:mod:`groengezond.services.figure_quality`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from groengezond.api.areas import find_area
from groengezond.api.context import WebContext, get_context
from groengezond.api.geojson import Payload, json_bytes, records
from groengezond.api.models_monitor import AreaDoc, IndicatorList, InequalityDoc, ValuesDoc
from groengezond.api.problems import ReadableRoute
from groengezond.errors import InputError
from groengezond.indicators.age_groups import DEFAULT_AGE_GROUP
from groengezond.indicators.deprivation import (
    MIN_AREAS,
    RankingChoice,
    choose_ranking,
    inequality_table,
)
from groengezond.indicators.disclosure import disclose
from groengezond.indicators.registry import Indicator, Registry, load_registry
from groengezond.region.quality import NotComputable
from groengezond.services import monitor as monitor_service
from groengezond.services.gap_trend import gap_change, sii_slope

router = APIRouter(prefix="/api/indicators", tags=["monitor"], route_class=ReadableRoute)

Level = Literal["buurt", "wijk", "gemeente", "region"]
Ctx = Annotated[WebContext, Depends(get_context)]
AgeGroup = Annotated[str, Query(alias="age_group", min_length=1, max_length=20,
                                description="Age group of age-specific values (18+ or 65+)")]
JSON = "application/json"
API_SIMS = 10_000
"""Simulations behind the SII/RII intervals served by the API (the CLI default is 100,000;
10,000 keeps the start-up of the server short and the interval ends stable to about 1 %)."""

VALUE_FIELDS = ("area_code", "name", "value", "lower", "upper", "suppressed",
                "suppression_reason", "quartile", "persons", "quality")
TREND_FIELDS = ("n_years", "first_year", "last_year", "slope_per_year", "slope_lower",
                "slope_upper", "change", "significant", "direction", "arrow", "colour",
                "suppressed", "suppression_reason")
INEQUALITY_FIELDS = ("year", "ranking", "ranking_year", "ranking_note", "not_computable",
                     "n_areas", "mean", "sii", "sii_lower",
                     "sii_upper", "rii", "rii_lower", "rii_upper", "quintile_most_deprived",
                     "quintile_least_deprived", "gap", "gap_lower", "gap_upper", "ratio",
                     "ratio_lower", "ratio_upper", "suppressed", "suppression_reason",
                     "quality")
GAP_FIELDS = ("year", "best_code", "best_name", "worst_code", "worst_name", "best_value",
              "worst_value", "gap", "gap_lower", "gap_upper", "significant", "suppressed",
              "suppression_reason", "quality")


log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class MonitorData:
    """The Monitor's tables for the served region: published tables and what ranks them."""

    registry: Registry
    tables: monitor_service.MonitorTables
    values: pd.DataFrame
    inequality: pd.DataFrame
    trends: pd.DataFrame
    rules: tuple[str, ...]
    age_group: str = DEFAULT_AGE_GROUP


def monitor_data(ctx: WebContext, age_group: str = DEFAULT_AGE_GROUP) -> MonitorData:
    """Compute (once per age group) and publish the Monitor's tables for the region served."""

    def build() -> MonitorData:
        reg = load_registry()
        extra = None
        if ctx.extra_indicators is not None:
            try:
                extra = ctx.extra_indicators()
            except Exception as exc:
                log.warning("field lab results left out of the Monitor: %s", exc)
        tables = monitor_service.compute_monitor(ctx.region, reg, n_sims=API_SIMS, extra=extra,
                                                 age_group=age_group)
        published = monitor_service.publish_all(tables, reg)
        values = published["values"].frame
        values = values.sort_values(["indicator", "level", "year", "area_code"], kind="stable")
        return MonitorData(reg, tables, values, published["inequality"].frame,
                           published["trends"].frame, published["values"].rules, age_group)

    key = "monitor" if age_group == DEFAULT_AGE_GROUP else f"monitor:{age_group}"
    return ctx.once(key, build)


def warm_up(ctx: WebContext) -> threading.Thread:
    """Start computing the Monitor's tables in a background thread (start-up)."""
    def run() -> None:
        try:
            monitor_data(ctx)
        except Exception:  # the first request that needs the tables raises it again
            log.exception("monitor warm-up failed",
                          extra={"fields": {"event": "warm_up_failed"}})

    thread = threading.Thread(target=run, name="monitor-warm-up", daemon=True)
    thread.start()
    return thread


def _indicator(data: MonitorData, indicator_id: str) -> Indicator:
    ind = data.registry.get(indicator_id)
    if not (data.values["indicator"] == ind.id).any():
        have = sorted(data.values["indicator"].unique())
        raise InputError.single("indicators.parquet", "", "indicator",
                                f"the region has no values of {ind.id!r}",
                                f"choose one of: {', '.join(have) or '(none)'}")
    return ind


def _years(data: MonitorData, ind: Indicator) -> list[int]:
    v = data.values
    have = v[(v["indicator"] == ind.id) & (v["value"].notna() | v["suppressed"])]
    return sorted(int(y) for y in have["year"].unique())


def _year(data: MonitorData, ind: Indicator, year: int | None) -> int:
    years = _years(data, ind)
    if not years:
        raise InputError.single("indicators.parquet", "", "indicator",
                                f"{ind.id} has no published values", "choose another indicator")
    if year is None:
        return years[-1]
    if year not in years:
        raise InputError.single("--year", "", "year", f"{ind.id} has no values for {year}",
                                f"choose one of: {', '.join(map(str, years))}")
    return year


def ranked(rows: pd.DataFrame, ind: Indicator) -> pd.Series:
    """Rank of each published value among its peers (1 = best; ties share the lowest rank).

    The same ordering as the Monitor's ranking (:func:`~groengezond.services.monitor.
    run_monitor`): higher first unless lower is better; suppressed values are not ranked.
    """
    order = rows["value"] * (-1 if ind.sign >= 0 else 1)
    return order.where(~rows["suppressed"].astype(bool)).rank(method="min").astype("Int64")


def describe(ind: Indicator) -> dict[str, Any]:
    """The registry entry of an indicator as JSON."""
    return {"id": ind.id, "name_nl": ind.name_nl, "name_en": ind.name_en, "unit": ind.unit,
            "domain": ind.domain, "good_direction": ind.good_direction,
            "has_interval": ind.has_interval, "source": ind.source, "note": ind.note}


def _levels(data: MonitorData, ind: Indicator) -> list[str]:
    mine = data.values[data.values["indicator"] == ind.id]
    return [lv for lv in ("buurt", "wijk", "gemeente", "region") if (mine["level"] == lv).any()]


def describe_served(data: MonitorData, ind: Indicator) -> dict[str, Any]:
    """The registry entry of an indicator with the years and levels the region has."""
    return {**describe(ind), "years": _years(data, ind), "levels": _levels(data, ind)}


def _list_payload(data: MonitorData) -> Payload:
    ages = data.tables.age_group
    v = data.values
    out = []
    for ind in data.registry.indicators:
        mine = v[v["indicator"] == ind.id]
        if mine.empty:
            continue
        out.append(describe_served(data, ind))
    # The default is the first indicator in registry order that the region has (issue 12).
    doc = {"indicators": out, "default": out[0]["id"] if out else None,
           "age_group": ages, "sources": data.registry.sources}
    return Payload.of(json_bytes(doc), JSON)


def _values_doc(data: MonitorData, ind: Indicator, level: str, year: int) -> dict[str, Any]:
    v = data.values
    rows = v[(v["indicator"] == ind.id) & (v["level"] == level) & (v["year"] == year)].copy()
    rows["rank"] = ranked(rows, ind)
    shown = rows["value"][~rows["suppressed"]].dropna()
    return {
        "indicator": describe_served(data, ind), "level": level, "year": year,
        "age_group": data.age_group, "n_areas": len(rows),
        "n_ranked": int(rows["rank"].notna().sum()),
        "n_suppressed": int(rows["suppressed"].sum()),
        "min": float(shown.min()) if len(shown) else None,
        "max": float(shown.max()) if len(shown) else None,
        "rules": list(data.rules),
        "values": records(rows, (*VALUE_FIELDS, "rank")),
    }


def _area_doc(data: MonitorData, ind: Indicator, area: dict[str, Any]) -> dict[str, Any]:
    v = data.values
    code, level = area["code"], area["level"]
    peers = v[(v["indicator"] == ind.id) & (v["level"] == level)].copy()
    peers["rank"] = pd.concat([ranked(g, ind) for _, g in peers.groupby("year")])
    peers["of"] = peers.groupby("year")["rank"].transform("count")
    series = peers[peers["area_code"] == code].sort_values("year")
    t = data.trends
    trend = t[(t["indicator"] == ind.id) & (t["level"] == level) & (t["area_code"] == code)]
    latest = series[series["value"].notna()].tail(1)
    return {
        "indicator": describe_served(data, ind), "area": area, "age_group": data.age_group,
        "series": records(series, ("year", "value", "lower", "upper", "suppressed",
                                   "suppression_reason", "quartile", "rank", "of", "quality")),
        "trend": records(trend, TREND_FIELDS)[0] if len(trend) else None,
        "rank": records(latest, ("year", "rank", "of"))[0] if len(latest) else None,
    }


def _inequality_rows(data: MonitorData, ind: Indicator, level: str, rank_by: str,
                     notes: list[str]) -> pd.DataFrame:
    """Published inequality rows of one indicator and level: the precomputed ones, or, for
    another ranking (``rank_by``), computed for this indicator alone."""
    if not rank_by:
        q = data.inequality
        return q[(q["indicator"] == ind.id) & (q["level"] == level)].sort_values("year")
    v = data.tables.values
    keep = (v["indicator"] == ind.id) | (v["indicator"] == rank_by)
    table = inequality_table(v[keep & (v["level"] == level)], data.registry, API_SIMS, 42,
                             notes, rank_by)
    table = table[table["indicator"] == ind.id]
    published = disclose(table, name="inequality", registry=data.registry,
                         value_columns=monitor_service.INEQ_COLS)
    return published.frame.sort_values("year")


def _inequality_doc(data: MonitorData, ind: Indicator, level: str,
                    rank_by: str = "") -> dict[str, Any]:
    notes = list(data.tables.notes)
    rows = _inequality_rows(data, ind, level, rank_by, notes)
    years = _years(data, ind)
    gap_rows: list[dict[str, Any]] = []
    gap_trend: dict[str, Any] | None = None
    if years:
        gap, trend = monitor_service.gap_tables(data.tables.values, ind, level, years[-1],
                                                data.registry)
        gap_rows = records(gap.frame, GAP_FIELDS)
        tf = trend.frame
        gap_trend = records(tf, TREND_FIELDS)[0] if len(tf) else None
    change = "insufficient_data"
    if gap_trend is not None and gap_rows:
        change = gap_change(str(gap_trend["direction"]), gap_rows[-1]["gap"])
    sii = rows[["year", "sii"]].dropna()
    slope = sii_slope(sii["year"].to_numpy(float), sii["sii"].to_numpy(float))
    latest = rows.tail(1)
    choice = choose_ranking(data.tables.values, data.registry, level,
                            years[-1] if years else 0, rank_by or None)
    reason: str | None = None
    if len(latest) and str(latest["not_computable"].iloc[0] or ""):
        reason = str(latest["not_computable"].iloc[0])
    elif isinstance(choice, NotComputable):
        reason = choice.reason
    elif not len(latest):
        reason = f"not computable: fewer than {MIN_AREAS} {level} areas"
    not_computable: dict[str, str] | None = None
    if reason is not None:
        key = ""
        if len(latest) and "not_computable_key" in latest.columns \
                and pd.notna(latest["not_computable_key"].iloc[0]):
            key = str(latest["not_computable_key"].iloc[0])
        if not key:
            key = choice.key if isinstance(choice, NotComputable) else "monitor.too_few_areas"
        not_computable = {"key": key, "reason": reason}
    return {
        "indicator": describe_served(data, ind), "level": level, "age_group": data.age_group,
        "ranking": choice.indicator if isinstance(choice, RankingChoice) else None,
        "ranking_year": choice.year if isinstance(choice, RankingChoice) else None,
        "ranking_requested": rank_by or None,
        "not_computable": not_computable,
        "series": records(rows, INEQUALITY_FIELDS),
        "best_worst": gap_rows, "best_worst_trend": gap_trend, "best_worst_change": change,
        "sii_change_per_year": slope,
        "notes": notes,
    }


def _build(data: MonitorData, kind: str, indicator_id: str, level: str, year: int,
            code: str, rank_by: str = "") -> Payload:
    ind = data.registry[indicator_id]
    if kind == "values":
        doc = _values_doc(data, ind, level, year)
    elif kind == "inequality":
        doc = _inequality_doc(data, ind, level, rank_by)
    else:
        doc = _area_doc(data, ind, {"code": code, "level": level, "name": _name(data, code)})
    return Payload.of(json_bytes(doc), JSON)


def _cached(ctx: WebContext, kind: str, indicator_id: str, level: str, year: int,
            code: str, rank_by: str = "", age_group: str = DEFAULT_AGE_GROUP) -> Payload:
    """The JSON answer of one Monitor question, built once per context and age group."""
    build = ctx.memo(f"monitor-json:{age_group}", partial(_build, monitor_data(ctx, age_group)),
                     4096)
    payload: Payload = build(kind, indicator_id, level, year, code, rank_by)
    return payload


def _name(data: MonitorData, code: str) -> str:
    hit = data.values.loc[data.values["area_code"] == code, "name"]
    return str(hit.iloc[0]) if len(hit) else code


# The answers are cached JSON bytes (with ETags); the models document them and
# tests/test_api_contract.py checks real answers against them.
@router.get("", summary="Indicators of the Monitor that the region has",
            response_model=IndicatorList)
def list_indicators(request: Request, ctx: Ctx,
                    age_group: AgeGroup = DEFAULT_AGE_GROUP) -> Response:
    """Every indicator with values: names (nl, en), unit, good direction, years, levels."""
    payload = ctx.once(f"indicator-list:{age_group}",
                       lambda: _list_payload(monitor_data(ctx, age_group)))
    return payload.response(request, max_age=60)


@router.get("/{indicator}/values", summary="Values of one indicator per area (published)",
            response_model=ValuesDoc)
def indicator_values(
    indicator: str,
    request: Request,
    ctx: Ctx,
    level: Annotated[Level, Query(description="buurt, wijk, gemeente or region")] = "buurt",
    year: Annotated[int | None, Query(ge=1900, le=2100,
                                      description="Year; default the latest")] = None,
    age_group: AgeGroup = DEFAULT_AGE_GROUP,
) -> Response:
    """One published value per area of ``level`` in ``year``, with interval and rank.

    Suppressed values are ``null`` with ``suppressed: true`` and the reason.
    """
    data = monitor_data(ctx, age_group)
    ind = _indicator(data, indicator)
    y = _year(data, ind, year)
    return _cached(ctx, "values", ind.id, level, y, "", age_group=age_group).response(
        request, max_age=60)


@router.get("/{indicator}/areas/{code}", summary="One area: values over the years, trend, rank",
            response_model=AreaDoc)
def area_indicator(indicator: str, code: str, request: Request, ctx: Ctx,
                   age_group: AgeGroup = DEFAULT_AGE_GROUP) -> Response:
    """The area's published values for every year, its trend and its latest rank."""
    data = monitor_data(ctx, age_group)
    ind = _indicator(data, indicator)
    area = find_area(ctx, code)
    return _cached(ctx, "area", ind.id, str(area["level"]), 0, code,
                   age_group=age_group).response(request, max_age=60)


@router.get("/{indicator}/inequality", summary="The health gap: SII, RII, best-worst, trend",
            response_model=InequalityDoc)
def inequality(
    indicator: str,
    request: Request,
    ctx: Ctx,
    level: Annotated[Level, Query(description="Level over which the gap is measured")] = "buurt",
    rank_by: Annotated[str | None, Query(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="Indicator that ranks areas from most to least deprived (default: the "
                    "first of the registry's ranking preference the region has)")] = None,
    age_group: AgeGroup = DEFAULT_AGE_GROUP,
) -> Response:
    """Inequality of ``indicator`` between the areas of ``level`` in every year.

    The answer names the deprivation ranking (``ranking``, ``ranking_year``) and the age group;
    where the SII cannot be computed, ``not_computable`` says why.
    """
    data = monitor_data(ctx, age_group)
    ind = _indicator(data, indicator)
    if rank_by is not None:
        _indicator(data, data.registry.get(rank_by).id)
    return _cached(ctx, "inequality", ind.id, level, 0, "", rank_by or "",
                   age_group=age_group).response(request, max_age=60)
