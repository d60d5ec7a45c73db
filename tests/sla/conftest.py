from __future__ import annotations

import datetime as dt

import pytest

from telcodesk.core.calendar import calendar_from
from telcodesk.core.clock import operator_zone


@pytest.fixture
def cal():
    return calendar_from()


@pytest.fixture
def at():
    """``at(2025, 9, 30, 10)``: an instant in the operator's zone."""
    def make(*parts: int) -> dt.datetime:
        return dt.datetime(*parts, tzinfo=operator_zone())  # type: ignore[misc]
    return make
