"""Response models of the Monitor (``/api/indicators``; see :mod:`groengezond.api.indicators`).

Values are published, disclosure-controlled figures: a suppressed value is null with
``suppressed: true`` and the reason; NaN is sent as null (:data:`FloatOrNaN`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from groengezond.api.contract import Contract, FloatOrNaN, NotComputableRef, Quality


class IndicatorInfo(Contract):
    """A registry indicator: names (nl, en), unit, domain, good direction, source."""

    id: str
    name_nl: str
    name_en: str
    unit: str
    domain: str
    good_direction: Literal["higher", "lower", "neutral"]
    has_interval: bool
    source: str
    note: str


class IndicatorListItem(IndicatorInfo):
    """An indicator the region has, with its years and levels."""

    years: list[int]
    levels: list[str]


class IndicatorList(Contract):
    """Every indicator with values; ``default`` is the first in registry order."""

    indicators: list[IndicatorListItem]
    default: str | None
    age_group: str
    sources: dict[str, str] = Field(description="Source id -> citation")


class AreaValue(Contract):
    """One area's published value in one year, with its interval, quartile and rank."""

    area_code: str
    name: str
    value: FloatOrNaN
    lower: FloatOrNaN
    upper: FloatOrNaN
    suppressed: bool
    suppression_reason: str
    quartile: FloatOrNaN
    persons: FloatOrNaN = None
    quality: Quality
    rank: int | None


class ValuesDoc(Contract):
    """Values of one indicator per area of one level in one year."""

    indicator: IndicatorListItem
    level: str
    year: int
    age_group: str
    n_areas: int
    n_ranked: int
    n_suppressed: int
    min: FloatOrNaN
    max: FloatOrNaN
    rules: list[str] = Field(description="Disclosure rules applied")
    values: list[AreaValue]


class SeriesPoint(Contract):
    """One year of an area's series, with its rank among its peers."""

    year: int
    value: FloatOrNaN
    lower: FloatOrNaN
    upper: FloatOrNaN
    suppressed: bool
    suppression_reason: str
    quartile: FloatOrNaN
    rank: int | None
    of: int | None
    quality: Quality


class Trend(Contract):
    """A linear trend over the years with its interval, direction and arrow."""

    n_years: int | None = None
    first_year: int | None = None
    last_year: int | None = None
    slope_per_year: FloatOrNaN
    slope_lower: FloatOrNaN
    slope_upper: FloatOrNaN
    change: FloatOrNaN = None
    significant: bool | None = None
    direction: str
    arrow: str
    colour: str
    suppressed: bool
    suppression_reason: str = ""


class AreaRef(Contract):
    """An area by code, level and name."""

    code: str
    level: str
    name: str


class RankAt(Contract):
    """An area's rank (1 = best) among ``of`` areas in ``year``."""

    year: int
    rank: int | None
    of: int | None


class AreaDoc(Contract):
    """One area over the years: its series, trend and latest rank."""

    indicator: IndicatorListItem
    area: AreaRef
    age_group: str
    series: list[SeriesPoint]
    trend: Trend | None
    rank: RankAt | None


class InequalityRow(Contract):
    """One year of the health gap: SII and RII with intervals, and the quintile gap."""

    year: int
    ranking: str | None = None
    ranking_year: int | None = None
    ranking_note: str | None = None
    not_computable: str | None = None
    n_areas: int | None = None
    mean: FloatOrNaN = None
    sii: FloatOrNaN
    sii_lower: FloatOrNaN
    sii_upper: FloatOrNaN
    rii: FloatOrNaN
    rii_lower: FloatOrNaN
    rii_upper: FloatOrNaN
    quintile_most_deprived: FloatOrNaN = None
    quintile_least_deprived: FloatOrNaN = None
    gap: FloatOrNaN
    gap_lower: FloatOrNaN
    gap_upper: FloatOrNaN
    ratio: FloatOrNaN = None
    ratio_lower: FloatOrNaN = None
    ratio_upper: FloatOrNaN = None
    suppressed: bool
    suppression_reason: str = ""
    quality: Quality | None = None


class BestWorstRow(Contract):
    """One year of the gap between the best and the worst area."""

    year: int
    best_code: str | None = None
    best_name: str | None
    worst_code: str | None = None
    worst_name: str | None
    best_value: FloatOrNaN
    worst_value: FloatOrNaN
    gap: FloatOrNaN
    gap_lower: FloatOrNaN
    gap_upper: FloatOrNaN
    significant: str | bool | None = None
    suppressed: bool
    suppression_reason: str = ""
    quality: Quality | None = None


class InequalityDoc(Contract):
    """The health gap of one indicator between the areas of one level, every year."""

    indicator: IndicatorListItem
    level: str
    age_group: str
    ranking: str | None
    ranking_year: int | None
    ranking_requested: str | None
    not_computable: NotComputableRef | None
    series: list[InequalityRow]
    best_worst: list[BestWorstRow]
    best_worst_trend: Trend | None
    best_worst_change: str = Field(description="widening, narrowing, stable or "
                                               "insufficient_data (a trend direction)")
    sii_change_per_year: FloatOrNaN = Field(description="Least-squares slope of the SII")
    notes: list[str]
