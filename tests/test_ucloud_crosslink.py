"""Linking two projects through the hub (issue 19, item 2): no BSN, both stewards consent.

Two projects ingest overlapping parts of one register in their own pseudonym domains. The hub
links them into a joint domain through its link keys: a person in both gets the same joint
pseudonym from either side, joint pseudonyms are unrelated to the projects', and a steward of
each project must consent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from groengezond.cli.app import app
from groengezond.ucloud.governance import AccessDeniedError
from groengezond.ucloud.hub import Hub, link_projects
from groengezond.ucloud.pipeline import ingest_link_aggregate
from groengezond.ucloud.pseudonym import Pseudonymiser
from ucloud_support import KEY, YEAR, population, small_region, write_key

N_A, N_B, START_B = 6_000, 5_000, 4_000  # register rows 0-5999 and 4000-8999: 2,000 shared


def project(root: Path, domain: str, rows: slice) -> tuple[Hub, str]:
    pop = population()
    reg = pop.register.iloc[rows].reset_index(drop=True)
    run = ingest_link_aggregate(reg, pop.care_events.iloc[0:0], {}, pop.addresses,
                                small_region().areas, Pseudonymiser(KEY, domain), year=YEAR)
    hub = Hub(root)
    steward = hub.add_user(None, f"steward-{domain}", "data_steward")
    hub.save_run(steward, run, domain=domain, year=YEAR)
    return hub, steward


def test_projects_link_through_the_hub(tmp_path: Path) -> None:
    a = project(tmp_path / "a", "proj-a", slice(0, N_A))
    b = project(tmp_path / "b", "proj-b", slice(START_B, START_B + N_B))
    report = link_projects(a, b, KEY, "proj-ab", tmp_path / "ab")
    shared = N_A - START_B
    assert report == {"joint_domain": "proj-ab", "persons_a": N_A, "persons_b": N_B,
                      "in_both": shared, "only_a": N_A - shared, "only_b": N_B - shared}
    pa = pd.read_parquet(tmp_path / "ab" / "linked" / "proj-a" / "persons.parquet")
    pb = pd.read_parquet(tmp_path / "ab" / "linked" / "proj-b" / "persons.parquet")
    # the same person, from either project, has the same joint pseudonym; the rows are the
    # register's (A from row 0, B from row START_B)
    assert (pa["pseudonym"].iloc[START_B:N_A].to_numpy()
            == pb["pseudonym"].iloc[:shared].to_numpy()).all()
    assert len(set(pa["pseudonym"]) & set(pb["pseudonym"])) == shared
    assert (pa["birth_year"].iloc[START_B:N_A].to_numpy()
            == pb["birth_year"].iloc[:shared].to_numpy()).all()
    # joint pseudonyms are unrelated to either project's, and to a direct hash in the joint
    # domain
    own_a = pd.read_parquet(tmp_path / "a" / "linked" / "persons.parquet")["pseudonym"]
    assert not set(pa["pseudonym"]) & set(own_a)
    direct = Pseudonymiser(KEY, "proj-ab").many_int(
        population().register["bsn"].to_numpy(dtype=np.int64)[:N_A])
    assert not set(pa["pseudonym"]) & set(direct)
    # the vaults stay in their hubs, private; the joint folder holds no link keys
    vault = tmp_path / "a" / "vault" / "persons.parquet"
    assert os.stat(vault).st_mode & 0o777 == 0o600
    assert not list((tmp_path / "ab").rglob("vault*"))
    for f in (tmp_path / "ab").rglob("*.parquet"):
        assert "link_key" not in pd.read_parquet(f).columns
    # both hubs log the link with its output hash
    for hub, _ in (a, b):
        entries = [json.loads(x) for x in (hub.root / "audit.jsonl").read_text().splitlines()]
        assert [e["action"] for e in entries][-2:] == ["link_projects", "linked_projects"]


def test_linking_needs_a_steward_of_each_project(tmp_path: Path) -> None:
    a = project(tmp_path / "a", "proj-a", slice(0, 100))
    hub_b, steward_b = project(tmp_path / "b", "proj-b", slice(50, 150))
    researcher = hub_b.add_user(steward_b, "bob", "researcher")
    with pytest.raises(AccessDeniedError):
        link_projects(a, (hub_b, researcher), KEY, "proj-ab", tmp_path / "ab")
    with pytest.raises(AccessDeniedError):
        link_projects(a, (hub_b, a[1]), KEY, "proj-ab", tmp_path / "ab")  # A's token in B
    assert not (tmp_path / "ab").exists()


def test_link_projects_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    monkeypatch.setenv("GG_PSEUDONYM_KEY_FILE", str(write_key(tmp_path / "key")))
    (hub_a, ta), (hub_b, tb) = (project(tmp_path / "a", "proj-a", slice(0, 300)),
                                project(tmp_path / "b", "proj-b", slice(200, 400)))
    res = CliRunner().invoke(app, [
        "ucloud", "link-projects", "--hub-a", str(hub_a.root), "--token-a", ta,
        "--hub-b", str(hub_b.root), "--token-b", tb, "--joint", "proj-ab",
        "--out", str(tmp_path / "ab")])
    assert res.exit_code == 0, res.output
    assert "100 persons in both projects, 200 only in A, 100 only in B" in res.output
    same = CliRunner().invoke(app, [
        "ucloud", "link-projects", "--hub-a", str(hub_a.root), "--token-a", ta,
        "--hub-b", str(hub_a.root), "--token-b", ta, "--joint", "proj-ab",
        "--out", str(tmp_path / "aa")])
    assert same.exit_code != 0
    assert "link two different projects" in same.output
