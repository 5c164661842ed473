"""The showcase park (examples/scenarios/park_worst_off_wijk.yaml), recomputed by hand.

Independent of the engine's code paths: the cells the park changes are counted on the raster,
the NDVI change at every home is a brute-force sum over the cells within 500 m (no FFT, no
tiles), the per-buurt means are weighted by hand, and the deaths prevented follow the
published formula  deaths = adults × rate × (1 − HR^(ΔNDVI / 0.1))  with the central HR 0.96
per 0.1 NDVI (Rojas-Rueda et al. 2019). The example lies on open land of the demo region
(synthetic, seed 42, 150,000 inhabitants); its first version lay over 58 buildings with 149
dwellings, which the Planner now refuses (issue 14).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from groengezond.errors import InputError
from groengezond.landcover import NDVI_BY_CLASS
from groengezond.region.model import Region
from groengezond.scenario.io import load_scenario
from groengezond.scenario.model import parse_geometry, scenario_from_data
from groengezond.scenario.plausibility import check_plausibility
from groengezond.services.plan import Planner
from groengezond.synth import generate_region

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "scenarios" / \
    "park_worst_off_wijk.yaml"
OLD_PARK = "POLYGON ((141451.9 452034.1, 141451.9 452257.7, 141675.5 452257.7, " \
           "141675.5 452034.1, 141451.9 452034.1))"
HR, INCREMENT = 0.96, 0.1


@pytest.fixture(scope="module")
def region() -> Region:
    return generate_region(150_000, seed=42)


def test_the_old_showcase_park_is_refused_on_its_58_buildings(region: Region) -> None:
    sc = scenario_from_data({"name": "old", "interventions": [
        {"kind": "add_green", "name": "Buurtpark", "geometry": OLD_PARK}]})
    with pytest.raises(InputError) as err:
        check_plausibility(region, sc)
    p = err.value.problems[0]
    assert p.key == "over_buildings" and "58 buildings with 149 dwellings" in p.problem


def test_park_example_by_hand(region: Region) -> None:
    sc = load_scenario(EXAMPLE)
    park = parse_geometry(sc.interventions[0].geometry)
    assert park.area == pytest.approx(50_000.0, rel=1e-3)  # 5 ha
    ok = check_plausibility(region, sc)
    assert ok.scenario == sc and not ok.displacements  # open land: nothing corrected

    lc = region.landcover
    assert lc is not None
    names = region.meta.landcover_classes
    code = {v: k for k, v in names.items()}
    tr, cell = lc.transform, lc.cell_size_m
    h, w = lc.classes.shape
    # cells whose centre lies in the park and that are neither green nor water become grass
    rr, cc = np.mgrid[0:h, 0:w]
    xc, yc = tr.c + (cc + 0.5) * tr.a, tr.f + (rr + 0.5) * tr.e
    inside = shapely.contains_xy(park, xc, yc)
    changes = inside & np.isin(lc.classes, [code["paved"], code["bare"], code["building"]])
    assert not (inside & (lc.classes == code["building"])).any()
    assert changes.sum() > 0
    ndvi = np.array([NDVI_BY_CLASS.get(names.get(i, "nodata"), np.nan) if i in names
                     and names[i] != "nodata" else np.nan for i in range(256)])
    dv = np.where(changes, NDVI_BY_CLASS["low_green"] - ndvi[lc.classes], 0.0)
    valid = np.isfinite(ndvi[lc.classes])  # water and nodata are left out of the means

    # ΔNDVI within 500 m at each home, by brute force over a window of cells
    addr = region.addresses
    ax, ay = addr.geometry.x.to_numpy(), addr.geometry.y.to_numpy()
    ar = np.floor((ay - tr.f) / tr.e).astype(int)
    ac = np.floor((ax - tr.c) / tr.a).astype(int)
    k = int(500 // cell)
    off = np.arange(-k, k + 1)
    disc = (off[:, None] ** 2 + off[None, :] ** 2) * cell**2 <= 500.0**2
    near = np.flatnonzero(shapely.distance(park, shapely.points(ax, ay)) <= 520.0)
    d_ndvi = np.zeros(len(addr))
    for i in near:
        r0, c0 = ar[i] - k, ac[i] - k
        rs, cs = slice(max(r0, 0), min(ar[i] + k + 1, h)), slice(max(c0, 0),
                                                                 min(ac[i] + k + 1, w))
        m = disc[rs.start - r0:rs.stop - r0, cs.start - c0:cs.stop - c0]
        d_ndvi[i] = dv[rs, cs][m].sum() / valid[rs, cs][m].sum()
    assert d_ndvi.max() > 0.0  # mostly farmland (already green): small, but not zero

    planner = Planner(region)
    result = planner.run(sc, np.random.default_rng(42), seed=42)
    res = addr["residents"].to_numpy(dtype=float)
    adults_at = addr["age_18_64"].to_numpy(dtype=float) + addr["age_65_plus"].to_numpy(
        dtype=float)
    rates = planner.baselines.get("green_mortality")
    deaths = 0.0
    for j, b in enumerate(result.buurten):
        sel = (addr["buurt"] == b.code).to_numpy()
        if res[sel].sum() == 0:
            continue
        mean = float((d_ndvi[sel] * res[sel]).sum() / res[sel].sum())
        assert b.d_ndvi_500m == pytest.approx(mean, rel=1e-3, abs=1e-7), b.code
        rate = float(rates.value[j]) if rates is not None else 0.0113
        deaths += adults_at[sel].sum() * rate * (1.0 - HR ** (mean / INCREMENT))
    green = next(p for p in result.pathways if p.erf_id == "green_mortality")
    assert deaths > 0.0
    # the Monte Carlo median of the engine against the central values by hand
    assert green.total.median == pytest.approx(deaths, rel=0.05)
    assert green.total.lower < deaths < green.total.upper
    # the one-off cost: 5 ha of the catalogue's neighbourhood park, EUR 0.5-2 M per ha
    assert result.costs is not None
    line = result.costs.lines[0]
    assert (line.low_eur, line.high_eur) == pytest.approx((park.area / 1e4 * 500_000,
                                                           park.area / 1e4 * 2_000_000))
