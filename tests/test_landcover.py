"""Tests of the land-cover focal statistics: green share vs brute force, local updates, NDVI."""

from __future__ import annotations

import numpy as np
import pytest
from affine import Affine
from hypothesis import given, settings
from hypothesis import strategies as st

from groengezond.landcover import (
    NDVI_BY_CLASS,
    apply_patches,
    disc_kernel,
    focal_mean,
    green_mask,
    green_share,
    ndvi_proxy,
    sample,
    update_green_share,
)
from groengezond.region.model import Landcover
from groengezond.region.schema import LANDCOVER_CLASSES
from groengezond.region.testing import tiny_region


def brute_share(classes: np.ndarray, radius_m: float, cell: float) -> np.ndarray:
    green, valid = green_mask(Landcover(classes, Affine(cell, 0, 0, 0, -cell, 0)))
    h, w = classes.shape
    out = np.full((h, w), np.nan)
    for r in range(h):
        for c in range(w):
            if not valid[r, c]:
                continue
            rr, cc = np.mgrid[0:h, 0:w]
            inside = ((rr - r) * cell) ** 2 + ((cc - c) * cell) ** 2 <= radius_m**2
            n_valid = (inside & valid).sum()
            out[r, c] = (inside & green).sum() / n_valid
    return out


def test_disc_kernel() -> None:
    k = disc_kernel(20.0, 10.0)
    assert k.shape == (5, 5)
    assert k.sum() == 13  # centre, 4 at 10 m, 4 at 14.1 m, 4 at 20 m
    assert k[0, 0] == 0 and k[0, 2] == 1


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), h=st.integers(1, 14), w=st.integers(1, 14),
       radius=st.sampled_from([10.0, 25.0, 40.0, 300.0]))
def test_green_share_matches_brute_force(seed: int, h: int, w: int, radius: float) -> None:
    rng = np.random.default_rng(seed)
    classes = rng.integers(0, 8, (h, w)).astype(np.uint8)  # 0 = nodata included
    lc = Landcover(classes, Affine(10.0, 0, 0, 0, -10.0, 0))
    got = green_share(lc, (radius,)).share[radius]
    want = brute_share(classes, radius, 10.0)
    assert np.allclose(got, want, equal_nan=True, atol=1e-6)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), r0=st.integers(0, 30), c0=st.integers(0, 30),
       size=st.integers(1, 8), nodata=st.booleans())
def test_local_update_equals_full(seed: int, r0: int, c0: int, size: int, nodata: bool) -> None:
    rng = np.random.default_rng(seed)
    old = rng.integers(1, 8, (40, 40)).astype(np.uint8)
    new = old.copy()
    new[r0:r0 + size, c0:c0 + size] = 0 if nodata else 3  # a park (low green) or nodata
    tr = Affine(10.0, 0, 0, 0, -10.0, 0)
    radii = (30.0, 50.0, 100.0)
    before = green_share(Landcover(old, tr), radii)
    patches = update_green_share(before, Landcover(old, tr), Landcover(new, tr))
    after = apply_patches(before, patches)
    full = green_share(Landcover(new, tr), radii)
    for r in radii:
        assert np.allclose(after.share[r], full.share[r], equal_nan=True, atol=1e-6)
        assert np.array_equal(after.green_count[r], full.green_count[r])
    # the original result is untouched
    assert np.array_equal(before.green_count[30.0],
                          green_share(Landcover(old, tr), radii).green_count[30.0])
    assert update_green_share(before, Landcover(old, tr), Landcover(old, tr)) == []


def test_ndvi_proxy_and_focal_mean() -> None:
    classes = np.array([[0, 3], [4, 5]], dtype=np.uint8)
    lc = Landcover(classes, Affine(10.0, 0, 0, 0, -10.0, 20))
    ndvi = ndvi_proxy(lc)
    assert np.isnan(ndvi[0, 0])
    assert ndvi[0, 1] == pytest.approx(NDVI_BY_CLASS["low_green"])
    assert np.isnan(ndvi[1, 1])  # water is nodata in NDVI means (as InVEST and RIVM)
    assert set(NDVI_BY_CLASS) == set(LANDCOVER_CLASSES.values()) - {"nodata"}
    mean = focal_mean(ndvi, 1000.0, 10.0)
    expected = np.nanmean(ndvi)
    assert mean[0, 1] == pytest.approx(expected, abs=1e-6)
    assert np.isnan(mean[0, 0])


def test_sample_tiny_region() -> None:
    r = tiny_region()
    assert r.landcover is not None
    share = green_share(r.landcover, (300.0,)).share[300.0]
    x0, y0 = 140_000.0, 455_000.0
    values = sample(share, r.landcover, np.array([[x0 + 800, y0 + 50], [x0 - 50, y0]]))
    assert 0 < values[0] <= 1
    assert np.isnan(values[1])
