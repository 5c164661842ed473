"""Percentage scale decided per column from in-region rows (groengezond.sources.scale)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groengezond.errors import InputError
from groengezond.sources.scale import percent_factor


def test_fractions_and_percents() -> None:
    assert percent_factor([0.31, 0.44, np.nan], file="f", column="c") == 100.0
    assert percent_factor([31.0, 44.0, 1.0, 0.0], file="f", column="c") == 1.0
    assert percent_factor([31.0, 44.0, 0.5], file="f", column="c", proportion=False) == 1.0


def test_rows_outside_the_region_do_not_decide() -> None:
    values = [1.7] * 50 + [0.39, 0.41]
    inside = [False] * 50 + [True, True]
    assert percent_factor(values, file="f", column="overweight", inside=inside) == 100.0


def test_mixed_column_names_the_rows() -> None:
    with pytest.raises(InputError) as err:
        percent_factor([39.0, 40.0, 41.0, 0.38], file="t.csv", column="overweight",
                       rows=["row 2", "row 3", "row 4", "row 5 (BU03440101)"])
    text = str(err.value)
    assert "t.csv" in text and "row 5 (BU03440101)" in text and "overweight" in text


def test_declared_fractions_above_one_refused() -> None:
    with pytest.raises(InputError):
        percent_factor([0.3, 30.0], file="f", column="c", proportion=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(5.0, 95.0), min_size=3, max_size=40),
       st.data())
def test_flipped_rows_never_pass_silently(percents: list[float], data: st.DataObject) -> None:
    """Some rows of a percent column written as fractions: refused, or read right."""
    flip = data.draw(st.lists(st.booleans(), min_size=len(percents), max_size=len(percents)))
    values = [p / 100.0 if f else p for p, f in zip(percents, flip, strict=True)]
    try:
        factor = percent_factor(values, file="f", column="c")
    except InputError:
        assert any(flip) and not all(flip)
        return
    scaled = np.asarray(values) * factor
    assert np.allclose(scaled, percents)
