"""Quality records: what each layer of a region, and each figure made from it, rests on.

Every layer of a region carries a :class:`LayerQuality` in ``region.json`` (``quality``):
whether it is *real* (read from a published source as it is), *derived* (computed from real
inputs by a documented rule, e.g. land cover rasterised from OSM polygons), a *placeholder*
(stands in for data that is missing, e.g. a buurt carrying its wijk's polygon) or *missing*.
Figures computed from a layer inherit the worst status of their inputs (:func:`worst`), and a
figure that cannot be computed at all says so with a reason, never as 0
(:class:`NotComputable`).

Areas carry their own geometry's status in the column ``geometry_quality`` (see
:func:`geometry_quality_of`): *real* for an area drawn from its own polygon, *derived* for a
union of its children's polygons, *placeholder* for an area that carries its parent's polygon.
A synthetic region's areas are *real* within the synthetic world (every buurt has its own
generated polygon); that the whole region is invented is said once, by ``synthetic: true``.

:func:`assess_layers` gives a default record for every layer from what the layers hold;
:func:`set_layer_quality` sets one layer's record (for importers that know more, e.g. the
network's component figures), leaving the other layers' records untouched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from groengezond.region.model import Region

QualityStatus = Literal["real", "derived", "placeholder", "missing"]
"""The four quality levels, from best to worst."""

ORDER: dict[str, int] = {"real": 0, "derived": 1, "placeholder": 2, "missing": 3}
"""Rank of each status; a higher rank is worse."""


class LayerQuality(BaseModel):
    """The quality of one layer (or of one figure made from layers).

    Attributes
    ----------
    status : {"real", "derived", "placeholder", "missing"}
        See the module docstring.
    reason : str
        Why, in one English sentence for logs and docs; the UI words the status itself.
    key : str or None
        A stable message key for the UI (e.g. ``network.degraded``), when the reason has one.
    figures : dict of str to float
        Measurements behind the status (e.g. ``main_component_residents_share``: 0.73).
    """

    model_config = ConfigDict(extra="forbid")

    status: QualityStatus
    reason: str = ""
    key: str | None = None
    figures: dict[str, float] = Field(default_factory=dict)

    @property
    def usable(self) -> bool:
        """True when a figure may be presented as resting on data (real or derived)."""
        return self.status in ("real", "derived")


def worst(statuses: Iterable[str]) -> QualityStatus:
    """The worst of several statuses (``real`` when none are given).

    Raises
    ------
    KeyError
        For a text that is not one of the four statuses.

    Examples
    --------
    >>> worst(["real", "placeholder", "derived"])
    'placeholder'
    """
    out: QualityStatus = "real"
    for status in statuses:
        if ORDER[status] > ORDER[out]:
            out = _BY_RANK[ORDER[status]]
    return out


_BY_RANK: dict[int, QualityStatus] = {0: "real", 1: "derived", 2: "placeholder", 3: "missing"}


class NotComputable(BaseModel):
    """A figure that cannot be computed, with the reason (never published as 0).

    Attributes
    ----------
    key : str
        Stable message key for the UI, e.g. ``landcover.missing``.
    reason : str
        What is missing, in one English sentence (CLI and logs).
    missing : list of str
        The inputs that are missing (layer names or indicator ids).
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    reason: str
    missing: list[str] = Field(default_factory=list)


LAYER_NAMES: tuple[str, ...] = ("areas", "indicators", "addresses", "buildings", "green",
                                "trees", "network", "landcover")
"""Layers that carry a quality record (``network`` covers nodes and edges)."""

PLURAL: dict[str, str] = {"buurt": "buurten", "wijk": "wijken", "gemeente": "gemeenten",
                          "region": "regio's"}
"""Dutch plural of each area level, for messages."""

GEOMETRY_QUALITY = "geometry_quality"
"""Column of ``areas`` holding each area's geometry status (real / derived / placeholder)."""


