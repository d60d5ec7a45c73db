"""TMF683 Party Interaction v4: hotline calls as contacts.

``/tmf-api/partyInteraction/v4/partyInteraction`` (list, with paging, ``fields=``
and attribute filters) and ``/partyInteraction/{id}`` (retrieve). Read-only:
calls come from the call-centre logs, never from the API. The caller sees the
calls ``care.selectors.contacts.calls_visible_to`` allows, with numbers masked
unless their role shows them. See ``docs/hotline.md`` and ``schemas_contacts``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.care import schemas_contacts as schemas
from telcodesk.care.models import CallOutcome, HotlineCall
from telcodesk.care.selectors.contacts import (
    OPENED_COMPLAINTS,
    caller_q,
    calls_visible_to,
    contact_for,
)
from telcodesk.core import tmf
from telcodesk.core.models import User
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.tmf import ErrorOut

# Mounted by ``telcodesk.api`` under ``/tmf-api/``.
BASE_PATH = "partyInteraction/v4/"
COLLECTION_URL_NAME = "partyInteraction-collection"
CUSTOMER_COLLECTION_URL_NAME = "customer-collection"

router = Router(tags=["partyInteraction"])

ERRORS: dict[int, Any] = {code: ErrorOut for code in (400, 401, 403, 404, 405)}

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


CONTACT_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("pk", parse=tmf.whole_number, many=True,
                     description="Call id(s), comma-separated"),
    "status": tmf.Filter(_status, parse=tmf.choice(*schemas.STATUSES), many=True,
                         description="inProgress or completed"),
    "direction": tmf.Filter(_direction, parse=tmf.choice("inbound", "outbound"),
                            description="inbound (every hotline call)"),
    "relatedParty.id": tmf.Filter(_party, description="Customer number or calling number"),
    "creationDate.gte": tmf.Filter("entered_at__gte", parse=tmf.parse_datetime,
                                   description="Entered the agent queue at or after"),
    "creationDate.lt": tmf.Filter("entered_at__lt", parse=tmf.parse_datetime,
                                  description="Entered the agent queue before"),
}, columns={
    "creationDate": tmf.Column("entered_at", parse=tmf.parse_datetime),
})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _render(request: HttpRequest) -> Any:
    base = tmf.href_base(request, reverse(f"tmf:{COLLECTION_URL_NAME}"))
    customer_base = tmf.href_base(request, reverse(f"tmf:{CUSTOMER_COLLECTION_URL_NAME}"))
    full = may_see_full_numbers(_user(request))

    def render(call: HotlineCall) -> dict[str, Any]:
        return schemas.party_interaction_document(call, base=base, customer_base=customer_base,
                                                  full_numbers=full)

    return render


@router.get(
    "/partyInteraction", response={200: list[schemas.PartyInteractionOut], **ERRORS},
    by_alias=True, url_name=COLLECTION_URL_NAME,
    summary="List or find PartyInteraction objects (hotline calls)",
    openapi_extra={"parameters": CONTACT_FILTERS.openapi_parameters()},
)
def list_party_interactions(request: HttpRequest) -> HttpResponse:
    calls = calls_visible_to(_user(request)).prefetch_related(OPENED_COMPLAINTS)
    return tmf.list_response(request, calls, filters=CONTACT_FILTERS,
                             attributes=schemas.PARTY_INTERACTION_ATTRIBUTES,
                             render=_render(request))


@router.get(
    "/partyInteraction/{id}", response={200: schemas.PartyInteractionOut, **ERRORS},
    by_alias=True, url_name="partyInteraction-item",
    summary="Retrieve a PartyInteraction (hotline call) by id",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_party_interaction(request: HttpRequest, id: str) -> HttpResponse:
    tmf.FilterSet().apply(HotlineCall.objects.none(), request)  # refuses unknown parameters
    fields = tmf.parse_fields(request, schemas.PARTY_INTERACTION_ATTRIBUTES)
    call = contact_for(_user(request), id)
    return tmf.json_response(tmf.select_fields(_render(request)(call), fields))
