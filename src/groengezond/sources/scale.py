"""Deciding the scale of a percentage column: fraction (0-1) or percent (0-100).

Published tables hold percentages either as fractions (``0.39``) or as percents (``39``), and a
hand-edited file can mix both. The scale is decided **per column, from the rows inside the
region only** (fifty rows of ``1.7`` elsewhere in a national file must not turn a region's
fractions into percents), and a column whose in-region rows mix the two scales is refused with
the rows named, never guessed.

Rule (``v`` the finite in-region values):

- ``P`` = values above 1 (they can only be percents); ``F`` = values strictly between 0 and 1
  (0 and 1 themselves fit either scale and decide nothing).
- no ``P``: the column is fractions (×100);
- no ``F``: the column is percents (×1);
- both: the data alone cannot tell a real 0.9 % from a fraction 0.9 written among percents, so
  the column is refused, naming the rows of the smaller group. A caller who knows the scale
  passes ``proportion`` (``False``: percents, small values included), which settles it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from groengezond.errors import InputError, Problem


def percent_factor(values: npt.ArrayLike, *, file: str, column: str,
                   rows: Sequence[str] | None = None, inside: npt.ArrayLike | None = None,
                   proportion: bool | None = None) -> float:
    """The factor that turns a percentage column into percent (0-100).

    Parameters
    ----------
    values : array_like of float
        The column (NaN for missing cells).
    file, column : str
        Named in the error.
    rows : sequence of str, optional
        A label per value for the error (e.g. ``"row 12 (BU03440101)"``); positions when absent.
    inside : array_like of bool, optional
        Which values lie inside the region; only those decide. All when absent.
    proportion : bool, optional
        The caller's own word: True = fractions, False = percents. Still checked for mixing.

    Returns
    -------
    float
        100.0 for fractions, 1.0 for percents.

    Raises
    ------
    InputError
        When the in-region rows mix fractions and percents, naming up to ten rows.
    """
    v = np.asarray(values, dtype="float64")
    mask = np.isfinite(v)
    if inside is not None:
        mask &= np.asarray(inside, dtype=bool)
    idx = np.flatnonzero(mask)
    vals = v[idx]
    big = vals > 1.0
    small = (vals > 0.0) & (vals < 1.0)
    if proportion is None and big.any() and small.any():
        minority = small if small.sum() <= big.sum() else big
        labels = [rows[i] if rows is not None else f"row {i + 1}"
                  for i in idx[minority][:10]]
        more = int(minority.sum()) - len(labels)
        named = ", ".join(labels) + (f" and {more} more" if more > 0 else "")
        raise InputError([Problem(
            file, named, column,
            f"mixes fractions (0-1) and percents (0-100): {int(small.sum())} values between 0 "
            f"and 1 among {int(big.sum())} above 1",
            "write every row of the column in one scale (percent, e.g. 39.0, or fraction, "
            "e.g. 0.39), or declare the scale (proportion: false for percents)")])
    if proportion is not None:
        if proportion and big.any():
            raise InputError([Problem(file, "", column,
                                      "is declared as fractions (0-1) but holds values above 1",
                                      "drop `proportion: true` or correct the values")])
        return 100.0 if proportion else 1.0
    if big.any():
        return 1.0
    return 100.0 if small.any() else 1.0
