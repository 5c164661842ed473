"""Load a packaged YAML file and turn pydantic errors into :class:`Problem` lists.

Every registry of the ``health`` package (exposure-response functions, baseline rates,
valuation) is a YAML file in the package, read through :mod:`importlib.resources` and validated
by pydantic. Errors name the file, the entry (by its ``id``) and the field.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from groengezond.errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)


def read_packaged(package: str, name: str) -> str:
    """Return the text of a YAML file shipped inside ``package``."""
    return resources.files(package).joinpath(name).read_text("utf-8")


def parse_yaml(text: str, file: str) -> Any:
    """Parse YAML text; raise :class:`InputError` naming ``file`` when it is not valid YAML."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError.single(file, "", "", f"is not valid YAML ({exc})",
                                "repair the YAML syntax") from exc


def _where(raw: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Split a pydantic error location into (entry, field), naming list entries by their id."""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(raw, dict):
        section = raw.get(loc[0])
        key = loc[1]
        if isinstance(section, list) and isinstance(key, int) and 0 <= key < len(section):
            item = section[key]
            name = item.get("id") if isinstance(item, dict) else None
            label = f"'{name}'" if name else f"#{key + 1}"
            return f"{loc[0]} {label}", ".".join(str(p) for p in loc[2:])
        if isinstance(section, dict):
            return f"{loc[0]} '{key}'", ".".join(str(p) for p in loc[2:])
    return "", ".".join(str(p) for p in loc)


def validate_as(model: type[M], raw: Any, file: str, fix: str) -> M:
    """Validate ``raw`` as ``model``; raise one :class:`Problem` per error, naming the entry.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        The model to validate against.
    raw : Any
        Parsed YAML.
    file : str
        File name used in messages.
    fix : str
        What the user should do (e.g. which document describes the fields).
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            entry, field = _where(raw, tuple(err["loc"]))
            problems.append(Problem(file, entry, field, err["msg"], fix))
        raise InputError(problems) from exc
