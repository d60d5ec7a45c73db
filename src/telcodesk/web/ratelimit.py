"""Login rate limiting, kept in Django's cache.

Failures are counted per username and per client address over a sliding window
(``TELCODESK_LOGIN_WINDOW_SECONDS``). Once either has reached
``TELCODESK_LOGIN_ATTEMPTS`` failures, every further attempt is refused, even one
with the right password, until the oldest counted failure leaves the window.

The instants come from the caller (``core.clock.now()`` at the view), so tests
move time by passing another instant instead of sleeping. The cache entries
expire on their own one window after the last failure.

With the file-based cache of the embedded setup, two simultaneous failures may
both be counted as one; with Redis (``TELCODESK_REDIS_URL``) the window is shared
by every web process.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache

_PREFIX = "telcodesk:login-fail"


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TELCODESK_LOGIN_WINDOW_SECONDS)


def _keys(username: str, address: str) -> list[str]:
    keys = []
    if username:
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        keys.append(f"{_PREFIX}:user:{digest}")
    if address:
        digest = hashlib.sha256(address.encode()).hexdigest()
        keys.append(f"{_PREFIX}:addr:{digest}")
    return keys


def _recent(key: str, now: dt.datetime) -> list[float]:
    start = (now - _window()).timestamp()
    stamps = cache.get(key) or []
    return [s for s in stamps if start < s <= now.timestamp()]


def blocked_until(*, username: str, address: str, now: dt.datetime) -> dt.datetime | None:
    """When further attempts for this username or address are allowed again, or None."""
    limit = settings.TELCODESK_LOGIN_ATTEMPTS
    until: dt.datetime | None = None
    for key in _keys(username, address):
        stamps = _recent(key, now)
        if len(stamps) >= limit:
            # The attempt is allowed again once enough failures have left the window.
            freed = dt.datetime.fromtimestamp(stamps[-limit], tz=dt.UTC) + _window()
            until = freed if until is None else max(until, freed)
    return until


def record_failure(*, username: str, address: str, now: dt.datetime) -> None:
    timeout = settings.TELCODESK_LOGIN_WINDOW_SECONDS
    for key in _keys(username, address):
        stamps = _recent(key, now)
        stamps.append(now.timestamp())
        # Keep no more than the limit needs, so a flood cannot grow the entry.
        cache.set(key, stamps[-settings.TELCODESK_LOGIN_ATTEMPTS:], timeout=timeout)


def clear_username(username: str) -> None:
    """Forget a username's failures after it signed in (its address keeps its count)."""
    for key in _keys(username, ""):
        cache.delete(key)


def client_address(meta: dict[str, object]) -> str:
    """The client address as the server saw it (``REMOTE_ADDR``).

    Forwarded headers are not trusted (a client can forge them): behind a reverse
    proxy, the deployment must hand the real client address to the application
    as ``REMOTE_ADDR``.
    """
    return str(meta.get("REMOTE_ADDR") or "")
