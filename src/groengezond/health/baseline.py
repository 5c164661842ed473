"""Baseline rates: how often an outcome occurs before a scenario changes anything.

The rates live in ``baseline_rates.yaml`` in this package, one entry per outcome and age band,
each with a central value, a range for the Monte Carlo, its source and an ``assumption`` flag.
A figure flagged ``assumption: true`` is a stated order of magnitude, not a cited statistic;
the UI shows it as such and ``replace_with`` says where the official figure is found.

Examples
--------
>>> from groengezond.health.baseline import load_baseline_rates
>>> rates = load_baseline_rates()
>>> rates["mortality_all_ages"].kind
'rate'
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, model_validator

from groengezond.errors import InputError, Problem
from groengezond.health._loading import parse_yaml, read_packaged, validate_as

FloatArray = npt.NDArray[np.float64]
BASELINE_FILE = "baseline_rates.yaml"
_FIX = "see docs/health.md (baseline rates) for the fields"


class AgeRange(BaseModel):
    """An age band in whole years; ``None`` means open-ended."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_years: int | None = Field(None, ge=0, le=120)
    max_years: int | None = Field(None, ge=0, le=120)

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if (self.min_years is not None and self.max_years is not None
                and self.min_years > self.max_years):
            raise ValueError(f"age range {self.min_years}-{self.max_years} runs backwards")
        return self

    def __str__(self) -> str:
        lo = 0 if self.min_years is None else self.min_years
        return f"{lo}+" if self.max_years is None else f"{lo}-{self.max_years}"


class BaselineRate(BaseModel):
    """The baseline frequency of one outcome in one age band.

    Attributes
    ----------
    id : str
        Identifier referred to by exposure-response functions (``baseline_rate``).
    kind : {"rate", "prevalence"}
        ``rate``: events per person per year; ``prevalence``: share of persons (0-1).
    value, low, high : float
        Central value and the range the Monte Carlo draws from (two-piece triangular with its
        median at ``value``), in ``unit``.
    assumption : bool
        True when the figure is a stated assumption rather than a cited statistic.
    source : str
        Where the figure comes from (or why it is assumed).
    replace_with : str
        Where the official figure can be found.
    indicator : str or None
        Monitor indicator id whose per-area values scale the national figure per area
        (relative to the region's mean) when present.
    by_age : list of str
        Ids of the rates of the age groups that make up this band, for indirect
        standardisation by age per area (empty: none).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label_en: str
    label_nl: str
    kind: Literal["rate", "prevalence"]
    unit: str
    value: float = Field(ge=0)
    low: float = Field(ge=0)
    high: float = Field(ge=0)
    age: AgeRange
    assumption: bool
    source: str = Field(min_length=1)
    replace_with: str = ""
    indicator: str | None = None
    by_age: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> BaselineRate:
        if not self.low <= self.value <= self.high:
            raise ValueError(f"value {self.value} is not within [low {self.low}, "
                             f"high {self.high}]")
        if self.kind == "prevalence" and self.high > 1:
            raise ValueError(f"a prevalence must lie in 0-1, got high {self.high}")
        return self


class BaselineRates(BaseModel):
    """All baseline rates (ids unique), with the file's version and date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    updated: date
    rates: tuple[BaselineRate, ...]

    @model_validator(mode="after")
    def _unique(self) -> BaselineRates:
        ids = [r.id for r in self.rates]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"rate ids {dup} appear more than once")
        by_id = {r.id: r for r in self.rates}
        for rate in self.rates:
            if not rate.by_age:
                continue
            parts = [by_id.get(i) for i in rate.by_age]
            unknown = [i for i, p in zip(rate.by_age, parts, strict=True) if p is None]
            if unknown:
                raise ValueError(f"rate {rate.id!r}: by_age names unknown rates {unknown}")
            bands = sorted(((p.age.min_years or 0, p.age.max_years) for p in parts
                            if p is not None), key=lambda b: b[0])
            lo, hi = rate.age.min_years or 0, rate.age.max_years
            ends = [b[1] for b in bands[:-1]]
            joined = all(e is not None and e + 1 == nxt[0]
                         for e, nxt in zip(ends, bands[1:], strict=True))
            if not (joined and bands[0][0] == lo and bands[-1][1] == hi):
                raise ValueError(f"rate {rate.id!r}: the age bands of by_age {bands} do not "
                                 f"make up its band {rate.age}")
        return self

    def __getitem__(self, rate_id: str) -> BaselineRate:
        for rate in self.rates:
            if rate.id == rate_id:
                return rate
        raise KeyError(rate_id)

    def __contains__(self, rate_id: object) -> bool:
        return any(r.id == rate_id for r in self.rates)

    @property
    def ids(self) -> tuple[str, ...]:
        """Rate ids in file order."""
        return tuple(r.id for r in self.rates)

    def get(self, rate_id: str) -> BaselineRate:
        """Return a rate or raise :class:`InputError` naming the known ids."""
        try:
            return self[rate_id]
        except KeyError:
            raise InputError([Problem(BASELINE_FILE, "", "id",
                                      f"unknown baseline rate {rate_id!r}",
                                      f"use one of: {', '.join(self.ids)}")]) from None


