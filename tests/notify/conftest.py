"""Fixtures of the notify tests: the SMS-centre simulator, a real SMPP server in its own process.

``smsc_process`` starts ``python -m telcodesk.notify.simulator`` once per test module
(on free ports, so every xdist worker has its own); ``smsc`` resets it (rules, records,
receipts) before each test and hands out the ``SimulatorProcess`` client:
``smsc.url(window=10)``, ``smsc.command("throttle", count=3)``,
``smsc.wait_for("accepted", 5)``, ``smsc.dump()``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from telcodesk.notify.simulator import SimulatorProcess


@pytest.fixture(scope="module")
def smsc_process() -> Iterator[SimulatorProcess]:
    with SimulatorProcess() as process:
        yield process


@pytest.fixture
def smsc(smsc_process: SimulatorProcess) -> Iterator[SimulatorProcess]:
    smsc_process.command("drop")  # links left over by an earlier test
    smsc_process.command("reset")
    yield smsc_process
    assert smsc_process.process.poll() is None, "the simulator process died during the test"
