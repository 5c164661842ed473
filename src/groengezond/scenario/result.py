"""The JSON-ready result of a scenario run (shared by the CLI and the API)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from groengezond.messages import MessageOut
from groengezond.region.quality import NotComputable, QualityStatus


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
    within_300m_before: float = Field(
        description="Share of residents within 300 m walking of public green (network, with "
                    "the walk from the door to the street as the access engine counts it)")
    within_300m_after: float
    within_300m_straight_before: float | None = Field(
        None, description="WHO indicator: share of residents within 300 m in a straight line "
                          "of public green (its own definition), beside the network figure")
    within_300m_straight_after: float | None = None
    addresses_closer: int = Field(description="Addresses whose network distance got shorter")
    mean_d_green_network_m: float = Field(
        description="Mean change of network distance (m) over addresses with a finite distance "
                    "before and after")
    d_green_share_300m_pp: float | None = Field(description="None: not computable (no land "
                                                            "cover; see not_computable)")
    d_green_share_500m_pp: float | None
    d_green_share_1000m_pp: float | None
    d_ndvi_500m: float | None
    d_canopy_300m_pp: float | None = Field(description="None: not computable (no land cover, "
                                                       "or the land cover knows no trees)")
    d_trees_near: float
    d_t_air_c: float | None
    max_cooling_c: float | None = Field(
        description="Largest drop of air temperature at a home (°C)")
    new_addresses: int
    new_residents: int
    new_residents_within_300m: int
    green_m2_per_inhabitant_before: float = Field(
        0.0, description="MEAN public green within 500 m walking per inhabitant (m², 2SFCA, "
                         "the Monitor's green_m2_per_inhabitant), residents-weighted; the "
                         "headline is the median with the shares at 60 m² and at none")
    green_m2_per_inhabitant_after: float = Field(
        0.0, description="The same mean after the scenario, new residents included")
    green_m2_per_inhabitant_median_before: float = Field(
        0.0, description="Headline: residents-weighted median public green within 500 m per "
                         "inhabitant (m²)")
    green_m2_per_inhabitant_median_after: float = 0.0
    meets_green_norm_before: float = Field(
        0.0, description="Share of residents with at least the norm (60 m²) within 500 m")
    meets_green_norm_after: float = 0.0
    no_green_before: float = Field(
        0.0, description="Share of residents with no public green within 500 m walking")
    no_green_after: float = 0.0


class BuurtEffect(_M):
    """Effect of the scenario in one buurt (changes are after − before)."""

    code: str
    name: str
    residents: float
    income_mean_eur: float | None
    within_300m_before: float
    within_300m_after: float
    d_green_share_300m_pp: float | None
    d_green_share_500m_pp: float | None
    d_green_share_1000m_pp: float | None
    d_ndvi_500m: float | None
    d_canopy_300m_pp: float | None
    d_trees_near: float
    d_t_air_c: float | None
    green_m2_per_inhabitant_before: float = 0.0
    green_m2_per_inhabitant_after: float = Field(
        0.0, description="Public green within 500 m per inhabitant (m²), new residents included")
    deaths_prevented: IntervalOut | None = Field(
        description="Default total, deaths per year (None: not computable)")
    depression_cases_prevented: IntervalOut | None = Field(description="Default total, cases")
    heat_deaths_prevented: IntervalOut | None = Field(
        description="Reported separately, per year")
    walking_deaths_prevented: IntervalOut = Field(
        description="WHO HEAT, reported separately, per year (0 without a walking volume)")
    cycling_deaths_prevented: IntervalOut = Field(
        description="WHO HEAT, reported separately, per year (0 without a cycling volume)")
    d_walking_min_per_week: float = Field(0.0, description="Extra walking per adult (min/week)")
    d_cycling_min_per_week: float = Field(0.0, description="Extra cycling per adult (min/week)")
    value_eur_per_year: IntervalOut | None


class PathwayOut(_M):
    """One exposure-response pathway summed over the region."""

    erf_id: str
    label: str
    label_nl: str = ""
    pathway: str
    outcome: str
    unit: str
    total: IntervalOut | None = Field(description="None when not computable")
    in_default_total: bool
    citation: str
    caveat: str
    not_computable: NotComputable | None = None


class TotalOut(_M):
    """A total over a declared non-overlapping set of pathways (one per outcome)."""

    set_name: str
    outcome: str
    unit: str
    summed: list[str]
    missing: list[str]
    left_out: list[str]
    reason: str
    total: IntervalOut | None = Field(description="None when not computable")
    not_computable: NotComputable | None = None


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
    total: IntervalOut | None = Field(description="None when not computable")
    values: list[MoneyValueOut]
    notes: list[str]
    not_computable: NotComputable | None = None


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
    indicator_name_nl: str = ""
    indicator_name_en: str = ""
    sii_before: float = Field(description="Most − least deprived end, percentage points")
    sii_after: float
    sii_change: float
    quintile_gap_before: float
    quintile_gap_after: float
    verdict: Verdict
    statement: str


class EquityOut(_M):
    """Change of the health gap between buurten ranked by income.

    The indicator after the scenario is y·(1 + e·PF) per buurt (``scenario.impacts.GAP_MODELS``);
    ``sii_change`` is the point change (median PF); ``sii_change_interval`` and
    ``abs_sii_change`` give the 95% interval over draws of the exposure-response function, the
    exposure (NDVI-proxy factor) and the indicator's sampling error, shown beside the SII's own
    interval (``sii_before_interval``) and as a percentage of the gap.
    """

    indicator: str
    indicator_name_nl: str = Field("", description="Name of the indicator (registry name_nl)")
    indicator_name_en: str = ""
    indicator_unit: str = ""
    pathway: str = Field("", description="ERF whose preventable fraction changes the indicator")
    year: int | None
    deprivation: str
    sii_before: float
    sii_before_interval: IntervalOut | None = Field(
        None, description="The SII's own 95% interval (the indicator's sampling error)")
    sii_after: float
    sii_change: float
    sii_change_interval: IntervalOut | None = None
    sii_change_pct_of_gap: float | None = Field(
        None, description="The change as a percentage of |SII before|")
    abs_sii_change: IntervalOut | None = Field(
        None, description="Change of |SII| (negative = narrower), 95% interval over draws")
    quintile_gap_before: float
    quintile_gap_after: float
    quintile_gap_change: float
    quintile_gap_change_interval: IntervalOut | None = None
    verdict: Verdict
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
    benefits_present_value_eur: IntervalOut | None
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


class CanopyGrowthOut(_M):
    """How new trees' crowns grow, and what that does to the benefits over the appraisal.

    Exposures and yearly health figures are those of the mature crowns; the benefit-cost ratio
    weighs each year's benefits by ``benefit_by_year`` (the part from trees grows with the
    crown area; the health effect is nearly linear in a small exposure change).
    """

    trees: int
    planting_crown_diameter_m: float = Field(description="Mean over the new trees (m)")
    mature_crown_diameter_m: float = Field(description="Mean over the new trees (m)")
    years_to_mature: float = Field(description="Mean over the new trees (years)")
    share_of_benefits_from_trees: float = Field(
        description="Part of the NDVI change (residents-weighted) that comes from tree crowns")
    benefit_by_year: list[float] = Field(
        description="Share of the mature yearly benefits reached in years 1..appraisal_years")
    present_value_factor: float = Field(
        description="Present value of the growing benefits over that of mature benefits "
                    "from year 1 (at the discount rate)")


class QualityFlagOut(_M):
    """A layer of the region that is not real or derived data, and the figures resting on it.

    From ``RegionMeta.quality`` (a placeholder geometry, a degraded network, placeholder
    addresses, missing land cover); the UI words ``key``/``status`` and marks the figures.
    """

    layer: str
    status: QualityStatus
    reason: str
    key: str | None = None
    figures: list[str] = Field(description="Result fields that rest on the layer")


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
    canopy_growth: CanopyGrowthOut | None = None
    quality: list[QualityFlagOut] = Field(
        default_factory=list, description="Layers that are placeholders or missing, and the "
                                          "figures that rest on them")
    not_computable: dict[str, NotComputable] = Field(
        default_factory=dict, description="Figures that cannot be computed, by result field")
    value_shares: list[ValueShareOut] = Field(
        default_factory=list, description="Share of the euros per outcome (e.g. mortality)")
    cooling_map: CoolingMapOut | None = Field(
        None, description="Change of air temperature as a map layer (None: nothing changes)")
    displaced: list[DisplacedOut] = Field(
        default_factory=list, description="Buildings, dwellings and residents a park displaces")
    notes: list[str]
    messages: list[MessageOut] = Field(
        default_factory=list, description="The notes as message keys with parameters, for the "
                                          "UI to word in its language (``notes``: English)")
