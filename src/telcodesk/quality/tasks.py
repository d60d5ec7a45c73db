"""Slow work of the quality app, run by the worker (``telcodesk worker``; django-tasks,
the database backend by default). Thin: each task calls a service."""

from __future__ import annotations

from django_tasks import task

from telcodesk.core import clock


@task()
def build_report_snapshot(snapshot_id: int) -> str:
    """Compute the figures of a queued report snapshot."""
    from telcodesk.quality.services.snapshots import do_build_report_snapshot

    return do_build_report_snapshot(now=clock.now(), snapshot_id=snapshot_id)
