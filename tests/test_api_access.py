"""API: green access per area (published) and its summary; the Verkenner catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app
from groengezond.catalogue.model import load_catalogue
from groengezond.catalogue.search import search
from groengezond.errors import InputError
from groengezond.region.testing import tiny_region


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("tiny") / "region", tiny_region()))


def test_access_computed_when_there_is_no_baseline(tiny: TestClient) -> None:
    body = tiny.get("/api/access/summary").json()
    assert body["origin"] == "computed"
    assert 0 <= body["summary"]["within_300m_network"] <= 1
    assert any("300 m" in row["measure"] for row in body["rows"])


def test_access_per_area_is_disclosure_controlled(tiny: TestClient) -> None:
    body = tiny.get("/api/access/areas", params={"level": "buurt"}).json()
    assert {a["code"] for a in body["areas"]} == {"BU99990101", "BU99990102"}
    for row in body["areas"]:  # the tiny buurten have 6 and 4 residents: fewer than 10
        assert row["suppressed"] is True and row["within_300m_network"] is None
        assert "fewer than 10" in row["suppression_reason"]
    one = tiny.get("/api/access/areas/BU99990101").json()
    assert one["code"] == "BU99990101" and one["suppressed"] is True


def test_access_reads_the_baseline(tmp_path: Path) -> None:
    from groengezond.services.baseline import compute_baseline

    app = web_app(tmp_path / "region", tiny_region())
    compute_baseline(tmp_path / "region")
    body = TestClient(app).get("/api/access/summary").json()
    assert body["origin"] == "baseline"
    assert body["network_degraded"] is True  # the baseline flags, it does not refuse


def test_access_on_a_degraded_network_is_served_flagged(tiny: TestClient) -> None:
    # the tiny region's homes lie 100-120 m from their streets (median snap > 50 m)
    body = tiny.get("/api/access/summary").json()
    assert body["network_degraded"] is True
    assert body["summary"]["network_quality"]["snap_p50_m"] == pytest.approx(100.0)
    assert any("FLAGGED" in row["note"] for row in body["rows"])
    areas = tiny.get("/api/access/areas", params={"level": "gemeente"}).json()
    assert areas["network_degraded"] is True
    assert all(row["network_degraded"] is True for row in areas["areas"])


@pytest.mark.parametrize(("url", "says"), [
    ("/api/access/areas?level=street", "field 'level'"),
    ("/api/access/areas/BU00000000", "no area with code"),
])
def test_access_bad_requests(tiny: TestClient, url: str, says: str) -> None:
    r = tiny.get(url)
    assert r.status_code == 422 and says in r.json()["detail"]


def test_access_without_addresses_is_a_readable_422(tmp_path: Path) -> None:
    client = TestClient(web_app(tmp_path / "region"))  # the web region has no addresses
    r = client.get("/api/access/summary")
    assert r.status_code == 422 and "addresses" in r.json()["detail"]


def test_catalogue_search_matches_the_service(tiny: TestClient) -> None:
    body = tiny.get("/api/catalogue", params={"problem": "heat", "max_cost_eur": 20_000}).json()
    expected = [i.id for i in search(load_catalogue(), problem="heat", max_cost_eur=20_000)]
    assert [i["id"] for i in body["items"]] == expected
    item = body["items"][0]
    assert item["name_nl"] and item["typical_cost_eur"]["low"] <= item["typical_cost_eur"]["high"]
    everything = tiny.get("/api/catalogue").json()
    assert everything["count"] == everything["of"] == len(load_catalogue())


def test_catalogue_text_search_and_one_item(tiny: TestClient) -> None:
    found = tiny.get("/api/catalogue", params={"q": "trees"}).json()["items"]
    assert found
    one = tiny.get(f"/api/catalogue/{found[0]['id']}").json()
    assert one["id"] == found[0]["id"] and one["sources_full"][0]["text"]


@pytest.mark.parametrize(("url", "field"), [
    ("/api/catalogue?problem=boredom", "problem"),
    ("/api/catalogue?min_evidence=anecdote", "min_evidence"),
    ("/api/catalogue?max_cost_eur=lots", "max_cost_eur"),
    ("/api/catalogue/no_such_thing", "id"),
])
def test_catalogue_bad_requests_carry_the_cli_text(tiny: TestClient, url: str,
                                                   field: str) -> None:
    r = tiny.get(url)
    assert r.status_code == 422 and f"field '{field}'" in r.json()["detail"]


def test_catalogue_error_is_the_service_error(tiny: TestClient) -> None:
    with pytest.raises(InputError) as err:
        search(load_catalogue(), problem="boredom")
    assert tiny.get("/api/catalogue?problem=boredom").json()["detail"] == err.value.message
