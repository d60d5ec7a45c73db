"""``telcodesk report`` as a quality manager runs it (in-process, on the test database,
the real indicator engine)."""

from __future__ import annotations

import json
import zipfile
from decimal import Decimal

import pytest
from click.testing import CliRunner
from django.utils import translation

from telcodesk.cli import main
from telcodesk.core import clock
from tests.quality.report_support import AFTER_H2, add_records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: AFTER_H2)


@pytest.fixture(autouse=True)
def restore_language():
    yield
    translation.deactivate()  # the command activates English for its output


@pytest.fixture
def records(org):
    add_records(org)
    return org


def run(*args: str):
    return CliRunner().invoke(main, ["report", *args])


def test_json_of_the_last_complete_half_year_by_default(records, tmp_path):
    out = tmp_path / "report.json"
    result = run("--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert str(out) in result.stdout and "not met" in result.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["period"]["code"] == "2025H2"  # the 12 January 2026 clock: H2 is complete
    rows = {row["code"]: row for row in data["indicators"]}
    # (900+40+30+10 + 300+20+20+10) ÷ (1000+500), exactly, in percent.
    connection = rows["network_connection_rate"]
    assert Decimal(connection["value"]) == Decimal(1330) * 100 / Decimal(1500)
    assert connection["met"] is False  # below the 90% target
    assert Decimal(rows["billing_error_rate"]["value"]) == Decimal(5) / Decimal(110_000)
    assert rows["fixed_install_timely_rural"]["value"] is None  # no data, not 0
    assert [p["code"] for p in
            (m["period"] for m in data["breakdowns"]["months"])] == [
        f"2025-{m:02d}" for m in range(7, 13)]
    assert sorted(c["scope"]["unit_code"] for c in data["breakdowns"]["cities"]) == ["dt", "ty"]
    assert list(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_one_city_as_a_workbook(records, tmp_path):
    out = tmp_path / "ty.xlsx"
    result = run("--period", "2025H2", "--format", "xlsx", "--out", str(out), "--unit", "ty")
    assert result.exit_code == 0, result.output
    book = zipfile.ZipFile(out)
    assert "太原" in book.read("docProps/core.xml").decode("utf-8")
    sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>F" in sheet  # live formulas over the inputs


@pytest.mark.parametrize(("fmt", "start"), [("pdf", b"%PDF-"), ("html", b"<!doctype html>"),
                                            ("md", "# 演示电信".encode()),
                                            ("tmf657", b"{")])
def test_the_other_formats(records, tmp_path, fmt, start):
    out = tmp_path / f"report.{fmt}"
    result = run("--period", "2025H2", "--format", fmt, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(start)


def test_english(records, tmp_path):
    out = tmp_path / "report.md"
    result = run("--period", "2025H2", "--format", "md", "--out", str(out), "--language", "en")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "2. Service indicators, 2025 H2" in text and "Network connection rate" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--unit", "nowhere"], "telcodesk: error: unknown unit 'nowhere'"),
    (["--period", "2025H3"], "telcodesk: error: unknown period '2025H3'"),
    (["--period", "2024H1"], "telcodesk: error: no records at all in 2024H1"),
    (["--period", "2025-13"], "telcodesk: error: no month 13"),
])
def test_bad_input_is_one_line_and_writes_nothing(records, tmp_path, args, message):
    out = tmp_path / "report.pdf"
    out.write_bytes(b"the previous report")
    result = run("--format", "pdf", "--out", str(out), *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), result.stderr
    assert out.read_bytes() == b"the previous report"  # untouched
    assert list(tmp_path.iterdir()) == [out]


def test_an_outlet_is_not_a_report_scope(records, tmp_path):
    result = run("--format", "json", "--out", str(tmp_path / "x.json"), "--unit", "ty-xd-01")
    assert result.exit_code == 1
    assert "a report covers the operator, a city or a county" in result.stderr
    assert not (tmp_path / "x.json").exists()


def test_no_records_at_all(org, tmp_path):
    out = tmp_path / "report.json"
    result = run("--format", "json", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.strip() == ("telcodesk: error: no records at all in 2025H2: nothing "
                                     "to report")
    assert not out.exists()


def test_a_missing_directory(records, tmp_path):
    result = run("--format", "json", "--out", str(tmp_path / "nowhere" / "r.json"))
    assert result.exit_code == 1
    assert result.stderr.startswith("telcodesk: error: cannot write")
