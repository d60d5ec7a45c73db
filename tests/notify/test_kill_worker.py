"""Nothing lost: SIGKILL the worker while SMS are in flight over SMPP, start it again.

The worker is the real ``telcodesk worker`` process on a fresh database, the SMS
centre is the simulator process. The worker is killed with messages claimed,
submitted and partly answered but not recorded. After a restart every message
must have reached the subscriber; a message the SMS centre had already accepted
may arrive twice, but each repeat carries its dedupe key (as an opaque digest, so
the subscriber side can drop it), and at most one window of messages can be
repeated, although the worker claims a much larger batch (its default, 200).
"""

from __future__ import annotations

import json
import signal
import subprocess
from collections import Counter
from pathlib import Path

from telcodesk.notify.simulator import SimulatorProcess
from tests.notify.support import outbox_states, wait_until

N = 300
WINDOW = 10  # submits outstanding; the worker claims its default batch (200), far more

QUEUE = """
import os
from django.db import transaction
from telcodesk.core.clock import now
from telcodesk.core.models import Channel
from telcodesk.notify.services import do_notify
long = ("尊敬的客户，您的宽带装机工单已派发，装维师傅将于明天上午九点至十二点上门安装，"
        "请保持电话畅通；如需改约请回复本短信或拨打客服热线10000，感谢您的支持与配合。")
at = now()
for n in range(int(os.environ["QUEUE_COUNT"])):
    with transaction.atomic():
        do_notify(now=at, kind="free_text", recipient=f"+86189{n:08d}",
                  context={"text": long if n % 10 == 0 else f"您的订单{n}已受理。"},
                  dedupe_key=f"order:{n}", channel=Channel.SYSTEM, language="zh-hans")
"""

REPORT = """
import json
from django.db.models import Count
from telcodesk.notify.models import OutboxMessage, SmscMessageId
from telcodesk.notify.services import wire_key
rows = OutboxMessage.objects.values("state").annotate(n=Count("pk"))
ids = {}
for key, segment, message_id in SmscMessageId.objects.order_by("outbox_id", "segment") \\
        .values_list("outbox__dedupe_key", "segment", "message_id"):
    ids.setdefault(key, []).append(message_id)
segments = dict(OutboxMessage.objects.values_list("dedupe_key", "segments"))
wire = {key: wire_key(key) for key in segments}
print(json.dumps({"states": {r["state"]: r["n"] for r in rows}, "ids": ids,
                  "segments": segments, "wire": wire}))
"""


def report(run_cli) -> dict:
    done = run_cli("manage", "shell", "-c", REPORT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_worker(run_cli, env: dict[str, str], log: Path) -> subprocess.Popen[str]:
    out = log.open("a", encoding="utf-8")
    try:
        return run_cli.spawn("worker", env=env, stdout=out, stderr=subprocess.STDOUT)
    finally:
        out.close()  # the child has its own copy


def test_a_killed_worker_loses_nothing_and_repeats_are_detectable(run_cli, tmp_path, capsys):
    queued = run_cli("manage", "shell", "-c", QUEUE, env={"QUEUE_COUNT": str(N)}, timeout=300)
    assert queued.returncode == 0, queued.stderr
    keys = {f"order:{n}" for n in range(N)}
    log = tmp_path / "worker.log"

    with SimulatorProcess() as smsc:
        # Answers take a moment and the link is rate limited: a full window is in flight.
        smsc.command("ack_delay", seconds=0.05)
        env = {"TELCODESK_SMS_URL": smsc.url(window=WINDOW, rate=100),
               "TELCODESK_SMS_LEASE_SECONDS": "2",
               "TELCODESK_SMS_RETRY_BASE_SECONDS": "1"}
        first = start_worker(run_cli, env, log)
        try:
            smsc.wait_for("accepted", N // 3, timeout=120)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        at_kill = report(run_cli)
        accepted_at_kill = smsc.status()["accepted"]
        in_flight = at_kill["states"].get("sending", 0)
        assert accepted_at_kill > 0 and in_flight > WINDOW, \
            "the worker was killed before or after the interesting part"

        second = start_worker(run_cli, env, log)
        try:
            wait_until(lambda: outbox_states(run_cli.database_url) == {"delivered": N},
                       timeout=240,
                       what=f"all {N} messages delivered after the restart")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
        assert second.returncode == 0, log.read_text(encoding="utf-8")[-3000:]
        dump = smsc.dump()

    # On the wire every key is an opaque digest: map it back to ours.
    final = report(run_cli)
    ours = {digest: key for key, digest in final["wire"].items()}
    assert len(ours) == N
    for submit in dump["submits"]:
        submit["dedupe_key"] = ours[submit["dedupe_key"]]  # KeyError: an unknown key
    for message in dump["messages"]:
        message["dedupe_key"] = ours[message["dedupe_key"]]

    # The subscriber's side: every message arrived, whole.
    messages = dump["messages"]
    assert all(m["complete"] for m in messages)
    assert {m["dedupe_key"] for m in messages} == keys
    # Every accepted segment carried a known key, so a repeat is recognisable...
    accepted = [s for s in dump["submits"] if s["status"] == "ESME_ROK"]
    assert {s["dedupe_key"] for s in accepted} == keys
    # ...and only what the killed worker held can have been repeated.
    repeats = {m["dedupe_key"]: m["copies"] - 1 for m in messages if m["copies"] > 1}
    assert sum(repeats.values()) <= WINDOW

    # The database's side: every row delivered once, with one set of SMS-centre ids,
    # and those are ids the SMS centre gave for that very message.
    assert final["states"] == {"delivered": N}
    assert set(final["ids"]) == keys
    assert all(len(final["ids"][key]) == final["segments"][key] for key in keys)
    assert len({(s["dedupe_key"], s["seqnum"]) for s in accepted}) == sum(
        final["segments"].values())  # every segment of every message reached the phone
    ids_of_part = {m["dedupe_key"]: m["message_ids"] for m in messages}  # [part][copy]
    for key, ids in final["ids"].items():
        assert all(mid in ids_of_part[key][part] for part, mid in enumerate(ids))
    all_ids = Counter(i for ids in final["ids"].values() for i in ids)
    assert set(all_ids.values()) == {1}

    with capsys.disabled():
        print(f"\nkill test: {accepted_at_kill} segments accepted before SIGKILL, "
              f"{in_flight} messages claimed and unrecorded at the kill (batch 200), "
              f"{sum(repeats.values())} repeated ({sorted(repeats)}), window {WINDOW}")
