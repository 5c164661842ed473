"""Exposure-response functions (ERFs): the registry of pathways from exposure to health.

The registry is the versioned YAML file ``erf_registry.yaml`` in this package. Each entry says
which outcome an exposure acts on, per which increment (with its unit), the published effect
(RR, OR or HR) with its 95% confidence interval exactly as in EVIDENCE.md, the age range, the
baseline rate it applies to (``baseline_rates.yaml``), the citation and a caveat (a caveat
starting with ``[check]`` marks a value seen in a secondary source only). The registry also
declares which ERFs overlap (count part of the same deaths or cases) and named *totals*: sets
of ERFs that may be summed because none of them overlaps another.

The loader validates everything and raises :class:`~groengezond.errors.InputError` with one
problem per error, naming the entry (by id) and the field.

Examples
--------
>>> from groengezond.health.erf import load_erf_registry
>>> reg = load_erf_registry()
>>> reg["green_mortality"].estimate
0.96
>>> reg.totals["default_total"].erfs
('green_mortality', 'green_depression')
"""

from __future__ import annotations

import math
from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from groengezond.errors import InputError, Problem
from groengezond.health._loading import parse_yaml, read_packaged, validate_as
from groengezond.health.baseline import AgeRange, BaselineRates, load_baseline_rates

ERF_FILE = "erf_registry.yaml"
_FIX = "see docs/health.md (exposure-response functions) for the fields"
Z95 = 1.959963984540054
"""Two-sided 97.5% normal quantile; a 95% CI spans 2 × 1.96 = 3.92 standard errors."""

EffectType = Literal["RR", "OR", "HR"]
Form = Literal["log_linear", "linear_capped"]


class Increment(BaseModel):
    """The exposure increment an effect estimate refers to, e.g. 0.1 NDVI."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float = Field(gt=0)
    unit: str = Field(min_length=1)

    def __str__(self) -> str:
        return f"{self.value:g} {self.unit}"


class RateFactor(BaseModel):
    """A multiplier of the baseline rate: ``parameter / per`` (e.g. hot days / 365)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parameter: str
    per: float = Field(gt=0)


class Parameter(BaseModel):
    """A scalar model parameter with its range, unit and source (or stated assumption)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label_en: str
    value: float
    low: float | None = None
    high: float | None = None
    unit: str
    assumption: bool
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _in_range(self) -> Parameter:
        lo, hi = self.range
        if not lo <= self.value <= hi:
            raise ValueError(f"value {self.value} is not within [low {lo}, high {hi}]")
        return self

    @property
    def range(self) -> tuple[float, float]:
        """(low, high); the value itself when no range is given."""
        lo = self.value if self.low is None else self.low
        hi = self.value if self.high is None else self.high
        return lo, hi


class ExposureResponse(BaseModel):
    """One exposure-response function.

    Attributes
    ----------
    id : str
        Unique identifier (used in totals and results).
    pathway : str
        Pathway it belongs to (e.g. ``green_mental_health``); the catalogue uses these names.
    outcome : str
        Health outcome (``all_cause_mortality``, ``depression``, ``anxiety``).
    exposure : str
        Exposure variable (e.g. ``ndvi_mean_500m``) and ``increment`` its step with unit.
    effect_type : {"RR", "OR", "HR"}
        Type of the published estimate; HR is used as an RR, OR is converted at the baseline
        prevalence.
    estimate, lower, upper : float
        Point estimate and 95% confidence interval per ``increment``.
    form : {"log_linear", "linear_capped"}
        Shape of the function (see :mod:`groengezond.health.impact`).
    cap_risk_reduction : float or None
        Largest risk reduction allowed (``linear_capped`` only; WHO HEAT).
    baseline_rate : str
        Id of the baseline rate (``baseline_rates.yaml``).
    rate_factor : RateFactor or None
        Multiplier of the baseline rate from a registry parameter (hot days / 365).
    citation, doi, url : str
        Source; a DOI or a URL is required.
    caveat : str
        Shown with every result; ``[check]`` marks values from a secondary source only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pathway: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_en: str
    label_nl: str
    outcome: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    outcome_unit: str
    exposure: str
    exposure_label: str
    increment: Increment
    effect_type: EffectType
    estimate: float = Field(gt=0)
    lower: float = Field(gt=0)
    upper: float = Field(gt=0)
    age: AgeRange
    baseline_rate: str
    form: Form = "log_linear"
    cap_risk_reduction: float | None = Field(None, gt=0, lt=1)
    rate_factor: RateFactor | None = None
    applies_when: str
    citation: str = Field(min_length=1)
    doi: str | None = None
    url: str | None = None
    caveat: str = ""

    @property
    def needs_check(self) -> bool:
        """True when a value was seen in a secondary source only (caveat ``[check]``)."""
        return "[check]" in self.caveat

    @property
    def log_estimate(self) -> float:
        """ln of the point estimate."""
        return math.log(self.estimate)

    @property
    def se_log(self) -> float:
        r"""Standard error of ln(estimate) from the 95% CI.

        .. math:: SE = \frac{\ln(\mathrm{upper}) - \ln(\mathrm{lower})}{2 \cdot 1.96}
        """
        return (math.log(self.upper) - math.log(self.lower)) / (2 * Z95)

    @property
    def protective(self) -> bool:
        """True when more exposure lowers the risk (estimate < 1)."""
        return self.estimate < 1

    @property
    def source(self) -> str:
        """Citation with DOI or URL, for display."""
        link = f" https://doi.org/{self.doi}" if self.doi else (f" {self.url}" if self.url else "")
        return f"{self.citation.strip()}{link}"


