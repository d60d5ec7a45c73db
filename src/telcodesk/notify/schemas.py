"""TMF681 CommunicationMessage shapes: the request body, the response, the mapping.

A ``communicationMessage`` is one outbox message, or, when it was created with
several receivers, the first receiver's message (the lead) with the others as
its parts. Every SMS telcodesk sends is listed, reminders included.

| TMF attribute          | telcodesk                                                   |
|------------------------|-------------------------------------------------------------|
| ``id``                 | outbox id of the (lead) message                             |
| ``content``            | the text as sent (opt-out line included for marketing)      |
| ``messageType``        | ``SMS``                                                     |
| ``receiver[]``         | one per message: ``id`` (outbox id), ``phoneNumber``        |
|                        | (masked unless the role sees numbers), ``party`` (customer) |
| ``sender``             | the source address subscribers see                          |
| ``scheduledSendTime``  | earliest send time (scheduled, or end of quiet hours)       |
| ``sendTime``           | handed to the SMS centre; ``sendTimeComplete``: final state |
| ``tryTimes``           | attempts so far                                             |
| ``state``              | initial, inProgress, completed, failed, cancelled           |
| ``characteristic[]``   | kind, category, language, encoding, segments, stateReason   |
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from telcodesk.core import phone, tmf
from telcodesk.notify.models import OutboxMessage
from telcodesk.notify.selectors import tmf_state

MESSAGE_TYPE = "CommunicationMessage"
SMS = "SMS"

# Client-supplied characteristics POST understands.
DEDUPE_KEY = "dedupeKey"
KIND = "kind"
LANGUAGE = "language"
POST_CHARACTERISTICS = (DEDUPE_KEY, KIND, LANGUAGE)
# Kinds a client may send: plain service text or marketing (consent, opt-out, quiet hours).
API_KINDS = ("free_text", "marketing")

MESSAGE_ATTRIBUTES = (
    "id", "href", "@type", "content", "description", "messageType", "subject",
    "scheduledSendTime", "sendTime", "sendTimeComplete", "tryTimes", "receiver", "sender",
    "state", "characteristic",
)


class _In(tmf.TmfIn):
    """A request body (unknown attributes refused, enumerations in any letter case)."""


class RelatedPartyIn(_In):
    id: str
    href: str | None = None
    name: str | None = None
    role: str | None = None
    referred_type: str = Field(alias="@referredType")
    type: str | None = Field(default=None, alias="@type")


class ReceiverIn(_In):
    id: str | None = None
    name: str | None = None
    phone_number: str = Field(alias="phoneNumber", min_length=1)
    party: RelatedPartyIn | None = None
    type: str | None = Field(default=None, alias="@type")


class SenderIn(_In):
    id: str | None = None
    name: str | None = None
    phone_number: str | None = Field(default=None, alias="phoneNumber")
    party: RelatedPartyIn | None = None
    type: str | None = Field(default=None, alias="@type")


class CharacteristicIn(_In):
    id: str | None = None
    name: str
    value: Any
    value_type: str | None = Field(default=None, alias="valueType")
    type: str | None = Field(default=None, alias="@type")


class CommunicationMessageCreateIn(_In):
    """``CommunicationMessage_Create`` as telcodesk accepts it (SMS only)."""

    content: str = Field(min_length=1, max_length=2000)
    message_type: str = Field(alias="messageType")
    receiver: list[ReceiverIn] = Field(min_length=1, max_length=100)
    sender: SenderIn
    subject: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=300)
    scheduled_send_time: AwareDatetime | None = Field(default=None, alias="scheduledSendTime")
    priority: str | None = None
    log_flag: bool | None = Field(default=None, alias="logFlag")
    try_times: int | None = Field(default=None, alias="tryTimes", ge=1, le=20)
    state: Literal["initial"] | None = None
    characteristic: list[CharacteristicIn] | None = None
    type: Literal["CommunicationMessage"] | None = Field(default=None, alias="@type")
    base_type: str | None = Field(default=None, alias="@baseType")
    schema_location: str | None = Field(default=None, alias="@schemaLocation")


# --- response (documentation of the representation) -------------------------------------


class RelatedPartyOut(BaseModel):
    id: str
    name: str | None = None
    role: str | None = None
    referredType: str = Field(alias="@referredType")


class ReceiverOut(BaseModel):
    id: str
    phoneNumber: str
    party: RelatedPartyOut | None = None


class SenderOut(BaseModel):
    id: str
    name: str | None = None
    phoneNumber: str


class CharacteristicOut(BaseModel):
    name: str
    valueType: str
    value: Any


class CommunicationMessageOut(BaseModel):
    """A TMF681 ``CommunicationMessage`` as telcodesk serves it."""

    id: str
    href: str
    type: str = Field(alias="@type")
    content: str
    messageType: str
    description: str | None = None
    subject: str | None = None
    scheduledSendTime: str | None = None
    sendTime: str | None = None
    sendTimeComplete: str | None = None
    tryTimes: int
    receiver: list[ReceiverOut]
    sender: SenderOut
    state: str
    characteristic: list[CharacteristicOut] = []


# --- mapping ------------------------------------------------------------------------------


def _receiver(message: OutboxMessage, *, full_numbers: bool) -> dict[str, Any]:
    receiver: dict[str, Any] = {
        "id": str(message.pk),
        "phoneNumber": message.recipient if full_numbers else phone.mask(message.recipient),
    }
    if message.customer is not None:
        receiver["name"] = message.customer.name
        receiver["party"] = {"id": message.customer.code, "name": message.customer.name,
                             "role": "customer", "@referredType": "Customer"}
    return receiver


def _characteristic(name: str, value: Any) -> dict[str, Any]:
    value_type = "integer" if isinstance(value, int) else "string"
    return {"name": name, "valueType": value_type, "value": value}


def communication_document(lead: OutboxMessage, *, base: str,
                           full_numbers: bool) -> dict[str, Any]:
    """The TMF681 representation of a lead message and its parts (prefetch ``parts``)."""
    rows = [lead, *lead.parts.all()]
    sent = [m.submitted_at for m in rows if m.submitted_at is not None]
    finished = [m.finished_at for m in rows if m.finished_at is not None]
    all_final = all(m.finished_at is not None for m in rows)
    reasons = sorted({m.state_reason for m in rows if m.state_reason})
    characteristic = [
        _characteristic("kind", lead.kind),
        _characteristic("category", lead.category),
        _characteristic("language", lead.language),
        _characteristic("encoding", lead.encoding),
        _characteristic("segments", lead.segments),
    ]
    if reasons:
        characteristic.append(_characteristic("stateReason", "; ".join(reasons)[:500]))
    return tmf.drop_empty({
        "id": str(lead.pk),
        "href": tmf.resource_href(base, str(lead.pk)),
        "@type": MESSAGE_TYPE,
        "content": lead.body,
        "messageType": SMS,
        "subject": lead.subject,
        "description": lead.description,
        "scheduledSendTime": tmf.tmf_datetime(lead.not_before),
        "sendTime": tmf.tmf_datetime(min(sent)) if sent else None,
        "sendTimeComplete": tmf.tmf_datetime(max(finished)) if finished and all_final else None,
        "tryTimes": max(m.attempts for m in rows),
        "receiver": [_receiver(m, full_numbers=full_numbers) for m in rows],
        "sender": {"id": lead.sender, "name": lead.sender, "phoneNumber": lead.sender},
        "state": tmf_state([(m.state, m.attempts) for m in rows]),
        "characteristic": characteristic,
    })
