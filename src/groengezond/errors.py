"""Error types shared by every part of groengezond.

Bad input raises :class:`InputError`, which carries one :class:`Problem` per thing that is
wrong. Each problem names the file, the place (row or feature), the field, what is wrong and
what would be right, so that the CLI can print it as one line and the API can answer 422 with
the same text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass


class GroengezondError(Exception):
    """Base class of every error groengezond raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input.

    Parameters
    ----------
    file : str
        The file or request the problem is in (e.g. ``"areas.parquet"``).
    location : str
        Where in it: a row, a feature id or a code (e.g. ``"row 12 (code BU09010101)"``).
        Empty when the problem concerns the whole file.
    field : str
        The column or key concerned; empty when none applies.
    problem : str
        What is wrong, in plain words.
    fix : str
        What would be right, in plain words.
    key : str
        A stable key of the kind of problem (e.g. ``over_buildings``), for a user interface
        that words it in its own language; empty when none is defined.
    params : dict
        The values that wording fills in, by name (numbers unformatted; see
        ``groengezond.messages.REFUSAL_KEYS``); empty when the key needs none.
    """

    file: str
    location: str
    field: str
    problem: str
    fix: str
    key: str = ""
    params: dict[str, str | int | float | None] = dataclasses.field(
        default_factory=dict, compare=False, hash=False)

    def __str__(self) -> str:
        field = f"field '{self.field}'" if self.field else ""
        where = ", ".join(p for p in (self.location, field) if p)
        head = f"{self.file}: {where}: " if where else f"{self.file}: "
        return f"{head}{self.problem}; {self.fix}"


class InputError(GroengezondError, ValueError):
    """Bad input: one or more :class:`Problem` found in a file or request.

    Parameters
    ----------
    problems : Iterable[Problem]
        Every problem found (all problems of a file are collected, not just the first).
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("InputError needs at least one problem")
        super().__init__(self.message)

    @classmethod
    def single(cls, file: str, location: str, field: str, problem: str, fix: str) -> InputError:
        """Build an error with a single problem."""
        return cls([Problem(file, location, field, problem, fix)])

    @property
    def message(self) -> str:
        """All problems, one per line."""
        return "\n".join(str(p) for p in self.problems)

    def __str__(self) -> str:
        return self.message
