"""The Region: the one data model every part of groengezond works on.

A :class:`Region` holds the areas (buurt ⊂ wijk ⊂ gemeente ⊂ region), indicator values in long
form, addresses with residents, buildings, green spaces, trees, the walking network, barriers and
a land-cover raster, all in EPSG:28992 (RD New, metres), plus its metadata
(:class:`RegionMeta`). It is an immutable container: computations return new frames, they never
edit a region in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from affine import Affine
from pydantic import BaseModel, ConfigDict, Field

from groengezond.region.quality import LayerQuality
from groengezond.region.schema import CRS, LANDCOVER_CLASSES, LAYER_BY_NAME, LAYERS, Layer


class Source(BaseModel):
    """A data source with its licence and the attribution it requires."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    licence: str
    attribution: str
    url: str | None = None


class RegionMeta(BaseModel):
    """The contents of ``region.json``.

    Attributes
    ----------
    name : str
        Name of the region.
    crs : str
        CRS of every layer; always ``EPSG:28992``.
    years : list of int
        Years for which indicator values exist.
    synthetic : bool
        True when nothing in the region is real (generated data).
    sources : list of Source
        Sources with licence and attribution; carried into every export.
    notes : list of str
        Free-text notes: how the region was made, caveats, choices (e.g. how residents were
        placed).
    landcover_classes : dict of int to str
        Land-cover class table (uint8 code -> class name).
    generator : dict
        Parameters that made the region (seed, inhabitants, version), for reproducibility.
    quality : dict of str to LayerQuality
        Quality record per layer (``areas``, ``indicators``, ``addresses``, ``buildings``,
        ``green``, ``trees``, ``network``, ``landcover``, ...): real / derived / placeholder /
        missing, with the reason (see :mod:`groengezond.region.quality`). Empty for regions
        written before quality records existed.
    """

    model_config = ConfigDict(extra="allow")

    name: str
    crs: str = CRS
    years: list[int] = Field(default_factory=list)
    synthetic: bool
    sources: list[Source] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    landcover_classes: dict[int, str] = Field(default_factory=lambda: dict(LANDCOVER_CLASSES))
    generator: dict[str, Any] = Field(default_factory=dict)
    quality: dict[str, LayerQuality] = Field(default_factory=dict)


@dataclass(frozen=True)
class Landcover:
    """A land-cover raster: uint8 classes on a regular grid in RD New.

    Parameters
    ----------
    classes : numpy.ndarray of uint8, shape (rows, cols)
        Class code per cell (see :data:`~groengezond.region.schema.LANDCOVER_CLASSES`).
    transform : affine.Affine
        Maps (col, row) to RD New x, y (m) of the cell's upper-left corner.
    """

    classes: npt.NDArray[np.uint8]
    transform: Affine

    @property
    def cell_size_m(self) -> float:
        """Width of one cell (m)."""
        return float(self.transform.a)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) of the raster in RD New (m)."""
        rows, cols = self.classes.shape
        x0, y0 = self.transform @ (0, 0)
        x1, y1 = self.transform @ (cols, rows)
        return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    def equals(self, other: Landcover) -> bool:
        """True when both rasters have the same cells and transform."""
        return bool(
            self.classes.shape == other.classes.shape
            and np.array_equal(self.classes, other.classes)
            and self.transform.almost_equals(other.transform)
        )


def empty_layer(layer: Layer) -> pd.DataFrame:
    """Return an empty frame with the key columns of ``layer`` (a GeoDataFrame if spatial)."""
    dtypes = {"str": "object", "int": "int64", "float": "float64", "bool": "bool"}
    frame = pd.DataFrame({c.name: pd.Series([], dtype=dtypes[c.kind]) for c in layer.columns})
    if layer.is_spatial:
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=CRS), crs=CRS)
    return frame


_L = LAYER_BY_NAME


@dataclass(frozen=True)
class Region:
    """A region: its metadata, its layers and its land-cover raster.

    Every spatial layer is a :class:`geopandas.GeoDataFrame` in EPSG:28992; ``indicators`` is a
    plain DataFrame in long form. Column names are those of
    :mod:`groengezond.region.schema`; layers may carry more columns.
    """

    meta: RegionMeta
    areas: gpd.GeoDataFrame
    indicators: pd.DataFrame = field(default_factory=partial(empty_layer, _L["indicators"]))
    addresses: gpd.GeoDataFrame = field(default_factory=partial(empty_layer, _L["addresses"]))
    buildings: gpd.GeoDataFrame = field(default_factory=partial(empty_layer, _L["buildings"]))
    green: gpd.GeoDataFrame = field(default_factory=partial(empty_layer, _L["green"]))
    trees: gpd.GeoDataFrame = field(default_factory=partial(empty_layer, _L["trees"]))
    network_nodes: gpd.GeoDataFrame = field(
        default_factory=partial(empty_layer, _L["network_nodes"]))
    network_edges: gpd.GeoDataFrame = field(
        default_factory=partial(empty_layer, _L["network_edges"]))
    barriers: gpd.GeoDataFrame = field(default_factory=partial(empty_layer, _L["barriers"]))
    landcover: Landcover | None = None

    def layer(self, name: str) -> pd.DataFrame:
        """Return the layer called ``name`` (see :data:`~groengezond.region.schema.LAYERS`)."""
        frame: pd.DataFrame = getattr(self, name)
        return frame

    def with_layers(self, **layers: Any) -> Region:
        """Return a copy with some layers (or ``meta``/``landcover``) replaced."""
        return replace(self, **layers)

    def areas_at(self, level: str) -> gpd.GeoDataFrame:
        """Areas of one level (``buurt``, ``wijk``, ``gemeente`` or ``region``)."""
        return self.areas[self.areas["level"] == level]

    @property
    def inhabitants(self) -> int:
        """Total residents of the region (persons), from the region-level area or the buurten."""
        top = self.areas_at("region")
        if len(top):
            return int(top["inhabitants"].sum())
        return int(self.areas_at("buurt")["inhabitants"].sum())

    def counts(self) -> dict[str, int]:
        """Number of rows per layer, areas per level and land-cover cells."""
        out: dict[str, int] = {layer.name: len(self.layer(layer.name)) for layer in LAYERS}
        for level in ("buurt", "wijk", "gemeente"):
            out[f"areas_{level}"] = int((self.areas["level"] == level).sum())
        out["landcover_cells"] = 0 if self.landcover is None else int(self.landcover.classes.size)
        return out
