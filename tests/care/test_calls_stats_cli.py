"""``telcodesk calls stats`` as a quality manager runs it (in-process, on the test database)."""

from __future__ import annotations

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from django.utils import translation

from telcodesk.cli import main
from telcodesk.core import clock
from tests.care.factories_calls import make_call

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch, now):
    monkeypatch.setattr(clock, "now", lambda: now)


@pytest.fixture(autouse=True)
def restore_language():
    yield
    translation.deactivate()  # the command activates English for its output


@pytest.fixture
def calls():
    t = dt.datetime(2025, 8, 30, 9, 0, tzinfo=SH)
    make_call(queue="10000-mobile", at=t, wait=7)
    make_call(queue="10000-mobile", at=t, wait=30)
    make_call(queue="10000-mobile", at=t, wait=2, outcome="abandoned")
    make_call(queue="10000-repair", at=t + dt.timedelta(days=1), wait=12)
    make_call(queue="10000-repair", at=dt.datetime(2025, 9, 1, 0, 0, tzinfo=SH), wait=1)


def run(*args: str):
    return CliRunner().invoke(main, ["calls", "stats", *args])


def test_json_for_the_last_complete_month_by_default(calls):
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["period"]["start"] == "2025-08-01T00:00:00+08:00"
    assert data["period"]["end"] == "2025-09-01T00:00:00+08:00"
    assert data["total"]["offered"] == 4  # the 1 September call is outside
    rows = {row["group_code"]: row for row in data["rows"]}
    assert rows["mobile"]["offered"] == 3 and rows["mobile"]["answered_in_threshold"] == 1
    assert rows["mobile"]["timeliness_rate"] == 0.5  # 1 ÷ (3 − 1 short abandon)
    assert rows["mobile"]["avg_answer_seconds"] == 18.5
    assert rows["fixed"]["timeliness_rate"] is None  # no calls, never 0


def test_table_by_day_with_an_inclusive_end(calls):
    result = run("--from", "2025-08-30", "--to", "2025-08-31", "--by", "day")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("hotline figures 2025-08-30 to 2025-08-31 (inclusive)")
    day_30 = next(line for line in lines if line.startswith("2025-08-30"))
    assert day_30.split()[1:4] == ["3", "2", "1"]
    assert "50.0%" in day_30
    day_31 = next(line for line in lines if line.startswith("2025-08-31"))
    assert "100.0%" in day_31
    assert lines[-1].split()[:2] == ["total", "4"]


def test_group_filter_and_one_line_errors(calls):
    result = run("--from", "2025-08-01", "--to", "2025-08-31", "--group", "repair")
    assert result.exit_code == 0, result.output
    assert "group repair" in result.stdout.splitlines()[0]
    unknown = run("--group", "nope")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip().splitlines() == [
        "telcodesk: error: unknown skill group 'nope' (known: mobile, fixed, repair, "
        "complaint, gov, vip)"]
    backwards = run("--from", "2025-08-31", "--to", "2025-08-01")
    assert backwards.exit_code == 1 and len(backwards.stderr.strip().splitlines()) == 1
    malformed = run("--from", "31/08/2025")
    assert malformed.exit_code == 2


def test_help_says_the_end_is_inclusive():
    result = run("--help")
    assert "INCLUSIVE" in result.stdout and "fractions" in result.stdout


def test_every_outcome_is_named_and_they_add_up_to_offered(calls):
    t = dt.datetime(2025, 8, 30, 10, 0, tzinfo=SH)
    for outcome in ("timeout", "empty", "key", "unknown"):
        make_call(queue="10000-gov", at=t, wait=50, outcome=outcome)
    table = run("--from", "2025-08-01", "--to", "2025-08-31")
    assert table.exit_code == 0, table.output
    header = table.stdout.splitlines()[1]
    assert "timeout  queue empty  key exit  no exit recorded" in header
    total = table.stdout.splitlines()[-1].split()
    assert total[:8] == ["total", "8", "3", "1", "1", "1", "1", "1"]

    data = json.loads(run("--from", "2025-08-01", "--to", "2025-08-31", "--format",
                          "json").stdout)
    for row in [*data["rows"], data["total"]]:
        assert row["offered"] == sum(row[name] for name in (
            "answered", "abandoned", "timeout", "empty", "key", "unknown"))
    assert data["total"]["other_exits"] == 4
