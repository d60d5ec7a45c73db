"""Reads of the service standards: which standard is in force for a request."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Q, QuerySet

from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import (
    IndicatorTarget,
    RequestKind,
    Service,
    ServiceStandard,
    StandardArea,
    Tier,
)


def in_force_q(at: dt.datetime) -> Q:
    return Q(active_from__lte=at) & (Q(active_to__isnull=True) | Q(active_to__gt=at))


def standard_in_force(*, service: str, kind: str, area: str, tier: str,
                      at: dt.datetime) -> ServiceStandard:
    """The most specific standard in force at ``at`` for a request.

    Exact tier beats ``any``, then exact area beats ``any``; a service of ``any``
    (complaint replies) matches every service. Nothing in force is a
    ``QualityError`` naming the key.
    """
    if service not in Service.values:
        raise QualityError(QualityErrorCode.INVALID, f"unknown service {service!r}")
    if kind not in RequestKind.values:
        raise QualityError(QualityErrorCode.INVALID, f"unknown request kind {kind!r}")
    if area not in StandardArea.values:
        raise QualityError(QualityErrorCode.INVALID, f"unknown area {area!r}")
    if tier not in Tier.values:
        raise QualityError(QualityErrorCode.INVALID, f"unknown customer tier {tier!r}")
    candidates = list(ServiceStandard.objects.filter(
        in_force_q(at), service__in={service, Service.ANY}, kind=kind,
        area__in={area, StandardArea.ANY}, tier__in={tier, Tier.ANY}))
    if not candidates:
        raise QualityError(
            QualityErrorCode.NOT_FOUND,
            f"no service standard in force on {at.isoformat()} for {service} {kind} "
            f"({area}, tier {tier}): publish one first")

    def rank(standard: ServiceStandard) -> tuple[int, int, int]:
        return (standard.tier == tier, standard.area == area, standard.service == service)

    return max(candidates, key=rank)


def standards_in_force(*, at: dt.datetime) -> QuerySet[ServiceStandard]:
    return ServiceStandard.objects.filter(in_force_q(at)).order_by(
        "service", "kind", "area", "tier")


SERVICE_ORDER = [Service.FIXED, Service.BROADBAND, Service.MOBILE, Service.ANY]


def published_standards(*, at: dt.datetime) -> OrderedDict[str, list[ServiceStandard]]:
    """The standards in force grouped by service, in publication order (public page)."""
    kinds = list(RequestKind.values)
    areas = list(StandardArea.values)
    tiers = list(Tier.values)
    rows = sorted(standards_in_force(at=at), key=lambda s: (
        SERVICE_ORDER.index(Service(s.service)), kinds.index(s.kind),
        tiers.index(s.tier) if s.tier != Tier.ANY else -1, areas.index(s.area)))
    grouped: OrderedDict[str, list[ServiceStandard]] = OrderedDict()
    for row in rows:
        grouped.setdefault(row.service, []).append(row)
    return grouped


def overlapping_standard(*, service: str, kind: str, area: str, tier: str,
                         active_from: dt.datetime, active_to: dt.datetime | None,
                         exclude_id: int | None = None) -> ServiceStandard | None:
    """Another standard of the same key whose period meets ``[active_from, active_to)``."""
    q = ServiceStandard.objects.filter(service=service, kind=kind, area=area, tier=tier).filter(
        Q(active_to__isnull=True) | Q(active_to__gt=active_from))
    if active_to is not None:
        q = q.filter(active_from__lt=active_to)
    if exclude_id is not None:
        q = q.exclude(pk=exclude_id)
    return q.order_by("active_from").first()


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
