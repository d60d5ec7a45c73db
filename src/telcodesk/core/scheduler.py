"""Periodic jobs of the clock process.

Apps register jobs in their ``AppConfig.ready``. The clock process calls
``run_pass(now=...)`` every few seconds; each due job is claimed with a
conditional update that must change exactly one row (the Healthchecks way), so
any number of clock processes may run and a job still runs once per period.
Later capabilities register their deadline claimers (SLA warnings, breaches,
order expiries) the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from telcodesk.core.models import ScheduledJob

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    run: Callable[[dt.datetime], str]  # takes ``now``, returns a one-line result


_registry: dict[str, Job] = {}


def register(job: Job) -> None:
    if job.every <= dt.timedelta(0):
        raise ValueError(f"job {job.name!r} needs a positive period")
    _registry[job.name] = job


def registered_jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda job: job.name)


def claim(job: Job, *, now: dt.datetime) -> bool:
    """Claim one run of ``job`` at ``now``; True for exactly one caller per period."""
    if not ScheduledJob.objects.filter(name=job.name).exists():
        try:
            with transaction.atomic():
                ScheduledJob.objects.create(name=job.name, next_run_at=now)
        except IntegrityError:
            pass  # another clock created it first; fall through to the claim
    changed = ScheduledJob.objects.filter(name=job.name, next_run_at__lte=now).update(
        next_run_at=now + job.every, last_started_at=now, runs=F("runs") + 1
    )
    return changed == 1


@dataclass(frozen=True)
class JobOutcome:
    name: str
    result: str
    failed: bool


def run_pass(*, now: dt.datetime, jobs: list[Job] | None = None) -> list[JobOutcome]:
    """Run every registered job that is due and that this process claims."""
    outcomes: list[JobOutcome] = []
    for job in jobs if jobs is not None else registered_jobs():
        if not claim(job, now=now):
            continue
        failed = False
        try:
            result = job.run(now)
        except Exception as exc:  # one broken job must not stop the clock
            log.exception("clock job %s failed", job.name)
            result, failed = f"failed: {exc.__class__.__name__}: {exc}", True
        ScheduledJob.objects.filter(name=job.name).update(
            last_finished_at=now, last_result=result[:300]
        )
        outcomes.append(JobOutcome(job.name, result, failed))
    return outcomes
