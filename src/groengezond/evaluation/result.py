"""The shape every estimator returns: a number, its uncertainty and an identification verdict.

An estimator never prints and never returns a bare float. It returns an :class:`Estimate` with
the point estimate, a standard error *or* a permutation p-value (or both), a 95 % interval and
whether the effect is identified by the data at hand. When it is not (too few waves for a
pre-trend test, no untreated comparison areas, a donor pool that cannot reproduce the treated
area's pre-period), ``identified`` is False and ``reason`` says why in one English sentence, with
a stable ``key`` for the UI to word it (Dutch first).
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from scipy import stats

from groengezond.errors import InputError, Problem

T = TypeVar("T")

Z95 = float(stats.norm.ppf(0.975))
"""Two-sided 95 % normal quantile (1.95996...)."""


@dataclass
class Estimate:
    """One estimate of an intervention's effect.

    Attributes
    ----------
    estimator : str
        Stable id of the estimator (``cs_did``, ``twfe_event``, ``matched_did``, ``did_2x2``,
        ``synth``).
    target : str
        What is estimated (``att_simple``, ``att_dynamic``, ``att_group``, ``att``...).
    estimate : float
        The point estimate, in the outcome's unit; NaN when not identified.
    se : float
        Standard error (same unit); NaN when the estimator gives a p-value instead.
    ci_low, ci_high : float
        The 95 % interval (normal or bootstrap, see ``details['interval']``).
    p_value : float
        Two-sided p-value (analytic, bootstrap or permutation, see ``details['p_method']``).
    identified : bool
        False when the data cannot support the estimator; ``reason`` says why.
    reason : str
        Why (not) identified, one English sentence; the UI words ``key``.
    key : str
        Stable message key (``evaluation.identified``, ``evaluation.no_pretrend``...).
    n_treated, n_control : int
        Units in the treated group and in the comparison group.
    details : dict
        Estimator-specific extras (event-time coefficients, weights, match quality...).
    """

    estimator: str
    target: str
    estimate: float
    se: float = math.nan
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan
    identified: bool = True
    reason: str = ""
    key: str = "evaluation.identified"
    n_treated: int = 0
    n_control: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def normal(cls, estimator: str, target: str, estimate: float, se: float,
               **kw: Any) -> Estimate:
        """Build an estimate with a normal 95 % interval and two-sided p-value from ``se``."""
        if math.isfinite(se) and se > 0:
            z = estimate / se
            p = float(2 * stats.norm.sf(abs(z)))
            lo, hi = estimate - Z95 * se, estimate + Z95 * se
        else:
            p, lo, hi = math.nan, math.nan, math.nan
        return cls(estimator, target, float(estimate), float(se), float(lo), float(hi), p, **kw)

    @classmethod
    def not_identified(cls, estimator: str, target: str, reason: str, key: str,
                       **kw: Any) -> Estimate:
        """An estimate the data cannot support: no number, the reason instead."""
        return cls(estimator, target, math.nan, identified=False, reason=reason, key=key, **kw)

    @property
    def verdict(self) -> str:
        """``identified``, ``identified; caveat: <reason>`` or ``not identified: <reason>``."""
        if not self.identified:
            return f"not identified: {self.reason}"
        return f"identified; caveat: {self.reason}" if self.reason else "identified"

    def covers(self, value: float) -> bool:
        """True when ``value`` lies in the 95 % interval."""
        return bool(self.ci_low <= value <= self.ci_high)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (NaN becomes None)."""
        def clean(v: Any) -> Any:
            if isinstance(v, float) and not math.isfinite(v):
                return None
            if isinstance(v, dict):
                return {str(k): clean(x) for k, x in v.items()}
            if isinstance(v, list | tuple):
                return [clean(x) for x in v]
            if hasattr(v, "item"):
                return clean(v.item())
            return v
        out = clean(asdict(self))
        out["verdict"] = self.verdict
        assert isinstance(out, dict)
        return out


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Swallow what third-party estimators print (csdid prints its summaries)."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield


def silently(fn: Callable[[], T]) -> T:
    """Call ``fn`` with its stdout swallowed."""
    with quiet():
        return fn()


def require_columns(df: Any, columns: list[str], what: str) -> None:
    """Raise :class:`InputError` naming every required column that ``df`` lacks."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError([Problem(what, "", c, "column is missing",
                                  f"give a panel with columns {', '.join(columns)}")
                          for c in missing])
