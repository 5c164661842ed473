"""Issue 15, finding 4 (Medium) and Low file findings: ``build --out`` and ``synth --out``
deleted whatever folder they were given (unrelated files; with ``--out`` the config's folder,
the config and its inputs); a killed build left its temporary folder behind; a corrupted
2 GB input was read into memory before it was refused."""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from groengezond.cli import app
from groengezond.errors import InputError
from groengezond.region.model import Region
from groengezond.region.store import atomic_dir, check_output_folder, read_region, write_region
from groengezond.sources._io import Findings, decode_text

runner = CliRunner()


def test_synth_refuses_a_folder_of_unrelated_files(tmp_path: Path) -> None:
    precious = tmp_path / "thesis" / "chapter1.docx"
    precious.parent.mkdir()
    precious.write_text("years of work")
    r = runner.invoke(app, ["synth", "--out", str(precious.parent), "--inhabitants", "2000"])
    assert r.exit_code == 2 and "--force" in r.output
    assert precious.read_text() == "years of work"


def test_out_may_not_be_an_existing_file(tmp_path: Path) -> None:
    f = tmp_path / "notes.txt"
    f.write_text("keep")
    r = runner.invoke(app, ["synth", "--out", str(f), "--inhabitants", "2000", "--force"])
    assert r.exit_code == 2 and f.read_text() == "keep"


def test_build_refuses_the_configs_folder_even_with_force(tmp_path: Path) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("name: Test\nbase_dir: .\nareas: []\n")
    data = tmp_path / "areas.gpkg"
    data.write_text("input")
    for extra in ([], ["--force"]):
        r = runner.invoke(app, ["build", "--config", str(config), "--out", str(tmp_path),
                                *extra])
        assert r.exit_code == 2, r.output
        assert "input of this run" in r.output.replace("\n", " ")
    assert config.exists() and data.read_text() == "input"


def test_force_overrides_only_the_not_a_region_rule(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "stale.txt").write_text("x")
    with pytest.raises(InputError, match="not empty"):
        check_output_folder(folder)
    check_output_folder(folder, force=True)  # allowed
    inputs = [folder / "stale.txt"]
    with pytest.raises(InputError, match="input of this run"):
        check_output_folder(folder, force=True, inputs=inputs)
    with pytest.raises(InputError, match="working folder"):
        check_output_folder(Path.cwd(), force=True)


def test_an_existing_region_may_be_replaced(tmp_path: Path, tiny: Region) -> None:
    out = write_region(tiny, tmp_path / "region")
    check_output_folder(out)  # it holds region.json: replacing it is what --out is for


def _killed_writer(target: str) -> None:
    with atomic_dir(Path(target)) as tmp:
        (tmp / "half.parquet").write_bytes(b"PAR1")
        time.sleep(60)


def test_a_killed_write_leaves_nothing_behind_for_long(tmp_path: Path, tiny: Region) -> None:
    target = tmp_path / "region"
    proc = mp.get_context("fork").Process(target=_killed_writer, args=(str(target),))
    proc.start()
    deadline = time.monotonic() + 20
    while not list(tmp_path.glob(".region.tmp-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(proc.pid or 0, signal.SIGKILL)
    proc.join()
    assert list(tmp_path.glob(".region.tmp-*"))  # what kill -9 leaves
    write_region(tiny, target)  # the next write of the same target removes it
    assert not list(tmp_path.glob(".region.tmp-*")) and read_region(target)


def test_a_running_write_is_not_removed(tmp_path: Path) -> None:
    target = tmp_path / "region"
    with atomic_dir(target) as mine:
        (mine / "x").write_text("x")
        with atomic_dir(target) as other:  # a second writer of the same target, meanwhile
            (other / "y").write_text("y")
            assert mine.exists()  # its owner (this process) is alive: kept


def test_a_huge_binary_input_is_refused_without_being_read(tmp_path: Path) -> None:
    big = tmp_path / "kwb.csv"
    with open(big, "wb") as f:
        f.truncate(2 * 1024**3)  # 2 GB of NUL bytes (sparse: no disk used)
    t0 = time.monotonic()
    with pytest.raises(InputError, match="NUL bytes"):
        decode_text(big, Findings(str(big)))
    assert time.monotonic() - t0 < 5  # read whole, it would have taken 2 GB of memory


def test_a_corrupt_parquet_footer_is_refused_before_reading(tmp_path: Path,
                                                            tiny: Region) -> None:
    out = write_region(tiny, tmp_path / "region")
    data = (out / "green.parquet").read_bytes()
    bad = data[:-8] + (2**31 - 1).to_bytes(4, "little") + b"PAR1"  # claims a 2 GB footer
    (out / "green.parquet").write_bytes(bad)
    with pytest.raises(InputError, match="corrupt footer"):
        read_region(out)
