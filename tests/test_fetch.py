"""`groengezond fetch` against recorded responses served through httpx.MockTransport.

Only the transport is replaced: the paging, retries, cache and the parsing of what was written
run for real.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
import typer
from typer.testing import CliRunner

from groengezond.cli.fetch_cmd import fetch_command
from groengezond.errors import InputError
from groengezond.region.store import read_region
from groengezond.services.build import build_to_folder
from groengezond.sources._http import FetchError, HttpClient, OfflineError, RetryPolicy
from groengezond.sources.bag3d import read_buildings
from groengezond.sources.cbs import read_kwb
from groengezond.sources.fetch import fetch_sources
from groengezond.sources.pdok import read_boundaries

FIXTURES = Path(__file__).resolve().parent / "data" / "sources" / "fetch"


def recorded(request: httpx.Request) -> httpx.Response:
    """Serve the recorded response for a request, by host, path and query."""
    url = request.url
    query = parse_qs(url.query.decode())
    host, path = url.host, url.path
    name = None
    if host == "opendata.cbs.nl" and path.endswith("/85618NED/TypedDataSet"):
        name = "cbs_85618NED_page2.json" if "$skiptoken" in query else "cbs_85618NED_page1.json"
        if "$skiptoken" not in query:
            assert "startswith(WijkenEnBuurten,'BU9990')" in query["$filter"][0]
    elif host == "opendata.cbs.nl" and path.endswith("/85618NED/WijkenEnBuurten"):
        name = "cbs_85618NED_regions.json"
    elif host == "api.pdok.nl" and "/wijken-en-buurten-2023/" in path:
        collection = path.split("/collections/")[1].split("/")[0]
        name = {"gemeenten": "pdok_gemeenten.json", "wijken": "pdok_wijken.json"}.get(
            collection, "pdok_buurten_page2.json" if "cursor" in query
            else "pdok_buurten_page1.json")
    elif host == "dataderden.cbs.nl" and path.endswith("/50090NED/TypedDataSet"):
        name = "rivm_50090NED_page2.json" if "$skiptoken" in query else \
            "rivm_50090NED_page1.json"
    elif host == "dataderden.cbs.nl" and path.endswith("/50090NED/DataProperties"):
        name = "rivm_50090NED_dataproperties.json"
    elif host == "api.3dbag.nl":
        name = "bag3d_page2.json" if "offset" in query else "bag3d_page1.json"
    elif host == "overpass-api.de" and path == "/api/interpreter":
        assert "[bbox:" in query["data"][0] and 'way["highway"]' in query["data"][0]
        name = "overpass_testdorp.osm"
    if name is None:
        return httpx.Response(404, text="not recorded")
    return httpx.Response(200, content=(FIXTURES / name).read_bytes(),
                          headers={"Content-Type": "application/json"})


def client(tmp_path: Path, handler: object = recorded, **kwargs: object) -> HttpClient:
    return HttpClient(cache_dir=tmp_path / "cache",
                      transport=httpx.MockTransport(handler),  # type: ignore[arg-type]
                      sleep=lambda s: None, **kwargs)  # type: ignore[arg-type]


def test_fetch_writes_files_that_build_a_valid_region(tmp_path: Path) -> None:
    out = tmp_path / "fetched"
    with client(tmp_path) as http:
        result = fetch_sources(["GM9990"], 2023, out, http)
    assert result.counts == {"kwb_rows": 7, "gemeenten": 1, "wijken": 2, "buurten": 4,
                             "buildings": 2, "health_rows": 15, "osm_ways": 13}
    table = read_kwb(out / "cbs_kwb_2023.json", names=out / "cbs_kwb_2023_regions.json")
    assert table.year == 2023 and len(table.areas) == 7
    assert table.areas.set_index("code").loc["WK999002", "name"] == "Wijk 02 Oost"
    bounds = read_boundaries(out / "wijkenbuurten_2023.gpkg")
    assert bounds.polygons["level"].value_counts().to_dict() == {"buurt": 4, "wijk": 2,
                                                                 "gemeente": 1}
    assert bounds.polygons.area.sum() == pytest.approx(3 * 2_000_000, rel=1e-3)
    buildings = read_buildings(out / "bag3d.city.jsonl").frame.set_index("bag_id")
    second = buildings.loc["NL.IMBAG.Pand.9990100000000002"]
    assert second.geometry.bounds[0] == pytest.approx(137_200.0)  # page 2 re-quantised
    build_to_folder(out / "sources.yaml", tmp_path / "region")
    region = read_region(tmp_path / "region")
    assert region.counts()["areas_buurt"] == 4 and len(region.buildings) == 2
    # OSM from the Overpass API: the walking network, green and trees
    assert len(region.network_edges) > 0 and len(region.green) > 0 and len(region.trees) > 0
    assert "network" in region.meta.quality


def test_overpass_runtime_error_and_offline_are_clear(tmp_path: Path) -> None:
    from groengezond.sources.fetch import fetch_osm

    def stopped(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text='<?xml version="1.0"?><osm version="0.6">'
                              "<remark> runtime error: Query timed out in \"query\" at line 3 "
                              "after 601 seconds. </remark></osm>")

    with client(tmp_path, stopped) as http, pytest.raises(FetchError, match="timed out"):
        fetch_osm(http, (5.0, 52.0, 5.1, 52.1))
    assert not list((tmp_path / "cache").rglob("*.body"))  # an error is not cached

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    with client(tmp_path, down) as http, pytest.raises(OfflineError, match="offline") as err:
        fetch_osm(http, (5.0, 52.0, 5.1, 52.1))
    assert "overpass-api.de" in str(err.value)


def test_second_fetch_is_served_from_the_cache(tmp_path: Path) -> None:
    with client(tmp_path) as http:
        fetch_sources(["GM9990"], 2023, tmp_path / "a", http)
        first = http.requests
    with client(tmp_path) as http:
        fetch_sources(["GM9990"], 2023, tmp_path / "b", http)
        assert http.requests == 0 and http.cache_hits >= first


def test_retries_with_backoff_then_succeeds(tmp_path: Path) -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] <= 2:
            return httpx.Response(503, text="busy", headers={"Retry-After": "7"}
                                  if calls["n"] == 2 else {})
        return recorded(request)

    waits: list[float] = []
    http = HttpClient(transport=httpx.MockTransport(flaky), sleep=waits.append,
                      retry=RetryPolicy(attempts=4, backoff_s=0.5))
    doc = http.get_json("https://opendata.cbs.nl/ODataApi/odata/85618NED/WijkenEnBuurten")
    assert len(doc["value"]) == 7
    assert waits == [0.5, 7.0]


def test_offline_machine_gets_a_clear_message(tmp_path: Path) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Name or service not known", request=request)

    waits: list[float] = []
    with client(tmp_path, down) as http:
        http.sleep = waits.append
        with pytest.raises(OfflineError, match="offline") as err:
            fetch_sources(["GM9990"], 2023, tmp_path / "out", http)
    assert "groengezond build" in str(err.value)
    assert waits == [1.0, 2.0, 4.0]
    assert not (tmp_path / "out").exists()


def test_http_errors_and_bad_arguments(tmp_path: Path) -> None:
    def missing(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="no such table")

    with client(tmp_path, missing) as http:
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch_sources(["GM9990"], 2023, tmp_path / "out", http)
        with pytest.raises(InputError, match="GM0344"):
            fetch_sources(["0344"], 2023, tmp_path / "out", http)
        with pytest.raises(InputError, match="2019"):
            fetch_sources(["GM9990"], 2015, tmp_path / "out", http)
    assert not (tmp_path / "out").exists()


def test_cli_fetch_command_reports_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("unreachable", request=request)

    real = HttpClient.__init__

    def offline_init(self: HttpClient, **kwargs: object) -> None:
        real(self, transport=httpx.MockTransport(down), sleep=lambda s: None,
             **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(HttpClient, "__init__", offline_init)
    app = typer.Typer()
    app.command("fetch")(fetch_command)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["fetch", "--gemeente", "GM9990", "--year", "2023", "--out",
                                      str(tmp_path / "o"), "--cache-dir",
                                      str(tmp_path / "c")])
    assert result.exit_code == 1
    assert "offline" in result.output


def test_cache_drops_responses_that_are_not_json(tmp_path: Path) -> None:
    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>")

    with client(tmp_path, html) as http, pytest.raises(FetchError, match="JSON"):
        http.get_json("https://api.pdok.nl/x")
    assert not list((tmp_path / "cache").rglob("*.body"))
    assert json.loads((FIXTURES / "pdok_wijken.json").read_text())["type"] == "FeatureCollection"
