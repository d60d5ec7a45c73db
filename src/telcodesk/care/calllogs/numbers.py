"""Caller numbers as logged → what the hotline call stores (E.164 when valid)."""

from __future__ import annotations

import re

import phonenumbers

from telcodesk.core import phone

CALLER_MAX = 32
_CACHED = 200_000

# Mainland mobile and fixed-line numbers are checked against libphonenumber's own
# patterns (the answer ``phone.normalize`` gives, at a fraction of its cost: a
# hotline log holds millions of numbers); everything else goes through it.
_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")


def _pattern(desc: phonenumbers.PhoneNumberDesc | None) -> re.Pattern[str] | None:
    text = desc.national_number_pattern if desc is not None else None
    return re.compile(text) if text else None


_CN_MOBILE = _pattern(_CN.mobile if _CN else None)
_CN_FIXED = _pattern(_CN.fixed_line if _CN else None)
_NOT_DIGITS = re.compile(r"\D")


def normalise_caller(raw: str) -> str:
    """A caller number as logged → E.164 when it is a valid number (region CN), else
    its digits (a leading ``+`` kept, at most 32 characters); blank for none."""
    if len(raw) == 11 and raw.isdigit():  # what most logs hold: a national mobile number
        if raw[0] == "1" and _CN_MOBILE is not None and _CN_MOBILE.fullmatch(raw):
            return f"+86{raw}"
        if raw[0] == "0" and _CN_FIXED is not None and _CN_FIXED.fullmatch(raw, 1):
            return f"+86{raw[1:]}"
    text = raw.strip()
    if not text:
        return ""
    plus = text.startswith("+")
    digits = _NOT_DIGITS.sub("", text)
    if not digits:
        return ""
    if plus and digits.startswith("86"):
        national = digits[2:]
    elif digits.startswith("0086"):
        national = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        national = digits[2:]
    else:
        national = ""
    if national or not plus:
        candidate = national or digits
        if (candidate.startswith("1") and len(candidate) == 11 and _CN_MOBILE is not None
                and _CN_MOBILE.fullmatch(candidate)):
            return f"+86{candidate}"
        if (not national and candidate.startswith("0") and _CN_FIXED is not None
                and _CN_FIXED.fullmatch(candidate, 1)):
            return f"+86{candidate[1:]}"
    try:
        return phone.normalize(f"+{digits}" if plus else digits)
    except phone.InvalidPhoneNumber:
        return (f"+{digits}" if plus else digits)[:CALLER_MAX]


class CallerNumbers:
    """``normalise_caller`` with a bounded cache (callers call again)."""

    def __init__(self) -> None:
        self._known: dict[str, str] = {}

    def __call__(self, raw: str) -> str:
        found = self._known.get(raw)
        if found is None:
            if len(self._known) >= _CACHED:
                self._known.clear()
            found = self._known[raw] = normalise_caller(raw)
        return found
