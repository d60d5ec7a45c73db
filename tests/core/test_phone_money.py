"""Numbers are stored normalised and shown masked; money never touches float."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from telcodesk.core.logging import MaskPhoneNumbersFilter
from telcodesk.core.money import format_yuan, yuan_to_fen
from telcodesk.core.phone import InvalidPhoneNumber, mask, mask_in_text, national, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("+86-138-1234-5678", "+8613812345678"),
        ("0351-7654321", "+863517654321"),
        ("(0351) 765 4321", "+863517654321"),
    ],
)
def test_numbers_are_normalised_to_e164(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["", "12345", "abc", "1381234567890"])
def test_invalid_numbers_are_refused(raw):
    with pytest.raises(InvalidPhoneNumber):
        normalize(raw)


def test_masking_keeps_head_and_tail():
    assert mask("+8613812345678") == "138****5678"
    assert mask("13812345678") == "138****5678"
    assert national("+863517654321") == "03517654321"
    assert mask("+863517654321") == "035****4321"


def test_numbers_in_log_lines_are_masked():
    record = logging.LogRecord("x", logging.INFO, __file__, 1,
                               "customer %s called from +86 138 1234 5678", ("13987654321",),
                               None)
    MaskPhoneNumbersFilter().filter(record)
    assert record.getMessage() == "customer 139****4321 called from 138****5678"
    assert mask_in_text("order 2025093012345678901") == "order 2025093012345678901"


def test_money_is_integer_fen():
    assert yuan_to_fen("58") == 5800
    assert yuan_to_fen("58.5") == 5850
    assert yuan_to_fen(Decimal("0.01")) == 1
    assert format_yuan(123456) == "¥1,234.56"
    with pytest.raises(ValueError, match="fractions of a fen"):
        yuan_to_fen("1.005")
    with pytest.raises(ValueError, match="not an amount"):
        yuan_to_fen("abc")
