"""Write the small fixtures of the source importers.

Run ``python tests/data/sources/make_fixtures.py`` to write them again.

Every file here is written by us in the exact published format of its source (CBS StatLine OData
v3, PDOK OGC API Features and GeoPackage, RIVM 'Gezondheid per wijk en buurt' OData, an .osm.pbf
written with pyosmium's writer, 3DBAG CityJSON, CityJSONSeq and API pages). The values are
illustrative, not real figures, and the area codes are those of a test gemeente GM9990 that does
not exist (the range of synthetic regions). Geometry lies near Utrecht in RD New.

The test gemeente GM9990 'Testdorp' has two wijken; buurt BU99900201 of 2019 was split into
BU99900202 and BU99900203 in 2023, so joining the two years reports unmatched codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import box, mapping

HERE = Path(__file__).resolve().parent
FETCH = HERE / "fetch"
X0, Y0 = 136_000.0, 455_000.0
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)

AREAS_2023 = {
    "GM9990": ("Testdorp", box(X0, Y0, X0 + 2000, Y0 + 1000)),
    "WK999001": ("Wijk 01 West", box(X0, Y0, X0 + 1000, Y0 + 1000)),
    "WK999002": ("Wijk 02 Oost", box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)),
    "BU99900101": ("Zuidwest", box(X0, Y0, X0 + 1000, Y0 + 500)),
    "BU99900102": ("Noordwest", box(X0, Y0 + 500, X0 + 1000, Y0 + 1000)),
    "BU99900202": ("Oost-West", box(X0 + 1000, Y0, X0 + 1500, Y0 + 1000)),
    "BU99900203": ("Oost-Oost", box(X0 + 1500, Y0, X0 + 2000, Y0 + 1000)),
}


def pad(code: str, width: int = 10) -> str:
    """CBS pads the WijkenEnBuurten key with spaces."""
    return code.ljust(width)


def kind(code: str) -> str:
    return {"GM": "Gemeente  ", "WK": "Wijk      ", "BU": "Buurt     "}[code[:2]]


def kwb_rows(year: int) -> list[dict[str, object]]:
    """TypedDataSet rows: 2019 (84583NED) and 2023 (85618NED) keys differ."""
    if year == 2019:
        codes = {"GM9990": 3400, "WK999001": 2000, "WK999002": 1400, "BU99900101": 1200,
                 "BU99900102": 800, "BU99900201": 1400}
        keys = {"hh": "HuishoudensTotaal_28", "woz": "GemiddeldeWOZWaardeVanWoningen_35",
                "koop": "Koopwoningen_40", "ink": "GemiddeldInkomenPerInwoner_72",
                "opp": "OppervlakteTotaal_110", "ste": "MateVanStedelijkheid_115"}
    else:
        codes = {"GM9990": 3605, "WK999001": 2100, "WK999002": 1505, "BU99900101": 1250,
                 "BU99900102": None, "BU99900202": 700, "BU99900203": 805}
        keys = {"hh": "HuishoudensTotaal_29", "woz": "GemiddeldeWOZWaardeVanWoningen_36",
                "koop": "Koopwoningen_41", "ink": "GemiddeldInkomenPerInwoner_81",
                "opp": "OppervlakteTotaal_120", "ste": "MateVanStedelijkheid_125"}
    rows = []
    for i, (code, inw) in enumerate(codes.items()):
        secret = inw is None
        rows.append({
            "ID": i, "WijkenEnBuurten": pad(code), "Gemeentenaam_1": "Testdorp".ljust(40),
            "SoortRegio_2": kind(code), "Codering_3": pad(code),
            "IndelingswijzigingWijkenEnBuurten_4": "1", "AantalInwoners_5": inw,
            "Mannen_6": None if secret else inw // 2,
            "Vrouwen_7": None if secret else inw - inw // 2,
            "k_0Tot15Jaar_8": None if secret else inw // 5,
            "k_65JaarOfOuder_12": None if secret else inw // 6,
            keys["hh"]: None if secret else inw // 2,
            keys["woz"]: None if secret else 300 + i * 10,
            keys["koop"]: None if secret else 55.0,
            keys["ink"]: None if secret or code.startswith("BU") else 31.2,
            keys["opp"]: 200 if code.startswith("GM") else 100,
            keys["ste"]: 2,
        })
    return rows


def table_doc(table: str, rows: list[dict[str, object]], next_link: str | None = None
              ) -> dict[str, object]:
    doc: dict[str, object] = {
        "odata.metadata": f"https://opendata.cbs.nl/ODataApi/OData/{table}/$metadata"
                          "#Cbs.OData.WebAPI.TypedDataSet", "value": rows}
    if next_link:
        doc["odata.nextLink"] = next_link
    return doc


def names_doc(table: str, codes: dict[str, tuple[str, object]]) -> dict[str, object]:
    return {"odata.metadata": f"https://opendata.cbs.nl/ODataApi/OData/{table}/$metadata"
                              "#Cbs.OData.WebAPI.WijkenEnBuurten",
            "value": [{"Key": pad(c), "Title": name, "Description": None,
                       "Municipality": "GM9990", "DetailRegionCode": c}
                      for c, (name, _) in codes.items()]}


def rivm_rows() -> list[dict[str, object]]:
    """50120NED TypedDataSet rows: two years, two age groups, value and 95% bounds."""
    rows = []
    i = 0
    for period, shift in (("2020JJ00", 0.0), ("2022JJ00", -1.5)):
        for code in ("GM9990", "WK999001", "BU99900101", "BU99900102"):
            for age, base in (("20300", 70.0), ("80200", 58.0)):
                for margin, delta in (("MW00000", 0.0), ("MOG0095", -4.0), ("MBG0095", 4.0)):
                    small = code == "BU99900102" and age == "80200"
                    rows.append({
                        "ID": i, "Leeftijd": age, "Marges": margin, "WijkenEnBuurten": pad(code),
                        "Perioden": period, "Gemeentenaam_1": "Testdorp".ljust(40),
                        "SoortRegio_2": kind(code), "Codering_3": pad(code),
                        "ErvarenGezondheidGoedZeerGoed_4": None if small
                        else round(base + shift + delta, 1),
                        "Overgewicht_9": None if small else round(48.0 + delta, 1),
                        "HoogRisicoOpAngstOfDepressie_25": None if small
                        else round(6.0 + delta / 4, 1),
                        "Eenzaam_27": None if small else round(45.0 + delta, 1),
                        "MantelzorgOntvangen_99": 3.0})
                    i += 1
    return rows


def wgs(geom: object) -> dict[str, object]:
    def to_lonlat(xy: np.ndarray) -> np.ndarray:
        lon, lat = TO_WGS.transform(xy[:, 0], xy[:, 1])
        return np.round(np.column_stack([lon, lat]), 7)

    return mapping(shapely.transform(geom, to_lonlat))


def pdok_items(collection: str, codes: list[str], links: list[dict[str, str]]
               ) -> dict[str, object]:
    feats = []
    for code in codes:
        name, geom = AREAS_2023[code]
        props: dict[str, object] = {"gemeentecode": "GM9990", "gemeentenaam": "Testdorp",
                                    "jaar": 2023, "water": "NEE", "aantal_inwoners": 700}
        if code.startswith("WK"):
            props |= {"wijkcode": code, "wijknaam": name}
        if code.startswith("BU"):
            props |= {"buurtcode": code, "buurtnaam": name, "wijkcode": "WK" + code[2:8]}
        feats.append({"type": "Feature", "id": code, "geometry": wgs(geom), "properties": props})
    return {"type": "FeatureCollection", "features": feats, "links": links,
            "numberReturned": len(feats)}


def write_json(path: Path, doc: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")


def gpkg() -> None:
    """PDOK layout: layers gemeenten, wijken, buurten; BU99900101 split in land and water."""
    out = HERE / "wijkenbuurten_2023_sample.gpkg"
    out.unlink(missing_ok=True)
    base = {"gemeentecode": "GM9990", "gemeentenaam": "Testdorp", "jaar": 2023}
    gem = gpd.GeoDataFrame([{**base, "water": "NEE", "aantal_inwoners": 3605,
                             "geometry": AREAS_2023["GM9990"][1]}], crs="EPSG:28992")
    wijken = gpd.GeoDataFrame([{**base, "wijkcode": c, "wijknaam": AREAS_2023[c][0],
                                "water": "NEE", "aantal_inwoners": 1000,
                                "geometry": AREAS_2023[c][1]}
                               for c in ("WK999001", "WK999002")], crs="EPSG:28992")
    rows = []
    for c in ("BU99900101", "BU99900102", "BU99900202", "BU99900203"):
        geom = AREAS_2023[c][1]
        inw = -99997 if c == "BU99900102" else 700
        if c == "BU99900101":
            rows.append({**base, "buurtcode": c, "buurtnaam": AREAS_2023[c][0],
                         "wijkcode": "WK999001", "water": "JA", "aantal_inwoners": inw,
                         "geometry": box(X0, Y0, X0 + 1000, Y0 + 100)})
            geom = box(X0, Y0 + 100, X0 + 1000, Y0 + 500)
        rows.append({**base, "buurtcode": c, "buurtnaam": AREAS_2023[c][0],
                     "wijkcode": "WK" + c[2:8], "water": "NEE", "aantal_inwoners": inw,
                     "geometry": geom})
    buurten = gpd.GeoDataFrame(rows, crs="EPSG:28992")
    for name, frame in (("gemeenten", gem), ("wijken", wijken), ("buurten", buurten)):
        frame.to_file(out, layer=name, driver="GPKG", engine="pyogrio", SPATIAL_INDEX="NO")


def pbf() -> None:
    """An .osm.pbf with green, trees and ways of every walkability case."""
    import osmium
    import osmium.osm.mutable as m

    out = HERE / "testdorp.osm.pbf"

    def loc(x: float, y: float) -> tuple[float, float]:
        lon, lat = TO_WGS.transform(X0 + x, Y0 + y)
        return (round(lon, 7), round(lat, 7))

    nodes = {
        1: (100, 100), 2: (500, 100), 3: (900, 100), 4: (500, 500), 5: (500, 900),
        6: (100, 500), 7: (900, 500), 8: (1500, 500), 9: (300, 300), 10: (300, 700),
        11: (700, 300), 12: (700, 700), 20: (1100, 100), 21: (1400, 100), 22: (1400, 400),
        23: (1100, 400), 30: (1600, 600), 31: (1900, 600), 32: (1900, 900), 33: (1600, 900),
        40: (120, 800), 41: (220, 800), 42: (220, 900), 43: (120, 900),
        50: (50, 50), 51: (60, 150), 52: (80, 250), 53: (600, 150), 54: (660, 150),
        60: (500, 300), 61: (500, 350),
    }
    tags_n = {50: {"natural": "tree", "diameter_crown": "8"}, 51: {"natural": "tree"},
              52: {"natural": "tree", "height": "12 m", "species": "Tilia cordata"}}
    ways = [
        (100, [1, 2, 3], {"highway": "residential", "name": "Zuidstraat"}),
        (101, [2, 4, 5], {"highway": "residential", "name": "Middenweg"}),
        (102, [6, 4], {"highway": "footway"}),
        (103, [4, 7], {"highway": "cycleway", "foot": "use_sidepath"}),
        (104, [7, 8], {"highway": "motorway"}),
        (105, [3, 7], {"highway": "service", "access": "private"}),
        (106, [6, 1], {"highway": "path", "access": "private", "foot": "yes"}),
        (107, [60, 61], {"highway": "footway", "bridge": "yes", "layer": "1"}),
        (110, [9, 11, 12, 10, 9], {"leisure": "park", "name": "Testpark"}),
        (111, [20, 21, 22, 23, 20], {"leisure": "garden", "access": "private"}),
        (112, [30, 31, 32, 33, 30], {}),
        (113, [40, 41, 42, 43, 40], {"landuse": "allotments"}),
        (114, [53, 54], {"natural": "tree_row"}),
    ]
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        for nid, (x, y) in sorted(nodes.items()):
            writer.add_node(m.Node(id=nid, location=loc(x, y), tags=tags_n.get(nid, {}),
                                   version=1, timestamp="2024-01-01T00:00:00Z"))
        for wid, refs, tags in ways:
            writer.add_way(m.Way(id=wid, nodes=refs, tags=tags, version=1,
                                 timestamp="2024-01-01T00:00:00Z"))
        writer.add_relation(m.Relation(
            id=200, members=[("w", 112, "outer")], tags={"type": "multipolygon",
                                                         "landuse": "forest"},
            version=1, timestamp="2024-01-01T00:00:00Z"))


def overpass() -> None:
    """The answer of the Overpass API for testdorp's box: testdorp.osm.pbf as OSM XML."""
    import osmium

    out = FETCH / "overpass_testdorp.osm"
    with osmium.SimpleWriter(str(out), overwrite=True) as writer:
        for obj in osmium.FileProcessor(str(HERE / "testdorp.osm.pbf")):
            writer.add(obj)