def geometry_quality_of(geometry_source: str | None) -> QualityStatus:
    """The geometry status of an area from its ``geometry_source``.

    ``boundary`` (its own polygon) is *real*; ``union of ...`` or ``boundary and ...`` (made
    from its children's polygons) is *derived*; ``placeholder:<level>`` (its parent's polygon)
    is a *placeholder*. An area without a recorded source (a synthetic or hand-made region)
    is *real*.

    Examples
    --------
    >>> geometry_quality_of("placeholder:wijk")
    'placeholder'
    >>> geometry_quality_of("union of buurten")
    'derived'
    """
    if geometry_source is None or not isinstance(geometry_source, str) or not geometry_source:
        return "real"
    if geometry_source.startswith("placeholder"):
        return "placeholder"
    if geometry_source == "boundary":
        return "real"
    return "derived"


def area_geometry_quality(areas: pd.DataFrame) -> pd.Series:
    """Geometry status per area: the ``geometry_quality`` column, else from ``geometry_source``.

    Regions written before the column existed get it from ``geometry_source``; areas without
    either are *real* (see :func:`geometry_quality_of`). The index is that of ``areas``.
    """
    if GEOMETRY_QUALITY in areas.columns:
        return areas[GEOMETRY_QUALITY].fillna("real").astype(str)
    if "geometry_source" in areas.columns:
        return areas["geometry_source"].map(geometry_quality_of).astype(str)
    return pd.Series("real", index=areas.index, dtype=object)


def _areas_record(areas: pd.DataFrame) -> LayerQuality:
    status = area_geometry_quality(areas)
    figures: dict[str, float] = {}
    parts = []
    for level in ("buurt", "wijk", "gemeente"):
        at = status[(areas["level"] == level).to_numpy()]
        for kind in ("derived", "placeholder"):
            n = int((at == kind).sum())
            if n:
                figures[f"{kind}_{level}"] = float(n)
                parts.append(f"{n} of {len(at)} {PLURAL[level]} {kind}")
    overall = worst(status.tolist()) if len(status) else "missing"
    if overall == "placeholder":
        reason = ("Some areas carry their parent's polygon as a placeholder (" + "; ".join(parts)
                  + "): maps and spatial figures for them are not real.")
        return LayerQuality(status="placeholder", reason=reason, key="areas.placeholder",
                            figures=figures)
    if overall == "derived":
        return LayerQuality(status="derived", key="areas.derived", figures=figures,
                            reason="Every buurt has its own polygon; " + "; ".join(parts)
                            + " (unions of their children's polygons).")
    if overall == "missing":
        return LayerQuality(status="missing", reason="The region has no areas.",
                            key="areas.missing")
    return LayerQuality(status="real", reason="Every area has its own polygon.")


def _addresses_record(addresses: pd.DataFrame) -> LayerQuality:
    if len(addresses) == 0:
        return LayerQuality(status="missing", key="addresses.missing",
                            reason="No addresses: residents are not placed, so figures per "
                                   "address and access to green cannot be computed.")
    how = (addresses["placement"].astype(str).value_counts()
           if "placement" in addresses.columns else pd.Series(dtype="int64"))
    lattice = int(how.get("lattice", 0))
    if lattice:
        return LayerQuality(status="placeholder", key="addresses.lattice",
                            figures={"lattice_points": float(lattice)},
                            reason=f"{lattice:,} of {len(addresses):,} address points are a "
                                   "regular lattice inside each buurt, not real addresses: "
                                   "distances from them are indicative only.")
    volume = int(how.get("building_volume", 0))
    if volume:
        return LayerQuality(status="derived", key="addresses.building_volume",
                            figures={"building_points": float(volume)},
                            reason="Each buurt's residents are shared over its residential "
                                   "buildings in proportion to their volume.")
    return LayerQuality(status="real", reason="Residents are placed at the points given.")


