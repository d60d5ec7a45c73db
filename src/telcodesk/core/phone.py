"""Phone numbers: stored normalised (E.164), shown masked unless a role allows more.

Parsing and validation are done by ``phonenumbers`` (Google's libphonenumber);
this module is the project's interface to it.
"""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "CN"
_MASK_HEAD = 3
_MASK_TAIL = 4


class InvalidPhoneNumber(ValueError):
    """A string that is not a dialable number."""


def normalize(raw: str, region: str = DEFAULT_REGION) -> str:
    """``"138 1234 5678"``, ``"+86-138..."``, ``"0351-7654321"`` → E.164 (``"+8613812345678"``)."""
    text = (raw or "").strip()
    if not text:
        raise InvalidPhoneNumber("empty phone number")
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(f"not a phone number: {raw!r}") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(f"not a valid phone number: {raw!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def national(e164: str) -> str:
    """E.164 → the digits a subscriber dials at home (``13812345678``, ``03517654321``)."""
    try:
        parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", text)


def is_mobile(e164: str) -> bool:
    parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    return phonenumbers.number_type(parsed) in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }


def mask(number: str) -> str:
    """``+8613812345678`` or ``13812345678`` → ``138****5678``."""
    digits = national(number) if number.startswith("+") else re.sub(r"\D", "", number)
    if len(digits) <= _MASK_HEAD + _MASK_TAIL:
        return "*" * len(digits)
    hidden = len(digits) - _MASK_HEAD - _MASK_TAIL
    return f"{digits[:_MASK_HEAD]}{'*' * hidden}{digits[-_MASK_TAIL:]}"


# Mainland mobile numbers, with or without +86, as they appear in free text.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")


def mask_in_text(text: str) -> str:
    """Mask every mobile number found in free text (log lines, exports)."""
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
