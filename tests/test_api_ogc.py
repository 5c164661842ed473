"""OGC API - Features - Part 1: Core, as QGIS expects it (OGC 17-069r4)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("web") / "region"))


def rels(doc: dict[str, object]) -> dict[str, dict[str, str]]:
    links = doc["links"]
    assert isinstance(links, list)
    return {link["rel"]: link for link in links}


def test_landing_page_links(client: TestClient) -> None:
    links = rels(client.get("/ogc").json())
    assert {"self", "service-desc", "conformance", "data"} <= set(links)
    assert client.get(urlparse(links["service-desc"]["href"]).path).status_code == 200
    assert client.get(urlparse(links["data"]["href"]).path).json()["collections"]


def test_conformance_declares_core_and_geojson(client: TestClient) -> None:
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    assert CORE in classes and GEOJSON_CONF in classes


def test_collections_have_extent_in_crs84_and_items_links(client: TestClient) -> None:
    body = client.get("/ogc/collections").json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == ["areas", "green", "buildings"]
    for c in body["collections"]:
        west, south, east, north = c["extent"]["spatial"]["bbox"][0]
        assert 3 < west < east < 8 and 50 < south < north < 54
        items = rels(c)["items"]
        assert items["type"] == "application/geo+json"
    one = client.get("/ogc/collections/buildings").json()
    assert one["id"] == "buildings" and one["itemType"] == "feature"


def test_items_default_limit_paging_links_and_counts(client: TestClient) -> None:
    r = client.get("/ogc/collections/buildings/items")
    assert r.headers["content-type"] == "application/geo+json"
    page = r.json()
    assert page["type"] == "FeatureCollection"
    assert page["numberReturned"] == len(page["features"]) == 10
    total = page["numberMatched"]
    assert total == 1316 and "timeStamp" in page
    links = rels(page)
    assert "prev" not in links and "next" in links and "self" in links
    nxt = urlparse(links["next"]["href"])
    assert parse_qs(nxt.query)["offset"] == ["10"]
    second = client.get(f"{nxt.path}?{nxt.query}").json()
    assert second["features"][0]["id"] != page["features"][0]["id"]
    assert "prev" in rels(second)
    last = client.get("/ogc/collections/buildings/items",
                      params={"limit": 100, "offset": total - 5}).json()
    assert last["numberReturned"] == 5 and "next" not in rels(last)


def test_limit_is_respected_and_lowered_to_the_maximum(client: TestClient) -> None:
    page = client.get("/ogc/collections/buildings/items", params={"limit": 3}).json()
    assert page["numberReturned"] == 3
    big = client.get("/ogc/collections/buildings/items", params={"limit": 50_000}).json()
    assert big["numberReturned"] == 1316  # every building fits under the maximum of 10,000


def test_bbox_keeps_only_features_that_intersect(client: TestClient) -> None:
    area = client.get("/api/areas/BU90010101").json()
    west, south, east, north = area["bbox_wgs84"]
    bbox = f"{west},{south},{east},{north}"
    page = client.get("/ogc/collections/buildings/items",
                      params={"bbox": bbox, "limit": 10_000}).json()
    assert 0 < page["numberMatched"] < 1316
    for f in page["features"]:
        xs = [c[0] for c in f["geometry"]["coordinates"][0]]
        ys = [c[1] for c in f["geometry"]["coordinates"][0]]
        assert max(xs) >= west and min(xs) <= east and max(ys) >= south and min(ys) <= north
    assert "bbox=" in rels(page)["self"]["href"]
    nothing = client.get("/ogc/collections/buildings/items", params={"bbox": "0,0,0.1,0.1"})
    assert nothing.json()["numberMatched"] == 0


def test_areas_filter_by_level(client: TestClient) -> None:
    page = client.get("/ogc/collections/areas/items", params={"level": "wijk"}).json()
    assert page["numberMatched"] == 6
    assert {f["properties"]["level"] for f in page["features"]} == {"wijk"}


def test_one_feature_and_404s(client: TestClient) -> None:
    f = client.get("/ogc/collections/areas/items/GM9001")
    assert f.status_code == 200 and f.headers["content-type"] == "application/geo+json"
    body = f.json()
    assert body["type"] == "Feature" and body["id"] == "GM9001"
    assert {"self", "collection"} <= set(rels(body))
    assert client.get("/ogc/collections/areas/items/NOPE").status_code == 404
    assert client.get("/ogc/collections/nope").status_code == 404
    assert client.get("/ogc/collections/nope/items").status_code == 404


@pytest.mark.parametrize(("query", "field"), [
    ({"limit": 0}, "limit"),
    ({"limit": "ten"}, "limit"),
    ({"offset": -1}, "offset"),
    ({"bbox": "1,2,3"}, "bbox"),
    ({"bbox": "a,b,c,d"}, "bbox"),
    ({"bbox": "5,53,6,52"}, "bbox"),
    ({"colour": "green"}, "colour"),
    ({"f": "xml"}, "f"),
])
def test_invalid_parameters_answer_400_with_readable_text(client: TestClient,
                                                          query: dict[str, object],
                                                          field: str) -> None:
    r = client.get("/ogc/collections/buildings/items", params=query)
    assert r.status_code == 400, r.text
    assert f"field '{field}'" in r.json()["detail"]


def test_level_only_for_areas(client: TestClient) -> None:
    assert client.get("/ogc/collections/green/items?level=buurt").status_code == 400
    assert client.get("/ogc/collections/areas/items?level=street").status_code == 400


def test_six_number_bbox_is_accepted(client: TestClient) -> None:
    r = client.get("/ogc/collections/areas/items", params={"bbox": "0,40,-10,10,60,100"})
    assert r.status_code == 200 and r.json()["numberMatched"] == 33
