"""Authentication and abuse protection: passwords, sessions, resident tokens, CSRF, rate limits.

- **Passwords** of staff are hashed with Argon2id (argon2-cffi); a hash made with weaker
  parameters is upgraded at the next login. Unknown user names cost the same time as wrong
  passwords (a dummy hash is verified), so login does not reveal which names exist.
- **Session and resident tokens** are ``secrets.token_urlsafe(32)`` (256 random bits). Only
  their SHA-256 is stored: a fast hash is enough for a random secret of that size (there is
  nothing to guess), and a stolen database gives no usable token.
- **CSRF**: a session made by :func:`login` also gets a random CSRF token, stored hashed in the
  session. Cookie-authenticated writes must echo it in the ``X-CSRF-Token`` header, equal to
  the ``gg_csrf`` cookie (double submit) *and* to the session's own token (so a cookie planted
  by another site does not help).
- **Rate limits**: moving windows per client key on the ``limits`` library, in memory or in
  Redis (:class:`RateLimiter`); failed logins add a growing wait per (user, client).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from groengezond.errors import InputError
from groengezond.participation.config import ParticipationSettings, RateLimit
from groengezond.participation.db import Database
from groengezond.participation.errors import (
    ConflictError,
    ForbiddenError,
    TooManyRequestsError,
    UnauthorizedError,
)
from groengezond.participation.models import ROLES, StaffSession, User

TOKEN_BYTES = 32
"""Random bytes in a session or resident token (256 bits)."""


def new_token() -> str:
    """Return a fresh random URL-safe token (43 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """Return the SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_secret(a: str, b: str) -> bool:
    """Compare two secrets in constant time."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


@dataclass(frozen=True)
class Passwords:
    """Argon2id password hashing with the parameters from the settings."""

    settings: ParticipationSettings

    @cached_property
    def hasher(self) -> PasswordHasher:
        """The configured Argon2id hasher."""
        s = self.settings
        return PasswordHasher(time_cost=s.argon2_time_cost, memory_cost=s.argon2_memory_kib,
                              parallelism=s.argon2_parallelism)

    @cached_property
    def dummy_hash(self) -> str:
        """A hash verified for unknown user names, so they take as long as wrong passwords."""
        return self.hasher.hash(new_token())

    def hash(self, password: str) -> str:
        """Hash a password (salted, Argon2id)."""
        return self.hasher.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class Staff:
    """The authenticated staff member of a request."""

    user_id: int
    username: str
    role: str
    session_hash: str
    csrf_hash: str


@dataclass(frozen=True)
class LoginResult:
    """A new session: the token (cookie or bearer), its CSRF token, and when it expires."""

    token: str
    csrf_token: str
    staff: Staff
    expires_at: datetime


def create_user(db: Database, passwords: Passwords, username: str, password: str, role: str,
                now: datetime) -> int:
    """Create a staff account and return its id.

    Raises
    ------
    InputError
        When the role is unknown or the password shorter than 12 characters.
    ConflictError
        When the user name is taken.
    """
    if role not in ROLES:
        raise InputError.single("user", username, "role", f"unknown role {role!r}",
                                f"use one of {', '.join(ROLES)}")
    if len(password) < 12:
        raise InputError.single("user", username, "password", "the password is too short",
                                "use at least 12 characters (a pass phrase is best)")
    try:
        with db.write() as s:
            user = User(username=username, password_hash=passwords.hash(password), role=role,
                        active=True, created_at=now)
            s.add(user)
            s.flush()
            return user.id
    except IntegrityError:
        raise ConflictError(f"user name {username!r} is taken; choose another") from None


def login(db: Database, passwords: Passwords, username: str, password: str, now: datetime,
          session_hours: float) -> LoginResult:
    """Check a user name and password and open a session.

    Raises
    ------
    UnauthorizedError
        When the name is unknown, the password wrong or the account disabled (one message
        for all three).
    """
    with db.read() as s:
        user = s.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        passwords.verify(passwords.dummy_hash, password)
        raise UnauthorizedError("user name or password is wrong")
    if not passwords.verify(user.password_hash, password) or not user.active:
        raise UnauthorizedError("user name or password is wrong")
    token, csrf = new_token(), new_token()
    expires = now + timedelta(hours=session_hours)
    with db.write() as s:
        if passwords.hasher.check_needs_rehash(user.password_hash):
            fresh = s.get(User, user.id)
            if fresh is not None:
                fresh.password_hash = passwords.hash(password)
        s.execute(delete(StaffSession).where(StaffSession.expires_at < now))
        s.add(StaffSession(token_hash=hash_token(token), user_id=user.id,
                           csrf_hash=hash_token(csrf), created_at=now, expires_at=expires))
    staff = Staff(user.id, user.username, user.role, hash_token(token), hash_token(csrf))
    return LoginResult(token=token, csrf_token=csrf, staff=staff, expires_at=expires)


def authenticate(db: Database, token: str, now: datetime) -> Staff:
    """Return the staff member of a session token.

    Raises
    ------
    UnauthorizedError
        When the token is unknown or expired, or the account disabled.
    """
    with db.read() as s:
        row = s.get(StaffSession, hash_token(token))
        if row is None or row.expires_at <= now or not row.user.active:
            raise UnauthorizedError("not logged in or the session has expired; log in again")
        return Staff(row.user.id, row.user.username, row.user.role, row.token_hash,
                     row.csrf_hash)


def logout(db: Database, staff: Staff) -> None:
    """End a session."""
    with db.write() as s:
        s.execute(delete(StaffSession).where(StaffSession.token_hash == staff.session_hash))


def require_role(staff: Staff | None, *roles: str) -> Staff:
    """Return ``staff`` if it has one of ``roles`` (admin always may).

    Raises
    ------
    UnauthorizedError
        When nobody is logged in.
    ForbiddenError
        When the role may not do this.
    """
    if staff is None:
        raise UnauthorizedError("this needs a staff login; log in at /api/participation/auth/login")
    if staff.role != "admin" and staff.role not in roles:
        raise ForbiddenError(f"role {staff.role!r} may not do this; it needs "
                             f"{' or '.join(('admin', *roles))}")
    return staff


def check_csrf(staff: Staff, header: str | None, cookie: str | None) -> None:
    """Check the double-submit CSRF token of a cookie-authenticated write.

    Raises
    ------
    ForbiddenError
        When the header is missing or differs from the cookie or from the session's token.
    """
    if not header or not cookie or not same_secret(header, cookie) \
            or not same_secret(hash_token(header), staff.csrf_hash):
        raise ForbiddenError("CSRF check failed: send the gg_csrf cookie's value in the "
                             "X-CSRF-Token header (or authenticate with a Bearer token)")


class RateLimiter:
    """Rate limits per (bucket name, client key) on the maintained ``limits`` library.

    A :class:`~groengezond.participation.config.RateLimit` of ``burst`` requests refilled at
    ``per_minute`` becomes a moving window of ``burst`` requests per ``burst / per_minute``
    minutes; a request beyond it is refused with 429 and ``Retry-After`` (the seconds until the
    oldest request in the window leaves it). Each key expires on its own limit's window, so a
    busy bucket never shortens another's memory (the old purge judged every bucket by the
    limits of whichever request triggered it).

    The state lives in a ``limits`` storage: ``memory://`` (default; per process, so with
    several workers each has its own) or ``redis://host:port/db``, shared by every worker and
    server (``GG_RATE_LIMIT_STORAGE``; ``pip install redis``).

    Failed logins are kept apart (:meth:`login_failed`, :meth:`login_wait`): they count per
    (user name, client) and each failure beyond the free ones doubles a wait before that
    client may try that user again, so a stranger's wrong passwords never lock the real user
    out, while one client guessing slows to a crawl.

    Parameters
    ----------
    enabled : bool
        When False every request passes.
    storage_uri : str
        ``limits`` storage URI.
    free_login_failures : int
        Failed logins per (user, client) before the wait starts.
    max_login_wait_s : int
        Longest wait after failed logins (s).
    """

    def __init__(self, enabled: bool = True, storage_uri: str = "memory://",
                 free_login_failures: int = 3, max_login_wait_s: int = 900) -> None:
        from limits.storage import Storage, storage_from_string
        from limits.strategies import MovingWindowRateLimiter

        self.enabled = enabled
        storage = storage_from_string(storage_uri)
        if not isinstance(storage, Storage):
            raise ValueError(f"rate-limit storage {storage_uri!r} is asynchronous; use a "
                             "memory:// or redis:// URI")
        self.storage: Storage = storage
        self._window = MovingWindowRateLimiter(self.storage)
        self.free_login_failures = free_login_failures
        self.max_login_wait_s = max_login_wait_s

    @staticmethod
    def item(limit: RateLimit) -> Any:
        """The ``limits`` item of a :class:`RateLimit`: ``burst`` per its refill time."""
        from limits import RateLimitItemPerSecond

        window_s = max(1, math.ceil(limit.burst * 60.0 / limit.per_minute))
        return RateLimitItemPerSecond(limit.burst, window_s)

    def take(self, bucket: str, key: str, limit: RateLimit, what: str) -> None:
        """Count one request in the window ``(bucket, key)``.

        Raises
        ------
        TooManyRequestsError
            When the window is full; the message says how long to wait.
        """
        if not self.enabled:
            return
        item = self.item(limit)
        if self._window.hit(item, bucket, key):
            return
        stats = self._window.get_window_stats(item, bucket, key)
        wait = max(1, math.ceil(stats.reset_time - time.time()))
        raise TooManyRequestsError(f"too many {what}; wait {wait} s and try again",
                                   headers={"Retry-After": str(wait)})

    def exhausted(self, bucket: str, key: str, limit: RateLimit) -> bool:
        """True when the window is full (does not count a request)."""
        if not self.enabled:
            return False
        return not self._window.test(self.item(limit), bucket, key)

    # ---------------------------------------------------------------- failed logins
    @staticmethod
    def _login_key(user: str, client: str) -> str:
        digest = hashlib.sha256(f"{user.lower()}\0{client}".encode()).hexdigest()[:32]
        return f"gg-login/{digest}"

    def login_wait(self, user: str, client: str) -> int:
        """Seconds this client must still wait before trying ``user`` again (0: may try)."""
        if not self.enabled:
            return 0
        key = self._login_key(user, client) + "/wait"
        if self.storage.get(key) <= 0:
            return 0
        return max(1, math.ceil(self.storage.get_expiry(key) - time.time()))

    def login_failed(self, user: str, client: str) -> int:
        """Count a failed login of ``user`` from ``client``; return the wait it adds (s).

        The first :attr:`free_login_failures` cost nothing; then the wait doubles with each
        failure (2, 4, 8 ... s, at most :attr:`max_login_wait_s`). Failures are forgotten a
        day after the last one.
        """
        if not self.enabled:
            return 0
        key = self._login_key(user, client)
        failures = self.storage.incr(key + "/failures", 86_400)
        extra = failures - self.free_login_failures
        if extra <= 0:
            return 0
        wait = int(min(self.max_login_wait_s, 2 ** min(extra, 20)))
        self.storage.clear(key + "/wait")
        self.storage.incr(key + "/wait", wait)
        return wait

    def login_succeeded(self, user: str, client: str) -> None:
        """Forget the failed logins of ``user`` from ``client``."""
        if self.enabled:
            key = self._login_key(user, client)
            self.storage.clear(key + "/failures")
            self.storage.clear(key + "/wait")
