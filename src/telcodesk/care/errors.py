"""Errors of the care domain (one code enum for hotline and complaints; the TMF683
contact lookups answer "not found" with ``ContactNotFound``, a 404)."""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from telcodesk.core.errors import DomainError


class CareErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    ILLEGAL_STATE = "illegal_state"
    CONFLICT = "conflict"
    UNREADABLE = "unreadable"


class CareError(DomainError):
    def __init__(self, code: CareErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = {CareErrorCode.NOT_FOUND: 404,
                            CareErrorCode.FORBIDDEN: 403,
                            CareErrorCode.ILLEGAL_STATE: 409,
                            CareErrorCode.CONFLICT: 409}.get(code, 400)


class ContactNotFound(Http404):
    """A hotline call or recorded interaction the user may not see or that does not exist."""
