"""TMF629 Customer shapes: request bodies, the documented response, and the mapping.

A telcodesk customer is both the TMF ``Customer`` (party role) and its engaged
party: ``engagedParty.id`` is the customer number, like ``id``. Telcodesk
attributes without a TMF home travel as ``characteristic`` entries.

| TMF attribute                           | telcodesk                                |
|-----------------------------------------|------------------------------------------|
| ``id``, ``engagedParty.id``             | customer number (``C000000123``)         |
| ``name``, ``engagedParty.name``         | name                                     |
| ``engagedParty.@referredType``          | party type: Individual / Organization    |
| ``status``                              | ``active`` / ``suspended`` / ``closed``  |
| ``statusReason``                        | status reason                            |
| ``validFor``                            | customer since / until                   |
| ``account[]``                           | billing accounts (id = account number)   |
| ``contactMedium[]`` mobile/phone        | contact phone (E.164 in, masked out)     |
| ``contactMedium[]`` email               | email                                    |
| ``contactMedium[]`` postalAddress       | address (``characteristic.street1``)     |
| ``characteristic[]`` tier               | ordinary / silver / gold / diamond       |
| ``characteristic[]`` orgUnit            | owning branch code                       |
| ``characteristic[]`` partyType          | individual / enterprise (read-only)      |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, Field

from telcodesk.core import phone, tmf
from telcodesk.customers.models import Customer, PartyType
from telcodesk.customers.selectors import accounts_of

CUSTOMER_TYPE = "Customer"

# Party types as TMF names them (engagedParty.@referredType) and as telcodesk stores them.
REFERRED_TYPES: dict[str, str] = {"Individual": PartyType.INDIVIDUAL,
                                  "Organization": PartyType.ENTERPRISE}
PARTY_TYPES: dict[str, str] = {stored: referred for referred, stored in REFERRED_TYPES.items()}

PHONE_MEDIUM_TYPES = ("mobile", "phone", "telephone")
EMAIL_MEDIUM_TYPE = "email"
POSTAL_MEDIUM_TYPE = "postalAddress"
MEDIUM_TYPES = (*PHONE_MEDIUM_TYPES, EMAIL_MEDIUM_TYPE, POSTAL_MEDIUM_TYPE)

TIER = "tier"
ORG_UNIT = "orgUnit"
PARTY_TYPE = "partyType"
CHARACTERISTICS = (TIER, ORG_UNIT, PARTY_TYPE)

# First-level attributes a Customer carries (for ``fields=``).
CUSTOMER_ATTRIBUTES = (
    "id", "href", "@type", "name", "status", "statusReason", "validFor", "engagedParty",
    "account", "contactMedium", "characteristic",
)
# Attributes a PATCH may not touch, and why.
NOT_PATCHABLE = ("id", "href", "engagedParty", "validFor", "account")


class _In(tmf.TmfIn):
    """A request body (unknown attributes refused, enumerations in any letter case)."""


# --- request bodies ------------------------------------------------------------------


class RelatedPartyIn(_In):
    id: str | None = None
    href: str | None = None
    name: str | None = None
    role: str | None = None
    referred_type: Literal["Individual", "Organization"] = Field(alias="@referredType")
    type: str | None = Field(default=None, alias="@type")


class MediumCharacteristicIn(_In):
    phone_number: str | None = Field(default=None, alias="phoneNumber")
    email_address: str | None = Field(default=None, alias="emailAddress")
    street1: str | None = None
    contact_type: str | None = Field(default=None, alias="contactType")
    type: str | None = Field(default=None, alias="@type")


class ContactMediumIn(_In):
    medium_type: Literal["mobile", "phone", "telephone", "email", "postalAddress"] = Field(
        alias="mediumType")
    preferred: bool | None = None
    characteristic: MediumCharacteristicIn
    type: str | None = Field(default=None, alias="@type")


class CharacteristicIn(_In):
    id: str | None = None
    name: str
    value: Any
    value_type: str | None = Field(default=None, alias="valueType")
    type: str | None = Field(default=None, alias="@type")


class TimePeriodIn(_In):
    start: AwareDatetime | None = Field(default=None, alias="startDateTime")
    end: AwareDatetime | None = Field(default=None, alias="endDateTime")


class CustomerCreateIn(_In):
    """``Customer_Create`` as telcodesk accepts it; other attributes are refused."""

    name: str
    engaged_party: RelatedPartyIn = Field(alias="engagedParty")
    status: str | None = None
    status_reason: str | None = Field(default=None, alias="statusReason")
    contact_medium: list[ContactMediumIn] | None = Field(default=None, alias="contactMedium")
    characteristic: list[CharacteristicIn] | None = None
    valid_for: TimePeriodIn | None = Field(default=None, alias="validFor")
    type: Literal["Customer"] | None = Field(default=None, alias="@type")
    base_type: str | None = Field(default=None, alias="@baseType")
    schema_location: str | None = Field(default=None, alias="@schemaLocation")


class CustomerPatchIn(_In):
    """The attributes a merge patch may carry (``null`` removes an optional one)."""

    name: str | None = None
    status: str | None = None
    status_reason: str | None = Field(default=None, alias="statusReason")
    contact_medium: list[ContactMediumIn] | None = Field(default=None, alias="contactMedium")
    characteristic: list[CharacteristicIn] | None = None
    type: Literal["Customer"] | None = Field(default=None, alias="@type")


# --- response (documentation of the representation) --------------------------------------


class TimePeriodOut(BaseModel):
    startDateTime: dt.datetime | None = None
    endDateTime: dt.datetime | None = None


class RelatedPartyOut(BaseModel):
    id: str
    name: str | None = None
    role: str | None = None
    referredType: str = Field(alias="@referredType")


class AccountRefOut(BaseModel):
    id: str
    name: str
    referredType: str = Field(alias="@referredType")


class MediumCharacteristicOut(BaseModel):
    phoneNumber: str | None = None
    contactType: str | None = None
    emailAddress: str | None = None
    street1: str | None = None


class ContactMediumOut(BaseModel):
    mediumType: str
    preferred: bool | None = None
    characteristic: MediumCharacteristicOut


class CharacteristicOut(BaseModel):
    name: str
    valueType: str
    value: str


class CustomerOut(BaseModel):
    """A TMF629 ``Customer`` as telcodesk serves it (absent values are left out)."""

    id: str
    href: str
    type: str = Field(alias="@type")
    name: str
    status: str
    statusReason: str | None = None
    validFor: TimePeriodOut
    engagedParty: RelatedPartyOut
    account: list[AccountRefOut] = []
    contactMedium: list[ContactMediumOut] = []
    characteristic: list[CharacteristicOut] = []


# --- mapping -----------------------------------------------------------------------------------


def customer_document(customer: Customer, *, base: str, full_numbers: bool) -> dict[str, Any]:
    """The TMF629 representation of ``customer``.

    ``base`` is the absolute collection URL (``tmf.href_base``). The contact
    phone is masked unless ``full_numbers``. Accounts come from
    ``selectors.accounts_of``: prefetch them for lists (``customers_listed_for``).
    """
    accounts = [
        {"id": account.number, "name": account.name, "@referredType": "BillingAccount"}
        for account in accounts_of(customer)
    ]
    return tmf.drop_empty({
        "id": customer.code,
        "href": tmf.resource_href(base, customer.code),
        "@type": CUSTOMER_TYPE,
        "name": customer.name,
        "status": customer.status,
        "statusReason": customer.status_reason,
        "validFor": tmf.time_period(customer.active_from, customer.active_to),
        "engagedParty": {
            "id": customer.code,
            "name": customer.name,
            "role": "customer",
            "@referredType": PARTY_TYPES.get(customer.party_type, "Individual"),
        },
        "account": accounts,
        "contactMedium": contact_media(customer, full_numbers=full_numbers),
        "characteristic": [
            {"name": TIER, "valueType": "string", "value": customer.tier},
            {"name": ORG_UNIT, "valueType": "string", "value": customer.org_unit.code},
            {"name": PARTY_TYPE, "valueType": "string", "value": customer.party_type},
        ],
    })


def contact_media(customer: Customer, *, full_numbers: bool) -> list[dict[str, Any]]:
    media: list[dict[str, Any]] = []
    if customer.contact_phone:
        mobile = _is_mobile(customer.contact_phone)
        media.append({
            "mediumType": "mobile" if mobile else "phone",
            "preferred": True,
            "characteristic": {
                "contactType": "mobile" if mobile else "fixed",
                "phoneNumber": customer.contact_phone if full_numbers
                else phone.mask(customer.contact_phone),
            },
        })
    if customer.email:
        media.append({"mediumType": EMAIL_MEDIUM_TYPE, "preferred": not media,
                      "characteristic": {"emailAddress": customer.email}})
    if customer.address:
        media.append({"mediumType": POSTAL_MEDIUM_TYPE, "preferred": False,
                      "characteristic": {"street1": customer.address}})
    return media


def _is_mobile(number: str) -> bool:
    try:
        return phone.is_mobile(number)
    except Exception:  # a legacy value that is not E.164
        return False


def contact_fields(media: Iterable[ContactMediumIn]) -> dict[str, str]:
    """``contactMedium`` → ``contact_phone``, ``email``, ``address`` (each at most once).

    A medium type absent from the list maps to "" (arrays replace as a whole).
    The phone is returned as given; the service normalises it to E.164.
    """
    fields = {"contact_phone": "", "email": "", "address": ""}
    seen: set[str] = set()
    for index, medium in enumerate(media):
        where = f"contactMedium.{index}"
        values = medium.characteristic
        if medium.medium_type in PHONE_MEDIUM_TYPES:
            key, value, needs = "contact_phone", values.phone_number, "phoneNumber"
        elif medium.medium_type == EMAIL_MEDIUM_TYPE:
            key, value, needs = "email", values.email_address, "emailAddress"
        else:
            key, value, needs = "address", values.street1, "street1"
        if not (value or "").strip():
            raise ValueError(f"{where}.characteristic.{needs}: required for {medium.medium_type}")
        if key in seen:
            raise ValueError(f"{where}: telcodesk keeps one {key.replace('_', ' ')} per customer")
        seen.add(key)
        fields[key] = value or ""
    return fields


def characteristic_values(items: Iterable[CharacteristicIn]) -> dict[str, str]:
    """``characteristic`` → ``{name: value}`` for the known names; others are refused."""
    values: dict[str, str] = {}
    for index, item in enumerate(items):
        if item.name not in CHARACTERISTICS:
            raise ValueError(f"characteristic.{index}.name: unknown characteristic "
                             f"{item.name!r}; known: {', '.join(CHARACTERISTICS)}")
        if not isinstance(item.value, str):
            raise ValueError(f"characteristic.{index}.value: {item.name} takes a string value")
        if item.name in values:
            raise ValueError(f"characteristic.{index}: {item.name} given twice")
        values[item.name] = item.value
    return values
