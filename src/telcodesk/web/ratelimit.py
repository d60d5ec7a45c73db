"""Login rate limiting: password checks counted atomically in the database.

Every sign-in attempt first *claims* a check, for its username and for its
client address, with a conditional ``UPDATE … SET count = count + 1 WHERE count <
limit``: the database hands out at most ``limit`` claims per window, however
many requests arrive at once. Only an attempt holding both claims has its
password checked.

- **Username**: ``TELCODESK_LOGIN_ATTEMPTS`` (5) checks per window
  (``TELCODESK_LOGIN_WINDOW_SECONDS``, counted from the first claim of the
  window); then the username is locked — even the right password is refused —
  until the window ends. A successful sign-in clears the username's count.
- **Address**: ``TELCODESK_LOGIN_ADDRESS_ATTEMPTS`` (50) failed checks per
  window. A whole outlet behind one NAT shares an address, so the limit is far
  above one user's: a colleague's typos do not lock anyone else out, while a
  script spraying passwords over many usernames is throttled. A successful
  sign-in gives its address claim back.

Django's ``django-axes`` was considered: it reads the failure count before the
password check and writes it after, so parallel guesses all pass the check
(the defect this module fixes); the claim-first counter is kept here.

The instants come from the caller (``core.clock.now()`` at the view).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

# TODO(issue12): removed at integration. care's survey page still imports
# client_address from here; it belongs to core.http (care is below web).
from telcodesk.core.http import client_address as client_address
from telcodesk.web.models import LoginCounter


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.TELCODESK_LOGIN_WINDOW_SECONDS)


def _user_key(username: str) -> str:
    return "user:" + hashlib.sha256(username.strip().lower().encode()).hexdigest()


def _address_key(address: str) -> str:
    return "addr:" + hashlib.sha256(address.encode()).hexdigest()


def _claim(key: str, limit: int, now: dt.datetime) -> dt.datetime | None:
    """Claim one check for ``key``: None if granted, else when claims are possible again."""
    counters = LoginCounter.objects.filter(key=key)
    # A window that has passed starts afresh (a conditional update: one request does it).
    counters.filter(window_start__lte=now - _window()).update(count=0, window_start=now)
    if counters.filter(count__lt=limit).update(count=F("count") + 1) == 1:
        return None
    if limit > 0 and not counters.exists():
        try:
            with transaction.atomic():
                LoginCounter.objects.create(key=key, count=1, window_start=now)
            return None
        except IntegrityError:  # created by a parallel request: claim again
            return _claim(key, limit, now)
    counter = counters.first()
    return (counter.window_start if counter else now) + _window()


def _give_back(key: str) -> None:
    LoginCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def claim_check(*, username: str, address: str, now: dt.datetime) -> dt.datetime | None:
    """Claim the right to check one password for ``username`` from ``address``.

    None: go ahead (the claim counts as a failure until ``check_succeeded``).
    An instant: refused, nothing is checked; attempts are possible again then.
    """
    claimed: list[str] = []
    until: dt.datetime | None = None
    for key, limit in ((_user_key(username), settings.TELCODESK_LOGIN_ATTEMPTS),
                       (_address_key(address), settings.TELCODESK_LOGIN_ADDRESS_ATTEMPTS)):
        refused = _claim(key, limit, now)
        if refused is None:
            claimed.append(key)
        else:
            until = refused if until is None else max(until, refused)
    if until is not None:
        for key in claimed:
            _give_back(key)
    return until


def check_succeeded(*, username: str, address: str) -> None:
    """The password was right: forget the username's failures, return the address claim."""
    LoginCounter.objects.filter(key=_user_key(username)).delete()
    _give_back(_address_key(address))


def prune_login_counters(now: dt.datetime) -> str:
    """Clock job: forget counters whose window has passed (a spray of made-up usernames
    must not grow the table for ever)."""
    deleted, _ = LoginCounter.objects.filter(window_start__lte=now - _window()).delete()
    return f"{deleted} login counter(s) pruned"


def register() -> None:
    from telcodesk.core.scheduler import Job
    from telcodesk.core.scheduler import register as register_job

    register_job(Job("web.prune_login_counters", dt.timedelta(hours=1), prune_login_counters))
