"""Errors of the care domain (one code enum for hotline and complaints)."""

from __future__ import annotations

from enum import StrEnum

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
