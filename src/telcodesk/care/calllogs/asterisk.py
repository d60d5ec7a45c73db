"""Asterisk ``queue_log``: lines in, finished queue visits out.

A line is ``time|callid|queue|agent|EVENT|data1|data2|…`` (the file format of
``queue_log``; realtime exports flattened to the same shape read the same way).
One ``CallVisit`` is one call (``callid``) in one queue, from ``ENTERQUEUE`` to
the line that ends it:

========================  ===========================================================
``CONNECT``               answered: holdtime (data1) is the wait, the agent field the agent
``COMPLETECALLER``/       the answered call ended by the caller / the agent
``COMPLETEAGENT``         (data: holdtime|calltime|origposition → talk time)
``TRANSFER``,             the answered call was transferred (extension|context|holdtime|
``BLINDTRANSFER``,        calltime|…; attended: BRIDGE|id|… / APP|name|… /
``ATTENDEDTRANSFER``      LINK|chan1|chan2|…)
``ABANDON``               the caller hung up waiting (position|origposition|waittime)
``EXITWITHTIMEOUT``       the queue's timeout (position|origposition|waittime)
``EXITEMPTY``             no agent could take calls (position|origposition|waittime)
``EXITWITHKEY``           the caller pressed a key (key|position|origposition|waittime)
========================  ===========================================================

Every other well-formed event (agent logins, pauses, ``RINGNOANSWER``, ``DID``
…) is understood and changes no visit; an event name this module does not know
is counted by name. A line that is not a queue_log line (fewer than five fields,
a time that is not a Unix epoch, binary data, text that is not UTF-8) is a
reject with its line number and the reason; nothing is dropped silently.

Quirks of real logs:

- ``ENTERQUEUE`` data is ``url|callerid|position`` (1.8 and later),
  ``url|callerid`` or ``callerid`` alone (older versions).
- Lines of one call written within the same second may be out of order
  (``CONNECT`` before ``ENTERQUEUE``, ``COMPLETECALLER`` before ``CONNECT``, the
  exit of one queue after the entry into the next): an event that finds no
  open visit waits for the entry of the same second; a visit that ends is kept
  until the log's second moves on, so a late line of that second still
  reaches it. An end line without its ``CONNECT`` still makes the visit
  answered: its holdtime gives the answer time.
- Missing exit lines: a visit still open when the call enters a queue again,
  or when the log's time is more than ``horizon`` seconds past its entry, or at
  the end of a one-shot read, is closed without an exit line: outcome
  ``unknown`` (``answered`` if it was answered).
"""

from __future__ import annotations

import math
import re

from telcodesk.care.calllogs.records import (
    ABANDONED,
    AGENT_MAX,
    ANSWERED,
    BY_AGENT,
    BY_CALLER,
    BY_TRANSFER,
    CALL_REF_MAX,
    CHAIN_GAP,
    EMPTY,
    KEY,
    POSITION_MAX,
    QUEUE_MAX,
    TIMEOUT,
    TRANSFER_MAX,
    UNKNOWN,
    CallVisit,
    ParseStats,
    Reject,
    TooLong,
    bounded,
    caller_fits,
    reject_text,
)

# Event kinds (small ints: the hot loop compares them).
_NOTE = 0  # understood, changes no visit
_ENTER = 1
_CONNECT = 2
_COMPLETE_CALLER = 3
_COMPLETE_AGENT = 4
_TRANSFER = 5
_ATTENDED = 6
_ABANDON = 7
_EXIT_TIMEOUT = 8
_EXIT_EMPTY = 9
_EXIT_KEY = 10

