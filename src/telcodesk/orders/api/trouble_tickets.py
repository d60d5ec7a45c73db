"""TMF621 Trouble Ticket v4.

- ``/tmf-api/troubleTicket/v4/troubleTicket``: fault reports (work orders),
  status changes through the TMF621 state machine, ``statusChange`` history.
- ``/hub`` for event listeners (``core.events``).

Thin endpoints: read with ``core.tmf``, ask the selectors, write through the
services, answer with the documents of ``schemas``. See ``docs/orders.md``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from telcodesk.core import clock, phone, tmf
from telcodesk.core.events import hub_router
from telcodesk.core.models import Channel
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.core.tmf import ErrorOut
from telcodesk.customers.selectors import (
    subscription_for,
)
from telcodesk.orders import permissions
from telcodesk.orders.api._common import (
    ERRORS,
    TICKET_COLLECTION,
    _body_error,
    _created_after,
    _order_base,
    _request_channel,
    _require,
    _ticket_base,
    _user,
)
from telcodesk.orders.models import (
    OrderChannel,
    Severity,
    TicketStatus,
    WorkOrder,
)
from telcodesk.orders.schemas import trouble_tickets as schemas
from telcodesk.orders.selectors.work_orders import events_of, tickets_visible_to, work_order_for
from telcodesk.orders.services import work_orders as services

BASE_PATH = schemas.TICKET_BASE_PATH

router = Router(tags=["troubleTicket"])
router.add_router("", hub_router("troubleTicket", "troubleTicket"))



def _ticket_renderer(request: HttpRequest) -> Callable[[WorkOrder], dict[str, Any]]:
    """The TroubleTicket documents of one request: the hrefs' bases and whether the
    caller sees full numbers are worked out once, not once per ticket of a page."""
    base, order_base = _ticket_base(request), _order_base(request)
    full_numbers = may_see_full_numbers(_user(request))

    def render(work_order: WorkOrder) -> dict[str, Any]:
        return schemas.ticket_document(work_order, base=base, full_numbers=full_numbers,
                                       order_base=order_base)

    return render


def _ticket(request: HttpRequest, work_order: WorkOrder) -> dict[str, Any]:
    return _ticket_renderer(request)(work_order)


def _line_number(raw: str) -> str:
    try:
        return phone.normalize(raw)
    except phone.InvalidPhoneNumber:
        return raw


TICKET_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("code", many=True, description="Work order number(s)"),
    "status": tmf.Filter("status", parse=tmf.choice(*TicketStatus.values), many=True,
                         description="TMF621 status(es), comma-separated"),
    "ticketType": tmf.Filter("ticket_type", many=True,
                             description="fault, install, move, change, restore"),
    "severity": tmf.Filter("severity", parse=tmf.choice(*Severity.values), many=True,
                           description="critical, major, minor"),
    "relatedParty.id": tmf.Filter("customer__code", description="Customer number"),
    "relatedEntity.id": tmf.Filter("subscription__number", parse=_line_number,
                                   description="The line's number"),
    "channel.id": tmf.Filter("channel", parse=tmf.choice(*OrderChannel.values), many=True,
                             description="counter, self_service, hotline, api"),
    "creationDate.gte": tmf.Filter(_created_after, description="Reported at or after"),
    "creationDate.lt": tmf.Filter("created_at__lt", parse=tmf.parse_datetime,
                                  description="Reported before"),
}, columns={
    "name": tmf.Column("name", ordered=False),
    "description": tmf.Column("description", ordered=False),
    "externalId": tmf.Column("external_id", ordered=False),
    "priority": tmf.Column("priority", parse=tmf.whole_number),
    "creationDate": tmf.Column("created_at", parse=tmf.parse_datetime),
    "lastUpdate": tmf.Column("updated_at", parse=tmf.parse_datetime),
    "statusChangeDate": tmf.Column("status_changed_at", parse=tmf.parse_datetime),
    "resolutionDate": tmf.Column("resolved_at", parse=tmf.parse_datetime),
})


@router.get(
    "/troubleTicket", response={200: list[dict[str, Any]], **ERRORS},
    url_name=TICKET_COLLECTION, summary="List or find TroubleTicket objects",
    openapi_extra={"parameters": TICKET_FILTERS.openapi_parameters()},
)
def list_tickets(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, tickets_visible_to(_user(request)), filters=TICKET_FILTERS,
        attributes=schemas.TICKET_ATTRIBUTES, render=_ticket_renderer(request))


@router.get(
    "/troubleTicket/{id}", response={200: dict[str, Any], **ERRORS},
    url_name="troubleTicket-item", summary="Retrieve a TroubleTicket by its number",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_ticket(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.TICKET_ATTRIBUTES)
    work_order = work_order_for(_user(request), id)
    return tmf.item_response(_ticket(request, work_order), fields)



@router.post(
    "/troubleTicket", response={201: dict[str, Any], **ERRORS},
    summary="Report a fault (creates a repair work order)",
    openapi_extra={"requestBody": tmf.body_schema(schemas.TroubleTicketCreateIn)},
)
def create_ticket(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require(permissions.may_change_tickets(user), "trouble tickets")
    body = tmf.validate_body(schemas.TroubleTicketCreateIn, tmf.read_json_object(request))
    products = [e for e in body.related_entity
                if (e.role or "").lower() in ("affectedproduct", "product", "")
                or e.referred_type == "Product"]
    if len(products) != 1:
        raise _body_error("relatedEntity: name exactly one affected line "
                          "(role affectedProduct, id = its number)")
    line = subscription_for(user, products[0].id)
    if line is None:
        raise _body_error(f"relatedEntity: no live line {products[0].id!r} in your branch")
    for party in body.related_party or []:
        if party.referred_type == "Customer" and party.id != line.customer.code:
            raise _body_error(f"relatedParty: line {phone.mask(line.number)} belongs to "
                              "another customer")
    channel = _request_channel(body.channel.id if body.channel else None, OrderChannel.API)
    work_order = services.do_open_trouble_ticket(
        now=clock.now(), actor=user, channel=channel, subscription=line,
        description=body.description, severity=body.severity, name=body.name or "",
        external_id=body.external_id or "", notes=[n.text for n in body.note or []],
        priority=body.priority, audit_channel=Channel.API)
    work_order = work_order_for(user, work_order.code)
    return tmf.created_response(_ticket(request, work_order))


@router.patch(
    "/troubleTicket/{id}", response={200: dict[str, Any], **ERRORS},
    summary="Update a TroubleTicket with a JSON merge patch (status moves included)",
    openapi_extra={"requestBody": tmf.body_schema(
        schemas.TroubleTicketPatchIn, tmf.MERGE_PATCH_CONTENT_TYPE, tmf.JSON_CONTENT_TYPE)},
)
def patch_ticket(request: HttpRequest, id: str) -> HttpResponse:
    user = _user(request)
    work_order = work_order_for(user, id)
    _require(permissions.may_change_tickets(user), "trouble tickets")
    patch = tmf.read_merge_patch(request)
    tmf.refuse_attributes(patch, schemas.TICKET_NOT_PATCHABLE, why="not patchable")
    body = tmf.validate_body(schemas.TroubleTicketPatchIn, patch)
    for attribute in ("description", "severity", "status"):
        if attribute in patch and patch[attribute] is None:
            raise _body_error(f"{attribute}: cannot be removed")
    changes: dict[str, Any] = {}
    for attribute, key in (("name", "name"), ("description", "description"),
                           ("severity", "severity"), ("priority", "priority"),
                           ("externalId", "external_id")):
        if attribute in patch:
            changes[key] = patch[attribute] if patch[attribute] is not None else ""
    if "priority" in changes and changes["priority"] == "":
        raise _body_error("priority: cannot be removed")
    if body.severity is not None:
        changes["severity"] = body.severity  # as validated: "Major" is major
    known_notes = {str(e.pk) for e in events_of(work_order)}
    new_notes = [n for n in body.note or [] if n.id is None or n.id not in known_notes]
    services.do_patch_trouble_ticket(
        now=clock.now(), work_order=work_order, changes=changes,
        notes=[n.text for n in new_notes], status=body.status,
        reason=body.status_change_reason or "", actor=user, channel=Channel.API)
    return tmf.json_response(_ticket(request, work_order_for(user, id)))


@router.delete("/troubleTicket/{id}", response={405: ErrorOut}, include_in_schema=False,
                      summary="Trouble tickets are not deleted")
def delete_ticket(request: HttpRequest, id: str) -> HttpResponse:
    raise tmf.method_not_allowed("DELETE", "a ticket is cancelled with "
                                 "PATCH {\"status\": \"cancelled\", \"statusChangeReason\": ...}")
