"""SMS length as the SMS centre counts it, and the payloads the SMPP transport sends."""

from __future__ import annotations

import pytest

from telcodesk.notify.encoding import (
    DATA_CODING_GSM7,
    DATA_CODING_UCS2,
    ESM_CLASS_UDHI,
    MessageTooLong,
    decode_gsm7,
    decode_segment,
    encode_gsm7,
    sms_length,
    split_for_smpp,
)


def reassemble(text: str, **kwargs) -> str:
    return "".join(
        decode_segment(data_coding=s.data_coding, esm_class=s.esm_class,
                       short_message=s.short_message).text
        for s in split_for_smpp(text, reference=1, **kwargs))


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "gsm7", 0, 0),
    ("Your repair order 12 is done.", "gsm7", 29, 1),
    ("a" * 160, "gsm7", 160, 1),
    ("a" * 161, "gsm7", 161, 2),
    ("a" * 306, "gsm7", 306, 2),
    ("a" * 307, "gsm7", 307, 3),
    ("€" * 80, "gsm7", 160, 1),  # the euro sign costs two septets
    ("€" * 81, "gsm7", 162, 2),
    ("@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", "gsm7", 42, 1),
    ("您好", "ucs2", 2, 1),
    ("话" * 70, "ucs2", 70, 1),
    ("话" * 71, "ucs2", 71, 2),
    ("话" * 134, "ucs2", 134, 2),
    ("话" * 135, "ucs2", 135, 3),
    ("ok 😀", "ucs2", 5, 1),  # an emoji is two UTF-16 code units
    ("`", "ucs2", 1, 1),  # the backtick is not in the GSM alphabet
])
def test_length_and_segments(text, encoding, units, segments):
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)


def test_describe_shows_length_and_sms_count():
    assert sms_length("a" * 161).describe() == "161 septets (GSM 7-bit), 2 SMS"
    assert sms_length("您好").describe() == "2 characters (UCS-2), 1 SMS"


def test_an_escape_sequence_is_never_split_across_parts():
    text = "a" * 152 + "€" + "b" * 10  # the euro would straddle septets 153/154
    segments = split_for_smpp(text, reference=9)
    assert len(segments) == 2
    first = segments[0].short_message[6:]
    assert first == encode_gsm7("a" * 152)  # the escape moved to the second part
    assert reassemble(text) == text
    assert sms_length(text).segments == 2


def test_a_surrogate_pair_is_never_split_across_parts():
    text = "话" * 66 + "😀" + "话" * 5
    segments = split_for_smpp(text, reference=3)
    assert [len(s.short_message) - 6 for s in segments] == [66 * 2, 7 * 2]
    assert reassemble(text) == text


def test_udh_concatenation_headers():
    segments = split_for_smpp("话" * 140, reference=0x1F3)
    assert [s.short_message[:6] for s in segments] == [
        bytes([5, 0, 3, 0xF3, 3, n]) for n in (1, 2, 3)]
    assert {s.data_coding for s in segments} == {DATA_CODING_UCS2}
    assert {s.esm_class for s in segments} == {ESM_CLASS_UDHI}
    assert [(s.reference, s.total, s.seqnum) for s in segments] == [
        (0xF3, 3, 1), (0xF3, 3, 2), (0xF3, 3, 3)]


def test_sar_concatenation_carries_no_header():
    segments = split_for_smpp("x" * 200, reference=0x1234, concat="sar")
    assert [(s.esm_class, s.reference, s.total, s.seqnum) for s in segments] == [
        (0, 0x1234, 2, 1), (0, 0x1234, 2, 2)]
    assert segments[0].short_message == b"x" * 153
    assert segments[0].data_coding == DATA_CODING_GSM7


def test_a_single_sms_has_no_header():
    [segment] = split_for_smpp("Hello", reference=5)
    assert (segment.esm_class, segment.reference, segment.short_message) == (0, None, b"Hello")


def test_gsm_round_trip_with_extension_characters():
    text = "Price: 5€ [tariff] {A|B} ~^\\ @£$"
    assert decode_gsm7(encode_gsm7(text)) == text
    assert encode_gsm7("€") == b"\x1b\x65"
    assert encode_gsm7("§") == b"\x5f"
    with pytest.raises(UnicodeEncodeError):
        encode_gsm7("话")


def test_too_long_for_any_handset():
    with pytest.raises(MessageTooLong):
        split_for_smpp("话" * (67 * 255 + 1), reference=1)


@pytest.mark.parametrize("text", [
    "a" * 159, "a" * 160, "a" * 161, "€" * 80, "€" * 81, "宽" * 70, "宽" * 71, "😀" * 35,
    "😀" * 36, "a€宽😀" * 30, "维修人员已出发，预计14:00前到达。",
])
def test_the_one_part_shortcut_counts_as_the_splitter_does(text):
    parts = split_for_smpp(text, reference=1)
    found = sms_length(text)
    assert found.segments == len(parts)
    assert found.encoding == ("ucs2" if parts[0].data_coding == DATA_CODING_UCS2 else "gsm7")
