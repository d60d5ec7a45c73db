"""Fixtures of the quality tests (the catalog ``shop`` comes from tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.quality import indicator_records


@pytest.fixture
def operator(org, shop, make_staff):
    """The records of 2025H1 and 2025H2, built by hand (tests/quality/indicator_records.py)."""
    return indicator_records.build_operator(org, shop, make_staff)
