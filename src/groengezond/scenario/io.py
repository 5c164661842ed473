"""Load and save scenarios as YAML or JSON (the only I/O of :mod:`groengezond.scenario`)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from groengezond.errors import InputError
from groengezond.region.store import atomic_file
from groengezond.scenario.model import Scenario, scenario_from_data


def load_scenario(path: Path) -> Scenario:
    """Read a scenario from a ``.yaml``/``.yml`` or ``.json`` file.

    Raises
    ------
    InputError
        If the file is missing, not YAML/JSON, or the scenario is invalid (the problems name
        the intervention and the field).
    """
    p = Path(path)
    if not p.is_file():
        raise InputError.single(str(p), "", "", "does not exist", "give a scenario YAML file")
    try:
        text = p.read_text("utf-8")
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(str(p), "", "", f"cannot be parsed ({exc})",
                                "write valid YAML or JSON") from None
    return scenario_from_data(data, file=str(p))


def save_scenario(scenario: Scenario, path: Path) -> Path:
    """Write ``scenario`` to ``path`` (YAML unless the suffix is ``.json``), atomically."""
    p = Path(path)
    data = scenario.model_dump(mode="json", exclude_defaults=False)
    if p.suffix.lower() == ".json":
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    p.parent.mkdir(parents=True, exist_ok=True)
    with atomic_file(p) as tmp:
        tmp.write_text(text, "utf-8")
    return p
