"""Use case "green access": every access measure for a region, per address and per area.

:func:`compute_access` takes a :class:`~groengezond.region.model.Region` (it reads nothing
itself) and returns an :class:`AccessResult`; :func:`write_access` writes its two GeoParquet
files atomically (``access_addresses.parquet``, ``access_areas.parquet``).

Every row carries ``quality`` (real / derived / placeholder): the worst of the addresses',
green spaces' and network's quality records, and per area also its geometry
(:func:`~groengezond.services.figure_quality.access_quality`); lattice addresses make every
figure a placeholder. Measures whose layer is missing are listed in
``summary["not_computable"]`` with the reason, and printed as "not computable: ...".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from groengezond.access.aggregate import aggregate
from groengezond.access.catchment_tiles import TileMapper
from groengezond.access.entries import (
    DEFAULT_MIN_AREA_HA,
    ENTRY_BUFFER_M,
    euclidean_nearest,
    green_entries,
    select_green,
)
from groengezond.access.nearest import nearest_green
from groengezond.access.rule_3_30_300 import (
    TREE_VIEW_RADIUS_M,
    WHO_DISTANCE_M,
    canopy_share,
    rule_3_30_300,
    trees_within,
)
from groengezond.access.supply import (
    GREEN_NORM_M2_PER_INHABITANT,
    SUPPLY_RADIUS_M,
    catchments,
    two_step_fca,
)
from groengezond.errors import InputError, Problem
from groengezond.landcover import RADII_M, focal_mean, green_share, ndvi_proxy, sample
from groengezond.network import WalkNetwork
from groengezond.network_quality import NetworkQuality, measure_network
from groengezond.region.model import Region
from groengezond.region.schema import CRS
from groengezond.region.store import atomic_file
from groengezond.services.figure_quality import (
    NOT_COMPUTABLE,
    access_not_computable,
    access_quality,
)

ADDRESSES_FILE = "access_addresses.parquet"
AREAS_FILE = "access_areas.parquet"

Progress = Callable[[str, float], None]


class AccessOptions(BaseModel):
    """Parameters of an access run (units in the names; defaults with their sources in docs)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_size_ha: float = Field(DEFAULT_MIN_AREA_HA, ge=0, description="Minimum green size (ha)")
    public_only: bool = Field(True, description="Count only public green spaces")
    distance_m: float = Field(WHO_DISTANCE_M, gt=0, description="WHO / 3-30-300 distance (m)")
    tree_radius_m: float = Field(TREE_VIEW_RADIUS_M, gt=0,
                                 description="Radius for 'trees seen from home' (m; assumption)")
    entry_buffer_m: float = Field(ENTRY_BUFFER_M, ge=0, description="Entry buffer (m)")
    supply_radius_m: float = Field(2000.0, gt=0, description="2SFCA search radius (m)")
    supply_decay: Literal["dichotomy", "exponential", "gaussian", "density"] = "exponential"
    green_norm_m2: float = Field(GREEN_NORM_M2_PER_INHABITANT, ge=0,
                                 description="Norm of green per inhabitant within 500 m (m²)")
    landcover_stats: bool = Field(True, description="Green share / NDVI around each address")
    doorstep: bool = Field(True, description="Add the walk from the home to the street (the "
                           "snap distance, m) to nearest-green network distances")
    allow_degraded_network: bool = Field(
        False, description="Publish network distances on a network that fails the quality gate "
        "(groengezond.network_quality), flagged, instead of refusing them")


@dataclass(frozen=True)
class AccessResult:
    """Per-address and per-area access results, with a summary."""

    addresses: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    options: AccessOptions = field(default_factory=AccessOptions)


def network_gate(quality: NetworkQuality, allow: bool) -> None:
    """Refuse network distances on a network that fails the gate, unless ``allow``.

    Raises
    ------
    InputError
        When :meth:`NetworkQuality.degraded_reasons` is not empty and ``allow`` is False:
        the figures, and the fix (a complete network, or ``--allow-degraded-network``).
    """
    reasons = quality.degraded_reasons()
    if reasons and not allow:
        raise InputError([Problem(
            "network_edges.parquet", "", "network",
            "network distances are not published: " + "; ".join(reasons) + " ("
            + quality.summary(green=False) + ")",
            "give a complete walking network (an OSM .osm.pbf extract of the region, see "
            "docs/sources.md), or run with --allow-degraded-network to publish them flagged")])


