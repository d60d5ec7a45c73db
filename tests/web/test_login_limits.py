"""Login attempts are claimed before the password is checked: parallel guesses cannot
get more checks than the limit, and one user's lockout is not their outlet's."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from telcodesk.core import clock
from telcodesk.core.models import User
from telcodesk.web import ratelimit
from tests.web.conftest import PASSWORD

LIMIT = 5


@pytest.fixture(autouse=True)
def limits(settings, monkeypatch, now):
    settings.TELCODESK_LOGIN_ATTEMPTS = LIMIT
    settings.TELCODESK_LOGIN_ADDRESS_ATTEMPTS = 50
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture
def checks(monkeypatch) -> list[str]:
    """Every password check made, by username."""
    checked: list[str] = []
    lock = threading.Lock()
    real = User.check_password

    def counting(self, raw_password):
        with lock:
            checked.append(self.username)
        return real(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return checked


def test_forty_attempts_in_flight_get_at_most_the_limit_of_checks(db, now):
    """Forty requests that all claim before any of them has finished (a parallel burst)."""
    granted = [ratelimit.claim_check(username="clerk_xd", address="10.0.0.7", now=now) is None
               for _ in range(40)]
    assert granted.count(True) == LIMIT


def test_forty_wrong_passwords_check_at_most_the_limit(cast, checks):
    client = Client(REMOTE_ADDR="10.0.0.7")
    statuses = [client.post("/console/login/", {"username": "clerk_xd", "password": f"x{i}"}
                            ).status_code for i in range(40)]

    assert checks.count("clerk_xd") == LIMIT
    assert statuses.count(429) == 40 - LIMIT
    # The rest of the outlet still signs in from the same address.
    assert Client(REMOTE_ADDR="10.0.0.7").post(
        "/console/login/", {"username": "installer_xd", "password": PASSWORD}).status_code == 302


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises writers: real concurrency needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_passwords_check_at_most_the_limit(migrated_data, cast, checks):
    barrier = threading.Barrier(40)
    statuses: list[int] = []

    def guess(i: int) -> None:
        client = Client(REMOTE_ADDR="10.0.0.7")
        barrier.wait()
        try:
            statuses.append(client.post("/console/login/", {"username": "clerk_xd",
                                                            "password": f"x{i}"}).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert checks.count("clerk_xd") <= LIMIT
    assert statuses.count(429) >= 40 - LIMIT
    assert Client(REMOTE_ADDR="10.0.0.7").post(
        "/console/login/", {"username": "installer_xd", "password": PASSWORD}).status_code == 302


def test_the_clock_forgets_counters_whose_window_has_passed(db, now, settings):
    import datetime as dt

    from telcodesk.core.scheduler import registered_jobs
    from telcodesk.web.models import LoginCounter

    ratelimit.claim_check(username="someone", address="10.0.0.9", now=now)
    later = now + dt.timedelta(seconds=settings.TELCODESK_LOGIN_WINDOW_SECONDS)
    ratelimit.claim_check(username="fresh", address="10.0.0.10", now=later)
    job = next(j for j in registered_jobs() if j.name == "web.prune_login_counters")

    assert job.run(later) == "2 login counter(s) pruned"
    assert LoginCounter.objects.count() == 2  # the fresh username's and address's
