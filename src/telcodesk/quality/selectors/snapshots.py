"""The report figures the console shows: the latest computed snapshot of a period,
scope and language, and the computation waiting or running for it."""

from __future__ import annotations

import pickle
from dataclasses import dataclass

from telcodesk.quality.indicators.types import IndicatorReport
from telcodesk.quality.models import ReportSnapshot, SnapshotState


@dataclass(frozen=True)
class SnapshotView:
    computed: ReportSnapshot | None  # the latest computed one (its figures loaded)
    figures: IndicatorReport | None
    pending: ReportSnapshot | None  # a newer one waiting, computing, or failed


def report_snapshot(*, period_code: str, unit_code: str, language: str) -> SnapshotView:
    rows = ReportSnapshot.objects.filter(period_code=period_code, unit_code=unit_code,
                                         language=language)
    computed = rows.filter(state=SnapshotState.DONE).first()
    newer = rows.exclude(state=SnapshotState.DONE).defer("figures")
    if computed is not None:
        newer = newer.filter(requested_at__gte=computed.requested_at).exclude(
            pk=computed.pk)
    pending = newer.first()
    figures = (pickle.loads(bytes(computed.figures))  # noqa: S301 - written by this app only
               if computed is not None and computed.figures is not None else None)
    return SnapshotView(computed=computed, figures=figures, pending=pending)