_EVENTS: dict[bytes, int] = {
    b"ENTERQUEUE": _ENTER,
    b"CONNECT": _CONNECT,
    b"COMPLETECALLER": _COMPLETE_CALLER,
    b"COMPLETEAGENT": _COMPLETE_AGENT,
    b"TRANSFER": _TRANSFER,
    b"BLINDTRANSFER": _TRANSFER,
    b"ATTENDEDTRANSFER": _ATTENDED,
    b"ABANDON": _ABANDON,
    b"EXITWITHTIMEOUT": _EXIT_TIMEOUT,
    b"EXITEMPTY": _EXIT_EMPTY,
    b"EXITWITHKEY": _EXIT_KEY,
}
# Understood events that change no visit.
UNDERSTOOD_EVENTS = (
    "RINGNOANSWER", "RINGCANCELED", "DID", "INFO", "AGENTLOGIN", "AGENTLOGOFF",
    "AGENTCALLBACKLOGIN", "AGENTCALLBACKLOGOFF", "AGENTDUMP", "ADDMEMBER", "REMOVEMEMBER",
    "PAUSE", "UNPAUSE", "PAUSEALL", "UNPAUSEALL", "PAUSECUSTOM", "PENALTY", "CONFIGRELOAD",
    "QUEUESTART", "QUEUESTOP", "SYSCOMPAT", "CALLOUTBOUND", "ENTERQUEUE_OUTBOUND",
    "MIXMONITOR", "UPDATEFIELD",
)
for _name in UNDERSTOOD_EVENTS:
    _EVENTS[_name.encode()] = _NOTE

# Order of events of one visit logged within the same second.
_RANK = {_ENTER: 0, _CONNECT: 1, _COMPLETE_CALLER: 2, _COMPLETE_AGENT: 2, _TRANSFER: 2,
         _ATTENDED: 2, _ABANDON: 2, _EXIT_TIMEOUT: 2, _EXIT_EMPTY: 2, _EXIT_KEY: 2}

_EVENT_NAME = re.compile(rb"[A-Z][A-Z0-9_]{1,39}")
_ANONYMOUS = {"", "anonymous", "unknown", "restricted", "private", "<unknown>", "none",
              "unavailable"}
_NONE = b"NONE"

# Plausible epochs: 2000-01-01 .. 2100-01-01 (anything else is not a queue_log time).
MIN_EPOCH = 946_684_800
MAX_EPOCH = 4_102_444_800
DEFAULT_HORIZON = 4 * 3600
# How often (log seconds) open visits are checked against the horizon.
_HORIZON_CHECK_EVERY = 60
_MAX_IGNORED_NAMES = 200
_NAMES_CACHED = 10_000

REENTERED = "re-entered"
HORIZON = "horizon"
END_OF_FILE = "end of file"

_Pending = tuple[int, float, list[bytes], int, int]  # kind, time, fields, line, offset


def _time(raw: bytes) -> float | None:
    """A queue_log time with a fraction (``1366720340.123``), or None."""
    try:
        value = float(raw)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return value


def _num(fields: list[bytes], index: int) -> int | None:
    """Field ``index`` of the event data as a non-negative int (None if absent or not one)."""
    if index >= len(fields):
        return None
    try:
        value = int(fields[index])
    except ValueError:
        try:
            value = int(float(fields[index]))
        except (ValueError, OverflowError):
            return None
    return value if value >= 0 else None


def _text(raw: bytes, limit: int, what: str) -> str:
    return bounded(raw.decode().strip(), limit, what)


def _caller(raw: bytes) -> str:
    text = raw.decode().strip()
    if text.lower() in _ANONYMOUS:
        return ""
    return caller_fits(text)


def _since(later: float, earlier: float) -> int:
    return max(0, round(later - earlier))


