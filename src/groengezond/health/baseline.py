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

from datetime import date
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from groengezond.errors import InputError, Problem
from groengezond.health._loading import parse_yaml, read_packaged, validate_as

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
