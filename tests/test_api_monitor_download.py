"""The Monitor's map as a GeoPackage (/api/indicators/{id}/download.gpkg)."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pytest
from fastapi.testclient import TestClient

from groengezond.api.testing import web_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("gpkg") / "region"))


def test_geopackage_holds_the_published_values_with_polygons(client: TestClient,
                                                             tmp_path: Path) -> None:
    ind = "healthy_life_expectancy_years"
    r = client.get(f"/api/indicators/{ind}/download.gpkg?level=buurt&year=2016")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/geopackage+sqlite3")
    assert 'filename="healthy_life_expectancy_years-buurt-2016.gpkg"' in \
        r.headers["content-disposition"]
    path = tmp_path / "map.gpkg"
    path.write_bytes(r.content)
    layer = gpd.read_file(path)
    assert layer.crs is not None and layer.crs.to_epsg() == 28992
    values = client.get(f"/api/indicators/{ind}/values?level=buurt&year=2016").json()["values"]
    assert len(layer) == len(values)
    got = layer.set_index("area_code")
    for v in values:
        row = got.loc[v["area_code"]]
        assert bool(row["suppressed"]) == v["suppressed"]
        if v["suppressed"]:  # published form: no value in the file either
            assert math.isnan(row["value"]) and row["suppression_reason"]
        else:
            assert row["value"] == pytest.approx(v["value"], rel=1e-12)
            assert row["lower"] == pytest.approx(v["lower"], rel=1e-12)
            assert int(row["rank"]) == v["rank"]
    assert (layer.geometry.area > 0).all()
    assert set(layer["year"]) == {2016}


def test_unknown_indicator_or_year_is_refused_with_the_fix(client: TestClient) -> None:
    r = client.get("/api/indicators/no_such_thing/download.gpkg")
    assert r.status_code == 422
    r = client.get("/api/indicators/healthy_life_expectancy_years/download.gpkg?year=1999")
    assert r.status_code == 422
    assert "2022" in r.text
