"""What the call-log parsers produce: finished queue visits and rejected lines.

The parsers are pure (no database, no clock): bytes in, ``CallVisit`` and
``Reject`` records out, plus counters in ``ParseStats``. Times are Unix epochs
(seconds, an ``int`` or, when the log carries a fraction, a ``float``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

# Outcomes, as stored in ``HotlineCall.outcome`` (kept as plain strings: the
# parsers do not import Django models).
ANSWERED = "answered"
ABANDONED = "abandoned"
TIMEOUT = "timeout"
EMPTY = "empty"
KEY = "key"
UNKNOWN = "unknown"

# ``HotlineCall.ended_by`` of an answered visit.
BY_CALLER = "caller"
BY_AGENT = "agent"
BY_TRANSFER = "transfer"

# A call that leaves a queue this way may enter another one (the dialplan goes on):
# its next entry within ``CHAIN_GAP`` seconds continues the same call.
CONTINUING = frozenset({TIMEOUT, EMPTY, KEY})
CHAIN_GAP = 300

# Field sizes of the table the visits go to: a line with a longer value is rejected
# (with its number and which value), never stored cut.
CALL_REF_MAX = 80
QUEUE_MAX = 80
AGENT_MAX = 80
TRANSFER_MAX = 80
REJECT_TEXT_MAX = 500
POSITION_MAX = 32767
# Digits of a caller number (stored with a leading "+" in at most 32 characters).
CALLER_DIGITS_MAX = 31


class TooLong(ValueError):
    """A value longer than the column it goes to: the line is rejected with this reason."""

    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"{what} longer than {limit} characters")


def bounded(text: str, limit: int, what: str) -> str:
    """``text`` if it fits in ``limit`` characters; else ``TooLong``."""
    if len(text) > limit:
        raise TooLong(what, limit)
    return text


def caller_fits(caller: str) -> str:
    """``caller`` if its digits fit the caller column; else ``TooLong``."""
    if len(caller) > CALLER_DIGITS_MAX and sum(c.isdigit() for c in caller) > CALLER_DIGITS_MAX:
        raise TooLong("the caller number", CALLER_DIGITS_MAX)
    return caller


@dataclass(slots=True)
class CallVisit:
    """One visit of one call to one queue, from its entry to its exit.

    Mutable while the visit is open (the parser fills it in as lines arrive);
    handed out once it is finished.
    """

    call_ref: str
    queue: str
    entered: float  # epoch seconds of the entry into the queue
    caller: str  # as logged (digits, "anonymous", blank); normalised by the importer
    position: int | None = None
    answered: float | None = None
    wait: int | None = None
    agent: str = ""
    ended: float | None = None
    talk: int | None = None
    outcome: str = UNKNOWN
    ended_by: str = ""
    transferred_to: str = ""
    # Where the entry line starts (byte offset) and its line number: a reader that
    # stops while the visit is open resumes from there.
    offset: int = 0
    line: int = 0
    # How the visit was closed without an exit line ("re-entered", "horizon",
    # "end of file"); blank when its exit line was read.
    closed_without_exit: str = ""
    # A later visit of a call that left an earlier queue (timeout, full queue, key,
    # transfer): the queue and entry time of the call's first visit, which counts it.
    first_queue: str = ""
    first_entered: float | None = None

    def may_continue(self) -> bool:
        """Whether the call may go on into another queue after this visit."""
        return (self.outcome in CONTINUING or self.ended_by == BY_TRANSFER
                or bool(self.closed_without_exit == "re-entered"))


class Reject(NamedTuple):
    """A line (or a record) that could not be read."""

    line: int
    text: str
    reason: str


def reject_text(raw: bytes | str) -> str:
    """The rejected line as it can be stored: text, no NUL, at most 500 characters."""
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", errors="backslashreplace")
    text = raw.rstrip("\r\n").replace("\x00", "\\x00")
    return text[:REJECT_TEXT_MAX]


@dataclass
class ParseStats:
    """Counters of one parse run (everything read is counted somewhere)."""

    lines: int = 0
    rejected: int = 0
    # Well-formed events that are not about a queue visit (agent logins, pauses …)
    # or that carry nothing the visit needs (RINGNOANSWER, DID …): understood.
    understood: int = 0
    # Well-formed lines with an event name this reader does not know: by name.
    ignored_events: Counter[str] = field(default_factory=Counter)
    # Exit or answer lines for which no queue entry was read (e.g. the entry was
    # before the first line read); counted, not rejected.
    without_entry: int = 0
    # Visits closed without an exit line, by why (re-entered, horizon, end of file).
    closed_without_exit: Counter[str] = field(default_factory=Counter)
    # FreeSWITCH: CDRs that are not queue calls (no cc_queue), and agent legs.
    not_queue_calls: int = 0
    agent_legs: int = 0

    def merge(self, other: ParseStats) -> None:
        self.lines += other.lines
        self.rejected += other.rejected
        self.understood += other.understood
        self.ignored_events.update(other.ignored_events)
        self.without_entry += other.without_entry
        self.closed_without_exit.update(other.closed_without_exit)
        self.not_queue_calls += other.not_queue_calls
        self.agent_legs += other.agent_legs
