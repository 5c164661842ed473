"""Shared set-up of the U-Cloud tests: a small synthetic region, its deliveries and a hub."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from groengezond.region.model import Region
from groengezond.ucloud.hub import Hub
from groengezond.ucloud.pipeline import HubRun, ingest_link_aggregate
from groengezond.ucloud.pseudonym import Pseudonymiser
from groengezond.ucloud.synthpop import Population, generate_population

KEY = bytes(range(32))
DOMAIN = "test-project"
YEAR = 2024


@cache
def small_region() -> Region:
    from groengezond.synth import generate_region

    return generate_region(inhabitants=12_000, seed=11)


@cache
def population() -> Population:
    return generate_population(small_region(), np.random.default_rng(5), year=YEAR)


@cache
def hub_run() -> HubRun:
    pop = population()
    return ingest_link_aggregate(pop.register, pop.care_events, pop.social, pop.addresses,
                                 small_region().areas, Pseudonymiser(KEY, DOMAIN), year=YEAR)


def write_key(path: Path, mode: int = 0o600) -> Path:
    path.write_bytes(KEY)
    os.chmod(path, mode)
    return path


@dataclass(frozen=True)
class HubUsers:
    hub: Hub
    steward: str
    steward2: str
    researcher: str
    viewer: str


def stocked_hub(root: Path) -> HubUsers:
    """A hub with a stored run and one user of each role (two stewards)."""
    hub = Hub(root)
    steward = hub.add_user(None, "anna", "data_steward")
    steward2 = hub.add_user(steward, "carla", "data_steward")
    researcher = hub.add_user(steward, "bob", "researcher")
    viewer = hub.add_user(steward, "vera", "viewer")
    hub.save_run(steward, hub_run(), domain=DOMAIN, year=YEAR)
    return HubUsers(hub, steward, steward2, researcher, viewer)