def cityjson() -> None:
    """3DBAG CityJSON 2.0 (two buildings), CityJSONSeq and two API pages."""
    scale, translate = [0.001, 0.001, 0.001], [X0, Y0, 0.0]

    def q(x: float, y: float, z: float) -> list[int]:
        return [round(x / 0.001), round(y / 0.001), round(z / 0.001)]

    def building(bid: str, x: float, y: float, w: float, h: float, ground: float,
                 attrs: bool, lod0: bool) -> tuple[dict[str, object], list[list[int]]]:
        v = [q(x, y, ground), q(x + w, y, ground), q(x + w, y + w, ground), q(x, y + w, ground),
             q(x, y, ground + h), q(x + w, y, ground + h), q(x + w, y + w, ground + h),
             q(x, y + w, ground + h)]
        solid = {"type": "Solid", "lod": "1.2", "boundaries": [[
            [[0, 3, 2, 1]], [[4, 5, 6, 7]], [[0, 1, 5, 4]], [[1, 2, 6, 5]], [[2, 3, 7, 6]],
            [[3, 0, 4, 7]]]],
            "semantics": {"surfaces": [{"type": "GroundSurface"}, {"type": "RoofSurface"},
                                       {"type": "WallSurface"}],
                          "values": [[0, 1, 2, 2, 2, 2]]}}
        b: dict[str, object] = {"type": "Building", "children": [f"{bid}-0"], "attributes": {
            "identificatie": bid, "status": "Pand in gebruik", "oorspronkelijkbouwjaar": 1975}}
        if attrs:
            assert isinstance(b["attributes"], dict)
            b["attributes"] |= {"b3_h_maaiveld": ground, "b3_h_dak_70p": ground + h - 0.5,
                                "b3_volume_lod12": w * w * (h - 0.5)}
        b["geometry"] = ([{"type": "MultiSurface", "lod": "0", "boundaries": [[[0, 1, 2, 3]]]}]
                         if lod0 else [])
        part = {"type": "BuildingPart", "parents": [bid], "geometry": [solid]}
        return {bid: b, f"{bid}-0": part}, v

    objs_a, va = building("NL.IMBAG.Pand.9990100000000001", 200, 200, 20, 9, 1.2, True, True)
    objs_b, vb = building("NL.IMBAG.Pand.9990100000000002", 1200, 600, 12, 15, 0.8, False, False)
    ref = {"referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/7415"}
    header = {"type": "CityJSON", "version": "2.0",
              "transform": {"scale": scale, "translate": translate}, "metadata": ref,
              "CityObjects": {}, "vertices": []}
    shift_b = [[p[0], p[1], p[2]] for p in vb]
    doc = {**header, "CityObjects": {**objs_a, **{k: _shift(o, len(va)) for k, o in
                                                   objs_b.items()}},
           "vertices": va + shift_b}
    write_json(HERE / "bag3d_sample.city.json", doc)
    feats = [{"type": "CityJSONFeature", "id": next(iter(objs_a)), "CityObjects": objs_a,
              "vertices": va},
             {"type": "CityJSONFeature", "id": next(iter(objs_b)), "CityObjects": objs_b,
              "vertices": vb}]
    (HERE / "bag3d_sample.city.jsonl").write_text(
        "\n".join(json.dumps(x) for x in [header, *feats]) + "\n", "utf-8")
    page_meta = {"type": "CityJSON", "version": "2.0",
                 "transform": {"scale": scale, "translate": translate}, "metadata": ref}
    next_href = "https://api.3dbag.nl/collections/pand/items?bbox=136000,455000,138000,456000&offset=1"
    write_json(FETCH / "bag3d_page1.json", {
        "type": "FeatureCollection", "metadata": page_meta, "features": [feats[0]],
        "links": [{"rel": "next", "href": next_href}], "numberMatched": 2, "numberReturned": 1})
    moved = {"scale": scale, "translate": [X0 + 1000, Y0, 0.0]}
    vb2 = [[p[0] - 1_000_000, p[1], p[2]] for p in vb]
    write_json(FETCH / "bag3d_page2.json", {
        "type": "FeatureCollection", "metadata": {**page_meta, "transform": moved},
        "features": [{**feats[1], "vertices": vb2}], "links": [], "numberMatched": 2,
        "numberReturned": 1})


