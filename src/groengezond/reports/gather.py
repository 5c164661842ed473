"""Gather what an area report needs from a region and the databases (the report's service).

:func:`area_inputs` computes the Monitor's published tables, reads or computes green access,
and reads the field labs (participation database) and lessons (knowledge base); the adapters
(CLI ``groengezond report area``, API ``/api/reports/area/{code}``) call it, or pass what they
already hold (the API its cached Monitor and access tables).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from groengezond.indicators.disclosure import disclose
from groengezond.indicators.registry import Registry, load_registry
from groengezond.participation.db import Database
from groengezond.region.model import Region
from groengezond.region.quality import NotComputable

ACCESS_DISCLOSURE = "green_within_300m_pct"
"""Registry indicator whose disclosure rule per-area access figures follow (as in the API)."""
ACCESS_COLUMNS = ("within_300m_network", "meets_3_30_300", "canopy_share",
                  "green_m2_per_inhabitant_500m", "green_network_m")
REPORT_SIMS = 200
"""Simulations of the Monitor's SII/RII intervals (the area report prints none of them)."""


def monitor_tables(region: Region, registry: Registry | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Monitor's published values and trends of the region (disclosure applied)."""
    from groengezond.services.monitor import compute_monitor, publish_all

    reg = registry or load_registry()
    published = publish_all(compute_monitor(region, reg, n_sims=REPORT_SIMS), reg)
    return published["values"].frame, published["trends"].frame


def access_table(region: Region, region_dir: Path | None) -> pd.DataFrame | NotComputable:
    """Published per-area green access: the region's baseline files, else computed now.

    Returns :class:`NotComputable` when the region has no walking network or no addresses.
    A network failing the quality gate gives figures flagged ``network_degraded``.
    """
    from groengezond.services import access as access_service
    from groengezond.services.baseline import BASELINE_DIR

    areas: pd.DataFrame | None = None
    degraded = False
    if region_dir is not None:
        file = Path(region_dir) / BASELINE_DIR / access_service.AREAS_FILE
        if file.exists():
            areas = pd.DataFrame(gpd.read_parquet(file).drop(columns="geometry"))
    if areas is None:
        if region.network_edges.empty or region.addresses.empty:
            missing = [n for n in ("network_edges", "addresses") if region.layer(n).empty]
            return NotComputable(key="access.no_network",
                                 reason="the region has no walking network or no addresses "
                                        f"({', '.join(missing)} empty)", missing=missing)
        result = access_service.compute_access(
            region, access_service.AccessOptions(allow_degraded_network=True))
        areas = pd.DataFrame(result.areas.drop(columns="geometry", errors="ignore"))
        degraded = bool(result.summary.get("network_degraded", False))
    if "network_degraded" not in areas.columns:
        areas["network_degraded"] = degraded
    keep = [c for c in ACCESS_COLUMNS if c in areas.columns]
    table = areas[["code", "level", "residents", "network_degraded", *keep]].copy()
    table["indicator"] = ACCESS_DISCLOSURE
    table["persons"] = table["residents"]
    for col in keep:
        table[col] = pd.to_numeric(table[col], errors="coerce").astype(float)
    return disclose(table, name="access_areas", value_columns=keep).frame


def access_row(table: pd.DataFrame | NotComputable, code: str
               ) -> dict[str, Any] | NotComputable:
    """The access figures of one area, or why there are none."""
    if isinstance(table, NotComputable):
        return table
    hit = table[table["code"] == code]
    if hit.empty:
        return NotComputable(key="access.no_area",
                             reason=f"the access results have no row for {code}",
                             missing=[code])
    return dict(hit.iloc[0].to_dict())


def field_labs(db: Database) -> list[dict[str, Any]]:
    """Every field lab of the participation database (name, area, buurten, period)."""
    from sqlalchemy import select

    from groengezond.participation.models import FieldLab

    with db.read() as s:
        return [{"name": lab.name, "description": lab.description,
                 "area_code": lab.area_code, "buurten": list(lab.buurten or []),
                 "opens_on": lab.opens_on, "closes_on": lab.closes_on}
                for lab in s.scalars(select(FieldLab)).all()]
