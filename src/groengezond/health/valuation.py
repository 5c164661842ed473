r"""Valuation: euros per year of prevented deaths and cases, with price year and source.

The money values live in ``valuation.yaml`` in this package: the value of a statistical life
(WHO HEAT), the cost of a depression case (InVEST Urban Mental Health sample value; a Dutch
alternative derived from KPMG 2012) and the Groene Batenplanner per-hectare values. Each has a
currency, a price year and a source. The user can change every value
(:meth:`ValuationSettings.override`), the value used per outcome
(:meth:`ValuationSettings.with_outcome_value`) and every parameter (exchange factor, discount
rate).

For draw :math:`k` and area :math:`i`:

.. math::

    \text{EUR}_{k,i} = \text{cases}_{k,i} \cdot v_k \cdot x_k \cdot \frac{I_{target}}{I_{p}}

with :math:`v_k` the unit value (triangular over its range, fixed when it has none),
:math:`x_k` the euros per US dollar PPP (1 for euro values) and the optional price index ratio
from the value's price year :math:`p` to a target year (only when the user gives the index).

Multi-year views discount a constant annual value over :math:`N` years at rate :math:`r`, with
benefits at the end of each year:

.. math:: PV = V \sum_{t=1}^{N} (1 + r)^{-t}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal, TypeVar

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from groengezond.errors import InputError, Problem
from groengezond.health._loading import parse_yaml, read_packaged, validate_as
from groengezond.health.erf import ErfRegistry, Parameter
from groengezond.health.impact import (
    FloatArray,
    ImpactDraws,
    ImpactSummary,
    summary_of,
    triangular_quantile,
)
from groengezond.health.totals import TotalResult, sum_declared

VALUATION_FILE = "valuation.yaml"
_FIX = "see docs/health.md (valuation) for the fields"
_REQUEST = "valuation request"
M = TypeVar("M", bound=BaseModel)


class MoneyValue(BaseModel):
    """A unit value in money with its currency, price year and source.

    Attributes
    ----------
    amount : float
        Central value per ``per`` (e.g. per prevented death), in ``currency``.
    low, high : float or None
        Optional range for the Monte Carlo (triangular); fixed when absent.
    currency : {"EUR", "USD_PPP"}
        Currency; US dollars at purchasing-power parity are converted with the
        ``usd_ppp_to_eur`` parameter.
    price_year : int
        Year whose prices the amount is in; ``price_year_assumed`` when the source is silent.
    assumption : bool
        True when the amount itself is a stated assumption.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_en: str
    label_nl: str
    amount: float = Field(gt=0)
    low: float | None = Field(None, gt=0)
    high: float | None = Field(None, gt=0)
    currency: Literal["EUR", "USD_PPP"]
    price_year: int = Field(ge=1950, le=2100)
    price_year_assumed: bool = False
    per: str
    assumption: bool
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _range(self) -> MoneyValue:
        lo, hi = self.range
        if not lo <= self.amount <= hi:
            raise ValueError(f"amount {self.amount} is not within [low {lo}, high {hi}]")
        return self

    @property
    def range(self) -> tuple[float, float]:
        """(low, high); the amount itself when no range is given."""
        return (self.amount if self.low is None else self.low,
                self.amount if self.high is None else self.high)


