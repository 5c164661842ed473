"""Every importer fuzzed with hypothesis: bad input gives an InputError or a warning, never a crash.

Mutations: cut-off files, other encodings, random bytes, shuffled and missing columns, text in
numeric columns, duplicated codes and rows, empty geometries, wrong CRS. Each outcome must be a
result (whose warnings name file and what was done) or an InputError whose every problem names
the file, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groengezond.errors import InputError, Problem
from groengezond.sources.bag3d import read_buildings
from groengezond.sources.cbs import read_kwb
from groengezond.sources.config import load_config
from groengezond.sources.osm import read_green, read_network, read_trees
from groengezond.sources.pdok import read_boundaries
from groengezond.sources.population import read_residents
from groengezond.sources.rivm import read_small_area, read_statline_health

DATA = Path(__file__).resolve().parent / "data" / "sources"
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning",
                                        "ignore:Could not parse column:UserWarning")
FUZZ = settings(max_examples=int(os.environ.get("GG_FUZZ_EXAMPLES", "60")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

KWB_CSV = ("gwb_code_10,regio,recs,a_inw,a_man,g_wozbag,p_koopw\n"
           "GM9990,Testdorp,Gemeente,3605,1800,310,55\n"
           "WK999001,West,Wijk,2100,1050,300,.\n"
           "BU99900101,Zuidwest,Buurt,1250,620,290,54\n")
SMALL_AREA = "bu_code\tpop\tp\tse.p\nBU99900101\t100\t0.4\t0.02\nBU99900102\t80\t0.35\t0.03\n"
MONITOR = ("ID;Persoonskenmerken;Marges;RegioS;ErvarenGezondheidGoedZeerGoed_6\n"
           "1;80200;MW00000;GM9990;    70.1\n2;80200;MW00000;GM9991;    61.0\n")


def well_formed(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for p in problems:
        assert p.file and p.problem and p.fix, p


def outcome(call: Callable[[Path], Any], path: Path) -> None:
    """Run an importer: a result with well-formed warnings, or a well-formed InputError."""
    try:
        result = call(path)
    except InputError as exc:
        well_formed(exc.problems)
        return
    warnings = getattr(result, "warnings", ())
    if isinstance(result, tuple):
        warnings = result[1]
    well_formed(list(warnings))


def in_tmp(name: str, content: bytes, call: Callable[[Path], Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        outcome(call, path)


@st.composite
def byte_damage(draw: st.DrawFn, raw: bytes) -> bytes:
    kind = draw(st.sampled_from(["cut", "garbage", "encoding", "empty"]))
    if kind == "cut":
        return raw[: draw(st.integers(0, max(len(raw) - 1, 0)))]
    if kind == "garbage":
        at = draw(st.integers(0, max(len(raw) - 1, 0)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=40)) + raw[at + 20:]
    if kind == "encoding":
        text = raw.decode("utf-8", errors="replace")
        codec = draw(st.sampled_from(["latin-1", "utf-16", "cp1252", "utf-8-sig"]))
        return text.encode(codec, errors="replace")
    return b""


@st.composite
def table_damage(draw: st.DrawFn, text: str, sep: str) -> str:
    rows = [line.split(sep) for line in text.strip("\n").split("\n")]
    width = len(rows[0])
    kind = draw(st.sampled_from(["shuffle", "drop", "text", "duplicate", "short"]))
    if kind == "shuffle":
        order = draw(st.permutations(range(width)))
        rows = [[r[i] for i in order] for r in rows]
    elif kind == "drop":
        i = draw(st.integers(0, width - 1))
        rows = [r[:i] + r[i + 1:] for r in rows]
    elif kind == "text":
        r = draw(st.integers(1, len(rows) - 1))
        c = draw(st.integers(0, width - 1))
        rows[r][c] = draw(st.sampled_from(["abc", "1,2,3", "NaN", "", "-", "1e999", "∞"]))
    elif kind == "duplicate":
        rows.append(list(rows[draw(st.integers(1, len(rows) - 1))]))
    else:
        rows[-1] = rows[-1][: draw(st.integers(0, width - 1))]
    return "\n".join(sep.join(r) for r in rows) + "\n"


def tables(text: str, sep: str) -> st.SearchStrategy[bytes]:
    raw = text.encode()
    return st.one_of(byte_damage(raw), table_damage(text, sep).map(str.encode))


@st.composite
def json_damage(draw: st.DrawFn, doc: Any) -> bytes:
    doc = json.loads(json.dumps(doc))
    items = doc["value"] if isinstance(doc, dict) and "value" in doc else \
        doc.get("features", []) if isinstance(doc, dict) else []
    kind = draw(st.sampled_from(["delete", "text", "null", "duplicate", "crs", "cut"]))
    if kind == "cut":
        raw = json.dumps(doc).encode()
        return raw[: draw(st.integers(0, len(raw) - 1))]
    if items:
        item = items[draw(st.integers(0, len(items) - 1))]
        target = item.get("properties", item) if isinstance(item, dict) else item
        keys = sorted(target) if isinstance(target, dict) else []
        if kind == "duplicate":
            items.append(json.loads(json.dumps(item)))
        elif kind == "null" and "geometry" in item:
            item["geometry"] = draw(st.sampled_from([None, {"type": "Polygon",
                                                             "coordinates": []}]))
        elif keys:
            key = draw(st.sampled_from(keys))
            if kind == "delete":
                del target[key]
            else:
                target[key] = draw(st.sampled_from(["veel", "", ".", None, [], {"a": 1}]))
    if kind == "crs" and isinstance(doc, dict):
        doc["crs"] = {"type": "name", "properties": {"name": "EPSG:3857"}}
        if "metadata" in doc and isinstance(doc["metadata"], dict):
            doc["metadata"]["referenceSystem"] = "https://www.opengis.net/def/crs/EPSG/0/4326"
    return json.dumps(doc).encode()


def geojson(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


SQUARE = [[5.10, 52.08], [5.11, 52.08], [5.11, 52.09], [5.10, 52.09], [5.10, 52.08]]
WIJKEN = geojson([{"type": "Feature", "properties": {"wijkcode": c, "wijknaam": c},
                   "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}
                  for c in ("WK999001", "WK999002")])
OSM = geojson([
    {"type": "Feature", "properties": {"leisure": "park", "highway": None},
     "geometry": {"type": "Polygon", "coordinates": [SQUARE]}},
    {"type": "Feature", "properties": {"natural": "tree", "diameter_crown": "7"},
     "geometry": {"type": "Point", "coordinates": [5.105, 52.085]}},
    {"type": "Feature", "properties": {"highway": "footway", "natural": None},
     "geometry": {"type": "LineString", "coordinates": [[5.10, 52.08], [5.11, 52.09]]}}])
RESIDENTS = geojson([{"type": "Feature", "properties": {"aantal_inwoners": n},
                      "geometry": {"type": "Point", "coordinates": [5.105, 52.085]}}
                     for n in (5, -99997, 12)])


@FUZZ
@given(tables(KWB_CSV, ","))
def test_fuzz_kwb_csv(content: bytes) -> None:
    in_tmp("kwb2023.csv", content, read_kwb)


@FUZZ
@given(json_damage(json.loads((DATA / "cbs_85618NED_typeddataset.json").read_text())))
def test_fuzz_kwb_odata(content: bytes) -> None:
    in_tmp("cbs_85618NED_typeddataset.json", content, read_kwb)


@FUZZ
@given(tables(SMALL_AREA, "\t"))
def test_fuzz_small_area(content: bytes) -> None:
    in_tmp("p.tsv", content, lambda p: read_small_area(p, indicator="overweight_pct", year=2012))


@FUZZ
@given(st.one_of(tables(MONITOR, ";"),
                 json_damage(json.loads((DATA / "rivm_50120NED_typeddataset.json").read_text()))))
def test_fuzz_statline_health(content: bytes) -> None:
    name = "t.json" if content.lstrip()[:1] in (b"{", b"[") else "t.csv"
    in_tmp(name, content, lambda p: read_statline_health(p, year=2020))


@FUZZ
@given(st.one_of(json_damage(WIJKEN), byte_damage(json.dumps(WIJKEN).encode())))
def test_fuzz_boundaries_geojson(content: bytes) -> None:
    in_tmp("wijken.geojson", content, read_boundaries)


@FUZZ
@given(byte_damage((DATA / "wijkenbuurten_2023_sample.gpkg").read_bytes()))
def test_fuzz_boundaries_geopackage(content: bytes) -> None:
    in_tmp("wijkenbuurten.gpkg", content, read_boundaries)


@FUZZ
@given(st.one_of(json_damage(OSM), byte_damage(json.dumps(OSM).encode())),
       st.sampled_from([read_green, read_trees, read_network]))
def test_fuzz_osm_geojson(content: bytes, reader: Callable[[Path], Any]) -> None:
    in_tmp("osm.geojson", content, reader)


@FUZZ
@given(byte_damage((DATA / "testdorp.osm.pbf").read_bytes()),
       st.sampled_from([read_green, read_trees, read_network]))
def test_fuzz_osm_pbf(content: bytes, reader: Callable[[Path], Any]) -> None:
    pytest.importorskip("osmium")
    in_tmp("x.osm.pbf", content, reader)


@FUZZ
@given(st.one_of(json_damage(json.loads((DATA / "bag3d_sample.city.json").read_text())),
                 byte_damage((DATA / "bag3d_sample.city.jsonl").read_bytes())))
def test_fuzz_buildings(content: bytes) -> None:
    name = "b.city.jsonl" if content.count(b"\n") > 1 else "b.city.json"
    in_tmp(name, content, read_buildings)


@FUZZ
@given(st.one_of(json_damage(RESIDENTS), byte_damage(json.dumps(RESIDENTS).encode())))
def test_fuzz_residents(content: bytes) -> None:
    in_tmp("r.geojson", content, read_residents)


CONFIG = (f"name: Testdorp\nbase_dir: {DATA}\ngemeenten: [GM9990]\n"
          "cbs: [{path: cbs_85618NED_typeddataset.json}]\n"
          "boundaries: [{path: wijkenbuurten_2023_sample.gpkg, year: 2023}]\n"
          "population: {method: lattice, spacing_m: 100}\n")


@FUZZ
@given(st.one_of(byte_damage(CONFIG.encode()), table_damage(CONFIG, ":").map(str.encode)))
def test_fuzz_config(content: bytes) -> None:
    in_tmp("sources.yaml", content, load_config)
