"""The synthetic region generator: a plausible, wholly invented region to work with.

``generate_region(inhabitants, seed)`` returns a :class:`~groengezond.region.model.Region` with
gemeenten, wijken and buurten, a walking network cut by a motorway, a railway and a river,
buildings with addresses and households, green spaces and trees, a land-cover raster and
per-buurt health indicators for 2012-2022. Nothing in it is real and its metadata says so
(``synthetic: true``). See ``docs/synthetic.md`` for how it is made.
"""

from groengezond.synth.generator import generate_region, summary

__all__ = ["generate_region", "summary"]
