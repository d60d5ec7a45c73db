"""TMF683 PartyInteraction shapes: a hotline call (one visit to an agent queue) as a contact.

| TMF attribute          | telcodesk                                                       |
|------------------------|-----------------------------------------------------------------|
| ``id``                 | the call's id (``HotlineCall.pk``)                              |
| ``creationDate``       | entry into the agent queue                                      |
| ``interactionDate``    | ``startDateTime`` entry into the queue, ``endDateTime`` left    |
|                        | the queue or ended (absent when no exit was recorded)           |
| ``direction``          | ``inbound``                                                     |
| ``status``             | ``completed`` once the call left the queue, else ``inProgress`` |
| ``statusChangeDate``   | the last recorded moment (end, answer or entry)                 |
| ``reason``             | the skill group the caller chose (English name), or the queue   |
| ``description``        | queue, outcome, wait, agent and talk time in one line           |
| ``channel[]``          | ``{id: "hotline", name: "hotline", role: "inbound call"}``      |
| ``relatedParty[]``     | the customer (``@referredType`` Customer, TMF629 href) when the |
|                        | caller's number matched one; the caller (role ``caller``,       |
|                        | ``@referredType`` Party, ``id`` = the calling number, masked    |
|                        | unless the viewer's role shows numbers); the agent (role        |
|                        | ``agent``) when answered                                        |
| ``interactionItem[]``  | complaints opened from the call (``item.role`` complaint)       |

An interaction recorded with ``POST /partyInteraction`` (``PartyInteraction``: a
visit, a chat...) has the number ``PI…`` as ``id``; its ``channel``,
``direction``, ``status``, ``reason``, ``description``, ``interactionDate`` and
``note`` are those recorded, ``creationDate`` the moment it was recorded, and
``relatedParty`` its customer and the staff member who recorded it (role
``agent``). ``PartyInteractionCreateIn`` is the body ``POST`` accepts.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from telcodesk.care.models import (
    CallOutcome,
    HotlineCall,
    InteractionChannel,
    PartyInteraction,
)
from telcodesk.care.selectors.contacts import opened_complaints
from telcodesk.core import phone, tmf

PARTY_INTERACTION_TYPE = "PartyInteraction"
CHANNEL = {"id": "hotline", "name": "hotline", "role": "inbound call"}

PARTY_INTERACTION_ATTRIBUTES = (
    "id", "href", "@type", "creationDate", "description", "direction", "reason", "status",
    "statusChangeDate", "channel", "interactionDate", "interactionItem", "relatedParty", "note",
)
# A channel's id or name as integrators write it (any letter case) -> the stored channel.
CHANNEL_NAMES = {
    **{name: InteractionChannel.CALL for name in ("call", "phone", "telephone", "hotline")},
    **{name: InteractionChannel.VISIT for name in ("visit", "counter", "store", "shop",
                                                    "facetoface", "face to face")},
    **{name: InteractionChannel.CHAT for name in ("chat", "webchat", "web chat", "online chat")},
    **{name: InteractionChannel.EMAIL for name in ("email", "e-mail", "mail")},
    InteractionChannel.SMS.value: InteractionChannel.SMS,
    InteractionChannel.LETTER.value: InteractionChannel.LETTER,
}
STATUSES = ("open", "inProgress", "completed")


class RelatedPartyOut(BaseModel):
    id: str
    href: str | None = None
    name: str | None = None
    role: str | None = None
    referredType: str = Field(alias="@referredType")


class RelatedChannelIn(tmf.TmfIn):
    """A ``RelatedChannel``: where the interaction took place."""

    id: str
    href: str | None = None
    name: str | None = None
    role: str | None = None
    type: str | None = Field(default=None, alias="@type")
    referred_type: str | None = Field(default=None, alias="@referredType")


class InteractionDateIn(tmf.TmfIn):
    start: AwareDatetime | None = Field(default=None, alias="startDateTime")
    end: AwareDatetime | None = Field(default=None, alias="endDateTime")


class PartyInteractionCreateIn(tmf.TmfIn):
    """``PartyInteraction_Create`` as telcodesk accepts it; other attributes are refused."""

    reason: str = Field(min_length=1, max_length=200)
    direction: Literal["inbound", "outbound"]
    channel: list[RelatedChannelIn] = Field(min_length=1, max_length=1)
    description: str | None = None
    status: Literal["open", "inProgress", "completed"] | None = None
    interaction_date: InteractionDateIn | None = Field(default=None, alias="interactionDate")
    related_party: list[tmf.RefIn] | None = Field(default=None, alias="relatedParty")
    note: list[tmf.NoteIn] | None = None
    type: Literal["PartyInteraction"] | None = Field(default=None, alias="@type")


def channel_of(channel: RelatedChannelIn) -> str | None:
    """The stored channel an integrator's ``RelatedChannel`` names (id, else name)."""
    for text in (channel.id, channel.name):
        found = CHANNEL_NAMES.get((text or "").strip().casefold())
        if found is not None:
            return found
    return None


