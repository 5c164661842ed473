"""The intervention register's migrations and its coexistence with the participation schema."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect

from groengezond.evaluation.register import open_register
from groengezond.participation.db import Database


def test_register_migrates_up_and_down_beside_participation(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    part = Database.from_url(url)
    reg = open_register(url)
    assert reg.current_revision() == "e0001"
    tables = set(inspect(reg.engine).get_table_names())
    assert "evaluation_interventions" in tables
    assert {"evaluation_alembic_version", "participation_alembic_version"} <= tables
    reg.downgrade("base")
    assert "evaluation_interventions" not in set(inspect(reg.engine).get_table_names())
    assert part.current_revision() is not None  # participation untouched
    reg.migrate()
    assert reg.current_revision() == "e0001"
