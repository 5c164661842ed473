"""What a build reports: counts, warnings, notes, missing layers and their consequences.

Shared by :mod:`groengezond.services.build` and its steps (:mod:`.build_areas`,
:mod:`.build_layers`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from groengezond.region.model import Source

Progress = Callable[[str, float], None]

CONSEQUENCES: dict[str, str] = {
    "health": "no health indicators: baseline health, health gaps and health impacts of "
              "scenarios cannot be computed",
    "green": "no green spaces: access to green (300 m, 3-30-300 park rule, green per "
             "inhabitant) cannot be computed",
    "trees": "no trees: the '3 trees' and canopy parts of 3-30-300 cannot be computed",
    "network": "no walking network: only straight-line distances can be computed",
    "buildings": "no buildings: residents cannot be placed at buildings, and building heights, "
                 "shade and 3D views are not available",
    "landcover": "no land cover: green share, NDVI, canopy and cooling (and the Planner's "
                 "pathways resting on them) cannot be computed",
}
"""What cannot be computed without each optional layer."""

ALWAYS = ("inhabitants and CBS key figures per buurt, wijk and gemeente (maps, rankings, "
          "trends between the KWB years given)")

DEFAULT_SOURCES = {
    "boundaries": ("CBS/Kadaster wijk- en buurtkaart", "CC BY 4.0", "Bron: CBS/Kadaster (PDOK)"),
    "small_area": ("RIVM small-area health estimates", "CC BY 4.0", "Bron: RIVM"),
    "statline": ("Gezondheidsmonitor (GGD'en, CBS, RIVM)", "CC BY 4.0",
                 "Bron: Gezondheidsmonitor, GGD'en, CBS en RIVM"),
    "rivm_50090": ("RIVM Gezondheid per wijk en buurt (StatLine 50090NED)",
                   "RIVM open data, reuse with attribution",
                   "Bron: Gezondheidsmonitor Volwassenen en Ouderen, GGD'en, CBS en RIVM"),
    "osm": ("OpenStreetMap", "ODbL 1.0", "© OpenStreetMap contributors"),
    "buildings": ("3DBAG", "CC BY 4.0", "© 3DBAG by tudelft3d and 3DGI (BAG, AHN: Kadaster, "
                                        "Rijkswaterstaat)"),
    "bag": ("Basisregistratie Adressen en Gebouwen (BAG)", "CC0 1.0", "Bron: Kadaster, BAG"),
    "ndvi": ("Sentinel-2 NDVI per gemeente", "Copernicus open licence; CC BY 4.0 (CBS)",
             "Contains modified Copernicus Sentinel data; Bron: CBS"),
}


@dataclass
class BuildReport:
    """What a build did.

    Attributes
    ----------
    name : str
        Region name.
    counts : dict of str to int
        Rows per layer and areas per level.
    years : list of int
        Years with indicator values.
    warnings : list of str
        Every warning of every importer and of the joins.
    notes : list of str
        Choices and caveats (also in ``RegionMeta.notes``).
    missing : dict of str to str
        Optional layers not given, with what cannot be computed without them.
    columns_not_read : dict of str to list of str
        Per ``tables:`` file, the columns that were neither mapped nor ignored.
    """

    name: str
    counts: dict[str, int] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    columns_not_read: dict[str, list[str]] = field(default_factory=dict)

    @property
    def still_possible(self) -> str:
        """What can be computed with the layers given."""
        return ALWAYS


def progress_step(progress: Progress | None, text: str, fraction: float) -> None:
    if progress is not None:
        progress(text, fraction)


def add_source(sources: list[Source], source: Source) -> None:
    if all(s.name != source.name for s in sources):
        sources.append(source)
