"""Settings of the participation module (environment prefix ``GG_PARTICIPATION_``).

The database URL is the project-wide ``GG_DATABASE_URL`` (:mod:`groengezond.settings`); the
settings here tune moderation, disclosure, sessions, rate limits and password hashing. Build
them with :func:`participation_settings`; the object is frozen (no global mutable state).
"""

from __future__ import annotations

import secrets

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class RateLimit(BaseModel):
    """A token bucket: ``burst`` requests at once, refilled at ``per_minute`` a minute.

    Attributes
    ----------
    per_minute : float
        Refill rate (requests per minute per client).
    burst : int
        Bucket size: how many requests a client may make at once.
    """

    model_config = ConfigDict(frozen=True)

    per_minute: float = Field(gt=0)
    burst: int = Field(ge=1)


def _registry_threshold() -> int:
    """The Monitor's disclosure threshold (persons) for the ``belevingswaarde`` indicator."""
    from groengezond.indicators.registry import load_registry

    return load_registry().min_persons_of("belevingswaarde")


def _shared_storage() -> str:
    """The project-wide rate-limit storage (``GG_RATE_LIMIT_STORAGE``)."""
    from groengezond.settings import get_settings

    return get_settings().rate_limit_storage


class ParticipationSettings(BaseSettings):
    """Settings read from ``GG_PARTICIPATION_*`` environment variables.

    Nested values use ``__``, e.g. ``GG_PARTICIPATION_WRITE_LIMIT__PER_MINUTE=120``.

    Attributes
    ----------
    min_respondents : int
        Disclosure threshold: no figure (survey or scenario ratings) is published on fewer
        respondents; the figure is suppressed, never shown as 0. Default: the Monitor
        registry's threshold for ``belevingswaarde`` (10, CBS rule of thumb), so the two
        cannot drift apart.
    report_threshold : int
        Reports by distinct reporters at which an approved comment is hidden automatically,
        pending a moderator's review.
    session_hours : float
        Lifetime of a staff session (hours).
    cookie_secure : bool
        Send session cookies with ``Secure`` (and the ``__Host-`` prefix); turn off only for
        plain-http development.
    timezone : str
        Time zone in which a field lab's open and close dates are read.
    rate_limit_enabled : bool
        Switch the in-process rate limiter on or off (off only for benchmarks on loopback).
    write_limit, login_limit, token_limit, report_limit : RateLimit
        Buckets per client IP for resident and staff writes, login attempts, new resident
        tokens and abuse reports.
    rate_limit_storage : str
        ``limits`` storage URI of the rate limits: ``memory://`` (default, per process) or
        ``redis://host:6379/0`` (shared by workers; ``pip install redis``). Defaults to
        ``GG_RATE_LIMIT_STORAGE``.
    comments_per_resident : int
        Most comments one resident token may keep in a field lab (deleted ones do not count).
    argon2_time_cost, argon2_memory_kib, argon2_parallelism : int
        Argon2id parameters of password hashing (defaults of argon2-cffi, RFC 9106 low-memory
        profile).
    report_secret : str
        Key of the HMAC that turns an anonymous reporter's IP address into a pseudonym (used
        only to count one report per reporter). Random per process unless set.
    """

    model_config = SettingsConfigDict(env_prefix="GG_PARTICIPATION_", env_nested_delimiter="__",
                                      frozen=True)

    min_respondents: int = Field(default_factory=_registry_threshold, ge=1)
    report_threshold: int = Field(3, ge=1)
    session_hours: float = Field(12.0, gt=0)
    cookie_secure: bool = True
    timezone: str = "Europe/Amsterdam"
    rate_limit_enabled: bool = True
    write_limit: RateLimit = RateLimit(per_minute=120, burst=60)
    login_limit: RateLimit = RateLimit(per_minute=5, burst=5)
    token_limit: RateLimit = RateLimit(per_minute=10, burst=10)
    report_limit: RateLimit = RateLimit(per_minute=10, burst=10)
    rate_limit_storage: str = Field(default_factory=_shared_storage)
    comments_per_resident: int = Field(50, ge=1, le=10_000)
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_kib: int = Field(65536, ge=8)
    argon2_parallelism: int = Field(4, ge=1)
    report_secret: str = Field(default_factory=lambda: secrets.token_hex(32), repr=False)

    @model_validator(mode="after")
    def _argon2_memory(self) -> ParticipationSettings:
        if self.argon2_memory_kib < 8 * self.argon2_parallelism:
            raise ValueError("argon2_memory_kib must be at least 8 x argon2_parallelism")
        return self


def participation_settings() -> ParticipationSettings:
    """Return the participation settings as the environment gives them now."""
    return ParticipationSettings()
