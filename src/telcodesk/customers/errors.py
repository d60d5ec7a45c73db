"""Errors of the customers app (one code enum for the domain)."""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from telcodesk.core.errors import DomainError


class CustomerErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "customer_not_found"
    FORBIDDEN = "forbidden"
    ILLEGAL_TRANSITION = "illegal_status_transition"
    CONFLICT = "conflict"


class CustomerError(DomainError):
    def __init__(self, code: CustomerErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = {
            CustomerErrorCode.NOT_FOUND: 404,
            CustomerErrorCode.FORBIDDEN: 403,
            CustomerErrorCode.ILLEGAL_TRANSITION: 409,
            CustomerErrorCode.CONFLICT: 409,
        }.get(code, 400)


class CustomerNotFound(CustomerError, Http404):
    """No such customer, or one outside the viewer's branch subtree (the same answer)."""

    def __init__(self, code: str) -> None:
        super().__init__(CustomerErrorCode.NOT_FOUND, f"no customer {code!r}")
