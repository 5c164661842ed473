"""The area report: everything the platform knows of one buurt, wijk or gemeente.

:func:`area_report` is pure: it takes the region's areas and meta, the Monitor's *published*
tables (values and trends after disclosure control), the area's green-access row (or why it is
not computable), the field labs and the lessons, and returns an :class:`AreaReport` whose JSON
is the report's data; the templates only word and lay it out. :func:`render_area_report` turns
it into HTML or a tagged PDF.

Rank and quintile are taken among the areas of the same level with a published value in the
same year; rank 1 and quintile 1 are the best by the indicator's good direction
(``good_direction`` in the registry). Neutral indicators get no rank.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from groengezond.errors import InputError
from groengezond.indicators.registry import Registry
from groengezond.region.model import RegionMeta
from groengezond.region.quality import NotComputable
from groengezond.reports.charts import Point, area_map_svg, data_uri, trend_svg
from groengezond.reports.messages import Lang
from groengezond.reports.render import Format, render

ACCESS_MEASURES: tuple[tuple[str, str, float, int], ...] = (
    ("within_300m_network", "access_within_300m", 100.0, 1),
    ("meets_3_30_300", "access_3_30_300", 100.0, 1),
    ("canopy_share", "access_canopy", 100.0, 1),
    ("green_m2_per_inhabitant_500m", "access_green_m2", 1.0, 0),
    ("green_network_m", "access_median_m", 1.0, 0),
)
"""Access column → (message key, factor to the printed unit, decimals). Shares print as %."""


COUNT_UNITS = ("persons", "households")
"""Units printed without decimals."""

FULL_COVERAGE = 0.95
"""An aggregated value covering less than this share of the inhabitants is flagged."""


class YearValue(BaseModel):
    """One year of an indicator in the area."""

    year: int
    value: float | None
    lower: float | None
    upper: float | None
    suppressed: bool = False


class IndicatorRow(BaseModel):
    """One indicator of the area in its latest year, with its place and trend."""

    id: str
    name_nl: str
    name_en: str
    unit: str
    year: int
    value: float | None
    lower: float | None
    upper: float | None
    decimals: int = 1
    suppressed: bool
    suppression_reason: str = ""
    rank: int | None
    n_ranked: int
    quintile: int | None
    direction: str | None
    slope_per_year: float | None
    slope_lower: float | None = None
    slope_upper: float | None = None
    series: list[YearValue]
    source: str = ""
    coverage: float | None = None
    """Share (0-1) of the area's inhabitants whose buurten had a value, when the value is
    aggregated from buurten; printed as a flag below :data:`FULL_COVERAGE`."""


class AccessFigure(BaseModel):
    """One green-access figure of the area (in the printed unit)."""

    key: str
    value: float | None
    decimals: int
    suppressed: bool = False
    """True when disclosure control withheld the value (else a None value is not computable,
    e.g. no resident of the area reaches green over the network)."""


class FieldLabRow(BaseModel):
    """A field lab in (or overlapping) the area."""

    name: str
    description: str = ""
    opens_on: date
    closes_on: date


class LessonRow(BaseModel):
    """A lesson of the knowledge base quoted in the report."""

    what: str
    where: str
    result: str
    source: str


class QualityRow(BaseModel):
    """A layer that is not real, with its status and reason."""

    layer: str
    status: str
    reason: str


class AreaReport(BaseModel):
    """The data of an area report (its JSON is what the PDF prints)."""

    code: str
    name: str
    level: str
    parent_code: str | None
    parent_name: str | None
    inhabitants: float | None
    region: str
    synthetic: bool
    quality: list[QualityRow]
    geometry_quality: str | None = None
    sources: list[dict[str, str]]
    indicators: list[IndicatorRow]
    access: list[AccessFigure] = Field(default_factory=list)
    access_not_computable: str | None = None
    access_degraded: bool = False
    field_labs: list[FieldLabRow] = Field(default_factory=list)
    lessons: list[LessonRow] = Field(default_factory=list)


def _f(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None  # NaN or ±inf (e.g. no green reachable)


def _geometry_flag(row: pd.Series) -> str | None:
    """Why the area's polygon is not its own (``geometry_quality`` not ``real``, or a
    ``geometry_source`` of ``placeholder:...``), else None."""
    quality = row.get("geometry_quality")
    if isinstance(quality, str) and quality not in ("", "real"):
        return quality
    source = row.get("geometry_source")
    if isinstance(source, str) and source.startswith("placeholder"):
        return f"geometry_source {source}"
    return None


def descendants(areas: pd.DataFrame, code: str) -> set[str]:
    """The codes of ``code`` and of every area below it (by the ``parent`` column)."""
    children = areas.groupby("parent")["code"].apply(list).to_dict()
    out, todo = set(), [code]
    while todo:
        c = todo.pop()
        if c in out:
            continue
        out.add(c)
        todo.extend(children.get(c, []))
    return out


def _ranks(values: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Rank (1 = best) and quintile (1 = best 20 %) per indicator, level and year."""
    pub = values[~values["suppressed"].astype(bool) & values["value"].notna()].copy()
    sign = pub["indicator"].map({i.id: i.sign for i in registry.indicators}).fillna(0)
    pub = pub[sign != 0]
    order = -pub["value"] * sign[sign != 0]
    keys = [pub["indicator"], pub["level"], pub["year"]]
    pub["rank"] = order.groupby(keys).rank(method="min")
    pub["n_ranked"] = order.groupby(keys).transform("size")
    pub["quintile"] = np.ceil(pub["rank"] / pub["n_ranked"] * 5).clip(1, 5)
    return pub[["area_code", "indicator", "year", "rank", "n_ranked", "quintile"]]


