"""Download CBS, PDOK, 3DBAG and OSM data for one or more gemeenten (online machines only).

For a year and a list of gemeenten, :func:`fetch_sources` writes into one folder:

- ``cbs_kwb_<year>.json``: the KWB ``TypedDataSet`` rows of those gemeenten, their wijken and
  buurten (StatLine OData v3, ``opendata.cbs.nl/ODataApi/odata/<table>``, following
  ``odata.nextLink``), and ``cbs_kwb_<year>_regions.json`` with the area names;
- ``wijkenbuurten_<year>.gpkg``: gemeente, wijk and buurt polygons in RD New from PDOK's OGC API
  Features ``cbs/wijken-en-buurten-<year>`` (following ``rel=next`` links);
- ``bag3d.city.jsonl``: the 3DBAG buildings in the gemeenten's bounding box (3DBAG API, as
  CityJSONSeq);
- ``rivm_50090NED.json``: the RIVM health estimates 'Gezondheid per wijk en buurt' (50090NED:
  2012, 2016, 2020; ages 18+ and 65+) of those gemeenten, wijken and buurten, as OData v3
  ``TypedDataSet`` rows with the table's ``DataProperties`` (units), from
  ``dataderden.cbs.nl/ODataApi/odata/50090NED``;
- ``osm.osm``: OpenStreetMap in the gemeenten's bounding box (plus :data:`OSM_MARGIN_DEG`)
  from the Overpass API (:func:`fetch_osm`), as OSM XML: every ``highway`` way (the walking
  network), green areas (leisure, landuse, natural, landcover ways and relations,
  cemeteries) and trees, with the nodes they use; ``groengezond build`` reads it for green,
  trees and the network;
- ``sources.yaml``: a build config for ``groengezond build`` using these files.

The folder is written atomically. Responses are cached on disk, requests are retried with
backoff, and an offline machine gets a clear :class:`~groengezond.sources._http.OfflineError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import yaml

from groengezond.errors import InputError
from groengezond.region.schema import CRS
from groengezond.region.store import atomic_dir
from groengezond.sources._http import FetchError, HttpClient
from groengezond.sources.cbs import load_kwb_mapping

CBS_ODATA = "https://opendata.cbs.nl/ODataApi/odata"
RIVM_ODATA = "https://dataderden.cbs.nl/ODataApi/odata"
"""Tables of third parties (RIVM's 50090NED among them) on CBS's OData v3 service."""
HEALTH_TABLE = "50090NED"
PDOK_OGC = "https://api.pdok.nl/cbs/wijken-en-buurten-{year}/ogc/v1"
BAG3D_API = "https://api.3dbag.nl"
OVERPASS_API = "https://overpass-api.de/api/interpreter"
OSM_MARGIN_DEG = 0.01
"""Margin (degrees, about 1 km) around the gemeenten's box in the OSM request: walks and
green just over the border count for access."""
OVERPASS_QUERY = """[out:xml][timeout:600][maxsize:2147483648][bbox:{s},{w},{n},{e}];
(
  way["highway"];
  way["leisure"]; relation["leisure"]["type"="multipolygon"];
  way["landuse"]; relation["landuse"]["type"="multipolygon"];
  way["natural"]; relation["natural"]["type"="multipolygon"];
  way["landcover"]; relation["landcover"]["type"="multipolygon"];
  way["amenity"="grave_yard"];
  node["natural"="tree"];
);
(._;>;);
out body;"""
"""Overpass QL: the ways, relations and nodes the OSM readers use, with their nodes
(``out body`` lists nodes first, as pyosmium needs for node locations)."""
PAGE_LIMIT = 1000
"""Features per page asked from the OGC APIs."""
MAX_PAGES = 10_000
"""Safety stop when following ``next`` links."""

Progress = Callable[[str, float], None]


@dataclass
class FetchResult:
    """What a fetch wrote: the folder, the files per layer and the build config."""

    folder: Path
    files: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    config: Path | None = None


def _check(gemeenten: list[str], year: int) -> None:
    bad = [g for g in gemeenten if not (len(g) == 6 and g.startswith("GM") and g[2:].isdigit())]
    if bad or not gemeenten:
        raise InputError.single("--gemeente", "", "gemeente", f"{bad or 'none'} given",
                                "give CBS gemeente codes like GM0344 (repeat the option for more)")
    tables = load_kwb_mapping().tables
    if year not in tables:
        raise InputError.single("--year", "", "year", f"no KWB table known for {year}",
                                f"use one of {', '.join(map(str, sorted(tables)))}")


def _pages(client: HttpClient, url: str, params: dict[str, str] | None, next_of: Callable[
        [Any], str | None], what: str) -> Iterator[Any]:
    page: dict[str, str] | None = params
    for _ in range(MAX_PAGES):
        doc = client.get_json(url, page)
        yield doc
        following = next_of(doc)
        if not following:
            return
        url, page = following, None
    raise FetchError(f"{what}: more than {MAX_PAGES} pages; narrow the request")


def fetch_kwb(client: HttpClient, year: int, gemeenten: list[str]
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """KWB rows and area names of the gemeenten (OData v3 JSON documents)."""
    table = load_kwb_mapping().tables[year]
    digits = [g[2:] for g in gemeenten]
    where = " or ".join(f"startswith(WijkenEnBuurten,'{p}{d}')" for d in digits
                        for p in ("GM", "WK", "BU"))
    rows: list[Any] = []
    meta = f"{CBS_ODATA}/{table}/$metadata#Cbs.OData.WebAPI.TypedDataSet"
    for doc in _pages(client, f"{CBS_ODATA}/{table}/TypedDataSet",
                      {"$filter": where, "$format": "json"},
                      lambda d: d.get("odata.nextLink") if isinstance(d, dict) else None,
                      f"CBS {table}"):
        if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
            raise FetchError(f"CBS {table} TypedDataSet did not answer with OData rows")
        meta = doc.get("odata.metadata", meta)
        rows += doc["value"]
    if not rows:
        raise FetchError(f"CBS {table} has no rows for {', '.join(gemeenten)}; check the codes "
                         f"(gemeenten of {year})")
    names_filter = " or ".join(f"startswith(Key,'{p}{d}')" for d in digits
                               for p in ("GM", "WK", "BU"))
    names: list[Any] = []
    for doc in _pages(client, f"{CBS_ODATA}/{table}/WijkenEnBuurten",
                      {"$filter": names_filter, "$format": "json"},
                      lambda d: d.get("odata.nextLink") if isinstance(d, dict) else None,
                      f"CBS {table} names"):
        names += doc.get("value", []) if isinstance(doc, dict) else []
    return {"odata.metadata": meta, "value": rows}, {"value": names}


def _area_filter(gemeenten: list[str], key: str = "WijkenEnBuurten") -> str:
    return " or ".join(f"startswith({key},'{p}{g[2:]}')" for g in gemeenten
                       for p in ("GM", "WK", "BU"))


def fetch_health(client: HttpClient, gemeenten: list[str]) -> dict[str, Any]:
    """RIVM 50090NED rows of the gemeenten, their wijken and buurten, with DataProperties.

    Returns the OData document as :func:`groengezond.sources.rivm_50090.read_rivm_50090` reads
    it: ``{"odata.metadata": ..., "value": [rows], "DataProperties": [...]}``.
    """
    url = f"{RIVM_ODATA}/{HEALTH_TABLE}"
    rows: list[Any] = []
    meta = f"{url}/$metadata#Cbs.OData.WebAPI.TypedDataSet"
    for doc in _pages(client, f"{url}/TypedDataSet",
                      {"$filter": _area_filter(gemeenten), "$format": "json"},
                      lambda d: d.get("odata.nextLink") if isinstance(d, dict) else None,
                      f"RIVM {HEALTH_TABLE}"):
        if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
            raise FetchError(f"RIVM {HEALTH_TABLE} TypedDataSet did not answer with OData rows")
        meta = doc.get("odata.metadata", meta)
        rows += doc["value"]
    if not rows:
        raise FetchError(f"RIVM {HEALTH_TABLE} has no rows for {', '.join(gemeenten)}; it "
                         "uses the gemeente codes of 2020")
    props = client.get_json(f"{url}/DataProperties", {"$format": "json"})
    properties = props.get("value", []) if isinstance(props, dict) else []
    return {"odata.metadata": meta, "value": rows, "DataProperties": properties}


def _next_link(doc: Any) -> str | None:
    if not isinstance(doc, dict):
        return None
    for link in doc.get("links", []) or []:
        if isinstance(link, dict) and link.get("rel") == "next" and link.get("href"):
            return str(link["href"])
    return None


def _gm(value: Any) -> str:
    text = str(value or "").strip()
    return text if text.startswith("GM") else "GM" + text.zfill(4)


def _features(client: HttpClient, base: str, collection: str, params: dict[str, str]
              ) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for doc in _pages(client, f"{base}/collections/{collection}/items",
                      {"f": "json", "limit": str(PAGE_LIMIT), **params}, _next_link,
                      f"PDOK {collection}"):
        if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
            raise FetchError(f"PDOK {collection} did not answer with GeoJSON features")
        out += doc["features"]
    return out


def fetch_boundaries(client: HttpClient, year: int, gemeenten: list[str]
                     ) -> dict[str, gpd.GeoDataFrame]:
    """Gemeente, wijk and buurt polygons (RD New) from PDOK's OGC API for ``year``."""
    base = PDOK_OGC.format(year=year)
    wanted = set(gemeenten)
    try:
        found = [f for g in gemeenten
                 for f in _features(client, base, "gemeenten", {"gemeentecode": g})]
    except FetchError:
        found = []
    found = [f for f in found if _gm((f.get("properties") or {}).get("gemeentecode")) in wanted]
    if len(found) < len(wanted):
        found = [f for f in _features(client, base, "gemeenten", {})
                 if _gm((f.get("properties") or {}).get("gemeentecode")) in wanted]
    if not found:
        raise FetchError(f"PDOK wijken-en-buurten-{year} has no gemeente "
                         f"{', '.join(gemeenten)}")
    layers = {"gemeenten": _to_frame(found)}
    bbox = ",".join(f"{v:.6f}" for v in layers["gemeenten"].to_crs("EPSG:4326").total_bounds)
    for collection in ("wijken", "buurten"):
        feats = [f for f in _features(client, base, collection, {"bbox": bbox})
                 if _gm((f.get("properties") or {}).get("gemeentecode")) in wanted]
        layers[collection] = _to_frame(feats)
    return layers


def _to_frame(features: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    for col in frame.columns:
        if col != "geometry" and frame[col].dtype == object:
            frame[col] = frame[col].map(lambda v: json.dumps(v) if isinstance(v, dict | list)
                                        else v)
    if "gemeentecode" in frame.columns:
        frame["gemeentecode"] = frame["gemeentecode"].map(_gm)
    return frame.to_crs(CRS)


def fetch_buildings(client: HttpClient, bbox_rd: tuple[float, float, float, float]
                    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """3DBAG buildings in a bounding box (RD New, m): CityJSON header and CityJSONFeatures.

    Every page's vertices are brought to the first page's ``transform``.
    """
    header: dict[str, Any] | None = None
    features: list[dict[str, Any]] = []
    bbox = ",".join(f"{v:.0f}" for v in bbox_rd)
    for doc in _pages(client, f"{BAG3D_API}/collections/pand/items", {"bbox": bbox},
                      _next_link, "3DBAG"):
        if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
            raise FetchError("3DBAG did not answer with CityJSONFeatures")
        meta = doc.get("metadata") or {}
        transform = meta.get("transform") if isinstance(meta, dict) else None
        if header is None:
            header = {"type": "CityJSON", "version": meta.get("version", "2.0"),
                      "transform": transform, "metadata": meta.get("metadata", {
                          "referenceSystem": "https://www.opengis.net/def/crs/EPSG/0/7415"}),
                      "CityObjects": {}, "vertices": []}
        for feature in doc["features"]:
            if transform != header["transform"] and transform and header["transform"]:
                feature = _requantize(feature, transform, header["transform"])
            features.append(feature)
    assert header is not None
    return header, features


def _requantize(feature: dict[str, Any], source: dict[str, Any], target: dict[str, Any]
                ) -> dict[str, Any]:
    verts = np.asarray(feature.get("vertices", []), dtype=float).reshape(-1, 3)
    real = verts * np.asarray(source["scale"]) + np.asarray(source["translate"])
    back = np.round((real - np.asarray(target["translate"])) / np.asarray(target["scale"]))
    return {**feature, "vertices": back.astype(np.int64).tolist()}


def fetch_osm(client: HttpClient, bbox_wgs84: tuple[float, float, float, float]) -> bytes:
    """OSM XML of the walking network, green and trees in a box, from the Overpass API.

    Parameters
    ----------
    client : HttpClient
        HTTP client (retries, cache, offline message).
    bbox_wgs84 : (float, float, float, float)
        (west, south, east, north) in degrees.

    Returns
    -------
    bytes
        An ``.osm`` (XML) document.

    Raises
    ------
    FetchError
        When Overpass answers with something that is not OSM XML, or with a runtime error
        (e.g. a timeout on a large box).
    """
    w, s_, e, n = bbox_wgs84
    query = OVERPASS_QUERY.format(s=f"{s_:.6f}", w=f"{w:.6f}", n=f"{n:.6f}", e=f"{e:.6f}")
    params = {"data": query}
    body = client.get_bytes(OVERPASS_API, params)
    head = body[:2000].decode("utf-8", "replace")
    if "<osm" not in head:
        client.forget(OVERPASS_API, params)
        raise FetchError(f"the Overpass API did not answer with OSM XML ({head[:200]!r}); try "
                         "again later, or download a Geofabrik extract and clip it with "
                         "'osmium extract'")
    tail = body[-4000:].decode("utf-8", "replace")
    if "<remark>" in tail and "error" in tail.split("<remark>", 1)[1].lower():
        remark = tail.split("<remark>", 1)[1].split("</remark>", 1)[0].strip()
        client.forget(OVERPASS_API, params)
        raise FetchError(f"the Overpass API stopped: {remark}; try again later or fetch fewer "
                         "gemeenten at once")
    return body


def fetch_sources(gemeenten: list[str], year: int, out: Path, client: HttpClient, *,
                  buildings: bool = True, health: bool = True, osm: bool = True,
                  progress: Progress | None = None) -> FetchResult:
    """Download KWB, boundaries, RIVM health, OSM and 3DBAG buildings; write a build config.

    Parameters
    ----------
    gemeenten : list of str
        Gemeente codes (``GM0344``) of the map of ``year``.
    year : int
        KWB year (2019-2024) and year of the PDOK map.
    out : Path
        Folder to create or replace (atomically).
    client : HttpClient
        HTTP client (retries, cache).
    buildings : bool
        Also download 3DBAG buildings (many requests for a large gemeente).
    health : bool
        Also download the RIVM health estimates per wijk and buurt (50090NED).
    osm : bool
        Also download OpenStreetMap (walking network, green, trees) from the Overpass API.
    progress : callable, optional
        ``progress(step, fraction)``.

    Returns
    -------
    FetchResult
    """
    _check(gemeenten, year)
    result = FetchResult(Path(out))

    def step(text: str, fraction: float) -> None:
        if progress is not None:
            progress(text, fraction)

    step("CBS key figures", 0.05)
    kwb, names = fetch_kwb(client, year, gemeenten)
    step("PDOK boundaries", 0.3)
    layers = fetch_boundaries(client, year, gemeenten)
    rivm: dict[str, Any] | None = None
    if health:
        step("RIVM health per wijk and buurt", 0.5)
        rivm = fetch_health(client, gemeenten)
    bag: tuple[dict[str, Any], list[dict[str, Any]]] | None = None
    if buildings:
        step("3DBAG buildings", 0.6)
        minx, miny, maxx, maxy = (float(v) for v in layers["gemeenten"].total_bounds)
        bag = fetch_buildings(client, (minx, miny, maxx, maxy))
    osm_body: bytes | None = None
    if osm:
        step("OpenStreetMap (Overpass)", 0.8)
        w, s_, e, n = (float(v) for v in layers["gemeenten"].to_crs("EPSG:4326").total_bounds)
        osm_body = fetch_osm(client, (w - OSM_MARGIN_DEG, s_ - OSM_MARGIN_DEG,
                                      e + OSM_MARGIN_DEG, n + OSM_MARGIN_DEG))
    step("writing", 0.9)
    with atomic_dir(Path(out)) as tmp:
        files = {"cbs": f"cbs_kwb_{year}.json", "names": f"cbs_kwb_{year}_regions.json",
                 "boundaries": f"wijkenbuurten_{year}.gpkg"}
        (tmp / files["cbs"]).write_text(json.dumps(kwb, ensure_ascii=False), "utf-8")
        (tmp / files["names"]).write_text(json.dumps(names, ensure_ascii=False), "utf-8")
        for layer, frame in layers.items():
            frame.to_file(tmp / files["boundaries"], layer=layer, driver="GPKG",
                          engine="pyogrio")
        if rivm is not None:
            files["health"] = f"rivm_{HEALTH_TABLE}.json"
            (tmp / files["health"]).write_text(json.dumps(rivm, ensure_ascii=False), "utf-8")
        if bag is not None:
            files["buildings"] = "bag3d.city.jsonl"
            lines = [json.dumps(bag[0])] + [json.dumps(f) for f in bag[1]]
            (tmp / files["buildings"]).write_text("\n".join(lines) + "\n", "utf-8")
        config: dict[str, Any] = {
            "name": f"{', '.join(gemeenten)} ({year}, fetched)", "base_dir": ".",
            "gemeenten": gemeenten, "primary_year": year,
            "cbs": [{"path": files["cbs"], "year": year, "names": files["names"]}],
            "boundaries": [{"path": files["boundaries"], "year": year}],
            "population": {"method": "auto"}}
        if rivm is not None:
            config["health"] = [{"kind": "rivm_50090", "path": files["health"]}]
        if bag is not None:
            config["buildings"] = {"path": files["buildings"], "lod": "1.2"}
        if osm_body is not None:
            files["osm"] = "osm.osm"
            (tmp / files["osm"]).write_bytes(osm_body)
            for key in ("green", "trees", "network"):
                config[key] = {"path": files["osm"]}
        (tmp / "sources.yaml").write_text(
            "# Written by 'groengezond fetch'. Add other files as needed,\n"
            "# then: groengezond build --config sources.yaml --out REGION\n"
            + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), "utf-8")
    result.files = files
    result.counts = {"kwb_rows": len(kwb["value"]), **{k: len(v) for k, v in layers.items()},
                     "buildings": len(bag[1]) if bag else 0}
    if rivm is not None:
        result.counts["health_rows"] = len(rivm["value"])
    if osm_body is not None:
        result.counts["osm_ways"] = osm_body.count(b"<way ")
    result.config = Path(out) / "sources.yaml"
    step("done", 1.0)
    return result
