"""The imports started from the console pages, as those pages show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.selectors import tracked_tasks
from telcodesk.quality.permissions import may_enter_quality_counts, sees_operator_report

if TYPE_CHECKING:
    from telcodesk.core.models import TrackedTask, User

SHOWN = 5


def recent_imports(viewer: User, kind: str) -> list[TrackedTask]:
    """The latest uploads of one kind, for those who may upload them: all of them to
    staff of the whole operator, only their own to staff of a branch (an upload's
    refused lines name other branches' units and figures)."""
    if not may_enter_quality_counts(viewer):
        return []
    mine_only = not sees_operator_report(viewer)
    return tracked_tasks(kind, limit=SHOWN, requested_by=viewer if mine_only else None)
