"""Map tiles: the MVT encoder against the 2.1 specification, and the tile routes."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
from fastapi.testclient import TestClient
from shapely.geometry import LineString, Point, Polygon, box

from groengezond.api.mvt import EXTENT, TileLayer, encode_tile, lonlat_to_tile, tile_bounds
from groengezond.api.testing import web_app
from groengezond.region.schema import CRS

# --------------------------------------------------------------------------- a small decoder


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = buf[i]
        result |= (b & 0x7F) << shift
        i += 1
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes) -> list[tuple[int, Any]]:
    out, i = [], 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 1:
            value, i = buf[i:i + 8], i + 8
        elif wire == 2:
            n, i = _varint(buf, i)
            value, i = buf[i:i + n], i + n
        else:
            raise AssertionError(f"unexpected wire type {wire}")
        out.append((number, value))
    return out


def _packed(buf: bytes) -> list[int]:
    vals, i = [], 0
    while i < len(buf):
        v, i = _varint(buf, i)
        vals.append(v)
    return vals


def _zz(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def decode(tile: bytes) -> dict[str, dict[str, Any]]:
    """Decode an MVT into {layer: {keys, values, extent, features: [(id, tags, type, rings)]}}."""
    layers = {}
    for number, raw in _fields(tile):
        assert number == 3
        fields = _fields(raw)
        name = next(v for n, v in fields if n == 1).decode()
        layer: dict[str, Any] = {"keys": [], "values": [], "features": [], "version": None}
        for n, v in fields:
            if n == 15:
                layer["version"] = v
            elif n == 5:
                layer["extent"] = v
            elif n == 3:
                layer["keys"].append(v.decode())
            elif n == 4:
                (vn, vv), = _fields(v)
                layer["values"].append(vv.decode() if vn == 1 else
                                       struct.unpack("<d", vv)[0] if vn == 3 else
                                       bool(vv) if vn == 7 else _zz(vv))
            elif n == 2:
                f = dict((fn, fv) for fn, fv in _fields(v) if fn != 2)
                tags = next((_packed(fv) for fn, fv in _fields(v) if fn == 2), [])
                layer["features"].append((f.get(1), tags, f[3], _geometry(_packed(f[4]))))
        layers[name] = layer
    return layers


def _geometry(cmds: list[int]) -> list[list[tuple[int, int]]]:
    """Parts (rings, lines or point groups) in absolute tile coordinates."""
    parts: list[list[tuple[int, int]]] = []
    x = y = i = 0
    while i < len(cmds):
        cmd, count = cmds[i] & 7, cmds[i] >> 3
        i += 1
        if cmd == 7:
            continue
        if cmd == 1:
            parts.append([])
        for _ in range(count):
            dx, dy = _zz(cmds[i]), _zz(cmds[i + 1])
            i += 2
            assert cmd != 2 or (dx, dy) != (0, 0), "zero-length LineTo"
            x, y = x + dx, y + dy
            parts[-1].append((x, y))
    return parts


def shoelace(ring: list[tuple[int, int]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1],
                                                                  strict=True)) / 2


# --------------------------------------------------------------------------- the encoder

ORIGIN = (140_000.0, 455_000.0)


def _frame(geoms: list[Any], **cols: Any) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"fid": np.arange(1, len(geoms) + 1), **cols}, geometry=geoms,
                            crs=CRS)


def _tile_of(z: int) -> tuple[int, int, int]:
    lon, lat = gpd.GeoSeries([Point(ORIGIN[0] + 250, ORIGIN[1] + 250)], crs=CRS).to_crs(
        4326).iloc[0].coords[0]
    return (z, *lonlat_to_tile(lon, lat, z))


def test_polygons_with_holes_are_wound_as_the_spec_requires() -> None:
    x, y = ORIGIN
    holed = Polygon([(x, y), (x + 400, y), (x + 400, y + 400), (x, y + 400)],
                    [[(x + 100, y + 100), (x + 100, y + 200), (x + 200, y + 200),
                      (x + 200, y + 100)]])
    cw = Polygon(list(box(x + 450, y, x + 480, y + 30).exterior.coords)[::-1])
    layer = TileLayer("b", _frame([holed, cw], height_m=[12.5, 3.0], kind=["a", "b"]),
                      ("height_m", "kind"), "fid", 0, "polygon")
    decoded = decode(encode_tile([layer], *_tile_of(14)))["b"]
    assert decoded["version"] == 2 and decoded["extent"] == EXTENT
    assert decoded["keys"] == ["height_m", "kind"]
    (fid, tags, kind, rings), (fid2, _, _, rings2) = decoded["features"]
    assert (fid, kind, fid2) == (1, 3, 2)
    props = {decoded["keys"][tags[k]]: decoded["values"][tags[k + 1]]
             for k in range(0, len(tags), 2)}
    assert props == {"height_m": 12.5, "kind": "a"}
    assert len(rings) == 2 and shoelace(rings[0]) > 0 > shoelace(rings[1])
    assert len(rings2) == 1 and shoelace(rings2[0]) > 0


def test_lines_and_points_and_clipping_to_the_buffer() -> None:
    x, y = ORIGIN
    far = LineString([(x - 50_000, y + 100), (x + 50_000, y + 100)])
    lines = TileLayer("l", _frame([far]), (), "fid", 0, "line")
    z, tx, ty = _tile_of(15)
    (_, _, kind, parts), = decode(encode_tile([lines], z, tx, ty))["l"]["features"]
    assert kind == 2
    xs = [p[0] for p in parts[0]]
    assert min(xs) >= -64 - 1 and max(xs) <= EXTENT + 64 + 1  # clipped to tile + buffer
    pts = TileLayer("p", _frame([Point(x + 250, y + 250), Point(x + 900_000, y)]), (), "fid",
                    0, "point")
    (_, _, kind, parts), = decode(encode_tile([pts], z, tx, ty))["p"]["features"]
    assert kind == 1 and len(parts[0]) == 1 and all(0 <= c <= EXTENT for c in parts[0][0])


def test_point_position_matches_the_tile_grid() -> None:
    lon, lat = 5.12, 52.09
    z, tx, ty = 16, *lonlat_to_tile(lon, lat, 16)
    p = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(CRS)
    layer = TileLayer("p", _frame(list(p)), (), "fid", 0, "point")
    (_, _, _, parts), = decode(encode_tile([layer], z, tx, ty))["p"]["features"]
    px, py = parts[0][0]
    mx, my = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(3857).iloc[0].coords[0]
    x0, y0, x1, y1 = tile_bounds(z, tx, ty)
    assert abs(px - (mx - x0) / (x1 - x0) * EXTENT) <= 0.5
    assert abs(py - (y1 - my) / (y1 - y0) * EXTENT) <= 0.5


def test_minzoom_and_empty_tiles() -> None:
    x, y = ORIGIN
    layer = TileLayer("b", _frame([box(x, y, x + 10, y + 10)]), (), "fid", 14, "polygon")
    assert encode_tile([layer], *_tile_of(13)) == b""
    assert encode_tile([layer], 14, 0, 0) == b""
    # a building far smaller than a tile unit at low zoom disappears, it does not break
    tiny = TileLayer("b", _frame([box(x, y, x + 1, y + 1)]), (), "fid", 0, "polygon")
    assert encode_tile([tiny], *_tile_of(8)) == b""


# --------------------------------------------------------------------------- the routes


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    return TestClient(web_app(tmp_path_factory.mktemp("web") / "region"))


def _centre_tile(client: TestClient, z: int) -> tuple[int, int]:
    lon, lat = client.get("/api/areas/BU90010202").json()["centre_wgs84"]
    return lonlat_to_tile(lon, lat, z)


def test_vector_tile_route_has_every_layer_with_properties(client: TestClient) -> None:
    x, y = _centre_tile(client, 15)
    r = client.get(f"/api/tiles/15/{x}/{y}.mvt", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    assert r.headers["content-encoding"] == "gzip" and "max-age" in r.headers["cache-control"]
    layers = decode(r.content)  # the client has already undone the gzip
    assert {"buildings", "trees", "streets", "green"} <= set(layers)
    assert "height_m" in layers["buildings"]["keys"]
    assert all(f[2] == 3 for f in layers["trees"]["features"])  # crowns are polygons
    low = decode(client.get(f"/api/tiles/11/{x >> 4}/{y >> 4}.mvt").content)
    assert "buildings" not in low and "trees" not in low  # minzoom keeps tiles small


def test_landcover_tile_is_a_paletted_png(client: TestClient) -> None:
    x, y = _centre_tile(client, 14)
    r = client.get(f"/api/tiles/landcover/14/{x}/{y}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    png = r.content
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (width, height, depth, colour) == (256, 256, 8, 3)
    idat = png.index(b"IDAT")
    size = struct.unpack(">I", png[idat - 4:idat])[0]
    raw = zlib.decompress(png[idat + 4:idat + 4 + size])
    assert len(raw) == 256 * 257 and set(raw[1::257]) - {0}  # some classes drawn
    assert client.get("/api/tiles/landcover/14/0/0.png").status_code == 204
    assert client.get("/api/tiles/landcover/5/0/0.png").status_code == 204


def test_tilejson(client: TestClient) -> None:
    tj = client.get("/api/tiles.json").json()
    assert tj["tilejson"] == "3.0.0" and tj["tiles"][0].endswith("/api/tiles/{z}/{x}/{y}.mvt")
    assert {v["id"] for v in tj["vector_layers"]} >= {"buildings", "trees", "green"}
    assert tj["synthetic"] is True


@pytest.mark.parametrize("url", ["/api/tiles/3/8/0.mvt", "/api/tiles/25/0/0.mvt",
                                 "/api/tiles/17/0/0.mvt", "/api/tiles/a/0/0.mvt",
                                 "/api/tiles/landcover/2/0/9.png"])
def test_bad_tiles_answer_422(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)


def test_tree_crowns_are_squares_of_the_crown_area() -> None:
    """The map draws a crown of diameter d as a square of area π (d/2)² around the tree (half
    the vertices of an octagon, for the software renderer); crowns under 1 m are drawn at 1 m."""
    import shapely

    from groengezond.api.context import tree_crowns

    trees = gpd.GeoDataFrame({"tree_id": [1, 2], "crown_diameter_m": [6.0, 0.4]},
                             geometry=gpd.points_from_xy([135_000.0, 136_000.0],
                                                         [455_000.0, 455_500.0]), crs=28992)
    crowns = tree_crowns(trees)
    assert crowns.crs == trees.crs and crowns["tree_id"].tolist() == [1, 2]
    assert crowns.geometry.area.to_numpy() == pytest.approx([np.pi * 9.0, np.pi * 0.25])
    assert [len(shapely.get_coordinates(g)) for g in crowns.geometry] == [5, 5]  # closed squares
    assert np.allclose(shapely.get_x(crowns.geometry.centroid.to_numpy()), [135_000.0, 136_000.0])
    assert np.allclose(shapely.get_y(crowns.geometry.centroid.to_numpy()), [455_000.0, 455_500.0])
