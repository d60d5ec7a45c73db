"""Writes of the service standards: publish a standard, retire one, enable or disable
one.

Every change goes through here (the admin too) so that no two standards of the
same (service, kind, area, tier) key are ever in force at the same instant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction

from telcodesk.core.models import Channel, User
from telcodesk.core.services import do_audit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import (
    LimitUnit,
    PauseReason,
    RequestKind,
    Service,
    ServiceStandard,
    StandardArea,
    Tier,
)
from telcodesk.quality.selectors.standards import overlapping_standard
from telcodesk.quality.services._common import check_choice


def _decimal(value: object, label: str, *, required: bool = True) -> Decimal | None:
    if value is None or value == "":
        if required:
            raise QualityError(QualityErrorCode.INVALID, f"{label} is required")
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise QualityError(QualityErrorCode.INVALID, f"{label} is not a number: {value!r}"
                           ) from None
    if not number.is_finite() or number <= 0:
        raise QualityError(QualityErrorCode.INVALID, f"{label} must be greater than 0")
    return number


def _describe(standard: ServiceStandard) -> str:
    until = standard.active_to.isoformat() if standard.active_to else "open-ended"
    return (f"standard #{standard.pk} ({standard.service} {standard.kind} {standard.area} "
            f"{standard.tier}, {standard.limit_label}, "
            f"{standard.active_from.isoformat()} – {until})")


@transaction.atomic
def do_create_standard(
    *,
    now: dt.datetime,
    actor: User | None,
    service: str,
    kind: str,
    area: str = StandardArea.ANY,
    tier: str = Tier.ANY,
    limit_value: Decimal | int | str,
    limit_unit: str,
    maximum_value: Decimal | int | str | None = None,
    average_target: Decimal | int | str | None = None,
    timely_target_pct: Decimal | int | str | None = None,
    warning_ratio: Decimal | str = Decimal("0.80"),
    excluded_pause_reasons: Iterable[str] = (),
    active_from: dt.datetime,
    active_to: dt.datetime | None = None,
    source: str = "",
    verified: bool = False,
    channel: str = Channel.CONSOLE,
) -> ServiceStandard:
    """Publish a standard. A period overlapping another of the same key is refused."""
    check_choice(service, Service.values, "service")
    check_choice(kind, RequestKind.values, "request kind")
    check_choice(area, StandardArea.values, "area")
    check_choice(tier, Tier.values, "customer tier")
    check_choice(limit_unit, LimitUnit.values, "limit unit")
    reasons = list(dict.fromkeys(excluded_pause_reasons))
    for reason in reasons:
        check_choice(reason, PauseReason.values, "pause reason")
    limit = _decimal(limit_value, "the limit")
    ratio = _decimal(warning_ratio, "the warning ratio")
    assert limit is not None and ratio is not None
    if ratio > 1:
        raise QualityError(QualityErrorCode.INVALID,
                           "the warning ratio must lie between 0 and 1 (0.80 = 80% of the limit)")
    if active_from.tzinfo is None or (active_to is not None and active_to.tzinfo is None):
        raise QualityError(QualityErrorCode.INVALID, "validity dates need a time zone")
    if active_to is not None and active_to <= active_from:
        raise QualityError(QualityErrorCode.INVALID, "the validity period ends before it starts")
    target = _decimal(timely_target_pct, "the timely-rate target", required=False)
    if target is not None and target > 100:
        raise QualityError(QualityErrorCode.INVALID, "the timely-rate target is a percentage")
    # Lock the key's rows so two concurrent publications cannot both pass the check.
    list(ServiceStandard.objects.select_for_update().filter(
        service=service, kind=kind, area=area, tier=tier).values_list("pk", flat=True))
    clash = overlapping_standard(service=service, kind=kind, area=area, tier=tier,
                                 active_from=active_from, active_to=active_to)
    if clash is not None:
        raise QualityError(
            QualityErrorCode.OVERLAP,
            f"the validity period overlaps {_describe(clash)}: retire it first "
            "(set its end date) or choose another period")
    standard = ServiceStandard.objects.create(
        service=service, kind=kind, area=area, tier=tier, limit_value=limit,
        limit_unit=limit_unit,
        maximum_value=_decimal(maximum_value, "the maximum", required=False),
        average_target=_decimal(average_target, "the average target", required=False),
        timely_target_pct=target, warning_ratio=ratio, excluded_pause_reasons=reasons,
        active_from=active_from, active_to=active_to, source=source, verified=verified,
        created_at=now, created_by=actor)
    do_audit(now=now, actor=actor, channel=channel, action="standard.create",
             target_type="quality.ServiceStandard", target_id=standard.pk,
             summary=_describe(standard))
    return standard


@transaction.atomic
def do_retire_standard(*, now: dt.datetime, standard: ServiceStandard,
                       active_to: dt.datetime, actor: User | None = None,
                       channel: str = Channel.CONSOLE) -> ServiceStandard:
    """End a standard's validity at ``active_to`` (exclusive). Only shortening is allowed."""
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    if active_to.tzinfo is None:
        raise QualityError(QualityErrorCode.INVALID, "the end date needs a time zone")
    if active_to <= standard.active_from:
        raise QualityError(QualityErrorCode.INVALID,
                           "a standard cannot end before it comes into force")
    if standard.active_to is not None and active_to > standard.active_to:
        raise QualityError(QualityErrorCode.INVALID,
                           f"{_describe(standard)} already ends earlier; a retirement only "
                           "shortens a period")
    before = standard.active_to
    standard.active_to = active_to
    standard.save(update_fields=["active_to"])
    do_audit(now=now, actor=actor, channel=channel, action="standard.retire",
             target_type="quality.ServiceStandard", target_id=standard.pk,
             summary=f"in force until {active_to.isoformat()}",
             details={"before": before.isoformat() if before else None,
                      "after": active_to.isoformat()})
    return standard


@transaction.atomic
def do_set_standard_enabled(*, now: dt.datetime, standard: ServiceStandard, enabled: bool,
                            actor: User | None = None,
                            channel: str = Channel.CONSOLE) -> ServiceStandard:
    """Enable a standard (it is in force over its period from now on: new requests of
    its key start their clocks on it) or disable it (never in force). Clocks already
    started keep the standard they started on."""
    standard = ServiceStandard.objects.select_for_update().get(pk=standard.pk)
    if standard.enabled == enabled:
        return standard
    standard.enabled = enabled
    standard.save(update_fields=["enabled"])
    do_audit(now=now, actor=actor, channel=channel,
             action="standard.enable" if enabled else "standard.disable",
             target_type="quality.ServiceStandard", target_id=standard.pk,
             summary=_describe(standard))
    return standard
