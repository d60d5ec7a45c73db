"""TMF681 Communication v4: ``/tmf-api/communicationManagement/v4/communicationMessage``.

Thin endpoints: read the request with ``core.tmf``, ask the selectors, write
through ``services.do_send_communication``. See ``docs/notifications.md``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.core import clock, phone, tmf
from telcodesk.core.models import Channel, User
from telcodesk.core.permissions import may_see_full_numbers
from telcodesk.core.tmf import ErrorOut
from telcodesk.customers.errors import CustomerNotFound
from telcodesk.customers.selectors import customer_for, search_customers
from telcodesk.notify import schemas
from telcodesk.notify.kinds import LANGUAGES
from telcodesk.notify.models import OutboxMessage
from telcodesk.notify.schemas import CommunicationMessageCreateIn, CommunicationMessageOut
from telcodesk.notify.selectors import (
    TMF_STATES,
    communication_message_for,
    communication_messages,
    tmf_state_q,
)
from telcodesk.notify.services import (
    Receiver,
    do_delete_communication,
    do_send_communication,
)

# Mounted by ``telcodesk.api`` under ``/tmf-api/``.
BASE_PATH = "communicationManagement/v4/"
COLLECTION_URL_NAME = "communicationMessage-collection"

router = Router(tags=["communicationMessage"])

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 405, 409, 415)}


def _phone(raw: str) -> str:
    return phone.normalize(raw)


def _receiver_number(number: str) -> Q:
    parts = OutboxMessage.objects.filter(part_of=OuterRef("pk"), recipient=number)
    return Q(recipient=number) | Q(Exists(parts))


def _receiver_party(code: str) -> Q:
    parts = OutboxMessage.objects.filter(part_of=OuterRef("pk"), customer__code=code)
    return Q(customer__code=code) | Q(Exists(parts))


def _message_type(raw: str) -> Q:
    if raw.upper() != schemas.SMS:
        return Q(pk__in=[])
    return Q()


MESSAGE_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("pk", parse=tmf.whole_number, many=True,
                     description="Message id(s), comma-separated"),
    "state": tmf.Filter(tmf_state_q, parse=tmf.choice(*TMF_STATES), many=True,
                        description="initial, inProgress, completed, cancelled, failed"),
    "messageType": tmf.Filter(_message_type, description="SMS (the only type telcodesk sends)"),
    "receiver.phoneNumber": tmf.Filter(_receiver_number, parse=_phone,
                                       description="A receiver's number in any dialable form"),
    "receiver.party.id": tmf.Filter(_receiver_party,
                                    description="A receiver's customer number"),
    "characteristic.kind": tmf.Filter("kind", many=True,
                                      description="Message kind(s), e.g. payment_received"),
    "sendTime.gte": tmf.Filter("submitted_at__gte", parse=tmf.parse_datetime,
                               description="Handed to the SMS centre at or after"),
    "sendTime.lt": tmf.Filter("submitted_at__lt", parse=tmf.parse_datetime,
                              description="Handed to the SMS centre before"),
}, columns={
    "content": tmf.Column("body", ordered=False),
    "subject": tmf.Column("subject", ordered=False),
    "description": tmf.Column("description", ordered=False),
    "scheduledSendTime": tmf.Column("not_before", parse=tmf.parse_datetime),
})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{COLLECTION_URL_NAME}"))


def _body_error(message: str) -> tmf.TmfError:
    return tmf.TmfError(tmf.TmfErrorCode.INVALID_BODY, message)


@router.get(
    "/communicationMessage", response={200: list[CommunicationMessageOut], **ERRORS},
    by_alias=True, url_name=COLLECTION_URL_NAME,
    summary="List or find CommunicationMessage objects",
    openapi_extra={"parameters": MESSAGE_FILTERS.openapi_parameters()},
)
def list_messages(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    messages = communication_messages(user).order_by("-created_at", "-pk")
    base, full = _base(request), may_see_full_numbers(user)
    return tmf.list_response(
        request, messages, filters=MESSAGE_FILTERS, attributes=schemas.MESSAGE_ATTRIBUTES,
        render=lambda m: schemas.communication_document(m, base=base, full_numbers=full))


@router.get(
    "/communicationMessage/{id}", response={200: CommunicationMessageOut, **ERRORS},
    by_alias=True, url_name="communicationMessage-item",
    summary="Retrieve a CommunicationMessage by id",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_message(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.MESSAGE_ATTRIBUTES)
    user = _user(request)
    message = communication_message_for(user, id)
    document = schemas.communication_document(message, base=_base(request),
                                              full_numbers=may_see_full_numbers(user))
    return tmf.item_response(document, fields)


@router.post(
    "/communicationMessage", response={201: CommunicationMessageOut, **ERRORS}, by_alias=True,
    summary="Send an SMS now or at scheduledSendTime",
    openapi_extra={"requestBody": tmf.body_schema(CommunicationMessageCreateIn)},
)
def create_message(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    body = tmf.validate_body(CommunicationMessageCreateIn, tmf.read_json_object(request))
    if body.message_type.upper() != schemas.SMS:
        raise _body_error(f"messageType: telcodesk sends SMS only, not {body.message_type!r}")
    sender = body.sender.phone_number
    if sender is not None and sender.strip() != settings.TELCODESK_SMS_SENDER:
        raise _body_error(f"sender.phoneNumber: messages go out from "
                          f"{settings.TELCODESK_SMS_SENDER}, not {sender!r}")
    traits = _characteristics(body)
    receivers = [_receiver(user, index, item) for index, item in enumerate(body.receiver)]
    lead = do_send_communication(
        now=clock.now(), actor=user, receivers=receivers, content=body.content,
        kind=traits.get(schemas.KIND, "free_text"), language=traits.get(schemas.LANGUAGE),
        scheduled=body.scheduled_send_time, subject=body.subject or "",
        description=body.description or "", client_key=traits.get(schemas.DEDUPE_KEY, ""),
        channel=Channel.API,
    )
    created = communication_message_for(user, str(lead.pk))
    return tmf.created_response(schemas.communication_document(
        created, base=_base(request), full_numbers=may_see_full_numbers(user)))


def _characteristics(body: CommunicationMessageCreateIn) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, item in enumerate(body.characteristic or []):
        where = f"characteristic.{index}"
        if item.name not in schemas.POST_CHARACTERISTICS:
            raise _body_error(f"{where}.name: unknown characteristic {item.name!r}; known: "
                              f"{', '.join(schemas.POST_CHARACTERISTICS)}")
        if not isinstance(item.value, str) or not item.value.strip():
            raise _body_error(f"{where}.value: {item.name} takes a non-empty string")
        if item.name in values:
            raise _body_error(f"{where}: {item.name} given twice")
        values[item.name] = item.value.strip()
    if values.get(schemas.KIND, "free_text") not in schemas.API_KINDS:
        raise _body_error(f"characteristic kind: one of {', '.join(schemas.API_KINDS)}")
    if values.get(schemas.LANGUAGE, LANGUAGES[0]) not in LANGUAGES:
        raise _body_error(f"characteristic language: one of {', '.join(LANGUAGES)}")
    if len(values.get(schemas.DEDUPE_KEY, "")) > 100:
        raise _body_error("characteristic dedupeKey: at most 100 characters")
    return values


def _receiver(user: User, index: int, item: schemas.ReceiverIn) -> Receiver:
    where = f"receiver.{index}"
    try:
        number = phone.normalize(item.phone_number)
    except phone.InvalidPhoneNumber as exc:
        raise _body_error(f"{where}.phoneNumber: {exc}") from None
    if item.party is not None:
        if item.party.referred_type != "Customer":
            raise _body_error(f"{where}.party.@referredType: Customer is the only party "
                              "telcodesk links a message to")
        try:
            return Receiver(number, customer_for(user, item.party.id))
        except CustomerNotFound:
            raise _body_error(f"{where}.party.id: unknown customer {item.party.id!r} (or "
                              "outside your branch)") from None
    holders = list(search_customers(user, number)[:2])
    return Receiver(number, holders[0] if len(holders) == 1 else None)


@router.patch("/communicationMessage/{id}", response={405: ErrorOut}, include_in_schema=False,
              summary="Messages are not changed once created")
def patch_message(request: HttpRequest, id: str) -> HttpResponse:
    raise tmf.method_not_allowed("PATCH", "a message is not changed once queued; its state "
                                 "follows the delivery")


@router.delete("/communicationMessage/{id}", response={204: None, **ERRORS},
               summary="Delete a CommunicationMessage (its record is kept for the audit)")
def delete_message(request: HttpRequest, id: str) -> HttpResponse:
    tmf.item_fields(request, schemas.MESSAGE_ATTRIBUTES)
    user = _user(request)
    do_delete_communication(now=clock.now(), message=communication_message_for(user, id),
                            actor=user)
    return HttpResponse(status=204)
