"""Helpers shared by the care views (private to this package)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from telcodesk.care.permissions import may_see_hotline, may_see_hotline_figures, may_see_ivr
from telcodesk.core.models import User


def staff_member(request: HttpRequest) -> User:
    """The signed-in staff member (403 for any other account)."""
    user = cast(User, request.user)
    if not may_see_hotline(user):
        raise PermissionDenied(_("Only staff members see the hotline."))
    return user


def figures_viewer(request: HttpRequest) -> User:
    """The signed-in user, if they may see the hotline figures (403 otherwise)."""
    user = staff_member(request)
    if not may_see_hotline_figures(user):
        raise PermissionDenied(_("Only hotline agents, managers and administrators see the "
                                 "hotline figures."))
    return user


def ivr_viewer(request: HttpRequest) -> User:
    """The signed-in user, if they may read the IVR menu and skill groups (403 otherwise)."""
    user = staff_member(request)
    if not may_see_ivr(user):
        raise PermissionDenied(_("Only hotline agents, quality managers and administrators see "
                                 "the IVR menu and skill groups."))
    return user
