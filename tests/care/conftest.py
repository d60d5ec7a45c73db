"""Fixtures of the care tests (the catalog ``shop`` and ``home`` come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.care import complaints_support


@pytest.fixture
def people(org, make_staff):
    """Complaint handlers, an agent, a clerk, a technician and managers (Xiaodian and up);
    a module may declare its own ``people``."""
    return complaints_support.complaint_people(org, make_staff)
