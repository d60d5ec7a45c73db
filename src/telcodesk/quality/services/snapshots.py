"""Report figures computed once and kept (``quality.models.snapshots``).

- ``do_request_report_snapshot``: a staff member asks for the figures of a period and
  scope to be computed again; the snapshot is queued and the worker builds it
  (``quality.tasks.build_report_snapshot``) after the transaction commits.
- ``do_build_report_snapshot``: the worker's part: compute the figures, keep them,
  with the progress on the row (queued → computing → computed, or failed).
- ``do_compute_report_snapshot``: compute and keep them at once (the page's first
  visit of a period and scope, so it works without a worker).

Who may: the same rule as the report page — the whole operator for staff of the
operator or province (and superusers), a city or county inside the staff member's
own branch subtree.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from telcodesk.core.errors import DomainError
from telcodesk.core.models import OrgUnit, User
from telcodesk.quality import permissions
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.indicators.compute import indicator_report
from telcodesk.quality.indicators.periods import parse_period
from telcodesk.quality.models import ReportSnapshot, SnapshotState
from telcodesk.quality.report.snapshot_json import figures_to_json

LANGUAGES = ("zh-hans", "en")


def _check(actor: User, unit_code: str) -> None:
    unit = OrgUnit.objects.filter(code=unit_code).first() if unit_code else None
    if not permissions.may_see_report_of(actor, unit):
        raise QualityError(QualityErrorCode.FORBIDDEN,
                           f"no report of {unit_code or 'the whole operator'} for you")


def _validate(period_code: str, unit_code: str, language: str) -> None:
    parse_period(period_code)  # QualityError (invalid) for a malformed period
    if language not in LANGUAGES:
        raise QualityError(QualityErrorCode.INVALID, f"unknown language {language!r}")
    if unit_code and not OrgUnit.objects.filter(code=unit_code).exists():
        raise QualityError(QualityErrorCode.NOT_FOUND, f"unknown unit {unit_code!r}")


@transaction.atomic
def do_request_report_snapshot(*, now: dt.datetime, actor: User, period_code: str,
                               unit_code: str = "", language: str = "zh-hans"
                               ) -> ReportSnapshot:
    """Queue a new computation of the figures (one at a time per period, scope and
    language: a computation already waiting or running is returned instead)."""
    _validate(period_code, unit_code, language)
    _check(actor, unit_code)
    pending = (ReportSnapshot.objects.select_for_update()
               .filter(period_code=period_code, unit_code=unit_code, language=language,
                       state__in=(SnapshotState.QUEUED, SnapshotState.RUNNING))
               .defer("figures").first())
    if pending is not None:
        return pending
    snapshot = ReportSnapshot.objects.create(
        period_code=period_code, unit_code=unit_code, language=language,
        state=SnapshotState.QUEUED, requested_at=now, requested_by=actor)
    from telcodesk.quality.tasks import build_report_snapshot

    transaction.on_commit(lambda: build_report_snapshot.enqueue(snapshot_id=snapshot.pk))
    return snapshot


def do_build_report_snapshot(*, now: dt.datetime, snapshot_id: int) -> str:
    """Compute a queued snapshot's figures (the worker); a one-line result."""
    with transaction.atomic():
        snapshot = (ReportSnapshot.objects.select_for_update().defer("figures")
                    .filter(pk=snapshot_id).first())
        if snapshot is None or snapshot.state != SnapshotState.QUEUED:
            return f"snapshot {snapshot_id}: nothing to do"
        snapshot.state, snapshot.started_at, snapshot.progress = (
            SnapshotState.RUNNING, now, 10)
        snapshot.save(update_fields=["state", "started_at", "progress"])
    try:
        figures = indicator_report(period=parse_period(snapshot.period_code),
                                   unit_code=snapshot.unit_code or None,
                                   language=snapshot.language)
    except DomainError as exc:
        ReportSnapshot.objects.filter(pk=snapshot_id).update(
            state=SnapshotState.FAILED, error=exc.message[:300], finished_at=now,
            progress=100)
        return f"snapshot {snapshot_id}: failed: {exc.message}"
    ReportSnapshot.objects.filter(pk=snapshot_id).update(
        state=SnapshotState.DONE, figures=figures_to_json(figures), finished_at=now,
        progress=100)
    return f"snapshot {snapshot_id}: {snapshot.period_code} computed"


@transaction.atomic
def do_compute_report_snapshot(*, now: dt.datetime, actor: User, period_code: str,
                               unit_code: str = "", language: str = "zh-hans"
                               ) -> ReportSnapshot:
    """Compute the figures now and keep them (a ``DomainError`` is raised, nothing kept)."""
    _validate(period_code, unit_code, language)
    _check(actor, unit_code)
    figures = indicator_report(period=parse_period(period_code), unit_code=unit_code or None,
                               language=language)
    return ReportSnapshot.objects.create(
        period_code=period_code, unit_code=unit_code, language=language,
        state=SnapshotState.DONE, progress=100, requested_at=now, requested_by=actor,
        started_at=now, finished_at=now, figures=figures_to_json(figures))
