"""The clock's periodic jobs run once per period, however many clocks run."""

from __future__ import annotations

import datetime as dt
import subprocess
import time
from collections import Counter

import pytest

from telcodesk.core.models import ScheduledJob
from telcodesk.core.scheduler import Job, claim, registered_jobs, run_pass


@pytest.fixture
def counted_job():
    calls: list[dt.datetime] = []

    def run(now: dt.datetime) -> str:
        calls.append(now)
        return f"ran at {now:%H:%M}"

    return Job("test.counted", dt.timedelta(minutes=10), run), calls


@pytest.mark.django_db
def test_a_job_runs_once_per_period(counted_job, now):
    job, calls = counted_job
    run_pass(now=now, jobs=[job])
    run_pass(now=now + dt.timedelta(minutes=5), jobs=[job])
    run_pass(now=now + dt.timedelta(minutes=10), jobs=[job])
    assert calls == [now, now + dt.timedelta(minutes=10)]
    record = ScheduledJob.objects.get(name="test.counted")
    assert record.runs == 2
    assert record.last_result == "ran at 10:10"
    assert record.next_run_at == now + dt.timedelta(minutes=20)


@pytest.mark.django_db
def test_a_second_claim_at_the_same_instant_is_refused(counted_job, now):
    job, _ = counted_job
    assert claim(job, now=now) is True
    assert claim(job, now=now) is False


@pytest.mark.django_db
def test_a_failing_job_is_recorded_and_does_not_stop_the_others(counted_job, now):
    job, calls = counted_job

    def broken(_now: dt.datetime) -> str:
        raise RuntimeError("disk full")

    outcomes = run_pass(now=now, jobs=[Job("test.broken", dt.timedelta(hours=1), broken), job])
    assert [(o.name, o.failed) for o in outcomes] == [("test.broken", True),
                                                      ("test.counted", False)]
    assert ScheduledJob.objects.get(name="test.broken").last_result.startswith(
        "failed: RuntimeError: disk full")
    assert calls == [now]


@pytest.mark.django_db
def test_expired_sessions_are_cleared_by_the_clock(now):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from telcodesk.core.jobs import clear_expired_sessions

    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=now - dt.timedelta(days=1))
    fresh = SessionStore()
    fresh.create()
    Session.objects.filter(session_key=fresh.session_key).update(
        expire_date=now + dt.timedelta(days=1))
    assert clear_expired_sessions(now) == "1 expired sessions removed"
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]


@pytest.mark.django_db(transaction=True)
def test_clocks_started_together_run_each_job_once(run_cli):
    """Four clock processes at once: every registered job ran, and exactly once unless its
    period ran out while the clocks were still starting (the 5-second event delivery may
    run again on a busy machine: that is a new period, not a double claim)."""
    started = time.monotonic()
    clocks = [run_cli.spawn("clock", "--once", stdout=subprocess.PIPE) for _ in range(4)]
    outputs = [clock.communicate(timeout=120)[0] for clock in clocks]
    spread = dt.timedelta(seconds=time.monotonic() - started)
    assert all(clock.returncode == 0 for clock in clocks)
    ran = Counter(line.split(":")[0] for out in outputs for line in out.splitlines() if line)
    jobs = registered_jobs()
    assert set(ran) == {job.name for job in jobs}
    assert {job.name: ran[job.name] for job in jobs if job.every > spread} == {
        job.name: 1 for job in jobs if job.every > spread}
    assert any(job.every > spread for job in jobs)
