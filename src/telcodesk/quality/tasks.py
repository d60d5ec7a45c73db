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


@task()
def run_import(task_id: int) -> str:
    """Import a file uploaded on a console page (network counters, cells, billing counts)."""
    from telcodesk.quality.services.imports import do_run_import

    return do_run_import(now=clock.now(), task_id=task_id)
