"""Reads of which requests feed which time-limit indicator (``IndicatorMembership``)."""

from __future__ import annotations

from django.db.models import QuerySet

from telcodesk.quality.models import IndicatorMembership, MemberKind


def indicator_members() -> dict[str, frozenset[str]]:
    """The request kinds of every measure (``IndicatorMembership``), by measure code;
    a measure without rows has no member (its indicators have no data)."""
    found: dict[str, set[str]] = {}
    for measure, kind in IndicatorMembership.objects.values_list("measure", "request_kind"):
        found.setdefault(measure, set()).add(kind)
    return {measure: frozenset(kinds) for measure, kinds in found.items()}


def memberships() -> QuerySet[IndicatorMembership]:
    """Every membership row, in measure order (the standards page lists them)."""
    return IndicatorMembership.objects.order_by("measure", "request_kind")


def is_member(members: frozenset[str], request_types: str) -> bool:
    """Whether a request of ``request_types`` (comma-separated kinds) feeds a measure
    whose members are ``members``: ``any`` takes every request, otherwise one of the
    request's kinds must be a member."""
    if MemberKind.ANY in members:
        return True
    return any(kind in members for kind in request_types.split(",") if kind)
