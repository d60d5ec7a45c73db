"""``telcodesk worker`` as real processes on a fresh database with the file sink.

Two workers share the outbox: every message is claimed once (one attempt each)
and written once; SIGTERM stops a worker cleanly; a SIGKILLed worker's claimed
messages are taken over after their lease and still appear once in the file.
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from pathlib import Path

from tests.notify.support import outbox_states, wait_until

QUEUE = """
import os
from django.db import transaction
from telcodesk.core.clock import now
from telcodesk.core.models import Channel
from telcodesk.notify.services import do_notify
first, count, step = (int(x) for x in os.environ["QUEUE_RANGE"].split(":"))
keys = range(first, first + count) if step > 0 else reversed(range(first, first + count))
at = now()
for n in keys:
    with transaction.atomic():  # one business event, one transaction
        do_notify(now=at, kind="payment_received", recipient=f"+86189{n:08d}",
                  context={"number": f"189{n:08d}", "time": at, "amount": "50.00",
                           "balance": "80.00"},
                  dedupe_key=f"payment:{n}", channel=Channel.SYSTEM)
"""

REPORT = """
import json
from django.db.models import Count, Max
from telcodesk.notify.models import OutboxMessage, SmscMessageId
rows = OutboxMessage.objects.values("state").annotate(n=Count("pk"))
print(json.dumps({"states": {r["state"]: r["n"] for r in rows},
                  "max_attempts": OutboxMessage.objects.aggregate(m=Max("attempts"))["m"],
                  "smsc_ids": SmscMessageId.objects.count()}))
"""


def lines(sink: Path) -> list[dict]:
    """The sink's complete lines: workers may be writing the last one (a read can end in
    the middle of a line, even of a character), which counts once its newline is there."""
    if not sink.exists():
        return []
    written = sink.read_bytes()
    complete = written[:written.rfind(b"\n") + 1].decode("utf-8")
    return [json.loads(line) for line in complete.splitlines() if line.strip()]


def report(run_cli) -> dict:
    done = run_cli("manage", "shell", "-c", REPORT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def queue(run_cli, first: int, count: int, step: int = 1) -> subprocess.Popen[str]:
    return run_cli.spawn("manage", "shell", "-c", QUEUE,
                         env={"QUEUE_RANGE": f"{first}:{count}:{step}"},
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stop(worker: subprocess.Popen[str]) -> str:
    worker.send_signal(signal.SIGTERM)
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    assert "worker: stopped" in out
    return out


def test_two_workers_send_every_message_exactly_once_and_stop_on_sigterm(run_cli, tmp_path):
    # Two producers queue the same 300 events at the same time, in opposite orders:
    # the dedupe keys leave one message per event.
    producers = [queue(run_cli, 0, 300, 1), queue(run_cli, 0, 300, -1)]
    for producer in producers:
        _, err = producer.communicate(timeout=120)
        assert producer.returncode == 0, err
    assert report(run_cli)["states"] == {"queued": 300}

    sink = tmp_path / "sms.jsonl"
    env = {"TELCODESK_SMS_URL": f"file://{sink}"}
    workers = [run_cli.spawn("worker", "--batch-size", "10", env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE) for _ in range(2)]
    try:
        wait_until(lambda: len(lines(sink)) >= 300, timeout=120, what="300 lines in the sink")
        wait_until(lambda: outbox_states(run_cli.database_url) == {"delivered": 300},
                   timeout=120,
                   what="every message delivered")
    finally:
        outputs = [stop(worker) for worker in workers]
    assert all("SMS via file" in out for out in outputs)
    written = Counter(line["dedupe_key"] for line in lines(sink))
    assert set(written) == {f"payment:{n}" for n in range(300)}
    assert set(written.values()) == {1}
    figures = report(run_cli)
    # Each message was claimed once (one attempt) and submitted once (one id).
    assert figures["max_attempts"] == 1
    assert figures["smsc_ids"] == 300


def test_a_killed_workers_messages_are_taken_over_and_written_once(run_cli, tmp_path):
    producer = queue(run_cli, 0, 1500)
    _, err = producer.communicate(timeout=180)
    assert producer.returncode == 0, err
    sink = tmp_path / "sms.jsonl"
    env = {"TELCODESK_SMS_URL": f"file://{sink}", "TELCODESK_SMS_LEASE_SECONDS": "2"}
    first = run_cli.spawn("worker", "--batch-size", "25", env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
    wait_until(lambda: len(lines(sink)) >= 50, timeout=120, what="the first worker to start")
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    second = run_cli.spawn("worker", "--batch-size", "25", env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
    try:
        wait_until(lambda: outbox_states(run_cli.database_url) == {"delivered": 1500},
                   timeout=180,
                   what="every message delivered after the takeover")
    finally:
        stop(second)
    written = Counter(line["dedupe_key"] for line in lines(sink))
    assert len(written) == 1500
    assert set(written.values()) == {1}


def test_worker_refuses_an_unknown_transport_url(run_cli):
    done = run_cli("worker", env={"TELCODESK_SMS_URL": "http://example/sms"}, timeout=60)
    assert done.returncode == 1
    assert "TELCODESK_SMS_URL" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sms_send_and_resend_from_the_command_line(run_cli):
    sent = run_cli("sms", "send", "13812345678", "Line work tonight 22:00-02:00.")
    assert sent.returncode == 0, sent.stderr
    assert "138****5678" in sent.stdout and "queued" in sent.stdout
    bad = run_cli("sms", "send", "12", "x")
    assert bad.returncode == 1 and "not a valid phone number" in bad.stderr
    not_failed = run_cli("sms", "resend", "1")
    assert not_failed.returncode == 1
    assert "only failed, undeliverable or expired" in not_failed.stderr