def _check(region: Region) -> None:
    problems: list[Problem] = []
    if len(region.network_edges) == 0:
        problems.append(Problem("network_edges.parquet", "", "", "has no edges",
                                "access needs a walking network; build or generate one"))
    if len(region.addresses) == 0:
        problems.append(Problem("addresses.parquet", "", "", "has no addresses",
                                "access is computed per address; add addresses with residents"))
    if problems:
        raise InputError(problems)


def compute_access(region: Region, options: AccessOptions | None = None,
                   progress: Progress | None = None,
                   tile_mapper: TileMapper | None = None) -> AccessResult:
    """Compute every green-access measure of ``region``.

    Parameters
    ----------
    region : Region
        The region (needs a walking network and addresses; land cover and trees are used
        when present).
    options : AccessOptions, optional
        Parameters; defaults as documented in ``docs/access.md``.
    progress : callable, optional
        ``progress(step, fraction)`` callback for a progress bar.
    tile_mapper : callable, optional
        Runs the catchments' tiles of green spaces elsewhere, e.g. in partitions on Dask
        workers (:func:`groengezond.access.partitioned.partitioned_mapper`,
        :func:`groengezond.services.distributed.distributed_mapper`). The results are
        identical to the default run in this process.

    Returns
    -------
    AccessResult

    Raises
    ------
    InputError
        If the region has no network or no addresses, or its network fails the quality gate
        (:func:`network_gate`) and ``options.allow_degraded_network`` is not set.
    """
    opts = options or AccessOptions()
    say = progress or (lambda step, fraction: None)
    _check(region)
    say("network", 0.0)
    network = WalkNetwork.from_region(region)
    addresses = region.addresses
    points = np.asarray(addresses.geometry.array, dtype=object)
    say("snapping addresses", 0.1)
    snap = network.snap(points)
    residents = addresses["residents"].to_numpy(dtype=np.float64)
    network_gate(measure_network(network, snap, residents), opts.allow_degraded_network)
    green = select_green(region.green, opts.min_size_ha, opts.public_only)
    say("entry points", 0.25)
    entries = green_entries(network, green, buffer_m=opts.entry_buffer_m)
    say("nearest green", 0.3)
    near = nearest_green(network, snap, entries, doorstep=opts.doorstep)
    quality = measure_network(network, snap, residents, near.dist_m)
    degraded = quality.degraded
    eu_dist, eu_id = euclidean_nearest(points, green)
    say("supply (2SFCA)", 0.4)
    supply = two_step_fca(catchments(network, snap, entries, opts.supply_radius_m,
                                                    mapper=tile_mapper), residents,
                          entries.green_area_ha * 1e4, opts.supply_decay, opts.green_norm_m2)
    say("green per inhabitant within 500 m", 0.55)
    per_500 = two_step_fca(catchments(network, snap, entries, SUPPLY_RADIUS_M,
                                      mapper=tile_mapper), residents,
                           entries.green_area_ha * 1e4, "dichotomy", opts.green_norm_m2)
    say("trees and canopy", 0.65)
    n_trees = trees_within(points, np.asarray(region.trees.geometry.array, dtype=object),
                           opts.tree_radius_m)
    region.areas_at("buurt")
    canopy_by_area = pd.Series(np.nan, index=region.areas["code"].to_numpy())
    if region.landcover is not None:
        classes = region.meta.landcover_classes
        for level in ("buurt", "wijk", "gemeente", "region"):
            level_areas = region.areas_at(level)
            if len(level_areas):
                share = canopy_share(region.landcover, classes, level_areas, region.trees)
                canopy_by_area.loc[share.index] = share.to_numpy()
    buurt_canopy = canopy_by_area.reindex(addresses["buurt"].to_numpy()).to_numpy()
    rule = rule_3_30_300(n_trees, buurt_canopy, near.dist_m, distance_m=opts.distance_m)
    values = pd.DataFrame({
        "green_network_m": near.dist_m,
        "green_euclidean_m": eu_dist,
        "within_300m_network": near.dist_m <= opts.distance_m,
        "within_300m_euclidean": eu_dist <= opts.distance_m,
        "trees_within_radius": n_trees.astype(np.float64),
        "buurt_canopy_share": buurt_canopy,
        **{c: rule[c].to_numpy() for c in rule.columns},
        "supply_m2_per_inhabitant": supply.green_m2_per_inhabitant,
        "green_m2_per_inhabitant_500m": per_500.green_m2_per_inhabitant,
        "meets_green_norm_500m": per_500.green_m2_per_inhabitant >= opts.green_norm_m2,
    })
    if opts.landcover_stats and region.landcover is not None:
        say("green share within 300/500/1,000 m", 0.75)
        xy = np.asarray(np.c_[addresses.geometry.x, addresses.geometry.y], dtype=np.float64)
        shares = green_share(region.landcover, RADII_M, region.meta.landcover_classes)
        for r in RADII_M:
            values[f"green_share_{int(r)}m"] = sample(shares.share[r], region.landcover, xy)
        ndvi = focal_mean(ndvi_proxy(region.landcover, region.meta.landcover_classes), 500.0,
                          region.landcover.cell_size_m)
        values["ndvi_proxy_500m"] = sample(ndvi, region.landcover, xy)
    say("aggregating", 0.9)
    medians = ("green_network_m", "green_euclidean_m", "trees_within_radius")
    per_area = aggregate(values.drop(columns=["buurt_canopy_share"]), addresses, region.areas,
                         medians=medians)
    per_area.insert(3, "canopy_share", canopy_by_area.reindex(per_area["code"]).to_numpy())
    per_area["meets_30_canopy_area"] = per_area["canopy_share"] >= 0.30
    per_area["network_degraded"] = degraded
    area_geom = region.areas.set_index("code").geometry.reindex(per_area["code"])
    per_area.insert(1, "name", region.areas.set_index("code")["name"].reindex(
        per_area["code"]).to_numpy())
    areas_out = gpd.GeoDataFrame(per_area, geometry=np.asarray(area_geom.array), crs=CRS)
    addr_out = gpd.GeoDataFrame(
        {
            "address_id": addresses["address_id"].to_numpy(),
            "buurt": addresses["buurt"].to_numpy(),
            "residents": addresses["residents"].to_numpy(),
            "green_id": near.green_id(entries),
            "green_euclidean_id": eu_id,
            **{c: values[c].to_numpy() for c in values.columns},
            "snap_m": snap.snap_m,
            "network_degraded": np.full(len(addresses), degraded),
        },
        geometry=points, crs=CRS,
    )
    address_quality, area_quality = access_quality(region, areas_out["code"])
    areas_out["quality"] = area_quality.to_numpy()
    addr_out["quality"] = address_quality
    not_computable = access_not_computable(region)
    for frame in (areas_out, addr_out):  # empty, never 0 % (e.g. canopy without land cover)
        for col in sorted(set(not_computable) & set(frame.columns)):
            frame[col] = np.nan
    top = per_area[per_area["level"] == "region"]
    summary = {
        "addresses": len(addresses),
        "residents": float(residents.sum()),
        "green_spaces_counted": int(entries.n_greens),
        "green_spaces_without_entry": int(entries.n_greens - len(np.unique(entries.green))),
        "entries": len(entries),
        "options": opts.model_dump(),
        "network_degraded": degraded,
        "network_degraded_reasons": quality.degraded_reasons(),
        "network_quality": quality.figures(),
        "quality": address_quality,
        "not_computable": {k: v.model_dump() for k, v in not_computable.items()},
    }
    if len(top):
        row = top.iloc[0]
        for key in ("within_300m_network", "within_300m_euclidean", "meets_3_trees",
                    "meets_30_canopy", "meets_300_green", "meets_3_30_300",
                    "green_network_m", "green_euclidean_m", "supply_m2_per_inhabitant",
                    "green_m2_per_inhabitant_500m", "meets_green_norm_500m"):
            summary[key] = np.nan if key in not_computable else float(row[key])
    say("done", 1.0)
    return AccessResult(addr_out, areas_out, summary, opts)


