"""Housekeeping jobs of the core app, run by the clock process."""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.models import Session

from telcodesk.core.scheduler import Job, register

FINISHED_TASK_RETENTION = dt.timedelta(days=14)
# A console import runs for seconds to minutes; one still "running" after this long lost
# its worker (killed mid-way).
STALE_TRACKED_TASK = dt.timedelta(hours=2)


def clear_expired_sessions(now: dt.datetime) -> str:
    deleted, _ = Session.objects.filter(expire_date__lt=now).delete()
    return f"{deleted} expired sessions removed"


def prune_finished_tasks(now: dt.datetime) -> str:
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.filter(
        finished_at__lt=now - FINISHED_TASK_RETENTION
    ).delete()
    return f"{deleted} finished task results pruned"


def fail_stale_tracked_tasks(now: dt.datetime) -> str:
    from telcodesk.core.services import do_fail_stale_tracked_tasks

    failed = do_fail_stale_tracked_tasks(now=now, older_than=STALE_TRACKED_TASK)
    return f"{failed} stale running tasks marked failed"


def deliver_tmf_events(now: dt.datetime) -> str:
    from telcodesk.core.events import deliver_due_events

    return str(deliver_due_events(now=now))


def register_core_jobs() -> None:
    register(Job("core.deliver_tmf_events", dt.timedelta(seconds=5), deliver_tmf_events))
    register(Job("core.clear_expired_sessions", dt.timedelta(hours=1), clear_expired_sessions))
    register(Job("core.prune_finished_tasks", dt.timedelta(hours=6), prune_finished_tasks))
    register(Job("core.fail_stale_tracked_tasks", dt.timedelta(minutes=10),
                 fail_stale_tracked_tasks))