class QueueLogParser:
    """Feed it lines (without their newline); collect ``finished`` visits and ``rejects``.

    ``feed`` may be called any number of times with consecutive blocks of lines;
    ``idle`` says no more lines came for a while (the current second is over);
    ``finish`` closes what is still open (the end of a one-shot read).
    """

    def __init__(self, *, horizon: int = DEFAULT_HORIZON) -> None:
        self.horizon = horizon
        self.stats = ParseStats()
        self.finished: list[CallVisit] = []
        self.rejects: list[Reject] = []
        # Open visits by call id, with their queue name as logged (in order of entry).
        self._open: dict[bytes, tuple[CallVisit, bytes]] = {}
        # Visits ended within the current second, not handed out yet (a late line of
        # the same second may still belong to them).
        self._ended_now: dict[bytes, CallVisit] = {}
        # Events of the current second that arrived before their visit's entry.
        self._pending: dict[bytes, list[_Pending]] = {}
        self._second = 0
        self._next_horizon_check = 0
        self._names: dict[bytes, str] = {}
        # The last visit of calls that left a queue in a way that lets them go on
        # (timeout, full queue, key, transfer), for ``CHAIN_GAP`` seconds: an entry of
        # the same call id within that time continues the call.
        self._chains: dict[bytes, CallVisit] = {}

    # --- the hot loop ---------------------------------------------------------------

    def feed(self, lines: list[bytes], first_line: int, first_offset: int) -> None:
        """Read consecutive lines; ``first_line``/``first_offset`` locate the first one."""
        # Everything the loop touches is a local: this runs for millions of lines.
        events = _EVENTS
        opened = self._open
        ended_now = self._ended_now
        chains = self._chains
        pending = self._pending
        finished = self.finished
        names = self._names
        apply = _APPLY
        none = _NONE
        visit_class = CallVisit
        unknown = UNKNOWN
        answered_outcome = ANSWERED
        by_caller = BY_CALLER
        by_agent = BY_AGENT
        second = self._second
        next_check = self._next_horizon_check
        understood = 0
        lineno = first_line - 1
        pos = first_offset
        for line in lines:
            lineno += 1
            start = pos
            pos += len(line) + 1
            parts = line.split(b"|", 5)
            if len(parts) < 5:
                if line.strip():
                    self._reject(lineno, line, "not a queue_log line (fewer than 5 fields)")
                continue
            try:
                sec = int(parts[0])
                t: float = sec
            except ValueError:
                exact = _time(parts[0])
                if exact is None:
                    self._reject(lineno, line, "the time is not a Unix epoch")
                    continue
                t = exact
                sec = int(exact)
            if sec != second:
                if not MIN_EPOCH <= sec <= MAX_EPOCH:
                    self._reject(lineno, line, "the time is out of range")
                    continue
                if sec > second:
                    # The log's second moved on: what ended in the last one is final.
                    if ended_now:
                        finished.extend(ended_now.values())
                        ended_now.clear()
                    if pending:
                        self._expire_pending()
                    second = sec
                    if sec >= next_check:
                        self._close_stale(sec)
                        next_check = sec + _HORIZON_CHECK_EVERY
            kind = events.get(parts[4])
            if kind is None:
                kind = self._unknown_event(lineno, line, parts)
                if kind is None:
                    continue
            if kind == 0:  # _NOTE
                understood += 1
                continue
            callid = parts[1]
            if not callid or callid == none:
                self._reject(lineno, line, "a call event without a usable call id")
                continue
            if len(callid) > CALL_REF_MAX:
                self._reject(lineno, line, f"the call id is longer than {CALL_REF_MAX} "
                                           "characters")
                continue
            if b"\0" in line:
                self._reject(lineno, line, "binary data in the line")
                continue
            try:
                if kind == 1:  # _ENTER
                    queue = parts[2]
                    if not queue or queue == none:
                        self._reject(lineno, line, "ENTERQUEUE without a usable queue name")
                        continue
                    position = None
                    if len(parts) > 5:
                        data = parts[5].split(b"|")
                        n = len(data)
                        raw = data[1] if n >= 2 else data[0]
                        if n >= 3:
                            try:
                                position = int(data[2])
                            except ValueError:
                                pass
                            else:
                                if not 0 <= position <= POSITION_MAX:
                                    position = None
                    else:
                        raw = b""
                    caller = raw.decode() if raw.isdigit() and len(raw) <= 16 else \
                        _caller(raw)
                    name = names.get(queue)
                    if name is None:
                        name = self._name(queue, QUEUE_MAX, "the queue name")
                    visit = visit_class(callid.decode(), name, t, caller, position, None, None,
                                        "", None, None, unknown, "", "", start, lineno, "")
                    previous = opened.pop(callid, None)
                    if previous is not None:
                        if previous[1] == queue and previous[0].entered == t:
                            # The same entry line written twice: keep the first.
                            opened[callid] = previous
                            understood += 1
                            continue
                        self._close_without_exit(previous[0], REENTERED)
                        self._continue(callid, visit, previous[0])
                    elif chains:
                        last = chains.pop(callid, None)
                        if last is not None and t - (last.ended or last.entered) <= CHAIN_GAP:
                            self._continue(callid, visit, last)
                    opened[callid] = (visit, queue)
                    if pending and callid in pending:
                        self._replay(callid, visit, queue)
                    continue
                entry = opened.get(callid)
                if entry is None or entry[1] != parts[2]:
                    self._out_of_order(kind, t, parts, lineno, start, callid, second)
                    continue
                visit = entry[0]
                if kind == 2 and visit.answered is None:  # _CONNECT, the usual way
                    hold = None
                    if len(parts) > 5:
                        try:  # noqa: SIM105 - suppress() costs more per line
                            hold = int(parts[5].split(b"|", 1)[0])
                        except ValueError:
                            pass
                    agent = names.get(parts[3])
                    if agent is None:
                        agent = self._name(parts[3], AGENT_MAX, "the agent name")
                    visit.answered = t
                    visit.wait = hold if hold is not None and hold >= 0 else \
                        _since(t, visit.entered)
                    visit.agent = agent
                    visit.outcome = answered_outcome
                    continue
                if 3 <= kind <= 4 and visit.answered is not None and len(parts) > 5:
                    # COMPLETECALLER / COMPLETEAGENT after CONNECT: holdtime|calltime|pos
                    data = parts[5].split(b"|", 2)
                    talk = None
                    if len(data) > 1:
                        try:  # noqa: SIM105 - suppress() costs more per line
                            talk = int(data[1])
                        except ValueError:
                            pass
                    visit.talk = talk if talk is not None and talk >= 0 else \
                        _since(t, visit.answered)
                    visit.ended = t
                    visit.ended_by = by_caller if kind == 3 else by_agent
                elif not apply[kind](visit, t, parts):
                    continue
                del opened[callid]
                earlier = ended_now.get(callid)
                if earlier is not None:
                    finished.append(earlier)
                ended_now[callid] = visit
                if kind >= 5 and visit.may_continue():  # transfers and exits
                    chains[callid] = visit
            except UnicodeDecodeError:
                self._reject(lineno, line, "not UTF-8 text")
            except TooLong as exc:
                self._reject(lineno, line, str(exc))
        stats = self.stats
        stats.lines += len(lines)
        stats.understood += understood
        self._second = second
        self._next_horizon_check = next_check

    def _name(self, raw: bytes, limit: int, what: str) -> str:
        """Queue and agent names repeat: decoded once (a bounded cache); a name longer
        than ``limit`` raises ``TooLong`` (and is not cached)."""
        if len(self._names) >= _NAMES_CACHED:
            self._names.clear()
        text = bounded(raw.decode().strip(), limit, what)
        self._names[raw] = text
        return text

    # --- the rarer paths ------------------------------------------------------------

    def _reject(self, lineno: int, line: bytes, reason: str) -> None:
        self.stats.rejected += 1
        self.rejects.append(Reject(lineno, reject_text(line), reason))

    def _unknown_event(self, lineno: int, line: bytes, parts: list[bytes]) -> int | None:
        name = parts[4].strip()
        kind = _EVENTS.get(name)
        if kind is not None:  # e.g. "CONFIGRELOAD\r" at the end of a CRLF line
            if len(parts) > 5:
                parts[5] = parts[5].rstrip(b"\r\n")
            return kind
        if not _EVENT_NAME.fullmatch(name):
            self._reject(lineno, line, "not a queue_log line (no event name)")
            return None
        ignored = self.stats.ignored_events
        label = name.decode()
        if label in ignored or len(ignored) < _MAX_IGNORED_NAMES:
            ignored[label] += 1
        else:
            ignored["(other names)"] += 1
        return None

    def _ended(self, callid: bytes, visit: CallVisit) -> None:
        earlier = self._ended_now.get(callid)
        if earlier is not None:
            self.finished.append(earlier)
        self._ended_now[callid] = visit
        if visit.may_continue():
            self._chains[callid] = visit

    def _continue(self, callid: bytes, visit: CallVisit, last: CallVisit) -> None:
        """``visit`` goes on with the call whose visit ``last`` was: one call, counted on
        its first visit. A restart reads from that first visit's entry line."""
        self._chains.pop(callid, None)
        visit.first_queue = last.first_queue or last.queue
        visit.first_entered = last.entered if last.first_entered is None else \
            last.first_entered
        visit.offset, visit.line = last.offset, last.line

    def _close_without_exit(self, visit: CallVisit, why: str) -> None:
        visit.closed_without_exit = why
        if visit.answered is None:
            visit.outcome = UNKNOWN
        self.stats.closed_without_exit[why] += 1
        self._ended(visit.call_ref.encode(), visit)

    def _out_of_order(self, kind: int, t: float, parts: list[bytes], lineno: int, start: int,
                      callid: bytes, second: int) -> None:
        """An event that found no open visit of its call in its queue."""
        # A visit of the same queue that ended (or was closed for a re-entry) within
        # this very second: the line belongs to it.
        ended = self._ended_now.get(callid)
        if ended is not None and int(t) == second and ended.queue.encode() == parts[2]:
            if kind == _CONNECT:
                # CONNECT written after the line that ended the call (or after the
                # entry into the next queue).
                if ended.outcome in (ANSWERED, UNKNOWN):
                    _connect(ended, t, parts)
            elif ended.closed_without_exit == REENTERED and ended.ended is None:
                # Its end line came after the entry into the next queue.
                self.stats.closed_without_exit[REENTERED] -= 1
                ended.closed_without_exit = ""
                _APPLY[kind](ended, t, parts)
            return
        # Maybe its ENTERQUEUE comes later within this second: keep it until then.
        self._pending.setdefault(callid, []).append((kind, t, parts, lineno, start))

    def _replay(self, callid: bytes, visit: CallVisit, queue: bytes) -> None:
        waiting = self._pending.pop(callid)
        mine = sorted((p for p in waiting if p[2][2] == queue), key=lambda p: _RANK[p[0]])
        others = [p for p in waiting if p[2][2] != queue]
        if others:
            self._pending[callid] = others
        for kind, t, parts, lineno, _start in mine:
            entry = self._open.get(callid)
            if entry is None or entry[0] is not visit:
                self.stats.without_entry += 1
                continue
            try:
                ended = _APPLY[kind](visit, t, parts)
            except (TooLong, UnicodeDecodeError) as exc:
                reason = str(exc) if isinstance(exc, TooLong) else "not UTF-8 text"
                self._reject(lineno, b"|".join(parts), reason)
                continue
            if ended:
                del self._open[callid]
                self._ended(callid, visit)

    def _expire_pending(self) -> None:
        """Events whose entry never came within their second: no visit to apply them to."""
        self.stats.without_entry += sum(len(p) for p in self._pending.values())
        self._pending.clear()

    def _close_stale(self, now: float) -> None:
        chains = self._chains
        if chains:
            gone = now - CHAIN_GAP
            old = []
            for callid, last in chains.items():  # roughly in order of leaving
                if (last.ended or last.entered) >= gone:
                    break
                old.append(callid)
            for callid in old:
                del chains[callid]
        limit = now - self.horizon
        stale = []
        for callid, (visit, _queue) in self._open.items():  # in order of entry
            if visit.entered >= limit:
                break
            stale.append(callid)
        for callid in stale:
            self._close_without_exit(self._open.pop(callid)[0], HORIZON)

    def idle(self) -> None:
        """No line came for a while: the last second is over (follow mode)."""
        if self._ended_now:
            self.finished.extend(self._ended_now.values())
            self._ended_now.clear()
        if self._pending:
            self._expire_pending()

    def finish(self) -> None:
        """The end of a one-shot read: close every visit still open."""
        for visit, _queue in list(self._open.values()):
            self._close_without_exit(visit, END_OF_FILE)
        self._open.clear()
        self._chains.clear()  # a call that goes on after the end is not read here
        self.idle()

    def open_visits(self) -> int:
        return len(self._open)

    def rebase(self) -> None:
        """Reading moved to another file (rotation): what is still open can no longer be
        re-read from its entry line; a restart reads the new file from its start."""
        for visit, _queue in self._open.values():
            visit.offset, visit.line = 0, 1
        for visit in self._ended_now.values():
            visit.offset, visit.line = 0, 1
        for visit in self._chains.values():
            visit.offset, visit.line = 0, 1
        for callid, waiting in self._pending.items():
            self._pending[callid] = [(k, t, p, 1, 0) for k, t, p, _line, _start in waiting]

    def resume_point(self, offset: int, line: int) -> tuple[int, int]:
        """Where a restart must read from to complete what is still open.

        ``offset``/``line``: the position just after the last line fed. The answer is
        the start of the oldest entry still open or not handed out (its line number
        minus one lines lie before it), else that position.
        """
        best = (offset, line)
        # A later visit of a call starts at its first visit's entry, so every open one
        # is looked at (they are the calls waiting now: a few hundred at most).
        for visit, _queue in self._open.values():
            if visit.offset < best[0]:
                best = (visit.offset, visit.line - 1)
        for visit in self._chains.values():  # calls that may still go on
            if visit.offset < best[0]:
                best = (visit.offset, visit.line - 1)
        for visit in self._ended_now.values():
            if visit.offset < best[0]:
                best = (visit.offset, visit.line - 1)
        for waiting in self._pending.values():
            for _kind, _t, _parts, lineno, start in waiting:
                if start < best[0]:
                    best = (start, lineno - 1)
        return best


