"""SMS text as the SMS centre sees it: alphabet, length, segments, SMPP payloads.

A text that fits the GSM 03.38 default alphabet (with its extension table) goes
out with ``data_coding=0``; anything else (Chinese, emoji, ...) as UCS-2 with
``data_coding=8``. Lengths are counted the way the SMS centre counts them:

- GSM 7-bit: septets, an extension character (``€ [ ] { } ^ ~ | \\`` and form
  feed) costs two (escape + character). 160 fit one SMS; a long message is
  split in parts of 153 (the user data header takes the other 7 septets).
- UCS-2: UTF-16 code units (a character outside the basic plane, such as most
  emoji, costs two). 70 fit one SMS; parts hold 67.

A part boundary never splits an escape sequence or a surrogate pair; such a
character moves to the next part, so the segment count comes from the real split.

SMPP convention used here (and documented in ``docs/notifications-smpp.md``):
GSM text is sent *unpacked*, one septet per octet, which is what SMPP 3.4 means
by "SMSC default alphabet"; the SMS centre packs it for the air interface.
UCS-2 is UTF-16 big-endian.

The module has no third-party dependency: the GSM helpers of the SMPP library
(``smpplib.gsm``) map ``§`` wrongly and may split an escape sequence across two
parts, so this module keeps its own table and splitter.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["gsm7", "ucs2"]
Concat = Literal["udh", "sar"]

DATA_CODING_GSM7 = 0  # SMSC default alphabet (GSM 03.38), unpacked
DATA_CODING_UCS2 = 8  # ISO/IEC 10646 UCS-2, big-endian
ESM_CLASS_UDHI = 0x40  # the short message starts with a user data header

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
# Resolve the UCS-2 codec now: the first str.encode would otherwise search for it (an
# import of some 15 ms, paid by whichever SMS came first, e.g. inside a clock pass).
codecs.lookup("utf-16-be")
UCS2_PART = 67
MAX_PARTS = 255

_ESCAPE = 0x1B

# GSM 03.38 default alphabet; index = septet value. 0x1B is the escape to the
# extension table (never a character of its own here).
_GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)
assert len(_GSM_BASIC) == 128

# Extension table: character -> septet that follows the escape.
_GSM_EXTENSION = {
    "\f": 0x0A,
    "^": 0x14,
    "{": 0x28,
    "}": 0x29,
    "\\": 0x2F,
    "[": 0x3C,
    "~": 0x3D,
    "]": 0x3E,
    "|": 0x40,
    "€": 0x65,
}

_TO_GSM: dict[str, bytes] = {ch: bytes([i]) for i, ch in enumerate(_GSM_BASIC) if i != _ESCAPE}
_TO_GSM.update({ch: bytes([_ESCAPE, code]) for ch, code in _GSM_EXTENSION.items()})
_FROM_GSM_BASIC = {i: ch for i, ch in enumerate(_GSM_BASIC) if i != _ESCAPE}
_FROM_GSM_EXTENSION = {code: ch for ch, code in _GSM_EXTENSION.items()}


class MessageTooLong(ValueError):
    """More than 255 parts: no handset can reassemble it."""


@dataclass(frozen=True)
class SmsLength:
    """How long a text is for the SMS centre."""

    encoding: Encoding  # "gsm7" or "ucs2"
    units: int  # septets (escapes count) or UTF-16 code units
    segments: int  # SMS parts it will be sent as (0 for an empty text)

    @property
    def per_segment(self) -> int:
        """Units one part holds for this text (single-SMS size when it fits in one)."""
        if self.encoding == "gsm7":
            return GSM7_SINGLE if self.segments <= 1 else GSM7_PART
        return UCS2_SINGLE if self.segments <= 1 else UCS2_PART

    def describe(self) -> str:
        """``"162 septets (GSM 7-bit), 2 SMS"`` — for a form hint or a log line."""
        unit = "septets" if self.encoding == "gsm7" else "characters"
        name = "GSM 7-bit" if self.encoding == "gsm7" else "UCS-2"
        return f"{self.units} {unit} ({name}), {self.segments} SMS"


@dataclass(frozen=True)
class SmppSegment:
    """One submit_sm worth of text, ready for the PDU."""

    data_coding: int  # 0 (GSM, unpacked) or 8 (UCS-2)
    short_message: bytes  # with the user data header in front when esm_class has UDHI
    esm_class: int  # ESM_CLASS_UDHI for UDH concatenation, else 0
    reference: int | None  # concatenation reference, None for a single SMS
    total: int  # number of parts of the message
    seqnum: int  # 1-based part number


@dataclass(frozen=True)
class DecodedSegment:
    """What a receiving SMS centre (the simulator) reads from a submit_sm."""

    text: str
    reference: int | None = None
    total: int = 1
    seqnum: int = 1


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM default alphabet or its extension."""
    return all(ch in _TO_GSM for ch in text)


def encode_gsm7(text: str) -> bytes:
    """Text → unpacked septets (one per octet), escape sequences included."""
    try:
        return b"".join(_TO_GSM[ch] for ch in text)
    except KeyError as exc:
        raise UnicodeEncodeError("gsm0338", text, 0, len(text),
                                 f"character {exc.args[0]!r} is not in the GSM alphabet") from None


def decode_gsm7(data: bytes) -> str:
    """Unpacked septets → text. Unknown extension codes decode as a space (per 03.38)."""
    out: list[str] = []
    escaped = False
    for octet in data:
        if escaped:
            out.append(_FROM_GSM_EXTENSION.get(octet, " "))
            escaped = False
        elif octet == _ESCAPE:
            escaped = True
        else:
            out.append(_FROM_GSM_BASIC.get(octet & 0x7F, "?"))
    return "".join(out)


