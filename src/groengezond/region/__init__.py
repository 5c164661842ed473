"""The Region data model, its store (GeoParquet + region.json) and its validation."""

from groengezond.region.model import Landcover, Region, RegionMeta, Source
from groengezond.region.store import read_region, write_region

__all__ = ["Landcover", "Region", "RegionMeta", "Source", "read_region", "write_region"]
