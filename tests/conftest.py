"""Shared fixtures: the tiny hand-made region, written to a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from groengezond.region.model import Region
from groengezond.region.store import write_region
from groengezond.region.testing import tiny_region

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _private_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point GG_DATABASE_URL at a per-test SQLite file, never at data/ in the repository."""
    monkeypatch.setenv("GG_DATABASE_URL", f"sqlite:///{tmp_path / 'gg.sqlite'}")


@pytest.fixture()
def tiny() -> Region:
    """A fresh tiny region (cheap to build)."""
    return tiny_region()


@pytest.fixture()
def tiny_dir(tmp_path: Path, tiny: Region) -> Path:
    """The tiny region written to a folder."""
    return write_region(tiny, tmp_path / "tiny")
