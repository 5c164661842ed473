"""Urban typologies of the synthetic region and the parameters that shape each of them.

A typology is the kind of urban fabric a place has: the historic core, the 19th-century ring
("inner"), the post-war neighbourhoods of flats, the suburbs of row houses, villa quarters,
villages, business parks ("work") and the countryside ("rural"). Every step of the generator
(blocks, streets, buildings, households, income, green) reads its parameters from the table
:data:`TYPOLOGIES`, so that one place says how, for example, a post-war neighbourhood differs
from a suburb.

The figures are invented but plausible for the Netherlands; where a figure follows a public
statistic the comment says which (CBS household sizes, BAG-like storey heights).
"""

from __future__ import annotations

from dataclasses import dataclass

RURAL, CORE, INNER, POSTWAR, SUBURB, VILLA, VILLAGE, WORK = range(8)
"""Typology codes (uint8 in grids and per block)."""


@dataclass(frozen=True)
class Typology:
    """Parameters of one urban typology.

    Parameters
    ----------
    name : str
        Name used in outputs (column ``typology``).
    spacing_m : float
        Mean distance between block seeds (m); blocks are Voronoi cells of the seeds, so this is
        about the block size.
    aspect : float
        Ratio of the seed lattice's spacing along and across its main direction (1 = square).
    jitter : float
        Random displacement of the lattice seeds as a fraction of the spacing (0 = regular).
    density_km2 : float
        Gross residential density used to size the zone (residents per km², including the
        streets, parks and other non-residential blocks inside it).
    street_half_width_m : float
        Half the width of the street space around a block (m): buildings and green stay behind
        it.
    setback_m : float
        Front garden between street space and building front (m).
    household_p : tuple of float
        Probability of a household of 1, 2, ..., 6 persons (sums to 1); shaped after CBS
        household statistics (singles dominate the centres, families the suburbs).
    p65 : float
        Probability that an adult household member is 65 or older.
    income_base : float
        Mean of the latent income score (standard deviations; + is richer).
    green_base : float
        Mean of the latent greenness score (standard deviations; + is greener): drives parks,
        street trees and gardens.
    """

    name: str
    spacing_m: float
    aspect: float
    jitter: float
    density_km2: float
    street_half_width_m: float
    setback_m: float
    household_p: tuple[float, float, float, float, float, float]
    p65: float
    income_base: float
    green_base: float


TYPOLOGIES: tuple[Typology, ...] = (
    Typology("rural", 950.0, 1.0, 0.32, 20.0, 3.0, 12.0,
             (0.16, 0.40, 0.15, 0.18, 0.08, 0.03), 0.38, 0.1, 0.6),
    Typology("core", 62.0, 1.0, 0.36, 16000.0, 4.0, 0.0,
             (0.56, 0.28, 0.08, 0.06, 0.015, 0.005), 0.18, 0.25, -1.0),
    Typology("inner", 92.0, 1.5, 0.16, 14000.0, 6.0, 1.0,
             (0.46, 0.31, 0.10, 0.09, 0.03, 0.01), 0.25, 0.45, -0.4),
    Typology("postwar", 125.0, 1.3, 0.12, 10000.0, 9.0, 6.0,
             (0.44, 0.27, 0.11, 0.10, 0.05, 0.03), 0.38, -1.1, -0.55),
    Typology("suburb", 100.0, 1.6, 0.12, 6500.0, 7.0, 4.0,
             (0.20, 0.33, 0.17, 0.20, 0.08, 0.02), 0.30, 0.15, 0.2),
    Typology("villa", 115.0, 1.2, 0.28, 1800.0, 7.0, 8.0,
             (0.12, 0.42, 0.15, 0.22, 0.07, 0.02), 0.42, 1.25, 1.1),
    Typology("village", 98.0, 1.3, 0.30, 2800.0, 6.0, 5.0,
             (0.24, 0.37, 0.14, 0.17, 0.06, 0.02), 0.42, 0.2, 0.5),
    Typology("work", 190.0, 1.4, 0.15, 0.0, 9.0, 10.0,
             (1.0, 0.0, 0.0, 0.0, 0.0, 0.0), 0.2, 0.0, -0.8),
)
"""Parameters per typology code (index = code)."""

TYPOLOGY_NAMES: tuple[str, ...] = tuple(t.name for t in TYPOLOGIES)
"""Typology names by code."""

STOREY_M = 3.0
"""Height of one storey (m), as in 3DBAG-derived typical values for Dutch dwellings."""


def typology_column(name: str) -> int:
    """Return the code of the typology called ``name``."""
    return TYPOLOGY_NAMES.index(name)
