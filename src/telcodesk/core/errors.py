"""Errors raised by core services, with a code per kind (one enum per domain)."""

from __future__ import annotations

from enum import StrEnum


class CoreErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    FORBIDDEN = "forbidden"
    CALENDAR_NOT_COVERED = "calendar_not_covered"


class DomainError(Exception):
    """Base of every domain error: a code and a message fit to show a user.

    The API maps these to the TMF ``Error`` body, pages to form errors and the
    CLI to one line on stderr with a non-zero exit.
    """

    http_status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message


class CoreError(DomainError):
    def __init__(self, code: CoreErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = {
            CoreErrorCode.NOT_FOUND: 404,
            CoreErrorCode.CONFLICT: 409,
            CoreErrorCode.FORBIDDEN: 403,
        }.get(code, 400)
