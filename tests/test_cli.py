"""The ``telcodesk`` command as an operator uses it, in child processes."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import urllib.request

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_calendar_add_working_days_over_national_day(run_cli):
    result = run_cli("calendar", "add-working-days", "2025-09-30", "3")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2025-10-11"


def test_calendar_refuses_an_uncovered_year_with_one_line(run_cli):
    result = run_cli("calendar", "add-working-days", "2031-03-02", "3")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "2031" in lines[0]


def test_a_malformed_date_is_a_usage_error(run_cli):
    result = run_cli("calendar", "add-working-days", "30/09/2025", "3")
    assert result.returncode == 2
    assert "YYYY-MM-DD" in result.stderr


def test_an_unsupported_database_url_is_one_clear_line(run_cli):
    result = run_cli("migrate", env={"DATABASE_URL": "mysql://root@127.0.0.1/test"})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "telcodesk: error: DATABASE_URL names an unsupported database "
        "(django.db.backends.mysql); use sqlite:///path or postgres://user@host:port/name"
    ]


def test_an_unreachable_database_is_one_clear_line(run_cli):
    port = free_port()  # nothing listens there
    result = run_cli("migrate", env={"DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/x"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"telcodesk: error: cannot use the database (PostgreSQL "
                               f"127.0.0.1:{port}/x)")


def test_demo_no_serve_builds_once_then_reuses_the_data(run_cli):
    first = run_cli("demo", "--no-serve", "--subscribers", "40")
    assert first.returncode == 0, first.stderr
    assert "demo operator built" in first.stdout
    second = run_cli("demo", "--no-serve", "--subscribers", "40")
    assert second.returncode == 0, second.stderr
    assert "already holds data" in second.stdout
    refused = run_cli("seed", "--subscribers", "40")
    assert refused.returncode == 1
    assert len(refused.stderr.strip().splitlines()) == 1


def test_createstaff_then_token_then_api(run_cli):
    assert run_cli("demo", "--no-serve", "--subscribers", "20").returncode == 0
    bad_unit = run_cli("createstaff", "newclerk", "--unit", "nowhere", "--role",
                       "counter_clerk", "--password-stdin", input="a-good-password\n")
    assert bad_unit.returncode == 1
    assert "unknown org unit 'nowhere'" in bad_unit.stderr
    created = run_cli("createstaff", "newclerk", "--unit", "ty-xd", "--role", "counter_clerk",
                      "--password-stdin", input="a-good-password\n")
    assert created.returncode == 0, created.stderr
    issued = run_cli("token", "create", "newclerk", "--name", "crm")
    assert issued.returncode == 0, issued.stderr
    assert re.fullmatch(r"tdk_[0-9a-f]{8}_\S+", issued.stdout.strip())
    listed = run_cli("token", "list", "--user", "newclerk")
    assert "crm" in listed.stdout and "active" in listed.stdout
    prefix = issued.stdout.strip()[4:12]
    assert run_cli("token", "revoke", prefix).returncode == 0
    assert "revoked" in run_cli("token", "list", "--user", "newclerk").stdout


def test_demo_serves_and_stops_cleanly_on_ctrl_c(run_cli):
    port = free_port()
    demo = run_cli.spawn("demo", "--subscribers", "30", "--port", str(port),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    assert demo.stdout is not None
    seen: list[str] = []
    try:
        for line in demo.stdout:
            seen.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        text = "".join(seen)
        assert f"http://127.0.0.1:{port}/console/" in text, text
        assert "clerk.ty-xd" in text
        for path in ("/", "/console/login/", "/tmf-api/docs"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as page:
                assert page.status == 200
        # Ctrl-C in a terminal signals the whole foreground process group.
        os.killpg(demo.pid, signal.SIGINT)
        rest = demo.stdout.read()
        assert demo.wait(timeout=60) == 0, rest
        assert "stopped" in rest
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
