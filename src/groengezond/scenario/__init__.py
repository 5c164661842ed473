"""Scenarios of the Planner: models, application to a region (a delta), exposures, impacts.

See ``docs/planner.md``. The service that evaluates scenarios is
:class:`groengezond.services.plan.Planner`.
"""

from groengezond.scenario.apply import CellChange, ScenarioDelta, apply_scenario
from groengezond.scenario.model import (
    KINDS,
    AddConnection,
    AddDwellings,
    AddGreen,
    Depave,
    GreenRoofs,
    Intervention,
    PlantTrees,
    RemoveGreen,
    Scenario,
    input_hash,
    scenario_from_data,
)
from groengezond.scenario.result import ScenarioResult

__all__ = [
    "KINDS",
    "AddConnection",
    "AddDwellings",
    "AddGreen",
    "CellChange",
    "Depave",
    "GreenRoofs",
    "Intervention",
    "PlantTrees",
    "RemoveGreen",
    "Scenario",
    "ScenarioDelta",
    "ScenarioResult",
    "apply_scenario",
    "input_hash",
    "scenario_from_data",
]
