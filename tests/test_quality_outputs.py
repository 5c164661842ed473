"""Quality flags in access results and in the API (areas, OGC features, indicators, access)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app, web_region
from groengezond.region.model import Region
from groengezond.region.quality import LayerQuality, set_layer_quality
from groengezond.region.testing import tiny_region
from groengezond.services.access import AccessOptions, compute_access, summary_rows

DEGRADED_OK = AccessOptions(allow_degraded_network=True)
"""The tiny region's homes stand 100-120 m from their streets, which fails the network gate;
these tests are about the quality flags, not the gate."""

PLACEHOLDER = "BU90010101"


def flagged(region: Region) -> Region:
    """``region`` with one placeholder buurt and lattice addresses."""
    areas = region.areas.copy()
    areas["geometry_quality"] = "real"
    areas.loc[areas["code"] == PLACEHOLDER, "geometry_quality"] = "placeholder"
    region = region.with_layers(areas=areas)
    return set_layer_quality(region, "addresses", LayerQuality(
        status="placeholder", key="addresses.lattice", reason="a lattice, not addresses"))


def test_access_rows_flag_lattice_addresses() -> None:
    region = tiny_region()
    plain = compute_access(region, DEGRADED_OK)
    assert set(plain.areas["quality"]) == {"real"} and plain.summary["quality"] == "real"
    lattice = set_layer_quality(region, "addresses", LayerQuality(
        status="placeholder", key="addresses.lattice", reason="lattice"))
    result = compute_access(lattice, DEGRADED_OK)
    assert set(result.areas["quality"]) == {"placeholder"}
    assert set(result.addresses["quality"]) == {"placeholder"}
    assert result.summary["quality"] == "placeholder"
    rows = {m: v for m, v, _ in summary_rows(result)}
    assert rows["residents within 300 m (network)"].endswith("[placeholder]")


def test_access_without_trees_or_land_cover_is_not_computable_not_zero() -> None:
    region = tiny_region()
    bare = region.with_layers(trees=region.trees.iloc[0:0], landcover=None)
    result = compute_access(bare, DEGRADED_OK)
    missing = result.summary["not_computable"]
    assert missing["meets_3_trees"]["key"] == "access.trees_missing"
    assert missing["meets_30_canopy"]["key"] == "access.landcover_missing"
    assert "meets_3_trees" in result.summary and result.summary["meets_3_trees"] != 0
    rows = {m: v for m, v, _ in summary_rows(result)}
    assert rows["3 trees seen from home"] == ("not computable: the region has no trees "
                                              "layer")
    assert rows["all of 3-30-300"].startswith("not computable")
    assert rows["residents within 300 m (network)"].endswith("%")
    areas = result.areas  # empty per area too, never 0 %
    assert areas["meets_30_canopy"].isna().all() and areas["meets_3_trees"].isna().all()
    assert areas["within_300m_network"].notna().all()
    assert result.addresses["meets_3_30_300"].isna().all()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    region = flagged(web_region())
    return TestClient(web_app(tmp_path_factory.mktemp("web") / "region", region))


def test_area_polygons_carry_geometry_quality(client: TestClient) -> None:
    doc = client.get("/api/areas.geojson", params={"level": "buurt"}).json()
    props = {f["id"]: f["properties"] for f in doc["features"]}
    assert props[PLACEHOLDER]["geometry_quality"] == "placeholder"
    assert props["BU90010102"]["geometry_quality"] == "real"
    ogc = client.get(f"/ogc/collections/areas/items/{PLACEHOLDER}").json()
    assert ogc["properties"]["geometry_quality"] == "placeholder"
    items = client.get("/ogc/collections/areas/items", params={"level": "wijk"}).json()
    assert all("geometry_quality" in f["properties"] for f in items["features"])
    area = client.get(f"/api/areas/{PLACEHOLDER}").json()
    assert area["geometry_quality"] == "placeholder"


def test_indicator_values_carry_quality(client: TestClient) -> None:
    body = client.get("/api/indicators/healthy_life_expectancy_years/values",
                      params={"level": "buurt"}).json()
    by_code = {v["area_code"]: v for v in body["values"]}
    assert by_code[PLACEHOLDER]["quality"] == "placeholder"
    assert by_code["BU90010102"]["quality"] == "real"
    access = client.get("/api/indicators/green_within_300m_pct/values",
                        params={"level": "buurt"}).json()
    assert {v["quality"] for v in access["values"]} == {"placeholder"}  # lattice addresses
    series = client.get(f"/api/indicators/healthy_life_expectancy_years/areas/{PLACEHOLDER}"
                        ).json()["series"]
    assert {p["quality"] for p in series} == {"placeholder"}


def test_access_api_carries_quality(tmp_path: Path) -> None:
    lattice = set_layer_quality(tiny_region(), "addresses", LayerQuality(
        status="placeholder", key="addresses.lattice", reason="lattice"))
    client = TestClient(web_app(tmp_path / "r", lattice))
    areas = client.get("/api/access/areas", params={"level": "buurt"}).json()["areas"]
    assert {a["quality"] for a in areas} == {"placeholder"}
    summary = client.get("/api/access/summary").json()
    assert summary["summary"]["quality"] == "placeholder"


def test_sii_not_computable_in_the_api(tmp_path: Path) -> None:
    region = web_region()
    region = region.with_layers(indicators=region.indicators[~region.indicators["indicator"]
                                .isin(["income_mean_eur", "low_income_households_pct"])])
    client = TestClient(web_app(tmp_path / "r", region))
    doc = client.get("/api/indicators/healthy_life_expectancy_years/inequality",
                     params={"level": "wijk"}).json()
    assert all(row["sii"] is None and row["not_computable"] for row in doc["series"])
    assert doc["not_computable"]["key"] == "monitor.no_ranking"
    assert doc["not_computable"]["reason"].startswith("not computable: no deprivation ranking")


def test_access_cli_prints_the_flag_and_why(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from groengezond.cli.app import app
    from groengezond.region.quality import assess_layers
    from groengezond.region.store import write_region

    region = tiny_region()
    addresses = region.addresses.assign(placement="lattice")
    region = region.with_layers(addresses=addresses, landcover=None)
    region = region.with_layers(meta=region.meta.model_copy(
        update={"quality": assess_layers(region)}))
    folder = write_region(region, tmp_path / "r")
    result = CliRunner().invoke(app, ["access", str(folder), "--out", str(tmp_path / "out"),
                                      "--allow-degraded-network"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "% [placeholder]" in text
    assert "not computable: the region has no land-cover raster" in text
    assert "quality: placeholder" in text and "regular lattice" in text


def test_access_without_a_green_layer_is_not_computable() -> None:
    region = tiny_region()
    result = compute_access(region.with_layers(green=region.green.iloc[0:0]), DEGRADED_OK)
    missing = result.summary["not_computable"]
    assert missing["within_300m_network"]["key"] == "access.green_missing"
    assert result.areas["within_300m_network"].isna().all()
    rows = {m: v for m, v, _ in summary_rows(result)}
    assert rows["residents within 300 m (network)"] == ("not computable: the region has no "
                                                         "green spaces layer")
