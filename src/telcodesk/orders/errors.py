"""Errors of the orders app: one code per kind of refusal."""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from telcodesk.core.errors import DomainError


class OrdersErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    ILLEGAL_TRANSITION = "illegal_transition"
    REASON_REQUIRED = "reason_required"
    CONFIRMATION_EXPIRED = "confirmation_expired"
    NOT_AWAITING_CONFIRMATION = "not_awaiting_confirmation"
    CHECKLIST_ORDER = "checklist_order"
    CONFLICT = "conflict"


_STATUS = {
    OrdersErrorCode.NOT_FOUND: 404,
    OrdersErrorCode.FORBIDDEN: 403,
    OrdersErrorCode.ILLEGAL_TRANSITION: 409,
    OrdersErrorCode.CONFIRMATION_EXPIRED: 409,
    OrdersErrorCode.NOT_AWAITING_CONFIRMATION: 409,
    OrdersErrorCode.CHECKLIST_ORDER: 409,
    OrdersErrorCode.CONFLICT: 409,
}


class OrdersError(DomainError):
    def __init__(self, code: OrdersErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = _STATUS.get(code, 400)


class RecordNotFound(OrdersError, Http404):
    """No such order or work order, or one outside the viewer's branch (the same answer)."""

    def __init__(self, what: str, code: str) -> None:
        super().__init__(OrdersErrorCode.NOT_FOUND, f"no {what} {code!r}")


class OpenRepairExists(OrdersError):
    """The line already has a repair being worked on: one open repair per line.

    TMF621 answers 409 with the open ticket's number (``existing``), so the
    caller adds a note there instead of opening a second ticket.
    """

    def __init__(self, existing: str) -> None:
        super().__init__(OrdersErrorCode.CONFLICT,
                         f"a fault on this line is already being repaired: {existing}")
        self.existing = existing