class Overlap(BaseModel):
    """Two ERFs that count part of the same events and may never be summed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    erfs: tuple[str, str]
    reason: str = Field(min_length=1)


class TotalSet(BaseModel):
    """A named set of ERFs that may be summed, with the reason they do not overlap."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    erfs: tuple[str, ...] = Field(min_length=1)
    reason: str = Field(min_length=1)


class ErfRegistry(BaseModel):
    """The whole ERF registry (see ``erf_registry.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    updated: date
    erfs: tuple[ExposureResponse, ...] = Field(min_length=1)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    overlaps: tuple[Overlap, ...] = ()
    totals: dict[str, TotalSet]

    def __getitem__(self, erf_id: str) -> ExposureResponse:
        for erf in self.erfs:
            if erf.id == erf_id:
                return erf
        raise KeyError(erf_id)

    def __contains__(self, erf_id: object) -> bool:
        return any(erf.id == erf_id for erf in self.erfs)

    @property
    def ids(self) -> tuple[str, ...]:
        """ERF ids in registry order."""
        return tuple(erf.id for erf in self.erfs)

    @property
    def pathways(self) -> tuple[str, ...]:
        """Distinct pathway names in registry order."""
        return tuple(dict.fromkeys(erf.pathway for erf in self.erfs))

    def get(self, erf_id: str) -> ExposureResponse:
        """Return an ERF or raise :class:`InputError` naming the known ids."""
        try:
            return self[erf_id]
        except KeyError:
            raise InputError.single(ERF_FILE, "", "id", f"unknown ERF {erf_id!r}",
                                    f"use one of: {', '.join(self.ids)}") from None

    def total_set(self, name: str) -> TotalSet:
        """Return a named total or raise :class:`InputError` naming the known totals."""
        try:
            return self.totals[name]
        except KeyError:
            raise InputError.single(ERF_FILE, "", "totals", f"unknown total {name!r}",
                                    f"use one of: {', '.join(self.totals)}") from None

    def overlap(self, a: str, b: str) -> Overlap | None:
        """The declared overlap between ERFs ``a`` and ``b``, if any."""
        for ov in self.overlaps:
            if set(ov.erfs) == {a, b}:
                return ov
        return None

    def rate_factor_parameter(self, erf: ExposureResponse) -> Parameter | None:
        """The parameter behind an ERF's ``rate_factor`` (None when it has none)."""
        if erf.rate_factor is None:
            return None
        return self.parameters[erf.rate_factor.parameter]