def _shift(obj: dict[str, object], offset: int) -> dict[str, object]:
    """Renumber a CityObject's vertex indices (for one shared vertex list)."""
    def walk(x: object) -> object:
        if isinstance(x, list):
            return [walk(i) for i in x]
        return x + offset if isinstance(x, int) else x

    out = dict(obj)
    geoms = []
    for g in obj.get("geometry", []):  # type: ignore[attr-defined]
        geoms.append({**g, "boundaries": walk(g["boundaries"])})
    out["geometry"] = geoms
    return out


def main() -> None:
    codes19 = ["GM9990", "WK999001", "WK999002", "BU99900101", "BU99900102", "BU99900201"]
    names19 = {c: (AREAS_2023.get(c, ("Oost", None))[0], None) for c in codes19}
    write_json(HERE / "cbs_84583NED_typeddataset.json", table_doc("84583NED", kwb_rows(2019)))
    write_json(HERE / "cbs_84583NED_wijkenenbuurten.json", names_doc("84583NED", names19))
    rows23 = kwb_rows(2023)
    write_json(HERE / "cbs_85618NED_typeddataset.json", table_doc("85618NED", rows23))
    write_json(HERE / "cbs_85618NED_wijkenenbuurten.json", names_doc("85618NED", AREAS_2023))
    write_json(HERE / "rivm_50120NED_typeddataset.json", table_doc("50120NED", rivm_rows()))
    nxt = ("https://opendata.cbs.nl/ODataApi/odata/85618NED/TypedDataSet?$filter=startswith"
           "(WijkenEnBuurten,'GM9990')&$format=json&$skiptoken=Guid'0004'")
    write_json(FETCH / "cbs_85618NED_page1.json", table_doc("85618NED", rows23[:4], nxt))
    write_json(FETCH / "cbs_85618NED_page2.json", table_doc("85618NED", rows23[4:]))
    write_json(FETCH / "cbs_85618NED_regions.json", names_doc("85618NED", AREAS_2023))
    base = "https://api.pdok.nl/cbs/wijken-en-buurten-2023/ogc/v1/collections"
    write_json(FETCH / "pdok_gemeenten.json", pdok_items("gemeenten", ["GM9990"], []))
    write_json(FETCH / "pdok_wijken.json", pdok_items("wijken", ["WK999001", "WK999002"], []))
    write_json(FETCH / "pdok_buurten_page1.json", pdok_items(
        "buurten", ["BU99900101", "BU99900102"],
        [{"rel": "next", "href": f"{base}/buurten/items?f=json&limit=1000&cursor=abc"}]))
    write_json(FETCH / "pdok_buurten_page2.json",
               pdok_items("buurten", ["BU99900202", "BU99900203"], []))
    gpkg()
    pbf()
    overpass()
    cityjson()


if __name__ == "__main__":
    main()
