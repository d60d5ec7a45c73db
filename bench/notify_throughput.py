"""Benchmark: SMS from the outbox to an SMS centre over SMPP, on loopback.

    uv run python bench/notify_throughput.py                 # 10,000 messages
    uv run python bench/notify_throughput.py --messages 50000 --window 100
    uv run python bench/notify_throughput.py --ci            # 300 messages, quick

Starts the SMS-centre simulator (its own process), migrates a throwaway SQLite
database in a temporary directory (or uses ``DATABASE_URL`` when set: it must
be a database you can fill), and then:

1. queues N messages with ``do_notify``, each in its own business transaction,
   and reports the cost of the ``do_notify`` call inside it and of the commit;
2. runs the dispatcher (``dispatch_once`` passes, as ``telcodesk worker`` does, one
   worker) with the SMPP transport until every message is submitted and every
   delivery receipt is recorded, and reports messages per second;
3. for comparison, pushes N messages straight through the transport (no
   database) to show what the SMPP link alone sustains;
4. on a link with a configured rate (``--link-rate``, default 50/s) runs M more
   messages (``--rated-messages``) through the dispatcher three times: the SMS
   centre accepting everything; throttling one submit in five
   (``ESME_RTHROTTLED``); and allowing only a quarter of the configured rate.
   It reports messages per second and the share of the configured rate (the
   throttled case must keep at least 70 %, the slow one should reach about what
   the SMS centre allows), and checks that no message failed, no throttle used
   up an attempt and every message was accepted exactly once.

Prints the figures, the window and rate limit used, and the machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

TARGET = 1000  # messages per second on one worker
THROTTLED_SHARE = 0.70  # of the configured rate, with one submit in five throttled


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000, help="N (default 10000)")
    parser.add_argument("--window", type=int, default=50,
                        help="outstanding submit_sm (default 50)")
    parser.add_argument("--rate", type=float, default=0,
                        help="submit_sm per second the link allows, 0 = no limit (default)")
    parser.add_argument("--batch-size", type=int, default=500,
                        help="messages per dispatcher pass (default 500)")
    parser.add_argument("--link-rate", type=float, default=50,
                        help="configured rate of the throttling runs, per second (default 50)")
    parser.add_argument("--rated-messages", type=int, default=1000,
                        help="messages per throttling run (default 1000)")
    parser.add_argument("--ci", action="store_true",
                        help="a small run (300 messages, 150 per throttling run) so the "
                             "benchmark never rots")
    args = parser.parse_args()
    if args.ci:
        args.messages = 300
        args.rated_messages = 150

    tmp: Path | None = None
    if not os.environ.get("DATABASE_URL"):
        tmp = Path(tempfile.mkdtemp(prefix="telcodesk-bench-"))
        os.environ["TELCODESK_VAR_DIR"] = str(tmp)
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "telcodesk.settings")
    os.environ.setdefault("TELCODESK_LOG_LEVEL", "WARNING")
    try:
        return run(args)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.db.models import Count

    from telcodesk.core.clock import now
    from telcodesk.core.models import Channel
    from telcodesk.notify.dispatcher import dispatch_once
    from telcodesk.notify.models import OutboxMessage, State
    from telcodesk.notify.services import do_notify
    from telcodesk.notify.simulator import SimulatorProcess
    from telcodesk.notify.transports.base import OutgoingSms, SubmitStatus
    from telcodesk.notify.transports.smpp import SmppTransport

    call_command("migrate", interactive=False, verbosity=0)
    if OutboxMessage.objects.exists():
        print("the database already holds outbox messages; use an empty one", file=sys.stderr)
        return 1
    n = args.messages
    engine = connection.vendor

    # 1. do_notify inside business transactions
    call_costs: list[float] = []
    commit_costs: list[float] = []
    at = now()
    started = time.perf_counter()
    for i in range(n):
        with transaction.atomic():
            t0 = time.perf_counter()
            do_notify(now=at, kind="free_text", recipient=f"+86189{i:08d}",
                      context={"text": f"您的订单{i}已受理，装机师傅将在24小时内与您联系。"},
                      dedupe_key=f"bench:{i}", channel=Channel.SYSTEM, language="zh-hans")
            t1 = time.perf_counter()
        call_costs.append(t1 - t0)
        commit_costs.append(time.perf_counter() - t1)
    queue_seconds = time.perf_counter() - started
    segments = sum(OutboxMessage.objects.values_list("segments", flat=True))

    with SimulatorProcess() as smsc:
        url = smsc.url(window=args.window, rate=args.rate or 0)
        # 2. outbox -> dispatcher -> SMPP -> simulator, receipts back
        transport = SmppTransport.from_url(url)
        transport.open()
        passes = 0
        dispatch_started = time.perf_counter()
        all_submitted: float | None = None
        deadline = dispatch_started + max(120.0, n / 50)
        while time.perf_counter() < deadline:
            stats = dispatch_once(transport=transport, now=now(), owner="bench",
                                  batch_size=args.batch_size)
            passes += 1
            if stats.claimed:
                continue
            if all_submitted is None:
                if OutboxMessage.objects.filter(
                        state__in=[State.QUEUED, State.SENDING]).exists():
                    continue
                all_submitted = time.perf_counter()
            if not OutboxMessage.objects.filter(state=State.SUBMITTED).exists():
                break
            transport.wait_for_receipts(transport.stats["receipts"] + 1, timeout=1.0)
        all_settled = time.perf_counter()
        transport.close()
        status = smsc.status()
        states = dict(OutboxMessage.objects.values_list("state").annotate(
            n=Count("pk")).values_list("state", "n"))

        # 3. the SMPP link alone, no database
        smsc.command("reset")
        link_only = SmppTransport.from_url(url)
        link_only.open()
        body = "您的订单已受理，装机师傅将在24小时内与您联系。"
        batch = [OutgoingSms(outbox_id=i, dedupe_key=f"raw:{i}", recipient=f"+86189{i:08d}",
                             sender="10000", body=body) for i in range(n)]
        raw_started = time.perf_counter()
        raw_ok = 0
        for first in range(0, n, args.batch_size):
            results = link_only.submit_batch(batch[first:first + args.batch_size])
            raw_ok += sum(1 for r in results if r.status == SubmitStatus.SUBMITTED)
            link_only.poll_receipts()
        raw_seconds = time.perf_counter() - raw_started
        link_only.close()

        # 4. a rate-limited link: no throttling, one submit in five throttled, a slow SMSC
        rated = [
            rated_run(smsc, label="accepting everything", rules={}, args=args),
            rated_run(smsc, label="throttling one submit in five", rules={"every": 5},
                      args=args),
            rated_run(smsc, label=f"allowing only {args.link_rate / 4:g}/s",
                      rules={"rate": args.link_rate / 4}, args=args, allowed=args.link_rate / 4),
        ]

    submit_seconds = (all_submitted or all_settled) - dispatch_started
    settle_seconds = all_settled - dispatch_started
    rate = n / submit_seconds
    micro = [c * 1e6 for c in call_costs]
    commit_micro = [c * 1e6 for c in commit_costs]
    print(f"notify throughput: {n} messages ({segments} segments), "
          f"window {args.window}, rate limit {args.rate or 'none'}"
          f"{'/s' if args.rate else ''}, batch {args.batch_size}, one worker")
    print(f"  do_notify in a business transaction: {statistics.mean(micro):.0f} µs per call "
          f"(median {statistics.median(micro):.0f}, p99 {percentile(micro, 99):.0f}); "
          f"commit {statistics.mean(commit_micro):.0f} µs; "
          f"{n / queue_seconds:.0f} transactions/s")
    print(f"  outbox -> simulator over SMPP: {rate:.0f} messages/s "
          f"({segments / submit_seconds:.0f} segments/s), all submitted in "
          f"{submit_seconds:.2f} s over {passes} passes")
    print(f"  receipts recorded: all settled after {settle_seconds:.2f} s "
          f"({n / settle_seconds:.0f} messages/s end to end); states {states}")
    print(f"  SMPP link alone (no database): {raw_ok / raw_seconds:.0f} messages/s "
          f"({raw_ok} of {n} submitted)")
    print(f"  simulator: {status['accepted']} accepted, {status['throttled']} throttled, "
          f"{status['receipts_sent']} receipts sent, {status['binds']} binds")
    print(f"  target {TARGET} messages/s on one worker: {'met' if rate >= TARGET else 'NOT met'}")
    print(f"  link rate {args.link_rate:g}/s, {args.rated_messages} messages per run, "
          f"window {args.window}, batch {args.batch_size}:")
    for run_result in rated:
        print("    " + run_result.line(args.link_rate))
    throttled = rated[1]
    share = throttled.rate / args.link_rate
    print(f"  target {THROTTLED_SHARE:.0%} of the link rate with one submit in five throttled: "
          f"{'met' if share >= THROTTLED_SHARE else 'NOT met'} ({share:.0%})")
    print(f"  Python {platform.python_version()} on {platform.platform()}, "
          f"{os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; "
          f"database {engine}")
    if states != {State.DELIVERED: n} or raw_ok != n:
        print("error: not every message was delivered", file=sys.stderr)
        return 1
    for run_result in rated:
        if run_result.problems:
            print(f"error: {run_result.label}: {'; '.join(run_result.problems)}",
                  file=sys.stderr)
            return 1
    return 0


@dataclass
class RatedRun:
    label: str
    messages: int
    seconds: float
    throttled: int
    submits: int
    allowed: float | None
    problems: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    def line(self, link_rate: float) -> str:
        allowed = (f", {self.rate / self.allowed:.0%} of the {self.allowed:g}/s allowed"
                   if self.allowed else "")
        return (f"SMS centre {self.label}: {self.rate:.1f} messages/s = "
                f"{self.rate / link_rate:.0%} of the link rate{allowed}; "
                f"{self.submits} submit_sm, {self.throttled} throttled")


_rated_runs = 0


def rated_run(smsc, *, label: str, rules: dict, args: argparse.Namespace,
              allowed: float | None = None) -> RatedRun:
    """M fresh messages through the dispatcher on a link limited to ``--link-rate``."""
    from django.db import transaction
    from django.db.models import Count

    from telcodesk.core.clock import now
    from telcodesk.core.models import Channel
    from telcodesk.notify.dispatcher import dispatch_once
    from telcodesk.notify.models import OutboxMessage, State
    from telcodesk.notify.services import do_notify
    from telcodesk.notify.transports.smpp import SmppTransport

    global _rated_runs
    _rated_runs += 1
    prefix = f"rated{_rated_runs}:"
    m = args.rated_messages
    at = now()
    with transaction.atomic():
        for i in range(m):
            do_notify(now=at, kind="free_text", recipient=f"+86177{i:08d}",
                      context={"text": f"您的订单{i}已受理。"}, dedupe_key=f"{prefix}{i}",
                      channel=Channel.SYSTEM, language="zh-hans")
    smsc.command("reset")
    if rules:
        smsc.command("throttle", **rules)
    transport = SmppTransport.from_url(smsc.url(window=args.window, rate=args.link_rate))
    transport.open()
    rows = OutboxMessage.objects.filter(dedupe_key__startswith=prefix)
    started = time.perf_counter()
    deadline = started + max(120.0, 10 * m / args.link_rate)
    while time.perf_counter() < deadline:
        stats = dispatch_once(transport=transport, now=now(), owner="bench-rated",
                              batch_size=args.batch_size, clock_now=now)
        if not stats.claimed and not rows.filter(
                state__in=[State.QUEUED, State.SENDING]).exists():
            break
    seconds = time.perf_counter() - started
    transport.close()
    status = smsc.status()
    dump = smsc.dump()
    result = RatedRun(label=label, messages=m, seconds=seconds, throttled=status["throttled"],
                      submits=status["submits"], allowed=allowed)
    states = dict(rows.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    if set(states) - {State.SUBMITTED, State.DELIVERED} or sum(states.values()) != m:
        result.problems.append(f"not every message submitted: {states}")
    if rows.exclude(attempts=1).exists():
        result.problems.append("a message used more than one attempt")
    copies = [message["copies"] for message in dump["messages"]]
    if len(copies) != m or set(copies) != {1}:
        result.problems.append(f"{len(copies)} distinct messages accepted, "
                               f"{sum(c - 1 for c in copies)} repeats")
    return result


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


if __name__ == "__main__":
    sys.exit(main())
