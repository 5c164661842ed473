"""Tests of ``groengezond access`` through a small local Typer app."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyarrow.parquet as pq
import typer
from typer.testing import CliRunner

from groengezond.cli.access_cmd import access_command
from groengezond.region.store import write_region
from groengezond.region.testing import tiny_region
from groengezond.services.access import AccessOptions, compute_access

app = typer.Typer()
app.command("access")(access_command)


@app.callback()
def _main() -> None:
    """Local test app."""


def test_access_command_refuses_a_degraded_network(tmp_path: Path) -> None:
    # the tiny region's homes lie 100-120 m from their streets: the median snap fails the gate
    region = write_region(tiny_region(), tmp_path / "tiny")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["access", str(region), "--out", str(out)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "network distances are not published" in text
    assert "median walk from a home to the network is 100 m" in text
    assert "p90 114 m" in text and "--allow-degraded-network" in text
    assert not out.exists()


def test_access_command_writes_geoparquet(tmp_path: Path) -> None:
    region = write_region(tiny_region(), tmp_path / "tiny")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["access", str(region), "--min-size-ha", "1", "--out",
                                      str(out), "--allow-degraded-network"])
    assert result.exit_code == 0, result.output
    assert "Green access" in result.output
    assert "3-30-300" in result.output
    assert "FLAGGED" in result.output and "network_degraded" in result.output
    addresses = gpd.read_parquet(out / "access_addresses.parquet")
    areas = gpd.read_parquet(out / "access_areas.parquet")
    assert {"address_id", "green_network_m", "green_euclidean_m", "green_id"} <= set(
        addresses.columns)
    # street distance plus the walk from the door to the street (100, 120, 100, 100 m)
    assert addresses["green_network_m"].tolist() == [690.0, 510.0, 690.0, 490.0]
    assert addresses["network_degraded"].all() and areas["network_degraded"].all()
    assert addresses["green_id"].tolist() == [1, 1, 1, 1]
    assert b"geo" in (pq.read_schema(out / "access_areas.parquet").metadata or {})
    assert areas["code"].is_unique
    assert set(areas["code"]) == set(tiny_region().areas["code"])
    assert not list(out.glob(".*tmp*"))


def test_access_command_min_size_excludes_park(tmp_path: Path) -> None:
    region = write_region(tiny_region(), tmp_path / "tiny")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["access", str(region), "--min-size-ha", "5", "--out",
                                      str(out), "--allow-degraded-network", "--no-doorstep"])
    assert result.exit_code == 0, result.output
    addresses = gpd.read_parquet(out / "access_addresses.parquet")
    assert np.isinf(addresses["green_network_m"]).all()
    assert (addresses["green_id"] == -1).all()


def test_access_command_bad_input_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["access", str(tmp_path / "missing"), "--out",
                                      str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "error" in result.output
    assert not (tmp_path / "out").exists()


def test_access_command_region_without_network(tmp_path: Path) -> None:
    r = tiny_region()
    region = write_region(r.with_layers(network_edges=r.network_edges.iloc[0:0]),
                          tmp_path / "tiny")
    result = CliRunner().invoke(app, ["access", str(region), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "network_edges.parquet" in result.output


def test_access_command_without_doorstep(tmp_path: Path) -> None:
    region = write_region(tiny_region(), tmp_path / "tiny")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["access", str(region), "--out", str(out),
                                      "--allow-degraded-network", "--no-doorstep"])
    assert result.exit_code == 0, result.output
    addresses = gpd.read_parquet(out / "access_addresses.parquet")
    assert addresses["green_network_m"].tolist() == [590.0, 390.0, 590.0, 390.0]


def test_service_summary() -> None:
    result = compute_access(tiny_region(), AccessOptions(min_size_ha=1.0,
                                                         allow_degraded_network=True))
    assert result.summary["network_degraded"]
    assert result.summary["network_quality"]["snap_p50_m"] == 100.0
    assert result.summary["green_spaces_counted"] == 1
    assert result.summary["within_300m_euclidean"] == 0.2  # 2 of 10 residents
    assert result.summary["within_300m_network"] == 0.0


def test_access_command_on_a_local_dask_cluster_writes_the_same_files(tmp_path: Path) -> None:
    from groengezond.synth import generate_region

    region = write_region(generate_region(20_000, seed=3), tmp_path / "synth")
    runner = CliRunner()
    one = runner.invoke(app, ["access", str(region), "--out", str(tmp_path / "one")])
    assert one.exit_code == 0, one.output
    dask = runner.invoke(app, ["access", str(region), "--out", str(tmp_path / "dask"),
                               "--workers", "2", "--partitions", "6"])
    assert dask.exit_code == 0, dask.output
    for name in ("access_addresses.parquet", "access_areas.parquet"):
        a = pq.read_table(tmp_path / "one" / name).drop(["geometry"])
        b = pq.read_table(tmp_path / "dask" / name).drop(["geometry"])
        assert a.equals(b), name
