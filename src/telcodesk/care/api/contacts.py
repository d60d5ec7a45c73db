"""TMF683 Party Interaction v4: hotline calls and recorded interactions as contacts.

``/tmf-api/partyInteraction/v4/partyInteraction`` (list, with paging, ``fields=``
and attribute filters; ``POST`` records an interaction) and
``/partyInteraction/{id}`` (retrieve). Hotline calls (numeric ids) come from the
call-centre logs, never from the API; ``POST`` records a visit, a chat, an
e-mail... (``PI…`` ids) in its customer's branch, through
``care.services.interactions``. The list merges both, newest first. The caller
sees what ``care.selectors.contacts`` allows, with numbers masked unless their
role shows them. See ``docs/hotline.md`` and ``care.schemas.contacts``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.care.models import CallOutcome, HotlineCall, InteractionStatus
from telcodesk.care.schemas import contacts as schemas
from telcodesk.care.selectors.contacts import (
    OPENED_COMPLAINTS,
    caller_q,
    calls_visible_to,
    contact_for,
    interaction_for,
    interactions_visible_to,
    is_interaction_id,
)
from telcodesk.care.services.interactions import do_record_interaction
from telcodesk.core import clock, tmf
from telcodesk.core.ids import row_id
from telcodesk.core.models import Channel, User
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.tmf import ErrorOut
from telcodesk.customers.selectors import customer_for

# Mounted by ``telcodesk.api`` under ``/tmf-api/``.
BASE_PATH = "partyInteraction/v4/"
COLLECTION_URL_NAME = "partyInteraction-collection"
CUSTOMER_COLLECTION_URL_NAME = "customer-collection"

router = Router(tags=["partyInteraction"])

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 405, 415)}

_COMPLETED = Q(ended_at__isnull=False) | ~Q(outcome=CallOutcome.UNKNOWN)


def _status(value: str) -> Q:
    if value == "completed":
        return _COMPLETED
    if value == "inProgress":
        return ~_COMPLETED
    return Q(pk__in=[])  # "open": a call is in a queue as soon as it is recorded


def _direction(value: str) -> Q:
    return Q() if value == "inbound" else Q(pk__in=[])


def _party(value: str) -> Q:
    """A customer number, or the calling number in any dialable form."""
    return Q(customer__code=value) | caller_q(value)


def _call_id(value: str) -> Q:
    key = row_id(value)
    return Q(pk=key) if key is not None else Q(pk__in=[])


def _call_reason(value: str) -> Q:
    """A call's reason is its skill group's English name, or ``queue <name>``."""
    condition = Q(queue__skill_group__name_en=value)
    if value.startswith("queue "):
        condition |= Q(queue__skill_group__isnull=True, queue__name=value[len("queue "):])
    return condition


def _recorded_status(value: str) -> Q:
    return Q(status=value)


def _recorded_direction(value: str) -> Q:
    return Q(direction=value)


CONTACT_FILTERS = tmf.FilterSet({
    "id": tmf.Filter(_call_id, many=True, description="Id(s), comma-separated"),
    "status": tmf.Filter(_status, parse=tmf.choice(*schemas.STATUSES), many=True,
                         description="inProgress or completed"),
    "direction": tmf.Filter(_direction, parse=tmf.choice("inbound", "outbound"),
                            description="inbound (every hotline call)"),
    "relatedParty.id": tmf.Filter(_party, description="Customer number or calling number"),
    "reason": tmf.Filter(_call_reason, description="Skill group (English name) or queue"),
    "creationDate.gte": tmf.Filter("entered_at__gte", parse=tmf.parse_datetime,
                                   description="Entered the agent queue at or after"),
    "creationDate.lt": tmf.Filter("entered_at__lt", parse=tmf.parse_datetime,
                                  description="Entered the agent queue before"),
}, columns={
    "creationDate": tmf.Column("entered_at", parse=tmf.parse_datetime),
})
# The same parameters on the interactions recorded through the API.
RECORDED_FILTERS = tmf.FilterSet({
    "id": tmf.Filter(lambda code: Q(code=code.strip().upper()), many=True),
    "status": tmf.Filter(_recorded_status, parse=tmf.choice(*schemas.STATUSES), many=True),
    "direction": tmf.Filter(_recorded_direction, parse=tmf.choice("inbound", "outbound")),
    "relatedParty.id": tmf.Filter("customer__code"),
    "creationDate.gte": tmf.Filter("created_at__gte", parse=tmf.parse_datetime),
    "creationDate.lt": tmf.Filter("created_at__lt", parse=tmf.parse_datetime),
}, columns={
    "creationDate": tmf.Column("created_at", parse=tmf.parse_datetime),
    "reason": tmf.Column("reason", ordered=False),
    "description": tmf.Column("description", ordered=False),
})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _bases(request: HttpRequest) -> tuple[str, str]:
    return (tmf.href_base(request, reverse(f"tmf:{COLLECTION_URL_NAME}")),
            tmf.href_base(request, reverse(f"tmf:{CUSTOMER_COLLECTION_URL_NAME}")))


def _render(request: HttpRequest) -> Any:
    base, customer_base = _bases(request)
    full = may_see_full_numbers(_user(request))

    def render(call: HotlineCall) -> dict[str, Any]:
        return schemas.party_interaction_document(call, base=base, customer_base=customer_base,
                                                  full_numbers=full)

    return render


def _render_recorded(request: HttpRequest) -> Any:
    base, customer_base = _bases(request)

    def render(interaction: Any) -> dict[str, Any]:
        return schemas.recorded_interaction_document(interaction, base=base,
                                                     customer_base=customer_base)

    return render


@router.get(
    "/partyInteraction", response={200: list[schemas.PartyInteractionOut], **ERRORS},
    by_alias=True, url_name=COLLECTION_URL_NAME,
    summary="List or find PartyInteraction objects (hotline calls)",
    openapi_extra={"parameters": CONTACT_FILTERS.openapi_parameters()},
)
def list_party_interactions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    calls = calls_visible_to(user).prefetch_related(OPENED_COMPLAINTS)
    return tmf.merged_list_response(request, [
        tmf.ListSource(calls, CONTACT_FILTERS, _render(request), ("entered_at", "pk")),
        tmf.ListSource(interactions_visible_to(user), RECORDED_FILTERS,
                       _render_recorded(request), ("created_at", "pk")),
    ], attributes=schemas.PARTY_INTERACTION_ATTRIBUTES)


@router.get(
    "/partyInteraction/{id}", response={200: schemas.PartyInteractionOut, **ERRORS},
    by_alias=True, url_name="partyInteraction-item",
    summary="Retrieve a PartyInteraction (hotline call) by id",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_party_interaction(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.PARTY_INTERACTION_ATTRIBUTES)
    if is_interaction_id(id):
        document = _render_recorded(request)(interaction_for(_user(request), id))
    else:
        document = _render(request)(contact_for(_user(request), id))
    return tmf.item_response(document, fields)


def _body_error(message: str) -> tmf.TmfError:
    return tmf.TmfError(tmf.TmfErrorCode.INVALID_BODY, message)


@router.post(
    "/partyInteraction", response={201: schemas.PartyInteractionOut, **ERRORS}, by_alias=True,
    summary="Record a PartyInteraction (a visit, a chat, a call outside the hotline logs)",
    openapi_extra={"requestBody": tmf.body_schema(schemas.PartyInteractionCreateIn)},
)
def create_party_interaction(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    body = tmf.validate_body(schemas.PartyInteractionCreateIn, tmf.read_json_object(request))
    channel = schemas.channel_of(body.channel[0])
    if channel is None:
        raise _body_error(f"channel.0.id: unknown channel {body.channel[0].id!r}; one of "
                          f"{', '.join(sorted(schemas.CHANNEL_NAMES))}")
    customers = [party for party in body.related_party or []
                 if party.referred_type == "Customer" or (party.role or "").lower() == "customer"]
    if len(customers) != len(body.related_party or []) or len(customers) > 1:
        raise _body_error("relatedParty: name at most one customer (@referredType Customer, "
                          "id = customer number); the agent is the one recording")
    customer = None
    if customers:
        try:
            customer = customer_for(user, customers[0].id)
        except Http404:
            raise _body_error(f"relatedParty.0.id: no customer {customers[0].id!r} in your "
                              "branch") from None
    period = body.interaction_date
    notes = [{"text": note.text, "author": note.author or str(user),
              "date": tmf.tmf_datetime(note.date)} for note in body.note or []]
    interaction = do_record_interaction(
        now=clock.now(), actor=user, channel=channel, direction=body.direction,
        reason=body.reason, description=body.description or "",
        status=body.status or InteractionStatus.COMPLETED,
        started_at=period.start if period else None, ended_at=period.end if period else None,
        customer=customer, notes=notes, audit_channel=Channel.API)
    return tmf.created_response(
        _render_recorded(request)(interaction_for(user, interaction.code)))
