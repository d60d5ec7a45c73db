"""The imports started from the console pages, as those pages show them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telcodesk.core.selectors import tracked_tasks
from telcodesk.quality.permissions import may_view_quality_counts

if TYPE_CHECKING:
    from telcodesk.core.models import TrackedTask, User

SHOWN = 5


def recent_imports(viewer: User, kind: str) -> list[TrackedTask]:
    """The latest imports of one kind, for those who may see the counts (the import
    lists of those pages show every import to them too)."""
    if not may_view_quality_counts(viewer):
        return []
    return tracked_tasks(kind, limit=SHOWN)