class ValuationSettings(BaseModel):
    """Money values, which value each outcome uses, parameters and optional price index."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int = Field(ge=1)
    updated: date
    values: tuple[MoneyValue, ...]
    outcome_values: dict[str, str]
    per_hectare: tuple[str, ...] = ()
    parameters: dict[str, Parameter]
    price_index: dict[int, float] = Field(default_factory=dict)
    price_index_source: str = ""
    target_price_year: int | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ValuationSettings:
        ids = [v.id for v in self.values]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"value ids {dup} appear more than once")
        for name, ref in [*self.outcome_values.items(), *(("per_hectare", r)
                                                           for r in self.per_hectare)]:
            if ref not in ids:
                raise ValueError(f"{name}: unknown value {ref!r}; use one of {ids}")
        for needed in ("usd_ppp_to_eur", "discount_rate"):
            if needed not in self.parameters:
                raise ValueError(f"parameters: {needed!r} is missing")
        if any(v <= 0 for v in self.price_index.values()):
            raise ValueError("price_index levels must be positive")
        return self

    def value(self, value_id: str) -> MoneyValue:
        """Return a money value or raise :class:`InputError` naming the known ids."""
        for v in self.values:
            if v.id == value_id:
                return v
        raise InputError.single(VALUATION_FILE, "", "values", f"unknown value {value_id!r}",
                                f"use one of: {', '.join(v.id for v in self.values)}")

    def value_for(self, outcome: str) -> MoneyValue | None:
        """The money value used for an outcome (None when the outcome is not valued)."""
        ref = self.outcome_values.get(outcome)
        return None if ref is None else self.value(ref)

    def override(self, value_id: str, *, amount: float, low: float | None = None,
                 high: float | None = None, currency: Literal["EUR", "USD_PPP"] | None = None,
                 price_year: int | None = None, source: str = "set by the user"
                 ) -> ValuationSettings:
        """Return settings with one value changed (the rest unchanged); validated."""
        old = self.value(value_id)
        new = old.model_dump() | {
            "amount": amount, "low": low, "high": high, "source": source, "assumption": False,
            "currency": currency or old.currency, "price_year": price_year or old.price_year,
            "price_year_assumed": price_year is None and old.price_year_assumed}
        checked = _user_validate(MoneyValue, new, f"values '{value_id}'")
        values = tuple(checked if v.id == value_id else v for v in self.values)
        return self.model_validate(self.model_dump() | {"values": values})

    def with_outcome_value(self, outcome: str, value_id: str) -> ValuationSettings:
        """Return settings that value ``outcome`` with ``value_id``."""
        self.value(value_id)
        return self.model_validate(self.model_dump() | {
            "outcome_values": {**self.outcome_values, outcome: value_id}})

    def with_parameter(self, name: str, value: float, low: float | None = None,
                       high: float | None = None, source: str = "set by the user"
                       ) -> ValuationSettings:
        """Return settings with a parameter (e.g. ``discount_rate``) changed."""
        if name not in self.parameters:
            raise InputError.single(VALUATION_FILE, "", "parameters",
                                    f"unknown parameter {name!r}",
                                    f"use one of: {', '.join(self.parameters)}")
        old = self.parameters[name]
        new = _user_validate(Parameter, {"label_en": old.label_en, "value": value, "low": low,
                                         "high": high, "unit": old.unit, "assumption": False,
                                         "source": source}, f"parameters '{name}'")
        return self.model_validate(self.model_dump() | {
            "parameters": {**self.parameters, name: new}})

    def with_price_index(self, index: Mapping[int, float], target_year: int
                         ) -> ValuationSettings:
        """Return settings that express money in ``target_year`` prices using ``index``.

        Parameters
        ----------
        index : mapping of int to float
            Price index level per year (e.g. CBS consumer price index), as given by the user.
        target_year : int
            Year to express all money in; must be in ``index``.
        """
        if target_year not in index or any(v <= 0 for v in index.values()):
            raise InputError.single(_REQUEST, "", "price_index",
                                    f"no positive index level for the target year {target_year}",
                                    "give a positive index level for every year used")
        return self.model_validate(self.model_dump() | {
            "price_index": dict(index), "target_price_year": target_year,
            "price_index_source": "given by the user"})

    def in_own_price_years(self) -> ValuationSettings:
        """Return settings that leave every value in its own price year (no indexing)."""
        return self.model_validate(self.model_dump() | {"target_price_year": None})

    def index_factor(self, price_year: int) -> tuple[float, int]:
        """(factor, reported price year) to bring money of ``price_year`` to the target year."""
        target = self.target_price_year
        if target is None:
            return 1.0, price_year
        missing = [y for y in (price_year, target) if y not in self.price_index]
        if missing:
            raise InputError.single(_REQUEST, "", "price_index", f"no index level for "
                                    f"{', '.join(map(str, missing))}",
                                    "give the index level of every price year used")
        return self.price_index[target] / self.price_index[price_year], target


def _user_validate(model: type[M], data: dict[str, object], where: str) -> M:
    """Validate a value the user changed; raise :class:`InputError` naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InputError(Problem(_REQUEST, where, ".".join(str(p) for p in err["loc"]),
                                 err["msg"], "give a valid value (see docs/health.md)")
                         for err in exc.errors()) from exc


