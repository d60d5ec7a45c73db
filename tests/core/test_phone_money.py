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


@pytest.mark.parametrize(("text", "expected"), [
    ("18162207570@189.cn", "181****7570@189.cn"),  # a number inside an e-mail address
    ("abc13812345678@qq.com", "abc138****5678@qq.com"),  # glued to letters
    ("固话 0351-7654321 断线", "固话 035****4321 断线"),  # a fixed line with its area code
    ("+86 351 7654321", "035****4321"),
    ("+863517654321", "035****4321"),
    ("回电 181 6220 7570。", "回电 181****7570。"),
    ("【演示电信】客户13935207570，宽带已修复", "【演示电信】客户139****7570，宽带已修复"),
])
def test_every_number_in_a_text_is_masked(text, expected):
    assert mask_in_text(text) == expected


@pytest.mark.parametrize("text", [
    "WO000000123", "PO-2026-000123", "C000000012", "2025-09-30T02:00:00Z", "10000",
    "https://telcodesk.example/tmf-api/troubleTicket/v4/troubleTicket/CP000000017",
    "GXB-20250930-001", "ty0351765432@adsl",
])
def test_codes_dates_and_short_numbers_are_left_alone(text):
    assert mask_in_text(text) == text


def test_what_a_viewer_may_see(db):
    from telcodesk.core.selectors import shown

    document = {"id": "C000000001", "email": "18162207570@189.cn",
                "notes": [{"text": "回电 0351-7654321"}], "count": 3}
    assert shown(None, document) == {"id": "C000000001", "email": "181****7570@189.cn",
                                     "notes": [{"text": "回电 035****4321"}], "count": 3}
    assert shown(None, document, full=True) == document
