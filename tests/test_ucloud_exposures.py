"""Address exposures linked at ingestion, kept only as bands (issue 19, item 1).

The synthetic region's access results per address are banded, delivered in the address table,
joined to persons through their address before it becomes a buurt code, and released as care
use by exposure band through the same disclosure control as every other table.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd
import pytest

from groengezond.errors import InputError
from groengezond.services.access import compute_access
from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.attack import differencing_attack
from groengezond.ucloud.exposures import address_exposures, band
from groengezond.ucloud.pipeline import HubRun, ingest_link_aggregate
from groengezond.ucloud.pseudonym import Pseudonymiser
from groengezond.ucloud.synthpop import Population, generate_population
from ucloud_support import DOMAIN, KEY, YEAR, small_region


@cache
def access() -> pd.DataFrame:
    return pd.DataFrame(compute_access(small_region()).addresses.drop(columns="geometry"))


@cache
def population() -> Population:
    return generate_population(small_region(), np.random.default_rng(5), year=YEAR,
                               exposures=address_exposures(access()))


@cache
def run() -> HubRun:
    pop = population()
    return ingest_link_aggregate(pop.register, pop.care_events, pop.social, pop.addresses,
                                 small_region().areas, Pseudonymiser(KEY, DOMAIN), year=YEAR)


def test_bands_have_lower_bounds_and_no_values() -> None:
    got = band([0.0, 99.9, 100.0, 299.0, 300.0, 5000.0, np.nan, -1.0],
               (0.0, 100.0, 300.0, 500.0), ("0-99", "100-299", "300-499", "500+"))
    assert got.tolist() == ["0-99", "0-99", "100-299", "100-299", "300-499", "500+", None, None]


def test_each_address_gets_the_band_of_its_own_access_figures() -> None:
    acc = access()
    ex = address_exposures(acc).set_index("address_id")
    d = acc.set_index("address_id")["green_network_m"]
    for lo, hi, label in ((0, 100, "0-99"), (100, 300, "100-299"), (300, 500, "300-499"),
                          (500, np.inf, "500+")):
        sel = (d >= lo) & (d < hi)
        assert sel.any() or label == "300-499"
        assert (ex.loc[sel[sel].index, "exp_green_distance"] == label).all()
    share = acc.set_index("address_id")["green_share_300m"] * 100
    assert (ex.loc[share[share >= 60].index, "exp_green_share_300m"] == "60+").all()
    ndvi = acc.set_index("address_id")["ndvi_proxy_500m"]
    mid = ndvi[(ndvi >= 0.2) & (ndvi < 0.4)].index
    assert len(mid) > 0
    assert (ex.loc[mid, "exp_ndvi_500m"] == "0.2-0.4").all()
    meets = acc.set_index("address_id")["meets_3_30_300"]
    assert (ex.loc[meets[meets].index, "exp_3_30_300"] == "yes").all()
    # on a degraded network the distance is not an exposure
    degraded = acc.assign(network_degraded=True)
    assert address_exposures(degraded)["exp_green_distance"].isna().all()


def test_raw_exposures_per_address_are_refused() -> None:
    table = population().addresses.copy()
    table["exp_green_distance"] = table["exp_green_distance"].astype(object)
    table.loc[3, "exp_green_distance"] = 212.5  # a distance in metres points at the address
    with pytest.raises(InputError) as err:
        AddressIndex.from_frame(table, file="addresses.parquet")
    text = str(err.value)
    assert "addresses.parquet" in text and "row 4" in text and "exp_green_distance" in text
    assert "is not a band" in text


def test_persons_carry_their_address_bands_and_nothing_finer() -> None:
    pop, linked = population(), run().linked
    p = linked.persons
    assert {"exp_green_distance", "exp_green_share_300m", "exp_ndvi_500m",
            "exp_3_30_300"} <= set(p.columns)
    assert not {"postcode", "huisnummer", "bsn", "green_network_m"} & set(p.columns)
    # the register is in the same order as the persons: each person has their address's band
    index = AddressIndex.from_frame(pop.addresses)
    want = index.exposures_many(pop.register["postcode"], pop.register["huisnummer"])
    assert (p["exp_green_distance"].to_numpy() == want["exp_green_distance"].to_numpy()).all()
    assert p["exp_green_distance"].notna().all()
    # a postcode alone names no address: the buurt resolves, the exposure does not
    one = pop.register.iloc[[0]].assign(huisnummer=9999)
    assert index.lookup_many(one["postcode"], one["huisnummer"])[0] is not None
    assert index.exposures_many(one["postcode"], one["huisnummer"]).iloc[0].isna().all()


@pytest.mark.parametrize("name", ["adults_by_green_distance", "gp_mh_persons_by_green_distance",
                                  "adults_by_3_30_300", "gp_mh_persons_by_3_30_300"])
def test_care_by_exposure_is_released_through_disclosure_control(name: str) -> None:
    rel = run().releases[name]
    cells = rel.cells
    sup = cells["suppressed"].to_numpy()
    # small cells are suppressed in the distance tables (3-30-300 yes/no cells are large here)
    assert sup.any() or "3_30_300" in name
    res = differencing_attack(rel.system.relations, rel.system.values, sup)
    assert len(res.recovered) == 0
    published = cells.loc[~cells["suppressed"], "published"]
    assert ((published == 0) | (published >= 10)).all()
    assert (published % 5 == 0).all()


def test_release_counts_are_the_linked_persons() -> None:
    r = run()
    persons = r.linked.persons
    adults = persons[(YEAR - persons["birth_year"]) >= 18]
    cells = r.releases["adults_by_green_distance"].system.cells
    region_total = cells[(cells["level"] == "gemeente") & (cells["category"] != "total")]
    by_band = region_total.groupby("category")["value"].sum()
    want = adults["exp_green_distance"].value_counts()
    assert by_band.reindex(want.index).to_dict() == want.astype(float).to_dict()