def parse_valuation(text: str, file: str = VALUATION_FILE) -> ValuationSettings:
    """Parse and validate valuation YAML (problems name the value by id and the field)."""
    return validate_as(ValuationSettings, parse_yaml(text, file), file, _FIX)


@cache
def load_valuation() -> ValuationSettings:
    """Return the valuation settings shipped with the package (validated once, immutable)."""
    return parse_valuation(read_packaged("groengezond.health", VALUATION_FILE))


# --------------------------------------------------------------------------- valuing impacts


@dataclass(frozen=True)
class ValuedImpact:
    """Monte Carlo draws of the money value of one ERF's impact (EUR per year).

    Attributes
    ----------
    erf_id, outcome : str
        What was valued.
    value : MoneyValue
        The unit value used (its source and price year travel with the result).
    price_year : int
        Price year of the euros (the value's own, or the target year when indexed).
    note : str
        How the amount was converted (exchange factor, index), for display.
    area_codes : tuple of str
        Area of each column.
    draws : numpy.ndarray, shape (n_draws, n_areas)
        Euros per year (negative = a loss).
    """

    erf_id: str
    outcome: str
    value: MoneyValue
    price_year: int
    note: str
    area_codes: tuple[str, ...]
    draws: FloatArray

    @property
    def unit(self) -> str:
        """``EUR per year (<year> prices)``."""
        return f"EUR per year ({self.price_year} prices)"

    def summary(self) -> ImpactSummary:
        """Median and 95% interval per area and for the total."""
        return summary_of(self.erf_id, self.unit, self.area_codes, self.draws)


def _draw_tri(u: FloatArray, value: float, lo: float, hi: float) -> FloatArray:
    return triangular_quantile(u, lo, value, hi)


def value_impact(impact: ImpactDraws, settings: ValuationSettings, *,
                 rng: np.random.Generator, value_id: str | None = None) -> ValuedImpact:
    """Value an impact's draws in euros per year.

    Parameters
    ----------
    impact : ImpactDraws
        Cases (deaths) prevented per year per area.
    settings : ValuationSettings
        Money values and parameters (see :func:`load_valuation`).
    rng : numpy.random.Generator
        Source of randomness for the value and exchange-factor draws.
    value_id : str, optional
        Value to use instead of the outcome's default.

    Raises
    ------
    InputError
        When the outcome has no money value and none is given.
    """
    value = settings.value(value_id) if value_id else settings.value_for(impact.erf.outcome)
    if value is None:
        raise InputError([Problem(_REQUEST, f"ERF '{impact.erf.id}'", "outcome",
                                  f"outcome {impact.erf.outcome!r} has no money value",
                                  f"choose one of: {', '.join(v.id for v in settings.values)}")])
    n = impact.draws.shape[0]
    lo, hi = value.range
    amount = _draw_tri(rng.uniform(size=(n, 1)), value.amount, lo, hi)
    notes: list[str] = []
    if value.currency == "USD_PPP":
        fx = settings.parameters["usd_ppp_to_eur"]
        flo, fhi = fx.range
        amount = amount * _draw_tri(rng.uniform(size=(n, 1)), fx.value, flo, fhi)
        notes.append(f"converted from US$ PPP at {fx.value:g} ({flo:g}-{fhi:g}) EUR per US$"
                     + (" (assumption)" if fx.assumption else ""))
    factor, year = settings.index_factor(value.price_year)
    if year != value.price_year:
        notes.append(f"indexed from {value.price_year} to {year} prices ({factor:.4f})")
    # only the areas with cases: elsewhere the euros are exactly 0 (same products as a full
    # multiplication)
    if impact.draws.ndim == 2:
        live = np.flatnonzero(np.any(impact.draws != 0.0, axis=0))
        draws = np.zeros(impact.draws.shape)
        draws[:, live] = impact.draws[:, live] * amount * factor
    else:
        draws = np.asarray(impact.draws * amount * factor, dtype=float)
    return ValuedImpact(impact.erf.id, impact.erf.outcome, value, year, "; ".join(notes),
                        impact.area_codes, draws)


