"""The indicator registry: what each Monitor indicator means and how it is handled.

The registry is the YAML file ``registry.yaml`` in this package, validated by the pydantic
models below. For every indicator it gives the id, the Dutch and English name, the unit, the
domain, the good direction, the source and year range, how it aggregates from buurt to wijk,
gemeente and region, and the disclosure rule that applies (see :mod:`.disclosure`).

Examples
--------
>>> from groengezond.indicators.registry import load_registry
>>> reg = load_registry()
>>> reg["healthy_life_expectancy_years"].good_direction
'higher'
"""

from __future__ import annotations

from functools import cache, cached_property
from importlib import resources
from typing import Literal

import numpy as np
import numpy.typing as npt
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from groengezond.errors import InputError, Problem

Domain = Literal["health", "green", "social", "housing", "participation", "environment",
                 "amenities"]
Direction = Literal["higher", "lower", "neutral"]
Method = Literal["weighted_mean", "ratio_of_sums", "sum"]
Rule = Literal["persons", "count", "magnitude", "none"]

BASES: frozenset[str] = frozenset({"inhabitants", "land_area_m2"})

NON_NEGATIVE_UNITS: tuple[str, ...] = (
    "persons", "households", "dwellings", "inhabitants", "residents", "ha", "m²", "m2", "km",
    "m", "eur", "years", "count", "decile", "per km²", "per inhabitant")
"""Words of a unit that make a quantity non-negative by default (counts, areas, distances,
amounts, durations); see :attr:`Indicator.bounds`."""
"""Weights that every region has: residents of the area and its land area (m², polygon area)."""

REGISTRY_FILE = "registry.yaml"


class Aggregation(BaseModel):
    """How an indicator aggregates from buurt to the levels above.

    Attributes
    ----------
    method : {"weighted_mean", "ratio_of_sums", "sum"}
        ``weighted_mean``: :math:`\\sum w v / \\sum w` with ``w`` the ``weight``;
        ``ratio_of_sums``: :math:`s \\sum n / \\sum d`, computed from per-area ratios as
        :math:`\\sum v d / \\sum d` with ``d`` the ``denominator`` (exact);
        ``sum``: :math:`\\sum v`.
    weight : str or None
        Base of a weighted mean: ``inhabitants``, ``land_area_m2`` or an indicator id.
    denominator : str or None
        Denominator of a ratio of sums (same choices as ``weight``).
    scale : float
        Factor of the ratio (100 for a percentage, 1 for a per-capita amount).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    method: Method
    weight: str | None = None
    denominator: str | None = None
    scale: float = 1.0

    @model_validator(mode="after")
    def _needs_base(self) -> Aggregation:
        if self.method == "weighted_mean" and not self.weight:
            raise ValueError("a weighted_mean needs 'weight'")
        if self.method == "ratio_of_sums" and not self.denominator:
            raise ValueError("a ratio_of_sums needs 'denominator'")
        if self.method == "sum" and (self.weight or self.denominator):
            raise ValueError("a sum takes neither 'weight' nor 'denominator'")
        return self

    @property
    def base(self) -> str | None:
        """The weight of the mean: ``weight`` or ``denominator``; None for a sum."""
        return self.weight or self.denominator


class Dominance(BaseModel):
    """The (1, k) dominance rule: suppress a sum when its largest contributor gives more than
    ``k_pct`` percent of the total.

    The default (k = 50 %) expresses "no single unit may dominate a cell total"
    (EVIDENCE.md, Disclosure control) [check: CBS's own n and k are not published for these
    tables].
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    k_pct: float = Field(50.0, gt=0, le=100)


