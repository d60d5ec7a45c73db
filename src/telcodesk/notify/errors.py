"""Errors of the notify app, with one code enum (``NotifyErrorCode``)."""

from __future__ import annotations

from enum import StrEnum

from telcodesk.core.errors import DomainError


class NotifyErrorCode(StrEnum):
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_LANGUAGE = "unknown_language"
    UNKNOWN_PLACEHOLDER = "unknown_placeholder"
    BAD_TEMPLATE = "bad_template"
    MISSING_CONTEXT = "missing_context"
    INVALID_RECIPIENT = "invalid_recipient"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    NOT_RESENDABLE = "not_resendable"
    NOT_CANCELLABLE = "not_cancellable"
    DELETED = "deleted"
    FORBIDDEN = "forbidden"
    BAD_TRANSPORT_URL = "bad_transport_url"


_STATUS = {
    NotifyErrorCode.NOT_FOUND: 404,
    NotifyErrorCode.FORBIDDEN: 403,
    NotifyErrorCode.NOT_RESENDABLE: 409,
    NotifyErrorCode.NOT_CANCELLABLE: 409,
    NotifyErrorCode.DELETED: 409,
}


class NotifyError(DomainError):
    def __init__(self, code: NotifyErrorCode, message: str) -> None:
        super().__init__(code, message)
        self.http_status = _STATUS.get(code, 400)
