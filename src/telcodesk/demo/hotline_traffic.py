"""Synthetic 10000-hotline traffic written as an Asterisk ``queue_log``.

Deterministic (one ``random.Random(seed)``) and streamed one day at a time, so
a file of any size is written in constant memory. What it models:

- arrivals by hour of day (night low, a morning and an afternoon peak, a
  smaller evening one), more calls on Mondays, fewer at weekends;
- a few outage days (about one a month): a surge of repair and fixed-line calls
  for some hours after the outage starts, with longer waits; more calls the
  next day;
- the skill-group queues of the default IVR (``10000-mobile`` … ``10000-vip``);
- waits that grow with the load of the hour; caller patience: a few hang up
  within seconds, others only after a long wait (``ABANDON``); a queue timeout
  (``EXITWITHTIMEOUT``), callers pressing a key to leave (``EXITWITHKEY``), the
  government desk empty at night (``EXITEMPTY``);
- ``RINGNOANSWER`` before ``CONNECT`` when the first agent rung did not pick up;
  calls ended by the caller or the agent; blind transfers to another queue (the
  call enters that queue again, same call id) and attended transfers;
- ``DID`` lines, agents joining and leaving queues and pausing (``callid`` NONE).

Calling numbers come from ``numbers`` (E.164, e.g. real subscribers, so the
calls link to customers) and from unknown mobiles and fixed lines; a few are
anonymous. Tuned so the figures look like the 2011 report's 10000 line: about
7 s average answer, about 90 % answered within 15 s, a few % abandoned.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path

QUEUES = ("10000-mobile", "10000-fixed", "10000-repair", "10000-complaint", "10000-gov",
          "10000-vip")
_QUEUE_WEIGHTS = (34, 16, 24, 10, 6, 10)
_AGENTS_PER_QUEUE = {"10000-mobile": 14, "10000-fixed": 8, "10000-repair": 12,
                     "10000-complaint": 6, "10000-gov": 4, "10000-vip": 5}
# Share of a day's calls per hour (0-23): night low, peaks at 9-11 and 14-16.
_HOUR_WEIGHTS = (0.6, 0.35, 0.25, 0.2, 0.2, 0.35, 0.9, 2.6, 5.2, 7.6, 8.2, 7.4, 5.6, 5.4,
                 7.0, 7.5, 7.0, 6.0, 4.6, 4.4, 4.6, 3.8, 2.4, 1.2)
_PEAK = max(_HOUR_WEIGHTS)
# Monday .. Sunday.
_WEEKDAY_FACTORS = (1.3, 1.05, 1.0, 1.0, 0.98, 0.8, 0.72)
OUTAGE_EVERY_DAYS = 30
QUEUE_TIMEOUT = 180  # seconds a caller may wait before the queue lets them go
_QUICK_HANGUP = 0.012  # share of callers who hang up within a few seconds
_PATIENCE_MEAN = 40.0  # seconds, for everybody else
_KEY_EXIT = 0.004
_STUCK = 0.001  # share of callers left in the queue until its timeout
_TRANSFER = 0.05
_DAY = 86_400


def _national(number: str) -> str:
    """E.164 → the digits Asterisk shows as caller id (13812345678, 03517654321)."""
    if number.startswith("+86"):
        rest = number[3:]
        return rest if rest.startswith("1") else f"0{rest}"
    return number.lstrip("+")


class _Traffic:
    def __init__(self, *, start: dt.datetime, days: int, calls_per_day: float, seed: int,
                 numbers: Sequence[str]) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be an aware datetime")
        self.rng = random.Random(seed)
        self.zone = start.tzinfo
        self.first_day = start.date()
        self.days = days
        self.calls_per_day = calls_per_day
        self.known = [_national(n) for n in numbers]
        self.seq = 0
        self.outages = self._outage_days()
        self.agents = {q: [f"PJSIP/8{index + 1:01d}{i:02d}" for i in range(count)]
                       for index, (q, count) in enumerate(_AGENTS_PER_QUEUE.items())}
        self.queue_cum = list(_cumulative(_QUEUE_WEIGHTS))
        self.hour_cum = list(_cumulative(_HOUR_WEIGHTS))

    def _outage_days(self) -> dict[int, int]:
        """Day index → hour the outage starts."""
        count = max(1, self.days // OUTAGE_EVERY_DAYS) if self.days >= 14 else 0
        chosen = self.rng.sample(range(1, max(2, self.days - 1)), min(count, self.days - 1)) \
            if count else []
        return {day: self.rng.randint(8, 17) for day in chosen}

    def midnight(self, index: int) -> int:
        day = self.first_day + dt.timedelta(days=index)
        return int(dt.datetime.combine(day, dt.time(0), self.zone).timestamp())

    # --- one day ------------------------------------------------------------------

    def day_events(self, index: int) -> list[tuple[int, int, int, str]]:
        """(time, call sequence, step, line) of every line the day's calls write."""
        rng = self.rng
        midnight = self.midnight(index)
        day_length = self.midnight(index + 1) - midnight
        weekday = (self.first_day + dt.timedelta(days=index)).weekday()
        volume = self.calls_per_day * _WEEKDAY_FACTORS[weekday] * rng.gauss(1.0, 0.06)
        if index - 1 in self.outages:
            volume *= 1.3
        events: list[tuple[int, int, int, str]] = []
        self._agent_shifts(midnight, day_length, events)
        scale = day_length / _DAY
        arrivals: list[tuple[int, int, float, float, int]] = []
        for _ in range(max(0, round(volume))):
            hour = _pick(self.hour_cum, rng.random())
            at = midnight + int((hour + rng.random()) * 3600 * scale)
            load = _HOUR_WEIGHTS[hour] / _PEAK
            arrivals.append((at, _pick(self.queue_cum, rng.random()), load, 1.0, hour))
        outage = self.outages.get(index)
        if outage is not None:
            # The surge: half a day's volume more, decaying over the hours after the outage.
            for _ in range(round(self.calls_per_day * 0.5)):
                after = min(rng.expovariate(1 / 7200), 10 * 3600)
                at = midnight + int(outage * 3600 * scale + after)
                queue = 2 if rng.random() < 0.7 else 1  # repair, else fixed
                hour = min(23, int((at - midnight) / scale) // 3600)
                arrivals.append((at, queue, 1.0, 2.6 - 1.4 * after / (10 * 3600), hour))
        arrivals.sort()
        for at, queue, load, strain, hour in arrivals:
            self._call(at, queue, load, strain, hour, events)
        return events

    def _agent_shifts(self, midnight: int, day_length: int,
                      events: list[tuple[int, int, int, str]]) -> None:
        rng = self.rng
        for queue, agents in self.agents.items():
            for i, agent in enumerate(agents):
                day_shift = i % 3 != 2
                begin = midnight + (8 if day_shift else 16) * 3600 - rng.randint(0, 900)
                end = begin + 9 * 3600 + rng.randint(0, 1800)
                lunch = begin + 4 * 3600 + rng.randint(0, 1800)
                for at, event, data in ((begin, "ADDMEMBER", ""), (lunch, "PAUSE", "lunch"),
                                        (lunch + 1800 + rng.randint(0, 900), "UNPAUSE", ""),
                                        (min(end, midnight + day_length - 1), "REMOVEMEMBER",
                                         "")):
                    events.append((at, 0, 0, f"{at}|NONE|{queue}|{agent}|{event}|{data}\n"))

    def _caller(self) -> str:
        rng = self.rng
        draw = rng.random()
        if draw < 0.015:
            return "anonymous"
        if self.known and draw < 0.6:
            return self.known[int(rng.random() * len(self.known))]
        if draw < 0.85:
            return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        return f"0351{rng.randrange(2_000_000, 8_000_000)}"

    def _call(self, at: int, queue_index: int, load: float, strain: float, hour: int,
              events: list[tuple[int, int, int, str]]) -> None:
        rng = self.rng
        self.seq += 1
        seq = self.seq
        callid = f"{at - rng.randint(3, 25)}.{seq}"
        caller = self._caller()
        queue = QUEUES[queue_index]
        position = 1 + int(rng.expovariate(1 / (0.5 + 3 * load * strain)))
        events.append((at, seq, 0, f"{at}|{callid}|{queue}|NONE|DID|10000\n"))
        step = self._visit(at, seq, callid, queue, caller, position, load, strain, hour,
                           events, 1)
        if step is not None:  # blind transfer: the call enters the next queue
            again, target = step
            self._visit(again, seq, callid, target, caller, 1, load, strain, hour, events, 10)

    def _visit(self, at: int, seq: int, callid: str, queue: str, caller: str, position: int,
               load: float, strain: float, hour: int,
               events: list[tuple[int, int, int, str]], step: int) -> tuple[int, str] | None:
        rng = self.rng
        add = events.append
        add((at, seq, step, f"{at}|{callid}|{queue}|NONE|ENTERQUEUE||{caller}|{position}\n"))
        head = f"|{callid}|{queue}|"
        if queue == "10000-gov" and hour < 7 and rng.random() < 0.25:  # the desk is closed
            gone = at + rng.randint(0, 2)
            add((gone, seq, step + 5, f"{gone}{head}NONE|EXITEMPTY|1|1|{gone - at}\n"))
            return None
        theta = (1.4 + 2.9 * load) * strain
        wait = 1 + int(rng.gammavariate(2.0, theta))
        if rng.random() < _QUICK_HANGUP:
            patience = rng.randint(1, 4)
        else:
            patience = 10 + int(rng.expovariate(1 / _PATIENCE_MEAN))
        if rng.random() < _STUCK * strain:  # every agent busy for minutes: the queue gives up
            wait, patience = QUEUE_TIMEOUT + 1, QUEUE_TIMEOUT + 60
        agents = self.agents[queue]
        if wait > 20 and rng.random() < _KEY_EXIT * 10 * strain:
            gone = at + rng.randint(15, min(wait, QUEUE_TIMEOUT))
            add((gone, seq, step + 5,
                 f"{gone}{head}NONE|EXITWITHKEY|1|{position}|{position}|{gone - at}\n"))
            return None
        if patience < wait and patience < QUEUE_TIMEOUT:
            gone = at + patience
            add((gone, seq, step + 5,
                 f"{gone}{head}NONE|ABANDON|{max(1, position - 1)}|{position}|{patience}\n"))
            return None
        if wait >= QUEUE_TIMEOUT:
            gone = at + QUEUE_TIMEOUT
            add((gone, seq, step + 5,
                 f"{gone}{head}NONE|EXITWITHTIMEOUT|1|{position}|{QUEUE_TIMEOUT}\n"))
            return None
        answered = at + wait
        agent = agents[int(rng.random() * len(agents))]
        ring = min(wait, rng.randint(1, 4))
        if wait > 6 and rng.random() < 0.3:
            missed = agents[int(rng.random() * len(agents))]
            rung = min(15, wait - ring - 1)
            if missed != agent and rung > 0:
                at_ring = answered - ring - 1
                add((at_ring, seq, step + 1,
                     f"{at_ring}{head}{missed}|RINGNOANSWER|{rung * 1000}\n"))
        add((answered, seq, step + 2,
             f"{answered}{head}{agent}|CONNECT|{wait}|{answered - ring}.{seq}1|{ring}\n"))
        talk = max(5, int(rng.lognormvariate(math.log(150), 0.8)))
        if queue in ("10000-complaint", "10000-vip"):
            talk = int(talk * 1.5)
        end = answered + talk
        draw = rng.random()
        if draw < _TRANSFER and queue in ("10000-mobile", "10000-fixed", "10000-vip"):
            target = "10000-complaint" if rng.random() < 0.5 else "10000-repair"
            if rng.random() < 0.6:
                add((end, seq, step + 3, f"{end}{head}{agent}|BLINDTRANSFER|{target}|"
                                         f"from-queue|{wait}|{talk}|{position}\n"))
                return end + rng.randint(1, 3), target
            add((end, seq, step + 3, f"{end}{head}{agent}|ATTENDEDTRANSFER|BRIDGE|"
                                     f"{seq:x}-bridge|{wait}|{talk}|{position}\n"))
            return None
        event = "COMPLETECALLER" if draw < 0.62 else "COMPLETEAGENT"
        add((end, seq, step + 3, f"{end}{head}{agent}|{event}|{wait}|{talk}|{position}\n"))
        return None


def _cumulative(weights: Sequence[float]) -> Iterator[float]:
    total = sum(weights)
    running = 0.0
    for w in weights:
        running += w / total
        yield running


def _pick(cumulative: list[float], draw: float) -> int:
    for index, edge in enumerate(cumulative):
        if draw < edge:
            return index
    return len(cumulative) - 1


def iter_queue_log_days(*, start: dt.datetime, days: int, calls_per_day: float, seed: int,
                        numbers: Sequence[str] = ()) -> Iterator[list[str]]:
    """The log's lines (with their newline), one list per day, in time order.

    ``start`` is an aware instant; its local date is the first day. Lines of calls
    still going on at midnight come with the next day; the last day's list carries
    every remaining line.
    """
    traffic = _Traffic(start=start, days=days, calls_per_day=calls_per_day, seed=seed,
                       numbers=numbers)
    carried: list[tuple[int, int, int, str]] = []
    first = traffic.midnight(0)
    for index in range(days):
        events = carried + traffic.day_events(index)
        events.sort()
        if index == 0:
            events.insert(0, (first, 0, 0, f"{first}|NONE|NONE|NONE|QUEUESTART|\n"))
        end = traffic.midnight(index + 1) if index < days - 1 else None
        if end is None:
            carried = []
            yield [e[3] for e in events]
        else:
            cut = next((i for i, e in enumerate(events) if e[0] >= end), len(events))
            carried = events[cut:]
            yield [e[3] for e in events[:cut]]


def write_queue_log(path: str | Path, *, start: dt.datetime, days: int, calls_per_day: float,
                    seed: int, numbers: Sequence[str] = (), max_lines: int | None = None) -> int:
    """Write the log to ``path`` (streamed, constant memory); return the lines written.

    With ``max_lines`` the file stops after that many lines (the last calls may be
    cut short: their exit lines are missing, as in a log read while it grows).
    """
    written = 0
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        for lines in iter_queue_log_days(start=start, days=days, calls_per_day=calls_per_day,
                                         seed=seed, numbers=numbers):
            if max_lines is not None and written + len(lines) >= max_lines:
                out.writelines(lines[:max_lines - written])
                written = max_lines
                break
            out.writelines(lines)
            written += len(lines)
    return written