def _gsm_units(text: str) -> list[bytes]:
    return [_TO_GSM[ch] for ch in text]


def _ucs2_units(text: str) -> list[bytes]:
    return [ch.encode("utf-16-be") for ch in text]


def _split(units: list[bytes], *, single: int, part: int, width: int) -> list[bytes]:
    """Pack per-character encodings into parts without splitting one character.

    ``width`` is the size of one unit in octets (1 for septets, 2 for UTF-16).
    """
    total = sum(len(u) for u in units) // width
    if total <= single:
        return [b"".join(units)]
    parts: list[bytes] = []
    current: list[bytes] = []
    used = 0
    for unit in units:
        size = len(unit) // width
        if used + size > part:
            parts.append(b"".join(current))
            current, used = [], 0
        current.append(unit)
        used += size
    if current:
        parts.append(b"".join(current))
    return parts


def _encode_parts(text: str) -> tuple[Encoding, int, list[bytes]]:
    """(encoding, units, raw parts without headers)."""
    if is_gsm7(text):
        units = _gsm_units(text)
        parts = _split(units, single=GSM7_SINGLE, part=GSM7_PART, width=1)
        return "gsm7", sum(len(u) for u in units), parts
    units = _ucs2_units(text)
    parts = _split(units, single=UCS2_SINGLE, part=UCS2_PART, width=2)
    return "ucs2", sum(len(u) for u in units) // 2, parts


def sms_length(text: str) -> SmsLength:
    """Encoding, length in units and number of SMS parts, as the SMS centre counts them."""
    if not text:
        return SmsLength(encoding="gsm7", units=0, segments=0)
    # The common case, one part, is counted without encoding character by character.
    if is_gsm7(text):
        encoding: Encoding = "gsm7"
        units = sum(len(_TO_GSM[ch]) for ch in text)
        single = GSM7_SINGLE
    else:
        encoding = "ucs2"
        units = len(text.encode("utf-16-be")) // 2
        single = UCS2_SINGLE
    if units <= single:
        return SmsLength(encoding=encoding, units=units, segments=1)
    encoding, units, parts = _encode_parts(text)
    return SmsLength(encoding=encoding, units=units, segments=len(parts))


def split_for_smpp(text: str, *, reference: int, concat: Concat = "udh") -> list[SmppSegment]:
    """The submit_sm payloads for ``text``.

    ``reference`` identifies the concatenated message to the handset; only its low
    8 bits are used with a UDH (IEI 0x00), 16 bits with ``sar_msg_ref_num``.
    With ``concat="sar"`` the payload carries no header and the caller sends the
    ``sar_*`` optional parameters from the segment's fields.
    """
    encoding, _units, parts = _encode_parts(text)
    if len(parts) > MAX_PARTS:
        raise MessageTooLong(f"the message needs {len(parts)} parts; at most {MAX_PARTS} "
                             "can be concatenated")
    data_coding = DATA_CODING_GSM7 if encoding == "gsm7" else DATA_CODING_UCS2
    if len(parts) == 1:
        return [SmppSegment(data_coding=data_coding, short_message=parts[0], esm_class=0,
                            reference=None, total=1, seqnum=1)]
    total = len(parts)
    segments = []
    for seqnum, raw in enumerate(parts, start=1):
        if concat == "udh":
            ref = reference & 0xFF
            header = bytes([0x05, 0x00, 0x03, ref, total, seqnum])
            segments.append(SmppSegment(data_coding=data_coding, short_message=header + raw,
                                        esm_class=ESM_CLASS_UDHI, reference=ref, total=total,
                                        seqnum=seqnum))
        else:
            segments.append(SmppSegment(data_coding=data_coding, short_message=raw, esm_class=0,
                                        reference=reference & 0xFFFF, total=total,
                                        seqnum=seqnum))
    return segments


def decode_text(data_coding: int, payload: bytes) -> str:
    """Payload (without any header) → text, for the alphabets this module sends and
    Latin-1 (``data_coding=3``) as some handsets send replies."""
    if data_coding == DATA_CODING_UCS2:
        return payload.decode("utf-16-be", errors="replace")
    if data_coding == DATA_CODING_GSM7:
        return decode_gsm7(payload)
    if data_coding == 1:  # IA5 (ASCII)
        return payload.decode("ascii", errors="replace")
    return payload.decode("latin-1")


def decode_segment(*, data_coding: int, esm_class: int, short_message: bytes,
                   sar: tuple[int, int, int] | None = None) -> DecodedSegment:
    """Read one submit_sm/deliver_sm payload back: text and concatenation info.

    ``sar`` is ``(msg_ref_num, total_segments, segment_seqnum)`` when the PDU
    carried the ``sar_*`` parameters. Understands 8-bit (IEI 0x00) and 16-bit
    (IEI 0x08) concatenation headers.
    """
    reference: int | None = None
    total, seqnum = 1, 1
    payload = short_message
    if esm_class & ESM_CLASS_UDHI and payload:
        udh_len = payload[0]
        header, payload = payload[1:1 + udh_len], payload[1 + udh_len:]
        i = 0
        while i + 1 < len(header):
            iei, length = header[i], header[i + 1]
            value = header[i + 2:i + 2 + length]
            if iei == 0x00 and length == 3:
                reference, total, seqnum = value[0], value[1], value[2]
            elif iei == 0x08 and length == 4:
                reference, total, seqnum = (value[0] << 8) | value[1], value[2], value[3]
            i += 2 + length
    if sar is not None:
        reference, total, seqnum = sar
    return DecodedSegment(text=decode_text(data_coding, payload), reference=reference,
                          total=total, seqnum=seqnum)