def parse_baseline_rates(text: str, file: str = BASELINE_FILE) -> BaselineRates:
    """Parse and validate baseline-rate YAML.

    Raises
    ------
    InputError
        One problem per error, naming the rate (by id) and the field.
    """
    return validate_as(BaselineRates, parse_yaml(text, file), file, _FIX)


@cache
def load_baseline_rates() -> BaselineRates:
    """Return the baseline rates shipped with the package (validated once, immutable)."""
    return parse_baseline_rates(read_packaged("groengezond.health", BASELINE_FILE))


@dataclass(frozen=True)
class BaselineInput:
    """Baseline rate per area with the range the Monte Carlo draws from.

    Build it from a registry rate (:meth:`from_rate`, the same national figure for every area)
    or from per-area values such as a Monitor indicator (:meth:`per_area`).
    """

    value: FloatArray
    low: FloatArray
    high: FloatArray
    assumption: bool = False

    @classmethod
    def from_rate(cls, rate: BaselineRate, n_areas: int) -> BaselineInput:
        """The same registry rate (with its range) for ``n_areas`` areas."""
        full = np.full(n_areas, 1.0)
        return cls(full * rate.value, full * rate.low, full * rate.high, rate.assumption)

    @classmethod
    def scaled_by_indicator(cls, rate: BaselineRate, indicator: npt.ArrayLike,
                            weights: npt.ArrayLike) -> BaselineInput:
        r"""The national ``rate`` scaled per area by a local indicator (indirect standardisation).

        .. math:: b_i = b \cdot \frac{y_i}{\bar y}, \qquad
                  \bar y = \frac{\sum_i w_i y_i}{\sum_i w_i}

        with the same factor on the range. This keeps the region's mean at the national figure
        and lets areas with more of the indicator (e.g. a higher share at high risk of anxiety
        or depression, GGD Gezondheidsmonitor) carry a proportionally higher baseline. Areas
        without the indicator keep the national figure.

        Parameters
        ----------
        rate : BaselineRate
            National figure with its range.
        indicator : array_like
            Indicator per area (its own unit; NaN where unknown).
        weights : array_like
            Persons per area (for the weighted mean).

        Returns
        -------
        BaselineInput
            Per-area values; flagged as an assumption (the scaling is one).
        """
        y = np.asarray(indicator, dtype=float)
        w = np.asarray(weights, dtype=float)
        ok = np.isfinite(y) & (w > 0) & (y >= 0)
        mean = float((y[ok] * w[ok]).sum() / w[ok].sum()) if ok.any() else 0.0
        factor = np.where(ok, y / mean, 1.0) if mean > 0 else np.ones(len(y))
        top = 1.0 if rate.kind == "prevalence" else np.inf
        return cls(np.minimum(rate.value * factor, top), np.minimum(rate.low * factor, top),
                   np.minimum(rate.high * factor, top), True)

    @classmethod
    def by_age(cls, rates: list[BaselineRate], persons: list[npt.ArrayLike]) -> BaselineInput:
        r"""A rate standardised indirectly by age per area.

        .. math:: b_i = \frac{\sum_a m_a P_{ia}}{\sum_a P_{ia}}

        the deaths expected per person in area :math:`i` at the reference (national)
        age-specific rates :math:`m_a`, given its persons :math:`P_{ia}` per age group; the
        same weights on the rates' lows and highs. An area without persons gets the mean of
        the rates.

        Parameters
        ----------
        rates : list of BaselineRate
            One per age group (reference rates with their ranges).
        persons : list of array_like
            Persons per area in each age group (same order).

        Returns
        -------
        BaselineInput
            Per-area values, flagged as an assumption when any rate is one.
        """
        p = np.vstack([np.asarray(x, dtype=float) for x in persons])
        tot = p.sum(axis=0)
        share = np.where(tot > 0, p / np.where(tot > 0, tot, 1.0), 1.0 / len(rates))

        def mix(values: list[float]) -> FloatArray:
            return np.asarray(np.asarray(values, dtype=float) @ share, dtype=float)

        return cls(mix([r.value for r in rates]), mix([r.low for r in rates]),
                   mix([r.high for r in rates]), any(r.assumption for r in rates))

    @classmethod
    def per_area(cls, value: npt.ArrayLike, low: npt.ArrayLike | None = None,
                 high: npt.ArrayLike | None = None, assumption: bool = False) -> BaselineInput:
        """Per-area values (rate or prevalence); without a range they are held fixed."""
        v = np.asarray(value, dtype=float)
        lo = v if low is None else np.broadcast_to(np.asarray(low, float), v.shape)
        hi = v if high is None else np.broadcast_to(np.asarray(high, float), v.shape)
        return cls(v, np.asarray(lo, float), np.asarray(hi, float), assumption)
