"""The Monitor's indicator core: registry, compute and aggregate, inequality, trends and
disclosure control. Pure functions: no files, no printing (DESIGN § Architecture).

Every table that leaves groengezond goes through :func:`disclose`, which alone makes a
:class:`PublishedTable`; the writers accept nothing else.
"""

from groengezond.indicators.age_groups import DEFAULT_AGE_GROUP, select_age_group
from groengezond.indicators.compute import AreaValues, area_values, se_from_interval
from groengezond.indicators.concentration import green_concentration
from groengezond.indicators.disclosure import PublishedTable, disclose
from groengezond.indicators.inequality import (
    Difference,
    LowIncomeShare,
    QuintileGap,
    SlopeIndex,
    compare,
    concentration_index,
    low_income_share,
    quintile_gap,
    slope_index,
)
from groengezond.indicators.registry import Indicator, Registry, load_registry, parse_registry
from groengezond.indicators.trends import fit_trends, quartiles, trend_colour

__all__ = [
    "DEFAULT_AGE_GROUP",
    "AreaValues",
    "Difference",
    "Indicator",
    "LowIncomeShare",
    "PublishedTable",
    "QuintileGap",
    "Registry",
    "SlopeIndex",
    "area_values",
    "compare",
    "concentration_index",
    "disclose",
    "fit_trends",
    "green_concentration",
    "load_registry",
    "low_income_share",
    "parse_registry",
    "quartiles",
    "quintile_gap",
    "se_from_interval",
    "select_age_group",
    "slope_index",
    "trend_colour",
]
