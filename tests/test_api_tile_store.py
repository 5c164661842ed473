"""Pre-built tiles (issue 16, item 9): the store written with the baseline serves the very
tiles the server would encode, with the same ETags and cache headers, and is never used for a
region whose files changed."""

from __future__ import annotations

import gzip
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from groengezond.api.mvt import lonlat_to_tile
from groengezond.api.testing import web_app
from groengezond.api.tile_store import STORE_FILE, TileStore, build_tile_store, region_bounds
from groengezond.region.store import read_region


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two servers over the same web test region: one with the store, one without."""
    stored_dir = tmp_path_factory.mktemp("stored") / "region"
    plain_dir = tmp_path_factory.mktemp("plain") / "region"
    stored = web_app(stored_dir)
    plain = web_app(plain_dir)
    summary = build_tile_store(read_region(stored_dir), stored_dir)
    return {"stored": TestClient(stored), "plain": TestClient(plain), "app": stored,
            "dir": stored_dir, "summary": summary}


def _centre_tiles(folder: Path, z: int) -> list[tuple[int, int]]:
    w, s, e, n = region_bounds(read_region(folder))
    cx, cy = lonlat_to_tile((w + e) / 2, (s + n) / 2, z)
    return [(cx + dx, cy + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]


def test_store_holds_every_tile_of_the_region(pair: dict[str, Any]) -> None:
    s = pair["summary"]
    assert s.path == pair["dir"] / "baseline" / STORE_FILE and s.max_zoom == 16
    with sqlite3.connect(s.path) as conn:
        meta = dict(conn.execute("SELECT name, value FROM metadata").fetchall())
        n_vector = conn.execute("SELECT COUNT(*) FROM tiles").fetchone()[0]
        n_cover = conn.execute("SELECT COUNT(*) FROM landcover").fetchone()[0]
        z16 = conn.execute("SELECT COUNT(*) FROM tiles WHERE zoom_level = 16").fetchone()[0]
    assert (n_vector, n_cover) == (s.vector_tiles, s.landcover_tiles)
    assert meta["format"] == "pbf" and meta["scheme"] == "tms" and meta["maxzoom"] == "16"
    w, so, e, n = (float(v) for v in meta["bounds"].split(","))
    x0, y0 = lonlat_to_tile(w, n, 16)
    x1, y1 = lonlat_to_tile(e, so, 16)
    assert z16 == (x1 - x0 + 1) * (y1 - y0 + 1) > 0


@pytest.mark.parametrize("z", [8, 13, 15, 16])
def test_stored_tiles_equal_the_encoded_ones(pair: dict[str, Any], z: int) -> None:
    stored, plain = pair["stored"], pair["plain"]
    for x, y in [*_centre_tiles(pair["dir"], z), (0, 0)]:  # (0, 0): far outside the region
        a = stored.get(f"/api/tiles/{z}/{x}/{y}.mvt", headers={"Accept-Encoding": "identity"})
        b = plain.get(f"/api/tiles/{z}/{x}/{y}.mvt", headers={"Accept-Encoding": "identity"})
        assert a.status_code == b.status_code == 200
        assert a.content == b.content, (z, x, y)
        assert a.headers["etag"] == b.headers["etag"]
        assert a.headers["cache-control"] == "public, max-age=86400"
        a = stored.get(f"/api/tiles/landcover/{z}/{x}/{y}.png")
        b = plain.get(f"/api/tiles/landcover/{z}/{x}/{y}.png")
        assert a.status_code == b.status_code and a.content == b.content, (z, x, y)


def test_served_from_the_store_without_building_the_layers(pair: dict[str, Any]) -> None:
    z = 15
    (x, y) = _centre_tiles(pair["dir"], z)[4]
    r = pair["stored"].get(f"/api/tiles/{z}/{x}/{y}.mvt", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and len(r.content) > 100  # buildings at the centre
    ctx = pair["app"].state.web
    assert isinstance(ctx.once("tile_store", lambda: None), TileStore)
    assert "tile_layers" not in ctx._once  # the costly projection was never made
    again = pair["stored"].get(f"/api/tiles/{z}/{x}/{y}.mvt",
                               headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.headers["etag"] == r.headers["etag"]


def test_a_changed_region_is_not_served_from_an_old_store(tmp_path: Path) -> None:
    folder = tmp_path / "region"
    web_app(folder)
    build_tile_store(read_region(folder), folder)
    assert TileStore.open(folder) is not None
    some = next(f for f in sorted(folder.glob("*.parquet")))
    st = some.stat()
    os.utime(some, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert TileStore.open(folder) is None  # encoded on demand instead
    # a store of an older format is not used either
    build_tile_store(read_region(folder), folder)
    with sqlite3.connect(folder / "baseline" / STORE_FILE) as conn:
        conn.execute("UPDATE metadata SET value = '0' WHERE name = 'gg_format'")
    assert TileStore.open(folder) is None


def test_store_tiles_are_gzip_mvt(pair: dict[str, Any]) -> None:
    store = TileStore.open(pair["dir"])
    assert store is not None
    (x, y) = _centre_tiles(pair["dir"], 16)[4]
    data = store.get("tiles", 16, x, y)
    assert data is not None and gzip.decompress(data)[:1] == b"\x1a"  # field 3: a layer
    assert store.get("tiles", 17, x, y) is None  # beyond the store: on demand
