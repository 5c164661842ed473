"""Public test helpers: a tiny hand-made region and an equality assertion for regions.

Like ``geopandas.testing``: other packages' and our own tests build on these.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from shapely.geometry import LineString, Point, box

from groengezond.region.model import Landcover, Region, RegionMeta, Source
from groengezond.region.schema import CRS, LAYERS

TINY_ORIGIN = (140_000.0, 455_000.0)
"""Lower-left corner (RD New, m) of the tiny region."""


def tiny_region() -> Region:
    """Return a small valid region: 1 gemeente, 1 wijk, 2 buurten of 500 m × 500 m each.

    The layers are: a 3 × 2 grid street network with 100 m... 500 m blocks, four addresses,
    two buildings, two green spaces (one public park of 2 ha, one private allotment), three
    trees and a 10 m land-cover raster over the whole territory.
    """
    x0, y0 = TINY_ORIGIN
    b1 = box(x0, y0, x0 + 500, y0 + 500)
    b2 = box(x0 + 500, y0, x0 + 1000, y0 + 500)
    whole = box(x0, y0, x0 + 1000, y0 + 500)
    areas = gpd.GeoDataFrame(
        {
            "code": ["NL9999", "GM9999", "WK999901", "BU99990101", "BU99990102"],
            "name": ["Tiny region", "Tinystad", "Centrum", "Oost", "West"],
            "level": ["region", "gemeente", "wijk", "buurt", "buurt"],
            "parent": [None, "NL9999", "GM9999", "WK999901", "WK999901"],
            "inhabitants": np.array([10, 10, 10, 6, 4], dtype="int64"),
        },
        geometry=[whole, whole, whole, b1, b2],
        crs=CRS,
    )
    addresses = gpd.GeoDataFrame(
        {
            "address_id": np.arange(4, dtype="int64"),
            "buurt": ["BU99990101", "BU99990101", "BU99990102", "BU99990102"],
            "residents": np.array([3, 3, 2, 2], dtype="int64"),
            "income_decile": np.array([2, 3, 8, 9], dtype="int64"),
        },
        geometry=[Point(x0 + 100, y0 + 100), Point(x0 + 300, y0 + 120),
                  Point(x0 + 600, y0 + 400), Point(x0 + 900, y0 + 300)],
        crs=CRS,
    )
    buildings = gpd.GeoDataFrame(
        {
            "building_id": np.array([1, 2], dtype="int64"),
            "height_m": [9.0, 15.0],
            "dwellings": np.array([2, 2], dtype="int64"),
        },
        geometry=[box(x0 + 90, y0 + 90, x0 + 110, y0 + 110),
                  box(x0 + 590, y0 + 390, x0 + 610, y0 + 410)],
        crs=CRS,
    )
    green = gpd.GeoDataFrame(
        {
            "green_id": np.array([1, 2], dtype="int64"),
            "kind": ["park", "allotment"],
            "public": [True, False],
            "area_ha": [2.0, 0.5],
        },
        geometry=[box(x0 + 700, y0 + 0, x0 + 900, y0 + 100),
                  box(x0 + 200, y0 + 400, x0 + 300, y0 + 450)],
        crs=CRS,
    )
    trees = gpd.GeoDataFrame(
        {"tree_id": np.arange(3, dtype="int64"), "crown_diameter_m": [6.0, 8.0, 5.0]},
        geometry=[Point(x0 + 120, y0 + 100), Point(x0 + 650, y0 + 250), Point(x0 + 800, y0 + 50)],
        crs=CRS,
    )
    xs = [x0, x0 + 500, x0 + 1000]
    ys = [y0, y0 + 500]
    coords = [(x, y) for y in ys for x in xs]
    nodes = gpd.GeoDataFrame({"node_id": np.arange(len(coords), dtype="int64")},
                             geometry=[Point(c) for c in coords], crs=CRS)
    pairs = [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)]
    lines = [LineString([coords[u], coords[v]]) for u, v in pairs]
    edges = gpd.GeoDataFrame(
        {
            "edge_id": np.arange(len(pairs), dtype="int64"),
            "u": np.array([u for u, _ in pairs], dtype="int64"),
            "v": np.array([v for _, v in pairs], dtype="int64"),
            "length_m": [line.length for line in lines],
        },
        geometry=lines,
        crs=CRS,
    )
    classes = np.full((50, 100), 2, dtype=np.uint8)
    classes[40:50, 70:90] = 3
    classes[5:10, 20:30] = 6
    landcover = Landcover(classes, Affine(10.0, 0.0, x0, 0.0, -10.0, y0 + 500))
    meta = RegionMeta(
        name="Tiny test region",
        years=[2020],
        synthetic=True,
        sources=[Source(name="groengezond tiny test region", licence="EUPL-1.2",
                        attribution="Hand-made test data; nothing in it is real")],
    )
    indicators = pd.DataFrame(
        {
            "area_code": ["BU99990101", "BU99990102"],
            "indicator": ["perceived_health_good_pct", "perceived_health_good_pct"],
            "year": np.array([2020, 2020], dtype="int64"),
            "value": [70.0, 80.0],
            "lower": [65.0, 75.0],
            "upper": [75.0, 85.0],
            "source": ["synthetic", "synthetic"],
        }
    )
    return Region(meta=meta, areas=areas, indicators=indicators, addresses=addresses,
                  buildings=buildings, green=green, trees=trees, network_nodes=nodes,
                  network_edges=edges, landcover=landcover)


def assert_region_equal(left: Region, right: Region) -> None:
    """Raise AssertionError unless both regions hold the same metadata, layers and raster."""
    from geopandas.testing import assert_geodataframe_equal

    assert left.meta == right.meta, f"meta differs: {left.meta!r} != {right.meta!r}"
    for layer in LAYERS:
        a, b = left.layer(layer.name), right.layer(layer.name)
        if layer.is_spatial:
            assert_geodataframe_equal(gpd.GeoDataFrame(a).reset_index(drop=True),
                                      gpd.GeoDataFrame(b).reset_index(drop=True),
                                      check_less_precise=False, normalize=False)
        else:
            pd.testing.assert_frame_equal(pd.DataFrame(a).reset_index(drop=True),
                                          pd.DataFrame(b).reset_index(drop=True))
    if left.landcover is None or right.landcover is None:
        assert left.landcover is right.landcover, "one region has a land-cover raster, one not"
    else:
        assert left.landcover.equals(right.landcover), "land-cover rasters differ"
