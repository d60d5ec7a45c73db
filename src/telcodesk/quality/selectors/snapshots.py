"""The report figures the console shows: the latest computed snapshot of a period,
scope and language, and the computation waiting or running for it."""

from __future__ import annotations

from dataclasses import dataclass

from telcodesk.quality.indicators.types import IndicatorReport
from telcodesk.quality.models import ReportSnapshot, SnapshotState
from telcodesk.quality.report.snapshot_json import figures_from_json


@dataclass(frozen=True)
class SnapshotView:
    computed: ReportSnapshot | None  # the latest computed one (its figures loaded)
    figures: IndicatorReport | None
    pending: ReportSnapshot | None  # a newer one waiting, computing, or failed


def _figures(snapshot: ReportSnapshot | None) -> IndicatorReport | None:
    """The kept figures, or ``None`` when there are none this version can read (the
    page then computes them again, as on a first visit)."""
    if snapshot is None or snapshot.figures is None:
        return None
    try:
        return figures_from_json(snapshot.figures)
    except ValueError:
        return None


def report_snapshot(*, period_code: str, unit_code: str, language: str) -> SnapshotView:
    rows = ReportSnapshot.objects.filter(period_code=period_code, unit_code=unit_code,
                                         language=language)
    computed = rows.filter(state=SnapshotState.DONE).first()
    newer = rows.exclude(state=SnapshotState.DONE).defer("figures")
    if computed is not None:
        newer = newer.filter(requested_at__gte=computed.requested_at).exclude(
            pk=computed.pk)
    pending = newer.first()
    figures = _figures(computed)
    return SnapshotView(computed=computed if figures is not None else None, figures=figures,
                        pending=pending)
