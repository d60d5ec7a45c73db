"""Helpers shared by several page modules of the quality app (private to the package)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from telcodesk.core.models import User
from telcodesk.quality.network.csv_format import QualityFileError
from telcodesk.quality.permissions import may_enter_quality_counts, may_view_quality_counts

WARNINGS_SHOWN = 10


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


def refused_context(exc: QualityFileError) -> dict[str, Any]:
    """What a page shows of a refused file: its errors with their line numbers."""
    return {"file_name": exc.file_name, "count": exc.problems.error_count,
            "errors": exc.problems.listed_errors(), "more": exc.problems.unlisted_errors,
            "outcome": exc.outcome}
