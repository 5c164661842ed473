"""API: /api/areas, /api/areas/{code}, /api/areas.geojson, /api/capabilities and the front end."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("web") / "region"))


def test_list_areas_by_level_and_parent(client: TestClient) -> None:
    body = client.get("/api/areas", params={"level": "wijk"}).json()
    assert body["count"] == 6 and {a["level"] for a in body["areas"]} == {"wijk"}
    wijk = body["areas"][0]["code"]
    under = client.get("/api/areas", params={"level": "buurt", "parent": wijk}).json()
    assert under["count"] == 4 and all(a["parent"] == wijk for a in under["areas"])


def test_one_area_with_ancestors_children_and_extent(client: TestClient) -> None:
    body = client.get("/api/areas/WK900101").json()
    assert body["name"] == "Wijk 1.1"
    assert [a["level"] for a in body["ancestors"]] == ["gemeente", "region"]
    assert len(body["children"]) == 4
    west, south, east, north = body["bbox_wgs84"]
    assert west < body["centre_wgs84"][0] < east and south < body["centre_wgs84"][1] < north


def test_areas_geojson_is_rfc7946(client: TestClient) -> None:
    r = client.get("/api/areas.geojson", params={"level": "buurt", "simplify": 0})
    assert r.status_code == 200 and r.headers["content-type"] == "application/geo+json"
    fc = r.json()
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 24
    f = fc["features"][0]
    assert f["id"] == f["properties"]["code"]
    lon, lat = f["geometry"]["coordinates"][0][0]
    assert 3 < lon < 8 and 50 < lat < 54  # lon/lat order, EPSG:4326
    assert len(str(lon).split(".")[-1]) <= 6  # rounded to about 0.1 m


def test_geojson_is_gzipped_cached_and_etagged(client: TestClient) -> None:
    r = client.get("/api/areas.geojson", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    again = client.get("/api/areas.geojson", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("url", "field"), [
    ("/api/areas?level=street", "level"),
    ("/api/areas?parent=XX", "code"),
    ("/api/areas/BU00000000", "code"),
    ("/api/areas.geojson?simplify=-1", "simplify"),
    ("/api/areas.geojson?simplify=abc", "simplify"),
])
def test_bad_requests_answer_422_with_readable_text(client: TestClient, url: str,
                                                     field: str) -> None:
    r = client.get(url)
    assert r.status_code == 422
    body = r.json()
    assert isinstance(body["detail"], str) and f"field '{field}'" in body["detail"]
    assert body["problems"][0]["fix"]


def test_capabilities_say_what_is_mounted(client: TestClient) -> None:
    caps = client.get("/api/capabilities").json()
    assert caps["monitor"] is True
    paths = client.get("/openapi.json").json()["paths"]
    assert caps["scenarios"] == any(p.startswith("/api/scenarios") for p in paths)


def test_front_end_or_build_hint_at_root(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and "groengezond" in r.text
    assert client.get("/docs").status_code == 200


def test_static_serves_a_built_bundle(tmp_path: Path) -> None:
    from fastapi import FastAPI

    from groengezond.api.static import mount_static

    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>bundle</title>")
    (tmp_path / "assets" / "app.js").write_text("console.log(1)")
    app = FastAPI()
    mount_static(app, tmp_path)
    c = TestClient(app)
    assert "bundle" in c.get("/").text
    assert c.get("/assets/app.js").text == "console.log(1)"
    assert c.get("/favicon.svg").status_code == 404
