"""Request and response models of the Planner (``/api/scenarios``).

The request of ``/run`` is a :class:`~groengezond.scenario.model.Scenario` plus the run options
(:class:`~groengezond.api.scenario_limits.RunOptions`: ``crs``, ``seed``, ``n_draws``). The
router documents it with these models but reads the body itself, so that a bad scenario is
refused with the scenario parser's readable problems (intervention, field, fix, key) and the
raw bounds are checked before any parsing (:mod:`groengezond.api.scenario_limits`).
The answer of ``/run`` is :class:`~groengezond.scenario.result.ScenarioResult` as served
(:class:`PlannerResult`): the health-gap figures are NaN when the region cannot rank its areas
(e.g. no addresses), and JSON has no NaN, so they are sent as null and typed as such.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, WithJsonSchema

from groengezond.api.contract import REF, Contract, FloatOrNaN
from groengezond.api.scenario_limits import MAX_DRAWS, MAX_SEED
from groengezond.health.impact import MIN_DRAWS
from groengezond.scenario.model import Scenario
from groengezond.scenario.result import AccessGapOut, EquityOut, ScenarioResult

Crs = Literal["EPSG:4326", "EPSG:28992"]


ScenarioJSON = Annotated[dict[str, Any], WithJsonSchema(
    {"allOf": [{"$ref": REF.format(model="Scenario")}]})]
"""A scenario as JSON (name, interventions, ...): read as a plain object and parsed by the
scenario parser, which refuses a bad plan with located problems (intervention, field, fix),
but documented as the :class:`~groengezond.scenario.model.Scenario` schema, so the generated
client types it (shared scenarios, the scenario report)."""


class RunOptionsIn(Contract):
    """Options of a run: CRS of the geometries, seed and draws of the Monte Carlo."""

    crs: Crs = Field("EPSG:4326", description="EPSG:4326 (lon/lat, as drawn) or EPSG:28992")
    seed: int = Field(42, ge=0, le=MAX_SEED)
    n_draws: int = Field(MIN_DRAWS, ge=MIN_DRAWS, le=MAX_DRAWS)


class ScenarioRunRequest(Scenario):
    """``POST /api/scenarios/run``: a scenario and the options of its run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    crs: Crs = Field("EPSG:4326", description="EPSG:4326 (lon/lat, as drawn) or EPSG:28992")
    seed: int = Field(42, ge=0, le=MAX_SEED)
    n_draws: int = Field(MIN_DRAWS, ge=MIN_DRAWS, le=MAX_DRAWS)


class ScenarioCompareRequest(RunOptionsIn):
    """``POST /api/scenarios/compare``: up to 10 scenarios run with the same options (a bare
    list of scenarios is accepted too)."""

    scenarios: list[Scenario] = Field(min_length=1, max_length=10)


class PlannerAccessGap(AccessGapOut):
    """:class:`~groengezond.scenario.result.AccessGapOut` as served: NaN gaps are null."""

    sii_before: FloatOrNaN  # type: ignore[assignment]
    sii_after: FloatOrNaN  # type: ignore[assignment]
    sii_change: FloatOrNaN  # type: ignore[assignment]
    quintile_gap_before: FloatOrNaN  # type: ignore[assignment]
    quintile_gap_after: FloatOrNaN  # type: ignore[assignment]


class PlannerEquity(EquityOut):
    """:class:`~groengezond.scenario.result.EquityOut` as served: NaN gaps (not computable,
    ``verdict`` unknown) are null."""

    sii_before: FloatOrNaN  # type: ignore[assignment]
    sii_after: FloatOrNaN  # type: ignore[assignment]
    sii_change: FloatOrNaN  # type: ignore[assignment]
    quintile_gap_before: FloatOrNaN  # type: ignore[assignment]
    quintile_gap_after: FloatOrNaN  # type: ignore[assignment]
    quintile_gap_change: FloatOrNaN  # type: ignore[assignment]
    access: PlannerAccessGap | None = None  # type: ignore[assignment]


class PlannerResult(ScenarioResult):
    """``POST /api/scenarios/run``: the scenario's result as served (see the module doc)."""

    equity: PlannerEquity  # type: ignore[assignment]


class ComparisonRow(Contract):
    """One scenario side by side with the others (baseline first; intervals as text)."""

    scenario: str
    within_300m: FloatOrNaN
    d_ndvi_500m: FloatOrNaN
    d_t_air_c: FloatOrNaN
    deaths_prevented: str
    depression_cases_prevented: str
    eur_per_year: str
    cost_eur: str
    benefit_cost_ratio: str
    sii_change: FloatOrNaN
    gap: str


class ScenarioComparison(Contract):
    """``POST /api/scenarios/compare``: the comparison rows and every scenario's result."""

    comparison: list[ComparisonRow]
    results: list[PlannerResult]


REQUEST_MODELS = (Scenario, ScenarioRunRequest, ScenarioCompareRequest)
"""Request bodies documented in the OpenAPI document but read by the router itself."""
