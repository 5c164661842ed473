"""Disclosure control: the one gate every published number goes through.

:func:`disclose` is the only way to make a :class:`PublishedTable`, and every writer (CSV,
GeoPackage, charts, the API) accepts only a :class:`PublishedTable`. The rules, from the
indicator registry:

- **threshold** — no value describes fewer than 10 persons (CBS rule of thumb, also used by
  metasyn's disclosure plugin): the row is suppressed, its values set to NaN, ``suppressed``
  is True with a reason, and it is rendered as ``.`` (CBS's sign for a secret or unknown
  figure), never as 0. A row whose number of persons is unknown is suppressed too.
- **rounding** — counts of persons at wijk and buurt level are rounded to a multiple of 5, as
  CBS does in Kerncijfers wijken en buurten (half-way values round up).
- **dominance** — for sums of amounts (rule ``magnitude``) no single contributor may give
  more than ``k`` % of the total ((1, k) rule; default k = 50 %). Without the contributors'
  shares the row is suppressed (fail closed).

Indicators with rule ``none`` (land cover, not about persons) are published as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NoReturn

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.indicators.registry import Registry, load_registry

SUPPRESSED_MARK = "."
"""How a suppressed value is rendered (CBS convention)."""

MISSING_MARK = ""
"""How a value that is simply not available is rendered."""

INTERNAL_COLUMNS = ("top_share",)
"""Columns used by the rules that are never published (they could reveal a contributor)."""

_GATE = object()


class PublishedTable:
    """A table that passed :func:`disclose`; the only thing the writers accept.

    It cannot be built directly (``PublishedTable(...)`` raises ``TypeError``), subclassed or
    changed: :attr:`frame` returns a copy.

    Attributes
    ----------
    name : str
        Name of the table (used for file and layer names).
    value_columns : tuple of str
        Columns holding published numbers (rendered as ``.`` when suppressed).
    rules : tuple of str
        The rules applied, in words (for the output's metadata).
    """

    __slots__ = ("_frame", "name", "rules", "value_columns")
    _frame: pd.DataFrame
    name: str
    value_columns: tuple[str, ...]
    rules: tuple[str, ...]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("a PublishedTable is made only by groengezond.indicators.disclose()")

    def __init_subclass__(cls, **kwargs: Any) -> NoReturn:
        raise TypeError("PublishedTable cannot be subclassed")

    @classmethod
    def _from_gate(cls, gate: object, frame: pd.DataFrame, name: str,
                   value_columns: Sequence[str], rules: Iterable[str]) -> PublishedTable:
        if gate is not _GATE:
            raise TypeError("a PublishedTable is made only by groengezond.indicators.disclose()")
        obj = object.__new__(cls)
        object.__setattr__(obj, "_frame", frame.copy())
        object.__setattr__(obj, "name", name)
        object.__setattr__(obj, "value_columns", tuple(value_columns))
        object.__setattr__(obj, "rules", tuple(rules))
        return obj

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError("a PublishedTable cannot be changed")

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        return (f"PublishedTable({self.name!r}, rows={len(self)}, "
                f"suppressed={self.n_suppressed})")

    @property
    def frame(self) -> pd.DataFrame:
        """A copy of the table: suppressed values are NaN, ``suppressed`` flags them."""
        return self._frame.copy()

    @property
    def columns(self) -> list[str]:
        """Column names."""
        return [str(c) for c in self._frame.columns]

    @property
    def n_suppressed(self) -> int:
        """Number of suppressed rows."""
        return int(self._frame["suppressed"].sum())

    def display_frame(self, decimals: int | dict[str, int] = 1,
                      trim: bool = False) -> pd.DataFrame:
        """The table as text: suppressed values as ``.``, missing ones empty, never 0.

        Parameters
        ----------
        decimals : int or dict
            Decimals per value column (a dict may name some columns; others get 1).
        trim : bool
            Drop trailing zeros (``70`` rather than ``70.000``), e.g. for CSV.

        Returns
        -------
        DataFrame of str
        """
        out = self._frame.copy()
        sup = out["suppressed"].to_numpy(dtype=bool)
        for col in self.value_columns:
            places = decimals.get(col, 1) if isinstance(decimals, dict) else decimals
            vals = out[col]
            text = [
                SUPPRESSED_MARK if s else (MISSING_MARK if pd.isna(v) else _fmt(v, places, trim))
                for v, s in zip(vals.to_numpy(dtype=object), sup, strict=True)
            ]
            out[col] = text
        return out

    def records(self) -> list[dict[str, Any]]:
        """JSON-ready rows for the API: NaN as None, suppressed rows flagged."""
        frame = self._frame.astype(object).where(self._frame.notna(), None)
        return [{str(k): _plain(v) for k, v in row.items()}
                for row in frame.to_dict(orient="records")]


def _fmt(value: object, places: int, trim: bool = False) -> str:
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if trim:
            return np.format_float_positional(float(value), precision=places, trim="-")
        return f"{float(value):.{places}f}"
    return str(value)


def _plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


def round_to_multiple(values: np.ndarray, base: int = 5) -> np.ndarray:
    """Round to the nearest multiple of ``base`` (half-way values up), as CBS rounds counts.

    .. math:: r(x) = b \\lfloor x / b + 1/2 \\rfloor
    """
    v = np.asarray(values, dtype=float)
    return base * np.floor(v / base + 0.5)


def dominance_violated(top_share: np.ndarray, k_pct: float | np.ndarray) -> np.ndarray:
    """True where the largest contributor gives more than ``k_pct`` % of a total.

    Parameters
    ----------
    top_share : ndarray
        Share (0-1) of the total given by the largest contributor; NaN = unknown.
    k_pct : float or ndarray
        Largest allowed share (%).

    Returns
    -------
    ndarray of bool
        True where the rule is broken or cannot be checked.
    """
    s = np.asarray(top_share, dtype=float)
    return np.asarray(np.isnan(s) | (s > np.asarray(k_pct, dtype=float) / 100.0), dtype=bool)


def disclose(frame: pd.DataFrame, *, name: str, value_columns: Sequence[str],
             text_columns: Sequence[str] = (), registry: Registry | None = None,
             persons_column: str = "persons",
             indicator_column: str = "indicator", level_column: str = "level",
             share_column: str = "top_share") -> PublishedTable:
    """Apply disclosure control to a table and return it as a :class:`PublishedTable`.

    Parameters
    ----------
    frame : DataFrame
        The table. It must have an ``indicator`` column (every indicator must be in the
        registry: an unknown one cannot be checked and raises) and a ``persons`` column: the
        number of persons each row describes.
    name : str
        Name of the published table.
    value_columns : sequence of str
        Columns with the numbers to protect (value, interval, SII, ...).
    text_columns : sequence of str
        Columns with words derived from the numbers (trend, position); set to ``.`` when the
        row is suppressed.
    registry : Registry, optional
        Gives each indicator's rule; defaults to the package registry.
    persons_column, indicator_column, level_column, share_column : str
        Column names; ``level`` (for rounding) and ``top_share`` (for dominance) are optional.

    Returns
    -------
    PublishedTable
        The table with ``suppressed`` (bool) and ``suppression_reason`` (str) columns added,
        suppressed values NaN, counts rounded, the ``persons`` column rounded to a multiple of
        5 (it is a count too), internal columns dropped.

    Raises
    ------
    InputError
        When a column is missing or an indicator is not in the registry.
    """
    reg = registry or load_registry()
    need = [indicator_column, persons_column, *value_columns, *text_columns]
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise InputError.single(name, "", ", ".join(missing), "column is missing",
                                "give every published table an indicator, persons and value "
                                "columns")
    unknown = sorted(set(frame[indicator_column].astype(str)) - set(reg.ids))
    if unknown:
        raise InputError.single(name, "", indicator_column,
                                f"indicators {unknown} are not in the registry",
                                "add them to indicators/registry.yaml with a disclosure rule")
    out = frame.copy()
    ind = out[indicator_column].astype(str)
    rule = ind.map({i.id: i.disclosure.rule for i in reg.indicators}).to_numpy(dtype=object)
    threshold = ind.map({i: reg.min_persons_of(i) for i in reg.ids}).to_numpy(dtype=float)
    persons = pd.to_numeric(out[persons_column], errors="coerce").to_numpy(dtype=float)
    applies = rule != "none"
    unknown_persons = applies & np.isnan(persons)
    too_few = applies & ~np.isnan(persons) & (persons < threshold)
    reason = np.full(len(out), "", dtype=object)
    reason[unknown_persons] = "number of persons unknown"
    reason[too_few] = [f"fewer than {int(t)} persons" for t in threshold[too_few]]
    magnitude = rule == "magnitude"
    if magnitude.any():
        shares = (out[share_column].to_numpy(dtype=float) if share_column in out.columns
                  else np.full(len(out), np.nan))
        k = ind.map({i.id: i.disclosure.dominance.k_pct for i in reg.indicators})
        dom = magnitude & dominance_violated(shares, k.to_numpy(dtype=float))
        dom &= reason == ""
        reason[dom] = "dominance rule (one contributor dominates the total)"
    suppressed = reason != ""
    for col in value_columns:
        vals = out[col].astype(float).to_numpy(copy=True)
        vals[suppressed] = np.nan
        out[col] = vals
    for col in text_columns:
        words = out[col].astype(object).to_numpy(copy=True)
        words[suppressed] = SUPPRESSED_MARK
        out[col] = words
    count = (rule == "count") & ~suppressed
    if count.any():
        levels = (out[level_column].astype(str).to_numpy() if level_column in out.columns
                  else np.full(len(out), "buurt"))
        round_levels = {i.id: i.disclosure.round_levels for i in reg.indicators}
        rounds = np.array([lv in round_levels[i] if c else False
                           for i, lv, c in zip(ind, levels, count, strict=True)],
                          dtype=bool)
        for col in value_columns:
            vals = out[col].to_numpy(dtype=float, copy=True)
            vals[rounds] = round_to_multiple(vals[rounds], reg.round_to)
            out[col] = vals
    # The number of persons is itself a count: published rounded, like CBS's inhabitants.
    out[persons_column] = round_to_multiple(persons, reg.round_to)
    out["suppressed"] = suppressed
    out["suppression_reason"] = reason.astype(str)
    out = out.drop(columns=[c for c in INTERNAL_COLUMNS if c in out.columns])
    rules = (f"suppressed when fewer than {reg.min_persons} persons (CBS rule of thumb)",
             f"counts at wijk/buurt level rounded to multiples of {reg.round_to} (CBS)",
             "dominance (1, k) rule for sums of amounts",
             f"suppressed values shown as '{SUPPRESSED_MARK}', never as 0")
    return PublishedTable._from_gate(_GATE, out.reset_index(drop=True), name, value_columns,
                                     rules)
