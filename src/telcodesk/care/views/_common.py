"""Helpers shared by the care views (private to this package)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from telcodesk.care.permissions import may_see_hotline
from telcodesk.core.models import User


def staff_member(request: HttpRequest) -> User:
    """The signed-in staff member (403 for any other account)."""
    user = cast(User, request.user)
    if not may_see_hotline(user):
        raise PermissionDenied(_("Only staff members see the hotline."))
    return user
