"""Tests of disclosure control (groengezond.indicators.disclosure), including the test that
no output path of the Monitor can bypass it."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import groengezond.indicators as indicators_pkg
from groengezond.errors import InputError
from groengezond.indicators.disclosure import (
    SUPPRESSED_MARK,
    PublishedTable,
    disclose,
    round_to_multiple,
)
from groengezond.indicators.registry import parse_registry

SRC = Path(indicators_pkg.__file__).resolve().parents[1]


def _cells(**cols: list[object]) -> pd.DataFrame:
    return pd.DataFrame(cols)


def test_fewer_than_10_persons_suppressed_as_dot_never_zero() -> None:
    frame = _cells(indicator=["perceived_health_good_pct"] * 3, level=["buurt"] * 3,
                   persons=[9, 10, np.nan], value=[70.0, 71.0, 72.0], lower=[60.0, 61, 62],
                   upper=[80.0, 81, 82])
    t = disclose(frame, name="t", value_columns=["value", "lower", "upper"])
    f = t.frame
    assert list(f["suppressed"]) == [True, False, True]
    assert f["suppression_reason"][0] == "fewer than 10 persons"
    assert f["suppression_reason"][2] == "number of persons unknown"
    assert np.isnan(f.loc[0, "value"]) and np.isnan(f.loc[0, "lower"])
    assert f.loc[1, "value"] == 71.0
    shown = t.display_frame()
    assert list(shown["value"]) == [SUPPRESSED_MARK, "71.0", SUPPRESSED_MARK]
    assert "0" not in set(shown["value"]) and "0.0" not in set(shown["value"])
    rec = t.records()
    assert rec[0]["value"] is None and rec[0]["suppressed"] is True
    assert t.n_suppressed == 2


def test_missing_value_is_not_suppressed_and_not_zero() -> None:
    t = disclose(_cells(indicator=["overweight_pct"], persons=[500], value=[np.nan]),
                 name="t", value_columns=["value"])
    assert not t.frame["suppressed"][0]
    assert t.display_frame()["value"][0] == ""


def test_counts_rounded_to_five_at_wijk_and_buurt_only() -> None:
    frame = _cells(indicator=["inhabitants"] * 5,
                   level=["buurt", "buurt", "wijk", "gemeente", "buurt"],
                   persons=[12, 13, 12.5, 12, 7], value=[12.0, 13.0, 12.5, 12.0, 7.0])
    f = disclose(frame, name="t", value_columns=["value"]).frame
    assert list(f["value"][:4]) == [10, 15, 15, 12]
    assert f["suppressed"][4] and np.isnan(f["value"][4])
    # The persons column is a count too: published rounded.
    assert list(f["persons"][:4]) == [10, 15, 15, 10]


def test_round_to_multiple_half_up() -> None:
    assert list(round_to_multiple(np.array([0, 2.4, 2.5, 7.5, 12, 13]))) == [0, 0, 5, 10, 10, 15]


def test_rule_none_published_whatever_the_persons() -> None:
    f = disclose(_cells(indicator=["canopy_pct"], persons=[0], value=[23.0]), name="t",
                 value_columns=["value"]).frame
    assert not f["suppressed"][0] and f["value"][0] == 23.0


def _magnitude_registry() -> object:
    doc = {"version": 1, "sources": {"s": "test"}, "indicators": [{
        "id": "income_total_eur", "name_nl": "Inkomen", "name_en": "Income", "unit": "EUR",
        "domain": "social", "good_direction": "neutral", "source": "s", "years": [2012, 2022],
        "aggregate": {"method": "sum"},
        "disclosure": {"rule": "magnitude", "dominance": {"k_pct": 50}}}]}
    return parse_registry(yaml.safe_dump(doc))


def test_dominance_rule() -> None:
    reg = _magnitude_registry()
    frame = _cells(indicator=["income_total_eur"] * 4, persons=[100, 100, 100, 5],
                   value=[1e6, 1e6, 1e6, 1e6], top_share=[0.6, 0.4, np.nan, 0.1])
    t = disclose(frame, name="t", value_columns=["value"], registry=reg)  # type: ignore[arg-type]
    f = t.frame
    assert list(f["suppressed"]) == [True, False, True, True]
    assert "dominance" in f["suppression_reason"][0]
    assert "fewer than 10" in f["suppression_reason"][3]
    assert "top_share" not in f.columns  # never published


def test_text_columns_hidden_for_suppressed_rows() -> None:
    frame = _cells(indicator=["overweight_pct"] * 2, persons=[3, 300], value=[50.0, 51.0],
                   direction=["rising", "falling"])
    f = disclose(frame, name="t", value_columns=["value"], text_columns=["direction"]).frame
    assert list(f["direction"]) == [SUPPRESSED_MARK, "falling"]


def test_unknown_indicator_or_missing_column_fails_closed() -> None:
    with pytest.raises(InputError, match="not in the registry"):
        disclose(_cells(indicator=["secret_thing"], persons=[100], value=[1.0]), name="t",
                 value_columns=["value"])
    with pytest.raises(InputError, match="persons"):
        disclose(_cells(indicator=["overweight_pct"], value=[1.0]), name="t",
                 value_columns=["value"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.floats(0, 50), st.just(float("nan"))),
                          st.floats(0, 100)), min_size=1, max_size=30))
def test_no_published_value_describes_fewer_than_10_persons(
        cells: list[tuple[float, float]]) -> None:
    frame = _cells(indicator=["perceived_health_good_pct"] * len(cells),
                   persons=[c[0] for c in cells], value=[c[1] for c in cells])
    t = disclose(frame, name="t", value_columns=["value"])
    raw = np.array([c[0] for c in cells])
    small = np.isnan(raw) | (raw < 10)
    f = t.frame
    assert f["suppressed"].to_numpy().tolist() == small.tolist()
    assert f.loc[small, "value"].isna().all()
    shown = t.display_frame()["value"].to_numpy()
    assert (shown[small] == SUPPRESSED_MARK).all()


# ------------------------------------------------------------------ the bypass test


def test_published_table_cannot_be_made_or_changed_outside_disclose() -> None:
    frame = _cells(indicator=["overweight_pct"], persons=[100], value=[1.0])
    with pytest.raises(TypeError):
        PublishedTable(frame)
    with pytest.raises(TypeError):
        PublishedTable._from_gate(object(), frame, "t", ["value"], [])
    with pytest.raises(TypeError):
        type("Sneaky", (PublishedTable,), {})
    t = disclose(frame, name="t", value_columns=["value"])
    with pytest.raises(AttributeError):
        t._frame = frame  # type: ignore[misc]
    copy = t.frame
    copy.loc[0, "value"] = 999.0
    assert t.frame.loc[0, "value"] == 1.0


def test_writers_refuse_anything_but_a_published_table(tmp_path: Path) -> None:
    from groengezond.region.testing import tiny_region
    from groengezond.services.monitor import write_csv, write_gpkg

    raw = _cells(indicator=["overweight_pct"], persons=[3], value=[1.0], area_code=["X"])
    with pytest.raises(TypeError):
        write_csv(raw, tmp_path / "x.csv")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        write_gpkg({"x": raw}, tiny_region().areas, tmp_path / "x.gpkg")  # type: ignore[dict-item]
    assert not list(tmp_path.iterdir())


def test_charts_refuse_anything_but_a_published_table() -> None:
    pytest.importorskip("matplotlib")
    from groengezond.cli import monitor_cmd

    raw = _cells(indicator=["overweight_pct"], persons=[3], value=[1.0])
    for fn in (monitor_cmd.ranking_chart, monitor_cmd.trend_chart):
        with pytest.raises(TypeError):
            fn(raw, None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        monitor_cmd.map_chart(raw, None, None)  # type: ignore[arg-type]


def test_report_holds_only_published_tables() -> None:
    from groengezond.services.monitor import MonitorReport

    hints = typing.get_type_hints(MonitorReport)
    frames = [name for name, hint in hints.items()
              if "DataFrame" in str(hint) or "ndarray" in str(hint)]
    assert frames == [], f"MonitorReport exposes raw tables: {frames}"
    assert sum("PublishedTable" in str(h) for h in hints.values()) >= 8


OUTPUT_CALLS = {"to_csv", "to_file", "to_parquet", "to_json", "to_excel", "savefig",
                "write_text", "write_bytes", "dump", "open", "write_dataframe"}
WRITERS = {"write_csv", "write_gpkg", "write_charts"}


def _output_calls(tree: ast.AST) -> list[tuple[str, str]]:
    """(enclosing function, call name) of every call that writes output."""
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, func: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = func
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                name = child.name
            if isinstance(child, ast.Call):
                target = child.func
                called = target.attr if isinstance(target, ast.Attribute) else (
                    target.id if isinstance(target, ast.Name) else "")
                if called in OUTPUT_CALLS:
                    found.append((func, called))
            visit(child, name)

    visit(tree, "<module>")
    return found


def test_no_output_path_bypasses_disclosure() -> None:
    """Every write in the Monitor's service and CLI happens inside a writer that takes only
    PublishedTable (or a MonitorReport made of them); the core writes nothing at all."""
    from groengezond.cli import monitor_cmd
    from groengezond.services import monitor

    for module in (monitor, monitor_cmd):
        calls = _output_calls(ast.parse(inspect.getsource(module)))
        outside = [c for c in calls if c[0] not in WRITERS]
        assert outside == [], f"{module.__name__} writes outside the writers: {outside}"
        for name in WRITERS & {c[0] for c in calls}:
            hints = getattr(module, name).__annotations__  # strings (postponed annotations)
            params = {k: str(v) for k, v in hints.items() if k != "return"}
            assert any("PublishedTable" in v or "MonitorReport" in v for v in params.values()), \
                f"{module.__name__}.{name} does not take PublishedTable: {params}"
    for path in (SRC / "indicators").glob("*.py"):
        calls = _output_calls(ast.parse(path.read_text("utf-8")))
        assert calls == [], f"core module {path.name} writes output: {calls}"