# --- what each event does to an open visit (True: the visit ended) ---------------------


def _answer_from_hold(visit: CallVisit, hold: int | None, end: float, talk: int | None,
                      agent: bytes) -> None:
    """An end line whose CONNECT was not read: the holdtime tells when it was answered."""
    name = visit.agent or _text(agent, AGENT_MAX, "the agent name")
    if hold is not None:
        visit.answered = visit.entered + hold
        visit.wait = hold
    elif talk is not None:
        visit.answered = max(visit.entered, end - talk)
        visit.wait = _since(visit.answered, visit.entered)
    else:
        visit.answered = end
        visit.wait = _since(end, visit.entered)
    visit.outcome = ANSWERED
    visit.agent = name


def _connect(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    data = parts[5].split(b"|", 1) if len(parts) > 5 else []
    hold = _num(data, 0)
    agent = _text(parts[3], AGENT_MAX, "the agent name")
    visit.answered = t
    visit.wait = hold if hold is not None else _since(t, visit.entered)
    visit.agent = agent
    visit.outcome = ANSWERED
    return False


def _complete(visit: CallVisit, t: float, parts: list[bytes], by: str) -> bool:
    data = parts[5].split(b"|") if len(parts) > 5 else []
    talk = _num(data, 1)
    if visit.answered is None:
        _answer_from_hold(visit, _num(data, 0), t, talk, parts[3])
    visit.talk = talk if talk is not None else _since(t, visit.answered or t)
    visit.ended = t
    visit.ended_by = by
    return True


def _complete_caller(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    return _complete(visit, t, parts, BY_CALLER)


def _complete_agent(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    return _complete(visit, t, parts, BY_AGENT)


def _transferred(visit: CallVisit, t: float, parts: list[bytes], to: bytes,
                 times_at: int) -> bool:
    data = parts[5].split(b"|") if len(parts) > 5 else []
    talk = _num(data, times_at + 1)
    target = _text(to, TRANSFER_MAX, "the transfer target")
    if visit.answered is None:
        _answer_from_hold(visit, _num(data, times_at), t, talk, parts[3])
    visit.talk = talk if talk is not None else _since(t, visit.answered or t)
    visit.ended = t
    visit.ended_by = BY_TRANSFER
    visit.transferred_to = target
    return True


def _transfer(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    # extension|context|holdtime|calltime|origposition
    data = parts[5].split(b"|", 1) if len(parts) > 5 else [b""]
    return _transferred(visit, t, parts, data[0], 2)


def _attended(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    # BRIDGE|bridge|hold|call|pos, APP|app|hold|call|pos, LINK|chan1|chan2|hold|call|pos
    data = parts[5].split(b"|") if len(parts) > 5 else [b""]
    target = data[1] if len(data) > 1 else b""
    return _transferred(visit, t, parts, target, 3 if data[0].strip() == b"LINK" else 2)


def _left(visit: CallVisit, t: float, parts: list[bytes], outcome: str, wait_at: int) -> bool:
    visit.ended = t
    if visit.answered is not None:  # an exit after an answer: keep the answer
        return True
    data = parts[5].split(b"|") if len(parts) > 5 else []
    wait = _num(data, wait_at)
    visit.wait = wait if wait is not None else _since(t, visit.entered)
    visit.outcome = outcome
    return True


def _abandon(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    return _left(visit, t, parts, ABANDONED, 2)


def _exit_timeout(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    return _left(visit, t, parts, TIMEOUT, 2)


def _exit_empty(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    return _left(visit, t, parts, EMPTY, 2)


def _exit_key(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    return _left(visit, t, parts, KEY, 3)


def _not_applied(visit: CallVisit, t: float, parts: list[bytes]) -> bool:
    raise AssertionError("entries and notes are not applied to a visit")


_APPLY = [_not_applied, _not_applied, _connect, _complete_caller, _complete_agent, _transfer,
          _attended, _abandon, _exit_timeout, _exit_empty, _exit_key]