class PartyInteractionOut(BaseModel):
    """A TMF683 ``PartyInteraction`` as telcodesk serves it (documentation of the shape)."""

    id: str
    href: str
    type: str = Field(alias="@type")
    creationDate: str
    description: str
    direction: str
    reason: str | None = None
    status: str
    statusChangeDate: str | None = None
    channel: list[dict[str, str]]
    interactionDate: dict[str, str]
    interactionItem: list[dict[str, Any]] = []
    relatedParty: list[RelatedPartyOut] = []
    note: list[dict[str, Any]] = []


def status_of(call: HotlineCall) -> str:
    if call.ended_at is not None or call.outcome != CallOutcome.UNKNOWN:
        return "completed"
    return "inProgress"


def _number(number: str, full_numbers: bool) -> str:
    if full_numbers:
        return number
    return phone.mask(number) or "*" * len(number)


def _description(call: HotlineCall) -> str:
    parts = [f"queue {call.queue.name}", f"outcome {call.outcome}"]
    if call.wait_seconds is not None:
        parts.append(f"waited {call.wait_seconds} s")
    if call.agent:
        parts.append(f"agent {call.agent}")
    if call.talk_seconds is not None:
        parts.append(f"talked {call.talk_seconds} s")
    if call.transferred_to:
        parts.append(f"transferred to {call.transferred_to}")
    return "; ".join(parts)


def party_interaction_document(call: HotlineCall, *, base: str, customer_base: str,
                               full_numbers: bool) -> dict[str, Any]:
    """The TMF683 representation of one call (select ``queue__skill_group`` and
    ``customer``; prefetch ``contacts.OPENED_COMPLAINTS``)."""
    group = call.queue.skill_group
    parties: list[dict[str, Any]] = []
    if call.customer is not None:
        parties.append({"id": call.customer.code,
                        "href": tmf.resource_href(customer_base, call.customer.code),
                        "name": call.customer.name, "role": "customer",
                        "@referredType": "Customer"})
    if call.caller:
        shown = _number(call.caller, full_numbers)
        parties.append({"id": shown, "name": shown, "role": "caller", "@referredType": "Party"})
    if call.agent:
        parties.append({"id": call.agent, "name": call.agent, "role": "agent",
                        "@referredType": "Individual"})
    items = [{"id": complaint.code, "creationDate": tmf.tmf_datetime(complaint.received_at),
              "reason": "complaint opened from this call",
              "item": {"id": complaint.code, "role": "complaint",
                       "@referredType": "Complaint"}}
             for complaint in opened_complaints(call)]
    last = call.ended_at or call.answered_at or call.entered_at
    return tmf.drop_empty({
        "id": str(call.pk),
        "href": tmf.resource_href(base, str(call.pk)),
        "@type": PARTY_INTERACTION_TYPE,
        "creationDate": tmf.tmf_datetime(call.entered_at),
        "description": _description(call),
        "direction": "inbound",
        "reason": group.name_en if group is not None else f"queue {call.queue.name}",
        "status": status_of(call),
        "statusChangeDate": tmf.tmf_datetime(last),
        "channel": [dict(CHANNEL)],
        "interactionDate": tmf.time_period(call.entered_at, call.ended_at),
        "interactionItem": items,
        "relatedParty": parties,
    })


def recorded_interaction_document(interaction: PartyInteraction, *, base: str,
                                  customer_base: str) -> dict[str, Any]:
    """The TMF683 representation of an interaction recorded through the API (select
    ``customer`` and ``created_by``)."""
    parties: list[dict[str, Any]] = []
    if interaction.customer is not None:
        parties.append({"id": interaction.customer.code,
                        "href": tmf.resource_href(customer_base, interaction.customer.code),
                        "name": interaction.customer.name, "role": "customer",
                        "@referredType": "Customer"})
    agent = interaction.created_by
    parties.append({"id": agent.username, "name": str(agent), "role": "agent",
                    "@referredType": "Individual"})
    channel = InteractionChannel(interaction.channel)
    return tmf.drop_empty({
        "id": interaction.code,
        "href": tmf.resource_href(base, interaction.code),
        "@type": PARTY_INTERACTION_TYPE,
        "creationDate": tmf.tmf_datetime(interaction.created_at),
        "description": interaction.description,
        "direction": interaction.direction,
        "reason": interaction.reason,
        "status": interaction.status,
        "statusChangeDate": tmf.tmf_datetime(interaction.created_at),
        "channel": [{"id": channel.value, "name": channel.value,
                     "role": f"{interaction.direction} {channel.value}"}],
        "interactionDate": tmf.time_period(interaction.started_at, interaction.ended_at),
        "relatedParty": parties,
        "note": [tmf.drop_empty(dict(note)) for note in interaction.notes],
    })