class Disclosure(BaseModel):
    """The disclosure rule of an indicator.

    Attributes
    ----------
    rule : {"persons", "count", "magnitude", "none"}
        ``persons``: suppress when the value describes fewer than ``min_persons`` persons;
        ``count``: the same, and round to a multiple of ``round_to`` at ``round_levels``;
        ``magnitude``: the threshold plus the dominance rule; ``none``: not about persons.
    min_persons : int or None
        Threshold (persons); None takes the registry default (10, CBS rule of thumb).
    round_levels : tuple of str
        Levels at which counts are rounded (CBS rounds wijk and buurt counts).
    dominance : Dominance
        Parameters of the dominance rule (``magnitude`` only).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: Rule
    min_persons: int | None = Field(None, ge=1)
    round_levels: tuple[str, ...] = ("buurt", "wijk")
    dominance: Dominance = Dominance()


class Indicator(BaseModel):
    """One indicator of the Monitor (see ``registry.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name_nl: str
    name_en: str
    unit: str
    domain: Domain
    good_direction: Direction
    source: str
    years: tuple[int, int]
    has_interval: bool = False
    aggregate: Aggregation
    disclosure: Disclosure
    valid_range: tuple[float | None, float | None] | None = None
    note: str = ""

    @model_validator(mode="after")
    def _years_ordered(self) -> Indicator:
        if self.years[0] > self.years[1]:
            raise ValueError(f"years {self.years} run backwards; give [first, last]")
        if self.valid_range is not None:
            lo, hi = self.valid_range
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(f"valid_range {list(self.valid_range)} runs backwards; give "
                                 "[lowest, highest] (null for no bound)")
        return self

    @property
    def is_percent(self) -> bool:
        """True when the unit is a percentage (``% of ...``): values lie in 0-100."""
        unit = self.unit.strip().lower()
        return unit.startswith("%") or unit.startswith("percent")

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The valid range of a value: ``valid_range`` or the default of the unit.

        Default when the registry gives none: percentages [0, 100]; counts, areas, distances,
        amounts and durations (:data:`NON_NEGATIVE_UNITS`, or a ``sum``) [0, unbounded);
        anything else (scores, indices) unbounded. ``None`` means no bound.
        """
        if self.valid_range is not None:
            return self.valid_range
        if self.is_percent:
            return (0.0, 100.0)
        words = set(self.unit.lower().replace("(", " ").replace(")", " ").split())
        unit = self.unit.lower()
        if self.aggregate.method == "sum" or any(
                (w in words) if " " not in w else (w in unit) for w in NON_NEGATIVE_UNITS):
            return (0.0, None)
        return (None, None)

    def outside(self, values: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Which values lie outside :attr:`bounds` (NaN is missing, never outside)."""
        v = np.asarray(values, dtype=float)
        lo, hi = self.bounds
        out = np.zeros(v.shape, dtype=bool)
        with np.errstate(invalid="ignore"):
            if lo is not None:
                out |= v < lo
            if hi is not None:
                out |= v > hi
        return out

    def range_text(self) -> str:
        """The valid range in words, e.g. ``[0, 100]`` or ``[0, no upper bound]``."""
        lo, hi = self.bounds
        return (f"[{'no lower bound' if lo is None else f'{lo:g}'}, "
                f"{'no upper bound' if hi is None else f'{hi:g}'}]")

    @property
    def sign(self) -> int:
        """+1 when higher is better, -1 when lower is better, 0 when neutral."""
        return {"higher": 1, "lower": -1, "neutral": 0}[self.good_direction]


class Registry(BaseModel):
    """The whole registry: defaults, sources and indicators (ids unique)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    min_persons: int = Field(10, ge=1)
    round_to: int = Field(5, ge=1)
    ranking_preference: tuple[str, ...] = ()
    sources: dict[str, str]
    indicators: tuple[Indicator, ...]

    @model_validator(mode="after")
    def _consistent(self) -> Registry:
        ids = [i.id for i in self.indicators]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"indicator ids {dup} appear more than once")
        known = set(ids) | BASES
        for ind in self.indicators:
            base = ind.aggregate.base
            if base is not None and base not in known:
                raise ValueError(f"{ind.id}: weight/denominator {base!r} is neither a base "
                                 f"({', '.join(sorted(BASES))}) nor an indicator id")
            if ind.source not in self.sources:
                raise ValueError(f"{ind.id}: source {ind.source!r} is not under 'sources'")
        missing = [r for r in self.ranking_preference if r not in ids]
        if missing:
            raise ValueError(f"ranking_preference names unknown indicators {missing}")
        return self

    @cached_property
    def _by_id(self) -> dict[str, Indicator]:
        return {ind.id: ind for ind in self.indicators}

    def __getitem__(self, indicator_id: str) -> Indicator:
        return self._by_id[indicator_id]

    def __contains__(self, indicator_id: object) -> bool:
        return indicator_id in self._by_id

    @property
    def ids(self) -> tuple[str, ...]:
        """Indicator ids in registry order."""
        return tuple(ind.id for ind in self.indicators)

    def min_persons_of(self, indicator_id: str) -> int:
        """Threshold (persons) for one indicator: its own or the registry default."""
        own = self[indicator_id].disclosure.min_persons
        return self.min_persons if own is None else own

    def get(self, indicator_id: str) -> Indicator:
        """Return an indicator or raise :class:`InputError` naming the known ids."""
        try:
            return self[indicator_id]
        except KeyError:
            raise InputError.single(
                "--indicator", "", "indicator", f"unknown indicator {indicator_id!r}",
                f"use one of: {', '.join(self.ids)}") from None


def parse_registry(text: str, file: str = REGISTRY_FILE) -> Registry:
    """Parse and validate registry YAML text.

    Parameters
    ----------
    text : str
        YAML text with ``version``, ``sources`` and ``indicators``.
    file : str
        Name used in error messages.

    Returns
    -------
    Registry

    Raises
    ------
    InputError
        One problem per validation error, naming the field.
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError.single(file, "", "", f"is not valid YAML ({exc})",
                                "repair the YAML syntax") from exc
    try:
        return Registry.model_validate(raw)
    except ValidationError as exc:
        raise InputError(
            Problem(file, "", ".".join(str(x) for x in err["loc"]), err["msg"],
                    "see docs/monitor.md for the registry fields")
            for err in exc.errors()
        ) from exc


@cache
def load_registry() -> Registry:
    """Return the registry shipped with the package (validated once, immutable)."""
    text = resources.files("groengezond.indicators").joinpath(REGISTRY_FILE).read_text("utf-8")
    return parse_registry(text)
