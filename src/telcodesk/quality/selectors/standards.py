"""Reads of the service standards: which standard is in force for a request, the
standards in force, disabled and overlapping ones."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Q, QuerySet

from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import (
    RequestKind,
    Service,
    ServiceStandard,
    StandardArea,
    Tier,
)
from telcodesk.quality.selectors._common import in_force_q


def standard_in_force(*, service: str, kind: str, area: str, tier: str,
                      at: dt.datetime) -> ServiceStandard:
    """The most specific standard in force at ``at`` for a request.

    Exact tier beats ``any``, then exact area beats ``any``; a service of ``any``
    (complaint replies) matches every service. A disabled standard is never in
    force. Nothing in force is a ``QualityError`` naming the key.
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
        in_force_q(at), enabled=True, service__in={service, Service.ANY}, kind=kind,
        area__in={area, StandardArea.ANY}, tier__in={tier, Tier.ANY}))
    if not candidates:
        raise QualityError(
            QualityErrorCode.NOT_FOUND,
            f"no service standard in force on {at.isoformat()} for {service} {kind} "
            f"({area}, tier {tier}): publish one first")

    def rank(standard: ServiceStandard) -> tuple[int, int, int]:
        return (standard.tier == tier, standard.area == area, standard.service == service)

    return max(candidates, key=rank)


def regulator_standard_in_force(*, service: str, kind: str, area: str,
                                at: dt.datetime) -> ServiceStandard | None:
    """The regulator's limit for a request: the ``any``-tier standard in force at ``at``
    for its service, kind and area (what the indicators judge it against, whatever
    stricter tier standard its own clock runs on); None when there is none."""
    try:
        return standard_in_force(service=service, kind=kind, area=area, tier=Tier.ANY, at=at)
    except QualityError:
        return None


def disabled_standards(*, at: dt.datetime) -> QuerySet[ServiceStandard]:
    """Standards that would be in force at ``at`` but are not enabled (the shipped VIP
    examples): shown to the quality manager, ready to enable."""
    return ServiceStandard.objects.filter(in_force_q(at), enabled=False).order_by(
        "service", "kind", "area", "tier")


def standards_in_force(*, at: dt.datetime) -> QuerySet[ServiceStandard]:
    """The enabled standards in force at ``at``."""
    return ServiceStandard.objects.filter(in_force_q(at), enabled=True).order_by(
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
