"""Programme store: migrations match the models, all-or-nothing import, roles, audit, lessons."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from groengezond.errors import InputError
from groengezond.programme.db import VERSION_TABLE, ProgrammeDatabase
from groengezond.programme.knowledge import lessons_for_area, search_lessons
from groengezond.programme.models import Base
from groengezond.programme.schemas import BudgetLineData, LessonData, Programme
from groengezond.programme.store import (
    STAFF_CLI,
    Actor,
    ForbiddenError,
    actor,
    add_lesson,
    audit_trail,
    grant,
    import_programme,
    load_programme,
    record_actual,
    set_status,
)
from groengezond.programme.xlsx import read_programme
from participation_support import postgres_url

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "programme" / "programme.xlsx"
TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProgrammeDatabase]:
    if request.param == "sqlite":
        database = ProgrammeDatabase.from_url(f"sqlite:///{tmp_path / 'p.sqlite'}")
        schema = None
    else:
        schema = f"gg_test_{uuid.uuid4().hex[:12]}"
        database = ProgrammeDatabase.from_url(postgres_url(), schema=schema, pool_size=2)
    yield database
    if schema is not None:
        with database.engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    database.dispose()


@pytest.fixture(scope="module")
def example() -> Programme:
    return read_programme(EXAMPLE)


def test_migrations_match_the_models_and_round_trip(db: ProgrammeDatabase) -> None:
    assert db.current_revision() == "p0001"
    assert set(inspect(db.engine).get_table_names()) >= TABLES
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE,
                                                     "compare_type": True})
        assert list(compare_metadata(ctx, Base.metadata)) == []
    db.downgrade("base")
    assert set(inspect(db.engine).get_table_names()) & TABLES == set()
    db.migrate()
    assert db.current_revision() == "p0001"


def test_shares_the_database_with_participation(tmp_path: Path) -> None:
    from groengezond.participation.db import Database

    url = f"sqlite:///{tmp_path / 'both.sqlite'}"
    part, prog = Database.from_url(url), ProgrammeDatabase.from_url(url)
    assert prog.current_revision() == "p0001"
    assert part.current_revision() not in (None, "")  # the participation chain's own head
    part.dispose()
    prog.dispose()


def test_import_stores_everything_and_loads_it_back(db: ProgrammeDatabase,
                                                    example: Programme) -> None:
    counts = import_programme(db, example)
    assert counts["projects"] == 20
    assert load_programme(db) == example
    assert audit_trail(db)[-1]["action"] == "import"


def test_an_import_failing_half_way_changes_nothing(db: ProgrammeDatabase,
                                                    example: Programme) -> None:
    import_programme(db, example)
    broken = example.model_copy(update={"budget": (*example.budget, BudgetLineData(
        project="P404", source="rijk", year=2026, committed_eur=1.0))})
    with pytest.raises(KeyError):
        import_programme(db, broken)
    assert load_programme(db) == example
    assert [e["action"] for e in audit_trail(db)] == ["import"]


def test_roles_lead_writes_own_project_only_and_every_change_is_audited(
        db: ProgrammeDatabase, example: Programme) -> None:
    import_programme(db, example)
    lead = actor(db, "lead07")  # lead_user of P07 in the example
    assert lead == Actor("lead07", "lead", frozenset({"P07"}))
    record_actual(db, lead, "P07", "Deelnemers", "2026H2", 1234.0)
    set_status(db, lead, "P07", "completed")
    with pytest.raises(ForbiddenError):
        record_actual(db, lead, "P08", "Deelnemers", "2026H2", 1.0)
    with pytest.raises(ForbiddenError):
        import_programme(db, example, lead)
    with pytest.raises(ForbiddenError):
        grant(db, lead, "someone", "staff")
    with pytest.raises(ForbiddenError):
        actor(db, "nobody")
    grant(db, STAFF_CLI, "anna", "staff")
    anna = actor(db, "anna")
    set_status(db, anna, "P08", "paused")
    with pytest.raises(InputError, match="no KPI"):
        record_actual(db, anna, "P08", "Geluk", "2026H2", 1.0)
    stored = load_programme(db)
    p07 = next(k for k in stored.kpis if k.project == "P07" and k.indicator == "Deelnemers")
    assert next(p for p in p07.periods if p.period == "2026H2").actual == 1234.0
    assert {p.code: p.status for p in stored.projects}["P08"] == "paused"
    trail = audit_trail(db)
    assert [(e["actor"], e["action"], e["entity"]) for e in trail[1:]] == [
        ("lead07", "update", "kpi.actual"), ("lead07", "update", "project.status"),
        ("cli", "grant", "member"), ("anna", "update", "project.status")]
    assert trail[1]["detail"] == {"old": 1120.0, "new": 1234.0}


def test_lessons_are_searchable_and_found_for_an_area(db: ProgrammeDatabase,
                                                      example: Programme) -> None:
    import pandas as pd

    import_programme(db, example)
    assert [le["what"] for le in search_lessons(db, "BOMEN hitte")] == [
        "Straatbomen in hittestraten"]
    assert len(search_lessons(db, catalogue_entry="pocket_park")) == 1
    areas = pd.DataFrame({"code": ["GM0344", "WK034401", "BU03440101"],
                          "parent": [None, "GM0344", "WK034401"]})
    found = lessons_for_area(db, areas, "BU03440101")  # lessons of its gemeente count
    assert {le["area_code"] for le in found} == {"GM0344"} and len(found) == 2
    lead = actor(db, "lead10")
    new = LessonData(what="Boomspiegels beplant", where="Lombok", area_code="BU03440101",
                     result="Minder hondenpoep", source="Wijkschouw 2026",
                     catalogue_entry="street_trees", project="P10")
    add_lesson(db, lead, new)
    assert lessons_for_area(db, areas, "BU03440101")[0]["what"] == "Boomspiegels beplant"
    with pytest.raises(ForbiddenError):
        add_lesson(db, lead, new.model_copy(update={"project": "P11"}))
    with pytest.raises(InputError, match="unknown catalogue entry"):
        add_lesson(db, STAFF_CLI, new.model_copy(update={"catalogue_entry": "moon_base"}))
    assert audit_trail(db)[-1]["entity"] == "lesson"