_CONSEQUENCE: dict[str, str] = {
    "buildings": "building heights, shade and 3D views are not available",
    "green": "access to green (300 m, 3-30-300, green per inhabitant) cannot be computed",
    "trees": "the '3 trees' and canopy parts of 3-30-300 cannot be computed",
    "network": "only straight-line distances can be computed",
    "landcover": "green share, NDVI proxy and cooling cannot be computed",
}


def assess_layers(region: Region) -> dict[str, LayerQuality]:
    """A default quality record for every layer of ``region``, from what the layers hold.

    Areas from their ``geometry_quality``; addresses from their ``placement`` (a lattice is a
    placeholder, a share over building volumes is derived); empty layers are *missing* with
    what cannot be computed without them; other layers present are *real*. A synthetic
    region's layers are *real* within the synthetic world (see the module docstring).

    Parameters
    ----------
    region : Region
        The region to assess.

    Returns
    -------
    dict of str to LayerQuality
        One record per name of :data:`LAYER_NAMES`.
    """
    synthetic = region.meta.synthetic
    generated = ("Generated by the synthetic region generator: real within the synthetic world "
                 "(the region as a whole is flagged synthetic).")
    out: dict[str, LayerQuality] = {"areas": _areas_record(region.areas)}
    if len(region.indicators) == 0:
        out["indicators"] = LayerQuality(status="missing", key="indicators.missing",
                                         reason="No indicator values: the Monitor has nothing "
                                                "to show.")
    else:
        sources = sorted(str(s) for s in region.indicators["source"].dropna().unique())
        reason = generated if synthetic else (
            "Values as published by their sources: " + "; ".join(sources[:5])
            + ("; ..." if len(sources) > 5 else "") + ".")
        out["indicators"] = LayerQuality(status="real", reason=reason,
                                         figures={"rows": float(len(region.indicators))})
    out["addresses"] = _addresses_record(region.addresses)
    if synthetic and out["addresses"].status == "real":
        out["addresses"] = out["addresses"].model_copy(update={"reason": generated})
    sizes = {"buildings": len(region.buildings), "green": len(region.green),
             "trees": len(region.trees), "network": len(region.network_edges),
             "landcover": 0 if region.landcover is None else 1}
    for name, n in sizes.items():
        if n == 0:
            out[name] = LayerQuality(status="missing", key=f"{name}.missing",
                                     reason=f"No {name} layer: {_CONSEQUENCE[name]}.")
        else:
            figures = {"rows": float(n)} if name != "landcover" else {}
            out[name] = LayerQuality(status="real", figures=figures,
                                     reason=generated if synthetic else "Read from its source.")
    return out


def merge_records(known: Mapping[str, LayerQuality], defaults: Mapping[str, LayerQuality]
                  ) -> dict[str, LayerQuality]:
    """Records of ``known`` where set, ``defaults`` for the other layers (known ones win)."""
    return {**dict(defaults), **dict(known)}


def set_layer_quality(region: Region, layer: str, record: LayerQuality) -> Region:
    """A copy of ``region`` whose ``meta.quality[layer]`` is ``record``; others untouched.

    For importers and build steps that know more about one layer than
    :func:`assess_layers` does (e.g. the network's component and snapping figures).

    Examples
    --------
    >>> region = set_layer_quality(region, "network", LayerQuality(  # doctest: +SKIP
    ...     status="placeholder", reason="cycleways only", key="network.degraded"))
    """
    quality = {**region.meta.quality, layer: record}
    return region.with_layers(meta=region.meta.model_copy(update={"quality": quality}))


def region_quality(region: Region) -> dict[str, LayerQuality]:
    """Every layer's record: ``region.meta.quality`` where set, :func:`assess_layers` for others.

    Regions written before quality records existed (or records some layers lack) are assessed
    from their layers, so outputs never present a placeholder layer as real for want of a
    record.
    """
    return merge_records(region.meta.quality, assess_layers(region))
