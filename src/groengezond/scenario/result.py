"""The JSON-ready result of a scenario run (shared by the CLI and the API)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class IntervalOut(_M):
    """Median and 95% interval (2.5 and 97.5 percentiles of the Monte Carlo draws)."""

    median: float
    lower: float
    upper: float


class ExposureSummary(_M):
    """Region-wide change of exposures (residents-weighted means of after − before)."""

    residents: float
    within_300m_before: float = Field(description="Share of residents within 300 m (network)")
    within_300m_after: float
    addresses_closer: int = Field(description="Addresses whose network distance got shorter")
    mean_d_green_network_m: float = Field(
        description="Mean change of network distance (m) over addresses with a finite distance "
                    "before and after")
    d_green_share_300m_pp: float
    d_green_share_500m_pp: float
    d_green_share_1000m_pp: float
    d_ndvi_500m: float
    d_canopy_300m_pp: float
    d_trees_near: float
    d_t_air_c: float
    max_cooling_c: float = Field(description="Largest drop of air temperature at a home (°C)")
    new_addresses: int
    new_residents: int
    new_residents_within_300m: int
    green_m2_per_inhabitant_before: float = Field(
        0.0, description="Public green within 500 m walking per inhabitant (m², 2SFCA, the "
                         "Monitor's green_m2_per_inhabitant), residents-weighted")
    green_m2_per_inhabitant_after: float = Field(
        0.0, description="The same after the scenario, new residents included")
    meets_green_norm_before: float = Field(
        0.0, description="Share of residents with at least the norm (60 m²) within 500 m")
    meets_green_norm_after: float = 0.0


class BuurtEffect(_M):
    """Effect of the scenario in one buurt (changes are after − before)."""

    code: str
    name: str
    residents: float
    income_mean_eur: float | None
    within_300m_before: float
    within_300m_after: float
    d_green_share_300m_pp: float
    d_green_share_500m_pp: float
    d_green_share_1000m_pp: float
    d_ndvi_500m: float
    d_canopy_300m_pp: float
    d_trees_near: float
    d_t_air_c: float
    green_m2_per_inhabitant_before: float = 0.0
    green_m2_per_inhabitant_after: float = Field(
        0.0, description="Public green within 500 m per inhabitant (m²), new residents included")
    deaths_prevented: IntervalOut = Field(description="Default total, deaths per year")
    depression_cases_prevented: IntervalOut = Field(description="Default total, cases")
    heat_deaths_prevented: IntervalOut = Field(description="Reported separately, per year")
    walking_deaths_prevented: IntervalOut = Field(
        description="WHO HEAT, reported separately, per year (0 without a walking volume)")
    cycling_deaths_prevented: IntervalOut = Field(
        description="WHO HEAT, reported separately, per year (0 without a cycling volume)")
    d_walking_min_per_week: float = Field(0.0, description="Extra walking per adult (min/week)")
    d_cycling_min_per_week: float = Field(0.0, description="Extra cycling per adult (min/week)")
    value_eur_per_year: IntervalOut


class PathwayOut(_M):
    """One exposure-response pathway summed over the region."""

    erf_id: str
    label: str
    label_nl: str = ""
    pathway: str
    outcome: str
    unit: str
    total: IntervalOut
    in_default_total: bool
    citation: str
    caveat: str


class TotalOut(_M):
    """A total over a declared non-overlapping set of pathways (one per outcome)."""

    set_name: str
    outcome: str
    unit: str
    summed: list[str]
    missing: list[str]
    left_out: list[str]
    reason: str
    total: IntervalOut


class MoneyValueOut(_M):
    """A money value used, with its price year and source."""

    id: str
    amount: float
    currency: str
    price_year: int
    per: str
    assumption: bool
    source: str


class MoneyOut(_M):
    """Euros per year over the declared set, with price years and sources."""

    set_name: str
    unit: str
    price_years: list[int]
    summed: list[str]
    total: IntervalOut
    values: list[MoneyValueOut]
    notes: list[str]


class IncomeGroupEffect(_M):
    """Exposure changes by income group (household income deciles paired into quintiles)."""

    group: int = Field(description="1 = lowest income quintile (deciles 1-2) … 5 = highest")
    residents: float
    d_green_network_m: float
    d_green_share_300m_pp: float
    d_ndvi_500m: float
    d_t_air_c: float
    d_trees_near: float


Verdict = Literal["narrows", "widens", "unchanged", "unknown"]


class AccessGapOut(_M):
    """Change of the gap in green access between buurten ranked by income (no health model).

    The indicator is the share of residents (%) within the Planner's distance (300 m by
    default) of public green by walking network; the change is exact (no uncertainty from an
    exposure-response function).
    """

    indicator: str
    sii_before: float = Field(description="Most − least deprived end, percentage points")
    sii_after: float
    sii_change: float
    quintile_gap_before: float
    quintile_gap_after: float
    verdict: Verdict
    statement: str


class EquityOut(_M):
    """Change of the health gap between buurten ranked by income.

    ``sii_change`` is the point change (median cases prevented); ``sii_change_interval`` and
    ``abs_sii_change`` give the 95% interval over the Monte Carlo draws of the exposure-response
    function and baseline rate (the same draws as the cases prevented; the buurt values of the
    indicator are held at their published values, so their sampling error, which the scenario
    does not change, is not in the interval).
    """

    indicator: str
    year: int | None
    deprivation: str
    sii_before: float
    sii_after: float
    sii_change: float
    sii_change_interval: IntervalOut | None = None
    abs_sii_change: IntervalOut | None = Field(
        None, description="Change of |SII| (negative = narrower), 95% interval over draws")
    quintile_gap_before: float
    quintile_gap_after: float
    quintile_gap_change: float
    quintile_gap_change_interval: IntervalOut | None = None
    verdict: Verdict
    verdict_certain: bool = Field(
        False, description="True when the 95% interval of the change of |SII| excludes zero")
    statement: str
    access: AccessGapOut | None = None
    by_income_group: list[IncomeGroupEffect]


class CostLineOut(_M):
    """The cost of one intervention (one-off, EUR of ``price_year``)."""

    intervention: str
    kind: str
    low_eur: float
    high_eur: float
    price_year: int
    assumption: bool
    source: str


class RampOut(_M):
    """How a stream of benefits builds up: share of the full yearly benefit per year."""

    label: str
    basis: str
    share_by_year: list[float]


class SensitivityOut(_M):
    """The benefit-cost ratio at another discount rate and appraisal period."""

    discount_rate: float
    appraisal_years: int
    benefits_present_value_eur: IntervalOut
    costs_present_value_eur: IntervalOut
    benefit_cost_ratio: IntervalOut | None


class CostOut(_M):
    """Costs of the scenario and its benefit-cost ratio (see ``scenario.costs``)."""

    lines: list[CostLineOut]
    without_cost: list[str] = Field(description="Interventions that carry no cost")
    total_low_eur: float
    total_high_eur: float
    any_assumption: bool
    appraisal_years: int
    discount_rate: float
    benefits_present_value_eur: IntervalOut
    benefit_cost_ratio: IntervalOut | None
    price_years: list[int] = Field(description="Price years of costs and benefits, mixed")
    reason: str
    maintenance: list[CostLineOut] = Field(default_factory=list,
                                           description="Yearly maintenance per intervention")
    maintenance_low_eur_per_year: float = 0.0
    maintenance_high_eur_per_year: float = 0.0
    costs_present_value_eur: IntervalOut | None = Field(
        None, description="One-off costs plus the present value of maintenance")
    ramp: list[RampOut] = Field(default_factory=list)
    sensitivity: list[SensitivityOut] = Field(
        default_factory=list, description="Discount rate 0 / 2.25 / 4 % by 15 / 30 / 50 years")


class HectareBenefitOut(_M):
    """A Groene Batenplanner per-hectare benefit of the net change in green area.

    From another model than the exposure-response functions and overlapping them: shown
    beside the totals, never added to them.
    """

    id: str
    label: str
    label_nl: str = ""
    area_ha: float = Field(description="Net hectares of green added (negative: removed)")
    eur_per_year: float
    price_year: int
    source: str


class CoolingMapOut(_M):
    """The change of summer air temperature as a map layer: 50 m blocks (EPSG:28992).

    Each cell is ``[x, y, d_t_air_c]``: the block centre (m) and its mean change (°C,
    negative = cooler); blocks changing less than ``min_abs_c`` are left out.
    """

    crs: str = "EPSG:28992"
    block_m: float
    min_abs_c: float
    cells: list[tuple[float, float, float]]


class DisplacedOut(_M):
    """What a park with ``displace: true`` demolishes (its residents leave the figures)."""

    intervention: str
    buildings: int
    dwellings: int
    residents: int
    floor_area_m2: float


class ValueShareOut(_M):
    """Share of the yearly euros of the declared total that one outcome gives."""

    outcome: str
    share: IntervalOut = Field(description="0-1, over the Monte Carlo draws")


class ScenarioResult(_M):
    """Everything a scenario run gives, JSON-ready (``model_dump(mode="json")``)."""

    scenario: str
    input_hash: str = Field(description="sha256 of canonical scenario JSON + region meta")
    seed: int | None
    n_draws: int
    region: dict[str, Any]
    exposures: ExposureSummary
    buurten: list[BuurtEffect]
    pathways: list[PathwayOut]
    totals: list[TotalOut]
    money: MoneyOut
    equity: EquityOut
    costs: CostOut | None = None
    per_hectare: list[HectareBenefitOut] = Field(
        default_factory=list, description="Groene Batenplanner values, beside the totals")
    value_shares: list[ValueShareOut] = Field(
        default_factory=list, description="Share of the euros per outcome (e.g. mortality)")
    cooling_map: CoolingMapOut | None = Field(
        None, description="Change of air temperature as a map layer (None: nothing changes)")
    displaced: list[DisplacedOut] = Field(
        default_factory=list, description="Buildings, dwellings and residents a park displaces")
    notes: list[str]
