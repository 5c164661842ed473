"""Joining KWB tables and boundary polygons into the areas of a Region.

The areas (codes, names, levels, parents, inhabitants) come from the *primary* KWB table (the
latest year unless chosen); the polygons come from boundary files of any year. Codes that do not
match between a table and the boundaries, or between two tables of different years (split,
merged or renamed areas), are each reported, never dropped silently.

Geometry is resolved bottom-up, so that every child lies inside its parent:

- a buurt takes its own polygon;
- a wijk is the union of its buurten when they all have polygons, else the union of its own
  polygon and those of its buurten that have one;
- a gemeente likewise from its wijken; the region is the union of its gemeenten.

An area still without polygon then takes its parent's polygon as a *placeholder* (column
``geometry_source``), which keeps the hierarchy and the indicator joins intact but is not a real
boundary; the region's notes say which areas carry one. This is how a build with wijk polygons
only (e.g. the 2016 wijk map) handles buurten.

The column ``geometry_quality`` says the same in the shared vocabulary of
:mod:`groengezond.region.quality`: *real* (own polygon), *derived* (union of children) or
*placeholder* (the parent's polygon). It travels with each area into every output (GeoPackage,
GeoJSON, OGC features, vector tiles, the web map and ``info``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from groengezond.errors import InputError, Problem
from groengezond.region.quality import GEOMETRY_QUALITY, geometry_quality_of
from groengezond.region.schema import CRS
from groengezond.sources._io import gemeente_of, listing, union_all
from groengezond.sources.cbs import INDICATOR_COLUMNS, KwbTable
from groengezond.sources.pdok import Boundaries

REGION_CODE = "RG0001"
"""Default code of the region-level area (not a CBS code; set ``region.code`` in the config)."""


@dataclass(frozen=True)
class AreasResult:
    """Areas with geometry and the KWB indicator values that join to them.

    Attributes
    ----------
    areas : GeoDataFrame
        ``code, name, level, parent, inhabitants`` (int ≥ 0), ``inhabitants_known`` (False
        where CBS published '.', stored as 0), ``geometry_source``, ``geometry_quality``
        (real / derived / placeholder) and ``geometry`` (RD New).
    indicators : DataFrame
        KWB values of every table for the areas (long form).
    notes : list of str
        Choices and caveats for ``RegionMeta.notes``.
    warnings : list of str
        Unmatched codes and other things a user must know.
    """

    areas: gpd.GeoDataFrame
    indicators: pd.DataFrame
    notes: list[str]
    warnings: list[str]


def select_gemeenten(table: KwbTable, gemeenten: Sequence[str] | None) -> list[str]:
    """The gemeenten to build: the ones asked for (each must be in the table) or all."""
    present = sorted(table.areas.loc[table.areas["level"] == "gemeente", "code"])
    if not gemeenten:
        codes = sorted({gemeente_of(c) or "" for c in table.areas["code"]} - {""})
        return codes
    missing = [g for g in gemeenten if g not in set(table.areas["code"].map(gemeente_of))]
    if missing:
        raise InputError.single(table.source, "", "gemeenten",
                                f"{listing(missing)} not in the KWB {table.year} table",
                                f"choose from {listing(present)} or give the table that holds "
                                "them")
    return list(gemeenten)


def assemble_areas(tables: Sequence[KwbTable], boundaries: Sequence[Boundaries], *,
                   gemeenten: Sequence[str] | None = None, primary_year: int | None = None,
                   region_code: str = REGION_CODE, region_name: str = "Region") -> AreasResult:
    """Join KWB tables (one or more years) and boundary polygons into areas and indicators.

    Parameters
    ----------
    tables : sequence of KwbTable
        KWB tables; the one of ``primary_year`` (default: the latest) defines the areas.
    boundaries : sequence of Boundaries
        Polygon sources; the first one that has a code gives its polygon.
    gemeenten : sequence of str, optional
        Gemeenten to build (``GM0344``); every gemeente of the primary table when not given.
    primary_year : int, optional
        Year of the table that defines the areas.
    region_code, region_name : str
        Code and name of the region-level area on top.

    Returns
    -------
    AreasResult

    Raises
    ------
    InputError
        When a gemeente is not in the primary table or no polygon covers a gemeente.
    """
    if not tables:
        raise InputError.single("config", "", "cbs", "no KWB table was given",
                                "list at least one CBS Kerncijfers wijken en buurten file")
    by_year = sorted(tables, key=lambda t: t.year)
    primary = next((t for t in by_year if t.year == primary_year), by_year[-1])
    chosen = set(select_gemeenten(primary, gemeenten))
    warnings: list[str] = []
    notes: list[str] = []
    base = primary.areas[primary.areas["code"].map(gemeente_of).isin(chosen)].copy()
    base = _complete_parents(base, warnings, primary)
    codes = set(base["code"])
    indicators = [primary.indicators[primary.indicators["area_code"].isin(codes)]]
    for table in by_year:
        if table is primary:
            continue
        own = table.areas[table.areas["code"].map(gemeente_of).isin(chosen)]
        extra = sorted(set(own["code"]) - codes)
        lacking = sorted(codes - set(own["code"]))
        if extra:
            warnings.append(f"KWB {table.year}: {len(extra)} codes are not areas of the "
                            f"{primary.year} map (split, merged or renamed); their values are "
                            f"not used: {listing(extra)}")
        if lacking:
            warnings.append(f"KWB {table.year}: no row for {len(lacking)} areas of the "
                            f"{primary.year} map: {listing(lacking)}")
        indicators.append(table.indicators[table.indicators["area_code"].isin(codes)])
    geometry, sources = _resolve_geometry(base, boundaries, chosen, warnings)
    base["geometry"] = base["code"].map(geometry)
    base["geometry_source"] = base["code"].map(sources)
    placeholders = base[base["geometry_source"].str.startswith("placeholder")]
    for level in ("buurt", "wijk"):
        n = int((placeholders["level"] == level).sum())
        if n:
            parent = "wijk" if level == "buurt" else "gemeente"
            notes.append(f"{n} of {int((base['level'] == level).sum())} {level}en have no "
                         f"polygon in the boundary files: they carry their {parent}'s polygon "
                         "as a placeholder (geometry_source = placeholder:...). Values and "
                         "residents join to them by code; spatial results per "
                         f"{level} are not available for them.")
    known = base["inhabitants"].notna()
    if not known.all():
        unknown = base.loc[~known, "code"]
        notes.append(f"Inhabitants of {len(unknown)} areas are secret or unknown in KWB "
                     f"{primary.year} (CBS '.'): stored as 0 with inhabitants_known = false "
                     f"({listing(unknown)}).")
    base["inhabitants_known"] = known.to_numpy()
    base["inhabitants"] = base["inhabitants"].fillna(0).round().astype("int64")
    for g in sorted(chosen):
        total = base.loc[base["code"] == g, "inhabitants"]
        in_g = (base["level"] == "buurt") & (base["code"].map(gemeente_of) == g)
        buurt_sum = int(base.loc[in_g, "inhabitants"].sum())
        # a table of gemeenten only (e.g. the national one) has no buurten to compare with
        if len(total) and in_g.any() and int(total.iloc[0]) != buurt_sum:
            notes.append(f"{g}: buurt inhabitants sum to {buurt_sum:,}, the published gemeente "
                         f"total is {int(total.iloc[0]):,} (CBS rounds buurt counts to "
                         "multiples of 5 and keeps small counts secret); both are kept as "
                         "published.")
    base.loc[base["level"] == "gemeente", "parent"] = region_code
    top = {"code": region_code, "name": region_name, "level": "region", "parent": None,
           "inhabitants": int(base.loc[base["level"] == "gemeente", "inhabitants"].sum()),
           "inhabitants_known": bool(base.loc[base["level"] == "gemeente",
                                              "inhabitants_known"].all()),
           "geometry_source": "union of gemeenten",
           "geometry": union_all(base.loc[base["level"] == "gemeente", "geometry"])}
    frame = pd.concat([pd.DataFrame([top]), base], ignore_index=True)
    order = {"region": 0, "gemeente": 1, "wijk": 2, "buurt": 3}
    frame = frame.sort_values(["level", "code"], key=lambda s: s.map(order)
                              if s.name == "level" else s, kind="stable")
    areas = gpd.GeoDataFrame(
        frame[["code", "name", "level", "parent", "inhabitants", "inhabitants_known",
               "geometry_source", "geometry"]].reset_index(drop=True),
        geometry="geometry", crs=CRS)
    areas.insert(len(areas.columns) - 1, GEOMETRY_QUALITY,
                 areas["geometry_source"].map(geometry_quality_of).astype(object))
    areas["parent"] = areas["parent"].astype(object).where(areas["parent"].notna(), None)
    values = pd.concat(indicators, ignore_index=True)[INDICATOR_COLUMNS]
    return AreasResult(areas, values, notes, warnings)


def _complete_parents(base: pd.DataFrame, warnings: list[str], table: KwbTable) -> pd.DataFrame:
    """Add wijk/gemeente rows that the table lacks (named by code, inhabitants summed)."""
    added = []
    for level, parent_level in (("buurt", "wijk"), ("wijk", "gemeente")):
        rows = base[base["level"] == level]
        missing = sorted(set(rows["parent"].dropna()) - set(base["code"]))
        for code in missing:
            kids = base[(base["parent"] == code)]
            parent = None if parent_level == "gemeente" else "GM" + code[2:6]
            base = pd.concat([base, pd.DataFrame([{
                "code": code, "name": code, "level": parent_level, "parent": parent,
                "inhabitants": kids["inhabitants"].sum(min_count=1)}])], ignore_index=True)
            added.append(code)
    if added:
        warnings.append(f"{table.source}: {len(added)} parent areas have no row of their own "
                        f"and were added, named by code, with the sum of their children's "
                        f"inhabitants: {listing(added)}")
    return base


def _resolve_geometry(base: pd.DataFrame, boundaries: Sequence[Boundaries], chosen: set[str],
                      warnings: list[str]) -> tuple[dict[str, object], dict[str, str]]:
    own: dict[str, object] = {}
    for source in boundaries:
        polys = source.polygons[source.polygons["code"].map(gemeente_of).isin(chosen)]
        unused = sorted(set(polys["code"]) - set(base["code"]))
        if unused:
            year = f" ({source.year})" if source.year else ""
            warnings.append(f"{source.source}{year}: {len(unused)} polygons have no row in the "
                            f"KWB table (split, merged or renamed areas) and are not used: "
                            f"{listing(unused)}")
        for code, geom in zip(polys["code"], polys.geometry, strict=True):
            own.setdefault(code, geom)
    buurten = sorted(base.loc[base["level"] == "buurt", "code"])
    lacking = [c for c in buurten if c not in own]
    if lacking and len(lacking) < len(buurten):
        warnings.append(f"{len(lacking)} buurt codes of the KWB table have no polygon in the "
                        f"boundary files: {listing(lacking)}")
    elif lacking:
        warnings.append(f"The boundary files hold no buurt polygons for the chosen gemeenten "
                        f"({len(lacking)} buurten)")
    geometry: dict[str, object] = {}
    sources: dict[str, str] = {}
    children = {lvl: base[base["level"] == lvl].groupby("parent")["code"].apply(list).to_dict()
                for lvl in ("buurt", "wijk")}
    for code in base.loc[base["level"] == "buurt", "code"]:
        if code in own:
            geometry[code], sources[code] = own[code], "boundary"
    for level, child_level in (("wijk", "buurt"), ("gemeente", "wijk")):
        for code in base.loc[base["level"] == level, "code"]:
            kids = [geometry[k] for k in children[child_level].get(code, []) if k in geometry]
            n_kids = len(children[child_level].get(code, []))
            if kids and len(kids) == n_kids:
                geometry[code], sources[code] = union_all(kids), f"union of {child_level}en"
            elif code in own or kids:
                parts = ([own[code]] if code in own else []) + kids
                geometry[code] = union_all(parts)
                sources[code] = "boundary" if not kids else f"boundary and {child_level}en"
    for g in sorted(chosen):
        if geometry.get(g) is None:
            raise InputError([Problem("boundaries", g, "geometry",
                                      "no polygon covers this gemeente or any of its wijken "
                                      "and buurten", "give a boundary file (GeoPackage or "
                                      "GeoJSON) with polygons of this gemeente")])
    for level, parent_level in (("wijk", "gemeente"), ("buurt", "wijk")):
        rows = base[base["level"] == level]
        for code, parent in zip(rows["code"], rows["parent"], strict=True):
            if geometry.get(code) is None:
                geometry[code] = geometry[parent]
                sources[code] = f"placeholder:{parent_level}"
                if level == "wijk":
                    warnings.append(f"Wijk {code} has no polygon of its own or of its buurten; "
                                    f"it carries the polygon of gemeente {parent}")
    return geometry, sources


def drop_unknown_areas(indicators: pd.DataFrame, codes: set[str], label: str,
                       warnings: list[str]) -> pd.DataFrame:
    """Keep indicator rows whose area is in ``codes``; report the codes left out.

    Rows of gemeenten outside the region are counted; codes of chosen gemeenten that are not
    areas (split, merged or renamed) are named.
    """
    inside = indicators["area_code"].isin(codes).to_numpy()
    if inside.all():
        return indicators
    chosen = {gemeente_of(c) for c in codes} - {None}
    other = indicators.loc[~inside, "area_code"]
    ours = sorted(set(other[other.map(gemeente_of).isin(chosen)]))
    n_out = int((~other.map(gemeente_of).isin(chosen)).sum())
    if ours:
        warnings.append(f"{label}: {len(ours)} codes of the region's gemeenten are not areas of "
                        f"the region's map (split, merged or renamed); their values are not "
                        f"used: {listing(ours)}")
    if n_out:
        warnings.append(f"{label}: {n_out} rows describe areas outside the region and were "
                        "skipped")
    return indicators[inside].reset_index(drop=True)


def level_counts(areas: pd.DataFrame) -> dict[str, int]:
    """Number of areas per level."""
    counts = areas["level"].value_counts()
    return {str(k): int(v) for k, v in counts.items()}