def summary_rows(result: AccessResult) -> list[tuple[str, str, str]]:
    """(measure, value, note) rows for a summary table."""
    s = result.summary
    o = result.options
    missing: dict[str, dict[str, Any]] = s.get("not_computable", {})
    flag = "" if s.get("quality", "real") in ("real", "derived") else f" [{s['quality']}]"

    def pct(key: str) -> str:
        if key in missing:
            return f"{NOT_COMPUTABLE}: {missing[key]['reason']}"
        return "-" if key not in s or np.isnan(s[key]) else f"{100 * s[key]:.1f} %{flag}"

    def metres(key: str) -> str:
        if key in missing:
            return f"{NOT_COMPUTABLE}: {missing[key]['reason']}"
        return "-" if key not in s or not np.isfinite(s[key]) else f"{s[key]:,.0f} m{flag}"

    def m2(key: str) -> str:
        if key in missing:
            return f"{NOT_COMPUTABLE}: {missing[key]['reason']}"
        return "-" if key not in s or not np.isfinite(s[key]) else f"{s[key]:,.1f} m²{flag}"

    degraded = bool(s.get("network_degraded", False))

    def net(note: str) -> str:
        """Notes of figures made over the network carry the degraded-network flag."""
        if not degraded:
            return note
        return (note + "; " if note else "") + "FLAGGED: degraded walking network"

    rows = [
        ("addresses / residents", f"{s['addresses']:,} / {s['residents']:,.0f}", ""),
        ("green spaces counted", f"{s['green_spaces_counted']:,}",
         f"public, ≥ {o.min_size_ha:g} ha; {s['green_spaces_without_entry']} without entry"),
        (f"residents within {o.distance_m:g} m (network)", pct("within_300m_network"),
         net("WHO indicator, walking distance"
             + (" from the front door" if o.doorstep else " from the street"))),
        (f"residents within {o.distance_m:g} m (straight line)", pct("within_300m_euclidean"),
         "circle method"),
        ("median distance (network)", metres("green_network_m"), net("")),
        ("median distance (straight line)", metres("green_euclidean_m"), ""),
        ("3 trees seen from home", pct("meets_3_trees"),
         f"within {o.tree_radius_m:g} m (assumption)"),
        ("30 % canopy in the buurt", pct("meets_30_canopy"), ""),
        ("300 m to public green", pct("meets_300_green"), net("")),
        ("all of 3-30-300", pct("meets_3_30_300"), net("")),
        ("green per inhabitant (2SFCA)", m2("supply_m2_per_inhabitant"),
         net(f"{o.supply_radius_m:g} m, {o.supply_decay}")),
        ("green per inhabitant within 500 m", m2("green_m2_per_inhabitant_500m"),
         net("region mean = counted green / residents (2SFCA conserves supply)")),
        (f"residents with ≥ {o.green_norm_m2:g} m² within 500 m", pct("meets_green_norm_500m"),
         net("InVEST norm, to be checked")),
    ]
    q = s.get("network_quality")
    if q:
        rows += [
            ("walking network: residents in the main component",
             "-" if np.isnan(q["main_component_residents_share"])
             else f"{100 * q['main_component_residents_share']:.1f} %",
             f"{q['components']:,.0f} components; "
             f"{100 * q['main_component_nodes_share']:.1f} % of the nodes"),
            ("walking network: walk from home to street",
             "-" if np.isnan(q["snap_p50_m"]) else f"{q['snap_p50_m']:,.0f} m",
             f"median; p90 {q['snap_p90_m']:,.0f} m, p99 {q['snap_p99_m']:,.0f} m, "
             f"max {q['snap_max_m']:,.0f} m"),
            ("residents with no route to green",
             "-" if np.isnan(q["no_green_residents_share"])
             else f"{100 * q['no_green_residents_share']:.1f} %", net("over the network")),
        ]
    return rows


def write_access(result: AccessResult, out_dir: Path) -> tuple[Path, Path]:
    """Write ``access_addresses.parquet`` and ``access_areas.parquet`` (GeoParquet) atomically.

    Returns
    -------
    (Path, Path)
        The two files written.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = (out / ADDRESSES_FILE, out / AREAS_FILE)
    for frame, path in zip((result.addresses, result.areas), paths, strict=True):
        with atomic_file(path) as tmp:
            frame.to_parquet(tmp, index=False, compression="zstd")
    return paths
