"""API: /health and /api/region describe the region being served."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from groengezond.api import create_app
from groengezond.errors import InputError


def test_health_and_region(tiny_dir: Path) -> None:
    client = TestClient(create_app(tiny_dir))
    assert client.get("/health").json()["status"] == "ok"
    region = client.get("/api/region").json()
    assert region["synthetic"] is True
    assert region["crs"] == "EPSG:28992"
    assert region["counts"]["addresses"] == 4
    lon0, lat0, lon1, lat1 = region["bounds_wgs84"]
    assert 4.0 < lon0 < lon1 < 6.0 and 51.5 < lat0 < lat1 < 52.5  # RD New maps into NL
    assert any("synthetic" in w for w in region["warnings"])


def test_region_says_where_the_3d_view_opens(tiny_dir: Path) -> None:
    """``home_wgs84`` is the most populous gemeente's centre, as /api/areas/{code} gives it
    (the web app opens the 3D view there without asking for the areas first)."""
    from groengezond.api.app_web import mount_web

    app = create_app(tiny_dir)
    mount_web(app, app.state.region, tiny_dir, warm=False)
    client = TestClient(app)
    home = client.get("/api/region").json()["home_wgs84"]
    gemeenten = client.get("/api/areas?level=gemeente").json()["areas"]
    biggest = max(gemeenten, key=lambda a: a["inhabitants"])
    assert home == pytest.approx(client.get(f"/api/areas/{biggest['code']}").json()
                                 ["centre_wgs84"], abs=1e-5)  # within a metre


def test_invalid_region_refuses_to_start(tiny_dir: Path) -> None:
    (tiny_dir / "areas.parquet").write_bytes(b"garbage")
    with pytest.raises(InputError, match=r"areas\.parquet"):
        create_app(tiny_dir)


def test_importer_warnings_are_shown(tiny_dir: Path) -> None:
    from groengezond.region.store import read_region, write_region
    from groengezond.services.region_info import region_warnings

    region = read_region(tiny_dir)
    meta = region.meta.model_copy(update={"notes": ["made by hand",
                                                    "warning: 3 buurt codes did not match"]})
    write_region(region.with_layers(meta=meta), tiny_dir)
    warnings = region_warnings(read_region(tiny_dir))
    assert warnings[0] == "3 buurt codes did not match"
    assert "made by hand" not in warnings
