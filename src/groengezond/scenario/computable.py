"""What a Planner result rests on: the region's quality flags and the figures it cannot compute.

A region carries a quality record per layer (``RegionMeta.quality``,
:mod:`groengezond.region.quality`). The Planner passes every layer that is a *placeholder* or
*missing* on to its result, naming the result fields that rest on it
(:func:`quality_flags`), and turns a missing input into
:class:`~groengezond.region.quality.NotComputable` figures rather than zeros
(:func:`not_computable`):

- without land cover (no raster, or its record says *missing*; for a region that is not
  synthetic an absent record counts as missing too), the focal exposures (green share, NDVI,
  canopy), the summer air temperature, the pathways that rest on them (greenness and
  mortality, greenness and depression, heat), their totals, the money and the benefit-cost
  ratio, and the health gap cannot be computed;
- canopy is unknown when the land cover is missing, when a ``canopy`` (or ``trees``) record
  says *missing*, or when the land cover of a real region holds no ``trees`` cell at all (a
  source without a tree class): ``d_canopy_300m_pp`` is then not computable, never 0 %.
"""

from __future__ import annotations

import numpy as np

from groengezond.region.model import Region
from groengezond.region.quality import NotComputable
from groengezond.scenario.result import QualityFlagOut

LANDCOVER_PATHWAYS: tuple[str, ...] = ("green_mortality", "green_depression", "heat_mortality")
"""Pathways whose exposure comes from the land cover (NDVI proxy, cooling model)."""

LANDCOVER_FIGURES: tuple[str, ...] = (
    "exposures.d_green_share_300m_pp", "exposures.d_green_share_500m_pp",
    "exposures.d_green_share_1000m_pp", "exposures.d_ndvi_500m", "exposures.d_canopy_300m_pp",
    "exposures.d_t_air_c", "exposures.max_cooling_c",
    *(f"pathways.{p}" for p in LANDCOVER_PATHWAYS),
    "totals", "money", "costs.benefit_cost_ratio", "equity")
"""Result fields that rest on the land cover."""

LAYER_FIGURES: dict[str, tuple[str, ...]] = {
    "areas": ("buurten", "equity", "equity.access"),
    "addresses": ("exposures", "buurten", "pathways", "totals", "money", "equity",
                  "costs.benefit_cost_ratio"),
    "network": ("exposures.within_300m_before", "exposures.within_300m_after",
                "exposures.within_300m_straight_before", "exposures.green_m2_per_inhabitant",
                "exposures.addresses_closer", "equity.access"),
    "green": ("exposures.within_300m_before", "exposures.within_300m_after",
              "exposures.within_300m_straight_before", "exposures.green_m2_per_inhabitant",
              "equity.access"),
    "landcover": LANDCOVER_FIGURES,
    "trees": ("exposures.d_trees_near",),
    "indicators": ("equity", "pathways.green_depression", "pathways.green_mortality"),
}
"""Result fields that rest on each layer of the region."""


def landcover_status(region: Region) -> str:
    """``real``/``derived``/``placeholder`` from the record, or ``missing`` (see module)."""
    rec = region.meta.quality.get("landcover")
    if region.landcover is None:
        return "missing"
    if rec is not None:
        return rec.status
    return "derived" if region.meta.synthetic else "missing"


def quality_flags(region: Region) -> list[QualityFlagOut]:
    """The region's placeholder and missing layers with the result fields resting on them."""
    out: list[QualityFlagOut] = []
    for layer, rec in sorted(region.meta.quality.items()):
        if rec.usable:
            continue
        out.append(QualityFlagOut(layer=layer, status=rec.status, reason=rec.reason,
                                  key=rec.key, figures=list(LAYER_FIGURES.get(layer, ()))))
    if landcover_status(region) == "missing" and "landcover" not in region.meta.quality:
        out.append(QualityFlagOut(
            layer="landcover", status="missing", key="landcover.missing",
            reason="the region has no land-cover raster" if region.landcover is None else
            "the land cover has no quality record", figures=list(LANDCOVER_FIGURES)))
    return out


def not_computable(region: Region) -> dict[str, NotComputable]:
    """Result fields that cannot be computed on ``region``, with the reason (empty: all can)."""
    out: dict[str, NotComputable] = {}
    if landcover_status(region) == "missing":
        rec = region.meta.quality.get("landcover")
        reason = (rec.reason if rec is not None and rec.reason else
                  "the region has no land-cover raster" if region.landcover is None else
                  "the land cover has no quality record")
        nc = NotComputable(key="landcover.missing",
                           reason=f"no land cover: {reason}; greenness, NDVI, canopy and "
                                  "temperature around homes are unknown",
                           missing=["landcover"])
        for field in LANDCOVER_FIGURES:
            out[field] = nc
        return out
    canopy = region.meta.quality.get("canopy") or region.meta.quality.get("trees")
    trees_code = [c for c, n in region.meta.landcover_classes.items() if n == "trees"]
    lc = region.landcover
    no_trees = (not region.meta.synthetic and lc is not None
                and (not trees_code or not np.any(lc.classes == int(trees_code[0]))))
    if (canopy is not None and canopy.status == "missing") or no_trees:
        out["exposures.d_canopy_300m_pp"] = NotComputable(
            key="canopy.missing",
            reason="tree canopy is unknown: the land cover holds no tree class"
            if no_trees else f"tree canopy is unknown: {canopy.reason if canopy else ''}",
            missing=["canopy"])
    return out


__all__ = ["LANDCOVER_PATHWAYS", "landcover_status", "not_computable", "quality_flags"]
