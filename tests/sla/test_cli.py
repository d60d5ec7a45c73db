"""``telcodesk sla due`` and ``telcodesk sla explain`` as a quality manager runs them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sla_due_and_explain(run_cli):
    due = run_cli("sla", "due", "--service", "broadband", "--kind", "install", "--area", "urban",
                  "--accepted", "2025-09-30T10:00")
    assert due.returncode == 0, due.stderr
    assert due.stdout.startswith("2025-10-11T10:00:00+08:00 (3 working days, standard ")
    repair = run_cli("sla", "due", "--service", "fixed", "--kind", "repair", "--area", "rural",
                     "--accepted", "2025-09-30T10:00")
    assert repair.stdout.startswith("2025-10-02T10:00:00+08:00 (48 h")

    uncovered = run_cli("sla", "due", "--service", "broadband", "--kind", "install", "--area",
                        "urban", "--accepted", "2035-09-30T10:00")
    assert uncovered.returncode == 1
    assert "2035" in uncovered.stderr and len(uncovered.stderr.strip().splitlines()) == 1

    unknown = run_cli("sla", "due", "--service", "satellite", "--kind", "install",
                      "--accepted", "2025-09-30T10:00")
    assert unknown.returncode == 2

    missing = run_cli("sla", "explain", "WO000000404")
    assert missing.returncode == 1 and "WO000000404" in missing.stderr
