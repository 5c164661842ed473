"""Public test helper for the web app: a small region with everything the map draws.

:func:`web_region` takes :func:`groengezond.indicators.testing.monitor_region` (24 square
buurten with Monitor indicators over four years, one buurt too small to publish) and adds a
street grid, building blocks with heights, parks, street trees, a river and a railway, and a
10 m land-cover raster, so the 3D view, the Monitor and the OGC API can be tested in seconds
without the synthetic generator. Nothing in it is real.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from fastapi import FastAPI
from shapely.geometry import LineString, box

from groengezond.indicators.testing import SIZE_M, monitor_region
from groengezond.region.model import Landcover, Region
from groengezond.region.schema import CRS

STREET_SPACING_M = 100.0
"""Distance between parallel streets (m)."""


def web_region(seed: int = 0) -> Region:
    """Return a valid region with buildings, green, trees, streets, water and land cover.

    Parameters
    ----------
    seed : int
        Seed of the building heights and of the Monitor values.
    """
    rng = np.random.default_rng(seed)
    base = monitor_region(seed=seed)
    x0, y0, x1, y1 = (float(v) for v in base.areas.total_bounds)
    # streets: a grid every 100 m
    xs = np.arange(x0, x1 + 1, STREET_SPACING_M)
    ys = np.arange(y0, y1 + 1, STREET_SPACING_M)
    node_xy = np.array([(x, y) for y in ys for x in xs])
    nx = len(xs)
    pairs = [(j * nx + i, j * nx + i + 1) for j in range(len(ys)) for i in range(nx - 1)]
    pairs += [(j * nx + i, (j + 1) * nx + i) for j in range(len(ys) - 1) for i in range(nx)]
    lines = [LineString([node_xy[u], node_xy[v]]) for u, v in pairs]
    nodes = gpd.GeoDataFrame({"node_id": np.arange(len(node_xy), dtype="int64")},
                             geometry=shapely.points(node_xy), crs=CRS)
    edges = gpd.GeoDataFrame({
        "edge_id": np.arange(len(pairs), dtype="int64"),
        "u": np.array([u for u, _ in pairs], dtype="int64"),
        "v": np.array([v for _, v in pairs], dtype="int64"),
        "length_m": [line.length for line in lines],
    }, geometry=lines, crs=CRS)
    # blocks: in each 100 m cell, four buildings, except every 7th cell which is a park
    cells = [(x, y) for y in ys[:-1] for x in xs[:-1]]
    park_cells = cells[3::7]
    built = [c for i, c in enumerate(cells) if (i - 3) % 7 != 0]
    footprints = []
    for cx, cy in built:
        for dx, dy in ((15, 15), (55, 15), (15, 55), (55, 55)):
            footprints.append(box(cx + dx, cy + dy, cx + dx + 30, cy + dy + 30))
    n_b = len(footprints)
    heights = np.round(rng.uniform(6.0, 45.0, n_b), 1)
    buildings = gpd.GeoDataFrame({
        "building_id": np.arange(1, n_b + 1, dtype="int64"),
        "height_m": heights,
        "dwellings": np.maximum(1, (heights / 3).astype("int64") * 4),
    }, geometry=footprints, crs=CRS)
    parks = [box(cx + 5, cy + 5, cx + 95, cy + 95) for cx, cy in park_cells]
    green = gpd.GeoDataFrame({
        "green_id": np.arange(1, len(parks) + 1, dtype="int64"),
        "kind": ["park" if i % 3 else "grass" for i in range(len(parks))],
        "public": [bool(i % 4) for i in range(len(parks))],
        "area_ha": [p.area / 10_000 for p in parks],
    }, geometry=parks, crs=CRS)
    # trees along the horizontal streets, every 25 m, 4 m off the centre line
    tx = np.arange(x0 + 12.5, x1, 25.0)
    tree_xy = np.array([(x, y + 4.0) for y in ys[1:-1] for x in tx])
    trees = gpd.GeoDataFrame({
        "tree_id": np.arange(len(tree_xy), dtype="int64"),
        "crown_diameter_m": np.round(rng.uniform(4.0, 12.0, len(tree_xy)), 1),
    }, geometry=shapely.points(tree_xy), crs=CRS)
    river = box(x0, y0 - 60.0, x1, y0 - 20.0)
    railway = LineString([(x0, y1 + 30.0), (x1, y1 + 30.0)])
    barriers = gpd.GeoDataFrame({"barrier_id": np.array([1, 2], dtype="int64"),
                                 "kind": ["river", "railway"]},
                                geometry=[river, railway], crs=CRS)
    landcover = _landcover(x0, y0 - 100.0, x1, y1 + 100.0, buildings, green, river)
    meta = base.meta.model_copy(update={"name": "Web test region"})
    return base.with_layers(meta=meta, network_nodes=nodes, network_edges=edges,
                            buildings=buildings, green=green, trees=trees, barriers=barriers,
                            landcover=landcover)


def _landcover(x0: float, y0: float, x1: float, y1: float, buildings: gpd.GeoDataFrame,
               green: gpd.GeoDataFrame, river: shapely.Polygon) -> Landcover:
    """A 10 m raster: paved, with building, low-green and water cells burnt in."""
    cell = 10.0
    cols, rows = int(np.ceil((x1 - x0) / cell)), int(np.ceil((y1 - y0) / cell))
    transform = Affine(cell, 0.0, x0, 0.0, -cell, y1)
    cx = x0 + (np.arange(cols) + 0.5) * cell
    cy = y1 - (np.arange(rows) + 0.5) * cell
    gx, gy = np.meshgrid(cx, cy)
    pts = shapely.points(gx.ravel(), gy.ravel())
    classes = np.full(rows * cols, 2, dtype=np.uint8)
    for geoms, code in ((green.geometry, 3), (buildings.geometry, 1), ([river], 5)):
        tree = shapely.STRtree(pts)
        hit = tree.query(np.asarray(list(geoms), dtype=object), predicate="contains")[1]
        classes[hit] = code
    return Landcover(classes.reshape(rows, cols), transform)




def web_app(folder: Path, region: Region | None = None, warm: bool = False,
            rate_limits: bool = False) -> FastAPI:
    """The full web app (``create_app`` plus ``mount_web``) over ``region`` written to ``folder``.

    Parameters
    ----------
    folder : Path
        Folder to write the region to (replaced).
    region : Region, optional
        Defaults to :func:`web_region`.
    warm : bool
        Start the Monitor's background computation (tests usually do not).
    rate_limits : bool
        Keep the per-client rate limits on (off by default: tests send many requests from
        one address; the security tests turn them on).
    """
    from groengezond.api.app import create_app
    from groengezond.api.app_web import mount_web
    from groengezond.participation.security import RateLimiter
    from groengezond.region.store import write_region

    write_region(region if region is not None else web_region(), folder)
    app = create_app(folder, limiter=None if rate_limits else RateLimiter(enabled=False))
    if not hasattr(app.state, "web"):
        mount_web(app, app.state.region, folder, warm=warm)
    return app


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(region_dir: Path, port: int, timeout_s: float = 60.0,
                 env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start uvicorn (``web_app`` factory) serving ``region_dir`` on 127.0.0.1:``port``.

    Returns once ``/health`` answers; raises RuntimeError if the server stops or is too slow.

    Parameters
    ----------
    region_dir : Path
        Folder of the region (``GG_REGION_DIR``).
    port : int
        TCP port on 127.0.0.1.
    timeout_s : float
        How long to wait for ``/health``.
    env : mapping, optional
        Extra environment variables for the server, e.g. ``GG_DATABASE_URL`` (the
        participation database; by default ``sqlite:///data/groengezond.sqlite`` relative to
        the working directory) or ``GG_PARTICIPATION_*`` settings.
    """
    # warnings only by default: the server's stderr is a pipe nobody reads while it runs
    server_env = {**os.environ, "GG_LOG_LEVEL": os.environ.get("GG_LOG_LEVEL", "WARNING"),
                  **(env or {}), "GG_REGION_DIR": str(region_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "groengezond.api.app_web:web_app",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "--no-proxy-headers"],
        env=server_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"server stopped: {err}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("server did not answer /health in time")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server started by :func:`start_server`."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


__all__ = ["SIZE_M", "free_port", "start_server", "stop_server", "web_app", "web_region"]
