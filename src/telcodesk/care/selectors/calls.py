"""Reads about call-log imports: the files read (with how far), the runs, their rejects.

These carry no customer data except the text of rejected lines (which may
contain a caller's number: mask it with ``core.phone.mask_in_text`` when
showing it to a role that does not see numbers). Hotline calls themselves are
read through ``care.selectors.contacts`` (scoped to the staff member's branch).
"""

from __future__ import annotations

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from telcodesk.care.models import CallImportReject, CallImportRun, CallLogSource, HotlineQueue


def call_log_sources() -> QuerySet[CallLogSource]:
    """Every file read so far, by path, with ``last_run_at`` (start of its latest run)
    and ``calls`` (hotline calls read from it)."""
    latest = (CallImportRun.objects.filter(source=OuterRef("pk"))
              .order_by("-started_at", "-pk").values("started_at")[:1])
    return (CallLogSource.objects.annotate(last_run_at=Subquery(latest),
                                           calls_count=Count("calls", distinct=True))
            .order_by("path", "fmt"))


def import_runs(*, source_id: int | None = None, limit: int = 50) -> list[CallImportRun]:
    """The latest runs (newest first), of one source or of all, with their source."""
    runs = CallImportRun.objects.select_related("source").order_by("-started_at", "-pk")
    if source_id is not None:
        runs = runs.filter(source_id=source_id)
    return list(runs[:limit])


def import_run(run_id: int) -> CallImportRun | None:
    return CallImportRun.objects.select_related("source").filter(pk=run_id).first()


def latest_run(source_id: int) -> CallImportRun | None:
    return (CallImportRun.objects.select_related("source").filter(source_id=source_id)
            .order_by("-started_at", "-pk").first())


def run_rejects(run_id: int, *, offset: int = 0, limit: int = 100) -> list[CallImportReject]:
    """A run's rejected lines in line order (a page of them)."""
    return list(CallImportReject.objects.filter(run_id=run_id)
                .order_by("line_number", "pk")[offset:offset + limit])


def reject_reasons(run_id: int) -> list[tuple[str, int]]:
    """How many lines of a run were rejected for each reason, most frequent first."""
    rows = (CallImportReject.objects.filter(run_id=run_id).values("reason")
            .annotate(n=Count("pk")).order_by("-n", "reason"))
    return [(row["reason"], row["n"]) for row in rows]


def unmapped_queues() -> QuerySet[HotlineQueue]:
    """Queue names seen in logs that no skill group uses yet, with ``calls_count`` and
    ``last_call_at``, most called first (what an administrator maps first)."""
    return (HotlineQueue.objects.filter(skill_group__isnull=True)
            .annotate(calls_count=Count("calls"), last_call_at=Max("calls__entered_at"))
            .order_by("-calls_count", "name"))
