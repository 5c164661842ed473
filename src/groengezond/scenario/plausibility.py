r"""Plausibility: refuse scenarios that cannot be built, and correct what can be counted honestly.

:func:`check_plausibility` takes a region and a scenario and either raises one
:class:`~groengezond.errors.InputError` holding every refusal (each naming the intervention,
the field and the fix; the API answers 422 with them, the CLI prints them, the web app shows
each at its intervention) or returns a :class:`Plausible` scenario: the scenario to evaluate
(geometries corrected where the plan can be counted in part), the residents and buildings a
park displaces, and the notes that say what was corrected.

Refused (``Problem.key`` in brackets, for the user interface's wording):

- a scenario without interventions [``no_interventions``];
- a polygon that is not valid, such as one that crosses itself, with the place where it does
  [``invalid_polygon``];
- a polygon smaller than :data:`MIN_POLYGON_M2` or than its catalogue entry's ``min_size``
  [``too_small``];
- a park (``add_green``) over buildings, unless ``displace: true`` [``over_buildings``]. With
  it, the buildings go, and with them their dwellings and residents; the cost of acquiring and
  demolishing them is added (:class:`DisplacementCosts`, a range labelled as an assumption);
- a park on water: less than :data:`MIN_POLYGON_M2` (or the catalogue minimum) of land
  [``on_water``]. A park across water is kept, but only its land counts: the water cells are
  cut out of its geometry (its area, its access and its cost);
- new dwellings above :data:`MAX_DWELLINGS_PER_HA` on their polygon, or above
  :data:`MAX_DWELLINGS_PER_POINT` at one point [``too_dense``].

Pure: no files, no printing. Geometries in EPSG:28992 (m).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import shapely
from pydantic import BaseModel, ConfigDict, Field
from rasterio import features
from rasterio.transform import Affine
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from groengezond.catalogue.model import Catalogue, load_catalogue
from groengezond.errors import InputError, Problem
from groengezond.messages import Message, message
from groengezond.region.model import Region
from groengezond.scenario.model import (
    AddDwellings,
    AddGreen,
    Intervention,
    InterventionCost,
    Scenario,
    check_geometries,
    parse_geometry,
)

MIN_POLYGON_M2 = 100.0
"""Smallest polygon the Planner evaluates (m²): below the resolution of its 10 m land-cover
cells (one cell is 100 m²), a polygon changes nothing that the model can see."""

MAX_DWELLINGS_PER_HA = 300.0
"""Largest net density of new dwellings accepted (dwellings per hectare of their polygon).

