"""Programme workbook: the example reads and passes the rules; errors are listed, all of them."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from groengezond.errors import InputError
from groengezond.programme.rules import check_rules
from groengezond.programme.xlsx import read_programme, write_programme

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "programme" / "programme.xlsx"


def test_example_has_20_projects_and_passes_the_rules() -> None:
    p = read_programme(EXAMPLE)
    assert len(p.projects) == 20
    assert {x.track for x in p.projects} == {"Gezonde mensen",
                                             "Groene en gezonde leefomgeving"}
    assert sum(x.module == "Vitale wijken" for x in p.projects) == 5
    checks = check_rules(p)
    assert all(c.ok for c in checks), [c.message for c in checks if not c.ok]
    assert any(k.monitor_indicator for k in p.kpis)
    assert all(k.periods for k in p.kpis)


def test_example_is_what_the_script_makes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_programme",
                                                  EXAMPLE.with_name("make_programme.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.programme() == read_programme(EXAMPLE)


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    p = read_programme(EXAMPLE)
    out = write_programme(p, tmp_path / "again.xlsx")
    assert read_programme(out) == p


def test_a_workbook_with_errors_is_refused_whole_with_every_error(tmp_path: Path) -> None:
    wb = load_workbook(EXAMPLE)
    projects, budget, kpis = wb["projects"], wb["budget"], wb["kpis"]
    projects["C3"] = "Gezonde dieren"          # unknown track (row 3)
    projects["I5"] = "31-12-2025"              # not an ISO date (row 5, starts_on)
    projects.append([c.value for c in projects[2]])  # duplicate of row 2's code (row 22)
    projects["L8"] = "tree_everywhere"         # unknown catalogue entry (row 8)
    budget["A2"] = "P99"                       # unknown project (row 2)
    budget["D4"] = "veel"                      # not a number (row 4)
    kpis["J3"] = "2026-H2"                     # not a half-year (row 3)
    kpis["H2"] = "happiness_index"             # unknown Monitor indicator (row 2)
    wb["risks"]["C2"] = 9                      # likelihood out of 1-5 (row 2)
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(InputError) as info:
        read_programme(bad)
    found = {(p.location, p.field) for p in info.value.problems}
    assert found == {
        ("sheet projects, row 3", "column C (track)"),
        ("sheet projects, row 5", "column I (starts_on)"),
        ("sheet projects, row 22", "column A (code)"),
        ("sheet projects, row 8", "column L (catalogue)"),
        ("sheet budget, row 2", "column A (project)"),
        ("sheet budget, row 4", "column D (committed_eur)"),
        ("sheet kpis, row 2", "column H (monitor_indicator)"),
        ("sheet kpis, row 3", "column J (period)"),
        ("sheet risks, row 2", "column C (likelihood)"),
    }
    assert all(p.file == "bad.xlsx" and p.fix for p in info.value.problems)
    text = str(info.value)
    assert "Gezonde dieren" in text and "YYYY-MM-DD" in text and "YYYYH1 or YYYYH2" in text


def test_missing_sheet_and_column_are_named(tmp_path: Path) -> None:
    wb = load_workbook(EXAMPLE)
    wb["budget"].delete_cols(4)  # committed_eur
    del wb["projects"]
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(InputError) as info:
        read_programme(bad)
    problems = {(p.location, p.field, p.problem) for p in info.value.problems}
    assert ("sheet projects", "", "sheet missing") in problems
    assert ("sheet budget, row 1", "column committed_eur", "required column missing") \
        in problems


def test_not_a_workbook(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("hello")
    with pytest.raises(InputError, match="not a readable xlsx"):
        read_programme(bad)
