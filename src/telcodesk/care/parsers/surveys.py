"""Reading a subscriber's answer to the satisfaction survey (pure: no database).

The survey SMS asks "reply 1 satisfied, 2 fairly satisfied, 3 dissatisfied".
``parse_survey_answer(text)`` returns the ``Satisfaction`` read from a reply, or
None when the reply cannot be read with confidence. The rules, in order:

1. The text is normalised with Unicode NFKC, so full-width digits and letters
   (``１``, ``３``) and the ideographic space read as their ASCII forms, then
   lower-cased. Whitespace and punctuation or symbols at either end are dropped
   (``" 2 "``, ``"1。"``, ``"【3】"``, ``"2!"``).
2. **A leading digit.** When the text starts with a digit, the run of digits
   must be exactly ``1``, ``2`` or ``3`` (``"4"``, ``"12"``, ``"10000"`` are not
   answers). Whatever follows may be stray text (``"3不满意"``, ``"1 谢谢"``,
   ``"2,还行"``) as long as it holds no other digit (``"1 2"`` is ambiguous) and
   no word of the opposite sense: ``"1不满意"`` and ``"3满意"`` are refused, because
   the digit and the word disagree; ``"2满意"`` is read as 2 (both say satisfied).
3. **Words only.** Otherwise the whole text must be one of the answer words,
   with an optional intensifier: ``满意`` / ``非常满意`` / ``很满意`` (1),
   ``基本满意`` / ``比较满意`` / ``还算满意`` / ``一般`` (2), ``不满意`` /
   ``很不满意`` / ``非常不满意`` / ``不太满意`` / ``不满`` (3), and the English
   ``satisfied`` / ``very satisfied`` (1), ``fairly satisfied`` (2),
   ``dissatisfied`` / ``unsatisfied`` / ``not satisfied`` (3). A longer sentence
   that merely contains one of these words is not read as an answer.
4. **A letter before the digit** is not read: ``"Y1"`` is refused. ``Y`` is the
   word that confirms a value-added service order, so ``Y1`` is most likely a
   confused confirmation, not a survey answer; the subscriber is asked again.
5. Anything else — empty text, ``"ok"``, emoji, a question — is None.

What the caller does with None (store it as "not understood", ask once more)
is the survey service's business (``care.services.surveys``).
"""

from __future__ import annotations

import re
import unicodedata

from telcodesk.care.models.complaints import Satisfaction

_DIGITS = {"1": Satisfaction.SATISFIED, "2": Satisfaction.FAIRLY_SATISFIED,
           "3": Satisfaction.DISSATISFIED}

_SATISFIED_WORDS = frozenset({
    "满意", "非常满意", "很满意", "十分满意", "特别满意", "挺满意", "满意了",
    "satisfied", "very satisfied",
})
_FAIRLY_WORDS = frozenset({
    "基本满意", "比较满意", "还算满意", "还比较满意", "一般", "fairly satisfied",
})
_DISSATISFIED_WORDS = frozenset({
    "不满意", "很不满意", "非常不满意", "十分不满意", "特别不满意", "不太满意", "不满",
    "dissatisfied", "unsatisfied", "not satisfied", "very dissatisfied",
})

# "Negative" and "positive" senses, for checking the stray text after a digit.
_NEGATIVE = re.compile(r"不满|dissatisfied|unsatisfied|not satisfied")
_POSITIVE = re.compile(r"满意|satisfied")


def _is_edge_noise(char: str) -> bool:
    """Whitespace, punctuation and symbols (what is dropped at either end)."""
    return char.isspace() or unicodedata.category(char)[0] in ("P", "S", "Z", "C")


def normalise(text: str) -> str:
    """NFKC, lower case, edge whitespace/punctuation dropped, inner spaces collapsed."""
    value = unicodedata.normalize("NFKC", text or "").lower()
    start, end = 0, len(value)
    while start < end and _is_edge_noise(value[start]):
        start += 1
    while end > start and _is_edge_noise(value[end - 1]):
        end -= 1
    return re.sub(r"\s+", " ", value[start:end])


def _sense(text: str) -> str:
    """``negative``, ``positive`` or ``""`` for the words in stray text."""
    if _NEGATIVE.search(text):
        return "negative"
    if _POSITIVE.search(text):
        return "positive"
    return ""


def parse_survey_answer(text: str) -> Satisfaction | None:
    """The answer in a survey reply, or None when it cannot be read (see the module doc)."""
    value = normalise(text)
    if not value:
        return None
    if value[0].isdigit():
        match = re.match(r"\d+", value)
        assert match is not None
        digits, rest = match.group(0), value[match.end():]
        if digits not in _DIGITS or re.search(r"\d", rest):
            return None
        answer = _DIGITS[digits]
        sense = _sense(rest)
        if sense == "negative" and answer != Satisfaction.DISSATISFIED:
            return None
        if sense == "positive" and answer == Satisfaction.DISSATISFIED:
            return None
        return answer
    words = value.replace(" ", "") if not value.isascii() else value
    if words in _DISSATISFIED_WORDS:
        return Satisfaction.DISSATISFIED
    if words in _FAIRLY_WORDS:
        return Satisfaction.FAIRLY_SATISFIED
    if words in _SATISFIED_WORDS:
        return Satisfaction.SATISFIED
    return None
