"""TMF629 Customer Management v4: ``/tmf-api/customerManagement/v4/customer``.

Thin endpoints: read the request with ``core.tmf``, ask the selectors, write
through the services, answer in the TMF shape built by ``schemas``.
See ``docs/api.md`` for the contract.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router

from telcodesk.core import clock, phone, tmf
from telcodesk.core.models import Channel, User
from telcodesk.core.permissions import may_see_full_numbers
from telcodesk.customers import schemas
from telcodesk.customers.models import Customer, CustomerStatus, Tier
from telcodesk.customers.permissions import may_edit_customers
from telcodesk.customers.schemas import (
    CustomerCreateIn,
    CustomerOut,
    CustomerPatchIn,
)
from telcodesk.customers.selectors import (
    customer_for,
    customer_unit_for,
    customers_listed_for,
)
from telcodesk.customers.services import do_create_customer, do_update_customer

# Mounted by ``telcodesk.api`` under ``/tmf-api/``.
BASE_PATH = "customerManagement/v4/"
COLLECTION_URL_NAME = "customer-collection"

router = Router(tags=["customer"])

_UNIT_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


def _unit_subtree(code: str) -> Q:
    # Paths are materialised codes (``/op/sx/ty/``): a unit's subtree contains "/code/".
    return Q(org_unit__path__contains=f"/{code}/")


def _unit_code(raw: str) -> str:
    if not _UNIT_CODE.match(raw):
        raise ValueError("not an org unit code")
    return raw


def _phone(raw: str) -> str:
    return phone.normalize(raw)


CUSTOMER_FILTERS = tmf.FilterSet({
    "id": tmf.Filter("code", many=True, description="Customer number(s), comma-separated"),
    "name": tmf.Filter("name", description="Exact name"),
    "name.contains": tmf.Filter("name__icontains",
                                description="Name contains (case-insensitive)"),
    "status": tmf.Filter("status", parse=tmf.choice(*CustomerStatus.values), many=True,
                         description="active, suspended, closed; comma-separated for any"),
    "statusReason": tmf.Filter("status_reason", description="Exact status reason"),
    "engagedParty.id": tmf.Filter("code", description="Same as id"),
    "engagedParty.name": tmf.Filter("name", description="Same as name"),
    "engagedParty.@referredType": tmf.Filter(
        "party_type", parse=tmf.choice(*schemas.REFERRED_TYPES, mapping=schemas.REFERRED_TYPES),
        description="Individual or Organization"),
    "contactMedium.phoneNumber": tmf.Filter(
        "contact_phone", parse=_phone, description="Contact phone in any dialable form"),
    "characteristic.tier": tmf.Filter("tier", parse=tmf.choice(*Tier.values), many=True,
                                      description="ordinary, silver, gold, diamond"),
    "characteristic.orgUnit": tmf.Filter(_unit_subtree, parse=_unit_code,
                                         description="Branch code: customers of it and below"),
    "characteristic.partyType": tmf.Filter(
        "party_type", parse=tmf.choice(*schemas.PARTY_TYPES),
        description="individual or enterprise"),
    "validFor.startDateTime.gte": tmf.Filter(
        "active_from__gte", parse=tmf.parse_datetime, description="Customer since, at or after"),
    "validFor.startDateTime.lt": tmf.Filter(
        "active_from__lt", parse=tmf.parse_datetime, description="Customer since, before"),
})

ERRORS: dict[int, Any] = {code: tmf.ErrorOut for code in (400, 401, 403, 404, 405, 409, 415)}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # guaranteed by the API's authentication
    return user


def _base(request: HttpRequest) -> str:
    return tmf.href_base(request, reverse(f"tmf:{COLLECTION_URL_NAME}"))


def _document(request: HttpRequest, customer: Customer) -> dict[str, Any]:
    return schemas.customer_document(customer, base=_base(request),
                                     full_numbers=may_see_full_numbers(_user(request)))


def _require_editor(user: User) -> None:
    if not may_edit_customers(user):
        raise PermissionDenied("your role may read customers but not change them")


def _body_error(message: str) -> tmf.TmfError:
    return tmf.TmfError(tmf.TmfErrorCode.INVALID_BODY, message)


@router.get(
    "/customer", response={200: list[CustomerOut], **ERRORS}, by_alias=True,
    url_name=COLLECTION_URL_NAME, summary="List or find Customer objects",
    openapi_extra={"parameters": CUSTOMER_FILTERS.openapi_parameters()},
)
def list_customers(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    customers = customers_listed_for(user)
    base, full = _base(request), may_see_full_numbers(user)
    return tmf.list_response(
        request, customers, filters=CUSTOMER_FILTERS, attributes=schemas.CUSTOMER_ATTRIBUTES,
        render=lambda c: schemas.customer_document(c, base=base, full_numbers=full))


@router.get(
    "/customer/{id}", response={200: CustomerOut, **ERRORS}, by_alias=True,
    url_name="customer-item", summary="Retrieve a Customer by its customer number",
    openapi_extra={"parameters": [tmf.FIELDS_PARAMETER]},
)
def retrieve_customer(request: HttpRequest, id: str) -> HttpResponse:
    fields = tmf.item_fields(request, schemas.CUSTOMER_ATTRIBUTES)
    customer = customer_for(_user(request), id)
    return tmf.item_response(_document(request, customer), fields)


@router.post(
    "/customer", response={201: CustomerOut, **ERRORS}, by_alias=True,
    summary="Create a Customer",
    openapi_extra={"requestBody": tmf.body_schema(CustomerCreateIn)},
)
def create_customer(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _require_editor(user)
    body = tmf.validate_body(CustomerCreateIn, tmf.read_json_object(request))
    try:
        contact = schemas.contact_fields(body.contact_medium or [])
        traits = schemas.characteristic_values(body.characteristic or [])
    except ValueError as exc:
        raise _body_error(str(exc)) from None
    party_type = schemas.REFERRED_TYPES[body.engaged_party.referred_type]
    if traits.get(schemas.PARTY_TYPE, party_type) != party_type:
        raise _body_error("characteristic partyType must agree with engagedParty.@referredType")
    if body.status not in (None, CustomerStatus.ACTIVE):
        raise _body_error("status: a new customer is active; change the status afterwards")
    if body.valid_for is not None and body.valid_for.end is not None:
        raise _body_error("validFor.endDateTime: a customer ends by PATCHing status to closed")

    if schemas.ORG_UNIT in traits:
        unit = customer_unit_for(user, traits[schemas.ORG_UNIT])
        if unit is None:
            raise _body_error(f"characteristic orgUnit: unknown org unit "
                              f"{traits[schemas.ORG_UNIT]!r} (or outside your branch)")
    elif user.org_unit is not None:
        unit = user.org_unit
    else:
        raise _body_error("characteristic orgUnit is required: the branch that owns the customer")

    customer = do_create_customer(
        now=clock.now(), actor=user, channel=Channel.API,
        name=body.name, party_type=party_type, org_unit=unit,
        tier=traits.get(schemas.TIER, Tier.ORDINARY), status_reason=body.status_reason or "",
        active_from=body.valid_for.start if body.valid_for else None,
        **contact,
    )
    return tmf.created_response(_document(request, customer))


@router.patch(
    "/customer/{id}", response={200: CustomerOut, **ERRORS}, by_alias=True,
    summary="Update a Customer with a JSON merge patch",
    openapi_extra={"requestBody": tmf.body_schema(
        CustomerPatchIn, tmf.MERGE_PATCH_CONTENT_TYPE, tmf.JSON_CONTENT_TYPE)},
)
def patch_customer(request: HttpRequest, id: str) -> HttpResponse:
    user = _user(request)
    customer = customer_for(user, id)
    _require_editor(user)
    patch = tmf.read_merge_patch(request)
    tmf.refuse_attributes(patch, schemas.NOT_PATCHABLE, why="not patchable")
    body = tmf.validate_body(CustomerPatchIn, patch)

    changes: dict[str, Any] = {}
    for attribute, key in (("name", "name"), ("status", "status")):
        if attribute in patch:
            if patch[attribute] is None:
                raise _body_error(f"{attribute}: cannot be removed")
            changes[key] = patch[attribute]
    if "statusReason" in patch:
        changes["status_reason"] = body.status_reason or ""
    try:
        if "contactMedium" in patch:  # an array replaces the customer's contact media
            changes.update(schemas.contact_fields(body.contact_medium or []))
        if "characteristic" in patch:
            if body.characteristic is None:
                raise ValueError("characteristic: cannot be removed")
            traits = schemas.characteristic_values(body.characteristic)
            fixed = {schemas.ORG_UNIT: customer.org_unit.code,
                     schemas.PARTY_TYPE: customer.party_type}
            for name, current in fixed.items():
                if name in traits and traits[name] != current:
                    raise ValueError(f"characteristic {name}: cannot be changed")
            if schemas.TIER in traits:
                changes["tier"] = traits[schemas.TIER]
    except ValueError as exc:
        raise _body_error(str(exc)) from None
    if "status" in changes and changes["status"] not in CustomerStatus.values:
        raise _body_error(f"status: {changes['status']!r} is not one of "
                          f"{', '.join(CustomerStatus.values)}")

    if changes:
        customer = do_update_customer(now=clock.now(), actor=user, channel=Channel.API,
                                      customer=customer, changes=changes)
    return tmf.json_response(_document(request, customer))


@router.delete(
    "/customer/{id}", response={405: tmf.ErrorOut}, include_in_schema=False,
    summary="Customers are not deleted",
)
def delete_customer(request: HttpRequest, id: str) -> HttpResponse:
    raise tmf.method_not_allowed("DELETE", "customers are closed with "
                                 "PATCH {\"status\": \"closed\"}, never deleted")
