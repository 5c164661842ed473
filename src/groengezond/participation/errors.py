"""Errors of the participation module, each with the HTTP status the API answers.

Bad input is the project's :class:`~groengezond.errors.InputError` (422). The classes here
cover the other refusals; every message says what is wrong and what to do instead.
"""

from __future__ import annotations

from groengezond.errors import GroengezondError


class ParticipationError(GroengezondError):
    """A refused participation request; ``status`` is the HTTP status to answer."""

    status: int = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class UnauthorizedError(ParticipationError):
    """No valid credentials (staff session or resident token): 401."""

    status = 401


class ForbiddenError(ParticipationError):
    """Credentials are valid but the role may not do this (or CSRF failed): 403."""

    status = 403


class NotFoundError(ParticipationError):
    """The thing does not exist, or is not visible to the caller: 404."""

    status = 404


class ConflictError(ParticipationError):
    """The request conflicts with what is stored (a second rating, a closed field lab): 409."""

    status = 409


class FieldLabClosedError(ConflictError):
    """A write outside the field lab's open period: 409."""


class TooManyRequestsError(ParticipationError):
    """The client's rate limit is used up: 429 with ``Retry-After``."""

    status = 429
