"""Errors of the service standards (one code enum for the quality domain)."""

from __future__ import annotations

from enum import StrEnum

from telcodesk.core.errors import DomainError


class QualityErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    OVERLAP = "overlap"
    FORBIDDEN = "forbidden"


class QualityError(DomainError):
    def __init__(self, code: QualityErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = {QualityErrorCode.NOT_FOUND: 404,
                            QualityErrorCode.OVERLAP: 409,
                            QualityErrorCode.FORBIDDEN: 403}.get(code, 400)
