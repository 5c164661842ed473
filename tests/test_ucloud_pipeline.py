"""Ingest, link, aggregate and protect: linkage rates, indicators, the attack on releases."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from groengezond.region.store import read_region, write_region
from groengezond.ucloud.addresses import AddressIndex
from groengezond.ucloud.attack import differencing_attack
from groengezond.ucloud.linkage import link_register, link_source
from groengezond.ucloud.monitor_feed import publish_to_region
from groengezond.ucloud.pseudonym import Pseudonymiser
from groengezond.ucloud.social import ingest_frame
from groengezond.ucloud.synthpop import generate_population
from ucloud_support import DOMAIN, KEY, YEAR, hub_run, population, small_region


def test_population_follows_the_region() -> None:
    region, pop = small_region(), population()
    assert len(pop.register) == int(region.addresses["residents"].sum())
    per_person = len(pop.care_events) / len(pop.register)
    assert 5.0 < per_person < 9.0  # about 10M events for 1.5M persons
    # mental-health care follows the buurt's anxiety/depression risk
    run = hub_run()
    ind = run.indicators
    mh = ind[(ind["indicator"] == "gp_mental_health_contacts_per_1000_adults")
             & (ind["level"] == "buurt") & ~ind["suppressed"]].set_index("area_code")["value"]
    risk = region.indicators[(region.indicators["indicator"] == "depression_anxiety_risk_pct")
                             & (region.indicators["year"] == 2022)].set_index("area_code")
    both = pd.concat([mh, risk["value"]], axis=1, join="inner").dropna()
    assert len(both) >= 5
    assert np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1] > 0.3


def test_linkage_rates_count_unlinked_records() -> None:
    pop = population()
    pz = Pseudonymiser(KEY, DOMAIN)
    index = AddressIndex.from_frame(pop.addresses)
    linked = link_register(pop.register.iloc[100:], pz, index)  # 100 persons missing
    rate = link_source(linked, "care", pop.care_events, pz)
    missing = set(pop.register["bsn"].iloc[:100])
    unlinked = int(pop.care_events["bsn"].isin(missing).sum())
    assert rate.records == len(pop.care_events)
    assert rate.linked_records == rate.records - unlinked
    assert rate.persons - rate.linked_persons == pop.care_events.loc[
        pop.care_events["bsn"].isin(missing), "bsn"].nunique()
    assert 0.99 < rate.record_rate < 1.0
    assert (linked.events["care"]["person"] == -1).sum() == unlinked
    assert "bsn" not in linked.events["care"].columns


def test_social_extract_rows_are_checked_and_quarantined() -> None:
    pop = population()
    wmo = pop.social["wmo"].head(30).copy()
    wmo.loc[0, "bsn"] = "123456789"  # fails the 11-test
    wmo.loc[1, "voorziening"] = "zwembad"
    wmo.loc[2, "startdatum"] = "31-12-2024"
    wmo.loc[3, "einddatum"] = "2001-01-01"
    wmo.loc[4, "postcode"] = "1000ZZ"
    batch = ingest_frame(wmo, "wmo", Pseudonymiser(KEY, DOMAIN),
                         AddressIndex.from_frame(pop.addresses), file="wmo.csv")
    assert len(batch.records) == 25 and len(batch.quarantine) == 5
    where = {(q.location, q.field) for q in batch.quarantine}
    assert where == {("row 2", "bsn"), ("row 3", "voorziening"), ("row 4", "startdatum"),
                     ("row 5", "einddatum"), ("row 6", "postcode")}
    assert all("123456789" not in str(q) for q in batch.quarantine)
    assert set(batch.records.columns) == {"pseudonym", "buurt", "scheme", "provision",
                                          "start_year", "end_year", "source"}


@pytest.mark.parametrize("name", ["gp_mh_contacts", "wmo", "jeugdwet", "participatiewet"])
def test_differencing_attack_on_the_released_tables(name: str) -> None:
    rel = hub_run().releases[name]
    sup = rel.cells["suppressed"].to_numpy()
    assert sup.any()
    res = differencing_attack(rel.system.relations, rel.system.values, sup)
    assert len(res.recovered) == 0
    assert np.all((res.upper - res.lower)[sup] >= 1.0)


def test_indicators_only_where_their_cell_is_published() -> None:
    run = hub_run()
    ind = run.indicators
    assert set(ind["level"]) == {"buurt", "wijk", "gemeente"}
    assert ind.loc[ind["suppressed"], "value"].isna().all()
    assert ind.loc[~ind["suppressed"], "value"].notna().all()
    assert set(ind["reason"]) <= {"", "disclosure_control"}
    wmo = run.releases["wmo"].cells
    tot = wmo[(wmo["category"] == "total")].set_index("area_code")
    row = ind[(ind["indicator"] == "wmo_clients_per_1000") & ~ind["suppressed"]].iloc[0]
    assert row["value"] == pytest.approx(tot.loc[row["area_code"], "value"]
                                         / row["denominator"] * 1000)


def test_care_indicators_reach_the_monitor_through_disclosure(tmp_path: Path) -> None:
    from groengezond.services.monitor import MonitorQuery, run_monitor

    region_dir = write_region(small_region(), tmp_path / "region")
    hub_ind = tmp_path / "ind.parquet"
    hub_run().indicators.to_parquet(hub_ind)
    n = publish_to_region(hub_ind, region_dir)
    assert n == len(hub_run().indicators)
    region = read_region(region_dir)
    report = run_monitor(region, MonitorQuery(indicator="wmo_clients_per_1000", level="buurt",
                                              year=YEAR, n_sims=200))
    values = report.ranking.frame
    assert len(values) > 0
    ours = hub_run().indicators.set_index(["area_code", "indicator"])["value"]
    checked = 0
    for _, r in values.iterrows():
        hub = ours.get((r["area_code"], "wmo_clients_per_1000"), np.nan)
        if np.isnan(hub):
            assert np.isnan(r["value"])  # suppressed in the hub stays missing, never 0
        elif not r["suppressed"]:
            assert r["value"] == pytest.approx(hub)
            checked += 1
    assert checked > 0


def test_population_is_reproducible() -> None:
    a = generate_population(small_region(), np.random.default_rng(9))
    b = generate_population(small_region(), np.random.default_rng(9))
    pd.testing.assert_frame_equal(a.register, b.register)
    assert len(a.care_events) == len(b.care_events)
