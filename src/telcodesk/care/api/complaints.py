"""Complaints in the TMF621 TroubleTicket shape: ``/tmf-api/troubleTicket/v4/complaint``.

- ``GET /complaint``: list (paging, ``fields=``, filters ``id``, ``status``,
  ``channel.id``, ``category``, ``relatedParty.id``, ``creationDate.gte/lt``),
  scoped like the console.
- ``GET /complaint/{id}``: one complaint.
- ``POST /complaint``: intake (``channel`` required; ``relatedParty`` customer or
  complainant number; ``relatedEntity`` category, line, order, work order, bill).
- ``PATCH /complaint/{id}``: merge patch; ``status`` ``resolved`` with the reply
  as ``statusChangeReason`` replies, ``closed`` closes (and sends the survey),
  ``inProgress`` with a reason starts the work; other moves are refused. New
  ``note`` entries are added to the timeline.
- ``DELETE``: 405 (a complaint is never deleted).

Events go to the ``troubleTicket`` hub's listeners (``ticketType`` ``complaint``).
The document mapping is in ``care.schemas.complaints``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.care.errors import CareError, CareErrorCode
from telcodesk.care.models import Complaint, ComplaintCategory, ComplaintChannel
from telcodesk.care.permissions import may_receive
from telcodesk.care.schemas import complaints as schemas
from telcodesk.care.selectors.complaints import (
    complaint_for,
    complaints_visible_to,
)
from telcodesk.care.services import complaints as services
from telcodesk.core import clock, tmf
from telcodesk.core.errors import DomainError
from telcodesk.core.models import Channel, User
from telcodesk.core.selectors import may_see_full_numbers
from telcodesk.customers.selectors import customer_for, subscription_for
from telcodesk.orders.selectors.product_orders import order_for
from telcodesk.orders.selectors.work_orders import work_order_for

BASE_PATH = schemas.BASE_PATH
COLLECTION = "complaint-collection"
ITEM = "complaint-item"

router = Router(tags=["complaint"])

ERRORS: dict[int, Any] = {code: tmf.ErrorOut for code in (400, 401, 403, 404, 405, 409, 415)}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _require_receiver(user: User) -> None:
    if not may_receive(user):
        raise PermissionDenied("your role may read complaints but not take or change them")


def _body_error(message: str) -> tmf.TmfError:
    return tmf.TmfError(tmf.TmfErrorCode.INVALID_BODY, message)


def _base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{COLLECTION}"))


def _document(request: HttpRequest, complaint: Complaint) -> dict[str, Any]:
    base = _base(request)
    root = base.rsplit("/", 1)[0]
    return schemas.complaint_document(
        complaint, base=base, full_numbers=may_see_full_numbers(_user(request)),
        ticket_base=f"{root}/troubleTicket",
        order_base=tmf.href_base(request, schemas.ORDER_EVENT_BASE))


def _statuses(raw: str) -> Q:
    return Q(state__in=schemas.STATES_OF_STATUS.get(tmf.choice(*schemas.TMF_STATUSES)(raw), []))


FILTERS = tmf.FilterSet({
    "id": tmf.Filter("code", many=True, description="Complaint number(s)"),
    "status": tmf.Filter(_statuses, many=True,
                         description="TMF621 status(es): acknowledged, inProgress, resolved, "
                                     "closed"),
    "channel.id": tmf.Filter("channel", parse=tmf.choice(*ComplaintChannel.values), many=True,
                             description=", ".join(ComplaintChannel.values)),
    "category": tmf.Filter("category", parse=tmf.choice(*ComplaintCategory.values), many=True,
                           description=", ".join(ComplaintCategory.values)),
    "relatedParty.id": tmf.Filter("customer__code", description="Customer number"),
    "creationDate.gte": tmf.Filter("received_at__gte", parse=tmf.parse_datetime,
                                   description="Received at or after"),
    "creationDate.lt": tmf.Filter("received_at__lt", parse=tmf.parse_datetime,
                                  description="Received before"),
}, columns={
    "creationDate": tmf.Column("received_at", parse=tmf.parse_datetime),
    "lastUpdate": tmf.Column("updated_at", parse=tmf.parse_datetime),
    "resolutionDate": tmf.Column("replied_at", parse=tmf.parse_datetime),
})


@router.get(
    "/complaint", response={200: list[dict[str, Any]], **ERRORS}, url_name=COLLECTION,
    summary="List or find complaints (TroubleTicket of type complaint)",
    openapi_extra={"parameters": FILTERS.openapi_parameters()},
)
def list_complaints(request: HttpRequest) -> HttpResponse:
    return tmf.list_response(
        request, complaints_visible_to(_user(request)), filters=FILTERS,
        attributes=schemas.ATTRIBUTES, render=lambda c: _document(request, c))


@router.get(
    "/complaint/{id}", response={200: dict[str, Any], **ERRORS}, url_name=ITEM,
    summary="Retrieve a complaint by its number",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_complaint(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.ATTRIBUTES)
    complaint = complaint_for(_user(request), id)
    return tmf.item_response(_document(request, complaint), fields)


def _kind(ref: schemas.RefIn) -> str:
    return (ref.referred_type or ref.role or "").lower()


def _intake(user: User, body: schemas.ComplaintCreateIn) -> dict[str, Any]:
    """The service's keyword arguments read from the body's references."""
    found: dict[str, Any] = {"customer": None, "contact_number": "", "subscription": None,
                             "order": None, "work_order": None, "bill_reference": "",
                             "category": ""}
    for party in body.related_party or []:
        kind = _kind(party)
        role = (party.role or "").lower()
        if kind == "customer" or role == "customer":
            try:
                found["customer"] = customer_for(user, party.id)
            except DomainError:
                raise _body_error(f"relatedParty: no customer {party.id!r} in your branch") \
                    from None
        elif role in ("complainant", "contact"):
            found["contact_number"] = party.id
        else:
            raise _body_error("relatedParty: name the customer (@referredType Customer) or "
                              "the complainant's number (role complainant)")
    for entity in body.related_entity or []:
        kind, role = _kind(entity), (entity.role or "").lower()
        try:
            if kind == "complaintcategory" or role == "category":
                found["category"] = entity.id
            elif kind == "product" or role == "affectedproduct":
                line = subscription_for(user, entity.id)
                if line is None:
                    raise _body_error(f"relatedEntity: no live line {entity.id!r} in your "
                                      "branch")
                found["subscription"] = line
            elif kind == "productorder":
                found["order"] = order_for(user, entity.id)
            elif kind == "troubleticket":
                found["work_order"] = work_order_for(user, entity.id)
            elif kind in ("customerbill", "bill") or role == "bill":
                found["bill_reference"] = entity.id
            else:
                raise _body_error(
                    f"relatedEntity {entity.id!r}: use @referredType ComplaintCategory, "
                    "Product, ProductOrder, TroubleTicket or CustomerBill")
        except tmf.TmfError:
            raise
        except DomainError as exc:
            raise _body_error(f"relatedEntity: {exc.message}") from None
    if not found["category"]:
        raise _body_error("relatedEntity: a complaint needs its category "
                          "(@referredType ComplaintCategory, id one of "
                          f"{', '.join(ComplaintCategory.values)})")
    return found


@router.post(
    "/complaint", response={201: dict[str, Any], **ERRORS},
    summary="Register a complaint (the caller takes it and owns it)",
    openapi_extra={"requestBody": tmf.body_schema(schemas.ComplaintCreateIn)},
)
def create_complaint(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_receiver(user)
    body = tmf.validate_body(schemas.ComplaintCreateIn, tmf.read_json_object(request))
    channel = body.channel.id if body.channel is not None else ""
    if channel not in ComplaintChannel.values:
        raise CareError(CareErrorCode.INVALID, "channel: a complaint needs its channel (one of "
                                               f"{', '.join(ComplaintChannel.values)})")
    found = _intake(user, body)
    description = body.description.strip()
    summary = (body.name or "").strip() or (description.splitlines()[0] if description else "")
    details = description if description != summary else ""
    complaint = services.do_open_complaint(
        now=clock.now(), actor=user, channel=channel, summary=summary, details=details,
        received_at=body.creation_date, regulator_reference=body.external_id or "",
        notes=[n.text for n in body.note or []], audit_channel=Channel.API, **found)
    return tmf.created_response(_document(request, complaint_for(user, complaint.code)))


@router.patch(
    "/complaint/{id}", response={200: dict[str, Any], **ERRORS},
    summary="Update a complaint with a JSON merge patch (reply, close, notes)",
    openapi_extra={"requestBody": tmf.body_schema(
        schemas.ComplaintPatchIn, tmf.MERGE_PATCH_CONTENT_TYPE, tmf.JSON_CONTENT_TYPE)},
)
def patch_complaint(request: HttpRequest, id: str) -> HttpResponse:
    user = _user(request)
    complaint = complaint_for(user, id)
    _require_receiver(user)
    patch = tmf.read_merge_patch(request)
    tmf.refuse_attributes(patch, schemas.NOT_PATCHABLE,
                          why="not patchable (patch status, statusChangeReason or note)")
    body = tmf.validate_body(schemas.ComplaintPatchIn, patch)
    if "status" in patch and patch["status"] is None:
        raise _body_error("status: cannot be removed")
    known = {str(pk) for pk in complaint.events.values_list("pk", flat=True)}
    new_notes = [n for n in body.note or [] if n.id is None or n.id not in known]
    services.do_patch_complaint(
        now=clock.now(), actor=user, complaint=complaint, notes=[n.text for n in new_notes],
        status=body.status, reason=body.status_change_reason or "", audit_channel=Channel.API)
    return tmf.json_response(_document(request, complaint_for(user, id)))


@router.delete("/complaint/{id}", response={405: tmf.ErrorOut}, include_in_schema=False,
               summary="Complaints are not deleted")
def delete_complaint(request: HttpRequest, id: str) -> HttpResponse:
    raise tmf.method_not_allowed("DELETE", "a complaint is kept for the regulator; reply "
                                 "and close it with PATCH")
