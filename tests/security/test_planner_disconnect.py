"""Issue 15, finding 1: "work goes on after the client disconnects". Replayed over real HTTP:
a client sends heavy scenario runs to a running server and hangs up; the server stops the
run (its worker process is killed) instead of computing on for nobody."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import shapely
import uvicorn
from shapely.geometry import mapping

from groengezond.api.planner_pool import RunPool
from groengezond.api.testing import free_port, web_app
from groengezond.cli.app import uvicorn_options
from groengezond.synth import generate_region


@pytest.mark.slow
def test_a_run_stops_when_its_client_hangs_up(tmp_path: Path) -> None:
    region = generate_region(20_000, seed=1)
    app = web_app(tmp_path / "region", region)
    pool = RunPool(workers=1, queue=0, deadline_s=120)
    app.state.planner_pool = pool
    whole = shapely.union_all(np.asarray(region.areas_at("buurt").geometry.array,
                                         dtype=object)).buffer(-30).simplify(20)
    heavy = {"name": "Park over everything", "interventions": [
        {"kind": "add_green", "geometry": mapping(whole), "displace": True}]}
    body = json.dumps({"scenarios": [heavy] * 10, "crs": "EPSG:28992",
                       "n_draws": 10_000}).encode()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           **uvicorn_options("", 5)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.sendall(b"POST /api/scenarios/compare HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\n"
                      + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
            deadline = time.monotonic() + 60
            while not pool._children and time.monotonic() < deadline:
                time.sleep(0.05)  # the baseline is built, then the worker starts
            assert pool._children, "the run never started"
            time.sleep(0.5)
        # the client has hung up
        deadline = time.monotonic() + 10
        while pool._children and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pool._children  # the worker was stopped and reaped
        assert pool.stats["abandoned"] == 1 and pool.stats["done"] == 0
    finally:
        server.should_exit = True
        thread.join(10)
