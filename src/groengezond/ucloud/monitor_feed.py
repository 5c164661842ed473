"""Feed the hub's protected care indicators into a region, where the Monitor picks them up.

The hub's indicator table (:func:`~groengezond.ucloud.care_indicators.indicator_rows`) holds
values for buurt, wijk and gemeente after the hub's own disclosure control; a suppressed value
is missing (NaN), never 0. :func:`indicator_frame` turns it into rows of the region's
``indicators.parquet`` (the source is named ``ucloud`` in the registry), and
:func:`publish_to_region` replaces the region's earlier rows of these indicators with them,
atomically. The Monitor then ranks and maps them through its own disclosure gate.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from groengezond.errors import InputError
from groengezond.indicators.registry import load_registry
from groengezond.ucloud.care_indicators import INDICATORS, SOURCE


def indicator_frame(hub_indicators: pd.DataFrame) -> pd.DataFrame:
    """Rows for ``indicators.parquet``: ``area_code``, ``indicator``, ``year``, ``value``,
    ``lower``, ``upper`` (NaN: no interval), ``source``.

    Raises
    ------
    InputError
        An indicator that is not in the registry (it could not pass the Monitor's gate).
    """
    reg = load_registry()
    unknown = sorted(set(hub_indicators["indicator"]) - set(reg.ids))
    if unknown:
        raise InputError.single("indicators.parquet", "", "indicator",
                                f"{unknown} are not in the indicator registry",
                                "register them in indicators/registry.yaml")
    out = pd.DataFrame({
        "area_code": hub_indicators["area_code"].astype(str),
        "indicator": hub_indicators["indicator"].astype(str),
        "year": hub_indicators["year"].astype(np.int64),
        "value": hub_indicators["value"].astype(float),
        "lower": np.nan, "upper": np.nan, "source": SOURCE,
    })
    return out.reset_index(drop=True)


def publish_to_region(hub_indicators_path: Path, region_dir: Path) -> int:
    """Replace the region's U-Cloud indicator rows with the hub's; returns rows written.

    Parameters
    ----------
    hub_indicators_path : Path
        The hub's ``indicators.parquet``.
    region_dir : Path
        The region folder.
    """
    from groengezond.region.store import atomic_file

    if not hub_indicators_path.exists():
        raise InputError.single(str(hub_indicators_path), "", "", "no indicators in the hub",
                                "run 'groengezond ucloud run' first")
    rows = indicator_frame(pd.read_parquet(hub_indicators_path))
    target = region_dir / "indicators.parquet"
    if not target.exists():
        raise InputError.single(str(target), "", "", "the region has no indicators.parquet",
                                "give a region folder")
    current = pd.read_parquet(target)
    keep = current[~current["indicator"].isin(list(INDICATORS))]
    for col in current.columns:
        if col not in rows.columns:
            rows[col] = None
    merged = pd.concat([keep, rows[list(current.columns)]], ignore_index=True)
    with atomic_file(target) as tmp:
        merged.to_parquet(tmp, index=False)
    return len(rows)
