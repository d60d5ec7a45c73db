"""Recording an interaction with a party (TMF683 ``POST /partyInteraction``).

``do_record_interaction`` writes one ``PartyInteraction``: a visit, a chat, an
e-mail, a call taken outside the hotline's logs. It belongs to its customer's
branch, or, without a customer, to the branch of the staff member recording it;
only that branch's subtree sees it. It is never a hotline call: the hotline
figures count the call-centre logs only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import transaction

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import (
    INTERACTION_CODE_PREFIX,
    InteractionChannel,
    InteractionDirection,
    InteractionStatus,
    PartyInteraction,
)
from telcodesk.care.permissions import may_record_interactions
from telcodesk.core.models import Channel, User
from telcodesk.core.services import do_audit

if TYPE_CHECKING:  # another app's record, for annotations only
    from telcodesk.customers.models import Customer

CODE_DIGITS = 9
MAX_REASON = 200


def _invalid(message: str) -> CareError:
    return CareError(CareErrorCode.INVALID, message)


@transaction.atomic
def do_record_interaction(
    *,
    now: dt.datetime,
    actor: User,
    channel: str,
    direction: str,
    reason: str,
    description: str = "",
    status: str = InteractionStatus.COMPLETED,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    customer: Customer | None = None,
    notes: Sequence[dict[str, Any]] = (),
    audit_channel: str = Channel.API,
) -> PartyInteraction:
    """Record one interaction; ``customer`` must be one the actor may see."""
    if not may_record_interactions(actor):
        raise CareError(CareErrorCode.FORBIDDEN, "your role may read interactions but not "
                                                 "record them")
    if channel not in InteractionChannel.values:
        raise _invalid(f"channel: one of {', '.join(InteractionChannel.values)}")
    if direction not in InteractionDirection.values:
        raise _invalid(f"direction: one of {', '.join(InteractionDirection.values)}")
    if status not in InteractionStatus.values:
        raise _invalid(f"status: one of {', '.join(InteractionStatus.values)}")
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason: say why the interaction happened")
    if len(reason) > MAX_REASON:
        raise _invalid(f"reason: at most {MAX_REASON} characters")
    start = started_at or now
    if start > now:
        raise _invalid("interactionDate.startDateTime: lies in the future")
    if ended_at is not None and ended_at < start:
        raise _invalid("interactionDate.endDateTime: before the start")
    unit = customer.org_unit if customer is not None else actor.org_unit
    if unit is None:
        raise _invalid("relatedParty: name the customer (a staff member without a branch "
                       "records interactions of customers only)")
    interaction = PartyInteraction.objects.create(
        code=f"tmp-{uuid.uuid4().hex[:16]}", channel=channel, direction=direction,
        status=status, reason=reason, description=(description or "").strip(),
        customer=customer, org_unit=unit, started_at=start, ended_at=ended_at,
        notes=list(notes), created_at=now, created_by=actor)
    interaction.code = f"{INTERACTION_CODE_PREFIX}{interaction.pk:0{CODE_DIGITS}d}"
    interaction.save(update_fields=["code"])
    do_audit(now=now, actor=actor, channel=audit_channel, action="care.interaction.record",
             target_type="party_interaction", target_id=interaction.pk,
             summary=f"{channel} {direction}: {reason}"[:300])
    return interaction