def check_registry(reg: ErfRegistry, rates: BaselineRates, file: str = ERF_FILE
                   ) -> list[Problem]:
    """Return every cross-field problem of a registry (empty when it is consistent).

    Checks: unique ids; ``lower <= estimate <= upper``; a DOI or URL; the baseline rate and
    the rate-factor parameter exist; an OR refers to a prevalence; the ERF's age band is its
    baseline's; ``linear_capped`` has a cap
    and a protective RR; overlaps and totals name known ERFs; no total sums two ERFs that are
    declared to overlap, or two alternatives for the same outcome and exposure.
    """
    out: list[Problem] = []

    def bad(where: str, field: str, problem: str, fix: str) -> None:
        out.append(Problem(file, where, field, problem, fix))

    seen: set[str] = set()
    for erf in reg.erfs:
        at = f"erfs '{erf.id}'"
        if erf.id in seen:
            bad(at, "id", "appears more than once", "give every ERF a unique id")
        seen.add(erf.id)
        if not erf.lower <= erf.estimate <= erf.upper:
            bad(at, "lower", f"estimate {erf.estimate} is not within its CI "
                f"[{erf.lower}, {erf.upper}]", "give lower <= estimate <= upper")
        if not (erf.doi or erf.url):
            bad(at, "doi", "no DOI or URL for the source", "add the DOI or a URL")
        if erf.baseline_rate not in rates:
            bad(at, "baseline_rate", f"unknown baseline rate {erf.baseline_rate!r}",
                f"use one of: {', '.join(rates.ids)}")
        else:
            base = rates[erf.baseline_rate]
            if erf.effect_type == "OR" and base.kind != "prevalence":
                bad(at, "baseline_rate", "an odds ratio is converted at a baseline prevalence, "
                    f"but {erf.baseline_rate!r} is a rate", "refer to a prevalence")
            if (erf.age.min_years or 0, erf.age.max_years) != (base.age.min_years or 0,
                                                               base.age.max_years):
                bad(at, "age", f"age band {erf.age} differs from that of its baseline "
                    f"{erf.baseline_rate!r} ({base.age})",
                    "apply the ERF to the baseline's age band, or give a baseline rate for "
                    "the ERF's ages (with its source)")
        if erf.rate_factor is not None and erf.rate_factor.parameter not in reg.parameters:
            bad(at, "rate_factor.parameter",
                f"unknown parameter {erf.rate_factor.parameter!r}",
                f"use one of: {', '.join(reg.parameters)}")
        if erf.form == "linear_capped":
            if erf.cap_risk_reduction is None:
                bad(at, "cap_risk_reduction", "linear_capped needs a cap",
                    "give the largest risk reduction (0-1)")
            if erf.effect_type == "OR" or not erf.protective:
                bad(at, "effect_type", "linear_capped needs a protective RR or HR",
                    "use log_linear for harmful exposures and odds ratios")
    known = set(reg.ids)
    for i, ov in enumerate(reg.overlaps):
        for name in ov.erfs:
            if name not in known:
                bad(f"overlaps #{i + 1}", "erfs", f"unknown ERF {name!r}",
                    f"use one of: {', '.join(reg.ids)}")
    for name, tot in reg.totals.items():
        at = f"totals '{name}'"
        for erf_id in tot.erfs:
            if erf_id not in known:
                bad(at, "erfs", f"unknown ERF {erf_id!r}", f"use one of: {', '.join(reg.ids)}")
        ids = [e for e in tot.erfs if e in known]
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                pair = reg.overlap(a, b)
                if a == b:
                    bad(at, "erfs", f"{a!r} appears twice", "list every ERF once")
                elif pair is not None:
                    bad(at, "erfs", f"sums {a!r} and {b!r}, which overlap "
                        f"({pair.reason.strip()})",
                        "leave one of them out of the total")
                elif (reg[a].outcome, reg[a].exposure) == (reg[b].outcome, reg[b].exposure):
                    bad(at, "erfs", f"sums two ERFs for the same outcome and exposure "
                        f"({a!r}, {b!r})", "keep one of them")
    return out


def parse_erf_registry(text: str, rates: BaselineRates | None = None, file: str = ERF_FILE
                       ) -> ErfRegistry:
    """Parse and validate ERF registry YAML.

    Parameters
    ----------
    text : str
        YAML with ``version``, ``updated``, ``erfs``, ``parameters``, ``overlaps``, ``totals``.
    rates : BaselineRates, optional
        Baseline rates the ERFs refer to (default: the packaged ones).
    file : str
        Name used in error messages.

    Raises
    ------
    InputError
        One problem per error, naming the entry (by id) and the field.
    """
    reg = validate_as(ErfRegistry, parse_yaml(text, file), file, _FIX)
    problems = check_registry(reg, rates if rates is not None else load_baseline_rates(), file)
    if problems:
        raise InputError(problems)
    return reg


@cache
def load_erf_registry() -> ErfRegistry:
    """Return the ERF registry shipped with the package (validated once, immutable)."""
    return parse_erf_registry(read_packaged("groengezond.health", ERF_FILE))
