"""Errors of the SLA engine and its service standards (one code enum for the domain)."""

from __future__ import annotations

from enum import StrEnum

from telcodesk.core.errors import DomainError


class SlaErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ILLEGAL_STATE = "illegal_state"
    REASON_REQUIRED = "reason_required"
    OVERLAP = "overlap"


class SlaError(DomainError):
    def __init__(self, code: SlaErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = {SlaErrorCode.NOT_FOUND: 404,
                            SlaErrorCode.ILLEGAL_STATE: 409,
                            SlaErrorCode.OVERLAP: 409}.get(code, 400)
