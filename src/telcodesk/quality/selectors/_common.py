"""Helpers shared by several selector modules of the quality app (private to the package)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q


def in_force_q(at: dt.datetime) -> Q:
    """Rows whose validity ``[active_from, active_to)`` holds ``at`` (open end: no end)."""
    return Q(active_from__lte=at) & (Q(active_to__isnull=True) | Q(active_to__gt=at))
