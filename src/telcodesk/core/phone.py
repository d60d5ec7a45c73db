"""Phone numbers: stored normalised (E.164), shown masked unless a role allows more.

Parsing and validation are done by ``phonenumbers`` (Google's libphonenumber);
this module is the project's interface to it.
"""

from __future__ import annotations

import functools
import re

import phonenumbers

DEFAULT_REGION = "CN"
_MASK_HEAD = 3
_MASK_TAIL = 4
# ``national`` and ``is_mobile`` parse with libphonenumber (50–100 µs a number) and are
# pure: every list page shows each row's number through them (masked or in full), and a
# queue is polled every minute, so their answers are kept per process, up to this many.
_CACHED_NUMBERS = 20_000


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


@functools.lru_cache(maxsize=_CACHED_NUMBERS)
def national(e164: str) -> str:
    """E.164 → the digits a subscriber dials at home (``13812345678``, ``03517654321``)."""
    try:
        parsed = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return re.sub(r"\D", "", text)


@functools.lru_cache(maxsize=_CACHED_NUMBERS)
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


_NUMBER_LIKE = re.compile(r"^\+?\d+$")


def mask_identifier(value: str) -> str:
    """Keep the first three and last four characters: ``ty0351xxx@adsl`` → ``ty0*******adsl``."""
    if len(value) <= 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def shown_number(number: str, *, full: bool) -> str:
    """A line's number as a viewer sees it, in full (``full``) or masked.

    Phone numbers (E.164 or digits) show as dialled at home (``13812345678``) or
    masked (``138****5678``); other identifiers, such as a broadband access
    account, keep their first three and last four characters when masked.
    """
    if not number:
        return ""
    is_phone = bool(_NUMBER_LIKE.match(number))
    if not full:
        return mask(number) if is_phone else mask_identifier(number)
    if number.startswith("+"):
        return national(number)
    return number


# Mainland mobile numbers, with or without +86, as they appear in free text, also
# glued to letters (``abc13812345678@189.cn``), which the matcher below leaves alone.
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
# A number written in full starts with +, 00, 86, the trunk prefix 0 (fixed lines with
# their area code) or 1 (mobiles); a bare local number (``2026-000123``) is not one.
_FULL_NUMBER_START = re.compile(r"^(?:\+|0|1|86)")
# Text without seven digits in a row, or a group of three and one of four side by side
# (``181 6220``, ``0351-765 4321``), holds no number written in full: a cheap first pass
# that spares the matcher every date and time.
_CANDIDATE = re.compile(r"\d{7}|\d{3}[- ]\d{4}|\d{4}[- ]\d{3}")


def mask_in_text(text: str) -> str:
    """Mask every subscriber number found in free text: mobiles and fixed lines
    (``0351-7654321``, ``+86 351 7654321``), also inside e-mail addresses and SMS texts.

    Numbers are found by libphonenumber's matcher (any dialable form the operator's
    region knows) and then by a plain pattern for mobiles glued to letters.
    """
    if not text or not _CANDIDATE.search(text):
        return text
    pieces: list[str] = []
    last = 0
    for match in phonenumbers.PhoneNumberMatcher(text, DEFAULT_REGION,
                                                 leniency=phonenumbers.Leniency.VALID):
        raw = match.raw_string
        if not _FULL_NUMBER_START.match(raw):
            continue
        national_digits = phonenumbers.national_significant_number(match.number)
        if phonenumbers.number_type(match.number) != phonenumbers.PhoneNumberType.MOBILE:
            national_digits = "0" + national_digits  # fixed lines are dialled with their 0
        pieces.append(text[last:match.start])
        pieces.append(mask(national_digits))
        last = match.end
    pieces.append(text[last:])
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", "".join(pieces))