def total_value(valued: Mapping[str, ValuedImpact], registry: ErfRegistry,
                set_name: str = "default_total") -> TotalResult:
    """Total euros per year over a declared non-overlapping set of ERFs.

    Money of different outcomes may be added (a prevented death and a prevented depression case
    are different events), but only over the set's ERFs; the result says which were summed and
    the unit names every price year involved.
    """
    arrays = {k: v.draws for k, v in valued.items()}
    summed, missing, left_out, draws = sum_declared(arrays, registry, set_name)
    years = sorted({valued[e].price_year for e in summed})
    unit = f"EUR per year ({' and '.join(map(str, years))} prices)"
    codes = {valued[e].area_codes for e in summed}
    if len(codes) != 1:
        raise InputError.single(_REQUEST, f"totals '{set_name}'", "area_codes",
                                "values are for different areas", "value one area set")
    return TotalResult(set_name, registry.total_set(set_name).reason.strip(), "value", unit,
                       summed, missing, left_out, next(iter(codes)), draws)


# --------------------------------------------------------------------------- discounting


def annuity_factor(rate: float, years: int) -> float:
    r"""Present value of 1 per year for ``years`` years, paid at the end of each year.

    .. math:: a = \sum_{t=1}^{N} (1 + r)^{-t} = \frac{1 - (1 + r)^{-N}}{r}
              \quad (= N \text{ when } r = 0)

    Parameters
    ----------
    rate : float
        Discount rate per year (e.g. 0.0225), > -1.
    years : int
        Number of years (≥ 0).
    """
    if years < 0 or rate <= -1:
        raise InputError.single(_REQUEST, "", "years" if years < 0 else "discount_rate",
                                f"years {years}, rate {rate}", "give years ≥ 0 and rate > -1")
    if rate == 0:
        return float(years)
    return float((1.0 - (1.0 + rate) ** -years) / rate)


def present_value(annual: npt.ArrayLike, rate: float, years: int) -> FloatArray:
    """Present value of a constant annual amount (EUR) over ``years`` years at ``rate``."""
    return np.asarray(np.asarray(annual, dtype=float) * annuity_factor(rate, years), dtype=float)


def present_value_summary(valued: ValuedImpact | TotalResult, years: int,
                          rate: float | None = None,
                          settings: ValuationSettings | None = None) -> ImpactSummary:
    """Median and 95% interval of the present value over ``years`` years.

    Parameters
    ----------
    valued : ValuedImpact or TotalResult
        Euros per year (draws).
    years : int
        Length of the multi-year view.
    rate : float, optional
        Discount rate; default the ``discount_rate`` parameter of ``settings``.
    settings : ValuationSettings, optional
        Default: the packaged settings.
    """
    if rate is None:
        rate = (settings or load_valuation()).parameters["discount_rate"].value
    label = valued.erf_id if isinstance(valued, ValuedImpact) else valued.set_name
    unit = valued.unit.replace("EUR per year", f"EUR over {years} years at {rate:.2%}")
    return summary_of(label, unit, valued.area_codes, present_value(valued.draws, rate, years))


# --------------------------------------------------------------------------- per hectare


@dataclass(frozen=True)
class HectareBenefit:
    """A per-hectare benefit of green (Groene Batenplanner): EUR per year for an area."""

    value: MoneyValue
    area_ha: float
    eur_per_year: float
    price_year: int


def per_hectare_benefits(area_ha: float, settings: ValuationSettings | None = None
                         ) -> tuple[HectareBenefit, ...]:
    """Groene Batenplanner benefits of ``area_ha`` hectares of green, per year.

    These come from a different model than the ERFs (the Groene Batenplanner) and overlap with
    them: show them beside the ERF results, never add them to an ERF total.

    Parameters
    ----------
    area_ha : float
        Hectares of green added (negative when removed).
    settings : ValuationSettings, optional
        Default: the packaged settings.
    """
    s = settings or load_valuation()
    out = []
    for ref in s.per_hectare:
        v = s.value(ref)
        factor, year = s.index_factor(v.price_year)
        out.append(HectareBenefit(v, area_ha, area_ha * v.amount * factor, year))
    return tuple(out)
