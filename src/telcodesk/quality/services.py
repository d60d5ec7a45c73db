"""Writes of which requests feed which indicator (membership).

The service standards themselves are the SLA engine's (``sla.services``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from telcodesk.core.models import Channel, User
from telcodesk.core.services import do_audit
from telcodesk.quality.errors import QualityError, QualityErrorCode
from telcodesk.quality.models import IndicatorMembership, Measure, MemberKind


def _check_choice(value: str, choices: list[str], label: str) -> None:
    if value not in choices:
        raise QualityError(QualityErrorCode.INVALID,
                           f"unknown {label} {value!r} (one of {', '.join(choices)})")


# --- which requests feed which indicator -------------------------------------------------------


@transaction.atomic
def do_add_indicator_member(*, now: dt.datetime, measure: str, request_kind: str, source: str,
                            actor: User | None = None,
                            channel: str = Channel.CONSOLE) -> IndicatorMembership:
    """Let requests of ``request_kind`` feed the indicators of ``measure`` (from the
    next report computed). ``source`` says why (the standard's text, the operator's
    decision); it is required."""
    _check_choice(measure, Measure.values, "indicator")
    _check_choice(request_kind, MemberKind.values, "request kind")
    if not source.strip():
        raise QualityError(QualityErrorCode.INVALID,
                           "say where the membership comes from (the source text)")
    if IndicatorMembership.objects.filter(measure=measure, request_kind=request_kind).exists():
        raise QualityError(QualityErrorCode.INVALID,
                           f"{request_kind} already feeds {measure}")
    member = IndicatorMembership.objects.create(measure=measure, request_kind=request_kind,
                                                source=source.strip(), created_at=now,
                                                created_by=actor)
    do_audit(now=now, actor=actor, channel=channel, action="indicator_member.add",
             target_type="quality.IndicatorMembership", target_id=member.pk,
             summary=f"{request_kind} → {measure}", details={"source": member.source})
    return member


@transaction.atomic
def do_remove_indicator_member(*, now: dt.datetime, member: IndicatorMembership,
                               actor: User | None = None,
                               channel: str = Channel.CONSOLE) -> None:
    """Stop requests of the member's kind from feeding its indicators."""
    pk, summary = member.pk, f"{member.request_kind} → {member.measure}"
    IndicatorMembership.objects.filter(pk=pk).delete()
    do_audit(now=now, actor=actor, channel=channel, action="indicator_member.remove",
             target_type="quality.IndicatorMembership", target_id=pk, summary=summary)
