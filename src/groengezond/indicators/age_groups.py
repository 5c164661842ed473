"""The age group of indicator values: one dimension, chosen once before values are compared.

Health estimates are published per age group (RIVM 50090NED: 18+ and 65+). The indicators
layer keeps the age group in the nullable column ``age_group`` (null = the value is not
age-specific, e.g. inhabitants or green access), so that one indicator id covers every age
group. Every consumer that looks values up by (area, indicator, year) must first choose one age
group, or it would see two values for one key: :func:`select_age_group` does that.
"""

from __future__ import annotations

import pandas as pd

DEFAULT_AGE_GROUP = "18+"
"""The age group the Monitor and the Planner use unless told otherwise (adults)."""

KEY = ["area_code", "indicator", "year"]


def _no_group(ages: pd.Series) -> pd.Series:
    return ages.isna() | (ages.astype(object) == "")


def age_groups_of(frame: pd.DataFrame, indicator: str | None = None) -> list[str]:
    """The age groups present in an indicator table (of one indicator when given), sorted."""
    if "age_group" not in frame.columns:
        return []
    rows = frame if indicator is None else frame[frame["indicator"] == indicator]
    ages = rows["age_group"]
    return sorted(str(a) for a in ages[~_no_group(ages)].unique())


def select_age_group(frame: pd.DataFrame, age_group: str | None = DEFAULT_AGE_GROUP
                     ) -> pd.DataFrame:
    """Keep the values of one age group and the values that are not age-specific.

    Parameters
    ----------
    frame : DataFrame
        Indicator values in long form (``area_code``, ``indicator``, ``year``, ...), with or
        without an ``age_group`` column.
    age_group : str or None
        The age group to keep (e.g. ``"18+"``); None keeps only values without an age group.

    Returns
    -------
    DataFrame
        At most one row per (area, indicator, year) from each source: rows of ``age_group``
        and rows without an age group; where both exist for the same key, the row of the age
        group wins. A frame without the column is returned as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"area_code": ["GM0344"] * 3, "indicator": ["x", "x", "inhabitants"],
    ...                   "year": [2020] * 3, "value": [80.8, 62.1, 1.0],
    ...                   "age_group": ["18+", "65+", None]})
    >>> select_age_group(f, "65+")["value"].tolist()
    [62.1, 1.0]
    """
    if "age_group" not in frame.columns:
        return frame
    ages = frame["age_group"]
    none = _no_group(ages).to_numpy(dtype=bool)
    mine = (ages.astype(object) == age_group).to_numpy(dtype=bool) if age_group is not None \
        else pd.Series(False, index=frame.index).to_numpy(dtype=bool)
    keep = none | mine
    if mine.any() and none.any() and set(KEY) <= set(frame.columns):
        specific = pd.MultiIndex.from_frame(frame.loc[mine, KEY])
        shadowed = pd.MultiIndex.from_frame(frame[KEY]).isin(specific)
        keep &= ~(none & shadowed)
    if keep.all():
        return frame
    return frame[keep]
