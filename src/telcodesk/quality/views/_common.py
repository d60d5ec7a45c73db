"""Helpers shared by several page modules of the quality app (private to the package)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from telcodesk.core.models import User
from telcodesk.quality.permissions import may_enter_quality_counts, may_view_quality_counts
from telcodesk.quality.selectors.imports import recent_imports


def count_viewer(request: HttpRequest) -> User:
    """The signed-in user, if they may look at the network and billing counts."""
    viewer = cast(User, request.user)
    if not may_view_quality_counts(viewer):
        raise PermissionDenied(_("Only quality managers, branch managers and administrators "
                                 "may see the network and billing counts."))
    return viewer


def count_editor(request: HttpRequest) -> User:
    """The signed-in user, if they may import or enter counts."""
    viewer = count_viewer(request)
    if not may_enter_quality_counts(viewer):
        raise PermissionDenied(_("Only a quality manager or an administrator may import or "
                                 "enter counts."))
    return viewer


def page_query(request: HttpRequest) -> str:
    """The request's query string without its page number."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def imports_context(viewer: User, kind: str) -> dict[str, Any]:
    """What ``core/_tracked_tasks.html`` shows of the imports started from a page."""
    tracked = recent_imports(viewer, kind)
    return {"tracked": tracked,
            "tracked_busy": any(t.state in ("queued", "running") for t in tracked)}


def queued_message(file_name: str) -> str:
    return _("%(file)s is kept and waits for the worker; the import's progress and result "
             "show below.") % {"file": file_name}
