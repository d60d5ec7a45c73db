"""Reads of the indicators' targets and memberships (the service standards are read
through ``sla.selectors``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from telcodesk.quality.models import IndicatorMembership, IndicatorTarget, MemberKind


def in_force_q(at: dt.datetime) -> Q:
    return Q(active_from__lte=at) & (Q(active_to__isnull=True) | Q(active_to__gt=at))


# --- indicator targets -------------------------------------------------------------------------


def target_in_force(indicator: str, at: dt.datetime) -> IndicatorTarget | None:
    """The target of ``indicator`` (an ``IndicatorDefinition.code``) in force at ``at``:
    the latest one starting on or before ``at`` when several overlap; None when none."""
    return (IndicatorTarget.objects.filter(in_force_q(at), indicator=indicator)
            .order_by("-active_from", "-pk").first())


def targets_in_force(*, at: dt.datetime) -> dict[str, IndicatorTarget]:
    """Every indicator's target in force at ``at`` (one query), by indicator code."""
    found: dict[str, IndicatorTarget] = {}
    for target in IndicatorTarget.objects.filter(in_force_q(at)).order_by(
            "indicator", "active_from", "pk"):
        found[target.indicator] = target  # the latest start wins
    return found


# --- which requests feed which indicator -----------------------------------------------------


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
