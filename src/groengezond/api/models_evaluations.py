"""Request and response models of the Evaluator (``/api/evaluations``; see
:mod:`groengezond.api.evaluations`).

NaN and suppressed figures are sent as null, with ``suppressed`` and the reason beside them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from groengezond.api.contract import Contract, FloatOrNaN


class InterventionIn(BaseModel):
    """An intervention to register: where (area codes or a geometry), when, cost, catalogue."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    areas: list[str] = Field(default_factory=list, max_length=5000,
                             description="Area codes (BU/WK/GM...); empty when a geometry "
                                         "is given")
    geometry: dict[str, Any] | str | None = Field(
        None, description="GeoJSON geometry or WKT in EPSG:28992 (m); the treated buurten are "
                          "those with at least 50 % of residents within 300 m")
    start_date: dt.date
    completion_date: dt.date | None = None
    cost_eur: float | None = Field(None, ge=0, le=1e10)
    catalogue_id: str | None = Field(None, max_length=64)


class RegisteredIntervention(Contract):
    """An intervention in the register: when, where (area codes) and at what cost."""

    id: int
    name: str
    catalogue_id: str | None
    start_date: str = Field(description="ISO date")
    completion_date: str | None = Field(description="ISO date")
    cost_eur: FloatOrNaN
    areas: list[str]
    geometry_wkt: str | None = Field(None, description="The geometry it was registered with "
                                                       "(WKT, EPSG:28992), if any")


class EstimateOut(Contract):
    """One estimate of an effect with its 95 % interval, or the reason it is not identified;
    after disclosure control (a suppressed estimate is null with the reason)."""

    estimator: str
    target: str
    estimate: FloatOrNaN
    se: FloatOrNaN
    ci_low: FloatOrNaN
    ci_high: FloatOrNaN
    p_value: FloatOrNaN
    identified: bool
    reason: str
    key: str
    n_treated: int
    n_control: int
    details: dict[str, Any] = Field(description="Estimator-specific extras (empty when "
                                                "suppressed)")
    verdict: str
    persons: FloatOrNaN = Field(description="Residents the estimate describes (rounded)")
    suppressed: bool
    suppression_reason: str


class EventStudyRow(Contract):
    """One event-time coefficient (waves since treatment) with its 95 % interval, gated."""

    e: int = Field(description="Event time in waves since treatment (-1: the reference)")
    e_years: int | None = Field(None, description="Event time in years (cs_did)")
    coef: FloatOrNaN
    se: FloatOrNaN
    ci_low: FloatOrNaN
    ci_high: FloatOrNaN
    p_value: FloatOrNaN = None
    persons: FloatOrNaN = Field(description="Residents the coefficient describes")
    suppressed: bool
    suppression_reason: str


class EvaluationSeriesPoint(Contract):
    """One wave of the treated and the comparison line, each gated on its own."""

    time: int
    treated: FloatOrNaN
    comparison: FloatOrNaN
    treated_suppressed: bool
    comparison_suppressed: bool
    comparison_kind: Literal["synthetic", "mean"]


class EvaluationDisclosure(Contract):
    """The disclosure rules applied to an evaluation and how many figures they suppressed."""

    rules: list[str]
    suppressed: int
    persons_treated: int | None = Field(description="Residents of the treated areas, to 5")
    persons_comparison: int | None = Field(description="Residents of the comparison areas, "
                                                       "to 5")


class EvaluationEstimate(Contract):
    """``/api/evaluations/estimate``: the estimates, the event study, the series and the
    disclosure control applied."""

    indicator: str
    estimator: str
    years: list[int]
    n_areas: int
    dropped_areas: dict[str, str] = Field(description="Area code -> why it was left out")
    estimates: list[EstimateOut]
    event_study: list[EventStudyRow]
    series: list[EvaluationSeriesPoint]
    disclosure: EvaluationDisclosure