def area_report(code: str, meta: RegionMeta, areas: pd.DataFrame, values: pd.DataFrame,
                trends: pd.DataFrame, registry: Registry, *,
                access: dict[str, Any] | NotComputable | None = None,
                field_labs: Sequence[dict[str, Any]] = (),
                lessons: Sequence[dict[str, Any]] = ()) -> AreaReport:
    """Assemble the data of an area report.

    Parameters
    ----------
    code : str
        CBS code of the buurt, wijk, gemeente (or region).
    meta : RegionMeta
        The region's meta (name, synthetic, sources, quality per layer).
    areas : DataFrame
        The region's areas (``code``, ``name``, ``level``, ``parent``, ``inhabitants``;
        ``geometry_quality`` when present).
    values, trends : DataFrame
        The Monitor's published ``values`` and ``trends`` tables
        (:func:`~groengezond.services.monitor.publish_all`).
    registry : Registry
        The indicator registry (names, units, good direction).
    access : dict, NotComputable or None
        The area's published access row (columns of
        :data:`groengezond.api.access.MEASURES`, shares 0-1), or why there is none.
    field_labs : sequence of dict
        Field labs (``name``, ``description``, ``area_code``, ``buurten`` [{code}], ``opens_on``,
        ``closes_on``); those touching the area or a buurt under it are kept.
    lessons : sequence of dict
        Lessons (``what``, ``where``, ``result``, ``source``) to quote.

    Raises
    ------
    InputError
        When the region has no area ``code``.
    """
    hit = areas[areas["code"] == code]
    if hit.empty:
        raise InputError.single("areas.parquet", "", "code", f"no area with code {code!r}",
                                "give a CBS code of the region, e.g. BU03440101, WK034401 or "
                                "GM0344 (see `groengezond info`)")
    row = hit.iloc[0]
    parent = row["parent"] if isinstance(row.get("parent"), str) else None
    names = areas.set_index("code")["name"]
    mine = values[values["area_code"] == code]
    ranks = _ranks(values[values["level"] == row["level"]], registry).set_index(
        ["area_code", "indicator", "year"])
    tr = trends[(trends["area_code"] == code)].set_index("indicator")
    rows = []
    for ind in registry.indicators:
        sel = mine[mine["indicator"] == ind.id].sort_values("year")
        if sel.empty:
            continue
        with_value = sel[sel["value"].notna()]
        last = (with_value if not with_value.empty else sel).iloc[-1]
        year = int(last["year"])
        key = (code, ind.id, year)
        rk = ranks.loc[key] if key in ranks.index else None
        t = tr.loc[ind.id] if ind.id in tr.index else None
        rows.append(IndicatorRow(
            id=ind.id, name_nl=ind.name_nl, name_en=ind.name_en, unit=ind.unit, year=year,
            decimals=0 if ind.unit in COUNT_UNITS else 1,
            value=_f(last["value"]), lower=_f(last["lower"]), upper=_f(last["upper"]),
            suppressed=bool(last["suppressed"]),
            suppression_reason=str(last.get("suppression_reason") or ""),
            rank=int(rk["rank"]) if rk is not None else None,
            n_ranked=int(rk["n_ranked"]) if rk is not None else 0,
            quintile=int(rk["quintile"]) if rk is not None else None,
            direction=str(t["direction"]) if t is not None else None,
            slope_per_year=_f(t["slope_per_year"]) if t is not None else None,
            slope_lower=_f(t["slope_lower"]) if t is not None else None,
            slope_upper=_f(t["slope_upper"]) if t is not None else None,
            series=[YearValue(year=int(r["year"]), value=_f(r["value"]), lower=_f(r["lower"]),
                              upper=_f(r["upper"]), suppressed=bool(r["suppressed"]))
                    for _, r in sel.iterrows()],
            source=str(last.get("source") or ""),
            coverage=_f(last.get("coverage")) if last.get("derivation") == "aggregated"
            else None))
    report = AreaReport(
        code=code, name=str(row["name"]), level=str(row["level"]), parent_code=parent,
        parent_name=str(names.get(parent)) if parent in names.index else None,
        inhabitants=_f(row.get("inhabitants")), region=meta.name, synthetic=meta.synthetic,
        quality=[QualityRow(layer=k, status=q.status, reason=q.reason)
                 for k, q in sorted(meta.quality.items()) if q.status != "real"],
        geometry_quality=_geometry_flag(row),
        sources=[{"name": s.name, "licence": s.licence, "attribution": s.attribution}
                 for s in meta.sources],
        indicators=rows,
        lessons=[LessonRow(**{k: str(le.get(k, "")) for k in ("what", "where", "result",
                                                               "source")}) for le in lessons])
    if isinstance(access, NotComputable):
        report.access_not_computable = access.reason
    elif access is None:
        report.access_not_computable = "no green-access results for this area"
    else:
        report.access_degraded = bool(access.get("network_degraded", False))
        withheld = bool(access.get("suppressed", False))
        for column, word, factor, decimals in ACCESS_MEASURES:
            if column in access:
                v = _f(access[column])
                report.access.append(AccessFigure(
                    key=word, value=None if v is None else v * factor, decimals=decimals,
                    suppressed=withheld and v is None))
    under = descendants(areas, code)
    for lab in field_labs:
        codes = {lab.get("area_code")} | {b.get("code") for b in lab.get("buurten", [])}
        if codes & under:
            report.field_labs.append(FieldLabRow(
                name=str(lab["name"]), description=str(lab.get("description", "")),
                opens_on=lab["opens_on"], closes_on=lab["closes_on"]))
    return report


def render_area_report(report: AreaReport, areas: gpd.GeoDataFrame, lang: Lang, fmt: Format,
                       today: date | None = None) -> bytes:
    """The area report as HTML or tagged PDF bytes (with its map and trend charts)."""
    charts = {}
    for ind in report.indicators:
        pts = [Point(v.year, v.value, v.lower if v.lower is not None else math.nan,
                     v.upper if v.upper is not None else math.nan)
               for v in ind.series if v.value is not None]
        if len(pts) >= 2:
            charts[ind.id] = data_uri(trend_svg(pts))
    data = report.model_dump()
    context = {"r": data, "synthetic": report.synthetic, "sources": data["sources"],
               "map_uri": data_uri(area_map_svg(areas, report.code)), "charts": charts}
    return render("area.html", context, lang, fmt, today)