Assumption, stated as the issue asks: about the net density of the densest Dutch inner-city
high-rise blocks (typical Dutch new-build densities are 30-100 dwellings/ha; inner-city
high-rise reaches a few hundred). Above it a plan is refused, not evaluated."""

MAX_DWELLINGS_PER_POINT = 300
"""Largest number of dwellings at one point (one building); assumption of the same order as
:data:`MAX_DWELLINGS_PER_HA` (a large Dutch residential tower)."""

BUILDING_OVERLAP_M2 = 1.0
"""Overlap of a park with a building footprint (m²) from which the building counts as under
the park (a tolerance for drawing along a façade)."""

STOREY_M = 3.0
"""Storey height (m) used to turn building height into floor area when a building has no
``storeys`` (the synthetic region's buildings have storeys × 3 m plus a roof)."""

_POLYGONAL = ("Polygon", "MultiPolygon")
_XY = re.compile(r"\[\s*([-0-9.eE+]+)\s+([-0-9.eE+]+)")


class DisplacementCosts(BaseModel):
    """Cost ranges of acquiring and demolishing the buildings a park displaces.

    Every figure is an **assumption** (no price list could be cited for the region): replace
    them with the municipality's own acquisition and demolition prices.

    Attributes
    ----------
    acquisition_eur_per_dwelling : tuple of float
        Low and high price of acquiring one dwelling (EUR, ``price_year``): about the Dutch
        mean WOZ value (low) and mean sale price of an existing home (high) around 2024
        (CBS StatLine); assumption.
    acquisition_eur_per_m2_floor : tuple of float
        Non-residential floor space (buildings without dwellings), EUR per m² floor area;
        assumption.
    demolition_eur_per_m2_floor : tuple of float
        Demolition, asbestos survey and site clearing per m² floor area; assumption.
    price_year : int
        Year of the prices.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    acquisition_eur_per_dwelling: tuple[float, float] = (350_000.0, 450_000.0)
    acquisition_eur_per_m2_floor: tuple[float, float] = (1_000.0, 2_500.0)
    demolition_eur_per_m2_floor: tuple[float, float] = (30.0, 100.0)
    price_year: int = Field(2024, ge=1950, le=2100)

    @property
    def source(self) -> str:
        """How the ranges were set (shown with the cost line)."""
        return ("Assumption: acquisition at about the Dutch mean WOZ value to mean sale price "
                "of a home (CBS StatLine, around 2024), non-residential floor space at "
                f"€{self.acquisition_eur_per_m2_floor[0]:,.0f}-"
                f"{self.acquisition_eur_per_m2_floor[1]:,.0f}/m², demolition at "
                f"€{self.demolition_eur_per_m2_floor[0]:,.0f}-"
                f"{self.demolition_eur_per_m2_floor[1]:,.0f}/m² floor area; replace with local "
                "prices")


@dataclass(frozen=True)
class Displacement:
    """What one park with ``displace: true`` removes.

    Attributes
    ----------
    index : int
        Intervention index (from 0).
    building_ids : numpy.ndarray of int
        ``building_id`` of the buildings demolished.
    address_ids : numpy.ndarray of int
        ``address_id`` of the addresses whose residents leave.
    dwellings, residents : int
        Dwellings demolished and residents displaced.
    floor_area_m2 : float
        Floor area demolished (footprint × storeys, m²).
    cost : InterventionCost
        Acquisition and demolition, a range (assumption).
    """

    index: int
    building_ids: npt.NDArray[np.int64]
    address_ids: npt.NDArray[np.int64]
    dwellings: int
    residents: int
    floor_area_m2: float
    cost: InterventionCost


@dataclass(frozen=True)
class Plausible:
    """A scenario that passed the checks, as it is to be evaluated.

    Attributes
    ----------
    scenario : Scenario
        The scenario with corrected geometries (parks across water: land only).
    displacements : list of Displacement
        Parks with ``displace: true`` and what they remove.
    notes : list of Message
        What was corrected, for the result's notes (keys of ``groengezond.messages``).
    """

    scenario: Scenario
    displacements: list[Displacement] = field(default_factory=list)
    notes: list[Message] = field(default_factory=list)

    @property
    def displaced_address_ids(self) -> npt.NDArray[np.int64]:
        """Every displaced address (sorted, unique)."""
        if not self.displacements:
            return np.zeros(0, np.int64)
        return np.unique(np.concatenate([d.address_ids for d in self.displacements]))


def _label(index: int, item: Intervention) -> str:
    return f"intervention {index + 1}" + (f" '{item.name}'" if item.name else "")


def _min_area_m2(item: Intervention, catalogue: Catalogue | None) -> tuple[float, str]:
    """Smallest area accepted (m²) and where that minimum comes from."""
    floor = (MIN_POLYGON_M2, f"{MIN_POLYGON_M2:g} m² (one land-cover cell)")
    if item.catalogue_id is None or catalogue is None or item.catalogue_id not in catalogue:
        return floor
    entry = catalogue[item.catalogue_id]
    if entry.min_size is None or entry.min_size.unit not in ("ha", "m2"):
        return floor
    m2 = entry.min_size.value * (10_000.0 if entry.min_size.unit == "ha" else 1.0)
    if m2 <= MIN_POLYGON_M2:
        return floor
    return m2, f"{entry.min_size} (catalogue entry '{entry.id}')"


def _invalid(geom: BaseGeometry) -> tuple[str, str] | None:
    """(reason, place) when a polygon is not valid; None when it is."""
    if bool(shapely.is_valid(geom)):
        return None
    reason = str(shapely.is_valid_reason(geom))
    m = _XY.search(reason)
    place = f" at ({float(m.group(1)):.1f}, {float(m.group(2)):.1f})" if m else ""
    kind = reason.split("[")[0].strip() or "invalid geometry"
    return kind, place


def _water_shape(region: Region, geom: BaseGeometry) -> BaseGeometry | None:
    """Union of the water cells of the land-cover raster that meet ``geom`` (None if none)."""
    lc = region.landcover
    codes = [int(c) for c, n in region.meta.landcover_classes.items() if n == "water"]
    if lc is None or not codes:
        return None
    tr = lc.transform
    h, w = lc.classes.shape
    minx, miny, maxx, maxy = geom.bounds
    c0 = max(int(np.floor((minx - tr.c) / tr.a)), 0)
    c1 = min(int(np.floor((maxx - tr.c) / tr.a)) + 1, w)
    r0 = max(int(np.floor((maxy - tr.f) / tr.e)), 0)
    r1 = min(int(np.floor((miny - tr.f) / tr.e)) + 1, h)
    if r1 <= r0 or c1 <= c0:
        return None
    win = np.isin(lc.classes[r0:r1, c0:c1], codes)
    if not win.any():
        return None
    wtr = Affine(tr.a, tr.b, tr.c + c0 * tr.a, tr.d, tr.e, tr.f + r0 * tr.e)
    polys = [shapely.geometry.shape(g) for g, _ in features.shapes(
        win.astype(np.uint8), mask=win, transform=wtr)]
    return shapely.union_all(polys) if polys else None


def _displacement(region: Region, index: int, geom: BaseGeometry, hit: npt.NDArray[np.intp],
                  prices: DisplacementCosts) -> Displacement:
    b = region.buildings.iloc[hit]
    dwellings = (b["dwellings"].to_numpy(dtype=np.int64) if "dwellings" in b.columns
                 else np.zeros(len(b), np.int64))
    foot = b.geometry.area.to_numpy(dtype=np.float64)
    if "storeys" in b.columns:
        storeys = np.maximum(b["storeys"].to_numpy(dtype=np.float64), 1.0)
    elif "height_m" in b.columns:
        storeys = np.maximum(np.floor(b["height_m"].to_numpy(dtype=np.float64) / STOREY_M), 1.0)
    else:
        storeys = np.ones(len(b))
    floor = foot * storeys
    other = float(floor[dwellings == 0].sum())
    n_dw = int(dwellings.sum())
    addr = region.addresses
    ids_b = b["building_id"].to_numpy(dtype=np.int64)
    inside = np.zeros(len(addr), bool)
    if len(addr):  # the spatial index finds the same addresses as covers() over all of them
        inside[addr.sindex.query(geom, predicate="covers")] = True
    if "building_id" in addr.columns:  # the addresses of the demolished buildings
        inside |= np.isin(addr["building_id"].to_numpy(), ids_b)
    else:
        area = shapely.union_all(np.asarray(b.geometry.array))
        inside |= shapely.covers(area, np.asarray(addr.geometry.array))
    ids = addr["address_id"].to_numpy(dtype=np.int64)[inside]
    residents = int(addr["residents"].to_numpy()[inside].sum()) if len(addr) else 0
    (al, ah), (ol, oh), (dl, dh) = (prices.acquisition_eur_per_dwelling,
                                    prices.acquisition_eur_per_m2_floor,
                                    prices.demolition_eur_per_m2_floor)
    total_floor = float(floor.sum())
    cost = InterventionCost(
        low_eur=n_dw * al + other * ol + total_floor * dl,
        high_eur=n_dw * ah + other * oh + total_floor * dh,
        price_year=prices.price_year, assumption=True,
        source=(f"{len(b)} buildings, {n_dw} dwellings, {total_floor:,.0f} m² floor area: "
                + prices.source))
    return Displacement(index, ids_b, ids, n_dw, residents,
                        total_floor, cost)


OUTSIDE_TOLERANCE_M = 1.0
"""An intervention may stick out of the region's outline by this much (m)."""


def check_inside(region: Region, scenario: Scenario, file: str = "scenario") -> None:
    """Refuse interventions that lie (partly) outside the region's outline, not just its box.

    :func:`~groengezond.scenario.model.check_geometries` checks the bounding box; a region
    such as gemeente Utrecht has land in its box that is not in the gemeente, so this checks the
    outline itself (issue 12). Unreadable geometry is left to ``check_geometries``.
    """
    top = region.areas_at("region")
    outline = shapely.union_all(np.asarray((top if len(top) else region.areas).geometry.array,
                                           dtype=object))
    zone = shapely.buffer(outline, OUTSIDE_TOLERANCE_M)
    problems = []
    for i, item in enumerate(scenario.interventions):
        try:
            geom = parse_geometry(item.geometry)
        except Exception:
            continue
        if not geom.is_empty and not shapely.covered_by(geom, zone):
            problems.append(Problem(
                file, f"intervention {i + 1} '{item.name}'", "geometry",
                f"lies (partly) outside the region '{region.meta.name}'",
                "draw it inside the region's areas (RD New coordinates), or run the scenario "
                "on the region it was made for", key="outside_region",
                params={"intervention": i + 1, "region": region.meta.name}))
    if problems:
        raise InputError(problems)


def check_plausibility(region: Region, scenario: Scenario, *, file: str = "scenario",
                       catalogue: Catalogue | None = None,
                       prices: DisplacementCosts | None = None) -> Plausible:
    """Refuse what cannot be built; return the scenario as it is to be evaluated.

    Parameters
    ----------
    region : Region
        The base region (buildings, addresses and land cover are read).
    scenario : Scenario
        The scenario; geometries in EPSG:28992 (m).
    file : str
        Name used in the problems.
    catalogue : Catalogue, optional
        For the catalogue minimum sizes (default: the packaged catalogue).
    prices : DisplacementCosts, optional
        Acquisition and demolition prices (default: the assumptions of
        :class:`DisplacementCosts`).

    Returns
    -------
    Plausible

    Raises
    ------
    InputError
        Every refusal at once, each naming the intervention, the field and the fix, with a
        ``key`` (see module docstring).
    """
    check_inside(region, scenario, file)
    if not scenario.interventions:
        raise InputError([Problem(file, "scenario", "interventions", "has no interventions",
                                  "draw or add at least one intervention", key="no_interventions")])
    bounds = tuple(float(b) for b in region.areas.total_bounds)
    geoms = check_geometries(scenario, (bounds[0], bounds[1], bounds[2], bounds[3]), file)
    cat = catalogue if catalogue is not None else load_catalogue()
    prices = prices or DisplacementCosts()
    problems: list[Problem] = []
    items = list(scenario.interventions)
    notes: list[Message] = []
    displaced: list[Displacement] = []
    for i, (item, geom) in enumerate(zip(scenario.interventions, geoms, strict=True)):
        where = _label(i, item)
        if geom.geom_type not in _POLYGONAL:
            if isinstance(item, AddDwellings):
                n_pts = len(shapely.get_coordinates(geom))
                if item.dwellings > MAX_DWELLINGS_PER_POINT * n_pts:
                    problems.append(Problem(
                        file, where, "dwellings",
                        f"{item.dwellings:,} dwellings at {n_pts} point(s) is more than "
                        f"{MAX_DWELLINGS_PER_POINT} per point (one building)",
                        "draw the homes as a polygon or lower the number of dwellings",
                        key="too_dense_points",
                        params={"intervention": i + 1, "dwellings": item.dwellings,
                                "points": n_pts, "max_per_point": MAX_DWELLINGS_PER_POINT}))
            continue
        bad = _invalid(geom)
        if bad is not None:
            problems.append(Problem(file, where, "geometry",
                                    f"is not a valid polygon: {bad[0].lower()}{bad[1]}",
                                    "redraw the polygon so that its edges do not cross",
                                    key="invalid_polygon", params={"intervention": i + 1}))
            continue
        min_m2, min_text = _min_area_m2(item, cat)
        if geom.area < min_m2:
            problems.append(Problem(file, where, "geometry",
                                    f"covers {geom.area:,.1f} m², less than {min_text}",
                                    f"draw at least {min_text}", key="too_small",
                                    params={"intervention": i + 1, "area_m2": geom.area,
                                            "min_m2": min_m2}))
            continue
        if isinstance(item, AddDwellings):
            ha = geom.area / 10_000.0
            if item.dwellings / ha > MAX_DWELLINGS_PER_HA:
                problems.append(Problem(
                    file, where, "dwellings",
                    f"{item.dwellings:,} dwellings on {ha:,.2f} ha is "
                    f"{item.dwellings / ha:,.0f} per ha, above the maximum of "
                    f"{MAX_DWELLINGS_PER_HA:g} per ha",
                    f"give at most {int(MAX_DWELLINGS_PER_HA * ha):,} dwellings or a larger "
                    "polygon", key="too_dense",
                    params={"intervention": i + 1, "dwellings": item.dwellings, "ha": ha,
                            "max_per_ha": MAX_DWELLINGS_PER_HA,
                            "max_dwellings": int(MAX_DWELLINGS_PER_HA * ha)}))
            continue
        if not isinstance(item, AddGreen):
            continue
        water = _water_shape(region, geom)
        if water is not None:
            land = geom.difference(water)
            land = shapely.make_valid(land) if not land.is_valid else land
            polys = [g for g in getattr(land, "geoms", [land]) if g.geom_type == "Polygon"]
            land = shapely.MultiPolygon(polys) if len(polys) > 1 else (
                polys[0] if polys else shapely.Polygon())
            if land.area < min_m2:
                problems.append(Problem(
                    file, where, "geometry",
                    f"lies on water: {land.area:,.0f} m² of its {geom.area:,.0f} m² is land, "
                    f"less than {min_text}", "draw the park on land", key="on_water",
                    params={"intervention": i + 1, "land_m2": land.area,
                            "area_m2": geom.area, "min_m2": min_m2}))
                continue
            if land.area < geom.area - 1.0:
                notes.append(message(
                    "scenario.park_on_water",
                    f"{where}: only its {land.area / 1e4:,.2f} ha of land counts; "
                    f"{(geom.area - land.area) / 1e4:,.2f} ha on water is left out "
                    "(area, access and cost).", intervention=i + 1, name=item.name or None,
                    land_ha=land.area / 1e4, water_ha=(geom.area - land.area) / 1e4))
                geom = land
                items[i] = item.model_copy(update={"geometry": mapping(land)})
        hit = _buildings_under(region, geom)
        if len(hit) == 0:
            continue
        if not item.displace:
            b = region.buildings.iloc[hit]
            dw = int(b["dwellings"].sum()) if "dwellings" in b.columns else 0
            problems.append(Problem(
                file, where, "geometry",
                f"lies over {len(hit)} buildings with {dw:,} dwellings",
                "draw the park on open land, or set displace: true to demolish them (their "
                "residents leave; acquisition and demolition are costed)",
                key="over_buildings",
                params={"intervention": i + 1, "buildings": len(hit), "dwellings": dw}))
            continue
        d = _displacement(region, i, geom, hit, prices)
        displaced.append(d)
        notes.append(message(
            "scenario.park_displaces",
            f"{where}: displaces {len(d.building_ids)} buildings, {d.dwellings} "
            f"dwellings and {d.residents} residents; they are left out of the health "
            "figures (their health after moving is unknown), and acquisition and "
            "demolition are costed (assumption).", intervention=i + 1,
            name=item.name or None, buildings=len(d.building_ids), dwellings=d.dwellings,
            residents=d.residents))
    if problems:
        raise InputError(problems)
    out = scenario if items == list(scenario.interventions) else \
        scenario.model_copy(update={"interventions": tuple(items)})
    return Plausible(out, displaced, notes)


def _buildings_under(region: Region, geom: BaseGeometry) -> npt.NDArray[np.intp]:
    """Positions of the buildings a polygon overlaps by at least :data:`BUILDING_OVERLAP_M2`."""
    b = region.buildings
    if len(b) == 0:
        return np.zeros(0, np.intp)
    cand = np.asarray(b.sindex.query(geom, predicate="intersects"), dtype=np.intp)
    if len(cand) == 0:
        return cand
    over = shapely.area(shapely.intersection(np.asarray(b.geometry.array)[cand], geom))
    return np.asarray(cand[over >= BUILDING_OVERLAP_M2], dtype=np.intp)


__all__ = ["BUILDING_OVERLAP_M2", "MAX_DWELLINGS_PER_HA", "MAX_DWELLINGS_PER_POINT",
           "MIN_POLYGON_M2", "Displacement", "DisplacementCosts", "Plausible",
           "check_plausibility"]
