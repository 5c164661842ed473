"""Response models of the Evaluator (``/api/evaluations``; see :mod:`groengezond.api.evaluations`).

The event-study and series tables differ per estimator (their columns are the estimator's), so
their rows are typed as maps of column to value; NaN is sent as null.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from groengezond.api.contract import Contract, FloatOrNaN

Cell = FloatOrNaN | int | str | bool
"""One cell of an estimator's table: a number (null for NaN), a count, a label or a flag."""


class RegisteredIntervention(Contract):
    """An intervention in the register: when, where (area codes) and at what cost."""

    id: int
    name: str
    catalogue_id: str | None
    start_date: str = Field(description="ISO date")
    completion_date: str | None = Field(description="ISO date")
    cost_eur: FloatOrNaN
    areas: list[str]


class EstimateOut(Contract):
    """One estimate of an effect with its 95 % interval, or the reason it is not identified."""

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
    details: dict[str, Any] = Field(description="Estimator-specific extras")
    verdict: str


class EvaluationEstimate(Contract):
    """``/api/evaluations/estimate``: the estimates, the event study and the series."""

    indicator: str
    estimator: str
    years: list[int]
    n_areas: int
    dropped_areas: dict[str, str] = Field(description="Area code -> why it was left out")
    estimates: list[EstimateOut]
    event_study: list[dict[str, Cell]]
    series: list[dict[str, Cell]]
