"""Green accessibility: nearest green, WHO indicator, 3-30-300, supply per inhabitant, equity.

Pure functions over a :class:`~groengezond.network.WalkNetwork`, snapped addresses and green
spaces; no I/O. Modules by concept:

- :mod:`~groengezond.access.entries` — green-space entry points and the Euclidean distance;
- :mod:`~groengezond.access.nearest` — nearest green by network distance (multi-source Dijkstra);
- :mod:`~groengezond.access.incremental` — scenario updates equal to a full recompute;
- :mod:`~groengezond.access.supply` — two-step floating catchment (2SFCA), m² per inhabitant;
- :mod:`~groengezond.access.rule_3_30_300` — WHO indicator and the 3-30-300 rule;
- :mod:`~groengezond.access.aggregate` — per-area aggregation by residents, with equity groups.
"""

from groengezond.access.aggregate import aggregate, group_weights
from groengezond.access.entries import (
    DEFAULT_MIN_AREA_HA,
    Entries,
    euclidean_nearest,
    green_entries,
    select_green,
)
from groengezond.access.incremental import (
    add_green,
    remap_entries,
    remove_green,
    update_for_network,
)
from groengezond.access.nearest import NearestGreen, multi_source, nearest_green
from groengezond.access.rule_3_30_300 import (
    TREE_VIEW_RADIUS_M,
    WHO_DISTANCE_M,
    canopy_share,
    rule_3_30_300,
    trees_within,
)
from groengezond.access.supply import (
    Catchments,
    Supply,
    catchments,
    decay,
    green_per_inhabitant,
    two_step_fca,
)

__all__ = [
    "DEFAULT_MIN_AREA_HA",
    "TREE_VIEW_RADIUS_M",
    "WHO_DISTANCE_M",
    "Catchments",
    "Entries",
    "NearestGreen",
    "Supply",
    "add_green",
    "aggregate",
    "canopy_share",
    "catchments",
    "decay",
    "euclidean_nearest",
    "green_entries",
    "green_per_inhabitant",
    "group_weights",
    "multi_source",
    "nearest_green",
    "remap_entries",
    "remove_green",
    "rule_3_30_300",
    "select_green",
    "trees_within",
    "two_step_fca",
    "update_for_network",
]
