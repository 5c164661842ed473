"""Response models of green access (``/api/access``; see :mod:`groengezond.api.access`).

Shares are 0-1 (population-weighted), distances medians in m, green in m² per inhabitant.
A measure that cannot be computed (e.g. canopy without land cover) is null, never 0, and the
summary's ``not_computable`` says why.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from groengezond.api.contract import Contract, FloatOrNaN, NotComputableRef, Quality

Origin = Literal["baseline", "computed"]


class AccessSummary(Contract):
    """Region-wide access figures (:func:`~groengezond.services.access.compute_access`)
    as served."""

    addresses: int
    residents: float
    green_spaces_counted: int
    green_spaces_without_entry: int
    entries: int
    network_degraded: bool
    network_degraded_reasons: list[str] = Field(default_factory=list)
    network_quality: dict[str, FloatOrNaN] = Field(default_factory=dict)
    quality: Quality
    not_computable: dict[str, NotComputableRef]
    within_300m_network: FloatOrNaN = None
    within_300m_euclidean: FloatOrNaN = None
    meets_3_trees: FloatOrNaN = None
    meets_30_canopy: FloatOrNaN = None
    meets_300_green: FloatOrNaN = None
    meets_3_30_300: FloatOrNaN = None
    green_network_m: FloatOrNaN = None
    green_euclidean_m: FloatOrNaN = None
    supply_m2_per_inhabitant: FloatOrNaN = None
    green_m2_per_inhabitant_500m: FloatOrNaN = None
    meets_green_norm_500m: FloatOrNaN = None


class SummaryRow(Contract):
    """One line of the summary as the CLI prints it (measure, value, note; in English)."""

    measure: str
    value: str
    note: str


class AccessSummaryDoc(Contract):
    """``/api/access/summary``: where the figures come from, the summary and its lines."""

    origin: Origin
    network_degraded: bool
    summary: AccessSummary
    rows: list[SummaryRow]


class AccessMeasures(Contract):
    """The per-area measures (null where suppressed or not computable)."""

    canopy_share: FloatOrNaN = None
    green_network_m: FloatOrNaN = None
    green_euclidean_m: FloatOrNaN = None
    within_300m_network: FloatOrNaN = None
    within_300m_euclidean: FloatOrNaN = None
    trees_within_radius: FloatOrNaN = None
    meets_3_trees: FloatOrNaN = None
    meets_30_canopy: FloatOrNaN = None
    meets_300_green: FloatOrNaN = None
    meets_3_30_300: FloatOrNaN = None
    supply_m2_per_inhabitant: FloatOrNaN = None
    green_m2_per_inhabitant_500m: FloatOrNaN = None
    meets_green_norm_500m: FloatOrNaN = None
    green_share_300m: FloatOrNaN = None
    green_share_500m: FloatOrNaN = None
    green_share_1000m: FloatOrNaN = None
    ndvi_proxy_500m: FloatOrNaN = None


class AccessAreaRow(AccessMeasures):
    """One area's published access measures."""

    code: str
    name: str
    level: str
    network_degraded: bool
    quality: Quality
    persons: FloatOrNaN = None
    suppressed: bool
    suppression_reason: str


class AccessAreasDoc(Contract):
    """``/api/access/areas``: the measures of every area of one level."""

    level: str
    origin: Origin
    measures: list[str]
    network_degraded: bool
    areas: list[AccessAreaRow]


class AccessAreaDoc(AccessMeasures):
    """``/api/access/areas/{code}``: one area (``suppressed`` with a reason when it has no
    addresses)."""

    origin: Origin
    code: str
    name: str | None = None
    level: str | None = None
    network_degraded: bool | None = None
    quality: Quality | None = None
    persons: FloatOrNaN = None
    suppressed: bool
    suppression_reason: str
