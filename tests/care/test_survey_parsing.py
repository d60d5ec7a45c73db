"""Reading survey replies: digits (full-width too), words, stray text, and what is refused."""

from __future__ import annotations

import pytest

from telcodesk.care.models import Satisfaction
from telcodesk.care.parsers.surveys import normalise, parse_survey_answer

S, F, D = Satisfaction.SATISFIED, Satisfaction.FAIRLY_SATISFIED, Satisfaction.DISSATISFIED

TABLE = [
    # plain digits
    ("1", S), ("2", F), ("3", D),
    # full-width digits and spaces
    ("１", S), ("２", F), ("３", D), ("\u3000２\u3000", F),
    # stray punctuation and whitespace
    ("1。", S), (" 2 ", F), ("3!", D), ("【1】", S), ("2.", F), ("“3”", D), ("1\n", S),
    ("1️⃣", S),
    # digit followed by words of the same sense, or neutral stray text
    ("3不满意", D), ("1满意", S), ("2基本满意", F), ("2满意", F), ("1 谢谢", S),
    ("3，太慢了", D), ("1 satisfied", S), ("3 not satisfied", D), ("１，非常满意！", S),
    # words only
    ("满意", S), ("非常满意", S), ("很满意！", S), ("基本满意", F), ("比较满意", F),
    ("一般", F), ("不满意", D), ("很不满意。", D), ("不太满意", D), ("不满", D),
    ("Satisfied", S), ("fairly satisfied", F), ("DISSATISFIED", D), ("not satisfied", D),
    # refused
    ("4", None), ("0", None), ("12", None), ("10000", None), ("1 2", None), ("1或2", None),
    ("", None), ("   ", None), ("ok", None), ("OK", None), ("Y", None), ("Y1", None),
    ("TD", None), ("？", None), ("👍", None), ("1不满意", None), ("2不满意", None),
    ("3满意", None), ("满意吗", None), ("我对处理结果不满意", None), ("你好", None),
    ("٣", None), ("-1", S),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[repr(t) for t, _ in TABLE])
def test_parse_survey_answer(text, expected):
    assert parse_survey_answer(text) == expected


def test_normalise_turns_full_width_into_ascii_and_drops_edge_punctuation():
    assert normalise("　１２３。") == "123"
    assert normalise("  Ｙ１ ") == "y1"
    assert normalise("【 很  满意 】") == "很 满意"


def test_none_input_reads_as_nothing():
    assert parse_survey_answer(None) is None  # type: ignore[arg-type]
